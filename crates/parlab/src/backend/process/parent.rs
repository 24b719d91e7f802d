//! The parent's side: start the workers, hand out batches as they finish, collect the answers in order.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::ops::Range;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::batch::{IN_FLIGHT, Schedule};
use super::program::worker_program;
use super::protocol::{Header, Reply, Request};
use crate::error::{Error, Result};
use crate::integrand::{Portable, Recipe};
use crate::rule::Setup;
use crate::task::{self, Backend, Point, Sweep, Task};

/// One worker process and what the parent knows of it.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The batches sent and not yet fully answered, as places in the
    /// schedule; the front one's start is the answer due next.
    batches: VecDeque<Range<usize>>,
    stderr: Option<thread::JoinHandle<String>>,
}

/// What a worker's reader thread reports.
enum Event {
    /// Answer lines that arrived together.
    Answers(usize, Vec<Answer>),
    /// The worker's output closed.
    Closed(usize),
}

/// One answer line, read (not yet checked) by a reader thread.
struct Answer {
    /// The answer, or why the line is not one.
    reply: std::result::Result<Reply, String>,
    /// When it was read, from the start of the sweep.
    arrival: Duration,
}

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
    let mut lines = vec![Header::line(f.to_recipe(), setup, schedule.tasks())];
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
    let header = Header::line(recipe, setup, schedule.tasks());

    let t0 = Instant::now();
    let (events, inbox) = mpsc::channel();
    let mut pool = Vec::with_capacity(workers);
    // All are started before any is spoken to, so they start up side by side.
    for id in 0..workers {
        match start(&program, id, t0, events.clone()) {
            Ok(worker) => pool.push(worker),
            Err(e) => {
                shut_down(&mut pool);
                return Err(e);
            }
        }
    }
    drop(events);

    let mut results: Vec<Option<Done>> = (0..sizes.len()).map(|_| None).collect();
    // Per worker, the least (arrival − end) seen: its clock's offset from ours, plus at least the pipe's delay.
    let mut offsets: Vec<Option<Duration>> = vec![None; workers];
    let outcome = (|| {
        for (id, worker) in pool.iter_mut().enumerate() {
            if send(worker, &header).is_err() {
                // It is gone before reading anything: report how it ended, as for any death.
                return Err(died(worker, id, schedule.tasks()));
            }
        }
        for _ in 0..IN_FLIGHT {
            for (id, worker) in pool.iter_mut().enumerate() {
                feed(worker, id, &mut schedule)?;
            }
        }
        let mut done = 0;
        while done < sizes.len() {
            match inbox.recv() {
                Ok(Event::Answers(id, answers)) => {
                    for answer in answers {
                        let (index, done_task) = check(&pool[id], id, schedule.tasks(), answer.reply)?;
                        let lag = answer.arrival.saturating_sub(done_task.end);
                        offsets[id] = Some(offsets[id].map_or(lag, |o| o.min(lag)));
                        results[index] = Some(done_task);
                        done += 1;
                        let batch = pool[id].batches.front_mut().expect("checked: an answer was due");
                        batch.start += 1;
                        if batch.start == batch.end {
                            pool[id].batches.pop_front();
                            feed(&mut pool[id], id, &mut schedule)?;
                        }
                    }
                }
                Ok(Event::Closed(id)) => {
                    if !pool[id].batches.is_empty() {
                        return Err(died(&mut pool[id], id, schedule.tasks()));
                    }
                }
                Err(_) => {
                    // Every worker closed its output: name one that still owed answers.
                    let id = pool.iter().position(|w| !w.batches.is_empty()).unwrap_or(0);
                    return Err(died(&mut pool[id], id, schedule.tasks()));
                }
            }
        }
        Ok(())
    })();
    match outcome {
        Ok(()) => {
            for worker in &mut pool {
                worker.stdin.take(); // scope: dropping stdin closes the pipe: the worker sees the end and exits
                let _ = worker.child.wait();
            }
        }
        Err(e) => {
            shut_down(&mut pool);
            return Err(e);
        }
    }
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

