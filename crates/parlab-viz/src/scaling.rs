//! Scaling charts: speedup and efficiency against threads, with the ideal,
//! the spread of repeated runs and the Amdahl fit.

use plotters::style::{BLACK, Color, RED, RGBColor};

use parlab::scaling::Scaling;

use crate::chart::{Chart, Layer, Plot, Scale, colour};

/// Speedup or efficiency of one row, from a given run time in seconds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Measure {
    Speedup,
    Efficiency,
}

/// One scaling's points: (threads, median value, low, high) where low–high
/// comes from the slowest and fastest runs.
fn points(scaling: &Scaling, measure: Measure) -> Vec<(f64, f64, f64, f64)> {
    scaling
        .rows
        .iter()
        .filter_map(|row| {
            let p = row.threads as f64;
            let median = row.timing.median().as_secs_f64();
            // T(1) is what the analysis divided by: speedup × T(p).
            let base = row.speedup * median;
            let per = if measure == Measure::Efficiency { p } else { 1.0 };
            let of = |t: f64| if t > 0.0 { base / t / per } else { f64::NAN };
            let mid = if measure == Measure::Efficiency { row.efficiency } else { row.speedup };
            let (lo, hi) = (of(row.timing.max().as_secs_f64()), of(row.timing.min().as_secs_f64()));
            mid.is_finite()
                .then(|| (p, mid, if lo.is_finite() { lo } else { mid }, if hi.is_finite() { hi } else { mid }))
        })
        .collect()
}

/// Speedup against threads: each scaling's medians as a line with points,
/// the min–max spread of its runs as error bars, its Amdahl fit as a dashed
/// curve, the ideal S = p, and thread counts beyond the machine's shaded.
///
/// # Formula
///
/// ```text
/// S(p)       = T(1) / T(p)            the line: medians; the bar: T(1)/max .. T(1)/min
/// Amdahl(p)  = 1 / (s + (1 − s)/p)    s = the scaling's fitted serial fraction
/// ```
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use parlab::{scaling, timing::{Machine, Timing}};
/// let t = |ms: &[u64]| Timing { runs: ms.iter().map(|&m| Duration::from_millis(m)).collect() };
/// let s = scaling::analyze(vec![(1, t(&[100, 104])), (2, t(&[55, 60])), (4, t(&[35, 40]))], Machine::current());
/// let chart = parlab_viz::speedup_chart(&[("rayon", &s)]);
/// assert!(chart.svg().contains("rayon") && chart.svg().contains("ideal"));
/// ```
pub fn speedup_chart(scalings: &[(&str, &Scaling)]) -> Chart {
    scaling_chart(scalings, Measure::Speedup)
}

/// Efficiency S(p)/p against threads, with 1.0 (every thread fully used) as
/// the ideal, and the spread of runs as error bars.
pub fn efficiency_chart(scalings: &[(&str, &Scaling)]) -> Chart {
    scaling_chart(scalings, Measure::Efficiency)
}

fn scaling_chart(scalings: &[(&str, &Scaling)], measure: Measure) -> Chart {
    let data: Vec<Vec<(f64, f64, f64, f64)>> = scalings.iter().map(|(_, s)| points(s, measure)).collect();
    let max_p = data.iter().flatten().map(|d| d.0).fold(1.0, f64::max);
    let top = data.iter().flatten().map(|d| d.3.max(d.1)).fold(0.0, f64::max);
    let (title, y_label) = match measure {
        Measure::Speedup => ("Speedup against threads", "speedup  T(1) / T(p)"),
        Measure::Efficiency => ("Efficiency against threads", "efficiency  S(p) / p"),
    };
    let available = scalings.first().map(|(_, s)| s.machine.available_parallelism);
    let title = match available {
        Some(a) => format!("{title} ({a} hardware threads)"),
        None => title.to_string(),
    };
    let mut plot = Plot::new(title, "threads p", y_label, Scale::Linear, Scale::Linear);
    plot.x_integers = true;
    plot.x_range = 0.5..max_p + 0.5;
    plot.y_range = match measure {
        Measure::Speedup => 0.0..top.max(max_p) * 1.08,
        Measure::Efficiency => 0.0..top.max(1.0) * 1.12,
    };
    let (xr, yr) = (plot.x_range.clone(), plot.y_range.clone());
    let oversubscribed = available.filter(|&a| (a as f64) < max_p);
    let mut layers = Vec::new();
    if let Some(a) = oversubscribed {
        let x0 = a as f64 + 0.5;
        layers.push(Layer::Rect { from: (x0, yr.start), to: (xr.end, yr.end), fill: RED.mix(0.07) });
        layers.push(Layer::text(
            (x0 + 0.05, yr.end - 0.03 * (yr.end - yr.start)),
            format!("oversubscribed: p > {a}"),
            13,
            RED,
        ));
    }
    layers.push(match measure {
        Measure::Speedup => Layer::dashed(vec![(1.0, 1.0), (max_p, max_p)], BLACK, 2, Some("ideal  S = p")),
        Measure::Efficiency => Layer::dashed(vec![(xr.start, 1.0), (xr.end, 1.0)], BLACK, 2, Some("ideal  E = 1")),
    });
    let k = data.len() as f64;
    for (i, ((label, scaling), rows)) in scalings.iter().zip(&data).enumerate() {
        let c = colour(i);
        // Spread series a little sideways so their bars do not overlap.
        let dx = (i as f64 - (k - 1.0) / 2.0) * 0.06;
        let medians: Vec<(f64, f64)> = rows.iter().map(|&(p, m, _, _)| (p + dx, m)).collect();
        layers.push(Layer::line(medians, c, &format!("{label}: median, bars min–max"), true));
        layers.extend(error_bars(rows, dx, c));
        let curve: Vec<(f64, f64)> = (0..=60)
            .map(|j| 1.0 + (max_p - 1.0) * f64::from(j) / 60.0)
            .map(|p| (p, if measure == Measure::Efficiency { scaling.amdahl(p) / p } else { scaling.amdahl(p) }))
            .collect();
        let name = format!("{label}: Amdahl fit, s = {}", format_args!("{:.3}", scaling.serial_fraction));
        layers.push(Layer::dashed(curve, c, 1, Some(&name)));
    }
    plot.draw(layers)
}

/// A vertical bar from low to high with caps, at each thread count.
fn error_bars(rows: &[(f64, f64, f64, f64)], dx: f64, c: RGBColor) -> Vec<Layer> {
    let cap = 0.06;
    let colour = c.to_rgba();
    rows.iter()
        .flat_map(|&(p, _, lo, hi)| {
            let x = p + dx;
            [
                Layer::Path { points: vec![(x, lo), (x, hi)], colour, width: 1 },
                Layer::Path { points: vec![(x - cap, lo), (x + cap, lo)], colour, width: 1 },
                Layer::Path { points: vec![(x - cap, hi), (x + cap, hi)], colour, width: 1 },
            ]
        })
        .collect()
}
