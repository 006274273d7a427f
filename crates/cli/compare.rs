//! `shootout compare A.json B.json`: B ÷ A per case and strategy with a noise flag; cases and
//! strategies present in only one file are listed.

use std::path::PathBuf;

use clap::Args;
use shootout_core::results::{check_output_path, write_atomic};
use shootout_harness::compare;

use crate::report::load;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Ratios are B's median ÷ A's: below 1 means B is faster. \
                        \"~ noise\" marks pairs whose min–max ranges overlap.")]
pub struct CompareArgs {
    /// The reference run: before a change, the first machine, the old runtime version
    #[arg(value_name = "A.json")]
    pub a: PathBuf,
    /// The run compared with it
    #[arg(value_name = "B.json")]
    pub b: PathBuf,
    /// Also write the comparison as markdown to this file
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
}

pub fn compare(args: &CompareArgs) -> i32 {
    let (a, b) = match (load(&args.a), load(&args.b)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return crate::usage_error(e),
    };
    if let Some(path) = &args.markdown
        && let Err(e) = check_output_path(path)
    {
        return crate::usage_error(format!("--markdown {}: {e}", path.display()));
    }
    let text = match compare::compare(&a, &b) {
        Ok(t) => t,
        Err(e) => return crate::usage_error(format!("{} vs {}: {e}", args.a.display(), args.b.display())),
    };
    print!("{text}");
    if let Some(path) = &args.markdown {
        let markdown = match compare::compare_markdown(&a, &b) {
            Ok(m) => m,
            Err(e) => return crate::usage_error(e),
        };
        if let Err(e) = write_atomic(path, markdown.as_bytes()) {
            eprintln!("shootout: cannot write {}: {e}", path.display());
            return 1;
        }
    }
    0
}
