//! The `parlab` command: integrate, sweep and bench from the shell.
//!
//! Every error, including a bad option, prints one line on stderr
//! (`error: ...`, with the cause and what to try) and exits with code 2.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::Parser;
use clap::error::ErrorKind;

// The commands, above what they share.
mod bench;
mod catalogue;
mod integrate;
mod sweep;

// What the commands share: the command line, its values, and how numbers are shown.
mod cli;
mod format;
mod input;
mod progress;

// The MPI backend's two roles: start mpiexec, or be one of its ranks.
mod mpi;

// What the benchmarks drive and read: the lecture's Python, and the system's facts.
mod python;
mod system;

#[cfg(test)]
mod layers;

use cli::{Cli, Command};

/// The exit code of every error.
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_error(err),
    };
    // A bug in parlab must not print a panic message and a backtrace either:
    // the hook keeps the message, and the catch below reports it in one line.
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{message}{location}"));
        }
    }));
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(stdout)) => write_stdout(&stdout),
        Ok(Err(err)) => report(&format!("{err:#}")),
        Err(_) => {
            let what = LAST_PANIC.lock().ok().and_then(|mut p| p.take()).unwrap_or_default();
            report(&format!("internal error ({what}): this is a bug in parlab, please report it"))
        }
    }
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

fn run(cli: Cli) -> anyhow::Result<String> {
    match cli.command {
        Command::Integrate(args) => integrate::run(&args),
        Command::Sweep(args) => sweep::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::Catalogue(args) => catalogue::run(&args),
        Command::Worker => {
            let stdin = std::io::stdin();
            let stdout = std::io::stdout();
            parlab::process::serve(stdin.lock(), stdout.lock())
                .map_err(|e| anyhow::anyhow!("the worker stopped: {e}"))?;
            Ok(String::new())
        }
        Command::Count(args) => Ok(format!("{}\n", parlab::process::count(args.start, args.times))),
    }
}

/// Writes the output; a reader that went away (`parlab sweep ... | head`) is not an error.
fn write_stdout(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => report(&format!("cannot write the output: {e}")),
    }
}

/// Prints one error line on stderr and returns the failure code.
fn report(message: &str) -> ExitCode {
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    let _ = writeln!(std::io::stderr(), "error: {line}");
    ExitCode::from(FAILURE)
}

/// clap's errors as one line: the message, the valid values or clap's tip
/// where it has one, and where to read more. Help and version print as usual.
fn clap_error(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            return ExitCode::from(FAILURE);
        }
        _ => {}
    }
    // clap's message runs until its usage or its pointer to --help; fold it into one line.
    let text = err.render().to_string();
    let mut line = String::new();
    for part in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if part.starts_with("Usage:") || part.starts_with("For more information") {
            break;
        }
        let part = part.strip_prefix("error:").unwrap_or(part).trim();
        if let Some(values) = part.strip_prefix("[possible values:") {
            line.push_str(&format!(" (possible values: {})", values.trim_end_matches(']').trim()));
        } else if let Some(tip) = part.strip_prefix("tip:") {
            line.push_str(&format!("; {}", tip.trim()));
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(part);
        }
    }
    let line = line.trim_end_matches(':');
    let command = std::env::args()
        .skip(1)
        .find(|a| ["integrate", "sweep", "bench", "catalogue"].contains(&a.as_str()))
        .map_or("parlab --help".to_string(), |c| format!("parlab {c} --help"));
    report(&format!("{line}: see `{command}`"))
}
