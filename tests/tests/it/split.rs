//! One estimate split into blocks: the same bits on any number of threads, today's bits for one block.

use std::f64::consts::FRAC_PI_4;

use parlab::parallel::Pool;
use parlab::split::{self, BLOCK_POINTS, Split};
use parlab::{Backend, Error, Expr, Rule, Sampler, Setup, catalogue, process};
use parlab_tests::parlab_bin;

fn lecture(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

fn unit(rule: Rule, seed: u64) -> Setup {
    Setup::new(0.0, 1.0).unwrap().with_rule(rule).with_seed(seed)
}

/// An even n (Simpson) that is not a multiple of the block sizes below.
const N: u64 = 10_006;

#[test]
fn every_thread_count_gives_the_serial_bits() {
    let pools: Vec<Pool> = (1..=4).map(|k| Pool::new(k).unwrap()).collect();
    for rule in Rule::ALL {
        // 7 and 1000 do not divide N; 10_006 / 7 → 1430 blocks, / 1000 → 11 (no thread count divides 11).
        for size in [7, 1000] {
            let split = Split::new(unit(rule, 5), N).unwrap().with_block_size(size).unwrap();
            assert!(split.blocks() > 4, "{rule}: {} blocks", split.blocks());
            let serial = split::serial(&lecture, &split).unwrap();
            for pool in &pools {
                let pooled = split::parallel(&lecture, &split, pool).unwrap();
                assert_eq!(pooled.value.to_bits(), serial.value.to_bits(), "{rule}, blocks of {size}, {pool:?}");
                assert_eq!(pooled, serial, "{rule}, blocks of {size}, {pool:?}");
            }
            let exact = FRAC_PI_4;
            assert!((serial.value - exact).abs() < 0.01, "{rule}, blocks of {size}: {}", serial.value);
        }
    }
}

#[test]
fn one_block_is_the_estimate_of_today() {
    for rule in Rule::ALL {
        for sampler in Sampler::ALL {
            let setup = unit(rule, 9).with_sampler(sampler);
            for n in [2, 10, 1000, 4096, 100_000] {
                let n = if rule == Rule::Simpson { n + n % 2 } else { n };
                let whole = setup.estimate(&lecture, n).unwrap();
                let split = Split::new(setup, n).unwrap();
                assert_eq!(split.blocks(), 1);
                assert_eq!(split::serial(&lecture, &split).unwrap(), whole, "{rule} {sampler} n = {n}");
                // A block exactly n points long is still one block.
                let exact_fit = split.with_block_size(n).unwrap();
                assert_eq!(split::serial(&lecture, &exact_fit).unwrap(), whole, "{rule} {sampler} n = {n}");
            }
        }
    }
}

#[test]
fn the_real_block_size_keeps_todays_bits_up_to_one_block_and_splits_above() {
    let setup = unit(Rule::Lecture, 1);
    let at_most_one = Split::new(setup, BLOCK_POINTS).unwrap();
    assert_eq!(at_most_one.blocks(), 1);
    assert_eq!(split::serial(&lecture, &at_most_one).unwrap(), setup.estimate(&lecture, BLOCK_POINTS).unwrap());
    // Three blocks, the last one short, on 1, 2 and 3 threads.
    let n = 2 * BLOCK_POINTS + 12_345;
    let split = Split::new(setup, n).unwrap();
    assert_eq!((split.block_size(), split.blocks()), (BLOCK_POINTS, 3));
    let serial = split::serial(&lecture, &split).unwrap();
    for threads in 1..=3 {
        let pooled = split::run(&lecture, &split, Backend::Rayon { threads }).unwrap();
        assert_eq!(pooled.value.to_bits(), serial.value.to_bits(), "{threads} threads");
    }
    // The lecture's bias, −2/(n+1), is far below the noise here; the estimate is near π/4.
    assert!((serial.value - FRAC_PI_4).abs() < 1e-5, "{}", serial.value);
    assert_eq!(serial.value.to_bits(), 0x3fe921faab8ca966, "pinned: {}", serial.value);
}

#[test]
fn pinned_large_estimates() {
    // Blocks of 1000, so that these run in a moment: if one moves, the split's streams or sums changed.
    let pinned = [
        (Rule::Lecture, 0x3fe921d6f3308d38_u64),
        (Rule::Partition, 0x3fe921f2dc3fac1b),
        (Rule::MonteCarlo, 0x3fe925731c7f3999),
        (Rule::Midpoint, 0x3fe921fb54445d34),
        (Rule::Trapezoid, 0x3fe921fb5443cceb),
        (Rule::Simpson, 0x3fe921fb54442d1b),
    ];
    let got: Vec<(Rule, u64)> = pinned
        .iter()
        .map(|&(rule, _)| {
            let split = Split::new(unit(rule, 7), 123_456).unwrap().with_block_size(1000).unwrap();
            (rule, split::serial(&lecture, &split).unwrap().value.to_bits())
        })
        .collect();
    let shown: Vec<String> = got.iter().map(|(rule, bits)| format!("{rule} {bits:#x}")).collect();
    assert_eq!(got, pinned, "{shown:?}");
}

#[test]
fn accuracy_against_the_exact_value() {
    let n = 400_002;
    for rule in Rule::ALL {
        let split = Split::new(unit(rule, 11), n).unwrap().with_block_size(65_536).unwrap();
        let e = split::run(&lecture, &split, Backend::Rayon { threads: 2 }).unwrap();
        let error = (e.value - FRAC_PI_4).abs();
        let bound = match rule {
            Rule::Lecture | Rule::Partition => 20.0 / n as f64,
            Rule::MonteCarlo => 5.0 * e.error_estimate.unwrap(),
            _ => 1e-12,
        };
        assert!(error < bound, "{rule}: error {error:e}, bound {bound:e}");
        assert_eq!(e.evaluations, rule.evaluations(n));
    }
}

#[test]
fn the_sort_samplers_run_as_one_block() {
    let setup = unit(Rule::Partition, 2).with_sampler(Sampler::Bucket);
    let split = Split::new(setup, 50_000).unwrap().with_block_size(100).unwrap();
    assert_eq!(split.blocks(), 1);
    assert_eq!(
        split::run(&lecture, &split, Backend::Rayon { threads: 2 }).unwrap(),
        setup.estimate(&lecture, 50_000).unwrap()
    );
}

#[test]
fn bad_values_and_panics_say_where() {
    let split = Split::new(unit(Rule::Midpoint, 0), 10_000).unwrap().with_block_size(100).unwrap();
    // The first bad value in block order, whichever thread met it first.
    let bad = |x: f64| if x > 0.5 { f64::NAN } else { x };
    for backend in [Backend::Serial, Backend::Rayon { threads: 3 }] {
        let err = split::run(&bad, &split, backend).unwrap_err();
        assert!(matches!(err, Error::NonFinite { x, .. } if x > 0.5 && x < 0.5002), "{err}");
    }
    let err = split::serial(&|_: f64| f64::MAX, &split).unwrap_err();
    assert!(matches!(err, Error::Overflow { .. }), "{err}");
    let lecture_split = Split::new(unit(Rule::Lecture, 0), 10_000).unwrap().with_block_size(64).unwrap();
    let err = split::serial(&|x: f64| 1.0 / (x - 0.75).max(0.0), &lecture_split).unwrap_err();
    assert!(matches!(err, Error::NonFinite { x, value } if x <= 0.75 && value.is_infinite()), "{err}");
    let panicky = |x: f64| if x > 0.9 { panic!("too far") } else { x };
    let err = split::run(&panicky, &split, Backend::Rayon { threads: 2 }).unwrap_err();
    assert!(matches!(&err, Error::BlockPanicked { block: 90..=99, message } if message == "too far"), "{err}");
    assert_eq!(
        split::run(&lecture, &split, Backend::Chunked { threads: 2 }),
        Err(Error::SplitBackend { backend: "chunked" })
    );
    // Worker processes get the integrand as text: a closure has none.
    assert_eq!(split::run(&lecture, &split, Backend::Process { workers: 2 }), Err(Error::NotSendable));
    assert_eq!(Split::new(unit(Rule::Lecture, 0), 10).unwrap().with_block_size(0), Err(Error::ZeroBlockSize));
    assert!(matches!(Split::new(unit(Rule::Simpson, 0), 11), Err(Error::OddSimpson { .. })));
}

#[test]
fn partials_must_come_one_per_block_in_order() {
    let split = Split::new(unit(Rule::MonteCarlo, 4), 1000).unwrap().with_block_size(300).unwrap();
    let mut partials: Vec<_> = (0..split.blocks()).map(|b| split.block(&lecture, b, None)).collect();
    assert!(split.combine(&partials).is_ok());
    partials.swap(0, 1);
    assert!(matches!(split.combine(&partials), Err(Error::Partials { blocks: 4, .. })));
    assert!(matches!(split.combine(&partials[..2]), Err(Error::Partials { .. })));
}

#[test]
fn a_distributed_caller_gets_the_drivers_bits() {
    // Two "ranks" take alternate blocks, exchange pass-1 sums, and the partials are put back in block order.
    let split = Split::new(unit(Rule::Partition, 8), 5000).unwrap().with_block_size(333).unwrap();
    assert!(split.two_pass());
    let blocks = split.blocks();
    let mine = |rank: u64| (0..blocks).filter(move |b| b % 2 == rank);
    let mut sums = vec![0.0; blocks as usize];
    for rank in [1, 0] {
        for b in mine(rank) {
            sums[b as usize] = split.spacing_sum(b);
        }
    }
    let offsets = split.offsets(&sums);
    let mut partials: Vec<_> = mine(1).chain(mine(0)).map(|b| split.block(&lecture, b, Some(&offsets))).collect();
    partials.sort_by_key(|p| p.block);
    assert_eq!(split.combine(&partials).unwrap(), split::serial(&lecture, &split).unwrap());
}

// --- on worker processes ------------------------------------------------------

/// The lecture's integrand as a worker process rebuilds it: by name.
fn by_name() -> &'static catalogue::Entry {
    catalogue::get("lecture").unwrap()
}

