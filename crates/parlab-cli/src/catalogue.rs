//! `parlab catalogue`: the named integrands.

use std::fmt::Write as _;

use anyhow::Result;
use parlab::catalogue::CATALOGUE;
use serde::Serialize;

use crate::cli::CatalogueArgs;

#[derive(Serialize)]
struct Row {
    name: &'static str,
    formula: &'static str,
    from: f64,
    to: f64,
    exact: f64,
    teaches: &'static str,
}

pub fn run(args: &CatalogueArgs) -> Result<String> {
    let rows: Vec<Row> = CATALOGUE
        .iter()
        .map(|e| Row { name: e.name, formula: e.formula, from: e.a, to: e.b, exact: e.exact, teaches: e.teaches })
        .collect();
    if args.json {
        return Ok(serde_json::to_string(&rows)? + "\n");
    }
    let mut out = String::new();
    let _ = writeln!(out, "{:<12} {:<22} {:<9} {:<20} teaches", "name", "f(x)", "interval", "exact");
    for r in &rows {
        let interval = format!("[{}, {}]", r.from, r.to);
        let _ = writeln!(out, "{:<12} {:<22} {:<9} {:<20} {}", r.name, r.formula, interval, r.exact, r.teaches);
    }
    let _ = writeln!(out, "\nuse one with --integrand NAME; any other function with --fn EXPR");
    Ok(out)
}
