//! The lines that cross the pipes: a header, task requests, and replies.

use serde::{Deserialize, Serialize};

use crate::integrand::Recipe;
use crate::rule::Setup;

/// The first line to a worker: what to integrate, and how.
#[derive(Serialize, Deserialize)]
pub(super) struct Header {
    pub(super) recipe: Recipe,
    pub(super) setup: Setup,
}

/// One task for a worker.
#[derive(Serialize, Deserialize)]
pub(super) struct Request {
    pub(super) index: usize,
    pub(super) n: u64,
}

/// A worker's answer to one task: a value, or the task's error as text.
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
    pub(super) seconds: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) error: Option<String>,
}
