//! `shootout run` under faults: output paths that are FIFOs or symlinks (refused, left as they
//! were), a parent killed by SIGKILL or SIGTERM (its child dies with it), a parent started
//! with SIGCHLD ignored (RSS still measured), and the exit status of runs that measured
//! nothing or, with --strict, failed a row. Everything stays inside each test's temp dir.

use std::os::unix::fs::FileTypeExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use shootout_core::results::{Results, Status};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shootout"));
    c.stdin(Stdio::null());
    c
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shootout-faults-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).unwrap().file_type().is_fifo()
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).unwrap().file_type().is_symlink()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A one-strategy sleep case that takes well under a second.
const TINY: [&str; 11] =
    ["run", "--tasks", "2", "--sleep", "5ms", "--mode", "timer", "--strategy", "sequential", "--repeat", "1"];

#[test]
fn a_fifo_or_symlink_at_an_output_path_is_refused_and_left_as_it_was() {
    let dir = temp_dir("paths");
    let outside = dir.join("target.txt");
    std::fs::write(&outside, "untouched").unwrap();
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    mkfifo(&out_dir.join("results.json"));
    std::os::unix::fs::symlink(&outside, out_dir.join("report.md")).unwrap();
    let fifo = dir.join("fifo.json");
    mkfifo(&fifo);
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink(&outside, &link).unwrap();

    for (flag, path, says) in [
        ("--out", &out_dir, "results.json is a FIFO"),
        ("--json", &fifo, "is a FIFO, not a regular file"),
        ("--csv", &link, "is a symbolic link, not a regular file"),
    ] {
        let out = bin().args(TINY).arg(flag).arg(path).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{flag}: {err}");
        assert!(err.contains(says), "{flag}: {err}");
        assert_eq!(err.lines().count(), 1, "{flag}: {err}");
    }
    assert!(is_fifo(&fifo) && is_fifo(&out_dir.join("results.json")));
    assert!(is_symlink(&link) && is_symlink(&out_dir.join("report.md")));
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "untouched");
    // Nothing else appeared: no temporary or probe file left behind.
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.md", "results.json"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_output_is_written_and_named() {
    let dir = temp_dir("written");
    let (json, csv, md, out_dir) = (dir.join("a.json"), dir.join("b.csv"), dir.join("c.md"), dir.join("o"));
    let out = bin()
        .args(TINY)
        .arg("--json")
        .arg(&json)
        .arg("--csv")
        .arg(&csv)
        .arg("--markdown")
        .arg(&md)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let wrote =
        format!("wrote {}, {}, {}, {}/", json.display(), csv.display(), md.display(), out_dir.display());
    assert!(err.contains(&wrote), "{err}");
    for path in [&json, &csv, &md] {
        assert!(std::fs::symlink_metadata(path).unwrap().is_file(), "{}", path.display());
    }
    for name in ["results.json", "results.csv", "report.md", "env.txt"] {
        assert!(out_dir.join(name).is_file(), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Processes whose parent is `ppid` and whose command line contains `needle`.
fn children_of(ppid: u32, needle: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // The fields after the command name, which may hold spaces: state, ppid, …
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let parent = rest.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok());
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if parent == Some(ppid) && String::from_utf8_lossy(&cmdline).contains(needle) {
            found.push(pid);
        }
    }
    found
}

/// Alive: present, not a zombie, and still the `__child` we found (not a reused pid).
fn alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().next()).unwrap_or("X");
    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    state != "Z" && String::from_utf8_lossy(&cmdline).contains("__child")
}

/// Starts a run whose case child sleeps 30 s, and returns it with that child's pid.
// The caller kills and waits for the returned parent.
#[allow(clippy::zombie_processes)]
fn run_with_a_long_child() -> (Child, u32) {
    let mut parent = bin()
        .args([
            "run",
            "--tasks",
            "1",
            "--sleep",
            "30s",
            "--mode",
            "timer",
            "--strategy",
            "sequential",
            "--repeat",
            "1",
            "--max-case-time",
            "60s",
            "--timeout",
            "90s",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        // The case's child (its request names the case), not the short baseline child.
        if let Some(&pid) = children_of(parent.id(), "sleep/timer").first() {
            return (parent, pid);
        }
        if Instant::now() > deadline {
            let _ = parent.kill();
            let _ = parent.wait();
            panic!("the run never started its case's child");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True if `pid` is gone within `limit`; kills it either way so no test leaves it behind.
fn gone_within(pid: u32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if !alive(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if alive(pid) {
        // SAFETY: kill on the pid this test found as the run's `__child`, still that process.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
    false
}

#[test]
fn a_child_dies_with_its_killed_parent() {
    let (mut parent, child) = run_with_a_long_child();
    parent.kill().unwrap(); // SIGKILL: no handler runs, only the kernel's death signal.
    parent.wait().unwrap();
    assert!(gone_within(child, Duration::from_secs(2)), "child {child} outlived its SIGKILLed parent by 2 s");
}

#[test]
fn sigterm_kills_the_current_child_before_the_parent_exits() {
    let (mut parent, child) = run_with_a_long_child();
    // SAFETY: SIGTERM to the process this test started.
    unsafe { libc::kill(parent.id() as libc::pid_t, libc::SIGTERM) };
    let status = parent.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status:?}");
    assert!(gone_within(child, Duration::from_secs(2)), "child {child} outlived its SIGTERMed parent by 2 s");
}

#[test]
fn a_parent_started_with_sigchld_ignored_still_measures_rss() {
    let dir = temp_dir("sigchld");
    let json = dir.join("r.json");
    let mut command = bin();
    command.args(TINY).arg("--json").arg(&json);
    // SAFETY: only `signal` between fork and exec; an ignored disposition survives exec.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGCHLD, libc::SIG_IGN);
            Ok(())
        });
    }
    let out = command.output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("SIGCHLD was ignored"), "{err}");
    let results = Results::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let row = &results.cases[0];
    assert_eq!(row.status, Status::Ok, "{:?}", row.error);
    assert!(row.peak_rss_bytes.is_some_and(|b| b > 0), "{row:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn strict_makes_a_failed_row_exit_1() {
    // sequential needs 3 × 500 ms, past the 1 s timeout; tokio needs 500 ms.
    let args = [
        "run",
        "--tasks",
        "3",
        "--sleep",
        "500ms",
        "--mode",
        "timer",
        "--strategy",
        "sequential,tokio",
        "--timeout",
        "1s",
        "--repeat",
        "1",
        "--strict",
    ];
    let out = bin().args(args).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--strict: 1 row(s) failed or timed out"), "{err}");
}
