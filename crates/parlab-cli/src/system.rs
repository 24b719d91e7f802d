//! Facts the system gives about this process and its machine: the load, this
//! run's scheduling priority, and the peak memory.
//!
//! Each reads one file under `/proc` and is `None` where the system does not
//! say (a kernel without autogroups, a system without `/proc`).

use serde::Serialize;

/// Peak resident set size of this process in bytes (`VmHWM` in
/// `/proc/self/status`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The 1-minute load average (`/proc/loadavg`): how many threads wanted a
/// core, on average, over the last minute. Above the core count, other
/// programs were competing with the benchmark.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

/// The nice value of this process's autogroup (`/proc/self/autogroup`, e.g.
/// `/autogroup-130 nice -15`). With autogroups on, the kernel shares the
/// cores fairly between autogroups first (one per terminal, or per `setsid`),
/// so a benchmark competes with the programs of other terminals as one
/// group: its nice value there says how much priority it has over them.
pub fn autogroup_nice() -> Option<i32> {
    let text = std::fs::read_to_string("/proc/self/autogroup").ok()?;
    text.split_whitespace().last()?.parse().ok()
}

/// The machine's load around a measurement: other work competing for the cores.
#[derive(Serialize, Clone, Copy, Debug)]
pub struct Load {
    /// The 1-minute load average before the measurements.
    pub before: Option<f64>,
    /// The same, after them.
    pub after: Option<f64>,
    /// The nice value of this process's autogroup.
    pub autogroup_nice: Option<i32>,
}

impl Load {
    /// The load now, to be finished with [`Load::finish`] after the measurements.
    pub fn start() -> Load {
        Load { before: load_average(), after: None, autogroup_nice: autogroup_nice() }
    }

    /// The same, with the load after the measurements.
    pub fn finish(self) -> Load {
        Load { after: load_average(), ..self }
    }

    /// A line for a report: the load, and a warning when other work competed
    /// for the `cores`.
    pub fn describe(&self, cores: usize) -> String {
        let show = |x: Option<f64>| x.map_or("unknown".to_string(), |x| format!("{x:.2}"));
        let mut line = format!("load average (1 min): {} before, {} after", show(self.before), show(self.after));
        if let Some(nice) = self.autogroup_nice {
            line.push_str(&format!("; this run's scheduling group (autogroup) had nice {nice}"));
        }
        if [self.before, self.after].into_iter().flatten().any(|l| l > cores as f64 + 0.5) {
            if self.autogroup_nice.is_some_and(|n| n < 0) {
                line.push_str(&format!(
                    " — other programs wanted more than the {cores} cores, but this run had priority over them"
                ));
            } else {
                line.push_str(&format!(
                    " — warning: above the {cores} cores, so other programs competed for them and the times are inflated (parallel ones most)"
                ));
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_above_the_cores_is_a_warning_unless_the_run_had_priority() {
        let busy = Load { before: Some(8.0), after: Some(9.5), autogroup_nice: Some(0) };
        let line = busy.describe(2);
        assert!(line.starts_with("load average (1 min): 8.00 before, 9.50 after"), "{line}");
        assert!(line.contains("warning: above the 2 cores"), "{line}");
        let first = Load { autogroup_nice: Some(-15), ..busy }.describe(2);
        assert!(first.contains("had priority") && !first.contains("warning"), "{first}");
        let idle = Load { before: Some(0.3), after: None, autogroup_nice: None }.describe(2);
        assert_eq!(idle, "load average (1 min): 0.30 before, unknown after");
    }
}
