//! Memory mode's wait: every task stays alive until d after the last task was spawned, so the
//! peak holds all N whatever spawning costs (spawning 1M tasks takes 1–6 s here, far longer
//! than any d a task could sleep from its own spawn).
//!
//! A task cannot know when the last spawn will happen, and a shared gate it awaits (a
//! notifier, a condition variable) would put a waiter in every task and change what is
//! measured. So a task polls: it sleeps d, or half the time spawning has taken so far when
//! that is longer (a few wakes per task even when spawning lasts seconds), until the spawner
//! has [`Release::open`]ed; then it sleeps out the rest of d after that instant. A task holds
//! one pointer to the shared `Release` and its runtime's sleep, nothing per task besides.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::Span;

#[derive(Debug)]
pub struct Release {
    d: Duration,
    armed: Instant,
    opened: OnceLock<Instant>,
}

impl Release {
    /// Before the first spawn.
    pub fn arm(d: Duration) -> Release {
        Release { d, armed: Instant::now(), opened: OnceLock::new() }
    }

    /// After the last spawn returned (or after spawning failed, so the tasks already spawned
    /// finish): every task then waits until d after this instant.
    pub fn open(&self) -> Instant {
        *self.opened.get_or_init(Instant::now)
    }

    /// How long a task sleeps next; `None` once its wait is over.
    pub fn next_wait(&self) -> Option<Duration> {
        let now = Instant::now();
        match self.opened.get() {
            Some(&at) => (at + self.d).checked_duration_since(now).filter(|w| !w.is_zero()),
            None => Some(self.d.max(now.duration_since(self.armed) / 2)),
        }
    }

    /// The span from the release to the join, for `SleepOutcome::held`: verify checks it
    /// lasted d, i.e. the tasks waited for the last spawn.
    pub fn held_until(&self, joined: Instant) -> Span {
        Span { start: self.open(), end: joined }
    }

    /// The whole wait on the calling thread: a thread's, a coroutine's (with its own sleep).
    pub fn wait_with(&self, sleep: impl Fn(Duration)) {
        while let Some(wait) = self.next_wait() {
            sleep(wait);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Duration = Duration::from_millis(20);

    #[test]
    fn a_task_waits_at_least_d_until_released_then_d_after_the_release() {
        let release = Release::arm(D);
        assert!(release.next_wait().unwrap() >= D, "before the release a task sleeps d at least");
        let opened = release.open();
        assert_eq!(release.open(), opened, "the release happens once");
        let rest = release.next_wait().unwrap();
        assert!(rest <= D && rest > D / 2, "{rest:?}");
        let start = Instant::now();
        release.wait_with(std::thread::sleep);
        assert!(Instant::now() >= opened + D && start.elapsed() < D * 5);
        assert_eq!(release.next_wait(), None);
        let held = release.held_until(Instant::now());
        assert!(held.end >= held.start + D && held.start == opened);
    }

    #[test]
    fn before_the_release_a_task_backs_off_with_the_time_spawning_has_taken() {
        let release = Release { d: D, armed: Instant::now() - D * 10, opened: OnceLock::new() };
        let wait = release.next_wait().unwrap();
        assert!(wait >= D * 5 && wait < D * 6, "{wait:?}");
    }
}
