//! One estimate cut into blocks, so that any number of workers gives the same bits.
//!
//! An estimate of n points is cut into blocks of [`BLOCK_POINTS`] points (or
//! panels): block b holds the indices b·B ≤ i < min((b + 1)·B, n). Each
//! block draws its random numbers from its own stream, made from
//! `(seed, n, b)` ([`crate::stream::block_stream`]), never from who computes
//! it, and the blocks' sums are added in block order. So the value is the
//! same, bit for bit, whether one thread computes every block or many
//! threads, processes or machines share them. Block 0's stream is the
//! estimate's own stream, so an estimate of at most one block is the very
//! estimate [`Setup::estimate`] makes.
//!
//! # Formula
//!
//! ```text
//! midpoint, trapezoid, Simpson:  each block sums f over its own panels; the ends f(a), f(b) go to the first and last block
//! monte-carlo:                   each block sums f(x) and f(x)² over its points; the mean and spread come from the totals
//! lecture, partition (spacings): x_i = a + (b − a)·S_i / S,  S_i = E_0 + … + E_{i−1},  S = E_0 + … + E_n
//!     pass 1: block b sums its spacings, T_b
//!     between: offsets O_0 = 0, O_{b+1} = O_b + T_b, and S = O_last + T_last, in block order
//!     pass 2: block b draws its spacings again and sums (x_i − x_{i−1}) f(x_i) over its points,
//!             with S_i = O_b + (its running sum from 0), after the point a + (b − a)·O_b / S
//! ```
//!
//! The sort and bucket samplers put all n points in order at once, so they
//! run as one block, on one worker, whatever the number of workers.

use std::panic::{self, AssertUnwindSafe};

use serde::{Deserialize, Serialize};

use super::area::Area;
use super::spacings::feed_running;
use super::types::{Estimate, Rule, Sampler};
use super::{grid, monte_carlo, probe, setup::Setup, sorting};
use crate::error::{Error, Result, panic_message};
use crate::integrand::Integrand;
use crate::stream::{self, Stream};

/// Points (or panels) in one block: 2^20, about 3 ms of the lecture's rule.
///
/// Large enough that the cost of a block's start (a stream, a second pass's
/// replay) is nothing, small enough that 10^10 points make about 9 500
/// blocks to share out, and an estimate of up to a million points is one block.
pub const BLOCK_POINTS: u64 = 1 << 20;

/// One estimate, cut into blocks: the setup, n and the block size.
///
/// # Examples
///
/// One worker, the serial way: pass 1 where the rule needs it, every block,
/// then the sum in block order.
///
/// ```
/// use parlab::split::Split;
/// use parlab::Setup;
/// let f = |x: f64| 1.0 / (1.0 + x * x);
/// let setup = Setup::new(0.0, 1.0).unwrap().with_seed(7);
/// let split = Split::new(setup, 10_000).unwrap().with_block_size(4096).unwrap();
/// assert_eq!(split.blocks(), 3);
/// let offsets = split.two_pass().then(|| split.offsets(&split.pass_one()));
/// let partials: Vec<_> = (0..split.blocks()).map(|b| split.block(&f, b, offsets.as_ref())).collect();
/// let estimate = split.combine(&partials).unwrap();
/// assert!((estimate.value - std::f64::consts::FRAC_PI_4).abs() < 1e-3);
/// // At most one block: the very estimate `Setup::estimate` makes.
/// let small = Split::new(setup, 1000).unwrap();
/// assert_eq!(parlab::split::serial(&f, &small).unwrap(), setup.estimate(&f, 1000).unwrap());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Split {
    setup: Setup,
    n: u64,
    size: u64,
}

/// What one block adds to the estimate, in the rule's own terms.
///
/// Small and `Copy`, so it crosses threads, processes and messages as it is.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// The block it comes from.
    pub block: u64,
    /// The block's sums: the area (lecture, partition), Σf and Σf²
    /// (Monte Carlo), Σf (midpoint, trapezoid), Σf at odd and at even ends (Simpson).
    pub sums: [f64; 2],
    /// f(a) in the first block and f(b) in the last, where the rule uses them (trapezoid, Simpson).
    pub ends: [f64; 2],
    /// Where the integrand first returned NaN or ±∞ in this block, if it did.
    pub non_finite: Option<(f64, f64)>,
}

/// Where each block's points start, from pass 1 (the spacings sampler only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offsets {
    /// The sum of all n + 1 spacings, S.
    pub total: f64,
    /// For each block, the sum of the spacings before it, O_b.
    pub starts: Vec<f64>,
}

