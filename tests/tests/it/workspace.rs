//! Properties of the workspace itself.

use std::collections::BTreeSet;
use std::process::Command;

use parlab_tests::workspace;

/// The features of every crate in `package`'s tree (normal and build edges).
fn features(package: &str) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(workspace())
        .args([
            "tree",
            "--offline",
            "-p",
            package,
            "-e",
            "normal,build",
            "-e",
            "features",
            "--prefix",
            "none",
            "--target",
            "x86_64-unknown-linux-gnu",
        ])
        .output()
        .expect("cargo tree runs");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(" feature \"") && !l.starts_with("parlab "))
        .map(|l| l.trim_end_matches(" (*)").to_string())
        .collect()
}

/// A notebook that loads parlab alone must build every crate it shares with
/// one that loads parlab-viz exactly alike (see crates/parlab/Cargo.toml):
/// two builds of one crate break evcxr's `:cache` in the next notebook.
#[test]
fn parlab_alone_builds_shared_crates_as_parlab_viz_does() {
    let alone = features("parlab");
    let with_viz = features("parlab-viz");
    let shared: BTreeSet<&str> = alone.iter().filter_map(|l| l.split(' ').next()).collect();
    let differ: Vec<&String> =
        with_viz.iter().filter(|l| shared.contains(l.split(' ').next().unwrap()) && !alone.contains(*l)).collect();
    assert!(
        differ.is_empty(),
        "parlab-viz turns on features parlab alone does not: {differ:?}; add them to crates/parlab/Cargo.toml"
    );
}