/// Checks an answer against the task due from worker `id`: its place in the sizes and its result.
fn check(
    worker: &Worker,
    id: usize,
    tasks: &[(usize, u64)],
    reply: std::result::Result<Reply, String>,
) -> Result<(usize, Done)> {
    let reply = reply.map_err(|message| fail(worker, id, message))?;
    let due = worker.batches.front().map(|batch| tasks[batch.start]);
    let Some((index, n)) = due.filter(|&(index, n)| (index, n) == (reply.index, reply.n)) else {
        let due = due.map_or("none".to_string(), |(index, n)| format!("task {index} (n = {n})"));
        return Err(fail(worker, id, format!("answered task {} (n = {}) where {due} was due", reply.index, reply.n)));
    };
    if let Some(message) = reply.error {
        return Err(Error::Remote { worker: id, n, message });
    }
    let value = reply.value.ok_or_else(|| fail(worker, id, format!("sent an answer for n = {n} without a value")))?;
    let time = |t: f64| Duration::try_from_secs_f64(t).ok();
    let (Some(start), Some(end)) = (time(reply.start), time(reply.end)) else {
        return Err(fail(
            worker,
            id,
            format!("sent times that are not times for n = {n}: {} to {}", reply.start, reply.end),
        ));
    };
    let point = Point { n, value, evaluations: reply.evaluations.unwrap_or(0), error_estimate: reply.error_estimate };
    Ok((index, Done { point, worker: id, start, end: end.max(start) }))
}

fn start(program: &Path, id: usize, t0: Instant, events: mpsc::Sender<Event>) -> Result<Worker> {
    let mut child = Command::new(program)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::WorkerProgram { program: program.display().to_string(), message: e.to_string() })?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    // scope: `events` (a Sender) moves into the reader thread; the thread
    // owns it until the worker's stdout closes.
    thread::spawn(move || read_answers(id, stdout, t0, events));
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    Ok(Worker { stdin: child.stdin.take(), child, batches: VecDeque::new(), stderr: Some(stderr) })
}

/// A worker's reader thread: parses its answer lines and passes on, in one
/// event, all that arrived together; then says that its output closed.
fn read_answers(id: usize, stdout: ChildStdout, t0: Instant, events: mpsc::Sender<Event>) {
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut line = String::new();
    loop {
        let mut answers = Vec::new();
        let open = loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break false,
                Ok(_) => {}
            }
            let arrival = t0.elapsed();
            let text = line.trim_end();
            if !text.is_empty() {
                let reply =
                    serde_json::from_str(text).map_err(|e| format!("sent a line that is not an answer ({e}): {text}"));
                answers.push(Answer { reply, arrival });
            }
            if reader.buffer().is_empty() {
                break true;
            }
        };
        if !answers.is_empty() && events.send(Event::Answers(id, answers)).is_err() {
            return;
        }
        if !open {
            let _ = events.send(Event::Closed(id));
            return;
        }
    }
}

fn send(worker: &mut Worker, line: &str) -> std::io::Result<()> {
    let stdin = worker.stdin.as_mut().ok_or_else(|| std::io::Error::other("stdin closed"))?;
    stdin.write_all(line.as_bytes())?;
    stdin.write_all(b"\n")?;
    stdin.flush()
}

/// Sends worker `id` the next batch, if any is left.
fn feed(worker: &mut Worker, id: usize, schedule: &mut Schedule) -> Result<()> {
    if let Some(batch) = schedule.next_batch() {
        let line = Request::line(&batch);
        worker.batches.push_back(batch);
        if send(worker, &line).is_err() {
            return Err(died(worker, id, schedule.tasks()));
        }
    }
    Ok(())
}

fn fail(worker: &Worker, id: usize, message: String) -> Error {
    Error::Worker { worker: id, pid: worker.child.id(), message }
}

/// The error for a worker whose pipe closed with work outstanding: how it
/// ended, the first task it had not answered, and its last words on stderr.
fn died(worker: &mut Worker, id: usize, tasks: &[(usize, u64)]) -> Error {
    let pid = worker.child.id();
    worker.stdin.take();
    let how = worker.child.wait().map(ended).unwrap_or_else(|e| format!("could not be waited for ({e})"));
    let stderr = worker.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    let task =
        worker.batches.front().map_or(String::new(), |batch| format!(" while computing n = {}", tasks[batch.start].1));
    let mut message = format!("{how}{task}");
    if !last.is_empty() {
        message.push_str(&format!("; it said: {last}"));
    }
    Error::Worker { worker: id, pid, message }
}

/// How a process ended, as the end of a sentence about it: "exited with
/// status 3", "was killed by signal 9 (SIGKILL)".
pub(super) fn ended(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        // std's own text names the signal: "signal: 9 (SIGKILL)", perhaps "(core dumped)" after it.
        None => format!("was killed by {}", status.to_string().replacen("signal: ", "signal ", 1)),
    }
}

fn shut_down(pool: &mut [Worker]) {
    for worker in pool.iter_mut() {
        worker.stdin.take();
        let _ = worker.child.kill();
        let _ = worker.child.wait();
    }
}
