//! The http workload. Not built yet: its issue replaces this module; until then every
//! strategy answers `RunError::Unsupported("not built yet")` and the preset has no http cases.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::catalog::{Case, Preset};
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::Overlap;
use crate::{RunError, SpecError, Strategy};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpSpec {
    pub requests: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOutcome {
    pub requests: usize,
}

impl WorkloadSpec for HttpSpec {
    type Outcome = HttpOutcome;
    const WORKLOAD: Workload = Workload::Http;

    fn validate(&self) -> Result<(), SpecError> {
        crate::error::check_range("--requests", self.requests as u64, 1, 1_000_000)
    }

    fn run(&self, _strategy: &dyn Strategy, _target: Option<&Target>) -> Result<HttpOutcome, RunError> {
        Err(RunError::Unsupported("not built yet".into()))
    }

    fn verify(&self, outcome: &HttpOutcome) -> Result<Summary, String> {
        Err(format!("the http workload is not built yet ({} requests)", outcome.requests))
    }

    fn ideal(&self, _ctx: &Context) -> Option<Duration> {
        None
    }

    fn predict(&self, _overlap: Overlap, _ctx: &Context) -> Option<Duration> {
        None
    }

    fn params(&self) -> serde_json::Value {
        serde_json::json!({ "requests": self.requests })
    }

    fn units(&self) -> u64 {
        self.requests as u64
    }
}

pub fn cases(_preset: Preset) -> Vec<Case> {
    Vec::new()
}

/// The HTTP server every strategy calls: `http://127.0.0.1:PORT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub url: String,
}

/// Calibrations this workload's ideal times need, measured once per run on this machine
/// (recorded in the results `env.calibration`, passed back in [`Context::calibration`]).
pub fn calibrate() -> Vec<(String, f64)> {
    Vec::new()
}
