//! What we integrate: closures, parsed expressions, boxed functions and catalogue entries.
//!
//! Everything that can be integrated implements [`Integrand`]. Any closure
//! `Fn(f64) -> f64 + Sync` already does, so a student can write
//! `|x: f64| x.sin()` or a `fn` item and pass it straight to a rule.
//!
//! Only an integrand with a [`Recipe`] can cross into another process: a
//! closure is code and captured memory that live in *this* process, so the
//! process backend sends a catalogue name or an expression's text instead,
//! and the worker rebuilds the integrand on its side.

use std::fmt;
use std::sync::Arc;

use exmex::{Express, FlatEx};
use serde::{Deserialize, Serialize};

use crate::catalogue;
use crate::error::{Error, Result};

/// A function of one real variable that can be integrated, from any thread.
///
/// # Scope
///
/// The bound is `Sync` because parallel backends share one integrand by
/// reference (`&dyn Integrand`) between all their threads: sharing a `&T`
/// across threads is exactly what `T: Sync` allows, and making `Sync` part of
/// the trait is what lets every `&dyn Integrand` cross. A closure that captures an `Rc` or a `Cell`
/// is not `Sync`, so it is refused at compile time:
///
/// ```compile_fail,E0277
/// use std::rc::Rc;
/// let scale = Rc::new(2.0);
/// // scope: the closure captures the Rc by reference; Rc is not Sync.
/// let f = move |x: f64| *scale * x;
/// let setup = parlab::Setup::new(0.0, 1.0).unwrap();
/// let pool = parlab::parallel::Pool::new(2).unwrap();
/// parlab::parallel::sweep(&f, &setup, &[10, 20], &pool).unwrap();
/// ```
///
/// # Examples
///
/// ```
/// use parlab::Integrand;
/// let square = |x: f64| x * x;
/// assert_eq!(square.eval(3.0), 9.0);
/// assert!(square.recipe().is_none()); // a closure cannot travel to another process
/// ```
pub trait Integrand: Sync {
    /// The value at `x`.
    fn eval(&self, x: f64) -> f64;

    /// How another process can rebuild this integrand, if it can.
    fn recipe(&self) -> Option<Recipe> {
        None
    }
}

impl<F: Fn(f64) -> f64 + Sync + ?Sized> Integrand for F {
    #[inline]
    fn eval(&self, x: f64) -> f64 {
        self(x)
    }
}

/// Whether `f` is the lecture's catalogue integrand.
pub(crate) fn is_lecture(f: &dyn Integrand) -> bool {
    matches!(f.recipe(), Some(Recipe::Catalogue(name)) if name == "lecture")
}

/// Runs `$body` with `$g` bound to the integrand, with the lecture's
/// catalogue function compiled in.
///
/// The public functions take `&dyn Integrand`, so they are compiled once,
/// in parlab, and a notebook cell that calls them compiles in a second
/// instead of re-optimising every rule for its own closure's type. The price
/// is one indirect call per evaluation (about 20% of the lecture's kernel);
/// the lecture's own integrand, which the benchmarks time, skips it.
macro_rules! with_integrand {
    ($f:expr, |$g:ident| $body:expr) => {{
        let f: &dyn $crate::Integrand = $f;
        if $crate::integrand::is_lecture(f) {
            let $g = &$crate::catalogue::lecture;
            $body
        } else {
            let $g = f;
            $body
        }
    }};
}
pub(crate) use with_integrand;

/// How an integrand travels to a worker process: as text, never as code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipe {
    /// A catalogue entry, by name.
    Catalogue(String),
    /// An expression, by its text.
    Expr(String),
}

impl Recipe {
    /// Rebuilds the integrand this recipe describes.
    pub fn build(&self) -> Result<Func> {
        match self {
            Recipe::Catalogue(name) => Ok(Func::from(catalogue::get(name)?)),
            Recipe::Expr(text) => Ok(Func::from(Expr::parse(text)?)),
        }
    }
}

/// A parsed expression in `x`, such as `1/(1+x^2)` or `exp(-x^2)*sin(3*x)`.
///
/// The text is parsed once, by [exmex], into a flat form that is fast to
/// evaluate. Precedence is the usual one (`-x^2` is −(x²), `2^3^2` is 2⁹):
/// a small pass parenthesises the text first, because exmex alone reads
/// `-x^2` as (−x)². The language has `+ - * / ^`, parentheses, the variable `x`,
/// the constants `pi` and `e`, and the functions `sin cos tan asin acos atan
/// sinh cosh tanh exp ln log10 log2 sqrt cbrt abs signum floor ceil`.
///
/// # Examples
///
/// ```
/// use parlab::{Expr, Integrand};
/// let f = Expr::parse("1/(1+x^2)").unwrap();
/// assert_eq!(f.eval(1.0), 0.5);
/// assert!(Expr::parse("1/(1+y^2)").unwrap_err().to_string().contains("unknown name `y`"));
/// ```
#[derive(Clone)]
pub struct Expr {
    text: String,
    flat: FlatEx<f64>,
    /// Values for the variables exmex found (a subset of `e`, `pi`, `x`), in
    /// its order; the slot of `x` is overwritten at each evaluation.
    values: [f64; 3],
    len: usize,
    x_slot: Option<usize>,
}