#[test]
fn every_worker_count_gives_the_serial_bits() {
    // 10_006 in blocks of 1000: 11 blocks, the last short; no count from 2 to 4 divides 11.
    for rule in Rule::ALL {
        let split = Split::new(unit(rule, 5), N).unwrap().with_block_size(1000).unwrap();
        assert_eq!(split.blocks(), 11);
        let serial = split::serial(by_name(), &split).unwrap();
        for workers in 1..=4 {
            let procs = process::split_with_program(parlab_bin(), by_name(), &split, workers).unwrap();
            assert_eq!(procs.value.to_bits(), serial.value.to_bits(), "{rule} on {workers} workers");
            assert_eq!(procs, serial, "{rule} on {workers} workers");
        }
    }
}

#[test]
fn every_sampler_and_an_expression_give_the_serial_bits_on_processes() {
    let f = Expr::parse("exp(-x^2) + sin(3*x)").unwrap();
    for sampler in Sampler::ALL {
        for rule in [Rule::Lecture, Rule::Partition] {
            // Many small blocks (1430 of 7 points): many batches, and the offsets of every one.
            let setup = unit(rule, 12).with_sampler(sampler);
            let split = Split::new(setup, N).unwrap().with_block_size(7).unwrap();
            let serial = split::serial(&f, &split).unwrap();
            for workers in [2, 3] {
                let procs = process::split_with_program(parlab_bin(), &f, &split, workers).unwrap();
                assert_eq!(procs.value.to_bits(), serial.value.to_bits(), "{rule} {sampler} on {workers} workers");
            }
        }
    }
    // More workers than blocks: the idle ones change nothing.
    let split = Split::new(unit(Rule::MonteCarlo, 1), 2500).unwrap().with_block_size(1000).unwrap();
    let procs = process::split_with_program(parlab_bin(), &f, &split, 4).unwrap();
    assert_eq!(procs, split::serial(&f, &split).unwrap());
    assert_eq!(process::split_with_program(parlab_bin(), &f, &split, 0), Err(Error::ZeroThreads));
}

