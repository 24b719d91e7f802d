//! Counting in another process: the lesson that processes do not share memory.

use std::path::Path;
use std::process::{Command, Stdio};

use super::program::worker_program;
use crate::error::{Error, Result};

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
    count_in_worker_with_program(&worker_program()?, start, times)
}

/// [`count_in_worker`], running `program` instead of [`worker_program`]'s choice.
pub fn count_in_worker_with_program(program: &Path, start: u64, times: u64) -> Result<u64> {
    let child = Command::new(program)
        .args(["count", "--start", &start.to_string(), "--times", &times.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::WorkerProgram { program: program.display().to_string(), message: e.to_string() })?;
    let pid = child.id();
    let output = child.wait_with_output().map_err(|e| Error::Worker { worker: 0, pid, message: e.to_string() })?;
    let text = String::from_utf8_lossy(&output.stdout);
    match (output.status.success(), text.trim().parse()) {
        (true, Ok(count)) => Ok(count),
        _ => Err(Error::Worker {
            worker: 0,
            pid,
            message: format!(
                "running `parlab count` {} and printed {:?}; stderr: {}",
                super::pool::ended(output.status),
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
