//! Tables of sweep and timing results, shown as HTML in a notebook and
//! written as CSV.
//!
//! A [`Table`] is a few named columns of numbers, text or yes/no values, and
//! nothing more: our own small type rather than a data-frame library, because
//! every notebook kernel compiles against what `parlab-viz` depends on, and a
//! data-frame library (polars) made each kernel load about 110 more crates: 4 s
//! more for a notebook's first cell, and 0.3 s more for every cell after it.
//! Every builder here is a plain function, so a cell that calls one compiles
//! in well under a second.

use std::fmt::{self, Write as _};
use std::path::Path;
use std::time::Duration;

use parlab::scaling::Scaling;
use parlab::sweep::Sweep;
use parlab::timing::Timing;

use crate::error::{Result, write_file};

/// Rows shown in HTML before the middle is elided (the CSV keeps every row).
pub const HTML_MAX_ROWS: usize = 40;

/// One cell of a [`Table`].
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// No value here (a rule with no error estimate, a padded short column).
    Empty,
    /// A whole number: a size, a count, a thread number.
    Count(u64),
    /// A measured or computed number.
    Number(f64),
    /// A word or a label.
    Text(String),
    /// Yes or no.
    Flag(bool),
}

impl Cell {
    /// The cell as a number, where it is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// For people: numbers to six significant digits, yes/no for flags.
    fn shown(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Count(n) => n.to_string(),
            Cell::Number(x) => format_number(*x),
            Cell::Text(t) => t.clone(),
            Cell::Flag(b) => (if *b { "yes" } else { "no" }).to_string(),
        }
    }

    /// For CSV: numbers at full precision (they read back to the same bits).
    fn csv(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Count(n) => n.to_string(),
            Cell::Number(x) => csv_float(*x),
            Cell::Text(t) => csv_field(t),
            Cell::Flag(b) => b.to_string(),
        }
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Count(n)
    }
}
impl From<f64> for Cell {
    fn from(x: f64) -> Cell {
        Cell::Number(x)
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Flag(b)
    }
}
impl From<String> for Cell {
    fn from(t: String) -> Cell {
        Cell::Text(t)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Cell {
        value.map_or(Cell::Empty, Into::into)
    }
}

/// A table of results: named columns of equal length that know how to show themselves.
///
/// In a notebook, a `Table` as a cell's last expression shows as an HTML
/// table (with an aligned plain-text table as the fallback).
///
/// # Examples
///
/// ```
/// let t = parlab_viz::table(&[("n", vec![1.0, 2.0]), ("value", vec![0.5, 0.25])]);
/// assert_eq!((t.height(), t.width()), (2, 2));
/// assert!(t.to_html().contains(">0.25</td>"));
/// assert_eq!(t.numbers("value"), [Some(0.5), Some(0.25)]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    columns: Vec<(String, Vec<Cell>)>,
    height: usize,
}

impl Table {
    /// A table from named columns; shorter columns are padded with empty cells.
    pub fn new(columns: Vec<(String, Vec<Cell>)>) -> Table {
        let height = columns.iter().map(|(_, cells)| cells.len()).max().unwrap_or(0);
        let columns = columns
            .into_iter()
            .map(|(name, mut cells)| {
                cells.resize(height, Cell::Empty);
                (name, cells)
            })
            .collect();
        Table { columns, height }
    }

    /// The column names, in order.
    pub fn columns(&self) -> Vec<String> {
        self.columns.iter().map(|(name, _)| name.clone()).collect()
    }

