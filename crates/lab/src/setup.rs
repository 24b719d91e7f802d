//! `cargo lab setup`: everything the notebooks need, each step skipped when already done.
//!
//! 1. rust-src (evcxr's code analysis wants the standard library's source);
//! 2. evcxr_jupyter, pinned to [`EVCXR_VERSION`];
//! 3. a Python venv at `target/lab/venv` from `crates/lab/requirements.txt`,
//!    reinstalled only when that file changes;
//! 4. the `rust` kernel, registered under `target/lab/jupyter/` only;
//! 5. the `parlab` release binary, which the process backend starts as workers;
//! 6. a warm build cache: each notebook's first cell (its `:dep`s) is run once,
//!    so evcxr's `:cache` holds the compiled crates when a student opens it.
//!
//! `cargo lab setup --mpi` does only the MPI part instead (`crate::mpi`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};
use serde_json::json;

use crate::kernel;
use crate::lab::{self, EVCXR_VERSION, KERNEL_NAME, Lab};
use crate::run;
use crate::step::{self, heading, human, note};

/// The oldest Python the pinned requirements install on.
pub const PYTHON_MIN: (u32, u32) = (3, 11);

#[derive(clap::Args, Default)]
pub struct Args {
    /// Only MPI, for `parlab sweep --backend mpi`: install MPICH (as root, with apt; else say what to install) and build the rank binary.
    #[arg(long)]
    pub mpi: bool,

    /// Skip warming the build cache (a notebook's first cell then compiles its crates: minutes).
    #[arg(long)]
    pub no_warm: bool,
}

pub fn run(lab: &Lab, args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    if args.mpi {
        heading("setting up MPI for `parlab sweep --backend mpi`");
        crate::mpi::setup(lab)?;
        heading(&format!(
            "MPI is set up ({}); try `parlab sweep --samples 3000 --backend mpi --threads 2`",
            human(started.elapsed())
        ));
        return Ok(());
    }
    heading(&format!("setting up the lab in {}", lab.show(&lab.dir)));
    rust_src(lab)?;
    let evcxr = evcxr(lab)?;
    venv(lab)?;
    kernel(lab, &evcxr)?;
    run::build_parlab(lab)?;
    if args.no_warm {
        note("build cache: warming skipped");
    } else {
        warm(lab)?;
    }
    heading(&format!("the lab is set up ({}); `cargo lab open` starts JupyterLab", human(started.elapsed())));
    Ok(())
}

/// The standard library's source folder of the active toolchain.
pub fn rust_src_dir() -> Option<PathBuf> {
    let sysroot = step::output("rustc", &["--print", "sysroot"])?;
    Some(Path::new(&sysroot).join("lib/rustlib/src/rust/library"))
}

fn rust_src(lab: &Lab) -> anyhow::Result<()> {
    if rust_src_dir().is_some_and(|dir| dir.join("core").is_dir()) {
        note("rust-src: installed");
        return Ok(());
    }
    if step::output("rustup", &["--version"]).is_none() {
        bail!(
            "the standard library's source (rust-src) is missing and there is no rustup to add it; install rust-src with your Rust installation"
        );
    }
    step::run(
        lab,
        "rustup component add rust-src",
        "rust-src",
        Command::new("rustup").args(["component", "add", "rust-src"]),
        "try `rustup component add rust-src` yourself",
    )?;
    Ok(())
}

