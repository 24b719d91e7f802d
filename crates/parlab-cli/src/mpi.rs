//! `--backend mpi`: the sweep, or one split estimate, on MPI ranks, started either way.
//!
//! parlab itself never links MPI (a binary linked to a missing libmpich dies
//! in the loader before it can say why). Two roles instead:
//!
//! - **launcher** (not under mpiexec): runs `mpiexec -n K [-f HOSTFILE] parlab <same arguments>`
//!   and prints what rank 0 printed; a rank's error comes back as one line.
//! - **rank** (started by mpiexec, which sets `PMI_RANK`): runs the rank binary
//!   `parlab-mpi` as its child, writes it the job, and on rank 0 reads the
//!   merged sweep (or estimate) back; the other ranks print nothing.
//!
//! So `mpiexec -n K parlab sweep --backend mpi ...` works as well as
//! `parlab sweep --backend mpi --threads K`, and the same for `parlab integrate`.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use parlab::Recipe;
use parlab_mpi::{Build, Order, Outcome, Work};
use serde::de::DeserializeOwned;

/// Names the rank binary, in place of the one next to parlab.
pub const BIN_VAR: &str = "PARLAB_MPI_BIN";

/// What to install, for every error that means MPI is missing.
const INSTALL: &str = "install MPICH (`cargo lab setup --mpi`, or as root `apt-get install mpich libmpich-dev`)";

/// How long mpiexec may run on after a rank reported an error, before parlab ends it.
const GRACE: Duration = Duration::from_secs(10);

/// The most ranks parlab starts on one command: more is a typo, not a cluster.
pub const MAX_RANKS: usize = 1024;

/// Who this parlab is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Started by hand: it starts mpiexec.
    Launcher,
    /// Started by mpiexec as rank `rank` of `ranks`.
    Rank { rank: usize, ranks: usize },
}

/// The role, from what the MPI launcher puts in the environment: MPICH's
/// Hydra and Slurm's PMI set `PMI_RANK` and `PMI_SIZE`, Open MPI its own.
pub fn role() -> Role {
    let read = |names: &[&str]| names.iter().find_map(|n| std::env::var(n).ok()?.trim().parse::<usize>().ok());
    match (read(&["PMI_RANK", "OMPI_COMM_WORLD_RANK"]), read(&["PMI_SIZE", "OMPI_COMM_WORLD_SIZE"])) {
        (Some(rank), Some(ranks)) if rank < ranks => Role::Rank { rank, ranks },
        _ => Role::Launcher,
    }
}

/// Checks a rank count before anything starts.
pub fn check_ranks(ranks: usize) -> Result<usize> {
    match ranks {
        0 => bail!("--threads 0: the mpi backend needs at least 1 rank"),
        k if k > MAX_RANKS => bail!("--threads {k}: at most {MAX_RANKS} ranks on one command"),
        k => Ok(k),
    }
}

