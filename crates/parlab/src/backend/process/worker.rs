//! The worker's side: read a header and batches, answer one line per task.

use std::io::{BufRead, BufWriter, Write};
use std::time::{Duration, Instant};

use super::protocol::{Header, Reply, Request};
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::task::runner;

/// The longest a finished answer waits in the worker's buffer: a batch's
/// answers go out together when it ends, and every this often before, so the
/// parent knows which task a worker was on if it dies.
const FLUSH_EVERY: Duration = Duration::from_millis(1);

/// The worker's side: reads a header and batches, answers one line per task.
///
/// `parlab worker` calls this with its stdin and stdout. It returns when its
/// input ends, or with an error text if the header or a request is bad or
/// the output closes. A task that fails (NaN, ±∞, a panic in the integrand)
/// is answered with its error, and the worker goes on.
///
/// # Scope
///
/// The worker owns everything it computes with: the integrand is rebuilt
/// here, in this process's memory, from the header's [`Recipe`](crate::Recipe),
/// and so is the list of tasks. The answers are owned by `output`'s buffer
/// until it is flushed into the pipe.
pub fn serve(input: impl BufRead, output: impl Write) -> std::result::Result<(), String> {
    let mut lines = input.lines();
    let header = lines.next().ok_or("no header line")?.map_err(|e| e.to_string())?;
    let header: Header = serde_json::from_str(&header).map_err(|e| format!("bad header: {e}"))?;
    let clock = Instant::now();
    let f = header.recipe.build().map_err(|e| e.to_string())?;
    // One write per flush, not per line (a locked stdout alone writes at each newline).
    let mut output = BufWriter::with_capacity(1 << 16, output);
    let work = Work { setup: &header.setup, tasks: &header.tasks, clock };
    answer(&f, &work, lines, &mut output)
}

/// What every batch is cut from.
struct Work<'a> {
    setup: &'a Setup,
    tasks: &'a [(usize, u64)],
    /// The worker's clock: the times in the answers count from here.
    clock: Instant,
}

/// The worker's loop: for each batch line, one answer line per task, until the input ends.
fn answer<F: Integrand + ?Sized>(
    f: &F,
    work: &Work,
    lines: impl Iterator<Item = std::io::Result<String>>,
    output: &mut impl Write,
) -> std::result::Result<(), String> {
    let broken = |e: std::io::Error| e.to_string();
    for line in lines {
        let line = line.map_err(broken)?;
        if line.trim().is_empty() {
            continue;
        }
        let request: Request = serde_json::from_str(&line).map_err(|e| format!("bad batch line: {e}"))?;
        let batch = work.tasks.get(request.from..request.to).ok_or_else(|| {
            format!("bad batch line: tasks {}..{} of the {} in the header", request.from, request.to, work.tasks.len())
        })?;
        let mut flushed = Instant::now();
        for (i, &(index, n)) in batch.iter().enumerate() {
            let reply = one(f, work, index, n);
            serde_json::to_writer(&mut *output, &reply).map_err(|e| e.to_string())?;
            output.write_all(b"\n").map_err(broken)?;
            if i + 1 == batch.len() || flushed.elapsed() >= FLUSH_EVERY {
                output.flush().map_err(broken)?;
                flushed = Instant::now();
            }
        }
    }
    Ok(())
}

