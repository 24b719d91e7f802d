//! One estimate on k ranks: which blocks rank r computes, and how rank 0 combines them.
//!
//! The estimate is a [`Split`]: fixed blocks, each drawing from the stream
//! seeded by `(seed, n, block)`. Rank r of k computes the blocks
//! `r, r + k, r + 2k, ...` (as `cpi.c` shares its loop), and what it sends
//! is plain `f64`s, the one kind of number MPI moves without translation:
//!
//! ```text
//! spacings sampler only, pass 1:  each rank sends T_b for its blocks to every rank (an all-gather);
//!                                 every rank puts them in block order and computes the same offsets
//! pass 2:                         each rank sends its blocks' partials to rank 0 (a gather), PARTIAL_LEN f64s each
//! rank 0:                         puts them in block order and adds them there (Split::combine)
//! ```
//!
//! Every rank computes the offsets from the same sums in the same order, so
//! they agree to the bit without a broadcast. Messages arrive grouped by
//! rank; [`in_block_order`] undoes that grouping, so the sums are added in
//! block order whatever the number of ranks.

use parlab::split::{Offsets, Partial, Split};
use parlab::{Estimate, Integrand, Recipe};
use serde::{Deserialize, Serialize};

use crate::{Outcome, share};

/// One split estimate, as every rank reads it.
///
/// # Scope
///
/// The integrand crosses to the ranks as text; each rank owns the one it rebuilds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitJob {
    /// The integrand, by catalogue name or expression text.
    pub recipe: Recipe,
    /// The setup, n and the block size.
    pub split: Split,
}

/// How many `f64`s one [`Partial`] takes in a message.
pub const PARTIAL_LEN: usize = 7;

/// The blocks rank `rank` of `ranks` computes: `rank, rank + ranks, ...`.
///
/// ```
/// use parlab::{Setup, split::Split};
/// let split = Split::new(Setup::new(0.0, 1.0).unwrap(), 10).unwrap().with_block_size(2).unwrap();
/// assert_eq!(parlab_mpi::split::blocks(&split, 1, 2).collect::<Vec<_>>(), [1, 3]);
/// ```
pub fn blocks(split: &Split, rank: usize, ranks: usize) -> impl Iterator<Item = u64> {
    share(split.blocks() as usize, rank, ranks).map(|b| b as u64)
}

/// How many blocks each rank computes, in rank order.
pub fn counts(split: &Split, ranks: usize) -> Vec<usize> {
    (0..ranks).map(|r| blocks(split, r, ranks).count()).collect()
}

/// Pass 1 on this rank: the spacing sum of each of its blocks, in its order.
pub fn spacing_sums(split: &Split, rank: usize, ranks: usize) -> Vec<f64> {
    blocks(split, rank, ranks).map(|b| split.spacing_sum(b)).collect()
}

/// Pass 2 on this rank: each of its blocks' partial, as [`PARTIAL_LEN`] `f64`s each, in its order.
///
/// # Scope
///
/// `f` and `offsets` are borrowed (shared) for the call.
pub fn partials(f: &dyn Integrand, split: &Split, offsets: Option<&Offsets>, rank: usize, ranks: usize) -> Vec<f64> {
    blocks(split, rank, ranks).flat_map(|b| encode(&split.block(f, b, offsets))).collect()
}

/// A partial as `f64`s: its sums, its ends, and where it met a non-finite value (a flag, x, f(x)).
pub fn encode(p: &Partial) -> [f64; PARTIAL_LEN] {
    let (flag, (x, value)) = match p.non_finite {
        Some(at) => (1.0, at),
        None => (0.0, (0.0, 0.0)),
    };
    [p.sums[0], p.sums[1], p.ends[0], p.ends[1], flag, x, value]
}

/// The partial of `block` back from its `f64`s.
///
/// # Panics
///
/// If `values` does not hold [`PARTIAL_LEN`] numbers.
pub fn decode(block: u64, values: &[f64]) -> Partial {
    let &[s0, s1, e0, e1, flag, x, value] = values else { panic!("a partial is {PARTIAL_LEN} numbers") };
    let non_finite = (flag != 0.0).then_some((x, value));
    Partial { block, sums: [s0, s1], ends: [e0, e1], non_finite }
}

/// What the ranks sent, grouped by rank as a gather delivers it, back in
/// block order: one slice of `width` numbers per block.
///
/// Block b is rank (b mod k)'s (b div k)-th.
///
/// # Panics
///
/// If `gathered` does not hold `width` numbers for every block.
///
/// ```
/// use parlab::{Setup, split::Split};
/// // 5 blocks on 2 ranks: rank 0 sent blocks 0, 2, 4 and rank 1 blocks 1, 3.
/// let split = Split::new(Setup::new(0.0, 1.0).unwrap(), 10).unwrap().with_block_size(2).unwrap();
/// let gathered = [0.0, 2.0, 4.0, 1.0, 3.0];
/// let ordered: Vec<f64> = parlab_mpi::split::in_block_order(&split, 2, &gathered, 1).concat();
/// assert_eq!(ordered, [0.0, 1.0, 2.0, 3.0, 4.0]);
/// ```
pub fn in_block_order<'a>(split: &Split, ranks: usize, gathered: &'a [f64], width: usize) -> Vec<&'a [f64]> {
    let counts = counts(split, ranks);
    assert_eq!(gathered.len(), counts.iter().sum::<usize>() * width, "{width} numbers per block");
    let starts: Vec<usize> = counts
        .iter()
        .scan(0, |at, &c| {
            let start = *at;
            *at += c * width;
            Some(start)
        })
        .collect();
    (0..split.blocks() as usize)
        .map(|b| {
            let at = starts[b % ranks] + (b / ranks) * width;
            &gathered[at..at + width]
        })
        .collect()
}

