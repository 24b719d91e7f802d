//! `cargo lab grade`: nbgrader grades the lab, on the project's Rust kernel.
//!
//! For every solutions notebook with nbgrader grade cells (`05-lab`):
//!
//! 1. nbgrader's own venv, `target/lab/grade/venv`, from the pinned
//!    `crates/lab/grade-requirements.txt` (the lab's venv is not touched);
//! 2. a course in `target/lab/grade/course/`: `nbgrader_config.py` (Rust's
//!    solution stub `todo!()`, and `crates/lab/py/nbgrader_rust.py`'s
//!    `RustExecute` in the place of nbgrader's `Execute`, which cannot read
//!    evcxr's error replies), and in `source/NAME/` the notebook
//!    ([`nbgrader::course_source`]) beside an `evcxr.toml` that sets
//!    `preserve_vars_on_panic = false`: the kernel reads it from the notebook's
//!    folder at start, so a panic ends its cell with an error output (nbgrader
//!    scores the cell 0) and drops every variable; nbgrader copies it into the
//!    release and into every graded folder. Without it, evcxr catches the panic
//!    and only writes it to stderr, which can arrive after the cell's reply:
//!    graded that way, the untouched 05-lab scored 1 of 10, its check 4b with
//!    no output at all;
//! 3. `nbgrader generate_assignment`: its student version must be what
//!    `cargo lab gen` makes;
//! 4. three submissions made from that student version: `solved` (every
//!    exercise), `untouched` (as released) and `partial` (the first, third, …
//!    exercise solved, the others left as `todo!()`);
//! 5. `nbgrader autograde`, with the lab's `JUPYTER_PATH`, so it runs the
//!    project's kernel (`target/lab/jupyter/kernels/rust`);
//! 6. the scores: `solved` full marks, `untouched` 0 with an error output in
//!    every check, `partial` exactly the points of its solved exercises.
//!
//! Everything nbgrader writes stays under `target/lab/grade/`.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, bail};
use parlab_lab::{exercise, nbgrader, notebook};
use serde::Deserialize;
use serde_json::Value;

use crate::lab::Lab;
use crate::run;
use crate::step::{self, heading, human, note};

/// The three students whose notebooks nbgrader grades.
const SOLVED: &str = "solved";
const UNTOUCHED: &str = "untouched";
const PARTIAL: &str = "partial";

/// What `nbgrader_config.py` says, with `{root}` for the course folder.
const CONFIG: &str = r#"# Written by `cargo lab grade`: the course in which nbgrader grades the lab's notebooks.
import sys

from nbgrader.converters import Autograde
from nbgrader.preprocessors import Execute

sys.path.insert(0, {py})
from nbgrader_rust import RustExecute  # noqa: E402

c = get_config()  # noqa: F821
c.CourseDirectory.root = {root}
# A solution region in a Rust cell becomes this in the student version, as `cargo lab gen` makes it.
c.ClearSolutions.code_stub = {"rust": {stub}}
# evcxr's error replies carry no `ename`, which nbgrader's Execute needs: see nbgrader_rust.py.
c.Autograde.autograde_preprocessors = [
    RustExecute if step is Execute else step for step in Autograde.class_traits()["autograde_preprocessors"].default()
]
# The first cell loads parlab (seconds with the build cache warm, minutes cold).
c.Execute.timeout = 1200
c.Execute.startup_timeout = 120
"#;

/// The kernel's settings for grading, read from the notebook's folder when it starts.
const EVCXR_TOML: &str =
    "# Written by `cargo lab grade`. evcxr reads this file from the notebook's folder when the kernel
# starts. A panic then ends its cell with an error (which nbgrader scores 0) and drops every variable,
# which is why each check cell builds its own values from `fn` items.
[evcxr]
preserve_vars_on_panic = false
";

/// One student's scores, as `grade_scores.py` writes them.
#[derive(Debug, Deserialize)]
struct Scores {
    score: f64,
    max_score: f64,
    /// Score and maximum of each grade cell, by `grade_id`.
    cells: std::collections::BTreeMap<String, (f64, f64)>,
}

pub fn run(lab: &Lab) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    run::require_setup(lab)?;
    run::build_parlab(lab)?;
    let mut graded = Vec::new();
    for pair in exercise::pairs(&lab.notebooks()) {
        let solutions = notebook::read(&pair.solutions)?;
        if !nbgrader::grade_cells(&solutions).is_empty() {
            graded.push((pair, solutions));
        }
    }
    if graded.is_empty() {
        bail!("no solutions notebook under notebooks/solutions/ has nbgrader grade cells; nothing to grade");
    }
    let python = venv(lab)?;
    let course = course_dir(lab);
    if course.exists() {
        std::fs::remove_dir_all(&course).with_context(|| format!("cannot empty {}", course.display()))?;
    }
    step::create_dir(&course)?;
    write(&course.join("nbgrader_config.py"), &config(&course, &lab.root.join("crates/lab/py")))?;

    let mut problems = Vec::new();
    for (pair, solutions) in &graded {
        let name = pair.solutions.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        heading(&format!("grading {name} with nbgrader on the project's Rust kernel"));
        problems.extend(grade_one(lab, &python, &course, &name, pair, solutions)?);
    }
    heading(&format!("nbgrader finished in {}; its course is in {}", human(started.elapsed()), lab.show(&course)));
    if problems.is_empty() {
        note("every score is as expected");
        Ok(ExitCode::SUCCESS)
    } else {
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        Ok(ExitCode::from(crate::FAILURE))
    }
}

