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
        println!("  {w} ({} cases)", cases.len());
        for c in cases {
            println!("    {}", c.name);
        }
    }
    0
}
