//! The per-worker task timeline (a Gantt chart) of one sweep.

use plotters::chart::SeriesLabelPosition;
use plotters::style::{BLACK, Color, RGBColor, WHITE};

use std::time::Duration;

use parlab::sweep::{Sweep, Task};

use crate::chart::{Chart, GREY, Layer, Plot, Scale};

/// A perceptually even colour ramp (viridis, 5 stops), light for large t.
const RAMP: [(u8, u8, u8); 5] =
    [(0x44, 0x01, 0x54), (0x3B, 0x52, 0x8B), (0x21, 0x91, 0x8C), (0x5E, 0xC9, 0x62), (0xFD, 0xE7, 0x25)];

fn ramp(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0) * (RAMP.len() - 1) as f64;
    let i = (t.floor() as usize).min(RAMP.len() - 2);
    let f = t - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (RAMP[i], RAMP[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// One row per worker, one bar per task from its start to its end, coloured
/// by n (dark = small, light = large); a dashed line marks the end of the
/// sweep. Gaps in a row are time that worker had nothing to do.
///
/// # Examples
///
/// ```
/// use parlab::{parallel, sweep, Setup};
/// let f = |x: f64| x.sin();
/// let pool = parallel::Pool::new(2).unwrap();
/// let s = parallel::sweep(&f, &Setup::new(0.0, 1.0).unwrap(), &sweep::below(50), &pool).unwrap();
/// let chart = parlab_viz::timeline_chart(&s);
/// assert!(chart.svg().contains("rayon(2)") && chart.svg().contains("worker 1"));
/// ```
pub fn timeline_chart(sweep: &Sweep) -> Chart {
    tasks_timeline_chart(&sweep.backend.to_string(), sweep.backend.threads(), &sweep.tasks, sweep.elapsed)
}

/// The same chart from the tasks alone, for a run made outside this process
/// (such as `parlab sweep --backend mpi --json`, whose `worker` is the rank):
/// `label` names the backend in the title, `workers` is the least number of
/// rows, and `elapsed` the whole run.
///
/// # Examples
///
/// ```
/// use parlab::sweep::Task;
/// use std::time::Duration;
/// let ms = Duration::from_millis;
/// let tasks = [
///     Task { index: 0, n: 10, worker: 0, start: ms(0), end: ms(2) },
///     Task { index: 1, n: 20, worker: 1, start: ms(0), end: ms(3) },
/// ];
/// let chart = parlab_viz::tasks_timeline_chart("mpi(2)", 2, &tasks, ms(3));
/// assert!(chart.svg().contains("mpi(2)") && chart.svg().contains("worker 1"));
/// ```
pub fn tasks_timeline_chart(label: &str, workers: usize, tasks: &[Task], elapsed: Duration) -> Chart {
    let workers = tasks.iter().map(|t| t.worker + 1).max().unwrap_or(0).max(workers).max(1);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let elapsed = ms(elapsed);
    let end = tasks.iter().map(|t| ms(t.end)).fold(elapsed, f64::max).max(1e-3);
    let (n_min, n_max) = tasks.iter().fold((u64::MAX, 0), |(lo, hi), t| (lo.min(t.n), hi.max(t.n)));
    // Colour by log n when sizes span decades, else by n.
    let log_n = n_min >= 1 && n_max as f64 / n_min.max(1) as f64 >= 20.0;
    let shade = |n: u64| {
        if n_max <= n_min {
            return ramp(0.35);
        }
        let t = if log_n {
            (n as f64 / n_min as f64).ln() / (n_max as f64 / n_min as f64).ln()
        } else {
            (n - n_min) as f64 / (n_max - n_min) as f64
        };
        ramp(t * 0.9) // the last tenth of viridis is too pale on white
    };

    let rows = workers as f64;
    // Worker 0 on top: worker w sits at y = rows − 1 − w. A band on top holds the colour key.
    let key_band = 0.16 * (rows + 0.2) / 0.84;
    let mut plot = Plot::new(
        format!("Task timeline: {label}, {} tasks in {elapsed:.3} ms", tasks.len()),
        "time since the sweep started (ms)",
        "",
        Scale::Linear,
        Scale::Linear,
    );
    plot.x_range = -0.01 * end..end * 1.02;
    plot.y_range = -0.6..rows - 0.4 + key_band;
    plot.legend = Some(SeriesLabelPosition::UpperLeft);
    let names = move |v: f64| {
        let k = v.round();
        if (v - k).abs() < 1e-6 && k >= 0.0 && k < rows {
            format!("worker {}", workers - 1 - k as usize)
        } else {
            String::new()
        }
    };
    plot.y_ticks = Some(&names);
    plot.y_tick_count = Some(workers + 2);
    let xr = plot.x_range.clone();
    let outline = tasks.len() <= 400;
    let mut layers = Vec::new();
    for t in tasks {
        let y = (workers - 1 - t.worker) as f64;
        // A task shorter than a pixel still shows as a sliver.
        let (x0, x1) = (ms(t.start), ms(t.end).max(ms(t.start) + end * 0.003));
        layers.push(Layer::Rect { from: (x0, y - 0.38), to: (x1, y + 0.38), fill: shade(t.n).to_rgba() });
        // A white edge between neighbouring tasks, on bars wide enough to keep their colour.
        if outline && x1 - x0 > end * 0.006 {
            let white = WHITE.to_rgba();
            layers.push(Layer::Path { points: vec![(x0, y - 0.38), (x0, y + 0.38)], colour: white, width: 1 });
        }
    }
    layers.push(Layer::dashed(
        vec![(elapsed, -0.6), (elapsed, rows - 0.4)],
        BLACK,
        2,
        Some(&format!("sweep ended ({elapsed:.3} ms)")),
    ));

    // Colour key: a strip in the top band, from small n to large n.
    if !tasks.is_empty() {
        let (k0, k1) = (xr.start + 0.55 * (xr.end - xr.start), xr.start + 0.97 * (xr.end - xr.start));
        let (y0, y1) = (rows - 0.4 + 0.3 * key_band, rows - 0.4 + 0.6 * key_band);
        let steps = 40;
        for i in 0..steps {
            let a = k0 + (k1 - k0) * f64::from(i) / f64::from(steps);
            let b = k0 + (k1 - k0) * f64::from(i + 1) / f64::from(steps);
            let c = if n_max > n_min { ramp(0.9 * f64::from(i) / f64::from(steps - 1)) } else { ramp(0.35) };
            layers.push(Layer::Rect { from: (a, y0), to: (b, y1), fill: c.to_rgba() });
        }
        let label_y = rows - 0.4 + 0.95 * key_band;
        let scale = if log_n { "log n" } else { "n" };
        layers.push(Layer::text((k0, label_y), format!("n = {n_min}"), 12, GREY));
        layers.push(Layer::text((k0 + 0.36 * (k1 - k0), label_y), format!("colour: {scale}"), 12, GREY));
        layers.push(Layer::text((k1 - 0.2 * (k1 - k0), label_y), format!("n = {n_max}"), 12, GREY));
    }
    plot.draw(layers)
}
