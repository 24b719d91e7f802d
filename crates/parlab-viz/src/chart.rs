//! Charts: SVG drawn by plotters into a string, shown inline by evcxr.
//!
//! Every chart here draws on one plain `f64 × f64` plane. A log axis is the
//! same plane holding log₁₀ of the values, with tick labels written back as
//! powers of ten; so one code path draws every chart, and a zero or negative
//! value on a log axis is skipped instead of breaking the scale.

use std::ops::Range;
use std::path::Path;

use plotters::chart::SeriesLabelPosition;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Result, write_file};

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 720;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 440;

/// One drawn chart: an SVG document and its title.
///
/// In a notebook, a `Chart` as a cell's last expression shows inline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chart {
    title: String,
    svg: String,
}

impl Chart {
    /// A chart from SVG text you drew yourself.
    pub fn new(title: impl Into<String>, svg: impl Into<String>) -> Chart {
        Chart { title: title.into(), svg: svg.into() }
    }

    /// The SVG document.
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Writes the SVG to `path` (give it a `.svg` name), creating parent folders.
    ///
    /// # Errors
    ///
    /// [`Error::Write`](crate::Error::Write) if the folder or file cannot be written.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        write_file(path.as_ref(), self.svg.as_bytes())
    }

    /// Shows the chart in an evcxr notebook, as HTML holding the inline `<svg>`.
    ///
    /// evcxr calls this when a `Chart` is a cell's last expression.
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_output());
    }

    /// What [`Chart::evcxr_display`] prints: the evcxr content blocks.
    pub fn evcxr_output(&self) -> String {
        format!(
            "EVCXR_BEGIN_CONTENT text/plain\nChart: {}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n<div class=\"parlab-chart\">{}</div>\nEVCXR_END_CONTENT\n",
            self.title, self.svg
        )
    }
}

/// A named line of (x, y) points, for [`line_chart`](crate::line_chart) and
/// [`work_precision_chart`](crate::work_precision_chart).
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The legend entry.
    pub label: String,
    /// The points, drawn in this order.
    pub points: Vec<(f64, f64)>,
}

impl Series {
    /// A series from a label and points.
    pub fn new(label: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
        Series { label: label.into(), points }
    }
}

/// Tableau's ten colours, reordered so the first few differ most.
pub(crate) const PALETTE: [RGBColor; 9] = [
    RGBColor(0x4E, 0x79, 0xA7),
    RGBColor(0xF2, 0x8E, 0x2B),
    RGBColor(0x59, 0xA1, 0x4F),
    RGBColor(0xE1, 0x57, 0x59),
    RGBColor(0xB0, 0x7A, 0xA1),
    RGBColor(0x9C, 0x75, 0x5F),
    RGBColor(0x76, 0xB7, 0xB2),
    RGBColor(0xFF, 0x9D, 0xA7),
    RGBColor(0xBA, 0xB0, 0xAC),
];

pub(crate) fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

pub(crate) const GREY: RGBColor = RGBColor(0x70, 0x70, 0x70);

pub(crate) type Ctx<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// How an axis maps values onto the plane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scale {
    Linear,
    Log,
}

impl Scale {
    pub(crate) fn of(log: bool) -> Scale {
        if log { Scale::Log } else { Scale::Linear }
    }

    /// The value on the plane, or `None` if it cannot be drawn (NaN, or ≤ 0 on a log axis).
    pub(crate) fn map(self, v: f64) -> Option<f64> {
        match self {
            Scale::Linear => v.is_finite().then_some(v),
            Scale::Log => (v.is_finite() && v > 0.0).then(|| v.log10()),
        }
    }
}

/// Maps points onto the plane, dropping those that cannot be drawn.
pub(crate) fn map_points(points: &[(f64, f64)], x: Scale, y: Scale) -> Vec<(f64, f64)> {
    points.iter().filter_map(|&(px, py)| Some((x.map(px)?, y.map(py)?))).collect()
}

