//! How a failed command ends: the one place that maps errors to exit codes
//! (0 answered, 1 nothing matched, 2 error) and prints them, as `Error: ...`
//! text on standard error or, when the command asked for JSON, as
//! `{"error": {"message", "file", "line", "column", "kind"}}` on standard
//! output (docs/json.md).

use std::io::Write;

use serde_json::json;

use trace_value::chart::ChartError;
use trace_value::docs::DocsError;
use trace_value::manifest::ManifestError;
use trace_value::query::QueryError;
use trace_value::render::{ErrorLocation, RenderError};

use crate::cli::ArgsError;

/// Exit code: the question had no answer (no block, no key matched), or
/// `check --strict` found something.
pub const EXIT_NO_MATCH: u8 = 1;
/// Exit code: anything else went wrong.
pub const EXIT_ERROR: u8 = 2;

/// A failure, classified for printing.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// The whole message (Helm's words where Helm has them).
    pub message: String,
    /// A stable name of the kind of error (docs/json.md lists them).
    pub kind: &'static str,
    /// Where it points, when known.
    pub location: Option<ErrorLocation>,
}

impl Failure {
    /// A failure of the command line itself (clap's message).
    pub fn usage(message: String) -> Self {
        Failure {
            code: EXIT_ERROR,
            message,
            kind: "usage",
            location: None,
        }
    }

    /// Classify an error of a command.
    pub fn of(err: &anyhow::Error) -> Self {
        let message = format!("{err:#}");
        let (code, kind, location) = classify(err);
        Failure {
            code,
            message,
            kind,
            location,
        }
    }

    /// Print the failure and give its exit code.
    pub fn report(&self, json: bool) -> u8 {
        if json {
            let loc = self.location.clone().unwrap_or_default();
            let file = (!loc.file.is_empty()).then_some(loc.file);
            let doc = json!({
                "version": crate::output::JSON_VERSION,
                "error": {
                    "message": self.message,
                    "file": file,
                    "line": loc.line,
                    "column": loc.column,
                    "kind": self.kind,
                }
            });
            let mut out = std::io::stdout().lock();
            // Nothing more can be reported when standard output is gone.
            let _ = serde_json::to_writer_pretty(&mut out, &doc);
            let _ = writeln!(out);
            let _ = out.flush();
        } else {
            eprintln!("Error: {}", self.message);
        }
        self.code
    }
}

fn classify(err: &anyhow::Error) -> (u8, &'static str, Option<ErrorLocation>) {
    for cause in err.chain() {
        if let Some(q) = cause.downcast_ref::<QueryError>() {
            return if q.is_no_match() {
                (EXIT_NO_MATCH, "no_match", None)
            } else {
                (EXIT_ERROR, "query", None)
            };
        }
        if let Some(r) = cause.downcast_ref::<RenderError>() {
            return (EXIT_ERROR, r.kind(), r.location());
        }
        if let Some(d) = cause.downcast_ref::<DocsError>() {
            return match d {
                DocsError::Render { error, .. } => (EXIT_ERROR, error.kind(), error.location()),
                DocsError::Chart(c) => (EXIT_ERROR, c.kind(), c.location()),
                DocsError::ValuesDir { path, .. } => (
                    EXIT_ERROR,
                    "values",
                    Some(ErrorLocation {
                        file: path.clone(),
                        ..ErrorLocation::default()
                    }),
                ),
            };
        }
        if let Some(m) = cause.downcast_ref::<trace_value::migrate::MigrateError>() {
            use trace_value::migrate::MigrateError as M;
            return match m {
                M::OldRender(e) | M::NewRender(e) => (EXIT_ERROR, e.kind(), e.location()),
                M::NewChart(c) | M::Values(c) => (EXIT_ERROR, c.kind(), c.location()),
                M::Temp { .. } => (EXIT_ERROR, "io", None),
            };
        }
        if let Some(c) = cause.downcast_ref::<ChartError>() {
            return (EXIT_ERROR, c.kind(), c.location());
        }
        if let Some(m) = cause.downcast_ref::<ManifestError>() {
            return match m {
                ManifestError::TemplateNotFound(_) => (EXIT_ERROR, "show_only", None),
                ManifestError::YamlParse { path, .. } => (
                    EXIT_ERROR,
                    "manifest",
                    Some(ErrorLocation {
                        file: path.clone(),
                        ..ErrorLocation::default()
                    }),
                ),
            };
        }
        if let Some(a) = cause.downcast_ref::<ArgsError>() {
            return match a {
                ArgsError::NameTemplate { kind, at, .. } => (EXIT_ERROR, kind, Some(at.clone())),
                _ => (EXIT_ERROR, "usage", None),
            };
        }
        if cause.downcast_ref::<std::io::Error>().is_some() {
            return (EXIT_ERROR, "io", None);
        }
    }
    (EXIT_ERROR, "error", None)
}
