//! The two errors of the contract: why a strategy produced no outcome ([`RunError`]) and why a
//! spec or command-line value was refused ([`SpecError`]), each one line for a person.

use std::fmt;

/// Why a strategy could not produce an outcome. The message is for a person choosing a
/// runtime: it names what failed and the OS's reason, e.g.
/// "could not spawn thread 15871 of 100000: Resource temporarily unavailable (os error 11)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// This strategy cannot run this workload at all; the tables show the reason.
    Unsupported(String),
    /// The run started and could not finish (spawn refused, I/O error, runtime panic).
    Failed(String),
}

impl RunError {
    pub fn failed(msg: impl Into<String>) -> Self {
        RunError::Failed(msg.into())
    }

    /// A thread the OS refused to create: `index` of `total`, with the OS's own words.
    pub fn spawn(index: usize, total: usize, err: &std::io::Error) -> Self {
        RunError::Failed(format!("could not spawn thread {} of {total}: {err}", index + 1))
    }

    /// A runtime or pool that could not be built.
    pub fn build(what: &str, err: impl fmt::Display) -> Self {
        RunError::Failed(format!("could not build {what}: {err}"))
    }

    /// A task or thread that panicked; the payload, when it is a string, says why.
    pub fn panicked(what: &str, payload: Box<dyn std::any::Any + Send>) -> Self {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_string());
        RunError::Failed(format!("{what} panicked: {why}"))
    }
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Unsupported(why) => write!(f, "unsupported: {why}"),
            RunError::Failed(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for RunError {}

/// A spec or command-line value that is out of range or malformed. One line, for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(pub String);

impl SpecError {
    pub fn new(msg: impl Into<String>) -> Self {
        SpecError(msg.into())
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

/// Checks `min <= value <= max` for a count named `what`, with a message that says the range.
pub fn check_range(what: &str, value: u64, min: u64, max: u64) -> Result<(), SpecError> {
    if value < min || value > max {
        return Err(SpecError::new(format!("{what} must be between {min} and {max}, got {value}")));
    }
    Ok(())
}
