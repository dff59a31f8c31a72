//! Values references (`docs`) and the report of values that change nothing
//! (`check`), built from helm-docs comments and the trace.

pub mod check;
pub mod comments;
pub mod findings;
pub mod lint;
pub mod mentions;
pub mod reference;
pub mod sets;

use std::path::PathBuf;

use crate::chart::ChartError;
use crate::render::{RenderError, RenderRequest};
use reference::DocKey;
use sets::{SetFindings, ValueSet};

/// Why a reference or a check could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocsError {
    /// The chart did not load.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A values folder could not be read or holds no values files.
    #[error("values folder {path}: {message}")]
    ValuesDir {
        /// The folder.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A value set failed to render.
    #[error("rendering value set {set}: {error}")]
    Render {
        /// The set's name.
        set: String,
        /// Helm's error.
        error: RenderError,
    },
}

/// Everything a reference or a check is made of.
pub struct Survey {
    /// The chart's name.
    pub chart_name: String,
    /// Every documented key.
    pub keys: Vec<DocKey>,
    /// What each rendered value set showed.
    pub sets: Vec<SetFindings>,
    /// Value sets left out because they do not render, with Helm's message.
    pub skipped: Vec<(String, String)>,
    /// The values fields the templates name by text.
    pub mentions: mentions::Mentions,
}

/// Render the given values and every values file under `values_dirs`, and
/// read the chart's documented keys. The given values (the request's `-f`
/// and `--set`) count as a set of their own; when folders are given and the
/// given values alone do not render, that set is left out and noted.
pub fn survey(req: &RenderRequest, values_dirs: &[PathBuf]) -> Result<Survey, DocsError> {
    survey_with(req, values_dirs, false, None)
}

/// [`survey`] where any value set that fails to render (a folder's as well
/// as the given values) is left out and noted in [`Survey::skipped`].
pub fn survey_lenient(req: &RenderRequest, values_dirs: &[PathBuf]) -> Result<Survey, DocsError> {
    survey_with(req, values_dirs, true, None)
}

/// [`survey`] (or, with `lenient`, [`survey_lenient`]) telling `progress`
/// as each value set starts to render.
pub fn survey_with(
    req: &RenderRequest,
    values_dirs: &[PathBuf],
    lenient: bool,
    progress: Option<sets::Progress>,
) -> Result<Survey, DocsError> {
    // Value sets are read before rendering so folder errors come first.
    let mut dir_sets = Vec::new();
    for dir in values_dirs {
        let in_dir = sets::sets_in_dir(dir).map_err(|e| DocsError::ValuesDir {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        if in_dir.is_empty() {
            return Err(DocsError::ValuesDir {
                path: dir.display().to_string(),
                message: "no values files in it".to_string(),
            });
        }
        dir_sets.extend(in_dir);
    }
    let given = ValueSet {
        name: if req.values_files.is_empty() && req.set.is_empty() {
            "default values".to_string()
        } else {
            "given values".to_string()
        },
        files: Vec::new(),
    };
    let req = req.clone();
    let skip_failing_given = lenient || !values_dirs.is_empty();
    // One thread, one chart load for every value set.
    let outcome = crate::render::with_large_stack(move || {
        let chart = crate::render::LoadedChart::load(&req.chart)?;
        let keys = reference::documented_keys(&chart.chart);
        let mentions = mentions::Mentions::of(&chart.chart);
        let tally = sets::Tally::new(1 + dir_sets.len(), progress);
        let mut found = Vec::new();
        let mut skipped = Vec::new();
        match sets::render_sets_counted(&chart, &req, std::slice::from_ref(&given), &tally) {
            Ok(f) => found.extend(f),
            Err((set, error)) if skip_failing_given => skipped.push((set, error.to_string())),
            Err((set, error)) => return Ok(Err(DocsError::Render { set, error })),
        }
        if lenient {
            for result in sets::render_sets_lenient_counted(&chart, &req, &dir_sets, &tally) {
                match result {
                    Ok(f) => found.push(f),
                    Err((set, error)) => skipped.push((set, error.to_string())),
                }
            }
        } else if let Err((set, error)) =
            sets::render_sets_counted(&chart, &req, &dir_sets, &tally).map(|f| found.extend(f))
        {
            return Ok(Err(DocsError::Render { set, error }));
        }
        Ok(Ok(Survey {
            chart_name: chart.chart.name().to_string(),
            keys,
            sets: found,
            skipped,
            mentions,
        }))
    });
    match outcome {
        Ok(inner) => inner,
        Err(crate::render::RenderError::Chart(e)) => Err(DocsError::Chart(e)),
        Err(error) => Err(DocsError::Render {
            set: "chart".to_string(),
            error,
        }),
    }
}
