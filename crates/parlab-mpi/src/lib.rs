//! The sweep, and one split estimate, on MPI: what each rank computes, and how rank 0 puts the parts together.
//!
//! MPICH's `cpi.c` splits its loop the same way: rank r of k takes the
//! iterations `i = r, r + k, r + 2k, ...`, computes them on its own, and rank
//! 0 collects what the others found. Here an iteration is one size of the
//! sweep, and every size's estimate draws from the stream seeded by
//! `(seed, n)`, so which rank computes it changes nothing in its bits.
//!
//! | item | what it is |
//! |---|---|
//! | [`Job`] | what every rank reads: the integrand as text ([`Recipe`]), the setup, the sizes |
//! | [`share`] | which sizes rank r of k computes |
//! | [`compute`] | one rank's [`Part`]: its points and its timeline, with itself as the worker |
//! | [`merge`] | rank 0's view: the parts back in size order, or the first error with its rank |
//! | [`split`] | one estimate on k ranks: block b on rank b mod k, the sums back in block order |
//! | [`Work`] | what the rank binary reads: a sweep or a split estimate |
//! | [`Order`], [`Build`] | the work as sent, with the build of the parlab that sent it, which the rank binary checks first |
//!
//! This library has no MPI in it: the messages (a barrier, a gather of each
//! rank's part as bytes) live in the rank binary, `parlab-mpi`, built with
//! `--features mpi`. Nothing here links libmpich, so the tests of the split
//! and the merge run on any machine.

use std::time::Instant;

use parlab::sweep::{Point, Task};
use parlab::{Recipe, Setup};
use serde::{Deserialize, Serialize};

pub mod split;

pub use split::SplitJob;

/// The argument that makes the rank binary print its [`Build`] and exit at
/// once, before MPI starts: if it runs, the MPI library loads.
pub const PROBE: &str = "--probe";

/// The command that builds the rank binary next to a debug `parlab`.
pub const REBUILD: &str = "cargo build -p parlab-mpi --features mpi";

/// Which build of this library a program holds: parlab and the rank binary must hold the same.
///
/// The id is a hash of this crate's sources and parlab's, taken when the
/// library was compiled (`build.rs`). A rank binary from an older build
/// would misread the job, or compute with other code and so other bits:
/// parlab checks the build the rank binary prints on [`PROBE`], and the rank
/// binary checks the one in every [`Order`] it reads.
///
/// ```
/// let this = parlab_mpi::Build::this();
/// assert_eq!(this.id.len(), 16);
/// assert!(this.check(Some(&this)).is_ok());
/// let other = parlab_mpi::Build { id: "0".repeat(16), ..this.clone() };
/// assert!(this.check(Some(&other)).unwrap_err().contains("from another build"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Build {
    /// The crate's version.
    pub version: String,
    /// The hash of the sources, 16 hex digits.
    pub id: String,
}

impl Build {
    /// The build this program was compiled from.
    pub fn this() -> Build {
        Build { version: env!("CARGO_PKG_VERSION").to_string(), id: env!("PARLAB_MPI_BUILD").to_string() }
    }

    /// parlab's check of the rank binary's build, `theirs` (none: a binary
    /// too old to print one); the error is the end of a sentence about the
    /// rank binary: "is from another build (…) than this parlab (…): rebuild it with `…`".
    pub fn check(&self, theirs: Option<&Build>) -> Result<(), String> {
        let theirs = match theirs {
            Some(theirs) if theirs == self => return Ok(()),
            Some(theirs) => format!("{} build {}", theirs.version, theirs.id),
            None => "an older build, which does not print its build".to_string(),
        };
        Err(format!(
            "is from another build ({theirs}) than this parlab ({} build {}): rebuild it with `{REBUILD}` \
             (add --release for a release parlab)",
            self.version, self.id
        ))
    }
}

/// What parlab writes to the rank binary's standard input: its build, and the work.
///
/// The build comes first and is read first, so a rank binary of another
/// build says so instead of failing on work it cannot read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Order {
    /// The build of the parlab that sent it.
    pub build: Build,
    /// The work, the same on every rank.
    pub work: Work,
}

/// The first thing the rank binary reads of an [`Order`]: only its build,
/// which any order from any build can be read as (an order from before
/// builds were sent has none).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Stamp {
    /// The build of the parlab that sent it, if it said.
    pub build: Option<Build>,
}

