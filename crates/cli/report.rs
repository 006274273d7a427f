//! `shootout report RESULTS.json [--markdown PATH] [--plots DIR] [--splice README.md]`: the
//! markdown report, the SVG charts and the README block, all rendered from the results file
//! alone. Also `shootout criterion-tables DIR`, criterion's estimates in the same layout.

use std::path::{Component, Path, PathBuf};

use clap::Args;
use shootout_core::results::{Results, check_output_path, write_atomic};
use shootout_harness::{criterion_tables, plot, report};

#[derive(Debug, Clone, Args)]
#[command(after_help = "Without --markdown or --splice the report is printed to stdout.")]
pub struct ReportArgs {
    /// A results file written by `shootout run --json PATH` (or DIR/results.json of `--out DIR`)
    #[arg(value_name = "RESULTS.json")]
    pub results: PathBuf,
    /// Write the markdown report to this file
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write SVG charts into this directory (created if missing) and link them from the report
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Rewrite only the text between <!-- shootout:begin --> and <!-- shootout:end --> in this
    /// file with the report, recording the command that produced it
    #[arg(long, value_name = "README.md")]
    pub splice: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CriterionTablesArgs {
    /// criterion's output directory
    #[arg(value_name = "DIR", default_value = "target/criterion")]
    pub dir: PathBuf,
}

/// Reads and parses a results file; every failure is one line naming the file.
pub fn load(path: &Path) -> Result<Results, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Results::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// This process's command line, as a reader would retype it.
fn command_line() -> String {
    std::iter::once("shootout".to_string()).chain(std::env::args().skip(1)).collect::<Vec<_>>().join(" ")
}

fn absolute(path: &Path) -> PathBuf {
    // Resolve symlinks where the path exists (or its directory does), so both sides agree.
    let abs = path
        .canonicalize()
        .or_else(|e| match (path.parent(), path.file_name()) {
            (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => {
                dir.canonicalize().map(|d| d.join(name))
            }
            _ => Err(e),
        })
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    // Fold `.` and `..` that `absolute` keeps, so the two sides of `relative` compare alike.
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `target` as a link from a file in `from_dir`, with `/` separators: markdown links and
/// image paths are relative to the document that holds them.
fn relative(from_dir: &Path, target: &Path) -> String {
    let from_dir = if from_dir.as_os_str().is_empty() { Path::new(".") } else { from_dir };
    let (from, to) = (absolute(from_dir), absolute(target));
    let from: Vec<Component<'_>> = from.components().collect();
    let to_parts: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to_parts).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); from.len() - common];
    parts.extend(to_parts[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

/// `(alt text, link)` for each chart, linked from a document in `from_dir`.
fn chart_links(results: &Results, charts: &[PathBuf], from_dir: &Path) -> Vec<(String, String)> {
    let titles = plot::chart_titles(results);
    charts
        .iter()
        .map(|path| {
            let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            let alt = titles.iter().find(|(f, _)| *f == file).map_or(file.clone(), |(_, t)| t.clone());
            (alt, relative(from_dir, path))
        })
        .collect()
}

pub fn report(args: &ReportArgs) -> i32 {
    let results = match load(&args.results) {
        Ok(r) => r,
        Err(e) => return crate::usage_error(e),
    };
    if let Some(load) = results.env.load.filter(|l| l.busy()) {
        eprintln!(
            "shootout: warning: {} was measured on a busy machine: {}",
            args.results.display(),
            load.describe()
        );
    }
    // Every output path before anything is written: a bad one is bad input (exit 2).
    for (flag, path) in [("--markdown", &args.markdown), ("--splice", &args.splice)] {
        if let Some(path) = path
            && let Err(e) = check_output_path(path)
        {
            return crate::usage_error(format!("{flag} {}: {e}", path.display()));
        }
    }
    // Check the README's markers before writing anything, so bad markers leave every file as it was.
    let readme = match &args.splice {
        Some(path) => {
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => return crate::usage_error(format!("cannot read {}: {e}", path.display())),
            };
            if let Err(e) = report::splice(&text, "", "") {
                return crate::usage_error(format!("{}: {e}", path.display()));
            }
            Some((path, text))
        }
        None => None,
    };
    let charts = match &args.plots {
        Some(dir) => match plot::write_charts(&results, dir) {
            Ok(paths) => paths,
            Err(e) => return crate::usage_error(e),
        },
        None => Vec::new(),
    };
    let mut wrote: Vec<String> = Vec::new();
    if let Some(dir) = &args.plots {
        if charts.is_empty() {
            // Each chart draws a sweep (N, k, C or the queue's shapes): one case has no line.
            eprintln!(
                "shootout: no chart: a chart needs a sweep of one workload's cases (several N, k or C), and {} has none",
                args.results.display()
            );
        } else {
            wrote.push(format!("{} chart(s) in {}", charts.len(), dir.display()));
        }
    }
    let write = |path: &Path, text: &str| -> Result<(), String> {
        write_atomic(path, text.as_bytes()).map_err(|e| format!("cannot write {}: {e}", path.display()))
    };
    if let Some(path) = &args.markdown {
        let text = report::render_with_charts(&results, &chart_links(&results, &charts, parent(path)));
        if let Err(e) = write(path, &text) {
            eprintln!("shootout: {e}");
            return 1;
        }
        wrote.push(path.display().to_string());
    }
    if let Some((path, text)) = readme {
        let from = parent(path);
        // The README holds the answer; every case's table is in the report beside the data.
        let mut block = report::summary_with_charts(&results, &chart_links(&results, &charts, from));
        if let Some(md) = &args.markdown {
            block.push_str(&format!(
                "\nEvery case's table, and the start-up table: [{}]({}).",
                md.display(),
                relative(from, md)
            ));
        }
        block.push_str(&format!(
            "\nThe data: [{}]({}).\n",
            args.results.display(),
            relative(from, &args.results)
        ));
        let spliced = match report::splice(&text, &block, &command_line()) {
            Ok(s) => s,
            Err(e) => return crate::usage_error(format!("{}: {e}", path.display())),
        };
        if let Err(e) = write(path, &spliced) {
            eprintln!("shootout: {e}");
            return 1;
        }
        wrote.push(format!("{} (between the shootout markers)", path.display()));
    }
    if args.markdown.is_none() && args.splice.is_none() {
        print!("{}", report::render_with_charts(&results, &chart_links(&results, &charts, Path::new("."))));
    }
    if !wrote.is_empty() {
        eprintln!("shootout: wrote {}", wrote.join(", "));
    }
    0
}

pub fn criterion_tables(args: &CriterionTablesArgs) -> i32 {
    match criterion_tables::render(&args.dir) {
        Ok(markdown) => {
            print!("{markdown}");
            0
        }
        Err(e) => crate::usage_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_relative_to_the_document() {
        let root = std::env::temp_dir().join(format!("shootout-links-{}", std::process::id()));
        let charts = root.join("results/2026-01-01-host");
        std::fs::create_dir_all(&charts).unwrap();
        assert_eq!(relative(&root, &charts.join("a.svg")), "results/2026-01-01-host/a.svg");
        assert_eq!(relative(&charts, &charts.join("a.svg")), "a.svg");
        assert_eq!(relative(&charts.join("x"), &root.join("README.md")), "../../../README.md");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
