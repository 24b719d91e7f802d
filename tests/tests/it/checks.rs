//! The exercise checks' own tests: the reference answers pass, and every known-wrong answer fails.
//!
//! Each check of `notebooks/solutions/*.ipynb` is one call into
//! `parlab::exercise`. Here each runs against the notebook's reference answer
//! (which must pass) and against the slips a student makes (each must fail,
//! and the message must name the slip). The wrong answers that are serial
//! run with a short patience: a short wait can fail a right answer, never
//! pass a wrong one, and the right answers run with the notebook's.
//!
//! | check | wrong answers |
//! |---|---|
//! | 1 | an exact value that is off, forgotten lower limit, wrong sign, another interval's; a cubic (round-off only); 1/(1+x²) (order 6); √x (order 1.5); a NaN |
//! | 2 | the serial copy; one generator shared by every task; a copy of one generator in every task; one task too few; task + 1's stream; a parallel sum inside a task |
//! | 3 | the best speedup; the row after the stop; compared with the first row; an absolute gain; efficiency; the last row; a panic on one row |
//! | 4a, 4b | the lecture's sum; no last interval; no first interval; left endpoints; the interval's ends ignored; 0 for no points |
//! | 5 | a shuffle (without replacement); one stream for every resample; one value too few; task + 1's stream; the serial copy; a generator shared by every resample; one resample too few |
//! | scope 1 (01) | no heights; the last point left out; 1/(1+x); the points reversed; a panicking thread |
//! | scope 2 (01) | copies draw different numbers; own streams draw one; both wrong; no draws |
//! | scope 3 (01) | memory shared with the worker; the worker never counted; a lost update; ours counted by the worker too |
//! | serial 1 (02) | one generator for the whole sweep (a `RefCell`); a copy of one generator per size; n + 1's stream; one size too few |
//! | serial 2 (02) | the lecture's bias −2; no bias; the sign slipped; only the end strips' share |
//! | serial 3 (02) | every rule order 1; every rule order 2; Simpson's order for the trapezoid; the lecture's rule as Monte Carlo; slopes, not orders |

use std::sync::Mutex;
use std::time::Duration;

use parlab::exercise::{self, Verdict};
use parlab::rayon::prelude::*;
use parlab::scaling::Scaling;
use parlab::stream::{self, Stream};

/// The patience of wrong answers: they must fail whatever it is.
const SHORT: Duration = Duration::from_millis(300);
const SEED: u64 = exercise::SEED;

fn passes(verdict: Verdict) {
    assert!(verdict.passed(), "the reference answer failed: {verdict}");
}

/// The check fails, and its message contains `says`.
fn fails(verdict: Verdict, says: &str) {
    let wrong = verdict.wrong().unwrap_or_else(|| panic!("a wrong answer passed:\n{verdict}"));
    assert!(wrong.contains(says), "the message should say {says:?}, but says: {wrong}");
}

mod exercise_1 {
    use super::*;
    use exercise::check_1;

    fn x_exp(x: f64) -> f64 {
        x * x.exp()
    }

    #[test]
    fn the_reference_passes() {
        passes(check_1(&x_exp, 0.0, 1.0, 1.0));
        passes(check_1(&f64::sin, 0.0, 1.0, 1.0 - 1f64.cos()));
        let k = 3.0; // a closure that captures a parameter is an integrand too
        passes(check_1(&|x: f64| (k * x).exp(), 0.0, 1.0, (k.exp() - 1.0) / k));
    }

    #[test]
    fn an_exact_value_that_is_off_fails() {
        fails(check_1(&x_exp, 0.0, 1.0, 1.0 + 1e-3), "off by");
        fails(check_1(&x_exp, 0.0, 1.0, 0.0), "off by"); // [x·eˣ − eˣ] at 1 only: the lower limit forgotten
        fails(check_1(&x_exp, 0.0, 1.0, -1.0), "off by"); // a sign slip
        fails(check_1(&x_exp, 0.0, 2.0, 1.0), "off by"); // MY_B moved, the exact value not
        fails(check_1(&x_exp, 0.0, 1.0, 1.0 + 1e-9), "off by");
    }

