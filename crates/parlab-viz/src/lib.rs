//! parlab-viz: tables and charts (plotters) of parlab results, shown
//! inline in evcxr notebooks and written as CSV and SVG files.
//!
//! # Map: which notebook uses which item
//!
//! | notebook | items |
//! |---|---|
//! | `02-serial` | [`estimate_chart`], [`error_chart`], [`sweep_table`] |
//! | `03-parallel` | [`timeline_chart`], [`tasks_table`], [`workers_table`] |
//! | `04-timing` | [`speedup_chart`], [`efficiency_chart`], [`scaling_table`], [`timings_table`], [`work_precision_chart`] |
//! | `05-lab` | any of the above, and [`table`], [`text_table`], [`line_chart`] for your own numbers |
//! | `06-distributed` | [`tasks_timeline_chart`] |
//!
//! Every item is a plain function from parlab's results to a [`Table`] or a
//! [`Chart`]. Both show themselves when they are a cell's last expression
//! (evcxr calls their `evcxr_display`); the kernel keeps only the last
//! table and the last chart of a cell, so show one per cell.
//!
//! # Why plain functions
//!
//! plotters is generic; a notebook cell that uses its generics itself (a
//! plotters `ChartBuilder`) compiles them into the cell, which takes 10 s or
//! more each time. Calling a function of this crate, compiled once, takes
//! well under a second. Hence [`table`] and [`line_chart`] for ad-hoc numbers.
//!
//! plotters is re-exported, so a notebook that does need it uses this crate's
//! copy rather than compiling a second one.
//!
//! # Examples
//!
//! ```
//! use parlab::{serial, sweep, Rule, Setup};
//! let f = |x: f64| 1.0 / (1.0 + x * x);
//! let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Trapezoid);
//! let s = serial::sweep(&f, &setup, &sweep::doubling(1, 1024)).unwrap();
//! let exact = std::f64::consts::FRAC_PI_4;
//!
//! let table = parlab_viz::sweep_table(&s, Some(exact));
//! assert_eq!(table.height(), 11);
//! assert!(table.to_html().starts_with("<table"));
//!
//! let chart = parlab_viz::error_chart(&[&s], exact);
//! assert!(chart.svg().contains("trapezoid"));
//! ```

#![warn(missing_docs)]

mod chart;
mod convergence;
pub mod error;
mod scaling;
mod table;
mod timeline;

pub use chart::{Chart, HEIGHT, Series, WIDTH, line_chart};
pub use convergence::{REFERENCE_SLOPES, error_chart, estimate_chart, work_precision_chart, work_precision_chart_with};
pub use error::{Error, Result};
pub use scaling::{efficiency_chart, speedup_chart};
pub use table::{
    Cell, HTML_MAX_ROWS, Table, format_number, scaling_table, sweep_table, table, tasks_table, text_table,
    timings_table, workers_table,
};
pub use timeline::{tasks_timeline_chart, timeline_chart};

/// The integrator library, re-exported so a notebook needs one `:dep`.
pub use parlab;
/// plotters, re-exported: use this copy rather than a second `:dep`.
pub use plotters;
/// serde_json, re-exported: a notebook reads the `parlab` command's `--json` output with it, without a second `:dep`.
pub use serde_json;

#[cfg(test)]
mod tests;
