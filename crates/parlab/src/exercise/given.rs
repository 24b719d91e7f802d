//! What every check shares: its seed and patience, the lecture's integrand,
//! and catching a panic in the student's code.

use std::time::Duration;

/// How long the first task waits for a second one before a check says the
/// work did not run in parallel.
///
/// A parallel answer meets its partner within milliseconds, even on a busy
/// machine; only a serial one waits this long, and then it fails anyway.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The seed the checks draw with: the notebook's `SEED`.
pub const SEED: u64 = 7;

/// Runs the student's code, turning a panic into the message it carried.
pub(crate) fn attempt<R>(what: &str, work: impl FnOnce() -> R) -> Result<R, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with no message".into());
        format!("{what} panicked: {message}")
    })
}

/// The lecture's integrand, 1/(1+x²), written as the notebook writes it.
pub(crate) fn lecture(x: f64) -> f64 {
    1.0 / (1.0 + x * x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        let caught = attempt("`estimates_parallel`", || -> u32 { todo!("exercise 2") });
        assert_eq!(caught.unwrap_err(), "`estimates_parallel` panicked: not yet implemented: exercise 2");
        let formatted = attempt("f", || -> u32 { panic!("{} of {}", 3, 4) });
        assert_eq!(formatted.unwrap_err(), "f panicked: 3 of 4");
        assert_eq!(attempt("f", || 5), Ok(5));
    }
}
