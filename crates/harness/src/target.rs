//! Where HTTP cases send their requests: an in-process server configured from the case's spec
//! (started in the parent process outside any timing; the child processes that run the
//! strategies get its URL), the user's `--target`, checked against the spec first, or a
//! `shootout serve` child process ([`ServeProcess`], for the criterion benches).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use shootout_core::{HttpSpec, Target, WorkloadSpec, format_duration};

pub use shootout_http::server::{
    Injected, PublicConfig, Server, ServerConfig, default_threads as default_server_threads,
};
pub use shootout_http::stop;

/// Keeps the server a case talks to alive; dropping it stops an in-process server.
pub struct TargetGuard {
    target: Target,
    server: Option<Server>,
}

impl TargetGuard {
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// What the in-process server has served and injected so far (`None` for `--target`).
    pub fn injected(&self) -> Option<Injected> {
        self.server.as_ref().map(Server::injected)
    }

    pub fn server(&self) -> Option<&Server> {
        self.server.as_ref()
    }
}

/// The server for `spec`: the user's `--target` when given (after checking that it waits and
/// faults as the spec expects), else an in-process server on 127.0.0.1 with the spec's latency,
/// body size and faults.
pub fn for_spec(spec: &HttpSpec, explicit: Option<&Target>) -> Result<TargetGuard, String> {
    spec.validate().map_err(|e| e.to_string())?;
    if let Some(target) = explicit {
        shootout_http::client::check_server(spec, target)?;
        return Ok(TargetGuard { target: target.clone(), server: None });
    }
    // The server holds one descriptor per client connection.
    shootout_http::ensure_open_files(
        spec.concurrency + shootout_http::SPARE_FILES,
        &format!("the in-process server for --concurrency {}", spec.concurrency),
    )?;
    let server = Server::start(ServerConfig::for_spec(spec))
        .map_err(|e| format!("could not start the in-process HTTP server: {e}"))?;
    Ok(TargetGuard { target: Target::new(server.url()), server: Some(server) })
}

