//! Expressions: any text gives a value or an error, never a crash, on every
//! evaluator; and what parses means what a reference evaluator says.
//!
//! - a reference evaluator written here (an expression tree, printed with
//!   the fewest parentheses the usual precedence allows) against each
//!   evaluator: precedence, unary minus, `^` grouping to the right,
//!   functions, constants, numbers in every notation;
//! - arbitrary text, and generated deep or long expressions (nested
//!   parentheses, calls, signs and powers; flat sums and products of up to a
//!   hundred thousand terms): a value or an error, never a panic, an abort or
//!   a hang, on a thread with a small stack; where evaluators both answer, they agree.
//!
//! Fuzzing on stable: proptest, with a fixed number of cases, so it is bounded in time.

use std::panic::{AssertUnwindSafe, catch_unwind};

use parlab::{Expr, Integrand};
use proptest::prelude::*;

/// One way parlab evaluates an expression's text: parse once, then evaluate at any x.
type Parsed = Box<dyn Fn(f64) -> f64>;

/// An evaluator: its name, and how it parses a text.
type Evaluator = (&'static str, fn(&str) -> parlab::Result<Parsed>);

/// Every evaluator of expressions parlab has. A new one is one more line here.
const EVALUATORS: &[Evaluator] = &[("exmex, after the precedence pass (Expr)", |text| {
    Expr::parse(text).map(|e| Box::new(move |x| e.eval(x)) as Parsed)
})];

/// The stack each check runs on: a parse must fit in much less than a thread's usual 2 MiB.
const STACK: usize = 512 * 1024;

/// The points each parsed expression is evaluated at.
const XS: [f64; 6] = [-1.5, -0.3, 0.0, 0.7, 2.0, 10.0];

/// What every evaluator made of one text: refused, or its values at [`XS`].
#[derive(Debug)]
struct Outcome {
    name: &'static str,
    values: Option<Vec<f64>>,
}

/// Runs every evaluator on `text` on a thread with a small stack; fails on a
/// panic, and where two evaluators disagree on whether the text parses or on a value.
fn check_all(text: &str) -> Vec<Outcome> {
    let text = text.to_string();
    let outcomes = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            EVALUATORS
                .iter()
                .map(|(name, parse)| {
                    let parsed = catch_unwind(AssertUnwindSafe(|| parse(&text)))
                        .unwrap_or_else(|_| panic!("{name} panicked parsing {:?}", shorten(&text)));
                    let values = parsed.ok().map(|f| {
                        catch_unwind(AssertUnwindSafe(|| XS.iter().map(|&x| f(x)).collect::<Vec<f64>>()))
                            .unwrap_or_else(|_| panic!("{name} panicked evaluating {:?}", shorten(&text)))
                    });
                    Outcome { name, values }
                })
                .collect::<Vec<Outcome>>()
        })
        .expect("a thread starts")
        .join()
        .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
    for pair in outcomes.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert_eq!(a.values.is_some(), b.values.is_some(), "{} and {} disagree on whether it parses", a.name, b.name);
        if let (Some(p), Some(q)) = (&a.values, &b.values) {
            assert!(p.iter().zip(q).all(|(u, v)| same(*u, *v)), "{}: {p:?}, {}: {q:?}", a.name, b.name);
        }
    }
    outcomes
}

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn shorten(text: &str) -> String {
    text.chars().take(80).collect()
}

// ---- the reference: an expression tree, its value, and its text ----

#[derive(Clone, Debug)]
enum Tree {
    Number(f64, Notation),
    X,
    Pi,
    E,
    Neg(Box<Tree>),
    /// `+ - * / ^`
    Op(char, Box<Tree>, Box<Tree>),
    Call(&'static str, Box<Tree>),
    /// Parentheses nobody needed.
    Paren(Box<Tree>),
}

#[derive(Clone, Copy, Debug)]
enum Notation {
    Plain,
    Exponent,
}

const FUNCTIONS: [&str; 19] = [
    "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "ln", "log10", "log2", "sqrt", "cbrt",
    "abs", "signum", "floor", "ceil",
];

fn call(name: &str, a: f64) -> f64 {
    match name {
        "sin" => a.sin(),
        "cos" => a.cos(),
        "tan" => a.tan(),
        "asin" => a.asin(),
        "acos" => a.acos(),
        "atan" => a.atan(),
        "sinh" => a.sinh(),
        "cosh" => a.cosh(),
        "tanh" => a.tanh(),
        "exp" => a.exp(),
        "ln" => a.ln(),
        "log10" => a.log10(),
        "log2" => a.log2(),
        "sqrt" => a.sqrt(),
        "cbrt" => a.cbrt(),
        "abs" => a.abs(),
        "signum" => a.signum(),
        "floor" => a.floor(),
        "ceil" => a.ceil(),
        other => unreachable!("no function {other}"),
    }
}

impl Tree {
    /// The value, computed the way the usual rules read the tree.
    fn eval(&self, x: f64) -> f64 {
        match self {
            Tree::Number(v, _) => *v,
            Tree::X => x,
            Tree::Pi => std::f64::consts::PI,
            Tree::E => std::f64::consts::E,
            Tree::Neg(a) => -a.eval(x),
            Tree::Op(op, a, b) => {
                let (a, b) = (a.eval(x), b.eval(x));
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    '/' => a / b,
                    '^' => a.powf(b),
                    _ => unreachable!(),
                }
            }
            Tree::Call(name, a) => call(name, a.eval(x)),
            Tree::Paren(a) => a.eval(x),
        }
    }

