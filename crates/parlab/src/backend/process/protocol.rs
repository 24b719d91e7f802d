//! The lines that cross the pipes: a header, batch requests, and one reply per task.

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

/// A batch for a worker: the header's tasks `from..to`, to run in that order.
#[derive(Serialize, Deserialize)]
pub(super) struct Request {
    pub(super) from: usize,
    pub(super) to: usize,
}

/// A worker's answer to one task: a value, or the task's error as text; and
/// when it ran, in seconds on the worker's own clock (from when it read the header).
#[derive(Serialize, Deserialize)]
pub(super) struct Reply {
    pub(super) index: usize,
    pub(super) n: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) evaluations: Option<u64>,
    #[serde(default)]
    pub(super) error_estimate: Option<f64>,
    #[serde(default)]
    pub(super) start: f64,
    #[serde(default)]
    pub(super) end: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
}