fn evcxr(lab: &Lab) -> anyhow::Result<PathBuf> {
    if let Some(found) = lab::pinned_evcxr() {
        note(&format!("evcxr_jupyter {EVCXR_VERSION}: {}", found.display()));
        return Ok(found);
    }
    for other in lab::evcxr_candidates() {
        let version = lab::evcxr_version(&other).unwrap_or_else(|| "of unknown version".into());
        note(&format!("ignoring evcxr_jupyter {version} at {}", other.display()));
    }
    note(&format!("evcxr_jupyter {EVCXR_VERSION} is not installed: building it (about 10 minutes on 2 cores)"));
    step::run(
        lab,
        &format!("cargo install evcxr_jupyter {EVCXR_VERSION}"),
        "evcxr-install",
        Command::new(lab::cargo()).args(["install", "--locked", "evcxr_jupyter", "--version", EVCXR_VERSION]),
        "check the network to crates.io and that a C compiler (cc) is installed",
    )?;
    lab::pinned_evcxr().with_context(|| {
        format!(
            "cargo installed evcxr_jupyter, but no {EVCXR_VERSION} is found in {}; is CARGO_HOME/bin on PATH?",
            lab::cargo_bin_dir().map(|d| d.display().to_string()).unwrap_or_default()
        )
    })
}

/// The system Python's version, as (major, minor).
pub fn python_version(python: &str) -> Option<(u32, u32)> {
    let text = step::output(python, &["-c", "import sys; print('%d %d' % sys.version_info[:2])"])?;
    let mut parts = text.split_whitespace().map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}

/// Whether the venv has the current requirements installed.
pub fn venv_current(lab: &Lab) -> bool {
    let (Ok(wanted), Ok(have)) = (std::fs::read(lab.requirements()), std::fs::read(lab.requirements_stamp())) else {
        return false;
    };
    wanted == have && step::succeeds(lab.python_command().args(["-c", "import sys"]))
}

/// JupyterLab's defaults for the lab (its `overrides.json`, inside the project's venv):
/// the lab asks no one about news or updates. Students can still change them.
pub const LAB_OVERRIDES: &str = r#"{
  "@jupyterlab/apputils-extension:notification": {
    "fetchNews": "false",
    "checkForUpdates": false
  }
}
"#;

/// Writes [`LAB_OVERRIDES`] where the venv's JupyterLab reads its defaults.
fn lab_overrides(lab: &Lab) -> anyhow::Result<()> {
    let dir = lab.venv().join("share/jupyter/lab/settings");
    let path = dir.join("overrides.json");
    if std::fs::read_to_string(&path).is_ok_and(|text| text == LAB_OVERRIDES) {
        return Ok(());
    }
    step::create_dir(&dir)?;
    std::fs::write(&path, LAB_OVERRIDES).with_context(|| format!("cannot write {}", path.display()))
}

fn venv(lab: &Lab) -> anyhow::Result<()> {
    if venv_current(lab) {
        note(&format!("Python venv: {} is up to date", lab.show(&lab.venv())));
        return lab_overrides(lab);
    }
    let Some(version) = python_version("python3") else {
        bail!(
            "no python3 on PATH; install Python {}.{} or newer with pip (e.g. `apt-get install python3 python3-venv`)",
            PYTHON_MIN.0,
            PYTHON_MIN.1
        );
    };
    if version < PYTHON_MIN {
        bail!(
            "python3 is {}.{}, the lab needs {}.{} or newer; install a newer Python",
            version.0,
            version.1,
            PYTHON_MIN.0,
            PYTHON_MIN.1
        );
    }
    // A venv whose Python is gone (the system Python was upgraded) is made anew.
    if lab.venv().exists() && !step::succeeds(lab.python_command().args(["-c", "import sys"])) {
        note("the venv's Python no longer runs: making the venv again");
        std::fs::remove_dir_all(lab.venv()).with_context(|| format!("cannot remove {}", lab.venv().display()))?;
    }
    if !lab.python().exists() {
        step::create_dir(&lab.dir)?;
        step::run(
            lab,
            &format!("python3 -m venv {}", lab.show(&lab.venv())),
            "venv",
            Command::new("python3").arg("-m").arg("venv").arg(lab.venv()),
            "on Debian or Ubuntu, `apt-get install python3-venv` adds the venv module",
        )?;
    }
    let _ = std::fs::remove_file(lab.requirements_stamp());
    step::run(
        lab,
        &format!("pip install -r {}", lab.show(&lab.requirements())),
        "pip",
        lab.python_command()
            .args(["-m", "pip", "install", "--no-input", "--disable-pip-version-check", "-r"])
            .arg(lab.requirements()),
        "check the network to PyPI; `cargo lab setup --verbose` shows pip's output",
    )?;
    std::fs::copy(lab.requirements(), lab.requirements_stamp())
        .with_context(|| format!("cannot write {}", lab.requirements_stamp().display()))?;
    lab_overrides(lab)
}