/// The range covering `values` (already on the plane) with a margin of
/// `pad` of the span each side; a single value gets a unit span.
pub(crate) fn span(values: impl IntoIterator<Item = f64>, pad: f64) -> Range<f64> {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return 0.0..1.0;
    }
    if hi - lo < 1e-12 * lo.abs().max(1e-300) {
        let half = if lo == 0.0 { 0.5 } else { (lo.abs() * 0.1).max(1e-12) };
        return lo - half..hi + half;
    }
    let margin = (hi - lo) * pad;
    lo - margin..hi + margin
}

/// The text of a tick at plane coordinate `v`.
fn tick_label(scale: Scale, v: f64, whole_decades: bool, integers: bool) -> String {
    match scale {
        Scale::Linear if integers => {
            if (v - v.round()).abs() < 1e-9 {
                format!("{}", v.round() as i64)
            } else {
                String::new()
            }
        }
        Scale::Linear => crate::table::format_number(if v.abs() < 1e-12 { 0.0 } else { v }),
        Scale::Log => {
            let k = v.round();
            if (v - k).abs() < 1e-6 {
                let k = k as i32;
                match k {
                    0..=4 => format!("{}", 10u64.pow(k as u32)),
                    -3..=-1 => format!("{}", 10f64.powi(k)),
                    _ => format!("1e{k}"),
                }
            } else if whole_decades {
                String::new()
            } else {
                crate::table::format_number(10f64.powf(v))
            }
        }
    }
}

/// Everything that frames a chart; [`Plot::draw`] draws it and hands the
/// plane to a closure for the data.
pub(crate) struct Plot<'t> {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x: Scale,
    pub y: Scale,
    pub x_range: Range<f64>,
    pub y_range: Range<f64>,
    /// Where the legend goes; `None` picks the corner with the least data.
    pub legend: Option<SeriesLabelPosition>,
    /// Label only whole numbers on x (thread counts).
    pub x_integers: bool,
    /// Replaces the y tick labels (worker names on a timeline).
    pub y_ticks: Option<&'t dyn Fn(f64) -> String>,
    pub y_tick_count: Option<usize>,
}

impl<'t> Plot<'t> {
    pub(crate) fn new(
        title: impl Into<String>,
        x_label: impl Into<String>,
        y_label: impl Into<String>,
        x: Scale,
        y: Scale,
    ) -> Plot<'t> {
        Plot {
            title: title.into(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x,
            y,
            x_range: 0.0..1.0,
            y_range: 0.0..1.0,
            legend: None,
            x_integers: false,
            y_ticks: None,
            y_tick_count: None,
        }
    }

    /// Draws the frame, then the layers in order, then the legend. A drawing
    /// error becomes a chart that shows the error, so a notebook cell still
    /// shows something.
    pub(crate) fn draw(self, layers: Vec<Layer>) -> Chart {
        let mut svg = String::new();
        let outcome = self.draw_into(&mut svg, &layers);
        match outcome {
            Ok(()) => Chart::new(self.title, svg),
            Err(e) => {
                let message = format!("could not draw this chart: {e}");
                eprintln!("parlab-viz: {message}");
                Chart::new(self.title.clone(), message_svg(&self.title, &message))
            }
        }
    }

