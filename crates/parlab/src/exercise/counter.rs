//! Notebook 01, exercise 3: what a worker process's counting does to ours.
//!
//! The run: our counter starts at 0; a worker process is handed a copy and
//! adds 1 a thousand times; then two threads of ours each add 1 a thousand
//! times. Three numbers come out: the worker's count, ours after the worker,
//! and ours after the threads.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crate::backend::process::{count_in_worker, count_in_worker_with_program};
use crate::exercise::given::attempt;
use crate::exercise::verdict::Verdict;

/// How many times the worker, and each of the two threads, adds 1.
pub const TIMES: u64 = 1000;

/// Checks notebook 01's exercise 3: `predicted()` is `[the worker's count,
/// ours after the worker, ours after the two threads]`, as the run gives them.
///
/// The worker is the `parlab` program that
/// [`process::count_in_worker`](crate::process::count_in_worker) runs.
///
/// # Examples
///
/// ```no_run
/// // Everything shared, as threads would have it: not what a process does.
/// assert!(!parlab::exercise::check_scope_3(&|| [1000, 1000, 3000]).passed());
/// ```
pub fn check_scope_3(predicted: &dyn Fn() -> [u64; 3]) -> Verdict {
    judge_with(predicted, &|start| count_in_worker(start, TIMES).map_err(|err| err.to_string()))
}

/// [`check_scope_3`], with the worker program at `program`.
pub fn check_scope_3_with_program(predicted: &dyn Fn() -> [u64; 3], program: &Path) -> Verdict {
    judge_with(predicted, &|start| count_in_worker_with_program(program, start, TIMES).map_err(|err| err.to_string()))
}

fn judge_with(predicted: &dyn Fn() -> [u64; 3], worker: &dyn Fn(u64) -> Result<u64, String>) -> Verdict {
    let mut verdict = Verdict::new("scope 3");
    let outcome = judge(predicted, worker, &mut verdict);
    verdict.finish(outcome)
}

fn judge(
    predicted: &dyn Fn() -> [u64; 3],
    worker: &dyn Fn(u64) -> Result<u64, String>,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let guess = attempt("`predicted`", predicted)?;
    let counter = AtomicU64::new(0); // ours: one per process
    let theirs = worker(counter.load(Ordering::SeqCst)).map_err(|err| format!("the worker process failed: {err}"))?;
    let ours_after_worker = counter.load(Ordering::SeqCst);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..TIMES {
                    counter.fetch_add(1, Ordering::Relaxed); // scope: both threads share `counter`
                }
            });
        }
    });
    let run = [theirs, ours_after_worker, counter.load(Ordering::SeqCst)];
    let names = ["the worker's count", "ours after the worker", "ours after the two threads"];
    let wrong: Vec<&str> = (0..3).filter(|&i| guess[i] != run[i]).map(|i| names[i]).collect();
    if !wrong.is_empty() {
        return Err(format!(
            "the run disagrees with your {}: which memory does each count in, and which can we read?",
            wrong.join(" and ")
        ));
    }
    for (name, value) in names.iter().zip(run) {
        verdict.note(format!("{name}: {value}"));
    }
    Ok(())
}
