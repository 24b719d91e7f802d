//! The command's modules import one way: no circles.
//!
//! Reads the sources under `src/`, finds every path that names one of the
//! command's own modules (`crate::format`, `super::plan`, `bench::run` from
//! the module that declares `bench`), and checks that these imports form no
//! circle. Test code (`#[cfg(test)]` and below) and comments are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module name (`""` for the crate root, `bench::plan`) → the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// The module a source file holds: `main.rs` → `""`, `bench.rs` → `bench`, `bench/plan.rs` → `bench::plan`.
fn module_of(relative: &Path) -> String {
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let file = parts.pop().unwrap_or_default();
    let stem = file.trim_end_matches(".rs");
    if !(stem == "main" || stem == "mod" || stem == "lib") {
        parts.push(stem.to_string());
    }
    parts.join("::")
}

/// The code of a file without its comments and its test code: a
/// `#[cfg(test)]` declaration (`mod layers;`) is left out, and a
/// `#[cfg(test)]` block ends the code (tests sit at the bottom of a file).
fn code(text: &str) -> String {
    let mut kept = Vec::new();
    let mut lines = text.lines().map(|l| l.split("//").next().unwrap_or_default());
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" {
            match lines.next() {
                Some(item) if item.trim_end().ends_with(';') => continue,
                _ => break,
            }
        }
        kept.push(line);
    }
    kept.join("\n")
}

/// Every path in `code` (`a::b::c`), as its segments, where a path is not itself a tail of a longer one.
fn paths(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = (ident(chars[i]) && !chars[i].is_ascii_digit())
            && (i == 0 || !(ident(chars[i - 1]) || chars[i - 1] == ':'));
        if !starts {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        loop {
            let from = i;
            while i < chars.len() && ident(chars[i]) {
                i += 1;
            }
            segments.push(chars[from..i].iter().collect::<String>());
            let more = i + 2 < chars.len() && chars[i] == ':' && chars[i + 1] == ':' && ident(chars[i + 2]);
            if !more {
                if i + 2 < chars.len() && chars[i] == ':' && chars[i + 1] == ':' && chars[i + 2] == '{' {
                    segments.push("{".into());
                }
                break;
            }
            i += 2;
        }
        if segments.len() > 1 {
            out.push(segments);
        }
    }
    out
}

/// The graph of the sources under `src`.
fn graph(src: &Path) -> Result<Graph, String> {
    let mut files = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
            Ok((module_of(f.strip_prefix(src).map_err(|e| e.to_string())?), code(&text)))
        })
        .collect::<Result<_, String>>()?;
    let modules: BTreeSet<&str> = sources.iter().map(|(m, _)| m.as_str()).collect();
    let join = |base: &[String], rest: &[String]| -> String {
        // The longest prefix of base + rest that is a module; the crate root if none.
        let all: Vec<&str> = base.iter().chain(rest).map(String::as_str).collect();
        (1..=all.len()).rev().map(|k| all[..k].join("::")).find(|m| modules.contains(m.as_str())).unwrap_or_default()
    };
    let mut graph = Graph::new();
    for (module, code) in &sources {
        let here: Vec<String> = if module.is_empty() { vec![] } else { module.split("::").map(String::from).collect() };
        let edges = graph.entry(module.clone()).or_default();
        for path in paths(code) {
            if path.iter().any(|s| s == "{")
                && ["crate", "super", "self"].contains(&path[0].as_str())
                && path.len() == 2
            {
                return Err(format!("{module}: write `use {}::name;` once per module, not a group", path[0]));
            }
            let target = match path[0].as_str() {
                "crate" => join(&[], &path[1..]),
                "super" => join(&here[..here.len().saturating_sub(1)], &path[1..]),
                "self" => join(&here, &path[1..]),
                // A child module, named from the module that declares it.
                first => {
                    let child: Vec<String> = here.iter().cloned().chain([first.to_string()]).collect();
                    if !modules.contains(child.join("::").as_str()) {
                        continue;
                    }
                    join(&here, &path)
                }
            };
            if target != *module {
                edges.insert(target);
            }
        }
    }
    Ok(graph)
}

/// A circle in `graph`, as the modules along it, if there is one.
fn circle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(node: &str, graph: &Graph, marks: &mut BTreeMap<String, Mark>, path: &mut Vec<String>) -> bool {
        match marks.get(node).copied().unwrap_or(Mark::New) {
            Mark::Done => return false,
            Mark::Open => {
                path.push(node.to_string());
                return true;
            }
            Mark::New => {}
        }
        marks.insert(node.to_string(), Mark::Open);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if visit(next, graph, marks, path) {
                return true;
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
        false
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        let mut path = Vec::new();
        if visit(node, graph, &mut marks, &mut path) {
            let last = path.last().cloned().unwrap_or_default();
            let from = path.iter().position(|m| *m == last).unwrap_or(0);
            return Some(path[from..].to_vec());
        }
    }
    None
}

fn shown(module: &str) -> &str {
    if module.is_empty() { "crate" } else { module }
}

#[test]
fn the_commands_modules_import_one_way() {
    let graph = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src")).unwrap();
    let has = |from: &str, to: &str| graph.get(from).is_some_and(|e| e.contains(to));
    // The reader sees real imports, or a missing circle would prove nothing.
    assert!(has("", "bench") && has("bench", "bench::students"), "{graph:?}");
    assert!(has("bench::students", "bench::plan") && has("bench::students", "python"), "{graph:?}");
    assert!(has("integrate", "format") && has("bench::plan", "format"), "{graph:?}");
    if let Some(circle) = circle(&graph) {
        let names: Vec<&str> = circle.iter().map(|m| shown(m)).collect();
        panic!("the command's modules import in a circle: {}", names.join(" -> "));
    }
}

#[test]
fn a_circle_is_found() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g = Graph::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    assert_eq!(circle(&graph(&[("", "bench"), ("bench", "format"), ("integrate", "format")])), None);
    assert_eq!(
        circle(&graph(&[("", "bench"), ("bench", "bench::lecture"), ("bench::lecture", "bench")])),
        Some(vec!["bench".into(), "bench::lecture".into(), "bench".into()])
    );
}

#[test]
fn paths_are_read_from_code() {
    let code = code(
        "use super::plan::{self, Plan};\nuse crate::format; // crate::bench\nparlab::sweep::run(x); bench::run(a)",
    );
    let firsts: Vec<String> = paths(&code).iter().map(|p| p.join("::")).collect();
    assert_eq!(firsts, ["super::plan::{", "crate::format", "parlab::sweep::run", "bench::run"]);
    assert_eq!(module_of(Path::new("bench/plan.rs")), "bench::plan");
    assert_eq!(module_of(Path::new("main.rs")), "");
}
