//! Expressions: any text gives a value or an error, never a crash, on every
//! evaluator; and what parses means what a reference evaluator says.
//!
//! - a reference evaluator written here (an expression tree, printed with
//!   the fewest parentheses the usual precedence allows) against each
//!   evaluator, point by point and over blocks: precedence, unary minus, `^`
//!   grouping to the right, functions, constants, numbers in every notation;
//! - arbitrary text, and generated deep or long expressions (nested
//!   parentheses, calls, signs and powers; flat sums and products of up to a
//!   hundred thousand terms): a value or an error, never a panic, an abort or
//!   a hang, on a thread with a small stack; where evaluators both answer, they agree;
//! - blocks of every length (empty, odd, across the evaluator's chunks), NaN
//!   and ±∞ in and out, and expressions at the depth limit: a block gives the
//!   bits of each point.
//!
//! Fuzzing on stable: proptest, with a fixed number of cases, so it is bounded in time.

use std::panic::{AssertUnwindSafe, catch_unwind};

use parlab::{Expr, Integrand};
use proptest::prelude::*;

/// One way parlab evaluates an expression's text: parse once, then evaluate at the given points.
type Parsed = Box<dyn Fn(&[f64]) -> Vec<f64>>;

/// An evaluator: its name, and how it parses a text.
type Evaluator = (&'static str, fn(&str) -> parlab::Result<Parsed>);

/// Every evaluator of expressions parlab has. A new one is one more line here.
const EVALUATORS: &[Evaluator] = &[
    ("Expr::eval, point by point", |text| {
        Expr::parse(text).map(|e| Box::new(move |xs: &[f64]| xs.iter().map(|&x| e.eval(x)).collect()) as Parsed)
    }),
    ("Expr::eval_block, all points in one block", |text| {
        Expr::parse(text).map(|e| Box::new(move |xs: &[f64]| block(&e, xs)) as Parsed)
    }),
    ("Expr::eval_block, blocks of 1, 2, 3 … points", |text| {
        Expr::parse(text).map(|e| {
            Box::new(move |xs: &[f64]| {
                let mut out = Vec::new();
                let mut rest = xs;
                for len in 1.. {
                    let (now, later) = rest.split_at(len.min(rest.len()));
                    out.extend(block(&e, now));
                    rest = later;
                    if rest.is_empty() {
                        break;
                    }
                }
                out
            }) as Parsed
        })
    }),
    ("Expr::eval_block, in the middle of a long block", |text| {
        Expr::parse(text).map(|e| {
            Box::new(move |xs: &[f64]| {
                // Many copies of the points, and the copy starting at point 1021
                // (filler before it), so the points lie across the evaluator's
                // inner chunks wherever their edges are.
                let offset = 1021;
                let mut long = vec![0.25; offset];
                long.extend(xs.iter().cycle().take(3000));
                block(&e, &long)[offset..offset + xs.len()].to_vec()
            }) as Parsed
        })
    }),
];

/// `eval_block` over `xs`, into an `out` longer than `xs` that must stay untouched past `xs.len()`.
fn block(e: &Expr, xs: &[f64]) -> Vec<f64> {
    let marker = f64::from_bits(0x7ff8_dead_beef_0001);
    let mut out = vec![marker; xs.len() + 3];
    e.eval_block(xs, &mut out);
    assert!(out[xs.len()..].iter().all(|y| y.to_bits() == marker.to_bits()), "eval_block wrote past the block");
    out.truncate(xs.len());
    out
}

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
                        catch_unwind(AssertUnwindSafe(|| f(&XS)))
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

/// What each function means: libm's function, or the exact operation of `f64`.
fn call(name: &str, a: f64) -> f64 {
    match name {
        "sin" => libm::sin(a),
        "cos" => libm::cos(a),
        "tan" => libm::tan(a),
        "asin" => libm::asin(a),
        "acos" => libm::acos(a),
        "atan" => libm::atan(a),
        "sinh" => libm::sinh(a),
        "cosh" => libm::cosh(a),
        "tanh" => libm::tanh(a),
        "exp" => libm::exp(a),
        "ln" => libm::log(a),
        "log10" => libm::log10(a),
        "log2" => libm::log2(a),
        "sqrt" => a.sqrt(),
        "cbrt" => libm::cbrt(a),
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
                    '^' => libm::pow(a, b),
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
        1 => (nested("sin(", ")"), k + 1, 3 * k + 1, |k, x| (0..k).fold(x, |v, _| libm::sin(v))),
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

/// The bits `eval` gives at each point of `xs`.
fn point_by_point(e: &Expr, xs: &[f64]) -> Vec<f64> {
    xs.iter().map(|&x| e.eval(x)).collect()
}

fn same_all(p: &[f64], q: &[f64]) -> bool {
    p.len() == q.len() && p.iter().zip(q).all(|(u, v)| same(*u, *v))
}

#[test]
fn blocks_of_every_length_give_the_bits_of_each_point() {
    let xs: Vec<f64> = (0..1100).map(|i| -3.0 + i as f64 * 0.005_3).collect();
    for text in ["1/(1+x^2)", "exp(-x^2)*sin(3*x)", "x^x - 2^-x/(x - 0.5)", "sqrt(abs(x))^3 - cbrt(x)", "2", "x", "-x"]
    {
        let e = Expr::parse(text).unwrap();
        let lengths = (0..=40).chain([255, 256, 257, 511, 512, 513, 1023, 1100]);
        for len in lengths {
            let xs = &xs[xs.len() - len..];
            assert!(same_all(&block(&e, xs), &point_by_point(&e, xs)), "{text}, a block of {len}");
        }
    }
    // An empty block writes nothing, even into an empty `out`.
    Expr::parse("1/x").unwrap().eval_block(&[], &mut []);
}

#[test]
fn nan_and_infinities_pass_through_blocks_as_through_points() {
    let specials = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, 1.0, -1.0, 5e-324, f64::MAX];
    let at = |text: &str| {
        let e = Expr::parse(text).unwrap();
        let values = block(&e, &specials);
        assert!(same_all(&values, &point_by_point(&e, &specials)), "{text}");
        values
    };
    // IEEE arithmetic, with nothing folded away: 0*x is NaN at ±∞, x - x is NaN at ∞.
    let [nan, inf, ninf, zero, nzero, one, ..] = at("1/x")[..] else { unreachable!() };
    assert!(nan.is_nan() && inf == 0.0 && ninf.to_bits() == (-0.0f64).to_bits() && one == 1.0);
    assert_eq!((zero, nzero), (f64::INFINITY, f64::NEG_INFINITY));
    let times_zero = at("0*x");
    assert!(times_zero[0].is_nan() && times_zero[1].is_nan() && times_zero[2].is_nan() && times_zero[3] == 0.0);
    assert!(at("x - x")[1].is_nan());
    assert!(at("sqrt(x)")[6].is_nan() && at("ln(x)")[3] == f64::NEG_INFINITY);
    assert_eq!(at("x^2")[8], f64::INFINITY);
    // libm's pow: anything to the power 0 is 1, NaN too; 1 to any power is 1.
    assert!(at("x^0").iter().all(|&y| y == 1.0));
    assert_eq!(at("1^x")[0], 1.0);
    // A NaN in the middle of a block spoils its own point only.
    let xs = [0.5, f64::NAN, 0.5];
    let values = block(&Expr::parse("1/(1+x^2)").unwrap(), &xs);
    assert!(values[0] == 0.8 && values[1].is_nan() && values[2] == 0.8, "{values:?}");
}

#[test]
fn expressions_at_the_depth_limit_evaluate_in_blocks() {
    let k = Expr::MAX_DEPTH - 1;
    let xs: Vec<f64> = (0..600).map(|i| -1.0 + i as f64 / 300.0).collect();
    // Each level leaves a value waiting for the inner ones: the most registers an expression can need.
    let waiting = format!("{}x{}", "sin(x)*(1+".repeat(k), ")".repeat(k));
    let nested = [
        format!("{}x{}", "(".repeat(k), ")".repeat(k)),
        format!("{}x{}", "sin(".repeat(k), ")".repeat(k)),
        format!("{}x", "-".repeat(k)),
        format!("{}x", "1.0001^".repeat(k)),
        waiting.clone(),
    ];
    for text in &nested {
        let e = Expr::parse(text).unwrap_or_else(|err| panic!("{err}"));
        let values = block(&e, &xs);
        assert!(same_all(&values, &point_by_point(&e, &xs)), "{}…", &text[..30]);
    }
    // And the waiting one means what it says: sin(x)*(1 + sin(x)*(1 + … x)).
    let e = Expr::parse(&waiting).unwrap();
    for &x in &xs {
        let want = (0..k).fold(x, |inner, _| libm::sin(x) * (1.0 + inner));
        assert!(same(e.eval(x), want), "at {x}: {} vs {want}", e.eval(x));
    }
    assert!(Expr::parse(&format!("{}x{}", "sin(x)*(1+".repeat(k + 1), ")".repeat(k + 1))).is_err());
}
