//! shootout-core: the contract every strategy implements and every number is checked against.
//!
//! Each workload module (`sleep`, `fanout`, `http`, `queue`) owns its spec (with validation),
//! the outcome a strategy returns, the expected answer and `verify`, the ideal-time model and
//! its cases in the catalog. [`Strategy`] is the one contract; [`Spec`] lets the harness treat
//! every workload alike; [`results`] is the published schema.

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
pub mod strategy;

pub use case::{Case, Preset};
pub use duration::{format_duration, parse_duration};
pub use error::{RunError, SpecError};
pub use fanout::{FanOutOutcome, FanOutSpec};
pub use http::{HttpOutcome, HttpSpec, Target};
pub use inflight::InFlight;
pub use queue::{QueueOutcome, QueueSpec};
pub use sleep::{SleepMode, SleepOutcome, SleepSpec};
pub use spec::{CaseError, Timed};
pub use spec::{Context, Latency, Spec, Summary, Throughput, Workload, WorkloadSpec};
pub use strategy::{Overlap, Strategy, WaitKind};
