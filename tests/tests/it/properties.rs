//! Invariants, for arbitrary seeds, sizes and thread counts (proptest).

use parlab::tolerance::{REORDERED, close};
use parlab::{Rule, Sampler, Setup, chunked, parallel, serial};
use proptest::prelude::*;

fn rule() -> impl Strategy<Value = Rule> {
    prop::sample::select(Rule::ALL.to_vec())
}

fn sampler() -> impl Strategy<Value = Sampler> {
    prop::sample::select(Sampler::ALL.to_vec())
}

fn smooth(x: f64) -> f64 {
    (0.7 * x).sin() + 1.0 / (1.0 + x * x)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Same seed, same bits: any seed, any list of sizes, any thread count.
    #[test]
    fn parallel_equals_serial_bit_for_bit(
        seed in any::<u64>(),
        sizes in prop::collection::vec(0u64..3000, 1..40),
        threads in 1usize..9,
        rule in rule(),
        sampler in sampler(),
    ) {
        let setup = Setup::new(-0.5, 2.0).unwrap().with_rule(rule).with_sampler(sampler).with_seed(seed);
        let sizes: Vec<u64> = sizes.into_iter().filter(|&n| rule.accepts(n)).collect();
        prop_assume!(!sizes.is_empty());
        let reference = serial::sweep(&smooth, &setup, &sizes).unwrap();
        let pool = parallel::Pool::new(threads).unwrap();
        prop_assert!(parallel::sweep(&smooth, &setup, &sizes, &pool).unwrap().same_bits(&reference));
        prop_assert!(chunked::sweep(&smooth, &setup, &sizes, threads).unwrap().same_bits(&reference));
    }

    /// Different seeds give different values.
    #[test]
    fn different_seeds_differ(seed in any::<u64>(), n in 10u64..2000, rule in prop::sample::select(vec![Rule::Lecture, Rule::Partition, Rule::MonteCarlo])) {
        let setup = Setup::new(0.0, 1.0).unwrap().with_rule(rule);
        let a = setup.with_seed(seed).estimate(&smooth, n).unwrap().value;
        let b = setup.with_seed(seed.wrapping_add(1)).estimate(&smooth, n).unwrap().value;
        prop_assert_ne!(a, b);
    }

    /// Linearity: ∫(αf + βg) = α∫f + β∫g, for the same points.
    #[test]
    fn linearity(alpha in -5.0f64..5.0, beta in -5.0f64..5.0, n in 2u64..500, seed in any::<u64>(), rule in rule()) {
        let n = if rule == Rule::Simpson { n & !1 } else { n };
        let setup = Setup::new(0.0, 3.0).unwrap().with_rule(rule).with_seed(seed);
        let f = |x: f64| x.cos();
        let g = |x: f64| x * x;
        let both = setup.estimate(&|x: f64| alpha * f(x) + beta * g(x), n).unwrap().value;
        let parts = alpha * setup.estimate(&f, n).unwrap().value + beta * setup.estimate(&g, n).unwrap().value;
        let scale = alpha.abs() + beta.abs() * 9.0 + 1.0;
        prop_assert!((both - parts).abs() <= REORDERED * scale, "{both} vs {parts}");
    }

    /// Additivity over adjacent intervals, for rules exact on cubics (Simpson) and lines (the others).
    #[test]
    fn additivity_over_adjacent_intervals(a in -3.0f64..0.0, mid in 0.1f64..2.0, width in 0.1f64..3.0, half in 1u64..200) {
        let c = mid + width;
        let cubic = |x: f64| x * x * x - 2.0 * x + 1.0;
        let line = |x: f64| 4.0 * x - 1.0;
        for (rule, f) in [(Rule::Simpson, &cubic as &dyn parlab::Integrand), (Rule::Trapezoid, &line), (Rule::Midpoint, &line)] {
            let est = |lo: f64, hi: f64| Setup::new(lo, hi).unwrap().with_rule(rule).estimate(f, 2 * half).unwrap().value;
            let whole = est(a, c);
            let split = est(a, mid) + est(mid, c);
            prop_assert!(close(whole, split, REORDERED), "{rule}: {whole} vs {split}");
        }
    }

    /// Constants are integrated exactly (up to rounding) by the deterministic rules,
    /// and by the random partition, whose widths add up to the interval.
    #[test]
    fn constants_are_exact(k in -100.0f64..100.0, a in -10.0f64..10.0, width in 0.01f64..10.0, n in 1u64..2000, seed in any::<u64>()) {
        let b = a + width;
        for rule in [Rule::Midpoint, Rule::Trapezoid, Rule::Simpson, Rule::Partition, Rule::MonteCarlo] {
            let n = if rule == Rule::Simpson { 2 * n } else { n };
            let got = Setup::new(a, b).unwrap().with_rule(rule).with_seed(seed).estimate(&|_: f64| k, n).unwrap().value;
            prop_assert!(close(got, k * (b - a), 1e-11), "{rule}: {got} vs {}", k * (b - a));
        }
    }
}
