//! Notebooks as JSON, and the rules every committed notebook keeps.
//!
//! The notebooks are read and written with `serde_json` only: nothing here needs
//! Python, so the integration tests can check them in plain `cargo test`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Error;

/// The kernel every notebook declares: the name `evcxr_jupyter` registers,
/// and the name `cargo lab setup` registers for this project.
pub const KERNEL: &str = "rust";

/// Reads a notebook and checks that it looks like nbformat 4.
pub fn read(path: &Path) -> Result<Value, Error> {
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Io { action: "read", path: path.into(), source })?;
    let notebook: Value = serde_json::from_str(&text).map_err(|source| Error::Json { path: path.into(), source })?;
    if notebook.get("nbformat").and_then(Value::as_u64) != Some(4) || !notebook["cells"].is_array() {
        return Err(Error::NotANotebook { path: path.into(), what: "no `nbformat: 4` and `cells` list".into() });
    }
    Ok(notebook)
}

/// The notebook as JupyterLab saves it: sorted keys, one-space indent, a final newline.
pub fn to_json(notebook: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(notebook, &mut serializer).expect("a JSON value always serializes");
    let mut text = String::from_utf8(out).expect("serde_json writes UTF-8");
    text.push('\n');
    text
}

/// Writes a notebook in the same format JupyterLab uses.
pub fn write(path: &Path, notebook: &Value) -> Result<(), Error> {
    std::fs::write(path, to_json(notebook)).map_err(|source| Error::Io { action: "write", path: path.into(), source })
}

/// A cell's source as one string (nbformat allows a string or a list of lines).
pub fn source(cell: &Value) -> String {
    match &cell["source"] {
        Value::String(text) => text.clone(),
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// A source as nbformat writes it: a list of lines, each but the last ending in `\n`.
pub fn source_lines(text: &str) -> Value {
    Value::Array(text.split_inclusive('\n').map(|line| Value::String(line.into())).collect())
}

/// The cell's tags (`metadata.tags`).
pub fn tags(cell: &Value) -> Vec<&str> {
    cell["metadata"]["tags"].as_array().map(|tags| tags.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// Whether the cell is a code cell.
pub fn is_code(cell: &Value) -> bool {
    cell["cell_type"] == "code"
}

/// The index of the first code cell with any source, which `cargo lab` warms.
pub fn first_code_cell(notebook: &Value) -> Option<usize> {
    notebook["cells"].as_array()?.iter().position(|cell| is_code(cell) && !source(cell).trim().is_empty())
}

/// Every notebook under `dir`, sorted, skipping Jupyter's `.ipynb_checkpoints`.
///
/// Top-level notebooks come before those in sub-folders (`solutions/`), so a
/// run reads 01, 02, ... first.
pub fn find_all(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, depth: usize, found: &mut Vec<(usize, PathBuf)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                walk(&path, depth + 1, found);
            } else if path.extension().is_some_and(|ext| ext == "ipynb") {
                found.push((depth, path));
            }
        }
    }
    let mut found = Vec::new();
    walk(dir, 0, &mut found);
    found.sort();
    found.into_iter().map(|(_, path)| path).collect()
}

/// What a committed notebook must not contain: outputs, execution counts, or a
/// kernel other than [`KERNEL`]. Returns one line per problem.
pub fn committed_problems(notebook: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let kernel = notebook["metadata"]["kernelspec"]["name"].as_str();
    if kernel != Some(KERNEL) {
        problems.push(format!("declares kernel {kernel:?}, not {KERNEL:?} (metadata.kernelspec.name)"));
    }
    for (index, cell) in notebook["cells"].as_array().into_iter().flatten().enumerate() {
        if !is_code(cell) {
            continue;
        }
        if cell["outputs"].as_array().is_some_and(|outputs| !outputs.is_empty()) {
            problems.push(format!("cell {} has outputs", index + 1));
        }
        if !cell["execution_count"].is_null() {
            problems.push(format!("cell {} has an execution count", index + 1));
        }
    }
    problems
}

/// Lines the first code cell must not hold: anything but `:dep` lines,
/// other `:` commands, comments and blank lines.
pub fn first_cell_problems(notebook: &Value) -> Vec<String> {
    let Some(index) = first_code_cell(notebook) else {
        return vec!["has no code cell".into()];
    };
    source(&notebook["cells"][index])
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            !(line.is_empty() || line.starts_with(':') || line.starts_with("//"))
        })
        .map(|(number, line)| {
            format!("first code cell (cell {}), line {}: `{}` is not a `:` line", index + 1, number + 1, line.trim())
        })
        .collect()
}

