//! `parlab bench --students`, run small: every measurement is there, side by
//! side, with its ratios, and the rows of one integrand agree bit for bit.
//!
//! It runs the lecture's numpy code, so it needs a Python with numpy: the
//! bench finds one (`PARLAB_PYTHON`, `target/lab/venv`, `target/bench/venv`)
//! or makes `target/bench/venv` itself. No test asserts a timing.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Runs `parlab args…` with a deadline: the first run may make the venv.
fn run(args: &[&str]) -> Output {
    let mut child = Command::new(parlab_tests::parlab_bin())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parlab starts");
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
    let deadline = Instant::now() + Duration::from_secs(600);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`parlab {}` did not finish within 600 s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

/// A small run: the sweep's N as given, one estimate at n = 20000, one round, and `more`.
fn small<'a>(samples: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    let args = ["bench", "--students", "--samples", samples, "--points", "20000", "--repeats", "1", "--warmup", "0"];
    args.iter().chain(more).copied().collect()
}

/// Every measurement of `--students`, by its JSON key.
const ROWS: [&str; 10] = [
    "fn_item",
    "catalogue",
    "expression",
    "process_2",
    "numpy_serial",
    "command_fn",
    "command_catalogue",
    "command_process_2",
    "estimate",
    "draw",
];

#[test]
fn students_bench_times_every_row_side_by_side() {
    let args = small("200", &["--json", "--progress", "never"]);
    let out = run(&args);
    assert!(out.status.success(), "`parlab {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");

    assert_eq!(got["machine"]["available_parallelism"].as_u64(), Some(parlab::parallel::available_threads() as u64));
    assert!(got["load"].get("before").is_some() && got["load"].get("after").is_some());
    assert!(got["python"]["numpy"].as_str().is_some_and(|v| !v.is_empty()));
    assert_eq!(
        (got["samples"].as_u64(), got["points"].as_u64(), got["repeats"].as_u64()),
        (Some(200), Some(20000), Some(1))
    );

    let rows = got["rows"].as_array().expect("rows");
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ROWS);
    let row = |key: &str| rows.iter().find(|r| r["key"] == key).unwrap();
    for r in rows {
        let key = r["key"].as_str().unwrap();
        assert!(r["median_seconds"].as_f64().unwrap() > 0.0, "{key}: {r}");
        assert_eq!(r["timing"]["runs"].as_array().unwrap().len(), 1, "{key}: one timed run");
    }

    // The same integrand gives the same bits in a fn item, the catalogue and worker processes.
    let last = |key: &str| row(key)["last_value"].as_f64().unwrap_or_else(|| panic!("{key} has no estimate"));
    assert_eq!(last("fn_item").to_bits(), last("catalogue").to_bits());
    assert_eq!(last("process_2").to_bits(), last("catalogue").to_bits());
    // The expression and numpy did the lecture's work: their estimates for n = 199 are near π/4.
    for key in ["expression", "numpy_serial", "estimate"] {
        assert!((last(key) - std::f64::consts::FRAC_PI_4).abs() < 0.1, "{key}: {}", last(key));
    }

    let ratios = got["ratios"].as_array().expect("ratios");
    for label in [
        "fn item / catalogue lecture (time)",
        "expression / catalogue lecture (time)",
        "command --fn / command --integrand lecture (time)",
        "serial / process(2) (speed-up)",
        "serial command / process(2) command (speed-up)",
        "numpy serial / parlab serial (speed-up)",
    ] {
        let q = ratios.iter().find(|q| q["label"] == label).unwrap_or_else(|| panic!("no ratio {label}"));
        for field in ["value", "of_minimums"] {
            let x = q[field].as_f64().unwrap_or(f64::NAN);
            assert!(x.is_finite() && x > 0.0, "{label}: {field} = {x}");
        }
    }
    for field in ["estimate_ns", "drawing_alone_ns"] {
        assert!(got["per_sample"][field].as_f64().unwrap() > 0.0, "{field}");
    }
}

#[test]
fn students_bench_prints_rows_and_ratios_without_verdicts() {
    let args = small("50", &["--markdown"]);
    let out = run(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.starts_with("- machine: ") && text.contains("load average (1 min): "), "{text}");
    for line in [
        "| fn item (as &dyn Integrand), serial |",
        "| catalogue `lecture`, serial |",
        "| command: --fn '1/(1+x^2)' --backend serial --threads 1 |",
        "| command: --integrand lecture --backend process --threads 2 |",
        "| numpy: the lecture's serial(50, f, 0, 1) |",
        "| fn item / catalogue lecture (time) |",
        "per sample, one estimate at n = 20000: ",
    ] {
        assert!(text.contains(line), "no `{line}` in:\n{text}");
    }
    let judged = [": met", "NOT met", "target"].iter().any(|w| text.contains(w));
    assert!(!judged, "a benchmark reports, it does not judge:\n{text}");
}

#[test]
fn students_bench_refuses_other_work() {
    for (args, expected) in [
        (&["bench", "--students", "--fn", "x"][..], "lecture's own work"),
        (&["bench", "--students", "--rule", "simpson"][..], "--students"),
        (&["bench", "--students", "--against-lecture"][..], "cannot be used with"),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "`parlab {}`: {stderr}", args.join(" "));
        assert!(stderr.starts_with("error: ") && stderr.lines().count() == 1, "{stderr}");
        assert!(stderr.contains(expected), "`parlab {}`: {stderr}", args.join(" "));
    }
}
