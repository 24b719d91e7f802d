//! Notebook 02, exercise 2: predict the bias left in the partition rule.
//!
//! # Formula
//!
//! ```text
//! c = mean over n = 10 … 1999 of (Q_n − I)·(n + 1)    Q_n: Rule::Partition with n random points, seed SEED
//! s = the standard error of that mean
//! ```
//!
//! A prediction passes when it is within max(4 s, 0.1) of c.

use crate::exercise::given::{SEED, attempt};
use crate::exercise::verdict::Verdict;
use crate::{Rule, Setup, serial, sweep};

/// The smallest n averaged: below it the 1/(n+1) law has not settled.
const FROM: u64 = 10;
/// One more than the largest n.
const BELOW: u64 = 2000;
/// The slack every prediction gets, beyond 4 standard errors.
const SLACK: f64 = 0.1;

/// The scaled bias of `rule` on `f` over [a, b]: the mean of (estimate − exact)·(n+1)
/// over n = 10 … 1999, and its standard error.
pub fn scaled_bias(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    exact: f64,
    rule: Rule,
) -> crate::Result<(f64, f64)> {
    let setup = Setup::new(a, b)?.with_rule(rule).with_seed(SEED);
    let integrand = |x: f64| f(x);
    let run = serial::sweep(&integrand, &setup, &sweep::below(BELOW))?;
    let scaled: Vec<f64> =
        run.points.iter().filter(|p| p.n >= FROM).map(|p| (p.value - exact) * (p.n as f64 + 1.0)).collect();
    let count = scaled.len() as f64;
    let mean = scaled.iter().sum::<f64>() / count;
    let variance = scaled.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (count - 1.0);
    Ok((mean, (variance / count).sqrt()))
}

/// Checks notebook 02's exercise 2: `predicted()` against the partition
/// rule's measured scaled bias on `f` over [a, b] ([`scaled_bias`]).
///
/// # Examples
///
/// ```
/// let f = |x: f64| 1.0 / (1.0 + x * x);
/// let no_bias = parlab::exercise::check_serial_2(&f, 0.0, 1.0, std::f64::consts::FRAC_PI_4, &|| 0.0);
/// assert!(!no_bias.passed());
/// ```
pub fn check_serial_2(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    exact: f64,
    predicted: &dyn Fn() -> f64,
) -> Verdict {
    let mut verdict = Verdict::new("serial 2");
    let outcome = judge(f, a, b, exact, predicted, &mut verdict);
    verdict.finish(outcome)
}

fn judge(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    exact: f64,
    predicted: &dyn Fn() -> f64,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let guess = attempt("`predicted_partition_bias`", predicted)?;
    if !guess.is_finite() {
        return Err(format!("the prediction is {guess}: write a number"));
    }
    let (bias, se) = scaled_bias(f, a, b, exact, Rule::Partition)
        .map_err(|err| format!("the partition rule on f over [{a}, {b}]: {err}"))?;
    let within = (4.0 * se).max(SLACK);
    if (guess - bias).abs() > within {
        let side = if bias > guess { "above" } else { "below" };
        return Err(format!(
            "the run's scaled bias lies more than {within:.2} {side} your prediction {guess}: which of the lecture's \
             three parts does the partition rule put back, and which one is left?"
        ));
    }
    verdict.note(format!("partition: (estimate − exact)·(n+1) = {bias:.3} ± {se:.3}; you predicted {guess}"));
    Ok(())
}
