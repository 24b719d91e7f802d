//! The real `parlab` binary, run as a user runs it: good input and bad.
//!
//! - `sweep --samples 3000 --seed 7 --json` gives the same `points` on every
//!   backend and thread count, and `integrate -n 2999` equals its last point;
//! - every rule reaches known integrals of `--fn` integrands the catalogue
//!   does not hold, within a tolerance fitting the rule at the chosen n;
//! - every kind of bad input exits with code 2 and one line on stderr, hostile
//!   expressions (deep, long) included;
//! - `integrate` splits one estimate on threads and worker processes with the serial bits;
//! - a worker program that dies is an error, never a hang;
//! - the JSON and CSV fields the help promises are there.
//!
//! No test asserts a timing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn parlab() -> Command {
    Command::new(parlab_tests::parlab_bin())
}

/// Runs `parlab args…`, with a deadline so that a hang fails the test instead of stalling it.
fn run_with(args: &[&str], env: &[(&str, &Path)]) -> Output {
    run_within(args, env, Duration::from_secs(120))
}

/// [`run_with`], with its own deadline.
fn run_within(args: &[&str], env: &[(&str, &Path)], limit: Duration) -> Output {
    let mut command = parlab();
    command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("parlab starts");
    // Drain both pipes on threads so a large output cannot block the child.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`parlab {}` did not finish within {limit:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

fn run(args: &[&str]) -> Output {
    run_with(args, &[])
}

/// Runs a command that must succeed, and parses its one JSON object.
fn json(args: &[&str]) -> Value {
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "`parlab {}` failed: {stderr}", args.join(" "));
    assert!(stderr.is_empty(), "`parlab {}` printed on stderr: {stderr}", args.join(" "));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("`parlab {}` printed no JSON ({e})", args.join(" ")))
}

/// A sweep's points as exact bits: (n, value, evaluations, error estimate).
fn points(sweep: &Value) -> Vec<(u64, u64, u64, Option<u64>)> {
    sweep["points"]
        .as_array()
        .expect("points is a list")
        .iter()
        .map(|p| {
            (
                p["n"].as_u64().unwrap(),
                p["value"].as_f64().unwrap().to_bits(),
                p["evaluations"].as_u64().unwrap(),
                p["error_estimate"].as_f64().map(f64::to_bits),
            )
        })
        .collect()
}

/// Asserts that `args` fail the way every bad input must: exit code 2, one
/// line on stderr starting `error: `, no panic, nothing on stdout.
fn fails_cleanly_with(args: &[&str], env: &[(&str, &Path)]) -> String {
    let out = run_with(args, env);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let shown = format!("`parlab {}`", args.join(" "));
    assert_eq!(out.status.code(), Some(2), "{shown} should exit with 2; stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{shown} should print exactly one line on stderr, got: {stderr}");
    assert!(stderr.starts_with("error: "), "{shown}: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{shown}: {stderr}");
    let first = stderr["error: ".len()..].chars().next().unwrap();
    assert!(!first.is_uppercase(), "{shown} should start its message in lowercase: {stderr}");
    assert!(out.stdout.is_empty(), "{shown} printed on stdout: {}", String::from_utf8_lossy(&out.stdout));
    stderr
}

fn fails_cleanly(args: &[&str]) -> String {
    fails_cleanly_with(args, &[])
}

// --- the same points everywhere ---------------------------------------------

#[test]
fn every_backend_gives_the_same_points() {
    let base = ["sweep", "--rule", "lecture", "--samples", "3000", "--seed", "7", "--json"];
    let with = |extra: &[&str]| json(&[&base[..], extra].concat());
    let serial = with(&["--backend", "serial"]);
    let want = points(&serial);
    assert_eq!(want.len(), 3000);
    assert!(want.iter().enumerate().all(|(i, p)| p.0 == i as u64), "points are in order of n, from 0");
    assert_eq!((want[0].1, want[1].1), (0f64.to_bits(), 0f64.to_bits()), "as in the lecture, n = 0 and 1 give 0");
    let empty: Vec<bool> =
        serial["points"].as_array().unwrap().iter().map(|p| p["empty_sum"].as_bool().unwrap()).collect();
    assert_eq!(&empty[..3], [true, true, false], "n = 0 and 1 are marked as empty sums");
    assert!(empty[2..].iter().all(|e| !e), "no other point is an empty sum");
    for (backend, threads) in
        [("rayon", "1"), ("rayon", "2"), ("rayon", "4"), ("chunked", "2"), ("chunked", "3"), ("process", "2")]
    {
        let got = with(&["--backend", backend, "--threads", threads]);
        assert_eq!(got["backend"], backend);
        assert_eq!(got["threads"].as_u64(), Some(threads.parse().unwrap()));
        assert!(points(&got) == want, "--backend {backend} --threads {threads} gave other points than serial");
    }
}

