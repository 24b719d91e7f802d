//! The lecture's numpy code, run by a Python process that this one drives.
//!
//! Finding a Python with numpy, in order: `--python` or `PARLAB_PYTHON`; the
//! lab's venv (`target/lab/venv`, made by `cargo lab setup`); the bench's own
//! venv (`target/bench/venv`); else that venv is made now, with numpy pinned.
//!
//! The protocol ([`Driver`]): `python/bench.py` imports the lecture's code
//! (`python/lecture.py`), says what it is in one JSON line, then answers one
//! JSON line per request, each the time Python measured around one call with
//! `time.perf_counter`:
//!
//! ```text
//! parlab -> python  {"call": "serial", "samples": 10000}
//! parlab -> python  {"call": "multiprocess", "processes": 2, "samples": 10000}
//! python -> parlab  {"call": "serial", "samples": 10000, "seconds": 1.53, "last": 0.7853}
//! ```

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// The numpy the bench installs when it makes its own venv (the lab pins the same).
pub const NUMPY: &str = "numpy==2.4.6";

/// The lecture's code and the driver that times it, shipped inside the binary.
const LECTURE_PY: &str = include_str!("../python/lecture.py");
const BENCH_PY: &str = include_str!("../python/bench.py");

/// Finds (or makes) a Python that can import numpy.
pub fn find(explicit: Option<&Path>) -> Result<PathBuf> {
    let explicit = explicit.map(Path::to_path_buf).or_else(|| std::env::var_os("PARLAB_PYTHON").map(PathBuf::from));
    if let Some(python) = explicit {
        if !has_numpy(&python) {
            bail!(
                "the python {} cannot import numpy: install it there (pip install {NUMPY}), or drop --python and PARLAB_PYTHON to use a venv in target/",
                python.display()
            );
        }
        // Absolute, since the driver runs in its own folder; not canonical, since
        // a venv's python is a symbolic link that must stay the venv's.
        return if python.components().count() > 1 { Ok(std::path::absolute(&python)?) } else { Ok(python) };
    }
    let target = target_dir()
        .context("cannot find the workspace's target folder for a venv: give a python with numpy with --python PATH")?;
    for venv in ["lab/venv", "bench/venv"] {
        let python = target.join(venv).join("bin/python");
        if python.is_file() && has_numpy(&python) {
            return Ok(python);
        }
    }
    make_venv(&target.join("bench/venv"))
}

/// Whether `python` runs and imports numpy.
fn has_numpy(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import numpy"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The cargo target folder this binary was built in (`target/release/parlab`
/// → `target`), else the workspace's `target`.
fn target_dir() -> Option<PathBuf> {
    let from_exe = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.parent()?.to_path_buf()));
    if let Some(dir) = from_exe.filter(|d| d.join("CACHEDIR.TAG").is_file()) {
        return Some(dir);
    }
    let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target");
    built_in.is_dir().then_some(built_in)
}