    #[test]
    fn a_cubic_fails_as_exact_up_to_rounding_not_as_a_wrong_value() {
        fails(check_1(&|x: f64| x * x * x, 0.0, 1.0, 0.25), "degree 3 or less");
        let exact = 0.3f64.powi(4) / 4.0 + 0.05 * 0.09; // round-off, not 0, in every error
        fails(check_1(&|x: f64| x * x * x + 0.1 * x, 0.0, 0.3, exact), "degree 3 or less");
        fails(check_1(&|x: f64| 2.0 * x - 1.0, -1.0, 3.0, 4.0), "degree 3 or less");
    }

    #[test]
    fn the_lecture_integrand_fails_with_order_6() {
        fails(check_1(&|x: f64| 1.0 / (1.0 + x * x), 0.0, 1.0, std::f64::consts::FRAC_PI_4), "f‴(a) equals f‴(b)");
    }

    #[test]
    fn a_function_that_is_not_smooth_fails() {
        fails(check_1(&f64::sqrt, 0.0, 1.0, 2.0 / 3.0), "not 4");
    }

    #[test]
    fn a_missing_value_fails() {
        fails(check_1(&x_exp, 0.0, 1.0, f64::NAN), "write the number you derived");
        fails(check_1(&|_| f64::NAN, 0.0, 1.0, 1.0), "Simpson's rule on your integrand");
        fails(check_1(&|_| todo!(), 0.0, 1.0, 1.0), "not yet implemented");
    }
}

mod exercise_2 {
    use super::*;
    use exercise::{check_2, check_2_within};

    /// The notebook's serial loop.
    fn estimates_serial(f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64) -> Vec<f64> {
        let mut estimates = Vec::new();
        for task in 0..tasks {
            let mut draws = stream::stream(SEED, task);
            let mut sum = 0.0;
            for _ in 0..samples {
                sum += f(draws.uniform());
            }
            estimates.push(sum / samples as f64);
        }
        estimates
    }

    /// One task's estimate from its own draws, as the serial loop computes it.
    fn estimate(f: &(dyn Fn(f64) -> f64 + Sync), draws: &mut Stream, samples: u64) -> f64 {
        let mut sum = 0.0;
        for _ in 0..samples {
            sum += f(draws.uniform());
        }
        sum / samples as f64
    }

    /// The notebook's solution.
    fn estimates_parallel(f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64) -> Vec<f64> {
        (0..tasks).into_par_iter().map(|task| estimate(f, &mut stream::stream(SEED, task), samples)).collect()
    }

    #[test]
    fn the_reference_passes() {
        passes(check_2(&estimates_serial, &estimates_parallel));
    }

    #[test]
    fn the_serial_copy_fails_for_want_of_a_second_task() {
        fails(check_2_within(&estimates_serial, &estimates_serial, SHORT), "no two tasks ran at the same time");
    }

    #[test]
    fn a_serial_iterator_fails_too() {
        let serial_iter = |f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64| -> Vec<f64> {
            (0..tasks).map(|task| estimate(f, &mut stream::stream(SEED, task), samples)).collect()
        };
        fails(check_2_within(&estimates_serial, &serial_iter, SHORT), "no two tasks ran at the same time");
    }

    #[test]
    fn a_generator_shared_by_every_task_fails() {
        let shared = |f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64| -> Vec<f64> {
            let draws = Mutex::new(stream::stream(SEED, 0));
            (0..tasks)
                .into_par_iter()
                .map(|_| {
                    let sum: f64 = (0..samples).map(|_| f(draws.lock().unwrap().uniform())).sum();
                    sum / samples as f64
                })
                .collect()
        };
        fails(check_2_within(&estimates_serial, &shared, SHORT), "differ from the serial ones");
    }

    #[test]
    fn a_copy_of_one_generator_in_every_task_fails() {
        // The lecture's forked workers: each starts from the same generator state.
        let copies = |f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64| -> Vec<f64> {
            let global = stream::stream(SEED, 0);
            (0..tasks).into_par_iter().map(|_| estimate(f, &mut global.clone(), samples)).collect()
        };
        fails(check_2_within(&estimates_serial, &copies, SHORT), "every task gave the same estimate");
    }

