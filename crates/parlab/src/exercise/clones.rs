//! Notebook 01, exercise 2: how many distinct numbers do copies of one generator draw?
//!
//! The lecture's forked workers each started from a copy of one global
//! generator. Four threads here do the same, each handed a clone
//! (*clone-into-block*), and four more each make their own stream from
//! `(seed, worker)` (*one RNG per task*); every thread draws one number.

use std::collections::BTreeSet;
use std::thread;

use crate::exercise::given::{SEED, attempt};
use crate::exercise::verdict::Verdict;
use crate::stream;

/// How many threads draw, in each half of the run.
pub const WORKERS: u64 = 4;

/// The draws of the run: one number from each of [`WORKERS`] threads handed a
/// clone of one generator, and one from each of [`WORKERS`] threads with a
/// stream of their own.
pub fn draws() -> (Vec<f64>, Vec<f64>) {
    let global = stream::stream(SEED, 0);
    let clones = thread::scope(|s| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|_| {
                let mut mine = global.clone(); // clone-into-block: this thread's own copy
                s.spawn(move || mine.uniform()) // scope: the copy moves into the thread
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a drawing thread panicked")).collect()
    });
    let own = thread::scope(|s| {
        let handles: Vec<_> =
            (0..WORKERS).map(|worker| s.spawn(move || stream::stream(SEED, worker).uniform())).collect();
        handles.into_iter().map(|h| h.join().expect("a drawing thread panicked")).collect()
    });
    (clones, own)
}

fn distinct(values: &[f64]) -> usize {
    values.iter().map(|v| v.to_bits()).collect::<BTreeSet<_>>().len()
}

/// Checks notebook 01's exercise 2: the predicted numbers of distinct draws
/// against the run ([`draws`]).
///
/// # Examples
///
/// ```
/// let lecture_hope = parlab::exercise::check_scope_2(&|| 4, &|| 4);
/// assert!(!lecture_hope.passed());
/// ```
pub fn check_scope_2(from_clones: &dyn Fn() -> usize, from_own_streams: &dyn Fn() -> usize) -> Verdict {
    let mut verdict = Verdict::new("scope 2");
    let outcome = judge(from_clones, from_own_streams, &mut verdict);
    verdict.finish(outcome)
}

fn judge(
    from_clones: &dyn Fn() -> usize,
    from_own_streams: &dyn Fn() -> usize,
    verdict: &mut Verdict,
) -> Result<(), String> {
    let clones_guess = attempt("`distinct_from_clones`", from_clones)?;
    let own_guess = attempt("`distinct_from_own_streams`", from_own_streams)?;
    let (clones, own) = draws();
    let wrong_clones = clones_guess != distinct(&clones);
    let wrong_own = own_guess != distinct(&own);
    match (wrong_clones, wrong_own) {
        (true, true) => Err(format!(
            "both predictions differ from the run ({clones_guess} and {own_guess}): a clone of a generator holds its \
             whole state; think about what the next number of two equal states is"
        )),
        (true, false) => Err(format!(
            "the run disagrees with {clones_guess} distinct numbers from the {WORKERS} clones: a clone holds the \
             generator's whole state, so what does each clone draw first?"
        )),
        (false, true) => Err(format!(
            "the run disagrees with {own_guess} distinct numbers from the {WORKERS} own streams: each stream is made \
             from a different (seed, worker)"
        )),
        (false, false) => {
            verdict.note(format!("{WORKERS} clones of one generator drew {clones:.6?}"));
            verdict.note(format!("{WORKERS} streams of their own drew   {own:.6?}"));
            Ok(())
        }
    }
}
