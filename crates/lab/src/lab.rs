//! Where everything lives, and the environment every Jupyter process gets.
//!
//! All of it sits under `target/lab/` (or `$CARGO_TARGET_DIR/lab/`), so
//! `cargo clean` removes it and nothing outside the workspace changes:
//!
//! ```text
//! target/lab/venv/                  the pinned JupyterLab, nbclient, nbconvert, numpy
//! target/lab/jupyter/kernels/rust/  the kernel, for this project only (JUPYTER_PATH, JUPYTER_DATA_DIR)
//! target/lab/jupyter-config/        JUPYTER_CONFIG_DIR: JupyterLab's settings and workspaces
//! target/lab/jupyter-runtime/       JUPYTER_RUNTIME_DIR: connection files
//! target/lab/evcxr-config/          EVCXR_CONFIG_DIR: no init.evcxr of the user's leaks in
//! target/lab/cache/evcxr/           what `:cache` keeps (XDG_CACHE_HOME of the kernel)
//! target/lab/run/                   executed notebooks and HTML pages
//! target/lab/logs/                  full output of each setup step
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The pinned kernel version.
pub const EVCXR_VERSION: &str = "0.22.0";

/// The workspace and the lab's folders.
pub struct Lab {
    /// The workspace root (where the top `Cargo.toml` is).
    pub root: PathBuf,
    /// Cargo's target folder.
    pub target: PathBuf,
    /// `target/lab`.
    pub dir: PathBuf,
    /// Show every line of long steps.
    pub verbose: bool,
}

impl Lab {
    /// Finds the workspace from the current folder, with `cargo metadata`.
    pub fn locate(verbose: bool) -> anyhow::Result<Self> {
        let output = Command::new(cargo())
            .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
            .stdin(std::process::Stdio::null())
            .output()
            .context("cannot run `cargo metadata` (is cargo on PATH?)")?;
        let (root, target) = if output.status.success() {
            let meta: serde_json::Value = serde_json::from_slice(&output.stdout)
                .context("`cargo metadata` printed something that is not JSON")?;
            let root = meta["workspace_root"].as_str().map(PathBuf::from);
            let target = meta["target_directory"].as_str().map(PathBuf::from);
            (root, target)
        } else {
            (None, None)
        };
        // Outside the workspace, or with no cargo at hand, fall back to where this crate was built.
        let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let root = match root {
            Some(root) if root.join("crates/lab/Cargo.toml").is_file() => root,
            _ => built_in.canonicalize().context("cannot find the parlab workspace; run `cargo lab` inside it")?,
        };
        let target = target.unwrap_or_else(|| root.join("target"));
        if !root.join("notebooks").is_dir() {
            bail!("{} has no notebooks/ folder; run `cargo lab` inside the parlab workspace", root.display());
        }
        let dir = target.join("lab");
        Ok(Self { root, target, dir, verbose })
    }

    pub fn notebooks(&self) -> PathBuf {
        self.root.join("notebooks")
    }
    pub fn venv(&self) -> PathBuf {
        self.dir.join("venv")
    }
    pub fn python(&self) -> PathBuf {
        self.venv().join("bin").join("python")
    }
    pub fn jupyter_data(&self) -> PathBuf {
        self.dir.join("jupyter")
    }
    pub fn kernel_dir(&self) -> PathBuf {
        self.jupyter_data().join("kernels").join(crate::lab::KERNEL_NAME)
    }
    pub fn kernel_json(&self) -> PathBuf {
        self.kernel_dir().join("kernel.json")
    }
    pub fn evcxr_config(&self) -> PathBuf {
        self.dir.join("evcxr-config")
    }
    pub fn cache_home(&self) -> PathBuf {
        self.dir.join("cache")
    }
    pub fn run_dir(&self) -> PathBuf {
        self.dir.join("run")
    }
    pub fn logs(&self) -> PathBuf {
        self.dir.join("logs")
    }
    pub fn requirements(&self) -> PathBuf {
        self.root.join("crates/lab/requirements.txt")
    }
    pub fn requirements_stamp(&self) -> PathBuf {
        self.venv().join("parlab-requirements.txt")
    }
    pub fn runner(&self) -> PathBuf {
        self.root.join("crates/lab/py/run_notebooks.py")
    }
    /// The `parlab` binary the process backend starts as workers.
    pub fn parlab_bin(&self) -> PathBuf {
        self.target.join("release").join(format!("parlab{}", std::env::consts::EXE_SUFFIX))
    }