/// What evcxr_jupyter 0.22.0 writes to `version.txt` beside its kernel.
///
/// At every start, evcxr_jupyter looks for `$JUPYTER_PATH/kernels/rust/version.txt`
/// and, when it is missing or different, installs itself there again: that
/// rewrites `kernel.json` without our `env` (no `PARLAB_BIN`, and evcxr's
/// cache back in `~/.cache`, shared with every other evcxr on the machine).
/// Writing the version it expects keeps our kernel as we wrote it.
pub const EVCXR_CLIENT_VERSION: &str = "1";

/// The kernel spec: our launcher (which gives each kernel a build folder of its
/// own, see `kernel.rs`) running the pinned evcxr, and the variables the notebooks rely on.
///
/// `PATH` starts with the toolchain's own `bin/`: evcxr and rust-analyzer run
/// `cargo` and `rustc` many times per cell, and calling them directly skips
/// rustup's proxy each time (about a tenth of a kernel's start).
pub fn kernel_spec(lab: &Lab, evcxr: &Path) -> anyhow::Result<serde_json::Value> {
    let launcher = std::env::current_exe().context("cannot tell where `cargo lab` itself is")?;
    let sysroot = step::output("rustc", &["--print", "sysroot"]).context("cannot run `rustc --print sysroot`")?;
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path =
        std::env::join_paths(std::iter::once(Path::new(&sysroot).join("bin")).chain(std::env::split_paths(&path)))
            .context("a folder on PATH holds a `:`")?;
    Ok(json!({
        "argv": [launcher, "kernel", "--lab-dir", lab.dir, "--", evcxr, "--control_file", "{connection_file}"],
        "display_name": "Rust",
        "language": "rust",
        "interrupt_mode": "message",
        "env": {
            "PATH": path.to_string_lossy(),
            "PARLAB_BIN": lab.parlab_bin(),
            "EVCXR_CONFIG_DIR": lab.evcxr_config(),
            "XDG_CACHE_HOME": lab.cache_home(),
        },
        "metadata": {"parlab": "written by `cargo lab setup`; registered for this project only"},
    }))
}

/// evcxr's settings for every lab kernel: `evcxr.toml` in the kernel's `EVCXR_CONFIG_DIR`.
///
/// - `opt_level = "1"`: a cell's own code compiles fast and still runs well; the
///   crates it uses are optimized fully whatever `:opt` says ([`KERNELS_CARGO_CONFIG`]).
/// - no `[dependencies]` or `prelude`: the notebook's first cell loads the crates,
///   and loading them at start too would do that work twice.
/// - never a `tmpdir`: one shared build folder would be shared by every kernel;
///   the launcher gives each kernel its own.
pub const EVCXR_TOML: &str = "\
# Written by `cargo lab setup` for the lab's kernels; edits are overwritten.
# No `tmpdir` here: every kernel gets a build folder of its own (crates/lab/src/kernel.rs).
[evcxr]
opt_level = \"1\"
";

