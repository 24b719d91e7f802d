//! `parlab bench`: three benchmarks, chosen by option.
//!
//! - without options: the sweep on each backend and thread count, and how it
//!   scales ([`scaling`]);
//! - `--against-lecture` (and its `--per-sample` part): the lecture's numpy
//!   code against parlab on the lecture's sweep ([`lecture`]);
//! - `--students`: a student's own `fn`, a `--fn` expression and the process
//!   backend, next to the catalogue's `lecture` on the same sweep ([`students`]).
//!
//! Below the reports: the plan that interleaves measurements ([`plan`]), the
//! lecture's workload ([`workload`]), the cost per sample ([`per_sample`])
//! and the peak memory of a large estimate ([`peak_memory`]).

mod lecture;
mod peak_memory;
mod per_sample;
mod plan;
mod scaling;
mod students;
mod workload;

use anyhow::Result;

use crate::cli::BenchArgs;

pub fn run(args: &BenchArgs) -> Result<String> {
    if args.students {
        students::run(args)
    } else if args.against_lecture || args.per_sample {
        lecture::run(args)
    } else {
        scaling::run(args)
    }
}
