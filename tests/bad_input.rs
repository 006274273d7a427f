//! Bad input, table-driven: every row is a command line a user could type that must end with
//! exit status 2 and exactly one line on stderr saying what is wrong (naming the flag), with no
//! panic and nothing written — no result file, no replaced FIFO or symlink, no directory.
//! Each command runs in its own scratch directory, bounded in time; targets are loopback only.

use std::net::TcpListener;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use shootout_core::results::{Env, Results};

/// A scratch directory with the fixtures the rows point at: a FIFO, a symlink to a file, a
/// directory, a valid and a garbage results file.
struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("shootout-bad-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("adir")).unwrap();
        std::fs::write(dir.join("real.json"), "keep me").unwrap();
        std::os::unix::fs::symlink(dir.join("real.json"), dir.join("link")).unwrap();
        let fifo = std::ffi::CString::new(dir.join("fifo").to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        std::fs::write(dir.join("ok.json"), Results::new(Env::default()).to_json()).unwrap();
        std::fs::write(dir.join("garbage.json"), "{ not json").unwrap();
        Scratch { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().unwrap().to_string()
    }

    /// Every path under the directory with its kind, to see that nothing was added or replaced.
    fn snapshot(&self) -> Vec<String> {
        fn walk(dir: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let t = entry.file_type().unwrap();
                let kind = if t.is_fifo() {
                    "fifo"
                } else if t.is_symlink() {
                    "link"
                } else if t.is_dir() {
                    "dir"
                } else {
                    "file"
                };
                out.push(format!("{} {kind}", entry.path().display()));
                if t.is_dir() {
                    walk(&entry.path(), out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.dir, &mut out);
        out.sort();
        out
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `shootout args` in `cwd`, killed if it outlives `limit`. Returns (status, stderr).
fn run_bounded(args: &[String], cwd: &Path, limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shootout"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start shootout");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{args:?} still running after {limit:?}: bad input must be refused before anything runs");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut err = String::new();
    use std::io::Read;
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status.code(), err)
}

/// A loopback server that answers every connection with something that is not HTTP, until
/// dropped (at most a minute).
struct Foreign {
    addr: String,
    stop: Arc<AtomicBool>,
}

impl Foreign {
    fn start() -> Foreign {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::spawn(move || {
            let started = Instant::now();
            while !flag.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(60) {
                match listener.accept() {
                    Ok((mut s, _)) => {
                        use std::io::Write;
                        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n");
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Foreign { addr, stop }
    }
}

impl Drop for Foreign {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[test]
fn bad_inputs_exit_2_with_one_line_and_write_nothing() {
    let scratch = Scratch::new("table");
    let p = |name: &str| scratch.path(name);
    let foreign = Foreign::start();
    // Accepts connections into its backlog and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let silent = format!("http://{}", silent.local_addr().unwrap());
    let foreign_url = format!("http://{}", foreign.addr);
    // A case small enough that a run which wrongly goes ahead still ends soon.
    let tiny = "run --tasks 1 --sleep 1ms --mode timer --strategy sequential --repeat 1";
    let http = "run --workload http --requests 2 --concurrency 1 --latency 1ms --connection reuse --strategy sequential --repeat 1";

    let rows: Vec<(String, &str)> = vec![
        // Sizes and counts.
        ("run --tasks 0".into(), "--tasks must be between 1 and"),
        ("run --tasks -3".into(), "whole number"),
        ("run --tasks 1.5".into(), "whole number"),
        ("run --tasks 1e3".into(), "whole number"),
        ("run --tasks 99999999999999999999999".into(), "too large"),
        ("run --tasks".into(), "a value is required for '--tasks <N>'"),
        ("run --workers 0".into(), "--workers must be between 1 and"),
        ("run --workers -1".into(), "whole number"),
        ("run --workers 100000".into(), "--workers must be between 1 and"),
        ("run --repeat 0".into(), "--repeat must be between 1 and"),
        ("run --repeat 1001".into(), "--repeat must be between 1 and"),
        // Durations.
        ("run --sleep abc".into(), "invalid duration \"abc\""),
        ("run --sleep 10".into(), "missing unit"),
        ("run --sleep 2m".into(), "--sleep must be at most 60s"),
        ("run --sleep -1s".into(), "'--sleep <DUR>'"),
        ("run --timeout 0s".into(), "--timeout must be more than 0s"),
        ("run --max-case-time 0s".into(), "--max-case-time must be more than 0s"),
        ("run --timeout -1s".into(), "'--timeout <DUR>'"),
        ("run --max-case-time -5s".into(), "'--max-case-time <DUR>'"),
        ("run --max-repeat-time xyz".into(), "'--max-repeat-time <DUR>'"),
        // Names, with clap's whole message (the possible values).
        ("run --mode fast".into(), "[possible values: timer, blocking]"),
        ("run --preset fast".into(), "[possible values: quick, full]"),
        ("run --connection both".into(), "[possible values: reuse, fresh]"),
        ("run --order random".into(), "[possible values: input, completion]"),
        ("run --policy maybe".into(), "[possible values: collect, fail-fast]"),
        ("run --strategy nope".into(), "unknown strategy \"nope\"; valid: sequential"),
        ("run --strategy ,".into(), "--strategy needs at least one name"),
        ("run --workload nap".into(), "unknown workload \"nap\""),
        ("run --workload ,".into(), "--workload needs at least one name"),
        ("run --no-such-flag".into(), "unexpected argument '--no-such-flag'"),
        ("frobnicate".into(), "unrecognized subcommand 'frobnicate'"),
        ("list --bogus".into(), "unexpected argument '--bogus'"),
        // Flags of a workload the run leaves out.
        ("run --workload queue --tasks 5".into(), "--tasks belongs to the sleep workload"),
        ("run --workload sleep --messages 5".into(), "--messages belongs to the queue workload"),
        ("run --workload sleep --units 5".into(), "--units belongs to the fan-out workload"),
        ("run --workload queue --requests 5".into(), "--requests belongs to the http workload"),
        ("run --workload sleep --slow".into(), "--slow belongs to the fan-out workload"),
        ("run --workload queue --target http://127.0.0.1:9".into(), "--target belongs to the http workload"),
        (
            "run --workload sleep,queue --target http://127.0.0.1:9".into(),
            "--target belongs to the http workload",
        ),
        // A target names the http workload as its flags do, and is probed before anything runs.
        ("run --tasks 5 --target http://127.0.0.1:9".into(), "could not reach the target"),
        // Per-workload values, each naming its own flag.
        ("run --requests 0".into(), "--requests must be between 1 and"),
        ("run --requests 2 --concurrency 5".into(), "--concurrency 5 is more than --requests 2"),
        ("run --bytes 1".into(), "--bytes must be between"),
        (
            "run --latency 10ms --request-timeout 1ms".into(),
            "--request-timeout must be longer than --latency",
        ),
        ("run --error-rate 2".into(), "--error-rate must be between 0 and 1"),
        ("run --error-rate -0.5".into(), "--error-rate must be between 0 and 1"),
        ("run --error-rate nan".into(), "--error-rate must be between 0 and 1"),
        ("run --fault-seed -1".into(), "'--fault-seed <N>'"),
        ("run --units 0".into(), "--units"),
        ("run --work -5".into(), "whole number"),
        ("run --errors 1".into(), "--errors"),
        ("run --policy fail-fast".into(), "--policy needs --errors"),
        ("run --messages 0".into(), "--messages must be between"),
        ("run --producers 0".into(), "--producers must be between"),
        ("run --consumers 0".into(), "--consumers must be between"),
        ("run --capacity 0".into(), "--capacity must be between"),
        ("run --capacity lots".into(), "capacity"),
        ("run --cost wait:".into(), "invalid --cost \"wait:\""),
        ("run --cost sleep:1ms".into(), "--cost"),
        ("run --pacing -1ms".into(), "'--pacing <DUR>'"),
        // Open loop on the queue: the rate, its message count, and what it cannot go with.
        ("run --workload queue --rate 0".into(), "--rate must be a number of items per second above 0"),
        ("run --workload queue --rate fast".into(), "--rate expects requests or messages per second"),
        ("run --workload queue --rate 100,100".into(), "--rate lists 100 twice"),
        ("run --workload queue --rate 2e6".into(), "--rate must be a number"),
        (
            "run --messages 2000000 --rate 100".into(),
            "--messages (with --rate) must be between 1 and 1000000",
        ),
        ("run --messages 10 --rate 100 --pacing 1ms".into(), "--pacing and --rate"),
        ("run --messages 10 --arrival poisson".into(), "--arrival needs --rate"),
        ("run --workload sleep --rate 100".into(), "--rate belongs to the http and queue workloads"),
        // Target URLs the parser refuses, and targets that are not a `shootout serve`.
        ("run --target ftp://x".into(), "--target must be an http:// URL"),
        ("run --target http://[::1".into(), "no ']' closes it"),
        ("run --target http://127.0.0.1:99999".into(), "port \"99999\" is not a number from 1 to 65535"),
        ("run --target http://user@host/".into(), "user names and passwords"),
        ("run --target https://127.0.0.1:8080".into(), "https is not supported"),
        ("run --target http://127.0.0.1:8080/work".into(), "no path"),
        (format!("{http} --target http://127.0.0.1:1"), "could not reach the target"),
        (format!("{http} --target {foreign_url}"), "--target"),
        (format!("{http} --target {silent}"), "--target"),
        // Output paths: checked before the first case, never replaced.
        (format!("{tiny} --json {}", p("fifo")), "is a FIFO, not a regular file"),
        (format!("{tiny} --csv {}", p("link")), "is a symbolic link, not a regular file"),
        (format!("{tiny} --markdown {}", p("adir")), "is a directory, not a regular file"),
        (format!("{tiny} --json /proc/shootout-x.json"), "cannot write /proc/shootout-x.json"),
        (format!("{tiny} --json {}", p("no/such/dir/x.json")), "cannot write"),
        (format!("{tiny} --json {} --csv {}", p("ok.json"), p("fifo")), "--csv"),
        (format!("{tiny} --out {}", p("fifo")), "--out"),
        (format!("{tiny} --json {} --csv {}", p("x.json"), p("x.json")), "--json and --csv both name"),
        // report and compare.
        ("report".into(), "<RESULTS.json>"),
        (format!("report {}", p("missing.json")), "cannot read"),
        (format!("report {}", p("adir")), "cannot read"),
        (format!("report {}", p("garbage.json")), "garbage.json"),
        (format!("report {} --markdown /nonexistent/x.md", p("ok.json")), "cannot write /nonexistent/x.md"),
        (format!("report {} --markdown {}", p("ok.json"), p("fifo")), "is a FIFO"),
        (format!("compare {}", p("ok.json")), "2 values required"),
        (format!("compare {} {} --markdown {}", p("ok.json"), p("ok.json"), p("link")), "is a symbolic link"),
        // serve: refused before it listens.
        ("serve --bytes -1".into(), "whole number"),
        ("serve --threads 0".into(), "--threads must be between 1 and 1024"),
        ("serve --header-timeout 0s".into(), "--header-timeout must be more than 0s"),
        ("serve --idle-timeout abc".into(), "--idle-timeout"),
        ("serve --bind nonsense".into(), "--bind must be ADDR:PORT"),
        ("serve --max-connections 0".into(), "--max-connections must be at least 1"),
        ("serve --max-header-bytes 100".into(), "--max-header-bytes must be between"),
        ("serve --latency 2m".into(), "--latency must be at most"),
        ("serve --latency -1ms".into(), "--latency: invalid duration"),
        ("serve --error-rate 1.5".into(), "--error-rate must be between 0 and 1"),
    ];
    assert!(rows.len() >= 60, "{} rows", rows.len());

    let before = scratch.snapshot();
    let mut failures = Vec::new();
    for (line, needle) in &rows {
        let args: Vec<String> = line.split(' ').map(String::from).collect();
        let (code, err) = run_bounded(&args, &scratch.dir, Duration::from_secs(30));
        let mut why = Vec::new();
        if code != Some(2) {
            why.push(format!("exit status {code:?}"));
        }
        if err.lines().count() != 1 {
            why.push(format!("{} lines on stderr", err.lines().count()));
        }
        if err.contains("panicked") {
            why.push("a panic".into());
        }
        if !err.contains(needle) {
            why.push(format!("no {needle:?}"));
        }
        let after = scratch.snapshot();
        if after != before {
            why.push(format!("the directory changed: {after:?}"));
        }
        if std::fs::read_to_string(scratch.dir.join("real.json")).unwrap() != "keep me" {
            why.push("the symlink's target was rewritten".into());
            std::fs::write(scratch.dir.join("real.json"), "keep me").unwrap();
        }
        if !why.is_empty() {
            failures.push(format!("shootout {line}: {} — stderr: {}", why.join(", "), err.trim()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