/// Cargo settings for every kernel's build folder (`target/lab/kernels/.cargo/config.toml`,
/// which cargo reads for the folders below it): the crates a notebook uses are
/// optimized fully, whatever the cell's own `:opt` level is.
pub const KERNELS_CARGO_CONFIG: &str = "\
# Written by `cargo lab setup`: the crates a notebook cell uses are optimized fully,
# whatever evcxr's `:opt` level is for the cell's own code.
[profile.dev.package.\"*\"]
opt-level = 3
";

/// Writes `contents` to `path` unless it already holds exactly that.
fn write_if_changed(path: &Path, contents: &str) -> anyhow::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        step::create_dir(dir)?;
    }
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn kernel(lab: &Lab, evcxr: &Path) -> anyhow::Result<()> {
    for dir in [lab.kernel_dir(), lab.evcxr_config(), lab.cache_home()] {
        step::create_dir(&dir)?;
    }
    let spec = parlab_lab::notebook::to_json(&kernel_spec(lab, evcxr)?);
    write_if_changed(&lab.evcxr_config().join("evcxr.toml"), EVCXR_TOML)?;
    write_if_changed(&lab.dir.join("kernels/.cargo/config.toml"), KERNELS_CARGO_CONFIG)?;
    let version = lab.kernel_dir().join("version.txt");
    let unchanged = std::fs::read_to_string(lab.kernel_json()).is_ok_and(|old| old == spec)
        && std::fs::read_to_string(&version).is_ok_and(|old| old == EVCXR_CLIENT_VERSION);
    if !unchanged {
        std::fs::write(lab.kernel_json(), &spec)
            .with_context(|| format!("cannot write {}", lab.kernel_json().display()))?;
        std::fs::write(&version, EVCXR_CLIENT_VERSION)
            .with_context(|| format!("cannot write {}", version.display()))?;
    }
    copy_logos(lab);
    // Ask Jupyter itself, with our environment, which `rust` kernel it sees.
    let listed = lab
        .python_command()
        .args(["-m", "jupyter", "kernelspec", "list", "--json"])
        .stdin(std::process::Stdio::null())
        .output()
        .context("cannot run `jupyter kernelspec list` from the venv")?;
    let specs: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap_or_default();
    let seen = specs["kernelspecs"][KERNEL_NAME]["resource_dir"].as_str().map(PathBuf::from);
    if seen.as_ref().and_then(|d| d.canonicalize().ok()) != lab.kernel_dir().canonicalize().ok() {
        bail!(
            "Jupyter does not see the project's kernel at {} (it sees {:?}); run `cargo lab doctor`",
            lab.kernel_dir().display(),
            seen
        );
    }
    note(&format!(
        "kernel `{KERNEL_NAME}`: {} ({})",
        lab.show(&lab.kernel_json()),
        if unchanged { "unchanged" } else { "written" }
    ));
    Ok(())
}

/// The logos `evcxr_jupyter --install` would copy, taken from its source when cargo kept it.
fn copy_logos(lab: &Lab) {
    let Some(bin) = lab::cargo_bin_dir() else { return };
    let registry = bin.with_file_name("registry").join("src");
    let Ok(indexes) = std::fs::read_dir(registry) else { return };
    for index in indexes.flatten() {
        let source = index.path().join(format!("evcxr_jupyter-{EVCXR_VERSION}/third_party/rust"));
        for logo in ["logo-32x32.png", "logo-64x64.png"] {
            let from = source.join(logo.replace("logo-", "rust-logo-"));
            let to = lab.kernel_dir().join(logo);
            if from.is_file() && !to.exists() {
                let _ = std::fs::copy(&from, &to);
            }
        }
    }
}

