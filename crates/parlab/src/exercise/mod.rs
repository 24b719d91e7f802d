//! The checks of the lab's exercises (notebooks `01-scope`, `02-serial` and `05-lab`), one function per check cell.
//!
//! A check cell in the notebook is one line, such as
//! `parlab::exercise::check_2(&estimates_serial, &estimates_parallel).assert();`:
//! the student's `fn` items go in, a [`Verdict`] comes out, and
//! [`Verdict::assert`] prints what was measured or panics with what is wrong.
//! The logic lives here so that it is compiled once and tested like the rest
//! of parlab: the workspace's tests run every check against the reference
//! answers (which must pass) and against the slips students make, such as the
//! serial loop handed in as the parallel one, a generator shared by every task,
//! an off-by-one size or a missing end interval (each must fail).
//!
//! | check | exercise | what it holds the answer to |
//! |---|---|---|
//! | [`check_1`] | your own integrand | Simpson's error at n = 64 below 10⁻⁶ and its fitted order within 0.3 of 4 |
//! | [`check_2`] | a parallel loop | the serial estimates' bits on 1, 2 and 4 threads, and two tasks running at once |
//! | [`check_3`] | where threads stop helping | the stopping rule on made-up measurements with known answers |
//! | [`check_4a`] | the lecture's bias, fixed | parlab's `partition` rule on the same points, to [`ROUNDING`](crate::tolerance::ROUNDING) |
//! | [`check_4b`] | the lecture's bias, measured | the mean error × (n + 1) over 1000 seeds near −0.5 |
//! | [`check_5`] | a bootstrap | resamples drawn as stated, the serial bits on 2 and 3 threads, two resamples at once |
//!
//! Notebooks 01 and 02 have checks of their own, named by notebook:
//!
//! | check | notebook, exercise | what it holds the answer to |
//! |---|---|---|
//! | [`check_scope_1`] | 01, make this compile: a borrowed local sent to `thread::spawn` | the thread's heights, after the caller's points are dropped |
//! | [`check_scope_2`] | 01, predict: copies of one generator | the numbers of distinct draws of the run [`clones::draws`] |
//! | [`check_scope_3`] | 01, predict: a worker process's counting | the three counts of the run, worker process and threads |
//! | [`check_serial_1`] | 02, make this compile: one generator for the whole sweep | each estimate from its own stream, whatever the other sizes |
//! | [`check_serial_2`] | 02, predict: the partition rule's bias | within max(4 s, 0.1) of the measured (estimate − exact)·(n+1) |
//! | [`check_serial_3`] | 02, predict: three orders of convergence | each within 0.3 of the fitted order |
//!
//! Notebooks `03-parallel` and `04-timing` have student cells of their own,
//! checked the same way: [`check_copied_draws`], [`check_per_task`],
//! [`check_halves`], [`check_first_to_finish`], [`check_deal`] and [`check_worker`] (03);
//! [`check_speedup_model`], [`check_ceiling`] and [`check_portable`] (04).
//!
//! # Parallel, proved without a clock
//!
//! A parallel answer must give the serial bits *and* run on two threads at
//! once. Values alone cannot show the second: a "parallel" function that
//! calls the serial one gives the same bits. So the checks of exercises 2
//! and 5 hand the student's function an instrumented closure (the integrand,
//! or the bootstrap's statistic) whose first call waits until a second call
//! arrives while it is still waiting. Two calls in flight at once are on two
//! threads (the first one's thread is blocked), so a parallel answer meets
//! its partner at once, and a serial one waits out a generous timeout,
//! [`PATIENCE`], then fails with a message that says so. No time is
//! measured, and no thread is identified: load can only delay the meeting,
//! never fake or prevent it.
//!
//! # Panics in the student's code
//!
//! A panic in the code under test (a `todo!()` still in place, an index out
//! of bounds) is caught and becomes a failed verdict that quotes it.

mod bias;
mod bootstrap;
pub mod clones;
mod counter;
mod estimates;
mod given;
mod meeting;
mod one_rng;
mod orders;
mod own_integrand;
mod own_worker;
mod partition;
mod schedule;
mod spawn;
mod threads_worth;
mod verdict;

// The checks of the student cells in notebooks 03 and 04.
mod parallel_cells;
mod timing_cells;

pub use bias::{check_serial_2, scaled_bias};
pub use bootstrap::{Bootstrap, Resample, check_5, check_5_within};
pub use clones::check_scope_2;
pub use counter::{check_scope_3, check_scope_3_with_program};
pub use estimates::{Estimates, check_2, check_2_within};
pub use given::{PATIENCE, SEED};
pub use one_rng::{LectureSweep, check_serial_1};
pub use orders::{check_serial_3, measured_order};
pub use own_integrand::check_1;
pub use own_worker::{OwnWorker, check_worker};
pub use partition::{PartitionArea, check_4a, check_4b};
pub use schedule::{Deal, check_deal};
pub use spawn::{SpawnHeights, check_scope_1};
pub use threads_worth::{ThreadsWorthUsing, check_3};
pub use verdict::Verdict;

pub use parallel_cells::{
    Values, check_copied_draws, check_first_to_finish, check_halves, check_halves_within, check_per_task,
    check_per_task_within,
};
pub use timing_cells::{check_ceiling, check_portable, check_speedup_model};
