//! The lab's notebooks as an nbgrader course: what `cargo lab grade` hands to
//! nbgrader, and what it expects back.
//!
//! Only JSON is handled here (no Python, no kernel), so every rule is tested
//! in plain `cargo test`; `cargo lab grade` runs nbgrader itself.
//!
//! - [`course_source`]: the solutions notebook as nbgrader's `source/` copy:
//!   the cells tagged `solution` left out, and `:dep` paths made absolute, since
//!   nbgrader runs the notebook from folders of its own;
//! - [`student_differences`]: what tells nbgrader's `generate_assignment`
//!   output from `cargo lab gen`'s student version (nothing, for the lab);
//! - [`submission`]: a student's notebook with some exercises solved;
//! - [`points`]: what those exercises are worth.
//!
//! An exercise is named by the start of its cells' `grade_id`s: `ex4-answer`,
//! `ex4a-check` and `ex4b-check` all belong to exercise `ex4`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::exercise::{self, BEGIN_SOLUTION, END_SOLUTION, SOLUTION_TAG};
use crate::notebook;

/// nbgrader's `source/` copy of a solutions notebook, for a workspace whose
/// crates are in `crates`.
pub fn course_source(solutions: &Value, crates: &Path) -> Value {
    let mut source = solutions.clone();
    let crates = crates.to_string_lossy();
    if let Some(cells) = source["cells"].as_array_mut() {
        cells.retain(|cell| !notebook::tags(cell).contains(&SOLUTION_TAG));
        for cell in cells.iter_mut().filter(|cell| notebook::is_code(cell)) {
            let text: String = notebook::source(cell)
                .split_inclusive('\n')
                .map(|line| {
                    if line.trim_start().starts_with(":dep") {
                        line.replace("\"../../crates/", &format!("\"{crates}/"))
                    } else {
                        line.to_owned()
                    }
                })
                .collect();
            cell["source"] = notebook::source_lines(&text);
        }
    }
    notebook::clear_outputs(&mut source);
    source
}

/// How two student versions differ, one line per difference: cell kinds and
/// sources, with `:dep` paths compared by their last two parts only
/// (`crates/parlab`), since the two versions sit in different folders.
pub fn student_differences(nbgrader: &Value, generated: &Value) -> Vec<String> {
    let cells = |nb: &Value| nb["cells"].as_array().cloned().unwrap_or_default();
    let (ours, theirs) = (cells(generated), cells(nbgrader));
    let mut found = Vec::new();
    if ours.len() != theirs.len() {
        found.push(format!("nbgrader's version has {} cells, `cargo lab gen`'s {}", theirs.len(), ours.len()));
    }
    for (index, (a, b)) in theirs.iter().zip(&ours).enumerate() {
        if a["cell_type"] != b["cell_type"] {
            found.push(format!("cell {}: a {} cell against a {} cell", index + 1, a["cell_type"], b["cell_type"]));
        } else if dep_neutral(&notebook::source(a)) != dep_neutral(&notebook::source(b)) {
            found.push(format!(
                "cell {}: nbgrader made\n{}\n  `cargo lab gen` made\n{}",
                index + 1,
                notebook::source(a),
                notebook::source(b)
            ));
        }
    }
    found
}

/// A source with each `:dep` path cut to its last two parts.
fn dep_neutral(source: &str) -> String {
    source
        .split_inclusive('\n')
        .map(|line| {
            let Some((before, rest)) = line.split_once("path = \"") else { return line.to_owned() };
            let Some((path, after)) = rest.split_once('"') else { return line.to_owned() };
            if !line.trim_start().starts_with(":dep") {
                return line.to_owned();
            }
            let parts: Vec<&str> = path.rsplit('/').take(2).collect();
            let short: Vec<&str> = parts.into_iter().rev().collect();
            format!("{before}path = \"{}\"{after}", short.join("/"))
        })
        .collect()
}

/// The exercise a `grade_id` belongs to: `ex4a-check` → `ex4`.
pub fn exercise_of(grade_id: &str) -> &str {
    let head = grade_id.split('-').next().unwrap_or(grade_id);
    let digits_end = head.rfind(|c: char| c.is_ascii_digit()).map_or(head.len(), |at| at + 1);
    &head[..digits_end]
}

