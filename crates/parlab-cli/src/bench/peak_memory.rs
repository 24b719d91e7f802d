//! The peak memory of one estimate at n = 10⁹, each in a fresh `parlab integrate`:
//! the spacings sampler streams its points, the sorting samplers must hold them all.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::format;

/// Points in the measurement.
const MEMORY_N: u64 = 1_000_000_000;
/// Points in the baseline: the memory of the process itself.
const BASELINE_N: u64 = 1000;

/// The peak memory of the large estimate, of a small one, and the sort sampler's refusal.
#[derive(Serialize)]
pub struct Memory {
    /// The large estimate's command.
    pub command: String,
    /// Its n.
    pub n: u64,
    /// Its time, as `integrate` measured it.
    pub seconds: f64,
    /// Its value.
    pub value: f64,
    /// Its peak resident memory (VmHWM).
    pub peak_rss_bytes: Option<u64>,
    /// The small estimate.
    pub baseline_command: String,
    /// Its peak resident memory.
    pub baseline_peak_rss_bytes: Option<u64>,
    /// The large estimate with the sort sampler.
    pub refused_command: String,
    /// What it said.
    pub refused_message: String,
}

#[derive(Deserialize)]
struct Reply {
    value: f64,
    seconds: f64,
    peak_rss_bytes: Option<u64>,
}

/// Runs the three estimates with `exe`.
pub fn measure(exe: &Path, seed: u64) -> Result<Memory> {
    let baseline = Integrate::run(exe, BASELINE_N, "spacings", seed)?.reply()?;
    let large = Integrate::run(exe, MEMORY_N, "spacings", seed)?;
    let big = large.reply()?;
    let refused = Integrate::run(exe, MEMORY_N, "sort", seed)?;
    Ok(Memory {
        command: large.shown(),
        n: MEMORY_N,
        seconds: big.seconds,
        value: big.value,
        peak_rss_bytes: big.peak_rss_bytes,
        baseline_command: format!("the same with -n {BASELINE_N}"),
        baseline_peak_rss_bytes: baseline.peak_rss_bytes,
        refused_command: refused.shown(),
        refused_message: if refused.out.status.success() {
            "not refused".into()
        } else {
            String::from_utf8_lossy(&refused.out.stderr).trim().to_string()
        },
    })
}

/// One `parlab integrate --json` that ran.
struct Integrate {
    words: Vec<String>,
    out: Output,
}

impl Integrate {
    /// Runs `parlab integrate` with the lecture rule at `n` with `sampler`.
    fn run(exe: &Path, n: u64, sampler: &str, seed: u64) -> Result<Integrate> {
        let (n, seed) = (n.to_string(), seed.to_string());
        let words = ["integrate", "--rule", "lecture", "-n", &n, "--sampler", sampler, "--seed", &seed, "--json"];
        let words: Vec<String> = words.iter().chain(&["--progress", "never"]).map(|w| w.to_string()).collect();
        let out = Command::new(exe).args(&words).stdin(Stdio::null()).output()?;
        Ok(Integrate { words, out })
    }

    fn shown(&self) -> String {
        format!("parlab {}", self.words.join(" "))
    }

    /// Its JSON, which it must have printed.
    fn reply(&self) -> Result<Reply> {
        if !self.out.status.success() {
            bail!("`{}` failed: {}", self.shown(), String::from_utf8_lossy(&self.out.stderr).trim());
        }
        Ok(serde_json::from_slice(&self.out.stdout)?)
    }
}

/// The measurement as a table, and the refusal below it.
pub fn table(m: &Memory, markdown: bool) -> String {
    let rss = |b: Option<u64>| b.map_or("unknown".into(), format::bytes);
    let rows = vec![
        vec![format!("`{}`", m.command), format::seconds(m.seconds), rss(m.peak_rss_bytes)],
        vec![m.baseline_command.clone(), "-".into(), rss(m.baseline_peak_rss_bytes)],
    ];
    let mut out = format::table(&["run", "time", "peak RSS (VmHWM)"], 1, &rows, markdown);
    out.push_str(&format!("{}{} → {}\n", if markdown { "\n" } else { "" }, m.refused_command, m.refused_message));
    out
}
