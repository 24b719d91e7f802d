//! The lab's notebook rules, shared by `cargo lab` and the integration tests.
//!
//! - [`notebook`]: reading `.ipynb` files, and the rules every committed
//!   notebook keeps (no outputs, the `rust` kernel, a first cell of `:dep` and
//!   `:` lines only).
//! - [`exercise`]: the student version of a lab notebook, generated from its
//!   solutions (`cargo lab gen`), and the rules its hints and nbgrader metadata keep.
//! - [`nbgrader`]: the lab as an nbgrader course (`cargo lab grade`).
//!
//! The `cargo lab` command itself (setup, open, run, doctor, gen, grade, test) lives in the
//! binary target of this crate.

pub mod exercise;
pub mod nbgrader;
pub mod notebook;

use std::path::PathBuf;

/// Why a notebook could not be read, checked or generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{path} is not valid JSON: {source} (was it saved half-way? open it in JupyterLab or restore it with git)")]
    Json {
        /// The file.
        path: PathBuf,
        /// Where the JSON broke.
        source: serde_json::Error,
    },
    /// The JSON is not shaped like a notebook (nbformat 4).
    #[error("{path} is not a notebook: {what}")]
    NotANotebook {
        /// The file.
        path: PathBuf,
        /// What is missing or wrong.
        what: String,
    },
    /// A solution marker the generator cannot honour.
    #[error("{path}, cell {cell}, line {line}: {what}")]
    Marker {
        /// The solutions file.
        path: PathBuf,
        /// The cell, counted from 1.
        cell: usize,
        /// The line inside the cell, counted from 1.
        line: usize,
        /// What is wrong and how to fix it.
        what: String,
    },
}
