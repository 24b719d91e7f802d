//! Tables: polars DataFrames of sweep and timing results, shown as HTML in a
//! notebook and written as CSV.
//!
//! Every builder here is a plain function, so a notebook cell that calls one
//! compiles in about a second; building a frame in the cell with polars'
//! `df!` macro would instantiate polars' generics there, which takes 13 s.

use std::fmt::{self, Write as _};
use std::path::Path;
use std::time::Duration;

use parlab::scaling::Scaling;
use parlab::sweep::Sweep;
use parlab::timing::Timing;
use polars::prelude::{AnyValue, Column, DataFrame};

use crate::error::{Result, write_file};

/// Rows shown in HTML before the middle is elided (the CSV keeps every row).
pub const HTML_MAX_ROWS: usize = 40;

/// A table of results: a polars [`DataFrame`] that knows how to show itself.
///
/// In a notebook, a `Table` as a cell's last expression shows as an HTML
/// table (with polars' plain-text table as the fallback).
///
/// # Examples
///
/// ```
/// let t = parlab_viz::table(&[("n", vec![1.0, 2.0]), ("value", vec![0.5, 0.25])]);
/// assert_eq!(t.df().shape(), (2, 2));
/// assert!(t.to_html().contains(">0.25</td>"));
/// ```
#[derive(Clone, Debug)]
pub struct Table {
    df: DataFrame,
}

impl Table {
    /// Wraps a frame.
    pub fn new(df: DataFrame) -> Table {
        Table { df }
    }

    /// The frame, borrowed.
    pub fn df(&self) -> &DataFrame {
        &self.df
    }

    /// The frame, moved out.
    pub fn into_df(self) -> DataFrame {
        self.df
    }

    /// The column names, in order.
    pub fn columns(&self) -> Vec<String> {
        self.df.columns().iter().map(|c| c.name().to_string()).collect()
    }

    /// The number of rows.
    pub fn height(&self) -> usize {
        self.df.height()
    }

