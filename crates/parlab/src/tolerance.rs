//! The tolerance policy: how close is close enough, in one place.
//!
//! - Serial and parallel results are compared with `==` on the bits:
//!   [`same_bits`]. No tolerance: any difference is a bug.
//! - A deterministic rule on an integrand it integrates exactly (constants,
//!   lines for midpoint and trapezoid, cubics for Simpson) must agree with the
//!   exact value to [`ROUNDING`], relative: only rounding separates them.
//! - Two mathematically equal computations in a different order (linearity,
//!   additivity over intervals) must agree to [`REORDERED`], relative.
//! - A rule's error against a known integral is judged by its order, never by
//!   a fixed tolerance: see [`order`].

/// Relative agreement for exact-in-theory results: a few dozen ulps.
pub const ROUNDING: f64 = 1e-13;

/// Relative agreement for results that differ only in operation order.
pub const REORDERED: f64 = 1e-10;

/// Whether `got` is within `rel` of `want`, relative to max(|want|, 1).
///
/// ```
/// use parlab::tolerance::{close, ROUNDING};
/// assert!(close(1.0 + 1e-15, 1.0, ROUNDING));
/// assert!(!close(1.001, 1.0, ROUNDING));
/// ```
pub fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1.0)
}

/// Whether two floats are the same bits (so NaN == NaN and 0.0 != −0.0).
pub fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

/// The observed order p from errors at n and 2n: log2(err(n) / err(2n)).
///
/// ```
/// assert!((parlab::tolerance::order(1e-4, 2.5e-5) - 2.0).abs() < 1e-12);
/// ```
pub fn order(error_n: f64, error_2n: f64) -> f64 {
    (error_n.abs() / error_2n.abs()).log2()
}

/// The order p fitted to many (n, error) points: the least-squares slope of
/// log |error| against log n, negated. Zero and non-finite errors (exact, or
/// below the round-off floor) are left out; `None` with fewer than two points left.
///
/// Single pairs ([`order`]) scatter for random rules; a fit over a sweep does not.
///
/// ```
/// let points: Vec<(u64, f64)> = [10u64, 20, 40, 80].iter().map(|&n| (n, 3.0 / (n * n) as f64)).collect();
/// let p = parlab::tolerance::fitted_order(&points).unwrap();
/// assert!((p - 2.0).abs() < 1e-12);
/// ```
pub fn fitted_order(points: &[(u64, f64)]) -> Option<f64> {
    let logs: Vec<(f64, f64)> = points
        .iter()
        .filter(|(n, e)| *n > 0 && e.is_finite() && *e != 0.0)
        .map(|&(n, e)| ((n as f64).ln(), e.abs().ln()))
        .collect();
    if logs.len() < 2 {
        return None;
    }
    let count = logs.len() as f64;
    let mean_x = logs.iter().map(|p| p.0).sum::<f64>() / count;
    let mean_y = logs.iter().map(|p| p.1).sum::<f64>() / count;
    let sxx: f64 = logs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = logs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    (sxx > 0.0).then(|| -sxy / sxx)
}
