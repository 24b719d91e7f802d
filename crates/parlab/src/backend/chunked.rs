//! The static-chunk sweep: k scoped threads, one contiguous block of sizes each.
//!
//! This is the naive split. Task n costs about n (or n log n with sorting),
//! so the thread that gets the last block does most of the work: with 2
//! threads and sizes 0..N, the second block holds about 3/4 of it and the
//! speedup stops near 1.33. Compare its timeline with [`crate::parallel`]'s.

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
    sweep_with(f, setup, sizes, threads)
}

fn sweep_with<F: Integrand + ?Sized>(f: &F, setup: &Setup, sizes: &[u64], threads: usize) -> Result<Sweep> {
    let t0 = Instant::now();
    let block = sizes.len().div_ceil(threads);
    let results = thread::scope(|scope| {
        let handles: Vec<_> = sizes
            .chunks(block)
            .enumerate()
            .map(|(worker, chunk)| {
                // scope: the closure captures `f`, `setup` and `chunk` by
                // reference (shared) and `worker` by copy (`move` on a Copy value).
                scope.spawn(move || {
                    chunk
                        .iter()
                        .enumerate()
                        .map(|(i, &n)| runner::timed_task(f, setup, worker * block + i, n, worker, t0))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // Tasks catch their own panics, so a join can fail only on a bug in parlab.
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a chunk thread panicked outside its tasks"))
            .collect::<Vec<_>>()
    });
    runner::assemble(setup, Backend::Chunked { threads }, results, t0.elapsed())
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
}
