//! The lab's kernel launcher (`parlab-lab kernel`), with real processes.
//!
//! Jupyter starts every Rust kernel through it; it gives each kernel a build
//! folder (slot) of its own, a copy of the warm template, and a fresh copy after
//! a kernel died. Here the "kernel" is a shell that reports the folder it was
//! given (`EVCXR_TMPDIR`), so each rule is seen from outside, as evcxr sees it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use parlab_tests::workspace;

/// The `parlab-lab` binary, built once.
fn launcher() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| parlab_tests::build_binary("parlab-lab", "parlab-lab"))
}

/// A fresh lab folder with a warm template of generation `generation` holding one file.
fn lab_with_template(name: &str, generation: u64) -> PathBuf {
    let lab = workspace().join("target/tmp/kernel-tests").join(name);
    let _ = std::fs::remove_dir_all(&lab);
    let template = lab.join("kernels/template/target");
    std::fs::create_dir_all(&template).unwrap();
    std::fs::write(template.join("built.rlib"), "compiled dependencies").unwrap();
    set_template(&lab, generation);
    lab
}

fn set_template(lab: &Path, generation: u64) {
    let record = format!(r#"{{"generation":{generation},"status":"clean","stamp":"test"}}"#);
    std::fs::write(lab.join("kernels/template.json"), record).unwrap();
}

/// Runs the launcher with `script` as the kernel.
fn kernel(lab: &Path, script: &str) -> Output {
    Command::new(launcher())
        .args(["kernel", "--lab-dir"])
        .arg(lab)
        .args(["--", "sh", "-c", script])
        .stdin(Stdio::null())
        .output()
        .expect("the launcher runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn record(lab: &Path, slot: &str) -> String {
    std::fs::read_to_string(lab.join(format!("kernels/{slot}.json"))).unwrap_or_default()
}

#[test]
fn a_kernel_builds_in_a_copy_of_the_warm_template() {
    let lab = lab_with_template("copy", 1);
    let out = kernel(&lab, "echo \"$EVCXR_TMPDIR\"; cat \"$EVCXR_TMPDIR/target/built.rlib\"");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with(&lab.join("kernels/slot-1").display().to_string()), "{stdout}");
    assert!(stdout.contains("compiled dependencies"), "the slot is not a copy of the template: {stdout}");
    assert!(record(&lab, "slot-1").contains(r#""status":"clean""#), "{}", record(&lab, "slot-1"));
    // A second kernel after the first ended reuses the slot as it is: nothing to say.
    let again = kernel(&lab, "echo \"$EVCXR_TMPDIR\"");
    assert!(text(&again.stdout).contains("slot-1") && text(&again.stderr).is_empty(), "{}", text(&again.stderr));
}

#[test]
fn kernels_running_at_once_never_share_a_folder() {
    let lab = lab_with_template("at-once", 1);
    let started = Instant::now();
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(launcher())
                .args(["kernel", "--lab-dir"])
                .arg(&lab)
                .args(["--", "sh", "-c", "echo \"$EVCXR_TMPDIR\"; sleep 2"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut folders: Vec<String> =
        children.into_iter().map(|c| text(&c.wait_with_output().unwrap().stdout).trim().to_string()).collect();
    assert!(started.elapsed() < Duration::from_secs(60));
    folders.sort();
    folders.dedup();
    assert_eq!(folders.len(), 4, "four kernels at once got {folders:?}");
}

#[test]
fn a_kernel_that_died_leaves_a_fresh_copy_for_the_next_and_says_so() {
    let lab = lab_with_template("died", 1);
    let died = kernel(&lab, "echo scribbled > \"$EVCXR_TMPDIR/target/built.rlib\"; kill -9 $$");
    assert!(!died.status.success());
    assert!(record(&lab, "slot-1").contains("died: killed by signal 9"), "{}", record(&lab, "slot-1"));
    let next = kernel(&lab, "cat \"$EVCXR_TMPDIR/target/built.rlib\"");
    assert!(next.status.success());
    let said = text(&next.stderr);
    assert!(said.contains("slot-1") && said.contains("died") && said.contains("fresh copy"), "it said: {said}");
    assert_eq!(text(&next.stdout).trim(), "compiled dependencies", "the damaged folder was not replaced");
}

#[test]
fn a_slot_whose_kernel_vanished_without_a_record_is_made_again() {
    let lab = lab_with_template("vanished", 1);
    assert!(kernel(&lab, "true").status.success());
    // As if the launcher itself had been killed while its kernel ran.
    std::fs::write(lab.join("kernels/slot-1.json"), r#"{"generation":1,"status":"running","pid":1}"#).unwrap();
    let next = kernel(&lab, "true");
    assert!(text(&next.stderr).contains("without ending cleanly"), "{}", text(&next.stderr));
}

#[test]
fn a_rewarmed_template_is_copied_again() {
    let lab = lab_with_template("rewarmed", 1);
    assert!(kernel(&lab, "true").status.success());
    std::fs::write(lab.join("kernels/template/target/built.rlib"), "rebuilt after a change in crates/").unwrap();
    set_template(&lab, 2);
    let next = kernel(&lab, "cat \"$EVCXR_TMPDIR/target/built.rlib\"");
    assert!(text(&next.stderr).contains("changed"), "{}", text(&next.stderr));
    assert_eq!(text(&next.stdout).trim(), "rebuilt after a change in crates/");
}

#[test]
fn the_kernels_exit_code_is_the_launchers() {
    let lab = lab_with_template("exit", 1);
    let out = kernel(&lab, "exit 3");
    assert_eq!(out.status.code(), Some(3));
    assert!(record(&lab, "slot-1").contains("died: exit code 3"));
}
