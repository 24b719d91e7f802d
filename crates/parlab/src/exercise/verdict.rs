//! What a check found: the lines it measured, and what is wrong, if anything.

use std::fmt;

/// The outcome of one exercise check.
///
/// # Examples
///
/// ```
/// let verdict = parlab::exercise::check_3(&|measured: &parlab::scaling::Scaling| measured.rows.len());
/// assert!(!verdict.passed());
/// assert!(verdict.wrong().unwrap().contains("the rule gives"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "a verdict says nothing until you call `.assert()` on it"]
pub struct Verdict {
    exercise: &'static str,
    measured: Vec<String>,
    wrong: Option<String>,
}

impl Verdict {
    /// Starts the record of a check of `exercise` ("2", "4a").
    pub(crate) fn new(exercise: &'static str) -> Verdict {
        Verdict { exercise, measured: Vec::new(), wrong: None }
    }

    /// Records one line of what the check measured.
    pub(crate) fn note(&mut self, line: impl Into<String>) {
        self.measured.push(line.into());
    }

    /// Closes the record: passed when `outcome` is `Ok`, failed with its message otherwise.
    pub(crate) fn finish(mut self, outcome: Result<(), String>) -> Verdict {
        self.wrong = outcome.err();
        self
    }

    /// Which exercise was checked.
    pub fn exercise(&self) -> &str {
        self.exercise
    }

    /// Whether the answer passed.
    pub fn passed(&self) -> bool {
        self.wrong.is_none()
    }

    /// What is wrong with the answer, when it failed.
    pub fn wrong(&self) -> Option<&str> {
        self.wrong.as_deref()
    }

    /// What the check measured, one line each, up to where it stopped.
    pub fn measured(&self) -> &[String] {
        &self.measured
    }

    /// Prints what was measured and `exercise N passed`, or panics with what is wrong.
    ///
    /// # Panics
    ///
    /// When the answer failed: the panic message names the exercise and what the check wanted.
    #[track_caller]
    pub fn assert(self) {
        for line in &self.measured {
            println!("{line}");
        }
        if let Some(wrong) = &self.wrong {
            panic!("exercise {} is not done yet: {wrong}", self.exercise);
        }
        println!("exercise {} passed", self.exercise);
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.measured {
            writeln!(f, "{line}")?;
        }
        match &self.wrong {
            None => write!(f, "exercise {} passed", self.exercise),
            Some(wrong) => write!(f, "exercise {} is not done yet: {wrong}", self.exercise),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_verdict_panics_with_its_message() {
        let mut verdict = Verdict::new("2");
        verdict.note("1 thread: the same bits");
        let verdict = verdict.finish(Err("2 threads: no two tasks ran at once".into()));
        assert!(!verdict.passed());
        assert_eq!(
            verdict.to_string(),
            "1 thread: the same bits\nexercise 2 is not done yet: 2 threads: no two tasks ran at once"
        );
        let message = *std::panic::catch_unwind(|| verdict.assert()).unwrap_err().downcast::<String>().unwrap();
        assert_eq!(message, "exercise 2 is not done yet: 2 threads: no two tasks ran at once");
    }

    #[test]
    fn a_passed_verdict_does_not_panic() {
        let verdict = Verdict::new("3").finish(Ok(()));
        assert!(verdict.passed() && verdict.wrong().is_none());
        assert_eq!(verdict.to_string(), "exercise 3 passed");
        verdict.assert();
    }
}
