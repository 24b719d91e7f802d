//! The dispatcher: one function that runs a sweep on whichever backend is named.
//!
//! It sits on top of the backends it dispatches to, and nothing below it
//! calls it; the types it shares with them ([`Backend`], [`Sweep`]) live
//! below both, in `crate::task`.

use crate::backend::{chunked, parallel, process, serial};
use crate::error::{Error, Result};
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::task::{Backend, Sweep};

/// Runs a sweep on `backend`, building its pool or processes first.
///
/// For timing, build the pool yourself ([`parallel::Pool::new`]) and
/// call [`parallel::sweep`], so the clock does not time the pool's start-up.
///
/// `f` is any integrand, so whether it can go to worker processes is known
/// only at run time: with [`Backend::Process`], an integrand with no
/// [`Recipe`](crate::Recipe) (a closure, or a [`Func`](crate::Func) of one)
/// is refused with [`Error::NotSendable`], the run-time twin of the compile
/// error [`process::sweep`] gives.
///
/// # Scope
///
/// `f` is borrowed (shared) by every thread for the duration of the call, so
/// it must be `Sync`; the process backend borrows it only to read its
/// [`Recipe`](crate::Recipe). Nothing of `f` outlives the call.
///
/// # Examples
///
/// ```
/// use parlab::{sweep, Backend, Error, Setup};
/// let setup = Setup::new(0.0, 1.0).unwrap().with_seed(3);
/// let f = |x: f64| x.exp();
/// let serial = sweep::run(&f, &setup, &[10, 100], Backend::Serial).unwrap();
/// let pooled = sweep::run(&f, &setup, &[10, 100], Backend::Rayon { threads: 2 }).unwrap();
/// assert!(pooled.same_bits(&serial));
/// assert_eq!(sweep::run(&f, &setup, &[10], Backend::Process { workers: 2 }).unwrap_err(), Error::NotSendable);
/// ```
pub fn run(f: &dyn Integrand, setup: &Setup, sizes: &[u64], backend: Backend) -> Result<Sweep> {
    match backend {
        Backend::Serial => serial::sweep(f, setup, sizes),
        Backend::Rayon { threads } => {
            let pool = parallel::Pool::new(threads)?;
            parallel::sweep(f, setup, sizes, &pool)
        }
        Backend::Chunked { threads } => chunked::sweep(f, setup, sizes, threads),
        Backend::Process { workers } => {
            let recipe = f.recipe().ok_or(Error::NotSendable)?;
            process::sweep_recipe(recipe, setup, sizes, workers)
        }
    }
}
