//! The fan-out workload on the calling thread: a loop over the units.

use shootout_core::fanout::Recorder;
use shootout_core::{FanOutOutcome, FanOutSpec, RunError};

/// A loop over the units on the calling thread, each waiting with `thread::sleep` (up to its
/// deadline) and then computing. Finish order is input order, so both orders hand results over
/// as the loop produces them; fail-fast is a `break` at the first error, and the units after
/// it never start. One unit at a time is within any limit.
pub(crate) fn run(_strategy: &crate::Sequential, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let recorder = Recorder::new(spec.units);
    let mut results = Vec::with_capacity(spec.units);
    for index in 0..spec.units {
        let result = spec.run_blocking(index, &recorder, None, None);
        results.push(result);
        if spec.fail_fast() && result.is_some_and(|r| r.is_err()) {
            break;
        }
    }
    Ok(recorder.outcome(spec.hand_over_in_order(results), None))
}
