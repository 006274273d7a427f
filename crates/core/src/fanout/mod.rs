//! The fan-out workload: N units, each optionally waits and then computes, and the results are
//! gathered — Python's `gather` (input order), `gather(return_exceptions=True)` (collect every
//! error in place), plain `gather` / `TaskGroup` (fail fast), `wait_for` (a per-unit deadline),
//! `as_completed` (completion order) and `Semaphore(L)` (a limit on units in flight).
//!
//! A unit is: take a limit permit (if any), start its clock, wait (the strategy's native wait;
//! unit i with i % 4 == 3 waits 4× longer when `slow` is set), run `work` iterations of
//! [`kernel`], then succeed with the kernel's value or fail if it is an error unit. Under a
//! deadline, a unit still waiting when the deadline passes is cancelled and reports `TimedOut`.
//!
//! Core owns everything that must be identical across strategies, one file each: the kernel
//! and its expected value (`kernel`), the spec with which units fail or are slow (`spec`), the
//! blocking unit body that sequential, threads and rayon share (`blocking`,
//! [`FanOutSpec::run_blocking`]), the [`Recorder`] whose per-unit slots stamp start, hand-over and end (`record`) and the
//! [`CancelGate`] (`cancel`), and apart from them `verify`, which checks every result, its
//! place, the fail-fast and completion-order rules; the ideal-time model (`ideal`) and the
//! cases (`cases`).

mod blocking;
mod cancel;
mod cases;
mod ideal;
mod kernel;
mod record;
mod spec;
mod verify;

pub use cancel::{CancelGate, Gate};
pub use cases::{SCALING, cases};
pub use ideal::{CALIBRATION_KEY, calibrate};
pub use kernel::kernel;
pub use record::{Recorder, Running, join_failed};
pub use spec::{
    DEADLINE_MARGIN, ErrorPolicy, Errors, FanOutOutcome, FanOutSpec, Finish, HEAVY_FACTOR, Handed,
    MAX_TOTAL_WORK, MAX_UNITS, MAX_WAIT, MAX_WORK, Order, SLOW_FACTOR, Skew, UnitError, UnitResult,
};
