//! The validated interval with its rule, sampler and seed, and the estimate it makes.

use serde::{Deserialize, Serialize};

use super::area::Area;
use super::types::{Estimate, Rule, Sampler};
use super::{grid, monte_carlo, probe, sorting, spacings};
use crate::error::{Error, Result};
use crate::integrand::Integrand;
use crate::stream::{self, Stream};

/// The most points a rule may keep in memory at once (1 GiB of f64).
pub const MAX_IN_MEMORY: u64 = 1 << 27;
/// The most points any one estimate may use (about 5 minutes of work).
pub const MAX_POINTS: u64 = 100_000_000_000;

/// What to integrate over and how: a validated interval, a rule, a sampler and a seed.
///
/// Built by [`Setup::new`], which refuses a non-finite or empty interval. A
/// reversed interval (a > b) is integrated with the sign flipped, as in
/// ∫_a^b f = −∫_b^a f. After construction, an estimate can fail only because
/// of what the integrand does (NaN, ±∞, a panic).
///
/// # Examples
///
/// ```
/// use parlab::{Rule, Setup};
/// let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Simpson);
/// let est = setup.estimate(&|x: f64| x * x * x, 2).unwrap();
/// assert!((est.value - 0.25).abs() < 1e-15); // Simpson is exact for cubics
/// assert_eq!(est.evaluations, 3);
/// let flipped = Setup::new(1.0, 0.0).unwrap().with_rule(Rule::Simpson);
/// assert_eq!(flipped.estimate(&|x: f64| x * x * x, 2).unwrap().value, -est.value);
/// assert!(Setup::new(0.0, f64::NAN).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    a: f64,
    b: f64,
    rule: Rule,
    sampler: Sampler,
    seed: u64,
}

impl Setup {
    /// The interval [a, b] with the lecture's rule, the spacings sampler and seed 0.
    pub fn new(a: f64, b: f64) -> Result<Setup> {
        if !a.is_finite() || !b.is_finite() {
            return Err(Error::NonFiniteInterval { a, b });
        }
        if a == b {
            return Err(Error::EmptyInterval { a, b });
        }
        Ok(Setup { a, b, rule: Rule::Lecture, sampler: Sampler::Spacings, seed: 0 })
    }

    /// The same setup with another rule.
    pub fn with_rule(self, rule: Rule) -> Setup {
        Setup { rule, ..self }
    }

    /// The same setup with another sampler (random rules only).
    pub fn with_sampler(self, sampler: Sampler) -> Setup {
        Setup { sampler, ..self }
    }

    /// The same setup with another seed.
    pub fn with_seed(self, seed: u64) -> Setup {
        Setup { seed, ..self }
    }

    /// The lower end as given.
    pub fn a(&self) -> f64 {
        self.a
    }
    /// The upper end as given.
    pub fn b(&self) -> f64 {
        self.b
    }
    /// The rule.
    pub fn rule(&self) -> Rule {
        self.rule
    }
    /// The sampler.
    pub fn sampler(&self) -> Sampler {
        self.sampler
    }
    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Checks that the rule can take `n`, in principle, in memory and in time.
    ///
    /// A sweep takes every size this accepts, as the lecture's `range(samples)`
    /// does, the lecture's empty sums for n = 0 and 1 included; a single
    /// estimate should also pass [`Setup::check_single`].
    pub fn check(&self, n: u64) -> Result<()> {
        let rule = self.rule;
        if !rule.accepts(n) {
            return Err(match rule {
                Rule::Simpson if n >= 2 => Error::OddSimpson { n },
                Rule::Simpson => Error::TooFewPoints { rule: rule.name(), n, min: 2 },
                _ => Error::TooFewPoints { rule: rule.name(), n, min: 1 },
            });
        }
        if n > MAX_POINTS {
            return Err(Error::TooManyPoints {
                rule: rule.name(),
                n,
                why: format!(
                    "the limit is {MAX_POINTS:.0e} points (several minutes of work); split the work or use a better rule"
                ),
            });
        }
        let sorts = matches!(self.sampler, Sampler::Sort | Sampler::Bucket);
        if matches!(rule, Rule::Lecture | Rule::Partition) && sorts && n > MAX_IN_MEMORY {
            return Err(Error::TooManyPoints {
                rule: rule.name(),
                n,
                why: format!(
                    "the {} sampler keeps all n points in memory ({:.1} GiB), above the limit of {MAX_IN_MEMORY} points; use the spacings sampler, which streams",
                    self.sampler,
                    (n as f64) * 8.0 / (1u64 << 30) as f64
                ),
            });
        }
        Ok(())
    }

