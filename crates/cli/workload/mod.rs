//! Per-workload command-line parameters. Each workload's flags narrow the preset: when any of
//! them is given, that workload's preset cases are replaced by the case(s) the flags describe
//! (unset flags take the defaults shown in `--help`), and without `--workload` only the
//! workloads whose flags were given run.

pub mod fanout;
pub mod http;
pub mod open_loop;
pub mod queue;
pub mod sleep;
pub mod submit;

use shootout_core::SpecError;

/// Parses a count: digits, optionally with `_` separators (`10_000`). Signs, fractions and
/// exponents are refused with a message that names the flag's expectation.
pub fn count(text: &str) -> Result<u64, String> {
    let digits: String = text.trim().chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("expected a whole number like 100 or 10_000, got {text:?}"));
    }
    digits.parse::<u64>().map_err(|_| format!("{text:?} is far too large"))
}

/// Parses a duration like `10ms`, `1s`, `250us`.
pub fn duration(text: &str) -> Result<std::time::Duration, String> {
    shootout_core::parse_duration(text).map_err(|e| e.to_string())
}

/// Converts a parsed count to `usize`, or says which flag overflowed.
pub fn to_usize(flag: &str, value: u64) -> Result<usize, SpecError> {
    usize::try_from(value).map_err(|_| SpecError::new(format!("{flag} {value} is far too large")))
}
