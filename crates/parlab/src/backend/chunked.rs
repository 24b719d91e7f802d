//! The static-chunk sweep: k scoped threads, one contiguous block of sizes each.
//!
//! This is the naive split. Task n costs about n (or n log n with sorting),
//! so the thread that gets the last block does most of the work: with 2
//! threads and sizes 0..N, the second block holds about 3/4 of it and the
//! speedup stops near 1.33. Compare its timeline with [`crate::parallel`]'s.

use std::thread;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::integrand::{Integrand, with_integrand};
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
    with_integrand!(f, |f| sweep_with(f, setup, sizes, threads))
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
