//! The catalogue's tests: each entry is what it says, every rule reaches its
//! exact value, the orders it teaches show, and entries travel by name.

use super::*;
use crate::integrand::Expr;
use crate::rule::{Rule, Sampler};
use crate::tolerance;

fn lecture_entry() -> &'static Entry {
    get("lecture").unwrap()
}

#[test]
fn each_formula_is_the_same_function() {
    for entry in &CATALOGUE {
        let expr = Expr::parse(entry.formula).unwrap();
        for i in 0..=20 {
            let x = entry.a + (entry.b - entry.a) * (i as f64 + 0.37) / 21.0;
            let (want, got) = (entry.eval(x), expr.eval(x));
            assert!((want - got).abs() <= 1e-12 * want.abs().max(1.0), "{} at {x}: {want} vs {got}", entry.name);
        }
    }
}

#[test]
fn each_entry_evaluates_blocks_as_it_evaluates_points() {
    // The block loop is written apart from `f`: it must call that same function.
    for entry in &CATALOGUE {
        let xs: Vec<f64> = (0..=300).map(|i| entry.a + (entry.b - entry.a) * (i as f64 + 0.5) / 301.0).collect();
        let mut ys = vec![f64::NAN; xs.len()];
        entry.eval_block(&xs, &mut ys);
        for (&x, &y) in xs.iter().zip(&ys) {
            assert_eq!(y.to_bits(), (entry.f)(x).to_bits(), "{} at {x}", entry.name);
        }
        let func = Func::from(entry);
        let mut from_func = vec![f64::NAN; xs.len()];
        func.eval_block(&xs, &mut from_func);
        assert_eq!(from_func, ys, "{}", entry.name);
    }
    let formula = |x: f64| 1.0 / (1.0 + x * x);
    for i in 0..=1000 {
        let x = -3.0 + i as f64 * 0.006;
        assert_eq!(lecture_entry().eval(x).to_bits(), formula(x).to_bits());
    }
}

#[test]
fn unknown_names_list_the_catalogue() {
    let err = get("nope").unwrap_err().to_string();
    assert!(err.contains("unknown integrand `nope`") && err.contains("lecture, gaussian"), "{err}");
    assert_eq!(names().len(), CATALOGUE.len());
    assert!(find("Lecture").is_none(), "names are exact");
}

#[test]
fn the_lecture_entry_gives_the_pinned_bits() {
    // The same pins as the rules' own test, through the entry and a Func of it.
    let setup = Setup::for_entry(lecture_entry()).with_seed(7);
    let func = Func::from(lecture_entry());
    for f in [lecture_entry() as &dyn Integrand, &func] {
        assert_eq!(setup.estimate(f, 1000).unwrap().value.to_bits(), 0x3fe9145a80f1621e);
        let sorted = setup.with_sampler(Sampler::Sort).estimate(f, 1000).unwrap().value;
        assert_eq!(sorted.to_bits(), 0x3fe915205628359e);
    }
}

#[test]
fn entries_travel_by_name_and_rebuild_as_themselves() {
    for entry in &CATALOGUE {
        let recipe = entry.to_recipe();
        assert_eq!(recipe, Recipe::Catalogue(entry.name.into()));
        assert_eq!(Integrand::recipe(entry), Some(recipe.clone()));
        let rebuilt = recipe.build().unwrap();
        assert_eq!(rebuilt.label(), entry.name);
        assert_eq!(rebuilt.recipe(), Some(recipe));
        for x in [entry.a, 0.5 * (entry.a + entry.b), entry.b] {
            assert_eq!(rebuilt.eval(x).to_bits(), entry.eval(x).to_bits(), "{} at {x}", entry.name);
        }
    }
    assert!(matches!(Recipe::Catalogue("nope".into()).build(), Err(Error::UnknownIntegrand { .. })));
    assert!(matches!(Recipe::Expr("1/(".into()).build(), Err(Error::Parse { .. })));
}

#[test]
fn expressions_rebuild_the_same_function() {
    let f = Func::expr("x^3").unwrap();
    let g = f.recipe().unwrap().build().unwrap();
    assert_eq!(f.eval(1.5), g.eval(1.5));
    assert_eq!(g.recipe(), Some(Recipe::Expr("x^3".into())));
    // A Func of a closure keeps no recipe, and so cannot be rebuilt elsewhere.
    assert_eq!(Func::new("square", |x| x * x).recipe(), None);
}

