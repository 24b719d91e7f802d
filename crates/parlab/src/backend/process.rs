//! The multi-process sweep: k worker processes of the `parlab` binary.
//!
//! This is true multiprocessing, as in the lecture's `multiprocessing.Pool`:
//! each worker has its own memory. Nothing is shared, so everything a worker
//! needs crosses a pipe as text: the integrand as a [`Recipe`](crate::Recipe)
//! (a catalogue name or an expression), the setup, and each task's n.
//!
//! Only a [`Portable`](crate::Portable) integrand can go: a closure is code
//! and captured memory that exist only in this process, so [`sweep()`] does
//! not compile for one (E0277, with a note that says why), and
//! [`sweep::run`](crate::sweep::run), which takes any `&dyn Integrand`,
//! refuses one at run time with [`Error::NotSendable`](crate::Error::NotSendable).
//!
//! # Protocol
//!
//! One JSON object per line, over the worker's stdin and stdout
//! (`parlab worker` runs [`serve`]):
//!
//! ```text
//! parent → worker  {"recipe":{"catalogue":"lecture"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":7}}
//! parent → worker  {"index":0,"n":100}                     one line per task; end of input: no more tasks
//! worker → parent  {"index":0,"n":100,"value":0.78…,"evaluations":100,"error_estimate":null,"seconds":1.2e-5}
//! worker → parent  {"index":0,"n":100,"error":"the integrand returned NaN at x = …"}
//! ```
//!
//! Floats are written with enough digits to read back to the same bits. The
//! parent keeps two tasks in flight per worker and hands out the next task
//! as each result arrives (dynamic scheduling, like `apply_async`). A
//! worker that dies or is killed is reported as [`Error::Worker`](crate::Error::Worker)
//! with its pid, how it ended and the task it was computing; the parent never
//! waits on it forever.
//!
//! | file | holds |
//! |---|---|
//! | `parent.rs` | [`sweep()`]: starting the workers, handing out tasks, collecting results |
//! | `protocol.rs` | the three kinds of line |
//! | `worker.rs` | [`serve`]: the worker's side |
//! | `program.rs` | [`worker_program`]: which `parlab` binary the workers run |
//! | `count.rs` | [`count_in_worker`]: the lesson that processes share no memory |

mod count;
mod parent;
mod program;
mod protocol;
mod worker;

pub use count::{count, count_in_worker, count_in_worker_with_program};
pub(crate) use parent::sweep_recipe;
pub use parent::{sweep, sweep_with_program};
pub use program::worker_program;
pub use worker::serve;