    /// How tightly it binds: sums 1, products 2, signs 3, powers 4, atoms 5.
    fn binding(&self) -> u8 {
        match self {
            Tree::Op('+' | '-', ..) => 1,
            Tree::Op('*' | '/', ..) => 2,
            Tree::Neg(_) => 3,
            Tree::Op(..) => 4,
            _ => 5,
        }
    }

    /// The text with only the parentheses the rules need (and those of `Paren`):
    /// `+ - * /` group from the left, `^` from the right and tighter than a sign.
    fn text(&self, at_least: u8) -> String {
        if self.binding() < at_least {
            return format!("({})", self.text(1));
        }
        match self {
            Tree::Number(v, Notation::Plain) => format!("{v}"),
            Tree::Number(v, Notation::Exponent) => format!("{v:e}"),
            Tree::X => "x".into(),
            Tree::Pi => "pi".into(),
            Tree::E => "e".into(),
            Tree::Neg(a) => format!("-{}", a.text(3)),
            Tree::Op(op @ ('+' | '-'), a, b) => format!("{} {op} {}", a.text(1), b.text(2)),
            Tree::Op(op @ ('*' | '/'), a, b) => format!("{}{op}{}", a.text(2), b.text(3)),
            Tree::Op(op, a, b) => format!("{}{op}{}", a.text(5), b.text(3)),
            Tree::Call(name, a) => format!("{name}({})", a.text(1)),
            Tree::Paren(a) => format!("({})", a.text(1)),
        }
    }
}

fn tree() -> impl Strategy<Value = Tree> {
    let number = (0u32..2000, 0i32..4, any::<bool>()).prop_map(|(digits, shift, exp)| {
        let v = digits as f64 / 10f64.powi(shift);
        Tree::Number(v, if exp { Notation::Exponent } else { Notation::Plain })
    });
    let leaf = prop_oneof![4 => number, 4 => Just(Tree::X), 1 => Just(Tree::Pi), 1 => Just(Tree::E)];
    leaf.prop_recursive(6, 48, 2, |inner| {
        prop_oneof![
            2 => inner.clone().prop_map(|a| Tree::Neg(Box::new(a))),
            6 => (prop::sample::select(vec!['+', '-', '*', '/', '^']), inner.clone(), inner.clone())
                .prop_map(|(op, a, b)| Tree::Op(op, Box::new(a), Box::new(b))),
            2 => (prop::sample::select(FUNCTIONS.to_vec()), inner.clone()).prop_map(|(f, a)| Tree::Call(f, Box::new(a))),
            1 => inner.prop_map(|a| Tree::Paren(Box::new(a))),
        ]
    })
}

#[test]
fn the_printed_trees_read_as_the_rules_say() {
    // The printer itself, on the cases the rules are about.
    let x = || Box::new(Tree::X);
    let two = || Box::new(Tree::Number(2.0, Notation::Plain));
    assert_eq!(Tree::Neg(Box::new(Tree::Op('^', x(), two()))).text(1), "-x^2");
    assert_eq!(Tree::Op('^', Box::new(Tree::Neg(x())), two()).text(1), "(-x)^2");
    assert_eq!(Tree::Op('^', two(), Box::new(Tree::Op('^', two(), x()))).text(1), "2^2^x");
    assert_eq!(Tree::Op('^', Box::new(Tree::Op('^', two(), two())), x()).text(1), "(2^2)^x");
    assert_eq!(Tree::Op('-', x(), Box::new(Tree::Op('-', x(), two()))).text(1), "x - (x - 2)");
    assert_eq!(Tree::Op('/', x(), Box::new(Tree::Op('*', x(), two()))).text(1), "x/(x*2)");
    // And what they mean, through every evaluator.
    for (text, at_two) in
        [("-x^2", -4.0), ("(-x)^2", 4.0), ("2^3^x", 512.0), ("(2^3)^x", 64.0), ("x - (x - 2)", 2.0), ("12/x/3", 2.0)]
    {
        for outcome in check_all(text) {
            let want = text.replace('x', "2");
            assert_eq!(outcome.values.as_ref().map(|v| v[4]), Some(at_two), "{} on {text} ({want})", outcome.name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Generated expressions parse, and give the reference's bits at every x.
    #[test]
    fn every_evaluator_agrees_with_the_reference(tree in tree()) {
        let text = tree.text(1);
        for outcome in check_all(&text) {
            let values = outcome.values.unwrap_or_else(|| panic!("{} refused {text:?}", outcome.name));
            for (x, got) in XS.iter().zip(values) {
                let want = tree.eval(*x);
                prop_assert!(same(got, want), "{}: {text} at x = {x}: {got} (reference {want})", outcome.name);
            }
        }
    }

    /// Any text at all: a value or an error, never a panic.
    #[test]
    fn arbitrary_text_never_crashes(text in any::<String>()) {
        check_all(&text);
    }

    /// Text made of the language's own pieces, in any order: the hard cases for a parser.
    #[test]
    fn the_languages_pieces_in_any_order_never_crash(
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "(", ")", "+", "-", "*", "/", "^", " ", "x", "e", "pi", "2", ".5", "1e3", "2e-", "1.2.3", "sin", "sin(",
                "log10", "y", "é", "α", "_", ",", "E", "PI", "min", "atan2", "0", "9e999",
            ]),
            0..40,
        )
    ) {
        check_all(&pieces.concat());
    }
}

