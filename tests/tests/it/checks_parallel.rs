//! The checks of notebooks 03 and 04's student cells: the reference answers pass, and every known-wrong answer fails.
//!
//! | check | wrong answers |
//! |---|---|
//! | 3.1 copied draws | one generator per task's 12; one per worker, 4; none alike, 0 |
//! | 3.2 one generator per task | the serial map; one generator behind a Mutex; stream(seed, 0) in every task; stream(seed, n + 1); a seed written in; one size too few |
//! | 3.3 a worker of your own | the first batch only; every task for each batch; each batch backwards; values with 6 digits; the place in the list for the index; stream(seed, index); a setup written in; a panic |
//! | 3.4 first to finish | worker 1; worker 2 (there is none); usize::MAX |
//! | 3.5 two scoped halves | both halves on one thread; the spawned half joined at once; the halves swapped; the middle size dropped |
//! | 3.6 a deal of growing tasks | contiguous blocks; every task to worker 0; i mod (k − 1); the last task lost; an inclusive range; a task dealt twice; one list too many; a panic |
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

mod cell_3_5 {
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

mod cell_3_4 {
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

mod cell_3_6 {
    use super::*;
    use exercise::check_deal;

    type Dealt = Vec<Vec<usize>>;

    /// Task i to worker i mod k.
    fn interleaved(sizes: &[u64], workers: usize) -> Dealt {
        (0..workers).map(|w| (w..sizes.len()).step_by(workers).collect()).collect()
    }

    /// The largest task to the least-loaded worker, and so on down (longest processing time first).
    fn greedy(sizes: &[u64], workers: usize) -> Dealt {
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
        let (mut deal, mut load) = (vec![Vec::new(); workers], vec![0u64; workers]);
        for i in order {
            let w = (0..workers).min_by_key(|&w| load[w]).expect("at least one worker");
            deal[w].push(i);
            load[w] += sizes[i];
        }
        deal
    }

    #[test]
    fn dealing_in_turns_and_greedy_pass() {
        passes(check_deal(&interleaved));
        passes(check_deal(&greedy));
    }

    #[test]
    fn contiguous_blocks_fail() {
        let blocks = |sizes: &[u64], workers: usize| -> Dealt {
            let block = sizes.len().div_ceil(workers);
            (0..workers).map(|w| (w * block..sizes.len().min((w + 1) * block)).collect()).collect()
        };
        fails(check_deal(&blocks), "contiguous blocks");
    }

    #[test]
    fn every_task_to_one_worker_fails() {
        let one = |sizes: &[u64], workers: usize| -> Dealt {
            (0..workers).map(|w| if w == 0 { (0..sizes.len()).collect() } else { Vec::new() }).collect()
        };
        fails(check_deal(&one), "more than an equal share");
    }

    #[test]
    fn turns_over_one_worker_too_few_fail() {
        // i mod (k − 1): with 2 workers every task lands on worker 0, and worker 1 idles.
        let short = |sizes: &[u64], workers: usize| -> Dealt {
            let mut deal = vec![Vec::new(); workers];
            for i in 0..sizes.len() {
                deal[i % (workers - 1).max(1)].push(i);
            }
            deal
        };
        fails(check_deal(&short), "more than an equal share");
    }

    #[test]
    fn the_last_task_lost_fails() {
        let lost = |sizes: &[u64], workers: usize| -> Dealt {
            (0..workers).map(|w| (w..sizes.len() - 1).step_by(workers).collect()).collect()
        };
        fails(check_deal(&lost), "task 1999 is given to no worker");
    }

    #[test]
    fn an_inclusive_range_fails() {
        let past = |sizes: &[u64], workers: usize| -> Dealt {
            (0..workers).map(|w| (w..=sizes.len()).step_by(workers).collect()).collect()
        };
        fails(check_deal(&past), "past the last task");
    }

    #[test]
    fn a_task_dealt_twice_fails() {
        let shared_first = |sizes: &[u64], workers: usize| -> Dealt {
            let mut deal = interleaved(sizes, workers);
            deal[1].push(0);
            deal
        };
        fails(check_deal(&shared_first), "task 0 is given to workers 0 and 1");
    }

    #[test]
    fn one_list_too_many_fails() {
        let extra = |sizes: &[u64], workers: usize| -> Dealt { interleaved(sizes, workers + 1) };
        fails(check_deal(&extra), "you gave 3 lists, one per worker is 2");
    }

    #[test]
    fn a_panic_fails() {
        fails(check_deal(&|_: &[u64], _: usize| -> Dealt { todo!() }), "not yet implemented");
    }
}

mod cell_3_3 {
    use super::*;
    use exercise::check_worker;
    use parlab::{Recipe, serde_json};
    use std::error::Error;
    use std::io::{BufRead, Write};

    type Out = Result<(), Box<dyn Error>>;
    /// A header's three parts: the integrand, the setup, and every task (index, n).
    type Header = (parlab::Func, Setup, Vec<(usize, u64)>);

    /// What the header says: the integrand, the setup, and every task (index, n).
    fn header(line: &str) -> Result<Header, Box<dyn Error>> {
        let header: serde_json::Value = serde_json::from_str(line)?;
        let f = serde_json::from_value::<Recipe>(header["recipe"].clone())?.build()?;
        let setup: Setup = serde_json::from_value(header["setup"].clone())?;
        Ok((f, setup, serde_json::from_value(header["tasks"].clone())?))
    }

