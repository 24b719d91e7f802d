//! The workers of one run: start them, hand out batches as they finish, pass each answer on in order.
//!
//! A sweep runs one round of tasks on the pool; a split estimate with the
//! spacings sampler runs two (pass 1, then pass 2), with the same workers,
//! and a line to all of them in between.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::ops::Range;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::batch::{IN_FLIGHT, Schedule};
use super::protocol::{Reply, Request};
use crate::error::{Error, Result};

/// One worker process and what the parent knows of it.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The batches sent and not yet fully answered, as places in the
    /// schedule; the front one's start is the answer due next.
    batches: VecDeque<Range<usize>>,
    /// Whether its output has closed: it can answer nothing more.
    closed: bool,
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
    /// When it was read, from the pool's start.
    arrival: Duration,
}

/// An answer that was due: from which worker, and when it arrived.
pub(super) struct Due {
    /// The worker that sent it.
    pub(super) worker: usize,
    /// Its process id, for an error about it.
    pub(super) pid: u32,
    /// The answer.
    pub(super) reply: Reply,
    /// When it was read, from the pool's start.
    pub(super) arrival: Duration,
}

/// What a task `(index, n)` is called in an error: `n = 4000` for a sweep's
/// size, `block 7 (pass 1)` for a split's block.
pub(super) type Label<'a> = &'a dyn Fn((usize, u64)) -> String;

/// k worker processes, each sent the same header, then batches of tasks.
///
/// Every child is killed and waited for when the pool is dropped, unless
/// [`Pool::finish`] ended it first: an error never leaves a worker behind.
pub(super) struct Pool {
    workers: Vec<Worker>,
    inbox: mpsc::Receiver<Event>,
}

impl Pool {
    /// Starts `count` workers running `program worker` and sends each the `header` line.
    ///
    /// All are started before any is spoken to, so they start up side by side.
    pub(super) fn start(program: &Path, count: usize, header: &str, t0: Instant) -> Result<Pool> {
        let (events, inbox) = mpsc::channel();
        let mut pool = Pool { workers: Vec::with_capacity(count), inbox };
        for id in 0..count {
            pool.workers.push(start(program, id, t0, events.clone())?);
        }
        drop(events);
        pool.send_all(header)?;
        Ok(pool)
    }

    /// Sends `line` to every worker.
    pub(super) fn send_all(&mut self, line: &str) -> Result<()> {
        for id in 0..self.workers.len() {
            if self.workers[id].closed || send(&mut self.workers[id], line).is_err() {
                // It is gone before reading it: report how it ended, as for any death.
                return Err(self.died(id, None));
            }
        }
        Ok(())
    }

    /// Runs every task of `schedule`: each worker holds [`IN_FLIGHT`]
    /// batches and gets the next when it finishes one. `take` gets each
    /// answer, checked to be the task due from its worker, as it arrives.
    /// An error about a worker that died names its task with `label`.
    pub(super) fn run(
        &mut self,
        schedule: &mut Schedule,
        label: Label,
        mut take: impl FnMut(Due) -> Result<()>,
    ) -> Result<()> {
        let tasks = schedule.tasks().len();
        for _ in 0..IN_FLIGHT {
            for id in 0..self.workers.len() {
                self.feed(id, schedule, label)?;
            }
        }
        let mut done = 0;
        while done < tasks {
            match self.inbox.recv() {
                Ok(Event::Answers(id, answers)) => {
                    for answer in answers {
                        let reply = answer.reply.map_err(|message| self.fail(id, message))?;
                        let due = self.workers[id].batches.front().map(|batch| schedule.tasks()[batch.start]);
                        if due != Some((reply.index, reply.n)) {
                            let due = due.map_or("none".to_string(), |(index, n)| format!("task {index} (n = {n})"));
                            let message =
                                format!("answered task {} (n = {}) where {due} was due", reply.index, reply.n);
                            return Err(self.fail(id, message));
                        }
                        let pid = self.workers[id].child.id();
                        take(Due { worker: id, pid, reply, arrival: answer.arrival })?;
                        done += 1;
                        let batch = self.workers[id].batches.front_mut().expect("checked: an answer was due");
                        batch.start += 1;
                        if batch.start == batch.end {
                            self.workers[id].batches.pop_front();
                            self.feed(id, schedule, label)?;
                        }
                    }
                }
                Ok(Event::Closed(id)) => {
                    self.workers[id].closed = true;
                    if !self.workers[id].batches.is_empty() {
                        return Err(self.died(id, Some((schedule, label))));
                    }
                }
                Err(_) => {
                    // Every worker closed its output: name one that still owed answers.
                    let id = self.workers.iter().position(|w| !w.batches.is_empty()).unwrap_or(0);
                    return Err(self.died(id, Some((schedule, label))));
                }
            }
        }
        Ok(())
    }

    /// Closes every worker's input, so that each sees the end and exits, and waits for them.
    pub(super) fn finish(mut self) {
        for worker in &mut self.workers {
            worker.stdin.take(); // scope: dropping stdin closes the pipe: the worker sees the end and exits
            let _ = worker.child.wait();
        }
        self.workers.clear();
    }

    /// Sends worker `id` the next batch, if any is left.
    fn feed(&mut self, id: usize, schedule: &mut Schedule, label: Label) -> Result<()> {
        if let Some(batch) = schedule.next_batch() {
            let line = Request::line(&batch);
            let worker = &mut self.workers[id];
            worker.batches.push_back(batch);
            if worker.closed || send(worker, &line).is_err() {
                return Err(self.died(id, Some((schedule, label))));
            }
        }
        Ok(())
    }

    fn fail(&self, id: usize, message: String) -> Error {
        Error::Worker { worker: id, pid: self.workers[id].child.id(), message }
    }

    /// The error for a worker that is gone: how it ended, the first task it
    /// had not answered (found in the schedule it came from), and its last words on stderr.
    fn died(&mut self, id: usize, schedule: Option<(&Schedule, Label)>) -> Error {
        let worker = &mut self.workers[id];
        let pid = worker.child.id();
        worker.stdin.take();
        let how = worker.child.wait().map(ended).unwrap_or_else(|e| format!("could not be waited for ({e})"));
        let stderr = worker.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string();
        let task = match (worker.batches.front(), schedule) {
            (Some(batch), Some((schedule, label))) => {
                format!(" while computing {}", label(schedule.tasks()[batch.start]))
            }
            _ => String::new(),
        };
        let mut message = format!("{how}{task}");
        if !last.is_empty() {
            message.push_str(&format!("; it said: {last}"));
        }
        Error::Worker { worker: id, pid, message }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            worker.stdin.take();
            let _ = worker.child.kill();
            let _ = worker.child.wait();
        }
    }
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
    Ok(Worker { stdin: child.stdin.take(), child, batches: VecDeque::new(), closed: false, stderr: Some(stderr) })
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

/// How a process ended, as the end of a sentence about it: "exited with
/// status 3", "was killed by signal 9 (SIGKILL)".
pub(super) fn ended(status: ExitStatus) -> String {
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        // std's own text names the signal: "signal: 9 (SIGKILL)", perhaps "(core dumped)" after it.
        None => format!("was killed by {}", status.to_string().replacen("signal: ", "signal ", 1)),
    }
}
