//! Unit tests: tables and charts from real, small parlab sweeps.
//!
//! - tables: columns and row counts, HTML, CSV round trip
//! - charts: SVG with the series labels; log axes skip what they cannot draw
//! - display: the evcxr content blocks

use std::f64::consts::FRAC_PI_4;
use std::time::Duration;

use parlab::scaling::{self, Scaling};
use parlab::timing::{Machine, Timing};
use parlab::{Rule, Sampler, Setup, Sweep, parallel, serial, sweep};

use crate::*;

fn f(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

fn serial_sweep(rule: Rule, sizes: &[u64]) -> Sweep {
    let setup = Setup::new(0.0, 1.0).unwrap().with_rule(rule).with_seed(7);
    serial::sweep(&f, &setup, sizes).unwrap()
}

fn rayon_sweep() -> Sweep {
    let pool = parallel::Pool::new(2).unwrap();
    let setup = Setup::new(0.0, 1.0).unwrap().with_seed(7);
    parallel::sweep(&f, &setup, &sweep::below(64), &pool).unwrap()
}

/// A machine with eight threads, so that no row of [`scaling`] is oversubscribed, on any machine.
fn eight_threads() -> Machine {
    Machine { available_parallelism: 8, ..Machine::current() }
}

fn scaling() -> Scaling {
    let t = |ms: &[u64]| Timing { runs: ms.iter().map(|&m| Duration::from_millis(m)).collect() };
    scaling::analyze(
        vec![(1, t(&[100, 102, 110])), (2, t(&[52, 55, 60])), (4, t(&[40, 44, 51])), (8, t(&[38, 45, 50]))],
        eight_threads(),
    )
}

// ---- tables ----

#[test]
fn sweep_table_has_error_columns_only_with_exact() {
    let s = serial_sweep(Rule::MonteCarlo, &sweep::doubling(1, 512));
    let with = sweep_table(&s, Some(FRAC_PI_4));
    assert_eq!(with.columns(), ["n", "value", "error", "|error|", "error_estimate", "evaluations"]);
    assert_eq!(with.height(), s.points.len());
    let without = sweep_table(&s, None);
    assert_eq!(without.columns(), ["n", "value", "error_estimate", "evaluations"]);
}

#[test]
fn tasks_and_workers_tables_cover_every_task_and_worker() {
    let s = rayon_sweep();
    let tasks = tasks_table(&s);
    assert_eq!(tasks.columns(), ["index", "n", "worker", "start_ms", "end_ms", "ms"]);
    assert_eq!(tasks.height(), 64);
    let workers = workers_table(&s);
    assert_eq!(workers.columns(), ["worker", "tasks", "busy_ms", "share", "idle_ms"]);
    assert_eq!(workers.height(), 2);
    let column = |name: &str| workers.numbers(name).into_iter().map(Option::unwrap).collect::<Vec<f64>>();
    assert_eq!(column("tasks").iter().sum::<f64>(), 64.0);
    let busy = column("busy_ms");
    let want: Vec<f64> = (0..2)
        .map(|w| s.tasks.iter().filter(|t| t.worker == w).map(|t| (t.end - t.start).as_secs_f64() * 1e3).sum())
        .collect();
    for (got, want) in busy.iter().zip(&want) {
        assert!((got - want).abs() <= 1e-9 * want.max(1.0), "busy {got} ms, tasks say {want} ms");
    }
    assert!(busy.iter().sum::<f64>() > 0.0, "64 estimates take some time: {busy:?}");
    let shares: f64 = column("share").iter().sum();
    assert!((shares - 1.0).abs() < 1e-9, "shares sum to {shares}");
    let elapsed = s.elapsed.as_secs_f64() * 1e3;
    for (idle, busy) in column("idle_ms").iter().zip(&busy) {
        assert!((idle - (elapsed - busy).max(0.0)).abs() < 1e-9, "idle {idle} ms");
    }
}

#[test]
fn a_sweep_with_no_busy_time_has_no_shares() {
    // Every task took no time (a clock too coarse to see them): the shares
    // are 0, not NaN, and the tasks are still counted.
    let mut s = rayon_sweep();
    for t in &mut s.tasks {
        t.end = t.start;
    }
    let workers = workers_table(&s);
    let shares: Vec<f64> = workers.numbers("share").into_iter().map(Option::unwrap).collect();
    assert_eq!(shares, [0.0, 0.0]);
    let counts: f64 = workers.numbers("tasks").into_iter().map(Option::unwrap).sum();
    assert_eq!(counts, 64.0);
}

#[test]
fn scaling_and_timings_tables() {
    let s = scaling();
    let t = scaling_table(&s);
    assert_eq!(
        t.columns(),
        ["threads", "median_ms", "min_ms", "max_ms", "spread", "speedup", "efficiency", "karp_flatt", "oversubscribed"]
    );
    assert_eq!(t.height(), 4);
    // One thread has no Karp–Flatt fraction: an empty cell, not NaN.
    assert_eq!(t.numbers("karp_flatt").iter().filter(|k| k.is_none()).count(), 1);
    assert_eq!(t.column("karp_flatt").unwrap()[0], crate::Cell::Empty);
    let rows = [("sort", &s.rows[0].timing), ("spacings", &s.rows[1].timing)];
    let timings = timings_table(&rows);
    assert_eq!(timings.columns(), ["label", "median_ms", "min_ms", "max_ms", "spread", "runs"]);
    assert_eq!(timings.height(), 2);
    assert!(timings.to_html().contains("spacings"));
}

#[test]
fn generic_tables_pad_short_columns() {
    let t = table(&[("p", vec![1.0, 2.0, 4.0]), ("speedup", vec![1.0, 1.9])]);
    assert_eq!(t.height(), 3);
    assert_eq!(t.numbers("speedup"), [Some(1.0), Some(1.9), None]);
    let words = text_table(&[("rule", vec!["midpoint".into(), "simpson".into()]), ("order", vec!["2".into()])]);
    assert_eq!(words.height(), 2);
    assert!(words.to_html().contains("<td style=\"text-align:right;padding:2px 8px\">simpson</td>"));
}

#[test]
fn html_is_a_table_and_elides_long_tables() {
    let s = serial_sweep(Rule::Lecture, &sweep::below(200));
    let html = sweep_table(&s, Some(FRAC_PI_4)).to_html();
    assert!(html.starts_with("<table"));
    assert!(html.contains("<th style=\"text-align:right;padding:2px 8px\">|error|</th>"));
    assert!(html.contains("160 more rows"));
    assert!(html.contains("200 rows × 6 columns"));
    assert_eq!(html.matches("<tr>").count(), 1 + HTML_MAX_ROWS + 1);
}

#[test]
fn numbers_are_formatted_for_people() {
    assert_eq!(format_number(FRAC_PI_4), "0.785398");
    assert_eq!(format_number(0.1234567), "0.123457");
    assert_eq!(format_number(2.0), "2");
    assert_eq!(format_number(1234.5), "1234.5");
    assert_eq!(format_number(-3.2e-9), "-3.2e-9");
    assert_eq!(format_number(0.0), "0");
    assert_eq!(format_number(f64::NAN), "NaN");
}

#[test]
fn csv_round_trips_the_numbers() {
    let s = serial_sweep(Rule::MonteCarlo, &sweep::doubling(1, 4096));
    let t = sweep_table(&s, Some(FRAC_PI_4));
    let dir = std::env::temp_dir().join(format!("parlab-viz-test-{}", std::process::id()));
    let path = dir.join("nested/sweep.csv");
    t.to_csv(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "n,value,error,|error|,error_estimate,evaluations");
    for (line, point) in lines.zip(&s.points) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0].parse::<u64>().unwrap(), point.n);
        assert_eq!(cells[1].parse::<f64>().unwrap().to_bits(), point.value.to_bits());
        assert_eq!(cells[3].parse::<f64>().unwrap().to_bits(), (point.value - FRAC_PI_4).abs().to_bits());
        assert_eq!(cells[4].parse::<f64>().ok().map(f64::to_bits), point.error_estimate.map(f64::to_bits));
        assert_eq!(cells[5].parse::<u64>().unwrap(), point.evaluations);
    }
    // Very small and missing values survive too.
    let tiny = table(&[("x", vec![1e-300, 0.1, 12345678901234567.0]), ("y", vec![f64::MIN_POSITIVE])]).to_csv_string();
    let values: Vec<&str> = tiny.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(
        values.iter().map(|v| v.parse::<f64>().unwrap()).collect::<Vec<_>>(),
        [1e-300, 0.1, 12345678901234567.0]
    );
    assert!(tiny.lines().nth(2).unwrap().ends_with(','));
}