    /// A batch line's range of the header's tasks.
    fn batch(line: &str) -> Result<std::ops::Range<usize>, Box<dyn Error>> {
        let batch: serde_json::Value = serde_json::from_str(line)?;
        let end = |key: &str| batch[key].as_u64().map(|v| v as usize).ok_or("a batch line needs from and to");
        Ok(end("from")?..end("to")?)
    }

    /// The worker, with `answer(setup, f, place, index, n)` writing one task's line.
    fn worker_with(
        input: &mut dyn BufRead,
        output: &mut dyn Write,
        answer: impl Fn(&Setup, &parlab::Func, usize, usize, u64) -> String,
    ) -> Out {
        let mut lines = input.lines();
        let (f, setup, tasks) = header(&lines.next().ok_or("no header line")??)?;
        for line in lines {
            let range = batch(&line?)?;
            for (place, &(index, n)) in tasks.iter().enumerate().take(range.end).skip(range.start) {
                writeln!(output, "{}", answer(&setup, &f, place, index, n))?;
            }
        }
        Ok(())
    }

    fn value(setup: &Setup, f: &parlab::Func, seed_n: u64, n: u64) -> f64 {
        setup.apply(f, n, &mut stream::stream(setup.seed(), seed_n)).0
    }

    fn my_worker(input: &mut dyn BufRead, output: &mut dyn Write) -> Out {
        worker_with(input, output, |setup, f, _, index, n| {
            serde_json::json!({"index": index, "n": n, "value": value(setup, f, n, n)}).to_string()
        })
    }

    #[test]
    fn the_reference_passes() {
        passes(check_worker(&my_worker));
    }

    #[test]
    fn the_first_batch_only_fails() {
        let first = |input: &mut dyn BufRead, output: &mut dyn Write| -> Out {
            let mut lines = input.lines();
            let (f, setup, tasks) = header(&lines.next().ok_or("no header line")??)?;
            let range = batch(&lines.next().ok_or("no batch")??)?;
            for &(index, n) in &tasks[range] {
                writeln!(output, "{}", serde_json::json!({"index": index, "n": n, "value": value(&setup, &f, n, n)}))?;
            }
            Ok(())
        };
        fails(check_worker(&first), "answer every task of every batch");
    }

    #[test]
    fn every_task_for_each_batch_fails() {
        let all = |input: &mut dyn BufRead, output: &mut dyn Write| -> Out {
            let mut lines = input.lines();
            let (f, setup, tasks) = header(&lines.next().ok_or("no header line")??)?;
            for line in lines {
                line?;
                for &(index, n) in &tasks {
                    writeln!(
                        output,
                        "{}",
                        serde_json::json!({"index": index, "n": n, "value": value(&setup, &f, n, n)})
                    )?;
                }
            }
            Ok(())
        };
        fails(check_worker(&all), "twice");
    }

    #[test]
    fn six_digits_fail() {
        let short = |input: &mut dyn BufRead, output: &mut dyn Write| -> Out {
            worker_with(input, output, |setup, f, _, index, n| {
                format!(r#"{{"index":{index},"n":{n},"value":{:.6}}}"#, value(setup, f, n, n))
            })
        };
        fails(check_worker(&short), "not the same bits");
    }

    #[test]
    fn the_place_in_the_list_for_the_index_fails() {
        let place = |input: &mut dyn BufRead, output: &mut dyn Write| -> Out {
            worker_with(input, output, |setup, f, place, _, n| {
                serde_json::json!({"index": place, "n": n, "value": value(setup, f, n, n)}).to_string()
            })
        };
        fails(check_worker(&place), "the (index, n) pair the header lists");
    }

    #[test]
    fn each_batch_answered_backwards_fails() {
        let backwards = |input: &mut dyn BufRead, output: &mut dyn Write| -> Out {
            let mut lines = input.lines();
            let (f, setup, tasks) = header(&lines.next().ok_or("no header line")??)?;
            for line in lines {
                for &(index, n) in tasks[batch(&line?)?].iter().rev() {
                    writeln!(
                        output,
                        "{}",
                        serde_json::json!({"index": index, "n": n, "value": value(&setup, &f, n, n)})
                    )?;
                }
            }
            Ok(())
        };
        fails(check_worker(&backwards), "was due");
    }

    #[test]
    fn a_stream_seeded_by_index_fails() {
        let by_index = |input: &mut dyn BufRead, output: &mut dyn Write| -> Out {
            worker_with(input, output, |setup, f, _, index, n| {
                serde_json::json!({"index": index, "n": n, "value": value(setup, f, index as u64, n)}).to_string()
            })
        };
        fails(check_worker(&by_index), "not the same bits");
    }

    #[test]
    fn a_setup_written_in_fails() {
        let fixed = |input: &mut dyn BufRead, output: &mut dyn Write| -> Out {
            worker_with(input, output, |_, f, _, index, n| {
                let setup = Setup::new(0.0, 1.0).expect("a finite interval").with_seed(7);
                serde_json::json!({"index": index, "n": n, "value": value(&setup, f, n, n)}).to_string()
            })
        };
        fails(check_worker(&fixed), "gaussian");
    }

    #[test]
    fn a_panic_fails() {
        fails(check_worker(&|_: &mut dyn BufRead, _: &mut dyn Write| -> Out { todo!() }), "not yet implemented");
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