/// Between the passes, on every rank: the offsets from every rank's pass-1 sums.
pub fn offsets(split: &Split, ranks: usize, gathered: &[f64]) -> Offsets {
    let sums: Vec<f64> = in_block_order(split, ranks, gathered, 1).concat();
    split.offsets(&sums)
}

/// Rank 0's combine: every block's partial in block order, added there; an
/// error names the rank of the block where the integrand first returned NaN or ±∞.
pub fn combine(split: &Split, ranks: usize, gathered: &[f64]) -> Outcome<Estimate> {
    let partials: Vec<Partial> = in_block_order(split, ranks, gathered, PARTIAL_LEN)
        .into_iter()
        .zip(0..)
        .map(|(values, b)| decode(b, values))
        .collect();
    match split.combine(&partials) {
        Ok(estimate) => Outcome::Merged(estimate),
        Err(e) => {
            let block = partials.iter().find(|p| p.non_finite.is_some()).map_or(0, |p| p.block);
            Outcome::Failed { rank: block as usize % ranks, message: e.to_string() }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlab::{Rule, Setup};

    /// Every rank's messages, as an MPI gather would concatenate them.
    fn gather(ranks: usize, part: impl Fn(usize) -> Vec<f64>) -> Vec<f64> {
        (0..ranks).flat_map(part).collect()
    }

    fn on_ranks(f: &dyn Integrand, split: &Split, ranks: usize) -> Outcome<Estimate> {
        let offsets =
            split.two_pass().then(|| offsets(split, ranks, &gather(ranks, |r| spacing_sums(split, r, ranks))));
        combine(split, ranks, &gather(ranks, |r| partials(f, split, offsets.as_ref(), r, ranks)))
    }

    #[test]
    fn any_rank_count_gives_the_serial_bits() {
        let f = |x: f64| (1.0 + x * x).recip();
        for rule in [Rule::Lecture, Rule::MonteCarlo, Rule::Simpson, Rule::Trapezoid, Rule::Partition] {
            let setup = Setup::new(0.0, 2.0).unwrap().with_rule(rule).with_seed(4);
            // 11 blocks, the last one short: no rank count from 2 to 5 divides them.
            let split = Split::new(setup, 10_250).unwrap().with_block_size(1000).unwrap();
            let serial = parlab::split::serial(&f, &split).unwrap();
            for ranks in 1..=5 {
                assert_eq!(on_ranks(&f, &split, ranks), Outcome::Merged(serial), "{rule} on {ranks} ranks");
            }
        }
    }

    #[test]
    fn more_ranks_than_blocks_leaves_some_idle() {
        let f = |x: f64| x;
        let split = Split::new(Setup::new(0.0, 1.0).unwrap(), 3000).unwrap().with_block_size(1000).unwrap();
        assert_eq!(counts(&split, 5), [1, 1, 1, 0, 0]);
        assert_eq!(on_ranks(&f, &split, 5), Outcome::Merged(parlab::split::serial(&f, &split).unwrap()));
    }

    #[test]
    fn a_partial_crosses_as_numbers() {
        let p = Partial { block: 3, sums: [1.5, f64::INFINITY], ends: [0.0, -2.0], non_finite: Some((0.25, f64::NAN)) };
        let back = decode(3, &encode(&p));
        assert_eq!((back.sums, back.ends, back.non_finite.map(|(x, _)| x)), (p.sums, p.ends, Some(0.25)));
        assert!(back.non_finite.unwrap().1.is_nan());
        assert_eq!(decode(0, &encode(&Partial { non_finite: None, ..p })).non_finite, None);
    }

    #[test]
    fn a_non_finite_value_names_the_rank_of_its_block() {
        // 1/(x - 2.5) is infinite at x = 2.5: the midpoint of panel 2 of 5 on [0, 5], in block 1 (of 3, 2 panels each).
        let f = |x: f64| 1.0 / (x - 2.5);
        let setup = Setup::new(0.0, 5.0).unwrap().with_rule(Rule::Midpoint);
        let split = Split::new(setup, 5).unwrap().with_block_size(2).unwrap();
        match on_ranks(&f, &split, 2) {
            Outcome::Failed { rank, message } => assert_eq!((rank, message.contains("2.5")), (1, true), "{message}"),
            other => panic!("{other:?}"),
        }
    }
}
