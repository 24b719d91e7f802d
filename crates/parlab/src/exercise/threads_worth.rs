//! Exercise 3: where adding threads stops helping, decided on made-up measurements.

use std::time::Duration;

use crate::exercise::given::attempt;
use crate::exercise::verdict::Verdict;
use crate::scaling::{self, Scaling};
use crate::timing::{Machine, Timing};

/// The shape of `threads_worth_using`: a measurement in, a thread count out.
pub type ThreadsWorthUsing = dyn Fn(&Scaling) -> usize;

/// Made-up run times in µs on 1, 2, 3, … threads, and the thread count the rule gives.
const CASES: [(&[u64], usize, &str); 8] = [
    (&[1000, 520, 500, 490], 2, "speedups 1, 1.92, 2.00, 2.04: flat after 2"),
    (&[1000, 500, 340, 250, 260, 270], 4, "near ideal up to 4 threads, then slower"),
    (&[1000, 980, 600], 1, "the first step gains 2%: stop there, without looking past it"),
    (&[1000, 910], 1, "1000/910 = 1.099: not more than 10%"),
    (&[1000, 600, 700, 300], 2, "a step down, then a jump: stop at the step down"),
    (&[1000, 500, 250, 232], 3, "4 to 4.31 gains 0.31, but only 7.8%: the rule is relative"),
    (&[1000, 500, 476], 2, "2.10 is above 1.1 × the first row, not above 1.1 × the row before"),
    (&[1000], 1, "one row: nothing to step to"),
];

/// Checks exercise 3: `threads_worth_using` on made-up measurements with known answers.
///
/// The measurements are built with [`scaling::analyze`] from run times we
/// choose, so the verdict is the same on every machine.
///
/// # Examples
///
/// ```
/// let first_row_only = |measured: &parlab::scaling::Scaling| measured.rows[0].threads;
/// assert!(!parlab::exercise::check_3(&first_row_only).passed());
/// ```
pub fn check_3(threads_worth_using: &ThreadsWorthUsing) -> Verdict {
    let mut verdict = Verdict::new("3");
    let outcome = judge(threads_worth_using, &mut verdict);
    verdict.finish(outcome)
}

fn judge(threads_worth_using: &ThreadsWorthUsing, verdict: &mut Verdict) -> Result<(), String> {
    for (micros, want, why) in CASES {
        let measured = made_up(micros);
        let got = attempt("`threads_worth_using`", || threads_worth_using(&measured))?;
        let speedups: Vec<String> = measured.rows.iter().map(|row| format!("{:.2}", row.speedup)).collect();
        if got != want {
            return Err(format!(
                "speedups [{}] on 1, 2, … threads: your function gives {got}, the rule gives {want} ({why})",
                speedups.join(", ")
            ));
        }
        verdict.note(format!("speedups [{}]: {want} ({why})", speedups.join(", ")));
    }
    Ok(())
}

/// A measurement with one run of `micros[i]` µs on i + 1 threads.
fn made_up(micros: &[u64]) -> Scaling {
    let run = |us: u64| Timing { runs: vec![Duration::from_micros(us)] };
    // A made-up machine with a core for every row: none is oversubscribed.
    let machine = Machine { available_parallelism: micros.len(), ..Machine::current() };
    scaling::analyze(micros.iter().enumerate().map(|(i, &us)| (i + 1, run(us))).collect(), machine)
}
