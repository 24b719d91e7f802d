//! The student version of a lab notebook, generated from its solutions.
//!
//! One source holds both: `notebooks/solutions/NAME.ipynb` runs as it is, and
//! `cargo lab gen` writes the student version `notebooks/NAME.ipynb` from it.
//! Inside code cells:
//!
//! - a line ending in `// solution` is dropped from the student version;
//! - a line whose first text is `//student: ` becomes the code after it, at the
//!   same indentation (so a `todo!()` or a wrong value stands where the
//!   solution was);
//! - a cell tagged `solution` (of any kind) is dropped whole.
//!
//! ```text
//! fn area(n: u32) -> f64 {
//!     //student: todo!("sum the heights of n trapezoids")
//!     let h = 1.0 / f64::from(n);                       // solution
//!     (0..n).map(|i| trapezoid(i, h)).sum()             // solution
//! }
//! ```
//!
//! The student version's `:dep` paths are rewritten from `../../crates/` to
//! `../crates/`, since it sits one folder up, and every output is cleared.
//! The tests check that the committed student version equals what
//! [`student_notebook`] makes, and `cargo lab test` runs both: every cell of
//! the solutions passes, and every `check` cell of the student version fails.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{Error, notebook};

/// Ends a line that only the solutions have.
pub const SOLUTION_MARK: &str = "// solution";
/// Starts a line that only the student version has (the code follows it).
pub const STUDENT_MARK: &str = "//student:";
/// Tags a cell that only the solutions have.
pub const SOLUTION_TAG: &str = "solution";
/// Where the solutions live, relative to the notebooks folder.
pub const SOLUTIONS_DIR: &str = "solutions";

/// A solutions notebook and the student version generated from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// `notebooks/solutions/NAME.ipynb`, the one source.
    pub solutions: PathBuf,
    /// `notebooks/NAME.ipynb`, generated.
    pub student: PathBuf,
}

/// Every solutions notebook under `notebooks/solutions/`, with its student version.
pub fn pairs(notebooks: &Path) -> Vec<Pair> {
    let dir = notebooks.join(SOLUTIONS_DIR);
    let mut found: Vec<Pair> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ipynb"))
        .map(|solutions| {
            let student = notebooks.join(solutions.file_name().expect("a file has a name"));
            Pair { solutions, student }
        })
        .collect();
    found.sort_by(|a, b| a.solutions.cmp(&b.solutions));
    found
}

/// The student version of one code cell's source.
///
/// Returns the line (counted from 1) and a message for a marker that would
/// leave solution code in the student version.
pub fn student_source(solution: &str) -> Result<String, (usize, String)> {
    let mut out = String::new();
    for (index, line) in solution.split_inclusive('\n').enumerate() {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let trimmed = body.trim_start();
        if body.trim_end().ends_with(SOLUTION_MARK) {
            continue;
        }
        if let Some(code) = trimmed.strip_prefix(STUDENT_MARK) {
            let indent = &body[..body.len() - trimmed.len()];
            let code = code.strip_prefix(' ').unwrap_or(code);
            out.push_str(indent);
            out.push_str(code);
            out.push_str(newline);
            continue;
        }
        if mid_line_mark(body) {
            let what = format!(
                "a marker in the middle of a line; put `{SOLUTION_MARK}` at the very end, or `{STUDENT_MARK} ` at the start"
            );
            return Err((index + 1, what));
        }
        out.push_str(line);
    }
    // A dropped last line leaves the line before it ending in a newline the
    // solution did not have there; the cell should not end in a blank line.
    if !solution.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

/// Whether a marker sits where the generator would not see it: `// solution`
/// followed by more text (`// solution: why`), or `//student:` after code.
/// `// solutions differ` is prose, not a marker.
fn mid_line_mark(body: &str) -> bool {
    let misplaced_solution = body
        .match_indices(SOLUTION_MARK)
        .any(|(at, mark)| body[at + mark.len()..].chars().next().is_some_and(|next| !next.is_alphanumeric()));
    misplaced_solution || body.contains(STUDENT_MARK)
}

/// Rewrites `:dep` paths for a notebook one folder up: `../../crates/` becomes `../crates/`.
pub fn student_deps(source: &str) -> String {
    source
        .split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with(":dep") {
                line.replace("\"../../crates/", "\"../crates/")
            } else {
                line.into()
            }
        })
        .collect()
}

