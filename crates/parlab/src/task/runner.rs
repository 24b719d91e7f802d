//! One task, as every backend runs it.

use std::panic::{self, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::backend::Backend;
use super::outcome::{Point, Sweep, Task};
use crate::error::{Error, Result, panic_message};
use crate::integrand::Integrand;
use crate::rule::Setup;

/// One task: the estimate for `n`; a panic in `f` becomes an error.
pub(crate) fn task<F: Integrand + ?Sized>(f: &F, setup: &Setup, n: u64) -> Result<Point> {
    // scope: `f` and `setup` are borrowed into the closure; AssertUnwindSafe
    // because on a panic we drop everything the task made and keep nothing.
    panic::catch_unwind(AssertUnwindSafe(|| setup.estimate_checked(f, n)))
        .unwrap_or_else(|payload| Err(Error::Panicked { n, message: panic_message(payload.as_ref()) }))
        .map(Point::from)
}

/// Runs one task and records when it ran, relative to `t0`.
pub(crate) fn timed_task<F: Integrand + ?Sized>(
    f: &F,
    setup: &Setup,
    index: usize,
    n: u64,
    worker: usize,
    t0: Instant,
) -> (Result<Point>, Task) {
    let start = t0.elapsed();
    let point = task(f, setup, n);
    let end = t0.elapsed();
    (point, Task { index, n, worker, start, end })
}

/// Collects task results in order; the first error in size order wins.
pub(crate) fn assemble(
    setup: &Setup,
    backend: Backend,
    results: Vec<(Result<Point>, Task)>,
    elapsed: Duration,
) -> Result<Sweep> {
    let mut points = Vec::with_capacity(results.len());
    let mut tasks = Vec::with_capacity(results.len());
    for (point, task) in results {
        points.push(point?);
        tasks.push(task);
    }
    Ok(Sweep { setup: *setup, backend, points, tasks, elapsed })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    #[test]
    fn a_panic_becomes_an_error_with_its_message() {
        let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Midpoint);
        let text = |_: f64| -> f64 { panic!("gave up") };
        assert_eq!(task(&text, &setup, 3), Err(Error::Panicked { n: 3, message: "gave up".into() }));
        let formatted = |x: f64| -> f64 { panic!("gave up at {x}") };
        assert_eq!(task(&formatted, &setup, 1), Err(Error::Panicked { n: 1, message: "gave up at 0.5".into() }));
        let other = |_: f64| -> f64 { std::panic::panic_any(7_u8) };
        assert!(
            matches!(task(&other, &setup, 1), Err(Error::Panicked { message, .. }) if message.contains("non-text"))
        );
        assert_eq!(task(&|x: f64| x, &setup, 2), Ok(Point { n: 2, value: 0.5, evaluations: 2, error_estimate: None }));
    }

    #[test]
    fn assembling_keeps_the_order_and_the_first_error() {
        let setup = Setup::new(0.0, 1.0).unwrap();
        let t = |index| Task { index, n: index as u64, worker: 0, start: Duration::ZERO, end: Duration::ZERO };
        let p = |n| Point { n, value: n as f64, evaluations: n, error_estimate: None };
        let fine = vec![(Ok(p(2)), t(0)), (Ok(p(1)), t(1))];
        let sweep = assemble(&setup, Backend::Serial, fine, Duration::from_secs(1)).unwrap();
        assert_eq!(sweep.values(), [2.0, 1.0]);
        assert_eq!(sweep.tasks.iter().map(|t| t.index).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(sweep.elapsed, Duration::from_secs(1));
        let failing = vec![
            (Ok(p(1)), t(0)),
            (Err(Error::Panicked { n: 2, message: "first".into() }), t(1)),
            (Err(Error::Panicked { n: 3, message: "second".into() }), t(2)),
        ];
        let err = assemble(&setup, Backend::Serial, failing, Duration::ZERO).unwrap_err();
        assert_eq!(err, Error::Panicked { n: 2, message: "first".into() });
    }

    #[test]
    fn a_timed_task_records_where_and_when() {
        let setup = Setup::new(0.0, 1.0).unwrap();
        let t0 = Instant::now();
        let (point, task) = timed_task(&|x: f64| x, &setup, 4, 10, 3, t0);
        assert_eq!(point.unwrap().n, 10);
        assert_eq!((task.index, task.n, task.worker), (4, 10, 3));
        assert!(task.start <= task.end && task.end <= t0.elapsed());
    }
}
