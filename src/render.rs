//! A whole render: the rendered files as traced text, plus everything the
//! queries need to explain them (origins, reads, template locations).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::chart::{load_chart, prepare, ChartDefaults, ChartError, ReleaseOptions, UserValues};
use crate::eval::template_set::Trees;
use crate::eval::TemplateSet;
use crate::eval::{Evaluator, ExecError};
pub use crate::model::{DisabledSubchart, RenderOutput};
use crate::origin::{OriginId, OriginTable};
use crate::template::ast::ParsedFile;
use crate::template::parse_ahead::ParseAhead;
use crate::template::SourceText;
use crate::traced::{Decision, DecisionKind, TStr, TextBuilder};
use crate::value::{MapRef, Repr, Value};

pub use crate::location::ErrorLocation;

/// Helm replaces every `<no value>` in a rendered file with nothing; do the
/// same while keeping the trace of the remaining bytes.
pub fn remove_no_value(text: &TStr) -> TStr {
    const NEEDLE: &str = "<no value>";
    let s = text.as_str();
    if !s.contains(NEEDLE) {
        return text.clone();
    }
    let mut b = TextBuilder::with_capacity(s.len());
    let mut last = 0;
    for (i, _) in s.match_indices(NEEDLE) {
        b.push_slice(text, last..i);
        last = i + NEEDLE.len();
        // A missing value printed nothing, but its keys (a key the user's
        // `null` deleted) would write here: an insertion point.
        let deps = text.deps_in(i..last);
        if !deps.is_empty() {
            let at = b.len() as u32;
            let loc = text
                .runs()
                .iter()
                .find(|r| (r.start as usize) < last && (r.end as usize) > i)
                .and_then(|r| r.source.loc);
            if let Some(loc) = loc {
                b.push_decision(Decision {
                    kind: DecisionKind::Value,
                    loc,
                    deps,
                    taken: false,
                    start: at,
                    end: at,
                });
            }
        }
    }
    b.push_slice(text, last..s.len());
    b.finish()
}

/// What to render: the chart, user values and release options, as the CLI gives them.
#[derive(Debug, Clone, Default)]
pub struct RenderRequest {
    /// Chart folder or `.tgz`.
    pub chart: PathBuf,
    /// `-f` files in order.
    pub values_files: Vec<PathBuf>,
    /// `--set` flags.
    pub set: Vec<String>,
    /// `--set-string` flags.
    pub set_string: Vec<String>,
    /// `--set-file` flags.
    pub set_file: Vec<String>,
    /// `--set-json` flags.
    pub set_json: Vec<String>,
    /// `--set-literal` flags (the value taken as one literal string).
    pub set_literal: Vec<String>,
    /// Release name.
    pub release_name: String,
    /// Namespace.
    pub namespace: String,
    /// `--kube-version`.
    pub kube_version: Option<String>,
    /// `--api-versions`.
    pub api_versions: Vec<String>,
    /// `--is-upgrade`: `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    pub is_upgrade: bool,
    /// Refuse a chart whose `Chart.yaml` lists a dependency missing from
    /// `charts/`, as `helm template` does before rendering. Off by default:
    /// Helm's engine itself (and so the oracle's goldens) renders such charts.
    pub check_dependencies: bool,
}

/// Why a render failed. `Display` is Helm's message where Helm has one.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Loading or preparing the chart failed.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A template did not parse.
    #[error("{0}")]
    Parse(crate::template::parser::ParseError),
    /// A template failed while executing.
    #[error("{}", .0.helm_message())]
    Exec(Box<ExecError>),
    /// An option was invalid.
    #[error("{0}")]
    Options(String),
}

