//! Speedup, efficiency, the Karp–Flatt serial fraction and an Amdahl fit.
//!
//! # Formula
//!
//! ```text
//! speedup     S(p) = T(1) / T(p)                 T = median time on p threads
//! efficiency  E(p) = S(p) / p
//! Karp–Flatt  e(p) = (1/S(p) − 1/p) / (1 − 1/p)   for p > 1: the measured serial fraction
//! Amdahl      T(p) / T(1) = s + (1 − s) / p       s fitted by least squares over 1 < p ≤ available cores
//! ```
//!
//! A Karp–Flatt fraction that grows with p means overhead grows with p
//! (scheduling, memory bandwidth, oversubscription); a steady one is the
//! code's own serial part.

use serde::{Deserialize, Serialize};

use crate::backend::parallel;
use crate::dispatch;
use crate::error::Result;
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::task::{self, Backend};
use crate::timing::{self, Machine, Timing};

/// One thread count's measurement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Threads (or processes).
    pub threads: usize,
    /// The repeated run times.
    pub timing: Timing,
    /// T(1) / T(p), from medians.
    pub speedup: f64,
    /// speedup / p.
    pub efficiency: f64,
    /// The Karp–Flatt serial fraction; `None` for p = 1.
    pub karp_flatt: Option<f64>,
    /// Whether p is more than the threads this process may run at once.
    pub oversubscribed: bool,
}

/// A scaling experiment: rows by thread count and the Amdahl fit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scaling {
    /// One row per thread count, in the order measured.
    pub rows: Vec<Row>,
    /// The serial fraction s of the Amdahl fit, in [0, 1].
    pub serial_fraction: f64,
    /// The machine it ran on.
    pub machine: Machine,
}

impl Scaling {
    /// The speedup Amdahl's law predicts at p threads, from the fitted s.
    pub fn amdahl(&self, p: f64) -> f64 {
        1.0 / (self.serial_fraction + (1.0 - self.serial_fraction) / p)
    }
}

/// Analyses timings by thread count, measured on `machine`. The base T(1) is
/// the row with one thread, or the first row if none has one.
///
/// The machine says how many threads this process could run at once: rows
/// with more threads are marked oversubscribed and left out of the Amdahl
/// fit. This is arithmetic only; pass [`Machine::current`] for timings made
/// here, or the machine they were made on.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use parlab::{scaling, timing::{Machine, Timing}};
/// let t = |ms| Timing { runs: vec![Duration::from_millis(ms)] };
/// let four_cores = Machine { available_parallelism: 4, ..Machine::current() };
/// let s = scaling::analyze(vec![(1, t(100)), (2, t(60)), (4, t(40)), (8, t(45))], four_cores);
/// assert!((s.rows[1].speedup - 100.0 / 60.0).abs() < 1e-12);
/// assert!((s.rows[2].efficiency - 0.625).abs() < 1e-12);
/// assert!(s.serial_fraction > 0.1 && s.serial_fraction < 0.3);
/// assert!(s.rows[3].oversubscribed && !s.rows[2].oversubscribed);
/// ```
pub fn analyze(timings: Vec<(usize, Timing)>, machine: Machine) -> Scaling {
    let available = machine.available_parallelism;
    let base = timings.iter().find(|(p, _)| *p == 1).or(timings.first()).map_or(0.0, |(_, t)| t.median().as_secs_f64());
    let rows: Vec<Row> = timings
        .into_iter()
        .map(|(threads, timing)| {
            let median = timing.median().as_secs_f64();
            let speedup = if median > 0.0 { base / median } else { f64::NAN };
            let p = threads as f64;
            let karp_flatt = (threads > 1).then(|| (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p));
            Row { threads, timing, speedup, efficiency: speedup / p, karp_flatt, oversubscribed: threads > available }
        })
        .collect();
    // Least squares for y = s + (1 − s)x with x = 1/p and y = 1/S: (y − x) = s(1 − x).
    let (mut num, mut den) = (0.0, 0.0);
    // Oversubscribed rows measure the scheduler, not the code: they stay out of the fit.
    for row in rows.iter().filter(|r| r.threads > 1 && !r.oversubscribed && r.speedup.is_finite()) {
        let x = 1.0 / row.threads as f64;
        let y = 1.0 / row.speedup;
        num += (y - x) * (1.0 - x);
        den += (1.0 - x) * (1.0 - x);
    }
    let serial_fraction = if den > 0.0 { (num / den).clamp(0.0, 1.0) } else { 0.0 };
    Scaling { rows, serial_fraction, machine }
}

/// Times a sweep on `backend`'s kind at each thread count, then analyses it
/// for the machine this runs on.
///
/// Pools are built before the clock starts; process workers are started
/// inside the timed region, because starting them is part of their cost.
pub fn measure(
    f: &dyn Integrand,
    setup: &Setup,
    sizes: &[u64],
    kind: &str,
    threads: &[usize],
    warmup: usize,
    repeats: usize,
) -> Result<Scaling> {
    task::check(setup, sizes)?;
    let mut timings = Vec::with_capacity(threads.len());
    for &p in threads {
        let backend = Backend::parse(kind, p)?;
        let timing = match backend {
            Backend::Rayon { threads } => {
                let pool = parallel::Pool::new(threads)?;
                // Any error shows on the untimed check run.
                parallel::sweep(f, setup, sizes, &pool)?;
                timing::measure(warmup, repeats, || parallel::sweep(f, setup, sizes, &pool))
            }
            other => {
                dispatch::run(f, setup, sizes, other)?;
                timing::measure(warmup, repeats, || dispatch::run(f, setup, sizes, other))
            }
        };
        timings.push((p, timing));
    }
    Ok(analyze(timings, Machine::current()))
}