/// What every rank reads on its standard input: the same job for all.
///
/// # Scope
///
/// The integrand crosses to the ranks as text and each rank owns the one it
/// rebuilds: ranks share no memory, so nothing is borrowed across them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// The integrand, by catalogue name or expression text.
    pub recipe: Recipe,
    /// The interval, rule, sampler and seed.
    pub setup: Setup,
    /// The sizes of the sweep, in order.
    pub sizes: Vec<u64>,
}

/// What the rank binary reads on its standard input, the same on every rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    /// A sweep: whole estimates shared out by size.
    Sweep(Job),
    /// One estimate: its blocks shared out.
    Split(SplitJob),
}

/// One task's outcome as a rank sends it: its point or the error's text, and when it ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Done {
    /// The point, or the task's error as text.
    pub point: Result<Point, String>,
    /// Its index in the sweep, its size, its rank (the worker) and its times from the start.
    pub task: Task,
}

/// What one rank sends to rank 0: its tasks in the order it ran them.
///
/// A rank stops at its first error: rank 0 reports only one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// The rank that computed it.
    pub rank: usize,
    /// Its tasks; the last is the rank's error, if it had one.
    pub done: Vec<Done>,
}

/// The whole sweep as rank 0 merged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Merged {
    /// How many ranks computed it.
    pub ranks: usize,
    /// One point per size, in the order of the sizes.
    pub points: Vec<Point>,
    /// One record per size, in the same order; `worker` is the rank.
    pub tasks: Vec<Task>,
}

/// What rank 0 prints for parlab: what it merged (a [`Merged`] sweep, or
/// an [`Estimate`](parlab::Estimate)), or the first error and the rank it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome<T> {
    /// Every size, or every block, computed.
    Merged(T),
    /// The first error: of the first failed size in size order, or of the first failed block.
    Failed {
        /// The rank that computed that size.
        rank: usize,
        /// The error's text.
        message: String,
    },
}

/// The indices of the sizes rank `rank` of `ranks` computes: `rank, rank + ranks, ...` below `len`.
///
/// Round robin, as `cpi.c` splits its loop: a sweep's sizes grow, so every
/// rank gets small and large ones alike.
///
/// # Panics
///
/// If `ranks` is 0 (an MPI world has at least one rank).
///
/// ```
/// assert_eq!(parlab_mpi::share(7, 1, 3).collect::<Vec<_>>(), [1, 4]);
/// assert_eq!(parlab_mpi::share(2, 3, 4).count(), 0);
/// ```
pub fn share(len: usize, rank: usize, ranks: usize) -> impl Iterator<Item = usize> {
    assert!(ranks > 0, "an MPI world has at least one rank");
    (rank..len).step_by(ranks)
}

/// Computes rank `rank`'s share of `job`, timing each task from `t0`.
///
/// Each task runs through [`parlab::serial::sweep`] on its one size, so a
/// rank computes exactly what the serial backend computes for that size.
/// An integrand that cannot be rebuilt fails the rank's first task.
pub fn compute(job: &Job, rank: usize, ranks: usize, t0: Instant) -> Part {
    let mut done = Vec::new();
    let f = match job.recipe.build() {
        Ok(f) => f,
        Err(e) => {
            let (index, n) = share(job.sizes.len(), rank, ranks).next().map_or((0, 0), |i| (i, job.sizes[i]));
            let task = Task { index, n, worker: rank, start: t0.elapsed(), end: t0.elapsed() };
            return Part { rank, done: vec![Done { point: Err(e.to_string()), task }] };
        }
    };
    for index in share(job.sizes.len(), rank, ranks) {
        let n = job.sizes[index];
        let start = t0.elapsed();
        let point = parlab::serial::sweep(&f, &job.setup, &[n]).map(|s| s.points[0]).map_err(|e| e.to_string());
        let failed = point.is_err();
        done.push(Done { point, task: Task { index, n, worker: rank, start, end: t0.elapsed() } });
        if failed {
            break;
        }
    }
    Part { rank, done }
}

