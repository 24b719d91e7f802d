//! The multi-process sweep: k worker processes of the `parlab` binary.
//!
//! This is true multiprocessing, as in the lecture's `multiprocessing.Pool`:
//! each worker has its own memory. Nothing is shared, so everything a worker
//! needs crosses a pipe as text: the integrand as a [`Recipe`] (a catalogue
//! name or an expression, never a closure: a closure is code and captured
//! memory that exist only in this process), the setup, and each task's n.
//!
//! # Protocol
//!
//! One JSON object per line, over the worker's stdin and stdout
//! (`parlab worker` runs [`serve`]):
//!
//! ```text
//! parent → worker  {"recipe":{"catalogue":"lecture"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":7}}
//! parent → worker  {"index":0,"n":100}                     one line per task; end of input: no more tasks
//! worker → parent  {"index":0,"n":100,"value":0.78…,"evaluations":100,"error_estimate":null,"seconds":1.2e-5}
//! worker → parent  {"index":0,"n":100,"error":"the integrand returned NaN at x = …"}
//! ```
//!
//! Floats are written with enough digits to read back to the same bits. The
//! parent keeps two tasks in flight per worker and hands out the next task
//! as each result arrives (dynamic scheduling, like `apply_async`). A
//! worker that dies or is killed is reported as [`Error::Worker`] with its
//! pid and exit status; the parent never waits on it forever.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::integrand::{Integrand, Recipe};
use crate::rule::Setup;
use crate::sweep::{self, Backend, Point, Sweep, Task};

/// Tasks kept in flight per worker, to hide the pipe's round trip.
const IN_FLIGHT: usize = 2;

#[derive(Serialize, Deserialize)]
struct Header {
    recipe: Recipe,
    setup: Setup,
}

#[derive(Serialize, Deserialize)]
struct Request {
    index: usize,
    n: u64,
}

#[derive(Serialize, Deserialize)]
struct Reply {
    index: usize,
    n: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    evaluations: Option<u64>,
    #[serde(default)]
    error_estimate: Option<f64>,
    #[serde(default)]
    seconds: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The `parlab` program the workers run.
///
/// In order: the `PARLAB_BIN` environment variable; this program, if it is
/// `parlab`; the workspace's `target/release/parlab`, then `target/debug/parlab`;
/// `parlab` on the `PATH`.
pub fn worker_program() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PARLAB_BIN") {
        return Ok(PathBuf::from(path));
    }
    if let Ok(exe) = std::env::current_exe()
        && exe.file_stem().is_some_and(|s| s == "parlab")
    {
        return Ok(exe);
    }
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target");
    for profile in ["release", "debug"] {
        let candidate = target.join(profile).join(format!("parlab{}", std::env::consts::EXE_SUFFIX));
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let candidate = dir.join(format!("parlab{}", std::env::consts::EXE_SUFFIX));
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    Err(Error::WorkerProgram { program: "parlab".into(), message: "it was not found".into() })
}

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
/// # Scope
///
/// `f` is only borrowed to read its [`Recipe`]; the workers rebuild their own
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
pub fn sweep(f: &dyn Integrand, setup: &Setup, sizes: &[u64], workers: usize) -> Result<Sweep> {
    run(None, f, setup, sizes, workers)
}

/// [`sweep()`], with the workers running `program` instead of [`worker_program`]'s choice.
pub fn sweep_with_program(
    program: &std::path::Path,
    f: &dyn Integrand,
    setup: &Setup,
    sizes: &[u64],
    workers: usize,
) -> Result<Sweep> {
    run(Some(program), f, setup, sizes, workers)
}

