//! The `trace-value` command line: parses flags ([`cli`]), runs a traced
//! render, asks the query layer, and prints tables, JSON or Markdown
//! ([`output`]); failures end in [`failure`]. Only these modules know clap
//! and the terminal.

mod cli;
mod failure;
mod output;
mod term;

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser};

use cli::{Cli, Command, DocFormat, FindingsFormat, Format};
use failure::{Failure, EXIT_NO_MATCH};
use trace_value::query::{self, BlameTarget};
use trace_value::render::{self, RenderRequest};

/// mimalloc: rendering allocates and frees many small values, strings and
/// syntax nodes, and glibc's allocator spent about a tenth of the time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let shows_text = matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            );
            if shows_text || !cli::args_want_json(&args) {
                e.exit();
            }
            let message = e.render().to_string();
            let first = message.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first).to_string();
            return ExitCode::from(Failure::usage(first).report(true));
        }
    };
    let json = cli.wants_json();
    term::init(cli.color);
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
            ExitCode::from(Failure::of(&err).report(json))
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
        Some(Command::Completions { shell }) => {
            // Generated into memory: clap_complete panics when its writer
            // fails (a closed pipe), where writing `w` reports an error.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "trace-value", &mut script);
            w.write_all(&script)?;
        }
        Some(Command::Man { dir: Some(dir) }) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(Cli::command(), &dir)
                .with_context(|| format!("writing man pages into {}", dir.display()))?;
        }
        Some(Command::Man { dir: None }) => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .context("writing the man page")?;
            w.write_all(&page)?;
        }
        Some(Command::Render(cmd)) => {
            let out = do_render(&cmd.render.request()?)?;
            if cmd.json {
                output::write_json_files(&mut w, &out)?;
            } else {
                output::write_stream(
                    &mut w,
                    &out,
                    &cmd.show_only,
                    cmd.include_crds,
                    cmd.skip_tests,
                )?;
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
            let out = do_render(&cmd.render.request()?)?;
            let lines = query::blame(&out, &target)?;
            if cmd.format == Format::Json {
                output::write_blame_json(&mut w, &lines)?;
            } else {
                output::write_blame_text(&mut w, &lines)?;
            }
            leave_to_exit((out, lines));
        }
        Some(Command::Docs(cmd)) => {
            let survey = survey(&cmd.render.request()?, &cmd.values_dir, false)?;
            note_skipped(&survey.skipped);
            let text = match cmd.format {
                DocFormat::Markdown => trace_value::docs::reference::markdown(
                    &survey.chart_name,
                    &survey.keys,
                    &survey.sets,
                ),
                DocFormat::Json => {
                    let mut t = Vec::new();
                    output::write_docs_json(
                        &mut t,
                        trace_value::docs::reference::json(&survey.keys, &survey.sets),
                    )?;
                    String::from_utf8(t)?
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
            let survey = survey(&cmd.render.request()?, &cmd.values_dir, false)?;
            note_skipped(&survey.skipped);
            let findings = trace_value::docs::check::check(&survey.sets);
            write_findings(
                &mut w,
                &findings,
                None,
                cmd.format,
                "trace-value check",
                "No problems found: every key set is read and changes the output.",
            )?;
            if cmd.strict && !findings.is_empty() {
                return Ok(ExitCode::from(EXIT_NO_MATCH));
            }
        }
        Some(Command::Lint(cmd)) => {
            let req = cmd.render.request()?;
            let survey = survey(&req, &cmd.values_dir, true)?;
            if survey.sets.is_empty() {
                // Nothing rendered: there is nothing to lint against.
                if let Some((name, error)) = survey.skipped.first() {
                    anyhow::bail!("rendering value set {name}: {error}");
                }
            }
            note_skipped(&survey.skipped);
            let report = trace_value::docs::lint::lint(&req.chart, &survey);
            note_unjudged(&report.unjudged);
            let findings = report.findings;
            write_findings(
                &mut w,
                &findings,
                Some(&report.unjudged),
                cmd.format,
                "trace-value lint",
                "No problems found: every documented key is read, and every key read is documented.",
            )?;
            if cmd.strict && !findings.is_empty() {
                return Ok(ExitCode::from(EXIT_NO_MATCH));
            }
        }
        Some(Command::Diff(cmd)) => {
            let (old_req, new_req) = cmd.requests()?;
            let old = do_render(&old_req)?;
            let new = do_render(&new_req)?;
            let hunks = query::diff(&old, &new, old_req.chart != new_req.chart);
            if cmd.format == Format::Json {
                output::write_diff_json(&mut w, &hunks)?;
            } else {
                output::write_diff_text(&mut w, &hunks)?;
            }
            w.flush().context("writing output")?;
            let differ = !hunks.is_empty();
            leave_to_exit((old, new, hunks));
            if differ {
                return Ok(ExitCode::from(EXIT_NO_MATCH));
            }
        }
        Some(Command::Migrate(cmd)) => {
            return run_migrate(&cmd, &mut w);
        }
        None => {
            if let Some(q) = &cli.block {
                let out = do_render(&cli.render.request()?)?;
                let matches = query::block_query(&out, q, cli.collector.as_deref())?;
                if cli.format == Format::Json {
                    output::write_block_json(&mut w, &matches)?;
                } else {
                    output::write_block_text(&mut w, &matches, cli.all)?;
                }
                leave_to_exit((out, matches));
            } else if let Some(k) = &cli.key {
                let out = do_render(&cli.render.request()?)?;
                let answer = query::key_query(&out, k)?;
                if cli.format == Format::Json {
                    output::write_key_json(&mut w, &answer)?;
                } else {
                    output::write_key_text(&mut w, &answer)?;
                }
                leave_to_exit((out, answer));
            } else if let Some(r) = &cli.resource {
                let out = do_render(&cli.render.request()?)?;
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
                    "nothing to do: give --block QUERY, --key KEY, --resource KIND/NAME, or a subcommand (template, render, blame, docs, check); see --help"
                );
            }
        }
    }
    w.flush().context("writing output")?;
    Ok(ExitCode::SUCCESS)
}