#[test]
fn integrate_splits_on_threads_and_processes_with_the_serial_bits() {
    // 10_006 in blocks of 1000: 11 blocks, the last one short; no count from 2 to 4 divides 11.
    for (rule, integrand) in
        [("lecture", "--integrand=lecture"), ("monte-carlo", "--fn=exp(-x^2)"), ("simpson", "--fn=x^3")]
    {
        let base =
            ["integrate", "--rule", rule, integrand, "-n", "10006", "--block-size", "1000", "--seed", "3", "--json"];
        let with = |extra: &[&str]| json(&[&base[..], extra].concat());
        let serial = with(&["--backend", "serial"]);
        assert_eq!(serial["blocks"].as_u64(), Some(11));
        let bits = |v: &Value| (v["value"].as_f64().unwrap().to_bits(), v["error_estimate"].as_f64().map(f64::to_bits));
        for threads in ["1", "2", "3", "4"] {
            for backend in ["rayon", "process"] {
                let got = with(&["--backend", backend, "--threads", threads]);
                assert_eq!((got["backend"].as_str(), got["threads"].as_u64()), (Some(backend), threads.parse().ok()));
                assert_eq!(bits(&got), bits(&serial), "{rule} on --backend {backend} --threads {threads}");
            }
        }
    }
    let text = String::from_utf8(
        run(&["integrate", "-n", "3000", "--block-size", "1000", "--backend", "process", "--threads", "2"]).stdout,
    )
    .unwrap();
    assert!(text.contains("blocks          3 of 1000 points, on process (2 worker processes)"), "{text}");
    let line = fails_cleanly(&["integrate", "--backend", "chunked"]);
    assert!(line.contains("use serial, rayon, process or mpi"), "{line}");
}

#[test]
fn integrate_equals_the_sweeps_point_for_the_same_n() {
    let sweep = json(&["sweep", "--rule", "lecture", "--samples", "3000", "--seed", "7", "--json"]);
    let last = *points(&sweep).last().unwrap();
    let one = json(&["integrate", "--rule", "lecture", "-n", "2999", "--seed", "7", "--json"]);
    assert_eq!(one["n"].as_u64(), Some(2999));
    assert_eq!(
        one["value"].as_f64().unwrap().to_bits(),
        last.1,
        "the stream is seeded by (seed, n), so n = 2999 is the same estimate"
    );
    let other = json(&["integrate", "--rule", "lecture", "-n", "2999", "--seed", "8", "--json"]);
    assert_ne!(other["value"], one["value"], "another seed gives another estimate");
}

/// Integrands the catalogue does not hold, with their exact integrals.
const UNSEEN: [(&str, &str, &str, f64); 4] = [
    ("x^3", "0", "2", 4.0),
    ("exp(x)", "0", "1", std::f64::consts::E - 1.0),
    ("sin(x)", "0", "pi", 2.0),
    ("1/(1+x)", "0", "1", std::f64::consts::LN_2),
];

#[test]
fn every_rule_reaches_known_integrals_of_unseen_integrands() {
    // n and an absolute tolerance for each rule, from its order: the random
    // partitions err by O(1/n) (the lecture's with a bias of the same order),
    // midpoint and trapezoid by O(1/n²), Simpson by O(1/n⁴); Monte Carlo is
    // judged by its own standard error below.
    let plan = [
        ("lecture", "100000", 2e-3),
        ("partition", "100000", 1e-3),
        ("monte-carlo", "100000", f64::INFINITY),
        ("midpoint", "1000", 1e-5),
        ("trapezoid", "1000", 2e-5),
        ("simpson", "100", 1e-7),
    ];
    for (expr, from, to, exact) in UNSEEN {
        for (rule, n, tolerance) in plan {
            let got = json(&[
                "integrate",
                "--fn",
                expr,
                "--from",
                from,
                "--to",
                to,
                "--rule",
                rule,
                "-n",
                n,
                "--seed",
                "11",
                "--json",
            ]);
            let value = got["value"].as_f64().unwrap();
            let error = (value - exact).abs();
            assert!(
                error <= tolerance,
                "{rule} on {expr} over [{from}, {to}] with n = {n}: {value}, off by {error:.2e} > {tolerance:.0e}"
            );
            if rule == "monte-carlo" {
                let se = got["error_estimate"].as_f64().expect("monte carlo reports its standard error");
                assert!(se > 0.0 && se < 0.05, "{expr}: standard error {se}");
                assert!(
                    error <= 5.0 * se,
                    "monte-carlo on {expr}: off by {error:.2e}, more than 5 standard errors ({se:.2e})"
                );
            } else {
                assert!(got["error_estimate"].is_null(), "{rule} has no error estimate");
            }
        }
    }
}

