//! `parlab-lab kernel`: how Jupyter starts the lab's Rust kernel.
//!
//! evcxr compiles every cell with cargo in a build folder (its `EVCXR_TMPDIR`).
//! A folder that already holds the notebooks' compiled dependencies makes a
//! kernel's first cell take seconds instead of minutes, and its later cells
//! rebuild nothing but the cell itself. Two kernels must never share one: cargo
//! would make one wait for the other, and evcxr would mix their outputs. So
//! every kernel gets a folder of its own, a *slot*, for as long as it lives:
//!
//! ```text
//! target/lab/kernels/template/     warmed by `cargo lab setup`: the notebooks' `:dep` cell built once
//! target/lab/kernels/template.json which build of the template this is (its generation)
//! target/lab/kernels/slot-N/       one kernel's build folder, a copy of the template
//! target/lab/kernels/slot-N.lock   held (flock) by the kernel using slot N, released when it ends
//! target/lab/kernels/slot-N.json   the generation it was copied from, and how its last kernel ended
//! ```
//!
//! A new kernel takes the first slot whose lock is free. A slot that is missing,
//! older than the template, or whose last kernel died (or did not say how it
//! ended) is first made again from the template, and the kernel says so on
//! stderr (JupyterLab's terminal). The launcher stays as the kernel's parent:
//! it forwards the signals Jupyter sends, records how evcxr ended, and evcxr
//! dies with it (`PR_SET_PDEATHSIG`), so a slot is never used by two kernels.

use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicI32, Ordering};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

/// How many kernels can run at once with a warm build folder each.
pub const MAX_SLOTS: usize = 16;
/// Slots `cargo lab setup` makes ready ahead of time: a student keeps 2–4 notebooks open, and
/// `cargo lab open` keeps one more kernel waiting in each of the two notebook folders.
pub const READY_SLOTS: usize = 6;
/// The environment variable that makes a kernel build in the template itself (the warm-up).
pub const SLOT_ENV: &str = "PARLAB_KERNEL_SLOT";

#[derive(clap::Args)]
pub struct Args {
    /// The lab's folder (target/lab), where the slots live.
    #[arg(long)]
    pub lab_dir: PathBuf,
    /// The kernel program and its arguments (evcxr_jupyter --control_file FILE).
    #[arg(last = true, required = true)]
    pub command: Vec<OsString>,
}

/// What a slot (or the template) records about itself.
#[derive(Serialize, Deserialize, Default, Debug, Clone, PartialEq)]
pub struct Record {
    /// The template build this folder is a copy of (the template's own for the template).
    pub generation: u64,
    /// `running` while a kernel uses it; `clean` or `died: ...` after.
    pub status: String,
    /// The kernel's process id, while it runs.
    #[serde(default)]
    pub pid: Option<u32>,
    /// The template only: what it was warmed from (see `setup::warm_stamp`).
    #[serde(default)]
    pub stamp: String,
}

/// The folders of the slots and the template.
pub struct Slots {
    pub dir: PathBuf,
}

impl Slots {
    pub fn new(lab_dir: &Path) -> Slots {
        Slots { dir: lab_dir.join("kernels") }
    }
    pub fn template(&self) -> PathBuf {
        self.dir.join("template")
    }
    pub fn folder(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
    fn lock_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.lock"))
    }
    fn record_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }

    pub fn read(&self, name: &str) -> Option<Record> {
        std::fs::read_to_string(self.record_path(name)).ok().and_then(|text| serde_json::from_str(&text).ok())
    }

    pub fn write(&self, name: &str, record: &Record) -> anyhow::Result<()> {
        let path = self.record_path(name);
        let text = serde_json::to_string(record).expect("a record serializes");
        // Write then rename, so a reader never sees half a record.
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, text).with_context(|| format!("cannot write {}", partial.display()))?;
        std::fs::rename(&partial, &path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Opens (creating) the lock file of `name`.
    pub fn lock_file(&self, name: &str) -> anyhow::Result<File> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let path = self.lock_path(name);
        File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))
    }

    /// The template's generation, if it has been warmed.
    pub fn template_generation(&self) -> Option<u64> {
        self.read("template").filter(|_| self.template().join("target").is_dir()).map(|r| r.generation)
    }

    /// Makes slot `name` a fresh copy of the template (or an empty folder when there is none).
    ///
    /// The template is read under a shared lock, so a warm-up in progress finishes first.
    pub fn refresh(&self, name: &str) -> anyhow::Result<u64> {
        let folder = self.folder(name);
        let template_lock = self.lock_file("template")?;
        template_lock.lock_shared().context("cannot lock the template")?;
        let generation = self.template_generation();
        if folder.exists() {
            std::fs::remove_dir_all(&folder).with_context(|| format!("cannot remove {}", folder.display()))?;
        }
        match generation {
            Some(_) => copy_tree(&self.template(), &folder)?,
            None => std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?,
        }
        drop(template_lock);
        Ok(generation.unwrap_or(0))
    }

    /// Why slot `name` must be made again before a kernel uses it, if it must.
    pub fn stale_reason(&self, name: &str) -> Option<String> {
        let record = self.read(name);
        let template = self.template_generation();
        if !self.folder(name).is_dir() {
            return Some(if template.is_some() { "new: a copy of the warm build" } else { "new" }.into());
        }
        let Some(record) = record else {
            return Some("its record is missing: starting from a fresh copy of the warm build".into());
        };
        if record.status == "running" {
            return Some(
                "its last kernel stopped without ending cleanly: starting from a fresh copy of the warm build".into(),
            );
        }
        if let Some(why) = record.status.strip_prefix("died: ") {
            return Some(format!("its last kernel died ({why}): starting from a fresh copy of the warm build"));
        }
        match template {
            Some(generation) if generation != record.generation => {
                Some("the warm build changed since it was copied: copying it again".into())
            }
            _ => None,
        }
    }
}