    /// The cells of the column called `name`, if there is one.
    pub fn column(&self, name: &str) -> Option<&[Cell]> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, cells)| cells.as_slice())
    }

    /// The column called `name` as numbers (`None` for empty or non-numeric
    /// cells); empty if there is no such column.
    pub fn numbers(&self, name: &str) -> Vec<Option<f64>> {
        self.column(name).map(|cells| cells.iter().map(Cell::as_f64).collect()).unwrap_or_default()
    }

    /// The number of rows.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The number of columns.
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The table as an HTML `<table>`, numbers to six significant digits.
    ///
    /// Tables longer than [`HTML_MAX_ROWS`] show their first and last rows
    /// with a marker row between.
    pub fn to_html(&self) -> String {
        let (height, width) = (self.height, self.width());
        let mut html = String::with_capacity(64 * (height.min(HTML_MAX_ROWS) + 2) * (width + 1));
        html.push_str(
            r#"<table class="parlab-table" style="border-collapse:collapse;font-variant-numeric:tabular-nums">"#,
        );
        html.push_str("<thead><tr>");
        for (name, _) in &self.columns {
            let _ = write!(html, r#"<th style="text-align:right;padding:2px 8px">{}</th>"#, escape(name));
        }
        html.push_str("</tr></thead><tbody>");
        let shown: Vec<Option<usize>> = if height <= HTML_MAX_ROWS {
            (0..height).map(Some).collect()
        } else {
            let half = HTML_MAX_ROWS / 2;
            (0..half).map(Some).chain([None]).chain((height - half..height).map(Some)).collect()
        };
        for row in shown {
            html.push_str("<tr>");
            match row {
                Some(i) => {
                    for (_, cells) in &self.columns {
                        let _ = write!(html, "<td>{}</td>", escape(&cells[i].shown()));
                    }
                }
                None => {
                    let _ = write!(
                        html,
                        r#"<td colspan="{width}" style="text-align:center">… {} more rows …</td>"#,
                        height - HTML_MAX_ROWS
                    );
                }
            }
            html.push_str("</tr>");
        }
        let _ = write!(
            html,
            "</tbody></table><p style=\"font-size:smaller;margin:2px 0\">{height} rows × {width} columns</p>"
        );
        // Right-align every cell without repeating a style attribute per cell.
        html.replace("<td>", r#"<td style="text-align:right;padding:2px 8px">"#)
    }

    /// The table as CSV text: a header row, then every row, numbers at full
    /// precision (they read back to the same bits), missing values empty.
    pub fn to_csv_string(&self) -> String {
        let mut csv = String::new();
        let names: Vec<String> = self.columns.iter().map(|(name, _)| csv_field(name)).collect();
        csv.push_str(&names.join(","));
        csv.push('\n');
        for i in 0..self.height {
            let cells: Vec<String> = self.columns.iter().map(|(_, cells)| cells[i].csv()).collect();
            csv.push_str(&cells.join(","));
            csv.push('\n');
        }
        csv
    }

    /// Writes the table as CSV to `path`, creating its parent folders.
    ///
    /// # Errors
    ///
    /// [`Error::Write`](crate::Error::Write) if the folder or file cannot be written.
    pub fn to_csv(&self, path: impl AsRef<Path>) -> Result<()> {
        write_file(path.as_ref(), self.to_csv_string().as_bytes())
    }

    /// Shows the table in an evcxr notebook: plain text and HTML.
    ///
    /// evcxr calls this when a `Table` is a cell's last expression.
    pub fn evcxr_display(&self) {
        print!("{}", self.evcxr_output());
    }

    /// What [`Table::evcxr_display`] prints: the evcxr content blocks.
    pub fn evcxr_output(&self) -> String {
        format!(
            "EVCXR_BEGIN_CONTENT text/plain\n{self}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT\n",
            self.to_html()
        )
    }
}

/// Plain text: the columns right-aligned under their names, every row, and
/// the table's size below.
impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<Vec<String>> =
            self.columns.iter().map(|(_, cells)| cells.iter().map(Cell::shown).collect()).collect();
        let widths: Vec<usize> = self
            .columns
            .iter()
            .zip(&shown)
            .map(|((name, _), cells)| cells.iter().chain([name]).map(|c| c.chars().count()).max().unwrap_or(0))
            .collect();
        let line = |f: &mut fmt::Formatter<'_>, cells: Vec<&str>| -> fmt::Result {
            let parts: Vec<String> = cells.iter().zip(&widths).map(|(c, &w)| format!("{c:>w$}")).collect();
            writeln!(f, "{}", parts.join("  ").trim_end())
        };
        line(f, self.columns.iter().map(|(name, _)| name.as_str()).collect())?;
        for i in 0..self.height {
            line(f, shown.iter().map(|cells| cells[i].as_str()).collect())?;
        }
        write!(f, "({} rows × {} columns)", self.height, self.width())
    }
}

