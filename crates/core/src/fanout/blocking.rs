//! The blocking unit body that sequential, threads and rayon share, and their in-order
//! hand-over: the same code everywhere, so they differ only in how they schedule units.

use std::time::{Duration, Instant};

use super::{CancelGate, FanOutSpec, Gate, Handed, Order, Recorder, UnitError, UnitResult};

impl FanOutSpec {
    /// Hands blocking strategies' per-unit results over in input order: all of them, or up to
    /// and including the first error under fail-fast. Stops at a unit with no result (a bug
    /// `verify` will name as a missing unit).
    pub fn hand_over_in_order(&self, results: Vec<Option<UnitResult>>) -> Vec<Handed> {
        let fail_fast = self.fail_fast();
        let mut handed = Vec::with_capacity(results.len());
        for (index, result) in results.into_iter().enumerate() {
            let Some(result) = result else { break };
            handed.push(Handed { index, result });
            if fail_fast && result.is_err() {
                break;
            }
        }
        handed
    }

    /// Hands blocking strategies' results over in completion order, as they arrive: all of
    /// them, or up to and including the first error under fail-fast (`as_completed`).
    pub fn hand_over_as_completed(&self, arrivals: impl IntoIterator<Item = Handed>) -> Vec<Handed> {
        let fail_fast = self.fail_fast();
        let mut handed = Vec::new();
        for h in arrivals {
            let stop = fail_fast && h.result.is_err();
            handed.push(h);
            if stop {
                break;
            }
        }
        handed
    }

    /// One unit on the calling thread, for the blocking strategies (sequential, threads,
    /// rayon): the same body everywhere, so they differ only in how they schedule units.
    ///
    /// The wait is `thread::sleep`, or with a [`CancelGate`] a condvar wait that the gate can
    /// cut short. A deadline is cooperative, like `recv_timeout`: the unit waits until
    /// min(its wait, its deadline) and, if the deadline came first, stops there and reports
    /// `TimedOut` with the cancel latency (its wake-up past the deadline). Returns `None` if
    /// the gate cancelled the unit before or during its wait. On an error under fail-fast the
    /// unit itself raises the gate: input order cancels the units after it (they cannot be
    /// the first error), completion order cancels all.
    ///
    /// `deliver` is the completion-order hand-over: called with the result between the unit's
    /// two hand-over stamps.
    pub fn run_blocking(
        &self,
        index: usize,
        recorder: &Recorder,
        gate: Option<&CancelGate>,
        deliver: Option<&dyn Fn(Handed)>,
    ) -> Option<UnitResult> {
        self.run_blocking_with(index, recorder, gate.map(|g| g as &dyn Gate), deliver, std::thread::sleep)
    }

    /// [`run_blocking`](Self::run_blocking) with the wait given: `sleep` where no gate is
    /// given, the gate's own `sleep_until` under fail-fast. A coroutine runtime passes its own
    /// sleep and gate, so the body stays the one every blocking-shape strategy runs.
    pub fn run_blocking_with(
        &self,
        index: usize,
        recorder: &Recorder,
        gate: Option<&dyn Gate>,
        deliver: Option<&dyn Fn(Handed)>,
        sleep: fn(Duration),
    ) -> Option<UnitResult> {
        if gate.is_some_and(|g| g.is_cancelled(index)) {
            return None;
        }
        let _in_flight = recorder.enter(index);
        let start = Instant::now();
        let wait = self.wait_of(index);
        let deadline_at = self.deadline.filter(|&t| t < wait).map(|t| start + t);
        let until = deadline_at.unwrap_or(start + wait);
        if !wait.is_zero() {
            match gate {
                Some(gate) => {
                    if !gate.sleep_until(index, until) {
                        return None;
                    }
                }
                None => sleep_until(until, sleep),
            }
        }
        let result = match deadline_at {
            Some(deadline_at) => {
                recorder.timed_out(index, deadline_at, Instant::now());
                Err(UnitError::TimedOut { index })
            }
            None => self.compute(index),
        };
        match deliver {
            Some(deliver) => recorder.finish_into(index, || deliver(Handed { index, result })),
            None => {
                recorder.finish(index);
            }
        }
        if let (true, Some(gate), Err(_)) = (self.fail_fast(), gate, result) {
            match self.order {
                Order::Input => gate.cancel_from(index + 1),
                Order::Completion => gate.cancel_from(0),
            }
        }
        Some(result)
    }
}

fn sleep_until(until: Instant, sleep: fn(Duration)) {
    let now = Instant::now();
    if until > now {
        sleep(until - now);
    }
}