// --- output ---------------------------------------------------------------

#[test]
fn integrate_json_has_the_documented_fields() {
    let got = json(&["integrate", "--integrand", "gaussian", "--rule", "simpson", "-n", "100", "--json"]);
    for field in [
        "value",
        "n",
        "rule",
        "error_estimate",
        "evaluations",
        "sampler",
        "seed",
        "from",
        "to",
        "integrand",
        "formula",
        "exact",
        "error",
        "seconds",
        "peak_rss_bytes",
    ] {
        assert!(got.get(field).is_some(), "integrate --json lacks `{field}`: {got}");
    }
    assert_eq!(got["rule"], "simpson");
    assert_eq!(got["integrand"], "gaussian");
    assert_eq!(
        (got["from"].as_f64(), got["to"].as_f64()),
        (Some(0.0), Some(2.0)),
        "--integrand defaults to the entry's interval"
    );
    assert_eq!(got["evaluations"].as_u64(), Some(101));
    assert!(got["error_estimate"].is_null());
    let error = got["value"].as_f64().unwrap() - got["exact"].as_f64().unwrap();
    assert_eq!(got["error"].as_f64(), Some(error), "error is value - exact, exactly");
    // Linux always says (VmHWM); elsewhere the field is null where the system does not.
    let peak = &got["peak_rss_bytes"];
    if cfg!(target_os = "linux") {
        assert!(peak.as_u64().is_some_and(|b| b > 1 << 20), "a running program uses more than 1 MiB: {peak}");
    } else {
        assert!(peak.as_u64().is_some_and(|b| b > 0) || peak.is_null(), "{peak}");
    }

    // An expression has no exact value; the defaults are the lecture's.
    let got = json(&["integrate", "--fn", "x^2", "--json"]);
    assert!(got.get("exact").is_none() && got.get("error").is_none(), "{got}");
    assert_eq!((got["rule"].as_str(), got["n"].as_u64()), (Some("lecture"), Some(1000)));
    assert_eq!((got["from"].as_f64(), got["to"].as_f64()), (Some(0.0), Some(1.0)));
    // Monte Carlo reports its standard error.
    let got = json(&["integrate", "--rule", "monte-carlo", "--json"]);
    assert!(got["error_estimate"].as_f64().is_some_and(|e| e > 0.0));
}

/// `parlab::sweep::Printed` reads what `parlab sweep --json` prints, run by
/// `parlab::process::parlab_command` as notebook 06 runs it, with every bit.
#[test]
fn printed_reads_the_commands_json_back_with_every_bit() {
    use parlab::process::parlab_command_with_program;
    use parlab::sweep::{self, Printed};
    let setup = parlab::Setup::new(0.0, 1.0).unwrap().with_seed(7);
    let reference =
        parlab::serial::sweep(parlab::catalogue::get("lecture").unwrap(), &setup, &sweep::below(300)).unwrap();
    for (backend, threads, label) in
        [("serial", "1", "serial(1)"), ("rayon", "2", "rayon(2)"), ("process", "2", "process(2)")]
    {
        let args =
            ["sweep", "--integrand", "lecture", "--rule", "lecture", "--seed", "7", "--samples", "300", "--json"];
        let json = parlab_command_with_program(
            parlab_tests::parlab_bin(),
            &[&args[..], &["--backend", backend, "--threads", threads]].concat(),
        )
        .unwrap();
        let printed = Printed::from_json(&json).unwrap();
        assert_eq!(printed.label(), label);
        assert!(printed.same_bits(&reference), "{label}: not the serial bits");
        assert_eq!(printed.points, reference.points, "{label}: evaluations or estimates differ");
        assert_eq!(printed.tasks.len(), 300, "{label}");
        for (i, task) in printed.tasks.iter().enumerate() {
            assert_eq!((task.index, task.n), (i, i as u64), "{label}");
            assert!(
                task.worker < printed.workers && task.start <= task.end && task.end <= printed.elapsed,
                "{label}: {task:?}"
            );
        }
    }
    // A sweep of other bits is told apart.
    let other = parlab_command_with_program(
        parlab_tests::parlab_bin(),
        &["sweep", "--integrand", "lecture", "--rule", "lecture", "--seed", "8", "--samples", "300", "--json"],
    )
    .unwrap();
    assert!(!Printed::from_json(&other).unwrap().same_bits(&reference));
}

