//! Every backend gives the serial bits; errors and panics surface on every backend.

use parlab::{
    Backend, Error, Expr, Func, Portable, Result, Rule, Sampler, Setup, Sweep, catalogue, chunked, parallel, process,
    serial, sweep,
};
use parlab_tests::parlab_bin;

fn lecture() -> &'static catalogue::Entry {
    catalogue::get("lecture").unwrap()
}

/// Runs a sweep on `backend`: through the dispatcher, except that worker
/// processes run the `parlab` this test run built (passed by hand, never
/// through this process's environment).
fn run_on<P: Portable>(f: &P, setup: &Setup, sizes: &[u64], backend: Backend) -> Result<Sweep> {
    match backend {
        Backend::Process { workers } => process::sweep_with_program(parlab_bin(), f, setup, sizes, workers),
        other => sweep::run(f, setup, sizes, other),
    }
}

/// All backends, with several thread counts each.
fn backends() -> Vec<Backend> {
    vec![
        Backend::Serial,
        Backend::Rayon { threads: 1 },
        Backend::Rayon { threads: 2 },
        Backend::Rayon { threads: 4 },
        Backend::Chunked { threads: 2 },
        Backend::Chunked { threads: 3 },
        Backend::Process { workers: 2 },
    ]
}

#[test]
fn every_backend_gives_the_serial_bits_for_every_rule_and_sampler() {
    let sizes: Vec<u64> = (0..300).map(|i| (i * 37) % 301).collect(); // out of order, on purpose
    for rule in Rule::ALL {
        for sampler in Sampler::ALL {
            let setup = Setup::for_entry(lecture()).with_rule(rule).with_sampler(sampler).with_seed(7);
            let sizes: Vec<u64> = sizes.iter().copied().filter(|&n| rule.accepts(n)).collect();
            let reference = serial::sweep(lecture(), &setup, &sizes).unwrap();
            assert_eq!(
                reference.points.iter().map(|p| p.n).collect::<Vec<_>>(),
                sizes,
                "points come back in the order given"
            );
            for backend in backends() {
                let got = run_on(lecture(), &setup, &sizes, backend).unwrap();
                assert!(got.same_bits(&reference), "{rule} {sampler} on {backend}");
                assert_eq!(got.backend, backend);
                assert_eq!(got.tasks.len(), sizes.len());
                assert!(
                    got.tasks.iter().all(|t| t.worker < backend.threads() && t.start <= t.end),
                    "{backend} timeline"
                );
            }
        }
    }
}

#[test]
fn expressions_travel_to_worker_processes() {
    let f = Expr::parse("exp(-x^2)*sin(3*x)").unwrap();
    let setup = Setup::new(-1.0, 2.0).unwrap().with_rule(Rule::Partition).with_seed(11);
    let sizes = sweep::below(500);
    let serial = serial::sweep(&f, &setup, &sizes).unwrap();
    let procs = process::sweep_with_program(parlab_bin(), &f, &setup, &sizes, 3).unwrap();
    assert!(procs.same_bits(&serial));
    // A Func made from an expression hands out that expression, which travels.
    let func = Func::expr("exp(-x^2)*sin(3*x)").unwrap();
    let portable = func.portable().expect("made from an expression");
    assert!(process::sweep_with_program(parlab_bin(), portable, &setup, &sizes, 2).unwrap().same_bits(&serial));
    // And one made from a catalogue entry hands out the entry.
    let entry = Func::from(lecture());
    let setup = Setup::for_entry(lecture()).with_seed(3);
    let by_name = process::sweep_with_program(parlab_bin(), entry.portable().unwrap(), &setup, &sizes, 2).unwrap();
    assert!(by_name.same_bits(&serial::sweep(lecture(), &setup, &sizes).unwrap()));
}

#[test]
fn a_closure_cannot_cross_into_a_process() {
    // At compile time, `process::sweep(&closure, …)` does not compile (the
    // twin tests/ui/closure_to_process.rs). Known only as `&dyn Integrand`,
    // a closure is refused at run time, before any worker starts.
    let setup = Setup::new(0.0, 1.0).unwrap();
    let process = Backend::Process { workers: 2 };
    let err = sweep::run(&|x: f64| x * x, &setup, &[10], process).unwrap_err();
    assert_eq!(err, Error::NotSendable);
    assert!(err.to_string().contains("a closure is code and memory of this process"), "{err}");
    let boxed = Func::new("square", |x| x * x);
    assert_eq!(sweep::run(&boxed, &setup, &[10], process).unwrap_err(), Error::NotSendable);
    assert!(boxed.portable().is_none());
}

#[test]
fn non_finite_values_are_errors_on_every_backend() {
    let f = Expr::parse("1/(x-0.5)").unwrap();
    let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Trapezoid);
    for backend in backends() {
        let err = run_on(&f, &setup, &[3, 4, 5], backend).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("x = 0.5") && text.contains("inf"), "{backend}: {text}");
    }
}

