//! The checks of notebook `03-parallel`'s student cells: two predictions and
//! two programs to make compile.
//!
//! | check | cell | what it holds the answer to |
//! |---|---|---|
//! | [`check_copied_draws`] | 3.1, predict | the distinct numbers drawn by four copies of one generator |
//! | [`check_per_task`] | 3.2, make this compile | the serial bits from a parallel map with one generator per task, and two tasks at once |
//! | [`check_first_to_finish`] | 3.4, predict | the worker whose static block holds less work in a real 2-thread run |
//! | [`check_halves`] | 3.5, make this compile | the serial bits from two halves on two scoped threads, both running at once |

use std::collections::BTreeSet;
use std::time::Duration;

use crate::backend::{chunked, serial};
use crate::exercise::given::{PATIENCE, SEED, attempt, lecture};
use crate::exercise::meeting::Meeting;
use crate::exercise::verdict::Verdict;
use crate::parallel::Pool;
use crate::rule::Setup;
use crate::stream;
use crate::tolerance;

/// The shape of cells 3.2 and 3.5: the integrand, the setup and the sizes in;
/// one estimate per size, in the order of the sizes, out.
pub type Values = dyn Fn(&(dyn Fn(f64) -> f64 + Sync), &Setup, &[u64]) -> Vec<f64> + Sync;

/// How many workers copy the parent's generator in cell 3.1, and how many numbers each draws.
const COPIES: usize = 4;
const DRAWS: usize = 3;

/// The sizes the checks of 3.2 and 3.5 run: n = 0..199 (n = 0 and 1 call no f).
const SIZES: u64 = 200;

/// The sizes of cell 3.4's run: the notebook's sweep, n = 0..1999.
const FINISH_SIZES: u64 = 2000;

/// Checks prediction 3.1: four workers each get a copy of the parent's
/// generator (as `fork` copies `np.random`) and draw 3 numbers. How many
/// distinct numbers are among the 12?
///
/// The check draws them: copies of `stream(SEED, 0)`, against one stream
/// per task, `stream(SEED, 1..=4)`, for comparison.
pub fn check_copied_draws(predicted: &dyn Fn() -> usize) -> Verdict {
    let mut verdict = Verdict::new("3.1");
    let outcome = judge_copied_draws(predicted, &mut verdict);
    verdict.finish(outcome)
}

fn judge_copied_draws(predicted: &dyn Fn() -> usize, verdict: &mut Verdict) -> Result<(), String> {
    let guess = attempt("`predicted_distinct_draws`", predicted)?;
    let parent = stream::stream(SEED, 0);
    let copied = distinct((0..COPIES).map(|_| parent.clone()));
    let per_task = distinct((1..=COPIES as u64).map(|task| stream::stream(SEED, task)));
    verdict.note(format!("{COPIES} copies of one generator, {DRAWS} draws each: {copied} distinct numbers"));
    verdict.note(format!("{COPIES} generators of their own, {DRAWS} draws each: {per_task} distinct numbers"));
    if guess == copied {
        return Ok(());
    }
    let why = if guess == per_task {
        "that is what one generator per task gives; a copy starts from the parent's state, so it draws exactly \
         what every other copy draws"
    } else {
        "each copy starts from the same state, so each draws the same sequence"
    };
    Err(format!("you predicted {guess}, the run drew {copied} distinct numbers: {why}"))
}

/// The number of distinct values among `DRAWS` uniforms from each stream.
fn distinct(streams: impl Iterator<Item = stream::Stream>) -> usize {
    let mut seen = BTreeSet::new();
    for mut draws in streams {
        for _ in 0..DRAWS {
            seen.insert(draws.uniform().to_bits());
        }
    }
    seen.len()
}

/// The serial sweep's values for `setup`: what every right answer gives, bit for bit.
fn serial_values(setup: &Setup, sizes: &[u64]) -> Result<Vec<f64>, String> {
    let sweep = serial::sweep(&lecture, setup, sizes).map_err(|err| err.to_string())?;
    Ok(sweep.points.iter().map(|point| point.value).collect())
}

