//! The student version of a lab notebook, generated from its solutions.
//!
//! One source holds both: `notebooks/solutions/NAME.ipynb` runs as it is, and
//! `cargo lab gen` writes the student version `notebooks/NAME.ipynb` from it.
//! Inside code cells:
//!
//! - the lines from one holding `BEGIN SOLUTION` to one holding `END SOLUTION`
//!   (behind `//`) become one [`CODE_STUB`], `todo!()`, at the indentation of
//!   the first: exactly what nbgrader's `generate_assignment` does with a
//!   solution region when its Rust stub is `todo!()`, so both make the same
//!   student version (`cargo lab grade` checks that they do). A cell with a
//!   region is an nbgrader solution cell (`metadata.nbgrader.solution`), and
//!   a solution cell without one becomes the stub whole, as in nbgrader;
//! - a line ending in `// solution` is dropped from the student version;
//! - a line whose first text is `//student: ` becomes the code after it, at the
//!   same indentation (so a wrong value stands where the solution was);
//! - a cell tagged `solution` (of any kind) is dropped whole.
//!
//! ```text
//! fn area(n: u32) -> f64 {                      fn area(n: u32) -> f64 {
//!     // BEGIN SOLUTION                              todo!()
//!     let h = 1.0 / f64::from(n);         ==>    }
//!     (0..n).map(|i| trapezoid(i, h)).sum()
//!     // END SOLUTION
//! }
//! ```
//!
//! The student version's `:dep` paths are rewritten from `../../crates/` to
//! `../crates/`, since it sits one folder up, and every output is cleared.
//! The tests check that the committed student version equals what
//! [`student_notebook`] makes, that no folded hint (`<details>`) quotes a
//! solution line ([`hint_leaks`]), and that the nbgrader metadata fits the
//! cells ([`nbgrader_problems`]); `cargo lab test` runs both versions: every
//! cell of the solutions passes, and every `check` cell of the student
//! version fails.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{Error, notebook};

/// Starts a solution region (nbgrader's marker, found anywhere in a line).
pub const BEGIN_SOLUTION: &str = "BEGIN SOLUTION";
/// Ends a solution region.
pub const END_SOLUTION: &str = "END SOLUTION";
/// What a solution region becomes in the student version: nbgrader's
/// `ClearSolutions.code_stub` for Rust, which `cargo lab grade` passes to it.
pub const CODE_STUB: &str = "todo!()";
/// Tags a cell that is an exercise check: it must fail in the student version.
pub const CHECK_TAG: &str = "check";
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
/// `solution_cell` says whether the cell is an nbgrader solution cell. Returns
/// the line (counted from 1) and a message for a marker the generator cannot honour.
pub fn student_source(solution: &str, solution_cell: bool) -> Result<String, (usize, String)> {
    let (source, regions) = clear_regions(solution)?;
    if regions > 0 && !solution_cell {
        let line = solution.lines().position(|line| line.contains(BEGIN_SOLUTION)).unwrap_or(0) + 1;
        let what =
            "a solution region in a cell that is not an nbgrader solution cell; set `metadata.nbgrader.solution`";
        return Err((line, what.into()));
    }
    if solution_cell && regions == 0 {
        return Ok(CODE_STUB.into());
    }
    marked_lines(&source)
}

