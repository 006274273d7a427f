//! The runner: every case × strategy in a fresh subprocess. First a verify pass (each
//! strategy once, checked; a wrong answer never reaches timing), then R timed repetitions
//! with strategies interleaved round-robin, so drift on the machine hits all of them alike.
//! The parent samples each child's thread count, collects its rusage with `wait4` (peak RSS,
//! even when it died by a signal), and kills it past its deadline.

use std::io::Read;
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shootout_core::results::{Baseline, CaseResult, Env, Results, Stats, Status, ThroughputValue};
use shootout_core::{Case, CaseError, Context, Target, Timed, format_duration};

use crate::child::{ChildReport, ChildRequest};
use crate::registry::Entry;

pub mod lifeline;

/// Everything one `shootout run` measures.
#[derive(Clone)]
pub struct Plan {
    pub cases: Vec<Case>,
    pub strategies: Vec<&'static Entry>,
    pub workers: usize,
    pub repeat: usize,
    /// Stop repeating a strategy on a case once its runs there (verify pass included) have
    /// taken this long; it still gets at least one timed run. Keeps a 5 s-per-run strategy
    /// from costing 4 × 5 s when its spread is known to be tiny (waits it cannot overlap).
    pub repeat_budget: Duration,
    /// The budget: a strategy predicted to need longer than this on a case is `skipped`.
    pub max_case_time: Duration,
    /// Kill a child after this long; `None` = max(3 × budget, 4 × prediction).
    pub case_timeout: Option<Duration>,
    /// The user's HTTP server, instead of the in-process one.
    pub target: Option<Target>,
    /// The `shootout` executable that children re-execute.
    pub exe: PathBuf,
    pub context: Context,
}

impl Plan {
    /// The same plan at another W: the strategies are built with `workers` and ideal times
    /// use it.
    pub fn clone_for_workers(&self, workers: usize) -> Plan {
        let mut plan = self.clone();
        plan.workers = workers;
        plan.context.workers = workers;
        plan
    }
}

/// What the runner tells its caller as it goes (progress bar, incremental tables and files).
pub enum Event<'a> {
    /// The number of child processes the plan needs at most.
    Planned(usize),
    /// A strategy's baseline child (runtime built, nothing run) is about to start.
    Baseline {
        strategy: &'a str,
    },
    /// A case's child is about to run. `round` 0 is the verify pass.
    Child {
        case: &'a str,
        strategy: &'a str,
        round: usize,
    },
    /// A planned child will not run (skipped, failed earlier, or past the repetition budget).
    Unneeded,
    BaselinesDone,
    CaseDone(&'a Case),
}

/// One child process's life, as the parent saw it.
#[derive(Debug)]
pub struct ChildRun {
    pub end: ChildEnd,
    pub peak_rss_bytes: Option<u64>,
    pub threads_peak: Option<usize>,
}

#[derive(Debug)]
pub enum ChildEnd {
    Report(ChildReport),
    Timeout(Duration),
    /// Died by a signal or exited without a report; the message says how, with its last words.
    Died(String),
}

pub fn run(plan: &Plan, env: Env, on: &mut dyn FnMut(Event, &Results)) -> Results {
    let mut results = Results::new(env);
    let per_case = plan.strategies.len() * (1 + plan.repeat);
    on(Event::Planned(plan.strategies.len() + plan.cases.len() * per_case), &results);

    for entry in &plan.strategies {
        on(Event::Baseline { strategy: entry.name }, &results);
        let baseline = measure_baseline(plan, entry);
        results.baselines.push(baseline);
    }
    on(Event::BaselinesDone, &results);

    for case in &plan.cases {
        let rows = run_case(plan, case, &results.baselines, &mut |event| on(event, &results));
        results.cases.extend(rows);
        on(Event::CaseDone(case), &results);
    }
    results
}