impl Split {
    /// The estimate [`Setup::estimate`] makes with n points, in blocks of [`BLOCK_POINTS`].
    ///
    /// Refuses what [`Setup::check_single`] refuses.
    pub fn new(setup: Setup, n: u64) -> Result<Split> {
        setup.check_single(n)?;
        Ok(Split { setup, n, size: BLOCK_POINTS })
    }

    /// The same estimate in blocks of `size` points: the value changes with
    /// the block size (other streams, other sums), never with the workers.
    pub fn with_block_size(self, size: u64) -> Result<Split> {
        if size == 0 {
            return Err(Error::ZeroBlockSize);
        }
        Ok(Split { size, ..self })
    }

    /// The setup.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }
    /// The number of points (or panels).
    pub fn n(&self) -> u64 {
        self.n
    }
    /// Points (or panels) per block.
    pub fn block_size(&self) -> u64 {
        self.size
    }

    /// Whether the sampler sorts all points at once, and so runs as one block.
    fn sorts(&self) -> bool {
        matches!(self.setup.rule(), Rule::Lecture | Rule::Partition)
            && matches!(self.setup.sampler(), Sampler::Sort | Sampler::Bucket)
    }

    /// How many blocks: ⌈n / size⌉, at least 1; 1 for the sort and bucket samplers.
    pub fn blocks(&self) -> u64 {
        if self.sorts() { 1 } else { self.n.div_ceil(self.size).max(1) }
    }

    /// Whether blocks need [`Offsets`] from a first pass: the lecture and
    /// partition rules with the spacings sampler.
    pub fn two_pass(&self) -> bool {
        matches!(self.setup.rule(), Rule::Lecture | Rule::Partition) && self.setup.sampler() == Sampler::Spacings
    }

    /// How many points (or panels) `block` holds: the block size, or fewer in the last block.
    pub fn points(&self, block: u64) -> u64 {
        self.range(block).end - self.range(block).start
    }

    /// The indices of the points (or panels) of `block`.
    fn range(&self, block: u64) -> std::ops::Range<u64> {
        if self.sorts() {
            return 0..self.n;
        }
        let start = block * self.size;
        start..self.n.min(start + self.size)
    }

    fn is_last(&self, block: u64) -> bool {
        block + 1 == self.blocks()
    }

    fn stream(&self, block: u64) -> Stream {
        stream::block_stream(self.setup.seed(), self.n, block)
    }

    fn interval(&self) -> (f64, f64, f64) {
        let (a, b) = (self.setup.a(), self.setup.b());
        if a < b { (a, b, 1.0) } else { (b, a, -1.0) }
    }

    /// Pass 1 for one block (spacings sampler): the sum of its spacings, T_b,
    /// one per point, and the last block's one more after its last point.
    pub fn spacing_sum(&self, block: u64) -> f64 {
        let count = self.range(block).count() as u64 + u64::from(self.is_last(block));
        self.stream(block).spacing_sums().skip(count)
    }

    /// Pass 1 for every block, in order, on this thread.
    pub fn pass_one(&self) -> Vec<f64> {
        (0..self.blocks()).map(|b| self.spacing_sum(b)).collect()
    }

    /// Between the passes: each block's offset and the total, from every
    /// block's [`Split::spacing_sum`] in block order.
    ///
    /// # Panics
    ///
    /// If `sums` does not hold one sum per block.
    pub fn offsets(&self, sums: &[f64]) -> Offsets {
        assert_eq!(sums.len() as u64, self.blocks(), "one pass-1 sum per block");
        let mut starts = Vec::with_capacity(sums.len());
        let mut before = 0.0;
        for &sum in sums {
            starts.push(before);
            before += sum;
        }
        Offsets { total: before, starts }
    }

    /// One block's partial sums (pass 2 for the spacings sampler, the only
    /// pass for the others). Where the integrand returned NaN or ±∞ the block
    /// is computed again through a probe, to say where.
    ///
    /// # Panics
    ///
    /// If the rule is [`Split::two_pass`] and `offsets` is `None`, or `block`
    /// is not below [`Split::blocks`].
    ///
    /// # Scope
    ///
    /// `f` is borrowed (shared) for the call only; the block's stream is made,
    /// owned and dropped inside it, so blocks can run on any thread in any order.
    pub fn block(&self, f: &dyn Integrand, block: u64, offsets: Option<&Offsets>) -> Partial {
        assert!(block < self.blocks(), "block {block} of {}", self.blocks());
        let mut partial = self.sums(f, block, offsets);
        if !partial.sums.iter().chain(&partial.ends).all(|v| v.is_finite()) {
            partial.non_finite = probe::first_non_finite(f, |probe| {
                self.sums(probe, block, offsets);
            });
        }
        partial
    }

