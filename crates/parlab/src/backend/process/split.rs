//! One split estimate on the workers: its blocks are the tasks, in one round or, for the spacings sampler, two.
//!
//! ```text
//! parent → worker  {"recipe":…,"split":{"setup":{…},"n":10000000000,"size":1048576},"tasks":[[0,1048576],…,[9536,786432]]}
//! pass 1 (spacings sampler only): batches of blocks; each answer's value is the block's spacing sum T_b
//! parent → worker  {"offsets":{"total":…,"starts":[0.0,…]}}           to every worker, from every T_b in block order
//! pass 2: batches of blocks; each answer's partial is the block's sums, its ends and where it met NaN or ±∞
//! ```
//!
//! The parent adds the partials in block order ([`Split::combine`]), so
//! the value has the same bits whichever worker computed which block.

use std::path::Path;
use std::time::Instant;

use super::batch::Schedule;
use super::pool::{Due, Pool};
use super::program::worker_program;
use super::protocol::{Header, Line, Work};
use crate::error::{Error, Result};
use crate::integrand::{Portable, Recipe};
use crate::rule::Estimate;
use crate::rule::split::{Partial, Split};

/// One split estimate on `workers` worker processes: the same bits as
/// [`split::serial`](crate::split::serial) for every number of workers.
///
/// Each worker gets the integrand as text (a [`Recipe`]) and the split, then
/// batches of blocks as it finishes the ones it has, as the process
/// [`sweep`](super::sweep()) hands out sizes. `f` must be [`Portable`]; a
/// closure does not compile here (E0277).
///
/// # Scope
///
/// `f` is only borrowed to write its [`Recipe`]; `split` is copied into the
/// header line. Each worker rebuilds and owns its integrand; the only way
/// back is the pipe, which carries each block's sums. Every child is
/// waited for (or killed, on an error) before this returns.
///
/// # Examples
///
/// ```no_run
/// use parlab::split::{self, Split};
/// let lecture = parlab::catalogue::get("lecture").unwrap();
/// let split = Split::new(parlab::Setup::for_entry(lecture).with_seed(7), 3_000_000).unwrap();
/// let procs = parlab::process::split(lecture, &split, 2).unwrap();
/// assert_eq!(procs, split::serial(lecture, &split).unwrap());
/// ```
pub fn split<P: Portable + ?Sized>(f: &P, split: &Split, workers: usize) -> Result<Estimate> {
    run(None, f.to_recipe(), split, workers)
}

/// [`split()`], with the workers running `program` instead of [`worker_program`]'s choice.
pub fn split_with_program<P: Portable + ?Sized>(
    program: &Path,
    f: &P,
    split: &Split,
    workers: usize,
) -> Result<Estimate> {
    run(Some(program), f.to_recipe(), split, workers)
}

/// [`split()`] for an integrand already written down: the split's
/// dispatcher's way in, after it found that a `&dyn Integrand` has a recipe.
pub(crate) fn split_recipe(recipe: Recipe, split: &Split, workers: usize) -> Result<Estimate> {
    run(None, recipe, split, workers)
}

fn run(program: Option<&Path>, recipe: Recipe, split: &Split, workers: usize) -> Result<Estimate> {
    if workers == 0 {
        return Err(Error::ZeroThreads);
    }
    let program = match program {
        Some(program) => program.to_path_buf(),
        None => worker_program()?,
    };
    let blocks = split.blocks();
    // A block's cost is its points: every block is a task of the process sweep's schedule.
    let points: Vec<u64> = (0..blocks).map(|b| split.points(b)).collect();
    let schedule = || Schedule::new(&points, workers);
    let header = Header { recipe, work: Work::Split(*split), tasks: schedule().tasks().to_vec() };
    let header = serde_json::to_string(&header).expect("headers serialize");

    let mut pool = Pool::start(&program, workers, &header, Instant::now())?;
    if split.two_pass() {
        let mut sums = vec![0.0; blocks as usize];
        pool.run(&mut schedule(), &|(b, _)| format!("block {b} (pass 1)"), |due| {
            let block = due.reply.index;
            sums[block] = due.reply.value.ok_or_else(|| wrong(&due, "without its spacing sum"))?;
            Ok(())
        })?;
        let offsets =
            serde_json::to_string(&Line::Between { offsets: split.offsets(&sums) }).expect("offsets serialize");
        pool.send_all(&offsets)?;
    }
    let mut partials: Vec<Option<Partial>> = vec![None; blocks as usize];
    pool.run(&mut schedule(), &|(b, _)| format!("block {b}"), |due| {
        let block = due.reply.index as u64;
        if let Some(message) = &due.reply.error {
            return Err(Error::RemoteBlock { worker: due.worker, block, message: message.clone() });
        }
        let sums = due.reply.partial.as_ref().ok_or_else(|| wrong(&due, "without its sums"))?;
        let partial = sums.partial(block).map_err(|e| wrong(&due, &format!("with sums that are not numbers: {e}")))?;
        partials[block as usize] = Some(partial);
        Ok(())
    })?;
    pool.finish();
    let partials: Vec<Partial> = partials.into_iter().map(|p| p.expect("every block was answered")).collect();
    split.combine(&partials)
}

/// The error for an answer to a block that lacks what it should carry.
fn wrong(due: &Due, what: &str) -> Error {
    let message = format!("sent an answer for block {} {what}", due.reply.index);
    Error::Worker { worker: due.worker, pid: due.pid, message }
}