    fn draw_into(&self, svg: &mut String, layers: &[Layer]) -> DrawResult {
        let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(&self.title, ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(46)
            .y_label_area_size(if self.y_ticks.is_some() { 84 } else { 72 })
            .build_cartesian_2d(self.x_range.clone(), self.y_range.clone())?;

        let decades = |r: &Range<f64>| (r.end - r.start).abs();
        let x_whole = self.x == Scale::Log && decades(&self.x_range) >= 1.5;
        let y_whole = self.y == Scale::Log && decades(&self.y_range) >= 1.5;
        let (x_scale, y_scale, x_integers) = (self.x, self.y, self.x_integers);
        let x_fmt = move |v: &f64| tick_label(x_scale, *v, x_whole, x_integers);
        let y_fmt_default = move |v: &f64| tick_label(y_scale, *v, y_whole, false);
        let y_custom = self.y_ticks;
        let y_fmt = move |v: &f64| match y_custom {
            Some(f) => f(*v),
            None => y_fmt_default(v),
        };
        let x_count = match self.x {
            Scale::Log => (decades(&self.x_range).floor() as usize + 1).clamp(5, 12),
            Scale::Linear if self.x_integers => {
                ((self.x_range.end - self.x_range.start).floor() as usize + 1).clamp(2, 16)
            }
            Scale::Linear => 10,
        };
        let y_count = self.y_tick_count.unwrap_or(match self.y {
            Scale::Log => (decades(&self.y_range).floor() as usize + 1).clamp(5, 12),
            Scale::Linear => 8,
        });

        let mut mesh = chart.configure_mesh();
        mesh.x_desc(self.x_label.as_str())
            .y_desc(self.y_label.as_str())
            .x_labels(x_count)
            .y_labels(y_count)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&y_fmt)
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 15))
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(BLACK.mix(0.04));
        if self.x == Scale::Log {
            mesh.x_max_light_lines(0);
        }
        if self.y == Scale::Log {
            mesh.y_max_light_lines(0);
        }
        mesh.draw()?;

        // Minor grid lines at 2..9 × 10^k on log axes, as on log paper.
        let minor = BLACK.mix(0.05);
        if self.x == Scale::Log && decades(&self.x_range) <= 8.0 {
            for v in log_minor(&self.x_range) {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(v, self.y_range.start), (v, self.y_range.end)],
                    minor,
                )))?;
            }
        }
        if self.y == Scale::Log && decades(&self.y_range) <= 8.0 {
            for v in log_minor(&self.y_range) {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(self.x_range.start, v), (self.x_range.end, v)],
                    minor,
                )))?;
            }
        }

        for layer in layers {
            layer.draw(&mut chart)?;
        }

        let entries = layers
            .iter()
            .filter(|l| matches!(l, Layer::Line { label: Some(_), .. } | Layer::Area { label: Some(_), .. }))
            .count();
        if entries > 0 {
            let position = self.legend.clone().unwrap_or_else(|| self.quiet_corner(layers, entries));
            chart
                .configure_series_labels()
                .position(position)
                .margin(10)
                .label_font(("sans-serif", 13))
                .background_style(WHITE.mix(0.9))
                .border_style(BLACK.mix(0.3))
                .draw()?;
        }
        root.present()?;
        Ok(())
    }
}

impl Plot<'_> {
    /// The corner of the plot whose legend-sized box covers the fewest
    /// points of the lines and paths (sampled along each segment).
    fn quiet_corner(&self, layers: &[Layer], entries: usize) -> SeriesLabelPosition {
        let (xr, yr) = (&self.x_range, &self.y_range);
        let unit = |(x, y): (f64, f64)| ((x - xr.start) / (xr.end - xr.start), (y - yr.start) / (yr.end - yr.start));
        let mut samples = Vec::new();
        for layer in layers {
            let points = match layer {
                Layer::Line { points, .. } | Layer::Path { points, .. } => points,
                Layer::Text { at, text, .. } => {
                    // Text hidden under a legend is lost, a line only interrupted: weigh text more.
                    let (u, v) = unit(*at);
                    samples.extend((0..4 * text.chars().count()).map(|i| (u + (i / 4) as f64 * 0.012, v - 0.02)));
                    continue;
                }
                Layer::Rect { .. } | Layer::Area { .. } => continue,
            };
            for pair in points.windows(2) {
                let (a, b) = (unit(pair[0]), unit(pair[1]));
                samples.extend((0..8).map(|i| {
                    let t = f64::from(i) / 8.0;
                    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
                }));
            }
            if let Some(&last) = points.last() {
                samples.push(unit(last));
            }
        }
        // A legend line is about 18 px of a plot about 330 px high, and about 40% wide.
        let (w, h) = (0.42, ((entries as f64 * 18.0 + 16.0) / 330.0).min(0.95));
        let corners = [
            (SeriesLabelPosition::UpperRight, 1.0 - w..1.0, 1.0 - h..1.0),
            (SeriesLabelPosition::UpperLeft, 0.0..w, 1.0 - h..1.0),
            (SeriesLabelPosition::LowerLeft, 0.0..w, 0.0..h),
            (SeriesLabelPosition::LowerRight, 1.0 - w..1.0, 0.0..h),
        ];
        corners
            .into_iter()
            .min_by_key(|(_, xs, ys)| samples.iter().filter(|(u, v)| xs.contains(u) && ys.contains(v)).count())
            .map(|(position, _, _)| position)
            .unwrap_or(SeriesLabelPosition::UpperRight)
    }
}