/// Copies a folder tree, keeping every file's modification time: cargo decides
/// what to rebuild by those times, so a copy must look exactly as old as the original.
pub fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    let partial = to.with_extension("partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial).with_context(|| format!("cannot remove {}", partial.display()))?;
    }
    copy_dir(from, &partial).with_context(|| format!("cannot copy {} to {}", from.display(), partial.display()))?;
    std::fs::rename(&partial, to).with_context(|| format!("cannot rename {} to {}", partial.display(), to.display()))
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            let modified = entry.metadata()?.modified()?;
            File::options().write(true).open(&target)?.set_modified(modified)?;
        }
    }
    let modified = std::fs::metadata(from)?.modified()?;
    File::open(to)?.set_modified(modified)
}

/// The kernel's process id, for the signal handler that forwards signals to it.
static CHILD: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(signal: libc::c_int) {
    let child = CHILD.load(Ordering::SeqCst);
    if child > 0 {
        // SAFETY: kill is async-signal-safe; the pid is our own child's.
        unsafe {
            libc::kill(child, signal);
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let slots = Slots::new(&args.lab_dir);
    let (name, lock) = take_slot(&slots)?;
    let folder = slots.folder(&name);
    let generation = if name == "template" {
        std::fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
        slots.read("template").map_or(0, |r| r.generation)
    } else {
        match slots.stale_reason(&name) {
            Some(why) => {
                eprintln!("parlab kernel: build folder {name}: {why}");
                slots.refresh(&name)?
            }
            None => slots.read(&name).map_or(0, |r| r.generation),
        }
    };
    let pid = std::process::id();
    slots.write(&name, &Record { generation, status: "running".into(), pid: Some(pid), stamp: String::new() })?;

    let (program, rest) = args.command.split_first().expect("clap requires the command");
    let mut command = Command::new(program);
    command.args(rest).env("EVCXR_TMPDIR", &folder);
    // SAFETY: prctl only sets a flag of the new process; it is async-signal-safe.
    unsafe {
        use std::os::unix::process::CommandExt;
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().with_context(|| format!("cannot start {}", Path::new(program).display()))?;
    CHILD.store(child.id() as i32, Ordering::SeqCst);
    for signal in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP, libc::SIGQUIT] {
        // SAFETY: the handler only reads an atomic and calls kill.
        unsafe {
            libc::signal(signal, forward as *const () as libc::sighandler_t);
        }
    }
    let status = child.wait().context("lost track of the kernel")?;
    let status_text = match status.code() {
        Some(0) => "clean".to_string(),
        Some(code) => format!("died: exit code {code}"),
        None => {
            use std::os::unix::process::ExitStatusExt;
            match status.signal() {
                // Jupyter asks a kernel to stop with these; ending on them is a clean end.
                Some(libc::SIGTERM | libc::SIGINT | libc::SIGHUP) => "clean".to_string(),
                Some(signal) => format!("died: killed by signal {signal}"),
                None => format!("died: {status}"),
            }
        }
    };
    slots.write(&name, &Record { generation, status: status_text, pid: None, stamp: String::new() })?;
    drop(lock);
    Ok(ExitCode::from(status.code().map_or(1, |c| c.clamp(0, 255) as u8)))
}

/// The slot this kernel will use, locked for its lifetime.
fn take_slot(slots: &Slots) -> anyhow::Result<(String, File)> {
    if std::env::var_os(SLOT_ENV).is_some_and(|v| v == "template") {
        let lock = slots.lock_file("template")?;
        lock.lock().context("cannot lock the template")?;
        return Ok(("template".into(), lock));
    }
    for i in 1..=MAX_SLOTS {
        let name = format!("slot-{i}");
        let lock = slots.lock_file(&name)?;
        match lock.try_lock() {
            Ok(()) => return Ok((name, lock)),
            Err(std::fs::TryLockError::WouldBlock) => continue,
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", slots.lock_path(&name).display()));
            }
        }
    }
    bail!("{MAX_SLOTS} lab kernels are running already; shut one down (Kernel > Shut Down Kernel) and try again")
}
