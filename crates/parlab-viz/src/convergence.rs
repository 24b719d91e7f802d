//! Convergence charts: the estimate against n, the error against n on
//! log-log axes with reference slopes, and work against precision.

use plotters::style::{BLACK, Color};

use parlab::sweep::Sweep;

use crate::chart::{Chart, GREY, Layer, MAX_MARKERS, Plot, Scale, Series, colour, map_points, span};

/// Whether sizes grow geometrically (as from [`parlab::sweep::doubling`]),
/// so that n reads best on a log axis.
fn geometric(ns: &[u64]) -> bool {
    if ns.len() < 3 || ns.contains(&0) {
        return false;
    }
    let mut ratios: Vec<f64> = ns.windows(2).map(|w| w[1] as f64 / w[0] as f64).collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2] >= 1.5
}

/// The estimate against n, with the exact value as a dashed line.
///
/// n is on a log axis when the sizes grow geometrically (doubling), and on
/// a linear one otherwise (the lecture's n = 0, 1, 2, …). Estimates that
/// are NaN (no points yet) are skipped.
///
/// # Examples
///
/// ```
/// use parlab::{serial, sweep, Rule, Setup};
/// let f = |x: f64| 1.0 / (1.0 + x * x);
/// let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Midpoint);
/// let s = serial::sweep(&f, &setup, &sweep::doubling(1, 64)).unwrap();
/// let chart = parlab_viz::estimate_chart(&s, Some(std::f64::consts::FRAC_PI_4));
/// assert!(chart.svg().contains("midpoint") && chart.svg().contains("exact"));
/// ```
pub fn estimate_chart(sweep: &Sweep, exact: Option<f64>) -> Chart {
    let ns: Vec<u64> = sweep.points.iter().map(|p| p.n).collect();
    let x = Scale::of(geometric(&ns));
    let raw: Vec<(f64, f64)> = sweep.points.iter().map(|p| (p.n as f64, p.value)).collect();
    let points = map_points(&raw, x, Scale::Linear);
    let label = series_label(sweep, false);
    let mut plot = Plot::new(
        format!("Estimate against n: {label}, {}", sweep.backend),
        if x == Scale::Log { "n (log scale)" } else { "n" },
        "estimate",
        x,
        Scale::Linear,
    );
    plot.x_range = span(points.iter().map(|p| p.0), 0.02);
    // The y range follows the estimates, not a band that may be wide at small n.
    plot.y_range = span(points.iter().map(|p| p.1).chain(exact), 0.06);
    let x_range = plot.x_range.clone();
    let mut layers = Vec::new();
    if let Some(exact) = exact {
        let name = format!("exact = {}", crate::table::format_number(exact));
        layers.push(Layer::dashed(vec![(x_range.start, exact), (x_range.end, exact)], BLACK, 2, Some(&name)));
    }
    // The rule's own error estimate (Monte Carlo's standard error) as a band.
    let band: Vec<(f64, f64, f64)> = sweep
        .points
        .iter()
        .filter_map(|p| Some((x.map(p.n as f64)?, p.value, p.error_estimate.filter(|e| e.is_finite())?)))
        .filter(|(_, v, _)| v.is_finite())
        .collect();
    if band.len() >= 2 {
        let outline = band
            .iter()
            .map(|&(px, v, e)| (px, v + e))
            .chain(band.iter().rev().map(|&(px, v, e)| (px, v - e)))
            .collect();
        layers.push(Layer::Area {
            outline,
            fill: colour(0).mix(0.2),
            label: Some("± the rule's error estimate".into()),
        });
    }
    let markers = points.len() <= MAX_MARKERS;
    layers.push(Layer::line(points, colour(0), &format!("estimate ({label})"), markers));
    plot.draw(layers)
}

