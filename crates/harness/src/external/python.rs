//! `python-asyncio`: the asyncio tutorials' own idioms (`gather`, `TaskGroup`, `Semaphore`,
//! `wait_for`, `as_completed`, `Queue` with `task_done`/`join`, `to_thread`, an HTTP/1.1
//! client on `asyncio.open_connection`) in one standard-library Python program,
//! `external/python/shootout_asyncio.py`, compiled into the binary and run with `python3 -c`.

use shootout_core::{Overlap, RunError, Strategy};

use super::{External, Program};

pub const NAME: &str = "python-asyncio";

/// The program, embedded so the binary needs nothing but an interpreter.
pub const SOURCE: &str = include_str!("../../../../external/python/shootout_asyncio.py");

/// The interpreter: `$SHOOTOUT_PYTHON`, else `python3` on the PATH.
pub fn interpreter() -> String {
    std::env::var("SHOOTOUT_PYTHON").ok().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "python3".into())
}

/// One event loop thread overlaps every timer; `to_thread` blocks on the loop's default
/// executor, `min(32, os.cpu_count() + 4)` threads.
pub fn overlap(_workers: usize) -> Overlap {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    Overlap { timer: None, blocking: Some((cpus + 4).min(32)) }
}

/// Starts the program on `$SHOOTOUT_PYTHON` (or `python3`): `Unsupported` when there is no
/// such interpreter or it is older than 3.11.
pub fn build(workers: usize) -> Result<Box<dyn Strategy>, RunError> {
    build_with(&interpreter(), workers)
}

/// Starts the program on a given interpreter.
pub fn build_with(interpreter: &str, workers: usize) -> Result<Box<dyn Strategy>, RunError> {
    let program = Program { command: interpreter.to_string(), args: vec!["-c".into(), SOURCE.into()] };
    // One event loop thread: W is 1 whatever `--workers` says (the registry's fixed_workers).
    Ok(Box::new(External::start(NAME, program, 1, overlap(workers))?))
}