fn grade_dir(lab: &Lab) -> PathBuf {
    lab.dir.join("grade")
}

fn course_dir(lab: &Lab) -> PathBuf {
    grade_dir(lab).join("course")
}

/// `nbgrader_config.py` for the course at `root`, with the lab's Python helpers in `py`.
fn config(root: &Path, py: &Path) -> String {
    let quote = |text: &str| Value::String(text.into()).to_string();
    CONFIG
        .replace("{root}", &quote(&root.to_string_lossy()))
        .replace("{py}", &quote(&py.to_string_lossy()))
        .replace("{stub}", &quote(exercise::CODE_STUB))
}

/// Grades one notebook; returns what did not come out as expected.
fn grade_one(
    lab: &Lab,
    python: &Path,
    course: &Path,
    name: &str,
    pair: &exercise::Pair,
    solutions: &Value,
) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    let source_dir = course.join("source").join(name);
    step::create_dir(&source_dir)?;
    let source = nbgrader::course_source(solutions, &lab.root.join("crates"));
    notebook::write(&source_dir.join(format!("{name}.ipynb")), &source)?;
    write(&source_dir.join("evcxr.toml"), EVCXR_TOML)?;

    nbgrader(lab, python, course, &["generate_assignment", name, "--force", "--create"], &format!("{name}-generate"))?;
    let release = notebook::read(&course.join("release").join(name).join(format!("{name}.ipynb")))?;
    let generated = exercise::generate(pair)?;
    let differences = nbgrader::student_differences(&release, &generated);
    if differences.is_empty() {
        note(&format!("nbgrader's student version of {name} is the one `cargo lab gen` makes"));
    } else {
        problems.push(format!(
            "nbgrader's student version of {name} is not `cargo lab gen`'s:\n{}",
            differences.join("\n")
        ));
    }

    let exercises = nbgrader::exercises(&source);
    let half: Vec<String> = exercises.iter().step_by(2).cloned().collect();
    let students: [(&str, &[String]); 3] = [(SOLVED, &exercises), (UNTOUCHED, &[]), (PARTIAL, &half)];
    for (student, solved) in students {
        let dir = course.join("submitted").join(student).join(name);
        step::create_dir(&dir)?;
        notebook::write(&dir.join(format!("{name}.ipynb")), &nbgrader::submission(&release, &source, solved))?;
    }
    nbgrader(lab, python, course, &["autograde", name, "--force", "--create"], &format!("{name}-autograde"))?;

    let scores = read_scores(lab, python, course, name, &students.map(|(student, _)| student))?;
    let total = nbgrader::points(&source, &exercises);
    for (student, solved) in students {
        let Some(got) = scores.get(student) else {
            problems.push(format!("{name}: nbgrader has no score for `{student}`"));
            continue;
        };
        let want = nbgrader::points(&source, solved);
        let which = if solved.is_empty() { "none".to_owned() } else { solved.join(", ") };
        note(&format!(
            "{student:<9} {:>4} of {:>4} points  (solved: {which}; expected {want})",
            got.score, got.max_score
        ));
        for (cell, (score, max)) in &got.cells {
            note(&format!("            {cell:<12} {score} of {max}"));
        }
        if got.score != want || got.max_score != total {
            problems
                .push(format!("{name}: `{student}` scored {} of {}, not {want} of {total}", got.score, got.max_score));
        }
        for (cell, (score, max)) in &got.cells {
            let counted = solved.iter().any(|exercise| exercise == nbgrader::exercise_of(cell));
            let expected = if counted { *max } else { 0.0 };
            if *score != expected {
                problems.push(format!("{name}: `{student}` scored {score} of {max} on {cell}, not {expected}"));
            }
        }
    }
    if !(0.0 < nbgrader::points(&source, &half) && nbgrader::points(&source, &half) < total) {
        problems.push(format!("{name}: the partial submission is not worth strictly between 0 and {total} points"));
    }
    problems.extend(panics_are_errors(course, name)?);
    Ok(problems)
}

