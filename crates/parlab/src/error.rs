//! The one error type of the library.
//!
//! Inputs are validated where they enter ([`Setup::new`](crate::Setup::new),
//! [`Expr::parse`](crate::Expr::parse), [`parallel::Pool::new`](crate::parallel::Pool::new), ...),
//! so the numeric loops that follow cannot fail, except for the two things only
//! a run can reveal: an integrand that returns NaN or ±∞, or one that panics.
//! Messages are lowercase, name the bad value and hint at the fix.

use thiserror::Error;

/// Shorthand for results whose error is [`enum@Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in parlab.
// The fields are the values each message names; the messages document them.
#[allow(missing_docs)]
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// An interval end is NaN or infinite.
    #[error("the interval [{a}, {b}] is not finite: both ends must be finite numbers")]
    NonFiniteInterval { a: f64, b: f64 },
    /// The two ends of the interval are equal.
    #[error("the interval [{a}, {b}] is empty: its two ends must differ")]
    EmptyInterval { a: f64, b: f64 },
    /// `n` is below what the rule needs.
    #[error("the {rule} rule needs n >= {min}, got n = {n}")]
    TooFewPoints { rule: &'static str, n: u64, min: u64 },
    /// Simpson's rule works on pairs of subintervals.
    #[error("the simpson rule needs an even n (pairs of subintervals), got n = {n}: try n = {}", n + 1)]
    OddSimpson { n: u64 },
    /// A single estimate whose sum has no terms (the lecture's rule for n = 0
    /// and 1): its value, 0, would pass for an estimate. Sweeps keep such n.
    #[error("the {rule} rule sums no terms for n = {n}, so its value 0 is not an estimate: use n >= {min}")]
    EmptySum { rule: &'static str, n: u64, min: u64 },
    /// `n` is more than the rule can take, in memory or in time.
    #[error("n = {n} is too large for the {rule} rule: {why}")]
    TooManyPoints { rule: &'static str, n: u64, why: String },
    /// A sweep with nothing to do.
    #[error("the sweep has no sample sizes: give --samples N with N >= 1, or a non-empty list")]
    NoSizes,
    /// A sweep whose total work would take hours.
    #[error(
        "the sweep would draw {total:.2e} points in all, more than the limit of {limit:.0e}: use fewer or smaller sizes"
    )]
    SweepTooLarge { total: f64, limit: f64 },
    /// Zero threads or workers were asked for.
    #[error("the number of threads must be at least 1, got 0")]
    ZeroThreads,
    /// A deal of tasks to workers that does not give every task to exactly one worker.
    #[error("the deal must give each of the {tasks} tasks to exactly one worker: {problem}")]
    Deal { tasks: usize, problem: String },
    /// A thread pool could not be built.
    #[error("could not build a pool of {threads} threads: {message}")]
    Pool { threads: usize, message: String },
    /// No catalogue integrand has this name.
    #[error("unknown integrand `{name}`: the catalogue has {known}")]
    UnknownIntegrand { name: String, known: String },
    /// No rule has this name.
    #[error("unknown rule `{name}`: choose one of lecture, partition, monte-carlo, midpoint, trapezoid, simpson")]
    UnknownRule { name: String },
    /// No sampler has this name.
    #[error("unknown sampler `{name}`: choose one of spacings, bucket, sort")]
    UnknownSampler { name: String },
    /// No backend has this name.
    #[error("unknown backend `{name}`: choose one of serial, rayon, chunked, process")]
    UnknownBackend { name: String },
    /// An expression that does not parse.
    #[error("cannot parse the expression `{expr}`: {message}")]
    Parse { expr: String, message: String },
    /// An expression that uses a name other than `x`, `pi` and `e`.
    #[error(
        "the expression `{expr}` uses the unknown name `{name}`: the variable is `x`, the constants are `pi` and `e`, and the functions are sin cos tan asin acos atan sinh cosh tanh exp ln log10 log2 sqrt cbrt abs signum floor ceil"
    )]
    UnknownName { expr: String, name: String },
    /// The integrand returned NaN or ±∞.
    #[error("the integrand returned {value} at x = {x}: integrate over an interval where it is finite")]
    NonFinite { x: f64, value: f64 },
    /// Every value was finite, but their weighted sum was not.
    #[error("the integrand's values are finite but their sum overflowed (got {value}): rescale the integrand")]
    Overflow { value: f64 },
    /// The integrand panicked while computing the estimate for `n`.
    #[error("the integrand panicked while computing n = {n}: {message}")]
    Panicked { n: u64, message: String },
    /// A split estimate's blocks must hold at least one point each.
    #[error("the block size of a split estimate must be at least 1 point, got 0")]
    ZeroBlockSize,
    /// A split estimate was combined from partial sums that are not one per block, in block order.
    #[error(
        "a split estimate of {blocks} blocks needs one partial sum per block in block order (0, 1, …), got blocks {got:?}"
    )]
    Partials { blocks: u64, got: Vec<u64> },
    /// A backend that does not run split estimates.
    #[error("the {backend} backend does not run a split estimate: use serial, rayon or process")]
    SplitBackend { backend: &'static str },
    /// The integrand panicked while computing one block of a split estimate.
    #[error("the integrand panicked while computing block {block} of a split estimate: {message}")]
    BlockPanicked { block: u64, message: String },
    /// An integrand that cannot travel to another process: the run-time twin
    /// of the compile error of [`process::sweep`](crate::process::sweep), for
    /// integrands known only as `&dyn Integrand`.
    #[error(
        "cannot send this integrand to a worker process: a closure is code and memory of this process, which a worker process does not have; send a catalogue name (parlab::catalogue::get) or an expression (parlab::Expr::parse)"
    )]
    NotSendable,
    /// A worker process computed a task and reports that it failed (NaN, ±∞, a
    /// panic): the same errors as on the other backends, as the worker's text.
    #[error("{message} (reported by worker process {worker} for n = {n})")]
    Remote { worker: usize, n: u64, message: String },
    /// A worker process computed a block of a split estimate and reports that
    /// it failed (a panic in the integrand), as the worker's text.
    #[error("{message} (reported by worker process {worker})")]
    RemoteBlock { worker: usize, block: u64, message: String },
    /// A worker process failed, died or was killed: `message` says how, as
    /// the end of a sentence ("was killed by signal 9 (SIGKILL) while computing n = 4000").
    #[error("worker process {worker} (pid {pid}) {message}")]
    Worker { worker: usize, pid: u32, message: String },
    /// The `parlab` binary the process backend runs was not found or could not start.
    #[error(
        "cannot start the worker program {program}: {message}: build it with `cargo build --release -p parlab-cli`, or set PARLAB_BIN to the `parlab` binary"
    )]
    WorkerProgram { program: String, message: String },
    /// The `parlab` command, run from a program ([`process::parlab_command`](crate::process::parlab_command)),
    /// failed: `message` is its one-line error, or how it ended.
    #[error("parlab {command}: {message}")]
    Command { command: String, message: String },
    /// Text that is not the JSON object `parlab sweep --json` prints
    /// ([`sweep::Printed::from_json`](crate::sweep::Printed::from_json)).
    #[error("not the JSON of `parlab sweep --json`: {message}")]
    NotASweep { message: String },
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a non-text payload".to_string()
    }
}
