//! `parlab bench --students`: the speed of what students run, next to the
//! catalogue's own `lecture` integrand on the same work.
//!
//! A student's integrand reaches parlab in ways the catalogue's `lecture`
//! entry does not: a `fn` item or a closure, called through `&dyn Integrand`;
//! an expression typed with `--fn` (or built with `Func::expr`), evaluated by
//! the expression evaluator; and the process backend, which sends the
//! integrand to worker processes. Each is timed here beside the catalogue's
//! `lecture` on the lecture's sweep (the lecture rule for n = 0..N−1 on
//! 1/(1+x²) over [0, 1], N = 10000 by default), in one plan, interleaved
//! round by round:
//!
//! - in this process, serial on one thread: a `fn` item with the same formula,
//!   the catalogue's `lecture`, and the expression `1/(1+x^2)`;
//! - in this process: the process backend with the lecture's 2 workers
//!   (starting them is part of the time, as for a user);
//! - the lecture's numpy `serial(N, f, 0, 1)`, timed inside Python;
//! - as fresh commands, timed whole: `parlab sweep --fn '1/(1+x^2)'`,
//!   `--integrand lecture`, both serial on one thread, and `--integrand
//!   lecture` on the process backend with 2 workers;
//! - one estimate at n = 10⁶ (the cost per sample), and drawing its random
//!   numbers alone.
//!
//! The ratios compare medians (and the fastest runs). Every parlab row of the
//! same integrand computes the same bits; the JSON's `last_value` shows it.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use parlab::timing::Machine;
use parlab::{Backend, Expr, Integrand};
use serde::Serialize;

use super::per_sample;
use super::plan::{self, Plan, Ratio, Row, Run};
use super::workload::{LECTURE_PROCESSES, Lecture};
use crate::cli::BenchArgs;
use crate::python::{self, Driver, PythonInfo};
use crate::system::Load;

/// The lecture's integrand as a student types it on the command line.
const STUDENT_EXPR: &str = "1/(1+x^2)";