#[test]
fn the_real_block_size_on_processes_gives_the_threads_bits() {
    // Three blocks of 2^20, the last one short: the spacings sampler's two passes on real blocks.
    let split = Split::new(unit(Rule::Lecture, 1), 2 * BLOCK_POINTS + 12_345).unwrap();
    let pooled = split::run(&lecture, &split, Backend::Rayon { threads: 2 }).unwrap();
    for workers in [2, 3] {
        let procs = process::split_with_program(parlab_bin(), by_name(), &split, workers).unwrap();
        assert_eq!(procs.value.to_bits(), pooled.value.to_bits(), "{workers} workers");
    }
}

#[test]
fn non_finite_values_on_processes_are_the_serial_errors() {
    // ln(x) on [-1, 1] is NaN on the left half; 1/x is infinite at a midpoint of [-1, 1] with odd n.
    for (text, setup, n) in [
        ("ln(x)", Setup::new(-1.0, 1.0).unwrap().with_rule(Rule::Midpoint), 10_000),
        ("1/x", Setup::new(-1.0, 1.0).unwrap().with_rule(Rule::Trapezoid), 10_000),
        ("1e308*x*x", Setup::new(0.0, 10.0).unwrap().with_rule(Rule::Simpson), 10_000),
    ] {
        let f = Expr::parse(text).unwrap();
        let split = Split::new(setup, n).unwrap().with_block_size(300).unwrap();
        let serial = split::serial(&f, &split).unwrap_err();
        let procs = process::split_with_program(parlab_bin(), &f, &split, 3).unwrap_err();
        assert_eq!(procs.to_string(), serial.to_string(), "{text}");
        assert!(matches!(serial, Error::NonFinite { .. } | Error::Overflow { .. }), "{text}: {serial}");
    }
}

