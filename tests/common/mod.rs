//! Helpers shared by the integration tests: where the repository, its fixture
//! goldens and the shared test data (`../shared`: the real k8s-monitoring
//! chart and its goldens) are, how a golden file reads, and how two renders
//! are told apart.
//!
//! `shared_dir` is the one place that decides whether `../shared` is there.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root (the directory holding `Cargo.toml`).
pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether the tests run in CI: `$CI` is set to anything but ``, `0` or `false`.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// The shared test data directory: `$TRACE_VALUE_SHARED` if set, else
/// `<repo>/../shared`. It counts as present when it holds `charts/` and
/// `goldens/`.
///
/// When it is missing: panics if `$TRACE_VALUE_SHARED` names it or if `$CI` is
/// set (a CI run must not pass by skipping); otherwise prints
/// `skipped: ../shared not found` and returns `None`.
pub fn shared_dir() -> Option<PathBuf> {
    let explicit = std::env::var_os("TRACE_VALUE_SHARED").map(PathBuf::from);
    let dir = explicit
        .clone()
        .unwrap_or_else(|| repo_dir().join("..").join("shared"));
    if dir.join("charts").is_dir() && dir.join("goldens").is_dir() {
        return Some(dir);
    }
    if let Some(explicit) = explicit {
        panic!(
            "TRACE_VALUE_SHARED={} has no charts/ and goldens/ in it",
            explicit.display()
        );
    }
    if in_ci() {
        panic!(
            "CI is set but the shared test data is missing at {}: \
             check it out beside the repository or set TRACE_VALUE_SHARED",
            dir.display()
        );
    }
    eprintln!("skipped: ../shared not found (looked in {})", dir.display());
    None
}

/// What a golden says Helm produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// The rendered files: template path → rendered text.
    Files(BTreeMap<String, String>),
    /// Helm's error message.
    Error(String),
}

/// One golden file: the render it records and what Helm produced.
#[derive(Debug, Clone)]
pub struct Golden {
    /// The golden file itself.
    pub path: PathBuf,
    /// A short name for messages: the path below its goldens directory, without `.json`.
    pub name: String,
    /// The `chart` field (a path relative to the repository), when present.
    pub chart: Option<String>,
    /// The `values` field: a values file relative to the chart, or `None` for the chart's own values only.
    pub values: Option<String>,
    /// The release name the render used.
    pub release: String,
    /// The namespace the render used.
    pub namespace: String,
    /// The rendered files or the error.
    pub expected: Expected,
}

impl Golden {
    /// Reads a golden; `root` is the goldens directory its name is relative to.
    /// Panics with the file's path when it is not a golden.
    pub fn load(path: &Path, root: &Path) -> Golden {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
        let json: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let field = |key: &str| json.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let expected = match (json.get("files"), field("error")) {
            (Some(files), None) => {
                let files = files
                    .as_object()
                    .unwrap_or_else(|| panic!("{}: `files` is not an object", path.display()))
                    .iter()
                    .map(|(k, v)| {
                        let text = v.as_str().unwrap_or_else(|| {
                            panic!("{}: file {k} is not a string", path.display())
                        });
                        (k.clone(), text.to_owned())
                    })
                    .collect();
                Expected::Files(files)
            }
            (None, Some(error)) => Expected::Error(error),
            _ => panic!(
                "{}: a golden holds exactly one of `files` and `error`",
                path.display()
            ),
        };
        let name = path
            .strip_prefix(root)
            .unwrap_or(path)
            .with_extension("")
            .to_string_lossy()
            .replace('\\', "/");
        Golden {
            path: path.to_owned(),
            name,
            chart: field("chart"),
            values: field("values"),
            release: field("release").unwrap_or_else(|| panic!("{}: no `release`", path.display())),
            namespace: field("namespace")
                .unwrap_or_else(|| panic!("{}: no `namespace`", path.display())),
            expected,
        }
    }

    /// The values files to pass to the renderer, given the chart directory.
    pub fn values_files(&self, chart_dir: &Path) -> Vec<PathBuf> {
        self.values.iter().map(|v| chart_dir.join(v)).collect()
    }
}

/// Every `*.json` file below `dir`, sorted.
pub fn json_files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// The fixture goldens committed under `testdata/goldens/`, sorted by name.
pub fn fixture_goldens() -> Vec<Golden> {
    let root = repo_dir().join("testdata").join("goldens");
    json_files_below(&root)
        .iter()
        .map(|path| Golden::load(path, &root))
        .collect()
}

/// Longest error message quoted in full in a failure report.
const QUOTE_LIMIT: usize = 2000;