/// Every check of the untouched version panics (`todo!()`): with the grading
/// settings each must end in an error output, not only in text on stderr.
fn panics_are_errors(course: &Path, name: &str) -> anyhow::Result<Vec<String>> {
    let graded = notebook::read(&course.join("autograded").join(UNTOUCHED).join(name).join(format!("{name}.ipynb")))?;
    let mut problems = Vec::new();
    for cell in graded["cells"].as_array().into_iter().flatten().filter(|cell| exercise::is_grade_cell(cell)) {
        let errored = cell["outputs"].as_array().into_iter().flatten().any(|output| output["output_type"] == "error");
        if !errored {
            let id = cell["metadata"]["nbgrader"]["grade_id"].as_str().unwrap_or("?");
            problems.push(format!(
                "{name}: in the untouched version, check {id} panicked without an error output; is evcxr.toml's \
                 preserve_vars_on_panic in force?"
            ));
        }
    }
    if problems.is_empty() {
        note("untouched: every check panicked, and each panic is an error output (preserve_vars_on_panic off)");
    }
    Ok(problems)
}

/// The lab's Jupyter environment, with the venv's `bin/` first on `PATH`: nbgrader
/// runs its database migrations as the command `alembic`, from the same venv.
fn environment(lab: &Lab, python: &Path) -> Vec<(&'static str, OsString)> {
    let bin = python.parent().map(Path::to_path_buf).unwrap_or_default();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let joined = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path))).unwrap_or(path);
    let mut env = lab.jupyter_env();
    env.push(("PATH", joined));
    env
}

/// Runs `python -m nbgrader ARGS` in the course, with the lab's Jupyter environment.
fn nbgrader(lab: &Lab, python: &Path, course: &Path, args: &[&str], log: &str) -> anyhow::Result<()> {
    let mut command = Command::new(python);
    command.envs(environment(lab, python)).current_dir(course).args(["-m", "nbgrader"]).args(args);
    step::run(
        lab,
        &format!("nbgrader {}", args.join(" ")),
        log,
        &mut command,
        &format!("its log is {}", lab.show(&lab.logs().join(format!("{log}.log")))),
    )?;
    Ok(())
}

/// The gradebook's scores, through `crates/lab/py/grade_scores.py`.
fn read_scores(
    lab: &Lab,
    python: &Path,
    course: &Path,
    name: &str,
    students: &[&str],
) -> anyhow::Result<std::collections::BTreeMap<String, Scores>> {
    let out = course.join(format!("scores-{name}.json"));
    let db = format!("sqlite:///{}", course.join("gradebook.db").display());
    let mut command = Command::new(python);
    command
        .envs(environment(lab, python))
        .current_dir(course)
        .arg(lab.root.join("crates/lab/py/grade_scores.py"))
        .args(["--db", &db, "--assignment", name, "--notebook", name, "--out"])
        .arg(&out)
        .args(students);
    step::run(lab, "reading nbgrader's gradebook", &format!("{name}-scores"), &mut command, "the log shows why")?;
    let text = std::fs::read_to_string(&out).with_context(|| format!("cannot read {}", out.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not the scores grade_scores.py writes", out.display()))
}

/// nbgrader's venv: made once, reinstalled only when the pinned requirements change.
fn venv(lab: &Lab) -> anyhow::Result<PathBuf> {
    let dir = grade_dir(lab).join("venv");
    let python = dir.join("bin").join("python");
    let requirements = lab.root.join("crates/lab/grade-requirements.txt");
    let stamp = dir.join("parlab-grade-requirements.txt");
    let runs = |python: &Path| step::succeeds(Command::new(python).args(["-c", "import nbgrader"]));
    let wanted = std::fs::read(&requirements).with_context(|| format!("cannot read {}", requirements.display()))?;
    if std::fs::read(&stamp).is_ok_and(|have| have == wanted) && runs(&python) {
        note(&format!("nbgrader's venv: {} is up to date", lab.show(&dir)));
        return Ok(python);
    }
    if dir.exists() && !step::succeeds(Command::new(&python).args(["-c", "import sys"])) {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
    }
    if !python.exists() {
        step::create_dir(&grade_dir(lab))?;
        step::run(
            lab,
            &format!("python3 -m venv {}", lab.show(&dir)),
            "grade-venv",
            Command::new("python3").arg("-m").arg("venv").arg(&dir),
            "on Debian or Ubuntu, `apt-get install python3-venv` adds the venv module",
        )?;
    }
    let _ = std::fs::remove_file(&stamp);
    step::run(
        lab,
        &format!("pip install -r {} (nbgrader)", lab.show(&requirements)),
        "grade-pip",
        Command::new(&python)
            .envs(lab.jupyter_env())
            .args(["-m", "pip", "install", "--no-input", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
        "check the network to PyPI; `cargo lab grade --verbose` shows pip's output",
    )?;
    std::fs::write(&stamp, wanted).with_context(|| format!("cannot write {}", stamp.display()))?;
    Ok(python)
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}