    fn sums(&self, f: &dyn Integrand, block: u64, offsets: Option<&Offsets>) -> Partial {
        let (lo, hi, _) = self.interval();
        let range = self.range(block);
        let (first, last) = (block == 0, self.is_last(block));
        let mut stream = self.stream(block);
        let h = (hi - lo) / self.n as f64;
        // The inner ends of the trapezoid and Simpson rules are 1..n.
        let inner = range.start.max(1)..range.end;
        let end = |yes: bool, x: f64| if yes { f.eval(x) } else { 0.0 };
        let (sums, ends) = match self.setup.rule() {
            Rule::Lecture | Rule::Partition => {
                let ends = self.setup.rule() == Rule::Partition;
                let area = match self.setup.sampler() {
                    Sampler::Spacings => {
                        let offsets = offsets.expect("the spacings sampler needs the offsets from pass 1");
                        let offset = offsets.starts[block as usize];
                        let scale = (hi - lo) / offsets.total;
                        let prev = if first { lo } else { lo + scale * offset };
                        let mut area = Area::resume(prev, range.start + 1, ends, last);
                        feed_running(
                            f,
                            &mut area,
                            lo,
                            scale,
                            offset,
                            range.end - range.start,
                            &mut stream.spacing_sums(),
                        );
                        area.finish(f, hi)
                    }
                    Sampler::Bucket => Area::over(f, lo, hi, &sorting::by_buckets(lo, hi, self.n, &mut stream), ends),
                    Sampler::Sort => Area::over(f, lo, hi, &sorting::by_comparison(lo, hi, self.n, &mut stream), ends),
                };
                ([area, 0.0], [0.0; 2])
            }
            Rule::MonteCarlo => {
                let (sum, sum_sq) = monte_carlo::sums(f, lo, hi, range.end - range.start, &mut stream);
                ([sum, sum_sq], [0.0; 2])
            }
            Rule::Midpoint => ([grid::midpoint_sum(f, lo, h, range), 0.0], [0.0; 2]),
            Rule::Trapezoid => {
                let sum = grid::ends_sum(f, lo, h, inner);
                ([sum, 0.0], [end(first, lo), end(last, hi)])
            }
            Rule::Simpson => {
                let (odd, even) = grid::odd_even_sums(f, lo, h, inner);
                ([odd, even], [end(first, lo), end(last, hi)])
            }
        };
        Partial { block, sums, ends, non_finite: None }
    }

    /// The estimate from every block's [`Partial`], added in block order.
    ///
    /// Refuses a list that is not one partial per block in order, and, as
    /// [`Setup::estimate`] does, a value that is not finite: with where the
    /// integrand first returned NaN or ±∞, or as an overflow.
    pub fn combine(&self, partials: &[Partial]) -> Result<Estimate> {
        let blocks = self.blocks();
        if partials.len() as u64 != blocks || partials.iter().zip(0..).any(|(p, b)| p.block != b) {
            return Err(Error::Partials { blocks, got: partials.iter().map(|p| p.block).collect() });
        }
        let mut sums = partials[0].sums;
        for p in &partials[1..] {
            sums[0] += p.sums[0];
            sums[1] += p.sums[1];
        }
        let ends = [partials[0].ends[0], partials[partials.len() - 1].ends[1]];
        let (lo, hi, sign) = self.interval();
        let (n, h) = (self.n, (hi - lo) / self.n as f64);
        let (value, error_estimate) = match self.setup.rule() {
            Rule::Lecture | Rule::Partition => (sums[0], None),
            Rule::MonteCarlo => monte_carlo::from_sums(hi - lo, n, sums[0], sums[1]),
            Rule::Midpoint => (h * sums[0], None),
            Rule::Trapezoid => (h * (0.5 * ends[0] + sums[0] + 0.5 * ends[1]), None),
            Rule::Simpson => (h / 3.0 * (ends[0] + 4.0 * sums[0] + 2.0 * sums[1] + ends[1]), None),
        };
        let value = sign * value;
        if !value.is_finite() || error_estimate.is_some_and(|e| !e.is_finite()) {
            return Err(match partials.iter().find_map(|p| p.non_finite) {
                Some((x, value)) => Error::NonFinite { x, value },
                None => Error::Overflow { value },
            });
        }
        let rule = self.setup.rule();
        Ok(Estimate { rule, n, value, evaluations: rule.evaluations(n), error_estimate })
    }
}

/// Runs one block's work, on whatever thread or process: a panic in the
/// integrand becomes [`Error::BlockPanicked`], naming the block.
pub(crate) fn guarded<T>(block: u64, work: impl FnOnce() -> T) -> Result<T> {
    // scope: AssertUnwindSafe because on a panic everything the block made is dropped and nothing kept.
    panic::catch_unwind(AssertUnwindSafe(work))
        .map_err(|payload| Error::BlockPanicked { block, message: panic_message(payload.as_ref()) })
}
