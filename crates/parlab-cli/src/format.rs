//! How the command writes numbers for people: durations, sizes and tables.
//!
//! Every command formats through this module, so a duration or a size reads
//! the same in `integrate`, `sweep`, `bench` and `catalogue`.

use std::fmt::Write as _;
use std::time::Duration;

use indicatif::HumanBytes;
use parlab::timing::Timing;

/// Seconds in the unit a person reads at a glance: `1.592 s`, `144.77 ms`, `2.50 µs`, `12 ns`.
///
/// Our own because indicatif's `HumanDuration` rounds to whole seconds and
/// `FormattedDuration` prints `hh:mm:ss`, while estimates and benchmark rows take milliseconds or less.
pub fn seconds(s: f64) -> String {
    if !s.is_finite() {
        return "-".into();
    }
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.2} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

/// A [`Duration`], as [`seconds`] writes it.
pub fn duration(d: Duration) -> String {
    seconds(d.as_secs_f64())
}

/// A size in bytes with a binary unit (`4.10 MiB`): indicatif's `HumanBytes`.
pub fn bytes(b: u64) -> String {
    HumanBytes(b).to_string()
}

/// A ratio, two decimals (`11.00`); `-` when it could not be computed.
pub fn ratio(x: f64) -> String {
    if x.is_finite() { format!("{x:.2}") } else { "-".into() }
}

/// A timing's median, min and max, and its spread ((max − min) / median) in percent.
pub fn timing_cells(t: &Timing) -> [String; 4] {
    [duration(t.median()), duration(t.min()), duration(t.max()), format!("{:.0}%", 100.0 * t.spread())]
}

/// A table: aligned for the terminal, or Markdown.
///
/// The first `text` columns hold words and are aligned left; the others hold
/// numbers and are aligned right.
pub fn table(header: &[&str], text: usize, rows: &[Vec<String>], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let rule: String = (0..header.len()).map(|i| if i < text { "---|" } else { "---:|" }).collect();
        let _ = writeln!(out, "|{rule}");
        for row in rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
        return out;
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let mut s = String::new();
        for (i, (cell, &w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            if i < text {
                let _ = write!(s, "{cell:<w$}");
            } else {
                let _ = write!(s, "{cell:>w$}");
            }
        }
        s.trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(header));
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let _ = writeln!(out, "{}", line(&cells));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_at_a_glance() {
        assert_eq!(seconds(1.5), "1.500 s");
        assert_eq!(seconds(0.0123), "12.30 ms");
        assert_eq!(seconds(2.5e-6), "2.50 µs");
        assert_eq!(seconds(1.2e-8), "12 ns");
        assert_eq!(seconds(f64::NAN), "-");
    }

    #[test]
    fn bytes_take_a_binary_unit() {
        assert_eq!(bytes(15), "15 B");
        assert_eq!(bytes(4 * 1024 * 1024 + 100 * 1024), "4.10 MiB");
    }

    #[test]
    fn tables_align_words_left_and_numbers_right() {
        let rows = vec![vec!["serial".to_string(), "1.5 s".to_string()], vec!["rayon".into(), "12 ms".into()]];
        assert_eq!(
            table(&["backend", "median"], 1, &rows, false),
            "backend  median\nserial    1.5 s\nrayon     12 ms\n"
        );
        assert_eq!(
            table(&["backend", "median"], 1, &rows, true),
            "| backend | median |\n|---|---:|\n| serial | 1.5 s |\n| rayon | 12 ms |\n"
        );
    }
}