fn measure_baseline(plan: &Plan, entry: &Entry) -> Baseline {
    let request =
        ChildRequest { strategy: entry.name.to_string(), workers: plan.workers, case: None, target: None };
    let run = spawn_child(&plan.exe, &request, Duration::from_secs(60));
    let mut b = Baseline {
        strategy: entry.name.to_string(),
        status: Status::Ok,
        error: None,
        startup_ns: None,
        peak_rss_bytes: run.peak_rss_bytes,
        threads: run.threads_peak,
    };
    match run.end {
        ChildEnd::Report(report) => match report.result {
            Ok(_) => {
                b.startup_ns = Some(report.startup_ns);
                b.threads = Some(report.threads_built.max(run.threads_peak.unwrap_or(0)));
            }
            Err(e) => (b.status, b.error) = (status_of(&e), Some(e.to_string())),
        },
        ChildEnd::Timeout(after) => {
            (b.status, b.error) =
                (Status::Timeout, Some(format!("building the runtime took over {}", format_duration(after))))
        }
        ChildEnd::Died(why) => (b.status, b.error) = (Status::Failed, Some(why)),
    }
    b
}

fn status_of(e: &CaseError) -> Status {
    match e {
        CaseError::Unsupported(_) => Status::Unsupported,
        CaseError::Failed(_) | CaseError::Wrong(_) => Status::Failed,
    }
}

/// Per strategy, the state of one case as the rounds go by.
struct Slot {
    row: CaseResult,
    timed: Vec<Timed>,
    rss: Vec<u64>,
    threads: usize,
    live: bool,
    /// Wall-clock time this strategy's children have taken on this case so far.
    spent: Duration,
}

/// What round `round` runs: the verify pass (round 0) the case as built, with every check; a
/// timed repetition the case as timed ([`Case::timed`]: no id hash in the queue consumers, no
/// body digest in the HTTP clients).
fn case_for_round(case: &Case, round: usize) -> Case {
    if round == 0 { case.clone() } else { case.timed() }
}

/// Runs one case: the verify pass, then the timed rounds. Returns a row per strategy.
pub fn run_case(
    plan: &Plan,
    case: &Case,
    baselines: &[Baseline],
    on: &mut dyn FnMut(Event),
) -> Vec<CaseResult> {
    let ideal = case.spec.ideal(&plan.context);
    let workload = case.workload().name();
    let mut slots: Vec<Slot> = plan
        .strategies
        .iter()
        .map(|entry| {
            let mut row =
                CaseResult::empty(workload, &case.name, case.spec.params(), entry.name, plan.repeat);
            row.ideal_ns = ideal.map(|d| d.as_nanos() as u64);
            row.workers = Some(entry.fixed_workers.unwrap_or(plan.workers));
            let predicted =
                case.spec.predict((entry.overlap)(plan.workers), &cpu_scaled(&plan.context, entry));
            row.predicted_ns = predicted.map(|d| d.as_nanos() as u64);
            let mut live = true;
            // An open-loop case exists to show a strategy falling behind its schedule: its
            // budget allows 3 × its floor (the schedule's span plus L), not 2 ×.
            let open_loop = case.spec.params().get("rate").is_some_and(|r| !r.is_null());
            let budget =
                case_budget(plan.max_case_time, ideal.map(|i| if open_loop { i * 3 / 2 } else { i }));
            if let Some(p) = predicted.filter(|p| *p > budget) {
                row.status = Status::Skipped;
                // Rounded up to whole seconds, so the flag it names does run it.
                let enough = Duration::from_secs(p.as_secs() + 1);
                row.error = Some(format!(
                    "predicted {} > budget {}; run it with --max-case-time {}",
                    shootout_core::duration::human(p.as_nanos() as f64),
                    format_duration(budget),
                    format_duration(enough)
                ));
                live = false;
            }
            Slot { row, timed: Vec::new(), rss: Vec::new(), threads: 0, live, spent: Duration::ZERO }
        })
        .collect();

    // The server for an HTTP case lives in this (parent) process for the whole case.
    let guard = match &case.spec {
        shootout_core::Spec::Http(spec) => match crate::target::for_spec(spec, plan.target.as_ref()) {
            Ok(guard) => Some(guard),
            Err(why) => {
                for slot in slots.iter_mut().filter(|s| s.live) {
                    slot.row.status = Status::Failed;
                    slot.row.error = Some(why.clone());
                    slot.live = false;
                }
                None
            }
        },
        _ => None,
    };
    let target = guard.as_ref().map(|g| g.target().clone());

    for round in 0..=plan.repeat {
        for (entry, slot) in plan.strategies.iter().zip(slots.iter_mut()) {
            if !slot.live
                || round > case.repeats(plan.repeat)
                || (round > 1 && slot.spent >= plan.repeat_budget)
            {
                on(Event::Unneeded);
                continue;
            }
            on(Event::Child { case: &case.name, strategy: entry.name, round });
            let request = ChildRequest {
                strategy: entry.name.to_string(),
                workers: plan.workers,
                case: Some(case_for_round(case, round)),
                target: target.clone(),
            };
            let deadline = plan.case_timeout.unwrap_or_else(|| {
                let predicted = slot.row.predicted_ns.map_or(Duration::ZERO, Duration::from_nanos);
                (plan.max_case_time * 3).max(predicted * 4)
            });
            let started = Instant::now();
            let run = spawn_child(&plan.exe, &request, deadline);
            slot.spent += started.elapsed();
            let label = if round == 0 { "verify pass".to_string() } else { format!("repetition {round}") };
            slot.threads = slot.threads.max(run.threads_peak.unwrap_or(0));
            match run.end {
                ChildEnd::Report(report) => {
                    slot.threads = slot.threads.max(report.threads_built).max(report.threads_after);
                    match report.result {
                        Ok(timed) => {
                            if round > 0 {
                                slot.timed.push(timed);
                                slot.rss.extend(run.peak_rss_bytes);
                            }
                        }
                        Err(e) => {
                            slot.row.status = status_of(&e);
                            slot.row.error =
                                Some(if round == 0 { e.to_string() } else { format!("{label}: {e}") });
                            slot.live = false;
                        }
                    }
                }
                ChildEnd::Timeout(after) => {
                    slot.row.status = Status::Timeout;
                    slot.row.error = Some(format!("{label}: killed after {}", format_duration(after)));
                    slot.live = false;
                }
                ChildEnd::Died(why) => {
                    slot.row.status = Status::Failed;
                    slot.row.error = Some(format!("{label}: {why}"));
                    slot.live = false;
                }
            }
        }
    }
    drop(guard);

    let units = case.spec.units();
    for (entry, slot) in plan.strategies.iter().zip(slots.iter_mut()) {
        finish_row(slot, units, baselines.iter().find(|b| b.strategy == entry.name));
    }
    let mut rows: Vec<CaseResult> = slots.into_iter().map(|s| s.row).collect();
    crate::report::ranking::set_x_best(&mut rows);
    rows
}

