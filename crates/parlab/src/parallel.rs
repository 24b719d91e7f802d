//! The thread-pool sweep with rayon: the lecture's `Pool(processes=k)` and
//! `apply_async`, with threads instead of processes.
//!
//! Its sibling [`crate::serial::sweep`] has the same signature but for the
//! pool. The only change in the body is `iter` → `par_iter` inside
//! `pool.install`: rayon's indexed `collect` puts every result in its slot,
//! so the points come back in order and no `results.sort()` is needed.

use std::time::Instant;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::integrand::{Integrand, with_integrand};
use crate::rule::Setup;
use crate::sweep::{self, Backend, Sweep};

/// A pool of worker threads, built once and reused.
///
/// The lecture's `mp.Pool(...)` was never closed; this pool is dropped, and
/// its threads joined, when the `Pool` goes out of scope.
///
/// # Examples
///
/// ```
/// let pool = parlab::parallel::Pool::new(2).unwrap();
/// assert_eq!(pool.threads(), 2);
/// assert!(parlab::parallel::Pool::new(0).is_err());
/// ```
pub struct Pool {
    pool: rayon::ThreadPool,
    threads: usize,
}

impl Pool {
    /// A pool of `threads` threads.
    pub fn new(threads: usize) -> Result<Pool> {
        if threads == 0 {
            return Err(Error::ZeroThreads);
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("parlab-{i}"))
            .build()
            .map_err(|e| Error::Pool { threads, message: e.to_string() })?;
        Ok(Pool { pool, threads })
    }

    /// A pool with one thread per core this process may use.
    pub fn available() -> Result<Pool> {
        Pool::new(available_threads())
    }

    /// How many threads it has.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `op` inside the pool: rayon's parallel iterators in `op` use this
    /// pool's threads, not rayon's global pool.
    ///
    /// # Scope
    ///
    /// `op` may borrow locals of the caller: `install` returns only when
    /// `op` and every task it started have finished. `op` must be `Send`
    /// because it runs on one of the pool's threads, and so must its result.
    ///
    /// # Examples
    ///
    /// ```
    /// use parlab::rayon::prelude::*;
    /// let pool = parlab::parallel::Pool::new(2).unwrap();
    /// let squares: Vec<u64> = pool.install(|| (0..5u64).into_par_iter().map(|n| n * n).collect());
    /// assert_eq!(squares, [0, 1, 4, 9, 16]);
    /// ```
    pub fn install<R: Send>(&self, op: impl FnOnce() -> R + Send) -> R {
        self.pool.install(op)
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("threads", &self.threads).finish()
    }
}

/// How many threads this process may run at once: the honest `cpu_count`.
///
/// `std::thread::available_parallelism` respects CPU affinity and container
/// quotas; the lecture's `mp.cpu_count()` counts the machine's CPUs.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One estimate per size, spread over the pool's threads by work stealing.
///
/// # Scope
///
/// `f` is borrowed (shared) by every thread of the pool at once, which is
/// why it must be `Sync`. The borrow ends when `install` returns, and
/// `install` returns only after every task has finished, so no thread can
/// outlive `f`. Each task owns its own random stream (*one RNG per task*).
/// A panic in `f` is caught in its task and returned as
/// [`Error::Panicked`]; the pool stays usable.
///
/// # Examples
///
/// ```
/// use parlab::{parallel, serial, Setup};
/// let setup = Setup::new(0.0, 1.0).unwrap().with_seed(7);
/// let f = |x: f64| 1.0 / (1.0 + x * x);
/// let pool = parallel::Pool::new(2).unwrap();
/// let par = parallel::sweep(&f, &setup, &[10, 100, 1000], &pool).unwrap();
/// let ser = serial::sweep(&f, &setup, &[10, 100, 1000]).unwrap();
/// assert!(par.same_bits(&ser));
/// ```
pub fn sweep(f: &dyn Integrand, setup: &Setup, sizes: &[u64], pool: &Pool) -> Result<Sweep> {
    sweep::check(setup, sizes)?;
    with_integrand!(f, |f| sweep_with(f, setup, sizes, pool))
}

fn sweep_with<F: Integrand + ?Sized>(f: &F, setup: &Setup, sizes: &[u64], pool: &Pool) -> Result<Sweep> {
    let t0 = Instant::now();
    let results: Vec<_> = pool.pool.install(|| {
        sizes
            .par_iter()
            .with_max_len(1) // one task per size, so idle threads can steal single tasks
            .enumerate()
            .map(|(index, &n)| {
                // scope: `f` and `setup` are captured by reference; rayon
                // guarantees they outlive every task.
                let worker = rayon::current_thread_index().unwrap_or(0);
                sweep::timed_task(f, setup, index, n, worker, t0)
            })
            .collect()
    });
    sweep::assemble(setup, Backend::Rayon { threads: pool.threads }, results, t0.elapsed())
}
