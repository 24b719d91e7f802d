//! `cargo lab setup --mpi`: MPICH and the rank binary, for `parlab sweep --backend mpi`.
//!
//! As root with apt, the system packages are installed; elsewhere the error
//! names exactly what to install. MPICH, not Open MPI: Open MPI refuses to run
//! as root without extra flags, and CI runs as root. The rank binary's build
//! runs bindgen, which needs libclang.

use std::process::Command;

use anyhow::bail;

use crate::lab::Lab;
use crate::open;
use crate::step::{self, note};

/// Debian's packages: MPICH, its headers, and libclang and pkg-config for the build.
pub const PACKAGES: [&str; 4] = ["mpich", "libmpich-dev", "libclang-dev", "pkg-config"];

/// What is missing of the MPI toolchain, by package name.
pub fn missing() -> Vec<&'static str> {
    let mut out = Vec::new();
    if which::which("mpiexec").is_err() {
        out.push("mpich");
    }
    if !step::succeeds(Command::new("pkg-config").args(["--exists", "mpich"])) {
        out.extend(["libmpich-dev", "pkg-config"]);
    }
    // dpkg knows libclang-dev on Debian and Ubuntu; elsewhere the build says so.
    if which::which("dpkg").is_ok() && !step::succeeds(Command::new("dpkg").args(["-s", "libclang-dev"])) {
        out.push("libclang-dev");
    }
    out
}

/// The one line that says what to install where we cannot.
pub fn install_hint() -> String {
    format!(
        "install MPICH: as root on Debian or Ubuntu `apt-get install -y {}`; on Fedora `dnf install mpich-devel clang-devel`; \
         on macOS `brew install mpich llvm`; then run `cargo lab setup --mpi` again",
        PACKAGES.join(" ")
    )
}

/// Installs MPICH when it is missing (as root, with apt) and builds the rank binary next to the release parlab.
pub fn setup(lab: &Lab) -> anyhow::Result<()> {
    let missing = missing();
    if missing.is_empty() {
        note("MPICH: installed");
    } else if !open::is_root() || which::which("apt-get").is_err() {
        let why = if open::is_root() { "there is no apt-get" } else { "this is not root" };
        bail!("MPI is missing ({}) and {why}: {}", missing.join(", "), install_hint());
    } else {
        let apt = |args: &[&str]| {
            let mut command = Command::new("apt-get");
            command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            command
        };
        step::run(
            lab,
            "apt-get update",
            "apt-update",
            &mut apt(&["update", "-q"]),
            "check the network to the mirrors",
        )?;
        let install: Vec<&str> = ["install", "-y", "-q"].into_iter().chain(PACKAGES).collect();
        step::run(
            lab,
            &format!("apt-get install {}", PACKAGES.join(" ")),
            "apt-mpich",
            &mut apt(&install),
            "check the network to the mirrors, or install the packages yourself",
        )?;
        let still = self::missing();
        if !still.is_empty() {
            bail!("apt-get ran, but {} is still missing: {}", still.join(", "), install_hint());
        }
    }
    crate::run::build_rank_binary(lab)?;
    Ok(())
}
