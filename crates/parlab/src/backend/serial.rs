//! The serial sweep: a plain loop, the lecture's `serial`.
//!
//! Its sibling [`crate::parallel::sweep`] has the same signature but for the
//! pool: put the two side by side to see the whole serial → parallel change.

use std::time::Instant;

use crate::error::Result;
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::task::runner;
use crate::task::{self, Backend, Sweep};

/// One estimate per size, one after the other, on the calling thread.
///
/// # Scope
///
/// `f` is borrowed (shared) for the call; the points are owned by the
/// returned [`Sweep`]. Each task's random stream is created and dropped
/// inside that task.
///
/// # Examples
///
/// ```
/// let setup = parlab::Setup::new(0.0, 1.0).unwrap().with_seed(7);
/// let sweep = parlab::serial::sweep(&|x: f64| 1.0 / (1.0 + x * x), &setup, &[0, 1, 1000]).unwrap();
/// assert_eq!(sweep.values()[..2], [0.0, 0.0]); // as in the lecture, n = 0 and 1 give 0
/// assert!((sweep.values()[2] - std::f64::consts::FRAC_PI_4).abs() < 0.01);
/// ```
pub fn sweep(f: &dyn Integrand, setup: &Setup, sizes: &[u64]) -> Result<Sweep> {
    task::check(setup, sizes)?;
    sweep_with(f, setup, sizes)
}

fn sweep_with<F: Integrand + ?Sized>(f: &F, setup: &Setup, sizes: &[u64]) -> Result<Sweep> {
    let t0 = Instant::now();
    let results: Vec<_> =
        sizes.iter().enumerate().map(|(index, &n)| runner::timed_task(f, setup, index, n, 0, t0)).collect();
    runner::assemble(setup, Backend::Serial, results, t0.elapsed())
}
