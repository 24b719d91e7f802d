//! The deterministic rules on n equal panels: midpoint, trapezoid and Simpson.
//!
//! Each rule's sum over a range of panel indices is its own function, so that
//! an estimate cut into blocks sums each block's range and
//! adds the blocks in order; over the whole range it is the rule itself.

use std::ops::Range;

use super::block::for_each_value;
use crate::integrand::Integrand;

/// h Σ f(middle of each panel).
pub(super) fn midpoint<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64) -> f64 {
    let h = (hi - lo) / n as f64;
    h * midpoint_sum(f, lo, h, 0..n)
}

/// h (½f(lo) + Σ f(inner ends) + ½f(hi)).
pub(super) fn trapezoid<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64) -> f64 {
    let h = (hi - lo) / n as f64;
    let inner = ends_sum(f, lo, h, 1..n);
    h * (0.5 * f.eval(lo) + inner + 0.5 * f.eval(hi))
}

/// h/3 (f(lo) + 4 Σ f(odd ends) + 2 Σ f(even inner ends) + f(hi)), n even.
pub(super) fn simpson<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64) -> f64 {
    let h = (hi - lo) / n as f64;
    let (odd, even) = odd_even_sums(f, lo, h, 1..n);
    h / 3.0 * (f.eval(lo) + 4.0 * odd + 2.0 * even + f.eval(hi))
}

/// Σ f(lo + (i + ½)h) over `panels`, added in order.
pub(super) fn midpoint_sum<F: Integrand + ?Sized>(f: &F, lo: f64, h: f64, panels: Range<u64>) -> f64 {
    // −0.0, as `Iterator::sum` starts: an empty or all −0.0 sum stays −0.0.
    let mut sum = -0.0;
    for_each_value(f, panels, |i| lo + (i as f64 + 0.5) * h, |_, y| sum += y);
    sum
}

/// Σ f(lo + i·h) over `ends`, added in order.
pub(super) fn ends_sum<F: Integrand + ?Sized>(f: &F, lo: f64, h: f64, ends: Range<u64>) -> f64 {
    let mut sum = -0.0;
    for_each_value(f, ends, |i| lo + i as f64 * h, |_, y| sum += y);
    sum
}

/// The sums of f(lo + i·h) over the odd and over the even i of `ends`, each added in order.
pub(super) fn odd_even_sums<F: Integrand + ?Sized>(f: &F, lo: f64, h: f64, ends: Range<u64>) -> (f64, f64) {
    let (mut odd, mut even) = (0.0, 0.0);
    for_each_value(f, ends, |i| lo + i as f64 * h, |i, y| if i % 2 == 1 { odd += y } else { even += y });
    (odd, even)
}
