//! `cargo lab gen`: writes each student version from its solutions.
//!
//! A student version that differs from what would be written (a student's
//! work, or an older generation) is copied to `target/lab/backup/` first, so
//! nothing anyone wrote is lost.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use parlab_lab::{exercise, notebook};

use crate::lab::Lab;
use crate::step::{self, note};

pub fn run(lab: &Lab) -> anyhow::Result<ExitCode> {
    let pairs = exercise::pairs(&lab.notebooks());
    if pairs.is_empty() {
        bail!(
            "no solutions notebooks in {}; the lab's exercises live there",
            lab.notebooks().join(exercise::SOLUTIONS_DIR).display()
        );
    }
    for pair in pairs {
        let student = exercise::generate(&pair)?;
        let current = notebook::read(&pair.student).ok();
        if current.as_ref() == Some(&student) {
            note(&format!("{}: up to date", lab.show(&pair.student)));
            continue;
        }
        if pair.student.exists() {
            let backups = lab.dir.join("backup");
            step::create_dir(&backups)?;
            let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
            let stem = pair.student.file_stem().unwrap_or_default().to_string_lossy();
            let backup = backups.join(format!("{stem}.{stamp}.ipynb"));
            std::fs::copy(&pair.student, &backup)
                .with_context(|| format!("cannot back up {} before replacing it", pair.student.display()))?;
            note(&format!("{}: the old version is saved as {}", lab.show(&pair.student), lab.show(&backup)));
        }
        notebook::write(&pair.student, &student)?;
        note(&format!("{}: written from {}", lab.show(&pair.student), lab.show(&pair.solutions)));
    }
    Ok(ExitCode::SUCCESS)
}
