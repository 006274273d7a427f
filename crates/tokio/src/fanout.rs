//! Not built yet: the fanout issue replaces this module.

use shootout_core::{FanOutOutcome, RunError};

pub(crate) fn run(_strategy: &crate::Tokio, spec: &shootout_core::FanOutSpec) -> Result<FanOutOutcome, RunError> {
    let _ = spec;
    Err(RunError::Unsupported("not built yet".into()))
}