/// A number for people: six significant digits, trailing zeros dropped,
/// scientific notation outside 0.001 ≤ |x| < 10⁷.
pub fn format_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞".into() } else { "−∞".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    let magnitude = x.abs();
    if (1e-3..1e7).contains(&magnitude) {
        let decimals = (5 - magnitude.log10().floor() as i32).max(0) as usize;
        let text = format!("{x:.decimals$}");
        trim_zeros(&text)
    } else {
        let text = format!("{x:.3e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) => format!("{}e{exponent}", trim_zeros(mantissa)),
            None => text,
        }
    }
}

fn trim_zeros(text: &str) -> String {
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text.to_string() }
}

/// Shortest text that reads back to the same bits; exponent form for very
/// small or large magnitudes (Rust's plain `{}` would print 1e-20 with 20 zeros).
fn csv_float(x: f64) -> String {
    let magnitude = x.abs();
    if x != 0.0 && x.is_finite() && !(1e-4..1e15).contains(&magnitude) { format!("{x:e}") } else { format!("{x}") }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn column<T: Into<Cell>>(name: &str, values: impl IntoIterator<Item = T>) -> (String, Vec<Cell>) {
    (name.to_string(), values.into_iter().map(Into::into).collect())
}

/// One row per point of a sweep: `n`, `value`, then `error` (value − exact)
/// and `|error|` when `exact` is given, `error_estimate` (empty where the
/// rule has none) and `evaluations`.
///
/// # Examples
///
/// ```
/// use parlab::{serial, sweep, Setup};
/// let f = |x: f64| 2.0 * x;
/// let s = serial::sweep(&f, &Setup::new(0.0, 1.0).unwrap(), &sweep::doubling(1, 8)).unwrap();
/// let t = parlab_viz::sweep_table(&s, Some(1.0));
/// assert_eq!(t.columns(), ["n", "value", "error", "|error|", "error_estimate", "evaluations"]);
/// assert_eq!(t.height(), 4);
/// ```
pub fn sweep_table(sweep: &Sweep, exact: Option<f64>) -> Table {
    let points = &sweep.points;
    let mut columns = vec![column("n", points.iter().map(|p| p.n)), column("value", points.iter().map(|p| p.value))];
    if let Some(exact) = exact {
        columns.push(column("error", points.iter().map(|p| p.value - exact)));
        columns.push(column("|error|", points.iter().map(|p| (p.value - exact).abs())));
    }
    columns.push(column("error_estimate", points.iter().map(|p| p.error_estimate)));
    columns.push(column("evaluations", points.iter().map(|p| p.evaluations)));
    Table::new(columns)
}

/// One row per task of a sweep: `index`, `n`, `worker`, `start_ms`, `end_ms`
/// and `ms` (its duration), times from the start of the sweep.
pub fn tasks_table(sweep: &Sweep) -> Table {
    let tasks = &sweep.tasks;
    Table::new(vec![
        column("index", tasks.iter().map(|t| t.index as u64)),
        column("n", tasks.iter().map(|t| t.n)),
        column("worker", tasks.iter().map(|t| t.worker as u64)),
        column("start_ms", tasks.iter().map(|t| ms(t.start))),
        column("end_ms", tasks.iter().map(|t| ms(t.end))),
        column("ms", tasks.iter().map(|t| ms(t.end.saturating_sub(t.start)))),
    ])
}

/// One row per worker (including workers that ran nothing): `worker`,
/// `tasks`, `busy_ms`, `share` of all busy time, and `idle_ms`, the time
/// before the sweep ended that it had no task: the load imbalance.
///
/// # Formula
///
/// ```text
/// busy_ms(w) = Σ (end − start) over w's tasks
/// share(w)   = busy_ms(w) / Σ busy_ms         1/k each when perfectly balanced
/// idle_ms(w) = elapsed − busy_ms(w)           elapsed = the sweep's wall-clock time
/// ```
pub fn workers_table(sweep: &Sweep) -> Table {
    let workers = sweep.tasks.iter().map(|t| t.worker + 1).max().unwrap_or(0).max(sweep.backend.threads());
    let mut tasks = vec![0u64; workers];
    let mut busy = vec![0.0f64; workers];
    for t in &sweep.tasks {
        tasks[t.worker] += 1;
        busy[t.worker] += ms(t.end.saturating_sub(t.start));
    }
    let total: f64 = busy.iter().sum();
    let elapsed = ms(sweep.elapsed);
    Table::new(vec![
        column("worker", 0..workers as u64),
        column("tasks", tasks),
        column("busy_ms", busy.iter().copied()),
        column("share", busy.iter().map(|b| if total > 0.0 { b / total } else { 0.0 })),
        column("idle_ms", busy.iter().map(|b| (elapsed - b).max(0.0))),
    ])
}

/// One row per thread count: `threads`, `median_ms`, `min_ms`, `max_ms`,
/// `spread`, `speedup`, `efficiency`, `karp_flatt` (empty for one thread)
/// and `oversubscribed`.
pub fn scaling_table(scaling: &Scaling) -> Table {
    let rows = &scaling.rows;
    Table::new(vec![
        column("threads", rows.iter().map(|r| r.threads as u64)),
        column("median_ms", rows.iter().map(|r| ms(r.timing.median()))),
        column("min_ms", rows.iter().map(|r| ms(r.timing.min()))),
        column("max_ms", rows.iter().map(|r| ms(r.timing.max()))),
        column("spread", rows.iter().map(|r| r.timing.spread())),
        column("speedup", rows.iter().map(|r| r.speedup)),
        column("efficiency", rows.iter().map(|r| r.efficiency)),
        column("karp_flatt", rows.iter().map(|r| r.karp_flatt)),
        column("oversubscribed", rows.iter().map(|r| r.oversubscribed)),
    ])
}

/// One row per labelled timing: `label`, `median_ms`, `min_ms`, `max_ms`,
/// `spread` and `runs`.
pub fn timings_table(rows: &[(&str, &Timing)]) -> Table {
    Table::new(vec![
        column("label", rows.iter().map(|(l, _)| l.to_string())),
        column("median_ms", rows.iter().map(|(_, t)| ms(t.median()))),
        column("min_ms", rows.iter().map(|(_, t)| ms(t.min()))),
        column("max_ms", rows.iter().map(|(_, t)| ms(t.max()))),
        column("spread", rows.iter().map(|(_, t)| t.spread())),
        column("runs", rows.iter().map(|(_, t)| t.runs.len() as u64)),
    ])
}

/// A numeric table from named columns, so a notebook never builds a frame
/// itself. A shorter column is padded with empty cells.
///
/// # Examples
///
/// ```
/// let t = parlab_viz::table(&[("p", vec![1.0, 2.0, 4.0]), ("speedup", vec![1.0, 1.9])]);
/// assert_eq!(t.height(), 3);
/// assert!(t.to_csv_string().ends_with("4,\n"));
/// ```
pub fn table(columns: &[(&str, Vec<f64>)]) -> Table {
    Table::new(columns.iter().map(|(name, values)| column(name, values.iter().copied())).collect())
}

/// A text table from named columns; a shorter column is padded with empty cells.
pub fn text_table(columns: &[(&str, Vec<String>)]) -> Table {
    Table::new(columns.iter().map(|(name, values)| column(name, values.iter().cloned())).collect())
}
