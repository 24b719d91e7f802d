//! One estimate split across threads: the honest answer to "can one integral use many cores?".
//!
//! A sweep gives each worker whole estimates. One large estimate, say the
//! lecture's rule with n = 10⁹, is instead cut into blocks of
//! [`BLOCK_POINTS`] points; each block draws from its own stream, seeded by
//! `(seed, n, block)` and never by worker, and the blocks' sums are added in
//! block order. The value therefore has the same bits on one thread or
//! many, and an estimate of at most one block is the one
//! [`Setup::estimate`](crate::Setup::estimate) makes. [`Split`] holds the
//! recipe, and the drivers here run it:
//!
//! | driver | runs the blocks |
//! |---|---|
//! | [`serial`] | one after another, on this thread |
//! | [`parallel`] | on a [`Pool`]'s threads, by work stealing |
//! | [`process()`] | on worker processes, in batches as they finish (a [`Portable`] integrand only) |
//! | [`run`] | on a [`Backend`] by name: serial, rayon or process |
//!
//! A program that shares the blocks out by itself (MPI ranks, say) calls
//! the same three steps the drivers call: [`Split::spacing_sum`] for its
//! blocks and [`Split::offsets`] on all the sums in block order (only if
//! [`Split::two_pass`]), [`Split::block`] for its blocks, then
//! [`Split::combine`] on every [`Partial`] in block order.
//!
//! The chunked backend does not run split estimates: [`run`] refuses it.
//!
//! # Examples
//!
//! ```
//! use parlab::split::{self, Split};
//! use parlab::{parallel::Pool, Setup};
//! let f = |x: f64| 1.0 / (1.0 + x * x);
//! let setup = Setup::new(0.0, 1.0).unwrap().with_seed(3);
//! let split = Split::new(setup, 50_000).unwrap().with_block_size(4096).unwrap();
//! let one = split::serial(&f, &split).unwrap();
//! let two = split::parallel(&f, &split, &Pool::new(2).unwrap()).unwrap();
//! assert_eq!(one.value.to_bits(), two.value.to_bits());
//! ```

use rayon::prelude::*;

use crate::backend::parallel::Pool;
use crate::backend::process as processes;
use crate::error::{Error, Result};
use crate::integrand::{Integrand, Portable};
use crate::rule::Estimate;
use crate::task::Backend;

use crate::rule::split::guarded;

pub use crate::rule::split::{BLOCK_POINTS, Offsets, Partial, Split};

/// Every block on this thread, in order.
///
/// # Scope
///
/// `f` is borrowed (shared) for the call; each block's stream is made and
/// dropped inside [`Split::block`]. A panic in `f` becomes
/// [`Error::BlockPanicked`].
pub fn serial(f: &dyn Integrand, split: &Split) -> Result<Estimate> {
    let offsets = if split.two_pass() {
        let sums = (0..split.blocks()).map(|b| guarded(b, || split.spacing_sum(b))).collect::<Result<Vec<_>>>()?;
        Some(split.offsets(&sums))
    } else {
        None
    };
    let partials =
        (0..split.blocks()).map(|b| guarded(b, || split.block(f, b, offsets.as_ref()))).collect::<Result<Vec<_>>>()?;
    split.combine(&partials)
}

/// The blocks on `pool`'s threads, by work stealing: the same bits as [`serial`].
///
/// The sibling of [`serial`]: the change is `iter` → `par_iter` inside
/// `pool.install`, twice for the two passes. rayon's indexed `collect` puts
/// each block's result in its slot, so [`Split::combine`] adds them in block
/// order whichever thread finished first.
///
/// # Scope
///
/// `f` and `split` are borrowed (shared) by every thread of the pool, which
/// is why `f` must be `Sync`; `install` returns only when every block is
/// done, so no thread outlives the borrows. A panic in `f` is caught in its
/// block and returned as [`Error::BlockPanicked`]; the pool stays usable.
pub fn parallel(f: &dyn Integrand, split: &Split, pool: &Pool) -> Result<Estimate> {
    pool.install(|| {
        let offsets = if split.two_pass() {
            // scope: `split` is captured by reference by every block of the pass.
            let sums = (0..split.blocks() as usize)
                .into_par_iter()
                .with_max_len(1)
                .map(|b| guarded(b as u64, || split.spacing_sum(b as u64)))
                .collect::<Result<Vec<_>>>()?;
            Some(split.offsets(&sums))
        } else {
            None
        };
        // scope: `f`, `split` and `offsets` are borrowed by every block; they outlive `install`.
        let partials = (0..split.blocks() as usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|b| guarded(b as u64, || split.block(f, b as u64, offsets.as_ref())))
            .collect::<Result<Vec<_>>>()?;
        split.combine(&partials)
    })
}

