//! The queue workload. Not built yet: its issue replaces this module; until then every
//! strategy answers `RunError::Unsupported("not built yet")` and the preset has no queue cases.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::catalog::{Case, Preset};
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::Overlap;
use crate::{RunError, SpecError, Strategy, Target};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSpec {
    pub messages: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueOutcome {
    pub messages: usize,
}

impl WorkloadSpec for QueueSpec {
    type Outcome = QueueOutcome;
    const WORKLOAD: Workload = Workload::Queue;

    fn validate(&self) -> Result<(), SpecError> {
        crate::error::check_range("--messages", self.messages as u64, 1, 1_000_000)
    }

    fn run(&self, _strategy: &dyn Strategy, _target: Option<&Target>) -> Result<QueueOutcome, RunError> {
        Err(RunError::Unsupported("not built yet".into()))
    }

    fn verify(&self, outcome: &QueueOutcome) -> Result<Summary, String> {
        Err(format!("the queue workload is not built yet ({} messages)", outcome.messages))
    }

    fn ideal(&self, _ctx: &Context) -> Option<Duration> {
        None
    }

    fn predict(&self, _overlap: Overlap, _ctx: &Context) -> Option<Duration> {
        None
    }

    fn params(&self) -> serde_json::Value {
        serde_json::json!({ "messages": self.messages })
    }

    fn units(&self) -> u64 {
        self.messages as u64
    }
}

pub fn cases(_preset: Preset) -> Vec<Case> {
    Vec::new()
}

/// Calibrations this workload's ideal times need, measured once per run on this machine
/// (recorded in the results `env.calibration`, passed back in [`Context::calibration`]).
pub fn calibrate() -> Vec<(String, f64)> {
    Vec::new()
}