/// Checks cell 3.2: the lecture's one shared generator made to compile as
/// one generator per task, in a parallel map.
///
/// On pools of 1, 2 and 4 threads, each with another seed (so a seed written
/// into the code shows), `per_task` must give the serial sweep's bits, and on
/// 2 and 4 threads two of its tasks must run at once (the integrand's first
/// call waits for a second: see the [module docs](crate::exercise)).
pub fn check_per_task(per_task: &Values) -> Verdict {
    check_per_task_within(per_task, PATIENCE)
}

/// [`check_per_task`], with the first task waiting at most `patience` for a second.
pub fn check_per_task_within(per_task: &Values, patience: Duration) -> Verdict {
    let mut verdict = Verdict::new("3.2");
    let outcome = judge_per_task(per_task, patience, &mut verdict);
    verdict.finish(outcome)
}

fn judge_per_task(per_task: &Values, patience: Duration, verdict: &mut Verdict) -> Result<(), String> {
    let sizes: Vec<u64> = (0..SIZES).collect();
    for (threads, seed) in [(1, SEED), (2, SEED + 1), (4, SEED + 2)] {
        let setup = Setup::new(0.0, 1.0).map_err(|err| err.to_string())?.with_seed(seed);
        let want = serial_values(&setup, &sizes)?;
        let pool = Pool::new(threads).map_err(|err| err.to_string())?;
        let meeting = Meeting::new(patience);
        let watched = |x: f64| {
            meeting.arrive();
            lecture(x)
        };
        let f: &(dyn Fn(f64) -> f64 + Sync) = if threads > 1 { &watched } else { &lecture };
        let got = attempt("`per_task_values`", || pool.install(|| per_task(f, &setup, &sizes)))?;
        compare(&want, &got).map_err(|wrong| format!("on {threads} thread(s), seed {seed}: {wrong}"))?;
        if threads > 1 && !meeting.met() {
            return Err(format!(
                "on {threads} threads the values are right, but no two tasks ran at the same time: the first call \
                 of f waited {} s for another task's call, which never came. Is the map still serial? Use \
                 sizes.par_iter()",
                meeting.patience().as_secs()
            ));
        }
        let at_once = if threads > 1 { "; two tasks ran at the same time" } else { "" };
        verdict.note(format!("{threads} thread(s), seed {seed}: the serial bits{at_once}"));
    }
    Ok(())
}

/// Checks prediction 3.4: `chunked::sweep` on 2 threads over n = 0..1999
/// gives worker 0 the first block and worker 1 the second. Which finishes first?
///
/// The check runs it and holds the prediction to the work each worker got in
/// that run (the sum of its tasks' n: a task for n costs about n), which
/// decides the order whenever each worker has a core. It prints the finish
/// times too; on a busy machine they can come out the other way, and the
/// check says so, but never fails a right answer for it.
pub fn check_first_to_finish(predicted: &dyn Fn() -> usize) -> Verdict {
    let mut verdict = Verdict::new("3.4");
    let outcome = judge_first_to_finish(predicted, &mut verdict);
    verdict.finish(outcome)
}