#[test]
fn a_panicking_integrand_is_an_error_and_the_pool_survives() {
    let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Midpoint);
    let f = |x: f64| if x > 0.9 { panic!("the student's integrand gave up at {x}") } else { x };
    let pool = parallel::Pool::new(2).unwrap();
    let sizes = sweep::below(200).into_iter().skip(1).collect::<Vec<_>>();
    for run in [
        serial::sweep(&f, &setup, &sizes),
        parallel::sweep(&f, &setup, &sizes, &pool),
        chunked::sweep(&f, &setup, &sizes, 3),
    ] {
        match run.unwrap_err() {
            Error::Panicked { n, message } => assert!(n >= 1 && message.contains("gave up"), "{message}"),
            other => panic!("expected a panic error, got {other}"),
        }
    }
    // The same pool still works.
    let fine = parallel::sweep(&|x: f64| x, &setup, &[1, 2, 3], &pool).unwrap();
    assert_eq!(fine.values(), [0.5, 0.5, 0.5]);
}

#[test]
fn a_worker_that_dies_is_named_and_never_hangs() {
    let setup = Setup::for_entry(lecture());
    // A worker program that exits at once, before answering anything.
    let script = crate::stand_in("dead-worker", "#!/bin/sh\necho 'worker: out of memory' >&2\nexit 3\n");
    let err = process::sweep_with_program(&script, lecture(), &setup, &sweep::below(100), 2).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Worker { .. }), "{text}");
    assert!(text.starts_with("worker process "), "{text}");
    assert!(text.contains(") exited with status 3") && text.contains("; it said: worker: out of memory"), "{text}");
    // A program that does not exist.
    let err = process::sweep_with_program(&script.with_file_name("missing"), lecture(), &setup, &[10], 2).unwrap_err();
    assert!(matches!(err, Error::WorkerProgram { .. }), "{err}");
}

#[test]
fn a_killed_worker_is_reported() {
    // A real worker, killed with SIGKILL part-way through its tasks, and its
    // wrapper with it: the parent must name it, not wait for it. (The worker
    // reads the pipe through fd 3: sh gives a job started with `&` /dev/null
    // as its stdin, before any `<&0`.)
    let real = parlab_bin().display().to_string();
    let script = crate::stand_in(
        "killed-worker",
        &format!("#!/bin/sh\nexec 3<&0\n\"{real}\" \"$@\" <&3 &\nsleep 0.3\nkill -9 $!\nkill -9 $$\n"),
    );
    let setup = Setup::for_entry(lecture()).with_rule(Rule::MonteCarlo);
    let slow = vec![20_000_000; 40]; // seconds of work: the kill lands mid-sweep
    let err = process::sweep_with_program(&script, lecture(), &setup, &slow, 2).unwrap_err();
    assert!(matches!(err, Error::Worker { .. }), "{err}");
    let text = err.to_string();
    let sentence = "was killed by signal 9 (SIGKILL) while computing n = 20000000";
    assert!(text.starts_with("worker process ") && text.contains(") ") && text.contains(sentence), "{text}");
}

#[test]
fn batches_of_many_small_tasks_and_a_few_large_ones_keep_every_task() {
    let setup = Setup::for_entry(lecture()).with_seed(5);
    let mut sizes: Vec<u64> = (0..3000).map(|i| (i * 7) % 50).collect();
    for (k, at) in [17, 900, 1500, 2999].into_iter().enumerate() {
        sizes[at] = 300_000 + k as u64;
    }
    let reference = serial::sweep(lecture(), &setup, &sizes).unwrap();
    for workers in [1, 2, 3] {
        let got = process::sweep_with_program(parlab_bin(), lecture(), &setup, &sizes, workers).unwrap();
        assert!(got.same_bits(&reference), "{workers} workers");
        assert_eq!(got.tasks.len(), sizes.len());
        for (i, t) in got.tasks.iter().enumerate() {
            assert_eq!((t.index, t.n), (i, sizes[i]));
            assert!(t.worker < workers && t.start <= t.end && t.end <= got.elapsed, "{t:?}");
        }
        for worker in 0..workers {
            // A worker runs its tasks one after another: on the timeline they never overlap.
            let mut mine: Vec<_> = got.tasks.iter().filter(|t| t.worker == worker).collect();
            assert!(!mine.is_empty(), "worker {worker} of {workers} ran nothing");
            mine.sort_by_key(|t| t.start);
            assert!(mine.windows(2).all(|w| w[0].end <= w[1].start), "worker {worker} of {workers}");
        }
    }
}

