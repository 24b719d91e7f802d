//! The check of notebook `03-parallel`'s worker cell: a worker of the
//! student's own that speaks the process backend's protocol.
//!
//! The check talks to it as the parent talks to `parlab worker`: the lines of
//! [`process::request_lines`] go in through a real OS pipe, and each answer
//! line that comes back through another is read with the parent's own reader
//! and held to the serial sweep's bits. The worker runs on a thread, not in a
//! process of its own: a notebook's `fn` is compiled into a library loaded by
//! the kernel, so there is no program a new process could run it from.

use std::io::{BufRead, BufReader, Write};
use std::thread;

use crate::backend::process::protocol::Reply;
use crate::backend::{process, serial};
use crate::catalogue;
use crate::exercise::given::{SEED, attempt};
use crate::exercise::verdict::Verdict;
use crate::integrand::{Expr, Portable};
use crate::rule::{Rule, Setup};

/// The shape of cell 3.3: a worker that reads the header and batch lines from
/// `input` and writes one answer line per task to `output`.
pub type OwnWorker =
    dyn Fn(&mut dyn BufRead, &mut dyn Write) -> std::result::Result<(), Box<dyn std::error::Error>> + Sync;

/// Checks cell 3.3: fed the request lines of two sweeps (an expression on
/// n = 2..601 in a mixed order, in several batches; the catalogue's `gaussian` with the
/// midpoint rule and another seed), the worker answers every task exactly
/// once, in the order the header lists them (the order the parent reads
/// them in), each with its header index and n and a value with the serial
/// sweep's bits.
pub fn check_worker(worker: &OwnWorker) -> Verdict {
    let mut verdict = Verdict::new("3.3");
    let outcome = judge_worker(worker, &mut verdict);
    verdict.finish(outcome)
}

fn judge_worker(worker: &OwnWorker, verdict: &mut Verdict) -> Result<(), String> {
    let text = Expr::parse("1/(1+x^2)").map_err(|err| err.to_string())?;
    let text_setup = Setup::new(0.0, 1.0).map_err(|err| err.to_string())?.with_seed(SEED);
    // n = 2..601 in a mixed order, so that a task's index, its place in the header and its n all differ.
    let mixed: Vec<u64> = (0..600).map(|i| i * 7 % 600 + 2).collect();
    judge_one(worker, "1/(1+x^2), n = 2..601 mixed", &text, &text_setup, &mixed, verdict)?;
    let gaussian = catalogue::get("gaussian").map_err(|err| err.to_string())?;
    let setup = Setup::for_entry(gaussian).with_rule(Rule::Midpoint).with_seed(SEED + 1);
    judge_one(worker, "gaussian, midpoint rule, seed 8", gaussian, &setup, &[1, 40, 7, 300], verdict)
}

fn judge_one<P: Portable>(
    worker: &OwnWorker,
    name: &str,
    f: &P,
    setup: &Setup,
    sizes: &[u64],
    verdict: &mut Verdict,
) -> Result<(), String> {
    let lines = process::request_lines(f, setup, sizes).map_err(|err| err.to_string())?;
    let want = serial::sweep(f, setup, sizes).map_err(|err| err.to_string())?;
    let header: serde_json::Value = serde_json::from_str(&lines[0]).map_err(|err| err.to_string())?;
    let order: Vec<(usize, u64)> = serde_json::from_value(header["tasks"].clone()).map_err(|err| err.to_string())?;
    let answers = converse(worker, &lines)?;
    let mut got: Vec<Option<f64>> = vec![None; sizes.len()];
    for (line, due) in answers
        .iter()
        .filter(|line| !line.trim().is_empty())
        .zip(order.iter().chain(std::iter::repeat(&(usize::MAX, 0))))
    {
        let reply: Reply = serde_json::from_str(line)
            .map_err(|err| format!("{name}: your worker wrote a line that is not an answer ({err}): {line}"))?;
        let Some(&n) = sizes.get(reply.index) else {
            return Err(format!(
                "{name}: your worker answered task {}, but there are {} tasks",
                reply.index,
                sizes.len()
            ));
        };
        if reply.n != n {
            return Err(format!(
                "{name}: your worker answered task {} with n = {}, but that task has n = {n}: answer each task with \
                 the (index, n) pair the header lists for it",
                reply.index, reply.n
            ));
        }
        if let Some(error) = reply.error {
            return Err(format!("{name}: your worker answered task {} (n = {n}) with an error: {error}", reply.index));
        }
        let value = reply.value.ok_or_else(|| format!("{name}: the answer for task {} has no value", reply.index))?;
        if got[reply.index].replace(value).is_some() {
            return Err(format!(
                "{name}: your worker answered task {} twice: each batch line asks for the header's tasks from..to only",
                reply.index
            ));
        }
        if (reply.index, reply.n) != *due {
            return Err(format!(
                "{name}: your worker answered task {} where task {} was due: the parent reads the answers in the \
                 order it asked for the tasks, the header's order",
                reply.index, due.0
            ));
        }
    }
    let answered = got.iter().flatten().count();
    if answered < sizes.len() {
        return Err(format!(
            "{name}: your worker answered {answered} of the {} tasks, sent in {} batch lines: answer every task of \
             every batch, until the input ends",
            sizes.len(),
            lines.len() - 1
        ));
    }
    for ((index, value), point) in got.iter().flatten().enumerate().zip(&want.points) {
        if value.to_bits() != point.value.to_bits() {
            return Err(format!(
                "{name}: task {index} (n = {}): yours {value:.17}, the serial sweep's {:.17}: not the same bits. Each \
                 task draws from stream(seed, n), and the value must be written with every digit (serde_json does)",
                point.n, point.value
            ));
        }
    }
    let batches = match lines.len() - 1 {
        1 => "1 batch".to_owned(),
        more => format!("{more} batches"),
    };
    verdict.note(format!(
        "{name}: {} lines in (a header and {batches}), {answered} answers out, the serial bits",
        lines.len()
    ));
    Ok(())
}

/// Runs `worker` on a thread between two OS pipes: `lines` go in, the answer lines come out.
fn converse(worker: &OwnWorker, lines: &[String]) -> Result<Vec<String>, String> {
    let broken = |err: std::io::Error| format!("a pipe failed: {err}");
    let (request_out, mut request_in) = std::io::pipe().map_err(broken)?;
    let (answer_out, mut answer_in) = std::io::pipe().map_err(broken)?;
    thread::scope(|scope| {
        // scope: each end of a pipe moves into the thread that uses it, and is
        // dropped (closed) when that thread ends: the other side then reads the end.
        let running = scope.spawn(move || {
            let mut input = BufReader::new(request_out);
            attempt("`my_worker`", || worker(&mut input, &mut answer_in))?
                .map_err(|err| format!("`my_worker` returned an error: {err}"))
        });
        scope.spawn(move || {
            // A worker that stops reading closes its end: the rest of the lines then cannot go, and need not.
            for line in lines {
                if writeln!(request_in, "{line}").is_err() {
                    break;
                }
            }
        });
        let answers: Result<Vec<String>, _> = BufReader::new(answer_out).lines().collect();
        running.join().expect("attempt catches the worker's panics")?;
        answers.map_err(broken)
    })
}