/// A failed command is its one-line error, named by its subcommand; what it
/// printed without `--json` is not a sweep's JSON.
#[test]
fn parlab_command_gives_the_commands_one_line_error() {
    use parlab::process::parlab_command_with_program;
    let bin = parlab_tests::parlab_bin();
    let error = parlab_command_with_program(bin, &["sweep", "--integrand", "nonesuch", "--samples", "10"]).unwrap_err();
    let shown = error.to_string();
    assert!(matches!(&error, parlab::Error::Command { command, .. } if command == "sweep"), "{error:?}");
    assert!(shown.starts_with("parlab sweep: unknown integrand `nonesuch`"), "{shown}");
    assert_eq!(shown.lines().count(), 1, "{shown}");
    let script = crate::stand_in(
        "command-says",
        "#!/bin/sh\necho 'thread main panicked at src/x.rs:1:1:' >&2\necho 'note: run with RUST_BACKTRACE=1' >&2\nexit 101\n",
    );
    let said = parlab_command_with_program(&script, &["sweep"]).unwrap_err().to_string();
    assert_eq!(said, "parlab sweep: it failed (exit status: 101): note: run with RUST_BACKTRACE=1");
    let silent = crate::stand_in("command-silent", "#!/bin/sh\nexit 3\n");
    let said = parlab_command_with_program(&silent, &["sweep"]).unwrap_err().to_string();
    assert_eq!(said, "parlab sweep: it failed (exit status: 3) and printed no error");
    let missing = parlab_command_with_program(Path::new("/nonexistent/parlab"), &["sweep"]).unwrap_err().to_string();
    assert!(missing.starts_with("parlab sweep: cannot run /nonexistent/parlab: "), "{missing}");
    let text = parlab_command_with_program(bin, &["sweep", "--integrand", "lecture", "--samples", "10"]).unwrap();
    let refused = parlab::sweep::Printed::from_json(&text).unwrap_err().to_string();
    assert!(refused.starts_with("not the JSON of `parlab sweep --json`: "), "{refused}");
}

