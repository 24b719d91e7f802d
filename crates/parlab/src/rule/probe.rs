//! Where an integrand first returned NaN or ±∞.

use std::sync::Mutex;

use crate::integrand::Integrand;

/// Runs `rule` with `f` wrapped in a probe, and returns the first (x, f(x))
/// that was not finite, if any.
///
/// The rules run without checks; only when their result is not finite is the
/// rule run again through this probe, on the same stream, to say where.
pub(super) fn first_non_finite(f: &dyn Integrand, rule: impl FnOnce(&dyn Integrand)) -> Option<(f64, f64)> {
    let probe = Probe { f, first: Mutex::new(None) };
    rule(&probe);
    probe.first.into_inner().unwrap_or_else(|e| e.into_inner())
}

struct Probe<'a> {
    f: &'a dyn Integrand,
    first: Mutex<Option<(f64, f64)>>,
}

impl Integrand for Probe<'_> {
    fn eval(&self, x: f64) -> f64 {
        let y = self.f.eval(x);
        if !y.is_finite() {
            let mut first = self.first.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert((x, y));
        }
        y
    }

    fn eval_block(&self, xs: &[f64], out: &mut [f64]) {
        self.f.eval_block(xs, out);
        if let Some(k) = out[..xs.len()].iter().position(|y| !y.is_finite()) {
            let mut first = self.first.lock().unwrap_or_else(|e| e.into_inner());
            first.get_or_insert((xs[k], out[k]));
        }
    }
}
