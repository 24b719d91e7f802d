//! `parlab bench`: the sweep timed on each backend and thread count, and how it scales.
//!
//! Timing is the library's harness ([`parlab::scaling::measure`]): warm-up,
//! repeats, median/min/max, pools built before the clock. Speedup,
//! efficiency and Karp–Flatt are relative to the same backend on one thread;
//! "vs serial" is relative to the plain loop.

use std::fmt::Write as _;

use anyhow::Result;
use parlab::scaling::{self, Scaling};
use parlab::timing::{Machine, Timing};
use parlab::{Integrand, Setup, sweep};
use serde::Serialize;

use crate::cli::BenchArgs;
use crate::format;
use crate::input::Job;
use crate::progress;
use crate::system::Load;

/// The default sweep: n = 0..2999, about 4.5 million points in all.
const DEFAULT_SAMPLES: u64 = 3000;

#[derive(Serialize)]
struct Report {
    machine: Machine,
    integrand: String,
    formula: String,
    from: f64,
    to: f64,
    rule: parlab::Rule,
    sampler: parlab::Sampler,
    seed: u64,
    sizes: usize,
    points: f64,
    warmup: usize,
    repeats: usize,
    /// The 1-minute load average before and after the measurements.
    load: Load,
    backends: Vec<BackendScaling>,
}

#[derive(Serialize)]
struct BackendScaling {
    backend: String,
    scaling: Scaling,
}

