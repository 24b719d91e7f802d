//! `parlab bench --against-lecture` and `--per-sample`: the lecture's numpy
//! code against parlab on the same work.
//!
//! In one run on one machine, interleaved round by round ([`Plan`]):
//! - the lecture's Python code as written (`python/lecture.py`), timed inside
//!   Python with `time.perf_counter` around each call:
//!   `serial(N, f, 0, 1)` and `multiprocess(2, N, f, 0, 1)`;
//! - parlab's sweep of the same work in this process: serial on one thread
//!   and rayon on 2 and on all available threads (pools built before the
//!   clock, and woken by a short untimed sweep right before each timed run),
//!   the sort and bucket samplers, and the whole `parlab sweep` command as a
//!   user runs it (a fresh process each time: start-up, pool and output included).
//!
//! Then the cost per sample of one estimate at n = 10⁶ against drawing the
//! same random numbers alone, and the peak memory of one estimate at n = 10⁹.
//!
//! The report records the load and this run's autogroup nice value. On a
//! machine busy with other terminals' work, the kernel shares the cores
//! between autogroups first; a run started (as root) as
//! `setsid sh -c 'echo -15 > /proc/self/autogroup; exec parlab bench --against-lecture'`
//! has priority over them.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Result;
use parlab::parallel::{self, Pool};
use parlab::timing::Machine;
use parlab::{Backend, Sampler};
use serde::Serialize;

use super::peak_memory::{self, Memory};
use super::per_sample::{self, PerSample};
use super::plan::{self, Plan, Ratio, Row, Run};
use super::workload::{LECTURE_PROCESSES, Lecture};
use crate::cli::BenchArgs;
use crate::python::{self, Driver, PythonInfo};
use crate::system::Load;

/// Sizes of the untimed sweep that wakes a pool before its timed run.
const WAKE_SIZES: usize = 2000;

#[derive(Serialize)]
struct Report {
    machine: Machine,
    load: Load,
    #[serde(skip_serializing_if = "Option::is_none")]
    sweeps: Option<Sweeps>,
    per_sample: Vec<PerSample>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memory: Option<Memory>,
}

#[derive(Serialize)]
struct Sweeps {
    python: PythonInfo,
    python_path: PathBuf,
    samples: u64,
    seed: u64,
    warmup: usize,
    repeats: usize,
    rows: Vec<Row>,
    ratios: Vec<Ratio>,
}

pub fn run(args: &BenchArgs) -> Result<String> {
    let lecture = Lecture::from_args(args, "the benchmark against the lecture")?;
    let machine = Machine::current();
    let load = Load::start();
    let sweeps = if args.against_lecture { Some(against(args, &lecture)?) } else { None };
    let per_sample =
        per_sample::measure(lecture.entry, &lecture.setup, args.points, args.warmup.max(1), args.repeats.max(5))?;
    let memory = if args.no_memory { None } else { Some(peak_memory::measure(&lecture.exe, lecture.setup.seed())?) };
    let load = load.finish();
    let report = Report { machine, load, sweeps, per_sample, memory };
    if args.json {
        return Ok(serde_json::to_string(&report)? + "\n");
    }
    Ok(text(&report, args.markdown))
}