/// The student version of a solutions notebook: markers applied, `solution`
/// cells dropped, `:dep` paths rewritten, outputs cleared.
pub fn student_notebook(solutions: &Value, path: &Path) -> Result<Value, Error> {
    let mut student = solutions.clone();
    let cells = student["cells"]
        .as_array()
        .ok_or_else(|| Error::NotANotebook { path: path.into(), what: "no `cells` list".into() })?;
    let mut kept = Vec::with_capacity(cells.len());
    for (index, cell) in cells.iter().enumerate() {
        if notebook::tags(cell).contains(&SOLUTION_TAG) {
            continue;
        }
        let mut cell = cell.clone();
        if notebook::is_code(&cell) {
            let source = student_source(&notebook::source(&cell)).map_err(|(line, what)| Error::Marker {
                path: path.into(),
                cell: index + 1,
                line,
                what,
            })?;
            cell["source"] = notebook::source_lines(&student_deps(&source));
        } else {
            cell["source"] = notebook::source_lines(&notebook::source(&cell));
        }
        kept.push(cell);
    }
    student["cells"] = Value::Array(kept);
    notebook::clear_outputs(&mut student);
    let from = format!("{SOLUTIONS_DIR}/{}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
    student["metadata"]["parlab"] = json!({
        "generated": format!("by `cargo lab gen` from {from}: edit that file, then run `cargo lab gen`")
    });
    Ok(student)
}

/// Reads a pair's solutions and makes its student version.
pub fn generate(pair: &Pair) -> Result<Value, Error> {
    let solutions = notebook::read(&pair.solutions)?;
    student_notebook(&solutions, &pair.solutions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solution_lines_drop_and_student_lines_take_their_place() {
        let solution = "fn area(n: u32) -> f64 {\n    //student: todo!(\"your code\")\n    let h = 1.0 / f64::from(n); // solution\n    h // solution\n}\n";
        let student = student_source(solution).unwrap();
        assert_eq!(student, "fn area(n: u32) -> f64 {\n    todo!(\"your code\")\n}\n");
    }

    #[test]
    fn a_cell_with_no_markers_is_unchanged() {
        let source = "let n = 1000;\nassert!(n > 0);";
        assert_eq!(student_source(source).unwrap(), source);
    }

    #[test]
    fn a_dropped_last_line_leaves_no_trailing_newline() {
        assert_eq!(student_source("//student: let n = 0;\nlet n = 1000; // solution").unwrap(), "let n = 0;");
    }

    #[test]
    fn a_marker_mid_line_is_an_error() {
        let (line, _) = student_source("let a = 1;\nlet b = 2; // solution: b is two\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(student_source("let b = 2; // solution here\n").is_err());
        assert!(student_source("let a = 1; //student: let a = 0;\n").is_err());
        assert_eq!(student_source("// solutions differ\n").unwrap(), "// solutions differ\n");
    }

    #[test]
    fn dep_paths_move_one_folder_up() {
        let deps = ":dep parlab = { path = \"../../crates/parlab\" }\n:cache 4000\nlet p = \"../../crates/\";";
        assert_eq!(
            student_deps(deps),
            ":dep parlab = { path = \"../crates/parlab\" }\n:cache 4000\nlet p = \"../../crates/\";"
        );
    }

    #[test]
    fn solution_cells_go_and_outputs_are_cleared() {
        let solutions = json!({
            "metadata": {"kernelspec": {"name": "rust"}}, "nbformat": 4, "nbformat_minor": 5,
            "cells": [
                {"cell_type": "markdown", "metadata": {"tags": ["solution"]}, "source": "Why it works"},
                {"cell_type": "code", "metadata": {"tags": ["check"]}, "execution_count": 4,
                 "outputs": [{"output_type": "stream", "name": "stdout", "text": "ok"}],
                 "source": ["let x = 2; // solution\n", "//student: let x = 0;\n", "assert_eq!(x, 2);"]}
            ]
        });
        let student = student_notebook(&solutions, Path::new("solutions/05-lab.ipynb")).unwrap();
        let cells = student["cells"].as_array().unwrap();
        assert_eq!(cells.len(), 1);
        assert_eq!(notebook::source(&cells[0]), "let x = 0;\nassert_eq!(x, 2);");
        assert!(notebook::committed_problems(&student).is_empty());
        assert_eq!(notebook::tags(&cells[0]), ["check"]);
    }
}
