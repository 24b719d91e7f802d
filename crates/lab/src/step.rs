//! Long steps (cargo install, pip, cargo build) with progress, never silent.
//!
//! On a terminal a spinner shows the elapsed time and the step's last line of
//! output; elsewhere (CI) a line is printed every 30 s. The full output goes
//! to `target/lab/logs/NAME.log`, and its tail is shown when the step fails.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};

use crate::lab::Lab;

/// How often a step reports when no one watches a terminal.
const HEARTBEAT: Duration = Duration::from_secs(30);
/// How many lines of a failed step's output to show.
const TAIL: usize = 30;

/// Prints a step's heading.
pub fn heading(text: &str) {
    eprintln!("==> {text}");
}

/// Prints a line under a heading.
pub fn note(text: &str) {
    eprintln!("    {text}");
}

/// Formats seconds for people: `4.2 s`, `3 min 05 s`.
///
/// Ours, not indicatif's `HumanDuration`: that one rounds to the largest unit
/// ("1 minute" for 85 s), and the test summary's step times are read to the second.
pub fn human(elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1} s")
    } else {
        format!("{} min {:02} s", elapsed.as_secs() / 60, elapsed.as_secs() % 60)
    }
}

/// Runs `command` to the end with progress, logging all of its output.
///
/// `hint` says what to try when it fails.
pub fn run(lab: &Lab, label: &str, log_name: &str, command: &mut Command, hint: &str) -> anyhow::Result<Duration> {
    let started = Instant::now();
    std::fs::create_dir_all(lab.logs()).with_context(|| format!("cannot create {}", lab.logs().display()))?;
    let log_path = lab.logs().join(format!("{log_name}.log"));
    let mut log = std::fs::File::create(&log_path).with_context(|| format!("cannot create {}", log_path.display()))?;
    let _ = writeln!(log, "$ {command:?}");

    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `{program}` for {label}; {hint}"))?;
    let (sender, lines) = mpsc::channel::<String>();
    let readers: Vec<_> = [
        child.stdout.take().map(|s| Box::new(s) as Box<dyn Read + Send>),
        child.stderr.take().map(|s| Box::new(s) as _),
    ]
    .into_iter()
    .flatten()
    .map(|stream| {
        let sender = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).split(b'\n').map_while(Result::ok) {
                let line = String::from_utf8_lossy(&line).into_owned();
                // Progress bars redraw with \r: keep the last drawing.
                let line = line.rsplit('\r').find(|part| !part.trim().is_empty()).unwrap_or("").to_owned();
                if sender.send(line).is_err() {
                    break;
                }
            }
        })
    })
    .collect();
    drop(sender);

    let spinner = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("    {spinner} [{elapsed_precise}] {prefix}: {wide_msg}")
                .expect("a valid template"),
        );
        bar.set_prefix(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let mut tail: Vec<String> = Vec::new();
    let mut last_beat = Instant::now();
    loop {
        match lines.recv_timeout(Duration::from_millis(250)) {
            Ok(line) => {
                let _ = writeln!(log, "{line}");
                if lab.verbose {
                    match &spinner {
                        Some(bar) => bar.println(format!("    | {line}")),
                        None => eprintln!("    | {line}"),
                    }
                }
                if !line.trim().is_empty() {
                    if let Some(bar) = &spinner {
                        bar.set_message(line.trim().to_owned());
                    }
                    tail.push(line);
                    if tail.len() > TAIL {
                        tail.remove(0);
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if spinner.is_none() && !lab.verbose && last_beat.elapsed() >= HEARTBEAT {
            last_beat = Instant::now();
            let last = tail.last().map(|l| l.trim()).unwrap_or("");
            note(&format!("{label}: {} so far  [{}]", human(started.elapsed()), shorten(last, 100)));
        }
    }
    for reader in readers {
        let _ = reader.join();
    }
    let status = child.wait().with_context(|| format!("lost track of `{program}`"))?;
    if let Some(bar) = spinner {
        bar.finish_and_clear();
    }
    let elapsed = started.elapsed();
    if !status.success() {
        eprintln!("    last lines of {}:", lab.show(&log_path));
        for line in &tail {
            eprintln!("    | {line}");
        }
        let code = status.code().map(|c| c.to_string()).unwrap_or_else(|| "a signal".into());
        bail!("{label} failed (exit {code}) after {}; {hint} (full output: {})", human(elapsed), log_path.display());
    }
    note(&format!("{label}: done in {}", human(elapsed)));
    Ok(elapsed)
}

/// Runs a short command and returns its standard output, trimmed, if it succeeded.
pub fn output(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).stdin(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Runs a short command in `dir` and says whether it succeeded.
pub fn succeeds(command: &mut Command) -> bool {
    command.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Cuts a line to `max` characters for a status line.
pub fn shorten(line: &str, max: usize) -> String {
    if line.chars().count() <= max {
        line.to_owned()
    } else {
        format!("{}...", line.chars().take(max).collect::<String>())
    }
}

/// Creates a folder and its parents, with the path in the error.
pub fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}
