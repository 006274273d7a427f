//! The results schema (DESIGN.md, "Results schema"): JSON for machines, CSV for spreadsheets,
//! both written atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::spec::Latency;

/// Bump on any change a reader of an older file would misread.
pub const SCHEMA: &str = "shootout/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub schema: String,
    pub env: Env,
    /// Per strategy: what building its runtime costs before any case runs.
    #[serde(default)]
    pub baselines: Vec<Baseline>,
    pub cases: Vec<CaseResult>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Env {
    pub cpu: String,
    pub cores: usize,
    pub memory_bytes: u64,
    pub os: String,
    pub kernel: String,
    pub rustc: String,
    pub git: String,
    pub workers: usize,
    pub versions: BTreeMap<String, String>,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub preset: String,
    /// The command line that produced this file.
    #[serde(default)]
    pub command: String,
    #[serde(default)]
    pub calibration: BTreeMap<String, f64>,
    /// How busy the machine was while the run measured (`None` in files from before it was
    /// recorded): numbers taken beside a build or another benchmark cannot be reproduced.
    #[serde(default)]
    pub load: Option<MachineLoad>,
}

/// The machine's load over one run, beside the run's own CPU time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MachineLoad {
    /// `/proc/loadavg`'s one-minute figure when the run started and when it ended.
    pub loadavg_start: f64,
    pub loadavg_end: f64,
    /// CPU time every other process used during the run, as a share of one core
    /// (all cores' busy time from `/proc/stat`, minus this run's own and its children's).
    pub others_core_share: f64,
}

impl MachineLoad {
    /// Other processes may use this share of one core before a run is called busy.
    pub const BUSY_SHARE: f64 = 0.10;

    pub fn busy(&self) -> bool {
        self.others_core_share > Self::BUSY_SHARE
    }

    /// One line for people: "other processes used 34 % of a core (load 1.2 → 3.4)".
    pub fn describe(&self) -> String {
        format!(
            "other processes used {:.0} % of a core during the run (load average {:.2} → {:.2})",
            self.others_core_share * 100.0,
            self.loadavg_start,
            self.loadavg_end
        )
    }
}

/// A strategy with its runtime built and nothing run: start-up cost and resting footprint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Baseline {
    pub strategy: String,
    pub status: Status,
    pub error: Option<String>,
    /// Time to build the runtime or pool (median over the repetitions).
    pub startup_ns: Option<u64>,
    pub peak_rss_bytes: Option<u64>,
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Ok,
    Failed,
    Unsupported,
    Timeout,
    /// Predicted to take longer than `--max-case-time`; `error` holds the prediction.
    Skipped,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Unsupported => "unsupported",
            Status::Timeout => "timeout",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub median: u64,
    pub min: u64,
    pub max: u64,
}

impl Stats {
    /// Median (mean of the middle two for an even count), min and max. `None` when empty.
    pub fn of(samples: &[u64]) -> Option<Stats> {
        if samples.is_empty() {
            return None;
        }
        let mut s = samples.to_vec();
        s.sort_unstable();
        let n = s.len();
        let median = if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2 };
        Some(Stats { median, min: s[0], max: s[n - 1] })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThroughputValue {
    pub unit: String,
    pub value: f64,
}

/// One case × one strategy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    pub workload: String,
    pub case: String,
    pub params: serde_json::Value,
    pub strategy: String,
    pub status: Status,
    pub error: Option<String>,
    pub verified: bool,
    pub repeat: usize,
    pub wall_ns: Option<Stats>,
    pub samples_ns: Vec<u64>,
    /// Median CPU time (user + sys, all threads) of one run.
    pub cpu_ns: Option<u64>,
    /// Largest peak RSS of the case's child processes.
    pub peak_rss_bytes: Option<u64>,
    pub threads_peak: Option<usize>,
    pub ideal_ns: Option<u64>,
    pub x_ideal: Option<f64>,
    pub x_best: Option<f64>,
    pub throughput: Option<ThroughputValue>,
    pub latency_ns: Option<Latency>,
    /// The most units in progress at once, as the strategy counted them.
    #[serde(default)]
    pub peak_in_flight: Option<usize>,
    /// (peak RSS − the strategy's baseline peak RSS) / units.
    #[serde(default)]
    pub mem_per_task_bytes: Option<f64>,
    /// The time the budget rule predicted for this strategy.
    #[serde(default)]
    pub predicted_ns: Option<u64>,
    #[serde(default)]
    pub notes: BTreeMap<String, serde_json::Value>,
    /// W this row was measured with (a `--workers` sweep runs every case at each W; a strategy
    /// whose W is fixed, such as sequential, records its own). `None` in older files.
    #[serde(default)]
    pub workers: Option<usize>,
    /// Open loop: the arrival rate asked for (items per second); `None` for closed-loop rows.
    #[serde(default)]
    pub rate: Option<f64>,
    /// CPU time of the whole process per item (request, message), where the row counts items.
    #[serde(default)]
    pub cpu_per_unit_ns: Option<f64>,
}