#[test]
fn sweep_json_has_the_documented_fields() {
    let got = json(&[
        "sweep",
        "--integrand",
        "lecture",
        "--rule",
        "trapezoid",
        "--sizes",
        "10,20,40",
        "--backend",
        "chunked",
        "--threads",
        "2",
        "--json",
    ]);
    for field in [
        "points",
        "rule",
        "backend",
        "threads",
        "seed",
        "tasks",
        "sampler",
        "from",
        "to",
        "integrand",
        "exact",
        "elapsed_seconds",
    ] {
        assert!(got.get(field).is_some(), "sweep --json lacks `{field}`: {got}");
    }
    let sizes: Vec<u64> = got["points"].as_array().unwrap().iter().map(|p| p["n"].as_u64().unwrap()).collect();
    assert_eq!(sizes, [10, 20, 40]);
    for p in got["points"].as_array().unwrap() {
        for field in ["n", "value", "evaluations", "error_estimate", "error", "empty_sum"] {
            assert!(p.get(field).is_some(), "a point lacks `{field}`: {p}");
        }
    }
    let tasks = got["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 3);
    for (i, t) in tasks.iter().enumerate() {
        assert_eq!(t["index"].as_u64(), Some(i as u64));
        assert!(t["worker"].as_u64().unwrap() < 2);
        assert!(t["start_seconds"].as_f64().unwrap() <= t["end_seconds"].as_f64().unwrap());
    }
    // The trapezoid rule's error shrinks about 4x per doubling of n.
    let errors: Vec<f64> =
        got["points"].as_array().unwrap().iter().map(|p| p["error"].as_f64().unwrap().abs()).collect();
    for pair in errors.windows(2) {
        let order = parlab::tolerance::order(pair[0], pair[1]);
        assert!((order - 2.0).abs() < 0.1, "trapezoid order {order}");
    }
}

#[test]
fn samples_means_every_size_the_rule_accepts() {
    let sizes = |rule: &str| -> Vec<u64> {
        let got = json(&["sweep", "--rule", rule, "--samples", "7", "--json", "--backend", "serial"]);
        got["points"].as_array().unwrap().iter().map(|p| p["n"].as_u64().unwrap()).collect()
    };
    assert_eq!(sizes("lecture"), [0, 1, 2, 3, 4, 5, 6], "the lecture's range(samples)");
    assert_eq!(sizes("midpoint"), [1, 2, 3, 4, 5, 6]);
    assert_eq!(sizes("simpson"), [2, 4, 6]);
}

#[test]
fn empty_sums_are_marked_in_every_output_and_refused_alone() {
    let sweep = ["sweep", "--rule", "lecture", "--samples", "4", "--backend", "serial"];
    let out = run(&sweep);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(2).collect();
    assert_eq!(rows.len(), 4, "{text}");
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row.contains("empty sum"), n < 2, "row for n = {n}: {row}");
    }
    let out = run(&[&sweep[..], &["--csv"]].concat());
    let csv = String::from_utf8(out.stdout).unwrap();
    let flags: Vec<&str> = csv.lines().skip(1).map(|l| l.rsplit(',').next().unwrap()).collect();
    assert_eq!(flags, ["true", "true", "false", "false"], "{csv}");
    // On its own, an empty sum is refused; the smallest real estimate is not.
    for n in ["0", "1"] {
        let line = fails_cleanly(&["integrate", "--rule", "lecture", "-n", n]);
        assert!(line.contains(&format!("sums no terms for n = {n}")) && line.contains("use n >= 2"), "{line}");
    }
    assert!(json(&["integrate", "--rule", "lecture", "-n", "2", "--json"])["value"].as_f64().unwrap() > 0.0);
    // Other rules' smallest n sum at least one term.
    assert_eq!(json(&["integrate", "--rule", "partition", "-n", "0", "--json"])["n"].as_u64(), Some(0));
}

