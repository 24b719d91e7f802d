//! The sweep's side in the parent: its header, one round of tasks on the pool, the answers back in size order.

use std::path::Path;
use std::time::{Duration, Instant};

use super::batch::Schedule;
use super::pool::{Due, Pool};
use super::program::worker_program;
use super::protocol::{Header, Request};
use crate::error::{Error, Result};
use crate::integrand::{Portable, Recipe};
use crate::rule::Setup;
use crate::task::{self, Backend, Point, Sweep, Task};

/// One task's answer, with its times still on its worker's clock.
struct Done {
    point: Point,
    worker: usize,
    start: Duration,
    end: Duration,
}

/// One estimate per size, computed by `workers` separate processes.
///
/// `f` must be [`Portable`]: a catalogue entry, an [`Expr`](crate::Expr), or
/// the portable form of a [`Func`](crate::Func) made from one
/// ([`Func::portable`](crate::Func::portable)). A closure does not compile
/// here (E0277): it is code and memory of this process, which a worker
/// process does not have.
///
/// # Scope
///
/// `f` is only borrowed to write its [`Recipe`]; the workers rebuild their own
/// copy from that text. Each worker process owns its memory: nothing it does
/// can change a value in this process, and the only way back is the pipe.
/// Every child is waited for (or killed, on an error) before this returns.
///
/// # Examples
///
/// ```no_run
/// let lecture = parlab::catalogue::get("lecture").unwrap();
/// let setup = parlab::Setup::for_entry(lecture).with_seed(7);
/// let sizes = parlab::sweep::below(1000);
/// let procs = parlab::process::sweep(lecture, &setup, &sizes, 2).unwrap();
/// assert!(procs.same_bits(&parlab::serial::sweep(lecture, &setup, &sizes).unwrap()));
/// ```
///
/// A closure is refused by the compiler, with a note that says why:
///
/// ```compile_fail,E0277
#[doc = include_str!("../../../tests/ui/closure_to_process.rs")]
/// ```
pub fn sweep<P: Portable + ?Sized>(f: &P, setup: &Setup, sizes: &[u64], workers: usize) -> Result<Sweep> {
    run(None, f.to_recipe(), setup, sizes, workers)
}

/// [`sweep()`], with the workers running `program` instead of [`worker_program`]'s choice.
pub fn sweep_with_program<P: Portable + ?Sized>(
    program: &Path,
    f: &P,
    setup: &Setup,
    sizes: &[u64],
    workers: usize,
) -> Result<Sweep> {
    run(Some(program), f.to_recipe(), setup, sizes, workers)
}

/// [`sweep()`] for an integrand already written down: the dispatcher's way in,
/// after it found that a `&dyn Integrand` has a recipe.
pub(crate) fn sweep_recipe(recipe: Recipe, setup: &Setup, sizes: &[u64], workers: usize) -> Result<Sweep> {
    run(None, recipe, setup, sizes, workers)
}

/// Every line the parent sends a worker when it is the only one: the header,
/// then the batches in the order they are handed out. This is the text
/// [`sweep()`] writes into a worker's pipe, for a notebook to show or to feed
/// a worker of its own; the answers it gets back are one JSON line per task
/// (the protocol in [`crate::process`]).
///
/// # Examples
///
/// ```
/// let f = parlab::Expr::parse("1/(1+x^2)").unwrap();
/// let setup = parlab::Setup::new(0.0, 1.0).unwrap().with_seed(7);
/// let lines = parlab::process::request_lines(&f, &setup, &[3, 1000, 5]).unwrap();
/// assert!(lines[0].starts_with(r#"{"recipe":{"expr":"1/(1+x^2)"},"setup":{"a":0.0,"b":1.0,"#));
/// assert!(lines[0].ends_with(r#""tasks":[[1,1000],[2,5],[0,3]]}"#)); // (index, n), largest first
/// assert_eq!(lines[1..], [r#"{"from":0,"to":3}"#]); // one batch: the three tasks cost less than the smallest batch
/// ```
pub fn request_lines<P: Portable + ?Sized>(f: &P, setup: &Setup, sizes: &[u64]) -> Result<Vec<String>> {
    task::check(setup, sizes)?;
    let mut schedule = Schedule::new(sizes, 1);
    let mut lines = vec![Header::sweep_line(f.to_recipe(), setup, schedule.tasks())];
    while let Some(batch) = schedule.next_batch() {
        lines.push(Request::line(&batch));
    }
    Ok(lines)
}

fn run(program: Option<&Path>, recipe: Recipe, setup: &Setup, sizes: &[u64], workers: usize) -> Result<Sweep> {
    if workers == 0 {
        return Err(Error::ZeroThreads);
    }
    task::check(setup, sizes)?;
    let program = match program {
        Some(program) => program.to_path_buf(),
        None => worker_program()?,
    };
    let mut schedule = Schedule::new(sizes, workers);
    let header = Header::sweep_line(recipe, setup, schedule.tasks());

    let t0 = Instant::now();
    let mut pool = Pool::start(&program, workers, &header, t0)?;
    let mut results: Vec<Option<Done>> = (0..sizes.len()).map(|_| None).collect();
    // Per worker, the least (arrival − end) seen: its clock's offset from ours, plus at least the pipe's delay.
    let mut offsets: Vec<Option<Duration>> = vec![None; workers];
    pool.run(&mut schedule, &|(_, n)| format!("n = {n}"), |due| {
        let (worker, arrival) = (due.worker, due.arrival);
        let (index, done) = check(due)?;
        let lag = arrival.saturating_sub(done.end);
        offsets[worker] = Some(offsets[worker].map_or(lag, |o| o.min(lag)));
        results[index] = Some(done);
        Ok(())
    })?;
    pool.finish();
    // The timeline on our clock: each worker's times moved by its offset.
    let (points, tasks) = results
        .into_iter()
        .enumerate()
        .map(|(index, done)| {
            let Done { point, worker, start, end } = done.expect("every task was answered");
            let offset = offsets[worker].unwrap_or_default();
            (point, Task { index, n: point.n, worker, start: start + offset, end: end + offset })
        })
        .unzip();
    Ok(Sweep { setup: *setup, backend: Backend::Process { workers }, points, tasks, elapsed: t0.elapsed() })
}

/// Checks a due answer's result: its point and times, or the task's error.
fn check(due: Due) -> Result<(usize, Done)> {
    let Due { worker: id, pid, reply, .. } = due;
    let fail = |message: String| Error::Worker { worker: id, pid, message };
    let n = reply.n;
    if let Some(message) = reply.error {
        return Err(Error::Remote { worker: id, n, message });
    }
    let value = reply.value.ok_or_else(|| fail(format!("sent an answer for n = {n} without a value")))?;
    let time = |t: f64| Duration::try_from_secs_f64(t).ok();
    let (Some(start), Some(end)) = (time(reply.start), time(reply.end)) else {
        return Err(fail(format!("sent times that are not times for n = {n}: {} to {}", reply.start, reply.end)));
    };
    let point = Point { n, value, evaluations: reply.evaluations.unwrap_or(0), error_estimate: reply.error_estimate };
    Ok((reply.index, Done { point, worker: id, start, end: end.max(start) }))
}