fn judge_first_to_finish(predicted: &dyn Fn() -> usize, verdict: &mut Verdict) -> Result<(), String> {
    let guess = attempt("`predicted_first_to_finish`", predicted)?;
    let setup = Setup::new(0.0, 1.0).map_err(|err| err.to_string())?.with_seed(SEED);
    let sizes: Vec<u64> = (0..FINISH_SIZES).collect();
    let run = chunked::sweep(&lecture, &setup, &sizes, 2).map_err(|err| err.to_string())?;
    let (mut work, mut finished) = ([0u64; 2], [Duration::ZERO; 2]);
    for task in &run.tasks {
        let worker = task.worker.min(1);
        work[worker] += task.n;
        finished[worker] = finished[worker].max(task.end);
    }
    let lighter = usize::from(work[1] < work[0]);
    let total = (work[0] + work[1]).max(1) as f64;
    for worker in 0..2 {
        verdict.note(format!(
            "worker {worker}: {:.0}% of the work, finished after {:.1} ms",
            100.0 * work[worker] as f64 / total,
            finished[worker].as_secs_f64() * 1e3
        ));
    }
    let by_time = usize::from(finished[1] < finished[0]);
    if by_time != lighter {
        verdict.note(format!(
            "(in this run worker {by_time} finished first: another program held a core; run it again on a calmer \
             machine)"
        ));
    }
    if guess == lighter {
        return Ok(());
    }
    let why = if guess < 2 {
        format!("worker {guess} holds the larger sizes, and a task for n costs about n")
    } else {
        "there are two workers, 0 and 1".to_owned()
    };
    Err(format!("you predicted worker {guess}, but worker {lighter} has less work and finishes first: {why}"))
}

/// Checks cell 3.5: a borrowed local sent to `thread::spawn`, made to
/// compile. `halves` must give the serial sweep's bits, in the order of the
/// sizes, with its two halves running at the same time (the integrand's
/// first call waits for a call from the other half).
pub fn check_halves(halves: &Values) -> Verdict {
    check_halves_within(halves, PATIENCE)
}

/// [`check_halves`], with the first call of f waiting at most `patience` for a second.
pub fn check_halves_within(halves: &Values, patience: Duration) -> Verdict {
    let mut verdict = Verdict::new("3.5");
    let outcome = judge_halves(halves, patience, &mut verdict);
    verdict.finish(outcome)
}

fn judge_halves(halves: &Values, patience: Duration, verdict: &mut Verdict) -> Result<(), String> {
    let sizes: Vec<u64> = (0..SIZES).collect();
    let setup = Setup::new(0.0, 1.0).map_err(|err| err.to_string())?.with_seed(SEED + 3);
    let want = serial_values(&setup, &sizes)?;
    let meeting = Meeting::new(patience);
    let watched = |x: f64| {
        meeting.arrive();
        lecture(x)
    };
    let got = attempt("`two_halves`", || halves(&watched, &setup, &sizes))?;
    compare(&want, &got)?;
    verdict.note(format!("{SIZES} values, the serial bits, in the order of the sizes"));
    if !meeting.met() {
        return Err(format!(
            "the values are right, but the two halves did not run at the same time: the first call of f waited {} s \
             for a call from the other half, which never came. Does one thread compute both halves, or is the \
             spawned thread joined before this one starts its half?",
            meeting.patience().as_secs()
        ));
    }
    verdict.note("the two halves ran at the same time, on two threads");
    Ok(())
}

/// Whether `got` is `want`, bit for bit, and if not, the likeliest slip.
fn compare(want: &[f64], got: &[f64]) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!("{} values for {} sizes: one value per size", got.len(), want.len()));
    }
    let differ: Vec<usize> = (0..want.len()).filter(|&i| !tolerance::same_bits(want[i], got[i])).collect();
    let Some(&first) = differ.first() else { return Ok(()) };
    let (mut sorted_got, mut sorted_want) = (got.to_vec(), want.to_vec());
    sorted_got.sort_by(f64::total_cmp);
    sorted_want.sort_by(f64::total_cmp);
    let why = if sorted_got.iter().zip(&sorted_want).all(|(g, w)| tolerance::same_bits(*g, *w)) {
        "the right values in the wrong order: keep the values in the order of the sizes"
    } else if got[..got.len() - 1].iter().zip(&want[1..]).all(|(g, w)| tolerance::same_bits(*g, *w)) {
        "value k is the serial value for size k + 1: is a stream or a size off by one?"
    } else {
        "the estimate for n must draw from its own stream, stream(setup.seed(), n): not from one shared \
         generator, a copy of one, or another seed"
    };
    Err(format!(
        "{} of {} values differ from the serial ones (the first: n = {first}, {:.17} against {:.17}): {why}",
        differ.len(),
        want.len(),
        got[first],
        want[first]
    ))
}