impl RenderError {
    /// A stable name of the error's kind, for tools: `chart`, `dependencies`,
    /// `values`, `schema`, `parse`, `template` or `options`.
    pub fn kind(&self) -> &'static str {
        match self {
            RenderError::Chart(e) => e.kind(),
            RenderError::Parse(_) => "parse",
            RenderError::Exec(_) => "template",
            RenderError::Options(_) => "options",
        }
    }

    /// Where the error points, when the error knows: the template and line
    /// of a parse error, the template location of an execution error (the
    /// one Helm's message names first), the file of a chart or values file
    /// that did not load.
    pub fn location(&self) -> Option<ErrorLocation> {
        match self {
            RenderError::Parse(e) => Some(ErrorLocation {
                file: e.name.clone(),
                line: Some(e.line),
                column: None,
            }),
            // A `fail`/`required` is reported, as Helm's message does, at
            // the outermost template; any other fault where it happened.
            RenderError::Exec(e) => if e.user_message.is_some() {
                e.frames.first()
            } else {
                e.frames.last()
            }
            .map(|f| ErrorLocation::parse_go(&f.location)),
            RenderError::Chart(e) => e.location(),
            RenderError::Options(_) => None,
        }
    }
}

/// Helm's template order: deepest path first, then reverse lexical order.
fn helm_template_order(names: &mut [String]) {
    names.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
}

/// How to render, beyond what the CLI asks for.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Record provenance (runs, decisions, reads). Off only to measure what
    /// tracing costs: the text is the same, the trace is empty.
    pub trace: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions { trace: true }
    }
}

/// Render a chart with tracing.
pub fn render(req: &RenderRequest) -> Result<RenderOutput, RenderError> {
    render_with(req, &RenderOptions::default())
}

/// Render a chart with explicit [`RenderOptions`].
pub fn render_with(req: &RenderRequest, opts: &RenderOptions) -> Result<RenderOutput, RenderError> {
    let chart = load_chart(&req.chart)?;
    render_chart(&chart, None, req, opts)
}

/// A chart loaded once for several renders (value sets): each render parses
/// only the template files that no render before it parsed.
pub struct LoadedChart {
    /// The chart.
    pub chart: crate::chart::Chart,
    /// The parsed files, by Helm template name.
    trees: RefCell<HashMap<String, Trees>>,
    /// The charts' default values, when they convert (else each render
    /// converts them and reports the error).
    defaults: Option<ChartDefaults>,
}

impl LoadedChart {
    /// Load the chart at `path` (a folder or a `.tgz`).
    pub fn load(path: &std::path::Path) -> Result<Self, ChartError> {
        Ok(Self::new(load_chart(path)?))
    }

    /// Wrap a chart loaded before.
    pub fn new(chart: crate::chart::Chart) -> Self {
        LoadedChart {
            defaults: ChartDefaults::convert(&chart).ok(),
            chart,
            trees: RefCell::new(HashMap::new()),
        }
    }
}

/// Render a chart already loaded (from `req.chart`): several value sets of
/// one chart load it once.
pub fn render_loaded(
    chart: &LoadedChart,
    req: &RenderRequest,
) -> Result<RenderOutput, RenderError> {
    render_loaded_with(chart, req, &RenderOptions::default())
}

/// [`render_loaded`] with explicit [`RenderOptions`].
pub fn render_loaded_with(
    chart: &LoadedChart,
    req: &RenderRequest,
    opts: &RenderOptions,
) -> Result<RenderOutput, RenderError> {
    let cached = Cached {
        trees: &chart.trees,
        defaults: chart.defaults.as_ref(),
    };
    render_chart(&chart.chart, Some(cached), req, opts)
}

/// What a [`LoadedChart`] keeps across its renders.
#[derive(Clone, Copy)]
struct Cached<'a> {
    trees: &'a RefCell<HashMap<String, Trees>>,
    defaults: Option<&'a ChartDefaults>,
}

