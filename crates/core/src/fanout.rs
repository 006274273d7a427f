//! The fan-out workload. Not built yet: its issue replaces this module; until then every
//! strategy answers `RunError::Unsupported("not built yet")` and the preset has no fan-out cases.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::catalog::{Case, Preset};
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::Overlap;
use crate::{RunError, SpecError, Strategy, Target};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanOutSpec {
    pub units: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FanOutOutcome {
    pub units: usize,
}

impl WorkloadSpec for FanOutSpec {
    type Outcome = FanOutOutcome;
    const WORKLOAD: Workload = Workload::FanOut;

    fn validate(&self) -> Result<(), SpecError> {
        crate::error::check_range("--units", self.units as u64, 1, 1_000_000)
    }

    fn run(&self, _strategy: &dyn Strategy, _target: Option<&Target>) -> Result<FanOutOutcome, RunError> {
        Err(RunError::Unsupported("not built yet".into()))
    }

    fn verify(&self, outcome: &FanOutOutcome) -> Result<Summary, String> {
        Err(format!("the fan-out workload is not built yet ({} units)", outcome.units))
    }

    fn ideal(&self, _ctx: &Context) -> Option<Duration> {
        None
    }

    fn predict(&self, _overlap: Overlap, _ctx: &Context) -> Option<Duration> {
        None
    }

    fn params(&self) -> serde_json::Value {
        serde_json::json!({ "units": self.units })
    }

    fn units(&self) -> u64 {
        self.units as u64
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
