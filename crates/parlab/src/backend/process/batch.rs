//! How the tasks are cut into batches: largest first, each batch a share of the cost that remains.
//!
//! A request to a worker costs a round trip through two pipes and a few
//! wake-ups, tens of microseconds on a busy machine: more than a small task.
//! So the parent hands out *batches*, sized by guided self-scheduling on the
//! tasks' cost (a task of size n costs about n points, plus a fixed part):
//!
//! ```text
//! batch cost ≥ max(R / (IN_FLIGHT · k), MIN_BATCH_COST)
//!
//! R         the cost of the tasks not yet handed out
//! k         the number of workers
//! IN_FLIGHT the batches each worker holds at once (one computing, one waiting in its pipe)
//! ```
//!
//! The tasks go largest first, so the first batches are a few large tasks
//! and the last ones many small tasks: when the sweep ends, what is left to
//! balance is small, and the worker that finishes first takes it.

use std::ops::Range;

/// Batches each worker holds at once: while it computes one, the next waits
/// in its pipe, so it never waits for the parent.
pub(super) const IN_FLIGHT: usize = 2;

/// The fixed cost of a task, in points: seeding its stream and writing its
/// answer line cost about as much as this many points of the rule.
const TASK_COST: u64 = 128;

/// The smallest batch, in points (about 0.1 ms of work): below this, the
/// round trip of a request would cost more than the work it carries.
const MIN_BATCH_COST: u64 = 1 << 15;

/// The tasks in the order they are handed out, and how far they have gone.
pub(super) struct Schedule {
    /// `(index, n)`: each task's place in the sizes and its size, largest n first.
    tasks: Vec<(usize, u64)>,
    /// The first task not yet handed out.
    next: usize,
    /// The cost of the tasks from `next` on.
    remaining: u64,
    /// The share of `remaining` a batch takes: `IN_FLIGHT · k`.
    divisor: u64,
}

fn cost(n: u64) -> u64 {
    n.saturating_add(TASK_COST)
}

impl Schedule {
    /// The schedule of `sizes` for `workers` workers (at least 1).
    pub(super) fn new(sizes: &[u64], workers: usize) -> Schedule {
        let mut tasks: Vec<(usize, u64)> = sizes.iter().copied().enumerate().collect();
        // Stable: equal sizes keep their order, so the schedule is the same on every run.
        tasks.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let remaining = tasks.iter().fold(0u64, |sum, &(_, n)| sum.saturating_add(cost(n)));
        let divisor = (IN_FLIGHT * workers.max(1)) as u64;
        Schedule { tasks, next: 0, remaining, divisor }
    }

    /// Every task, `(index, n)`, in the order they are handed out.
    pub(super) fn tasks(&self) -> &[(usize, u64)] {
        &self.tasks
    }

    /// The next batch, as places in [`tasks`](Schedule::tasks); `None` when all are handed out.
    pub(super) fn next_batch(&mut self) -> Option<Range<usize>> {
        if self.next == self.tasks.len() {
            return None;
        }
        let want = (self.remaining / self.divisor).max(MIN_BATCH_COST);
        let start = self.next;
        let mut taken = 0u64;
        while self.next < self.tasks.len() && taken < want {
            taken = taken.saturating_add(cost(self.tasks[self.next].1));
            self.next += 1;
        }
        self.remaining = self.remaining.saturating_sub(taken);
        Some(start..self.next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batches(sizes: &[u64], workers: usize) -> (Schedule, Vec<Range<usize>>) {
        let mut schedule = Schedule::new(sizes, workers);
        let batches = std::iter::from_fn(|| schedule.next_batch()).collect();
        (schedule, batches)
    }

    #[test]
    fn every_task_is_handed_out_once_largest_first() {
        let sizes: Vec<u64> = (0..10_000).map(|i| (i * 7919) % 10_000).collect();
        let (schedule, batches) = batches(&sizes, 2);
        let mut seen: Vec<usize> = schedule.tasks().iter().map(|&(index, _)| index).collect();
        assert!(schedule.tasks().windows(2).all(|w| w[0].1 >= w[1].1), "largest first");
        assert!(schedule.tasks().iter().all(|&(index, n)| sizes[index] == n));
        seen.sort_unstable();
        assert_eq!(seen, (0..sizes.len()).collect::<Vec<_>>());
        // The batches tile the schedule, in order, with no gap and no overlap.
        assert_eq!(batches.first().unwrap().start, 0);
        assert_eq!(batches.last().unwrap().end, sizes.len());
        assert!(batches.windows(2).all(|w| w[0].end == w[1].start && !w[0].is_empty()));
    }

    #[test]
    fn batches_take_a_share_of_what_remains_and_never_less_than_the_minimum() {
        // The lecture's sweep: 10000 tasks in a few dozen requests, not 10000.
        let sizes: Vec<u64> = (0..10_000).collect();
        let (schedule, batches) = batches(&sizes, 2);
        assert!((10..=60).contains(&batches.len()), "{} batches", batches.len());
        let costs: Vec<u64> =
            batches.iter().map(|b| schedule.tasks()[b.clone()].iter().map(|&(_, n)| cost(n)).sum()).collect();
        let total: u64 = costs.iter().sum();
        // The first batch is about a quarter of the work (2 workers, 2 in flight each)…
        assert!(costs[0] >= total / 4 && costs[0] < total / 4 + cost(9_999), "{} of {total}", costs[0]);
        // …and every batch but the last carries at least the minimum.
        assert!(costs[..costs.len() - 1].iter().all(|&c| c >= MIN_BATCH_COST), "{costs:?}");
        assert!(costs.windows(2).all(|w| w[0] + cost(9_999) >= w[1]), "batches shrink: {costs:?}");
    }

    #[test]
    fn small_sweeps_and_huge_tasks() {
        assert!(batches(&[], 3).1.is_empty());
        // Tiny tasks: one batch holds them all.
        assert_eq!(batches(&[0, 1, 2, 3], 2).1, vec![0..4]);
        // Each huge task is a batch of its own; sizes near u64::MAX do not overflow.
        let (schedule, huge) = batches(&[u64::MAX, 5, u64::MAX - 1], 2);
        assert_eq!(schedule.tasks(), [(0, u64::MAX), (2, u64::MAX - 1), (1, 5)]);
        assert_eq!(huge[0], 0..1);
        assert_eq!(huge.last().unwrap().end, 3);
    }
}
