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
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::task::runner;
use crate::task::{self, Backend, Sweep};

// It lives in `timing`, with the machine's other facts; the pools use it here.
pub use crate::timing::available_threads;

/// A pool of worker threads, built once and reused.
///
/// The lecture's `mp.Pool(...)` was never closed. This pool's threads are
/// joined when the `Pool` goes out of scope: `drop` tells them to stop and
/// waits until every one has exited.
///
/// A `Pool` kept in a notebook variable keeps working in later cells. evcxr
/// compiles each cell separately, and each cell carries its own copy of
/// rayon's thread bookkeeping, so a rayon pool built by one cell cannot run
/// another cell's work; the `Pool` notices and rebuilds its threads for the
/// cell that uses it (about 0.1 ms), so outside notebooks this never happens.
///
/// # Examples
///
/// ```
/// let pool = parlab::parallel::Pool::new(2).unwrap();
/// assert_eq!(pool.threads(), 2);
/// assert!(parlab::parallel::Pool::new(0).is_err());
/// ```
pub struct Pool {
    threads: usize,
    /// `None` only while the pool is being dropped.
    inner: std::sync::Mutex<Option<Inner>>,
}

/// The rayon pool, the copy of this code that built it, and how many of
/// its threads are still running.
struct Inner {
    built_by: usize,
    pool: std::sync::Arc<rayon::ThreadPool>,
    running: std::sync::Arc<(std::sync::Mutex<usize>, std::sync::Condvar)>,
}

/// Its address tells one compiled copy of this code from another.
static THIS_COPY: u8 = 0;

fn this_copy() -> usize {
    &THIS_COPY as *const u8 as usize
}

impl Inner {
    fn build(threads: usize) -> Result<Inner> {
        let running = std::sync::Arc::new((std::sync::Mutex::new(threads), std::sync::Condvar::new()));
        // scope: a clone of the Arc moves into the exit handler, which every
        // pool thread calls as it exits.
        let on_exit = std::sync::Arc::clone(&running);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("parlab-{i}"))
            .exit_handler(move |_| {
                let (count, exited) = &*on_exit;
                *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
                exited.notify_all();
            })
            .build()
            .map_err(|e| Error::Pool { threads, message: e.to_string() })?;
        Ok(Inner { built_by: this_copy(), pool: std::sync::Arc::new(pool), running })
    }

    /// Tells the threads to stop and waits until they have, unless we are one of them.
    fn join(self) {
        let inside = self.pool.current_thread_index().is_some();
        drop(self.pool); // scope: the last owner of the rayon pool: its threads are told to stop here
        if inside {
            return;
        }
        let (count, exited) = &*self.running;
        let mut left = count.lock().unwrap_or_else(|e| e.into_inner());
        while *left > 0 {
            left = exited.wait(left).unwrap_or_else(|e| e.into_inner());
        }
    }
}

impl Pool {
    /// A pool of `threads` threads.
    pub fn new(threads: usize) -> Result<Pool> {
        if threads == 0 {
            return Err(Error::ZeroThreads);
        }
        Ok(Pool { threads, inner: std::sync::Mutex::new(Some(Inner::build(threads)?)) })
    }

    /// A pool with one thread per core this process may use.
    pub fn available() -> Result<Pool> {
        Pool::new(available_threads())
    }

    /// How many threads it has.
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// The rayon pool to run on, rebuilt if another compiled copy of this code built it.
    fn rayon(&self) -> std::sync::Arc<rayon::ThreadPool> {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let inner = guard.as_mut().expect("a pool in use is not being dropped");
        if inner.built_by != this_copy()
            && let Ok(fresh) = Inner::build(self.threads)
        {
            std::mem::replace(inner, fresh).join();
        }
        std::sync::Arc::clone(&inner.pool)
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
        self.rayon().install(op)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // scope: the Pool is dropped here; its threads are joined before drop returns.
        if let Some(inner) = self.inner.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            inner.join();
        }
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("threads", &self.threads).finish()
    }
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
    task::check(setup, sizes)?;
    sweep_with(f, setup, sizes, pool)
}

fn sweep_with<F: Integrand + ?Sized>(f: &F, setup: &Setup, sizes: &[u64], pool: &Pool) -> Result<Sweep> {
    let t0 = Instant::now();
    let results: Vec<_> = pool.install(|| {
        sizes
            .par_iter()
            .with_max_len(1) // one task per size, so idle threads can steal single tasks
            .enumerate()
            .map(|(index, &n)| {
                // scope: `f` and `setup` are captured by reference; rayon
                // guarantees they outlive every task.
                let worker = rayon::current_thread_index().unwrap_or(0);
                runner::timed_task(f, setup, index, n, worker, t0)
            })
            .collect()
    });
    runner::assemble(setup, Backend::Rayon { threads: pool.threads }, results, t0.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_a_pool_joins_its_threads() {
        let pool = Pool::new(3).unwrap();
        let running = {
            let guard = pool.inner.lock().unwrap();
            std::sync::Arc::clone(&guard.as_ref().unwrap().running)
        };
        pool.install(|| rayon::join(|| (), || ()));
        drop(pool);
        assert_eq!(*running.0.lock().unwrap(), 0, "every thread has exited when drop returns");
    }

    #[test]
    fn a_pool_built_by_another_copy_is_rebuilt() {
        let pool = Pool::new(2).unwrap();
        pool.inner.lock().unwrap().as_mut().unwrap().built_by = 1; // as if another cell built it
        let squares: Vec<u64> = pool.install(|| {
            use rayon::prelude::*;
            (0..4u64).into_par_iter().map(|n| n * n).collect()
        });
        assert_eq!(squares, [0, 1, 4, 9]);
        assert_eq!(pool.inner.lock().unwrap().as_ref().unwrap().built_by, this_copy());
    }
}