/// log₁₀ of m·10^k for m = 2..9 inside `range` (a range of log₁₀ values).
fn log_minor(range: &Range<f64>) -> Vec<f64> {
    let (lo, hi) = (range.start.min(range.end), range.start.max(range.end));
    let mut out = Vec::new();
    for k in (lo.floor() as i32)..=(hi.ceil() as i32) {
        for m in 2..=9 {
            let v = (f64::from(m)).log10() + f64::from(k);
            if v > lo && v < hi {
                out.push(v);
            }
        }
    }
    out
}

/// A plain SVG that shows a message where a chart would be.
pub(crate) fn message_svg(title: &str, message: &str) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        r##"<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg"><rect width="100%" height="100%" fill="white" stroke="#ccc"/><text x="50%" y="30" text-anchor="middle" font-family="sans-serif" font-size="20">{}</text><text x="50%" y="50%" text-anchor="middle" font-family="sans-serif" font-size="15" fill="#444">{}</text></svg>"##,
        esc(title),
        esc(message)
    )
}

/// One thing drawn on the plane: charts build a list of these, and
/// [`Plot::draw`] draws them in order (a display list keeps plotters'
/// lifetimes inside one function).
pub(crate) enum Layer {
    /// A line through points, solid or dashed, with optional markers and legend entry.
    Line { points: Vec<(f64, f64)>, colour: RGBColor, width: u32, dashed: bool, markers: bool, label: Option<String> },
    /// A thin unlabelled path (grid lines, error bars).
    Path { points: Vec<(f64, f64)>, colour: RGBAColor, width: u32 },
    /// A filled polygon (a band between two lines), with an optional legend entry.
    Area { outline: Vec<(f64, f64)>, fill: RGBAColor, label: Option<String> },
    /// A filled rectangle between two corners.
    Rect { from: (f64, f64), to: (f64, f64), fill: RGBAColor },
    /// Text whose top left (top right if `right`) is at a point.
    Text { at: (f64, f64), text: String, size: u32, colour: RGBColor, right: bool },
}

impl Layer {
    /// A solid line with a legend entry; markers if `markers`.
    pub(crate) fn line(points: Vec<(f64, f64)>, colour: RGBColor, label: &str, markers: bool) -> Layer {
        Layer::Line { points, colour, width: 2, dashed: false, markers, label: Some(label.to_string()) }
    }

    /// A dashed line, with a legend entry if `label` is given.
    pub(crate) fn dashed(points: Vec<(f64, f64)>, colour: RGBColor, width: u32, label: Option<&str>) -> Layer {
        Layer::Line { points, colour, width, dashed: true, markers: false, label: label.map(str::to_string) }
    }

    /// Text at a point.
    pub(crate) fn text(at: (f64, f64), text: impl Into<String>, size: u32, colour: RGBColor) -> Layer {
        Layer::Text { at, text: text.into(), size, colour, right: false }
    }