/// The legend name of a sweep: its rule, with the sampler if `with_sampler`.
fn series_label(sweep: &Sweep, with_sampler: bool) -> String {
    let rule = sweep.rule();
    if with_sampler && rule.is_random() { format!("{rule} ({})", sweep.setup.sampler()) } else { rule.to_string() }
}

/// log₁₀ of the error below which a rule has hit round-off, not its order:
/// such points are not used to place a reference slope.
const ROUND_OFF: f64 = -13.0;

/// The reference slopes of an error chart: n^−½ (Monte Carlo), n^−1, n^−2, n^−4.
pub const REFERENCE_SLOPES: [f64; 4] = [0.5, 1.0, 2.0, 4.0];

/// |error| against n on log-log axes, one line per sweep, with dashed
/// reference slopes n^−½, n^−1, n^−2 and n^−4.
///
/// A series is named by its rule, with the sampler added when two sweeps
/// share a rule (and the backend when that is still not unique). Points with
/// zero error (exact to the last bit) or n = 0 cannot be drawn on log axes
/// and are skipped. A reference slope of the same order as a sweep's rule is
/// fitted through that sweep's points (above round-off); the others fan out
/// from the largest error at the smallest n. Each is clipped to the chart and
/// labelled at its end.
///
/// # Formula
///
/// ```text
/// |error|(n) = |estimate(n) − exact|
/// reference  = C · n^−p      p = ½, 1, 2, 4;  log C = median(log|error| + p log n) over a sweep of order p
/// ```
///
/// # Examples
///
/// ```
/// use parlab::{serial, sweep, Rule, Setup};
/// let f = |x: f64| x * x;
/// let sizes = sweep::doubling(2, 256);
/// let setup = Setup::new(0.0, 1.0).unwrap();
/// let mid = serial::sweep(&f, &setup.with_rule(Rule::Midpoint), &sizes).unwrap();
/// let simpson = serial::sweep(&f, &setup.with_rule(Rule::Simpson), &sizes).unwrap(); // exact: all skipped
/// let chart = parlab_viz::error_chart(&[&mid, &simpson], 1.0 / 3.0);
/// assert!(chart.svg().contains("midpoint") && chart.svg().contains("n⁻²"));
/// ```
pub fn error_chart(sweeps: &[&Sweep], exact: f64) -> Chart {
    let labels = unique_labels(sweeps);
    let series: Vec<Vec<(f64, f64)>> = sweeps
        .iter()
        .map(|s| {
            let raw: Vec<(f64, f64)> = s.points.iter().map(|p| (p.n as f64, (p.value - exact).abs())).collect();
            map_points(&raw, Scale::Log, Scale::Log)
        })
        .collect();
    let skipped: usize = sweeps.iter().zip(&series).map(|(s, kept)| s.points.len() - kept.len()).sum();
    let mut plot = Plot::new(
        "|error| against n (log-log)",
        "n (log scale)",
        "|estimate − exact| (log scale)",
        Scale::Log,
        Scale::Log,
    );
    plot.x_range = span(series.iter().flatten().map(|p| p.0), 0.03);
    plot.y_range = span(series.iter().flatten().map(|p| p.1), 0.05);
    let (xr, yr) = (plot.x_range.clone(), plot.y_range.clone());

    // Anchor each slope: fitted to a sweep of that order, else fanning out
    // from the largest error at the smallest n, so they read as a protractor.
    let first_x = series.iter().flatten().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let fan = (
        first_x,
        series.iter().flatten().filter(|p| p.0 <= first_x + 1e-9).map(|p| p.1).fold(f64::NEG_INFINITY, f64::max),
    );
    let references: Vec<(f64, f64)> = REFERENCE_SLOPES
        .iter()
        .map(|&p| {
            let fitted = sweeps.iter().zip(&series).find(|(s, pts)| s.rule().order() == p && !pts.is_empty()).and_then(
                |(_, pts)| median(pts.iter().filter(|(_, ly)| *ly > ROUND_OFF).map(|(lx, ly)| ly + p * lx).collect()),
            );
            (p, fitted.unwrap_or(fan.1 + p * fan.0))
        })
        .collect();

    let empty = series.iter().all(Vec::is_empty);
    let mut layers = Vec::new();
    if empty {
        let note = if skipped > 0 { "every error is exactly zero: nothing to draw on a log axis" } else { "no points" };
        layers.push(Layer::text((xr.start + 0.05 * (xr.end - xr.start), 0.5 * (yr.start + yr.end)), note, 15, GREY));
    }
    for &(p, log_c) in &references {
        // On the plane the reference is the line y = log_c − p·x; clip it to the box.
        let (x0, x1) = (xr.start.max((log_c - yr.end) / p), xr.end.min((log_c - yr.start) / p));
        if x0 < x1 && !empty {
            layers.push(Layer::dashed(vec![(x0, log_c - p * x0), (x1, log_c - p * x1)], GREY, 1, None));
            layers.push(Layer::text_right(
                (
                    x1 - 0.015 * (xr.end - xr.start),
                    (log_c - p * x1).clamp(yr.start + 0.07 * (yr.end - yr.start), yr.end - 0.03 * (yr.end - yr.start)),
                ),
                slope_name(p),
                12,
                GREY,
            ));
        }
    }
    for (i, (points, label)) in series.into_iter().zip(&labels).enumerate() {
        let markers = points.len() <= MAX_MARKERS;
        layers.push(Layer::line(points, colour(i), label, markers));
    }
    plot.draw(layers)
}

