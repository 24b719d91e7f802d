//! `cargo lab open`: JupyterLab from the project's venv, on 127.0.0.1, with a token.
//!
//! With the lab's own settings (`crates/lab/py/jupyter_lab_config.py`, passed
//! with `--config`; the user's Jupyter settings are never read for them): a Rust
//! kernel waits, its folder's first cell already run, in `notebooks/` and in
//! `notebooks/solutions/`, and the next notebook opened there takes it
//! (`crates/lab/py/warm_kernels.py`).
//!
//! The token is ours (random, passed to Jupyter), so the URL we print is the
//! one that works; auth is never turned off. A browser opens only when there
//! is a display to open it on. Ctrl-C stops the server, once.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::lab::Lab;
use crate::run;
use crate::step::{heading, human};

/// How long to wait for JupyterLab to listen before printing the URL anyway.
const READY_WITHIN: Duration = Duration::from_secs(90);

/// How long a started `cargo lab open` may take to print its URL.
const URL_WITHIN: Duration = Duration::from_secs(180);

/// The port JupyterLab prefers; another free one is taken when it is busy.
pub const PORT: u16 = 8888;

#[derive(clap::Args, Default)]
pub struct Args {
    /// Port to listen on (default: 8888, or a free port if it is taken).
    #[arg(long)]
    pub port: Option<u16>,
    /// Do not open a browser, even when there is a display.
    #[arg(long)]
    pub no_browser: bool,
}

pub fn run(lab: &Lab, args: &Args) -> anyhow::Result<ExitCode> {
    run::require_setup(lab)?;
    let port = match args.port {
        Some(port) => {
            if TcpListener::bind(("127.0.0.1", port)).is_err() {
                bail!(
                    "port {port} on 127.0.0.1 is taken; pick another with `cargo lab open --port N`, or leave --port out"
                );
            }
            port
        }
        None => free_port()?,
    };
    let token = token()?;
    let browser = !args.no_browser && has_display();
    let url = format!("http://127.0.0.1:{port}/lab?token={token}");

    let mut command = lab.python_command();
    command
        .args(["-m", "jupyter", "lab"])
        .arg("--ServerApp.ip=127.0.0.1")
        .arg(format!("--ServerApp.port={port}"))
        .arg("--ServerApp.port_retries=0")
        .arg(format!("--IdentityProvider.token={token}"))
        .arg(format!("--ServerApp.root_dir={}", lab.notebooks().display()))
        .arg(format!("--ServerApp.open_browser={}", if browser { "True" } else { "False" }))
        // "New notebook" makes a Rust one; the venv's Python kernel stays available.
        .arg("--MappingKernelManager.default_kernel_name=rust")
        // One Ctrl-C stops the server, without the "Shutdown this server (y/[n])?" prompt.
        .arg("--ServerApp.answer_yes=True")
        // Warnings and errors only: the URL we print is the one to read.
        .arg("--ServerApp.log_level=WARN")
        .arg("--LabApp.log_level=WARN")
        // The lab asks no one on the internet for news or updates.
        .arg("--LabApp.news_url=None")
        .arg("--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate")
        // A Rust kernel waits, ready, in each notebook folder (crates/lab/py/warm_kernels.py).
        .arg(format!("--config={}", lab.root.join("crates/lab/py/jupyter_lab_config.py").display()))
        .current_dir(lab.notebooks());
    if is_root() {
        // Containers and CI run as root, which Jupyter refuses unless told.
        command.arg("--allow-root");
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("cannot start JupyterLab from {}; run `cargo lab setup`", lab.python().display()))?;
    // Ctrl-C reaches JupyterLab too (same process group): let it shut down
    // cleanly while we wait for it, instead of leaving it behind.
    ignore_interrupts();

    heading("starting JupyterLab");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = child.try_wait().context("lost track of JupyterLab")? {
            bail!(
                "JupyterLab stopped before it was ready ({status}); its messages are above, and `cargo lab doctor` checks the setup"
            );
        }
        if started.elapsed() > READY_WITHIN {
            eprintln!("    (JupyterLab is slow to start; the URL below works once it is up)");
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    heading(&format!("JupyterLab is running ({}); open the lab at:", human(started.elapsed())));
    eprintln!();
    eprintln!("    {url}");
    eprintln!();
    eprintln!(
        "    (notebooks/ is the root; {}. Ctrl-C stops it.)",
        if browser { "a browser opens by itself" } else { "no display here, so open the URL yourself" }
    );
    eprintln!(
        "    (a Rust kernel is being made ready in notebooks/ and in notebooks/solutions/, its first cell run: \
         about half a minute; a notebook opened there takes it)"
    );
    let status = child.wait().context("lost track of JupyterLab")?;
    if status.success() || status.code().is_none() {
        Ok(ExitCode::SUCCESS)
    } else {
        bail!("JupyterLab stopped with {status}; its messages are above, and `cargo lab doctor` checks the setup")
    }
}

/// `cargo lab open`, started as a student starts it, and stopped with its kernels.
pub struct Server {
    child: std::process::Child,
    /// The URL it printed, with the token.
    pub url: String,
}

impl Server {
    pub fn start(lab: &Lab) -> anyhow::Result<Server> {
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

/// 8888 when it is free, else any free port.
fn free_port() -> anyhow::Result<u16> {
    if TcpListener::bind(("127.0.0.1", PORT)).is_ok() {
        return Ok(PORT);
    }
    let listener = TcpListener::bind(("127.0.0.1", 0)).context("cannot find a free port on 127.0.0.1")?;
    Ok(listener.local_addr()?.port())
}

/// 32 random bytes from the operating system, as hex.
fn token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("cannot get random bytes for the server's token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether a browser could show a window here.
fn has_display() -> bool {
    if cfg!(target_os = "macos") || cfg!(windows) {
        return true;
    }
    ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()))
}

/// Whether we run as root, which Jupyter refuses unless told.
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Ctrl-C reaches JupyterLab too (same process group): ignore it here, so we
/// wait for JupyterLab to shut down cleanly instead of leaving it behind.
fn ignore_interrupts() {
    // SAFETY: installs the "ignore" disposition, which runs no code of ours.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}
