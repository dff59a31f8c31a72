//! The `trace-value` command line: parses flags, runs a traced render, asks
//! the query layer, and prints tables, JSON or Markdown. Only this file
//! knows clap and the terminal.

mod output;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use trace_value::query::{self, BlameTarget};
use trace_value::render::{self, RenderRequest};

/// Render Helm charts exactly as Helm does and trace which values key
/// produced or decided every line of the output.
#[derive(Parser, Debug)]
#[command(name = "trace-value", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,

    #[command(flatten)]
    render: RenderArgs,

    /// Explain an Alloy block: `NAME "LABEL"`, `NAME`, or a path `A "x" > B "y"`.
    #[arg(long, conflicts_with = "key")]
    block: Option<String>,

    /// Explain a values key (`podLogs.extraLogProcessingStages`, `destinations[0].url`).
    #[arg(long, conflicts_with = "resource")]
    key: Option<String>,

    /// Explain a rendered resource, `KIND/NAME` (`Deployment/rel-grafana`; kind in any case).
    #[arg(long, conflicts_with = "block")]
    resource: Option<String>,

    /// With --resource: one YAML path inside it (`spec.template.spec.containers[0].image`,
    /// `data["prometheus.yml"].scrape_configs[0]`).
    #[arg(long, requires = "resource")]
    path: Option<String>,

    /// Only search the config of this collector (ConfigMap name or data key also work).
    #[arg(long)]
    collector: Option<String>,

    /// Show every context key, not only the innermost few.
    #[arg(long)]
    all: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Render the chart like `helm template`.
    Render(RenderCmd),
    /// Print a rendered config or file with each line annotated by its values keys.
    Blame(BlameCmd),
    /// Generate a values reference that says what each key renders into.
    Docs(DocsCmd),
    /// Report values that change nothing: unread user keys, documented keys no
    /// template reads, keys read without effect.
    Check(CheckCmd),
}

#[derive(Args, Debug)]
struct DocsCmd {
    #[command(flatten)]
    render: RenderArgs,
    /// Render every values file under this folder and union the effects (repeatable).
    #[arg(long = "values-dir")]
    values_dir: Vec<PathBuf>,
    /// Write the reference here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DocFormat::Markdown)]
    format: DocFormat,
}

#[derive(Args, Debug)]
struct CheckCmd {
    #[command(flatten)]
    render: RenderArgs,
    /// Also render every values file under this folder (repeatable).
    #[arg(long = "values-dir")]
    values_dir: Vec<PathBuf>,
    /// Exit non-zero when anything is found.
    #[arg(long)]
    strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DocFormat {
    Markdown,
    Json,
}

#[derive(Args, Debug, Clone)]
struct RenderArgs {
    /// Chart folder or .tgz.
    #[arg(long, default_value = ".")]
    chart: PathBuf,
    /// Values file (repeatable, later files win).
    #[arg(short = 'f', long = "values")]
    values: Vec<PathBuf>,
    /// Set a value (`a.b=c`, Helm syntax).
    #[arg(long)]
    set: Vec<String>,
    /// Set a string value.
    #[arg(long = "set-string")]
    set_string: Vec<String>,
    /// Set a value from a file (`key=path`).
    #[arg(long = "set-file")]
    set_file: Vec<String>,
    /// Set a JSON value (`key=json`).
    #[arg(long = "set-json")]
    set_json: Vec<String>,
    /// Release name.
    #[arg(long = "release-name", default_value = "release-name")]
    release_name: String,
    /// Namespace.
    #[arg(long, default_value = "default")]
    namespace: String,
    /// Kubernetes version for `.Capabilities.KubeVersion`.
    #[arg(long = "kube-version")]
    kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable).
    #[arg(long = "api-versions")]
    api_versions: Vec<String>,
}

