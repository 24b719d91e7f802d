//! Draws one chart of each kind into a folder, to look at them.
//!
//! ```text
//! cargo run -p parlab-viz --example gallery -- target/gallery
//! ```

use std::f64::consts::FRAC_PI_4;

use parlab::{Rule, Sampler, Setup, parallel, scaling, serial, sweep};
use parlab_viz::Series;

fn f(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/gallery".into()));
    let setup = Setup::new(0.0, 1.0)?.with_seed(7);
    let sizes = sweep::doubling(2, 1 << 16);
    let rules = [Rule::MonteCarlo, Rule::Partition, Rule::Midpoint, Rule::Simpson];
    let sweeps: Vec<_> =
        rules.iter().map(|&r| serial::sweep(&f, &setup.with_rule(r), &sizes)).collect::<Result<_, _>>()?;
    let sort = serial::sweep(&f, &setup.with_rule(Rule::Partition).with_sampler(Sampler::Sort), &sizes)?;
    let mut refs: Vec<_> = sweeps.iter().collect();
    refs.push(&sort);
    parlab_viz::error_chart(&refs, FRAC_PI_4).save(out.join("error.svg"))?;
    parlab_viz::error_chart(&[&sweeps[2]], FRAC_PI_4).save(out.join("error_one.svg"))?;

    let lecture = serial::sweep(&f, &setup, &sweep::below(2000))?;
    parlab_viz::estimate_chart(&lecture, Some(FRAC_PI_4)).save(out.join("estimate.svg"))?;
    parlab_viz::estimate_chart(&sweeps[2], Some(FRAC_PI_4)).save(out.join("estimate_log.svg"))?;
    parlab_viz::estimate_chart(&sweeps[0], Some(FRAC_PI_4)).save(out.join("estimate_mc.svg"))?;

    let pool = parallel::Pool::new(2)?;
    let par = parallel::sweep(&f, &setup, &sweep::doubling(1, 1 << 20), &pool)?;
    parlab_viz::timeline_chart(&par).save(out.join("timeline.svg"))?;
    let chunked = parlab::chunked::sweep(&f, &setup, &sweep::below(3000), 3)?;
    parlab_viz::timeline_chart(&parlab::chunked::sweep(&f, &setup, &sweep::doubling(1, 1 << 18), 8)?)
        .save(out.join("timeline_8.svg"))?;
    parlab_viz::timeline_chart(&chunked).save(out.join("timeline_chunked.svg"))?;

    let small = sweep::doubling(1, 1 << 17);
    let rayon = scaling::measure(&f, &setup, &small, "rayon", &[1, 2, 3, 4], 1, 5)?;
    let chunk = scaling::measure(&f, &setup, &small, "chunked", &[1, 2, 3, 4], 1, 5)?;
    parlab_viz::speedup_chart(&[("rayon", &rayon), ("chunked", &chunk)]).save(out.join("speedup.svg"))?;
    parlab_viz::efficiency_chart(&[("rayon", &rayon), ("chunked", &chunk)]).save(out.join("efficiency.svg"))?;

    let wp: Vec<Series> = rules
        .iter()
        .zip(&sweeps)
        .map(|(r, s)| {
            let t = parlab::timing::measure(0, 3, || {
                serial::sweep(&f, &setup.with_rule(*r), &[s.points.last().unwrap().n])
            });
            let _ = t;
            Series::new(
                r.name(),
                s.points.iter().map(|p| (p.evaluations as f64 * 5e-9, (p.value - FRAC_PI_4).abs())).collect(),
            )
        })
        .collect();
    parlab_viz::work_precision_chart(&wp).save(out.join("work_precision.svg"))?;
    let squares = Series::new("n²", (0..=20).map(|n| (n as f64, (n * n) as f64)).collect());
    parlab_viz::line_chart("Squares", "n", "n²", &[squares], false, false).save(out.join("line.svg"))?;
    parlab_viz::sweep_table(&sweeps[0], Some(FRAC_PI_4)).to_csv(out.join("sweep.csv"))?;
    println!("wrote {}", out.display());
    Ok(())
}
