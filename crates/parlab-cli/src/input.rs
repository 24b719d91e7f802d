//! From the command line's words to the library's validated values.

use anyhow::Result;
use parlab::catalogue::{self, Entry};
use parlab::{Expr, Integrand, Setup};

use crate::cli::Problem;

/// The integrand the user named.
///
/// A catalogue entry stays an entry (not an expression of it), so the process
/// backend sends it to workers by name; a `--fn` text stays an expression and
/// travels as text.
// One per run: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    Entry(&'static Entry),
    Expr(Expr),
}

impl Source {
    /// The integrand, as the library takes it. A catalogue entry goes in as
    /// itself: the library keeps its own fast kernel for the lecture's entry
    /// and sends entries to workers by name.
    pub fn integrand(&self) -> &dyn Integrand {
        match self {
            Source::Entry(entry) => *entry,
            Source::Expr(expr) => expr,
        }
    }

    /// The catalogue name, or the expression's text.
    pub fn name(&self) -> &str {
        match self {
            Source::Entry(entry) => entry.name,
            Source::Expr(expr) => expr.text(),
        }
    }

    /// The function in the expression language.
    pub fn formula(&self) -> &str {
        match self {
            Source::Entry(entry) => entry.formula,
            Source::Expr(expr) => expr.text(),
        }
    }
}

/// A validated problem: what to integrate, and the setup to integrate it with.
pub struct Job {
    pub source: Source,
    pub setup: Setup,
}

/// What every JSON report says first: the integrand and the setup.
#[derive(serde::Serialize)]
pub struct Described<'a> {
    pub integrand: &'a str,
    pub formula: &'a str,
    pub from: f64,
    pub to: f64,
    pub rule: parlab::Rule,
    pub sampler: parlab::Sampler,
    pub seed: u64,
}

impl Job {
    /// The integrand and the setup, for a report.
    pub fn describe(&self) -> Described<'_> {
        let setup = &self.setup;
        Described {
            integrand: self.source.name(),
            formula: self.source.formula(),
            from: setup.a(),
            to: setup.b(),
            rule: setup.rule(),
            sampler: setup.sampler(),
            seed: setup.seed(),
        }
    }

    /// Resolves the integrand and builds the setup; every refusal is the library's own error.
    pub fn from_problem(problem: &Problem) -> Result<Job> {
        let source = match (&problem.expr, &problem.integrand) {
            (Some(text), _) => Source::Expr(Expr::parse(text)?),
            (None, Some(name)) => Source::Entry(catalogue::get(name.trim())?),
            (None, None) => Source::Entry(catalogue::get("lecture")?),
        };
        let (a, b) = match &source {
            Source::Entry(entry) if problem.expr.is_none() && problem.integrand.is_some() => (entry.a, entry.b),
            // The lecture's default: its integrand on [0, 1].
            _ => (0.0, 1.0),
        };
        let setup = Setup::new(problem.from.unwrap_or(a), problem.to.unwrap_or(b))?
            .with_rule(problem.rule)
            .with_sampler(problem.sampler)
            .with_seed(problem.seed);
        Ok(Job { source, setup })
    }

    /// The exact integral over the setup's interval, when the catalogue knows it:
    /// the entry's own interval, or its reverse (with the sign flipped).
    pub fn exact(&self) -> Option<f64> {
        let Source::Entry(entry) = &self.source else { return None };
        let (a, b) = (self.setup.a(), self.setup.b());
        if (a, b) == (entry.a, entry.b) {
            Some(entry.exact)
        } else if (a, b) == (entry.b, entry.a) {
            Some(-entry.exact)
        } else {
            None
        }
    }
}