#[derive(Args, Debug)]
struct RenderCmd {
    #[command(flatten)]
    render: RenderArgs,
    /// Only print these templates (path as in `# Source:`, with or without the chart name).
    #[arg(long = "show-only", short = 's')]
    show_only: Vec<String>,
    /// Print `{"files": {path: text}}` instead of the YAML stream.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct BlameCmd {
    #[command(flatten)]
    render: RenderArgs,
    /// The collector whose config to annotate.
    #[arg(long, conflicts_with = "file")]
    collector: Option<String>,
    /// The rendered file to annotate (template path).
    #[arg(long)]
    file: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

impl RenderArgs {
    fn request(&self) -> RenderRequest {
        RenderRequest {
            chart: self.chart.clone(),
            values_files: self.values.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_json: self.set_json.clone(),
            release_name: self.release_name.clone(),
            namespace: self.namespace.clone(),
            kube_version: self.kube_version.clone(),
            api_versions: self.api_versions.clone(),
        }
    }
}

/// Exit codes: 0 answered, 1 nothing matched, 2 error.
const EXIT_NO_MATCH: u8 = 1;
const EXIT_ERROR: u8 = 2;

/// mimalloc: rendering allocates and frees many small values, strings and
/// syntax nodes, and glibc's allocator spent about a tenth of the time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Deep include chains recurse deeply: run on a thread with a large stack.
    let worker = std::thread::Builder::new()
        .stack_size(512 * 1024 * 1024)
        .spawn(move || run(cli));
    let result = match worker {
        Ok(handle) => match handle.join() {
            Ok(r) => r,
            Err(_) => Err(anyhow::anyhow!(
                "internal error: the render thread panicked"
            )),
        },
        Err(e) => Err(anyhow::anyhow!("cannot start the render thread: {e}")),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            if let Some(q) = err.downcast_ref::<query::QueryError>() {
                eprintln!("Error: {q}");
                return ExitCode::from(if q.is_no_match() {
                    EXIT_NO_MATCH
                } else {
                    EXIT_ERROR
                });
            }
            eprintln!("Error: {err:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    match cli.command {
        Some(Command::Render(cmd)) => {
            let out = do_render(&cmd.render.request())?;
            if cmd.json {
                output::write_json_files(&mut w, &out)?;
            } else {
                output::write_stream(&mut w, &out, &cmd.show_only)?;
            }
            leave_to_exit(out);
        }
        Some(Command::Blame(cmd)) => {
            let target = match (&cmd.collector, &cmd.file) {
                (Some(c), _) => BlameTarget::Collector(c.clone()),
                (None, Some(f)) => BlameTarget::File(f.clone()),
                (None, None) => {
                    anyhow::bail!("blame needs --collector NAME or --file TEMPLATE_PATH")
                }
            };
            let out = do_render(&cmd.render.request())?;
            let lines = query::blame(&out, &target)?;
            if cmd.format == Format::Json {
                output::write_blame_json(&mut w, &lines)?;
            } else {
                output::write_blame_text(&mut w, &lines)?;
            }
            leave_to_exit((out, lines));
        }
        Some(Command::Docs(cmd)) => {
            let survey = trace_value::docs::survey(&cmd.render.request(), &cmd.values_dir)?;
            for (name, error) in &survey.skipped {
                eprintln!(
                    "note: left out the {name}, which do not render: {}",
                    first_line(error)
                );
            }
            let text = match cmd.format {
                DocFormat::Markdown => trace_value::docs::reference::markdown(
                    &survey.chart_name,
                    &survey.keys,
                    &survey.sets,
                ),
                DocFormat::Json => {
                    let mut t = serde_json::to_string_pretty(&trace_value::docs::reference::json(
                        &survey.keys,
                        &survey.sets,
                    ))?;
                    t.push('\n');
                    t
                }
            };
            match &cmd.out {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => w.write_all(text.as_bytes())?,
            }
            leave_to_exit(survey);
        }
        Some(Command::Check(cmd)) => {
            let survey = trace_value::docs::survey(&cmd.render.request(), &cmd.values_dir)?;
            for (name, error) in &survey.skipped {
                eprintln!(
                    "note: left out the {name}, which do not render: {}",
                    first_line(error)
                );
            }
            let findings = trace_value::docs::check::check(&survey.keys, &survey.sets);
            if cmd.format == Format::Json {
                output::write_check_json(&mut w, &findings)?;
            } else {
                output::write_check_text(&mut w, &findings)?;
            }
            w.flush().context("writing output")?;
            if cmd.strict && !findings.is_empty() {
                return Ok(ExitCode::from(EXIT_NO_MATCH));
            }
        }
        None => {
            if let Some(q) = &cli.block {
                let out = do_render(&cli.render.request())?;
                let matches = query::block_query(&out, q, cli.collector.as_deref())?;
                if cli.format == Format::Json {
                    output::write_block_json(&mut w, &matches)?;
                } else {
                    output::write_block_text(&mut w, &matches, cli.all)?;
                }
                leave_to_exit((out, matches));
            } else if let Some(k) = &cli.key {
                let out = do_render(&cli.render.request())?;
                let answer = query::key_query(&out, k)?;
                if cli.format == Format::Json {
                    output::write_key_json(&mut w, &answer)?;
                } else {
                    output::write_key_text(&mut w, &answer)?;
                }
                leave_to_exit((out, answer));
            } else if let Some(r) = &cli.resource {
                let out = do_render(&cli.render.request())?;
                let index = trace_value::model::index::Index::new(&out);
                let matches = query::resource_query(&index, r, cli.path.as_deref())?;
                if cli.format == Format::Json {
                    output::write_resource_json(&mut w, &matches)?;
                } else {
                    output::write_resource_text(&mut w, &matches, cli.all)?;
                }
                w.flush().context("writing output")?;
                drop(index);
                leave_to_exit((out, matches));
            } else {
                anyhow::bail!(
                    "nothing to do: give --block QUERY, --key KEY, --resource KIND/NAME, or a subcommand (render, blame); see --help"
                );
            }
        }
    }
    w.flush().context("writing output")?;
    Ok(ExitCode::SUCCESS)
}

/// A render's results are dropped by the process's exit, not freed piece by
/// piece just before it (the trace is many small allocations: freeing them
/// cost about a twentieth of a run).
fn leave_to_exit<T>(results: T) {
    std::mem::forget(results);
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s)
}

/// Render, naming the chart in chart errors that do not already say where.
fn do_render(req: &RenderRequest) -> anyhow::Result<render::RenderOutput> {
    render::render(req).map_err(|e| {
        let chart = req.chart.display().to_string();
        match &e {
            render::RenderError::Chart(trace_value::chart::ChartError::MissingChartYaml) => {
                anyhow::anyhow!("chart {chart}: {e}")
            }
            _ => anyhow::Error::new(e),
        }
    })
}