    #[test]
    fn one_task_too_few_fails() {
        let short = |f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64| -> Vec<f64> {
            (0..tasks - 1).into_par_iter().map(|task| estimate(f, &mut stream::stream(SEED, task), samples)).collect()
        };
        fails(check_2_within(&estimates_serial, &short, SHORT), "199 estimates, not 200");
    }

    #[test]
    fn the_next_tasks_stream_fails() {
        let shifted = |f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64| -> Vec<f64> {
            (1..=tasks).into_par_iter().map(|task| estimate(f, &mut stream::stream(SEED, task), samples)).collect()
        };
        fails(check_2_within(&estimates_serial, &shifted, SHORT), "off by one");
    }

    #[test]
    fn a_parallel_sum_inside_each_task_fails() {
        let split = |f: &(dyn Fn(f64) -> f64 + Sync), tasks: u64, samples: u64| -> Vec<f64> {
            (0..tasks)
                .into_par_iter()
                .map(|task| {
                    let mut draws = stream::stream(SEED, task);
                    let xs: Vec<f64> = (0..samples).map(|_| draws.uniform()).collect();
                    xs.par_iter().map(|&x| f(x)).sum::<f64>() / samples as f64
                })
                .collect()
        };
        fails(check_2_within(&estimates_serial, &split, SHORT), "another order");
    }

    #[test]
    fn the_untouched_todo_fails() {
        let todo = |_: &(dyn Fn(f64) -> f64 + Sync), _: u64, _: u64| -> Vec<f64> { todo!() };
        fails(check_2_within(&estimates_serial, &todo, SHORT), "not yet implemented");
    }
}

mod exercise_3 {
    use super::*;
    use exercise::check_3;

    /// The notebook's solution.
    fn threads_worth_using(measured: &Scaling) -> usize {
        let mut current = &measured.rows[0];
        for next in &measured.rows[1..] {
            if next.speedup <= 1.1 * current.speedup {
                break;
            }
            current = next;
        }
        current.threads
    }

    #[test]
    fn the_reference_passes() {
        passes(check_3(&threads_worth_using));
        // The same with iterators.
        passes(check_3(&|measured: &Scaling| {
            let rows = &measured.rows;
            rows.windows(2)
                .take_while(|pair| pair[1].speedup > 1.1 * pair[0].speedup)
                .last()
                .map_or(rows[0].threads, |pair| pair[1].threads)
        }));
    }

    #[test]
    fn the_best_speedup_fails() {
        let best = |m: &Scaling| m.rows.iter().max_by(|p, q| p.speedup.total_cmp(&q.speedup)).unwrap().threads;
        fails(check_3(&best), "the rule gives 2");
    }

    #[test]
    fn the_row_after_the_stop_fails() {
        let after = |m: &Scaling| {
            let stop = m.rows.windows(2).position(|pair| pair[1].speedup <= 1.1 * pair[0].speedup);
            stop.map_or(m.rows.last().unwrap().threads, |i| m.rows[i + 1].threads)
        };
        fails(check_3(&after), "the rule gives 2");
    }

    #[test]
    fn comparing_with_the_first_row_fails() {
        let first = |m: &Scaling| {
            m.rows
                .iter()
                .take_while(|row| row.threads == 1 || row.speedup > 1.1 * m.rows[0].speedup)
                .last()
                .unwrap()
                .threads
        };
        fails(check_3(&first), "the rule gives");
    }

    #[test]
    fn an_absolute_gain_fails() {
        let absolute = |m: &Scaling| {
            let mut current = &m.rows[0];
            for next in &m.rows[1..] {
                if next.speedup - current.speedup <= 0.1 {
                    break;
                }
                current = next;
            }
            current.threads
        };
        fails(check_3(&absolute), "the rule is relative");
    }

    #[test]
    fn efficiency_in_place_of_speedup_fails() {
        let efficiency = |m: &Scaling| {
            let mut current = &m.rows[0];
            for next in &m.rows[1..] {
                if next.efficiency <= 1.1 * current.efficiency {
                    break;
                }
                current = next;
            }
            current.threads
        };
        fails(check_3(&efficiency), "the rule gives 2");
    }

    #[test]
    fn the_last_row_fails() {
        fails(check_3(&|m: &Scaling| m.rows.last().unwrap().threads), "the rule gives 2");
    }

