//! The build id: a hash of the sources that decide what a rank reads and computes.
//!
//! parlab and the rank binary each compile this crate's library, so each
//! holds the id of the sources it was built from (`PARLAB_MPI_BUILD`). A rank
//! binary left over from an older build has another id, and parlab refuses it
//! in one line instead of letting the ranks misread the job, or compute with
//! other code. The hash is FNV-1a (64 bits), written here because it is a few
//! lines and must not change between compilers.

use std::path::{Path, PathBuf};

/// What is hashed, from this crate's folder: its own sources and parlab's.
const SOURCES: [&str; 4] = ["src", "Cargo.toml", "../parlab/src", "../parlab/Cargo.toml"];

fn main() {
    let here = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for source in SOURCES {
        let path = here.join(source);
        println!("cargo:rerun-if-changed={}", path.display());
        collect(&path, &mut files);
    }
    files.sort();
    let mut hash = Fnv::new();
    for file in &files {
        hash.write(file.strip_prefix(&here).unwrap_or(file).to_string_lossy().as_bytes());
        hash.write(&std::fs::read(file).unwrap_or_default());
    }
    println!("cargo:rustc-env=PARLAB_MPI_BUILD={:016x}", hash.0);
}

/// Every file at or below `path`.
fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_file() {
        files.push(path.to_path_buf());
    } else if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            collect(&entry.path(), files);
        }
    }
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3);
    }
}
