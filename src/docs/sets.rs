//! Value sets and what one render of each tells about every key: its
//! effects on the configs, whether templates read it, whether it reached the
//! output, which user-set keys exist, and which missing keys templates asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::origin::{Deps, Layer};
use crate::query::{key_effects, manifest_effects, origin_key, Effect, ManifestEffect};
use crate::render::{
    render_loaded, with_large_stack, LoadedChart, RenderError, RenderOutput, RenderRequest,
};

/// A named group of values files rendered together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueSet {
    /// Name shown in "seen in" lists.
    pub name: String,
    /// The `-f` files, in order.
    pub files: Vec<PathBuf>,
}

/// The value sets under a folder: every `values.yaml` below it (named by its
/// folder), or, when there is none, every `*.yaml` directly in it (named by
/// file stem). Sorted by name.
pub fn sets_in_dir(dir: &Path) -> std::io::Result<Vec<ValueSet>> {
    let mut sets = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_file() && entry.file_name() == "values.yaml" {
            let rel = entry
                .path()
                .parent()
                .and_then(|p| p.strip_prefix(dir).ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            let name = if rel.is_empty() {
                "values".to_string()
            } else {
                rel
            };
            sets.push(ValueSet {
                name,
                files: vec![entry.path().to_path_buf()],
            });
        }
    }
    if sets.is_empty() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        files.sort();
        for f in files {
            let name = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            sets.push(ValueSet {
                name,
                files: vec![f],
            });
        }
    }
    sets.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(sets)
}

/// What one render says about the keys.
#[derive(Debug, Clone, Default)]
pub struct SetFindings {
    /// The value set's name.
    pub name: String,
    /// Effects on configs, by key.
    pub effects: BTreeMap<String, BTreeSet<Effect>>,
    /// Effects on manifest places (resource and path), by key.
    pub manifest: BTreeMap<String, BTreeSet<ManifestEffect>>,
    /// Keys a template read (directly or through a container).
    pub read: BTreeSet<String>,
    /// Keys whose values reached the output (text or a decision).
    pub used: BTreeSet<String>,
    /// Keys the user set (`-f`, `--set`), with where.
    pub user_set: BTreeMap<String, String>,
    /// Every key path present in the values.
    pub present: BTreeSet<String>,
    /// Keys templates asked for that the values did not have, with where.
    pub missing: BTreeMap<String, String>,
    /// Feature switches (`*.enabled` keys) that are off in this set.
    pub off: BTreeSet<String>,
    /// Subcharts these values disable: (key in the parent's values, condition).
    pub disabled_subcharts: Vec<(String, String)>,
}

fn add_keys(out: &RenderOutput, deps: &Deps, into: &mut BTreeSet<String>) {
    for id in deps.iter() {
        if let Some(k) = origin_key(out, id) {
            into.insert(k.to_string());
        }
    }
}

/// Collect the findings of one render.
pub fn findings(out: &RenderOutput, name: &str) -> SetFindings {
    let mut f = SetFindings {
        name: name.to_string(),
        effects: key_effects(out),
        manifest: manifest_effects(&crate::model::index::Index::new(out)),
        ..SetFindings::default()
    };
    for r in &out.reads {
        add_keys(out, &r.deps, &mut f.read);
    }
    for text in out.files.values() {
        for run in text.runs() {
            add_keys(out, &run.source.deps, &mut f.used);
        }
        for d in text.decisions() {
            add_keys(out, &d.deps, &mut f.used);
        }
    }
    // What was used was read.
    f.read.extend(f.used.iter().cloned());
    let prefix = format!("{}/", out.chart_name);
    for (id, o) in out.origins.iter() {
        if o.path.is_empty() {
            continue;
        }
        f.present.insert(o.path.clone());
        if matches!(o.layer, Layer::UserFile | Layer::SetFlag) {
            // `file:line:column`, the file as the user gave it.
            let at = o.pos.as_ref().map_or_else(String::new, |p| {
                let file = p.file.strip_prefix(&prefix).unwrap_or(&p.file);
                format!("{file}:{}:{}", p.line, p.column)
            });
            f.user_set.entry(o.path.clone()).or_insert(at);
        }
        // Only the values in effect have a snapshot: an overridden default has none.
        if o.path.ends_with(".enabled") && out.origin_values.get(&id).is_some_and(|v| v == "false")
        {
            f.off.insert(o.path.clone());
        }
    }
    f.disabled_subcharts = out
        .disabled_subcharts
        .iter()
        .map(|d| (d.alias.clone(), d.condition.clone()))
        .collect();
    for m in &out.missing_reads {
        for id in m.map.iter() {
            if let Some(k) = origin_key(out, id) {
                let path = format!("{k}.{}", escape(&m.key));
                f.missing
                    .entry(path)
                    .or_insert_with(|| out.describe_loc(m.loc));
            }
        }
    }
    f
}

fn escape(k: &str) -> String {
    k.replace('.', "\\.")
}

/// Render every set (with the request's other options) and collect findings,
/// loading the chart once. Call it on a thread with a large stack
/// ([`crate::render::with_large_stack`]): deep `include` chains recurse.
///
/// Told as each value set starts to render: its number (from 1), how many
/// sets there are, and its name. The command line shows it on a terminal's
/// standard error; the library itself prints nothing.
pub type Progress = std::sync::Arc<dyn Fn(usize, usize, &str) + Send + Sync>;