pub fn run(args: &BenchArgs) -> Result<String> {
    let job = Job::from_problem(&args.problem)?;
    let setup = job.setup;
    let sizes = sweep::accepted_below(setup.rule(), args.samples.unwrap_or(DEFAULT_SAMPLES));
    sweep::check(&setup, &sizes)?;
    let machine = Machine::current();
    let threads = thread_counts(args.threads.as_deref(), machine.available_parallelism)?;

    let mut plan: Vec<(String, Vec<usize>)> = Vec::new();
    for kind in &args.backends {
        if plan.iter().any(|(k, _)| k == kind) {
            continue;
        }
        let counts = if kind == "serial" { vec![1] } else { threads.clone() };
        plan.push((kind.clone(), counts));
    }
    let load = Load::start();
    let total: usize = plan.iter().map(|(_, c)| c.len()).sum();
    let bar = progress::wanted(args.progress, true).then(|| progress::bar(total as u64, "bench", "measurements"));
    let mut backends = Vec::new();
    for (kind, counts) in &plan {
        let mut timings = Vec::new();
        for &p in counts {
            if let Some(bar) = &bar {
                bar.set_message(format!("{kind} on {p}"));
            }
            let timing = time_one(job.source.integrand(), &setup, &sizes, kind, p, args.warmup, args.repeats);
            let timing = match timing {
                Ok(t) => t,
                Err(e) => {
                    if let Some(bar) = &bar {
                        bar.finish_and_clear();
                    }
                    return Err(e.into());
                }
            };
            timings.push((p, timing));
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        }
        backends.push(BackendScaling { backend: kind.clone(), scaling: scaling::analyze(timings, machine.clone()) });
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let report = Report {
        machine,
        integrand: job.source.name().to_string(),
        formula: job.source.formula().to_string(),
        from: setup.a(),
        to: setup.b(),
        rule: setup.rule(),
        sampler: setup.sampler(),
        seed: setup.seed(),
        sizes: sizes.len(),
        points: sizes.iter().map(|&n| n as f64).sum(),
        warmup: args.warmup,
        repeats: args.repeats,
        load: load.finish(),
        backends,
    };
    if args.json {
        return Ok(serde_json::to_string(&report)? + "\n");
    }
    Ok(table(&report, args.markdown))
}

/// One thread count on one backend, with the library's harness.
fn time_one(
    f: &dyn Integrand,
    setup: &Setup,
    sizes: &[u64],
    kind: &str,
    p: usize,
    warmup: usize,
    repeats: usize,
) -> parlab::Result<Timing> {
    let mut scaling = scaling::measure(f, setup, sizes, kind, &[p], warmup, repeats)?;
    Ok(scaling.rows.remove(0).timing)
}

/// The thread counts to time: as given (1 is added, as the base of the
/// speedup), or 1, 2, 4, … up to the threads available, and that number.
fn thread_counts(given: Option<&[usize]>, available: usize) -> Result<Vec<usize>> {
    let mut counts = match given {
        Some(list) => {
            if list.contains(&0) {
                return Err(parlab::Error::ZeroThreads.into());
            }
            list.to_vec()
        }
        None => {
            let mut v: Vec<usize> =
                std::iter::successors(Some(1usize), |&p| p.checked_mul(2)).take_while(|&p| p <= available).collect();
            v.push(available);
            v
        }
    };
    counts.push(1);
    counts.sort_unstable();
    counts.dedup();
    Ok(counts)
}

fn table(r: &Report, markdown: bool) -> String {
    let mut out = String::new();
    let serial =
        r.backends.iter().find(|b| b.backend == "serial").map(|b| b.scaling.rows[0].timing.median().as_secs_f64());
    let item = if markdown { "- " } else { "" };
    let _ = writeln!(out, "{item}machine: {}", r.machine);
    let _ = writeln!(out, "{item}{}", r.load.describe(r.machine.available_parallelism));
    let _ = writeln!(
        out,
        "{item}work: the {} rule on {} over [{}, {}], sampler {}, seed {}: {} sizes, {:.3e} points in all; warm-up {}, {} timed runs each",
        r.rule, r.formula, r.from, r.to, r.sampler, r.seed, r.sizes, r.points, r.warmup, r.repeats
    );
    let _ = writeln!(out);
    let header =
        ["backend", "threads", "median", "min", "max", "spread", "speedup", "vs serial", "efficiency", "karp-flatt"];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut notes = Vec::new();
    for b in &r.backends {
        for row in &b.scaling.rows {
            let median = row.timing.median().as_secs_f64();
            let mut cells =
                vec![b.backend.clone(), format!("{}{}", row.threads, if row.oversubscribed { " (!)" } else { "" })];
            cells.extend(format::timing_cells(&row.timing));
            cells.extend([
                format!("{:.2}x", row.speedup),
                serial.map_or("-".into(), |s| format!("{:.2}x", s / median)),
                format!("{:.0}%", 100.0 * row.efficiency),
                row.karp_flatt.map_or("-".into(), |e| format!("{e:.3}")),
            ]);
            rows.push(cells);
            if row.oversubscribed {
                notes.push(format!(
                    "warning: {}({}) runs more threads than the {} this process may use: they take turns on the cores, so more of them cannot add speed (any gain comes from elsewhere, such as smaller blocks)",
                    b.backend, row.threads, r.machine.available_parallelism
                ));
            }
        }
        if b.scaling.rows.iter().any(|row| row.threads > 1) {
            let s = &b.scaling;
            let p = r.machine.available_parallelism.max(2) as f64;
            notes.push(format!(
                "amdahl fit for {}: serial fraction s = {:.3}, predicting {:.2}x on {} threads and at most {}",
                b.backend,
                s.serial_fraction,
                s.amdahl(p),
                p,
                if s.serial_fraction > 0.0 { format!("{:.1}x", 1.0 / s.serial_fraction) } else { "unbounded".into() }
            ));
        }
    }
    out.push_str(&format::table(&header, 1, &rows, markdown));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "speedup, efficiency and karp-flatt are against the same backend on 1 thread; vs serial is against the plain loop"
    );
    for note in notes {
        let _ = writeln!(out, "{note}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_always_start_at_one() {
        assert_eq!(thread_counts(None, 2).unwrap(), vec![1, 2]);
        assert_eq!(thread_counts(None, 6).unwrap(), vec![1, 2, 4, 6]);
        assert_eq!(thread_counts(Some(&[4, 2]), 2).unwrap(), vec![1, 2, 4]);
        assert!(thread_counts(Some(&[0]), 2).is_err());
    }
}
