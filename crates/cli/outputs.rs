//! The files `shootout run` writes (--json, --csv, --markdown, --out DIR): every path checked
//! before the first case, then each written on its own, so one that fails stops no other and
//! "wrote" names only what was written.

use std::path::{Component, Path, PathBuf};

use shootout_core::results::{Results, check_output_path, write_atomic};
use shootout_harness::{env, table};

use crate::run::RunArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Csv,
    Markdown,
    /// `--out DIR/report.md`: the full report, not only the tables.
    Report,
    EnvText,
}

#[derive(Debug)]
struct Output {
    path: PathBuf,
    kind: Kind,
    /// Which flag asked for it, for messages.
    flag: &'static str,
    /// The last write's error, if it failed.
    error: Option<String>,
    written: bool,
}

/// The run's outputs and how their last writes went.
#[derive(Debug, Default)]
pub struct Outputs {
    list: Vec<Output>,
    out_dir: Option<PathBuf>,
}

/// `path` with `.` and `..` folded, made absolute, to compare two flags' paths.
fn normal(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
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

impl Outputs {
    /// Checks every output path; creates the `--out` directory last, once everything else
    /// passed. The error is one line naming the flag and the path.
    pub fn check(args: &RunArgs) -> Result<Outputs, String> {
        let mut list = Vec::new();
        let add = |list: &mut Vec<Output>, path: &Path, kind: Kind, flag: &'static str| {
            list.push(Output { path: path.to_path_buf(), kind, flag, error: None, written: false })
        };
        if let Some(p) = &args.json {
            add(&mut list, p, Kind::Json, "--json");
        }
        if let Some(p) = &args.csv {
            add(&mut list, p, Kind::Csv, "--csv");
        }
        if let Some(p) = &args.markdown {
            add(&mut list, p, Kind::Markdown, "--markdown");
        }
        for o in &list {
            check_output_path(&o.path).map_err(|e| format!("{} {}: {e}", o.flag, o.path.display()))?;
        }
        if let Some(dir) = &args.out {
            match std::fs::symlink_metadata(dir) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return Err(format!("--out {} exists and is not a directory", dir.display())),
                Err(_) => std::fs::create_dir_all(dir)
                    .map_err(|e| format!("--out: cannot create the directory {}: {e}", dir.display()))?,
            }
            for (name, kind) in [
                ("results.json", Kind::Json),
                ("results.csv", Kind::Csv),
                ("report.md", Kind::Report),
                ("env.txt", Kind::EnvText),
            ] {
                let path = dir.join(name);
                check_output_path(&path).map_err(|e| format!("--out {}: {e}", dir.display()))?;
                add(&mut list, &path, kind, "--out");
            }
        }
        for (i, a) in list.iter().enumerate() {
            if let Some(b) = list[..i].iter().find(|b| normal(&b.path) == normal(&a.path)) {
                return Err(format!(
                    "{} and {} both name {}: give each output its own file",
                    b.flag,
                    a.flag,
                    a.path.display()
                ));
            }
        }
        Ok(Outputs { list, out_dir: args.out.clone() })
    }

    /// Writes every output; a failure is remembered for that output and the others are still
    /// written.
    pub fn write(&mut self, results: &Results) {
        for o in &mut self.list {
            let text = match o.kind {
                Kind::Json => results.to_json(),
                Kind::Csv => results.to_csv(),
                Kind::Markdown => table::markdown_report(results),
                Kind::Report => shootout_harness::report::render(results),
                Kind::EnvText => env::env_text(&results.env),
            };
            match write_atomic(&o.path, text.as_bytes()) {
                Ok(()) => (o.written, o.error) = (true, None),
                Err(e) => (o.written, o.error) = (false, Some(format!("{}: {e}", o.path.display()))),
            }
        }
    }

    /// "; wrote A, B, DIR/" for what the last write put on disk (empty when nothing).
    pub fn wrote(&self) -> String {
        let mut names: Vec<String> = Vec::new();
        let in_dir =
            |o: &Output| self.out_dir.as_ref().is_some_and(|d| o.flag == "--out" && o.path.starts_with(d));
        for o in self.list.iter().filter(|o| o.written && !in_dir(o)) {
            names.push(o.path.display().to_string());
        }
        if let Some(dir) = &self.out_dir {
            let files: Vec<&Output> = self.list.iter().filter(|o| in_dir(o)).collect();
            if !files.is_empty() && files.iter().all(|o| o.written) {
                names.push(format!("{}/", dir.display()));
            } else {
                names.extend(files.iter().filter(|o| o.written).map(|o| o.path.display().to_string()));
            }
        }
        if names.is_empty() { String::new() } else { format!("; wrote {}", names.join(", ")) }
    }

    /// The `--out` directory (or the default save directory), if any.
    pub fn out_dir(&self) -> Option<&Path> {
        self.out_dir.as_deref()
    }

    /// One line per output whose last write failed.
    pub fn errors(&self) -> Vec<String> {
        self.list.iter().filter_map(|o| o.error.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shootout_core::results::Env;

    #[test]
    fn a_failed_output_stops_no_other_and_is_not_named_as_written() {
        let dir = std::env::temp_dir().join(format!("shootout-outputs-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("gone")).unwrap();
        let args = RunArgs {
            json: Some(dir.join("gone/a.json")),
            csv: Some(dir.join("b.csv")),
            out: Some(dir.join("out")),
            ..RunArgs::default()
        };
        let mut outputs = Outputs::check(&args).unwrap();
        // The JSON's directory disappears during the run.
        std::fs::remove_dir_all(dir.join("gone")).unwrap();
        outputs.write(&Results::new(Env::default()));
        let errors = outputs.errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("gone/a.json"), "{errors:?}");
        assert!(dir.join("b.csv").is_file());
        for name in ["results.json", "results.csv", "report.md", "env.txt"] {
            assert!(dir.join("out").join(name).is_file(), "{name}");
        }
        let wrote = outputs.wrote();
        assert!(!wrote.contains("a.json"), "{wrote}");
        assert!(wrote.contains("b.csv") && wrote.contains("out/"), "{wrote}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn two_flags_naming_one_file_are_refused() {
        let args = RunArgs {
            json: Some(PathBuf::from("same.out")),
            csv: Some(PathBuf::from("./same.out")),
            ..RunArgs::default()
        };
        let err = Outputs::check(&args).unwrap_err();
        assert!(err.contains("--json and --csv both name"), "{err}");
    }
}
