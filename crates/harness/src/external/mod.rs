//! External strategies: a program in another language behind the one [`Strategy`] contract.
//! The child (`shootout __child`) stays the proxy: it starts the program when the strategy is
//! built (its interpreter's start-up is the strategy's start-up), sends it the case as one JSON
//! line, reads back one JSON line with the raw outcome and the program's own start/end stamps,
//! and hands the outcome to core's `verify` like any strategy's. The program's CPU time (its
//! process clock, read by the proxy around the run) and its threads are measured here, its
//! peak RSS reaches the runner through `wait4` (the proxy reaps it before exiting). The
//! protocol is in METHODOLOGY.md, "External strategies".

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// Why an external program has no submit rows yet (the conformance tests accept exactly this).
pub const EXTERNAL_SUBMIT: &str =
    "the external protocol has no submit form yet (the program's own threads would hand work to its loop)";
use shootout_core::wire::{Window, WireFanOut, WireHttp, WireQueue, WireSleep};
use shootout_core::{
    FanOutOutcome, FanOutSpec, HttpOutcome, HttpSpec, Overlap, OwnMeasure, QueueOutcome, QueueSpec, RunError,
    SleepOutcome, SleepSpec, Spec, Strategy, Target,
};

pub mod python;

/// How to start a program: an interpreter (or executable) and its arguments.
#[derive(Debug, Clone)]
pub struct Program {
    pub command: String,
    pub args: Vec<String>,
}

/// A program that is running, after its ready line.
struct Running {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// One external program as a strategy.
pub struct External {
    name: &'static str,
    program: Program,
    workers: usize,
    overlap: Overlap,
    /// Started at build (outside timing); each run uses one process, the next run starts another.
    process: Mutex<Option<Running>>,
    /// What the program said about itself in its ready line, for every row's notes.
    notes: serde_json::Map<String, serde_json::Value>,
    measured: Mutex<Option<OwnMeasure>>,
}

/// The program's first line.
#[derive(Deserialize)]
struct Hello {
    #[serde(default)]
    ready: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    unsupported: Option<String>,
}

/// The program's answer to a case.
#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    start_ns: u64,
    #[serde(default)]
    end_ns: u64,
    #[serde(default)]
    outcome: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    unsupported: Option<String>,
}

impl External {
    /// Starts the program and waits for its ready line. A program that cannot start (no such
    /// interpreter) or says it cannot run here (too old) makes the strategy `Unsupported`.
    pub fn start(
        name: &'static str,
        program: Program,
        workers: usize,
        overlap: Overlap,
    ) -> Result<External, RunError> {
        let (running, notes) = spawn(name, &program)?;
        Ok(External {
            name,
            program,
            workers,
            overlap,
            process: Mutex::new(Some(running)),
            notes,
            measured: Mutex::new(None),
        })
    }