impl CaseResult {
    /// A row with nothing measured yet.
    pub fn empty(
        workload: &str,
        case: &str,
        params: serde_json::Value,
        strategy: &str,
        repeat: usize,
    ) -> Self {
        CaseResult {
            workload: workload.to_string(),
            case: case.to_string(),
            params,
            strategy: strategy.to_string(),
            status: Status::Failed,
            error: None,
            verified: false,
            repeat,
            wall_ns: None,
            samples_ns: Vec::new(),
            cpu_ns: None,
            peak_rss_bytes: None,
            threads_peak: None,
            ideal_ns: None,
            x_ideal: None,
            x_best: None,
            throughput: None,
            latency_ns: None,
            peak_in_flight: None,
            mem_per_task_bytes: None,
            predicted_ns: None,
            notes: BTreeMap::new(),
            workers: None,
            rate: None,
            cpu_per_unit_ns: None,
        }
    }
}

impl Results {
    pub fn new(env: Env) -> Self {
        Results { schema: SCHEMA.to_string(), env, baselines: Vec::new(), cases: Vec::new() }
    }

    /// Parses a results file, refusing other schema versions with a clear message.
    pub fn from_json(text: &str) -> Result<Results, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a shootout results file: {e}"))?;
        let schema = value.get("schema").and_then(|s| s.as_str()).unwrap_or("(none)");
        if schema != SCHEMA {
            return Err(format!(
                "results schema {schema:?} is not supported; this shootout reads {SCHEMA:?}"
            ));
        }
        serde_json::from_value(value).map_err(|e| format!("malformed {SCHEMA} results: {e}"))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("results serialise")
    }

    /// The same rows flat: one line per case × strategy.
    pub fn to_csv(&self) -> String {
        const HEADER: &[&str] = &[
            "workload",
            "case",
            "strategy",
            "workers",
            "status",
            "verified",
            "repeat",
            "median_ns",
            "min_ns",
            "max_ns",
            "cpu_ns",
            "peak_rss_bytes",
            "threads_peak",
            "peak_in_flight",
            "mem_per_task_bytes",
            "ideal_ns",
            "x_ideal",
            "x_best",
            "throughput_unit",
            "throughput",
            "p50_ns",
            "p90_ns",
            "p99_ns",
            "max_latency_ns",
            "params",
            "error",
            "p999_ns",
            "rate",
            "cpu_per_unit_ns",
        ];
        let mut out = HEADER.join(",");
        out.push('\n');
        fn opt<T: ToString>(v: Option<T>) -> String {
            v.map(|v| v.to_string()).unwrap_or_default()
        }
        for c in &self.cases {
            let row = [
                c.workload.clone(),
                c.case.clone(),
                c.strategy.clone(),
                opt(c.workers),
                c.status.name().to_string(),
                c.verified.to_string(),
                c.repeat.to_string(),
                opt(c.wall_ns.map(|s| s.median)),
                opt(c.wall_ns.map(|s| s.min)),
                opt(c.wall_ns.map(|s| s.max)),
                opt(c.cpu_ns),
                opt(c.peak_rss_bytes),
                opt(c.threads_peak),
                opt(c.peak_in_flight),
                opt(c.mem_per_task_bytes.map(|v| format!("{v:.1}"))),
                opt(c.ideal_ns),
                opt(c.x_ideal.map(|v| format!("{v:.3}"))),
                opt(c.x_best.map(|v| format!("{v:.3}"))),
                opt(c.throughput.as_ref().map(|t| t.unit.clone())),
                opt(c.throughput.as_ref().map(|t| format!("{:.1}", t.value))),
                opt(c.latency_ns.map(|l| l.p50)),
                opt(c.latency_ns.map(|l| l.p90)),
                opt(c.latency_ns.map(|l| l.p99)),
                opt(c.latency_ns.map(|l| l.max)),
                c.params.to_string(),
                c.error.clone().unwrap_or_default(),
                opt(c.latency_ns.and_then(|l| l.p999)),
                opt(c.rate),
                opt(c.cpu_per_unit_ns.map(|v| format!("{v:.0}"))),
            ];
            let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }
}

fn csv_field(f: &str) -> String {
    if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() }
}

/// What kind of thing is at a path, for a message that refuses it.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_char_device() {
        "a character device"
    } else {
        "not a regular file"
    }
}

