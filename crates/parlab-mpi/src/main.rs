//! `parlab-mpi`: one rank of a sweep or of a split estimate on MPI. parlab
//! starts it under `mpiexec`, one per rank, and writes the [`Order`] to its
//! standard input (the [`Work`], and the [`Build`] of the parlab that sent it,
//! which must be this binary's); rank 0 prints the [`Outcome`] as one JSON line.
//! With `--probe` it prints its own [`Build`] and exits, before MPI starts.
//!
//! The messages are the cpi pattern with a gather for the reduce: every rank
//! reads the same work (as `cpi.c` broadcasts n) and computes its share.
//! A sweep's ranks send their parts to rank 0 as bytes, which rank 0 merges
//! in size order. A split estimate's ranks send `f64`s: for the spacings
//! sampler first every block's spacing sum to every rank (an all-gather),
//! then every block's partial sums to rank 0, which adds them in block order.
//!
//! A panic prints one line naming the rank and aborts the whole MPI job, so
//! no other rank waits forever in a collective.

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use mpi::Count;
use mpi::datatype::PartitionMut;
use mpi::topology::SimpleCommunicator;
use mpi::traits::*;
use parlab_mpi::split::{self, SplitJob};
use parlab_mpi::{Build, Job, Order, Part, Stamp, Work, compute, merge};
use serde::Serialize;

/// Makes this rank panic before it computes: the tests' way to check that a
/// failing rank is named and nothing hangs.
const PANIC_RANK: &str = "PARLAB_MPI_PANIC_RANK";

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(parlab_mpi::PROBE) {
        print(&Build::this());
        return ExitCode::SUCCESS;
    }
    let Some(universe) = mpi::initialize() else {
        eprintln!("error: MPI was already initialised in this process");
        return ExitCode::from(2);
    };
    let world = universe.world();
    let rank = world.rank();
    std::panic::set_hook(Box::new(move |info| {
        let message = parlab::error::panic_message(info.payload());
        eprintln!("error: rank {rank} panicked: {message}");
        // mpiexec tears every rank's process down at the abort, the forwarders of their
        // output too: give this line time to reach mpiexec's stderr first.
        std::thread::sleep(std::time::Duration::from_secs(1));
        // scope: the hook owns a copy of the world handle; aborting ends every rank.
        SimpleCommunicator::world().abort(3);
    }));
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        panic!("cannot read the work on stdin: {e}");
    }
    // The build first: an order from another build may not read as this build's work.
    let stamp: Stamp = serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad work on stdin: {e}"));
    let this = Build::this();
    if stamp.build.as_ref() != Some(&this) {
        // Every rank reads the same order and stops here: no rank waits for another.
        let sent = stamp.build.map_or("an older build, which does not print its build".into(), |b| {
            format!("{} build {}", b.version, b.id)
        });
        let binary = std::env::current_exe().map_or("parlab-mpi".into(), |p| p.display().to_string());
        eprintln!(
            "error: rank {rank}: the rank binary {binary} (build {}) is from another build than the parlab that \
             started it ({sent}): rebuild it with `{}` (add --release for a release parlab)",
            this.id,
            parlab_mpi::REBUILD
        );
        return ExitCode::from(2);
    }
    let Order { work, .. } = serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad work on stdin: {e}"));
    if std::env::var(PANIC_RANK).ok().and_then(|r| r.parse::<i32>().ok()) == Some(rank) {
        panic!("{PANIC_RANK} asked rank {rank} to fail");
    }
    match work {
        Work::Sweep(job) => sweep(&world, &job),
        Work::Split(job) => estimate(&world, &job),
    }
    ExitCode::SUCCESS
}

/// One rank of a sweep: its sizes, then its part gathered to rank 0 as bytes.
fn sweep(world: &SimpleCommunicator, job: &Job) {
    let (rank, ranks) = (world.rank() as usize, world.size() as usize);
    // Start every rank's clock together, so the timelines line up.
    world.barrier();
    let t0 = Instant::now();
    let part = compute(job, rank, ranks, t0);
    let bytes = serde_json::to_vec(&part).expect("a part serializes");
    if let Some((all, counts)) = gather(world, &bytes[..]) {
        let mut at = 0;
        let parts: Vec<Part> = counts
            .iter()
            .map(|&c| {
                let part = serde_json::from_slice(&all[at..at + c]).expect("a part parses");
                at += c;
                part
            })
            .collect();
        print(&(merge(job.sizes.len(), parts), t0.elapsed()));
    }
}

/// One rank of a split estimate: its blocks, the two passes' messages, and rank 0's combine.
fn estimate(world: &SimpleCommunicator, job: &SplitJob) {
    let (rank, ranks) = (world.rank() as usize, world.size() as usize);
    let f = job.recipe.build().unwrap_or_else(|e| panic!("cannot build the integrand: {e}"));
    let split = &job.split;
    world.barrier();
    let t0 = Instant::now();
    let offsets = split.two_pass().then(|| {
        let mine = split::spacing_sums(split, rank, ranks);
        // Every rank knows how many blocks each rank has: no counts need to be sent.
        let counts: Vec<Count> = split::counts(split, ranks).iter().map(|&c| c as Count).collect();
        let mut all = vec![0.0; counts.iter().map(|&c| c as usize).sum()];
        {
            let mut partition = PartitionMut::new(&mut all[..], &counts[..], displacements(&counts));
            world.all_gather_varcount_into(&mine[..], &mut partition);
        }
        split::offsets(split, ranks, &all)
    });
    let mine = split::partials(&f, split, offsets.as_ref(), rank, ranks);
    if let Some((all, _)) = gather(world, &mine[..]) {
        print(&(split::combine(split, ranks, &all), t0.elapsed()));
    }
}

/// Gathers every rank's `send` to rank 0, in rank order: rank 0 gets them
/// all with each rank's count, the others `None`.
fn gather<T: Equivalence + Copy + Default>(world: &SimpleCommunicator, send: &[T]) -> Option<(Vec<T>, Vec<usize>)> {
    let root = world.process_at_rank(0);
    let count = send.len() as Count;
    if world.rank() != 0 {
        root.gather_into(&count);
        root.gather_varcount_into(send);
        return None;
    }
    let mut counts = vec![0 as Count; world.size() as usize];
    root.gather_into_root(&count, &mut counts[..]);
    let mut all = vec![T::default(); counts.iter().map(|&c| c as usize).sum()];
    {
        let mut partition = PartitionMut::new(&mut all[..], &counts[..], displacements(&counts));
        root.gather_varcount_into_root(send, &mut partition);
    }
    Some((all, counts.iter().map(|&c| c as usize).collect()))
}

/// Where each rank's numbers start in a gathered buffer.
fn displacements(counts: &[Count]) -> Vec<Count> {
    counts
        .iter()
        .scan(0, |at, &c| {
            let start = *at;
            *at += c;
            Some(start)
        })
        .collect()
}

/// Rank 0's one line for parlab.
fn print(outcome: &impl Serialize) {
    println!("{}", serde_json::to_string(outcome).expect("an outcome serializes"));
}
