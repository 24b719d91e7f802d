//! Exercise 5: a bootstrap, serial and parallel, with the same bits.
//!
//! # Formula
//!
//! ```text
//! resample b   = (s[i_1], …, s[i_m])      i_k = stream(seed, b).index(m), drawn in order: with replacement
//! standard error = std_dev(T(resample 0), …, T(resample B − 1))      T the statistic, B the resamples
//! ```

use std::time::Duration;

use crate::exercise::given::{PATIENCE, SEED, attempt};
use crate::exercise::meeting::Meeting;
use crate::exercise::verdict::Verdict;
use crate::parallel::Pool;
use crate::stream;
use crate::tolerance::{self, REORDERED};
use crate::{Rule, Setup};

/// The shape of `resample`: the sample, the seed, the resample's number b.
pub type Resample = dyn Fn(&[f64], u64, u64) -> Vec<f64> + Sync;

/// The shape of `bootstrap_se` and `bootstrap_se_parallel`: the sample, how
/// many resamples, the seed, and the statistic applied to each resample.
pub type Bootstrap = dyn Fn(&[f64], u64, u64, &(dyn Fn(&[f64]) -> f64 + Sync)) -> f64 + Sync;

/// How many resamples the check asks for.
const RESAMPLES: u64 = 1000;
/// The resamples whose values are compared one by one.
const LOOKED_AT: [u64; 4] = [0, 1, 2, 999];
/// The thread counts the parallel bootstrap runs on.
const THREADS: [usize; 2] = [2, 3];
/// How far the bootstrap may be from the formula s/√m.
const FORMULA_SLACK: f64 = 0.1;

/// Checks exercise 5: resamples drawn as stated, the serial bootstrap's
/// standard error, and the parallel one's bits and parallelism.
///
/// 1. `resample(sample, SEED, b)` for b = 0, 1, 2 and 999 holds the sample's
///    values at `stream(SEED, b).index(m)`, m of them, in order;
/// 2. `bootstrap_se(sample, 1000, SEED, mean)` is the standard deviation of
///    the means of resamples 0 to 999, to [`REORDERED`];
/// 3. `bootstrap_se_parallel` gives `bootstrap_se`'s bits on 2 and 3 threads,
///    and two of its statistics run at the same time (a [`PATIENCE`]-long
///    meeting, as in [`check_2`](crate::exercise::check_2)).
///
/// The sample is the notebook's: 200 estimates of π/4 by the lecture's rule
/// at n = 1000, for seeds 0 to 199.
///
/// # Scope
///
/// The functions are borrowed (shared) for the call; the parallel one runs
/// inside a [`Pool`], so it and the statistic it shares between tasks are `Sync`.
pub fn check_5(resample: &Resample, serial: &Bootstrap, parallel: &Bootstrap) -> Verdict {
    check_5_within(resample, serial, parallel, PATIENCE)
}

/// [`check_5`], with the first statistic waiting at most `patience` for a
/// second (shorter only in the tests of the checks, with answers that must fail).
pub fn check_5_within(resample: &Resample, serial: &Bootstrap, parallel: &Bootstrap, patience: Duration) -> Verdict {
    let mut verdict = Verdict::new("5");
    let outcome = judge(resample, serial, parallel, patience, &mut verdict);
    verdict.finish(outcome)
}