    #[test]
    fn a_panic_on_one_row_fails() {
        let two_rows = |m: &Scaling| if m.rows[1].speedup > 1.1 { threads_worth_using(m) } else { 1 };
        fails(check_3(&two_rows), "panicked");
    }
}

mod exercise_4 {
    use super::*;
    use exercise::{check_4a, check_4b};

    /// The notebook's solution.
    fn partition_area(points: &[f64], a: f64, b: f64, f: fn(f64) -> f64) -> f64 {
        let mut left = a;
        let mut area = 0.0;
        for &x in points.iter().chain(std::iter::once(&b)) {
            area += (x - left) * f(x);
            left = x;
        }
        area
    }

    fn lecture_sum(points: &[f64], _: f64, _: f64, f: fn(f64) -> f64) -> f64 {
        points.windows(2).map(|pair| (pair[1] - pair[0]) * f(pair[1])).sum()
    }

    fn no_last_interval(points: &[f64], a: f64, _: f64, f: fn(f64) -> f64) -> f64 {
        let mut left = a;
        let mut area = 0.0;
        for &x in points {
            area += (x - left) * f(x);
            left = x;
        }
        area
    }

    fn no_first_interval(points: &[f64], _: f64, b: f64, f: fn(f64) -> f64) -> f64 {
        let Some(&first) = points.first() else { return 0.0 };
        let mut left = first;
        let mut area = 0.0;
        for &x in points[1..].iter().chain(std::iter::once(&b)) {
            area += (x - left) * f(x);
            left = x;
        }
        area
    }

    fn left_endpoints(points: &[f64], a: f64, b: f64, f: fn(f64) -> f64) -> f64 {
        let mut left = a;
        let mut area = 0.0;
        for &x in points.iter().chain(std::iter::once(&b)) {
            area += (x - left) * f(left);
            left = x;
        }
        area
    }

    /// Right for [0, 1] only: a and b ignored.
    fn unit_interval(points: &[f64], _: f64, _: f64, f: fn(f64) -> f64) -> f64 {
        partition_area(points, 0.0, 1.0, f)
    }

    fn nothing_for_no_points(points: &[f64], a: f64, b: f64, f: fn(f64) -> f64) -> f64 {
        if points.is_empty() { 0.0 } else { partition_area(points, a, b, f) }
    }

    #[test]
    fn the_reference_passes() {
        passes(check_4a(&partition_area));
        passes(check_4b(&partition_area));
    }

    #[test]
    fn the_lectures_sum_fails() {
        fails(check_4a(&lecture_sum), "both end intervals");
        fails(check_4b(&lecture_sum), "not about -0.5");
    }

    #[test]
    fn a_missing_end_interval_fails() {
        fails(check_4a(&no_last_interval), "the last interval");
        fails(check_4b(&no_last_interval), "not about -0.5");
        fails(check_4a(&no_first_interval), "the first interval");
        fails(check_4b(&no_first_interval), "not about -0.5");
    }

    #[test]
    fn a_left_endpoint_rule_fails() {
        fails(check_4a(&left_endpoints), "left end");
        fails(check_4b(&left_endpoints), "not about -0.5");
    }

    #[test]
    fn ignoring_the_interval_fails() {
        fails(check_4a(&unit_interval), "on [0.5, 2]");
    }

    #[test]
    fn nothing_for_no_points_fails() {
        fails(check_4a(&nothing_for_no_points), "one interval");
    }
}

mod exercise_5 {
    use super::*;
    use exercise::{check_5, check_5_within};

    fn std_dev(values: &[f64]) -> f64 {
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
    }

    type Statistic<'a> = &'a (dyn Fn(&[f64]) -> f64 + Sync);

    /// The notebook's solution.
    fn resample(sample: &[f64], seed: u64, b: u64) -> Vec<f64> {
        let mut draws = stream::stream(seed, b);
        (0..sample.len()).map(|_| sample[draws.index(sample.len())]).collect()
    }

    fn bootstrap_se(sample: &[f64], resamples: u64, seed: u64, statistic: Statistic) -> f64 {
        std_dev(&(0..resamples).map(|b| statistic(&resample(sample, seed, b))).collect::<Vec<f64>>())
    }

