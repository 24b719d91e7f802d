//! `parlab sweep --backend mpi` and `parlab integrate --backend mpi`, run both
//! ways: parlab starting `mpiexec`, and `mpiexec` starting parlab.
//!
//! - the same bits as `serial` on 1, 2, 3 and 4 ranks, with the timeline's worker the rank;
//! - one split estimate of many blocks, the last one short, with the serial bits on 1 to 4 ranks;
//! - a rank that panics or is killed is an error naming the rank, within a time limit;
//! - no `mpiexec` on PATH, a bad rank count, a missing hostfile: one line each;
//! - a rank binary from another build (or one too old to say) is refused in one line with the command that rebuilds it.
//!
//! These need MPICH; `cargo lab test` runs them (`--features mpi`) and fails,
//! never skips, where `mpiexec` is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long any one MPI run may take before the test calls it a hang.
const LIMIT: Duration = Duration::from_secs(120);

const SWEEP: [&str; 6] = ["sweep", "--samples", "400", "--seed", "5", "--json"];

/// The parlab binary, with the rank binary built next to it; fails loudly without MPICH.
fn parlab() -> &'static Path {
    static READY: OnceLock<PathBuf> = OnceLock::new();
    READY.get_or_init(|| {
        assert!(
            which("mpiexec").is_some(),
            "the MPI tests need mpiexec on PATH: install MPICH with `cargo lab setup --mpi`"
        );
        let rank = parlab_tests::build_binary_with("parlab-mpi", "parlab-mpi", &["mpi"]);
        let parlab = parlab_tests::parlab_bin().to_path_buf();
        assert_eq!(rank.parent(), parlab.parent(), "the rank binary sits next to parlab");
        parlab
    })
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(program)).find(|p| p.is_file())
}

/// `parlab args…`, started by hand.
fn launched(args: &[&str]) -> Command {
    let mut command = Command::new(parlab());
    command.args(args);
    command
}

/// `mpiexec -n ranks parlab args…`: every rank is a parlab.
fn under_mpiexec(ranks: usize, args: &[&str]) -> Command {
    let mut command = Command::new("mpiexec");
    command.args(["-n", &ranks.to_string()]).arg(parlab()).args(args);
    command
}