/// Rank 0's merge: every size's point in size order, or the first error in size order with its rank.
///
/// `len` is the number of sizes; a size no part holds (a rank that stopped
/// early sends fewer) is reported only when no error explains it.
pub fn merge(len: usize, parts: Vec<Part>) -> Outcome<Merged> {
    let ranks = parts.len();
    let mut slots: Vec<Option<(usize, Done)>> = vec![None; len];
    for part in parts {
        for done in part.done {
            if let Some(slot) = slots.get_mut(done.task.index) {
                *slot = Some((part.rank, done));
            }
        }
    }
    let mut points = Vec::with_capacity(len);
    let mut tasks = Vec::with_capacity(len);
    let mut missing = None;
    for (index, slot) in slots.into_iter().enumerate() {
        match slot {
            Some((_, Done { point: Ok(point), task })) => {
                points.push(point);
                tasks.push(task);
            }
            Some((rank, Done { point: Err(message), .. })) => return Outcome::Failed { rank, message },
            None => missing = missing.or(Some(index)),
        }
    }
    match missing {
        Some(index) => Outcome::Failed {
            rank: index % ranks.max(1),
            message: format!("no result for size number {index}: the rank sent fewer results than it was given"),
        },
        None => Outcome::Merged(Merged { ranks, points, tasks }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlab::Rule;

    fn job(rule: Rule, sizes: Vec<u64>) -> Job {
        let setup = Setup::new(0.0, 2.0).unwrap().with_rule(rule).with_seed(11);
        Job { recipe: Recipe::Catalogue("lecture".into()), setup, sizes }
    }

    #[test]
    fn an_order_is_read_build_first_and_an_old_one_has_none() {
        let work = Work::Sweep(job(Rule::Midpoint, vec![1, 2]));
        let text = serde_json::to_string(&Order { build: Build::this(), work: work.clone() }).unwrap();
        assert!(text.starts_with(r#"{"build":{"version":"#), "{text}");
        let stamp: Stamp = serde_json::from_str(&text).unwrap();
        assert_eq!(stamp.build, Some(Build::this()));
        assert_eq!(serde_json::from_str::<Order>(&text).unwrap().work, work);
        // What parlab wrote before builds were sent: the bare work.
        let old: Stamp = serde_json::from_str(&serde_json::to_string(&work).unwrap()).unwrap();
        assert_eq!(old.build, None);
        let refused = Build::this().check(None).unwrap_err();
        assert!(
            refused.starts_with("is from another build (an older build, which does not print its build)"),
            "{refused}"
        );
        assert!(refused.contains("rebuild it with `cargo build -p parlab-mpi --features mpi`"), "{refused}");
        let older = Build { version: "0.0.9".into(), ..Build::this() };
        assert!(Build::this().check(Some(&older)).unwrap_err().contains("(0.0.9 build "));
    }

    #[test]
    fn shares_cover_every_size_once() {
        for ranks in 1..=5 {
            for len in 0..12 {
                let mut all: Vec<usize> = (0..ranks).flat_map(|r| share(len, r, ranks)).collect();
                all.sort_unstable();
                assert_eq!(all, (0..len).collect::<Vec<_>>(), "len {len}, {ranks} ranks");
            }
        }
    }

    #[test]
    fn merged_parts_have_the_serial_bits_for_any_rank_count() {
        for rule in [Rule::Lecture, Rule::MonteCarlo, Rule::Simpson] {
            let job = job(rule, parlab::sweep::accepted_below(rule, 300));
            let f = job.recipe.build().unwrap();
            let serial = parlab::serial::sweep(&f, &job.setup, &job.sizes).unwrap();
            for ranks in 1..=4 {
                let t0 = Instant::now();
                let parts = (0..ranks).map(|r| compute(&job, r, ranks, t0)).collect();
                let Outcome::Merged(merged) = merge(job.sizes.len(), parts) else { panic!("{rule} failed") };
                assert_eq!(merged.ranks, ranks);
                let bits = |p: &[Point]| p.iter().map(|p| (p.n, p.value.to_bits())).collect::<Vec<_>>();
                assert_eq!(bits(&merged.points), bits(&serial.points), "{rule} on {ranks} ranks");
                for (i, task) in merged.tasks.iter().enumerate() {
                    assert_eq!((task.index, task.worker), (i, i % ranks));
                }
            }
        }
    }

    #[test]
    fn the_first_error_in_size_order_names_its_rank() {
        // Simpson takes only even n: the odd sizes at indices 3 (rank 1 of 2) and 4 (rank 0) fail.
        let job = job(Rule::Simpson, vec![2, 4, 6, 7, 9, 10]);
        let t0 = Instant::now();
        let parts: Vec<Part> = (0..2).map(|r| compute(&job, r, 2, t0)).collect();
        assert_eq!(parts[1].done.len(), 2, "rank 1 stops at its first error");
        match merge(job.sizes.len(), parts) {
            Outcome::Failed { rank, message } => assert_eq!((rank, message.contains('7')), (1, true), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_result_is_an_error() {
        let job = job(Rule::Midpoint, vec![1, 2, 3]);
        let t0 = Instant::now();
        let parts = vec![compute(&job, 0, 2, t0), Part { rank: 1, done: Vec::new() }];
        assert!(matches!(merge(3, parts), Outcome::Failed { rank: 1, .. }));
    }
}