    /// The table as an HTML `<table>`, numbers to six significant digits.
    ///
    /// Tables longer than [`HTML_MAX_ROWS`] show their first and last rows
    /// with a marker row between.
    pub fn to_html(&self) -> String {
        let df = &self.df;
        let (height, width) = df.shape();
        let mut html = String::with_capacity(64 * (height.min(HTML_MAX_ROWS) + 2) * (width + 1));
        html.push_str(
            r#"<table class="parlab-table" style="border-collapse:collapse;font-variant-numeric:tabular-nums">"#,
        );
        html.push_str("<thead><tr>");
        for column in df.columns() {
            let _ = write!(html, r#"<th style="text-align:right;padding:2px 8px">{}</th>"#, escape(column.name()));
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
                    for column in df.columns() {
                        let cell = column.get(i).map(|v| html_cell(&v)).unwrap_or_default();
                        let _ = write!(html, "<td>{}</td>", escape(&cell));
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
        let df = &self.df;
        let mut csv = String::new();
        let names: Vec<String> = df.columns().iter().map(|c| csv_field(c.name())).collect();
        csv.push_str(&names.join(","));
        csv.push('\n');
        for i in 0..df.height() {
            let cells: Vec<String> =
                df.columns().iter().map(|c| c.get(i).map(|v| csv_cell(&v)).unwrap_or_default()).collect();
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
            "EVCXR_BEGIN_CONTENT text/plain\n{}\nEVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n{}\nEVCXR_END_CONTENT\n",
            self.df,
            self.to_html()
        )
    }
}

impl From<DataFrame> for Table {
    fn from(df: DataFrame) -> Table {
        Table::new(df)
    }
}

/// Plain text, as polars prints a frame.
impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.df, f)
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

fn html_cell(value: &AnyValue<'_>) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::Float64(x) => format_number(*x),
        AnyValue::Float32(x) => format_number(f64::from(*x)),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Boolean(b) => (if *b { "yes" } else { "no" }).to_string(),
        other => other.to_string(),
    }
}

fn csv_cell(value: &AnyValue<'_>) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::Float64(x) => csv_float(*x),
        AnyValue::Float32(x) => csv_float(f64::from(*x)),
        AnyValue::String(s) => csv_field(s),
        AnyValue::StringOwned(s) => csv_field(s),
        other => csv_field(&other.to_string()),
    }
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

fn frame(columns: Vec<Column>) -> Table {
    // Every builder below makes columns of one length, so this cannot fail.
    Table::new(DataFrame::new_infer_height(columns).expect("columns of equal length"))
}

fn col(name: &str, values: Vec<f64>) -> Column {
    Column::new(name.into(), values)
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
    let mut columns = vec![
        Column::new("n".into(), points.iter().map(|p| p.n).collect::<Vec<u64>>()),
        col("value", points.iter().map(|p| p.value).collect::<Vec<f64>>()),
    ];
    if let Some(exact) = exact {
        columns.push(col("error", points.iter().map(|p| p.value - exact).collect::<Vec<f64>>()));
        columns.push(col("|error|", points.iter().map(|p| (p.value - exact).abs()).collect::<Vec<f64>>()));
    }
    columns.push(Column::new(
        "error_estimate".into(),
        points.iter().map(|p| p.error_estimate).collect::<Vec<Option<f64>>>(),
    ));
    columns.push(Column::new("evaluations".into(), points.iter().map(|p| p.evaluations).collect::<Vec<u64>>()));
    frame(columns)
}

/// One row per task of a sweep: `index`, `n`, `worker`, `start_ms`, `end_ms`
/// and `ms` (its duration), times from the start of the sweep.
pub fn tasks_table(sweep: &Sweep) -> Table {
    let tasks = &sweep.tasks;
    frame(vec![
        Column::new("index".into(), tasks.iter().map(|t| t.index as u64).collect::<Vec<u64>>()),
        Column::new("n".into(), tasks.iter().map(|t| t.n).collect::<Vec<u64>>()),
        Column::new("worker".into(), tasks.iter().map(|t| t.worker as u64).collect::<Vec<u64>>()),
        col("start_ms", tasks.iter().map(|t| ms(t.start)).collect::<Vec<f64>>()),
        col("end_ms", tasks.iter().map(|t| ms(t.end)).collect::<Vec<f64>>()),
        col("ms", tasks.iter().map(|t| ms(t.end.saturating_sub(t.start))).collect::<Vec<f64>>()),
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
    frame(vec![
        Column::new("worker".into(), (0..workers as u64).collect::<Vec<u64>>()),
        Column::new("tasks".into(), tasks),
        col("busy_ms", busy.clone()),
        col("share", busy.iter().map(|b| if total > 0.0 { b / total } else { 0.0 }).collect()),
        col("idle_ms", busy.iter().map(|b| (elapsed - b).max(0.0)).collect()),
    ])
}

/// One row per thread count: `threads`, `median_ms`, `min_ms`, `max_ms`,
/// `spread`, `speedup`, `efficiency`, `karp_flatt` (empty for one thread)
/// and `oversubscribed`.
pub fn scaling_table(scaling: &Scaling) -> Table {
    let rows = &scaling.rows;
    frame(vec![
        Column::new("threads".into(), rows.iter().map(|r| r.threads as u64).collect::<Vec<u64>>()),
        col("median_ms", rows.iter().map(|r| ms(r.timing.median())).collect::<Vec<f64>>()),
        col("min_ms", rows.iter().map(|r| ms(r.timing.min())).collect::<Vec<f64>>()),
        col("max_ms", rows.iter().map(|r| ms(r.timing.max())).collect::<Vec<f64>>()),
        col("spread", rows.iter().map(|r| r.timing.spread()).collect::<Vec<f64>>()),
        col("speedup", rows.iter().map(|r| r.speedup).collect::<Vec<f64>>()),
        col("efficiency", rows.iter().map(|r| r.efficiency).collect::<Vec<f64>>()),
        Column::new("karp_flatt".into(), rows.iter().map(|r| r.karp_flatt).collect::<Vec<Option<f64>>>()),
        Column::new("oversubscribed".into(), rows.iter().map(|r| r.oversubscribed).collect::<Vec<bool>>()),
    ])
}

/// One row per labelled timing: `label`, `median_ms`, `min_ms`, `max_ms`,
/// `spread` and `runs`.
pub fn timings_table(rows: &[(&str, &Timing)]) -> Table {
    frame(vec![
        Column::new("label".into(), rows.iter().map(|(l, _)| l.to_string()).collect::<Vec<String>>()),
        col("median_ms", rows.iter().map(|(_, t)| ms(t.median())).collect::<Vec<f64>>()),
        col("min_ms", rows.iter().map(|(_, t)| ms(t.min())).collect::<Vec<f64>>()),
        col("max_ms", rows.iter().map(|(_, t)| ms(t.max())).collect::<Vec<f64>>()),
        col("spread", rows.iter().map(|(_, t)| t.spread()).collect::<Vec<f64>>()),
        Column::new("runs".into(), rows.iter().map(|(_, t)| t.runs.len() as u64).collect::<Vec<u64>>()),
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
    let height = columns.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    frame(
        columns
            .iter()
            .map(|(name, values)| {
                let padded: Vec<Option<f64>> = (0..height).map(|i| values.get(i).copied()).collect();
                Column::new((*name).into(), padded)
            })
            .collect(),
    )
}

/// A text table from named columns; a shorter column is padded with empty cells.
pub fn text_table(columns: &[(&str, Vec<String>)]) -> Table {
    let height = columns.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    frame(
        columns
            .iter()
            .map(|(name, values)| {
                let padded: Vec<Option<&str>> = (0..height).map(|i| values.get(i).map(String::as_str)).collect();
                Column::new((*name).into(), padded)
            })
            .collect(),
    )
}
