//! The browser test of `cargo lab test`: the lab as a student opens it.
//!
//! It starts `cargo lab open` as a student would (in a process group of its
//! own, so one signal stops it all), reads the URL with the token that it prints,
//! and has headless Chromium, driven by Playwright
//! (`crates/lab/py/browser_test.py`), run a notebook with Run All. Chromium
//! comes from the system (Debian's `chromium`, installed with apt when we are
//! root); Playwright lives in a venv of its own, `target/lab/test-venv`, so the
//! lab's venv stays what students need.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::lab::Lab;
use crate::open;
use crate::step::{self, heading, note};

/// How long `cargo lab open` may take to print its URL.
const URL_WITHIN: Duration = Duration::from_secs(180);

/// The Chromium the test drives.
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].into_iter().find_map(|name| which::which(name).ok())
}

/// Chromium, installed with apt when it is missing and we may.
fn ensure_chromium(lab: &Lab) -> anyhow::Result<PathBuf> {
    if let Some(found) = chromium() {
        return Ok(found);
    }
    if !open::is_root() || which::which("apt-get").is_err() {
        bail!(
            "the browser test needs Chromium: install it (Debian or Ubuntu: `sudo apt-get install chromium`) and run again"
        );
    }
    step::run(
        lab,
        "apt-get install chromium (for the browser test)",
        "apt-chromium",
        Command::new("apt-get").args(["install", "-y", "-q", "chromium"]).env("DEBIAN_FRONTEND", "noninteractive"),
        "check the network to Debian's mirrors, or install Chromium yourself",
    )?;
    chromium().context("apt-get installed chromium, but there is no `chromium` on PATH")
}

/// The test venv's Python, with the pinned Playwright installed.
fn test_python(lab: &Lab) -> anyhow::Result<PathBuf> {
    let venv = lab.dir.join("test-venv");
    let python = venv.join("bin/python");
    let requirements = lab.root.join("crates/lab/requirements-test.txt");
    let stamp = venv.join("parlab-requirements.txt");
    let current = std::fs::read(&requirements).ok().is_some_and(|want| std::fs::read(&stamp).ok() == Some(want));
    if current && python.is_file() {
        return Ok(python);
    }
    if !python.is_file() {
        step::run(
            lab,
            "python3 -m venv target/lab/test-venv",
            "test-venv",
            Command::new("python3").arg("-m").arg("venv").arg(&venv),
            "on Debian or Ubuntu, `apt-get install python3-venv` adds the venv module",
        )?;
    }
    step::run(
        lab,
        "pip install -r crates/lab/requirements-test.txt",
        "test-pip",
        Command::new(&python)
            .args(["-m", "pip", "install", "--no-input", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
        "check the network to PyPI",
    )?;
    std::fs::copy(&requirements, &stamp).with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(python)
}

/// `cargo lab open`, started as a student starts it, and stopped with its kernels.
struct Server {
    child: std::process::Child,
    url: String,
}

impl Server {
    fn start(lab: &Lab) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port();
        let me = std::env::current_exe().context("cannot tell where `cargo lab` itself is")?;
        let mut child = Command::new(me)
            .args(["open", "--no-browser", "--port", &port.to_string()])
            .current_dir(&lab.root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .context("cannot start `cargo lab open`")?;
        let stderr = child.stderr.take().expect("stderr is piped");
        let (lines, inbox) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let mut server = Server { child, url: String::new() };
        while started.elapsed() < URL_WITHIN {
            match inbox.recv_timeout(Duration::from_millis(500)) {
                Ok(line) if line.contains("?token=") => {
                    server.url = line.trim().to_string();
                    // Keep draining JupyterLab's own messages, so it never blocks on a full pipe.
                    std::thread::spawn(move || for _ in inbox {});
                    return Ok(server);
                }
                Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => bail!("`cargo lab open` stopped before printing its URL"),
            }
        }
        bail!("`cargo lab open` printed no URL within {} s", URL_WITHIN.as_secs())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM to the whole group: JupyterLab shuts its kernels down and stops (with no
        // terminal, it does not take Ctrl-C), and `cargo lab open` ends with it.
        let group = -(self.child.id() as i32);
        // SAFETY: kill has no memory-safety preconditions.
        unsafe {
            libc::kill(group, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        // SAFETY: as above.
        unsafe {
            libc::kill(group, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

/// The notebook the browser runs: the solution version where there is one.
fn notebook(lab: &Lab, name: &str) -> PathBuf {
    let solutions = Path::new("solutions").join(name);
    if lab.notebooks().join(&solutions).is_file() { solutions } else { PathBuf::from(name) }
}

/// Runs the browser test on `name`; `Ok(true)` when it passed.
pub fn run(lab: &Lab, name: &str) -> anyhow::Result<bool> {
    let chromium = ensure_chromium(lab)?;
    let python = test_python(lab)?;
    let notebook = notebook(lab, name);
    heading(&format!("browser test: `cargo lab open`, then Run All on {} in headless Chromium", notebook.display()));
    let server = Server::start(lab)?;
    note(&format!("JupyterLab is up at {}", server.url.split('?').next().unwrap_or_default()));
    let screenshot = lab.run_dir().join("browser.png");
    step::create_dir(&lab.run_dir())?;
    let status = Command::new(python)
        .arg(lab.root.join("crates/lab/py/browser_test.py"))
        .arg(&server.url)
        .arg(&notebook)
        .arg("--root")
        .arg(lab.notebooks())
        .arg("--chromium")
        .arg(chromium)
        .arg("--screenshot")
        .arg(&screenshot)
        .envs(lab.jupyter_env())
        .stdin(Stdio::null())
        .status()
        .context("cannot run the browser test")?;
    drop(server);
    Ok(status.success())
}
