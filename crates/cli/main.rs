//! `shootout`: measure sequential code, threads, rayon, tokio, async-std and smol on the same
//! verified workloads. With no arguments it runs the quick preset of everything.

mod compare;
mod fidelity;
mod list;
mod outputs;
mod report;
mod run;
mod serve;
mod workload;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "shootout",
    version,
    about = "Measure sequential, threads, rayon, tokio, async-std and smol on the same verified workloads",
    after_help = "With no command, `shootout` runs `shootout run` with the quick preset.\n\n\
Exit status: 0 the run produced its results; 2 bad input, found before anything runs (unknown names, \
malformed values, unwritable outputs, an unreachable --target); 1 a case could not measure any strategy \
(every row failed or was skipped) or an output could not be written; with --strict, any failed row \
also exits 1."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Verify, then measure, every selected case × strategy (the default command)
    #[command(
        after_help = "How flags combine with --preset: the preset (quick unless named) gives the cases, R, the \
budget and the repetition budget; --workload and --strategy narrow them; --repeat, --workers, --max-case-time and \
--max-repeat-time override them; any flag of a workload replaces that workload's preset cases with the case it \
describes (unset flags take their defaults), and without --workload only the workloads whose flags were given run.\n\n\
Exit status: 0 the run produced its results; 2 bad input, found before anything runs (unknown names, malformed \
values, flags of a workload the run leaves out, unwritable outputs, an unreachable --target); 1 a case could not \
measure any strategy (every row failed or was skipped) or an output could not be written; --strict also makes any \
failed or timed-out row exit 1."
    )]
    Run(Box<run::RunArgs>),
    /// List the strategies, the workloads and each preset's cases
    List(list::ListArgs),
    /// Render a results file: markdown report (ranking, decision guide, tables), SVG charts, README splice
    Report(report::ReportArgs),
    /// Compare two results files: B ÷ A per case and strategy, with a noise flag
    Compare(compare::CompareArgs),
    /// Run each minimal reference program beside its shootout case and print shootout ÷ minimal
    Fidelity(fidelity::FidelityArgs),
    /// Run the HTTP target server standalone (loopback unless --bind names another address)
    Serve(serve::ServeArgs),
    /// Internal: criterion's estimates under DIR as shootout's tables (scripts/bench.sh)
    #[command(name = "criterion-tables", hide = true)]
    CriterionTables(report::CriterionTablesArgs),
    /// Internal: run one case in this fresh process and report it as JSON
    #[command(name = "__child", hide = true)]
    Child {
        #[arg(long)]
        request: String,
    },
}

/// clap's whole message (what is wrong, the possible values or the missing argument, a tip,
/// the usage) as one line, without its "For more information" pointer.
fn one_line(text: &str) -> String {
    let parts: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .map(|l| match l.strip_prefix("Usage: ") {
            Some(usage) => format!("(usage: {usage})"),
            None => l.to_string(),
        })
        .collect();
    let joined = parts.join(" ");
    let joined = joined.trim_start_matches("error: ");
    if joined.is_empty() { "invalid arguments".to_string() } else { joined.to_string() }
}

/// Bad input: one line on stderr, exit status 2.
pub fn usage_error(msg: impl std::fmt::Display) -> i32 {
    eprintln!("shootout: {msg}");
    2
}

fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind::*;
            if matches!(e.kind(), DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand) {
                e.exit();
            }
            std::process::exit(usage_error(one_line(&e.render().to_string())));
        }
    };
    let code = match cli.command {
        None => run::run(&run::RunArgs::default()),
        Some(Command::Run(args)) => run::run(&args),
        Some(Command::List(args)) => list::list(&args),
        Some(Command::Report(args)) => report::report(&args),
        Some(Command::Compare(args)) => compare::compare(&args),
        Some(Command::Fidelity(args)) => fidelity::fidelity(&args),
        Some(Command::Serve(args)) => match serve::serve(&args) {
            Ok(()) => 0,
            Err(e) => usage_error(e),
        },
        Some(Command::CriterionTables(args)) => report::criterion_tables(&args),
        Some(Command::Child { request }) => shootout_harness::child::main(&request),
    };
    std::process::exit(code);
}
