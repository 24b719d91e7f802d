//! The cost per sample of one lecture-rule estimate, against drawing the same
//! random numbers alone: how close the kernel runs to its random number generator.

use anyhow::{Result, bail};
use parlab::timing::{self, Timing};
use parlab::{Integrand, Sampler, Setup, stream};
use serde::Serialize;

use crate::format;

/// One sampler's cost per sample.
#[derive(Serialize)]
pub struct PerSample {
    /// The sampler of sorted uniforms.
    pub sampler: Sampler,
    /// The n of the estimate.
    pub n: u64,
    /// One estimate at n.
    pub estimate: Timing,
    /// Drawing its random numbers alone.
    pub generate: Timing,
    /// What the sampler draws.
    pub drawn: &'static str,
    /// The estimate's median, per sample.
    pub estimate_ns_per_sample: f64,
    /// Drawing's median, per sample.
    pub generate_ns_per_sample: f64,
    /// estimate / drawing.
    pub ratio: f64,
}

/// One estimate of `f` at `n` with each sampler, against drawing its random numbers alone.
pub fn measure(f: &dyn Integrand, setup: &Setup, n: u64, warmup: usize, repeats: usize) -> Result<Vec<PerSample>> {
    if n == 0 {
        bail!("--points must be at least 1: it is the n of the estimate timed per sample");
    }
    let seed = setup.seed();
    let mut out = Vec::new();
    for sampler in Sampler::ALL {
        let setup = setup.with_sampler(sampler);
        setup.estimate(f, n)?;
        let estimate = timing::measure(warmup, repeats, || setup.estimate(f, n));
        let (drawn, generate) = match sampler {
            Sampler::Spacings => {
                ("n + 1 exponentials", timing::measure(warmup, repeats, || draw_exponentials(seed, n)))
            }
            Sampler::Bucket | Sampler::Sort => {
                ("n uniforms", timing::measure(warmup, repeats, || draw(seed, n, n, |s| s.uniform())))
            }
        };
        let per = |t: &Timing| t.median().as_secs_f64() * 1e9 / n as f64;
        let (e, g) = (per(&estimate), per(&generate));
        out.push(PerSample {
            sampler,
            n,
            drawn,
            estimate_ns_per_sample: e,
            generate_ns_per_sample: g,
            ratio: e / g,
            estimate,
            generate,
        });
    }
    Ok(out)
}

/// Draws the n + 1 exponentials the spacings sampler draws for an estimate at `n`.
pub fn draw_exponentials(seed: u64, n: u64) -> f64 {
    {
        let mut sums = stream::stream(seed, n).spacing_sums();
        sums.skip(n + 1)
    }
}

/// Draws `count` numbers from the stream an estimate for `n` would use, and
/// sums them in four lanes (so the sum is not one long chain of additions).
fn draw(seed: u64, n: u64, count: u64, mut next: impl FnMut(&mut stream::Stream) -> f64) -> f64 {
    let mut s = stream::stream(seed, n);
    let mut lanes = [0.0; 4];
    for i in 0..count {
        lanes[(i % 4) as usize] += next(&mut s);
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The per-sample rows as a table.
pub fn table(rows: &[PerSample], markdown: bool) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|p| {
            vec![
                p.sampler.to_string(),
                format!("{:.2} ns", p.estimate_ns_per_sample),
                format!("{:.2} ns", p.generate_ns_per_sample),
                p.drawn.to_string(),
                format::ratio(p.ratio),
            ]
        })
        .collect();
    format::table(&["sampler", "estimate / sample", "drawing alone / sample", "drawn", "ratio"], 1, &cells, markdown)
}
