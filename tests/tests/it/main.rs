//! parlab's integration tests: one binary, one module per part of the lab.
//!
//! - `layers`: the library's modules import only downwards, and never in a circle.
//! - `backends`: every backend gives the serial bits; errors and panics on every backend.
//! - `checks`: the exercise checks pass the reference answers and fail known-wrong ones.
//! - `checks_parallel`: the same for the student cells of notebooks 03 and 04.
//! - `expressions`: any text gives a value or an error, never a crash; parsed values match a reference evaluator.
//! - `properties`: proptest invariants (linearity, additivity, constants, serial == parallel).
//! - `split`: one estimate split into blocks: the same bits on any thread or worker process count, and one block is the plain estimate; killed and failing workers named.
//! - `cli`: the real `parlab` binary, good and bad input.
//! - `mpi` (with `--features mpi`): `parlab sweep --backend mpi` both ways, same bits, failing ranks named, stale rank binaries refused.
//! - `bench`: `parlab bench --students`, run small: every row, side by side, and its ratios.
//! - `kernel`: the lab's kernel launcher: a build folder of its own for every kernel.
//! - `notebooks`: notebooks committed without outputs; the lab's student version matches its source.

mod backends;
mod bench;
mod checks;
mod checks_parallel;
mod cli;
mod expressions;
mod kernel;
mod layers;
#[cfg(feature = "mpi")]
mod mpi;
mod notebooks;
mod properties;
mod split;

/// A stand-in for the `parlab` program: a shell script at `parlab` in a folder
/// of its own, named by `what` (unique in this binary) and this test run.
fn stand_in(what: &str, text: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("parlab-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("parlab");
    parlab_tests::write_script(&script, text);
    script
}
