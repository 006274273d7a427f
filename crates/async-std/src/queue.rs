//! Not built yet: the queue issue replaces this module.

use shootout_core::{QueueOutcome, RunError};

pub(crate) fn run(_strategy: &crate::AsyncStd, spec: &shootout_core::QueueSpec) -> Result<QueueOutcome, RunError> {
    let _ = spec;
    Err(RunError::Unsupported("not built yet".into()))
}
