//! The child side of the runner: `shootout __child --request JSON` builds one strategy, runs
//! one case once (or nothing, for a baseline), verifies it, and prints one JSON report line.
//! A fresh process per case keeps one case's threads, heap and timers out of the next one's
//! numbers, and turns a crash (SIGABRT from a refused thread) into a row, not a dead run.

use std::io::Write;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use shootout_core::metrics::{self, raise_nofile_limit};
use shootout_core::{Case, CaseError, Target, Timed};

/// What the parent asks one child to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildRequest {
    pub strategy: String,
    pub workers: usize,
    /// `None` = baseline: build the strategy, run nothing.
    pub case: Option<Case>,
    pub target: Option<Target>,
}

/// What one child reports on its last stdout line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChildReport {
    /// Time to build the runtime or pool.
    pub startup_ns: u64,
    /// Threads of the process right after the build and after the run.
    pub threads_built: usize,
    pub threads_after: usize,
    pub result: Result<Timed, CaseError>,
}

/// Runs a request and returns the report. Used in the child process, and directly by tests.
pub fn execute(request: &ChildRequest) -> ChildReport {
    // HTTP at C = 1,000 needs more than the default 1,024 descriptors; harmless elsewhere.
    let _ = raise_nofile_limit();
    let threads = || metrics::proc_status(None).map_or(0, |s| s.threads);
    let entry = match crate::registry::find(&request.strategy) {
        Ok(entry) => entry,
        Err(e) => return failed_report(CaseError::Failed(e.to_string())),
    };
    let t0 = Instant::now();
    let strategy = match (entry.build)(request.workers) {
        Ok(s) => s,
        Err(e) => return failed_report(e.into()),
    };
    let startup_ns = t0.elapsed().as_nanos() as u64;
    let threads_built = threads();
    let result = match &request.case {
        None => Ok(Timed { wall_ns: 0, cpu_ns: 0, summary: Default::default() }),
        Some(case) => case.spec.run_timed(strategy.as_ref(), request.target.as_ref()),
    };
    // An external strategy's program is another process: its threads count too.
    let threads_after = threads() + strategy.own_measure().map_or(0, |m| m.threads);
    // Shut the runtime down before reporting, so a leaked thread or a hang in drop shows up
    // as this case's timeout rather than vanishing.
    drop(strategy);
    ChildReport { startup_ns, threads_built, threads_after, result }
}

fn failed_report(err: CaseError) -> ChildReport {
    ChildReport { startup_ns: 0, threads_built: 0, threads_after: 0, result: Err(err) }
}

/// The `__child` entry point: parse, execute, print one JSON line. Exit code 0 whenever a
/// report was printed (a failed case is a report, not a crash).
pub fn main(request_json: &str) -> i32 {
    // One line per panic, so the lines of stderr the parent keeps for the row carry the reason.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic".to_string());
        let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("panic: {msg}{at}");
    }));
    let request: ChildRequest = match serde_json::from_str(request_json) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("shootout __child: malformed request: {e}");
            return 2;
        }
    };
    let report = execute(&request);
    let line = serde_json::to_string(&report).expect("report serialises");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
    0
}
