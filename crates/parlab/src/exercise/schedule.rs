//! The check of notebook `03-parallel`'s scheduling cell: a static deal of
//! growing tasks to k workers that keeps them equally busy.
//!
//! The work of a deal is counted from the sizes (task n costs about n), never
//! timed, so the check cannot flake under load; the notebook runs the deal
//! and shows its timeline beside the static blocks'.
//!
//! # Formula
//!
//! ```text
//! load(w) = Σ_{i ∈ deal[w]} n_i            the work dealt to worker w
//! busiest ≤ total / k + max_i n_i          what the check asks of each case
//! ```
//!
//! The bound is what dealing in turns, or any greedy deal, guarantees on
//! growing sizes (Graham's bound for list scheduling): the busiest worker has
//! at most one task more than an equal share. Contiguous blocks miss it by
//! far: on n = 0..1999 and 2 workers their busiest holds 75% of the work.

use crate::backend::chunked;
use crate::exercise::given::attempt;
use crate::exercise::verdict::Verdict;

/// The shape of cell 3.6: the sizes and the number of workers in; for each
/// worker, the indices (into the sizes) of its tasks, out.
pub type Deal = dyn Fn(&[u64], usize) -> Vec<Vec<usize>>;

/// The sizes and worker counts the check deals; the notebook's sweep first.
fn cases() -> Vec<(&'static str, Vec<u64>, usize)> {
    let sweep: Vec<u64> = (0..2000).collect();
    vec![
        ("n = 0..1999", sweep.clone(), 2),
        ("n = 0..1999", sweep.clone(), 3),
        ("n = 0..1999", sweep.clone(), 4),
        ("n = 0..1999", sweep, 16),
        ("n = 2000 down to 1", (1..=2000).rev().collect(), 2),
        ("n = 1000, 1007, …, 2995", (1000..3000).step_by(7).collect(), 3),
        ("n = 0..9", (0..10).collect(), 3),
        ("n = 0..2", (0..3).collect(), 5),
    ]
}

/// Checks cell 3.6: for each of several growing (or shrinking) lists of
/// sizes and worker counts k, `deal(sizes, k)` gives k lists that hold every
/// task index exactly once, and its busiest worker's work (the sum of its
/// sizes) is at most an equal share plus the largest task.
///
/// # Examples
///
/// ```
/// // Contiguous blocks, as `chunked::sweep` deals them:
/// let blocks = |sizes: &[u64], workers: usize| -> Vec<Vec<usize>> {
///     let block = sizes.len().div_ceil(workers);
///     (0..workers).map(|w| (w * block..sizes.len().min((w + 1) * block)).collect()).collect()
/// };
/// let verdict = parlab::exercise::check_deal(&blocks);
/// assert!(verdict.wrong().unwrap().contains("contiguous blocks"));
/// ```
pub fn check_deal(deal: &Deal) -> Verdict {
    let mut verdict = Verdict::new("3.6");
    let outcome = judge_deal(deal, &mut verdict);
    verdict.finish(outcome)
}

fn judge_deal(deal: &Deal, verdict: &mut Verdict) -> Result<(), String> {
    for (name, sizes, workers) in cases() {
        let dealt = attempt("`interleaved`", || deal(&sizes, workers))?;
        if dealt.len() != workers {
            return Err(format!(
                "{name}, {workers} workers: you gave {} lists, one per worker is {workers}",
                dealt.len()
            ));
        }
        chunked::check_deal(sizes.len(), &dealt).map_err(|err| format!("{name}, {workers} workers: {err}"))?;
        let total: u64 = sizes.iter().sum();
        let largest = sizes.iter().copied().max().unwrap_or(0);
        let busiest = busiest(&sizes, &dealt);
        let blocks = busiest_block(&sizes, workers);
        let share = |work: u64| 100.0 * work as f64 / total.max(1) as f64;
        let cap = total as f64 / busiest.max(1) as f64;
        verdict.note(format!(
            "{name}, {workers:>2} workers: the busiest holds {:>5.1}% of the work (equal share {:.1}%, contiguous \
             blocks {:.1}%): speedup at most {cap:.2}x",
            share(busiest),
            100.0 / workers as f64,
            share(blocks),
        ));
        // busiest ≤ total/k + largest, in integers.
        if busiest * workers as u64 > total + largest * workers as u64 {
            let why = if is_blocks(&sizes, &dealt) {
                "those are contiguous blocks: the last one holds the largest tasks. Deal the tasks in turns instead"
            } else {
                "one worker still gets more than its share: give each worker small and large tasks alike"
            };
            return Err(format!(
                "{name}, {workers} workers: your busiest worker holds {:.1}% of the work, more than an equal share \
                 plus the largest task ({:.1}%): {why}",
                share(busiest),
                share(total / workers as u64 + largest)
            ));
        }
    }
    Ok(())
}

/// The work of the busiest worker of `deal`.
fn busiest(sizes: &[u64], deal: &[Vec<usize>]) -> u64 {
    deal.iter().map(|list| list.iter().map(|&i| sizes[i]).sum::<u64>()).max().unwrap_or(0)
}

/// The work of the busiest worker when the sizes are cut into contiguous blocks, as `chunked::sweep` cuts them.
fn busiest_block(sizes: &[u64], workers: usize) -> u64 {
    let block = sizes.len().div_ceil(workers).max(1);
    sizes.chunks(block).map(|chunk| chunk.iter().sum::<u64>()).max().unwrap_or(0)
}

/// Whether every worker's tasks are one run of consecutive indices.
fn is_blocks(sizes: &[u64], deal: &[Vec<usize>]) -> bool {
    sizes.len() > deal.len() && deal.iter().all(|list| list.windows(2).all(|pair| pair[1] == pair[0] + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_separates_turns_from_blocks_on_the_sweep() {
        let sizes: Vec<u64> = (0..2000).collect();
        let turns: Vec<Vec<usize>> = (0..2).map(|w| (w..2000).step_by(2).collect()).collect();
        assert_eq!(busiest(&sizes, &turns), 1_000_000); // the odd n: 1 + 3 + … + 1999
        assert_eq!(busiest_block(&sizes, 2), 1_499_500); // n = 1000..1999
        assert!(!is_blocks(&sizes, &turns));
    }
}
