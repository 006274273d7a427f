//! The sleep workload on may: a coroutine per task. Timer and memory modes park the coroutine
//! on may's timer (memory mode until d after the last spawn, core's `Release`); blocking mode
//! is `std::thread::sleep` inside the coroutine, which holds its worker thread for the whole
//! wait (may moves no blocking call off its workers).

use std::sync::Arc;
use std::time::{Duration, Instant};

use shootout_core::sleep::Release;
use shootout_core::{RunError, SleepMode, SleepOutcome, SleepSpec, Span};

pub(crate) fn run(_strategy: &crate::May, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
    let d = spec.duration;
    let wait: fn(Duration) = match spec.mode {
        SleepMode::Timer | SleepMode::Memory => may::coroutine::sleep,
        SleepMode::Blocking => std::thread::sleep,
    };
    if spec.mode == SleepMode::Memory {
        let release = Arc::new(Release::arm(d));
        let waiting = Arc::clone(&release);
        let ids = crate::spawn_join_all_then(
            spec.tasks,
            None,
            move |id| {
                waiting.wait_with(wait);
                id
            },
            || {
                release.open();
            },
        )?;
        return Ok(SleepOutcome::held(ids, release.held_until(Instant::now())));
    }
    let pairs = crate::spawn_join_all(spec.tasks, None, move |id| {
        let start = Instant::now();
        wait(d);
        (id, Span::since(start))
    })?;
    Ok(SleepOutcome::from_pairs(pairs))
}
