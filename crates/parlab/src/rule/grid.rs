//! The deterministic rules on n equal panels: midpoint, trapezoid and Simpson.

use crate::integrand::Integrand;

/// h Σ f(middle of each panel).
pub(super) fn midpoint<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64) -> f64 {
    let h = (hi - lo) / n as f64;
    let sum: f64 = (0..n).map(|i| f.eval(lo + (i as f64 + 0.5) * h)).sum();
    h * sum
}

/// h (½f(lo) + Σ f(inner ends) + ½f(hi)).
pub(super) fn trapezoid<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64) -> f64 {
    let h = (hi - lo) / n as f64;
    let inner: f64 = (1..n).map(|i| f.eval(lo + i as f64 * h)).sum();
    h * (0.5 * f.eval(lo) + inner + 0.5 * f.eval(hi))
}

/// h/3 (f(lo) + 4 Σ f(odd ends) + 2 Σ f(even inner ends) + f(hi)), n even.
pub(super) fn simpson<F: Integrand + ?Sized>(f: &F, lo: f64, hi: f64, n: u64) -> f64 {
    let h = (hi - lo) / n as f64;
    let (mut odd, mut even) = (0.0, 0.0);
    for i in 1..n {
        let y = f.eval(lo + i as f64 * h);
        if i % 2 == 1 { odd += y } else { even += y }
    }
    h / 3.0 * (f.eval(lo) + 4.0 * odd + 2.0 * even + f.eval(hi))
}
