//! The process's peak memory.

/// Peak resident set size of this process in bytes (`VmHWM` in
/// `/proc/self/status`), or `None` where the system does not say.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Bytes in a human unit.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{bytes} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// The 1-minute load average (`/proc/loadavg`): how many threads wanted a
/// core, on average, over the last minute. Above the core count, other
/// programs were competing with the benchmark.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// This process's scheduling group and its nice value (`/proc/self/autogroup`,
/// e.g. `/autogroup-130 nice -15`). With autogroups on, the kernel shares the
/// cores fairly between sessions first, so a benchmark competes with other
/// sessions' builds as one group: its nice value there says how much priority
/// it had over them.
pub fn autogroup_nice() -> Option<i32> {
    let text = std::fs::read_to_string("/proc/self/autogroup").ok()?;
    text.split_whitespace().last()?.parse().ok()
}
