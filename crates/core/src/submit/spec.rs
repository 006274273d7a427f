//! The submit spec: what a case asks for (N units, K submitter threads, bursts, the unit, a
//! cancelled fraction) and its validation, and the reports a strategy answers with.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::check_range;
use crate::spec::{Context, Summary, Workload, WorkloadSpec};
use crate::strategy::Overlap;
use crate::{RunError, SpecError, Strategy, Target, format_duration, parse_duration};

/// Ten million units: ten times the full preset's largest case.
pub const MAX_UNITS: usize = 10_000_000;
/// Each submitter is an OS thread.
pub const MAX_SUBMITTERS: usize = 1_000;
/// A task waiting longer than a second is a typo.
pub const MAX_WAIT: Duration = Duration::from_secs(1);

/// What one submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// `call_soon_threadsafe(cb)`: runs without awaiting anything and records its id.
    Callback,
    /// `run_coroutine_threadsafe(coro)`: waits d with the strategy's native wait, then
    /// records its id.
    Task(#[serde(with = "crate::duration::serde_text")] Duration),
}

impl Unit {
    /// `callback` or `task:10ms` (`=` works in place of `:`).
    pub fn parse(text: &str) -> Result<Unit, SpecError> {
        let t = text.trim();
        if t == "callback" {
            return Ok(Unit::Callback);
        }
        match t.split_once([':', '=']) {
            Some(("task", d)) => parse_duration(d)
                .map(Unit::Task)
                .map_err(|e| SpecError::new(format!("invalid --unit {text:?}: {e}"))),
            _ => Err(SpecError::new(format!(
                "invalid --unit {text:?}: expected callback or task:DURATION (e.g. task:10ms)"
            ))),
        }
    }

    pub fn name(self) -> String {
        match self {
            Unit::Callback => "callback".to_string(),
            Unit::Task(d) => format!("task={}", format_duration(d)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitSpec {
    /// N: ids `0..N`, split into contiguous blocks among the submitters.
    pub units: usize,
    /// K plain OS threads, none of them the strategy's.
    pub submitters: usize,
    /// A submitter hands over this many units, then waits for their results before the next
    /// burst; `None`: all of its units, then every result.
    pub burst: Option<usize>,
    pub unit: Unit,
    /// Every m-th id (`id % m == m - 1`) is cancelled right after it is submitted; 0 for none.
    pub cancel_every: u64,
}

/// What became of one submission, as its submitter saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitResult {
    pub id: u64,
    /// Ns since the run began, just before the submitter handed the unit over.
    pub submitted_ns: u64,
    /// The submitter asked to cancel it.
    pub cancel_requested: bool,
    /// Ns since the run began when the unit started, if it completed; `None` when a cancel
    /// stopped it first (the cancel won).
    pub started_ns: Option<u64>,
}

/// One submitter's results, in submission order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubmitterReport {
    pub results: Vec<UnitResult>,
}

/// What a strategy reports once every submitter has its results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitOutcome {
    /// One per submitter, in index order.
    pub submitters: Vec<SubmitterReport>,
    /// Per id, how many times a unit recorded it (read from the [`Ledger`](super::Ledger)
    /// after the run): 1 for a completed unit, 0 for one whose cancel won.
    pub recorded: Vec<u32>,
}

impl SubmitSpec {
    /// All of each submitter's units at once, no cancel.
    pub fn new(units: usize, submitters: usize, unit: Unit) -> Self {
        SubmitSpec { units, submitters, burst: None, unit, cancel_every: 0 }
    }

    pub fn with_burst(mut self, burst: usize) -> Self {
        self.burst = Some(burst);
        self
    }

    pub fn with_cancel_every(mut self, m: u64) -> Self {
        self.cancel_every = m;
        self
    }

    /// `submit/callback/k=2/n=20000`, then `/burst=B`, then `/cancel=1inM`.
    pub fn case_name(&self) -> String {
        let mut name = format!("submit/{}/k={}/n={}", self.unit.name(), self.submitters, self.units);
        if let Some(b) = self.burst {
            name.push_str(&format!("/burst={b}"));
        }
        if self.cancel_every > 0 {
            name.push_str(&format!("/cancel=1in{}", self.cancel_every));
        }
        name
    }

    /// The ids submitter `k` hands over: its contiguous block of `0..N`.
    pub fn submitter_ids(&self, k: usize) -> std::ops::Range<u64> {
        let n = self.units as u64;
        let total = self.submitters as u64;
        let k = k as u64;
        (k * n / total)..((k + 1) * n / total)
    }

    /// Whether the submitter cancels `id` right after submitting it.
    #[inline]
    pub fn cancels(&self, id: u64) -> bool {
        self.cancel_every > 0 && id % self.cancel_every == self.cancel_every - 1
    }

