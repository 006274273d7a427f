//! shootout-core: the contract every strategy implements and every number is checked against.
//!
//! Each workload is a folder (`sleep`, `fanout`, `http`, `queue`, `submit`) with a file each for its spec
//! (with validation and the outcome a strategy returns), `verify`, the ideal-time model and its
//! cases, and apart from verify the strategy-side helpers that record what a run did; `blocking`
//! holds what the blocking strategies share. [`Case`]
//! and [`Preset`] live in `case`, the [`catalog`] lists every workload's cases. [`Strategy`] is
//! the one contract; [`Spec`] lets the harness treat every workload alike; [`results`] is the
//! published schema.

pub mod blocking;
pub mod case;
pub mod catalog;
pub mod duration;
pub mod error;
pub mod fanout;
pub mod http;
pub mod inflight;
pub mod metrics;
pub mod queue;
pub mod results;
pub mod sleep;
pub mod spec;
mod splitmix;
pub mod strategy;
pub mod submit;
pub mod wire;

pub use case::{Case, Preset};
pub use duration::{format_duration, parse_duration};
pub use error::{RunError, SpecError};
pub use fanout::{FanOutOutcome, FanOutSpec};
pub use http::{HttpOutcome, HttpSpec, Target};
pub use inflight::{Span, Stamp, peak_of, peak_overlap};
pub use queue::{QueueOutcome, QueueSpec};
pub use sleep::{SleepMode, SleepOutcome, SleepSpec};
pub use spec::{CaseError, Timed};
pub use spec::{Context, Latency, Spec, Summary, Throughput, Workload, WorkloadSpec};
pub use strategy::{Notes, Overlap, OwnMeasure, Strategy, WaitKind};
pub use submit::{SubmitOutcome, SubmitSpec};