/// What the template's build depends on: when none of it changed, warming is skipped.
///
/// The kernel's version, spec and settings, the compiler, every notebook's first cell,
/// `Cargo.lock`, and the sources of the crates the notebooks load. A change in
/// `crates/parlab` or `crates/parlab-viz` is noticed here and rebuilt.
pub fn warm_stamp(lab: &Lab, notebooks: &[PathBuf]) -> anyhow::Result<String> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    EVCXR_VERSION.hash(&mut hasher);
    EVCXR_TOML.hash(&mut hasher);
    KERNELS_CARGO_CONFIG.hash(&mut hasher);
    // The kernel's command and environment (the toolchain it finds first, among others).
    std::fs::read(lab.kernel_json()).ok().hash(&mut hasher);
    step::output("rustc", &["-vV"]).hash(&mut hasher);
    for path in notebooks {
        let nb = parlab_lab::notebook::read(path)?;
        let first = parlab_lab::notebook::first_code_cell(&nb).map(|i| parlab_lab::notebook::source(&nb["cells"][i]));
        (path, first).hash(&mut hasher);
    }
    let mut files = vec![lab.root.join("Cargo.lock"), lab.root.join("Cargo.toml")];
    for krate in ["crates/parlab", "crates/parlab-viz"] {
        files.extend(source_files(&lab.root.join(krate)));
    }
    files.sort();
    for file in files {
        let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        (file, bytes).hash(&mut hasher);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// A crate's files that cargo builds from: its manifest, build script and `src/`.
fn source_files(krate: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out: Vec<PathBuf> =
        ["Cargo.toml", "build.rs"].iter().map(|f| krate.join(f)).filter(|p| p.is_file()).collect();
    walk(&krate.join("src"), &mut out);
    out
}

/// Builds the notebooks' dependencies once into the template build folder, then
/// makes the first few kernels' folders copies of it (see `kernel.rs`).
fn warm(lab: &Lab) -> anyhow::Result<()> {
    let notebooks = parlab_lab::notebook::find_all(&lab.notebooks());
    if notebooks.is_empty() {
        note("kernel build folders: no notebooks to warm");
        return Ok(());
    }
    let slots = kernel::Slots::new(&lab.dir);
    let stamp = warm_stamp(lab, &notebooks)?;
    let template = slots.read("template").filter(|_| slots.template_generation().is_some());
    if template.as_ref().is_some_and(|t| t.stamp == stamp) {
        note("kernel build folders: warm (nothing the notebooks load has changed)");
    } else {
        heading(
            "warming the kernels' build folder: each distinct first cell of the notebooks runs once (minutes when cold, seconds when warm)",
        );
        let started = Instant::now();
        let results = run::execute(lab, &notebooks, run::Mode::Warm);
        match results {
            Ok(results) if results.iter().all(|r| r.ok) => {
                let generation = template.map_or(1, |t| t.generation + 1);
                slots.write("template", &kernel::Record { generation, status: "clean".into(), pid: None, stamp })?;
                note(&format!("kernel build folders: warm ({})", human(started.elapsed())));
            }
            Ok(results) => {
                let failed: Vec<&str> = results.iter().filter(|r| !r.ok).map(|r| r.name.as_str()).collect();
                note(&format!(
                    "warning: the first cell of {} failed; the lab is set up, but `cargo lab run NOTEBOOK` shows what to fix",
                    failed.join(", ")
                ));
                return Ok(());
            }
            Err(err) => {
                note(&format!("warning: could not warm the kernels' build folder: {err:#}"));
                return Ok(());
            }
        }
    }
    ready_slots(&slots)
}

/// Copies the warm template into the first few free kernel slots that are behind it,
/// so that the notebooks a student opens next start warm.
fn ready_slots(slots: &kernel::Slots) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut copied = 0;
    for i in 1..=kernel::READY_SLOTS {
        let name = format!("slot-{i}");
        let lock = slots.lock_file(&name)?;
        if lock.try_lock().is_err() {
            continue; // a kernel uses it now; it is brought up to date when that kernel ends and the next starts
        }
        if slots.stale_reason(&name).is_some() {
            let generation = slots.refresh(&name)?;
            slots.write(
                &name,
                &kernel::Record { generation, status: "clean".into(), pid: None, stamp: String::new() },
            )?;
            copied += 1;
        }
    }
    if copied > 0 {
        note(&format!("kernel build folders: {copied} made ready for the next kernels ({})", human(started.elapsed())));
    }
    Ok(())
}
