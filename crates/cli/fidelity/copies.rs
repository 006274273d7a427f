//! The minimal queue programs' own sources, compiled again in this crate: the same programs,
//! with their own copies of the channels' and runtimes' code, laid out elsewhere. How far a copy
//! lands from its original is what compiling alone moves a row by (METHODOLOGY, Fidelity).

#[path = "../../minimal/src/queue/threads.rs"]
pub(super) mod threads;

#[path = "../../minimal/src/queue/tasks.rs"]
pub(super) mod tasks;
