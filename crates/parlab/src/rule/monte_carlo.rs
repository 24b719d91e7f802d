//! Plain Monte Carlo: the width times the mean of f at n uniform points.

use super::block::for_each_value;
use crate::integrand::Integrand;
use crate::stream::Stream;

/// The estimate and, for n ≥ 2, its standard error: width · s / √n, with s
/// the sample standard deviation of the values of f.
pub(super) fn estimate<F: Integrand + ?Sized>(
    f: &F,
    lo: f64,
    hi: f64,
    n: u64,
    stream: &mut Stream,
) -> (f64, Option<f64>) {
    let (sum, sum_sq) = sums(f, lo, hi, n, stream);
    from_sums(hi - lo, n, sum, sum_sq)
}

/// Σ f(x) and Σ f(x)² over `count` uniform points of [lo, hi] drawn from `stream`, added in order.
pub(super) fn sums<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, count: u64, stream: &mut Stream) -> (f64, f64) {
    let width = hi - lo;
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for_each_value(
        f,
        0..count,
        |_| lo + width * stream.uniform(),
        |_, y| {
            sum += y;
            sum_sq += y * y;
        },
    );
    (sum, sum_sq)
}

/// The estimate and its standard error from the sums over all n points.
pub(super) fn from_sums(width: f64, n: u64, sum: f64, sum_sq: f64) -> (f64, Option<f64>) {
    let count = n as f64;
    let mean = sum / count;
    let error = (n >= 2).then(|| {
        let variance = (sum_sq - count * mean * mean) / (count - 1.0);
        // Rounding can leave it a little below 0: that is 0. A NaN (the sum of
        // squares overflowed) stays NaN, so the estimate is refused, not given an error of 0.
        let variance = if variance < 0.0 { 0.0 } else { variance };
        width * (variance / count).sqrt()
    });
    (width * mean, error)
}
