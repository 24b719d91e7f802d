//! Plain Monte Carlo: the width times the mean of f at n uniform points.

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
    let width = hi - lo;
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for _ in 0..n {
        let y = f.eval(lo + width * stream.uniform());
        sum += y;
        sum_sq += y * y;
    }
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
