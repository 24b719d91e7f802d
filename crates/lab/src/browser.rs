//! The browser test of `cargo lab test`: the lab as a student opens it.
//!
//! It starts `cargo lab open` as a student would (in a process group of its
//! own, so one signal stops it all), reads the URL with the token that it prints,
//! and has headless Chromium, driven by Playwright
//! (`crates/lab/py/browser_test.py`), run a notebook with Run All. Chromium
//! comes from the system (Debian's `chromium`, installed with apt when we are
//! root); Playwright lives in a venv of its own, `target/lab/test-venv`, so the
//! lab's venv stays what students need.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::lab::Lab;
use crate::open;
use crate::step::{self, heading, note};

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
    let server = open::Server::start(lab)?;
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
