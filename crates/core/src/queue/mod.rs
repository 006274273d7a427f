//! The queue workload: P producers put M message ids into a channel of capacity B, C consumers
//! take them and process each (no cost, CPU work or a wait) — Python's `Queue.put` / `get`.
//! A throughput run joins the producers, closes the channel, and joins the consumers once they
//! have drained it. The "with join" variant is the tutorial's `task_done` / `join()`: every
//! message is acknowledged on one shared count, the run waits until the count is complete,
//! then closes the channel so every consumer stops (the tutorial's cancel) and joins every unit.
//!
//! One file each: the spec and its validation (`spec`); the bookkeeping strategies share
//! ([`Board`], [`ProducerTally`], [`ConsumerTally`], [`Tripwire`] in `board`) and the
//! blocking producer body (`blocking`); apart from them `verify`, which checks what they
//! recorded; the ideal-time model (`ideal`) and the cases (`cases`).

mod blocking;
mod board;
mod cases;
mod ideal;
mod spec;
mod verify;

pub use board::{Board, Busy, ConsumerTally, ProducerTally, Tripwire};
pub use cases::{QUICK_BOUNDED_1, QUICK_MESSAGES, QUICK_WAIT_MESSAGES, SCALING, cases, rate_sweep};
pub use ideal::calibrate;
pub use spec::{
    Capacity, ConsumerReport, Cost, LATENCY_SAMPLES, MAX_CAPACITY, MAX_CONSUMERS, MAX_CPU_ITERATIONS,
    MAX_MESSAGES, MAX_OPEN_LOOP_MESSAGES, MAX_PRODUCERS, MAX_WAIT, Message, ProducerReport, QueueOutcome,
    QueueSpec, cpu_work, id_hash,
};
