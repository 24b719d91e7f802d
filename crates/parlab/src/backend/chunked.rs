//! The static-chunk sweep: k scoped threads, each with a list of tasks fixed before the run.
//!
//! [`sweep`] is the naive split: one contiguous block of sizes per thread.
//! Task n costs about n (or n log n with sorting), so the thread that gets
//! the last block does most of the work: with 2 threads and sizes 0..N, the
//! second block holds about 3/4 of it and the speedup stops near 1.33.
//! Compare its timeline with [`crate::parallel`]'s. [`sweep_dealt`] runs any
//! other fixed deal, such as task i to worker i mod k, which notebook
//! `03-parallel` has the student write.

use std::thread;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::task::runner;
use crate::task::{self, Backend, Sweep};

/// One estimate per size, the sizes cut into `threads` contiguous blocks.
///
/// # Scope
///
/// `thread::scope` lets the spawned threads borrow `f`, `setup` and `sizes`
/// (shared) without `'static`: the scope joins every thread at its closing
/// brace, before those borrows end. Each thread owns the `Vec` of results it
/// builds and moves it back out through `join`.
///
/// # Examples
///
/// ```
/// let setup = parlab::Setup::new(0.0, 1.0).unwrap();
/// let f = |x: f64| x.exp();
/// let chunked = parlab::chunked::sweep(&f, &setup, &[5, 50, 500], 3).unwrap();
/// assert!(chunked.same_bits(&parlab::serial::sweep(&f, &setup, &[5, 50, 500]).unwrap()));
/// ```
pub fn sweep(f: &dyn Integrand, setup: &Setup, sizes: &[u64], threads: usize) -> Result<Sweep> {
    if threads == 0 {
        return Err(Error::ZeroThreads);
    }
    task::check(setup, sizes)?;
    let block = sizes.len().div_ceil(threads).max(1);
    let blocks: Vec<Vec<usize>> =
        (0..sizes.len()).step_by(block).map(|s| (s..sizes.len().min(s + block)).collect()).collect();
    run(f, setup, sizes, &blocks, Backend::Chunked { threads })
}

/// One estimate per size, worker w running the tasks `deal[w]` (indices into
/// `sizes`) in the order listed: one scoped thread per worker, fixed before
/// the run. The points come back in the order of the sizes, so any deal gives
/// the serial bits; only the timeline changes.
///
/// # Errors
///
/// [`Error::ZeroThreads`] for an empty deal, and [`Error::Deal`] when a task
/// is given to no worker, to two, or an index is past the last size.
///
/// # Scope
///
/// As in [`sweep`]: each scoped thread borrows `f`, `setup`, `sizes` and its
/// own list `deal[w]` (shared), and is joined before they end.
///
/// # Examples
///
/// ```
/// let setup = parlab::Setup::new(0.0, 1.0).unwrap();
/// let f = |x: f64| x.exp();
/// let sizes = [5, 50, 500, 5000];
/// let turns = parlab::chunked::sweep_dealt(&f, &setup, &sizes, &[vec![0, 2], vec![1, 3]]).unwrap();
/// assert!(turns.same_bits(&parlab::serial::sweep(&f, &setup, &sizes).unwrap()));
/// assert_eq!(turns.tasks.iter().map(|t| t.worker).collect::<Vec<_>>(), [0, 1, 0, 1]);
/// assert!(parlab::chunked::sweep_dealt(&f, &setup, &sizes, &[vec![0, 1], vec![1, 3]]).is_err());
/// ```
pub fn sweep_dealt(f: &dyn Integrand, setup: &Setup, sizes: &[u64], deal: &[Vec<usize>]) -> Result<Sweep> {
    if deal.is_empty() {
        return Err(Error::ZeroThreads);
    }
    task::check(setup, sizes)?;
    check_deal(sizes.len(), deal)?;
    run(f, setup, sizes, deal, Backend::Chunked { threads: deal.len() })
}

/// Whether `deal` gives each of `tasks` task indices to exactly one worker.
pub(crate) fn check_deal(tasks: usize, deal: &[Vec<usize>]) -> Result<()> {
    let problem = |problem: String| Err(Error::Deal { tasks, problem });
    let mut owner: Vec<Option<usize>> = vec![None; tasks];
    for (worker, list) in deal.iter().enumerate() {
        for &index in list {
            match owner.get(index) {
                None => return problem(format!("worker {worker} has task {index}, past the last task")),
                Some(Some(first)) => return problem(format!("task {index} is given to workers {first} and {worker}")),
                Some(None) => owner[index] = Some(worker),
            }
        }
    }
    match owner.iter().position(Option::is_none) {
        Some(index) => problem(format!("task {index} is given to no worker")),
        None => Ok(()),
    }
}

