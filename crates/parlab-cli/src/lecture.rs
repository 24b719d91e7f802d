//! `parlab bench --against-lecture` and `--per-sample`: issue 4's benchmark.
//!
//! In one run on one machine, interleaved round by round:
//! - the lecture's Python code as written (`python/lecture.py`), timed inside
//!   Python with `time.perf_counter` around each call (`python/bench.py`),
//!   `serial(N, f, 0, 1)` and `multiprocess(2, N, f, 0, 1)`;
//! - parlab's sweep of the same work in this process: serial on one thread
//!   and rayon on 2 and on all available threads (pools built before the
//!   clock, and woken by a short untimed sweep right before each timed run),
//!   the sort and bucket samplers, and the whole `parlab sweep` command as a
//!   user runs it (a fresh process each time: start-up, pool and output included).
//!
//! On a machine shared with other sessions the kernel's autogroups share the
//! cores between sessions first; the report records the load and this run's
//! autogroup nice value, and a run started as
//! `setsid sh -c 'echo -15 > /proc/self/autogroup; exec parlab bench --against-lecture'`
//! (as root) has priority over the other sessions' work.
//!
//! Then the cost per sample of one estimate at n = 10⁶ against drawing the
//! same random numbers alone, and the peak memory of one estimate at n = 10⁹.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use parlab::catalogue::{self, Entry};
use parlab::parallel::{self, Pool};
use parlab::timing::{self, Machine, Timing};
use parlab::{Rule, Sampler, Setup, stream, sweep};
use serde::{Deserialize, Serialize};

use crate::bench::{Load, human_seconds, render};
use crate::cli::BenchArgs;
use crate::memory::human_bytes;
use crate::progress;
use crate::python;

/// The lecture's N: `serial(10000, f, 0, 1)`.
const LECTURE_SAMPLES: u64 = 10_000;
/// The lecture's `multiprocess(2, ...)`.
const LECTURE_PROCESSES: usize = 2;
/// Sizes of the untimed sweep that wakes a pool before its timed run.
const WAKE_SIZES: usize = 2000;
/// Points in the memory measurement.
const MEMORY_N: u64 = 1_000_000_000;

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

#[derive(Serialize)]
struct Row {
    label: String,
    key: String,
    timing: Timing,
    median_seconds: f64,
    /// The estimate for the largest n, as a check that the run did the work.
    last_value: Option<f64>,
}

#[derive(Serialize)]
struct Ratio {
    label: String,
    /// The ratio of medians.
    value: f64,
    /// The ratio of the fastest runs.
    of_minimums: f64,
    target: Option<String>,
    met: Option<bool>,
}

#[derive(Serialize, Deserialize, Clone)]
struct PythonInfo {
    python: String,
    numpy: String,
    start_method: String,
    cpu_count: usize,
    usable_cpus: Option<usize>,
}

#[derive(Deserialize)]
struct PythonReply {
    seconds: f64,
    last: Option<f64>,
}

#[derive(Serialize)]
struct PerSample {
    sampler: Sampler,
    n: u64,
    estimate: Timing,
    generate: Timing,
    drawn: &'static str,
    estimate_ns_per_sample: f64,
    generate_ns_per_sample: f64,
    ratio: f64,
}

#[derive(Serialize)]
struct Memory {
    command: String,
    n: u64,
    seconds: f64,
    value: f64,
    peak_rss_bytes: Option<u64>,
    baseline_command: String,
    baseline_peak_rss_bytes: Option<u64>,
    refused_command: String,
    refused_message: String,
}

pub fn run(args: &BenchArgs) -> Result<String> {
    refuse_other_work(args)?;
    let machine = Machine::current();
    let lecture = catalogue::get("lecture")?;
    let seed = args.problem.seed;
    let load = Load::start();
    let sweeps = if args.against_lecture { Some(against(args, lecture, seed)?) } else { None };
    let per_sample = per_sample(args, lecture, seed)?;
    let memory = if args.no_memory { None } else { Some(memory(seed)?) };
    let load = load.finish();
    let report = Report { machine, load, sweeps, per_sample, memory };
    if args.json {
        return Ok(serde_json::to_string(&report)? + "\n");
    }
    Ok(text(&report, args.markdown))
}