/// The exercises with an answer cell (an nbgrader solution cell), in notebook order.
pub fn exercises(notebook: &Value) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for cell in notebook["cells"].as_array().into_iter().flatten().filter(|cell| exercise::is_solution_cell(cell)) {
        let name = exercise_of(cell["metadata"]["nbgrader"]["grade_id"].as_str().unwrap_or_default()).to_owned();
        if !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// The points of each grade cell, by `grade_id`.
pub fn grade_cells(notebook: &Value) -> BTreeMap<String, f64> {
    notebook["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|cell| exercise::is_grade_cell(cell))
        .map(|cell| {
            let meta = &cell["metadata"]["nbgrader"];
            (meta["grade_id"].as_str().unwrap_or_default().to_owned(), meta["points"].as_f64().unwrap_or(0.0))
        })
        .collect()
}

/// What the grade cells of `solved` exercises are worth.
pub fn points(notebook: &Value, solved: &[String]) -> f64 {
    // A fold from +0.0: `sum` of no points would be −0.0.
    grade_cells(notebook)
        .iter()
        .filter(|(id, _)| solved.iter().any(|name| name == exercise_of(id)))
        .fold(0.0, |total, (_, points)| total + points)
}

/// `release` (the student version) with the answer cells of the `solved`
/// exercises as the source solves them, without the region markers: what a
/// student who solved those exercises and no other hands in.
pub fn submission(release: &Value, source: &Value, solved: &[String]) -> Value {
    let answers: BTreeMap<String, String> = source["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|cell| exercise::is_solution_cell(cell))
        .map(|cell| {
            (cell["metadata"]["nbgrader"]["grade_id"].as_str().unwrap_or_default().to_owned(), solved_text(cell))
        })
        .collect();
    let mut handed_in = release.clone();
    for cell in handed_in["cells"].as_array_mut().into_iter().flatten() {
        if !exercise::is_solution_cell(cell) {
            continue;
        }
        let id = cell["metadata"]["nbgrader"]["grade_id"].as_str().unwrap_or_default().to_owned();
        if let Some(text) = answers.get(&id).filter(|_| solved.iter().any(|name| name == exercise_of(&id))) {
            cell["source"] = notebook::source_lines(text);
        }
    }
    handed_in
}

/// A solution cell's code with its region markers taken out.
fn solved_text(cell: &Value) -> String {
    let text = notebook::source(cell);
    let kept: Vec<&str> =
        text.split('\n').filter(|line| !line.contains(BEGIN_SOLUTION) && !line.contains(END_SOLUTION)).collect();
    kept.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cell(kind: &str, source: &str, nbgrader: Value, tags: &[&str]) -> Value {
        json!({"cell_type": kind, "source": source, "outputs": [], "execution_count": null,
               "metadata": {"nbgrader": nbgrader, "tags": tags}})
    }

    fn lab() -> Value {
        let answer =
            |id: &str| json!({"grade": false, "grade_id": id, "locked": false, "schema_version": 3, "solution": true});
        let check = |id: &str, points: u32| json!({"grade": true, "grade_id": id, "locked": true, "points": points, "schema_version": 3, "solution": false});
        json!({"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "rust", "language": "rust"}},
        "cells": [
            json!({"cell_type": "markdown", "source": "notes", "metadata": {"tags": ["solution"]}}),
            json!({"cell_type": "code", "source": ":dep parlab = { path = \"../../crates/parlab\" }\n:cache 4096", "metadata": {}, "outputs": [], "execution_count": 3}),
            cell("code", "fn one() -> u8 {\n    // BEGIN SOLUTION\n    1\n    // END SOLUTION\n}", answer("ex1-answer"), &[]),
            cell("code", "check_1(one);", check("ex1-check", 2), &["check"]),
            cell("code", "fn four() -> u8 {\n    // BEGIN SOLUTION\n    4\n    // END SOLUTION\n}", answer("ex4-answer"), &[]),
            cell("code", "check_4a(four);", check("ex4a-check", 1), &["check"]),
            cell("code", "check_4b(four);", check("ex4b-check", 3), &["check"]),
        ]})
    }

    #[test]
    fn grade_ids_name_their_exercise() {
        assert_eq!(exercise_of("ex4a-check"), "ex4");
        assert_eq!(exercise_of("ex4-answer"), "ex4");
        assert_eq!(exercise_of("ex12b-check"), "ex12");
        assert_eq!(exercise_of("setup"), "setup");
        assert_eq!(exercises(&lab()), ["ex1", "ex4"]);
    }

    #[test]
    fn points_add_up_by_exercise() {
        assert_eq!(points(&lab(), &["ex4".into()]), 4.0);
        assert_eq!(points(&lab(), &["ex1".into(), "ex4".into()]), 6.0);
        assert_eq!(points(&lab(), &[]).to_bits(), 0.0f64.to_bits());
    }

    #[test]
    fn the_course_copy_has_no_solution_notes_and_absolute_deps() {
        let source = course_source(&lab(), Path::new("/work/parlab/crates"));
        let cells = source["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 6);
        assert_eq!(notebook::source(&cells[0]), ":dep parlab = { path = \"/work/parlab/crates/parlab\" }\n:cache 4096");
        assert!(cells[0]["execution_count"].is_null());
    }

    #[test]
    fn a_submission_solves_only_the_exercises_named() {
        let release = exercise::student_notebook(&lab(), Path::new("solutions/lab.ipynb")).unwrap();
        let source = course_source(&lab(), Path::new("/crates"));
        let half = submission(&release, &source, &["ex4".into()]);
        let cells = half["cells"].as_array().unwrap();
        assert_eq!(notebook::source(&cells[1]), "fn one() -> u8 {\n    todo!()\n}");
        assert_eq!(notebook::source(&cells[3]), "fn four() -> u8 {\n    4\n}");
    }

    #[test]
    fn dep_paths_do_not_count_as_differences() {
        let generated = exercise::student_notebook(&lab(), Path::new("solutions/lab.ipynb")).unwrap();
        let source = course_source(&lab(), Path::new("/elsewhere/crates"));
        let mut nbgrader = exercise::student_notebook(&source, Path::new("source/lab/lab.ipynb")).unwrap();
        assert!(student_differences(&nbgrader, &generated).is_empty());
        nbgrader["cells"][1]["source"] = json!("fn one() -> u8 {\n    1\n}");
        assert_eq!(student_differences(&nbgrader, &generated).len(), 1);
        nbgrader["cells"].as_array_mut().unwrap().pop();
        assert_eq!(student_differences(&nbgrader, &generated).len(), 2);
    }
}