/// The lecture's integrand as a student writes it in a notebook cell: a plain
/// `fn` item, which parlab calls through `&dyn Integrand`.
fn student_f(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

#[derive(Serialize)]
struct Report {
    machine: Machine,
    load: Load,
    python: PythonInfo,
    python_path: PathBuf,
    samples: u64,
    seed: u64,
    /// The n of the estimate timed per sample.
    points: u64,
    warmup: usize,
    repeats: usize,
    rows: Vec<Row>,
    ratios: Vec<Ratio>,
    per_sample: PerSample,
}

/// The cost per sample, from the medians of the `estimate` and `draw` rows.
#[derive(Serialize)]
struct PerSample {
    estimate_ns: f64,
    drawing_alone_ns: f64,
}

pub fn run(args: &BenchArgs) -> Result<String> {
    let lecture = Lecture::from_args(args, "the benchmark of what students run")?;
    let points = args.points;
    if points == 0 {
        anyhow::bail!("--points must be at least 1: it is the n of the estimate timed per sample");
    }
    let python_path = python::find(args.python.as_deref())?;
    let py = RefCell::new(Driver::start(&python_path)?);
    let python = py.borrow().info().clone();
    let machine = Machine::current();
    let (samples, sizes, setup) = (lecture.samples, lecture.sizes(), lecture.setup);
    let expr = Expr::parse(STUDENT_EXPR)?;
    let fn_item: &dyn Integrand = &student_f;
    let catalogue: &dyn Integrand = lecture.entry;
    // Any error shows here, untimed.
    parlab::sweep::check(&setup, &sizes)?;
    setup.check(points)?;

    let serial = |f| plan::sweep(f, setup, &sizes, Backend::Serial);
    let command = |integrand: &[&str], backend: &str, threads: usize| {
        plan::command(&lecture.exe, lecture.command(integrand, backend, threads))
    };
    let serial_command = "--backend serial --threads 1";
    let process_command = format!("--backend process --threads {LECTURE_PROCESSES}");

    let mut plan = Plan::new();
    plan.add("fn_item", "fn item (as &dyn Integrand), serial", serial(fn_item));
    plan.add("catalogue", "catalogue `lecture`, serial", serial(catalogue));
    plan.add("expression", format!("expression {STUDENT_EXPR}, serial"), serial(&expr));
    plan.add(
        "process_2",
        format!("catalogue `lecture`, process backend, {LECTURE_PROCESSES} workers"),
        plan::sweep(catalogue, setup, &sizes, Backend::Process { workers: LECTURE_PROCESSES }),
    );
    plan.add("numpy_serial", format!("numpy: the lecture's serial({samples}, f, 0, 1)"), || {
        let call = py.borrow_mut().serial(samples)?;
        Ok(Run { elapsed: call.elapsed, last: call.last })
    });
    plan.add(
        "command_fn",
        format!("command: --fn '{STUDENT_EXPR}' {serial_command}"),
        command(&["--fn", STUDENT_EXPR], "serial", 1),
    );
    plan.add(
        "command_catalogue",
        format!("command: --integrand lecture {serial_command}"),
        command(&["--integrand", "lecture"], "serial", 1),
    );
    plan.add(
        "command_process_2",
        format!("command: --integrand lecture {process_command}"),
        command(&["--integrand", "lecture"], "process", LECTURE_PROCESSES),
    );
    // The lecture setup uses the spacings sampler, which draws n + 1 exponentials.
    plan.add("estimate", format!("one estimate at n = {points}, catalogue `lecture`"), move || {
        Run::time(|| Ok(Some(setup.estimate(catalogue, points)?.value)))
    });
    plan.add("draw", format!("drawing its {} exponentials alone", points + 1), move || {
        Run::time(|| Ok(Some(per_sample::draw_exponentials(setup.seed(), points))))
    });

    let load = Load::start();
    let rows = plan.run(args.warmup, args.repeats, args.progress, "what students run")?;
    let load = load.finish();
    drop(py);

    let ratio = |label: &str, top: &str, bottom: &str| Ratio::of(&rows, label, top, bottom);
    let ratios = vec![
        ratio("fn item / catalogue lecture (time)", "fn_item", "catalogue"),
        ratio("expression / catalogue lecture (time)", "expression", "catalogue"),
        ratio("command --fn / command --integrand lecture (time)", "command_fn", "command_catalogue"),
        ratio(&format!("serial / process({LECTURE_PROCESSES}) (speed-up)"), "catalogue", "process_2"),
        ratio(
            &format!("serial command / process({LECTURE_PROCESSES}) command (speed-up)"),
            "command_catalogue",
            "command_process_2",
        ),
        ratio("numpy serial / parlab serial (speed-up)", "numpy_serial", "catalogue"),
        ratio("one estimate / drawing alone (time)", "estimate", "draw"),
    ];
    let per =
        |key: &str| rows.iter().find(|r| r.key == key).map_or(f64::NAN, |r| r.median_seconds * 1e9 / points as f64);
    let per_sample = PerSample { estimate_ns: per("estimate"), drawing_alone_ns: per("draw") };
    let report = Report {
        machine,
        load,
        python,
        python_path,
        samples,
        seed: setup.seed(),
        points,
        warmup: args.warmup,
        repeats: args.repeats.max(1),
        rows,
        ratios,
        per_sample,
    };
    if args.json {
        return Ok(serde_json::to_string(&report)? + "\n");
    }
    Ok(text(&report, args.markdown))
}

fn text(r: &Report, markdown: bool) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        let _ = if markdown { writeln!(out, "\n#### {title}\n") } else { writeln!(out, "\n{title}") };
    };
    let item = if markdown { "- " } else { "" };
    let _ = writeln!(out, "{item}machine: {}", r.machine);
    let _ = writeln!(out, "{item}{}", r.load.describe(r.machine.available_parallelism));
    let _ = writeln!(out, "{item}python: {} with numpy {}", r.python.python, r.python.numpy);
    let _ = writeln!(
        out,
        "{item}work: the lecture's sweep, the lecture rule for n = 0..{} on 1/(1+x^2) over [0, 1], seed {}; warm-up {}, {} timed runs each, interleaved round by round",
        r.samples.saturating_sub(1),
        r.seed,
        r.warmup,
        r.repeats
    );
    let _ = writeln!(
        out,
        "{item}commands: `parlab sweep --rule lecture --samples {} --seed {} --progress never` with the options shown, output thrown away",
        r.samples, r.seed
    );
    heading(&mut out, &format!("What students run, N = {}", r.samples));
    out.push_str(&plan::rows_table(&r.rows, markdown));
    heading(&mut out, "Ratios");
    out.push_str(&plan::ratios_table(&r.ratios, markdown));
    let _ = writeln!(
        out,
        "{}per sample, one estimate at n = {}: {:.2} ns (drawing its random numbers alone: {:.2} ns)",
        if markdown { "\n" } else { "" },
        r.points,
        r.per_sample.estimate_ns,
        r.per_sample.drawing_alone_ns,
    );
    out
}
