//! `parlab catalogue`: the named integrands.

use std::fmt::Write as _;

use anyhow::Result;
use parlab::catalogue::CATALOGUE;
use serde::Serialize;

use crate::cli::CatalogueArgs;
use crate::format;

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
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let interval = format!("[{}, {}]", r.from, r.to);
            vec![r.name.into(), r.formula.into(), interval, r.exact.to_string(), r.teaches.into()]
        })
        .collect();
    let mut out = format::table(&["name", "f(x)", "interval", "exact", "teaches"], 5, &cells, false);
    let _ = writeln!(out, "\nuse one with --integrand NAME; any other function with --fn EXPR");
    Ok(out)
}