/// The context a strategy's prediction reads: the calibrated costs × its `cpu_factor`.
fn cpu_scaled(context: &Context, entry: &Entry) -> Context {
    let mut scaled = context.clone();
    for cost in scaled.calibration.values_mut() {
        *cost *= entry.cpu_factor;
    }
    scaled
}

/// The budget rule for one case: a strategy is skipped when its predicted time exceeds the
/// larger of `--max-case-time` and twice the case's physical floor. A case whose floor alone
/// is over the budget (the tutorial's 1,000 calls to a server that sleeps 1 s) still runs on
/// every strategy that can finish near its floor; only those that cannot are skipped.
pub fn case_budget(max_case_time: Duration, ideal: Option<Duration>) -> Duration {
    max_case_time.max(ideal.map_or(Duration::ZERO, |i| i * 2))
}

/// Turns the verified repetitions into the row's statistics.
fn finish_row(slot: &mut Slot, units: u64, baseline: Option<&Baseline>) {
    let row = &mut slot.row;
    row.threads_peak = (slot.threads > 0).then_some(slot.threads);
    row.peak_rss_bytes = slot.rss.iter().copied().max();
    // The timed repetitions actually measured (fewer than R past the repetition budget).
    row.repeat = slot.timed.len();
    if slot.timed.is_empty() {
        return;
    }
    let samples: Vec<u64> = slot.timed.iter().map(|t| t.wall_ns).collect();
    let cpu: Vec<u64> = slot.timed.iter().map(|t| t.cpu_ns).collect();
    row.wall_ns = Stats::of(&samples);
    row.samples_ns = samples;
    row.cpu_ns = Stats::of(&cpu).map(|s| s.median);
    // A repetition that failed after the verify pass leaves its status and error: the row
    // keeps what was measured but is not `ok`.
    if row.error.is_none() {
        row.status = Status::Ok;
        row.verified = true;
    }
    let median = row.wall_ns.map_or(0, |w| w.median);
    // Latency and notes come from the repetition whose wall time is the median.
    let typical = slot.timed.iter().min_by_key(|t| t.wall_ns.abs_diff(median)).expect("non-empty");
    row.peak_in_flight = slot.timed.iter().filter_map(|t| t.summary.peak_in_flight).max();
    row.latency_ns = typical.summary.latency;
    row.notes = typical.summary.notes.clone();
    row.rate = row.notes.get("rate").and_then(|r| r.get("target_per_s")).and_then(|r| r.as_f64());
    if let (Some(tp), Some(cpu)) = (&typical.summary.throughput, row.cpu_ns) {
        row.cpu_per_unit_ns = Some(cpu as f64 / tp.count.max(1) as f64);
    }
    if let Some(tp) = &typical.summary.throughput {
        row.throughput = Some(ThroughputValue {
            unit: tp.unit.clone(),
            value: tp.count as f64 / (median.max(1) as f64 / 1e9),
        });
    }
    if let Some(ideal) = row.ideal_ns.filter(|i| *i > 0) {
        let x_ideal = median as f64 / ideal as f64;
        row.x_ideal = Some(x_ideal);
        if let Some(why) = below_floor(x_ideal) {
            row.status = Status::Failed;
            row.verified = false;
            row.error = Some(why);
        }
    }
    if let (Some(peak), Some(base)) = (row.peak_rss_bytes, baseline.and_then(|b| b.peak_rss_bytes)) {
        row.mem_per_task_bytes = Some(peak.saturating_sub(base) as f64 / units.max(1) as f64);
    }
}

