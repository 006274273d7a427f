//! The submit workload: K foreign (plain OS) threads hand N units to an already-running
//! strategy — asyncio's `call_soon_threadsafe` (a callback) and `run_coroutine_threadsafe` (a
//! task that waits) — cancel a fraction right after submission, and wait for every result.
//!
//! One file each: the spec, its validation and the outcome (`spec`); what strategies record
//! with (`ledger`) and the blocking strategies' shared body (`blocking`); apart from them
//! `verify`; the ideal-time model (`ideal`) and the cases (`cases`).

mod blocking;
mod cases;
mod ideal;
mod ledger;
mod spec;
mod verify;

pub use blocking::{Job, join_submitters, run_blocking, run_on_workers};
pub use cases::{QUICK_CALLBACKS, QUICK_TASKS, SCALING, cases};
pub use ideal::calibrate;
pub use ledger::{Ledger, Slots};
pub use spec::{
    MAX_SUBMITTERS, MAX_UNITS, MAX_WAIT, SubmitOutcome, SubmitSpec, SubmitterReport, Unit, UnitResult,
};