/// n⁻ᵖ in superscripts, as the chart labels a reference slope.
pub(crate) fn slope_name(p: f64) -> String {
    const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let power: String = if p == 0.5 {
        "½".into()
    } else {
        format!("{p}").chars().map(|c| c.to_digit(10).map_or(c, |d| SUPERSCRIPT[d as usize])).collect()
    };
    format!("n⁻{power}")
}

/// Names for sweeps that tell them apart: rule, then sampler, then backend.
fn unique_labels(sweeps: &[&Sweep]) -> Vec<String> {
    let shares_rule = |s: &Sweep| sweeps.iter().filter(|o| o.rule() == s.rule()).count() > 1;
    let labels: Vec<String> = sweeps.iter().map(|s| series_label(s, shares_rule(s))).collect();
    labels
        .iter()
        .zip(sweeps)
        .map(|(label, s)| {
            if labels.iter().filter(|l| *l == label).count() > 1 {
                format!("{label}, {}", s.backend)
            } else {
                label.clone()
            }
        })
        .collect()
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

/// Work against precision: x = time in seconds (or evaluations), y = |error|,
/// both on log axes; one series per method. Lower and further left is better.
///
/// Points that cannot go on a log axis (zero time or zero error) are skipped.
/// Use [`work_precision_chart_with`] to name the x axis yourself.
pub fn work_precision_chart(series: &[Series]) -> Chart {
    work_precision_chart_with("time (s, log scale)", series)
}

/// [`work_precision_chart`] with your own x-axis label, for example
/// `"evaluations of f"`.
pub fn work_precision_chart_with(x_label: &str, series: &[Series]) -> Chart {
    let mapped: Vec<Vec<(f64, f64)>> = series.iter().map(|s| map_points(&s.points, Scale::Log, Scale::Log)).collect();
    let mut plot = Plot::new(
        "Work against precision (lower left is better)",
        x_label,
        "|error| (log scale)",
        Scale::Log,
        Scale::Log,
    );
    plot.x_range = span(mapped.iter().flatten().map(|p| p.0), 0.04);
    plot.y_range = span(mapped.iter().flatten().map(|p| p.1), 0.05);
    let layers = series.iter().zip(mapped).enumerate().map(|(i, (s, points))| {
        let markers = points.len() <= MAX_MARKERS;
        Layer::line(points, colour(i), &s.label, markers)
    });
    plot.draw(layers.collect())
}