/// Runs a split on worker processes on another thread, and fails the test
/// if it has not returned within a minute: a hang is a failure, not a stall.
fn within_a_minute(program: std::path::PathBuf, split: Split, workers: usize) -> parlab::Result<parlab::Estimate> {
    let (done, result) = std::sync::mpsc::channel();
    // scope: the program path and the split move into the thread.
    std::thread::spawn(move || done.send(process::split_with_program(&program, by_name(), &split, workers)));
    result.recv_timeout(std::time::Duration::from_secs(60)).expect("the split on worker processes hung")
}

/// A stand-in for the `parlab` program, in a folder named `split-<what>`.
fn script(what: &str, text: &str) -> std::path::PathBuf {
    crate::stand_in(&format!("split-{what}"), text)
}

/// A real worker behind a wrapper that passes its input on through a fifo
/// and, `delay` seconds after the first line that holds `seen` went by,
/// kills it with SIGKILL, and itself: a kill in a chosen pass, whatever the machine's speed.
fn killed_after(what: &str, seen: &str, delay: &str) -> std::path::PathBuf {
    let real = parlab_bin().display().to_string();
    script(
        what,
        &format!(
            "#!/bin/sh\nfifo=\"$(dirname \"$0\")/input-$$\"\nmkfifo \"$fifo\"\n\"{real}\" \"$@\" <\"$fifo\" &\nworker=$!\n\
             exec 4>\"$fifo\"\nrm \"$fifo\"\nkilling=\nwhile IFS= read -r line; do\n  printf '%s\\n' \"$line\" >&4\n  \
             case \"$killing$line\" in\n    *'{seen}'*) killing=yes; (sleep {delay}; kill -9 $worker; kill -9 $$) & ;;\n  esac\ndone\n"
        ),
    )
}