/// How long a `shootout serve` child may take to print its URL.
const SERVE_START_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a `shootout serve` child may take to stop once its stdin closes (its own shutdown
/// waits up to 2 s for open connections) before it is killed.
const SERVE_STOP_GRACE: Duration = Duration::from_secs(3);

/// A `shootout serve` running as a child process, so the server's runtime, threads and sockets
/// are not in the process being measured. Dropping it stops the child — also when a panic
/// unwinds past it: first by closing its stdin (serve's own stop), then by killing it.
/// Because its stdin is a pipe from this process, the server also stops by itself when this
/// process dies without unwinding.
pub struct ServeProcess {
    child: Child,
    target: Target,
    grace: Duration,
}

impl ServeProcess {
    /// Starts `exe serve` on a free loopback port with the server settings of `spec` (those of
    /// the in-process server), and checks through its `/config` that it answers and waits and
    /// faults as `spec` expects — the same check as an explicit `--target`.
    pub fn for_spec(exe: &Path, spec: &HttpSpec) -> Result<ServeProcess, String> {
        spec.validate().map_err(|e| e.to_string())?;
        let mut command = Command::new(exe);
        command.arg("serve").args(serve_args(&ServerConfig::for_spec(spec)));
        let process = ServeProcess::start(command)?;
        // On an error here `process` is dropped, which stops the child.
        for_spec(spec, Some(process.target()))?;
        Ok(process)
    }

    /// Spawns `command`, a server that prints its URL as the first word of its first line on
    /// stdout and stops when its stdin closes (the contract of `shootout serve`).
    pub fn start(mut command: Command) -> Result<ServeProcess, String> {
        let program = command.get_program().to_string_lossy().into_owned();
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child = command.spawn().map_err(|e| format!("could not start {program}: {e}"))?;
        let stdout = child.stdout.take().ok_or_else(|| format!("{program}: no stdout pipe"))?;
        // From here on, returning early drops `process`, which stops the child.
        let mut process = ServeProcess { child, target: Target::new(String::new()), grace: SERVE_STOP_GRACE };
        let (first_line, line) = mpsc::channel();
        // A thread, so a server that never prints cannot block us past the timeout. It reads to
        // the end so that the server's exit summary never meets a closed pipe.
        std::thread::Builder::new()
            .name("serve-stdout".into())
            .spawn(move || {
                let mut lines = BufReader::new(stdout).lines();
                let _ = first_line.send(lines.next());
                lines.for_each(drop);
            })
            .map_err(|e| format!("could not start a thread to read {program}'s output: {e}"))?;
        let line = match line.recv_timeout(SERVE_START_TIMEOUT) {
            Ok(Some(Ok(line))) => line,
            Ok(_) | Err(RecvTimeoutError::Disconnected) => {
                return Err(format!("{program} exited before printing its URL (its error is above)"));
            }
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "{program} printed no URL within {}",
                    format_duration(SERVE_START_TIMEOUT)
                ));
            }
        };
        match line.split_whitespace().next().filter(|word| word.starts_with("http://")) {
            Some(url) => process.target = Target::new(url),
            None => return Err(format!("{program} printed {line:?} where its URL was expected")),
        }
        Ok(process)
    }

    pub fn target(&self) -> &Target {
        &self.target
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        // The end of its stdin is serve's own stop: it shuts its runtime down and prints what it
        // served. A server that does not stop in time is killed, so none outlives its guard.
        drop(self.child.stdin.take());
        let deadline = Instant::now() + self.grace;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
                _ => break,
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `shootout serve` flags that configure a server as `config` (on loopback, a free port).
pub fn serve_args(config: &ServerConfig) -> Vec<String> {
    let f = &config.faults;
    [
        ("--bind", "127.0.0.1:0".to_string()),
        ("--latency", format_duration(config.latency)),
        ("--bytes", config.bytes.to_string()),
        // `{}` of an f64 is the shortest text that parses back to the same value.
        ("--error-rate", f.error_rate.to_string()),
        ("--reset-rate", f.reset_rate.to_string()),
        ("--stall-rate", f.stall_rate.to_string()),
        ("--fault-seed", f.seed.to_string()),
        ("--threads", config.threads.to_string()),
        ("--max-connections", config.max_connections.to_string()),
        ("--max-header-bytes", config.max_header_bytes.to_string()),
    ]
    .into_iter()
    .flat_map(|(flag, value)| [flag.to_string(), value])
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    /// `/proc/<pid>` exists until the process has exited and been reaped.
    fn alive(pid: u32) -> bool {
        Path::new(&format!("/proc/{pid}")).exists()
    }

    #[test]
    fn drop_kills_a_server_that_ignores_its_stdin() {
        let mut server = ServeProcess::start(sh("echo http://127.0.0.1:9 ready; exec sleep 60")).unwrap();
        server.grace = Duration::from_millis(100);
        assert_eq!(server.target().url, "http://127.0.0.1:9");
        let pid = server.id();
        assert!(alive(pid));
        drop(server);
        assert!(!alive(pid), "the server process {pid} outlived its guard");
    }

    #[test]
    fn drop_stops_a_server_by_closing_its_stdin() {
        // `cat` ends at the end of its input, as `shootout serve` does.
        let server = ServeProcess::start(sh("echo http://127.0.0.1:9; exec cat >/dev/null")).unwrap();
        let pid = server.id();
        let t0 = Instant::now();
        drop(server);
        assert!(!alive(pid));
        assert!(t0.elapsed() < SERVE_STOP_GRACE, "it was killed, not stopped: {:?}", t0.elapsed());
    }

    #[test]
    fn a_panic_stops_the_server_too() {
        let mut pid = None;
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut server = ServeProcess::start(sh("echo http://127.0.0.1:9; exec sleep 60")).unwrap();
            server.grace = Duration::from_millis(100);
            pid = Some(server.id());
            panic!("a measured run failed");
        }));
        assert!(unwound.is_err());
        let pid = pid.unwrap();
        assert!(!alive(pid), "the server process {pid} outlived the panic");
    }

    #[test]
    fn a_server_that_prints_no_url_is_an_error() {
        let err = ServeProcess::start(sh("echo starting; exec cat >/dev/null")).err().unwrap();
        assert!(err.contains("where its URL was expected"), "{err}");
        let err = ServeProcess::start(sh("exit 2")).err().unwrap();
        assert!(err.contains("exited before printing its URL"), "{err}");
        let err = ServeProcess::start(Command::new("/nonexistent/shootout")).err().unwrap();
        assert!(err.starts_with("could not start /nonexistent/shootout"), "{err}");
    }

    #[test]
    fn serve_args_carry_every_server_setting() {
        let spec = HttpSpec::new(100, 50, Duration::from_millis(10)).with_bytes(2048).with_faults(
            shootout_core::http::Faults { error_rate: 0.1, reset_rate: 0.05, stall_rate: 0.0, seed: 7 },
        );
        let config = ServerConfig::for_spec(&spec);
        let args = serve_args(&config);
        let value = |flag: &str| {
            let at = args.iter().position(|a| a == flag).unwrap_or_else(|| panic!("{flag} missing"));
            args[at + 1].clone()
        };
        assert_eq!(value("--bind"), "127.0.0.1:0");
        assert_eq!(value("--latency"), "10ms");
        assert_eq!(value("--bytes"), "2048");
        assert_eq!(value("--error-rate").parse::<f64>().unwrap(), 0.1);
        assert_eq!(value("--reset-rate").parse::<f64>().unwrap(), 0.05);
        assert_eq!(value("--stall-rate").parse::<f64>().unwrap(), 0.0);
        assert_eq!(value("--fault-seed"), "7");
        assert_eq!(value("--threads"), config.threads.to_string());
        assert_eq!(value("--max-connections"), config.max_connections.to_string());
        assert_eq!(value("--max-header-bytes"), config.max_header_bytes.to_string());
        assert_eq!(args.len(), 20, "a flag without a test: {args:?}");
    }
}
