//! The sample sizes of a sweep, and the check that every one can be computed.

use crate::error::{Error, Result};
use crate::rule::{Rule, Setup};

/// The most points one sweep may draw in all (about 5 minutes on one core).
pub const MAX_TOTAL_POINTS: f64 = 1e11;

/// The lecture's sizes: n = 0, 1, …, samples − 1.
///
/// ```
/// assert_eq!(parlab::sweep::below(4), vec![0, 1, 2, 3]);
/// ```
pub fn below(samples: u64) -> Vec<u64> {
    (0..samples).collect()
}

/// The sizes below `samples` that `rule` can take (grid rules need n ≥ 1,
/// Simpson an even n ≥ 2, Monte Carlo n ≥ 1).
///
/// ```
/// use parlab::{sweep, Rule};
/// assert_eq!(sweep::accepted_below(Rule::Simpson, 7), vec![2, 4, 6]);
/// assert_eq!(sweep::accepted_below(Rule::Lecture, 3), vec![0, 1, 2]);
/// ```
pub fn accepted_below(rule: Rule, samples: u64) -> Vec<u64> {
    (0..samples).filter(|&n| rule.accepts(n)).collect()
}

/// Sizes that double from `from` up to at most `to`: for log-log plots.
///
/// ```
/// assert_eq!(parlab::sweep::doubling(2, 20), vec![2, 4, 8, 16]);
/// assert_eq!(parlab::sweep::doubling(0, 4), vec![1, 2, 4]);
/// ```
pub fn doubling(from: u64, to: u64) -> Vec<u64> {
    std::iter::successors(Some(from.max(1)), |&n| n.checked_mul(2)).take_while(|&n| n <= to).collect()
}

/// Checks every size and the total work, so that no task fails for its input.
pub fn check(setup: &Setup, sizes: &[u64]) -> Result<()> {
    if sizes.is_empty() {
        return Err(Error::NoSizes);
    }
    let mut total = 0.0;
    for &n in sizes {
        setup.check(n)?;
        total += n as f64;
    }
    if total > MAX_TOTAL_POINTS {
        return Err(Error::SweepTooLarge { total, limit: MAX_TOTAL_POINTS });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_work_is_limited_at_its_limit() {
        let setup = Setup::new(0.0, 1.0).unwrap();
        // 1e11 in all is allowed; one point more is not.
        let at_limit = [50_000_000_000, 50_000_000_000];
        assert_eq!(check(&setup, &at_limit), Ok(()));
        let over = [50_000_000_000, 50_000_000_001];
        assert!(matches!(check(&setup, &over), Err(Error::SweepTooLarge { .. })));
        assert_eq!(check(&setup, &[]), Err(Error::NoSizes));
        assert_eq!(
            check(&setup.with_rule(Rule::Midpoint), &[1, 0]),
            Err(Error::TooFewPoints { rule: "midpoint", n: 0, min: 1 })
        );
    }

    #[test]
    fn every_rule_gets_the_sizes_it_accepts() {
        assert_eq!(below(0), Vec::<u64>::new());
        assert_eq!(accepted_below(Rule::Lecture, 4), [0, 1, 2, 3]);
        assert_eq!(accepted_below(Rule::Partition, 2), [0, 1]);
        assert_eq!(accepted_below(Rule::MonteCarlo, 4), [1, 2, 3]);
        assert_eq!(accepted_below(Rule::Trapezoid, 1), Vec::<u64>::new());
        assert_eq!(accepted_below(Rule::Simpson, 9), [2, 4, 6, 8]);
        let setup = Setup::new(0.0, 1.0).unwrap();
        for rule in Rule::ALL {
            assert_eq!(check(&setup.with_rule(rule), &accepted_below(rule, 50)), Ok(()), "{rule}");
        }
    }

    #[test]
    fn doubling_stops_at_the_end_and_never_overflows() {
        assert_eq!(doubling(3, 3), vec![3]);
        assert_eq!(doubling(5, 4), Vec::<u64>::new());
        let all = doubling(1, u64::MAX);
        assert_eq!(all.len(), 64);
        assert_eq!(*all.last().unwrap(), 1 << 63);
    }
}
