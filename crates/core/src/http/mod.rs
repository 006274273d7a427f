//! The http workload: M requests to a server whose handler waits L, at most C in flight —
//! the tutorials' `aiohttp` client against a slow server, serial versus `gather` behind a
//! `Semaphore(C)`.
//!
//! Core owns the whole expected answer: the body the server sends for request `id`
//! ([`write_body`], in `body`), its digest ([`Digest`]), and which ids the server must fault
//! ([`Faults::fault_for`], deterministic per id, in `faults`), so `verify` checks every
//! response and every error of a run without trusting the client or the server. The spec and
//! its validation (`spec`), the ideal-time model (`ideal`) and the cases (`cases`) have a
//! file each.

mod body;
mod cases;
mod faults;
mod ideal;
pub mod rate;
mod spec;
mod verify;

pub use body::{Digest, body, check_body, write_body};
pub use cases::{SCALING, cases};
pub use faults::{Fault, FaultCounts, Faults, check_rate};
pub use ideal::calibrate;
pub use rate::{Arrival, Rate};
pub use spec::{
    Answer, Connection, DEFAULT_BYTES, DEFAULT_SEED, DEFAULT_TIMEOUT, ErrorKind, Expected, HttpOutcome,
    HttpResult, HttpSpec, MAX_BYTES, MAX_CONCURRENCY, MAX_LATENCY, MAX_REQUESTS, MAX_TIMEOUT, MIN_BYTES,
    Target,
};