#[test]
fn resolve_prefers_a_catalogue_name() {
    let lecture = resolve("lecture").unwrap();
    assert_eq!(lecture.recipe(), Some(Recipe::Catalogue("lecture".into())));
    assert_eq!(lecture.eval(1.0), 0.5);
    let spaced = resolve("  gaussian ").unwrap();
    assert_eq!(spaced.recipe(), Some(Recipe::Catalogue("gaussian".into())));
    let expr = resolve("sqrt(x)").unwrap();
    assert_eq!(expr.recipe(), Some(Recipe::Expr("sqrt(x)".into())));
    assert!(resolve("sqrt(").is_err());
}

#[test]
fn every_rule_reaches_the_catalogue_values() {
    // The smooth entries, at an n where each rule's error is small.
    for name in ["lecture", "gaussian", "oscillatory", "peak"] {
        let entry = get(name).unwrap();
        let scale = entry.exact.abs().max(1.0);
        for (rule, n, tol) in [
            (Rule::Lecture, 200_000, 2e-3),
            (Rule::Partition, 200_000, 1e-3),
            (Rule::MonteCarlo, 200_000, 2e-2),
            (Rule::Midpoint, 4000, 1e-5),
            (Rule::Trapezoid, 4000, 1e-5),
            (Rule::Simpson, 4000, 1e-10),
        ] {
            let got = Setup::for_entry(entry).with_rule(rule).with_seed(1).estimate(entry, n).unwrap().value;
            assert!((got - entry.exact).abs() <= tol * scale, "{rule} on {name}: {got} vs {}", entry.exact);
        }
    }
}

/// Median observed order over a few doublings, averaging seeds for the random rules.
fn observed_order(entry: &Entry, rule: Rule, sampler: Sampler, from: u64, seeds: u64) -> f64 {
    let error = |n: u64| -> f64 {
        let setup = Setup::for_entry(entry).with_rule(rule).with_sampler(sampler);
        let total: f64 = (0..seeds)
            .map(|seed| setup.with_seed(seed).estimate(entry, n).unwrap().value - entry.exact)
            .map(|e| if rule == Rule::MonteCarlo { e * e } else { e })
            .sum();
        let mean = total / seeds as f64;
        if rule == Rule::MonteCarlo { mean.sqrt() } else { mean.abs() }
    };
    let mut orders: Vec<f64> = (0..4).map(|k| tolerance::order(error(from << k), error(from << (k + 1)))).collect();
    orders.sort_by(f64::total_cmp);
    (orders[1] + orders[2]) / 2.0
}

#[test]
fn convergence_orders() {
    // Simpson on the lecture's own function shows order 6, not 4: its
    // error's leading term is ∝ f‴(1) − f‴(0), and both are 0. The
    // gaussian's f‴(2) is not.
    let lecture = lecture_entry();
    let gaussian = get("gaussian").unwrap();
    assert!(observed_order(lecture, Rule::Simpson, Sampler::Spacings, 16, 1) > 5.5);
    for (entry, rule, from, seeds, want, slack) in [
        (lecture, Rule::Midpoint, 16, 1, 2.0, 0.1),
        (lecture, Rule::Trapezoid, 16, 1, 2.0, 0.1),
        (gaussian, Rule::Simpson, 16, 1, 4.0, 0.2),
        // The random rules' bias is order 1; averaging seeds leaves the bias.
        (lecture, Rule::Lecture, 256, 64, 1.0, 0.25),
        (lecture, Rule::Partition, 256, 64, 1.0, 0.35),
        // Monte Carlo: root-mean-square error over seeds, order 1/2.
        (lecture, Rule::MonteCarlo, 256, 64, 0.5, 0.2),
    ] {
        let p = observed_order(entry, rule, Sampler::Spacings, from, seeds);
        assert!((p - want).abs() <= slack, "{rule}: observed order {p:.2}, expected {want}");
        assert_eq!(rule.order(), want);
    }
}

#[test]
fn the_orders_the_catalogue_teaches_show() {
    // What the `teaches` column claims for the kink and the step.
    let kink = get("kink").unwrap();
    let p = observed_order(kink, Rule::Simpson, Sampler::Spacings, 16, 1);
    assert!((p - 2.0).abs() < 0.5, "simpson on the kink: order {p:.2}");
    let step = get("step").unwrap();
    let p = observed_order(step, Rule::Trapezoid, Sampler::Spacings, 16, 1);
    assert!(p < 1.5, "trapezoid on the step: order {p:.2}");
}