    /// The largest burst a submitter hands over before waiting.
    pub fn burst_len(&self) -> usize {
        let most = self.units.div_ceil(self.submitters);
        self.burst.map_or(most, |b| b.min(most)).max(1)
    }

    /// A strategy without a cancel operation refuses the cancel cases with this reason.
    pub fn refuse_cancel(&self, strategy: &str, why: &str) -> Result<(), RunError> {
        if self.cancel_every > 0 {
            return Err(RunError::Unsupported(format!("{strategy} has no cancel ({why})")));
        }
        Ok(())
    }
}

impl WorkloadSpec for SubmitSpec {
    type Outcome = SubmitOutcome;
    const WORKLOAD: Workload = Workload::Submit;

    fn validate(&self) -> Result<(), SpecError> {
        check_range("--submissions", self.units as u64, 1, MAX_UNITS as u64)?;
        check_range("--submitters", self.submitters as u64, 1, MAX_SUBMITTERS as u64)?;
        if self.submitters > self.units {
            return Err(SpecError::new(format!(
                "--submitters {} exceeds --submissions {}: every submitter needs a unit",
                self.submitters, self.units
            )));
        }
        if let Some(b) = self.burst {
            check_range("--burst", b as u64, 1, MAX_UNITS as u64)?;
        }
        if let Unit::Task(d) = self.unit
            && (d.is_zero() || d > MAX_WAIT)
        {
            return Err(SpecError::new(format!(
                "--unit task must wait between 1ns and {}, got {} (use --unit callback for no wait)",
                format_duration(MAX_WAIT),
                format_duration(d)
            )));
        }
        check_range("--cancel-every", self.cancel_every, 0, MAX_UNITS as u64)?;
        Ok(())
    }

    fn run(&self, strategy: &dyn Strategy, _target: Option<&Target>) -> Result<SubmitOutcome, RunError> {
        strategy.submit(self)
    }

    fn verify(&self, outcome: &SubmitOutcome) -> Result<Summary, String> {
        super::verify::verify(self, outcome)
    }

    fn ideal(&self, ctx: &Context) -> Option<Duration> {
        super::ideal::ideal(self, ctx)
    }

    fn predict(&self, overlap: Overlap, ctx: &Context) -> Option<Duration> {
        super::ideal::predict(self, overlap, ctx)
    }

    fn params(&self) -> serde_json::Value {
        let (unit, wait_ms) = match self.unit {
            Unit::Callback => ("callback", None),
            Unit::Task(d) => ("task", Some(d.as_secs_f64() * 1e3)),
        };
        serde_json::json!({
            "units": self.units,
            "submitters": self.submitters,
            "burst": self.burst,
            "unit": unit,
            "wait_ms": wait_ms,
            "cancel_every": (self.cancel_every > 0).then_some(self.cancel_every),
        })
    }

    fn units(&self) -> u64 {
        self.units as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_refuses_zeros_and_absurd_sizes() {
        let ok = SubmitSpec::new(10, 2, Unit::Callback);
        assert!(ok.validate().is_ok());
        for (bad, flag) in [
            (SubmitSpec { units: 0, ..ok }, "--submissions"),
            (SubmitSpec { submitters: 0, ..ok }, "--submitters"),
            (SubmitSpec { submitters: 11, ..ok }, "--submitters"),
            (ok.with_burst(0), "--burst"),
            (SubmitSpec { unit: Unit::Task(Duration::ZERO), ..ok }, "--unit"),
            (SubmitSpec { unit: Unit::Task(Duration::from_secs(2)), ..ok }, "--unit"),
        ] {
            let err = bad.validate().unwrap_err().to_string();
            assert!(err.starts_with(flag) && !err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn parses_units_and_splits_ids() {
        assert_eq!(Unit::parse("callback").unwrap(), Unit::Callback);
        assert_eq!(Unit::parse("task:10ms").unwrap(), Unit::Task(Duration::from_millis(10)));
        for bad in ["", "task", "task:x", "cb"] {
            assert!(Unit::parse(bad).is_err(), "{bad:?} parsed");
        }
        let s = SubmitSpec::new(10, 3, Unit::Callback).with_cancel_every(4);
        let ranges: Vec<_> = (0..3).map(|k| s.submitter_ids(k)).collect();
        assert_eq!(ranges, vec![0..3, 3..6, 6..10]);
        let cancelled: Vec<u64> = (0..10).filter(|&id| s.cancels(id)).collect();
        assert_eq!(cancelled, vec![3, 7]);
        assert_eq!(s.case_name(), "submit/callback/k=3/n=10/cancel=1in4");
        assert_eq!(s.burst_len(), 4);
        assert_eq!(s.with_burst(1).burst_len(), 1);
    }
}