/// One render; `cached` keeps work across renders of one chart.
fn render_chart(
    chart: &crate::chart::Chart,
    cached: Option<Cached<'_>>,
    req: &RenderRequest,
    opts: &RenderOptions,
) -> Result<RenderOutput, RenderError> {
    let parsed = cached.map(|c| c.trees);
    let user = UserValues {
        value_files: req.values_files.clone(),
        set: req.set.clone(),
        set_string: req.set_string.clone(),
        set_json: req.set_json.clone(),
        set_file: req.set_file.clone(),
        set_literal: req.set_literal.clone(),
    };
    let release = ReleaseOptions {
        name: if req.release_name.is_empty() {
            "release-name".to_string()
        } else {
            req.release_name.clone()
        },
        namespace: if req.namespace.is_empty() {
            "default".to_string()
        } else {
            req.namespace.clone()
        },
        kube_version: req.kube_version.clone(),
        api_versions: req.api_versions.clone(),
        is_install: !req.is_upgrade,
        is_upgrade: req.is_upgrade,
        ..ReleaseOptions::default()
    };
    if req.check_dependencies {
        let missing = chart.missing_dependencies();
        if !missing.is_empty() {
            return Err(ChartError::MissingDependencies(missing).into());
        }
    }
    // Templates parse on a second thread while the values are prepared,
    // unless an earlier render of this chart parsed them.
    let fresh = parsed.is_none_or(|p| p.borrow().is_empty());
    let ahead = fresh.then(|| ParseAhead::start(tree_template_texts(chart)));
    let mut origins = OriginTable::new();
    let defaults = cached.and_then(|c| c.defaults);
    let mut prepared = prepare(chart, defaults, &user, &release, &mut origins)?;
    if let Some(ahead) = &ahead {
        ahead.keep_only(
            prepared
                .charts
                .iter()
                .flat_map(|c| c.templates.iter().map(|t| &t.1)),
        );
    }
    let Snapshot {
        shown: origin_values,
        json: origin_json,
        digests: origin_digests,
    } = snapshot_values(&prepared.values);

    // One template set, parsed in Helm's order; each template's context.
    let mut by_name: HashMap<String, (SourceText, MapRef, String, String)> = HashMap::new();
    for pc in &prepared.charts {
        for (name, text) in &pc.templates {
            let rel = name.strip_prefix(&pc.path).unwrap_or(name);
            let display = format!("{}{}", pc.location, rel);
            by_name.insert(
                name.clone(),
                (
                    text.clone(),
                    pc.context.clone(),
                    format!("{}/templates", pc.path),
                    display,
                ),
            );
        }
    }
    let mut order: Vec<String> = by_name.keys().cloned().collect();
    helm_template_order(&mut order);
    let mut set = TemplateSet::new();
    for name in &order {
        let (text, _, _, display) = &by_name[name];
        let known = parsed.and_then(|p| p.borrow().get(name).cloned());
        let trees = match known {
            Some(trees) => trees,
            None => {
                let file = match &ahead {
                    Some(ahead) => ahead.parse(name, text),
                    None => crate::template::parser::parse(name, text, &crate::funcs::is_defined),
                };
                let trees = Trees::from(file.map_err(RenderError::Parse)?);
                if let Some(p) = parsed {
                    p.borrow_mut().insert(name.clone(), trees.clone());
                }
                trees
            }
        };
        let id = set.add(text.clone(), trees, None);
        set.set_display(id, display.clone());
    }
    let mut eval = Evaluator::new(set, Some(parse_tpl_text));
    eval.set_tracing(opts.trace);
    // A budget message tripped outside any render is not this render's.
    let _ = crate::limits::take_tripped();
    let mut deleted: Vec<OriginId> = prepared.deleted.all().flat_map(|d| d.iter()).collect();
    deleted.sort_unstable();
    deleted.dedup();
    eval.set_deletions(std::mem::take(&mut prepared.deleted));
    let mut files = BTreeMap::new();
    for name in &order {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let (_, context, base_path, _) = &by_name[name];
        context.insert(
            "Template",
            Value::map_from(crate::value::map_data([
                ("BasePath".to_string(), Value::str(base_path.as_str())),
                ("Name".to_string(), Value::str(name.as_str())),
            ])),
        );
        let text = eval
            .execute(name, Value::map(context.clone()))
            .map_err(RenderError::Exec)?;
        files.insert(name.clone(), remove_no_value(&text));
    }
    let reads = eval.take_reads();
    let missing_reads = eval.take_missing_reads();
    let disabled_subcharts = disabled_subcharts(chart, &prepared);
    let crds = crd_files(chart, &prepared);
    Ok(RenderOutput {
        template_lines: crate::model::LineTables::default(),
        files,
        origins,
        reads,
        missing_reads,
        templates: eval.into_set(),
        chart_name: chart.name().to_string(),
        release_name: release.name,
        origin_values,
        origin_json,
        origin_digests,
        disabled_subcharts,
        crds,
        deleted,
    })
}