/// `migrate`: the migrated values, the report and the diff of what still differs.
fn run_migrate(cmd: &cli::MigrateCmd, w: &mut dyn Write) -> anyhow::Result<ExitCode> {
    use trace_value::migrate::{self, tree, MigrateError};
    let old_req = cmd.render.request()?;
    if let Some(o) = &cmd.output {
        refuse_output(o, &[&old_req.chart, &cmd.new_chart], cmd.force)?;
    }
    let old = do_render(&old_req)?;
    let user = migrate::user_values(&old_req)?;
    let chart = render::LoadedChart::load(&cmd.new_chart).map_err(MigrateError::NewChart)?;
    let mut base = old_req.clone();
    base.chart = cmd.new_chart.clone();
    let mut sets = migrate::example_values(&cmd.new_chart);
    sets.extend(cmd.learn.iter().cloned());
    sets.retain(|p| {
        let shown = p.display().to_string();
        !cmd.exclude_example
            .iter()
            .any(|e| shown.contains(e.as_str()))
    });
    let learned = migrate::learn(&chart, &base, &sets);
    let side = migrate::NewSide {
        chart: &chart,
        base: &base,
        learned: &learned,
    };
    let m = migrate::migrate(&old, &user, &side, &migrate::Options::default())?;
    let yaml = tree::to_yaml(&m.values);
    let from_file = match &cmd.output {
        Some(o) => {
            std::fs::write(o, &yaml).with_context(|| format!("writing {}", o.display()))?;
            let mut req = base.clone();
            req.values_files = vec![o.clone()];
            Some(render::render_loaded(&chart, &req)?)
        }
        None => None,
    };
    let new_out = from_file.as_ref().unwrap_or(&m.render);
    let hunks = query::diff(&old, new_out, true);
    if cmd.format == Format::Json {
        output::write_migrate_json(w, &m, cmd.output.as_deref(), &hunks)?;
    } else {
        output::write_migrate_text(w, &m, &yaml, cmd.output.as_deref(), &hunks)?;
    }
    w.flush().context("writing output")?;
    let differ = !hunks.is_empty();
    leave_to_exit((old, from_file, hunks, m, learned));
    Ok(if differ {
        ExitCode::from(EXIT_NO_MATCH)
    } else {
        ExitCode::SUCCESS
    })
}

