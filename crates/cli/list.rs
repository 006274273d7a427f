//! `shootout list`: the strategies of the registry, and each workload's cases with the legend
//! of the letters in their names (n, k, d, m, l, b, p, c mean different things per workload).

use clap::Args;
use shootout_core::{Preset, Workload, catalog, format_duration};
use shootout_harness::STRATEGIES;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Which preset's cases to list
    #[arg(long, default_value = "quick", value_parser = ["quick", "full"])]
    preset: String,
}

pub fn list(args: &ListArgs) -> i32 {
    let preset = match Preset::parse(&args.preset) {
        Ok(p) => p,
        Err(e) => return crate::usage_error(e),
    };
    println!("strategies:");
    for e in STRATEGIES {
        println!("  {:<11} {}", e.name, e.about);
    }
    println!(
        "\nworkloads and cases ({} preset, budget {}):",
        preset.name(),
        format_duration(crate::run::budget(preset))
    );
    for w in Workload::ALL {
        let cases = catalog::cases_of(w, preset);
        println!("  {w} ({} cases; {})", cases.len(), legend(w));
        for c in cases {
            println!("    {}", c.name);
        }
    }
    0
}

/// What the letters of a workload's case names mean.
pub fn legend(workload: Workload) -> &'static str {
    match workload {
        Workload::Sleep => "n = tasks, d = each task's sleep",
        Workload::FanOut => {
            "n = units, k = kernel iterations per unit (CPU work), d = each unit's wait, m = every m-th unit \
             fails, l = limit in flight, t = deadline, slow = every 4th unit waits 4 d"
        }
        Workload::Http => "m = requests, c = concurrency (connections), l = server latency",
        Workload::Queue => {
            "p = producers, c = consumers, b = channel capacity, m = messages, wait = each message's processing"
        }
        Workload::Submit => {
            "k = submitter threads, n = submissions, task = each task's wait, burst = units per hand-over, cancel = 1 in m cancelled"
        }
    }
}
