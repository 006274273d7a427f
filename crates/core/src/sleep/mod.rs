//! The sleep workload: N tasks each wait d and report their id — Python's
//! `gather(*(asyncio.sleep(d) for _ in range(n)))`, and with `mode = blocking`, its
//! `to_thread(time.sleep, d)`. The spec and its validation (`spec`), `verify`, the
//! ideal-time model (`ideal`), the cases (`cases`) and memory mode's wait (`release`) have
//! a file each.

mod cases;
mod ideal;
mod release;
mod spec;
mod verify;

pub use cases::{SCALING, cases};
pub use release::Release;
pub use spec::{MAX_DURATION, MAX_TASKS, SleepMode, SleepOutcome, SleepSpec};
