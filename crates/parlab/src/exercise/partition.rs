//! Exercise 4: the lecture's sum with both end intervals, checked against parlab's `partition` rule.
//!
//! # Formula
//!
//! ```text
//! partition area = Σ_{i=1..n+1} (x_i − x_{i−1})·f(x_i)     x_0 = a, x_{n+1} = b, x_1 ≤ … ≤ x_n sorted uniforms
//! lecture's area = Σ_{i=2..n}   (x_i − x_{i−1})·f(x_i)     both end intervals left out
//! ```

use crate::exercise::given::{SEED, attempt, lecture};
use crate::exercise::verdict::Verdict;
use crate::stream;
use crate::tolerance::{self, ROUNDING};
use crate::{Rule, Sampler, Setup};

/// The shape of `partition_area`: sorted points, the interval, the integrand.
pub type PartitionArea = dyn Fn(&[f64], f64, f64, fn(f64) -> f64) -> f64;

/// An interval, an integrand on it, and the integrand's name.
type Case = (f64, f64, fn(f64) -> f64, &'static str);

/// The sizes check 4a tries, from no point at all to many.
const SIZES: [u64; 6] = [0, 1, 2, 10, 1000, 10_000];
/// Check 4b: seeds averaged over, at this size.
const SEEDS: u64 = 1000;
const BIAS_N: u64 = 1000;
/// The right-point sum's own bias on a random partition of [0, 1], × (n + 1), for 1/(1+x²): (f(1) − f(0))·1.
const BIAS: f64 = -0.5;
const BIAS_SLACK: f64 = 0.05;

/// Checks exercise 4a: `partition_area` equals parlab's `partition` rule on
/// the same sorted points, to [`ROUNDING`], for n = 0, 1, 2, 10, 1000 and
/// 10 000, on 1/(1+x²) over [0, 1] and on eˣ over [0.5, 2].
///
/// # Examples
///
/// ```
/// // The lecture's own sum, which leaves out both end intervals:
/// let lecture_sum = |points: &[f64], _a: f64, _b: f64, f: fn(f64) -> f64| -> f64 {
///     points.windows(2).map(|pair| (pair[1] - pair[0]) * f(pair[1])).sum()
/// };
/// let verdict = parlab::exercise::check_4a(&lecture_sum);
/// assert!(verdict.wrong().unwrap().contains("both end intervals"));
/// ```
pub fn check_4a(partition_area: &PartitionArea) -> Verdict {
    let mut verdict = Verdict::new("4a");
    let outcome = judge_4a(partition_area, &mut verdict);
    verdict.finish(outcome)
}

fn judge_4a(partition_area: &PartitionArea, verdict: &mut Verdict) -> Result<(), String> {
    let cases: [Case; 2] = [(0.0, 1.0, lecture, "1/(1+x²)"), (0.5, 2.0, f64::exp, "eˣ")];
    for (a, b, f, name) in cases {
        let setup = Setup::new(a, b).map_err(|err| err.to_string())?;
        let setup = setup.with_rule(Rule::Partition).with_sampler(Sampler::Sort).with_seed(SEED);
        // Every size is tried before judging: the largest size that fails tells the slip best.
        let mut failed = None;
        for n in SIZES {
            let points = sorted_points(SEED, n, a, b);
            let yours = attempt("`partition_area`", || partition_area(&points, a, b, f))?;
            let library = setup.estimate(&f, n).map_err(|err| err.to_string())?.value;
            if tolerance::close(yours, library, ROUNDING) {
                verdict.note(format!(
                    "{name} on [{a}, {b}], n = {n:>5}: {yours:.16} (parlab {library:.16}, same bits: {})",
                    tolerance::same_bits(yours, library)
                ));
            } else {
                failed = Some((n, points, yours, library));
            }
        }
        if let Some((n, points, yours, library)) = failed {
            return Err(format!(
                "{name} on [{a}, {b}], n = {n}: yours {yours:.17}, parlab's partition rule {library:.17}: {}",
                diagnose(&points, a, b, f, yours)
            ));
        }
    }
    Ok(())
}

/// Checks exercise 4b: over 1000 seeds at n = 1000, the mean error of
/// `partition_area` on 1/(1+x²) over [0, 1], × (n + 1), is within 0.05 of −0.5
/// (the lecture's sum gives about −2).
pub fn check_4b(partition_area: &PartitionArea) -> Verdict {
    let mut verdict = Verdict::new("4b");
    let outcome = judge_4b(partition_area, &mut verdict);
    verdict.finish(outcome)
}

fn judge_4b(partition_area: &PartitionArea, verdict: &mut Verdict) -> Result<(), String> {
    let exact = std::f64::consts::FRAC_PI_4;
    let scale = (BIAS_N + 1) as f64 / SEEDS as f64;
    let (mut lecture_bias, mut bias) = (0.0, 0.0);
    for seed in 0..SEEDS {
        let points = sorted_points(seed, BIAS_N, 0.0, 1.0);
        lecture_bias += (lecture_sum(&points, lecture) - exact) * scale;
        bias += (attempt("`partition_area`", || partition_area(&points, 0.0, 1.0, lecture))? - exact) * scale;
    }
    verdict.note(format!("mean error × (n + 1): the lecture's rule {lecture_bias:.3}, yours {bias:.3}"));
    if (bias - BIAS).abs() >= BIAS_SLACK || bias.is_nan() {
        return Err(format!(
            "yours gives {bias:.3}, not about {BIAS}: the lecture's rule gives about −2, both end intervals take \
             −1.5 of it away; an end missing, or f taken at the wrong end of an interval?"
        ));
    }
    Ok(())
}

/// n sorted uniform points on [a, b], drawn as parlab's `Sort` sampler draws them.
fn sorted_points(seed: u64, n: u64, a: f64, b: f64) -> Vec<f64> {
    let mut draws = stream::stream(seed, n);
    let mut points: Vec<f64> = (0..n).map(|_| a + (b - a) * draws.uniform()).collect();
    points.sort_unstable_by(f64::total_cmp);
    points
}

/// The lecture's sum: `np.sum(np.diff(sample) * value[1:])`.
fn lecture_sum(points: &[f64], f: fn(f64) -> f64) -> f64 {
    points.windows(2).map(|pair| (pair[1] - pair[0]) * f(pair[1])).sum()
}

/// Names the slip when `yours` matches a known wrong sum on the same points.
fn diagnose(points: &[f64], a: f64, b: f64, f: fn(f64) -> f64, yours: f64) -> String {
    let inner = lecture_sum(points, f);
    let (first, last) = (points.first().copied().unwrap_or(b), points.last().copied().unwrap_or(a));
    let start = (first - a) * f(first);
    let end = (b - last) * f(b);
    let left: f64 = std::iter::once(a)
        .chain(points.iter().copied())
        .zip(points.iter().copied().chain(std::iter::once(b)))
        .map(|(lo, hi)| (hi - lo) * f(lo))
        .sum();
    let near = |sum: f64| tolerance::close(yours, sum, 1e-9);
    if points.is_empty() && yours == 0.0 {
        "with no points the sum is one interval, (b − a)·f(b)".into()
    } else if near(inner) && !points.is_empty() {
        "that is the lecture's sum: both end intervals, [a, x₁] and [xₙ, b], are missing".into()
    } else if near(inner + start) {
        "the last interval, [xₙ, b], is missing: after the points, add (b − xₙ)·f(b)".into()
    } else if near(inner + end) {
        "the first interval, [a, x₁], is missing: start the left end at a".into()
    } else if near(left) {
        "that takes f at the left end of each interval, f(x_{i−1}); the partition rule takes the right end, f(x_i)"
            .into()
    } else {
        "sum (x_i − x_{i−1})·f(x_i) for i = 1, …, n + 1, with x_0 = a and x_{n+1} = b".into()
    }
}