    /// [`Setup::check`] for an estimate on its own: also refuses an `n` for
    /// which the rule sums no terms ([`Rule::terms`]), whose value, 0, would
    /// pass for an estimate.
    ///
    /// ```
    /// use parlab::{Error, Setup};
    /// let lecture = Setup::new(0.0, 1.0).unwrap();
    /// assert_eq!(lecture.check(1), Ok(())); // a sweep keeps n = 1, as the lecture does
    /// assert_eq!(lecture.check_single(1), Err(Error::EmptySum { rule: "lecture", n: 1, min: 2 }));
    /// assert_eq!(lecture.check_single(2), Ok(()));
    /// ```
    pub fn check_single(&self, n: u64) -> Result<()> {
        self.check(n)?;
        if self.rule.terms(n) == 0 {
            let min = (n + 1..).find(|&m| self.rule.accepts(m) && self.rule.terms(m) > 0).unwrap_or(n + 1);
            return Err(Error::EmptySum { rule: self.rule.name(), n, min });
        }
        Ok(())
    }

    /// One estimate with `n` points, drawn from the stream seeded by `(seed, n)`.
    ///
    /// Because the stream depends on n and the seed only, the estimate for a
    /// given n is the same whether it is computed alone, in a sweep, or on any
    /// backend. The lecture's rule gives 0 for n = 0 and 1, as the lecture
    /// does: its sum has no terms then ([`Setup::check_single`] refuses those).
    ///
    /// # Scope
    ///
    /// `f` is borrowed (shared) for the duration of the call; nothing keeps it
    /// afterwards. The stream is created, owned and dropped inside the call.
    /// `f` is a `&dyn Integrand` (any closure, `fn`, [`Expr`](crate::Expr),
    /// [`Func`](crate::Func) or catalogue entry coerces to it), so this
    /// function is compiled once, in parlab, not again for every closure; it
    /// calls `f` once per block of points ([`Integrand::eval_block`]), whose
    /// loop is compiled where `f`'s type is known.
    pub fn estimate(&self, f: &dyn Integrand, n: u64) -> Result<Estimate> {
        self.check(n)?;
        self.estimate_checked(f, n)
    }

    /// [`Setup::estimate`] without the check of `n`, for sweeps that checked every size first.
    pub(crate) fn estimate_checked<F: Integrand + ?Sized>(&self, f: &F, n: u64) -> Result<Estimate> {
        let mut stream = stream::stream(self.seed, n);
        let (value, error_estimate) = self.apply(f, n, &mut stream.clone());
        if !value.is_finite() || error_estimate.is_some_and(|e| !e.is_finite()) {
            return Err(self.locate_non_finite(&|x| f.eval(x), n, &mut stream, value));
        }
        Ok(Estimate { rule: self.rule, n, value, evaluations: self.rule.evaluations(n), error_estimate })
    }

    /// Runs the rule once more with a probe that remembers the first
    /// non-finite value: the same stream gives the same points, so the hot
    /// loop never pays for the check.
    fn locate_non_finite(&self, f: &dyn Integrand, n: u64, stream: &mut Stream, value: f64) -> Error {
        // Only on the error path: through `dyn`, so this is compiled once.
        match probe::first_non_finite(f, |probe| {
            self.apply(probe, n, stream);
        }) {
            Some((x, value)) => Error::NonFinite { x, value },
            None => Error::Overflow { value },
        }
    }

    /// The rule itself: the estimate and its error estimate, drawing from `stream`.
    ///
    /// `n` must have passed [`Setup::check`]. Randomness is passed in, never made here.
    pub fn apply<F: Integrand + ?Sized>(&self, f: &F, n: u64, stream: &mut Stream) -> (f64, Option<f64>) {
        let (lo, hi, sign) = if self.a < self.b { (self.a, self.b, 1.0) } else { (self.b, self.a, -1.0) };
        let (value, err) = match self.rule {
            Rule::Lecture | Rule::Partition => {
                let ends = self.rule == Rule::Partition;
                let area = match self.sampler {
                    Sampler::Spacings => spacings::area(f, lo, hi, n, stream, ends),
                    Sampler::Bucket => Area::over(f, lo, hi, &sorting::by_buckets(lo, hi, n, stream), ends),
                    Sampler::Sort => Area::over(f, lo, hi, &sorting::by_comparison(lo, hi, n, stream), ends),
                };
                (area, None)
            }
            Rule::MonteCarlo => monte_carlo::estimate(f, lo, hi, n, stream),
            Rule::Midpoint => (grid::midpoint(f, lo, hi, n), None),
            Rule::Trapezoid => (grid::trapezoid(f, lo, hi, n), None),
            Rule::Simpson => (grid::simpson(f, lo, hi, n), None),
        };
        (sign * value, err)
    }
}