    fn bootstrap_se_parallel(sample: &[f64], resamples: u64, seed: u64, statistic: Statistic) -> f64 {
        std_dev(&(0..resamples).into_par_iter().map(|b| statistic(&resample(sample, seed, b))).collect::<Vec<f64>>())
    }

    #[test]
    fn the_reference_passes() {
        passes(check_5(&resample, &bootstrap_se, &bootstrap_se_parallel));
    }

    #[test]
    fn a_shuffle_without_replacement_fails() {
        let shuffle = |sample: &[f64], seed: u64, b: u64| -> Vec<f64> {
            let mut draws = stream::stream(seed, b);
            let mut values = sample.to_vec();
            for i in (1..values.len()).rev() {
                values.swap(i, draws.index(i + 1));
            }
            values
        };
        fails(check_5_within(&shuffle, &bootstrap_se, &bootstrap_se_parallel, SHORT), "without replacement");
    }

    #[test]
    fn one_stream_for_every_resample_fails() {
        let same = |sample: &[f64], seed: u64, _: u64| resample(sample, seed, 0);
        fails(check_5_within(&same, &bootstrap_se, &bootstrap_se_parallel, SHORT), "its own stream");
    }

    #[test]
    fn the_next_resamples_stream_fails() {
        let shifted = |sample: &[f64], seed: u64, b: u64| resample(sample, seed, b + 1);
        fails(check_5_within(&shifted, &bootstrap_se, &bootstrap_se_parallel, SHORT), "it is resample 1");
    }

    #[test]
    fn one_value_too_few_fails() {
        let short = |sample: &[f64], seed: u64, b: u64| -> Vec<f64> {
            let mut draws = stream::stream(seed, b);
            (1..sample.len()).map(|_| sample[draws.index(sample.len())]).collect()
        };
        fails(check_5_within(&short, &bootstrap_se, &bootstrap_se_parallel, SHORT), "199 values");
    }

    #[test]
    fn the_serial_copy_fails_for_want_of_a_second_resample() {
        fails(check_5_within(&resample, &bootstrap_se, &bootstrap_se, SHORT), "no two resamples");
    }

    #[test]
    fn a_generator_shared_by_every_resample_fails() {
        // Serially, one stream drawn on from resample to resample is a fine bootstrap; in
        // parallel its numbers go to whichever resample asks first, and the bits are lost.
        let shared = |sample: &[f64], resamples: u64, seed: u64, statistic: Statistic| -> f64 {
            let draws = Mutex::new(stream::stream(seed, 0));
            let values: Vec<f64> = (0..resamples)
                .into_par_iter()
                .map(|_| {
                    let picked: Vec<f64> =
                        (0..sample.len()).map(|_| sample[draws.lock().unwrap().index(sample.len())]).collect();
                    statistic(&picked)
                })
                .collect();
            std_dev(&values)
        };
        fails(check_5_within(&resample, &bootstrap_se, &shared, SHORT), "not the same bits");
    }

    #[test]
    fn one_resample_too_few_fails() {
        let short = |sample: &[f64], resamples: u64, seed: u64, statistic: Statistic| -> f64 {
            bootstrap_se(sample, resamples - 1, seed, statistic)
        };
        fails(check_5_within(&resample, &short, &bootstrap_se_parallel, SHORT), "for b = 0, 1");
    }

    #[test]
    fn the_untouched_todo_fails() {
        let todo = |_: &[f64], _: u64, _: u64| -> Vec<f64> { todo!() };
        fails(check_5_within(&todo, &bootstrap_se, &bootstrap_se_parallel, SHORT), "not yet implemented");
    }
}

/// Notebook 01's checks.
mod scope_exercises {
    use super::*;
    use exercise::{check_scope_1, check_scope_2, check_scope_3_with_program};
    use parlab_tests::parlab_bin;
    use std::thread::{self, JoinHandle};

    #[test]
    fn distinct_draws_the_reference_passes() {
        passes(check_scope_2(&|| 1, &|| 4));
    }

