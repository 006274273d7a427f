//! shootout-harness: the registry (the one list of strategies), the verify pass, the runner
//! that measures every case in a fresh subprocess, and the criterion glue.

pub mod agreement;
pub mod bench;
pub mod child;
pub mod compare;
pub mod criterion_tables;
pub mod env;
pub mod external;
pub mod load;
pub mod plot;
pub mod registry;
pub mod report;
pub mod runner;
pub mod table;
pub mod target;
pub mod terminal;

pub use registry::{Entry, STRATEGIES};
