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
