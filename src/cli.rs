//! The command line's grammar: clap definitions of every command and flag,
//! and how the flags become a [`RenderRequest`]. Flags follow `helm template`
//! (`pkg/cmd/template.go`, `pkg/cmd/install.go` of Helm v4): the positional
//! `[NAME] [CHART]`, `-n/--namespace` (default `$HELM_NAMESPACE`, as Helm
//! passes it to plugins), `-f -` for standard input, `-a` lists split at
//! commas. Shell completions and the man page are generated from these
//! definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use trace_value::render::RenderRequest;

/// Render Helm charts exactly as Helm does and trace which values key
/// produced or decided every line of the output.
///
/// Every command takes `helm template`'s chart arguments: `[NAME] [CHART]`
/// (one argument is the chart), or `--chart PATH` and `--release-name NAME`.
#[derive(Parser, Debug)]
#[command(name = "trace-value", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without one, answer `--block` or `--key`.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// The chart and values to render.
    #[command(flatten)]
    pub render: RenderArgs,

    /// Explain an Alloy block: `NAME "LABEL"`, `NAME`, or a path `A "x" > B "y"`.
    #[arg(long, conflicts_with = "key")]
    pub block: Option<String>,

    /// Explain a values key (`podLogs.extraLogProcessingStages`, `destinations[0].url`).
    #[arg(long, conflicts_with = "resource")]
    pub key: Option<String>,

    /// Explain a rendered resource, `KIND/NAME` (`Deployment/rel-grafana`; kind in any case).
    #[arg(long, conflicts_with = "block")]
    pub resource: Option<String>,

    /// With --resource: one YAML path inside it (`spec.template.spec.containers[0].image`,
    /// `data["prometheus.yml"].scrape_configs[0]`).
    #[arg(long, requires = "resource")]
    pub path: Option<String>,

    /// Only search the config of this collector (ConfigMap name or data key also work).
    #[arg(long)]
    pub collector: Option<String>,

    /// Show every context key, not only the innermost few.
    #[arg(long)]
    pub all: bool,

    /// Colour the text output: `auto` on a terminal unless `NO_COLOR` is set.
    #[arg(long, global = true, value_enum, default_value_t = crate::term::ColorWhen::Auto)]
    pub color: crate::term::ColorWhen,

    /// Output format (with `json`, errors are JSON too: see docs/json.md).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render the chart like `helm template` (same stream, byte for byte).
    #[command(visible_alias = "template")]
    Render(RenderCmd),
    /// Print a rendered config or file with each line annotated by its values keys.
    Blame(BlameCmd),
    /// Generate a values reference that says what each key renders into.
    Docs(DocsCmd),
    /// Is anything in my values doing nothing? Keys set that no template reads,
    /// keys set under a disabled feature, keys read without effect.
    Check(CheckCmd),
    /// For chart maintainers: documented keys no template reads under any value
    /// set, documented keys read under another name, keys read but not documented.
    Lint(LintCmd),
    /// Compare two renders (a values edit, a chart upgrade, or both) as a
    /// unified diff whose hunks name the values keys and template lines that
    /// caused them. Exit 0 equal, 1 different, 2 error.
    Diff(DiffCmd),
    /// Write values for a new version of the chart that render what these
    /// values rendered with the old one, found from both charts' traces;
    /// report each key as carried, dropped or decided, then the diff of
    /// what still differs. Exit 0 equal renders, 1 differences, 2 error.
    Migrate(MigrateCmd),
    /// Print a shell completion script (`trace-value completions bash > /etc/bash_completion.d/trace-value`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff; `trace-value man | man -l -`), or with
    /// `--dir` write one page per command there (`trace-value.1`,
    /// `trace-value-check.1`, ...).
    Man {
        /// Write the pages into this folder (created if missing) instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `docs`.
#[derive(Args, Debug)]
pub struct DocsCmd {
    /// The chart and values to render.
    #[command(flatten)]
    pub render: RenderArgs,
    /// Render every values file under this folder and union the effects (repeatable).
    #[arg(long = "values-dir")]
    pub values_dir: Vec<PathBuf>,
    /// Write the reference here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DocFormat::Markdown)]
    pub format: DocFormat,
}

/// `diff`: the old side is the usual render flags, the new side whatever
/// `--new-*` flag is given, the rest the old side's.
#[derive(Args, Debug)]
pub struct DiffCmd {
    /// The chart and values of the old side.
    #[command(flatten)]
    pub render: RenderArgs,
    /// The new side's chart (folder or .tgz).
    #[arg(long = "new-chart", value_name = "CHART")]
    pub new_chart: Option<PathBuf>,
    /// The new side's values files, instead of the old side's (repeatable).
    #[arg(long = "new-values", value_name = "FILE")]
    pub new_values: Vec<PathBuf>,
    /// The new side's `--set` values, instead of the old side's (repeatable).
    #[arg(long = "new-set", value_name = "KEY=VALUE")]
    pub new_set: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

impl DiffCmd {
    /// The old and new renders these flags ask for.
    pub fn requests(&self) -> Result<(RenderRequest, RenderRequest), ArgsError> {
        let old = self.render.request()?;
        let mut new = old.clone();
        if let Some(c) = &self.new_chart {
            new.chart = c.clone();
        }
        if !self.new_values.is_empty() {
            new.values_files = self.new_values.clone();
        }
        if !self.new_set.is_empty() {
            new.set = self.new_set.clone();
        }
        Ok((old, new))
    }
}

/// `migrate`: the old side is the usual render flags.
#[derive(Args, Debug)]
pub struct MigrateCmd {
    /// The old chart and the user's values.
    #[command(flatten)]
    pub render: RenderArgs,
    /// The new chart (folder or .tgz).
    #[arg(long = "new-chart", value_name = "CHART", required = true)]
    pub new_chart: PathBuf,
    /// Write the migrated values here (refused when the file exists, unless --force).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite the --output file.
    #[arg(long)]
    pub force: bool,
    /// Also learn the new chart from this values file (repeatable); its
    /// examples (docs/examples, examples, ci) are always used.
    #[arg(long = "learn", value_name = "FILE")]
    pub learn: Vec<PathBuf>,
    /// Leave out the new chart's example values files whose path contains
    /// this text (repeatable): to measure a migration without its answer.
    #[arg(long = "exclude-example", value_name = "TEXT")]
    pub exclude_example: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `check`.
#[derive(Args, Debug)]
pub struct CheckCmd {
    /// The chart and values to render.
    #[command(flatten)]
    pub render: RenderArgs,
    /// Also render every values file under this folder (repeatable).
    #[arg(long = "values-dir")]
    pub values_dir: Vec<PathBuf>,
    /// Exit 1 when anything is found (for CI).
    #[arg(long)]
    pub strict: bool,
    /// Output format (`sarif`: SARIF 2.1.0 for GitHub code scanning).
    #[arg(long, value_enum, default_value_t = FindingsFormat::Text)]
    pub format: FindingsFormat,
}

/// `lint`.
#[derive(Args, Debug)]
pub struct LintCmd {
    /// The chart (and values) to render; the chart's defaults are one value set.
    #[command(flatten)]
    pub render: RenderArgs,
    /// Also render every values file under this folder, one value set each
    /// (repeatable); a set that fails to render is reported and skipped.
    #[arg(long = "values-dir")]
    pub values_dir: Vec<PathBuf>,
    /// Exit 1 when anything is found (for CI).
    #[arg(long)]
    pub strict: bool,
    /// Output format (`sarif`: SARIF 2.1.0 for GitHub code scanning).
    #[arg(long, value_enum, default_value_t = FindingsFormat::Text)]
    pub format: FindingsFormat,
}

/// Formats of `check` and `lint`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingsFormat {
    /// A table.
    Text,
    /// JSON.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Formats of `docs`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocFormat {
    /// helm-docs style Markdown.
    Markdown,
    /// JSON.
    Json,
}

/// What to render: `helm template`'s chart, values and release flags.
#[derive(Args, Debug, Clone)]
pub struct RenderArgs {
    /// Release name, when a chart follows; alone, the chart (as `helm template [NAME] [CHART]`).
    #[arg(value_name = "NAME")]
    pub first: Option<String>,
    /// Chart folder or .tgz (default `.`).
    #[arg(value_name = "CHART")]
    pub second: Option<String>,
    /// Chart folder or .tgz, instead of the CHART argument.
    #[arg(long)]
    pub chart: Option<PathBuf>,
    /// Values file, `-` for standard input (repeatable, later files win).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Set a value (`a.b=c`, Helm syntax).
    #[arg(long)]
    pub set: Vec<String>,
    /// Set a string value.
    #[arg(long = "set-string")]
    pub set_string: Vec<String>,
    /// Set a value from a file (`key=path`).
    #[arg(long = "set-file")]
    pub set_file: Vec<String>,
    /// Set a JSON value (`key=json`).
    #[arg(long = "set-json")]
    pub set_json: Vec<String>,
    /// Set a literal string value (`key=text`, no escapes or commas parsed).
    #[arg(long = "set-literal")]
    pub set_literal: Vec<String>,
    /// Release name, instead of the NAME argument (default `release-name`).
    #[arg(long = "release-name", value_name = "NAME")]
    pub release_name: Option<String>,
    /// Namespace (`.Release.Namespace`).
    #[arg(short = 'n', long, env = "HELM_NAMESPACE", default_value = "default")]
    pub namespace: String,
    /// Kubernetes version for `.Capabilities.KubeVersion`.
    #[arg(long = "kube-version")]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable or comma-separated).
    #[arg(short = 'a', long = "api-versions", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// Set `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Accepted as `helm template` does: the release name stays `release-name`
    /// unless given, and a NAME with it is an error.
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// Make the release name from this template (`{{ randAlpha 6 | lower }}`).
    #[arg(long = "name-template", value_name = "TEMPLATE")]
    pub name_template: Option<String>,
}

/// `render` / `template`.
#[derive(Args, Debug)]
pub struct RenderCmd {
    /// The chart and values to render.
    #[command(flatten)]
    pub render: RenderArgs,
    /// Only print these templates (path as in `# Source:`, with or without the chart name).
    #[arg(long = "show-only", short = 's')]
    pub show_only: Vec<String>,
    /// Print the CRD files of the chart and its enabled subcharts (`crds/`) first.
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Accepted for `helm template`'s command lines: rendering installs no CRDs.
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// Leave test hooks (`helm.sh/hook: test`) out of the stream.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Print `{"files": {path: text}}` instead of the YAML stream.
    #[arg(long)]
    pub json: bool,
}

/// `blame`.
#[derive(Args, Debug)]
pub struct BlameCmd {
    /// The chart and values to render.
    #[command(flatten)]
    pub render: RenderArgs,
    /// The collector whose config to annotate.
    #[arg(long, conflicts_with = "file")]
    pub collector: Option<String>,
    /// The rendered file to annotate (template path).
    #[arg(long)]
    pub file: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Text or JSON.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Tables for people.
    Text,
    /// JSON for tools.
    Json,
}

/// A command line that names its chart or release twice, or in a way Helm refuses.
#[derive(Debug, thiserror::Error)]
pub enum ArgsError {
    /// NAME and `--generate-name` (Helm's message).
    #[error("cannot set --generate-name and also specify a name")]
    GenerateNameWithName,
    /// The release name both as NAME and `--release-name`.
    #[error("the release name is given twice: as NAME ({0}) and with --release-name")]
    NameTwice(String),
    /// The chart both as CHART and `--chart`.
    #[error("the chart is given twice: as CHART ({0}) and with --chart")]
    ChartTwice(String),
    /// NAME and `--name-template` (Helm's message).
    #[error("cannot set --name-template and also specify a name")]
    NameTemplateWithName,
    /// `--name-template` did not parse or execute: Go's message, as Helm's
    /// `TemplateName` returns it, after where in the template text
    /// (`--name-template:1:8: template: name-template:1: ...`).
    #[error("--name-template:{}:{}: {message}", .at.line.unwrap_or(1), .at.column.unwrap_or(1))]
    NameTemplate {
        /// Go's message.
        message: String,
        /// The error's kind (`parse`, `template`: docs/json.md).
        kind: &'static str,
        /// The file `--name-template`, the line and column in its text.
        at: trace_value::render::ErrorLocation,
    },
    /// A release name Kubernetes would refuse (Helm's `ValidateReleaseName`,
    /// worded as `helm template` reports it).
    #[error("release name {0:?}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53")]
    InvalidReleaseName(String),
    /// An empty release name (Helm's `ValidateReleaseName`).
    #[error("release name \"\": no name provided")]
    NoReleaseName,
}

/// A `--name-template` error located in the template's text: a parse
/// error at its last token (Go names the line; the column is counted here),
/// an execution error where Go's frame says.
fn name_template_error(text: &str, error: trace_value::render::RenderError) -> ArgsError {
    use trace_value::render::{ErrorLocation, RenderError};
    let mut at = error.location().unwrap_or_default();
    if let RenderError::Parse(p) = &error {
        let mut pos = (p.pos as usize).min(text.len());
        while !text.is_char_boundary(pos) {
            pos -= 1;
        }
        let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..pos].chars().count() + 1;
        at.column = u32::try_from(column).ok();
    }
    at.file = "--name-template".to_string();
    let message = match &error {
        RenderError::Parse(p) => p.go_message(),
        RenderError::Exec(e) => e.to_string(),
        other => other.to_string(),
    };
    ArgsError::NameTemplate {
        message,
        kind: error.kind(),
        at: ErrorLocation {
            line: at.line.or(Some(1)),
            ..at
        },
    }
}

/// Helm's `ValidateReleaseName`: a DNS-1123 subdomain of at most 53 bytes.
fn validate_release_name(name: &str) -> Result<(), ArgsError> {
    if name.is_empty() {
        return Err(ArgsError::NoReleaseName);
    }
    let label_ok = |l: &str| {
        let b = l.as_bytes();
        let inner = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        !b.is_empty()
            && b.first().is_some_and(inner)
            && b.last().is_some_and(inner)
            && b.iter().all(|c| inner(c) || *c == b'-')
    };
    if name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(ArgsError::InvalidReleaseName(name.to_string()));
    }
    Ok(())
}