/// `text`, cut after `QUOTE_LIMIT` bytes (on a char boundary) with a note.
fn clip(text: &str) -> String {
    if text.len() <= QUOTE_LIMIT {
        return text.to_owned();
    }
    let mut end = QUOTE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

/// Compares a render (the rendered files, or the renderer's error) with what
/// Helm produced: `None` when they are byte-identical (files, or error text),
/// else a report of the first difference.
pub fn compare_render<E: std::fmt::Display>(
    expected: &Expected,
    result: Result<BTreeMap<String, String>, E>,
) -> Option<String> {
    match (expected, result) {
        (Expected::Files(want), Ok(got)) => first_difference(want, &got),
        (Expected::Files(_), Err(err)) => Some(format!(
            "Helm renders, trace-value fails: {}",
            clip(&err.to_string())
        )),
        (Expected::Error(want), Ok(_)) => Some(format!(
            "Helm fails, trace-value renders; Helm says: {}",
            clip(want)
        )),
        (Expected::Error(want), Err(err)) => {
            let got = err.to_string();
            (got != *want).then(|| {
                format!(
                    "the error differs\n--- helm (golden)\n{}\n+++ trace-value\n{}",
                    clip(want),
                    clip(&got)
                )
            })
        }
    }
}

/// Describes the first difference between two renders, or `None` when they
/// are byte-identical: a file only one side has, or the first differing line
/// of a file with a few lines of context from each side.
pub fn first_difference(
    expected: &BTreeMap<String, String>,
    actual: &BTreeMap<String, String>,
) -> Option<String> {
    for (path, want) in expected {
        match actual.get(path) {
            None => return Some(format!("{path}: missing from the render")),
            Some(got) if got != want => return Some(describe_text_difference(path, want, got)),
            Some(_) => {}
        }
    }
    actual
        .keys()
        .find(|path| !expected.contains_key(*path))
        .map(|path| format!("{path}: rendered but not in the golden"))
}

/// The first differing line of two texts, with context, as a short report.
fn describe_text_difference(path: &str, want: &str, got: &str) -> String {
    const CONTEXT: usize = 3;
    let want_lines: Vec<&str> = want.split_inclusive('\n').collect();
    let got_lines: Vec<&str> = got.split_inclusive('\n').collect();
    let first = want_lines
        .iter()
        .zip(&got_lines)
        .position(|(w, g)| w != g)
        .unwrap_or(want_lines.len().min(got_lines.len()));
    let start = first.saturating_sub(CONTEXT);
    let show = |lines: &[&str]| -> String {
        lines
            .iter()
            .enumerate()
            .skip(start)
            .take(first - start + CONTEXT + 1)
            .map(|(i, line)| {
                let mark = if i == first { '>' } else { ' ' };
                format!("{mark}{:5} | {line:?}\n", i + 1)
            })
            .collect()
    };
    format!(
        "{path}: first difference at line {} ({} vs {} bytes)\n--- helm (golden)\n{}+++ trace-value\n{}",
        first + 1,
        want.len(),
        got.len(),
        show(&want_lines),
        show(&got_lines),
    )
}

/// One finished run of the `trace-value` binary.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, invalid UTF-8 replaced.
    pub stdout: String,
    /// Standard error, invalid UTF-8 replaced.
    pub stderr: String,
}

impl Run {
    /// A run from a finished process.
    pub fn of(out: std::process::Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Exit code, standard output and standard error.
    pub fn parts(self) -> (i32, String, String) {
        (self.code, self.stdout, self.stderr)
    }
}

/// Run the binary with `args`, standard input closed.
pub fn run_cli(args: &[&str]) -> Run {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_trace-value"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run trace-value: {e}"));
    Run::of(out)
}

/// A fresh scratch folder for one test, named by the test binary's `kind`,
/// the process and `name`.
pub fn scratch(kind: &str, name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("trace-value-{kind}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("{}: cannot create: {e}", dir.display()));
    dir
}

/// Write a file, making its folders.
pub fn write(path: &Path, data: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("{}: cannot create: {e}", parent.display()));
    }
    std::fs::write(path, data).unwrap_or_else(|e| panic!("{}: cannot write: {e}", path.display()));
}

/// The first 2,000 characters, for assertion messages.
pub fn head(s: &str) -> String {
    s.chars().take(2000).collect()
}

/// A clean refusal: exit 2, the expected words on standard error, a few
/// lines, no crash text (a panic, an overflow, an abort).
pub fn assert_refused(r: &Run, expected: &str) {
    assert_eq!(r.code, 2, "exit code; stderr:\n{}", head(&r.stderr));
    assert!(
        r.stderr.contains(expected),
        "stderr:\n{}\nexpected to contain: {expected}",
        head(&r.stderr)
    );
    assert_no_crash_text("", r);
    assert!(r.stderr.lines().count() <= 5, "{}", head(&r.stderr));
}

/// No crash text on standard error: a panic, a stack overflow, an abort, an
/// allocation failure. `what` prefixes the assertion message.
pub fn assert_no_crash_text(what: &str, r: &Run) {
    for crash in [
        "panicked",
        "overflowed",
        "fatal runtime",
        "memory allocation",
    ] {
        assert!(!r.stderr.contains(crash), "{what}{}", head(&r.stderr));
    }
}