    /// Sends one case, reads its answer, and measures the program around it.
    fn call(&self, spec: Spec, target: Option<&Target>) -> Result<(serde_json::Value, Window), RunError> {
        let taken = self.process.lock().map_err(|_| RunError::failed("poisoned"))?.take();
        let mut running = match taken {
            Some(mut r) => {
                if matches!(r.child.try_wait(), Ok(None)) {
                    r
                } else {
                    // Gone since the build (it dies with the thread that started it): reap it
                    // and start another.
                    let _ = r.child.wait();
                    spawn(self.name, &self.program)?.0
                }
            }
            None => spawn(self.name, &self.program)?.0,
        };
        let request = serde_json::json!({
            "spec": spec,
            "workers": self.workers,
            "target": target.map(|t| t.url.clone()),
        });
        let pid = running.child.id();
        let cpu_clock = cpu_clock_of(pid);
        let fail = |why: String| RunError::failed(format!("{}: {why}", self.name));

        let cpu0 = cpu_clock.and_then(read_clock);
        let sent_ns = monotonic_ns();
        writeln!(running.stdin, "{request}")
            .and_then(|_| running.stdin.flush())
            .map_err(|e| fail(format!("could not send the case: {e}")))?;
        let mut line = String::new();
        let read = running.stdout.read_line(&mut line);
        let (received_ns, received_at) = (monotonic_ns(), Instant::now());
        let cpu1 = cpu_clock.and_then(read_clock);
        let threads = shootout_core::metrics::proc_status(Some(pid)).map_or(0, |s| s.threads);
        // Closing stdin tells the program to exit; reaping it puts its rusage (peak RSS, CPU)
        // into this process's children, which the runner's `wait4` of this process includes.
        drop(running.stdin);
        let status = running.child.wait();
        match read {
            Ok(0) | Err(_) => {
                return Err(fail(format!(
                    "the program ended without an answer ({status:?}); see its stderr"
                )));
            }
            Ok(_) => {}
        }
        let answer: Answer = serde_json::from_str(line.trim())
            .map_err(|e| fail(format!("its answer is not the protocol's JSON: {e}")))?;
        if let Some(why) = answer.unsupported {
            return Err(RunError::Unsupported(format!("{}: {why}", self.name)));
        }
        if let Some(why) = answer.error {
            return Err(fail(why));
        }
        let outcome = answer.outcome.ok_or_else(|| fail("its answer has no outcome".into()))?;
        if answer.start_ns < sent_ns || answer.end_ns < answer.start_ns || answer.end_ns > received_ns {
            return Err(fail(format!(
                "its stamps {}..{} do not lie between sending the case ({sent_ns}) and reading the answer ({received_ns})",
                answer.start_ns, answer.end_ns
            )));
        }
        let start_at = received_at - Duration::from_nanos(received_ns - answer.start_ns);
        let window = Window { start_ns: answer.start_ns, end_ns: answer.end_ns, start_at };
        let cpu = match (cpu0, cpu1) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => Duration::ZERO,
        };
        let measure = OwnMeasure {
            wall: Duration::from_nanos(answer.end_ns - answer.start_ns),
            cpu,
            threads,
            notes: self.notes.clone().into_iter().collect(),
        };
        if let Ok(mut m) = self.measured.lock() {
            *m = Some(measure);
        }
        Ok((outcome, window))
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, value: serde_json::Value) -> Result<T, RunError> {
        serde_json::from_value(value).map_err(|e| {
            RunError::failed(format!("{}: its outcome is not the protocol's JSON: {e}", self.name))
        })
    }
}

fn wrong(name: &str) -> impl Fn(String) -> RunError + '_ {
    move |why| RunError::failed(format!("{name}: {why}"))
}

impl Strategy for External {
    fn name(&self) -> &'static str {
        self.name
    }

    fn workers(&self) -> usize {
        self.workers
    }

    fn overlap(&self) -> Overlap {
        self.overlap
    }

    fn sleep(&self, spec: &SleepSpec) -> Result<SleepOutcome, RunError> {
        let (value, window) = self.call(Spec::Sleep(*spec), None)?;
        self.decode::<WireSleep>(value)?.into_outcome(&window).map_err(wrong(self.name))
    }

    fn fan_out(&self, spec: &FanOutSpec) -> Result<FanOutOutcome, RunError> {
        let (value, window) = self.call(Spec::FanOut(spec.clone()), None)?;
        self.decode::<WireFanOut>(value)?.into_outcome(&window).map_err(wrong(self.name))
    }

    fn http(&self, spec: &HttpSpec, target: &Target) -> Result<HttpOutcome, RunError> {
        // The protocol has no due times yet: a program would run the schedule closed-loop.
        if spec.rate.is_some() {
            return Err(RunError::Unsupported(format!(
                "{} has no open-loop (--rate) client: the external protocol sends no schedule yet",
                self.name
            )));
        }
        let (value, window) = self.call(Spec::Http(spec.clone()), Some(target))?;
        self.decode::<WireHttp>(value)?.into_outcome(&window).map_err(wrong(self.name))
    }

    /// The submitters are plain threads of the program itself (asyncio's
    /// `call_soon_threadsafe` from a foreign thread), and the protocol has no wire form for
    /// their ledger yet: said on the row rather than faked.
    fn submit(&self, _spec: &shootout_core::SubmitSpec) -> Result<shootout_core::SubmitOutcome, RunError> {
        Err(RunError::Unsupported(format!("{}: {EXTERNAL_SUBMIT}", self.name)))
    }

    fn queue(&self, spec: &QueueSpec) -> Result<QueueOutcome, RunError> {
        // As for HTTP: the protocol sends no due times, so a program would put closed-loop.
        if spec.rate.is_some() {
            return Err(RunError::Unsupported(format!(
                "{} has no open-loop (--rate) producer: the external protocol sends no schedule yet",
                self.name
            )));
        }
        let (value, window) = self.call(Spec::Queue(*spec), None)?;
        self.decode::<WireQueue>(value)?.into_outcome(&window).map_err(wrong(self.name))
    }

    fn own_measure(&self) -> Option<OwnMeasure> {
        self.measured.lock().ok().and_then(|m| m.clone())
    }
}