#[test]
fn text_fallback_aligns_columns_under_their_names() {
    let t = text_table(&[("rule", vec!["midpoint".into(), "simpson".into()]), ("order", vec!["2".into()])]);
    assert_eq!(t.to_string(), "    rule  order\nmidpoint      2\n simpson\n(2 rows × 2 columns)");
}

// ---- charts ----

fn assert_svg(chart: &Chart, needles: &[&str]) {
    let svg = chart.svg();
    assert!(svg.starts_with("<svg"), "not an svg: {}", &svg[..svg.len().min(80)]);
    assert!(!svg.contains("could not draw"), "drawing failed: {svg}");
    for needle in needles {
        assert!(svg.contains(needle), "the chart lacks {needle:?}");
    }
}

#[test]
fn estimate_chart_shows_estimate_and_exact() {
    assert_svg(
        &estimate_chart(&serial_sweep(Rule::Lecture, &sweep::below(300)), Some(FRAC_PI_4)),
        &["lecture", "exact = 0.785398", "estimate"],
    );
    assert_svg(
        &estimate_chart(&serial_sweep(Rule::Midpoint, &sweep::doubling(1, 1 << 12)), None),
        &["midpoint", "n (log scale)"],
    );
}

#[test]
fn error_chart_labels_series_and_reference_slopes() {
    let sizes = sweep::doubling(2, 1 << 12);
    let mid = serial_sweep(Rule::Midpoint, &sizes);
    let mc = serial_sweep(Rule::MonteCarlo, &sizes);
    let simpson = serial_sweep(Rule::Simpson, &sizes);
    assert_svg(&error_chart(&[&mid, &mc, &simpson], FRAC_PI_4), &["midpoint", "monte-carlo", "simpson", "n⁻½", "n⁻²"]);
}

