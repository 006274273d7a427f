//! The HTTP workload's flags: one case per connection mode from --requests, --concurrency,
//! --latency, --connection, --bytes, --request-timeout and the fault flags.

use std::time::Duration;

use clap::Args;
use shootout_core::http::{Connection, DEFAULT_BYTES, DEFAULT_SEED, DEFAULT_TIMEOUT, Faults, MAX_TIMEOUT};
use shootout_core::{Case, HttpSpec, Spec, SpecError, WorkloadSpec, format_duration};

#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "HTTP workload (replaces the preset's http cases)")]
pub struct HttpFlags {
    /// Number of requests M [default: 1000]
    #[arg(long, value_name = "M", value_parser = super::count, allow_hyphen_values = true)]
    pub requests: Option<u64>,
    /// Most requests in flight at once, C [default: 100, at most M]
    #[arg(long, value_name = "C", value_parser = super::count, allow_hyphen_values = true)]
    pub concurrency: Option<u64>,
    /// How long the server waits before each answer, L, e.g. 0ms, 10ms, 1s [default: 10ms]
    #[arg(long, value_name = "DUR", value_parser = super::duration, allow_hyphen_values = true)]
    pub latency: Option<Duration>,
    /// reuse (keep-alive, a connection per worker) or fresh (a new connection per request) [default: both]
    #[arg(long, value_name = "MODE", value_parser = ["reuse", "fresh"])]
    pub connection: Option<String>,
    /// Response body size B in bytes, at least 32 [default: 1024]
    #[arg(long, value_name = "B", value_parser = super::count, allow_hyphen_values = true)]
    pub bytes: Option<u64>,
    /// Per-request timeout, connect to last body byte [default: 10s]
    #[arg(long, value_name = "DUR", value_parser = super::duration, allow_hyphen_values = true)]
    pub request_timeout: Option<Duration>,
    /// Fraction of requests the server answers HTTP 500, 0 to 1 [default: 0]
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub error_rate: Option<f64>,
    /// Fraction of requests whose connection the server closes without answering [default: 0]
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub reset_rate: Option<f64>,
    /// Fraction of requests the server never answers (the timeout fires) [default: 0]
    #[arg(long, value_name = "F", allow_hyphen_values = true)]
    pub stall_rate: Option<f64>,
    /// Which ids fault; must match `shootout serve --fault-seed` with --target [default: 24301]
    #[arg(long, value_name = "N", value_parser = super::count, allow_hyphen_values = true)]
    pub fault_seed: Option<u64>,
}

impl HttpFlags {
    /// The first of this workload's flags that was given, for messages.
    pub fn first_given(&self) -> Option<&'static str> {
        [
            ("--requests", self.requests.is_some()),
            ("--concurrency", self.concurrency.is_some()),
            ("--latency", self.latency.is_some()),
            ("--connection", self.connection.is_some()),
            ("--bytes", self.bytes.is_some()),
            ("--request-timeout", self.request_timeout.is_some()),
            ("--error-rate", self.error_rate.is_some()),
            ("--reset-rate", self.reset_rate.is_some()),
            ("--stall-rate", self.stall_rate.is_some()),
            ("--fault-seed", self.fault_seed.is_some()),
        ]
        .into_iter()
        .find_map(|(flag, given)| given.then_some(flag))
    }

    /// The cases, one per connection mode and open-loop rate in `open`.
    pub fn cases(&self, open: &super::open_loop::OpenLoopFlags) -> Result<Vec<Case>, SpecError> {
        let requests = super::to_usize("--requests", self.requests.unwrap_or(1_000))?;
        // An unset C never exceeds M: `--requests 10` alone means 10 at once.
        let concurrency = match self.concurrency {
            Some(c) => super::to_usize("--concurrency", c)?,
            None => requests.clamp(1, 100),
        };
        let latency = self.latency.unwrap_or(Duration::from_millis(10));
        let timeout = self.request_timeout.unwrap_or(DEFAULT_TIMEOUT);
        // The spec says "--timeout", which on `run` is the case timeout: name this flag.
        if timeout > MAX_TIMEOUT || timeout <= latency {
            return Err(SpecError::new(format!(
                "--request-timeout must be longer than --latency {} and at most {}, got {}",
                format_duration(latency),
                format_duration(MAX_TIMEOUT),
                format_duration(timeout)
            )));
        }
        let faults = Faults {
            error_rate: self.error_rate.unwrap_or(0.0),
            reset_rate: self.reset_rate.unwrap_or(0.0),
            stall_rate: self.stall_rate.unwrap_or(0.0),
            seed: self.fault_seed.unwrap_or(DEFAULT_SEED),
        };
        let modes = match &self.connection {
            Some(m) => vec![Connection::parse(m)?],
            None => vec![Connection::Reuse, Connection::Fresh],
        };
        let rates = open.rates()?;
        let mut cases = Vec::new();
        for connection in modes {
            for rate in &rates {
                let mut spec = HttpSpec::new(requests, concurrency, latency)
                    .with_connection(connection)
                    .with_bytes(super::to_usize("--bytes", self.bytes.unwrap_or(DEFAULT_BYTES as u64))?)
                    .with_timeout(timeout)
                    .with_faults(faults);
                spec.rate = *rate;
                spec.validate()?;
                cases.push(Case::new(spec.case_name(), Spec::Http(spec)));
            }
        }
        Ok(cases)
    }
}