/// The share of the ideal time under which a result is a bug, never a row (fairness rule 10):
/// the floor is physical, so only timer jitter and calibration error can put an honest run a
/// little under it.
pub const FLOOR_TOLERANCE: f64 = 0.95;

/// Why a median at `x_ideal` × the ideal time cannot be a result, if it cannot.
pub fn below_floor(x_ideal: f64) -> Option<String> {
    (x_ideal < FLOOR_TOLERANCE).then(|| {
        format!(
            "faster than the physical floor ({x_ideal:.2} × ideal, under {FLOOR_TOLERANCE}): the strategy did less \
             work than the case asks, a bug, not a result"
        )
    })
}

/// Runs one child to completion (or to its deadline) and gathers what the OS knows of it.
/// The parent starts no thread for it: the child's pipes are drained without blocking
/// between `wait4` polls, so a parent that may not start threads still runs its children.
/// The child dies with the parent (see [`lifeline`]).
pub fn spawn_child(exe: &std::path::Path, request: &ChildRequest, deadline: Duration) -> ChildRun {
    let died = |why: String| ChildRun { end: ChildEnd::Died(why), peak_rss_bytes: None, threads_peak: None };
    let json = match serde_json::to_string(request) {
        Ok(json) => json,
        Err(e) => return died(format!("could not encode the child's request: {e}")),
    };
    let mut command = Command::new(exe);
    command
        .arg("__child")
        .arg("--request")
        .arg(json)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    lifeline::tie_to_parent(&mut command);
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => return died(format!("could not start {}: {e}", exe.display())),
    };
    let pid = child.id() as libc::pid_t;
    lifeline::set_current_child(pid);
    let (Some(out), Some(err)) = (child.stdout.take(), child.stderr.take()) else {
        // Cannot happen with both piped; never leave the child behind if it does.
        // SAFETY: kill and reap our own child.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        let _ = child.wait();
        lifeline::set_current_child(0);
        return died("the child's output pipes were not set up".into());
    };
    let mut stdout = Pipe::new(out, STDOUT_CAP);
    let mut stderr = Pipe::new(err, STDERR_CAP);

    let start = Instant::now();
    let mut threads_peak = 0usize;
    let mut timed_out = None;
    // SAFETY: wait4 on our own child's pid, writing into locals we own.
    let (status, usage) = loop {
        let mut status: libc::c_int = 0;
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (Some(status), Some(usage));
        }
        if r < 0 && std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            break (None, None);
        }
        if let Some(st) = shootout_core::metrics::proc_status(Some(pid as u32)) {
            threads_peak = threads_peak.max(st.threads);
        }
        if start.elapsed() > deadline {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            timed_out = Some(deadline);
            break if r == pid { (Some(status), Some(usage)) } else { (None, None) };
        }
        // Up to 2 ms, or less when the child writes: its pipes never fill and block it.
        wait_readable(&[stdout.fd(), stderr.fd()], 2);
        stdout.drain();
        stderr.drain();
    };
    lifeline::set_current_child(0);
    // The pid is reaped; `Child` must not try to wait on it again.
    drop(child);
    // Whatever the child wrote is in the pipes now; a grandchild holding them open gets no wait.
    stdout.drain();
    stderr.drain();
    let out = stdout.text();
    let err = stderr.text();
    let peak_rss_bytes = usage.map(|u| u.ru_maxrss as u64 * 1024);
    let threads_peak = (threads_peak > 0).then_some(threads_peak);
    let last_words = last_words(&err);

    let end = if let Some(after) = timed_out {
        ChildEnd::Timeout(after)
    } else if let Some(report) = out.lines().rev().find_map(|l| serde_json::from_str::<ChildReport>(l).ok()) {
        ChildEnd::Report(report)
    } else {
        match status {
            Some(s) if libc::WIFSIGNALED(s) => ChildEnd::Died(format!(
                "child died by signal {}: {last_words}",
                signal_name(libc::WTERMSIG(s))
            )),
            Some(s) if libc::WIFEXITED(s) => ChildEnd::Died(format!(
                "child exited with status {} and no report: {last_words}",
                libc::WEXITSTATUS(s)
            )),
            _ => ChildEnd::Died(format!(
                "lost track of child {pid} ({}): {last_words}",
                std::io::Error::last_os_error()
            )),
        }
    };
    ChildRun { end, peak_rss_bytes, threads_peak }
}

