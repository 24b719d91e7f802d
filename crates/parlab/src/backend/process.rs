//! The multi-process sweep, and one split estimate: k worker processes of the `parlab` binary.
//!
//! This is true multiprocessing, as in the lecture's `multiprocessing.Pool`:
//! each worker has its own memory. Nothing is shared, so everything a worker
//! needs crosses a pipe as text: the integrand as a [`Recipe`](crate::Recipe)
//! (a catalogue name or an expression), the setup, and the tasks' sizes.
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
//! parent → worker  {"recipe":{"catalogue":"lecture"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":7},
//!                   "tasks":[[9999,9999],[9998,9998],…,[0,0]]}        every task (index, n), largest first
//! parent → worker  {"from":0,"to":1340}                               a batch: the header's tasks 0..1340; end of input: no more
//! worker → parent  {"index":9999,"n":9999,"value":0.78…,"evaluations":9999,"error_estimate":null,"start":0.0021,"end":0.0022}
//! worker → parent  {"index":7,"n":7,"error":"the integrand returned NaN at x = …","start":…,"end":…}
//! ```
//!
//! A request costs a round trip through two pipes, more than a small task,
//! so the parent hands out batches: largest tasks first, each batch a share
//! of the cost that remains (guided self-scheduling), so the first batches
//! are a few large tasks and the last many small ones. Each worker holds two
//! batches at once, one computing and one waiting in its pipe, and gets the
//! next when it finishes one: a worker that is ahead takes more (dynamic
//! scheduling, like `apply_async`). A worker answers each task with one line,
//! sent when its batch ends (and every millisecond before), with the task's
//! start and end on its own clock; the parent moves those onto its clock, so
//! the timeline keeps every task. Floats are written with enough digits to
//! read back to the same bits.
//!
//! One split estimate ([`split()`]) runs the same way, with the same kinds
//! of line: its tasks are its blocks, handed out in batches the same way; for
//! the spacings sampler in two rounds, pass 1's spacing sums, then one line
//! to every worker with the offsets, then pass 2's sums (`split.rs` shows the lines).
//!
//! A worker that dies or is killed is reported as [`Error::Worker`](crate::Error::Worker)
//! with its pid, how it ended and the first task it had not answered; a task
//! that fails in a worker (NaN, ±∞, a panic in the integrand) comes back as
//! [`Error::Remote`](crate::Error::Remote) (for a block,
//! [`Error::RemoteBlock`](crate::Error::RemoteBlock)). The parent never waits on a
//! worker forever.
//!
//! | file | holds |
//! |---|---|
//! | `pool.rs` | the workers of one run: starting them, handing out batches, passing each answer on in order |
//! | `parent.rs` | [`sweep()`]: the sweep's header, one round on the pool, the points in size order; [`request_lines`], the lines one worker gets |
//! | `split.rs` | [`split()`]: a split estimate's header, its passes on the pool, the blocks' sums in block order |
//! | `batch.rs` | the schedule: tasks largest first, cut into batches by cost |
//! | `protocol.rs` | the kinds of line: header, batch, offsets, answer |
//! | `worker.rs` | [`serve`]: the worker's side |
//! | `program.rs` | [`worker_program`]: which `parlab` binary the workers run; [`parlab_command`], that binary run as a command |
//! | `count.rs` | [`count_in_worker`]: the lesson that processes share no memory |

mod batch;
mod count;
mod parent;
mod pool;
mod program;
pub(crate) mod protocol;
mod split;
mod worker;

pub use count::{count, count_in_worker, count_in_worker_with_program};
pub(crate) use parent::sweep_recipe;
pub use parent::{request_lines, sweep, sweep_with_program};
pub use program::{parlab_command, parlab_command_with_program, worker_program};
pub(crate) use split::split_recipe;
pub use split::{split, split_with_program};
pub use worker::serve;