/// Refuse an output file that exists (without `--force`) or that lies in a chart.
fn refuse_output(
    out: &std::path::Path,
    charts: &[&std::path::Path],
    force: bool,
) -> anyhow::Result<()> {
    let abs = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| abs(std::path::Path::new(".")), abs);
    for c in charts {
        let c = abs(c);
        if c.is_dir() && parent.starts_with(&c) {
            return Err(anyhow::Error::new(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "{} is inside the chart {}: migrate never writes into a chart",
                    out.display(),
                    c.display()
                ),
            )));
        }
    }
    if out.exists() && !force {
        return Err(anyhow::Error::new(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} exists: give --force to overwrite it", out.display()),
        )));
    }
    Ok(())
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
                anyhow::Error::new(e).context(format!("chart {chart}"))
            }
            _ => anyhow::Error::new(e),
        }
    })
}

/// Render every value set, showing progress on a terminal's stderr (the
/// line is cleared before anything else is printed).
fn survey(
    req: &RenderRequest,
    dirs: &[std::path::PathBuf],
    lenient: bool,
) -> anyhow::Result<trace_value::docs::Survey> {
    let line = term::ProgressLine::start();
    let survey = trace_value::docs::survey_with(req, dirs, lenient, line.reporter())?;
    drop(line);
    Ok(survey)
}

/// Tell on stderr which value sets were left out because they do not render.
fn note_skipped(skipped: &[(String, String)]) {
    for (name, error) in skipped {
        eprintln!(
            "note: left out the {name}, which do not render: {}",
            first_line(error)
        );
    }
}

/// Tell on stderr how many documented keys `lint` could not judge: the
/// templates name them, but no value set reached them.
fn note_unjudged(keys: &[String]) {
    if keys.is_empty() {
        return;
    }
    let some: Vec<&str> = keys.iter().take(3).map(String::as_str).collect();
    let more = keys.len().saturating_sub(some.len());
    let list = if more > 0 {
        format!("{}, and {more} more", some.join(", "))
    } else {
        some.join(", ")
    };
    eprintln!(
        "note: {} documented key{} not judged: the templates name {}, but no value set reached {} ({list}); a values file that turns {} feature on would judge {}",
        keys.len(),
        if keys.len() == 1 { " is" } else { "s are" },
        if keys.len() == 1 { "it" } else { "them" },
        if keys.len() == 1 { "it" } else { "them" },
        if keys.len() == 1 { "its" } else { "their" },
        if keys.len() == 1 { "it" } else { "them" },
    );
}

/// `check` and `lint` findings in the asked format.
fn write_findings(
    w: &mut dyn Write,
    findings: &[trace_value::docs::findings::Finding],
    unjudged: Option<&[String]>,
    format: FindingsFormat,
    tool: &str,
    none: &str,
) -> anyhow::Result<()> {
    use trace_value::docs::findings;
    match format {
        FindingsFormat::Text => output::write_findings_text(w, findings, none)?,
        FindingsFormat::Json | FindingsFormat::Sarif => {
            let doc = if format == FindingsFormat::Json {
                let mut doc = findings::json(findings);
                doc["version"] = serde_json::json!(output::JSON_VERSION);
                if let Some(keys) = unjudged {
                    doc["unjudged"] = serde_json::json!(keys);
                }
                doc
            } else {
                findings::sarif(findings, tool)
            };
            serde_json::to_writer_pretty(&mut *w, &doc)?;
            writeln!(w)?;
        }
    }
    w.flush().context("writing output")?;
    Ok(())
}