/// The child's report is one line; anything near this is a runaway child, not a report.
const STDOUT_CAP: usize = 16 << 20;
/// Of stderr, the first and the last this many bytes are kept (the cause is usually at one end).
const STDERR_CAP: usize = 64 << 10;
/// Lines of stderr kept in a failed row: the cause of a crash is often a line or two before
/// the runtime's own last words ("failed to set up alternative stack guard page: … (os error
/// 12)" before "fatal runtime error: failed to initiate panic").
const LAST_LINES: usize = 3;
/// Longest stderr line kept in a row.
const LINE_CHARS: usize = 300;

/// The lines of a dead child's stderr that carry its cause, as one line: the first line that
/// names an OS error (when it is not among the last ones), then the last few, joined by " | ".
pub fn last_words(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        return "(no stderr)".to_string();
    }
    let tail_from = lines.len().saturating_sub(LAST_LINES);
    let mut kept: Vec<&str> = Vec::new();
    if let Some(os) = lines[..tail_from].iter().find(|l| l.contains("os error")) {
        kept.push(os);
    }
    kept.extend(&lines[tail_from..]);
    kept.iter()
        .map(|l| {
            if l.chars().count() > LINE_CHARS {
                format!("{}…", l.chars().take(LINE_CHARS).collect::<String>())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// One of the child's output pipes, read without blocking. Keeps everything up to `cap`
/// bytes; past it, the first `cap` bytes and the last `cap`.
struct Pipe<R: Read + AsRawFd> {
    reader: Option<R>,
    head: Vec<u8>,
    tail: Vec<u8>,
    cap: usize,
    truncated: bool,
}

impl<R: Read + AsRawFd> Pipe<R> {
    fn new(reader: R, cap: usize) -> Self {
        // SAFETY: fcntl on a descriptor this pipe owns.
        unsafe {
            let fd = reader.as_raw_fd();
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
            }
        }
        Pipe { reader: Some(reader), head: Vec::new(), tail: Vec::new(), cap, truncated: false }
    }

    fn fd(&self) -> Option<RawFd> {
        self.reader.as_ref().map(AsRawFd::as_raw_fd)
    }

    /// Reads what is there now; at end of file (or an error) the pipe is closed.
    fn drain(&mut self) {
        let mut buf = [0u8; 16 * 1024];
        while let Some(reader) = self.reader.as_mut() {
            match reader.read(&mut buf) {
                Ok(0) => self.reader = None,
                Ok(n) => self.keep(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(_) => self.reader = None,
            }
        }
    }

    fn keep(&mut self, bytes: &[u8]) {
        let room = self.cap.saturating_sub(self.head.len());
        let (first, rest) = bytes.split_at(room.min(bytes.len()));
        self.head.extend_from_slice(first);
        if rest.is_empty() {
            return;
        }
        self.tail.extend_from_slice(rest);
        if self.tail.len() > 2 * self.cap {
            self.tail.drain(..self.tail.len() - self.cap);
            self.truncated = true;
        }
    }

    fn text(&self) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.truncated {
            text.push_str("\n…\n");
        }
        text.push_str(&String::from_utf8_lossy(&self.tail));
        text
    }
}

/// Waits up to `ms` milliseconds for any of the open pipes to have data or close.
fn wait_readable(pipes: &[Option<RawFd>], ms: libc::c_int) {
    let mut fds: Vec<libc::pollfd> =
        pipes.iter().flatten().map(|&fd| libc::pollfd { fd, events: libc::POLLIN, revents: 0 }).collect();
    if fds.is_empty() {
        std::thread::sleep(Duration::from_millis(ms as u64));
        return;
    }
    // SAFETY: poll on descriptors we own, with a length that matches the vector.
    unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
}

pub fn signal_name(sig: libc::c_int) -> String {
    let name = match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGKILL => "SIGKILL",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGTERM => "SIGTERM",
        libc::SIGINT => "SIGINT",
        _ => return format!("{sig}"),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shootout_core::Summary;

    fn slot_with(ideal_ms: u64, samples_ms: &[u64]) -> Slot {
        let mut row = CaseResult::empty("queue", "queue/x", serde_json::json!({}), "rayon", 3);
        row.ideal_ns = Some(ideal_ms * 1_000_000);
        let timed = samples_ms
            .iter()
            .map(|ms| Timed { wall_ns: ms * 1_000_000, cpu_ns: 0, summary: Summary::default() })
            .collect();
        Slot { row, timed, rss: Vec::new(), threads: 0, live: true, spent: Duration::ZERO }
    }

    /// Rule 10: the published rayon row at 0.55 × ideal (it ran more consumers than asked)
    /// becomes a failed row that says why; a run at the floor stays a result.
    #[test]
    fn the_budget_never_skips_a_strategy_that_finishes_near_the_floor() {
        let ten = Duration::from_secs(10);
        assert_eq!(case_budget(ten, None), ten);
        assert_eq!(case_budget(ten, Some(Duration::from_secs(1))), ten);
        assert_eq!(case_budget(ten, Some(Duration::from_secs(10))), Duration::from_secs(20));
    }

    /// The verify pass is the queue run that checks the id hash; every timed repetition runs
    /// without it, on every workload's case alike.
    #[test]
    fn only_the_verify_pass_asks_for_the_queue_id_hash_and_the_http_body_digest() {
        use shootout_core::Spec;
        for case in shootout_core::catalog::cases(shootout_core::Preset::Quick) {
            // The one check a timed round leaves out, where the case has one.
            let checks = |round| match case_for_round(&case, round).spec {
                Spec::Queue(q) => Some(q.hash_ids),
                Spec::Http(h) => Some(h.digest_bodies),
                _ => None,
            };
            let has = matches!(case.spec, Spec::Queue(_) | Spec::Http(_));
            assert_eq!(checks(0), has.then_some(true), "{}", case.name);
            for round in 1..4 {
                assert_eq!(checks(round), has.then_some(false), "{} round {round}", case.name);
            }
        }
    }

    #[test]
    fn a_median_under_95_percent_of_the_ideal_is_failed_not_a_result() {
        let mut fast = slot_with(100, &[54, 55, 56]);
        finish_row(&mut fast, 1, None);
        assert_eq!(fast.row.status, Status::Failed);
        assert!(!fast.row.verified);
        assert!(fast.row.error.as_deref().unwrap().contains("faster than the physical floor (0.55 × ideal"));

        let mut honest = slot_with(100, &[96, 101, 103]);
        finish_row(&mut honest, 1, None);
        assert_eq!(honest.row.status, Status::Ok);
        assert!(honest.row.verified && honest.row.error.is_none());
    }
}
