//! The lines that cross the pipes: a header, batch requests (and the offsets between a split's passes), one reply per task.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::integrand::Recipe;
use crate::rule::Setup;
use crate::rule::split::{Offsets, Partial, Split};

/// The first line to a worker: what to integrate, how, and every task of the
/// run in the order the parent hands them out.
#[derive(Serialize, Deserialize)]
pub(super) struct Header {
    pub(super) recipe: Recipe,
    /// A sweep's setup, or a split estimate: written as its own key, `"setup"` or `"split"`.
    #[serde(flatten)]
    pub(super) work: Work,
    /// `(index, n)`: a sweep's task is its place in the sizes and its size; a
    /// split's is its block and the points in it.
    pub(super) tasks: Vec<(usize, u64)>,
}

impl Header {
    /// A sweep's header, as the line the parent writes.
    pub(super) fn sweep_line(recipe: Recipe, setup: &Setup, tasks: &[(usize, u64)]) -> String {
        let header = Header { recipe, work: Work::Setup(*setup), tasks: tasks.to_vec() };
        serde_json::to_string(&header).expect("headers serialize")
    }
}

/// What the tasks of a header are.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Work {
    /// A sweep: each task is one estimate with this setup.
    Setup(Setup),
    /// One split estimate: each task is one of its blocks.
    Split(Split),
}

/// A line after the header.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum Line {
    /// A batch of the header's tasks.
    Batch(Request),
    /// Between a split's two passes, to every worker: where each block's points start.
    Between {
        /// Every block's offset, and the total.
        offsets: Offsets,
    },
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

/// A worker's answer to one task: a value (a sweep's estimate, or a block's
/// pass-1 spacing sum), a block's partial sums, or the task's error as text;
/// and when it ran, in seconds on the worker's own clock (from when it read the header).
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) partial: Option<Sums>,
    #[serde(default)]
    pub(crate) start: f64,
    #[serde(default)]
    pub(crate) end: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

impl Reply {
    /// An answer to task `(index, n)` with nothing in it yet.
    pub(super) fn new(index: usize, n: u64) -> Reply {
        Reply {
            index,
            n,
            value: None,
            evaluations: None,
            error_estimate: None,
            partial: None,
            start: 0.0,
            end: 0.0,
            error: None,
        }
    }
}

/// A block's [`Partial`] on the wire. A block's sums may be NaN or ±∞
/// (the integrand returned one, or the sum overflowed), which JSON numbers
/// cannot hold, so every number is a [`Float`].
#[derive(Serialize, Deserialize)]
pub(super) struct Sums {
    sums: [Float; 2],
    ends: [Float; 2],
    #[serde(default, skip_serializing_if = "Option::is_none")]
    non_finite: Option<[Float; 2]>,
}

/// An `f64` that crosses JSON with its bits: a number when finite
/// (written with enough digits to read back the same bits), else the text
/// `"NaN"`, `"inf"` or `"-inf"`.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Float {
    Finite(f64),
    Other(String),
}

impl From<f64> for Float {
    fn from(x: f64) -> Float {
        if x.is_finite() { Float::Finite(x) } else { Float::Other(x.to_string()) }
    }
}

impl Float {
    fn get(&self) -> Result<f64, String> {
        match self {
            Float::Finite(x) => Ok(*x),
            Float::Other(text) => text.parse().map_err(|_| format!("`{text}` is not a number")),
        }
    }
}

impl Sums {
    pub(super) fn new(p: &Partial) -> Sums {
        Sums {
            sums: p.sums.map(Float::from),
            ends: p.ends.map(Float::from),
            non_finite: p.non_finite.map(|(x, value)| [x.into(), value.into()]),
        }
    }

    /// The partial of `block`, or why these are not its numbers.
    pub(super) fn partial(&self, block: u64) -> Result<Partial, String> {
        let pair = |p: &[Float; 2]| Ok::<_, String>([p[0].get()?, p[1].get()?]);
        let non_finite = match &self.non_finite {
            Some(at) => Some(pair(at).map(|[x, value]| (x, value))?),
            None => None,
        };
        Ok(Partial { block, sums: pair(&self.sums)?, ends: pair(&self.ends)?, non_finite })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_crosses_with_its_bits_even_when_not_finite() {
        let p = Partial {
            block: 4,
            sums: [0.1 + 0.2, f64::INFINITY],
            ends: [f64::NEG_INFINITY, 1e-300],
            non_finite: Some((0.75, f64::NAN)),
        };
        let line = serde_json::to_string(&Sums::new(&p)).unwrap();
        assert!(line.contains(r#""inf""#) && line.contains(r#""NaN""#), "{line}");
        let back = serde_json::from_str::<Sums>(&line).unwrap().partial(4).unwrap();
        let bits = |q: &Partial| (q.sums.map(f64::to_bits), q.ends.map(f64::to_bits), q.non_finite.unwrap().0);
        assert_eq!(bits(&back), bits(&p));
        assert!(back.non_finite.unwrap().1.is_nan());
        let bad = serde_json::from_str::<Sums>(r#"{"sums":["lots",0],"ends":[0,0]}"#).unwrap();
        assert_eq!(bad.partial(0).unwrap_err(), "`lots` is not a number");
    }
}