/// Counts sets as they start, across the two rendering threads.
pub(crate) struct Tally {
    total: usize,
    started: std::sync::atomic::AtomicUsize,
    report: Option<Progress>,
}

impl Tally {
    /// A count of `total` sets, told to `report`.
    pub(crate) fn new(total: usize, report: Option<Progress>) -> Self {
        Tally {
            total,
            started: std::sync::atomic::AtomicUsize::new(0),
            report,
        }
    }

    fn start(&self, name: &str) {
        let n = 1 + self
            .started
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Some(report) = &self.report {
            report(n.min(self.total), self.total, name);
        }
    }
}

/// Sets render on two threads (the machine has two cores): this one takes
/// every other set, a helper thread with its own copy of the chart (charts
/// are not shared between threads) the rest. The findings come in the order
/// of `sets`, and a failure is the first failing set's, as one after the
/// other would give.
pub fn render_sets_with(
    chart: &LoadedChart,
    base: &RenderRequest,
    sets: &[ValueSet],
) -> Result<Vec<SetFindings>, (String, RenderError)> {
    render_sets_counted(chart, base, sets, &Tally::new(sets.len(), None))
}

/// [`render_sets_with`], telling `tally` as each set starts.
pub(crate) fn render_sets_counted(
    chart: &LoadedChart,
    base: &RenderRequest,
    sets: &[ValueSet],
    tally: &Tally,
) -> Result<Vec<SetFindings>, (String, RenderError)> {
    render_in_pairs(chart, base, sets, true, tally)
        .into_iter()
        .collect()
}

/// Like [`render_sets_with`], but a set that fails to render does not stop
/// the others: each set's findings or its failure, in the order of `sets`.
pub fn render_sets_lenient(
    chart: &LoadedChart,
    base: &RenderRequest,
    sets: &[ValueSet],
) -> Vec<Result<SetFindings, (String, RenderError)>> {
    render_sets_lenient_counted(chart, base, sets, &Tally::new(sets.len(), None))
}

/// [`render_sets_lenient`], telling `tally` as each set starts.
pub(crate) fn render_sets_lenient_counted(
    chart: &LoadedChart,
    base: &RenderRequest,
    sets: &[ValueSet],
    tally: &Tally,
) -> Vec<Result<SetFindings, (String, RenderError)>> {
    render_in_pairs(chart, base, sets, false, tally)
}

type SetResult = Result<SetFindings, (String, RenderError)>;

/// Results in set order; with `stop`, each thread ends at its first failure,
/// and the results end at the first failure in set order.
fn render_in_pairs(
    chart: &LoadedChart,
    base: &RenderRequest,
    sets: &[ValueSet],
    stop: bool,
    tally: &Tally,
) -> Vec<SetResult> {
    if sets.len() < 4 {
        return cut_at_failure(render_each(chart, base, sets.iter(), stop, tally));
    }
    let odd_sets: Vec<&ValueSet> = sets.iter().skip(1).step_by(2).collect();
    let (mine, theirs) = std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .stack_size(crate::render::RENDER_STACK_BYTES)
            .spawn_scoped(scope, || match LoadedChart::load(&base.chart) {
                Ok(chart) => render_each(&chart, base, odd_sets.iter().copied(), stop, tally),
                Err(e) => vec![Err(("chart".to_string(), RenderError::Chart(e)))],
            });
        let mine = render_each(chart, base, sets.iter().step_by(2), stop, tally);
        let theirs = helper.ok().and_then(|h| h.join().ok());
        (mine, theirs)
    });
    // Without an answer from the helper, its sets render here.
    let theirs =
        theirs.unwrap_or_else(|| render_each(chart, base, odd_sets.iter().copied(), stop, tally));
    // Interleave: even position i is set 2i, odd position j is set 2j + 1.
    let mut out = Vec::with_capacity(sets.len());
    let mut odd = theirs.into_iter();
    for f in mine {
        out.push(f);
        out.extend(odd.next());
    }
    out.extend(odd);
    if stop {
        cut_at_failure(out)
    } else {
        out
    }
}

/// The results up to and including the first failure.
fn cut_at_failure(mut all: Vec<SetResult>) -> Vec<SetResult> {
    if let Some(i) = all.iter().position(Result::is_err) {
        all.truncate(i + 1);
    }
    all
}

/// Findings of sets rendered in turn; with `stop`, the first failure ends it.
fn render_each<'s>(
    chart: &LoadedChart,
    base: &RenderRequest,
    sets: impl Iterator<Item = &'s ValueSet>,
    stop: bool,
    tally: &Tally,
) -> Vec<SetResult> {
    let mut all = Vec::new();
    for set in sets {
        tally.start(&set.name);
        let mut req = base.clone();
        req.values_files.extend(set.files.iter().cloned());
        match render_loaded(chart, &req) {
            Ok(out) => all.push(Ok(findings(&out, &set.name))),
            Err(e) => {
                all.push(Err((set.name.clone(), e)));
                if stop {
                    break;
                }
            }
        }
    }
    all
}

/// [`render_sets_with`] on its own large-stack thread, loading the chart.
pub fn render_sets(
    base: &RenderRequest,
    sets: &[ValueSet],
) -> Result<Vec<SetFindings>, (String, RenderError)> {
    let base = base.clone();
    let sets = sets.to_vec();
    let result = with_large_stack(move || {
        let chart = LoadedChart::load(&base.chart)?;
        Ok(render_sets_with(&chart, &base, &sets))
    });
    result.unwrap_or_else(|e| Err(("chart".to_string(), e)))
}