fn against(args: &BenchArgs, lecture: &Lecture) -> Result<Sweeps> {
    let samples = lecture.samples;
    let python_path = python::find(args.python.as_deref())?;
    let py = RefCell::new(Driver::start(&python_path)?);
    let info = py.borrow().info().clone();
    let (f, sizes) = (lecture.entry, lecture.sizes());
    parlab::sweep::check(&lecture.setup.with_sampler(Sampler::Sort), &sizes)?;
    let all = parallel::available_threads();
    // Pools are built here, before any clock starts.
    let mut pools = vec![Pool::new(2)?];
    if all != 2 {
        pools.push(Pool::new(all)?);
    }
    let serial = |sampler: Sampler| plan::sweep(f, lecture.setup.with_sampler(sampler), &sizes, Backend::Serial);
    let command = |backend: &str, threads: usize| {
        plan::command(&lecture.exe, lecture.command(&["--integrand", "lecture"], backend, threads))
    };

    let mut plan = Plan::new();
    plan.add("numpy_serial", format!("numpy: serial({samples}, f, 0, 1)"), || {
        let call = py.borrow_mut().serial(samples)?;
        Ok(Run { elapsed: call.elapsed, last: call.last })
    });
    plan.add("numpy_pool", format!("numpy: multiprocess({LECTURE_PROCESSES}, {samples}, f, 0, 1)"), || {
        let call = py.borrow_mut().multiprocess(LECTURE_PROCESSES, samples)?;
        Ok(Run { elapsed: call.elapsed, last: call.last })
    });
    plan.add("parlab_serial", "parlab: serial, 1 thread (spacings sampler)", serial(Sampler::Spacings));
    for pool in &pools {
        let (setup, sizes) = (&lecture.setup, &sizes);
        plan.add(
            &format!("parlab_rayon_{}", pool.threads()),
            format!("parlab: rayon, {} threads (spacings sampler)", pool.threads()),
            move || {
                // Wake the pool's threads first, untimed: after seconds of
                // other work they sleep, and on a busy machine they may
                // wake up on one core and share it for a whole run.
                parallel::sweep(f, setup, &sizes[..sizes.len().min(WAKE_SIZES)], pool)?;
                Run::time(|| Ok(parallel::sweep(f, setup, sizes, pool)?.points.last().map(|p| p.value)))
            },
        );
    }
    plan.add("parlab_sort", "parlab: serial, sort sampler (the lecture's sort)", serial(Sampler::Sort));
    plan.add("parlab_bucket", "parlab: serial, bucket sampler", serial(Sampler::Bucket));
    plan.add("command_serial", "command: parlab sweep --backend serial --threads 1", command("serial", 1));
    plan.add("command_rayon_2", "command: parlab sweep --backend rayon --threads 2", command("rayon", 2));
    let rows = plan.run(args.warmup, args.repeats, args.progress, "against the lecture")?;
    drop(py);

    let mut ratios = vec![Ratio::of(&rows, "numpy serial / parlab serial", "numpy_serial", "parlab_serial")];
    for pool in &pools {
        let k = pool.threads();
        let label = format!("parlab serial / parlab rayon({k})");
        ratios.push(Ratio::of(&rows, &label, "parlab_serial", &format!("parlab_rayon_{k}")));
    }
    let more = [
        (
            "numpy Pool(2) / numpy serial (time: above 1, the lecture's parallel code is slower)",
            "numpy_pool",
            "numpy_serial",
        ),
        ("numpy serial / parlab serial with the sort sampler", "numpy_serial", "parlab_sort"),
        ("parlab sort sampler / parlab spacings sampler (time)", "parlab_sort", "parlab_serial"),
        ("parlab bucket sampler / parlab spacings sampler (time)", "parlab_bucket", "parlab_serial"),
        ("numpy serial / the serial command", "numpy_serial", "command_serial"),
        ("the serial command / the rayon(2) command", "command_serial", "command_rayon_2"),
    ];
    ratios.extend(more.iter().map(|(label, top, bottom)| Ratio::of(&rows, label, top, bottom)));
    Ok(Sweeps {
        python: info,
        python_path,
        samples,
        seed: lecture.setup.seed(),
        warmup: args.warmup,
        repeats: args.repeats.max(1),
        rows,
        ratios,
    })
}

fn text(r: &Report, markdown: bool) -> String {
    let mut out = String::new();
    let heading = |out: &mut String, title: &str| {
        let _ = if markdown { writeln!(out, "\n#### {title}\n") } else { writeln!(out, "\n{title}") };
    };
    // In Markdown the description is a list, so each line stays a line.
    let item = if markdown { "- " } else { "" };
    let _ = writeln!(out, "{item}machine: {}", r.machine);
    let _ = writeln!(out, "{item}{}", r.load.describe(r.machine.available_parallelism));
    if let Some(s) = &r.sweeps {
        let usable = s.python.usable_cpus.map_or(String::new(), |u| format!(", {u} usable"));
        let _ = writeln!(
            out,
            "{item}python: {} with numpy {} (start method {}, cpu_count {}{usable})",
            s.python.python, s.python.numpy, s.python.start_method, s.python.cpu_count
        );
        let _ = writeln!(
            out,
            "{item}work: the lecture's sweep, the lecture rule for n = 0..{} on 1/(1+x^2) over [0, 1] (parlab seed {}); warm-up {}, {} timed runs each, interleaved round by round",
            s.samples.saturating_sub(1),
            s.seed,
            s.warmup,
            s.repeats
        );
        heading(&mut out, &format!("The lecture's sweep, N = {}", s.samples));
        out.push_str(&plan::rows_table(&s.rows, markdown));
        heading(&mut out, "Ratios");
        out.push_str(&plan::ratios_table(&s.ratios, markdown));
    }
    let n = r.per_sample.first().map_or(0, |p| p.n);
    heading(
        &mut out,
        &format!(
            "Per sample: one lecture-rule estimate at n = {:.0e}, against drawing its random numbers alone",
            n as f64
        ),
    );
    out.push_str(&per_sample::table(&r.per_sample, markdown));
    if let Some(m) = &r.memory {
        heading(&mut out, "Peak memory");
        out.push_str(&peak_memory::table(m, markdown));
    }
    out
}
