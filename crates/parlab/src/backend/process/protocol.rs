//! The lines that cross the pipes: a header, batch requests, and one reply per task.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::integrand::Recipe;
use crate::rule::Setup;

/// The first line to a worker: what to integrate, how, and every task of the
/// sweep in the order the parent hands them out.
#[derive(Serialize, Deserialize)]
pub(super) struct Header {
    pub(super) recipe: Recipe,
    pub(super) setup: Setup,
    /// `(index, n)`: the task's place in the sizes, and its size.
    pub(super) tasks: Vec<(usize, u64)>,
}

impl Header {
    /// The header as the line the parent writes.
    pub(super) fn line(recipe: Recipe, setup: &Setup, tasks: &[(usize, u64)]) -> String {
        let header = Header { recipe, setup: *setup, tasks: tasks.to_vec() };
        serde_json::to_string(&header).expect("headers serialize")
    }
}

/// A batch for a worker: the header's tasks `from..to`, to run in that order.
#[derive(Serialize, Deserialize)]
pub(super) struct Request {
    pub(super) from: usize,
    pub(super) to: usize,
}

impl Request {
    /// The request for the header's tasks `batch`, as the line the parent writes.
    pub(super) fn line(batch: &Range<usize>) -> String {
        serde_json::to_string(&Request { from: batch.start, to: batch.end }).expect("requests serialize")
    }
}

/// A worker's answer to one task: a value, or the task's error as text; and
/// when it ran, in seconds on the worker's own clock (from when it read the header).
#[derive(Serialize, Deserialize)]
pub(crate) struct Reply {
    pub(crate) index: usize,
    pub(crate) n: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) evaluations: Option<u64>,
    #[serde(default)]
    pub(crate) error_estimate: Option<f64>,
    #[serde(default)]
    pub(crate) start: f64,
    #[serde(default)]
    pub(crate) end: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}
