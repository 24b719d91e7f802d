//! The parent's side: start the workers, hand out tasks as results arrive, collect them in order.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::program::worker_program;
use super::protocol::{Header, Reply, Request};
use crate::error::{Error, Result};
use crate::integrand::{Portable, Recipe};
use crate::rule::Setup;
use crate::task::{self, Backend, Point, Sweep, Task};

/// Tasks kept in flight per worker, to hide the pipe's round trip.
const IN_FLIGHT: usize = 2;

/// One worker process and what the parent knows of it.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    pending: VecDeque<(usize, u64)>,
    stderr: Option<thread::JoinHandle<String>>,
}

enum Event {
    Line(usize, String),
    Closed(usize),
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

fn run(program: Option<&Path>, recipe: Recipe, setup: &Setup, sizes: &[u64], workers: usize) -> Result<Sweep> {
    if workers == 0 {
        return Err(Error::ZeroThreads);
    }
    task::check(setup, sizes)?;
    let program = match program {
        Some(program) => program.to_path_buf(),
        None => worker_program()?,
    };
    let header = serde_json::to_string(&Header { recipe, setup: *setup }).expect("headers serialize");

    let t0 = Instant::now();
    let (events, inbox) = mpsc::channel();
    let mut pool = Vec::with_capacity(workers);
    for id in 0..workers {
        match start(&program, id, &header, events.clone()) {
            Ok(worker) => pool.push(worker),
            Err(e) => {
                shut_down(&mut pool);
                return Err(e);
            }
        }
    }
    drop(events);

    let mut queue = sizes.iter().copied().enumerate();
    let mut results: Vec<Option<(Point, Task)>> = vec![None; sizes.len()];
    let mut done = 0;
    let outcome = (|| {
        for (id, worker) in pool.iter_mut().enumerate() {
            for _ in 0..IN_FLIGHT {
                feed(worker, id, &mut queue)?;
            }
        }
        while done < sizes.len() {
            match inbox.recv() {
                Ok(Event::Line(id, line)) => {
                    let reply: Reply = serde_json::from_str(&line)
                        .map_err(|e| fail(&pool[id], id, format!("sent a line that is not a result ({e}): {line}")))?;
                    pool[id].pending.retain(|&(index, _)| index != reply.index);
                    if let Some(message) = reply.error {
                        return Err(Error::Remote { worker: id, n: reply.n, message });
                    }
                    let end = t0.elapsed();
                    let value =
                        reply.value.ok_or_else(|| fail(&pool[id], id, "sent a result without a value".into()))?;
                    let start = end.saturating_sub(Duration::from_secs_f64(reply.seconds.max(0.0)));
                    let point = Point {
                        n: reply.n,
                        value,
                        evaluations: reply.evaluations.unwrap_or(0),
                        error_estimate: reply.error_estimate,
                    };
                    let slot = results
                        .get_mut(reply.index)
                        .ok_or_else(|| fail(&pool[id], id, format!("answered an unknown task {}", reply.index)))?;
                    *slot = Some((point, Task { index: reply.index, n: reply.n, worker: id, start, end }));
                    done += 1;
                    feed(&mut pool[id], id, &mut queue)?;
                }
                Ok(Event::Closed(id)) => {
                    if !pool[id].pending.is_empty() {
                        return Err(died(&mut pool[id], id));
                    }
                }
                Err(_) => {
                    // Every worker closed its output: name one that still owed results.
                    let id = pool.iter().position(|w| !w.pending.is_empty()).unwrap_or(0);
                    return Err(died(&mut pool[id], id));
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
    let (points, tasks) = results.into_iter().map(|r| r.expect("every task was answered")).unzip();
    Ok(Sweep { setup: *setup, backend: Backend::Process { workers }, points, tasks, elapsed: t0.elapsed() })
}

fn start(program: &Path, id: usize, header: &str, events: mpsc::Sender<Event>) -> Result<Worker> {
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
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            match line {
                Ok(line) => {
                    if events.send(Event::Line(id, line)).is_err() {
                        return;
                    }
                }
                Err(_) => break,
            }
        }
        let _ = events.send(Event::Closed(id));
    });
    let stderr = thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut worker = Worker { stdin: child.stdin.take(), child, pending: VecDeque::new(), stderr: Some(stderr) };
    if send(&mut worker, header).is_err() {
        // It is gone before reading anything: report how it ended, as for any death.
        return Err(died(&mut worker, id));
    }
    Ok(worker)
}

fn send(worker: &mut Worker, line: &str) -> std::io::Result<()> {
    let stdin = worker.stdin.as_mut().ok_or_else(|| std::io::Error::other("stdin closed"))?;
    stdin.write_all(line.as_bytes())?;
    stdin.write_all(b"\n")?;
    stdin.flush()
}

fn feed(worker: &mut Worker, id: usize, queue: &mut impl Iterator<Item = (usize, u64)>) -> Result<()> {
    if let Some((index, n)) = queue.next() {
        let line = serde_json::to_string(&Request { index, n }).expect("requests serialize");
        worker.pending.push_back((index, n));
        if send(worker, &line).is_err() {
            return Err(died(worker, id));
        }
    }
    Ok(())
}

fn fail(worker: &Worker, id: usize, message: String) -> Error {
    Error::Worker { worker: id, pid: worker.child.id(), message }
}

/// The error for a worker whose pipe closed with work outstanding: how it
/// ended, the task it was computing, and its last words on stderr.
fn died(worker: &mut Worker, id: usize) -> Error {
    let pid = worker.child.id();
    worker.stdin.take();
    let how = worker.child.wait().map(ended).unwrap_or_else(|e| format!("could not be waited for ({e})"));
    let stderr = worker.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    let task = worker.pending.front().map_or(String::new(), |(_, n)| format!(" while computing n = {n}"));
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