    /// Text that ends at a point.
    pub(crate) fn text_right(at: (f64, f64), text: impl Into<String>, size: u32, colour: RGBColor) -> Layer {
        Layer::Text { at, text: text.into(), size, colour, right: true }
    }

    fn draw<'a, 'b: 'a>(&self, chart: &mut Ctx<'a, 'b>) -> DrawResult {
        match self {
            Layer::Line { points, colour, width, dashed, markers, label } => {
                let (c, w) = (*colour, *width);
                let style = c.stroke_width(w);
                let series = if *dashed {
                    chart.draw_series(DashedLineSeries::new(points.iter().copied(), 7, 5, style))?
                } else {
                    chart.draw_series(LineSeries::new(points.iter().copied(), style))?
                };
                if let Some(label) = label {
                    let (dashed, markers) = (*dashed, *markers);
                    series.label(label.as_str()).legend(move |(x, y)| {
                        let (first, second) = if dashed { ((0, 7), (12, 20)) } else { ((0, 10), (10, 20)) };
                        EmptyElement::at((x, y))
                            + PathElement::new(vec![(first.0, 0), (first.1, 0)], style)
                            + PathElement::new(vec![(second.0, 0), (second.1, 0)], style)
                            + Circle::new((10, 0), if markers { 3 } else { 0 }, c.filled())
                    });
                }
                if *markers {
                    chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, c.filled())))?;
                }
            }
            Layer::Path { points, colour, width } => {
                chart.draw_series(std::iter::once(PathElement::new(points.clone(), colour.stroke_width(*width))))?;
            }
            Layer::Area { outline, fill, label } => {
                let fill = *fill;
                let series = chart.draw_series(std::iter::once(Polygon::new(outline.clone(), fill.filled())))?;
                if let Some(label) = label {
                    series
                        .label(label.as_str())
                        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 20, y + 5)], fill.filled()));
                }
            }
            Layer::Rect { from, to, fill } => {
                chart.draw_series(std::iter::once(Rectangle::new([*from, *to], fill.filled())))?;
            }
            Layer::Text { at, text, size, colour, right } => {
                let h = if *right { HPos::Right } else { HPos::Left };
                let style = ("sans-serif", *size).into_font().color(colour).pos(Pos::new(h, VPos::Top));
                chart.draw_series(std::iter::once(Text::new(text.clone(), *at, style)))?;
            }
        }
        Ok(())
    }
}

/// Markers are drawn only when a series is sparse enough to show them apart.
pub(crate) const MAX_MARKERS: usize = 60;

/// A chart of lines through named series, either axis linear or log.
///
/// Points that cannot be drawn are skipped: NaN and infinities always, and
/// zeros and negatives on a log axis.
///
/// # Examples
///
/// ```
/// use parlab_viz::{line_chart, Series};
/// let squares = Series::new("n²", (1..=10).map(|n| (n as f64, (n * n) as f64)).collect());
/// let chart = line_chart("Squares", "n", "n²", &[squares], true, true);
/// assert!(chart.svg().contains("<svg") && chart.svg().contains("n²"));
/// ```
pub fn line_chart(title: &str, x_label: &str, y_label: &str, series: &[Series], log_x: bool, log_y: bool) -> Chart {
    let (x, y) = (Scale::of(log_x), Scale::of(log_y));
    let mapped: Vec<Vec<(f64, f64)>> = series.iter().map(|s| map_points(&s.points, x, y)).collect();
    let mut plot = Plot::new(title, x_label, y_label, x, y);
    plot.x_range = span(mapped.iter().flatten().map(|p| p.0), 0.03);
    plot.y_range = span(mapped.iter().flatten().map(|p| p.1), 0.06);
    let layers = series.iter().zip(mapped).enumerate().map(|(i, (s, points))| {
        let markers = points.len() <= MAX_MARKERS;
        Layer::line(points, colour(i), &s.label, markers)
    });
    plot.draw(layers.collect())
}
