//! Notebook 02, exercise 3: predict the order of convergence of three rules.
//!
//! # Formula
//!
//! ```text
//! e(n) = |Q_n − I|          on n = 2, 4, …, 2^18 (sweep::doubling), seed SEED
//! p    = −slope of log e(n) against log n, fitted over n ≥ 8 with e(n) above the round-off floor
//! ```
//!
//! Each predicted order passes when it is within 0.3 of the fitted p.

use crate::exercise::given::{SEED, attempt};
use crate::exercise::verdict::Verdict;
use crate::tolerance::{self, ROUNDING};
use crate::{Rule, Setup, serial, sweep};

/// The rules whose orders are predicted, in the order of the prediction.
pub const RULES: [Rule; 3] = [Rule::Lecture, Rule::MonteCarlo, Rule::Trapezoid];
/// How far a prediction may be from the fitted order.
const SLACK: f64 = 0.3;
/// The largest size of the doubling sweep.
const TO: u64 = 1 << 18;

/// The order of `rule` on `f` over [a, b], fitted as notebook 02 fits it:
/// `None` when too few errors lie above the round-off floor.
pub fn measured_order(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    exact: f64,
    rule: Rule,
) -> crate::Result<Option<f64>> {
    let setup = Setup::new(a, b)?.with_rule(rule).with_seed(SEED);
    let integrand = |x: f64| f(x);
    let run = serial::sweep(&integrand, &setup, &sweep::doubling(2, TO))?;
    let floor = ROUNDING * exact.abs().max(1.0);
    let errors: Vec<(u64, f64)> =
        run.points.iter().map(|p| (p.n, (p.value - exact).abs())).filter(|&(n, e)| n >= 8 && e > floor).collect();
    Ok(tolerance::fitted_order(&errors))
}

/// Checks notebook 02's exercise 3: `predicted()` holds the orders p (error ∝ n^−p)
/// of the lecture's rule, Monte Carlo and the trapezoid rule on `f` over [a, b],
/// each within 0.3 of the order the run measures ([`measured_order`]).
///
/// # Examples
///
/// ```
/// let f = |x: f64| 1.0 / (1.0 + x * x);
/// let all_two = parlab::exercise::check_serial_3(&f, 0.0, 1.0, std::f64::consts::FRAC_PI_4, &|| [2.0; 3]);
/// assert!(!all_two.passed());
/// ```
pub fn check_serial_3(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    exact: f64,
    predicted: &dyn Fn() -> [f64; 3],
) -> Verdict {
    let mut verdict = Verdict::new("serial 3");
    let outcome = judge(f, a, b, exact, predicted, &mut verdict);
    verdict.finish(outcome)
}

fn judge(
    f: &(dyn Fn(f64) -> f64 + Sync),
    a: f64,
    b: f64,
    exact: f64,
    predicted: &dyn Fn() -> [f64; 3],
    verdict: &mut Verdict,
) -> Result<(), String> {
    let guess = attempt("`predicted_orders`", predicted)?;
    if guess.iter().any(|p| *p < 0.0) {
        return Err("an order is negative: p is the power in error ∝ n^−p, so a shrinking error has p > 0".into());
    }
    let mut wrong = Vec::new();
    let mut seen = Vec::new();
    for (rule, p) in RULES.iter().zip(guess) {
        let measured =
            measured_order(f, a, b, exact, *rule).map_err(|err| format!("the {} rule on f: {err}", rule.name()))?;
        let Some(measured) = measured else {
            return Err(format!("the {} rule reaches round-off at once on f: no order to measure", rule.name()));
        };
        if (p - measured).abs() > SLACK {
            wrong.push(rule.name());
        }
        seen.push(format!("{}: measured {measured:.2}, you predicted {p}", rule.name()));
    }
    if !wrong.is_empty() {
        return Err(format!(
            "the run's order differs by more than {SLACK} from your prediction for: {}",
            wrong.join(", ")
        ));
    }
    for line in seen {
        verdict.note(line);
    }
    Ok(())
}