    #[test]
    fn distinct_draws_wrong_predictions_fail() {
        fails(check_scope_2(&|| 4, &|| 4), "clones"); // the lecture's hope: copies draw different numbers
        fails(check_scope_2(&|| 1, &|| 1), "own streams");
        fails(check_scope_2(&|| 4, &|| 1), "both predictions");
        fails(check_scope_2(&|| 0, &|| 4), "clones");
        fails(check_scope_2(&|| todo!(), &|| 4), "not yet implemented");
    }

    fn lecture(x: f64) -> f64 {
        1.0 / (1.0 + x * x)
    }

    /// The notebook's solution: the thread gets its own copy of the points.
    fn spawn_heights(xs: &[f64]) -> JoinHandle<Vec<f64>> {
        let xs = xs.to_vec();
        thread::spawn(move || xs.iter().map(|&x| lecture(x)).collect())
    }

    #[test]
    fn spawned_heights_the_reference_passes() {
        passes(check_scope_1(&spawn_heights));
        // An Arc of an owned copy, consumed by the thread, is as good.
        passes(check_scope_1(&|xs: &[f64]| {
            let mine: std::sync::Arc<[f64]> = xs.into();
            thread::spawn(move || mine.iter().map(|&x| lecture(x)).collect())
        }));
    }

    #[test]
    fn spawned_heights_wrong_answers_fail() {
        fails(check_scope_1(&|_: &[f64]| thread::spawn(Vec::new)), "one height per point");
        fails(
            check_scope_1(&|xs: &[f64]| {
                let xs = xs.to_vec(); // off by one: the last point left out
                thread::spawn(move || xs.iter().take(xs.len().saturating_sub(1)).map(|&x| lecture(x)).collect())
            }),
            "one height per point",
        );
        fails(
            check_scope_1(&|xs: &[f64]| {
                let xs = xs.to_vec(); // 1/(1+x): the square forgotten
                thread::spawn(move || xs.iter().map(|&x| 1.0 / (1.0 + x)).collect())
            }),
            "not 1/(1+x²)",
        );
        fails(
            check_scope_1(&|xs: &[f64]| {
                let xs = xs.to_vec(); // the points' order lost
                thread::spawn(move || xs.iter().rev().map(|&x| lecture(x)).collect())
            }),
            "not 1/(1+x²)",
        );
        fails(check_scope_1(&|_: &[f64]| thread::spawn(|| -> Vec<f64> { todo!() })), "panicked");
        fails(check_scope_1(&|_: &[f64]| -> JoinHandle<Vec<f64>> { todo!() }), "not yet implemented");
    }

    #[test]
    fn worker_counts_the_reference_passes() {
        passes(check_scope_3_with_program(&|| [1000, 0, 2000], parlab_bin()));
    }

    #[test]
    fn worker_counts_wrong_predictions_fail() {
        let bin = parlab_bin();
        fails(check_scope_3_with_program(&|| [1000, 1000, 3000], bin), "ours after the worker"); // memory shared
        fails(check_scope_3_with_program(&|| [0, 0, 2000], bin), "the worker's count"); // the worker never counted
        fails(check_scope_3_with_program(&|| [1000, 0, 1000], bin), "ours after the two threads"); // a lost update
        fails(check_scope_3_with_program(&|| [1000, 0, 3000], bin), "ours after the two threads");
        fails(check_scope_3_with_program(&|| todo!(), bin), "not yet implemented");
    }
}

/// Notebook 02's checks.
mod serial_exercises {
    use super::*;
    use exercise::{check_serial_1, check_serial_2, check_serial_3};
    use std::cell::RefCell;
    use std::f64::consts::FRAC_PI_4;

    fn f(x: f64) -> f64 {
        1.0 / (1.0 + x * x)
    }

    /// The notebook's `integral`: the lecture's sum on sorted draws.
    fn integral(n: u64, draws: &mut Stream) -> f64 {
        let mut points: Vec<f64> = (0..n).map(|_| draws.uniform()).collect();
        points.sort_by(f64::total_cmp);
        points.windows(2).map(|pair| (pair[1] - pair[0]) * f(pair[1])).sum()
    }

    fn for_each_size(sizes: &[u64], estimate: impl Fn(u64) -> f64) -> Vec<f64> {
        sizes.iter().map(|&n| estimate(n)).collect()
    }