impl RenderArgs {
    /// Helm's `NameAndChart` for `helm template` (whose release name is
    /// preset to `release-name`): two arguments are NAME and CHART, one is
    /// the CHART; `--chart` and `--release-name` stand in for them.
    fn name_and_chart(&self) -> Result<(String, PathBuf), ArgsError> {
        let (name, chart) = match (&self.first, &self.second, &self.chart) {
            (Some(name), Some(chart), None) => (Some(name.clone()), Some(PathBuf::from(chart))),
            (Some(_), Some(chart), Some(_)) => return Err(ArgsError::ChartTwice(chart.clone())),
            // With --chart, a lone argument is the release name.
            (Some(name), None, Some(chart)) => (Some(name.clone()), Some(chart.clone())),
            (Some(chart), None, None) => (None, Some(PathBuf::from(chart))),
            (None, _, chart) => (None, chart.clone()),
        };
        if let Some(name) = &name {
            if self.generate_name {
                return Err(ArgsError::GenerateNameWithName);
            }
            if self.name_template.is_some() {
                return Err(ArgsError::NameTemplateWithName);
            }
            if self.release_name.is_some() {
                return Err(ArgsError::NameTwice(name.clone()));
            }
        }
        let name = match (name, &self.name_template) {
            (Some(name), _) => name,
            (None, Some(t)) => {
                trace_value::render::template_name(t).map_err(|e| name_template_error(t, e))?
            }
            (None, None) => self
                .release_name
                .clone()
                .unwrap_or_else(|| "release-name".to_string()),
        };
        validate_release_name(&name)?;
        Ok((name, chart.unwrap_or_else(|| PathBuf::from("."))))
    }

