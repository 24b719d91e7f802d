//! The notebooks as committed: clean, on the `rust` kernel, and the lab's
//! student version exactly what its solutions generate.
//!
//! - every `notebooks/**/*.ipynb` has no outputs, no execution counts, and
//!   declares the kernel `rust`;
//! - every notebook's first code cell holds only `:dep` and other `:` lines
//!   (and comments), so `cargo lab setup` can warm it on its own; every one
//!   loads the same crates, and none turns on evcxr's `:cache`;
//! - each student version (`notebooks/NAME.ipynb`) equals what `cargo lab gen`
//!   makes from `notebooks/solutions/NAME.ipynb`;
//! - no folded hint quotes a line of the solution, and the nbgrader metadata
//!   (solution cells, grade cells with points) fits the cells.
//!
//! Running the notebooks through Jupyter is `cargo lab run`'s job (and
//! `cargo lab test`'s): it needs the evcxr kernel and minutes per notebook.

use std::path::PathBuf;

use parlab_lab::{exercise, notebook};

fn notebooks_dir() -> PathBuf {
    parlab_tests::workspace().join("notebooks")
}

fn all_notebooks() -> Vec<PathBuf> {
    let found = notebook::find_all(&notebooks_dir());
    assert!(!found.is_empty(), "no notebooks under {}", notebooks_dir().display());
    found
}

/// Runs `check` on every notebook and fails once, listing every problem.
fn each_notebook(check: impl Fn(&serde_json::Value) -> Vec<String>, fix: &str) {
    let mut problems = Vec::new();
    for path in all_notebooks() {
        let name = path.strip_prefix(parlab_tests::workspace()).unwrap_or(&path).display().to_string();
        match notebook::read(&path) {
            Ok(nb) => problems.extend(check(&nb).into_iter().map(|p| format!("{name}: {p}"))),
            Err(err) => problems.push(format!("{err}")),
        }
    }
    assert!(problems.is_empty(), "{}\n{fix}", problems.join("\n"));
}

#[test]
fn notebooks_are_committed_without_outputs_on_the_rust_kernel() {
    each_notebook(
        notebook::committed_problems,
        "clear the outputs before committing (JupyterLab: Edit > Clear Outputs of All Cells, then save), and pick the Rust kernel",
    );
}

#[test]
fn first_code_cell_holds_only_colon_lines() {
    each_notebook(
        notebook::first_cell_problems,
        "move code out of the first cell: it holds only `:dep` and `:` settings",
    );
}

#[test]
fn every_notebook_loads_the_same_crates() {
    let mut sets: Vec<(Vec<String>, PathBuf)> = Vec::new();
    for path in all_notebooks() {
        let nb = notebook::read(&path).unwrap_or_else(|err| panic!("{err}"));
        sets.push((notebook::first_cell_deps(&nb, path.parent().unwrap()), path));
    }
    let (first, first_path) = &sets[0];
    assert!(
        first.iter().any(|d| d.starts_with("parlab =")),
        "{} does not load parlab: {first:?}",
        first_path.display()
    );
    for (deps, path) in &sets[1..] {
        assert_eq!(
            deps,
            first,
            "{} loads other crates than {}: every lab kernel starts from one warm build of the same `:dep` lines",
            path.display(),
            first_path.display()
        );
    }
}

#[test]
fn no_notebook_turns_on_the_cache() {
    each_notebook(
        |nb| notebook::cache_cells(nb).into_iter().map(|cell| format!("cell {cell} has a `:cache` line")).collect(),
        "remove `:cache`: each kernel builds in a warm folder of its own, and evcxr's cache would make it rebuild everything",
    );
}

#[test]
fn student_versions_are_generated_from_their_solutions() {
    let pairs = exercise::pairs(&notebooks_dir());
    assert!(!pairs.is_empty(), "no notebooks under notebooks/solutions/");
    for pair in pairs {
        let generated = exercise::generate(&pair).unwrap_or_else(|err| panic!("{err}"));
        let committed = notebook::read(&pair.student).unwrap_or_else(|err| panic!("{err}; run `cargo lab gen`"));
        assert!(
            generated == committed,
            "{} is not what `cargo lab gen` makes from {}: edit the solutions, run `cargo lab gen`, and commit both",
            pair.student.display(),
            pair.solutions.display()
        );
    }
}

#[test]
fn student_versions_hold_no_solution_markers() {
    for pair in exercise::pairs(&notebooks_dir()) {
        let student = notebook::read(&pair.student).unwrap_or_else(|err| panic!("{err}"));
        for (index, cell) in student["cells"].as_array().into_iter().flatten().enumerate() {
            let source = notebook::source(cell);
            assert!(
                !source.contains(exercise::STUDENT_MARK)
                    && !source.contains(exercise::BEGIN_SOLUTION)
                    && !source.contains(exercise::END_SOLUTION)
                    && !source.lines().any(|l| l.trim_end().ends_with(exercise::SOLUTION_MARK)),
                "{}, cell {}: a solution marker is left in the student version",
                pair.student.display(),
                index + 1
            );
            assert!(
                !notebook::tags(cell).contains(&exercise::SOLUTION_TAG),
                "{}, cell {}: a `solution` cell is left",
                pair.student.display(),
                index + 1
            );
        }
        let checks =
            student["cells"].as_array().into_iter().flatten().filter(|c| notebook::tags(c).contains(&"check")).count();
        assert!(checks > 0, "{} has no cell tagged `check`", pair.student.display());
    }
}

#[test]
fn hints_do_not_quote_the_solutions() {
    for pair in exercise::pairs(&notebooks_dir()) {
        let solutions = notebook::read(&pair.solutions).unwrap_or_else(|err| panic!("{err}"));
        assert!(!exercise::solution_lines(&solutions).is_empty(), "{} has no solution lines", pair.solutions.display());
        let leaks = exercise::hint_leaks(&solutions);
        assert!(leaks.is_empty(), "{}:\n{}", pair.solutions.display(), leaks.join("\n"));
    }
}

#[test]
fn nbgrader_metadata_fits_the_cells() {
    for pair in exercise::pairs(&notebooks_dir()) {
        let solutions = notebook::read(&pair.solutions).unwrap_or_else(|err| panic!("{err}"));
        let problems = exercise::nbgrader_problems(&solutions);
        assert!(problems.is_empty(), "{}:\n{}", pair.solutions.display(), problems.join("\n"));
    }
}
