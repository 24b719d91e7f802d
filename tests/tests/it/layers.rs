//! The library is a one-way stack: no module imports a layer above its own, and no imports go round in a circle.
//!
//! The layers, bottom first, as `crates/parlab/src/lib.rs` documents them.
//! A module may use its own layer and the ones below; the checker
//! (`parlab_tests::layers`) reads every file under `crates/parlab/src`.

use parlab_tests::layers::{Graph, read_crate};
use parlab_tests::workspace;

const LAYERS: &[(&str, &[&str])] = &[
    ("types and helpers", &["error", "tolerance", "timing", "simd", "stream", "integrand"]),
    ("rules", &["rule", "reference"]),
    ("beside the rules: the catalogue", &["catalogue"]),
    ("tasks", &["task"]),
    ("backends", &["backend"]),
    ("dispatchers", &["dispatch", "split"]),
    ("harness and faces", &["scaling", "sweep", "scope"]),
    ("the lab's exercise checks", &["exercise"]),
];

fn parlab() -> Graph {
    read_crate(&workspace().join("crates/parlab/src")).expect("parlab's source parses")
}

#[test]
fn the_library_has_no_import_circle() {
    let circles = parlab().circles();
    assert!(circles.is_empty(), "modules that import one another in a circle: {circles:?}");
}

#[test]
fn every_import_goes_down_the_layers() {
    let graph = parlab();
    let problems = graph.against_layers(LAYERS);
    assert!(problems.is_empty(), "imports against the layers:\n{}", problems.join("\n"));
    // The graph is the real one: the known edges are there, so an empty list means something.
    let edges = |m: &str| graph.edges.get(m).cloned().unwrap_or_default();
    assert!(edges("backend::serial").contains("rule::setup"), "{:?}", edges("backend::serial"));
    assert!(edges("dispatch").contains("backend::process"), "{:?}", edges("dispatch"));
    assert!(edges("catalogue").contains("rule::setup"), "the catalogue uses the rules: {:?}", edges("catalogue"));
    assert!(edges("rule::grid").contains("rule::block"), "the kernels evaluate in blocks: {:?}", edges("rule::grid"));
    assert!(graph.modules.len() > 30, "{} modules", graph.modules.len());
}
