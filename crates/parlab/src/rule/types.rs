//! The names of the rules and samplers, and what one estimate holds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// An integration rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The lecture's estimator exactly: ignores both end intervals.
    Lecture,
    /// The random partition with both ends included.
    Partition,
    /// Plain Monte Carlo, with its standard error.
    MonteCarlo,
    /// The composite midpoint rule.
    Midpoint,
    /// The composite trapezoid rule.
    Trapezoid,
    /// The composite Simpson rule (n even).
    Simpson,
}

impl Rule {
    /// Every rule, in teaching order.
    pub const ALL: [Rule; 6] =
        [Rule::Lecture, Rule::Partition, Rule::MonteCarlo, Rule::Midpoint, Rule::Trapezoid, Rule::Simpson];

    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Lecture => "lecture",
            Rule::Partition => "partition",
            Rule::MonteCarlo => "monte-carlo",
            Rule::Midpoint => "midpoint",
            Rule::Trapezoid => "trapezoid",
            Rule::Simpson => "simpson",
        }
    }

    /// The order p for smooth integrands: the error shrinks as n^−p.
    pub fn order(self) -> f64 {
        match self {
            Rule::Lecture | Rule::Partition => 1.0,
            Rule::MonteCarlo => 0.5,
            Rule::Midpoint | Rule::Trapezoid => 2.0,
            Rule::Simpson => 4.0,
        }
    }

    /// Whether the rule draws random points.
    pub fn is_random(self) -> bool {
        matches!(self, Rule::Lecture | Rule::Partition | Rule::MonteCarlo)
    }

    /// Whether the rule can take `n` (ignoring memory and time limits).
    pub fn accepts(self, n: u64) -> bool {
        match self {
            Rule::Lecture | Rule::Partition => true,
            Rule::MonteCarlo | Rule::Midpoint | Rule::Trapezoid => n >= 1,
            Rule::Simpson => n >= 2 && n.is_multiple_of(2),
        }
    }

    /// How many times the rule evaluates f for `n`.
    pub fn evaluations(self, n: u64) -> u64 {
        match self {
            Rule::Lecture | Rule::MonteCarlo | Rule::Midpoint => n,
            Rule::Partition | Rule::Trapezoid | Rule::Simpson => n.saturating_add(1),
        }
    }

    /// How many terms the rule's sum has for `n` (points or panels).
    ///
    /// Zero means the estimate is an empty sum: its value, 0, estimates
    /// nothing. Of the sizes the rules accept, only the lecture's n = 0 and
    /// n = 1 are empty: its sum runs over i = 2..n.
    ///
    /// ```
    /// use parlab::Rule;
    /// assert_eq!(Rule::Lecture.terms(1), 0);
    /// assert_eq!(Rule::Lecture.terms(2), 1);
    /// assert_eq!(Rule::Partition.terms(0), 1); // [a, b] itself, times f(b)
    /// assert!(Rule::ALL.iter().all(|r| (2..100).filter(|&n| r.accepts(n)).all(|n| r.terms(n) > 0)));
    /// ```
    pub fn terms(self, n: u64) -> u64 {
        match self {
            Rule::Lecture => n.saturating_sub(1),
            Rule::MonteCarlo | Rule::Midpoint => n,
            Rule::Partition | Rule::Trapezoid | Rule::Simpson => n.saturating_add(1),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Rule {
    type Err = Error;
    fn from_str(name: &str) -> Result<Rule> {
        let wanted = name.trim().to_ascii_lowercase().replace('_', "-");
        let wanted = if wanted == "montecarlo" || wanted == "mc" { "monte-carlo".to_string() } else { wanted };
        Rule::ALL
            .into_iter()
            .find(|rule| rule.name() == wanted)
            .ok_or_else(|| Error::UnknownRule { name: name.to_string() })
    }
}

/// How the random rules get sorted uniform points.
///
/// All three give points with the same distribution. `sort` and `bucket`
/// sort the *same* draws, so they give the same bits; `spacings` draws other
/// numbers, so it gives other bits from the same distribution, faster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sampler {
    /// Normalised cumulative sums of n + 1 exponential spacings: sorted
    /// uniforms without sorting, O(n), and streamed for large n.
    #[default]
    Spacings,
    /// n uniform draws put in order by a bucket sort: O(n) expected.
    Bucket,
    /// n uniform draws put in order by a comparison sort: the lecture's way, O(n log n).
    Sort,
}

impl Sampler {
    /// Every sampler, fastest first.
    pub const ALL: [Sampler; 3] = [Sampler::Spacings, Sampler::Bucket, Sampler::Sort];

    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Sampler::Spacings => "spacings",
            Sampler::Bucket => "bucket",
            Sampler::Sort => "sort",
        }
    }
}

impl fmt::Display for Sampler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Sampler {
    type Err = Error;
    fn from_str(name: &str) -> Result<Sampler> {
        let wanted = name.trim().to_ascii_lowercase();
        Sampler::ALL
            .into_iter()
            .find(|s| s.name() == wanted)
            .ok_or_else(|| Error::UnknownSampler { name: name.to_string() })
    }
}

/// One estimate of an integral.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The rule that made it.
    pub rule: Rule,
    /// The number of points (random rules) or panels (grid rules).
    pub n: u64,
    /// The estimate.
    pub value: f64,
    /// How many times f was evaluated.
    pub evaluations: u64,
    /// The rule's own error estimate (the standard error, for Monte Carlo); `None` where it has none.
    pub error_estimate: Option<f64>,
}
