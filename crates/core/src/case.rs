//! A case and a preset: the named, validated spec the harness runs, and the size class it
//! belongs to. The catalog and every workload's cases file build on these.

use serde::{Deserialize, Serialize};

use crate::{Spec, SpecError, Workload};

/// A named, validated spec: one row group in the tables, one criterion group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Case {
    /// Stable, unique name, `<workload>/<variant>/<params>`: `sleep/timer/n=100/d=10ms`.
    pub name: String,
    pub spec: Spec,
    /// Whether criterion benches this case. Cases that exist to measure memory are for the
    /// subprocess runner only: criterion times, it does not read RSS, and a thread-limit
    /// abort there would end the whole bench process.
    #[serde(default = "yes")]
    pub bench: bool,
    /// Whether the full preset's worker sweep re-runs this case at every W below the machine's
    /// (the scaling charts); the other cases run at the machine's W only. An explicit
    /// `--workers 1,2,…` re-runs every case.
    #[serde(default)]
    pub scaling: bool,
    /// At most this many timed repetitions (`None`: the run's R). For cases whose every run is
    /// seconds of waiting with a spread far under that (the tutorials' 1 s figures), so the
    /// full preset stays its length; a smaller `--repeat` still wins.
    #[serde(default)]
    pub max_repeat: Option<usize>,
}

/// Timed repetitions of the tutorials' figures (see [`Case::max_repeat`]): each run is seconds
/// of waiting whose spread is milliseconds, so three give a median at half the full preset's cost.
pub const TUTORIAL_REPEAT: usize = 3;

fn yes() -> bool {
    true
}

impl Case {
    pub fn new(name: impl Into<String>, spec: Spec) -> Self {
        Case { name: name.into(), spec, bench: true, scaling: false, max_repeat: None }
    }

    /// The case as a timed repetition runs it (see [`Spec::timed`]).
    pub fn timed(&self) -> Case {
        Case { spec: self.spec.timed(), ..self.clone() }
    }

    /// A case the full preset's worker sweep runs at every W (see [`Case::scaling`]).
    pub fn scaling(mut self) -> Self {
        self.scaling = true;
        self
    }

    /// A case the runner measures but criterion does not (see [`Case::bench`]).
    pub fn runner_only(mut self) -> Self {
        self.bench = false;
        self
    }

    /// A case timed at most `r` times (see [`Case::max_repeat`]).
    pub fn max_repeat(mut self, r: usize) -> Self {
        self.max_repeat = Some(r);
        self
    }

    /// The timed repetitions this case gets in a run of `repeat`.
    pub fn repeats(&self, repeat: usize) -> usize {
        self.max_repeat.map_or(repeat, |r| r.min(repeat))
    }

    pub fn workload(&self) -> Workload {
        self.spec.workload()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// The default of `cargo run --release`: every workload, small sizes, R = 3.
    Quick,
    /// Publication: larger N, the sweeps, R = 5.
    Full,
}

impl Preset {
    pub fn parse(text: &str) -> Result<Preset, SpecError> {
        match text.trim() {
            "quick" => Ok(Preset::Quick),
            "full" => Ok(Preset::Full),
            other => Err(SpecError::new(format!("unknown preset {other:?}; valid: quick, full"))),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::Quick => "quick",
            Preset::Full => "full",
        }
    }

    pub fn repeat(self) -> usize {
        match self {
            Preset::Quick => 3,
            Preset::Full => 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_caps_the_runs_repetitions_never_raises_them() {
        let spec = crate::Spec::Sleep(crate::SleepSpec::new(
            5,
            std::time::Duration::from_secs(1),
            crate::SleepMode::Timer,
        ));
        let plain = Case::new("sleep/timer/n=5/d=1s", spec);
        assert_eq!(plain.repeats(5), 5);
        let capped = plain.max_repeat(TUTORIAL_REPEAT);
        assert_eq!(capped.repeats(5), 3);
        assert_eq!(capped.repeats(1), 1);
    }

    #[test]
    fn presets_parse() {
        assert_eq!(Preset::parse("quick").unwrap(), Preset::Quick);
        assert_eq!(Preset::parse("full").unwrap(), Preset::Full);
        assert!(Preset::parse("fast").is_err());
    }
}
