//! Process metrics: CPU time and peak RSS from `getrusage`, thread counts from `/proc`.

use std::time::Duration;

fn rusage(who: libc::c_int) -> libc::rusage {
    // SAFETY: getrusage only writes the struct we pass; zeroed is a valid rusage.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut usage);
        usage
    }
}

fn timeval(t: libc::timeval) -> Duration {
    Duration::new(t.tv_sec as u64, (t.tv_usec as u32) * 1_000)
}

/// User + system CPU time of this process (all its threads) so far.
pub fn cpu_time() -> Duration {
    let u = rusage(libc::RUSAGE_SELF);
    timeval(u.ru_utime) + timeval(u.ru_stime)
}

/// User + system CPU time recorded in an rusage (e.g. one returned by `wait4` for a child).
pub fn cpu_time_of(u: &libc::rusage) -> Duration {
    timeval(u.ru_utime) + timeval(u.ru_stime)
}

/// Peak resident set size of this process so far, in bytes (Linux reports KiB).
pub fn peak_rss_bytes() -> u64 {
    rusage(libc::RUSAGE_SELF).ru_maxrss as u64 * 1024
}

/// The fields of `/proc/<pid>/status` shootout uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProcStatus {
    pub threads: usize,
    /// Peak resident set ("high water mark"), bytes.
    pub vm_hwm: u64,
    /// Current resident set, bytes.
    pub vm_rss: u64,
}

/// Reads `/proc/<pid>/status` (this process when `pid` is `None`). `None` off Linux or once
/// the process is gone.
pub fn proc_status(pid: Option<u32>) -> Option<ProcStatus> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/status"),
        None => "/proc/self/status".to_string(),
    };
    let text = std::fs::read_to_string(path).ok()?;
    Some(parse_status(&text))
}

fn parse_status(text: &str) -> ProcStatus {
    let mut st = ProcStatus::default();
    for line in text.lines() {
        let mut it = line.split_whitespace();
        let (Some(key), Some(value)) = (it.next(), it.next()) else {
            continue;
        };
        let value: u64 = value.parse().unwrap_or(0);
        match key {
            "Threads:" => st.threads = value as usize,
            "VmHWM:" => st.vm_hwm = value * 1024,
            "VmRSS:" => st.vm_rss = value * 1024,
            _ => {}
        }
    }
    st
}

/// Raises the open-files soft limit to the hard limit (HTTP at C = 1,000 needs more than the
/// usual 1,024). Returns the limit now in force.
pub fn raise_nofile_limit() -> std::io::Result<u64> {
    // SAFETY: plain getrlimit/setrlimit on a struct we own.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(lim.rlim_cur as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_status() {
        let st = proc_status(None).expect("/proc/self/status");
        assert!(st.threads >= 1);
        assert!(st.vm_hwm >= st.vm_rss && st.vm_rss > 0);
        assert!(peak_rss_bytes() > 0);
    }

    #[test]
    fn cpu_time_advances_with_work() {
        let before = cpu_time();
        let mut x = 0u64;
        let t0 = std::time::Instant::now();
        while t0.elapsed() < Duration::from_millis(30) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(cpu_time() > before, "{x}");
    }

    #[test]
    fn parses_status_text() {
        let st = parse_status("Name:\tx\nVmHWM:\t  2048 kB\nVmRSS:\t1024 kB\nThreads:\t7\n");
        assert_eq!(st, ProcStatus { threads: 7, vm_hwm: 2048 * 1024, vm_rss: 1024 * 1024 });
    }
}
