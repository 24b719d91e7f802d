//! The lecture's sweep as the benchmarks run it: its size, its setup, and
//! the `parlab sweep` command that runs it from the shell.
//!
//! The lecture times `serial(10000, f, 0, 1)` and `multiprocess(2, 10000, f, 0, 1)`:
//! the lecture rule for n = 0, 1, …, 9999 on 1/(1+x²) over [0, 1].

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use parlab::catalogue::{self, Entry};
use parlab::{Rule, Sampler, Setup};

use crate::cli::BenchArgs;

/// The lecture's N: `serial(10000, f, 0, 1)`.
pub const LECTURE_SAMPLES: u64 = 10_000;
/// The lecture's `multiprocess(2, ...)`.
pub const LECTURE_PROCESSES: usize = 2;

/// The lecture's work: its catalogue integrand, and the lecture rule on the
/// entry's interval with the spacings sampler and the seed given.
pub struct Lecture {
    /// The catalogue's `lecture` entry, 1/(1+x²) on [0, 1].
    pub entry: &'static Entry,
    /// The setup every parlab measurement uses (another sampler where a row says so).
    pub setup: Setup,
    /// The N of the sweep: sizes n = 0..N−1.
    pub samples: u64,
    /// The parlab binary, for the rows that time whole commands.
    pub exe: PathBuf,
}

impl Lecture {
    /// The lecture's work, sized by `--samples` (default N = 10000), after
    /// refusing options that would time other work (`what` names the benchmark).
    pub fn from_args(args: &BenchArgs, what: &str) -> Result<Lecture> {
        let p = &args.problem;
        let other_integrand = p.expr.is_some() || p.integrand.as_deref().is_some_and(|n| n.trim() != "lecture");
        if other_integrand
            || p.from.is_some()
            || p.to.is_some()
            || p.rule != Rule::Lecture
            || p.sampler != Sampler::Spacings
        {
            bail!(
                "{what} times the lecture's own work (1/(1+x^2) on [0, 1], rule lecture, every sampler): drop --fn, --integrand, --from, --to, --rule and --sampler, or use `parlab bench` without {}",
                if args.students { "--students" } else { "--against-lecture" }
            );
        }
        let entry = catalogue::get("lecture")?;
        let setup =
            Setup::new(entry.a, entry.b)?.with_rule(Rule::Lecture).with_sampler(Sampler::Spacings).with_seed(p.seed);
        let exe = std::env::current_exe().context("cannot find the parlab binary to time the command")?;
        Ok(Lecture { entry, setup, samples: args.samples.unwrap_or(LECTURE_SAMPLES), exe })
    }

    /// The sizes of the sweep: n = 0..N−1, as the lecture's `range(samples)`.
    pub fn sizes(&self) -> Vec<u64> {
        parlab::sweep::below(self.samples)
    }

    /// The words of `parlab sweep` on this work: the lecture rule, the
    /// integrand as `integrand` gives it (`--integrand lecture`, `--fn EXPR`),
    /// on `backend` with `threads`.
    pub fn command(&self, integrand: &[&str], backend: &str, threads: usize) -> Vec<String> {
        let mut words: Vec<String> = vec!["sweep".into()];
        words.extend(integrand.iter().map(|w| w.to_string()));
        let (samples, threads, seed) = (self.samples.to_string(), threads.to_string(), self.setup.seed().to_string());
        let rest = [
            "--rule",
            "lecture",
            "--samples",
            &samples,
            "--backend",
            backend,
            "--threads",
            &threads,
            "--seed",
            &seed,
            "--progress",
            "never",
        ];
        words.extend(rest.iter().map(|w| w.to_string()));
        words
    }
}
