//! What a sweep gives back: one point per size, one timeline record per task.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::backend::Backend;
use crate::rule::{Estimate, Rule, Setup};

/// One point of a sweep: the estimate for one sample size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// The sample size.
    pub n: u64,
    /// The estimate.
    pub value: f64,
    /// How many times f was evaluated.
    pub evaluations: u64,
    /// The rule's own error estimate, where it has one.
    pub error_estimate: Option<f64>,
}

impl From<Estimate> for Point {
    fn from(e: Estimate) -> Point {
        Point { n: e.n, value: e.value, evaluations: e.evaluations, error_estimate: e.error_estimate }
    }
}

/// When and where one task ran, measured from the start of the sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// The task's position in the list of sizes.
    pub index: usize,
    /// Its sample size.
    pub n: u64,
    /// The thread (or worker process) that ran it, from 0.
    pub worker: usize,
    /// When it started.
    pub start: Duration,
    /// When it ended.
    pub end: Duration,
}

/// The result of a sweep: the points in the order of the sizes, and the task timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep {
    /// The setup every point was computed with.
    pub setup: Setup,
    /// The backend that ran it.
    pub backend: Backend,
    /// One point per size, in the order the sizes were given.
    pub points: Vec<Point>,
    /// One record per task, in the same order.
    pub tasks: Vec<Task>,
    /// Wall-clock time of the whole sweep.
    pub elapsed: Duration,
}

impl Sweep {
    /// The rule of every point.
    pub fn rule(&self) -> Rule {
        self.setup.rule()
    }

    /// The estimates alone, in order.
    pub fn values(&self) -> Vec<f64> {
        self.points.iter().map(|p| p.value).collect()
    }

    /// Whether two sweeps have the same sizes and the same bits in every value.
    pub fn same_bits(&self, other: &Sweep) -> bool {
        same_bits(&self.points, &other.points)
    }
}

/// Whether two lists of points have the same sizes and the same bits in every value and error estimate.
pub(crate) fn same_bits(points: &[Point], others: &[Point]) -> bool {
    points.len() == others.len()
        && points.iter().zip(others).all(|(p, q)| {
            p.n == q.n
                && p.value.to_bits() == q.value.to_bits()
                && p.error_estimate.map(f64::to_bits) == q.error_estimate.map(f64::to_bits)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sweep(points: &[(u64, f64, Option<f64>)]) -> Sweep {
        Sweep {
            setup: Setup::new(0.0, 1.0).unwrap().with_rule(Rule::MonteCarlo),
            backend: Backend::Serial,
            points: points
                .iter()
                .map(|&(n, value, error_estimate)| Point { n, value, evaluations: n, error_estimate })
                .collect(),
            tasks: Vec::new(),
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn same_bits_compares_sizes_values_and_error_estimates() {
        let base = sweep(&[(10, 0.5, Some(0.1)), (20, 0.75, None)]);
        assert!(base.same_bits(&base.clone()));
        assert!(!base.same_bits(&sweep(&[(10, 0.5, Some(0.1))])), "fewer points");
        assert!(!base.same_bits(&sweep(&[(11, 0.5, Some(0.1)), (20, 0.75, None)])), "another n");
        assert!(!base.same_bits(&sweep(&[(10, 0.5000000000000001, Some(0.1)), (20, 0.75, None)])), "one ulp");
        assert!(!base.same_bits(&sweep(&[(10, 0.5, Some(0.2)), (20, 0.75, None)])), "another error estimate");
        assert!(!base.same_bits(&sweep(&[(10, 0.5, None), (20, 0.75, None)])), "no error estimate");
        assert!(!sweep(&[(1, 0.0, None)]).same_bits(&sweep(&[(1, -0.0, None)])), "0 and -0 differ in their bits");
        assert!(sweep(&[(1, f64::NAN, None)]).same_bits(&sweep(&[(1, f64::NAN, None)])));
        assert_eq!(base.values(), [0.5, 0.75]);
        assert_eq!(base.rule(), Rule::MonteCarlo);
    }

    #[test]
    fn a_point_keeps_its_estimate() {
        let e = Estimate { rule: Rule::Midpoint, n: 8, value: 1.25, evaluations: 8, error_estimate: Some(0.5) };
        assert_eq!(Point::from(e), Point { n: 8, value: 1.25, evaluations: 8, error_estimate: Some(0.5) });
    }
}
