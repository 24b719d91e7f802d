//! Notebook 02, exercise 1: one random generator per size, not one for the whole sweep.
//!
//! The lecture draws every estimate of its sweep from numpy's one global
//! generator, so the estimate for n depends on every size drawn before it.
//! In Rust, one generator captured by a closure that runs once per size needs
//! a mutable borrow, which an `Fn` closure cannot have (E0596). The fix is
//! *one RNG per task*: the estimate for n draws from `stream(SEED, n)`.

use crate::exercise::given::{SEED, attempt};
use crate::exercise::verdict::Verdict;
use crate::tolerance::{self, REORDERED};
use crate::{Rule, Sampler, Setup, serial};

/// The shape of `lecture_sweep`: sizes in, one estimate per size out.
pub type LectureSweep = dyn Fn(&[u64]) -> Vec<f64>;

/// The sizes the check asks for, and a second order of some of them.
const SIZES: [u64; 6] = [2, 3, 10, 100, 1000, 5000];
const ALONE: [u64; 2] = [1000, 10];

/// Checks notebook 02's exercise 1: `lecture_sweep(sizes)` gives, for each n,
/// the lecture's estimate of the integral of `f` over [a, b] drawn from
/// `stream(SEED, n)` (parlab's `Rule::Lecture` with `Sampler::Sort`, to
/// [`REORDERED`]), whatever other sizes are asked for.
///
/// # Scope
///
/// `f` is borrowed (shared) for the call; the reference estimates run on this thread.
///
/// # Examples
///
/// ```
/// let zeros = |sizes: &[u64]| vec![0.0; sizes.len()];
/// let f = |x: f64| 1.0 / (1.0 + x * x);
/// assert!(!parlab::exercise::check_serial_1(&f, 0.0, 1.0, &zeros).passed());
/// ```
pub fn check_serial_1(f: &(dyn Fn(f64) -> f64 + Sync), a: f64, b: f64, lecture_sweep: &LectureSweep) -> Verdict {
    let mut verdict = Verdict::new("serial 1");
    let outcome = judge(f, a, b, lecture_sweep, &mut verdict);
    verdict.finish(outcome)
}

fn judge(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    lecture_sweep: &LectureSweep,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let setup = Setup::new(a, b)
        .map_err(|err| format!("[A, B] = [{a}, {b}]: {err}"))?
        .with_rule(Rule::Lecture)
        .with_sampler(Sampler::Sort)
        .with_seed(SEED);
    let integrand = |x: f64| f(x);
    let want = serial::sweep(&integrand, &setup, &SIZES).map_err(|err| format!("the lecture's rule on f: {err}"))?;
    let got = attempt("`lecture_sweep`", || lecture_sweep(&SIZES))?;
    if got.len() != SIZES.len() {
        return Err(format!("{} sizes gave {} estimates: one estimate per size, please", SIZES.len(), got.len()));
    }
    for (point, &value) in want.points.iter().zip(&got) {
        if !tolerance::close(value, point.value, REORDERED) {
            return Err(format!(
                "sizes {SIZES:?}: the estimate for n = {} is {value}, not the lecture's estimate from the stream \
                 for (SEED, n): does each size draw from a generator of its own, made from its n?",
                point.n
            ));
        }
    }
    verdict.note(format!("sizes {SIZES:?}: each estimate drawn from its own stream"));
    let alone = attempt("`lecture_sweep`", || lecture_sweep(&ALONE))?;
    let want_alone: Vec<f64> =
        ALONE.iter().map(|n| want.points.iter().find(|p| p.n == *n).map_or(f64::NAN, |p| p.value)).collect();
    if alone.len() != ALONE.len() || alone.iter().zip(&want_alone).any(|(g, w)| !tolerance::close(*g, *w, REORDERED)) {
        return Err(format!(
            "sizes {ALONE:?} gave {alone:?}: an estimate must not depend on which sizes came before it in the sweep"
        ));
    }
    verdict.note(format!("sizes {ALONE:?}: the same estimates, in another sweep and order"));
    Ok(())
}
