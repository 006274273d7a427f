//! Not built yet: the http issue replaces this module.

use shootout_core::{HttpOutcome, RunError};

pub(crate) fn run(_strategy: &crate::Rayon, spec: &shootout_core::HttpSpec, _target: &shootout_core::Target) -> Result<HttpOutcome, RunError> {
    let _ = spec;
    Err(RunError::Unsupported("not built yet".into()))
}
