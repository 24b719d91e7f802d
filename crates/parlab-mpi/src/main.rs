//! `parlab-mpi`: one rank of the sweep on MPI. `parlab sweep --backend mpi`
//! starts it under `mpiexec`, one per rank, and writes the [`Job`] to its
//! standard input; rank 0 prints the [`Outcome`] as one JSON line.
//!
//! The messages are the cpi pattern with a gather for the reduce: every rank
//! reads the same job (as `cpi.c` broadcasts n), computes its share, and
//! sends its part to rank 0 as bytes, which rank 0 merges in size order.
//!
//! A panic prints one line naming the rank and aborts the whole MPI job, so
//! no other rank waits forever in the gather.

use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use mpi::Count;
use mpi::datatype::PartitionMut;
use mpi::traits::*;
use parlab_mpi::{Job, Outcome, Part, compute, merge};

/// Makes this rank panic before it computes: the tests' way to check that a
/// failing rank is named and nothing hangs.
const PANIC_RANK: &str = "PARLAB_MPI_PANIC_RANK";

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some(parlab_mpi::PROBE) {
        return ExitCode::SUCCESS;
    }
    let Some(universe) = mpi::initialize() else {
        eprintln!("error: MPI was already initialised in this process");
        return ExitCode::from(2);
    };
    let world = universe.world();
    let (rank, ranks) = (world.rank(), world.size());
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        eprintln!("error: rank {rank} panicked: {message}");
        // mpiexec tears every rank's process down at the abort, the forwarders of their
        // output too: give this line time to reach mpiexec's stderr first.
        std::thread::sleep(std::time::Duration::from_secs(1));
        // scope: the hook owns a copy of the world handle; aborting ends every rank.
        mpi::topology::SimpleCommunicator::world().abort(3);
    }));
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        panic!("cannot read the job on stdin: {e}");
    }
    let job: Job = serde_json::from_str(&text).unwrap_or_else(|e| panic!("bad job on stdin: {e}"));
    if std::env::var(PANIC_RANK).ok().and_then(|r| r.parse::<i32>().ok()) == Some(rank) {
        panic!("{PANIC_RANK} asked rank {rank} to fail");
    }

    // Start every rank's clock together, so the timelines line up.
    world.barrier();
    let t0 = Instant::now();
    let part = compute(&job, rank as usize, ranks as usize, t0);
    let bytes = serde_json::to_vec(&part).expect("a part serializes");

    let root = world.process_at_rank(0);
    let count = bytes.len() as Count;
    if rank != 0 {
        root.gather_into(&count);
        root.gather_varcount_into(&bytes[..]);
        return ExitCode::SUCCESS;
    }
    let mut counts = vec![0 as Count; ranks as usize];
    root.gather_into_root(&count, &mut counts[..]);
    let displs: Vec<Count> = counts
        .iter()
        .scan(0, |acc, &c| {
            let at = *acc;
            *acc += c;
            Some(at)
        })
        .collect();
    let mut all = vec![0u8; counts.iter().map(|&c| c as usize).sum()];
    {
        let mut partition = PartitionMut::new(&mut all[..], &counts[..], &displs[..]);
        root.gather_varcount_into_root(&bytes[..], &mut partition);
    }
    let parts: Vec<Part> = counts
        .iter()
        .zip(&displs)
        .map(|(&c, &d)| serde_json::from_slice(&all[d as usize..(d + c) as usize]).expect("a part parses"))
        .collect();
    let outcome: Outcome = merge(job.sizes.len(), parts);
    let line = serde_json::to_string(&(outcome, t0.elapsed())).expect("an outcome serializes");
    println!("{line}");
    ExitCode::SUCCESS
}
