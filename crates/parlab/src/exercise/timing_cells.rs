//! The checks of notebook `04-timing`'s student cells: a speedup predicted
//! before it is measured, the ceiling a measured speedup implies, and an
//! integrand made portable so worker processes can rebuild it.
//!
//! None of them compares with a time: a prediction is held to the model it
//! predicts (what the measurement approaches on a calm machine), and the
//! notebook prints the measurement beside it.
//!
//! | check | cell | what it holds the answer to |
//! |---|---|---|
//! | [`check_speedup_model`] | 4.1, predict | the ideal speedup of p threads on c cores, for several (p, c) |
//! | [`check_ceiling`] | 4.2, predict | the Amdahl ceiling 1/e from a measured speedup, e its Karp–Flatt fraction |
//! | [`check_portable`] | 4.3, make this compile | an expression whose values are the `fn`'s, on its interval |

use crate::backend::serial;
use crate::exercise::given::attempt;
use crate::exercise::verdict::Verdict;
use crate::integrand::{Expr, Integrand};
use crate::rule::Setup;
use crate::tolerance;

/// (threads, cores, the ideal speedup) for prediction 4.1.
const SPEEDUP_CASES: [(usize, usize, f64); 7] =
    [(1, 2, 1.0), (2, 2, 2.0), (4, 2, 2.0), (3, 8, 3.0), (8, 8, 8.0), (32, 16, 16.0), (12, 16, 12.0)];

/// (measured speedup, cores) for prediction 4.2: the lecture's figure, then others.
const CEILING_CASES: [(f64, f64); 4] = [(5.0, 16.0), (1.8, 2.0), (3.0, 4.0), (7.5, 8.0)];

/// The points at which cell 4.3 compares the expression with the `fn`, and the sizes of its sweep.
const POINTS: usize = 101;
const SIZES: u64 = 50;

/// Checks prediction 4.1: `predicted(p, c)` is the best speedup p threads
/// can give on c cores, when the work divides perfectly: p while each
/// thread has a core, and no more than c once they take turns.
pub fn check_speedup_model(predicted: &dyn Fn(usize, usize) -> f64) -> Verdict {
    let mut verdict = Verdict::new("4.1");
    let outcome = judge_speedup_model(predicted, &mut verdict);
    verdict.finish(outcome)
}

fn judge_speedup_model(predicted: &dyn Fn(usize, usize) -> f64, verdict: &mut Verdict) -> Result<(), String> {
    for (threads, cores, want) in SPEEDUP_CASES {
        let got = attempt("`predicted_speedup`", || predicted(threads, cores))?;
        if (got - want).abs() > 1e-9 || got.is_nan() {
            let why = if tolerance::same_bits(got, threads as f64) {
                "more threads than cores take turns on the cores: they add no arithmetic per second"
            } else if tolerance::same_bits(got, cores as f64) {
                "fewer threads than cores leave cores idle: each thread is one core's work at most"
            } else {
                "with perfect division of the work, each thread that has a core of its own adds one"
            };
            return Err(format!("{threads} threads on {cores} cores: you predicted {got}, the ideal is {want}: {why}"));
        }
        verdict.note(format!("{threads:>2} threads on {cores:>2} cores: at best {want}x"));
    }
    Ok(())
}

/// Checks cell 4.2: `ceiling(s, p)` is the most any number of cores can give
/// a program measured at speedup `s` on `p` cores: 1/e, with e its Karp–Flatt
/// serial fraction (1/s − 1/p) / (1 − 1/p), Amdahl's limit as p grows.
pub fn check_ceiling(ceiling: &dyn Fn(f64, f64) -> f64) -> Verdict {
    let mut verdict = Verdict::new("4.2");
    let outcome = judge_ceiling(ceiling, &mut verdict);
    verdict.finish(outcome)
}

fn judge_ceiling(ceiling: &dyn Fn(f64, f64) -> f64, verdict: &mut Verdict) -> Result<(), String> {
    for (speedup, cores) in CEILING_CASES {
        let e = (1.0 / speedup - 1.0 / cores) / (1.0 - 1.0 / cores);
        let want = 1.0 / e;
        let got = attempt("`amdahl_ceiling`", || ceiling(speedup, cores))?;
        if !tolerance::close(got, want, 1e-9) {
            let why = if tolerance::close(got, e, 1e-9) {
                "that is the serial fraction e itself; the ceiling is what 1/(e + (1 − e)/p) tends to as p grows"
            } else if tolerance::close(got, 1.0 / (1.0 / speedup - 1.0 / cores), 1e-9) {
                "the Karp–Flatt fraction divides by (1 − 1/p)"
            } else {
                "first the serial fraction e that explains the measurement (Karp–Flatt), then Amdahl's limit"
            };
            return Err(format!(
                "a speedup of {speedup} on {cores} cores: you give {got:.4}, Amdahl's ceiling is {want:.4} (e = \
                 {e:.4}): {why}"
            ));
        }
        verdict.note(format!("{speedup}x on {cores} cores: e = {e:.4}, never above {want:.2}x"));
    }
    Ok(())
}

/// Checks cell 4.3: `portable()` gives an expression with the values of the
/// `fn` item `f` on [a, b] (at 101 points, to [`tolerance::REORDERED`]: an
/// expression may round in another order), and a serial sweep with it agrees
/// with one with `f` to the same tolerance. The notebook then sends it to
/// worker processes.
pub fn check_portable(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    portable: &dyn Fn() -> crate::Result<Expr>,
) -> Verdict {
    let mut verdict = Verdict::new("4.3");
    let outcome = judge_portable(f, (a, b), portable, &mut verdict);
    verdict.finish(outcome)
}

fn judge_portable(
    f: &(dyn Fn(f64) -> f64 + Sync),
    (a, b): (f64, f64),
    portable: &dyn Fn() -> crate::Result<Expr>,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let expr = attempt("`portable_integrand`", portable)?
        .map_err(|err| format!("`portable_integrand` returned an error: {err}"))?;
    verdict.note(format!("the expression: {}", expr.text()));
    for i in 0..POINTS {
        let x = a + (b - a) * i as f64 / (POINTS - 1) as f64;
        let (got, want) = (expr.eval(x), f(x));
        if !tolerance::close(got, want, tolerance::REORDERED) {
            return Err(format!(
                "at x = {x}: the expression gives {got:.17}, the fn gives {want:.17}: the two must be one function \
                 (mind the brackets: 1/1+x^2 is 1 + x²)"
            ));
        }
    }
    verdict.note(format!("the same values as the fn at {POINTS} points of [{a}, {b}]"));
    let setup = Setup::new(a, b).map_err(|err| err.to_string())?;
    let sizes: Vec<u64> = (0..SIZES).collect();
    let with_expr = serial::sweep(&expr, &setup, &sizes).map_err(|err| err.to_string())?;
    let with_fn = serial::sweep(&f, &setup, &sizes).map_err(|err| err.to_string())?;
    for (got, want) in with_expr.points.iter().zip(&with_fn.points) {
        if !tolerance::close(got.value, want.value, tolerance::REORDERED) {
            return Err(format!(
                "the estimate for n = {}: {:.17} with the expression, {:.17} with the fn",
                got.n, got.value, want.value
            ));
        }
    }
    verdict.note(format!("a sweep of n = 0..{} gives the fn's estimates", SIZES - 1));
    Ok(())
}
