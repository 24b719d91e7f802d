//! Expressions in `x`, parsed once and evaluated fast.

use std::fmt;

use super::function::Integrand;
use super::portable::{Portable, sealed};
use super::program::Program;
use super::recipe::Recipe;
use super::syntax::{self, Refusal};
use crate::error::{Error, Result};

/// A parsed expression in `x`, such as `1/(1+x^2)` or `exp(-x^2)*sin(3*x)`.
///
/// The text is parsed once, with the usual precedence (`-x^2` is −(x²),
/// `2^3^2` is 2⁹, `a-b-c` is (a−b)−c), and compiled into a flat program of
/// instructions. The language has `+ - * / ^`, parentheses, numbers (`2`,
/// `0.5`, `.5`, `2e-3`), the variable `x`, the constants `pi` and `e`, and the
/// functions `sin cos tan asin acos atan sinh cosh tanh exp ln log10 log2 sqrt
/// cbrt abs signum floor ceil`; also `asinh acosh atanh round trunc fract`,
/// `log` (the same as `ln`), and the constants `PI`, `π`, `E`, `TAU` and `τ`.
///
/// # Speed and bits
///
/// [`eval_block`](Integrand::eval_block) runs each instruction over a whole
/// block of points at a time, numpy style, in loops the compiler vectorises:
/// reading the program costs once per block, not once per point, so
/// `1/(1+x^2)` costs about what the compiled function costs. Every way of
/// evaluating gives the same bits: [`eval`](Integrand::eval) and
/// `eval_block`, on every thread, in worker processes (which get the text and
/// compile it the same way), and on every machine: the transcendental
/// functions and `^` are the `libm` crate's, compiled into parlab, not the
/// system's. `a^2` is `a*a`, which is what libm's `pow(a, 2)` returns.
///
/// # Limits
///
/// Any text gives an expression or an error, never a crash or a hang: nesting
/// (parentheses, function calls, signs and powers inside one another) may go
/// [`MAX_DEPTH`](Expr::MAX_DEPTH) levels deep, and an expression may have
/// [`MAX_TOKENS`](Expr::MAX_TOKENS) tokens.
///
/// # Examples
///
/// ```
/// use parlab::{Expr, Integrand};
/// let f = Expr::parse("1/(1+x^2)").unwrap();
/// assert_eq!(f.eval(1.0), 0.5);
/// let mut out = [0.0; 3];
/// f.eval_block(&[0.0, 1.0, 3.0], &mut out);
/// assert_eq!(out, [1.0, 0.5, 0.1]);
/// assert!(Expr::parse("1/(1+y^2)").unwrap_err().to_string().contains("unknown name `y`"));
/// let deep = format!("{}x{}", "(".repeat(500), ")".repeat(500));
/// assert!(Expr::parse(&deep).unwrap_err().to_string().contains("levels deep"));
/// ```
#[derive(Clone)]
pub struct Expr {
    text: String,
    program: Program,
}

impl Expr {
    /// How deep parentheses, function calls, signs and powers may nest inside one another.
    pub const MAX_DEPTH: usize = syntax::MAX_DEPTH;
    /// How many tokens (numbers, names, operators, parentheses) an expression may have.
    pub const MAX_TOKENS: usize = syntax::MAX_TOKENS;

    /// Parses `text`, refusing anything that does not parse or uses an unknown name.
    pub fn parse(text: &str) -> Result<Expr> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(Error::Parse { expr: shown(text), message: "the expression is empty".into() });
        }
        let steps = syntax::parse(trimmed).map_err(|refusal| match refusal {
            Refusal::Syntax(message) => Error::Parse { expr: shown(text), message },
            Refusal::UnknownName(name) => Error::UnknownName { expr: shown(text), name },
        })?;
        Ok(Expr { text: trimmed.to_string(), program: Program::compile(&steps) })
    }

    /// The text this expression was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The text as an error message shows it: whole if short, else its start and its length.
fn shown(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} characters in all)", &text[..end], text.chars().count()),
    }
}

impl Integrand for Expr {
    #[inline]
    fn eval(&self, x: f64) -> f64 {
        self.program.eval(x)
    }

    fn eval_block(&self, xs: &[f64], out: &mut [f64]) {
        self.program.eval_block(xs, out);
    }

    fn recipe(&self) -> Option<Recipe> {
        Some(self.to_recipe())
    }
}

impl sealed::Sealed for Expr {}

impl Portable for Expr {
    fn to_recipe(&self) -> Recipe {
        Recipe::Expr(self.text.clone())
    }
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expr").field(&self.text).finish()
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Expr {
    type Err = Error;
    fn from_str(text: &str) -> Result<Expr> {
        Expr::parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_use_x_pi_and_e() {
        let f = Expr::parse("exp(-x^2)*sin(3*x) + pi - e").unwrap();
        let x: f64 = 0.7;
        let want = (-x * x).exp() * (3.0 * x).sin() + std::f64::consts::PI - std::f64::consts::E;
        assert!((f.eval(x) - want).abs() < 1e-15);
        assert_eq!(Expr::parse("2").unwrap().eval(5.0), 2.0);
        assert_eq!(Expr::parse("pi").unwrap().eval(5.0), std::f64::consts::PI);
    }

    #[test]
    fn minus_and_powers_follow_the_usual_rules() {
        let at = |text: &str, x: f64| Expr::parse(text).unwrap().eval(x);
        assert_eq!(at("-x^2", 3.0), -9.0);
        assert_eq!(at("exp(-x^2)", 1.0), (-1.0f64).exp());
        assert_eq!(at("2^3^2", 0.0), 512.0);
        assert_eq!(at("2^-x", 1.0), 0.5);
        assert_eq!(at("-sin(x)^2", 1.0), -(libm::sin(1.0).powi(2)));
        assert_eq!(at("2*-x^2", 3.0), -18.0);
        assert_eq!(at("(-x)^2", 3.0), 9.0);
        assert_eq!(at("1-2-3", 0.0), -4.0);
        assert_eq!(at("12/2/3", 0.0), 2.0);
    }

    #[test]
    fn the_required_functions_parse() {
        for name in ["sin", "cos", "tan", "exp", "ln", "sqrt", "abs", "atan"] {
            let f = Expr::parse(&format!("{name}(x/2)")).unwrap();
            assert!(f.eval(0.5).is_finite(), "{name}");
        }
    }

    #[test]
    fn bad_expressions_are_refused_with_their_text() {
        let err = Expr::parse("1/(1+").unwrap_err();
        assert!(matches!(err, Error::Parse { .. }), "{err}");
        assert!(err.to_string().contains("1/(1+"));
        let err = Expr::parse("sin(y)").unwrap_err();
        assert_eq!(err, Error::UnknownName { expr: "sin(y)".into(), name: "y".into() });
        assert!(matches!(Expr::parse("  ").unwrap_err(), Error::Parse { .. }));
    }

    #[test]
    fn long_texts_are_shown_shortened() {
        let text = format!("{}x", "-".repeat(5000));
        let err = Expr::parse(&text).unwrap_err().to_string();
        assert!(err.len() < 400, "{err}");
        assert!(err.contains("(5001 characters in all)") && err.contains("tokens"), "{err}");
        assert_eq!(shown("sin(x)"), "sin(x)");
        let long = "1+".repeat(100_000) + "1";
        let err = Expr::parse(&long).unwrap_err().to_string();
        assert!(err.contains("200001 tokens") && err.contains("limit of 2000"), "{err}");
    }
}