/// The blocks on `workers` worker processes, in batches as they finish: the same bits as [`serial`].
///
/// The sibling of [`parallel`] with processes for threads: what a thread
/// borrows, a worker gets as text. So `f` must be [`Portable`] (a catalogue
/// entry or an expression); a closure does not compile here (E0277). With
/// the spacings sampler the workers send every block's spacing sum, the
/// offsets go back to all of them, and then they send the blocks' sums;
/// [`Split::combine`] adds those in block order here.
///
/// # Scope
///
/// `f` is borrowed only to write its [`Recipe`](crate::Recipe), `split` is
/// copied into the first line each worker reads. Every worker process owns
/// the integrand it rebuilds, and is waited for (or killed, on an error)
/// before this returns. A panic in `f` is caught in its block and comes back
/// as [`Error::RemoteBlock`]; a worker that dies is [`Error::Worker`], named.
///
/// # Examples
///
/// ```no_run
/// use parlab::split::{self, Split};
/// let f = parlab::Expr::parse("1/(1+x^2)").unwrap();
/// let split = Split::new(parlab::Setup::new(0.0, 1.0).unwrap(), 5_000_000).unwrap();
/// let two = split::process(&f, &split, 2).unwrap();
/// assert_eq!(two, split::serial(&f, &split).unwrap());
/// ```
///
/// A closure is refused by the compiler, with a note that says why:
///
/// ```compile_fail,E0277
#[doc = include_str!("../tests/ui/closure_split_to_process.rs")]
/// ```
pub fn process<P: Portable + ?Sized>(f: &P, split: &Split, workers: usize) -> Result<Estimate> {
    processes::split(f, split, workers)
}

/// The split estimate on `backend`, building its pool or processes first:
/// serial, rayon or process. The chunked backend is refused with
/// [`Error::SplitBackend`]; with the process backend, an integrand with no
/// [`Recipe`](crate::Recipe) (a closure) with [`Error::NotSendable`], the
/// run-time twin of the compile error [`process()`] gives.
///
/// ```
/// use parlab::split::{self, Split};
/// use parlab::{Backend, Setup};
/// let split = Split::new(Setup::new(0.0, 2.0).unwrap(), 3000).unwrap().with_block_size(1000).unwrap();
/// let f = |x: f64| x * x;
/// let serial = split::run(&f, &split, Backend::Serial).unwrap();
/// let rayon = split::run(&f, &split, Backend::Rayon { threads: 3 }).unwrap();
/// assert_eq!(serial, rayon);
/// assert_eq!(split::run(&f, &split, Backend::Process { workers: 2 }), Err(parlab::Error::NotSendable));
/// assert!(split::run(&f, &split, Backend::Chunked { threads: 2 }).is_err());
/// ```
pub fn run(f: &dyn Integrand, split: &Split, backend: Backend) -> Result<Estimate> {
    match backend {
        Backend::Serial => serial(f, split),
        Backend::Rayon { threads } => parallel(f, split, &Pool::new(threads)?),
        Backend::Process { workers } => {
            let recipe = f.recipe().ok_or(Error::NotSendable)?;
            processes::split_recipe(recipe, split, workers)
        }
        Backend::Chunked { .. } => Err(Error::SplitBackend { backend: backend.name() }),
    }
}