/// The value of an expression of a family, for its k, at x.
type Value = fn(usize, f64) -> f64;

/// A deep or long expression whose value is known: its text, nesting depth, tokens, and value.
struct Known {
    text: String,
    depth: usize,
    tokens: usize,
    value: Value,
}

fn deep_or_long(kind: usize, k: usize) -> Known {
    let nested = |open: &str, close: &str| format!("{}x{}", open.repeat(k), close.repeat(k));
    let (text, depth, tokens, value): (String, usize, usize, Value) = match kind {
        0 => (nested("(", ")"), k + 1, 2 * k + 1, |_, x| x),
        1 => (nested("sin(", ")"), k + 1, 3 * k + 1, |k, x| (0..k).fold(x, |v, _| v.sin())),
        2 => (nested("-", ""), k + 1, k + 1, |k, x| if k % 2 == 0 { x } else { -x }),
        3 => (nested("1^", ""), k + 1, 2 * k + 1, |_, _| 1.0),
        4 => (vec!["x"; k + 1].join("+"), 1, 2 * k + 1, |k, x| (0..k).fold(x, |v, _| v + x)),
        _ => (vec!["1"; k + 1].join("*"), 1, 2 * k + 1, |_, _| 1.0),
    };
    Known { text, depth, tokens, value }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Nesting up to a hundred thousand levels and runs of up to a hundred
    /// thousand terms: within the limits each evaluator gives the value, beyond
    /// them an error, and never a crash (on a 512 KiB stack).
    #[test]
    fn deep_and_long_expressions_give_a_value_or_an_error(kind in 0usize..6, magnitude in 0u32..18) {
        let k = (1usize << magnitude).min(100_000) + magnitude as usize;
        let Known { text, depth, tokens, value } = deep_or_long(kind, k);
        let within = depth <= Expr::MAX_DEPTH && tokens <= Expr::MAX_TOKENS;
        for outcome in check_all(&text) {
            match outcome.values {
                Some(values) => {
                    prop_assert!(within, "{} took {} levels and {} tokens", outcome.name, depth, tokens);
                    for (x, got) in XS.iter().zip(values) {
                        prop_assert!(same(got, value(k, *x)), "{} on kind {kind}, k = {k}, x = {x}: {got}", outcome.name);
                    }
                }
                None => prop_assert!(!within, "{} refused kind {kind} with k = {k}", outcome.name),
            }
        }
    }
}

#[test]
fn the_limits_are_where_the_docs_say() {
    // Exactly at each limit an expression parses; one past it, it is refused with the reason.
    let nested = |k: usize| format!("{}x{}", "(".repeat(k), ")".repeat(k));
    assert!(Expr::parse(&nested(Expr::MAX_DEPTH - 1)).is_ok());
    assert!(Expr::parse(&nested(Expr::MAX_DEPTH)).unwrap_err().to_string().contains("levels deep"));
    let terms = |k: usize| vec!["x"; k].join("+");
    assert!(Expr::parse(&terms(Expr::MAX_TOKENS.div_ceil(2))).is_ok());
    let err = Expr::parse(&terms(Expr::MAX_TOKENS.div_ceil(2) + 1)).unwrap_err().to_string();
    assert!(err.contains("tokens") && err.contains("limit"), "{err}");
    // A hundred thousand terms are refused quickly, not parsed for minutes.
    let clock = std::time::Instant::now();
    assert!(Expr::parse(&("1+".repeat(100_000) + "1")).is_err());
    assert!(clock.elapsed().as_secs() < 10, "took {:?}", clock.elapsed());
}

#[test]
fn numbers_in_every_notation_read_as_rust_reads_them() {
    for text in ["2e-3", "1.5E+2", ".5", "5.", "0.1", "123456789.125", "1e-300", "1e300", "4.9e-324"] {
        let want: f64 = text.parse().unwrap();
        for outcome in check_all(text) {
            assert_eq!(outcome.values.map(|v| v[0].to_bits()), Some(want.to_bits()), "{} on {text}", outcome.name);
        }
    }
    assert!(Expr::parse("2e999").unwrap_err().to_string().contains("infinity"));
}
