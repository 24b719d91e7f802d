//! The four backends: the same tasks, run by a loop, a thread pool, static blocks, or processes.
//!
//! | backend | module | what runs the tasks |
//! |---|---|---|
//! | `serial` | [`serial`] | a plain loop on the calling thread |
//! | `rayon` | [`parallel`] | a pool of k threads with work stealing (the lecture's `Pool(processes=k)`) |
//! | `chunked` | [`chunked`] | k scoped threads, one contiguous block of sizes each |
//! | `process` | [`process`] | k worker processes of the `parlab` binary, with separate memory |
//!
//! Each runs one task per size with the same code (`crate::task`), so all
//! four give the same bits; the dispatcher ([`sweep::run`](crate::sweep::run))
//! sits above them and picks one by [`Backend`](crate::Backend).

pub mod chunked;
pub mod parallel;
pub mod process;
pub mod serial;