#[test]
fn csv_has_a_header_and_one_row_per_point() {
    let out =
        run(&["sweep", "--integrand", "lecture", "--rule", "monte-carlo", "--sizes", "10,100", "--seed", "3", "--csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "n,value,evaluations,error_estimate,error,empty_sum");
    assert_eq!(lines.len(), 3, "{text}");
    let cells: Vec<&str> = lines[2].split(',').collect();
    assert_eq!(cells[0], "100");
    let json = json(&[
        "sweep",
        "--integrand",
        "lecture",
        "--rule",
        "monte-carlo",
        "--sizes",
        "10,100",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!(
        cells[1].parse::<f64>().unwrap().to_bits(),
        json["points"][1]["value"].as_f64().unwrap().to_bits(),
        "CSV floats read back to the same bits"
    );
}

#[test]
fn a_reversed_interval_flips_the_sign() {
    let value = |from: &str, to: &str| {
        json(&["integrate", "--fn", "exp(x)", "--from", from, "--to", to, "--rule", "simpson", "-n", "10", "--json"])["value"].as_f64().unwrap()
    };
    assert_eq!(value("1", "0"), -value("0", "1"));
    let help = String::from_utf8(run(&["integrate", "--help"]).stdout).unwrap();
    assert!(help.contains("sign") && help.contains("flipped"), "the help says what a reversed interval does");
}

#[test]
fn progress_never_changes_a_result() {
    // `--progress always` takes the chunked path even where nothing is drawn.
    for backend in ["serial", "rayon"] {
        let base = ["sweep", "--samples", "1500", "--seed", "5", "--json", "--backend", backend, "--threads", "2"];
        let plain = json(&[&base[..], &["--progress", "never"]].concat());
        let shown = json(&[&base[..], &["--progress", "always"]].concat());
        assert!(points(&plain) == points(&shown), "{backend}: progress changed the points");
        let indices: Vec<u64> =
            shown["tasks"].as_array().unwrap().iter().map(|t| t["index"].as_u64().unwrap()).collect();
        assert!(
            indices.iter().enumerate().all(|(i, &j)| i as u64 == j),
            "{backend}: task indices run 0..len in the chunked path"
        );
    }
}

#[test]
fn catalogue_lists_every_entry() {
    let out = run(&["catalogue"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for entry in &parlab::catalogue::CATALOGUE {
        assert!(text.contains(entry.name) && text.contains(entry.teaches), "catalogue lacks {}", entry.name);
    }
    let list = json(&["catalogue", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), parlab::catalogue::CATALOGUE.len());
    assert_eq!(list[0]["exact"].as_f64(), Some(std::f64::consts::FRAC_PI_4));
}

#[test]
fn help_documents_the_json_fields_and_hides_the_worker() {
    let help = |args: &[&str]| String::from_utf8(run(args).stdout).unwrap();
    let integrate = help(&["integrate", "--help"]);
    for field in ["value", "error_estimate", "evaluations", "peak_rss_bytes", "exact"] {
        assert!(integrate.contains(field), "integrate --help does not document `{field}`");
    }
    let sweep = help(&["sweep", "--help"]);
    for field in ["points", "tasks", "backend", "threads", "start_seconds"] {
        assert!(sweep.contains(field), "sweep --help does not document `{field}`");
    }
    let top = help(&["--help"]);
    assert!(top.contains("integrate") && top.contains("sweep") && top.contains("bench") && top.contains("catalogue"));
    let listed = |name: &str| top.lines().any(|l| l.trim_start().starts_with(&format!("{name} ")));
    assert!(
        listed("integrate") && !listed("worker") && !listed("count"),
        "the worker and count subcommands are internal: {top}"
    );
}

#[test]
fn the_count_worker_counts_in_its_own_memory() {
    // What `parlab::process::count_in_worker` runs in another process.
    let out = run(&["count", "--start", "5", "--times", "1000"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "1005");
}

#[test]
fn a_closed_output_pipe_is_not_an_error() {
    // `parlab sweep ... | head -1`
    let mut child = parlab()
        .args(["sweep", "--samples", "3000", "--backend", "serial"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

// --- bad input --------------------------------------------------------------

#[test]
fn every_kind_of_bad_input_exits_2_with_one_line() {
    let cases: &[(&[&str], &str)] = &[
        (&["integrate", "--from", "nan"], "not finite"),
        (&["integrate", "--to", "inf"], "not finite"),
        (&["integrate", "--from", "1", "--to", "1"], "empty"),
        (&["integrate", "--rule", "simpson", "-n", "3"], "even"),
        (&["integrate", "--rule", "simpson", "-n", "0"], "simpson"),
        (&["integrate", "--rule", "midpoint", "-n", "0"], "n >= 1"),
        (&["integrate", "-n", "1e12"], "too large"),
        (&["integrate", "--sampler", "sort", "-n", "1e9"], "spacings"),
        (&["integrate", "-n", "ten"], "whole number"),
        (&["integrate", "-n", "-5"], "whole number"),
        (&["sweep", "--samples", "10", "--threads", "0"], "at least 1"),
        (&["sweep", "--samples", "10", "--backend", "chunked", "--threads", "0"], "at least 1"),
        (&["sweep", "--samples", "10", "--backend", "process", "--threads", "0"], "at least 1"),
        (&["sweep", "--samples", "0"], "no sample sizes"),
        (&["sweep", "--sizes", "2,3", "--rule", "simpson"], "even"),
        (&["sweep", "--samples", "1e7"], "limit"),
        (&["integrate", "--integrand", "lectur"], "unknown integrand"),
        (&["integrate", "--rule", "romberg"], "unknown rule"),
        (&["sweep", "--samples", "10", "--backend", "gpu"], "unknown backend"),
        (&["integrate", "--sampler", "quick"], "unknown sampler"),
        (&["integrate", "--fn", "1/(1+"], "parse"),
        (&["integrate", "--fn", "sin(y)"], "unknown name `y`"),
        (&["integrate", "--fn", ""], "empty"),
        (&["integrate", "--fn", "2e999*x"], "infinity"),
        (&["integrate", "--fn", "1/x", "--from", "0", "--to", "1", "--rule", "trapezoid"], "at x = 0"),
        (&["integrate", "--fn", "ln(x)", "--from", "-1", "--to", "1", "--rule", "midpoint", "-n", "4"], "NaN"),
        (
            &[
                "sweep",
                "--fn",
                "1/x",
                "--from",
                "0",
                "--to",
                "1",
                "--rule",
                "trapezoid",
                "--sizes",
                "4",
                "--backend",
                "process",
                "--threads",
                "2",
            ],
            "at x = 0",
        ),
        (&["integrate", "--to", "2*x"], "uses x"),
        (&["integrate", "--seed", "-1"], "seed"),
        (&["integrate", "--fn", "x", "--integrand", "lecture"], "cannot be used with"),
        (&["sweep", "--samples", "10", "--sizes", "1,2"], "cannot be used with"),
        (&["sweep"], "--samples"),
        (&["integrate", "--bogus"], "--bogus"),
        (&["sweep", "--samples", "10", "--progress", "sometimes"], "possible values"),
        (&["bench", "--against-lecture", "--rule", "simpson"], "lecture's own work"),
        (&["frobnicate"], "frobnicate"),
    ];
    for (args, expected) in cases {
        let line = fails_cleanly(args);
        assert!(line.contains(expected), "`parlab {}` should say `{expected}`, said: {line}", args.join(" "));
    }
}

#[test]
fn a_worker_program_that_dies_is_an_error_not_a_hang() {
    let sweep = ["sweep", "--samples", "200", "--backend", "process", "--threads", "2"];
    // A program that exits at once.
    let line = fails_cleanly_with(&sweep, &[("PARLAB_BIN", Path::new("/bin/false"))]);
    assert!(line.contains("worker process") && line.contains("PARLAB_BIN"), "{line}");
    // A program that does not exist.
    let line = fails_cleanly_with(&sweep, &[("PARLAB_BIN", Path::new("/nonexistent/parlab"))]);
    assert!(line.contains("/nonexistent/parlab"), "{line}");
    // A worker that takes its header and one batch, then dies mid-sweep.
    let script = scratch("dies.sh");
    parlab_tests::write_script(&script, "#!/bin/sh\nread header\nread batch\nexit 3\n");
    let line = fails_cleanly_with(&sweep, &[("PARLAB_BIN", &script)]);
    assert!(line.contains("worker process") && line.contains('3'), "{line}");
    // The same for the blocks of one estimate.
    let split = ["integrate", "-n", "100000", "--block-size", "1000", "--backend", "process", "--threads", "2"];
    let line = fails_cleanly_with(&split, &[("PARLAB_BIN", &script)]);
    let _ = std::fs::remove_dir_all(script.parent().unwrap());
    assert!(line.contains("worker process") && line.contains("exited with status 3 while computing block"), "{line}");
    let line = fails_cleanly_with(&split, &[("PARLAB_BIN", Path::new("/nonexistent/parlab"))]);
    assert!(line.contains("/nonexistent/parlab"), "{line}");
}

#[test]
fn hostile_expressions_give_one_line_not_a_crash() {
    // Deep nesting once overflowed the parser's stack (exit 134, no message).
    // Each argument stays under Linux's 128 KiB limit for one argument.
    let nested = |open: &str, close: &str, k: usize| format!("{}x{}", open.repeat(k), close.repeat(k));
    let cases = [
        (nested("(", ")", 60_000), "tokens"),
        (nested("sin(", ")", 20_000), "tokens"),
        (nested("-", "", 120_000), "tokens"),
        (nested("2^", "", 60_000), "tokens"),
        ("1+".repeat(60_000) + "1", "tokens"),
        (nested("(", ")", 150), "levels deep"),
        (nested("-", "", 150), "levels deep"),
    ];
    for (text, expected) in &cases {
        let line = fails_cleanly(&["integrate", &format!("--fn={text}")]);
        assert!(line.contains(expected), "{}…: {line}", &text[..20]);
        assert!(line.len() < 500, "the expression is shown shortened: {} bytes", line.len());
    }
    // Within the limits, a deep one and a long one are integrated.
    let deep = json(&["integrate", "--fn", &nested("(", ")", 90), "--rule", "midpoint", "-n", "2", "--json"]);
    assert_eq!(deep["value"].as_f64(), Some(0.5));
    let long = vec!["x"; 900].join("+");
    let sum = json(&["integrate", "--fn", &long, "--rule", "midpoint", "-n", "2", "--json"]);
    assert_eq!(sum["value"].as_f64(), Some(450.0));
}

#[test]
fn a_worker_refuses_a_hostile_recipe_in_one_line() {
    // The parent parses an expression before it starts workers, but a worker
    // reads its recipe itself: it must refuse the same way.
    let deep = format!("{}x{}", "(".repeat(100_000), ")".repeat(100_000));
    let header = serde_json::json!({
        "recipe": { "expr": deep },
        "setup": { "a": 0.0, "b": 1.0, "rule": "lecture", "sampler": "spacings", "seed": 0 },
        "tasks": [[0, 10]]
    });
    let mut child =
        parlab().arg("worker").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "{header}").unwrap();
        writeln!(stdin, "{{\"from\":0,\"to\":1}}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("tokens") && !stderr.contains("panicked"), "{stderr}");
}

/// A file path in a folder of this test run's own.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("parlab-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

// --- bench -------------------------------------------------------------------

#[test]
fn bench_times_every_backend_and_names_the_machine() {
    let out = run(&[
        "bench",
        "--samples",
        "200",
        "--repeats",
        "1",
        "--warmup",
        "0",
        "--backends",
        "serial,rayon,chunked,process",
        "--threads",
        "2",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.starts_with("machine: "), "{text}");
    for backend in ["serial", "rayon", "chunked", "process", "karp-flatt", "amdahl"] {
        assert!(text.contains(backend), "the table lacks {backend}: {text}");
    }
    // More threads than available is flagged.
    let many = (parlab::parallel::available_threads() * 2).to_string();
    let out = run(&[
        "bench",
        "--samples",
        "50",
        "--repeats",
        "1",
        "--warmup",
        "0",
        "--backends",
        "rayon",
        "--threads",
        &many,
        "--markdown",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("warning:") && text.contains("| rayon |"), "{text}");
    let got = json(&[
        "bench",
        "--samples",
        "50",
        "--repeats",
        "2",
        "--warmup",
        "0",
        "--backends",
        "rayon",
        "--threads",
        "1,2",
        "--json",
    ]);
    assert_eq!(got["backends"][0]["scaling"]["rows"].as_array().unwrap().len(), 2);
    assert!(got["machine"]["available_parallelism"].as_u64().is_some());
}

#[test]
fn bench_per_sample_compares_with_drawing_alone() {
    let got = json(&[
        "bench",
        "--per-sample",
        "--points",
        "20000",
        "--repeats",
        "1",
        "--warmup",
        "0",
        "--no-memory",
        "--json",
    ]);
    let rows = got["per_sample"].as_array().unwrap();
    let samplers: Vec<&str> = rows.iter().map(|r| r["sampler"].as_str().unwrap()).collect();
    assert_eq!(samplers, ["spacings", "bucket", "sort"]);
    let drawn: Vec<&str> = rows.iter().map(|r| r["drawn"].as_str().unwrap()).collect();
    assert_eq!(drawn, ["n + 1 exponentials", "n uniforms", "n uniforms"]);
    for r in rows {
        let (e, g) = (r["estimate_ns_per_sample"].as_f64().unwrap(), r["generate_ns_per_sample"].as_f64().unwrap());
        assert!(e > 0.0 && g > 0.0, "{r}");
        assert_eq!(r["ratio"].as_f64(), Some(e / g), "the ratio is the estimate's time over drawing's: {r}");
        assert_eq!(r["n"].as_u64(), Some(20000));
    }
}

/// The benchmark against the lecture's numpy code, run small. It finds the
/// lab's Python, or makes its own venv with numpy in `target/bench/venv`
/// (about a minute, once), as a user's first run does.
#[test]
fn bench_against_the_lecture_runs_its_python() {
    let args = [
        "bench",
        "--against-lecture",
        "--samples",
        "40",
        "--repeats",
        "1",
        "--warmup",
        "0",
        "--points",
        "1000",
        "--no-memory",
        "--json",
    ];
    let out = run_within(&args, &[], Duration::from_secs(600));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "`parlab bench --against-lecture` failed: {stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("error"), "{stderr}");
    let got: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let sweeps = &got["sweeps"];
    assert!(sweeps["python"]["numpy"].as_str().is_some());
    let rows = sweeps["rows"].as_array().unwrap();
    let row = |key: &str| rows.iter().find(|r| r["key"] == key).unwrap_or_else(|| panic!("no row {key}"));
    for key in [
        "numpy_serial",
        "numpy_pool",
        "parlab_serial",
        "parlab_rayon_2",
        "parlab_sort",
        "parlab_bucket",
        "command_serial",
        "command_rayon_2",
    ] {
        assert!(row(key)["median_seconds"].as_f64().unwrap() > 0.0, "{key}");
    }
    // Both sides did the lecture's work: their estimates for n = 39 are near π/4.
    for key in ["numpy_serial", "numpy_pool", "parlab_serial"] {
        let last = row(key)["last_value"].as_f64().unwrap();
        assert!((last - std::f64::consts::FRAC_PI_4).abs() < 0.2, "{key}: {last}");
    }
    assert!(sweeps["ratios"].as_array().unwrap().len() >= 3);
}
