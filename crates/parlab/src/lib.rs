//! parlab: scope-annotated serial and parallel integrators that give the same bits.
//!
//! The lab's library. Students `:dep` it from every notebook, the `parlab`
//! command runs it, and the benchmarks time it. It rebuilds the lecture
//! *Week 14 – Multiprocessing* (numpy and `multiprocessing.Pool` integrating
//! 1/(1+x²) by sorting random points) and fixes what it gets wrong.
//!
//! # Map: which notebook teaches which item
//!
//! | notebook | items |
//! |---|---|
//! | `01-scope` | [`scope`] (the rules, checked by the compiler), [`stream::Stream`] (a clone replays its numbers), [`process::count_in_worker`], [`timing::measure`] |
//! | `02-serial` | [`catalogue`], [`Setup`], [`Rule`], [`Estimate`], [`serial::sweep`], [`tolerance`], [`reference()`] |
//! | `03-parallel` | [`parallel::Pool`], [`parallel::sweep`], [`chunked::sweep`], [`chunked::sweep_dealt`], [`process::sweep`], [`process::request_lines`], [`Portable`], [`stream`], [`sweep::Task`] |
//! | `04-timing` | [`timing`], [`scaling`], [`Sampler`] |
//! | `05-lab` | all of the above, and [`exercise`] (the checks of its exercises, and of those in 01 and 02) |
//! | `06-distributed` | [`process::parlab_command`], [`sweep::Printed`] (the `parlab` command's MPI sweep, read back), [`timing::Timing`] |
//!
//! # The serial → parallel change
//!
//! ```
//! use parlab::{parallel, serial, sweep, Setup};
//! let f = |x: f64| 1.0 / (1.0 + x * x);
//! let setup = Setup::new(0.0, 1.0).unwrap().with_seed(7);
//! let sizes = sweep::below(2000);
//!
//! let one = serial::sweep(&f, &setup, &sizes).unwrap();
//! let pool = parallel::Pool::new(2).unwrap();
//! let many = parallel::sweep(&f, &setup, &sizes, &pool).unwrap();
//! assert!(one.same_bits(&many)); // same seed, same bits, any thread count
//! ```
//!
//! # Who owns what
//!
//! An integrand is borrowed (shared) by every task that evaluates it; it is
//! never copied, and it must be `Sync` for threads to share it. Each task
//! owns its random [`stream::Stream`], made from `(seed, n)` and dropped when
//! the task ends. Results are owned by the [`Sweep`] that returns them, in
//! the order of the sizes. Worker processes own nothing of ours: the
//! integrand crosses to them as text ([`Recipe`]), which is why only a
//! [`Portable`] one can go.
//!
//! # Layers
//!
//! Each module uses only the layers below it (and modules of its own layer,
//! without circles); a test (`tests/tests/it/layers.rs`) reads the source and
//! fails on an import against this order or on any circle. Bottom to top:
//!
//! | layer | modules (a module `m` is `m.rs`, and its parts `m/*.rs`) | holds |
//! |---|---|---|
//! | 1. types and helpers | `error`, `tolerance`, `timing`, `simd`, `stream`, `integrand` | the error, tolerances, timing and the machine, plain loops also compiled for AVX2, random streams, the [`Integrand`] trait, [`Expr`], [`Func`], [`Portable`] |
//! | 2. rules | `rule`, `reference` | [`Rule`], [`Sampler`], [`Setup`], [`Estimate`] and the kernels, one a file; [`reference()`], adaptive Gauss–Kronrod for an integral with no closed form |
//! | 3. beside the rules | `catalogue` | the named integrands: they use the rules ([`Setup::for_entry`]), the rules never use them |
//! | 4. tasks | `task` | [`Point`], [`Task`], [`Sweep`], [`Backend`], the sizes, and one task as every backend runs it |
//! | 5. backends | `backend` | [`serial`], [`parallel`], [`chunked`], [`process`] |
//! | 6. dispatchers | `dispatch`, `split` | [`sweep::run`]: one sweep on any [`Backend`]; [`split`]: one estimate cut into blocks, on one thread, a pool or worker processes |
//! | 7. harness and faces | `scaling`, `sweep`, `scope` | timing a sweep across thread counts; the [`sweep`] module's public face; the compile-fail twins |
//! | 8. the lab's checks | `exercise` | the checks of the notebooks' exercises (01, 02, 05), one function per check cell |
//!
//! The public paths (`parlab::serial`, `parlab::sweep::run`, …) are re-exports
//! from these layers, made here at the root.

#![warn(missing_docs)]

// 1. Types and helpers.
pub mod error;
pub mod integrand;
mod simd;
pub mod stream;
pub mod timing;
pub mod tolerance;
// 2. Rules.
pub mod reference;
pub mod rule;
// 3. Beside the rules.
pub mod catalogue;
// 4. Tasks.
mod task;
// 5. Backends.
mod backend;
// 6. The dispatchers.
mod dispatch;
pub mod split;
// 7. Harness and faces.
pub mod scaling;
pub mod scope;
pub mod sweep;
// 8. The lab's checks.
pub mod exercise;

pub use backend::{chunked, parallel, process, serial};
pub use error::{Error, Result};
pub use integrand::{Expr, Func, Integrand, Portable, Recipe};
pub use reference::{Reference, reference};
pub use rule::{Estimate, Rule, Sampler, Setup};
pub use task::{Backend, Point, Sweep, Task};

/// rayon, re-exported so a notebook needs no second `:dep` for it.
pub use rayon;
/// serde_json, re-exported so a notebook can read and write the process backend's lines.
pub use serde_json;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