#[test]
fn a_killed_worker_is_named_in_either_pass() {
    // Seconds of blocks on two workers; the kill lands after the first batch
    // went to the worker (in pass 1, for the spacings sampler), or after the offsets (in pass 2).
    let first_batch = killed_after("killed-in-a-batch", r#""from""#, "0.05");
    let offsets = killed_after("killed-in-pass-2", r#""offsets""#, "0.2");
    let cases = [
        (Rule::MonteCarlo, &first_batch, ""),
        (Rule::Lecture, &first_batch, " (pass 1)"),
        (Rule::Lecture, &offsets, ""),
    ];
    for (rule, program, pass) in cases {
        let split = Split::new(unit(rule, 2), 60_000_000).unwrap().with_block_size(100_000).unwrap();
        match within_a_minute(program.clone(), split, 2).unwrap_err() {
            Error::Worker { worker, pid, message } => {
                assert!(worker < 2 && pid > 0, "worker {worker}, pid {pid}");
                let block = message
                    .strip_prefix("was killed by signal 9 (SIGKILL) while computing block ")
                    .and_then(|rest| rest.strip_suffix(pass))
                    .and_then(|b| b.parse::<u64>().ok())
                    .unwrap_or_else(|| panic!("{rule}: {message}"));
                assert!(block < split.blocks(), "{message}");
            }
            other => panic!("{rule}: expected a killed worker, got {other}"),
        }
    }
}

#[test]
fn a_panic_in_a_worker_s_block_is_an_error_naming_the_worker_not_a_hang() {
    // Three blocks (1000, 1000, 500 points): one worker gets them in one batch.
    let split = Split::new(unit(Rule::Midpoint, 0), 2500).unwrap().with_block_size(1000).unwrap();
    // A worker whose integrand panics in block 0 answers with the panic (as
    // `parlab worker` does), and then does not exit: the parent must not wait for it.
    let panicked = r#"{"index":0,"n":1000,"error":"the integrand panicked while computing block 0 of a split estimate: gave up","start":0.0,"end":0.1}"#;
    let answers =
        script("panic-answered", &format!("#!/bin/sh\nread header\nread batch\necho '{panicked}'\nexec sleep 30\n"));
    let err = within_a_minute(answers, split, 1).unwrap_err();
    let message = "the integrand panicked while computing block 0 of a split estimate: gave up".to_string();
    assert_eq!(err, Error::RemoteBlock { worker: 0, block: 0, message });
    assert!(err.to_string().ends_with("gave up (reported by worker process 0)"), "{err}");
    // A worker that panics outside a block dies mid-batch: named, with its last words.
    let dies = script(
        "panic-died",
        "#!/bin/sh\nread header\nread batch\necho \"thread 'main' panicked at src/main.rs:1:1: gave up\" >&2\nexit 101\n",
    );
    let text = within_a_minute(dies, split, 1).unwrap_err().to_string();
    assert!(text.starts_with("worker process 0 (pid "), "{text}");
    assert!(
        text.ends_with(") exited with status 101 while computing block 0; it said: thread 'main' panicked at src/main.rs:1:1: gave up"),
        "{text}"
    );
    // A worker that answers a block with no sums is refused, not combined.
    let empty =
        script("no-sums", "#!/bin/sh\nread header\nread batch\necho '{\"index\":0,\"n\":1000}'\nexec sleep 30\n");
    let text = within_a_minute(empty, split, 1).unwrap_err().to_string();
    assert!(text.ends_with(") sent an answer for block 0 without its sums"), "{text}");
}
