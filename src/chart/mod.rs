//! Charts as Helm loads and prepares them: the chart tree read from a folder
//! or a `.tgz` ([`load`]), `Chart.yaml` metadata ([`metadata`]), subchart
//! enabling, aliases and import-values ([`dependencies`]), values coalescing
//! ([`coalesce`]), user values from `-f` and `--set` flags ([`strvals`],
//! [`user`]), and the render inputs each template sees (`.Values`, `.Chart`,
//! `.Release`, `.Capabilities`, `.Files`: [`objects`], [`prepare`]), and
//! `values.schema.json` validation ([`schema`]). [`semver`] holds the
//! version-constraint checks dependency matching needs.
//!
//! Everything here follows Helm v4.2.3 (`pkg/chart/v2/loader`,
//! `pkg/chart/common/util/coalesce.go`, `pkg/chart/v2/util/dependencies.go`,
//! `pkg/strvals`, `pkg/engine/files.go`).

pub mod coalesce;
pub mod dependencies;
pub mod glob;
pub mod load;
mod load_ahead;
pub mod metadata;
pub mod objects;
pub mod prepare;
pub mod schema;
pub mod semver;
pub mod strvals;
pub mod user;

pub use load::{load_chart, load_chart_archive};
pub use metadata::{Dependency, Maintainer, Metadata};
pub use prepare::{
    prepare, prepare_with_values, ChartDefaults, LoadValuesFn, Prepared, PreparedChart,
    ReleaseOptions,
};
pub use user::UserValues;

/// A file of a chart: its path relative to the chart root and its bytes.
#[derive(Clone, Debug)]
pub struct ChartFile {
    /// Path relative to the chart folder, with `/` separators (`templates/x.yaml`).
    pub name: String,
    /// The file's content.
    pub data: std::sync::Arc<Vec<u8>>,
}

/// A file under `templates/`: its path relative to the chart root and its
/// text (invalid UTF-8 replaced), shared with the threads that parse it.
#[derive(Clone, Debug)]
pub struct TemplateText {
    /// Path relative to the chart folder (`templates/x.yaml`).
    pub name: String,
    /// The file's text.
    pub text: crate::template::SourceText,
}

/// A loaded chart and its subcharts, as read from disk (before dependency processing).
#[derive(Clone, Debug)]
pub struct Chart {
    /// `Chart.yaml` (and, for `apiVersion: v1`, `requirements.yaml`) metadata.
    pub metadata: Metadata,
    /// Where the chart sits inside the top chart, by folder (`k8s-monitoring/charts/feature-pod-logs`).
    pub location: String,
    /// Files under `templates/`, in path order.
    pub templates: Vec<TemplateText>,
    /// Every other file that `.Files` exposes (not `Chart.yaml`, `values.yaml`,
    /// `values.schema.json`, `templates/`, `charts/`), in path order.
    pub files: Vec<ChartFile>,
    /// The text of `values.yaml`, if the chart has one.
    pub values_text: Option<String>,
    /// `values.yaml` parsed, once per loaded chart (see [`Chart::values_tree`]).
    pub(crate) values_tree:
        std::cell::OnceCell<Result<crate::yaml::ValuesTree, crate::yaml::YamlError>>,
    /// The text of `values.schema.json`, if the chart has one.
    pub schema: Option<String>,
    /// Subcharts found under `charts/` (folders and `.tgz` archives), in name order.
    pub subcharts: Vec<Chart>,
}

impl Chart {
    /// The chart's name from its metadata.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// The path of `values.yaml` by chart folder (`k8s-monitoring/charts/feature-pod-logs/values.yaml`).
    pub fn values_file(&self) -> String {
        format!("{}/values.yaml", self.location)
    }

    /// `values.yaml` parsed (Helm's loader parses it once, with the chart),
    /// `None` when the chart has none.
    pub fn values_tree(&self) -> Result<Option<&crate::yaml::ValuesTree>, crate::yaml::YamlError> {
        let Some(text) = &self.values_text else {
            return Ok(None);
        };
        self.values_tree
            .get_or_init(|| crate::yaml::parse_values_tree(text, &self.values_file()))
            .as_ref()
            .map(Some)
            .map_err(Clone::clone)
    }
}

