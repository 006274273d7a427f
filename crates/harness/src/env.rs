//! The machine a run was measured on, for the results `env` and `env.txt`.

use std::collections::BTreeMap;
use std::process::Command;

use shootout_core::results::Env;

/// The lock file this binary was built from: the exact versions of every runtime measured.
const CARGO_LOCK: &str = include_str!("../../../Cargo.lock");

/// Crates every run depends on whatever strategies it selects; each strategy's own crates come
/// from its registry entry.
const HARNESS_CRATES: &[&str] = &["hyper", "criterion"];

fn measured_crates() -> Vec<&'static str> {
    let mut crates: Vec<&str> = HARNESS_CRATES.to_vec();
    crates.extend(crate::registry::STRATEGIES.iter().flat_map(|e| e.crates.iter().copied()));
    crates
}

pub fn describe(workers: usize, preset: &str, command: &str) -> Env {
    Env {
        cpu: cpu_model(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        memory_bytes: memory_bytes(),
        os: os_name(),
        kernel: read_trim("/proc/sys/kernel/osrelease"),
        rustc: output("rustc", &["-V"]).unwrap_or_else(|| "unknown".into()),
        git: git_describe(),
        workers,
        versions: crate_versions(),
        host: read_trim("/proc/sys/kernel/hostname"),
        date: today(),
        preset: preset.to_string(),
        command: command.to_string(),
        calibration: BTreeMap::new(),
        load: None,
    }
}

/// `env.txt`: the machine and toolchain behind a results folder, for people.
pub fn env_text(env: &Env) -> String {
    let mut out = String::new();
    let mut line = |k: &str, v: &str| out.push_str(&format!("{k:<10} {v}\n"));
    line("date", &env.date);
    line("host", &env.host);
    line("cpu", &env.cpu);
    line("cores", &env.cores.to_string());
    line("memory", &format!("{:.1} GiB", env.memory_bytes as f64 / (1u64 << 30) as f64));
    line("os", &env.os);
    line("kernel", &env.kernel);
    line("workers", &env.workers.to_string());
    line("git", &env.git);
    line("preset", &env.preset);
    line("command", &env.command);
    for (k, v) in &env.calibration {
        line("calibrate", &format!("{k} = {v:.3}"));
    }
    out.push_str("\nrustc -vV:\n");
    out.push_str(&output("rustc", &["-vV"]).unwrap_or_else(|| env.rustc.clone()));
    out.push_str("\n\ncrate versions (Cargo.lock):\n");
    for (k, v) in &env.versions {
        out.push_str(&format!("  {k} {v}\n"));
    }
    out
}

fn read_trim(path: &str) -> String {
    std::fs::read_to_string(path).map(|s| s.trim().to_string()).unwrap_or_else(|_| "unknown".into())
}

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn memory_bytes() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("PRETTY_NAME="))
                .map(|l| l.trim_start_matches("PRETTY_NAME=").trim_matches('"').to_string())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_string())
}

fn git_describe() -> String {
    let Some(commit) = output("git", &["rev-parse", "--short=12", "HEAD"]) else {
        return "unknown".into();
    };
    let dirty =
        output("git", &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if dirty { format!("{commit}-dirty") } else { commit }
}

fn today() -> String {
    output("date", &["-u", "+%Y-%m-%d"]).unwrap_or_else(|| "unknown".into())
}

/// `name = "x"` / `version = "y"` pairs from Cargo.lock, for the crates a reader cares about.
pub fn crate_versions() -> BTreeMap<String, String> {
    let measured = measured_crates();
    let mut versions = BTreeMap::new();
    let mut name: Option<&str> = None;
    for line in CARGO_LOCK.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"'));
        } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take())
            && measured.contains(&n)
        {
            versions
                .entry(n.to_string())
                .and_modify(|old: &mut String| {
                    old.push_str(", ");
                    old.push_str(v.trim_matches('"'));
                })
                .or_insert_with(|| v.trim_matches('"').to_string());
        }
    }
    versions
}

#[cfg(test)]
mod tests {
    #[test]
    fn versions_come_from_the_lock_file() {
        let v = super::crate_versions();
        assert!(v.get("tokio").is_some_and(|s| s.starts_with("1.")), "{v:?}");
        assert!(v.contains_key("rayon") && v.contains_key("smol"), "{v:?}");
    }
}