/// The benchmark times the lecture's own work; anything else would not compare.
fn refuse_other_work(args: &BenchArgs) -> Result<()> {
    let p = &args.problem;
    let other_integrand = p.expr.is_some() || p.integrand.as_deref().is_some_and(|n| n.trim() != "lecture");
    if other_integrand
        || p.from.is_some()
        || p.to.is_some()
        || p.rule != Rule::Lecture
        || p.sampler != Sampler::Spacings
    {
        bail!(
            "the benchmark against the lecture times the lecture's own work (1/(1+x^2) on [0, 1], rule lecture, every sampler): drop --fn, --integrand, --from, --to, --rule and --sampler, or use `parlab bench` without --against-lecture"
        );
    }
    Ok(())
}

/// One contender of the interleaved rounds.
enum Work<'a> {
    NumpySerial,
    NumpyPool(usize),
    Serial(Sampler),
    Rayon(&'a Pool),
    Command(Vec<String>),
}

struct Contender<'a> {
    key: String,
    label: String,
    work: Work<'a>,
    runs: Vec<Duration>,
    last: Option<f64>,
}

fn against(args: &BenchArgs, lecture: &'static Entry, seed: u64) -> Result<Sweeps> {
    let samples = args.samples.unwrap_or(LECTURE_SAMPLES);
    let python_path = python::find(args.python.as_deref())?;
    let mut py = Driver::start(&python_path)?;
    let setup = Setup::for_entry(lecture).with_rule(Rule::Lecture).with_seed(seed);
    let sizes = sweep::below(samples);
    sweep::check(&setup.with_sampler(Sampler::Sort), &sizes)?;
    let all = parallel::available_threads();
    // Pools are built here, before any clock starts.
    let mut pools = vec![Pool::new(2)?];
    if all != 2 {
        pools.push(Pool::new(all)?);
    }
    let exe = std::env::current_exe().context("cannot find the parlab binary to time the command")?;
    let command = |backend: &str, threads: usize| -> Vec<String> {
        [
            "sweep",
            "--rule",
            "lecture",
            "--samples",
            &samples.to_string(),
            "--backend",
            backend,
            "--threads",
            &threads.to_string(),
            "--seed",
            &seed.to_string(),
            "--progress",
            "never",
        ]
        .map(String::from)
        .to_vec()
    };
    let mut contenders = vec![
        Contender {
            key: "numpy_serial".into(),
            label: format!("numpy: serial({samples}, f, 0, 1)"),
            work: Work::NumpySerial,
            runs: vec![],
            last: None,
        },
        Contender {
            key: "numpy_pool".into(),
            label: format!("numpy: multiprocess({LECTURE_PROCESSES}, {samples}, f, 0, 1)"),
            work: Work::NumpyPool(LECTURE_PROCESSES),
            runs: vec![],
            last: None,
        },
        Contender {
            key: "parlab_serial".into(),
            label: "parlab: serial, 1 thread (spacings sampler)".into(),
            work: Work::Serial(Sampler::Spacings),
            runs: vec![],
            last: None,
        },
    ];
    for pool in &pools {
        let k = pool.threads();
        contenders.push(Contender {
            key: format!("parlab_rayon_{k}"),
            label: format!("parlab: rayon, {k} threads (spacings sampler)"),
            work: Work::Rayon(pool),
            runs: vec![],
            last: None,
        });
    }
    contenders.push(Contender {
        key: "parlab_sort".into(),
        label: "parlab: serial, sort sampler (the lecture's sort)".into(),
        work: Work::Serial(Sampler::Sort),
        runs: vec![],
        last: None,
    });
    contenders.push(Contender {
        key: "parlab_bucket".into(),
        label: "parlab: serial, bucket sampler".into(),
        work: Work::Serial(Sampler::Bucket),
        runs: vec![],
        last: None,
    });
    contenders.push(Contender {
        key: "command_serial".into(),
        label: "command: parlab sweep --backend serial --threads 1".into(),
        work: Work::Command(command("serial", 1)),
        runs: vec![],
        last: None,
    });
    contenders.push(Contender {
        key: "command_rayon_2".into(),
        label: "command: parlab sweep --backend rayon --threads 2".into(),
        work: Work::Command(command("rayon", 2)),
        runs: vec![],
        last: None,
    });

    let rounds = args.warmup + args.repeats.max(1);
    let bar = progress::wanted(args.progress, true)
        .then(|| progress::bar((rounds * contenders.len()) as u64, "against the lecture", "runs"));
    let count = contenders.len();
    for round in 0..rounds {
        // Each round starts with another contender, so none always runs first.
        for i in 0..count {
            let c = &mut contenders[(round + i) % count];
            if let Some(bar) = &bar {
                bar.set_message(format!("round {}/{rounds}: {}", round + 1, c.label));
            }
            let (elapsed, last) = match &c.work {
                Work::NumpySerial => py.call(&format!(r#"{{"call":"serial","samples":{samples}}}"#))?,
                Work::NumpyPool(k) => {
                    py.call(&format!(r#"{{"call":"multiprocess","processes":{k},"samples":{samples}}}"#))?
                }
                Work::Serial(sampler) => {
                    let setup = setup.with_sampler(*sampler);
                    let clock = Instant::now();
                    let sweep = parlab::serial::sweep(lecture, &setup, &sizes)?;
                    (clock.elapsed(), sweep.points.last().map(|p| p.value))
                }
                Work::Rayon(pool) => {
                    // Wake the pool's threads first, untimed: after seconds of
                    // other work they sleep, and on a busy machine they may
                    // wake up on one core and share it for a whole run.
                    parallel::sweep(lecture, &setup, &sizes[..sizes.len().min(WAKE_SIZES)], pool)?;
                    let clock = Instant::now();
                    let sweep = parallel::sweep(lecture, &setup, &sizes, pool)?;
                    (clock.elapsed(), sweep.points.last().map(|p| p.value))
                }
                Work::Command(words) => {
                    let clock = Instant::now();
                    let out = Command::new(&exe)
                        .args(words)
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(Stdio::piped())
                        .output()?;
                    let elapsed = clock.elapsed();
                    if !out.status.success() {
                        bail!("`parlab {}` failed: {}", words.join(" "), String::from_utf8_lossy(&out.stderr).trim());
                    }
                    (elapsed, None)
                }
            };
            if round >= args.warmup {
                c.runs.push(elapsed);
            }
            c.last = last.or(c.last);
            if let Some(bar) = &bar {
                bar.inc(1);
            }
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let info = py.info.clone();
    py.stop();

    let rows: Vec<Row> = contenders
        .into_iter()
        .map(|c| {
            let timing = Timing { runs: c.runs };
            Row {
                label: c.label,
                key: c.key,
                median_seconds: timing.median().as_secs_f64(),
                timing,
                last_value: c.last,
            }
        })
        .collect();
    let ratios = ratios(&rows, &pools);
    Ok(Sweeps {
        python: info,
        python_path,
        samples,
        seed,
        warmup: args.warmup,
        repeats: args.repeats.max(1),
        rows,
        ratios,
    })
}

/// Ratios of medians (the targets are judged on these) and of minimums: on a
/// busy machine the fastest run is the one least disturbed by other programs.
fn ratios(rows: &[Row], pools: &[Pool]) -> Vec<Ratio> {
    let pick = |key: &str| rows.iter().find(|r| r.key == key);
    let median = |key: &str| pick(key).map_or(f64::NAN, |r| r.median_seconds);
    let min = |key: &str| pick(key).map_or(f64::NAN, |r| r.timing.min().as_secs_f64());
    let ratio = |label: &str, top: &str, bottom: &str, goal: Option<(String, f64)>| {
        let value = median(top) / median(bottom);
        Ratio {
            label: label.to_string(),
            value,
            of_minimums: min(top) / min(bottom),
            met: goal.as_ref().map(|(_, g)| value >= *g),
            target: goal.map(|(t, _)| t),
        }
    };
    let mut out =
        vec![ratio("numpy serial / parlab serial", "numpy_serial", "parlab_serial", Some((">= 10x".into(), 10.0)))];
    for pool in pools {
        let k = pool.threads();
        let goal = 0.9 * k as f64;
        let target = if k == 2 { ">= 1.8x".to_string() } else { format!(">= {goal:.1}x (0.9 k)") };
        out.push(ratio(
            &format!("parlab serial / parlab rayon({k})"),
            "parlab_serial",
            &format!("parlab_rayon_{k}"),
            Some((target, goal)),
        ));
    }
    out.push(ratio(
        "numpy Pool(2) / numpy serial (time: above 1, the lecture's parallel code is slower)",
        "numpy_pool",
        "numpy_serial",
        None,
    ));
    out.push(ratio("numpy serial / parlab serial with the sort sampler", "numpy_serial", "parlab_sort", None));
    out.push(ratio("parlab sort sampler / parlab spacings sampler (time)", "parlab_sort", "parlab_serial", None));
    out.push(ratio("parlab bucket sampler / parlab spacings sampler (time)", "parlab_bucket", "parlab_serial", None));
    out.push(ratio("numpy serial / the serial command", "numpy_serial", "command_serial", None));
    out.push(ratio("the serial command / the rayon(2) command", "command_serial", "command_rayon_2", None));
    out
}

/// The lecture's code running in a Python process that answers one timed call per request.
struct Driver {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    dir: PathBuf,
    info: PythonInfo,
}

impl Driver {
    fn start(python: &Path) -> Result<Driver> {
        let dir = std::env::temp_dir().join(format!("parlab-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
        std::fs::write(dir.join("lecture.py"), python::LECTURE_PY)?;
        std::fs::write(dir.join("bench.py"), python::BENCH_PY)?;
        let log = std::fs::File::create(dir.join("stderr.txt"))?;
        let mut child = Command::new(python)
            .arg("-u")
            .arg(dir.join("bench.py"))
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .with_context(|| format!("cannot start {}", python.display()))?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut driver = Driver {
            child,
            stdin,
            stdout,
            dir,
            info: PythonInfo {
                python: String::new(),
                numpy: String::new(),
                start_method: String::new(),
                cpu_count: 0,
                usable_cpus: None,
            },
        };
        let hello = driver.read_line()?;
        driver.info = serde_json::from_str(&hello)
            .with_context(|| format!("the python driver said something unexpected: {hello}"))?;
        Ok(driver)
    }

    /// Sends one request; returns the time Python measured and the last estimate.
    fn call(&mut self, request: &str) -> Result<(Duration, Option<f64>)> {
        let stdin = self.stdin.as_mut().context("the python driver is stopped")?;
        if writeln!(stdin, "{request}").and_then(|_| stdin.flush()).is_err() {
            bail!("the lecture's python code stopped: {}", self.last_error());
        }
        let line = self.read_line()?;
        let reply: PythonReply = serde_json::from_str(&line)
            .with_context(|| format!("the python driver said something unexpected: {line}"))?;
        Ok((Duration::from_secs_f64(reply.seconds), reply.last))
    }

    fn read_line(&mut self) -> Result<String> {
        let mut line = String::new();
        let read = self.stdout.read_line(&mut line)?;
        if read == 0 {
            let _ = self.child.wait();
            bail!("the lecture's python code stopped: {}", self.last_error());
        }
        Ok(line)
    }

    fn last_error(&self) -> String {
        let text = std::fs::read_to_string(self.dir.join("stderr.txt")).unwrap_or_default();
        text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("it printed nothing on stderr").trim().to_string()
    }

    fn stop(&mut self) {
        self.stdin.take(); // scope: dropping stdin ends the driver's loop
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if self.stdin.take().is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One estimate at n = 10⁶ per sampler, against drawing its random numbers alone.
fn per_sample(args: &BenchArgs, lecture: &'static Entry, seed: u64) -> Result<Vec<PerSample>> {
    let n = args.points;
    if n == 0 {
        bail!("--points must be at least 1: it is the n of the estimate timed per sample");
    }
    let (warmup, repeats) = (args.warmup.max(1), args.repeats.max(5));
    let mut out = Vec::new();
    for sampler in Sampler::ALL {
        let setup = Setup::for_entry(lecture).with_rule(Rule::Lecture).with_sampler(sampler).with_seed(seed);
        setup.estimate(lecture, n)?;
        let estimate = timing::measure(warmup, repeats, || setup.estimate(lecture, n));
        // The spacings sampler draws n + 1 exponentials; the sorting ones n uniforms.
        let (drawn, generate) = match sampler {
            Sampler::Spacings => {
                ("n + 1 exponentials", timing::measure(warmup, repeats, || draw(seed, n, n + 1, |s| s.exp1())))
            }
            Sampler::Bucket | Sampler::Sort => {
                ("n uniforms", timing::measure(warmup, repeats, || draw(seed, n, n, |s| s.uniform())))
            }
        };
        let per = |t: &Timing| t.median().as_secs_f64() * 1e9 / n as f64;
        let (e, g) = (per(&estimate), per(&generate));
        out.push(PerSample {
            sampler,
            n,
            drawn,
            estimate_ns_per_sample: e,
            generate_ns_per_sample: g,
            ratio: e / g,
            estimate,
            generate,
        });
    }
    Ok(out)
}

/// Draws `count` numbers from the stream an estimate for `n` would use, and
/// sums them in four lanes (so the sum is not one long chain of additions).
fn draw(seed: u64, n: u64, count: u64, mut next: impl FnMut(&mut stream::Stream) -> f64) -> f64 {
    let mut s = stream::stream(seed, n);
    let mut lanes = [0.0; 4];
    for i in 0..count {
        lanes[(i % 4) as usize] += next(&mut s);
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The peak memory of one estimate at n = 10⁹, measured in a fresh process.
fn memory(seed: u64) -> Result<Memory> {
    let exe = std::env::current_exe().context("cannot find the parlab binary")?;
    let run = |n: u64, sampler: &str| -> Result<(std::process::Output, Vec<String>)> {
        let words: Vec<String> = [
            "integrate",
            "--rule",
            "lecture",
            "-n",
            &n.to_string(),
            "--sampler",
            sampler,
            "--seed",
            &seed.to_string(),
            "--json",
            "--progress",
            "never",
        ]
        .map(String::from)
        .to_vec();
        let out = Command::new(&exe).args(&words).stdin(Stdio::null()).output()?;
        Ok((out, words))
    };
    #[derive(Deserialize)]
    struct Reply {
        value: f64,
        seconds: f64,
        peak_rss_bytes: Option<u64>,
    }
    let parse = |out: &std::process::Output, words: &[String]| -> Result<Reply> {
        if !out.status.success() {
            bail!("`parlab {}` failed: {}", words.join(" "), String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(serde_json::from_slice(&out.stdout)?)
    };
    let (out, words) = run(1000, "spacings")?;
    let baseline = parse(&out, &words)?;
    let (out, words) = run(MEMORY_N, "spacings")?;
    let big = parse(&out, &words)?;
    let (refused, refused_words) = run(MEMORY_N, "sort")?;
    Ok(Memory {
        command: format!("parlab {}", words.join(" ")),
        n: MEMORY_N,
        seconds: big.seconds,
        value: big.value,
        peak_rss_bytes: big.peak_rss_bytes,
        baseline_command: "the same with -n 1000".into(),
        baseline_peak_rss_bytes: baseline.peak_rss_bytes,
        refused_command: format!("parlab {}", refused_words.join(" ")),
        refused_message: if refused.status.success() {
            "not refused".into()
        } else {
            String::from_utf8_lossy(&refused.stderr).trim().to_string()
        },
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
            s.samples - 1,
            s.seed,
            s.warmup,
            s.repeats
        );
        heading(&mut out, &format!("The lecture's sweep, N = {}", s.samples));
        let rows: Vec<Vec<String>> = s
            .rows
            .iter()
            .map(|row| {
                vec![
                    row.label.clone(),
                    human_seconds(row.median_seconds),
                    human_seconds(row.timing.min().as_secs_f64()),
                    human_seconds(row.timing.max().as_secs_f64()),
                    format!("{:.0}%", 100.0 * row.timing.spread()),
                ]
            })
            .collect();
        out.push_str(&render(&["what", "median", "min", "max", "spread"], &rows, markdown));
        heading(&mut out, "Ratios");
        let rows: Vec<Vec<String>> = s
            .ratios
            .iter()
            .map(|q| {
                let verdict = match (&q.target, q.met) {
                    (Some(t), Some(true)) => format!("{t}: met"),
                    (Some(t), Some(false)) => format!("{t}: NOT met"),
                    _ => String::new(),
                };
                vec![q.label.clone(), format!("{:.2}", q.value), format!("{:.2}", q.of_minimums), verdict]
            })
            .collect();
        out.push_str(&render(&["ratio", "of medians", "of minimums", "target (on medians)"], &rows, markdown));
    }
    let n = r.per_sample.first().map_or(0, |p| p.n);
    heading(
        &mut out,
        &format!(
            "Per sample: one lecture-rule estimate at n = {:.0e}, against drawing its random numbers alone",
            n as f64
        ),
    );
    let rows: Vec<Vec<String>> = r
        .per_sample
        .iter()
        .map(|p| {
            vec![
                p.sampler.to_string(),
                format!("{:.2} ns", p.estimate_ns_per_sample),
                format!("{:.2} ns", p.generate_ns_per_sample),
                p.drawn.to_string(),
                format!("{:.2}", p.ratio),
                format!("<= 2: {}", if p.ratio <= 2.0 { "met" } else { "NOT met" }),
            ]
        })
        .collect();
    out.push_str(&render(
        &["sampler", "estimate / sample", "drawing alone / sample", "drawn", "ratio", "target"],
        &rows,
        markdown,
    ));
    if let Some(m) = &r.memory {
        heading(&mut out, "Peak memory");
        let rss = |b: Option<u64>| b.map_or("unknown".into(), human_bytes);
        let rows = vec![
            vec![format!("`{}`", m.command), human_seconds(m.seconds), rss(m.peak_rss_bytes)],
            vec![m.baseline_command.clone(), "-".into(), rss(m.baseline_peak_rss_bytes)],
        ];
        out.push_str(&render(&["run", "time", "peak RSS (VmHWM)"], &rows, markdown));
        let _ = writeln!(out, "{}{} → {}", if markdown { "\n" } else { "" }, m.refused_command, m.refused_message);
    }
    out
}