/// Runs `command` to its end or `LIMIT`, calling `during` with the child's pid until it returns true.
fn run(mut command: Command, mut during: impl FnMut(u32) -> bool) -> Output {
    let shown = format!("{command:?}");
    let mut child: Child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("the command starts");
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
    let deadline = Instant::now() + LIMIT;
    let mut done = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if !done {
            done = during(child.id());
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{shown} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

fn succeeds(command: Command) -> Value {
    let shown = format!("{command:?}");
    let out = run(command, |_| true);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{shown} failed: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{shown} printed no JSON ({e}): {stderr}"))
}

/// The points as exact bits: (n, value, error estimate).
fn bits(sweep: &Value) -> Vec<(u64, u64, Option<u64>)> {
    let points = sweep["points"].as_array().expect("points is a list");
    points
        .iter()
        .map(|p| {
            (
                p["n"].as_u64().unwrap(),
                p["value"].as_f64().unwrap().to_bits(),
                p["error_estimate"].as_f64().map(f64::to_bits),
            )
        })
        .collect()
}

fn workers(sweep: &Value) -> BTreeSet<u64> {
    sweep["tasks"].as_array().unwrap().iter().map(|t| t["worker"].as_u64().unwrap()).collect()
}

#[test]
fn every_rank_count_gives_the_serial_bits_both_ways() {
    for (rule, sampler) in
        [("lecture", "spacings"), ("monte-carlo", "spacings"), ("partition", "sort"), ("simpson", "spacings")]
    {
        let mut args = SWEEP.to_vec();
        args.extend(["--rule", rule, "--sampler", sampler]);
        let serial = succeeds(launched(&[&args[..], &["--backend", "serial"]].concat()));
        for ranks in 1..=4 {
            let k = ranks.to_string();
            let mpi = succeeds(launched(&[&args[..], &["--backend", "mpi", "--threads", &k]].concat()));
            assert_eq!(bits(&mpi), bits(&serial), "{rule} launched on {ranks} ranks");
            assert_eq!((mpi["backend"].as_str(), mpi["threads"].as_u64()), (Some("mpi"), Some(ranks as u64)));
            assert_eq!(workers(&mpi), (0..ranks as u64).collect(), "one timeline per rank");
            let direct = succeeds(under_mpiexec(ranks, &[&args[..], &["--backend", "mpi"]].concat()));
            assert_eq!(bits(&direct), bits(&serial), "{rule} under mpiexec -n {ranks}");
            assert_eq!(workers(&direct), (0..ranks as u64).collect());
        }
    }
}

/// Notebook 06's path: `parlab_command` starts the MPI run, and `Printed` reads
/// rank 0's JSON back with the bits of `serial::sweep` in this process.
#[test]
fn printed_reads_an_mpi_sweep_as_notebook_06_does() {
    use parlab::sweep::{self, Printed};
    let json = parlab::process::parlab_command_with_program(
        parlab(),
        &[&SWEEP[..], &["--integrand", "lecture", "--backend", "mpi", "--threads", "2"]].concat(),
    )
    .unwrap();
    let printed = Printed::from_json(&json).unwrap();
    let setup = parlab::Setup::new(0.0, 1.0).unwrap().with_seed(5);
    let here = parlab::serial::sweep(parlab::catalogue::get("lecture").unwrap(), &setup, &sweep::below(400)).unwrap();
    assert_eq!(printed.label(), "mpi(2)");
    assert!(printed.same_bits(&here), "rank 0's sweep is not the serial bits");
    let ranks: BTreeSet<usize> = printed.tasks.iter().map(|t| t.worker).collect();
    assert_eq!(ranks, BTreeSet::from([0, 1]), "one timeline per rank");
}

/// 11 blocks of 1000 points, the last one of 250: no rank count from 2 to 4 divides them.
const INTEGRATE: [&str; 8] = ["integrate", "-n", "10250", "--block-size", "1000", "--seed", "9", "--json"];

#[test]
fn a_split_estimate_has_the_serial_bits_on_every_rank_count_both_ways() {
    let value = |report: &Value| {
        assert_eq!(report["blocks"].as_u64(), Some(11), "{report}");
        (report["value"].as_f64().unwrap().to_bits(), report["error_estimate"].as_f64().map(f64::to_bits))
    };
    for rule in ["lecture", "monte-carlo", "simpson"] {
        let args = [&INTEGRATE[..], &["--rule", rule]].concat();
        let serial = succeeds(launched(&[&args[..], &["--backend", "serial"]].concat()));
        for ranks in 1..=4 {
            let k = ranks.to_string();
            let mpi = succeeds(launched(&[&args[..], &["--backend", "mpi", "--threads", &k]].concat()));
            assert_eq!(value(&mpi), value(&serial), "{rule} launched on {ranks} ranks");
            assert_eq!((mpi["backend"].as_str(), mpi["threads"].as_u64()), (Some("mpi"), Some(ranks as u64)));
            let direct = succeeds(under_mpiexec(ranks, &[&args[..], &["--backend", "mpi"]].concat()));
            assert_eq!(value(&direct), value(&serial), "{rule} under mpiexec -n {ranks}");
            assert_eq!(direct["threads"].as_u64(), Some(ranks as u64));
        }
    }
}

#[test]
fn a_split_estimates_text_matches_serial_but_for_its_backend() {
    let text = |backend: &[&str]| {
        let args = ["integrate", "-n", "5001", "--block-size", "700", "--integrand", "gaussian"];
        let out = run(launched(&[&args[..], backend].concat()), |_| true);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let (serial, mpi) = (text(&["--backend", "serial"]), text(&["--backend", "mpi", "--threads", "3"]));
    let kept = |t: &str| {
        t.lines()
            .filter(|l| !["blocks", "time", "peak memory"].iter().any(|w| l.starts_with(w)))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(kept(&mpi), kept(&serial));
    assert!(mpi.contains("8 of 700 points, on mpi (3 ranks)"), "{mpi}");
}

#[test]
fn a_split_estimates_failures_name_the_rank_both_ways() {
    // The midpoints of 1/(x - 2.5) on [0, 5] with 5 panels: 2.5 is panel 2, in block 1 of 2-panel blocks, rank 1's.
    let args = ["integrate", "--fn", "1/(x-2.5)", "--from", "0", "--to", "5", "--rule", "midpoint", "-n", "5"];
    let args = [&args[..], &["--block-size", "2", "--backend", "mpi"]].concat();
    for out in
        [run(launched(&[&args[..], &["--threads", "3"]].concat()), |_| true), run(under_mpiexec(3, &args), |_| true)]
    {
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        fails_saying(&out, &["rank 1:", "x = 2.5"]);
    }
    let mut command =
        launched(&["integrate", "-n", "5000", "--block-size", "1000", "--backend", "mpi", "--threads", "2"]);
    command.env("PARLAB_MPI_PANIC_RANK", "1");
    fails_saying(&run(command, |_| true), &["rank 1 panicked"]);
    let out = run(launched(&["integrate", "--backend", "rayon", "--hostfile", "/etc/hostname"]), |_| true);
    fails_saying(&out, &["--hostfile", "--backend mpi"]);
}

#[test]
fn a_killed_rank_of_a_split_estimate_is_named_within_the_limit_both_ways() {
    // Long enough that the rank is still computing when it is killed.
    let args = ["integrate", "-n", "4e9", "--rule", "midpoint", "--backend", "mpi"];
    for (how, command) in
        [("launched", launched(&[&args[..], &["--threads", "2"]].concat())), ("mpiexec", under_mpiexec(2, &args))]
    {
        let clock = Instant::now();
        let out = run(command, |root| kill_rank(root, 1));
        let line = fails_saying(&out, &["rank 1", "killed by signal 9"]);
        assert!(clock.elapsed() < LIMIT, "{how}: {line}");
    }
}

#[test]
fn only_the_rank_binary_links_mpi() {
    let linked = |bin: &Path| {
        let out = Command::new("ldd").arg(bin).output().expect("ldd runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let parlab = parlab();
    assert!(!linked(parlab).contains("mpi"), "parlab links MPI: {}", linked(parlab));
    assert!(linked(&parlab.with_file_name("parlab-mpi")).contains("libmpi"), "the rank binary links libmpich");
}

#[test]
fn the_text_output_matches_the_other_backends_but_for_its_first_line() {
    let text = |backend: &[&str]| {
        let out =
            run(launched(&[&["sweep", "--sizes", "10,20,30", "--integrand", "gaussian"], backend].concat()), |_| true);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let (serial, mpi) = (text(&["--backend", "serial"]), text(&["--backend", "mpi", "--threads", "2"]));
    assert!(mpi.lines().next().unwrap().contains("on mpi(2)"), "{mpi}");
    assert_eq!(serial.lines().skip(1).collect::<Vec<_>>(), mpi.lines().skip(1).collect::<Vec<_>>());
}

/// Asserts one `error:` line that says `what`, and a failing exit.
fn fails_saying(out: &Output, what: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "it should fail; stderr: {stderr}");
    let line = stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_else(|| panic!("no error line: {stderr}"));
    for word in what {
        assert!(line.contains(word), "`{word}` not in: {line}\n(stderr: {stderr})");
    }
    line.to_string()
}

#[test]
fn a_rank_that_panics_is_named_both_ways() {
    let args = ["sweep", "--samples", "300", "--backend", "mpi"];
    let mut command = launched(&[&args[..], &["--threads", "3"]].concat());
    command.env("PARLAB_MPI_PANIC_RANK", "1");
    let out = run(command, |_| true);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    fails_saying(&out, &["rank 1 panicked"]);
    let mut command = under_mpiexec(3, &args);
    command.env("PARLAB_MPI_PANIC_RANK", "2");
    fails_saying(&run(command, |_| true), &["rank 2 panicked"]);
}

#[test]
fn a_tasks_error_is_one_line_naming_its_rank_both_ways() {
    // Trapezoid evaluates 1/x at 0 for every n; the first size (index 0) is rank 0's.
    let args = ["sweep", "--fn", "1/x", "--rule", "trapezoid", "--sizes", "4,8,16", "--backend", "mpi"];
    for out in
        [run(launched(&[&args[..], &["--threads", "3"]].concat()), |_| true), run(under_mpiexec(3, &args), |_| true)]
    {
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        fails_saying(&out, &["rank 0: the integrand returned inf at x = 0"]);
    }
}

/// The processes below `root`, by parent, read from /proc.
fn descendants(root: u32) -> Vec<u32> {
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // The parent is the second field after the name in parentheses.
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        if let Some(parent) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
            children.entry(parent).or_default().push(pid);
        }
    }
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(pid) = todo.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            out.push(child);
            todo.push(child);
        }
    }
    out
}

/// Kills the rank binary of rank `rank` below `root`, if it runs yet; true once killed.
fn kill_rank(root: u32, rank: usize) -> bool {
    for pid in descendants(root) {
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        let is_rank = environ.split(|&b| b == 0).any(|v| v == format!("PMI_RANK={rank}").as_bytes());
        // Not its `--probe` run, which ends before MPI starts: the rank itself.
        let probe = std::fs::read(format!("/proc/{pid}/cmdline"))
            .unwrap_or_default()
            .split(|&b| b == 0)
            .any(|a| a == b"--probe");
        if comm.trim() == "parlab-mpi" && is_rank && !probe {
            // The shell's own `kill`: no kill binary need be installed.
            return Command::new("sh").args(["-c", &format!("kill -9 {pid}")]).status().is_ok_and(|s| s.success());
        }
    }
    false
}

#[test]
fn a_killed_rank_is_named_within_the_limit_both_ways() {
    // Long enough that the rank is still computing when it is killed.
    let args = ["sweep", "--samples", "60000", "--backend", "mpi"];
    for (how, command) in
        [("launched", launched(&[&args[..], &["--threads", "2"]].concat())), ("mpiexec", under_mpiexec(2, &args))]
    {
        let clock = Instant::now();
        let out = run(command, |root| kill_rank(root, 1));
        let line = fails_saying(&out, &["rank 1", "killed by signal 9"]);
        assert!(clock.elapsed() < LIMIT, "{how}: {line}");
    }
}

#[test]
fn missing_mpiexec_is_one_line_saying_what_to_install() {
    let mut command = launched(&["sweep", "--samples", "10", "--backend", "mpi", "--threads", "2"]);
    command.env("PATH", "/nonexistent");
    let out = run(command, |_| true);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    fails_saying(&out, &["mpiexec", "install MPICH", "apt-get install mpich"]);
}

#[test]
fn bad_rank_counts_and_hostfiles_are_refused() {
    let out = run(launched(&["sweep", "--samples", "10", "--backend", "mpi", "--threads", "0"]), |_| true);
    fails_saying(&out, &["--threads 0", "at least 1 rank"]);
    let out = run(under_mpiexec(2, &["sweep", "--samples", "10", "--backend", "mpi", "--threads", "3"]), |_| true);
    fails_saying(&out, &["--threads 3", "2 ranks"]);
    let out =
        run(launched(&["sweep", "--samples", "10", "--backend", "mpi", "--hostfile", "/nonexistent/hosts"]), |_| true);
    fails_saying(&out, &["--hostfile", "no such file"]);
    let out =
        run(launched(&["sweep", "--samples", "10", "--backend", "rayon", "--hostfile", "/etc/hostname"]), |_| true);
    fails_saying(&out, &["--hostfile", "--backend mpi"]);
}

#[test]
fn a_hostfile_goes_to_mpiexec() {
    let dir = parlab_tests::workspace().join("target").join("mpi-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let hosts = dir.join("hosts");
    std::fs::write(&hosts, "localhost:4\n").unwrap();
    let hostfile = hosts.to_str().unwrap();
    let serial = succeeds(launched(&[&SWEEP[..], &["--backend", "serial"]].concat()));
    let mpi =
        succeeds(launched(&[&SWEEP[..], &["--backend", "mpi", "--threads", "3", "--hostfile", hostfile]].concat()));
    assert_eq!(bits(&mpi), bits(&serial));
}

/// A stand-in for the rank binary in the MPI tests' folder: a shell script.
fn rank_script(name: &str, text: &str) -> PathBuf {
    let dir = parlab_tests::workspace().join("target").join("mpi-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    parlab_tests::write_script(&path, text);
    path
}

#[test]
fn a_rank_binary_from_another_build_is_refused_in_one_line_both_ways() {
    // As a rank binary of an older build behaves: its probe prints nothing, and it cannot read the work.
    let older = "#!/bin/sh\n[ \"$1\" = --probe ] && exit 0\ncat >/dev/null\necho 'error: rank 0 panicked: bad work on stdin' >&2\nexit 3\n";
    // One that prints a build, not this one.
    let other = "#!/bin/sh\n[ \"$1\" = --probe ] && echo '{\"version\":\"0.1.0\",\"id\":\"0000000000000000\"}' && exit 0\nexit 3\n";
    for (name, text, says) in
        [("older-rank", older, "an older build"), ("other-rank", other, "0.1.0 build 0000000000000000")]
    {
        let binary = rank_script(name, text);
        let args = ["integrate", "-n", "5000", "--block-size", "1000", "--backend", "mpi"];
        let mut launched = launched(&[&args[..], &["--threads", "2"]].concat());
        let mut ranks = under_mpiexec(2, &args);
        for command in [&mut launched, &mut ranks] {
            command.env("PARLAB_MPI_BIN", &binary);
        }
        let out = run(launched, |_| true);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1, "{}", String::from_utf8_lossy(&out.stderr));
        let words = [
            &binary.display().to_string()[..],
            "is from another build",
            says,
            "rebuild it with `cargo build -p parlab-mpi --features mpi`",
        ];
        fails_saying(&out, &words);
        fails_saying(&run(ranks, |_| true), &words);
    }
}

#[test]
fn the_rank_binary_refuses_an_order_from_another_build() {
    let binary = parlab().with_file_name("parlab-mpi");
    let probe = Command::new(&binary).arg("--probe").output().unwrap();
    let build: Value = serde_json::from_slice(&probe.stdout).expect("the probe prints the build");
    assert_eq!(build["id"].as_str().map(str::len), Some(16), "{build}");
    let work = r#"{"sweep":{"recipe":{"catalogue":"lecture"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":7},"sizes":[10,20]}}"#;
    let other = r#"{"version":"0.1.0","id":"0000000000000000"}"#;
    for (order, says) in [
        (format!(r#"{{"build":{build},"work":{work}}}"#), None),
        (format!(r#"{{"build":{other},"work":{work}}}"#), Some("(0.1.0 build 0000000000000000)")),
        (work.to_string(), Some("(an older build, which does not print its build)")),
    ] {
        // mpiexec passes its standard input on to rank 0.
        let file = parlab_tests::workspace().join("target").join("mpi-tests").join("order.json");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &order).unwrap();
        let mut command = Command::new("mpiexec");
        command.args(["-n", "1"]).arg(&binary).stdin(std::fs::File::open(&file).unwrap());
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match says {
            None => assert!(out.status.success() && stderr.is_empty(), "{stderr}"),
            Some(says) => {
                assert!(!out.status.success());
                let line = stderr.lines().find(|l| l.starts_with("error: ")).unwrap_or_else(|| panic!("{stderr}"));
                assert!(
                    line.starts_with("error: rank 0: the rank binary ")
                        && line.contains("is from another build than the parlab that started it"),
                    "{line}"
                );
                assert!(line.contains(says) && line.contains("`cargo build -p parlab-mpi --features mpi`"), "{line}");
            }
        }
    }
}