/// Replaces each region from a `BEGIN SOLUTION` line to an `END SOLUTION` line
/// with [`CODE_STUB`] at the first line's indentation, as nbgrader's
/// `ClearSolutions` does (it splits and joins on `\n`, so a final newline stays
/// as it was). Returns the new source and how many regions it replaced.
fn clear_regions(source: &str) -> Result<(String, usize), (usize, String)> {
    let mut kept: Vec<String> = Vec::new();
    let (mut inside, mut regions) = (None, 0);
    for (index, line) in source.split('\n').enumerate() {
        if line.contains(BEGIN_SOLUTION) {
            if inside.is_some() {
                return Err((index + 1, format!("`{BEGIN_SOLUTION}` inside another region; end the first one")));
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            kept.extend(CODE_STUB.split('\n').map(|stub| format!("{indent}{stub}")));
            inside = Some(index);
            regions += 1;
        } else if line.contains(END_SOLUTION) {
            if inside.take().is_none() {
                return Err((index + 1, format!("`{END_SOLUTION}` with no `{BEGIN_SOLUTION}` before it")));
            }
        } else if inside.is_none() {
            kept.push(line.to_owned());
        }
    }
    if let Some(start) = inside {
        return Err((start + 1, format!("a region with no `{END_SOLUTION}`")));
    }
    Ok((kept.join("\n"), regions))
}

/// Applies the line markers: `// solution` lines go, `//student: ` lines become code.
fn marked_lines(solution: &str) -> Result<String, (usize, String)> {
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

/// Whether the cell is an nbgrader solution cell (`metadata.nbgrader.solution`).
pub fn is_solution_cell(cell: &Value) -> bool {
    cell["metadata"]["nbgrader"]["solution"] == true
}

/// Whether the cell is an nbgrader grade cell (`metadata.nbgrader.grade`).
pub fn is_grade_cell(cell: &Value) -> bool {
    cell["metadata"]["nbgrader"]["grade"] == true
}

/// The lines of a solutions notebook's code that the student version leaves
/// out: those inside solution regions and those ending in `// solution`,
/// without their trailing comments. Each comes with its cell, counted from 1.
pub fn solution_lines(solutions: &Value) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (index, cell) in solutions["cells"].as_array().into_iter().flatten().enumerate() {
        if !notebook::is_code(cell) {
            continue;
        }
        let mut inside = false;
        for line in notebook::source(cell).lines() {
            if line.contains(BEGIN_SOLUTION) {
                inside = true;
            } else if line.contains(END_SOLUTION) {
                inside = false;
            } else if inside || line.trim_end().ends_with(SOLUTION_MARK) {
                let code = line.split(" //").next().unwrap_or(line).trim();
                if !code.is_empty() {
                    found.push((index + 1, code.to_owned()));
                }
            }
        }
    }
    found
}

/// Folded hints that quote a line of the solution: one message each.
///
/// A hint is the text between `<details>` and `</details>` in a markdown
/// cell. Lines and hints are compared with all whitespace and backticks
/// removed. Lines too short to give anything away are not counted: fewer than
/// 12 characters, or a bare adaptor such as `.into_par_iter()` or `.collect()`,
/// which the statements name anyway.
pub fn hint_leaks(solutions: &Value) -> Vec<String> {
    let squeeze = |text: &str| text.chars().filter(|c| !c.is_whitespace() && *c != '`').collect::<String>();
    let telling: Vec<(usize, String, String)> = solution_lines(solutions)
        .into_iter()
        .map(|(cell, line)| {
            let squeezed = squeeze(&line);
            (cell, line, squeezed)
        })
        .filter(|(_, _, squeezed)| squeezed.chars().count() >= 12 && !is_bare_adaptor(squeezed))
        .collect();
    let mut leaks = Vec::new();
    for (index, cell) in solutions["cells"].as_array().into_iter().flatten().enumerate() {
        if cell["cell_type"] != "markdown" {
            continue;
        }
        let text = notebook::source(cell);
        for hint in text.split("<details>").skip(1).map(|rest| rest.split("</details>").next().unwrap_or(rest)) {
            let hint = squeeze(hint);
            for (line_cell, line, squeezed) in &telling {
                if hint.contains(squeezed.as_str()) {
                    leaks.push(format!(
                        "cell {}: a hint quotes the solution line `{line}` (cell {line_cell}); give the method, not the code",
                        index + 1
                    ));
                }
            }
        }
    }
    leaks
}

/// `.name()`: an adaptor with no arguments, on a line of its own.
fn is_bare_adaptor(squeezed: &str) -> bool {
    squeezed
        .strip_prefix('.')
        .and_then(|rest| rest.strip_suffix("()"))
        .is_some_and(|name| name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// What is wrong with a solutions notebook's nbgrader metadata: one line each.
///
/// Every `check` cell is a locked grade cell with points, and every grade
/// cell is a `check` cell; every code cell with a solution region is a
/// solution cell, and every solution cell has a region; every nbgrader cell
/// has its own `grade_id` and `schema_version` 3.
pub fn nbgrader_problems(solutions: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids: Vec<&str> = Vec::new();
    for (index, cell) in solutions["cells"].as_array().into_iter().flatten().enumerate() {
        let at = format!("cell {}", index + 1);
        let meta = &cell["metadata"]["nbgrader"];
        let check = notebook::tags(cell).contains(&CHECK_TAG);
        let region = notebook::source(cell).contains(BEGIN_SOLUTION);
        if check && !(is_grade_cell(cell) && meta["locked"] == true) {
            problems.push(format!("{at} is tagged `{CHECK_TAG}` but is not a locked nbgrader grade cell"));
        }
        if is_grade_cell(cell) && !check {
            problems.push(format!("{at} is an nbgrader grade cell but is not tagged `{CHECK_TAG}`"));
        }
        if is_grade_cell(cell) && !meta["points"].as_f64().is_some_and(|points| points > 0.0) {
            problems.push(format!("{at} is a grade cell with no points"));
        }
        if notebook::is_code(cell) && region != is_solution_cell(cell) {
            problems
                .push(format!("{at}: a code cell with a solution region must be an nbgrader solution cell, and back"));
        }
        if meta.is_object() {
            match meta["grade_id"].as_str() {
                Some(id) if !id.is_empty() && !ids.contains(&id) => ids.push(id),
                Some(id) => problems.push(format!("{at}: grade_id `{id}` is empty or used twice")),
                None => problems.push(format!("{at}: an nbgrader cell with no grade_id")),
            }
            if meta["schema_version"] != 3 {
                problems.push(format!("{at}: nbgrader schema_version is not 3"));
            }
        }
    }
    if !ids.is_empty() && !solutions["cells"].as_array().into_iter().flatten().any(is_grade_cell) {
        problems.push("nbgrader cells, but no grade cell".into());
    }
    problems
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
            let source = student_source(&notebook::source(&cell), is_solution_cell(&cell))
                .map_err(|(line, what)| Error::Marker { path: path.into(), cell: index + 1, line, what })?;
            cell["source"] = notebook::source_lines(&student_deps(&source));
        } else {
            let text = notebook::source(&cell);
            if text.contains(BEGIN_SOLUTION) || text.contains(END_SOLUTION) {
                return Err(Error::Marker {
                    path: path.into(),
                    cell: index + 1,
                    line: 1,
                    what: "a solution region in a markdown cell; the lab's regions are in code cells".into(),
                });
            }
            cell["source"] = notebook::source_lines(&text);
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
        let student = student_source(solution, false).unwrap();
        assert_eq!(student, "fn area(n: u32) -> f64 {\n    todo!(\"your code\")\n}\n");
    }

    #[test]
    fn a_cell_with_no_markers_is_unchanged() {
        let source = "let n = 1000;\nassert!(n > 0);";
        assert_eq!(student_source(source, false).unwrap(), source);
    }

    #[test]
    fn a_dropped_last_line_leaves_no_trailing_newline() {
        assert_eq!(student_source("//student: let n = 0;\nlet n = 1000; // solution", false).unwrap(), "let n = 0;");
    }

    #[test]
    fn a_marker_mid_line_is_an_error() {
        let (line, _) = student_source("let a = 1;\nlet b = 2; // solution: b is two\n", false).unwrap_err();
        assert_eq!(line, 2);
        assert!(student_source("let b = 2; // solution here\n", false).is_err());
        assert!(student_source("let a = 1; //student: let a = 0;\n", false).is_err());
        assert_eq!(student_source("// solutions differ\n", false).unwrap(), "// solutions differ\n");
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
    /// What nbgrader 0.9's `ClearSolutions._replace_solution_region` makes of these,
    /// worked by hand from its code: a region becomes the stub at the BEGIN line's
    /// indentation; the text outside stays, newlines included.
    #[test]
    fn a_region_becomes_one_stub_as_in_nbgrader() {
        let solution = "fn area(n: u32) -> f64 {\n    // BEGIN SOLUTION\n    let h = 1.0 / f64::from(n);\n    h\n    // END SOLUTION\n}";
        assert_eq!(student_source(solution, true).unwrap(), "fn area(n: u32) -> f64 {\n    todo!()\n}");
        let two = "fn a() -> u8 {\n  // BEGIN SOLUTION\n  1\n  // END SOLUTION\n}\nfn b() -> u8 {\n    //BEGIN SOLUTION\n    2\n    //END SOLUTION\n}\n";
        assert_eq!(
            student_source(two, true).unwrap(),
            "fn a() -> u8 {\n  todo!()\n}\nfn b() -> u8 {\n    todo!()\n}\n"
        );
        let at_the_end = "let x: u8 =\n// BEGIN SOLUTION\n3;\n// END SOLUTION";
        assert_eq!(student_source(at_the_end, true).unwrap(), "let x: u8 =\ntodo!()");
    }

    #[test]
    fn a_solution_cell_without_a_region_becomes_the_stub() {
        assert_eq!(student_source("let answer = 42;\n", true).unwrap(), CODE_STUB);
    }

    #[test]
    fn broken_regions_are_errors() {
        let nested = "// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION\n// END SOLUTION";
        assert_eq!(student_source(nested, true).unwrap_err().0, 2);
        assert_eq!(student_source("a\n// BEGIN SOLUTION\nb", true).unwrap_err().0, 2);
        assert_eq!(student_source("a\n// END SOLUTION", true).unwrap_err().0, 2);
        // A region in a cell nbgrader would not treat as a solution cell.
        assert_eq!(student_source("a\nb\n// BEGIN SOLUTION\nc\n// END SOLUTION", false).unwrap_err().0, 3);
    }

    #[test]
    fn regions_and_line_marks_work_together() {
        let mixed = "//student: let n = 1;\nlet n = 2; // solution\nfn f() -> u8 {\n    // BEGIN SOLUTION\n    n\n    // END SOLUTION\n}";
        assert_eq!(student_source(mixed, true).unwrap(), "let n = 1;\nfn f() -> u8 {\n    todo!()\n}");
    }

    fn lab(cells: Value) -> Value {
        json!({"metadata": {"kernelspec": {"name": "rust"}}, "nbformat": 4, "nbformat_minor": 5, "cells": cells})
    }

    fn answer(source: &str) -> Value {
        json!({"cell_type": "code", "source": source, "outputs": [], "execution_count": null, "metadata": {
            "nbgrader": {"grade": false, "grade_id": "ex1-answer", "locked": false, "schema_version": 3, "solution": true}}})
    }

    fn check(points: u32) -> Value {
        json!({"cell_type": "code", "source": "check();", "outputs": [], "execution_count": null, "metadata": {
            "tags": ["check"],
            "nbgrader": {"grade": true, "grade_id": "ex1-check", "locked": true, "points": points, "schema_version": 3, "solution": false}}})
    }

    #[test]
    fn a_hint_that_quotes_a_solution_line_is_found() {
        let code = "fn rows(m: &M) -> usize {\n    // BEGIN SOLUTION\n    let mut current = &m.rows[0]; // the first row\n    current\n        .into_par_iter()\n    // END SOLUTION\n}";
        let quoting = "Try this.\n\n<details><summary>Hint</summary>\n\nStart with `let mut current =\n&m.rows[0];` and go on.\n</details>";
        let leaks =
            hint_leaks(&lab(json!([answer(code), {"cell_type": "markdown", "metadata": {}, "source": quoting}])));
        assert_eq!(leaks.len(), 1, "{leaks:?}");
        assert!(leaks[0].contains("let mut current = &m.rows[0];"), "{leaks:?}");
        // The method in words, a bare adaptor, and code outside the fold are fine.
        let method = "Use `let mut current = &m.rows[0];` here.\n<details><summary>Hint</summary>Keep the first row; call `.into_par_iter()`.</details>";
        assert!(
            hint_leaks(&lab(json!([answer(code), {"cell_type": "markdown", "metadata": {}, "source": method}])))
                .is_empty()
        );
    }

    #[test]
    fn solution_lines_come_from_regions_and_marks() {
        let code = "let a = 1; // solution\nlet b = 2;\n// BEGIN SOLUTION\nlet c = 3; // three\n// END SOLUTION";
        let lines = solution_lines(&lab(json!([answer(code)])));
        assert_eq!(lines, [(1, "let a = 1;".to_owned()), (1, "let c = 3;".to_owned())]);
    }

    #[test]
    fn nbgrader_metadata_must_fit_the_cells() {
        let good = lab(json!([answer("// BEGIN SOLUTION\n1\n// END SOLUTION"), check(2)]));
        assert!(nbgrader_problems(&good).is_empty(), "{:?}", nbgrader_problems(&good));
        let no_points = lab(json!([answer("// BEGIN SOLUTION\n1\n// END SOLUTION"), check(0)]));
        assert_eq!(nbgrader_problems(&no_points).len(), 1);
        let mut untagged = check(1);
        untagged["metadata"]["tags"] = json!([]);
        assert!(!nbgrader_problems(&lab(json!([untagged]))).is_empty());
        let no_region = lab(json!([answer("1"), check(1)]));
        assert_eq!(nbgrader_problems(&no_region).len(), 1);
        let twice = lab(json!([
            answer("// BEGIN SOLUTION\n1\n// END SOLUTION"),
            answer("// BEGIN SOLUTION\n2\n// END SOLUTION"),
            check(1)
        ]));
        assert_eq!(nbgrader_problems(&twice).len(), 1);
    }
}
