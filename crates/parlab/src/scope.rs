//! The scope rules the lab relies on, each checked by the compiler.
//!
//! The notebooks and the `# Scope` sections say things like "a spawned
//! thread cannot borrow a local". Each such claim has a twin here that must
//! fail to compile with the named error. Each twin is a file in
//! `crates/parlab/tests/ui/`, shown here as it is: the test
//! `tests/compile_fail.rs` compiles it with trybuild and compares the
//! compiler's whole message, error code included, with the `.stderr` file
//! beside it, so if a claim ever stops being true, or a twin starts failing
//! for another reason, `cargo test` says so. The vocabulary is the glossary's
//! (`notebooks/GLOSSARY.md`): owns, moves into, copies, borrows (shared),
//! borrows mutably, captures by reference / by move, outlives, dropped here,
//! `Send`, `Sync`, global, local.
//!
//! # A spawned thread cannot borrow a local (E0373)
//!
//! `thread::spawn` may run the thread after the function returns, so its
//! closure must own what it uses (`'static`). Capturing `samples` by
//! reference is refused:
//!
//! ```compile_fail,E0373
#![doc = include_str!("../tests/ui/spawn_borrows_local.rs")]
//! ```
//!
//! The fix moves the vector into the closure (*captures by move*):
//!
//! ```
//! let samples = vec![0.25, 0.5, 0.75];
//! // scope: `samples` moves into the closure; the thread owns it now.
//! let handle = std::thread::spawn(move || samples.iter().sum::<f64>());
//! assert_eq!(handle.join().unwrap(), 1.5);
//! ```
//!
//! Or `thread::scope`, whose threads are joined before the scope ends, so
//! they may borrow locals:
//!
//! ```
//! let samples = vec![0.25, 0.5, 0.75];
//! let total = std::thread::scope(|s| s.spawn(|| samples.iter().sum::<f64>()).join().unwrap());
//! assert_eq!(total, 1.5);
//! assert_eq!(samples.len(), 3); // still ours: it was only borrowed
//! ```
//!
//! # A moved value is gone (E0382)
//!
//! ```compile_fail,E0382
#![doc = include_str!("../tests/ui/moved_value.rs")]
//! ```
//!
//! The idiom *clone-into-block* keeps a copy: `let mine = samples.clone();` before the `move`.
//!
//! # An integrand shared by threads must be `Sync` (E0277)
//!
//! An `Rc` counts its owners without atomics, so it is neither `Send` nor
//! `Sync`; a closure capturing one cannot be shared by a pool:
//!
//! ```compile_fail,E0277
#![doc = include_str!("../tests/ui/rc_is_not_sync.rs")]
//! ```
//!
//! Nor can one that captures a `Cell`, which allows mutation through a shared borrow:
//!
//! ```compile_fail,E0277
#![doc = include_str!("../tests/ui/cell_is_not_sync.rs")]
//! ```
//!
//! The fix uses the thread-safe versions, `Arc` and the atomics:
//!
//! ```
//! use std::sync::{Arc, atomic::{AtomicU64, Ordering}};
//! let height = Arc::new(1.0);
//! let calls = AtomicU64::new(0);
//! let f = |x: f64| { calls.fetch_add(1, Ordering::Relaxed); *height / (1.0 + x * x) };
//! let setup = parlab::Setup::new(0.0, 1.0).unwrap().with_rule(parlab::Rule::Midpoint);
//! let pool = parlab::parallel::Pool::new(2).unwrap();
//! parlab::parallel::sweep(&f, &setup, &[10, 20], &pool).unwrap();
//! assert_eq!(calls.load(Ordering::Relaxed), 30);
//! ```
//!
//! # Tasks cannot all mutate one captured counter (E0594)
//!
//! rayon's closures are `Fn`: they may only borrow what they capture
//! (shared), because many threads run them at once. Adding to a captured
//! `f64` is refused:
//!
//! ```compile_fail,E0594
#![doc = include_str!("../tests/ui/shared_counter.rs")]
//! ```
//!
//! The fix lets each task return its part and combines the parts (`sum`,
//! or `map` then `collect`), so nothing is shared mutably:
//!
//! ```
//! use rayon::prelude::*;
//! let total: f64 = (1..=100).into_par_iter().map(|n| 1.0 / n as f64).sum();
//! assert!((total - 5.187377517639621).abs() < 1e-12);
//! ```
//!
//! # Tasks cannot all draw from one captured generator (E0596)
//!
//! The lecture's workers all drew from numpy's one global generator. Here
//! that is refused at compile time: drawing needs `&mut`, and a closure run
//! by many threads at once only gets `&`:
//!
//! ```compile_fail,E0596
#![doc = include_str!("../tests/ui/shared_generator.rs")]
//! ```
//!
//! Sharing one behind a `Mutex` compiles, but then the numbers each task
//! gets depend on which task locks first: the bits change with the thread
//! count and from run to run. The fix is *one RNG per task*:
//! `stream(seed, n)` inside the task, as every parlab backend does.
//!
//! A parallel float sum adds in an order that depends on the split, so its
//! last bits may change from run to run; parlab's sweeps never sum across
//! tasks, which is why their bits never change.
//!
//! # A closure cannot be sent to a worker process (E0277)
//!
//! A worker process has its own memory: a closure, which is code and captured
//! memory of this process, means nothing there. The process backend takes
//! only a [`Portable`](crate::Portable) integrand (a catalogue entry or an
//! expression, which travel as text), so a closure does not compile, and the
//! compiler's note says why:
//!
//! ```compile_fail,E0277
#![doc = include_str!("../tests/ui/closure_to_process.rs")]
//! ```
//!
//! The fix sends what a worker can rebuild: a catalogue entry by name, or an
//! expression by its text.
//!
//! ```no_run
//! let setup = parlab::Setup::new(0.0, 1.0).unwrap();
//! let entry = parlab::catalogue::get("lecture").unwrap();
//! let expr = parlab::Expr::parse("1/(1+x^2)").unwrap();
//! let by_name = parlab::process::sweep(entry, &setup, &[10, 20], 2).unwrap();
//! let by_text = parlab::process::sweep(&expr, &setup, &[10, 20], 2).unwrap();
//! assert_eq!(by_name.points.len(), by_text.points.len());
//! ```