/// Why a chart could not be loaded or prepared. Messages follow Helm's wording.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// A file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path that failed.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The chart path does not exist (Helm: `stat PATH: no such file or directory`).
    #[error("stat {0}: no such file or directory")]
    NotFound(String),
    /// A render option is invalid (`--kube-version`).
    #[error("{0}")]
    Options(String),
    /// No `Chart.yaml` in the chart.
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    /// `Chart.yaml` (or `requirements.yaml`) is not valid YAML or has the wrong shape.
    #[error("cannot load {file}: {message}")]
    BadMetadata {
        /// `Chart.yaml` or `requirements.yaml`, with the chart location.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The metadata fails Helm's validation (`validation: chart.metadata.version is required`).
    #[error("validation: {0}")]
    Validation(String),
    /// A `.tgz` could not be read or holds entries Helm refuses.
    #[error("{0}")]
    Archive(String),
    /// A chart file Helm's loader refuses: irregular (a FIFO, a device), or
    /// over a size limit (see [`crate::limits`]); Helm's message.
    #[error("{0}")]
    Refused(String),
    /// A values document could not be read.
    #[error("cannot load {file}: {message}")]
    BadValues {
        /// The values file.
        file: String,
        /// What is wrong (with line).
        message: String,
    },
    /// A user values source (`-f`, `--set`, ...) could not be parsed.
    #[error("{0}")]
    UserValues(String),
    /// A `-f` values file is not valid YAML: Helm's message
    /// (`failed to parse FILE: error converting YAML to JSON: yaml: line 3:
    /// ...`), with the line and column for tools.
    #[error("failed to parse {file}: {message}")]
    ValuesFileYaml {
        /// The file as given (`-` for standard input).
        file: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// sigs.k8s.io/yaml's words.
        message: String,
    },
    /// Coalescing failed (`type mismatch on podLogs: ...`).
    #[error("{0}")]
    Coalesce(String),
    /// The final values fail a chart's `values.schema.json` (Helm's full message).
    #[error(
        "values don't meet the specifications of the schema(s) in the following chart(s):\n{0}"
    )]
    Schema(String),
    /// `Chart.yaml` lists dependencies that `charts/` does not hold. Helm's
    /// engine renders such a chart; `helm template` and `helm install` refuse
    /// it first (`pkg/cmd/install.go` around `action.CheckDependencies`).
    #[error("an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}", .0.join(", "))]
    MissingDependencies(Vec<String>),
}

impl ChartError {
    /// A stable name of the error's kind, for tools: `chart`, `dependencies`,
    /// `values`, `schema` or `options`.
    pub fn kind(&self) -> &'static str {
        match self {
            ChartError::MissingDependencies(_) => "dependencies",
            ChartError::BadValues { .. }
            | ChartError::UserValues(_)
            | ChartError::ValuesFileYaml { .. }
            | ChartError::Coalesce(_) => "values",
            ChartError::Schema(_) => "schema",
            ChartError::Options(_) => "options",
            _ => "chart",
        }
    }

    /// The file the error is about, when it names one.
    pub fn location(&self) -> Option<crate::location::ErrorLocation> {
        let file = match self {
            ChartError::ValuesFileYaml {
                file, line, column, ..
            } => {
                return Some(crate::location::ErrorLocation {
                    file: file.clone(),
                    line: Some(*line),
                    column: Some(*column),
                })
            }
            ChartError::BadMetadata { file, .. } | ChartError::BadValues { file, .. } => file,
            ChartError::NotFound(path) | ChartError::Io { path, .. } => path,
            _ => return None,
        };
        Some(crate::location::ErrorLocation {
            file: file.clone(),
            ..Default::default()
        })
    }
}

impl Chart {
    /// Helm's `action.CheckDependencies`: the names of the dependencies
    /// `Chart.yaml` lists that no chart under `charts/` carries (by chart
    /// name, whatever their condition), in the order listed.
    pub fn missing_dependencies(&self) -> Vec<String> {
        let Some(deps) = &self.metadata.dependencies else {
            return Vec::new();
        };
        deps.iter()
            .filter(|d| !self.subcharts.iter().any(|c| c.name() == d.name))
            .map(|d| d.name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests;
