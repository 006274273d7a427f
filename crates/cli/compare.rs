//! `shootout compare BASE.json OTHER.json… [--threshold PCT]`: each other run against the
//! baseline per case and strategy, with the ranking's tie rule, and one verdict line per run.

use std::path::PathBuf;

use clap::Args;
use shootout_core::results::{Results, check_output_path, write_atomic};
use shootout_harness::compare::{self, Run};

use crate::report::load;

#[derive(Debug, Clone, Args)]
#[command(after_help = "Ratios are each file's median ÷ the baseline's: below 1 is faster. A difference \
                        counts only when the 95 % bootstrap interval of the ratio of medians lies wholly \
                        beyond ±PCT; otherwise the pair is \"can't tell\". Each case × strategy pair counts \
                        once in the verdict line. Files that share no case with the baseline: exit 2.")]
pub struct CompareArgs {
    /// The baseline first (before a change, the first machine, the old runtime version), then
    /// the runs compared with it
    #[arg(value_name = "RESULTS.json", num_args = 2.., required = true)]
    pub files: Vec<PathBuf>,
    /// The minimum effect, in percent: smaller differences are "can't tell"
    #[arg(long, value_name = "PCT", default_value = "3", value_parser = percent)]
    pub threshold: f64,
    /// Also write the comparison as markdown to this file
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
}

fn percent(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("expected a percentage like 3 or 0.5, got {text:?}"))?;
    if value.is_finite() && (0.0..100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("a threshold must be at least 0 and under 100 (percent), got {text:?}"))
    }
}

/// "A", "B", … "Z", then "F27", "F28", …
fn label(i: usize) -> String {
    match u8::try_from(i).ok().filter(|i| *i < 26) {
        Some(i) => char::from(b'A' + i).to_string(),
        None => format!("F{}", i + 1),
    }
}

pub fn compare(args: &CompareArgs) -> i32 {
    let loaded: Result<Vec<Results>, String> = args.files.iter().map(|p| load(p)).collect();
    let loaded = match loaded {
        Ok(l) => l,
        Err(e) => return crate::usage_error(e),
    };
    if let Some(path) = &args.markdown
        && let Err(e) = check_output_path(path)
    {
        return crate::usage_error(format!("--markdown {}: {e}", path.display()));
    }
    let runs: Vec<Run<'_>> = loaded
        .iter()
        .zip(&args.files)
        .enumerate()
        .map(|(i, (results, path))| Run { label: label(i), source: path.display().to_string(), results })
        .collect();
    let min_effect = args.threshold / 100.0;
    let text = match compare::compare(&runs, min_effect) {
        Ok(t) => t,
        Err(e) => return crate::usage_error(e),
    };
    print!("{text}");
    if let Some(path) = &args.markdown {
        let markdown = match compare::compare_markdown(&runs, min_effect) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_labels() {
        assert_eq!(percent("3"), Ok(3.0));
        assert_eq!(percent("0.5%"), Ok(0.5));
        assert!(percent("100").is_err() && percent("-1").is_err() && percent("x").is_err());
        assert_eq!(
            (label(0), label(1), label(25), label(26)),
            ("A".into(), "B".into(), "Z".into(), "F27".into())
        );
    }

    #[test]
    fn files_that_share_no_case_exit_2() {
        let dir = std::env::temp_dir().join(format!("shootout-compare-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/harness/tests/data");
        let mut other: Results =
            Results::from_json(&std::fs::read_to_string(data.join("results-b.json")).unwrap()).unwrap();
        for row in &mut other.cases {
            row.case = format!("{}-renamed", row.case);
        }
        let renamed = dir.join("renamed.json");
        std::fs::write(&renamed, other.to_json()).unwrap();
        let args = |files: Vec<PathBuf>| CompareArgs { files, threshold: 3.0, markdown: None };
        assert_eq!(compare(&args(vec![data.join("results-a.json"), renamed.clone()])), 2);
        assert_eq!(compare(&args(vec![data.join("results-a.json"), data.join("results-b.json")])), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
