//! A sweep read back from the JSON that `parlab sweep --json` prints.

use std::time::Duration;

use serde::Deserialize;

use super::outcome::{self, Point, Sweep, Task};
use crate::error::{Error, Result};

/// A sweep as `parlab sweep --json` printed it, on any backend (MPI included):
/// the backend's name and worker count, the points and the timeline.
///
/// Read with [`Printed::from_json`]. The points keep every bit: the command
/// writes floats with enough digits to read back to the same value.
#[derive(Clone, Debug, PartialEq)]
pub struct Printed {
    /// The backend's name: `serial`, `rayon`, `chunked`, `process` or `mpi`.
    pub backend: String,
    /// How many threads, worker processes or ranks ran the sweep.
    pub workers: usize,
    /// One point per size, in the order of the sizes.
    pub points: Vec<Point>,
    /// When and where each task ran; on MPI, `worker` is the rank.
    pub tasks: Vec<Task>,
    /// The sweep, as the backend timed it.
    pub elapsed: Duration,
}

/// The fields of the command's report that [`Printed`] keeps; serde skips the others.
#[derive(Deserialize)]
struct Report {
    backend: String,
    threads: usize,
    elapsed_seconds: f64,
    points: Vec<Point>,
    tasks: Vec<TaskSeconds>,
}

/// A timeline record as the command writes it, with its times in seconds.
#[derive(Deserialize)]
struct TaskSeconds {
    index: usize,
    n: u64,
    worker: usize,
    start_seconds: f64,
    end_seconds: f64,
}

impl Printed {
    /// Reads the one JSON object `parlab sweep --json` prints.
    ///
    /// ```
    /// let json = r#"{"backend":"mpi","threads":2,"elapsed_seconds":0.5,
    ///     "points":[{"n":4,"value":0.75,"evaluations":4,"error_estimate":null}],
    ///     "tasks":[{"index":0,"n":4,"worker":1,"start_seconds":0.1,"end_seconds":0.2}]}"#;
    /// let printed = parlab::sweep::Printed::from_json(json).unwrap();
    /// assert_eq!(printed.label(), "mpi(2)");
    /// assert_eq!((printed.points[0].n, printed.tasks[0].worker), (4, 1));
    /// assert!(parlab::sweep::Printed::from_json("error: no such integrand").is_err());
    /// ```
    pub fn from_json(json: &str) -> Result<Printed> {
        let report: Report = serde_json::from_str(json).map_err(|e| Error::NotASweep { message: e.to_string() })?;
        let seconds = |s: f64, what: &str| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| Error::NotASweep { message: format!("{what} is {s}, not a time in seconds") })
        };
        let tasks = report
            .tasks
            .iter()
            .map(|t| {
                Ok(Task {
                    index: t.index,
                    n: t.n,
                    worker: t.worker,
                    start: seconds(t.start_seconds, "start_seconds")?,
                    end: seconds(t.end_seconds, "end_seconds")?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Printed {
            backend: report.backend,
            workers: report.threads,
            points: report.points,
            tasks,
            elapsed: seconds(report.elapsed_seconds, "elapsed_seconds")?,
        })
    }

    /// The backend and its workers as the command's text output names them, e.g. `mpi(2)`.
    pub fn label(&self) -> String {
        format!("{}({})", self.backend, self.workers)
    }

    /// Whether it has the same sizes as `sweep` and the same bits in every value
    /// (and error estimate): the check [`Sweep::same_bits`] makes between two sweeps.
    pub fn same_bits(&self, sweep: &Sweep) -> bool {
        outcome::same_bits(&self.points, &sweep.points)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SWEEP: &str = r#"{"integrand":"lecture","backend":"rayon","threads":2,"elapsed_seconds":0.25,
        "points":[{"n":2,"value":0.1,"evaluations":2,"error_estimate":null,"empty_sum":false},
                  {"n":3,"value":0.7853981633974483,"evaluations":3,"error_estimate":0.5,"empty_sum":false}],
        "tasks":[{"index":0,"n":2,"worker":1,"start_seconds":0.0,"end_seconds":0.125},
                 {"index":1,"n":3,"worker":0,"start_seconds":0.001,"end_seconds":0.002}]}"#;

    #[test]
    fn reads_every_field_it_keeps_and_skips_the_others() {
        let p = Printed::from_json(SWEEP).unwrap();
        assert_eq!((p.backend.as_str(), p.workers, p.label()), ("rayon", 2, "rayon(2)".to_string()));
        assert_eq!(p.elapsed, Duration::from_millis(250));
        assert_eq!(p.points.len(), 2);
        assert_eq!(p.points[1].value.to_bits(), std::f64::consts::FRAC_PI_4.to_bits());
        assert_eq!(p.points[1].error_estimate, Some(0.5));
        assert_eq!(
            p.tasks[0],
            Task { index: 0, n: 2, worker: 1, start: Duration::ZERO, end: Duration::from_millis(125) }
        );
    }

    #[test]
    fn what_is_not_a_sweep_is_an_error_that_says_why() {
        for (json, says) in [
            ("error: unknown integrand", "expected value"),
            (r#"{"backend":"rayon","threads":2}"#, "missing field `elapsed_seconds`"),
            (&SWEEP.replace("0.125", "-1.0"), "end_seconds is -1"),
            (&SWEEP.replace(r#""value":0.1"#, r#""value":"0.1""#), "invalid type"),
        ] {
            let message = Printed::from_json(json).unwrap_err().to_string();
            assert!(message.starts_with("not the JSON of `parlab sweep --json`: "), "{message}");
            assert!(message.contains(says), "{message}");
        }
    }

    #[test]
    fn same_bits_compares_sizes_values_and_estimates() {
        let p = Printed::from_json(SWEEP).unwrap();
        let mut sweep = Sweep {
            setup: crate::rule::Setup::new(0.0, 1.0).unwrap(),
            backend: crate::task::Backend::Serial,
            points: p.points.clone(),
            tasks: Vec::new(),
            elapsed: Duration::ZERO,
        };
        assert!(p.same_bits(&sweep));
        sweep.points[1].value = f64::from_bits(sweep.points[1].value.to_bits() + 1);
        assert!(!p.same_bits(&sweep));
        sweep.points[1] = p.points[1];
        sweep.points[0].error_estimate = Some(0.0);
        assert!(!p.same_bits(&sweep));
        sweep.points.pop();
        assert!(!p.same_bits(&sweep));
    }
}