/// Helm's `Chart.CRDObjects` over the enabled charts: each chart's files
/// under `crds/` with a manifest extension, named by the chart's full path.
fn crd_files(
    chart: &crate::chart::Chart,
    prepared: &crate::chart::prepare::Prepared,
) -> Vec<(String, std::sync::Arc<Vec<u8>>)> {
    fn find<'c>(chart: &'c crate::chart::Chart, location: &str) -> Option<&'c crate::chart::Chart> {
        if chart.location == location {
            return Some(chart);
        }
        chart.subcharts.iter().find_map(|c| find(c, location))
    }
    let is_manifest = |name: &str| {
        let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        matches!(ext.as_deref(), Some("yaml" | "yml" | "json"))
    };
    let mut out = Vec::new();
    for pc in &prepared.charts {
        let Some(c) = find(chart, &pc.location) else {
            continue;
        };
        for f in &c.files {
            if f.name.starts_with("crds/") && is_manifest(&f.name) {
                out.push((format!("{}/{}", pc.path, f.name), f.data.clone()));
            }
        }
    }
    out
}

/// The template texts of a chart and all its subcharts, the top chart's
/// first (always rendered), then each subchart's, depth first.
fn tree_template_texts(chart: &crate::chart::Chart) -> Vec<SourceText> {
    fn walk(chart: &crate::chart::Chart, out: &mut Vec<SourceText>) {
        out.extend(chart.templates.iter().map(|t| t.text.clone()));
        for sub in &chart.subcharts {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(chart, &mut out);
    out
}

/// The top chart's dependencies that did not make it into the render.
fn disabled_subcharts(
    chart: &crate::chart::Chart,
    prepared: &crate::chart::Prepared,
) -> Vec<DisabledSubchart> {
    let top = chart.name();
    let mut out = Vec::new();
    for dep in chart.metadata.dependencies.iter().flatten() {
        let alias = if dep.alias.is_empty() {
            &dep.name
        } else {
            &dep.alias
        };
        let path = format!("{top}/charts/{alias}");
        if prepared.charts.iter().any(|c| c.path == path) {
            continue;
        }
        let Some(sub) = chart.subcharts.iter().find(|c| c.name() == dep.name) else {
            continue;
        };
        let keys = sub
            .values_text
            .as_deref()
            .map(crate::docs::comments::parse)
            .unwrap_or_default();
        let location = sub
            .location
            .strip_prefix(&format!("{top}/"))
            .unwrap_or(&sub.location);
        let templates = sub
            .templates
            .iter()
            .map(|t| (format!("{location}/{}", t.name), t.text.to_string()))
            .collect();
        out.push(DisabledSubchart {
            alias: alias.clone(),
            chart: dep.name.clone(),
            condition: dep.condition.clone(),
            values_file: format!("{location}/values.yaml"),
            keys,
            templates,
        });
    }
    out
}

/// Helm's `action.TemplateName` (`--name-template`): the text executed as a
/// Go template with no data, for a release name (`{{ randAlpha 6 | lower }}`).
/// Helm offers sprig's functions there; this engine's are a superset.
pub fn template_name(name_template: &str) -> Result<String, RenderError> {
    const NAME: &str = "name-template";
    let parsed = crate::template::parser::parse(NAME, name_template, &crate::funcs::is_defined)
        .map_err(RenderError::Parse)?;
    let mut set = TemplateSet::new();
    set.add(
        std::sync::Arc::new(name_template.to_string()),
        Trees::from(parsed),
        None,
    );
    let mut eval = Evaluator::new(set, Some(parse_tpl_text));
    let out = eval
        .execute(NAME, Value::nil())
        .map_err(RenderError::Exec)?;
    Ok(out.as_str().to_string())
}

/// Parse the text given to `tpl`; errors in Go's words, as `tpl` reports them.
pub fn parse_tpl_text(name: &str, text: &str) -> Result<ParsedFile, String> {
    crate::template::parser::parse(name, text, &crate::funcs::is_defined)
        .map_err(|e| e.go_message())
}

/// Each origin's value before rendering, shortened for display.
/// Each origin's value before rendering: shortened for tables, as JSON
/// data (`--format json`), and a digest of long strings whose shown value is
/// cut (so that `diff` sees changes past the cut).
struct Snapshot {
    shown: HashMap<OriginId, String>,
    json: HashMap<OriginId, serde_json::Value>,
    digests: HashMap<OriginId, u64>,
}

fn snapshot_values(values: &MapRef) -> Snapshot {
    fn walk(v: &Value, out: &mut Snapshot) {
        if let [id] = v.deps.as_slice() {
            if !out.shown.contains_key(id) {
                let short = short_value(v);
                if let Repr::Str(s) = &v.repr {
                    if short.ends_with('…') {
                        use std::hash::{Hash, Hasher};
                        let mut h = std::collections::hash_map::DefaultHasher::new();
                        s.as_str().hash(&mut h);
                        out.digests.insert(*id, h.finish());
                    }
                }
                out.shown.insert(*id, short);
                out.json.insert(*id, json_value(v));
            }
        }
        match &v.repr {
            Repr::Map(m) => {
                for (_, c) in m.borrow().iter() {
                    walk(c, out);
                }
            }
            Repr::List(l) => {
                for c in l.iter() {
                    walk(c, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Snapshot {
        shown: HashMap::new(),
        json: HashMap::new(),
        digests: HashMap::new(),
    };
    walk(&Value::map(values.clone()), &mut out);
    out
}

/// A values node as JSON data (`--format json`): scalars as themselves,
/// maps and lists with their contents (values come from YAML, so every node
/// has a JSON form; a Go object, which values never hold, is its text).
pub fn json_value(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match &v.repr {
        Repr::Nil => J::Null,
        Repr::Bool(b) => J::Bool(*b),
        Repr::Int(i, _) => J::from(*i),
        Repr::Float(f) => {
            // Whole floats (YAML `3`) are numbers without a fraction, as
            // Go's encoding/json writes them.
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                J::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
            }
        }
        Repr::Str(s) => J::String(s.as_str().to_string()),
        Repr::List(l) => J::Array(l.iter().map(json_value).collect()),
        Repr::Map(m) => J::Object(
            m.borrow()
                .iter()
                .map(|(k, c)| (k.to_string(), json_value(c)))
                .collect(),
        ),
        Repr::Object(_) => J::String(crate::gofmt::sprint_value(v)),
    }
}

/// A one-line rendering of a value for tables: JSON-like, long text cut.
pub fn short_value(v: &Value) -> String {
    let s = match &v.repr {
        Repr::Str(s) => format!("{:?}", s.as_str()),
        Repr::Map(m) if m.is_empty() => "{}".to_string(),
        Repr::List(l) if l.is_empty() => "[]".to_string(),
        Repr::Map(m) => format!("{{…{} keys}}", m.len()),
        Repr::List(l) => format!("[…{} items]", l.len()),
        _ => crate::gofmt::sprint_value(v),
    };
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(59).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// Render a chart and return `{template path: text}` as Helm's engine does
/// (the shape of `render --json` and of the goldens).
pub fn render_chart_json(
    chart_dir: &std::path::Path,
    values_files: &[PathBuf],
    release_name: &str,
    namespace: &str,
) -> Result<BTreeMap<String, String>, RenderError> {
    let req = RenderRequest {
        chart: chart_dir.to_path_buf(),
        values_files: values_files.to_vec(),
        release_name: release_name.to_string(),
        namespace: namespace.to_string(),
        ..RenderRequest::default()
    };
    with_large_stack(move || {
        let out = render(&req)?;
        Ok(out
            .files
            .into_iter()
            .map(|(k, v)| (k, v.as_str().to_string()))
            .collect())
    })
}

/// Stack size for rendering: Helm allows 1000 nested `include`s of one
/// template, and each level costs several evaluator frames.
pub const RENDER_STACK_BYTES: usize = 512 * 1024 * 1024;

/// Run `f` on a thread with [`RENDER_STACK_BYTES`] of stack.
pub fn with_large_stack<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, RenderError> + Send + 'static,
) -> Result<T, RenderError> {
    let handle = std::thread::Builder::new()
        .stack_size(RENDER_STACK_BYTES)
        .spawn(f)
        .map_err(|e| RenderError::Options(format!("cannot start the render thread: {e}")))?;
    handle.join().unwrap_or_else(|_| {
        Err(RenderError::Options(
            "the render thread panicked".to_string(),
        ))
    })
}
