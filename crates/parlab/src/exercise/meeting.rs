//! A meeting of two calls: proof that two tasks ran at the same time.
//!
//! The first call to [`Meeting::arrive`] blocks until a second call arrives
//! while it is still blocked. Its own thread cannot make that second call
//! (it is waiting), so a meeting shows that two threads ran the work at the
//! same time, without a clock and without asking which thread is which. When
//! no partner comes within the patience, the first call gives up and the
//! meeting has failed; every later call returns at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// Where the meeting stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// No call yet.
    Empty,
    /// One call is waiting for a partner.
    Waiting,
    /// Two calls were in flight at once.
    Met,
    /// The first call waited its patience out alone.
    GaveUp,
}

/// Two calls in flight at once, or a first call that waited in vain.
///
/// # Scope
///
/// Shared (`&Meeting`) by every task that calls it, on any thread: it is
/// `Sync` because its state sits behind a `Mutex`, and the flag that lets
/// every call after the first two skip the lock is atomic.
#[derive(Debug)]
pub(crate) struct Meeting {
    patience: Duration,
    /// Set once the meeting is decided (met or given up): later calls return at once.
    decided: AtomicBool,
    state: Mutex<State>,
    changed: Condvar,
}

impl Meeting {
    /// A meeting whose first caller waits up to `patience` for a second.
    pub(crate) fn new(patience: Duration) -> Meeting {
        Meeting { patience, decided: AtomicBool::new(false), state: Mutex::new(State::Empty), changed: Condvar::new() }
    }

    /// Takes part: the first call waits for a second, later calls pass through.
    pub(crate) fn arrive(&self) {
        if self.decided.load(Ordering::Acquire) {
            return;
        }
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match *state {
            State::Met | State::GaveUp => return,
            State::Waiting => {
                *state = State::Met;
                self.decided.store(true, Ordering::Release);
                self.changed.notify_all();
                return;
            }
            State::Empty => *state = State::Waiting,
        }
        let (mut state, _) = self
            .changed
            .wait_timeout_while(state, self.patience, |state| *state == State::Waiting)
            .unwrap_or_else(PoisonError::into_inner);
        if *state == State::Waiting {
            *state = State::GaveUp;
            self.decided.store(true, Ordering::Release);
        }
    }

    /// Whether two calls were ever in flight at once.
    pub(crate) fn met(&self) -> bool {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) == State::Met
    }

    /// How long the first call waits.
    pub(crate) fn patience(&self) -> Duration {
        self.patience
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_threads_meet() {
        let meeting = Meeting::new(Duration::from_secs(60));
        std::thread::scope(|scope| {
            scope.spawn(|| meeting.arrive());
            scope.spawn(|| meeting.arrive());
        });
        assert!(meeting.met());
    }

    #[test]
    fn one_thread_waits_alone_once_then_passes_through() {
        let meeting = Meeting::new(Duration::from_millis(20));
        for _ in 0..1000 {
            meeting.arrive();
        }
        assert!(!meeting.met());
    }

    #[test]
    fn an_unused_meeting_has_not_met() {
        assert!(!Meeting::new(Duration::ZERO).met());
    }
}
