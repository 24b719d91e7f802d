//! The checks of notebooks 03 and 04's student cells: the reference answers pass, and every known-wrong answer fails.
//!
//! | check | wrong answers |
//! |---|---|
//! | 3.1 copied draws | one generator per task's 12; one per worker, 4; none alike, 0 |
//! | 3.2 one generator per task | the serial map; one generator behind a Mutex; stream(seed, 0) in every task; stream(seed, n + 1); a seed written in; one size too few |
//! | 3.3 first to finish | worker 1; worker 2 (there is none); usize::MAX |
//! | 3.4 two scoped halves | both halves on one thread; the spawned half joined at once; the halves swapped; the middle size dropped |
//! | 4.1 speedup model | p whatever the cores; c whatever the threads; p / c; 1 |
//! | 4.2 Amdahl ceiling | e itself; no (1 − 1/p); the speedup; p |
//! | 4.3 portable integrand | 1/1+x^2; 1/(1+x); x/(1+x^2); a parse error; a panic |

use std::sync::Mutex;
use std::time::Duration;

use parlab::exercise::{self, Verdict};
use parlab::rayon::prelude::*;
use parlab::stream;
use parlab::{Expr, Setup};

/// The patience of wrong answers: they must fail whatever it is.
const SHORT: Duration = Duration::from_millis(300);

fn passes(verdict: Verdict) {
    assert!(verdict.passed(), "the reference answer failed: {verdict}");
}

/// The check fails, and its message contains `says`.
fn fails(verdict: Verdict, says: &str) {
    let wrong = verdict.wrong().unwrap_or_else(|| panic!("a wrong answer passed:\n{verdict}"));
    assert!(wrong.contains(says), "the message should say {says:?}, but says: {wrong}");
}

type F<'a> = &'a (dyn Fn(f64) -> f64 + Sync);

/// One estimate, drawn from the stream seeded by (seed, n), as every backend draws it.
fn one(f: F<'_>, setup: &Setup, n: u64) -> f64 {
    setup.apply(f, n, &mut stream::stream(setup.seed(), n)).0
}

mod cell_3_1 {
    use super::*;
    use exercise::check_copied_draws;

    #[test]
    fn the_reference_passes() {
        passes(check_copied_draws(&|| 3));
    }

    #[test]
    fn wrong_counts_fail() {
        fails(check_copied_draws(&|| 12), "one generator per task");
        fails(check_copied_draws(&|| 4), "the same sequence");
        fails(check_copied_draws(&|| 0), "the same sequence");
        fails(check_copied_draws(&|| todo!()), "not yet implemented");
    }
}

mod cell_3_2 {
    use super::*;
    use exercise::{check_per_task, check_per_task_within};

    fn per_task_values(f: F<'_>, setup: &Setup, sizes: &[u64]) -> Vec<f64> {
        sizes.par_iter().map(|&n| one(f, setup, n)).collect()
    }

    #[test]
    fn the_reference_passes() {
        passes(check_per_task(&per_task_values));
    }

    #[test]
    fn the_serial_map_fails() {
        let serial = |f: F<'_>, setup: &Setup, sizes: &[u64]| sizes.iter().map(|&n| one(f, setup, n)).collect();
        fails(check_per_task_within(&serial, SHORT), "no two tasks ran at the same time");
    }

    #[test]
    fn one_generator_behind_a_mutex_fails() {
        let locked = |f: F<'_>, setup: &Setup, sizes: &[u64]| {
            let shared = Mutex::new(stream::stream(setup.seed(), 0));
            sizes
                .par_iter()
                .map(|&n| {
                    let seed = shared.lock().unwrap().next_u64();
                    setup.apply(f, n, &mut stream::stream(seed, n)).0
                })
                .collect()
        };
        fails(check_per_task_within(&locked, SHORT), "differ from the serial ones");
    }

    #[test]
    fn one_stream_for_every_task_fails() {
        let same = |f: F<'_>, setup: &Setup, sizes: &[u64]| {
            sizes.par_iter().map(|&n| setup.apply(f, n, &mut stream::stream(setup.seed(), 0)).0).collect()
        };
        fails(check_per_task_within(&same, SHORT), "its own stream");
    }

    #[test]
    fn a_stream_off_by_one_fails() {
        let shifted = |f: F<'_>, setup: &Setup, sizes: &[u64]| {
            sizes.par_iter().map(|&n| setup.apply(f, n, &mut stream::stream(setup.seed(), n + 1)).0).collect()
        };
        fails(check_per_task_within(&shifted, SHORT), "differ from the serial ones");
    }

    #[test]
    fn a_seed_written_into_the_code_fails() {
        let fixed = |f: F<'_>, setup: &Setup, sizes: &[u64]| {
            sizes.par_iter().map(|&n| setup.apply(f, n, &mut stream::stream(7, n)).0).collect()
        };
        fails(check_per_task_within(&fixed, SHORT), "seed 8");
    }

    #[test]
    fn one_size_too_few_fails() {
        let short = |f: F<'_>, setup: &Setup, sizes: &[u64]| sizes[1..].par_iter().map(|&n| one(f, setup, n)).collect();
        fails(check_per_task_within(&short, SHORT), "199 values for 200 sizes");
    }
}

mod cell_3_4 {
    use super::*;
    use exercise::{check_halves, check_halves_within};

    fn values_of(f: F<'_>, setup: &Setup, sizes: &[u64]) -> Vec<f64> {
        sizes.iter().map(|&n| one(f, setup, n)).collect()
    }