fn run(
    program: Option<&std::path::Path>,
    f: &dyn Integrand,
    setup: &Setup,
    sizes: &[u64],
    workers: usize,
) -> Result<Sweep> {
    if workers == 0 {
        return Err(Error::ZeroThreads);
    }
    let recipe = f.recipe().ok_or(Error::NotSendable)?;
    sweep::check(setup, sizes)?;
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
                    return Err(Error::Worker {
                        worker: 0,
                        pid: 0,
                        message: "every worker closed its output early".into(),
                    });
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

fn start(program: &PathBuf, id: usize, header: &str, events: mpsc::Sender<Event>) -> Result<Worker> {
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

/// The error for a worker whose pipe closed with work outstanding.
fn died(worker: &mut Worker, id: usize) -> Error {
    let pid = worker.child.id();
    worker.stdin.take();
    let status = worker.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
    let stderr = worker.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
    let task = worker.pending.front().map_or(String::new(), |(_, n)| format!(" while computing n = {n}"));
    let mut message = format!("it {status}{task}");
    if !last.is_empty() {
        message.push_str(&format!("; it said: {last}"));
    }
    Error::Worker { worker: id, pid, message }
}

fn shut_down(pool: &mut [Worker]) {
    for worker in pool.iter_mut() {
        worker.stdin.take();
        let _ = worker.child.kill();
        let _ = worker.child.wait();
    }
}

/// The worker's side: reads a header and tasks, answers one line per task.
///
/// `parlab worker` calls this with its stdin and stdout. It returns when its
/// input ends, or with an error text if the header is bad or the output closes.
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::result::Result<(), String> {
    let mut lines = input.lines();
    let header = lines.next().ok_or("no header line")?.map_err(|e| e.to_string())?;
    let header: Header = serde_json::from_str(&header).map_err(|e| format!("bad header: {e}"))?;
    let f = header.recipe.build().map_err(|e| e.to_string())?;
    crate::integrand::with_integrand!(&f, |g| answer(g, &header.setup, lines, &mut output))
}

/// The worker's loop: one reply line per task line, until the input ends.
fn answer<F: Integrand + ?Sized>(
    f: &F,
    setup: &Setup,
    lines: impl Iterator<Item = std::io::Result<String>>,
    output: &mut impl Write,
) -> std::result::Result<(), String> {
    for line in lines {
        let line = line.map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let request: Request = serde_json::from_str(&line).map_err(|e| format!("bad task line: {e}"))?;
        let clock = Instant::now();
        let result = setup.check(request.n).and_then(|_| sweep::task(f, setup, request.n));
        let seconds = clock.elapsed().as_secs_f64();
        let reply = match result {
            Ok(p) => Reply {
                index: request.index,
                n: p.n,
                value: Some(p.value),
                evaluations: Some(p.evaluations),
                error_estimate: p.error_estimate,
                seconds,
                error: None,
            },
            Err(e) => Reply {
                index: request.index,
                n: request.n,
                value: None,
                evaluations: None,
                error_estimate: None,
                seconds,
                error: Some(e.to_string()),
            },
        };
        let text = serde_json::to_string(&reply).expect("replies serialize");
        writeln!(output, "{text}").and_then(|_| output.flush()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Counts in a separate process: the lesson that processes do not share memory.
///
/// Runs `parlab count --start START --times TIMES`. The worker starts from a
/// *copy* of `start` (it crosses the pipe as text, as a forked worker starts
/// from a copy of its parent's memory), adds one `times` times to its own
/// counter, and prints the result. Nothing in this process changes: a
/// global counter here stays where it was.
///
/// # Examples
///
/// ```no_run
/// use std::sync::atomic::{AtomicU64, Ordering};
/// static COUNTER: AtomicU64 = AtomicU64::new(0);
/// let theirs = parlab::process::count_in_worker(COUNTER.load(Ordering::SeqCst), 1000).unwrap();
/// assert_eq!(theirs, 1000);
/// assert_eq!(COUNTER.load(Ordering::SeqCst), 0); // ours never moved
/// ```
pub fn count_in_worker(start: u64, times: u64) -> Result<u64> {
    let program = worker_program()?;
    let output = Command::new(&program)
        .args(["count", "--start", &start.to_string(), "--times", &times.to_string()])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::WorkerProgram { program: program.display().to_string(), message: e.to_string() })?;
    let text = String::from_utf8_lossy(&output.stdout);
    match (output.status.success(), text.trim().parse()) {
        (true, Ok(count)) => Ok(count),
        _ => Err(Error::Worker {
            worker: 0,
            pid: 0,
            message: format!(
                "`parlab count` {} and printed {:?}; stderr: {}",
                output.status,
                text.trim(),
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        }),
    }
}

/// The worker's side of [`count_in_worker`]: its own global counter, in its own memory.
pub fn count(start: u64, times: u64) -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    // scope: a global of the *worker* process; the parent has its own, untouched.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    COUNTER.store(start, Ordering::SeqCst);
    for _ in 0..times {
        COUNTER.fetch_add(1, Ordering::SeqCst);
    }
    COUNTER.load(Ordering::SeqCst)
}
