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
//! | `01-scope` | [`scope`] (the rules, checked by the compiler), [`Integrand`]'s `Sync` bound, [`Func`] |
//! | `02-serial` | [`catalogue`], [`Setup`], [`Rule`], [`Estimate`], [`serial::sweep`], [`tolerance`] |
//! | `03-parallel` | [`parallel::Pool`], [`parallel::sweep`], [`chunked::sweep`], [`process::sweep`], [`stream`], [`sweep::Task`] |
//! | `04-timing` | [`timing`], [`scaling`], [`Sampler`] |
//! | `05-lab` | all of the above |
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
//! integrand crosses to them as text ([`Recipe`]).

#![warn(missing_docs)]

pub mod catalogue;
pub mod chunked;
pub mod error;
pub mod exercise;
pub mod integrand;
pub mod parallel;
pub mod process;
pub mod rule;
pub mod scaling;
pub mod scope;
pub mod serial;
pub mod stream;
pub mod sweep;
mod syntax;
pub mod timing;
pub mod tolerance;
mod ziggurat;

pub use error::{Error, Result};
pub use integrand::{Expr, Func, Integrand, Recipe};
pub use rule::{Estimate, Rule, Sampler, Setup};
pub use sweep::{Backend, Point, Sweep, Task};

/// rayon, re-exported so a notebook needs no second `:dep` for it.
pub use rayon;

/// The README's Rust examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