/// One task, with when it ran on the worker's clock.
fn one<F: Integrand + ?Sized>(f: &F, work: &Work, index: usize, n: u64) -> Reply {
    let start = work.clock.elapsed().as_secs_f64();
    let result = work.setup.check(n).and_then(|_| runner::task(f, work.setup, n));
    let end = work.clock.elapsed().as_secs_f64();
    match result {
        Ok(p) => Reply {
            index,
            n: p.n,
            value: Some(p.value),
            evaluations: Some(p.evaluations),
            error_estimate: p.error_estimate,
            start,
            end,
            error: None,
        },
        Err(e) => Reply {
            index,
            n,
            value: None,
            evaluations: None,
            error_estimate: None,
            start,
            end,
            error: Some(e.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;

    fn parse(out: Vec<u8>) -> Vec<serde_json::Value> {
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    fn served(input: &str) -> Result<Vec<serde_json::Value>, String> {
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out)?;
        Ok(parse(out))
    }

    const LECTURE: &str =
        r#""recipe":{"catalogue":"lecture"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":7}"#;

    #[test]
    fn a_worker_answers_each_task_of_each_batch_with_the_serial_bits() {
        let header = format!(r#"{{{LECTURE},"tasks":[[1,1000],[0,3],[2,5]]}}"#);
        let replies = served(&format!("{header}\n{{\"from\":0,\"to\":2}}\n\n{{\"from\":2,\"to\":3}}\n")).unwrap();
        assert_eq!(replies.len(), 3);
        assert_eq!(replies.iter().map(|r| r["index"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 0, 2]);
        assert_eq!(replies[0]["value"].as_f64().unwrap().to_bits(), 0x3fe9145a80f1621e);
        assert_eq!(replies[1]["n"], 3);
        assert!(replies[1].get("error").is_none());
        // Times on the worker's clock, one task after the other.
        let time = |r: &serde_json::Value, k: &str| r[k].as_f64().unwrap();
        assert!(replies.iter().all(|r| time(r, "start") <= time(r, "end")));
        assert!(replies.windows(2).all(|w| time(&w[0], "end") <= time(&w[1], "start")));
    }

    #[test]
    fn task_errors_are_answered_and_bad_lines_stop_the_worker() {
        let header = r#"{"recipe":{"expr":"1/x"},"setup":{"a":0.0,"b":1.0,"rule":"trapezoid","sampler":"spacings","seed":0},"tasks":[[0,4],[1,0],[2,2]]}"#;
        let replies = served(&format!("{header}\n{{\"from\":0,\"to\":2}}\n")).unwrap();
        assert_eq!(replies.len(), 2);
        assert!(replies[0]["error"].as_str().unwrap().contains("at x = 0"), "{}", replies[0]);
        assert!(replies[1]["error"].as_str().unwrap().contains("n >= 1"), "{}", replies[1]);
        assert!(replies[0].get("value").is_none());
        assert_eq!(served(""), Err("no header line".into()));
        assert!(served("{}\n").unwrap_err().starts_with("bad header"));
        assert!(served(&format!("{header}\nten\n")).unwrap_err().starts_with("bad batch line"));
        let beyond = served(&format!("{header}\n{{\"from\":2,\"to\":4}}\n")).unwrap_err();
        assert_eq!(beyond, "bad batch line: tasks 2..4 of the 3 in the header");
        let backwards = served(&format!("{header}\n{{\"from\":2,\"to\":1}}\n")).unwrap_err();
        assert!(backwards.starts_with("bad batch line: tasks 2..1"), "{backwards}");
        let unknown = r#"{"recipe":{"catalogue":"nope"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":0},"tasks":[]}"#;
        assert!(served(unknown).unwrap_err().contains("unknown integrand `nope`"));
    }

    #[test]
    fn a_panic_in_a_batch_is_that_task_s_answer_and_the_batch_goes_on() {
        let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Midpoint);
        let tasks = [(0, 2), (1, 1), (2, 4)];
        let work = Work { setup: &setup, tasks: &tasks, clock: Instant::now() };
        // Midpoint at n = 1 evaluates only x = 0.5.
        let f = |x: f64| if x == 0.5 { panic!("the integrand gave up at {x}") } else { x };
        let mut out = Vec::new();
        answer(&f, &work, ["{\"from\":0,\"to\":3}".to_string()].into_iter().map(Ok), &mut out).unwrap();
        let replies = parse(out);
        assert_eq!(replies.len(), 3);
        let error = replies[1]["error"].as_str().unwrap();
        assert_eq!(error, "the integrand panicked while computing n = 1: the integrand gave up at 0.5");
        for fine in [&replies[0], &replies[2]] {
            assert!((fine["value"].as_f64().unwrap() - 0.5).abs() < 1e-15, "{fine}");
        }
    }
}
