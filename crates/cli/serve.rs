//! `shootout serve`: the HTTP target server on its own, so client and server can sit on two
//! machines (`shootout run --workload http --target http://HOST:PORT`). Loopback unless the
//! user names another address. Runs until Ctrl-C, SIGTERM, or its stdin closes (when stdin
//! is a terminal or a pipe), then prints what it served and injected.

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};

use clap::Args;
use shootout_core::http::{DEFAULT_BYTES, DEFAULT_SEED, Faults, check_rate};
use shootout_core::{format_duration, parse_duration};
use shootout_harness::target::{Server, ServerConfig, stop};

use crate::workload;

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; another than loopback only when you name it [default: 127.0.0.1:0, a free port]
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:0", hide_default_value = true)]
    pub bind: String,
    /// How long each /work request waits before its answer, e.g. 0ms, 10ms, 1s
    #[arg(long, value_name = "DUR", default_value = "10ms", allow_hyphen_values = true)]
    pub latency: String,
    /// Body size of a /work answer when the request does not say bytes=
    #[arg(long, value_name = "B", default_value_t = DEFAULT_BYTES as u64, value_parser = workload::count, allow_hyphen_values = true)]
    pub bytes: u64,
    /// Fraction of requests answered HTTP 500, 0 to 1
    #[arg(long, value_name = "F", default_value_t = 0.0, allow_hyphen_values = true)]
    pub error_rate: f64,
    /// Fraction of requests whose connection is closed without an answer, 0 to 1
    #[arg(long, value_name = "F", default_value_t = 0.0, allow_hyphen_values = true)]
    pub reset_rate: f64,
    /// Fraction of requests never answered (the client's timeout must fire), 0 to 1
    #[arg(long, value_name = "F", default_value_t = 0.0, allow_hyphen_values = true)]
    pub stall_rate: f64,
    /// Seed of the fault pattern: which request ids fault; `shootout run` must use the same
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED, value_parser = workload::count, allow_hyphen_values = true)]
    pub fault_seed: u64,
    /// Worker threads of the server's runtime [default: the number of cores]
    #[arg(long, value_name = "N", value_parser = workload::count, allow_hyphen_values = true)]
    pub threads: Option<u64>,
    /// Open connections at once; connections beyond are closed on accept
    #[arg(long, value_name = "N", default_value_t = 16_384, value_parser = workload::count, allow_hyphen_values = true)]
    pub max_connections: u64,
    /// Longest request head in bytes (request line and headers); longer gets 431
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024, value_parser = workload::count, allow_hyphen_values = true)]
    pub max_header_bytes: u64,
    /// Close a connection that has not sent a whole request head this long after its first byte (or its connect)
    #[arg(long, value_name = "DUR", default_value = "10s", allow_hyphen_values = true)]
    pub header_timeout: String,
    /// Close a keep-alive connection with no new request, or not reading its answer, for this long
    #[arg(long, value_name = "DUR", default_value = "30s", allow_hyphen_values = true)]
    pub idle_timeout: String,
}

impl ServeArgs {
    /// The server configuration, or one line saying which flag is wrong.
    pub fn config(&self) -> Result<ServerConfig, String> {
        let bind = parse_bind(&self.bind)?;
        let duration = |flag: &str, text: &str| parse_duration(text).map_err(|e| format!("{flag}: {e}"));
        let latency = duration("--latency", &self.latency)?;
        let header_timeout = duration("--header-timeout", &self.header_timeout)?;
        let idle_timeout = duration("--idle-timeout", &self.idle_timeout)?;
        let size = |flag: &str, value: u64| {
            usize::try_from(value).map_err(|_| format!("{flag} {value} is far too large"))
        };
        for (flag, rate) in [
            ("--error-rate", self.error_rate),
            ("--reset-rate", self.reset_rate),
            ("--stall-rate", self.stall_rate),
        ] {
            check_rate(flag, rate).map_err(|e| e.to_string())?;
        }
        let config = ServerConfig {
            bind,
            latency,
            bytes: size("--bytes", self.bytes)?,
            faults: Faults {
                error_rate: self.error_rate,
                reset_rate: self.reset_rate,
                stall_rate: self.stall_rate,
                seed: self.fault_seed,
            },
            threads: match self.threads {
                Some(t) => size("--threads", t)?,
                None => shootout_harness::target::default_server_threads(),
            },
            max_connections: size("--max-connections", self.max_connections)?,
            max_header_bytes: size("--max-header-bytes", self.max_header_bytes)?,
            header_timeout,
            idle_timeout,
        };
        config.validate()?;
        Ok(config)
    }
}

fn parse_bind(text: &str) -> Result<SocketAddr, String> {
    let bad = |why: String| format!("--bind must be ADDR:PORT like 127.0.0.1:8080, got {text:?}: {why}");
    text.to_socket_addrs().map_err(|e| bad(e.to_string()))?.next().ok_or_else(|| bad("no address".into()))
}

/// Runs the server until Ctrl-C, SIGTERM or the end of stdin; prints its URL first (the first
/// word of the first line) and, on exit, what it served and injected.
pub fn serve(args: &ServeArgs) -> Result<(), String> {
    let config = args.config()?;
    // Before any thread starts, so all inherit the mask and the signals reach `stop::wait`.
    stop::block_stop_signals()?;
    shootout_core::metrics::raise_nofile_limit()
        .map_err(|e| format!("could not raise RLIMIT_NOFILE: {e}"))?;
    let server = Server::start(config.clone())?;
    if !server.addr().ip().is_loopback() {
        eprintln!("warning: listening on {}, reachable from other machines", server.addr());
    }
    let f = &config.faults;
    println!(
        "{} latency={} bytes={} error-rate={} reset-rate={} stall-rate={} fault-seed={} threads={} \
         max-connections={} header-timeout={} idle-timeout={} (stop with Ctrl-C or by closing stdin)",
        server.url(),
        format_duration(config.latency),
        config.bytes,
        f.error_rate,
        f.reset_rate,
        f.stall_rate,
        f.seed,
        config.threads,
        config.max_connections,
        format_duration(config.header_timeout),
        format_duration(config.idle_timeout)
    );
    let _ = std::io::stdout().flush();
    let reason = stop::wait();
    let injected = server.stop();
    println!("stopped ({reason}): {injected}");
    Ok(())
}
