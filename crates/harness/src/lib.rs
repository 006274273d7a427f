//! shootout-harness: the registry (the one list of strategies), the verify pass, the runner
//! that measures every case in a fresh subprocess, and the criterion glue.

pub mod bench;
pub mod child;
pub mod env;
pub mod registry;
pub mod runner;
pub mod table;
pub mod target;

pub use registry::{Entry, STRATEGIES};