#[test]
fn a_worker_killed_mid_batch_is_an_error_naming_it() {
    // Real workers, killed with SIGKILL (and their wrappers with them) while
    // they work through batches of tasks of different sizes.
    let real = parlab_bin().display().to_string();
    let script = crate::stand_in(
        "killed-mid-batch",
        &format!("#!/bin/sh\nexec 3<&0\n\"{real}\" \"$@\" <&3 &\nsleep 0.5\nkill -9 $!\nkill -9 $$\n"),
    );
    let setup = Setup::for_entry(lecture()).with_rule(Rule::MonteCarlo);
    let sizes: Vec<u64> = (0..4000).map(|i| 200_000 + i).collect(); // seconds of work, ~1000 tasks a batch
    match process::sweep_with_program(&script, lecture(), &setup, &sizes, 2).unwrap_err() {
        Error::Worker { worker, pid, message } => {
            assert!(worker < 2 && pid > 0, "worker {worker}, pid {pid}");
            let n: u64 = message
                .strip_prefix("was killed by signal 9 (SIGKILL) while computing n = ")
                .and_then(|rest| rest.parse().ok())
                .unwrap_or_else(|| panic!("{message}"));
            assert!(sizes.contains(&n), "{message}");
        }
        other => panic!("expected a dead worker, got {other}"),
    }
}

#[test]
fn a_panic_in_a_batch_is_an_error_not_a_hang() {
    // One worker; the schedule is n = 40000 alone, then the batch [7, 5].
    let setup = Setup::for_entry(lecture());
    let sizes = [5, 40_000, 7];
    let first = r#"{"index":1,"n":40000,"value":0.785,"evaluations":40000,"start":0.001,"end":0.002}"#;
    // A worker whose integrand panics on n = 7 answers with the panic (as
    // `serve` does), and then does not exit: the parent must not wait for it.
    let panicked = r#"{"index":2,"n":7,"error":"the integrand panicked while computing n = 7: gave up at 0.5","start":0.002,"end":0.003}"#;
    let answers = crate::stand_in(
        "panic-answered",
        &format!("#!/bin/sh\nread header\nread one\nread two\necho '{first}'\necho '{panicked}'\nexec sleep 30\n"),
    );
    let err = process::sweep_with_program(&answers, lecture(), &setup, &sizes, 1).unwrap_err();
    assert_eq!(
        err,
        Error::Remote {
            worker: 0,
            n: 7,
            message: "the integrand panicked while computing n = 7: gave up at 0.5".into()
        }
    );
    // A worker that panics outside a task dies mid-batch: named, with its last words.
    let dies = crate::stand_in(
        "panic-died",
        &format!(
            "#!/bin/sh\nread header\nread one\nread two\necho '{first}'\necho \"thread 'main' panicked at src/main.rs:1:1: gave up\" >&2\nexit 101\n"
        ),
    );
    let text = process::sweep_with_program(&dies, lecture(), &setup, &sizes, 1).unwrap_err().to_string();
    assert!(text.starts_with("worker process 0 (pid "), "{text}");
    assert!(
        text.ends_with(") exited with status 101 while computing n = 7; it said: thread 'main' panicked at src/main.rs:1:1: gave up"),
        "{text}"
    );
    // An answer to a task that was not due is refused, not filed under another.
    let wrong = crate::stand_in(
        "wrong-answer",
        "#!/bin/sh\nread header\nread one\necho '{\"index\":0,\"n\":5,\"value\":0.5,\"start\":0.0,\"end\":0.0}'\nexec sleep 30\n",
    );
    let text = process::sweep_with_program(&wrong, lecture(), &setup, &sizes, 1).unwrap_err().to_string();
    assert!(text.ends_with(") answered task 0 (n = 5) where task 1 (n = 40000) was due"), "{text}");
}

#[test]
fn processes_do_not_share_memory() {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let theirs = process::count_in_worker_with_program(parlab_bin(), COUNTER.load(Ordering::SeqCst), 1000).unwrap();
    assert_eq!(theirs, 1000);
    assert_eq!(COUNTER.load(Ordering::SeqCst), 0);
}

#[test]
fn bad_sweeps_are_refused_before_any_work() {
    let setup = Setup::new(0.0, 1.0).unwrap();
    assert_eq!(serial::sweep(lecture(), &setup, &[]).unwrap_err(), Error::NoSizes);
    assert_eq!(parallel::Pool::new(0).unwrap_err(), Error::ZeroThreads);
    assert_eq!(chunked::sweep(lecture(), &setup, &[1], 0).unwrap_err(), Error::ZeroThreads);
    assert_eq!(Backend::parse("rayon", 0).unwrap_err(), Error::ZeroThreads);
    assert!(matches!(Backend::parse("gpu", 2), Err(Error::UnknownBackend { .. })));
    let simpson = setup.with_rule(Rule::Simpson);
    assert_eq!(serial::sweep(lecture(), &simpson, &[2, 4, 5]).unwrap_err(), Error::OddSimpson { n: 5 });
    let huge = vec![parlab::rule::MAX_POINTS; 3];
    assert!(matches!(serial::sweep(lecture(), &setup, &huge), Err(Error::SweepTooLarge { .. })));
}