    fn two_halves(f: F<'_>, setup: &Setup, sizes: &[u64]) -> Vec<f64> {
        let (low, high) = sizes.split_at(sizes.len() / 2);
        std::thread::scope(|scope| {
            let upper = scope.spawn(|| values_of(f, setup, high));
            let mut values = values_of(f, setup, low);
            values.extend(upper.join().expect("no panic"));
            values
        })
    }

    #[test]
    fn the_reference_passes() {
        passes(check_halves(&two_halves));
    }

    #[test]
    fn one_thread_for_both_halves_fails() {
        fails(check_halves_within(&values_of, SHORT), "did not run at the same time");
    }

    #[test]
    fn joining_the_spawned_half_at_once_fails() {
        let joined = |f: F<'_>, setup: &Setup, sizes: &[u64]| {
            let (low, high) = sizes.split_at(sizes.len() / 2);
            std::thread::scope(|scope| {
                let upper = scope.spawn(|| values_of(f, setup, high)).join().expect("no panic");
                let mut values = values_of(f, setup, low);
                values.extend(upper);
                values
            })
        };
        fails(check_halves_within(&joined, SHORT), "did not run at the same time");
    }

    #[test]
    fn the_halves_swapped_fail() {
        let swapped = |f: F<'_>, setup: &Setup, sizes: &[u64]| {
            let (low, high) = sizes.split_at(sizes.len() / 2);
            std::thread::scope(|scope| {
                let lower = scope.spawn(|| values_of(f, setup, low));
                let mut values = values_of(f, setup, high);
                values.extend(lower.join().expect("no panic"));
                values
            })
        };
        fails(check_halves_within(&swapped, SHORT), "the wrong order");
    }

    #[test]
    fn the_middle_size_dropped_fails() {
        let dropped = |f: F<'_>, setup: &Setup, sizes: &[u64]| {
            let middle = sizes.len() / 2;
            let (low, high) = (&sizes[..middle], &sizes[middle + 1..]);
            std::thread::scope(|scope| {
                let upper = scope.spawn(|| values_of(f, setup, high));
                let mut values = values_of(f, setup, low);
                values.extend(upper.join().expect("no panic"));
                values
            })
        };
        fails(check_halves_within(&dropped, SHORT), "199 values for 200 sizes");
    }
}

mod cell_3_3 {
    use super::*;
    use exercise::check_first_to_finish;

    #[test]
    fn the_reference_passes() {
        passes(check_first_to_finish(&|| 0));
    }

    #[test]
    fn wrong_workers_fail() {
        fails(check_first_to_finish(&|| 1), "holds the larger sizes");
        fails(check_first_to_finish(&|| 2), "two workers");
        fails(check_first_to_finish(&|| usize::MAX), "two workers");
    }
}

mod cell_4_1 {
    use super::*;
    use exercise::check_speedup_model;

    #[test]
    fn the_reference_passes() {
        passes(check_speedup_model(&|threads, cores| threads.min(cores) as f64));
    }

    #[test]
    fn wrong_models_fail() {
        fails(check_speedup_model(&|threads, _| threads as f64), "take turns");
        fails(check_speedup_model(&|_, cores| cores as f64), "leave cores idle");
        fails(check_speedup_model(&|threads, cores| threads as f64 / cores as f64), "the ideal is");
        fails(check_speedup_model(&|_, _| 1.0), "the ideal is");
    }
}

mod cell_4_2 {
    use super::*;
    use exercise::check_ceiling;

    fn amdahl_ceiling(speedup: f64, cores: f64) -> f64 {
        let e = (1.0 / speedup - 1.0 / cores) / (1.0 - 1.0 / cores);
        1.0 / e
    }

    #[test]
    fn the_reference_passes() {
        passes(check_ceiling(&amdahl_ceiling));
    }

    #[test]
    fn wrong_ceilings_fail() {
        fails(check_ceiling(&|s, p| 1.0 / amdahl_ceiling(s, p)), "the serial fraction e itself");
        fails(check_ceiling(&|s: f64, p: f64| 1.0 / (1.0 / s - 1.0 / p)), "divides by (1 − 1/p)");
        fails(check_ceiling(&|s, _| s), "Amdahl's ceiling");
        fails(check_ceiling(&|_, p| p), "Amdahl's ceiling");
    }
}

mod cell_4_3 {
    use super::*;
    use exercise::check_portable;

    fn integrand(x: f64) -> f64 {
        1.0 / (1.0 + x * x)
    }

    #[test]
    fn the_reference_passes() {
        passes(check_portable(&integrand, 0.0, 1.0, &|| Expr::parse("1/(1+x^2)")));
        let x_exp = |x: f64| x * x.exp();
        passes(check_portable(&x_exp, 0.0, 1.0, &|| Expr::parse("x*exp(x)")));
    }

    #[test]
    fn another_function_fails() {
        fails(check_portable(&integrand, 0.0, 1.0, &|| Expr::parse("1/1+x^2")), "one function");
        fails(check_portable(&integrand, 0.0, 1.0, &|| Expr::parse("1/(1+x)")), "one function");
        fails(check_portable(&integrand, 0.0, 1.0, &|| Expr::parse("x/(1+x^2)")), "one function");
    }

    #[test]
    fn no_expression_fails() {
        fails(check_portable(&integrand, 0.0, 1.0, &|| Expr::parse("1/(1+x^2")), "returned an error");
        fails(check_portable(&integrand, 0.0, 1.0, &|| todo!()), "not yet implemented");
    }
}