/// Refuses an existing `path` that is not a regular file: an output replaces only a file it
/// could have written itself, never a FIFO, a symlink (or what it points at), a device or a
/// directory.
fn check_replaceable(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_file() => Ok(()),
        Ok(meta) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} is {}, not a regular file; refusing to replace it",
                path.display(),
                kind_of(meta.file_type())
            ),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Checks, before anything runs, that `write_atomic(path, ..)` can succeed: the path names a
/// file, anything already there is a regular file, and its directory exists and takes a new
/// file (proved by creating and removing a probe file, so it holds as root too). The error is
/// one line naming the path.
pub fn check_output_path(path: &Path) -> Result<(), String> {
    let (dir, name) = split_path(path).map_err(|e| e.to_string())?;
    check_replaceable(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput => e.to_string(),
        _ => format!("cannot use {}: {e}", path.display()),
    })?;
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            return Err(format!("cannot write {}: {} is not a directory", path.display(), dir.display()));
        }
        Err(e) => {
            return Err(format!("cannot write {}: its directory {}: {e}", path.display(), dir.display()));
        }
    }
    let probe = dir.join(format!(".{}.{}.probe", name.to_string_lossy(), std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!("cannot write {}: {e}", path.display())),
    }
}

fn split_path(path: &Path) -> std::io::Result<(&Path, &std::ffi::OsStr)> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} is not a file path", path.display()),
        )
    })?;
    Ok((dir, name))
}

/// Writes `bytes` to `path` so that a reader sees the old file or the new one, never half:
/// write a sibling temporary file, flush it to disk, rename it over the target. Only a regular
/// file (or nothing) at `path` is replaced: a FIFO, symlink, device or directory there is an
/// error and stays as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, name) = split_path(path)?;
    check_replaceable(path)?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    // create_new: never write through whatever a stale temporary name points at.
    let create = || std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp);
    let mut f = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(&tmp)?;
            create()?
        }
        other => other?,
    };
    let result = (|| {
        f.write_all(bytes)?;
        f.sync_all()?;
        // Checked again just before the rename: the path may have changed during the run.
        check_replaceable(path)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("shootout-results-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn write_atomic_replaces_regular_files_only() {
        use std::os::unix::fs::FileTypeExt;
        let dir = scratch("atomic");
        let file = dir.join("a.json");
        write_atomic(&file, b"one").unwrap();
        write_atomic(&file, b"two").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert!(check_output_path(&file).is_ok());
        let fifo = dir.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = write_atomic(&fifo, b"x").unwrap_err().to_string();
        assert!(err.contains("is a FIFO, not a regular file"), "{err}");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(check_output_path(&fifo).unwrap_err().contains("a FIFO"));
        let link = dir.join("link");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert!(write_atomic(&link, b"x").unwrap_err().to_string().contains("symbolic link"));
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&file).unwrap(), b"two");
        assert!(check_output_path(&dir).unwrap_err().contains("a directory"));
        assert!(check_output_path(&dir.join("no/such/dir/x.json")).unwrap_err().contains("cannot write"));
        // Nothing but what the test made is left in its directory.
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["a.json", "fifo", "link"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stats_median_min_max() {
        assert_eq!(Stats::of(&[]), None);
        assert_eq!(Stats::of(&[5, 1, 3]), Some(Stats { median: 3, min: 1, max: 5 }));
        assert_eq!(Stats::of(&[4, 1, 3, 2]), Some(Stats { median: 2, min: 1, max: 4 }));
    }

    #[test]
    fn json_round_trip_and_schema_refusal() {
        let mut r = Results::new(Env { cores: 2, workers: 2, ..Env::default() });
        let mut row =
            CaseResult::empty("sleep", "sleep/timer/n=1/d=1ms", serde_json::json!({"tasks": 1}), "tokio", 3);
        row.status = Status::Ok;
        row.wall_ns = Stats::of(&[1, 2, 3]);
        r.cases.push(row);
        let back = Results::from_json(&r.to_json()).unwrap();
        assert_eq!(back.cases, r.cases);

        let other = r.to_json().replace(SCHEMA, "shootout/0");
        let err = Results::from_json(&other).unwrap_err();
        assert!(err.contains("shootout/0"), "{err}");
    }

    #[test]
    fn csv_has_a_row_per_case_and_quotes() {
        let mut r = Results::new(Env::default());
        for s in ["tokio", "smol"] {
            let mut row = CaseResult::empty("sleep", "c", serde_json::json!({"a": 1, "b": 2}), s, 1);
            row.error = Some("said \"no\", twice".into());
            r.cases.push(row);
        }
        let csv = r.to_csv();
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.contains("\"said \"\"no\"\", twice\""));
    }

    #[test]
    fn atomic_write_replaces() {
        let dir = std::env::temp_dir().join(format!("shootout-atomic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("r.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