/// Makes `venv` with the system's python3 and installs the pinned numpy,
/// showing pip's progress on stderr (stdout stays the bench's).
fn make_venv(venv: &Path) -> Result<PathBuf> {
    // The first Python that runs: a pyenv shim on the PATH may exist and still refuse to run.
    let base = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .context(
            "no python3 on the PATH to make a venv with: install Python 3, or give one with numpy with --python PATH",
        )?;
    eprintln!("parlab: making a Python venv with {NUMPY} in {} (once; later runs reuse it)", venv.display());
    let status = Command::new(base)
        .args(["-m", "venv"])
        .arg(venv)
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .with_context(|| format!("cannot run {base} -m venv"))?;
    if !status.success() {
        bail!(
            "`{base} -m venv {}` failed ({status}): install the venv module (apt-get install python3-venv), or give a python with numpy with --python PATH",
            venv.display()
        );
    }
    let python = venv.join("bin/python");
    let status = Command::new(&python)
        .args(["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "on", NUMPY])
        .stdout(Stdio::from(std::io::stderr()))
        .status()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !status.success() || !has_numpy(&python) {
        bail!(
            "installing {NUMPY} into {} failed ({status}): check the network to PyPI, or give a python with numpy with --python PATH",
            venv.display()
        );
    }
    Ok(python)
}

/// What the Python says about itself when it starts.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct PythonInfo {
    /// Its version.
    pub python: String,
    /// numpy's version.
    pub numpy: String,
    /// How multiprocessing starts its workers (`fork`, `spawn`).
    pub start_method: String,
    /// `multiprocessing.cpu_count()`: the lecture's count of CPUs.
    pub cpu_count: usize,
    /// The CPUs this Python may run on, where the system says.
    pub usable_cpus: Option<usize>,
}

/// One call of the lecture's code.
#[derive(Serialize)]
#[serde(tag = "call", rename_all = "lowercase")]
enum Request {
    Serial { samples: u64 },
    Multiprocess { processes: usize, samples: u64 },
}

#[derive(Deserialize)]
struct Reply {
    seconds: f64,
    last: Option<f64>,
}

/// One timed call: the time Python measured, and its estimate for the
/// largest n (a check that the call did the work).
pub struct Call {
    /// The time `time.perf_counter` measured around the call.
    pub elapsed: Duration,
    /// The estimate for the largest n.
    pub last: Option<f64>,
}

/// A Python process running the lecture's code, one timed call per request.
///
/// Its files (the two scripts and its stderr) live in a folder of their own
/// under `target/bench/`, removed when the driver is dropped.
pub struct Driver {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    dir: PathBuf,
    info: PythonInfo,
}

impl Driver {
    /// Starts `python` on the lecture's code and reads what it says about itself.
    pub fn start(python: &Path) -> Result<Driver> {
        let base = target_dir().map_or_else(std::env::temp_dir, |t| t.join("bench"));
        let dir = base.join(format!("python-{}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot make {}", dir.display()))?;
        std::fs::write(dir.join("lecture.py"), LECTURE_PY)?;
        std::fs::write(dir.join("bench.py"), BENCH_PY)?;
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
        let stdout = BufReader::new(child.stdout.take().context("the python driver has no stdout")?);
        let info = PythonInfo {
            python: String::new(),
            numpy: String::new(),
            start_method: String::new(),
            cpu_count: 0,
            usable_cpus: None,
        };
        let mut driver = Driver { child, stdin, stdout, dir, info };
        let hello = driver.read_line()?;
        driver.info = serde_json::from_str(&hello)
            .with_context(|| format!("the python driver said something unexpected: {hello}"))?;
        Ok(driver)
    }

    /// What the Python said about itself.
    pub fn info(&self) -> &PythonInfo {
        &self.info
    }

    /// The lecture's `serial(samples, f, 0, 1)`, timed.
    pub fn serial(&mut self, samples: u64) -> Result<Call> {
        self.call(&Request::Serial { samples })
    }

    /// The lecture's `multiprocess(processes, samples, f, 0, 1)`, timed.
    pub fn multiprocess(&mut self, processes: usize, samples: u64) -> Result<Call> {
        self.call(&Request::Multiprocess { processes, samples })
    }

    fn call(&mut self, request: &Request) -> Result<Call> {
        let line = serde_json::to_string(request)?;
        let stdin = self.stdin.as_mut().context("the python driver is stopped")?;
        if writeln!(stdin, "{line}").and_then(|_| stdin.flush()).is_err() {
            bail!("the lecture's python code stopped: {}", self.last_error());
        }
        let line = self.read_line()?;
        let reply: Reply = serde_json::from_str(&line)
            .with_context(|| format!("the python driver said something unexpected: {line}"))?;
        Ok(Call { elapsed: Duration::from_secs_f64(reply.seconds), last: reply.last })
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
}

impl Drop for Driver {
    fn drop(&mut self) {
        // scope: dropping stdin ends the driver's loop, and it exits by itself.
        if self.stdin.take().is_some() && !matches!(self.child.try_wait(), Ok(Some(_))) {
            // Give it a moment to exit cleanly (its pool's workers with it), then stop it.
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            while std::time::Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