    /// The render these flags ask for, with `helm template`'s dependency check.
    pub fn request(&self) -> Result<RenderRequest, ArgsError> {
        let (release_name, chart) = self.name_and_chart()?;
        Ok(RenderRequest {
            chart,
            values_files: self.values.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_json: self.set_json.clone(),
            set_literal: self.set_literal.clone(),
            release_name,
            namespace: self.namespace.clone(),
            kube_version: self.kube_version.clone(),
            api_versions: self
                .api_versions
                .iter()
                .filter(|v| !v.is_empty())
                .cloned()
                .collect(),
            is_upgrade: self.is_upgrade,
            check_dependencies: true,
        })
    }
}

impl Cli {
    /// True when the command asked for JSON, so that errors are JSON too.
    pub fn wants_json(&self) -> bool {
        match &self.command {
            None => self.format == Format::Json,
            Some(Command::Render(c)) => c.json,
            Some(Command::Blame(c)) => c.format == Format::Json,
            Some(Command::Docs(c)) => c.format == DocFormat::Json,
            Some(Command::Check(c)) => c.format == FindingsFormat::Json,
            Some(Command::Lint(c)) => c.format == FindingsFormat::Json,
            Some(Command::Diff(c)) => c.format == Format::Json,
            Some(Command::Migrate(c)) => c.format == Format::Json,
            Some(Command::Completions { .. } | Command::Man { .. }) => false,
        }
    }
}

/// Whether raw arguments ask for JSON output, for errors found before the
/// arguments parse (`--format json`, `--format=json`, `--json`).
pub fn args_want_json(args: &[std::ffi::OsString]) -> bool {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    args.iter().enumerate().any(|(i, a)| {
        *a == "--json"
            || *a == "--format=json"
            || (*a == "--format" && args.get(i + 1).is_some_and(|v| *v == "json"))
    })
}
