//! The convergence sweep: one estimate per sample size, on any backend.
//!
//! This is the lecture's `serial(samples, f, lb, ub)` and
//! `multiprocess(processes, samples, f, lb, ub)`. Four backends compute it and
//! return identical bits, because the estimate for each n draws from its own
//! stream seeded by `(seed, n)` ([`crate::stream`]) and is computed by the same
//! code on every backend:
//!
//! | backend | module | what runs the tasks |
//! |---|---|---|
//! | `serial` | [`crate::serial`] | a plain loop on the calling thread |
//! | `rayon` | [`crate::parallel`] | a pool of k threads with work stealing (the lecture's `Pool(processes=k)`) |
//! | `chunked` | [`crate::chunked`] | k scoped threads, one contiguous block of sizes each |
//! | `process` | [`crate::process`] | k worker processes of the `parlab` binary, with separate memory |
//!
//! Each task also records which thread or worker ran it and when, for a timeline.
//!
//! This module is the sweep's public face: the types and sizes come from
//! the layer below the backends, and [`run`] from the dispatcher above them.

pub use crate::dispatch::run;
pub use crate::task::{Backend, MAX_TOTAL_POINTS, Point, Printed, Sweep, Task, accepted_below, below, check, doubling};