fn judge(
    resample: &Resample,
    serial: &Bootstrap,
    parallel: &Bootstrap,
    patience: Duration,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let sample = lecture_sample().map_err(|err| err.to_string())?;
    for b in LOOKED_AT {
        let got = attempt("`resample`", || resample(&sample, SEED, b))?;
        compare_resample(&sample, b, &got)?;
    }
    verdict.note(format!("resamples {LOOKED_AT:?}: {} values each, drawn from stream(SEED, b)", sample.len()));

    let want = std_dev(&(0..RESAMPLES).map(|b| mean(&reference_resample(&sample, SEED, b))).collect::<Vec<_>>());
    let serial_se = attempt("`bootstrap_se`", || serial(&sample, RESAMPLES, SEED, &mean))?;
    if !tolerance::close(serial_se, want, REORDERED) {
        return Err(format!(
            "bootstrap_se gives {serial_se:e}, but the means of resamples 0 to {} have the standard deviation \
             {want:e}: apply the statistic to resample(sample, seed, b) for b = 0, 1, …, resamples − 1, then \
             take std_dev of those values",
            RESAMPLES - 1
        ));
    }
    let formula = std_dev(&sample) / (sample.len() as f64).sqrt();
    verdict.note(format!(
        "bootstrap standard error {serial_se:.3e}; s/√m = {formula:.3e}; ratio {:.3}",
        serial_se / formula
    ));
    if (serial_se / formula - 1.0).abs() >= FORMULA_SLACK {
        return Err(format!("{serial_se:e} is not within 10% of s/√m = {formula:e}"));
    }

    for threads in THREADS {
        let pool = Pool::new(threads).map_err(|err| err.to_string())?;
        let meeting = Meeting::new(patience);
        let watched = |values: &[f64]| {
            meeting.arrive();
            mean(values)
        };
        let parallel_se =
            attempt("`bootstrap_se_parallel`", || pool.install(|| parallel(&sample, RESAMPLES, SEED, &watched)))?;
        if !tolerance::same_bits(parallel_se, serial_se) {
            return Err(format!(
                "on {threads} threads bootstrap_se_parallel gives {parallel_se:e}, bootstrap_se {serial_se:e}: \
                 not the same bits. Each resample must draw from its own stream, the statistics must come back \
                 in order (collect into a Vec), and std_dev must run on that Vec, serially"
            ));
        }
        if !meeting.met() {
            return Err(format!(
                "on {threads} threads the standard error is right, but no two resamples were processed at the \
                 same time: the first call of the statistic waited {} s for another, which never came. Is the \
                 bootstrap still serial? Each resample must be a rayon task: (0..resamples).into_par_iter()",
                meeting.patience().as_secs()
            ));
        }
        verdict.note(format!("{threads} threads: the same bits as serial; two resamples ran at the same time"));
    }
    Ok(())
}

/// The notebook's sample: 200 estimates of π/4 by the lecture's rule at n = 1000, seeds 0 to 199.
fn lecture_sample() -> crate::Result<Vec<f64>> {
    let rule = Setup::new(0.0, 1.0)?.with_rule(Rule::Lecture);
    let f = |x: f64| 1.0 / (1.0 + x * x);
    (0..200).map(|seed| rule.with_seed(seed).estimate(&f, 1000).map(|estimate| estimate.value)).collect()
}

/// Resample b as the exercise states it: m indices from `stream(seed, b)`, with replacement.
fn reference_resample(sample: &[f64], seed: u64, b: u64) -> Vec<f64> {
    let mut draws = stream::stream(seed, b);
    (0..sample.len()).map(|_| sample[draws.index(sample.len())]).collect()
}

/// Whether `got` is resample b, and if not, the likeliest slip.
fn compare_resample(sample: &[f64], b: u64, got: &[f64]) -> Result<(), String> {
    let want = reference_resample(sample, SEED, b);
    let same = |x: &[f64], y: &[f64]| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| tolerance::same_bits(*p, *q));
    if same(got, &want) {
        return Ok(());
    }
    let mut sorted_got = got.to_vec();
    let mut sorted_sample = sample.to_vec();
    sorted_got.sort_unstable_by(f64::total_cmp);
    sorted_sample.sort_unstable_by(f64::total_cmp);
    let why = if got.len() != sample.len() {
        format!("it has {} values; a resample has as many as the sample, {}", got.len(), sample.len())
    } else if same(&sorted_got, &sorted_sample) {
        "it holds every value of the sample exactly once: that is a shuffle, drawn without replacement; draw each \
         of the m values on its own, sample[draws.index(m)], so a value can come twice"
            .into()
    } else if let Some(other) = (0..RESAMPLES).find(|&c| c != b && same(got, &reference_resample(sample, SEED, c))) {
        format!("it is resample {other}: resample b must draw from its own stream, stream(seed, b)")
    } else if got.iter().any(|v| !sample.iter().any(|s| tolerance::same_bits(*s, *v))) {
        "it holds values that are not in the sample: a resample only picks values of the sample".into()
    } else {
        "its values are not sample[i] for the indices i that stream(seed, b).index(m) draws, in order".into()
    };
    Err(format!("resample {b} is not the one stated: {why}"))
}

/// The mean of the values.
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The sample standard deviation (divides by m − 1), as the notebook's `std_dev`.
fn std_dev(values: &[f64]) -> f64 {
    let mean = mean(values);
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}