fn run<F: Integrand + ?Sized>(
    f: &F,
    setup: &Setup,
    sizes: &[u64],
    deal: &[Vec<usize>],
    backend: Backend,
) -> Result<Sweep> {
    let t0 = Instant::now();
    let mut results = thread::scope(|scope| {
        let handles: Vec<_> = deal
            .iter()
            .enumerate()
            .map(|(worker, list)| {
                // scope: the closure captures `f`, `setup`, `sizes` and `list` by
                // reference (shared) and `worker` by copy (`move` on a Copy value).
                scope.spawn(move || {
                    list.iter().map(|&i| runner::timed_task(f, setup, i, sizes[i], worker, t0)).collect::<Vec<_>>()
                })
            })
            .collect();
        // Tasks catch their own panics, so a join can fail only on a bug in parlab.
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a chunk thread panicked outside its tasks"))
            .collect::<Vec<_>>()
    });
    results.sort_unstable_by_key(|(_, task)| task.index); // back in the order of the sizes
    runner::assemble(setup, backend, results, t0.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_block_goes_to_one_thread_and_keeps_its_place() {
        let setup = Setup::new(0.0, 1.0).unwrap();
        let sizes = [7, 3, 9, 1, 4, 8, 2];
        let sweep = sweep(&|x: f64| x, &setup, &sizes, 3).unwrap();
        // Blocks of ceil(7 / 3) = 3: sizes 0..3 on thread 0, 3..6 on thread 1, 6 on thread 2.
        let records: Vec<(usize, u64, usize)> = sweep.tasks.iter().map(|t| (t.index, t.n, t.worker)).collect();
        let want: Vec<(usize, u64, usize)> = sizes.iter().enumerate().map(|(i, &n)| (i, n, i / 3)).collect();
        assert_eq!(records, want);
        assert_eq!(sweep.points.iter().map(|p| p.n).collect::<Vec<_>>(), sizes);
        assert_eq!(sweep.backend, Backend::Chunked { threads: 3 });
        // More threads than sizes: one size each, and no empty thread.
        let wide = super::sweep(&|x: f64| x, &setup, &[5, 6], 8).unwrap();
        assert_eq!(wide.tasks.iter().map(|t| t.worker).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn a_deal_runs_each_task_on_its_worker_and_keeps_the_order() {
        let setup = Setup::new(0.0, 1.0).unwrap();
        let sizes = [7, 3, 9, 1, 4];
        let deal = [vec![4, 0], vec![], vec![1, 3, 2]];
        let dealt = sweep_dealt(&|x: f64| x * x, &setup, &sizes, &deal).unwrap();
        assert_eq!(
            dealt.tasks.iter().map(|t| (t.index, t.worker)).collect::<Vec<_>>(),
            [(0, 0), (1, 2), (2, 2), (3, 2), (4, 0)]
        );
        assert!(dealt.same_bits(&crate::serial::sweep(&|x: f64| x * x, &setup, &sizes).unwrap()));
        assert_eq!(dealt.backend, Backend::Chunked { threads: 3 });
    }

    #[test]
    fn a_deal_that_loses_or_repeats_a_task_is_refused() {
        let setup = Setup::new(0.0, 1.0).unwrap();
        let f = |x: f64| x;
        let refused = |deal: &[Vec<usize>]| sweep_dealt(&f, &setup, &[1, 2, 3], deal).unwrap_err().to_string();
        assert!(refused(&[vec![0, 1]]).ends_with("task 2 is given to no worker"), "{}", refused(&[vec![0, 1]]));
        assert!(refused(&[vec![0, 1, 2], vec![1]]).ends_with("task 1 is given to workers 0 and 1"));
        assert!(refused(&[vec![0, 1, 2, 3]]).ends_with("worker 0 has task 3, past the last task"));
        assert_eq!(sweep_dealt(&f, &setup, &[1, 2, 3], &[]), Err(Error::ZeroThreads));
    }
}
