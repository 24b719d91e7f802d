//! Progress on stderr, drawn only where stderr is a terminal.
//!
//! Progress never changes a result: sweeps shown with a bar run in chunks of
//! sizes, and the estimate for each n depends on (seed, n) alone.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::When;

/// Whether to show progress for work that is `long` or not. `auto` shows it
/// for long work on a terminal only; `always` shows it for any work, and
/// where stderr is not a terminal indicatif draws nothing, so `always` there
/// only takes the same path (chunked sweeps), which lets tests check that
/// progress never changes a result.
pub fn wanted(when: When, long: bool) -> bool {
    match when {
        When::Auto => long && std::io::stderr().is_terminal(),
        When::Always => true,
        When::Never => false,
    }
}

/// A bar counting `len` units of `unit`.
pub fn bar(len: u64, message: impl Into<String>, unit: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!(
        "{{spinner}} {{msg}} [{{elapsed_precise}}] {{wide_bar}} {{human_pos}}/{{human_len}} {unit} (eta {{eta}})"
    );
    bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar.set_message(message.into());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// A spinner for work whose progress cannot be counted.
pub fn spinner(message: impl Into<String>) -> ProgressBar {
    let spinner = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message(message.into());
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}