impl Drop for External {
    fn drop(&mut self) {
        if let Ok(slot) = self.process.get_mut()
            && let Some(mut running) = slot.take()
        {
            // Closing stdin ends an idle program; reap it so it leaves no zombie.
            drop(running.stdin);
            let _ = running.child.wait();
        }
    }
}

/// Starts the program and reads its ready line.
fn spawn(
    name: &str,
    program: &Program,
) -> Result<(Running, serde_json::Map<String, serde_json::Value>), RunError> {
    let mut command = Command::new(&program.command);
    command.args(&program.args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit());
    crate::runner::lifeline::tie_to_parent(&mut command);
    let mut child = command.spawn().map_err(|e| {
        let why = format!("{name}: could not start {:?}: {e}", program.command);
        if e.kind() == std::io::ErrorKind::NotFound {
            RunError::Unsupported(format!("{why} (not installed here)"))
        } else {
            RunError::failed(why)
        }
    })?;
    let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunError::failed(format!("{name}: the program's pipes were not set up")));
    };
    let mut stdout = BufReader::new(stdout);
    let mut line = String::new();
    let read = stdout.read_line(&mut line);
    let hello: Option<Hello> = serde_json::from_str(line.trim()).ok();
    let fail = |why: String, child: &mut Child| {
        let _ = child.kill();
        let _ = child.wait();
        Err(RunError::failed(format!("{name}: {why}")))
    };
    match (read, hello) {
        (Ok(_), Some(Hello { unsupported: Some(why), .. })) => {
            let _ = child.wait();
            Err(RunError::Unsupported(format!("{name}: {why}")))
        }
        (Ok(_), Some(Hello { ready: Some(notes), .. })) => Ok((Running { child, stdin, stdout }, notes)),
        (Ok(0), _) => {
            fail("the program exited before saying it was ready; see its stderr".into(), &mut child)
        }
        (Ok(_), _) => fail(format!("its first line is not a ready line: {:?}", line.trim()), &mut child),
        (Err(e), _) => fail(format!("could not read its ready line: {e}"), &mut child),
    }
}

/// `CLOCK_MONOTONIC` in ns: the clock `Instant` and Python's `time.monotonic_ns()` read.
pub fn monotonic_ns() -> u64 {
    read_clock(libc::CLOCK_MONOTONIC).map_or(0, |d| d.as_nanos() as u64)
}

fn read_clock(clock: libc::clockid_t) -> Option<Duration> {
    // SAFETY: clock_gettime writes only the timespec we own.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    (unsafe { libc::clock_gettime(clock, &mut ts) } == 0)
        .then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// The CPU-time clock of another process (all its threads, exited ones included).
fn cpu_clock_of(pid: u32) -> Option<libc::clockid_t> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: writes only the clock id we own.
    (unsafe { libc::clock_getcpuclockid(pid as libc::pid_t, &mut clock) } == 0).then_some(clock)
}