    /// The notebook's solution.
    fn lecture_sweep(sizes: &[u64]) -> Vec<f64> {
        for_each_size(sizes, |n| integral(n, &mut stream::stream(SEED, n)))
    }

    #[test]
    fn one_rng_per_size_the_reference_passes() {
        passes(check_serial_1(&f, 0.0, 1.0, &lecture_sweep));
    }

    #[test]
    fn one_rng_per_size_wrong_answers_fail() {
        // The lecture's one generator for the whole sweep, made to compile with a RefCell.
        let shared = |sizes: &[u64]| {
            let draws = RefCell::new(stream::stream(SEED, 0));
            for_each_size(sizes, |n| integral(n, &mut draws.borrow_mut()))
        };
        fails(check_serial_1(&f, 0.0, 1.0, &shared), "a generator of its own");
        // A copy of one generator for every size: the forked workers' copies.
        let copies = |sizes: &[u64]| {
            let global = stream::stream(SEED, 0);
            for_each_size(sizes, |n| integral(n, &mut global.clone()))
        };
        fails(check_serial_1(&f, 0.0, 1.0, &copies), "a generator of its own");
        let shifted = |sizes: &[u64]| for_each_size(sizes, |n| integral(n, &mut stream::stream(SEED, n + 1)));
        fails(check_serial_1(&f, 0.0, 1.0, &shifted), "a generator of its own");
        let one_short = |sizes: &[u64]| for_each_size(&sizes[1..], |n| integral(n, &mut stream::stream(SEED, n)));
        fails(check_serial_1(&f, 0.0, 1.0, &one_short), "one estimate per size");
        let todo = |_: &[u64]| -> Vec<f64> { todo!() };
        fails(check_serial_1(&f, 0.0, 1.0, &todo), "not yet implemented");
    }

    #[test]
    fn partition_bias_the_reference_passes() {
        passes(check_serial_2(&f, 0.0, 1.0, FRAC_PI_4, &|| -0.5));
        // (f(b) − f(a))·(b − a) for another integrand: eˣ on [0, 1] gives e − 1.
        passes(check_serial_2(&f64::exp, 0.0, 1.0, std::f64::consts::E - 1.0, &|| std::f64::consts::E - 1.0));
    }

    #[test]
    fn partition_bias_wrong_predictions_fail() {
        fails(check_serial_2(&f, 0.0, 1.0, FRAC_PI_4, &|| -2.0), "above your prediction"); // the lecture's bias
        fails(check_serial_2(&f, 0.0, 1.0, FRAC_PI_4, &|| 0.0), "below your prediction"); // no bias left
        fails(check_serial_2(&f, 0.0, 1.0, FRAC_PI_4, &|| 0.5), "below your prediction"); // the sign slipped
        fails(check_serial_2(&f, 0.0, 1.0, FRAC_PI_4, &|| -1.5), "above your prediction"); // only the strips' share
        fails(check_serial_2(&f, 0.0, 1.0, FRAC_PI_4, &|| f64::NAN), "write a number");
        fails(check_serial_2(&f, 0.0, 1.0, FRAC_PI_4, &|| todo!()), "not yet implemented");
    }

    #[test]
    fn orders_the_reference_passes() {
        passes(check_serial_3(&f, 0.0, 1.0, FRAC_PI_4, &|| [1.0, 0.5, 2.0]));
    }

    #[test]
    fn orders_wrong_predictions_fail() {
        let wrong = |orders: [f64; 3], says: &str| fails(check_serial_3(&f, 0.0, 1.0, FRAC_PI_4, &|| orders), says);
        wrong([1.0, 1.0, 1.0], "monte-carlo, trapezoid"); // every rule like the lecture's
        wrong([2.0, 2.0, 2.0], "lecture, monte-carlo"); // every rule like the trapezoid
        wrong([1.0, 0.5, 4.0], "trapezoid"); // Simpson's order for the trapezoid
        wrong([0.5, 0.5, 2.0], "lecture"); // the lecture's rule taken for Monte Carlo
        wrong([-1.0, -0.5, -2.0], "negative"); // the slope, not the order
        fails(check_serial_3(&f, 0.0, 1.0, FRAC_PI_4, &|| todo!()), "not yet implemented");
    }
}
