//! The worker's side: read a header and batches, answer one line per task.

use std::io::{BufRead, BufWriter, Write};
use std::time::{Duration, Instant};

use super::protocol::{Header, Line, Reply, Request, Sums, Work};
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::rule::split::{self, Offsets, Split};
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
    let kind = match header.work {
        Work::Setup(setup) => Kind::Sweep(setup),
        Work::Split(split) => {
            // Checked again as the parent's constructors checked it: the line may come from anywhere.
            let checked = Split::new(*split.setup(), split.n()).and_then(|s| s.with_block_size(split.block_size()));
            checked.map_err(|e| format!("bad header: {e}"))?;
            if let Some(&(block, _)) = header.tasks.iter().find(|&&(block, _)| block as u64 >= split.blocks()) {
                return Err(format!("bad header: block {block} of a split estimate of {} blocks", split.blocks()));
            }
            Kind::Split { split, offsets: None }
        }
    };
    let mut work = Tasks { kind, tasks: &header.tasks, clock };
    answer(&f, &mut work, lines, &mut output)
}

/// What every batch is cut from.
struct Tasks<'a> {
    kind: Kind,
    tasks: &'a [(usize, u64)],
    /// The worker's clock: the times in the answers count from here.
    clock: Instant,
}

/// What a task is: one estimate of a sweep, or one block of a split estimate.
enum Kind {
    /// Task (index, n): the estimate with n points.
    Sweep(Setup),
    /// Task (block, points): pass 1 of the block (its spacing sum) until the
    /// offsets arrive, if the rule needs them; its partial sums after.
    Split { split: Split, offsets: Option<Offsets> },
}

