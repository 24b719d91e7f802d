//! Notebook 01, exercise 1: a spawned thread must own what it uses.

use std::thread::{self, JoinHandle};

use crate::exercise::given::{attempt, lecture};
use crate::exercise::verdict::Verdict;
use crate::tolerance::{self, ROUNDING};

/// The shape of `spawn_heights`: the points are borrowed, the thread returns their heights.
pub type SpawnHeights = dyn Fn(&[f64]) -> JoinHandle<Vec<f64>>;

/// Checks notebook 01's exercise 1: `spawn_heights(xs)` returns a thread that
/// computes 1/(1+x²) at every point of `xs`, in order.
///
/// The check drops its points as soon as `spawn_heights` returns, before it
/// joins the thread: the thread must not need them any more (the compiler
/// already made sure of that).
///
/// # Examples
///
/// ```
/// let nothing = |_: &[f64]| std::thread::spawn(Vec::new);
/// assert!(!parlab::exercise::check_scope_1(&nothing).passed());
/// ```
pub fn check_scope_1(spawn_heights: &SpawnHeights) -> Verdict {
    let mut verdict = Verdict::new("scope 1");
    let outcome = judge(spawn_heights, &mut verdict);
    verdict.finish(outcome)
}

fn judge(spawn_heights: &SpawnHeights, verdict: &mut Verdict) -> Result<(), String> {
    for len in [0usize, 1, 8, 1000] {
        let xs: Vec<f64> = (0..len).map(|i| (i as f64 + 0.5) / len as f64).collect();
        let want: Vec<f64> = xs.iter().map(|&x| lecture(x)).collect();
        let handle = attempt("`spawn_heights`", || spawn_heights(&xs))?;
        drop(xs); // scope: the caller's points are dropped here, while the thread may still run
        if handle.thread().id() == thread::current().id() {
            return Err("the handle is not of a thread of its own".into());
        }
        let got = handle.join().map_err(|_| format!("the spawned thread panicked on {len} points"))?;
        if got.len() != len {
            return Err(format!("{len} points gave {} heights: one height per point, please", got.len()));
        }
        if let Some(i) = (0..len).find(|&i| !tolerance::close(got[i], want[i], ROUNDING)) {
            return Err(format!(
                "with {len} points, height {i} is {}, not 1/(1+x²) at x = {}",
                got[i],
                (i as f64 + 0.5) / len as f64
            ));
        }
        verdict.note(format!("{len:>4} points: the thread returned their heights after the points were dropped"));
    }
    Ok(())
}
