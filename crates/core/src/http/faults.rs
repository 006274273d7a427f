//! Fault injection: which requests the server answers with a 500, resets or stalls — a pure
//! function of (id, seed), so the server injects and `verify` expects exactly the same ids.

use serde::{Deserialize, Serialize};

use super::DEFAULT_SEED;
use crate::SpecError;
use crate::splitmix::splitmix64;

/// What the server does to one request instead of answering it normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    /// Answer HTTP 500.
    Error,
    /// Close the connection without answering.
    Reset,
    /// Never answer: the client's per-request timeout must fire.
    Stall,
}

/// Fault injection rates, each in [0, 1], summing to at most 1. Which ids fault is a pure
/// function of (id, seed), so the server injects and core expects exactly the same ids.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Faults {
    pub error_rate: f64,
    pub reset_rate: f64,
    pub stall_rate: f64,
    pub seed: u64,
}

impl Default for Faults {
    fn default() -> Self {
        Faults { error_rate: 0.0, reset_rate: 0.0, stall_rate: 0.0, seed: DEFAULT_SEED }
    }
}

impl Faults {
    pub fn none() -> Self {
        Faults::default()
    }

    pub fn is_none(&self) -> bool {
        self.error_rate == 0.0 && self.reset_rate == 0.0 && self.stall_rate == 0.0
    }

    pub fn validate(&self) -> Result<(), SpecError> {
        for (flag, rate) in [
            ("--error-rate", self.error_rate),
            ("--reset-rate", self.reset_rate),
            ("--stall-rate", self.stall_rate),
        ] {
            check_rate(flag, rate)?;
        }
        let sum = self.error_rate + self.reset_rate + self.stall_rate;
        if sum > 1.0 + 1e-9 {
            return Err(SpecError::new(format!(
                "--error-rate + --reset-rate + --stall-rate must be at most 1, got {sum}"
            )));
        }
        Ok(())
    }

    /// The fault the server injects for request `id`, if any.
    pub fn fault_for(&self, id: u64) -> Option<Fault> {
        if self.is_none() {
            return None;
        }
        // 53 random bits as a uniform fraction in [0, 1).
        let u = (splitmix64(id ^ splitmix64(self.seed)) >> 11) as f64 / (1u64 << 53) as f64;
        if u < self.error_rate {
            Some(Fault::Error)
        } else if u < self.error_rate + self.reset_rate {
            Some(Fault::Reset)
        } else if u < self.error_rate + self.reset_rate + self.stall_rate {
            Some(Fault::Stall)
        } else {
            None
        }
    }

    /// How many of ids `0..requests` get each fault: (errors, resets, stalls).
    pub fn count(&self, requests: usize) -> FaultCounts {
        let mut counts = FaultCounts::default();
        if self.is_none() {
            return counts;
        }
        for id in 0..requests as u64 {
            match self.fault_for(id) {
                Some(Fault::Error) => counts.errors += 1,
                Some(Fault::Reset) => counts.resets += 1,
                Some(Fault::Stall) => counts.stalls += 1,
                None => {}
            }
        }
        counts
    }
}

/// Checks one rate flag: a finite number in [0, 1].
pub fn check_rate(flag: &str, rate: f64) -> Result<(), SpecError> {
    if !rate.is_finite() || !(0.0..=1.0).contains(&rate) {
        return Err(SpecError::new(format!("{flag} must be between 0 and 1, got {rate}")));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultCounts {
    pub errors: u64,
    pub resets: u64,
    pub stalls: u64,
}
