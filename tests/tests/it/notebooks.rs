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
//!   (solution cells, grade cells with points) fits the cells;
//! - no code cell ends in a loop, `if`, `match` or `println!` without a `;`:
//!   evcxr would show its value, `()`, and compile the cell twice to find out.
//!
//! Running the notebooks through Jupyter is `cargo lab run`'s job (and
//! `cargo lab test`'s): it needs the evcxr kernel and minutes per notebook.

use std::path::PathBuf;

use parlab_lab::{exercise, notebook};
use syn::{Expr, Stmt};

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

/// Why a cell's code would show `()`: its last statement is a loop, an `if` without `else`,
/// a `match` or a printing macro, with no `;`. evcxr first compiles such a tail as
/// `(tail).evcxr_display()`, which `()` does not have, then compiles the cell again to show
/// `()` with `Debug`: one wasted compile (0.2-0.4 s here) and an `Out: ()` under the cell.
/// `:` lines are evcxr's.
fn unit_tail(code: &str) -> Option<&'static str> {
    let rust: String = code.lines().filter(|l| !l.trim_start().starts_with(':')).map(|l| format!("{l}\n")).collect();
    // Cells that do not parse (none should) are left to the kernel run to report.
    let block: syn::Block = syn::parse_str(&format!("{{\n{rust}}}")).ok()?;
    match block.stmts.last()? {
        Stmt::Expr(Expr::ForLoop(_), None) => Some("a `for` loop"),
        Stmt::Expr(Expr::While(_), None) => Some("a `while` loop"),
        Stmt::Expr(Expr::Loop(_), None) => Some("a `loop`"),
        Stmt::Expr(Expr::If(i), None) if i.else_branch.is_none() => Some("an `if` without `else`"),
        Stmt::Expr(Expr::Match(_), None) => Some("a `match`"),
        Stmt::Expr(Expr::Macro(m), None) if is_printing(&m.mac) => Some("a printing macro"),
        Stmt::Macro(m) if m.semi_token.is_none() && is_printing(&m.mac) => Some("a printing macro"),
        _ => None,
    }
}

fn is_printing(mac: &syn::Macro) -> bool {
    mac.path
        .get_ident()
        .is_some_and(|name| ["println", "print", "eprintln", "eprint"].contains(&name.to_string().as_str()))
}

#[test]
fn no_cell_ends_in_a_value_evcxr_would_show_as_unit() {
    each_notebook(
        |nb| {
            nb["cells"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
                .filter(|(_, cell)| notebook::is_code(cell))
                .filter_map(|(index, cell)| {
                    unit_tail(&notebook::source(cell))
                        .map(|what| format!("cell {} ends in {what} with no `;`", index + 1))
                })
                .collect()
        },
        "end the cell's last statement with `;`: evcxr shows a final value, and for `()` it compiles the cell twice",
    );
}

#[test]
fn unit_tails_are_found_and_values_are_left_alone() {
    let found = [
        "let a = 1;\nfor i in 0..a {\n    println!(\"{i}\");\n}",
        ":opt 0\nwhile false {}",
        "if true { println!(\"yes\"); }",
        "match 1 { _ => println!(\"one\") }",
        "println!(\"done\")",
        "fn f() {}\nloop { break }",
    ];
    for code in found {
        assert!(unit_tail(code).is_some(), "not found in {code:?}");
    }
    let left = [
        "for i in 0..2 {\n    println!(\"{i}\");\n};",
        "println!(\"done\");",
        "parlab_viz::text_table(&rows)",
        "let x = if true { 1 } else { 2 };\nx",
        "if true { 1 } else { 2 }",
        "fn f() {\n    for _ in 0..1 {}\n}",
        "let v = vec![1];",
        "// only a comment",
    ];
    for code in left {
        assert_eq!(unit_tail(code), None, "flagged: {code:?}");
    }
}
