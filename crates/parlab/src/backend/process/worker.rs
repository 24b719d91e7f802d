//! The worker's side: read a header and tasks, answer one line per task.

use std::io::{BufRead, Write};
use std::time::Instant;

use super::protocol::{Header, Reply, Request};
use crate::integrand::Integrand;
use crate::rule::Setup;
use crate::task::runner;

/// The worker's side: reads a header and tasks, answers one line per task.
///
/// `parlab worker` calls this with its stdin and stdout. It returns when its
/// input ends, or with an error text if the header is bad or the output closes.
///
/// # Scope
///
/// The worker owns everything it computes with: the integrand is rebuilt
/// here, in this process's memory, from the header's [`Recipe`](crate::Recipe).
pub fn serve(input: impl BufRead, mut output: impl Write) -> std::result::Result<(), String> {
    let mut lines = input.lines();
    let header = lines.next().ok_or("no header line")?.map_err(|e| e.to_string())?;
    let header: Header = serde_json::from_str(&header).map_err(|e| format!("bad header: {e}"))?;
    let f = header.recipe.build().map_err(|e| e.to_string())?;
    answer(&f, &header.setup, lines, &mut output)
}

/// The worker's loop: one reply line per task line, until the input ends.
fn answer<F: Integrand + ?Sized>(
    f: &F,
    setup: &Setup,
    lines: impl Iterator<Item = std::io::Result<String>>,
    output: &mut impl Write,
) -> std::result::Result<(), String> {
    for line in lines {
        let line = line.map_err(|e| e.to_string())?;
        if line.trim().is_empty() {
            continue;
        }
        let request: Request = serde_json::from_str(&line).map_err(|e| format!("bad task line: {e}"))?;
        let clock = Instant::now();
        let result = setup.check(request.n).and_then(|_| runner::task(f, setup, request.n));
        let seconds = clock.elapsed().as_secs_f64();
        let reply = match result {
            Ok(p) => Reply {
                index: request.index,
                n: p.n,
                value: Some(p.value),
                evaluations: Some(p.evaluations),
                error_estimate: p.error_estimate,
                seconds,
                error: None,
            },
            Err(e) => Reply {
                index: request.index,
                n: request.n,
                value: None,
                evaluations: None,
                error_estimate: None,
                seconds,
                error: Some(e.to_string()),
            },
        };
        let text = serde_json::to_string(&reply).expect("replies serialize");
        writeln!(output, "{text}").and_then(|_| output.flush()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn served(input: &str) -> Result<Vec<serde_json::Value>, String> {
        let mut out = Vec::new();
        serve(input.as_bytes(), &mut out)?;
        Ok(String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect())
    }

    #[test]
    fn a_worker_answers_each_task_with_the_serial_bits() {
        let header = r#"{"recipe":{"catalogue":"lecture"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":7}}"#;
        let replies = served(&format!("{header}\n{{\"index\":0,\"n\":1000}}\n\n{{\"index\":1,\"n\":3}}\n")).unwrap();
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[0]["index"], 0);
        assert_eq!(replies[0]["value"].as_f64().unwrap().to_bits(), 0x3fe9023133ea20c1);
        assert_eq!(replies[1]["n"], 3);
        assert!(replies[1].get("error").is_none());
    }

    #[test]
    fn task_errors_are_answered_and_bad_lines_stop_the_worker() {
        let header =
            r#"{"recipe":{"expr":"1/x"},"setup":{"a":0.0,"b":1.0,"rule":"trapezoid","sampler":"spacings","seed":0}}"#;
        let replies = served(&format!("{header}\n{{\"index\":0,\"n\":4}}\n{{\"index\":1,\"n\":0}}\n")).unwrap();
        assert!(replies[0]["error"].as_str().unwrap().contains("at x = 0"), "{}", replies[0]);
        assert!(replies[1]["error"].as_str().unwrap().contains("n >= 1"), "{}", replies[1]);
        assert!(replies[0].get("value").is_none());
        assert_eq!(served(""), Err("no header line".into()));
        assert!(served("{}\n").unwrap_err().starts_with("bad header"));
        assert!(served(&format!("{header}\nten\n")).unwrap_err().starts_with("bad task line"));
        let unknown = r#"{"recipe":{"catalogue":"nope"},"setup":{"a":0.0,"b":1.0,"rule":"lecture","sampler":"spacings","seed":0}}"#;
        assert!(served(unknown).unwrap_err().contains("unknown integrand `nope`"));
    }
}
