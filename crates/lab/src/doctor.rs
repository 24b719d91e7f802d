//! `cargo lab doctor`: checks each thing the lab needs, and says how to fix what is wrong.
//!
//! It changes nothing. Exit 0 when all is well, 2 otherwise.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, ExitCode};

use crate::lab::{self, EVCXR_VERSION, KERNEL_NAME, Lab};
use crate::setup::{self, PYTHON_MIN};
use crate::step;

/// The Rust the workspace declares (`rust-version`).
const RUST_MIN: (u32, u32) = (1, 95);
/// Room a cold setup needs: evcxr's build, the venv, the cache of compiled crates.
const DISK_MIN_GIB: u64 = 8;

struct Check {
    what: &'static str,
    result: Result<String, String>,
}

pub fn run(lab: &Lab) -> anyhow::Result<ExitCode> {
    let checks = vec![
        Check { what: "rustc", result: rustc() },
        Check { what: "rust-src", result: rust_src() },
        Check { what: "C linker", result: linker() },
        Check { what: "evcxr_jupyter", result: evcxr() },
        Check { what: "python3", result: python() },
        Check { what: "Python venv", result: venv(lab) },
        Check { what: "Jupyter packages", result: jupyter(lab) },
        Check { what: "kernel", result: kernel(lab) },
        Check { what: "kernel build folders", result: build_folders(lab) },
        Check { what: "parlab binary", result: parlab_bin(lab) },
        Check { what: "port", result: port() },
        Check { what: "disk", result: disk(lab) },
    ];
    let width = checks.iter().map(|c| c.what.len()).max().unwrap_or(0);
    let mut broken = 0;
    for check in &checks {
        match &check.result {
            Ok(fine) => println!("  ok    {:width$}  {fine}", check.what),
            Err(fix) => {
                broken += 1;
                println!("  FIX   {:width$}  {fix}", check.what);
            }
        }
    }
    if broken == 0 {
        println!("all {} checks passed: `cargo lab open` starts the lab", checks.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{broken} of {} checks need a fix (above); `cargo lab setup` fixes most of them", checks.len());
        Ok(ExitCode::from(crate::FAILURE))
    }
}

fn version_pair(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.split('.').map(|p| p.trim_matches(|c: char| !c.is_ascii_digit()).parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}

fn rustc() -> Result<String, String> {
    let text = step::output("rustc", &["--version"])
        .ok_or("no rustc on PATH: install Rust with rustup (https://rustup.rs)")?;
    let version = text.split_whitespace().nth(1).and_then(version_pair).ok_or(format!("cannot read `{text}`"))?;
    if version < RUST_MIN {
        return Err(format!("{text} is older than {}.{}: `rustup update`", RUST_MIN.0, RUST_MIN.1));
    }
    Ok(text)
}

fn rust_src() -> Result<String, String> {
    match setup::rust_src_dir() {
        Some(dir) if dir.join("core").is_dir() => Ok(dir.display().to_string()),
        _ => Err("the standard library's source is missing: `rustup component add rust-src`".into()),
    }
}

fn linker() -> Result<String, String> {
    if step::succeeds(Command::new("cc").arg("--version")) {
        Ok("cc".into())
    } else {
        Err("no `cc` on PATH; evcxr links every cell with it: install gcc or clang".into())
    }
}

fn evcxr() -> Result<String, String> {
    if let Some(found) = lab::pinned_evcxr() {
        return Ok(format!("{EVCXR_VERSION} at {}", found.display()));
    }
    let others: Vec<String> = lab::evcxr_candidates()
        .iter()
        .map(|p| format!("{} at {}", lab::evcxr_version(p).unwrap_or_else(|| "unknown version".into()), p.display()))
        .collect();
    let seen = if others.is_empty() { "none installed".to_owned() } else { format!("found {}", others.join(", ")) };
    Err(format!("{EVCXR_VERSION} needed, {seen}: `cargo lab setup` installs it (about 10 min)"))
}

fn python() -> Result<String, String> {
    match setup::python_version("python3") {
        Some(v) if v >= PYTHON_MIN => Ok(format!("{}.{}", v.0, v.1)),
        Some(v) => Err(format!("python3 is {}.{}, the lab needs {}.{} or newer", v.0, v.1, PYTHON_MIN.0, PYTHON_MIN.1)),
        None => Err("no python3 on PATH: install Python 3.11 or newer with pip and venv".into()),
    }
}

fn venv(lab: &Lab) -> Result<String, String> {
    if !lab.python().is_file() {
        return Err(format!("no venv at {}: `cargo lab setup`", lab.show(&lab.venv())));
    }
    if !setup::venv_current(lab) {
        return Err(format!("{} changed since the venv was made: `cargo lab setup`", lab.show(&lab.requirements())));
    }
    Ok(lab.show(&lab.venv()))
}

fn jupyter(lab: &Lab) -> Result<String, String> {
    if !lab.python().is_file() {
        return Err("no venv yet: `cargo lab setup`".into());
    }
    let probe = "import jupyterlab, nbclient, nbconvert, nbformat, jupyter_client; print(jupyterlab.__version__, nbclient.__version__)";
    let out = lab
        .python_command()
        .args(["-c", probe])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("import failed");
        return Err(format!("{last}: `cargo lab setup` reinstalls them"));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut versions = text.split_whitespace();
    Ok(format!("jupyterlab {}, nbclient {}", versions.next().unwrap_or("?"), versions.next().unwrap_or("?")))
}

fn kernel(lab: &Lab) -> Result<String, String> {
    let text = std::fs::read_to_string(lab.kernel_json())
        .map_err(|_| format!("no kernel at {}: `cargo lab setup` registers it", lab.show(&lab.kernel_json())))?;
    let spec: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is broken ({e}): `cargo lab setup`", lab.show(&lab.kernel_json())))?;
    let argv: Vec<&str> = spec["argv"].as_array().into_iter().flatten().filter_map(|a| a.as_str()).collect();
    let launcher = argv.first().copied().unwrap_or_default();
    if !Path::new(launcher).is_file() || argv.get(1) != Some(&"kernel") {
        return Err(format!("the kernel starts {launcher:?}, which is not this lab's launcher: `cargo lab setup`"));
    }
    let evcxr = argv.iter().position(|a| *a == "--").and_then(|i| argv.get(i + 1)).copied().unwrap_or_default();
    if lab::evcxr_version(Path::new(evcxr)).as_deref() != Some(EVCXR_VERSION) {
        return Err(format!(
            "the kernel runs {evcxr:?}, which is not evcxr_jupyter {EVCXR_VERSION}: `cargo lab setup`"
        ));
    }
    if spec["env"]["PARLAB_BIN"].as_str() != Some(&*lab.parlab_bin().to_string_lossy()) {
        return Err(
            "the kernel's PARLAB_BIN is not this workspace's binary (was the folder moved?): `cargo lab setup`".into(),
        );
    }
    let version = std::fs::read_to_string(lab.kernel_dir().join("version.txt")).unwrap_or_default();
    if version != setup::EVCXR_CLIENT_VERSION {
        return Err(
            "no version.txt beside the kernel, so evcxr will rewrite kernel.json at its next start: `cargo lab setup`"
                .into(),
        );
    }
    Ok(format!("`{KERNEL_NAME}` in {} (this project only)", lab.show(&lab.kernel_dir())))
}

fn build_folders(lab: &Lab) -> Result<String, String> {
    let slots = crate::kernel::Slots::new(&lab.dir);
    let Some(generation) = slots.template_generation() else {
        return Err("not warmed: a notebook's first cell would build every crate (minutes): `cargo lab setup`".into());
    };
    let ready = (1..=crate::kernel::READY_SLOTS).filter(|i| slots.stale_reason(&format!("slot-{i}")).is_none()).count();
    Ok(format!("warm (build {generation}); {ready} of {} kernel folders ready", crate::kernel::READY_SLOTS))
}

fn parlab_bin(lab: &Lab) -> Result<String, String> {
    if lab.parlab_bin().is_file() {
        Ok(lab.show(&lab.parlab_bin()))
    } else {
        Err(format!("no {}: `cargo build --release -p parlab-cli` (or `cargo lab setup`)", lab.show(&lab.parlab_bin())))
    }
}

fn port() -> Result<String, String> {
    match TcpListener::bind(("127.0.0.1", crate::open::PORT)) {
        Ok(_) => Ok(format!("127.0.0.1:{} is free", crate::open::PORT)),
        Err(_) => match TcpListener::bind(("127.0.0.1", 0)) {
            Ok(_) => Ok(format!("{} is taken; `cargo lab open` will use another free port", crate::open::PORT)),
            Err(e) => Err(format!("cannot listen on 127.0.0.1 ({e}); JupyterLab needs a local port")),
        },
    }
}

fn disk(lab: &Lab) -> Result<String, String> {
    let probe = if lab.target.exists() { lab.target.clone() } else { lab.root.clone() };
    let out = step::output("df", &["-Pk", &probe.to_string_lossy()]).ok_or("cannot run `df` to check free space")?;
    let free_kib: u64 = out
        .lines()
        .nth(1)
        .and_then(|line| line.split_whitespace().nth(3))
        .and_then(|field| field.parse().ok())
        .ok_or(format!("cannot read `df` output: {out}"))?;
    let free_gib = free_kib / (1024 * 1024);
    if free_gib < DISK_MIN_GIB {
        Err(format!("{free_gib} GiB free under {}, a cold setup needs about {DISK_MIN_GIB} GiB", probe.display()))
    } else {
        Ok(format!("{free_gib} GiB free"))
    }
}