    /// The MPI rank binary, next to [`Lab::parlab_bin`] once `cargo lab setup --mpi` built it.
    pub fn rank_bin(&self) -> PathBuf {
        self.target.join("release").join(format!("parlab-mpi{}", std::env::consts::EXE_SUFFIX))
    }

    /// The variables every Jupyter process we start gets, so it sees our
    /// kernel and writes only under `target/lab/`.
    pub fn jupyter_env(&self) -> Vec<(&'static str, OsString)> {
        vec![
            ("JUPYTER_PATH", self.jupyter_data().into()),
            ("JUPYTER_DATA_DIR", self.jupyter_data().into()),
            ("JUPYTER_CONFIG_DIR", self.dir.join("jupyter-config").into()),
            ("JUPYTER_RUNTIME_DIR", self.dir.join("jupyter-runtime").into()),
            ("IPYTHONDIR", self.dir.join("ipython").into()),
            // Settings from a user's ~/.jupyter never apply; nor do platformdirs' guesses.
            ("JUPYTER_PLATFORM_DIRS", "1".into()),
            ("PYTHONUNBUFFERED", "1".into()),
            ("PYTHONNOUSERSITE", "1".into()),
            ("PIP_NO_INPUT", "1".into()),
            ("PIP_DISABLE_PIP_VERSION_CHECK", "1".into()),
        ]
    }

    /// A command for the venv's Python, with the Jupyter environment.
    pub fn python_command(&self) -> Command {
        let mut command = Command::new(self.python());
        command.envs(self.jupyter_env()).current_dir(&self.root);
        command
    }

    /// A path relative to the workspace, for messages.
    pub fn show(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }
}

/// The kernel's name: what `evcxr_jupyter --install` uses and the notebooks declare.
pub const KERNEL_NAME: &str = parlab_lab::notebook::KERNEL;

/// The cargo that runs us (`$CARGO`), or `cargo` on PATH.
pub fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// `$CARGO_HOME/bin`, where `cargo install` puts binaries.
pub fn cargo_bin_dir() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
    Some(home.join("bin"))
}

/// Every `evcxr_jupyter` on PATH and in `$CARGO_HOME/bin`, first found first.
pub fn evcxr_candidates() -> Vec<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = cargo_bin_dir().into_iter().chain(std::env::split_paths(&path));
    let search = std::env::join_paths(dirs).unwrap_or(path);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut found: Vec<PathBuf> = Vec::new();
    for candidate in which::which_in_all("evcxr_jupyter", Some(search), cwd).into_iter().flatten() {
        if !found.iter().any(|seen| same_file(seen, &candidate)) {
            found.push(candidate);
        }
    }
    found
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The version of an `evcxr_jupyter` binary.
///
/// It has no `--version` flag, but a build from crates.io carries its source
/// paths (`.../evcxr_jupyter-0.22.0/src/...`) in its panic locations.
pub fn evcxr_version(binary: &Path) -> Option<String> {
    let bytes = std::fs::read(binary).ok()?;
    let needle = b"evcxr_jupyter-";
    let mut versions: Vec<String> = Vec::new();
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], needle) {
        let start = at + found + needle.len();
        let version: String = bytes[start..]
            .iter()
            .take(20)
            .take_while(|b| b.is_ascii_digit() || **b == b'.')
            .map(|b| *b as char)
            .collect();
        if version.split('.').count() == 3
            && version.split('.').all(|part| !part.is_empty())
            && !versions.contains(&version)
        {
            versions.push(version);
        }
        at = start;
    }
    if versions.len() == 1 { versions.pop() } else { None }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    (0..haystack.len().saturating_sub(needle.len() - 1))
        .find(|&at| haystack[at] == first && haystack[at..].starts_with(needle))
}

/// The pinned `evcxr_jupyter`, if one is installed.
pub fn pinned_evcxr() -> Option<PathBuf> {
    evcxr_candidates().into_iter().find(|candidate| evcxr_version(candidate).as_deref() == Some(EVCXR_VERSION))
}
