//! Exercise 1: your own integrand, checked against the exact value you derived.
//!
//! # Formula
//!
//! ```text
//! e(n)  = S_n − I                      Simpson's estimate with n panels, minus your exact value I
//! e(n) ≈ −(h⁴/180)·(f‴(b) − f‴(a))     h = (b − a)/n: order 4
//! p     = −slope of log |e(n)| against log n, fitted over n = 8, 16, …, 256
//! ```
//!
//! The verdict tells four failures apart, each with its own cause:
//!
//! - every |e(n)| within [`ROUNDING`] of I (relative): Simpson is exact for
//!   polynomials of degree 3 or less, so only round-off is left, and there is no
//!   order to fit;
//! - the error stops shrinking at large n: it has reached the size of a mistake
//!   in I;
//! - p near 6: f‴(a) = f‴(b), so the h⁴ term vanishes;
//! - any other p: f is not smooth enough on [a, b] (a kink, a jump, √x at 0).

use crate::exercise::given::attempt;
use crate::exercise::verdict::Verdict;
use crate::tolerance::{self, ROUNDING};
use crate::{Rule, Setup, serial, sweep};

/// The sizes the order is fitted over.
const FROM: u64 = 8;
const TO: u64 = 256;
/// The size whose error must be small, and how small.
const AT: u64 = 64;
const SMALL: f64 = 1e-6;
/// How far the fitted order may be from 4.
const ORDER_SLACK: f64 = 0.3;

/// Checks exercise 1: Simpson's rule on `f` over [a, b] against `exact`.
///
/// Passes when the error at n = 64 is below 10⁻⁶ and the order fitted to the
/// errors at n = 8, 16, …, 256 is within 0.3 of 4. Errors within
/// [`ROUNDING`] of `exact` are round-off, and are left out of the fit.
///
/// # Scope
///
/// `f` is borrowed (shared) for the call only; the sweep evaluates it on
/// this thread.
///
/// # Examples
///
/// ```
/// use parlab::exercise::check_1;
/// assert!(check_1(&|x: f64| x * x.exp(), 0.0, 1.0, 1.0).passed());
/// let cubic = check_1(&|x: f64| x * x * x + 0.1 * x, 0.0, 0.3, 0.3f64.powi(4) / 4.0 + 0.05 * 0.09);
/// assert!(cubic.wrong().unwrap().contains("degree 3 or less"));
/// ```
pub fn check_1(f: &(dyn Fn(f64) -> f64 + Sync), a: f64, b: f64, exact: f64) -> Verdict {
    let mut verdict = Verdict::new("1");
    let outcome = judge(f, a, b, exact, &mut verdict);
    verdict.finish(outcome)
}

fn judge(f: &(dyn Fn(f64) -> f64 + Sync), a: f64, b: f64, exact: f64, verdict: &mut Verdict) -> Result<(), String> {
    if !exact.is_finite() {
        return Err(format!("the exact value is {exact}: write the number you derived for the integral"));
    }
    let simpson = Setup::new(a, b).map_err(|err| format!("[MY_A, MY_B] = [{a}, {b}]: {err}"))?.with_rule(Rule::Simpson);
    let integrand = |x: f64| f(x);
    let doubling = attempt("your integrand", || serial::sweep(&integrand, &simpson, &sweep::doubling(FROM, TO)))?
        .map_err(|err| format!("Simpson's rule on your integrand over [{a}, {b}]: {err}"))?;
    let errors: Vec<(u64, f64)> = doubling.points.iter().map(|point| (point.n, point.value - exact)).collect();
    for (n, error) in &errors {
        verdict.note(format!("  n = {n:>3}: error {error:>10.2e}"));
    }
    let floor = ROUNDING * exact.abs().max(1.0);
    let above: Vec<(u64, f64)> = errors.iter().copied().filter(|(_, error)| error.abs() > floor).collect();
    let largest = errors.iter().map(|(_, error)| error.abs()).fold(0.0, f64::max);
    if above.is_empty() {
        return Err(format!(
            "every error is round-off (at most {largest:.1e}, within tolerance::ROUNDING of the exact value): \
             Simpson's rule is exact for polynomials of degree 3 or less, so there is no order to fit; \
             pick a function that is not such a polynomial"
        ));
    }
    if above.len() < 3 {
        let reached = errors.iter().find(|(_, error)| error.abs() <= floor).map_or(TO, |(n, _)| *n);
        return Err(format!(
            "the error reaches round-off already at n = {reached}: too few errors above it to fit an order; \
             pick a less smooth function or a wider interval"
        ));
    }
    // An error that no longer shrinks at the largest sizes is the size of a mistake in `exact`
    // (errors at round-off are left out: they say `exact` is right).
    let tail = &above[above.len() - 2..];
    if tail[0].0 >= TO / 4 && tolerance::fitted_order(tail).is_none_or(|order| order < 1.0) {
        let shown: Vec<String> = tail.iter().map(|(n, error)| format!("{:.1e} at n = {n}", error.abs())).collect();
        return Err(format!(
            "the error stops shrinking ({}), where Simpson's falls 16-fold per doubling: the exact value is off by \
             about that much; derive it again, for the interval [{a}, {b}] you set",
            shown.join(", ")
        ));
    }
    let Some(order) = tolerance::fitted_order(&above) else {
        return Err("no order could be fitted to the errors".into());
    };
    let error_at = errors.iter().find(|(n, _)| *n == AT).map_or(f64::NAN, |(_, error)| error.abs());
    verdict.note(format!("Simpson: |error| = {error_at:.1e} at n = {AT}, fitted order {order:.2}"));
    if (order - 4.0).abs() >= ORDER_SLACK {
        return Err(if order > 5.0 {
            format!(
                "fitted order {order:.2}, not 4: your f‴(a) equals f‴(b), so the h⁴ term of Simpson's error vanishes \
                 and the next one, h⁶, shows; pick another function or interval"
            )
        } else {
            format!(
                "fitted order {order:.2}, not 4: Simpson's order 4 needs a smooth integrand (four continuous \
                 derivatives on [a, b]); a kink, a jump or a singularity such as √x at 0 lowers it"
            )
        });
    }
    if error_at.is_nan() || error_at >= SMALL {
        return Err(format!(
            "the error at n = {AT} is {error_at:.1e}, not below {SMALL:.0e}: is the exact value right?"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_polynomial_with_round_off_is_exact_up_to_rounding() {
        // x³ + x/10 on [0, 0.3]: Simpson is exact, but the sums leave round-off, not 0.
        let exact = 0.3f64.powi(4) / 4.0 + 0.05 * 0.09;
        let verdict = check_1(&|x: f64| x * x * x + 0.1 * x, 0.0, 0.3, exact);
        let wrong = verdict.wrong().unwrap();
        assert!(wrong.contains("round-off") && wrong.contains("degree 3 or less"), "{wrong}");
        assert!(!wrong.contains("off by"), "{wrong}");
    }
}
