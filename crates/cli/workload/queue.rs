//! The queue workload's flags. Not built yet: its issue adds them.

use clap::Args;
use shootout_core::{Case, SpecError};

#[derive(Debug, Clone, Default, Args)]
pub struct QueueFlags {}

impl QueueFlags {
    pub fn given(&self) -> bool {
        false
    }

    pub fn cases(&self) -> Result<Vec<Case>, SpecError> {
        Ok(Vec::new())
    }
}