impl Expr {
    /// Parses `text`, refusing anything that does not parse or uses an unknown name.
    pub fn parse(text: &str) -> Result<Expr> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(Error::Parse { expr: text.to_string(), message: "the expression is empty".into() });
        }
        let explicit =
            crate::syntax::parenthesise(trimmed).map_err(|message| Error::Parse { expr: text.to_string(), message })?;
        let flat = exmex::parse::<f64>(&explicit)
            .map_err(|e| Error::Parse { expr: text.to_string(), message: e.to_string() })?;
        let mut values = [0.0; 3];
        let mut x_slot = None;
        let names = flat.var_names();
        for (slot, name) in names.iter().enumerate() {
            match name.as_str() {
                "e" => values[slot] = std::f64::consts::E,
                "pi" => values[slot] = std::f64::consts::PI,
                "x" => x_slot = Some(slot),
                other => return Err(Error::UnknownName { expr: text.to_string(), name: other.to_string() }),
            }
        }
        let len = names.len();
        Ok(Expr { text: trimmed.to_string(), flat, values, len, x_slot })
    }

    /// The text this expression was parsed from.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl Integrand for Expr {
    #[inline]
    fn eval(&self, x: f64) -> f64 {
        let mut values = self.values;
        if let Some(slot) = self.x_slot {
            values[slot] = x;
        }
        // The slice has exactly as many values as variables, so this cannot fail;
        // NaN would still be caught by the NaN check of the rules.
        self.flat.eval(&values[..self.len]).unwrap_or(f64::NAN)
    }

    fn recipe(&self) -> Option<Recipe> {
        Some(Recipe::Expr(self.text.clone()))
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

/// A boxed integrand: any integrand behind one owned, clonable type.
///
/// A notebook cell cannot keep a closure in a variable for later cells, but it
/// can keep a `Func`: the closure moves into a heap allocation the `Func` owns.
///
/// # Scope
///
/// [`Func::new`] takes the closure by value (`F: 'static`): the closure, and
/// everything it captured by move, now belongs to the `Func`, and lives as
/// long as the last clone of it. `Send + Sync` let clones of it be used from
/// any thread.
///
/// # Examples
///
/// ```
/// use parlab::{Func, Integrand};
/// let k = 3.0;
/// // scope: `k` is copied into the closure, which moves into the Func.
/// let f = Func::new("3x^2", move |x| k * x * x);
/// assert_eq!(f.eval(2.0), 12.0);
/// assert_eq!(f.to_string(), "3x^2");
/// ```
#[derive(Clone)]
pub struct Func {
    label: String,
    f: Arc<dyn Fn(f64) -> f64 + Send + Sync>,
    recipe: Option<Recipe>,
}

impl Func {
    /// Boxes a closure, with a label for tables and charts.
    pub fn new(label: impl Into<String>, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Func {
        Func { label: label.into(), f: Arc::new(f), recipe: None }
    }

    /// Parses an expression into a `Func` that can also cross into another process.
    pub fn expr(text: &str) -> Result<Func> {
        Ok(Func::from(Expr::parse(text)?))
    }

    /// The label given at construction.
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl Integrand for Func {
    #[inline]
    fn eval(&self, x: f64) -> f64 {
        (self.f)(x)
    }

    fn recipe(&self) -> Option<Recipe> {
        self.recipe.clone()
    }
}

impl From<Expr> for Func {
    fn from(expr: Expr) -> Func {
        let label = expr.text().to_string();
        let recipe = expr.recipe();
        // scope: the Expr moves into the closure, which moves into the Arc.
        Func { label, f: Arc::new(move |x| expr.eval(x)), recipe }
    }
}

impl From<&'static catalogue::Entry> for Func {
    fn from(entry: &'static catalogue::Entry) -> Func {
        Func { label: entry.name.to_string(), f: Arc::new(entry.f), recipe: entry.recipe() }
    }
}

impl fmt::Debug for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Func").field("label", &self.label).field("recipe", &self.recipe).finish()
    }
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Parses a command-line style integrand: a catalogue name or an expression.
///
/// A catalogue name wins when the text is exactly one; anything else is
/// parsed as an expression.
pub fn resolve(text: &str) -> Result<Func> {
    match catalogue::find(text.trim()) {
        Some(entry) => Ok(Func::from(entry)),
        None => Func::expr(text),
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
        assert_eq!(at("-sin(x)^2", 1.0), -(1.0f64.sin().powi(2)));
        assert_eq!(at("2*-x^2", 3.0), -18.0);
        assert_eq!(at("(-x)^2", 3.0), 9.0);
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
    fn recipes_rebuild_the_same_function() {
        let f = Func::expr("x^3").unwrap();
        let g = f.recipe().unwrap().build().unwrap();
        assert_eq!(f.eval(1.5), g.eval(1.5));
        let lecture = resolve("lecture").unwrap();
        assert_eq!(lecture.recipe(), Some(Recipe::Catalogue("lecture".into())));
        assert_eq!(lecture.eval(1.0), 0.5);
    }
}
