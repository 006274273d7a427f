//! How busy the machine was while a run measured: the CPU time every other process used
//! (all cores' busy time from `/proc/stat`, minus this process's and its reaped children's),
//! and the load average at both ends. A run taken beside a build publishes numbers nobody can
//! reproduce; this records it, and `run` and `report` warn (fairness: a busy machine is
//! recorded, not hidden).

use std::time::Instant;

use shootout_core::results::MachineLoad;

/// A reading taken when the run starts.
#[derive(Debug, Clone, Copy)]
pub struct LoadMeter {
    busy_ns: u64,
    own_ns: u64,
    loadavg: f64,
    at: Instant,
}

impl LoadMeter {
    /// `None` where `/proc` is not there to read (not Linux).
    pub fn start() -> Option<LoadMeter> {
        Some(LoadMeter {
            busy_ns: machine_busy_ns()?,
            own_ns: own_cpu_ns(),
            loadavg: loadavg()?,
            at: Instant::now(),
        })
    }

    /// The load since [`LoadMeter::start`]. Call after every child has been reaped.
    pub fn finish(&self) -> Option<MachineLoad> {
        let elapsed = self.at.elapsed().as_nanos().max(1) as f64;
        let busy = machine_busy_ns()?.saturating_sub(self.busy_ns);
        let own = own_cpu_ns().saturating_sub(self.own_ns);
        Some(MachineLoad {
            loadavg_start: self.loadavg,
            loadavg_end: loadavg()?,
            others_core_share: others_share(busy, own, elapsed),
        })
    }
}

/// Other processes' CPU as a share of one core: all busy time minus the run's own, over the
/// run's wall time. `/proc/stat` counts in ticks, so a run that used the whole machine can
/// read a few ticks over its own: never below zero.
fn others_share(machine_busy_ns: u64, own_ns: u64, elapsed_ns: f64) -> f64 {
    machine_busy_ns.saturating_sub(own_ns) as f64 / elapsed_ns
}

/// Busy time of all cores since boot: the `cpu` line of `/proc/stat` without idle and iowait.
fn machine_busy_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    busy_ticks(stat.lines().next()?).map(|ticks| ticks * 1_000_000_000 / ticks_per_second())
}

/// user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
fn busy_ticks(cpu_line: &str) -> Option<u64> {
    let mut fields = cpu_line.split_whitespace();
    (fields.next()? == "cpu").then_some(())?;
    let ticks: Vec<u64> = fields.take(8).map(|f| f.parse().ok()).collect::<Option<_>>()?;
    (ticks.len() == 8).then(|| ticks.iter().sum::<u64>() - ticks[3] - ticks[4])
}

fn ticks_per_second() -> u64 {
    // SAFETY: sysconf reads a constant of the running system.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 { hz as u64 } else { 100 }
}

/// This process's CPU time and that of every child it has waited for.
fn own_cpu_ns() -> u64 {
    let of = |who| {
        // SAFETY: getrusage fills the zeroed struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(who, &mut usage) } != 0 {
            return 0;
        }
        shootout_core::metrics::cpu_time_of(&usage).as_nanos() as u64
    };
    of(libc::RUSAGE_SELF) + of(libc::RUSAGE_CHILDREN)
}

fn loadavg() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg").ok()?.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_ticks_leave_out_idle_and_iowait() {
        assert_eq!(busy_ticks("cpu  10 1 5 1000 7 2 3 4 0 0"), Some(10 + 1 + 5 + 2 + 3 + 4));
        assert_eq!(busy_ticks("cpu0 10 1 5 1000 7 2 3 4"), None);
        assert_eq!(busy_ticks("cpu 1 2"), None);
    }

    #[test]
    fn the_run_s_own_cpu_is_not_counted_as_others() {
        // 2 s of wall: the machine was busy 1.5 s, 1.2 s of it this run's.
        assert!((others_share(1_500_000_000, 1_200_000_000, 2e9) - 0.15).abs() < 1e-9);
        assert_eq!(others_share(1_000, 1_010, 2e9), 0.0);
        let meter = LoadMeter::start().expect("/proc is readable on Linux");
        let load = meter.finish().expect("and still at the end");
        assert!(load.loadavg_start >= 0.0 && load.others_core_share >= 0.0);
    }
}