#[test]
fn error_chart_names_samplers_when_rules_repeat() {
    let sizes = sweep::doubling(2, 1 << 10);
    let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Partition).with_seed(3);
    let spacings = serial::sweep(&f, &setup, &sizes).unwrap();
    let sort = serial::sweep(&f, &setup.with_sampler(Sampler::Sort), &sizes).unwrap();
    assert_svg(&error_chart(&[&spacings, &sort], FRAC_PI_4), &["partition (spacings)", "partition (sort)"]);
}

#[test]
fn log_log_error_chart_skips_zero_errors() {
    // x ↦ 2x is integrated exactly by the midpoint rule: every error is 0.
    let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Midpoint);
    let exact = serial::sweep(&|x: f64| 2.0 * x, &setup, &sweep::doubling(1, 64)).unwrap();
    assert_svg(&error_chart(&[&exact], 1.0), &["exactly zero"]);
    // n = 0 and NaN estimates are skipped as well.
    let lecture = serial_sweep(Rule::Lecture, &sweep::below(40));
    assert_svg(&error_chart(&[&lecture, &exact], FRAC_PI_4), &["lecture"]);
    assert_svg(&error_chart(&[], 1.0), &[]);
}

#[test]
fn line_and_work_precision_charts() {
    let a = Series::new("spacings", vec![(0.001, 1e-2), (0.01, 3e-3), (0.1, 1e-3), (0.0, 0.0)]);
    let b = Series::new("sort", vec![(0.002, 1e-2), (0.03, 3e-3), (0.5, f64::NAN)]);
    assert_svg(&work_precision_chart(&[a.clone(), b.clone()]), &["spacings", "sort", "time (s"]);
    assert_svg(&line_chart("Anything", "x", "y", &[a, b], false, true), &["Anything", "spacings"]);
    assert_svg(&line_chart("Empty", "x", "y", &[], true, true), &["Empty"]);
}

#[test]
fn speedup_and_efficiency_charts() {
    let s = scaling();
    let chunked = scaling::analyze(
        vec![
            (1, Timing { runs: vec![Duration::from_millis(90)] }),
            (2, Timing { runs: vec![Duration::from_millis(70)] }),
        ],
        eight_threads(),
    );
    assert_svg(&speedup_chart(&[("rayon", &s), ("chunked", &chunked)]), &["rayon", "chunked", "ideal", "Amdahl"]);
    assert_svg(&efficiency_chart(&[("rayon", &s)]), &["rayon", "ideal", "efficiency"]);
    assert_svg(&speedup_chart(&[]), &["Speedup"]);
}

#[test]
fn timeline_chart_has_a_row_per_worker() {
    let s = rayon_sweep();
    assert_svg(&timeline_chart(&s), &["rayon(2)", "worker 0", "worker 1", "sweep ended"]);
    assert_svg(&timeline_chart(&serial_sweep(Rule::Midpoint, &sweep::doubling(1, 1 << 14))), &["serial", "worker 0"]);
}

#[test]
fn charts_save_as_svg_files() {
    let dir = std::env::temp_dir().join(format!("parlab-viz-svg-{}", std::process::id()));
    let chart = timeline_chart(&rayon_sweep());
    chart.save(dir.join("a/b/timeline.svg")).unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("a/b/timeline.svg")).unwrap(), chart.svg());
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---- display ----

#[test]
fn evcxr_output_has_plain_text_and_html() {
    let t = table(&[("n", vec![1.0])]).evcxr_output();
    assert!(t.starts_with("EVCXR_BEGIN_CONTENT text/plain\n"));
    assert!(t.contains("EVCXR_END_CONTENT\nEVCXR_BEGIN_CONTENT text/html\n<table"));
    assert!(t.ends_with("EVCXR_END_CONTENT\n"));
    let c = line_chart("t", "x", "y", &[], false, false).evcxr_output();
    assert!(c.contains("EVCXR_BEGIN_CONTENT text/html\n<div class=\"parlab-chart\"><svg"));
}

#[test]
fn write_errors_name_the_path() {
    let err = table(&[("n", vec![1.0])]).to_csv("/proc/parlab-viz-cannot/x.csv").unwrap_err();
    assert!(err.to_string().contains("/proc/parlab-viz-cannot"), "{err}");
}
