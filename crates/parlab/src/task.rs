//! What a sweep is made of: one task per sample size, run the same way on every backend.
//!
//! | file | holds |
//! |---|---|
//! | `outcome.rs` | [`Point`] (one estimate), [`Task`] (when and where it ran), [`Sweep`] (all of them) |
//! | `printed.rs` | [`Printed`]: a sweep read back from the JSON of `parlab sweep --json` |
//! | `backend.rs` | [`Backend`]: which backend runs a sweep, on how many threads or processes |
//! | `sizes.rs` | the lists of sizes ([`below`], [`accepted_below`], [`doubling`]) and [`check`] |
//! | `runner.rs` | one task as every backend runs it: a panic in the integrand becomes an error |
//!
//! The backends (`crate::backend`) sit above this, and the dispatcher
//! ([`sweep::run`](crate::sweep::run)) above them.

mod backend;
mod outcome;
mod printed;
pub(crate) mod runner;
mod sizes;

pub use backend::Backend;
pub use outcome::{Point, Sweep, Task};
pub use printed::Printed;
pub use sizes::{MAX_TOTAL_POINTS, accepted_below, below, check, doubling};
