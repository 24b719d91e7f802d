//! Exercise 2: a serial loop of Monte Carlo estimates, made parallel with the same bits.

use std::time::Duration;

use crate::exercise::given::{PATIENCE, attempt, lecture};
use crate::exercise::meeting::Meeting;
use crate::exercise::verdict::Verdict;
use crate::parallel::Pool;
use crate::tolerance;

/// The shape of `estimates_serial` and `estimates_parallel`: the integrand,
/// how many tasks, how many samples per task; one estimate per task, in task order.
pub type Estimates = dyn Fn(&(dyn Fn(f64) -> f64 + Sync), u64, u64) -> Vec<f64> + Sync;

/// The size of the check's run: 200 tasks of 10 000 samples.
const TASKS: u64 = 200;
const SAMPLES: u64 = 10_000;
/// The thread counts it runs on; on more than one, two tasks must run at once.
const THREADS: [usize; 3] = [1, 2, 4];

/// Checks exercise 2: `parallel` gives `serial`'s bits on 1, 2 and 4 threads,
/// and on 2 and 4 threads two of its tasks run at the same time.
///
/// The integrand handed to `parallel` on 2 and 4 threads is the lecture's,
/// wrapped so that its first call waits (up to [`PATIENCE`]) until a second
/// call arrives: see the [module docs](crate::exercise) for why that proves
/// parallelism without a clock.
///
/// # Scope
///
/// Both functions are borrowed (shared) for the call. `parallel` runs inside
/// a [`Pool`] (`install`), so it must be `Sync`: its tasks, on the pool's
/// threads, share the integrand by reference, which must be `Sync` too.
pub fn check_2(serial: &Estimates, parallel: &Estimates) -> Verdict {
    check_2_within(serial, parallel, PATIENCE)
}

/// [`check_2`], with the first task waiting at most `patience` for a second.
///
/// Only the tests of the checks use a shorter patience than [`PATIENCE`], and
/// only with answers that must fail anyway: a short wait can fail a right
/// answer on a busy machine, never pass a wrong one.
pub fn check_2_within(serial: &Estimates, parallel: &Estimates, patience: Duration) -> Verdict {
    let mut verdict = Verdict::new("2");
    let outcome = judge(serial, parallel, patience, &mut verdict);
    verdict.finish(outcome)
}

fn judge(serial: &Estimates, parallel: &Estimates, patience: Duration, verdict: &mut Verdict) -> Result<(), String> {
    let want = attempt("`estimates_serial`", || serial(&lecture, TASKS, SAMPLES))?;
    for threads in THREADS {
        let pool = Pool::new(threads).map_err(|err| err.to_string())?;
        let meeting = Meeting::new(patience);
        let watched = |x: f64| {
            meeting.arrive();
            lecture(x)
        };
        let f: &(dyn Fn(f64) -> f64 + Sync) = if threads > 1 { &watched } else { &lecture };
        let got = attempt("`estimates_parallel`", || pool.install(|| parallel(f, TASKS, SAMPLES)))?;
        compare(&want, &got).map_err(|wrong| format!("on {threads} thread(s): {wrong}"))?;
        if threads > 1 && !meeting.met() {
            return Err(format!(
                "on {threads} threads the estimates are right, but no two tasks ran at the same time: the first \
                 call of f waited {} s for a call from another task, which never came. Is the loop still serial? \
                 Each task must be a rayon task: (0..tasks).into_par_iter()",
                meeting.patience().as_secs()
            ));
        }
        let at_once = if threads > 1 { "; two tasks ran at the same time" } else { "" };
        verdict.note(format!("{threads} thread(s): {TASKS} estimates, the same bits as serial{at_once}"));
    }
    Ok(())
}

/// Whether `got` is `want`, bit for bit, and if not, the likeliest slip.
fn compare(want: &[f64], got: &[f64]) -> Result<(), String> {
    if got.len() != want.len() {
        return Err(format!(
            "{} estimates, not {}: one per task, for task = 0, 1, …, tasks − 1 (0..tasks)",
            got.len(),
            want.len()
        ));
    }
    let differ: Vec<usize> = (0..want.len()).filter(|&i| !tolerance::same_bits(want[i], got[i])).collect();
    let Some(&first) = differ.first() else { return Ok(()) };
    let all_same = got.iter().all(|v| tolerance::same_bits(*v, got[0]));
    let why = if all_same && want.len() > 1 {
        "every task gave the same estimate: do they all draw the same numbers, from one generator or copies of \
         one? Each task needs its own, stream(SEED, task)"
            .to_owned()
    } else if got[..got.len() - 1].iter().zip(&want[1..]).all(|(g, w)| tolerance::same_bits(*g, *w)) {
        "estimate k is serial's estimate k + 1: is the task number off by one?".to_owned()
    } else if differ.iter().all(|&i| tolerance::close(got[i], want[i], tolerance::REORDERED)) {
        "close, but not the same bits: the samples of one task were added in another order (a parallel sum?); \
         each task adds its own samples in order, on one thread"
            .to_owned()
    } else {
        "each task must draw from its own stream, stream(SEED, task), and compute what one iteration of the \
         serial loop computes"
            .to_owned()
    };
    Err(format!(
        "{} of {} estimates differ from the serial ones (the first: task {first}, {:.17} against {:.17}): {why}",
        differ.len(),
        want.len(),
        got[first],
        want[first]
    ))
}