/// The worker's loop: for each batch line, one answer line per task, until the input ends.
fn answer<F: Integrand>(
    f: &F,
    work: &mut Tasks,
    lines: impl Iterator<Item = std::io::Result<String>>,
    output: &mut impl Write,
) -> std::result::Result<(), String> {
    let broken = |e: std::io::Error| e.to_string();
    for line in lines {
        let line = line.map_err(broken)?;
        if line.trim().is_empty() {
            continue;
        }
        let request: Request = match serde_json::from_str(&line).map_err(|e| format!("bad batch line: {e}"))? {
            Line::Batch(request) => request,
            Line::Between { offsets } => {
                between(&mut work.kind, offsets)?;
                continue;
            }
        };
        let batch = work.tasks.get(request.from..request.to).ok_or_else(|| {
            format!("bad batch line: tasks {}..{} of the {} in the header", request.from, request.to, work.tasks.len())
        })?;
        let mut flushed = Instant::now();
        for (i, &(index, n)) in batch.iter().enumerate() {
            let start = work.clock.elapsed().as_secs_f64();
            let mut reply = match &work.kind {
                Kind::Sweep(setup) => one(f, setup, index, n),
                Kind::Split { split, offsets } => block(f, split, offsets.as_ref(), index, n),
            };
            (reply.start, reply.end) = (start, work.clock.elapsed().as_secs_f64());
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

/// Takes the offsets between a split's passes: the tasks after them are pass 2.
fn between(kind: &mut Kind, new: Offsets) -> std::result::Result<(), String> {
    match kind {
        Kind::Split { split, offsets } if split.two_pass() && offsets.is_none() => {
            if new.starts.len() as u64 != split.blocks() {
                return Err(format!("bad offsets line: {} offsets for {} blocks", new.starts.len(), split.blocks()));
            }
            *offsets = Some(new);
            Ok(())
        }
        _ => Err("bad offsets line: this work has no second pass waiting for them".into()),
    }
}

/// One estimate of a sweep (its times are set by the caller).
fn one<F: Integrand>(f: &F, setup: &Setup, index: usize, n: u64) -> Reply {
    let result = setup.check(n).and_then(|_| runner::task(f, setup, n));
    let reply = Reply::new(index, n);
    match result {
        Ok(p) => Reply {
            n: p.n,
            value: Some(p.value),
            evaluations: Some(p.evaluations),
            error_estimate: p.error_estimate,
            ..reply
        },
        Err(e) => Reply { error: Some(e.to_string()), ..reply },
    }
}

/// One block of a split: its spacing sum in pass 1, else its partial sums
/// (the times are set by the caller). A panic in the integrand is the answer's error.
fn block<F: Integrand>(f: &F, split: &Split, offsets: Option<&Offsets>, index: usize, n: u64) -> Reply {
    let reply = Reply::new(index, n);
    let b = index as u64;
    if split.two_pass() && offsets.is_none() {
        return Reply { value: Some(split.spacing_sum(b)), ..reply };
    }
    // scope: `f` is borrowed by the block for the call only, as on a thread of the pool.
    match split::guarded(b, || split.block(f, b, offsets)) {
        Ok(partial) => Reply { partial: Some(Sums::new(&partial)), ..reply },
        Err(e) => Reply { error: Some(e.to_string()), ..reply },
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
        let mut work = Tasks { kind: Kind::Sweep(setup), tasks: &tasks, clock: Instant::now() };
        // Midpoint at n = 1 evaluates only x = 0.5.
        let f = |x: f64| if x == 0.5 { panic!("the integrand gave up at {x}") } else { x };
        let mut out = Vec::new();
        answer(&f, &mut work, ["{\"from\":0,\"to\":3}".to_string()].into_iter().map(Ok), &mut out).unwrap();
        let replies = parse(out);
        assert_eq!(replies.len(), 3);
        let error = replies[1]["error"].as_str().unwrap();
        assert_eq!(error, "the integrand panicked while computing n = 1: the integrand gave up at 0.5");
        for fine in [&replies[0], &replies[2]] {
            assert!((fine["value"].as_f64().unwrap() - 0.5).abs() < 1e-15, "{fine}");
        }
    }

    /// A split's header for the lecture's integrand: blocks of 400 of n = 1000, as `(block, points)`, last first.
    fn split_header(rule: Rule) -> (Split, String) {
        let setup = Setup::new(0.0, 1.0).unwrap().with_rule(rule).with_seed(3);
        let split = Split::new(setup, 1000).unwrap().with_block_size(400).unwrap();
        let header = Header {
            recipe: crate::Recipe::Catalogue("lecture".into()),
            work: Work::Split(split),
            tasks: vec![(2, 200), (0, 400), (1, 400)],
        };
        (split, serde_json::to_string(&header).unwrap())
    }

    #[test]
    fn a_worker_computes_a_split_s_blocks_pass_by_pass_with_their_bits() {
        let f = crate::catalogue::get("lecture").unwrap();
        let (split, header) = split_header(Rule::Lecture);
        assert!(header.contains(r#""split":{"setup":"#), "{header}");
        let offsets = split.offsets(&split.pass_one());
        let between = serde_json::to_string(&Line::Between { offsets: offsets.clone() }).unwrap();
        let input =
            format!("{header}\n{{\"from\":0,\"to\":3}}\n{between}\n{{\"from\":1,\"to\":3}}\n{{\"from\":0,\"to\":1}}\n");
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out).unwrap();
        let replies: Vec<Reply> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let blocks: Vec<usize> = replies.iter().map(|r| r.index).collect();
        assert_eq!(blocks, [2, 0, 1, 0, 1, 2]);
        // Pass 1: each block's spacing sum, to the bit.
        for r in &replies[..3] {
            assert_eq!(r.value.map(f64::to_bits), Some(split.spacing_sum(r.index as u64).to_bits()));
            assert!(r.partial.is_none());
        }
        // Pass 2: each block's partial, to the bit.
        for r in &replies[3..] {
            let b = r.index as u64;
            let got = r.partial.as_ref().unwrap().partial(b).unwrap();
            assert_eq!(got, split.block(f, b, Some(&offsets)), "block {b}");
        }
    }

    #[test]
    fn a_split_s_offsets_come_once_and_only_where_a_second_pass_waits() {
        let (split, header) = split_header(Rule::Partition);
        let between = serde_json::to_string(&Line::Between { offsets: split.offsets(&split.pass_one()) }).unwrap();
        let twice = served(&format!("{header}\n{between}\n{between}\n")).unwrap_err();
        assert_eq!(twice, "bad offsets line: this work has no second pass waiting for them");
        let short = r#"{"offsets":{"total":1.0,"starts":[0.0]}}"#;
        assert_eq!(served(&format!("{header}\n{short}\n")).unwrap_err(), "bad offsets line: 1 offsets for 3 blocks");
        let (_, midpoint) = split_header(Rule::Midpoint);
        assert!(served(&format!("{midpoint}\n{between}\n")).unwrap_err().starts_with("bad offsets line"));
        let empty = header.replace(r#""size":400"#, r#""size":0"#);
        assert!(served(&empty).unwrap_err().starts_with("bad header: "), "{empty}");
        let beyond = header.replace("[2,200]", "[3,200]");
        assert_eq!(served(&beyond).unwrap_err(), "bad header: block 3 of a split estimate of 3 blocks");
    }

    #[test]
    fn a_panic_in_a_block_is_that_block_s_answer() {
        let setup = Setup::new(0.0, 1.0).unwrap().with_rule(Rule::Midpoint);
        let split = Split::new(setup, 30).unwrap().with_block_size(10).unwrap();
        let tasks = [(0, 10), (1, 10), (2, 10)];
        let mut work = Tasks { kind: Kind::Split { split, offsets: None }, tasks: &tasks, clock: Instant::now() };
        let f = |x: f64| if x > 0.5 && x < 0.6 { panic!("gave up at {x}") } else { x };
        let mut out = Vec::new();
        answer(&f, &mut work, ["{\"from\":0,\"to\":3}".to_string()].into_iter().map(Ok), &mut out).unwrap();
        let replies = parse(out);
        assert_eq!(replies.len(), 3);
        let error = replies[1]["error"].as_str().unwrap();
        assert!(
            error.starts_with("the integrand panicked while computing block 1 of a split estimate: gave up at 0.5"),
            "{error}"
        );
        assert!(replies[0]["partial"].is_object() && replies[2]["partial"].is_object());
    }
}