/// The crates a notebook's first cell loads, as `name = path` with each path
/// made absolute from the notebook's folder `dir`.
///
/// Every lab kernel builds in a copy of one warm build folder (`cargo lab setup`
/// warms it from these lines), so notebooks that load the same crates start in
/// seconds; one that loaded another set would build its own, for minutes.
pub fn first_cell_deps(notebook: &Value, dir: &Path) -> Vec<String> {
    let Some(index) = first_code_cell(notebook) else { return Vec::new() };
    let mut deps: Vec<String> = source(&notebook["cells"][index])
        .lines()
        .filter_map(|line| line.trim().strip_prefix(":dep"))
        .map(|dep| {
            let (name, spec) = dep.split_once('=').unwrap_or((dep, ""));
            let path = spec.split_once("path").and_then(|(_, rest)| rest.split('"').nth(1)).map(|p| dir.join(p));
            let path = path.map(|p| p.canonicalize().unwrap_or(p).display().to_string()).unwrap_or(spec.trim().into());
            format!("{} = {path}", name.trim())
        })
        .collect();
    deps.sort();
    deps
}

/// The code cells that turn on evcxr's `:cache`, by number from 1.
///
/// The cache swaps the compiler for evcxr's wrapper, so cargo would rebuild
/// every crate of the kernel's warm build folder, for minutes.
pub fn cache_cells(notebook: &Value) -> Vec<usize> {
    notebook["cells"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, cell)| is_code(cell) && source(cell).lines().any(|line| line.trim().starts_with(":cache")))
        .map(|(index, _)| index + 1)
        .collect()
}

/// Removes outputs and execution counts from every code cell, and the
/// timing metadata Jupyter records, so a notebook can be committed.
pub fn clear_outputs(notebook: &mut Value) {
    for cell in notebook["cells"].as_array_mut().into_iter().flatten() {
        if is_code(cell) {
            cell["outputs"] = Value::Array(Vec::new());
            cell["execution_count"] = Value::Null;
        }
        if let Some(metadata) = cell["metadata"].as_object_mut() {
            metadata.remove("execution");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn source_joins_lists_and_splits_back() {
        let cell = json!({"source": ["let x = 1;\n", "x"]});
        assert_eq!(source(&cell), "let x = 1;\nx");
        assert_eq!(source_lines("let x = 1;\nx"), json!(["let x = 1;\n", "x"]));
        assert_eq!(source_lines(""), json!([]));
    }

    #[test]
    fn first_cell_allows_only_colon_lines_and_comments() {
        let good = json!({"cells": [
            {"cell_type": "markdown", "source": "# Scope", "metadata": {}},
            {"cell_type": "code", "source": ":dep parlab = { path = \"../crates/parlab\" }\n// the charts\n:dep parlab-viz = { path = \"../crates/parlab-viz\" }\n", "metadata": {}, "outputs": [], "execution_count": null}
        ]});
        assert!(first_cell_problems(&good).is_empty());
        let bad =
            json!({"cells": [{"cell_type": "code", "source": ":dep rand = \"0.10\"\nuse rand::Rng;", "metadata": {}}]});
        assert_eq!(first_cell_problems(&bad).len(), 1);
    }

    #[test]
    fn deps_are_resolved_from_the_notebook_folder() {
        let notebook = json!({"cells": [{"cell_type": "code", "source": ":dep parlab = { path = \"../crates/parlab\" }\n:dep b = \"1\"", "metadata": {}}]});
        let deps = first_cell_deps(&notebook, Path::new("/nowhere/notebooks"));
        assert_eq!(deps, ["b = \"1\"", "parlab = /nowhere/notebooks/../crates/parlab"]);
    }

    #[test]
    fn cache_lines_are_found_in_any_cell() {
        let notebook = json!({"cells": [
            {"cell_type": "code", "source": ":dep parlab = \"1\"", "metadata": {}},
            {"cell_type": "markdown", "source": ":cache 10", "metadata": {}},
            {"cell_type": "code", "source": "// on\n  :cache 4096", "metadata": {}}
        ]});
        assert_eq!(cache_cells(&notebook), [3]);
    }

    #[test]
    fn committed_notebooks_have_no_outputs() {
        let mut notebook = json!({"metadata": {"kernelspec": {"name": "rust"}}, "cells": [
            {"cell_type": "code", "source": "1", "metadata": {"execution": {}}, "outputs": [{"output_type": "stream"}], "execution_count": 3}
        ]});
        assert_eq!(committed_problems(&notebook).len(), 2);
        clear_outputs(&mut notebook);
        assert!(committed_problems(&notebook).is_empty());
        assert_eq!(notebook["cells"][0]["metadata"], json!({}));
    }

    #[test]
    fn json_is_written_like_jupyter() {
        let notebook = json!({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5});
        assert_eq!(
            to_json(&notebook),
            "{\n \"cells\": [],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n"
        );
    }
}
