//! The rules' tests: pinned bits, exactness, refusals, and the kernels' invariants.
//!
//! They integrate the lecture's function written out here, not the
//! catalogue's entry: the rules sit below the catalogue, and their tests too.
//! The catalogue's tests check every rule on every entry.

use std::f64::consts::FRAC_PI_4;

use super::area::Area;
use super::spacings::BUFFERED;
use super::*;
use crate::error::Error;
use crate::integrand::Integrand;
use crate::stream;
use crate::tolerance::{self, ROUNDING};

/// The lecture's integrand, 1/(1+x²), through `dyn`.
fn lecture(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

/// The same function with its own block loop, as the catalogue's entries
/// have: the rules call `eval_block` once per block, and `eval` only for single values.
struct LectureBlocks;

impl Integrand for LectureBlocks {
    fn eval(&self, x: f64) -> f64 {
        lecture(x)
    }
    fn eval_block(&self, xs: &[f64], out: &mut [f64]) {
        for (y, &x) in out.iter_mut().zip(xs) {
            *y = lecture(x);
        }
    }
}

fn on_unit_interval() -> Setup {
    Setup::new(0.0, 1.0).unwrap()
}

/// Pinned results for seed 7 and n = 1000 on the lecture's integrand: if
/// one moves, every notebook's printed numbers move with it. The function
/// with its own block loop and the plain `fn` give the same bits.
#[test]
fn pinned_estimates() {
    let pinned = [
        (Sampler::Spacings, Rule::Lecture, 0x3fe9145a80f1621e),
        (Sampler::Spacings, Rule::Partition, 0x3fe91da074999343),
        (Sampler::Spacings, Rule::MonteCarlo, 0x3fe946fe7352a71a),
        (Sampler::Sort, Rule::Lecture, 0x3fe915205628359e),
        (Sampler::Bucket, Rule::Lecture, 0x3fe915205628359e),
        (Sampler::Sort, Rule::Partition, 0x3fe91de518b89547),
        (Sampler::Spacings, Rule::Midpoint, 0x3fe921fb5f737cd0),
        (Sampler::Spacings, Rule::Trapezoid, 0x3fe921fb3de58d92),
        (Sampler::Spacings, Rule::Simpson, 0x3fe921fb54442d1e),
    ];
    for (sampler, rule, bits) in pinned {
        let setup = on_unit_interval().with_seed(7).with_rule(rule).with_sampler(sampler);
        for f in [&LectureBlocks as &dyn Integrand, &lecture] {
            let got = setup.estimate(f, 1000).unwrap().value;
            assert_eq!(got.to_bits(), bits, "{sampler} {rule}: {got}");
        }
    }
}

#[test]
fn sort_and_bucket_sort_the_same_draws() {
    for n in [0, 1, 2, 3, 17, 1000, 4099] {
        for rule in [Rule::Lecture, Rule::Partition] {
            let setup = Setup::new(-1.0, 2.0).unwrap().with_rule(rule).with_seed(n);
            let sort = setup.with_sampler(Sampler::Sort).estimate(&f64::exp, n).unwrap();
            let bucket = setup.with_sampler(Sampler::Bucket).estimate(&f64::exp, n).unwrap();
            assert_eq!(sort.value.to_bits(), bucket.value.to_bits(), "{rule} n = {n}");
        }
    }
}

#[test]
fn the_bucket_sort_sorts() {
    let mut s = stream::stream(1, 1);
    for n in [0, 1, 2, 5, 100, 1000] {
        let xs: Vec<f64> = (0..n).map(|_| -3.0 + 5.0 * s.uniform()).collect();
        let mut want = xs.clone();
        want.sort_by(f64::total_cmp);
        assert_eq!(super::sorting::bucket_sort(&xs, -3.0, 5.0), want, "n = {n}");
    }
    // Every point in one bucket, and the interval's own end.
    let crowded = [0.5, 0.25, 0.5, 1.0, 0.0];
    assert_eq!(super::sorting::bucket_sort(&crowded, 0.0, 1.0), [0.0, 0.25, 0.5, 0.5, 1.0]);
}

#[test]
fn the_lecture_gives_zero_for_n_0_and_1_and_counts_no_terms() {
    let setup = on_unit_interval();
    for sampler in Sampler::ALL {
        for n in [0, 1] {
            assert_eq!(setup.with_sampler(sampler).estimate(&lecture, n).unwrap().value, 0.0);
            assert_eq!(Rule::Lecture.terms(n), 0);
            assert_eq!(setup.check_single(n), Err(Error::EmptySum { rule: "lecture", n, min: 2 }));
        }
    }
    assert!(setup.estimate(&lecture, 2).unwrap().value > 0.0);
    for rule in Rule::ALL {
        let first = (0..).find(|&n| rule.accepts(n)).unwrap();
        let single = setup.with_rule(rule);
        if rule == Rule::Lecture {
            assert_eq!(single.check_single(first), Err(Error::EmptySum { rule: "lecture", n: 0, min: 2 }));
        } else {
            assert_eq!(single.check_single(first), Ok(()), "{rule} at n = {first}");
            assert!(rule.terms(first) >= 1, "{rule}");
        }
    }
    // check_single refuses what check refuses, first.
    assert_eq!(setup.with_rule(Rule::Simpson).check_single(3), Err(Error::OddSimpson { n: 3 }));
}

#[test]
fn terms_and_evaluations_count_what_each_rule_sums() {
    for n in [1u64, 2, 10, 1001] {
        assert_eq!(Rule::Lecture.terms(n), n - 1);
        assert_eq!(Rule::Partition.terms(n), n + 1);
        assert_eq!(Rule::MonteCarlo.terms(n), n);
        assert_eq!(Rule::Midpoint.terms(n), n);
        assert_eq!(Rule::Trapezoid.terms(n), n + 1);
        assert_eq!(Rule::Simpson.terms(n), n + 1);
    }
    // Counted by an integrand that counts its calls.
    let calls = std::sync::atomic::AtomicU64::new(0);
    let counting = |x: f64| {
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        x
    };
    for rule in Rule::ALL {
        for n in [2u64, 10, 64] {
            calls.store(0, std::sync::atomic::Ordering::Relaxed);
            let est = on_unit_interval().with_rule(rule).estimate(&counting, n).unwrap();
            let counted = calls.load(std::sync::atomic::Ordering::Relaxed);
            assert_eq!(est.evaluations, rule.evaluations(n), "{rule} n = {n}");
            // The lecture's code evaluates f at all n points and drops the first term.
            let skipped = u64::from(rule == Rule::Lecture);
            assert_eq!(counted + skipped, est.evaluations, "{rule} n = {n}");
        }
    }
}

#[test]
fn streaming_gives_the_buffered_bits() {
    // Above BUFFERED points the spacings are drawn twice instead of kept:
    // force both paths on the same n by comparing with a direct computation.
    let n = BUFFERED + 5;
    let setup = on_unit_interval().with_seed(3);
    let streamed = setup.estimate(&lecture, n).unwrap().value;
    let mut s = stream::stream(3, n).spacing_sums();
    let mut buf = vec![0.0; n as usize + 1];
    let total = s.fill(&mut buf);
    let xs: Vec<f64> = buf[..n as usize].iter().map(|c| 0.0 + (1.0 / total) * c).collect();
    assert_eq!(streamed.to_bits(), Area::over(&lecture, 0.0, 1.0, &xs, false).to_bits());
}

#[test]
fn feeding_in_chunks_gives_the_same_bits() {
    let xs: Vec<f64> = (1..=1003).map(|i| i as f64 / 1004.0).collect();
    for ends in [false, true] {
        let whole = Area::over(&lecture, 0.0, 1.0, &xs, ends);
        for size in [1, 3, 4, 7, 64] {
            let mut parts = Area::new(0.0, ends);
            for chunk in xs.chunks(size) {
                parts.feed(&lecture, chunk);
            }
            assert_eq!(whole.to_bits(), parts.finish(&lecture, 1.0).to_bits(), "chunks of {size}");
        }
    }
}

#[test]
fn the_area_is_the_partition_sum() {
    // Three points on [0, 4] with f(x) = x: the terms are (x_i − x_{i−1}) x_i.
    let xs = [1.0, 2.0, 3.5];
    let f = |x: f64| x;
    let lecture_sum = (2.0 - 1.0) * 2.0 + (3.5 - 2.0) * 3.5;
    let partition_sum = (1.0 - 0.0) * 1.0 + lecture_sum + (4.0 - 3.5) * 4.0;
    assert_eq!(Area::over(&f, 0.0, 4.0, &xs, false), lecture_sum);
    assert_eq!(Area::over(&f, 0.0, 4.0, &xs, true), partition_sum);
    // No points: the partition is the one panel [lo, hi].
    assert_eq!(Area::over(&f, 0.0, 4.0, &[], true), 16.0);
    assert_eq!(Area::over(&f, 0.0, 4.0, &[], false), 0.0);
}

#[test]
fn deterministic_rules_are_exact_where_they_should_be() {
    let setup = Setup::new(-1.0, 3.0).unwrap();
    let cubic = |x: f64| 2.0 * x * x * x - x + 0.5;
    let cubic_exact = (0.5 * 81.0 - 4.5 + 1.5) - (0.5 - 0.5 - 0.5);
    let line = |x: f64| 3.0 * x - 2.0;
    let line_exact = (1.5 * 9.0 - 6.0) - (1.5 + 2.0);
    for n in [2, 4, 10, 64] {
        for rule in [Rule::Midpoint, Rule::Trapezoid, Rule::Simpson] {
            let got = setup.with_rule(rule).estimate(&line, n).unwrap().value;
            assert!(tolerance::close(got, line_exact, ROUNDING), "{rule} on a line, n = {n}: {got}");
        }
        let got = setup.with_rule(Rule::Simpson).estimate(&cubic, n).unwrap().value;
        assert!(tolerance::close(got, cubic_exact, ROUNDING), "simpson on a cubic, n = {n}: {got}");
    }
}

#[test]
fn grid_rules_match_their_formulas_on_a_few_panels() {
    // n = 2 panels on [0, 2] with f(x) = x²: the formulas by hand.
    let f = |x: f64| x * x;
    let setup = Setup::new(0.0, 2.0).unwrap();
    let at = |rule| setup.with_rule(rule).estimate(&f, 2).unwrap().value;
    assert_eq!(at(Rule::Midpoint), 0.25 + 2.25);
    assert_eq!(at(Rule::Trapezoid), 0.5 * 0.0 + 1.0 + 0.5 * 4.0);
    assert_eq!(at(Rule::Simpson), 1.0 / 3.0 * (0.0 + 4.0 * 1.0 + 4.0));
}

#[test]
fn the_lecture_bias_is_about_minus_two_over_n() {
    // Averaging many seeds removes the noise; what stays is the bias.
    let n = 1000;
    let setup = on_unit_interval();
    let mean: f64 =
        (0..400).map(|seed| setup.with_seed(seed).estimate(&LectureBlocks, n).unwrap().value).sum::<f64>() / 400.0;
    let bias_times_n = (mean - FRAC_PI_4) * (n + 1) as f64;
    assert!((bias_times_n + 2.0).abs() < 0.3, "bias × (n+1) = {bias_times_n}");
}

#[test]
fn non_finite_values_are_reported_with_their_x() {
    let setup = on_unit_interval().with_rule(Rule::Trapezoid);
    let err = setup.estimate(&|x: f64| 1.0 / x, 10).unwrap_err();
    assert_eq!(err, Error::NonFinite { x: 0.0, value: f64::INFINITY });
    let err = setup.with_rule(Rule::Midpoint).estimate(&|x: f64| (x - 0.45).ln(), 10).unwrap_err();
    assert!(matches!(err, Error::NonFinite { x, value } if x == 0.05 && value.is_nan()), "{err}");
    let err = setup.with_rule(Rule::Partition).estimate(&|x: f64| if x > 0.5 { f64::NAN } else { x }, 100).unwrap_err();
    assert!(matches!(err, Error::NonFinite { x, .. } if x > 0.5), "{err}");
    let err = setup.with_rule(Rule::Midpoint).estimate(&|_: f64| f64::MAX, 10).unwrap_err();
    assert!(matches!(err, Error::Overflow { .. }), "{err}");
    assert!(err.to_string().contains("overflowed"));
    // The first non-finite value in the order the rule evaluates, not any later one.
    let err = setup.with_rule(Rule::Midpoint).estimate(&|x: f64| if x > 0.3 { f64::INFINITY } else { x }, 10);
    assert!(matches!(err, Err(Error::NonFinite { x, .. }) if x > 0.3 && x < 0.4), "{err:?}");
    // Monte Carlo's sum of squares overflows before its mean does: refused, not a standard error of 0.
    let err = setup.with_rule(Rule::MonteCarlo).estimate(&|x: f64| 1e200 * (1.0 + x), 10).unwrap_err();
    assert!(matches!(err, Error::Overflow { .. }), "{err}");
}

#[test]
fn sizes_the_rules_cannot_take_are_refused() {
    let setup = on_unit_interval();
    assert_eq!(setup.with_rule(Rule::Simpson).check(7), Err(Error::OddSimpson { n: 7 }));
    assert!(matches!(setup.with_rule(Rule::Simpson).check(0), Err(Error::TooFewPoints { min: 2, .. })));
    assert!(matches!(setup.with_rule(Rule::Midpoint).check(0), Err(Error::TooFewPoints { min: 1, .. })));
    assert!(matches!(setup.with_rule(Rule::MonteCarlo).check(0), Err(Error::TooFewPoints { .. })));
    assert!(matches!(setup.check(MAX_POINTS + 1), Err(Error::TooManyPoints { .. })));
    assert_eq!(setup.check(MAX_POINTS), Ok(()));
    let err = setup.with_sampler(Sampler::Sort).check(1_000_000_000).unwrap_err();
    assert!(err.to_string().contains("use the spacings sampler"), "{err}");
    assert_eq!(setup.with_sampler(Sampler::Bucket).check(MAX_IN_MEMORY), Ok(()));
    assert!(setup.with_sampler(Sampler::Bucket).check(MAX_IN_MEMORY + 1).is_err());
    // Monte Carlo draws one number at a time: no memory limit.
    assert_eq!(setup.with_rule(Rule::MonteCarlo).with_sampler(Sampler::Sort).check(MAX_IN_MEMORY + 1), Ok(()));
    // The spacings sampler streams, so a billion points are allowed.
    assert_eq!(setup.check(1_000_000_000), Ok(()));
}

#[test]
fn intervals_are_validated_and_reversed_ones_flip_the_sign() {
    assert!(matches!(Setup::new(1.0, 1.0), Err(Error::EmptyInterval { .. })));
    assert!(matches!(Setup::new(f64::NEG_INFINITY, 1.0), Err(Error::NonFiniteInterval { .. })));
    assert!(matches!(Setup::new(0.0, f64::NAN), Err(Error::NonFiniteInterval { .. })));
    for rule in Rule::ALL {
        let n = 64;
        let forward = Setup::new(0.0, 2.0).unwrap().with_rule(rule).with_seed(5).estimate(&f64::exp, n).unwrap().value;
        let backward = Setup::new(2.0, 0.0).unwrap().with_rule(rule).with_seed(5).estimate(&f64::exp, n).unwrap().value;
        assert_eq!(forward, -backward, "{rule}");
        let exact = 2f64.exp() - 1.0;
        assert!((forward - exact).abs() < 1.5, "{rule}: {forward}, exact {exact}");
    }
}

#[test]
fn names_parse_back() {
    for rule in Rule::ALL {
        assert_eq!(rule.name().parse::<Rule>(), Ok(rule));
        assert_eq!(rule.to_string(), rule.name());
    }
    for sampler in Sampler::ALL {
        assert_eq!(sampler.name().parse::<Sampler>(), Ok(sampler));
        assert_eq!(sampler.to_string(), sampler.name());
    }
    assert_eq!("MC".parse::<Rule>(), Ok(Rule::MonteCarlo));
    assert_eq!(" Monte_Carlo ".parse::<Rule>(), Ok(Rule::MonteCarlo));
    assert_eq!("montecarlo".parse::<Rule>(), Ok(Rule::MonteCarlo));
    assert_eq!("SORT".parse::<Sampler>(), Ok(Sampler::Sort));
    assert!(matches!("simpsons".parse::<Rule>(), Err(Error::UnknownRule { .. })));
    assert!(matches!("quick".parse::<Sampler>(), Err(Error::UnknownSampler { .. })));
}

#[test]
fn rules_know_their_order_and_whether_they_draw() {
    let random: Vec<Rule> = Rule::ALL.into_iter().filter(|r| r.is_random()).collect();
    assert_eq!(random, [Rule::Lecture, Rule::Partition, Rule::MonteCarlo]);
    let orders: Vec<f64> = Rule::ALL.iter().map(|r| r.order()).collect();
    assert_eq!(orders, [1.0, 1.0, 0.5, 2.0, 2.0, 4.0]);
    let accepted = |rule: Rule| (0..7).filter(|&n| rule.accepts(n)).collect::<Vec<u64>>();
    assert_eq!(accepted(Rule::Lecture), [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(accepted(Rule::Partition), [0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(accepted(Rule::MonteCarlo), [1, 2, 3, 4, 5, 6]);
    assert_eq!(accepted(Rule::Midpoint), [1, 2, 3, 4, 5, 6]);
    assert_eq!(accepted(Rule::Trapezoid), [1, 2, 3, 4, 5, 6]);
    assert_eq!(accepted(Rule::Simpson), [2, 4, 6]);
}

#[test]
fn a_setup_keeps_what_it_was_given() {
    let setup = Setup::new(2.0, -1.0).unwrap().with_rule(Rule::Simpson).with_sampler(Sampler::Bucket).with_seed(9);
    assert_eq!((setup.a(), setup.b()), (2.0, -1.0));
    assert_eq!((setup.rule(), setup.sampler(), setup.seed()), (Rule::Simpson, Sampler::Bucket, 9));
    let fresh = Setup::new(0.0, 1.0).unwrap();
    assert_eq!((fresh.rule(), fresh.sampler(), fresh.seed()), (Rule::Lecture, Sampler::Spacings, 0));
}

#[test]
fn monte_carlo_reports_a_standard_error() {
    let e = on_unit_interval().with_rule(Rule::MonteCarlo).estimate(&lecture, 10_000).unwrap();
    let se = e.error_estimate.unwrap();
    assert!(se > 0.0 && se < 0.01, "{se}");
    assert!((e.value - FRAC_PI_4).abs() < 4.0 * se);
    assert!(on_unit_interval().with_rule(Rule::Trapezoid).estimate(&lecture, 10).unwrap().error_estimate.is_none());
    // One point has no spread to measure; a constant has none at all.
    assert!(on_unit_interval().with_rule(Rule::MonteCarlo).estimate(&lecture, 1).unwrap().error_estimate.is_none());
    let flat = on_unit_interval().with_rule(Rule::MonteCarlo).estimate(&|_: f64| 3.0, 100).unwrap();
    assert_eq!((flat.value, flat.error_estimate), (3.0, Some(0.0)));
    // The standard error of f(x) = x on [0, 2] at n draws: 2 · (1/√12 · 2) / √n, near 1.155/√n.
    let wide = Setup::new(0.0, 2.0).unwrap().with_rule(Rule::MonteCarlo).estimate(&|x: f64| x, 40_000).unwrap();
    let se = wide.error_estimate.unwrap();
    assert!((se * 200.0 - 2.0 * 2.0 / 12f64.sqrt()).abs() < 0.02, "{se}");
}