/// The launcher: runs this same command under `mpiexec -n ranks` and returns what rank 0 printed.
pub fn launch(ranks: usize, hostfile: Option<&Path>) -> Result<String> {
    let ranks = check_ranks(ranks)?;
    let mpiexec = which::which("mpiexec").map_err(|_| anyhow!("the mpi backend needs `mpiexec` on PATH: {INSTALL}"))?;
    let rank_binary = rank_binary()?;
    probe(&rank_binary)?;
    let parlab = std::env::current_exe().context("cannot find the parlab binary")?;
    let mut command = Command::new(&mpiexec);
    command.arg("-n").arg(ranks.to_string());
    if let Some(file) = hostfile {
        if !file.is_file() {
            bail!("--hostfile {}: no such file", file.display());
        }
        command.arg("-f").arg(file);
    }
    // The ranks run this same command line; they find the rank binary by the variable.
    command.arg(&parlab).args(std::env::args_os().skip(1)).env(BIN_VAR, &rank_binary);
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", mpiexec.display()))?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    // scope: the reader thread owns the stdout pipe and moves the bytes back through join.
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let (sender, lines) = mpsc::channel::<String>();
    let stderr = child.stderr.take().expect("stderr is piped");
    // scope: the stderr pipe and the sender move into the thread; the channel closes when it ends.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    let mut error: Option<(String, Instant)> = None;
    let status = loop {
        seen.extend(lines.try_iter());
        if error.is_none()
            && let Some(line) = seen.iter().find_map(|l| l.trim().strip_prefix("error: "))
        {
            error = Some((line.to_string(), Instant::now()));
        }
        if let Some(status) = child.try_wait().context("cannot wait for mpiexec")? {
            break status;
        }
        // A rank that fails before MPI starts leaves the others waiting for it: end mpiexec.
        if let Some((line, since)) = &error
            && since.elapsed() > GRACE
        {
            stop(&mut child);
            bail!("{line}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out.join().unwrap_or_default();
    seen.extend(lines.iter());
    if status.success() {
        return Ok(String::from_utf8_lossy(&stdout).into_owned());
    }
    // A rank's own error line names the rank; mpiexec's banner comes after it.
    if let Some(line) = seen.iter().find_map(|l| l.trim().strip_prefix("error: ")) {
        bail!("{line}");
    }
    let last = seen.iter().map(|l| l.trim()).rfind(|l| !l.is_empty() && !l.starts_with('='));
    bail!("mpiexec failed ({}){}", describe(status), last.map_or(String::new(), |l| format!(": {l}")))
}

/// Ends mpiexec: SIGTERM first, so it ends its ranks on every host; SIGKILL if that cannot be sent.
fn stop(child: &mut std::process::Child) {
    let term = Command::new("kill").args(["-TERM", &child.id().to_string()]).stderr(Stdio::null()).status();
    if !term.is_ok_and(|s| s.success()) {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// A rank: runs the rank binary on this rank's share; rank 0 gets what it
/// merged (a sweep or an estimate) and how long it took, the others `None`.
///
/// Every rank checks the rank count the same way, so all of them return that
/// error together. Any other failure may be this rank's alone, while the others
/// wait for it inside MPI: this rank then prints its error line and aborts, and
/// mpiexec, seeing a rank killed, ends the others.
pub fn rank<T: DeserializeOwned>(
    work: &Work,
    rank: usize,
    ranks: usize,
    threads: Option<usize>,
) -> Result<Option<(T, Duration)>> {
    if let Some(k) = threads
        && k != ranks
    {
        bail!("--threads {k} but mpiexec started {ranks} ranks: give mpiexec -n {k}, or leave --threads out");
    }
    match run_rank(work, rank) {
        Ok(None) => Ok(None),
        Ok(Some((Outcome::Merged(merged), elapsed))) => Ok(Some((merged, elapsed))),
        // A task's (or a block's) error, merged by rank 0 after every rank is done: an ordinary error.
        Ok(Some((Outcome::Failed { rank, message }, _))) => bail!("rank {rank}: {message}"),
        Err(err) => {
            let line = format!("{err:#}").split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("error: {line}");
            // The abort makes mpiexec end every rank; let this line reach it first.
            std::thread::sleep(Duration::from_secs(1));
            std::process::abort()
        }
    }
}

/// Runs the rank binary; rank 0 gets what it merged and how long it took.
fn run_rank<T: DeserializeOwned>(work: &Work, rank: usize) -> Result<Option<(Outcome<T>, Duration)>> {
    let binary = rank_binary()?;
    probe(&binary)?;
    // stderr goes straight to mpiexec: a rank that panics says so before the job is aborted.
    let mut child = Command::new(&binary)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("rank {rank}: cannot start {}", binary.display()))?;
    let pid = child.id();
    let text = serde_json::to_string(&Order { build: Build::this(), work: work.clone() })?;
    // scope: stdin moves out of the child and is dropped at the end of the block, closing the pipe.
    {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // A rank that dies before reading is reported from its exit status below.
        let _ = stdin.write_all(text.as_bytes());
    }
    let output =
        child.wait_with_output().with_context(|| format!("rank {rank}: cannot wait for {}", binary.display()))?;
    if !output.status.success() {
        bail!("rank {rank}: {} (pid {pid}) {}", binary.display(), describe(output.status));
    }
    if rank != 0 {
        return Ok(None);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let (outcome, elapsed): (Outcome<T>, Duration) = serde_json::from_str(stdout.trim())
        .with_context(|| format!("rank 0: {} printed no result", binary.display()))?;
    Ok(Some((outcome, elapsed)))
}

/// The integrand as the ranks rebuild it: from text.
pub fn recipe(f: &dyn parlab::Integrand) -> Result<Recipe> {
    f.recipe().ok_or_else(|| anyhow!("the mpi backend sends the integrand as text: use --fn or --integrand"))
}

/// Runs the rank binary with `--probe`, which prints its build and returns
/// before MPI starts: a missing MPI library fails it in the loader, and a
/// binary from another build (or one too old to print its build) is
/// refused; each becomes one line.
fn probe(binary: &Path) -> Result<()> {
    let output = Command::new(binary)
        .arg(parlab_mpi::PROBE)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    if !output.status.success() {
        bail!("{}", probe_failure(binary, output.status, &String::from_utf8_lossy(&output.stderr)));
    }
    let theirs: Option<Build> = serde_json::from_slice(&output.stdout).ok();
    Build::this().check(theirs.as_ref()).map_err(|e| anyhow!("the rank binary {} {e}", binary.display()))
}

/// One line for a failed probe: a missing MPI library, or how it ended.
fn probe_failure(binary: &Path, status: ExitStatus, stderr: &str) -> String {
    if let Some(line) = stderr.lines().find(|l| l.contains("error while loading shared libraries")) {
        let library = line.split(':').nth(2).map_or("libmpich", str::trim);
        return format!("the MPI library {library} is missing: {INSTALL}");
    }
    let last = stderr.lines().map(str::trim).rfind(|l| !l.is_empty());
    format!(
        "{} {} on `{}`{}",
        binary.display(),
        describe(status),
        parlab_mpi::PROBE,
        last.map_or(String::new(), |l| format!(": {l}"))
    )
}

/// How a process ended, in words.
fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(signal)) => format!("was killed by signal {signal}{}", signal_name(signal)),
        (Some(code), _) => format!("exited with code {code}"),
        (None, None) => "ended".to_string(),
    }
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => "",
    }
}

/// The rank binary: named by [`BIN_VAR`], else `parlab-mpi` next to parlab.
fn rank_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os(BIN_VAR) {
        let path = PathBuf::from(path);
        return if path.is_file() { Ok(path) } else { bail!("{BIN_VAR}={}: no such file", path.display()) };
    }
    let parlab = std::env::current_exe().context("cannot find the parlab binary")?;
    let path = parlab.with_file_name("parlab-mpi");
    if path.is_file() {
        return Ok(path);
    }
    bail!(
        "the mpi backend runs the rank binary {}, which is not built: build it with \
         `cargo build -p parlab-mpi --features mpi` (add --release for a release parlab); it needs MPICH: {INSTALL}",
        path.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_counts_are_checked() {
        assert!(check_ranks(0).unwrap_err().to_string().contains("at least 1 rank"));
        assert!(check_ranks(MAX_RANKS + 1).is_err());
        assert_eq!(check_ranks(3).unwrap(), 3);
    }

    #[test]
    fn a_failed_probe_reads_as_one_line() {
        use std::os::unix::process::ExitStatusExt;
        let bin = Path::new("/x/parlab-mpi");
        let loader = "parlab-mpi: error while loading shared libraries: libmpich.so.12: cannot open shared object file";
        let missing = probe_failure(bin, ExitStatus::from_raw(127 << 8), loader);
        assert!(missing.starts_with("the MPI library libmpich.so.12 is missing: install MPICH"), "{missing}");
        let killed = probe_failure(bin, ExitStatus::from_raw(9), "");
        assert_eq!(killed, "/x/parlab-mpi was killed by signal 9 (SIGKILL) on `--probe`");
        assert_eq!(describe(ExitStatus::from_raw(3 << 8)), "exited with code 3");
    }
}
