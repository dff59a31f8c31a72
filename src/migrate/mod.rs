//! `migrate`: values for a new version of a chart that render what a user's
//! values rendered with the old version, found from traces, not from a
//! table of renamed keys.
//!
//! The steps, each checked by rendering:
//!
//! 1. **Structure.** Every node of the user's values goes to the same path
//!    when the new chart knows that path (its default values, or the values
//!    of its examples: [`Learned`]); a list of maps with a `name` goes to a
//!    map keyed by name when the new chart has a map there; a path the new
//!    chart does not know is relocated under a known parent that holds the
//!    same name one level down (`alloy-logs` → `collectors.alloy-logs`) or
//!    renamed to a known sibling whose name extends it or that it extends
//!    (`podLogs` → `podLogsViaLoki`, `podLogsViaKubernetesApi`, ...). A
//!    leaf nothing names is matched by its value: the attribute of the
//!    component its value was printed into in the old render, against the
//!    keys printed into that attribute of that component in the new
//!    chart's renders.
//! 2. **Choices.** Where several renames fit, each is rendered and the one
//!    whose Alloy components come closest to the old render's is taken;
//!    the report says a decision was made and lists the others.
//! 3. **Old defaults that decided.** Chart defaults the old render used
//!    (read into output or decisions) under the user's features, whose
//!    mapped key the new chart defaults differently, are carried when that
//!    brings the render closer (a feature's collector assignment).
//! 4. **Gates.** For components of the old render that the new render
//!    lacks or writes differently, the new chart's example renders that
//!    have them name the keys that gate them (`if`/`with`/`range` outside
//!    or inside the block: feature switches, presets); their values are
//!    tried and kept when the render comes closer. A few rounds at most.
//! 5. **Check.** The final render is traced: a carried key no template
//!    reads is removed and reported as dropped, so every user key ends up
//!    carried (with the new keys and values) or dropped (with why).
//!
//! Nothing here writes into a chart; candidate values are rendered from a
//! temporary file.

pub mod components;
pub mod tree;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path as FsPath, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Map, Value as Json};

use crate::chart::Chart;
use crate::docs::sets::findings;
use crate::model::roles::Role;
use crate::model::RenderOutput;
use crate::origin::Layer;
use crate::render::{
    json_value, render_loaded_with, LoadedChart, RenderError, RenderOptions, RenderRequest,
};
use components::{closeness, components, Component};
use tree::{Path, Seg};

/// Errors of `migrate`.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The old chart with the user's values did not render.
    #[error("the old chart does not render with these values: {0}")]
    OldRender(RenderError),
    /// The new chart did not load.
    #[error("the new chart: {0}")]
    NewChart(crate::chart::ChartError),
    /// The user's values did not load.
    #[error("{0}")]
    Values(crate::chart::ChartError),
    /// A temporary values file could not be written.
    #[error("writing a temporary values file {path}: {error}")]
    Temp {
        /// The file.
        path: String,
        /// Why.
        error: std::io::Error,
    },
    /// No candidate values render with the new chart.
    #[error("the new chart renders none of the migrated values: {0}")]
    NewRender(RenderError),
}

/// What the new chart is known to accept, from its defaults and its
/// example values (rendered once, shared by many migrations).
#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// The new chart's default values (subcharts under their aliases).
    pub defaults: Json,
    /// Example value sets that rendered.
    pub sets: Vec<LearnedSet>,
    /// The default render's keys by (component id, attribute) printed into.
    pub default_attrs: BTreeMap<(String, String), BTreeSet<String>>,
}

/// One example value set of the new chart and what its render showed.
#[derive(Debug, Clone)]
pub struct LearnedSet {
    /// The values file.
    pub name: String,
    /// Its values.
    pub values: Json,
    /// Its render's Alloy components.
    pub comps: Vec<Component>,
    /// For each component id, the set's leaves that decided part of it or
    /// its existence (not text printed into it), with their values.
    pub gates: BTreeMap<String, Vec<(String, Json)>>,
    /// For each (component id, attribute), the keys whose values were
    /// printed there.
    pub attrs: BTreeMap<(String, String), BTreeSet<String>>,
}

/// How one key of the user's values fared.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Carried to these new keys with these values.
    Carried(Vec<(String, Json)>),
    /// Carried, but several new keys fitted: the one taken and the others.
    Decision {
        /// New keys and values written.
        to: Vec<(String, Json)>,
        /// The other candidates (new key paths).
        candidates: Vec<String>,
    },
    /// Not carried, and why.
    Dropped(String),
}

/// One line of the report: an old user key and its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyReport {
    /// The key in the user's values.
    pub key: String,
    /// Its value.
    pub value: Json,
    /// What happened to it.
    pub outcome: Outcome,
}

/// A key the migration set that the user's values did not name.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    /// The new key.
    pub key: String,
    /// Its value.
    pub value: Json,
    /// Why: `old default` or `gate of COMPONENT (learned from EXAMPLE)`.
    pub why: String,
}

/// The result of a migration.
pub struct Migration {
    /// The values for the new chart.
    pub values: Json,
    /// Per old user key.
    pub keys: Vec<KeyReport>,
    /// Keys set that the user's values did not name.
    pub added: Vec<Added>,
    /// Alloy components of the old render, and how many the new render has
    /// (id and normalised body equal).
    pub components: (usize, usize),
    /// Renders of the new chart made.
    pub renders: usize,
    /// The new chart's render of [`Migration::values`] (origins name the
    /// values file `migrated values`).
    pub render: RenderOutput,
}

/// Candidates rendered for one choice at most.
const MAX_CHOICES: usize = 4;

/// How the final render's origins name the migrated values.
pub const MIGRATED: &str = "migrated values";

/// Options of a migration.
#[derive(Debug, Clone)]
pub struct Options {
    /// Learning sets whose name contains one of these are not used
    /// (leave-one-out when measuring on a chart's own examples).
    pub exclude: Vec<String>,
    /// Rounds of the gate search.
    pub rounds: usize,
    /// Gate proposals tried per round.
    pub tries: usize,
    /// Carry the old chart's defaults that decided (step 3).
    pub old_defaults: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            exclude: Vec::new(),
            rounds: 2,
            tries: 4,
            old_defaults: true,
        }
    }
}

/// The example values files of a chart: `docs/examples/**/values.yaml`,
/// `examples/**/*.yaml` and `ci/*.yaml`, sorted.
pub fn example_values(chart: &FsPath) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (dir, all_yaml) in [("docs/examples", false), ("examples", true), ("ci", true)] {
        let d = chart.join(dir);
        if !d.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(&d).into_iter().filter_map(|e| e.ok()) {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let ok = if all_yaml {
                name.ends_with(".yaml") || name.ends_with(".yml")
            } else {
                name == "values.yaml"
            };
            if ok && e.file_type().is_file() {
                out.push(p.to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// The default values of a chart and its subcharts (each under its alias,
/// the parent's values over the subchart's own), as JSON.
pub fn chart_defaults(chart: &Chart) -> Json {
    let mut own = chart
        .values_text
        .as_deref()
        .and_then(|t| load_json(t, "values.yaml").ok())
        .unwrap_or(Json::Object(Map::new()));
    if !own.is_object() {
        own = Json::Object(Map::new());
    }
    let deps = chart.metadata.dependencies.clone().unwrap_or_default();
    for sub in &chart.subcharts {
        let name = sub.name().to_string();
        let aliases: Vec<String> = deps
            .iter()
            .filter(|d| d.name == name)
            .map(|d| {
                if d.alias.is_empty() {
                    d.name.clone()
                } else {
                    d.alias.clone()
                }
            })
            .collect();
        let aliases = if aliases.is_empty() {
            vec![name]
        } else {
            aliases
        };
        let sub_defaults = chart_defaults(sub);
        for a in aliases {
            let mut merged = sub_defaults.clone();
            if let Some(p) = own.get(&a) {
                merge_json(&mut merged, p);
            }
            if let Json::Object(m) = &mut own {
                m.insert(a, merged);
            }
        }
    }
    own
}

/// `over` merged into `base` (maps merge, anything else replaces).
fn merge_json(base: &mut Json, over: &Json) {
    match (base, over) {
        (Json::Object(b), Json::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(bv) => merge_json(bv, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn load_json(text: &str, name: &str) -> Result<Json, crate::yaml::YamlError> {
    let mut origins = crate::origin::OriginTable::new();
    crate::yaml::load_values(text, std::rc::Rc::from(name), Layer::UserFile, &mut origins)
        .map(|v| json_value(&v))
}

/// The user's values of a request (`-f` files and `--set` flags merged as Helm merges them).
pub fn user_values(req: &RenderRequest) -> Result<Json, MigrateError> {
    let user = crate::chart::UserValues {
        value_files: req.values_files.clone(),
        set: req.set.clone(),
        set_string: req.set_string.clone(),
        set_json: req.set_json.clone(),
        set_file: req.set_file.clone(),
        set_literal: req.set_literal.clone(),
    };
    let mut origins = crate::origin::OriginTable::new();
    let m = user.merge(&mut origins).map_err(MigrateError::Values)?;
    Ok(json_value(&crate::value::Value::map(m)))
}

/// Render `chart` with `values` (through a temporary file); `base` gives
/// the release options.
pub fn render_values(
    chart: &LoadedChart,
    base: &RenderRequest,
    values: &Json,
) -> Result<Result<RenderOutput, RenderError>, MigrateError> {
    render_values_with(chart, base, values, true)
}

/// [`render_values`], traced or not (the search compares text only).
fn render_values_with(
    chart: &LoadedChart,
    base: &RenderRequest,
    values: &Json,
    trace: bool,
) -> Result<Result<RenderOutput, RenderError>, MigrateError> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!(
        "trace-value-migrate-{}-{n}.yaml",
        std::process::id()
    ));
    std::fs::write(&path, tree::to_yaml(values)).map_err(|error| MigrateError::Temp {
        path: path.display().to_string(),
        error,
    })?;
    let mut req = base.clone();
    req.values_files = vec![path.clone()];
    req.set.clear();
    req.set_string.clear();
    req.set_json.clear();
    req.set_file.clear();
    req.set_literal.clear();
    let out = render_loaded_with(chart, &req, &RenderOptions { trace });
    let _ = std::fs::remove_file(&path);
    Ok(out)
}

/// Learn the new chart from its defaults and the value sets `sets`
/// (rendered with `base`'s release options); sets that fail are left out.
pub fn learn(chart: &LoadedChart, base: &RenderRequest, sets: &[PathBuf]) -> Learned {
    let mut learned = Learned {
        defaults: chart_defaults(&chart.chart),
        sets: Vec::new(),
        default_attrs: BTreeMap::new(),
    };
    if let Ok(Ok(out)) = render_values(chart, base, &Json::Object(Map::new())) {
        learned.default_attrs = attr_keys(&out);
        std::mem::forget(out);
    }
    for path in sets {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let name = path.display().to_string();
        let Ok(values) = load_json(&text, &name) else {
            continue;
        };
        let Ok(Ok(out)) = render_values(chart, base, &values) else {
            continue;
        };
        learned.sets.push(learn_set(&out, name, values));
    }
    learned
}

fn learn_set(out: &RenderOutput, name: String, values: Json) -> LearnedSet {
    let f = findings(out, &name);
    let leaf_paths: BTreeSet<String> = tree::leaves(&values)
        .iter()
        .map(|(p, _)| tree::fmt(p))
        .collect();
    let mut gates: BTreeMap<String, Vec<(String, Json)>> = BTreeMap::new();
    for (key, effects) in &f.effects {
        // The user's leaf the key is, or is under (a list item of a list
        // of strings), or the leaves under it (a map that gates).
        let Some(leaf) = leaf_at_or_above(&leaf_paths, key) else {
            continue;
        };
        let Some(v) = tree::get(&values, &tree::parse(&leaf)) else {
            continue;
        };
        for e in effects {
            if e.role == Role::Content {
                continue;
            }
            let list = gates.entry(e.block.clone()).or_default();
            if !list.iter().any(|(k, _)| *k == leaf) {
                list.push((leaf.clone(), v.clone()));
            }
        }
    }
    LearnedSet {
        name,
        comps: components(out),
        attrs: attr_keys(out),
        gates,
        values,
    }
}

/// The leaf of `leaves` that is `key` or an ancestor of it.
fn leaf_at_or_above(leaves: &BTreeSet<String>, key: &str) -> Option<String> {
    let mut p = tree::parse(key);
    while !p.is_empty() {
        let s = tree::fmt(&p);
        if leaves.contains(&s) {
            return Some(s);
        }
        p.pop();
    }
    None
}

/// For each (component id, attribute name), the keys printed into that
/// attribute's line (`level = "debug"` in `logging` → `logging`, `level`).
pub fn attr_keys(out: &RenderOutput) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut result: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for cfg in crate::query::configs(out).iter().filter(|c| c.is_alloy()) {
        // Components with their file ranges.
        let mut comps: Vec<(std::ops::Range<usize>, String)> = Vec::new();
        fn rec(
            blocks: &[crate::alloy::Block],
            cfg: &crate::query::Config<'_>,
            out: &mut Vec<(std::ops::Range<usize>, String)>,
        ) {
            for b in blocks {
                if b.name == "declare" {
                    rec(&b.children, cfg, out);
                } else if let Some(r) = cfg.doc.to_file_range(b.range.clone()) {
                    out.push((r, b.display_name()));
                }
            }
        }
        rec(&cfg.blocks, cfg, &mut comps);
        let s = cfg.text.as_str();
        for run in cfg.text.runs() {
            if run.source.deps.is_empty() {
                continue;
            }
            let start = run.start as usize;
            let Some((_, id)) = comps.iter().find(|(r, _)| r.contains(&start)) else {
                continue;
            };
            let ls = s[..start].rfind('\n').map_or(0, |i| i + 1);
            let le = s[start..].find('\n').map_or(s.len(), |i| start + i);
            let line = &s[ls..le];
            let Some(eq) = line.find('=') else {
                continue;
            };
            if ls + eq < start {
                let attr = line[..eq].trim().to_string();
                if attr.is_empty() || attr.contains(' ') {
                    continue;
                }
                for id_o in run.source.deps.iter() {
                    if let Some(k) = crate::query::origin_key(out, id_o) {
                        result
                            .entry((id.clone(), attr.clone()))
                            .or_default()
                            .insert(k.to_string());
                    }
                }
            }
        }
    }
    result
}

/// The new chart's side: loaded once, learned once.
pub struct NewSide<'a> {
    /// The chart.
    pub chart: &'a LoadedChart,
    /// Release options of its renders.
    pub base: &'a RenderRequest,
    /// What is known of it.
    pub learned: &'a Learned,
}

/// Shapes of nodes the new chart knows: from its defaults and the sets used.
struct Known<'a> {
    defaults: &'a Json,
    sets: Vec<&'a LearnedSet>,
    /// Every known map key's paths, by the key (for relocations).
    by_name: HashMap<String, Vec<Path>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Map,
    List,
    Scalar,
}

fn shape(v: &Json) -> Shape {
    match v {
        Json::Object(_) => Shape::Map,
        Json::Array(_) => Shape::List,
        _ => Shape::Scalar,
    }
}

impl<'a> Known<'a> {
    fn new(defaults: &'a Json, sets: Vec<&'a LearnedSet>) -> Self {
        let mut by_name: HashMap<String, Vec<Path>> = HashMap::new();
        let mut add = |v: &Json| {
            for (p, _) in tree::nodes(v) {
                if let Some(Seg::Key(k)) = p.last() {
                    if p.iter().all(|s| matches!(s, Seg::Key(_))) {
                        let list = by_name.entry(k.clone()).or_default();
                        if !list.contains(&p) {
                            list.push(p);
                        }
                    }
                }
            }
        };
        add(defaults);
        for s in &sets {
            add(&s.values);
        }
        Known {
            defaults,
            sets,
            by_name,
        }
    }

    /// Known paths deeper than one level whose last key is `name`.
    fn elsewhere(&self, name: &str) -> Vec<Path> {
        self.by_name
            .get(name)
            .map(|ps| ps.iter().filter(|p| p.len() >= 2).cloned().collect())
            .unwrap_or_default()
    }

    /// Whether the new chart's defaults or examples have the top-level
    /// key of `path`.
    fn knows_top(&self, path: &[Seg]) -> bool {
        path.first()
            .is_some_and(|top| self.shape(std::slice::from_ref(top)).is_some())
    }

    /// The shape the new chart gives `path`, if it knows it.
    fn shape(&self, path: &[Seg]) -> Option<Shape> {
        if let Some(v) = tree::get(self.defaults, path) {
            return Some(shape(v));
        }
        self.sets
            .iter()
            .find_map(|s| tree::get(&s.values, path).map(shape))
    }

    /// Known children names of the map at `path`.
    fn children(&self, path: &[Seg]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |v: Option<&Json>| {
            if let Some(Json::Object(m)) = v {
                for k in m.keys() {
                    if !out.contains(k) {
                        out.push(k.clone());
                    }
                }
            }
        };
        add(tree::get(self.defaults, path));
        for s in &self.sets {
            add(tree::get(&s.values, path));
        }
        out
    }

    /// Paths `P.x.name` the new chart knows, for `P` = `parent`.
    fn one_level_down(&self, parent: &[Seg], name: &str) -> Vec<Path> {
        let mut out = Vec::new();
        for c in self.children(parent) {
            let mut p = parent.to_vec();
            p.push(Seg::Key(c));
            let mut q = p.clone();
            q.push(Seg::Key(name.to_string()));
            if self.shape(&q).is_some() && !out.contains(&q) {
                out.push(q);
            }
        }
        out
    }
}

/// Where one node of the user's values went.
#[derive(Debug, Clone)]
struct Placement {
    old: Path,
    new: Path,
}

/// The structural translation of the user's values.
struct Translation {
    values: Json,
    /// Old leaf → new leaf.
    leaves: Vec<Placement>,
    /// Map keys made from list items' names: old `[i].name` leaf → the map entry.
    names: Vec<Placement>,
    /// Old node → (taken, all candidates), where several fitted.
    choices: Vec<(Path, Vec<Path>)>,
    /// Old node prefix → new node prefix (for carrying defaults).
    prefixes: Vec<Placement>,
    /// Old leaves not carried because an earlier one went to the same new key: (leaf, earlier).
    conflicts: Vec<(Path, Path)>,
}

/// The name field of a list of maps that a map keyed by name replaces.
fn name_field(items: &[Json]) -> Option<&'static str> {
    for f in ["name", "id", "key"] {
        let names: Vec<&str> = items
            .iter()
            .filter_map(|i| i.get(f).and_then(|n| n.as_str()))
            .collect();
        let unique: BTreeSet<&&str> = names.iter().collect();
        if names.len() == items.len() && unique.len() == names.len() && !names.is_empty() {
            return Some(f);
        }
    }
    None
}

/// Whether `a` names the same thing as `b` under another name: one extends
/// the other (`podLogs`, `podLogsViaLoki`).
fn renames(a: &str, b: &str) -> bool {
    a != b && a.len() >= 4 && b.len() >= 4 && (a.starts_with(b) || b.starts_with(a))
}

/// Where each old leaf's value was printed, matched with the new keys
/// printed into the same attribute of the same component.
fn value_matches(
    old: &RenderOutput,
    user: &Json,
    learned: &Learned,
    sets: &[&LearnedSet],
) -> HashMap<Path, Vec<Path>> {
    let mut by_key: HashMap<String, BTreeSet<(String, String)>> = HashMap::new();
    for (place, keys) in attr_keys(old) {
        for k in keys {
            by_key.entry(k).or_default().insert(place.clone());
        }
    }
    let mut out = HashMap::new();
    for (p, _) in tree::leaves(user) {
        let Some(places) = by_key.get(&tree::fmt(&p)) else {
            continue;
        };
        let mut cands: Vec<Path> = Vec::new();
        for place in places {
            let maps = std::iter::once(&learned.default_attrs).chain(sets.iter().map(|s| &s.attrs));
            for m in maps {
                for k in m.get(place).into_iter().flatten() {
                    let q = tree::parse(k);
                    if !cands.contains(&q) {
                        cands.push(q);
                    }
                }
            }
        }
        if !cands.is_empty() {
            out.insert(p, cands);
        }
    }
    out
}

fn translate(
    user: &Json,
    known: &Known<'_>,
    overrides: &HashMap<Path, Path>,
    matches: &HashMap<Path, Vec<Path>>,
) -> Translation {
    let mut t = Translation {
        values: Json::Object(Map::new()),
        leaves: Vec::new(),
        names: Vec::new(),
        choices: Vec::new(),
        prefixes: Vec::new(),
        conflicts: Vec::new(),
    };
    if let Json::Object(m) = user {
        for (k, v) in m {
            let p = vec![Seg::Key(k.clone())];
            place(&p, &p, v, known, overrides, matches, &mut t);
        }
    }
    t
}

fn place(
    old: &Path,
    new: &Path,
    v: &Json,
    known: &Known<'_>,
    overrides: &HashMap<Path, Path>,
    matches: &HashMap<Path, Vec<Path>>,
    t: &mut Translation,
) {
    let mut new = new.clone();
    if let Some(o) = overrides.get(old) {
        new = o.clone();
    } else if known.shape(&new).is_none() {
        // The deepest known ancestor and the first unknown name below it.
        let mut depth = new.len() - 1;
        while depth > 0 && known.shape(&new[..depth]).is_none() {
            depth -= 1;
        }
        // Entries of a map that is empty by default are the user's own names.
        let free = matches!(tree::get(known.defaults, &new[..depth]), Some(Json::Object(m)) if m.is_empty());
        if depth + 1 == new.len() && !free {
            if let Seg::Key(name) = &new[depth] {
                let parent = &new[..depth];
                let subtree = v.as_object().is_some_and(|m| !m.is_empty());
                let mut cands: Vec<Path> = Vec::new();
                for c in known.children(parent).into_iter().filter(|_| subtree) {
                    if renames(name, &c) {
                        let mut p = parent.to_vec();
                        p.push(Seg::Key(c));
                        cands.push(p);
                    }
                }
                if cands.is_empty() && subtree {
                    cands = known.one_level_down(parent, name);
                }
                if cands.is_empty() && subtree {
                    cands = known.elsewhere(name);
                }
                if cands.is_empty() {
                    cands = matches.get(old).cloned().unwrap_or_default();
                }
                cands.truncate(MAX_CHOICES);
                if let Some(first) = cands.first().cloned() {
                    if cands.len() > 1 {
                        t.choices.push((old.clone(), cands.clone()));
                    }
                    new = first;
                }
            }
        }
    }
    if new != *old {
        t.prefixes.push(Placement {
            old: old.clone(),
            new: new.clone(),
        });
    }
    match v {
        Json::Object(m) if !m.is_empty() => {
            for (k, c) in m {
                let mut o = old.clone();
                o.push(Seg::Key(k.clone()));
                let mut n = new.clone();
                n.push(Seg::Key(k.clone()));
                place(&o, &n, c, known, overrides, matches, t);
            }
        }
        Json::Array(items)
            if items.iter().all(|i| i.is_object())
                && !items.is_empty()
                && known.shape(&new) == Some(Shape::Map) =>
        {
            if let Some(f) = name_field(items) {
                for (i, item) in items.iter().enumerate() {
                    let mut o = old.clone();
                    o.push(Seg::Index(i));
                    let name = item.get(f).and_then(|n| n.as_str()).unwrap_or_default();
                    let mut n = new.clone();
                    n.push(Seg::Key(name.to_string()));
                    let mut rest = item.clone();
                    if let Json::Object(r) = &mut rest {
                        r.shift_remove(f);
                    }
                    let mut on = o.clone();
                    on.push(Seg::Key(f.to_string()));
                    t.names.push(Placement {
                        old: on,
                        new: n.clone(),
                    });
                    t.prefixes.push(Placement {
                        old: o.clone(),
                        new: n.clone(),
                    });
                    if rest.as_object().is_some_and(|r| r.is_empty()) {
                        tree::set(&mut t.values, &n, Json::Object(Map::new()));
                    }
                    place(&o, &n, &rest, known, overrides, matches, t);
                }
            } else {
                leaf(old, &new, v, t);
            }
        }
        Json::Array(items) if items.iter().any(|i| i.is_object() || i.is_array()) => {
            // Items keep their places in the list.
            for (i, item) in items.iter().enumerate() {
                let mut o = old.clone();
                o.push(Seg::Index(i));
                let mut n = new.clone();
                n.push(Seg::Index(i));
                place(&o, &n, item, known, overrides, matches, t);
            }
        }
        _ => leaf(old, &new, v, t),
    }
}

fn leaf(old: &Path, new: &Path, v: &Json, t: &mut Translation) {
    if let Some(first) = t.leaves.iter().find(|pl| pl.new == *new) {
        // Two old keys, one new key: the first keeps it.
        t.conflicts.push((old.clone(), first.old.clone()));
        return;
    }
    tree::set(&mut t.values, new, v.clone());
    t.leaves.push(Placement {
        old: old.clone(),
        new: new.clone(),
    });
}

/// Leaves that most of the new chart's examples naming one of the
/// values' top-level keys also set, where the values do not: (path, value,
/// how many examples). What a feature needs beside itself (a service to
/// deploy, a collector setting) is what the examples enabling it set too.
fn companions(values: &Json, known: &Known<'_>) -> Vec<(Path, Json, usize)> {
    let Some(top) = values.as_object() else {
        return Vec::new();
    };
    // How often each (leaf, value) is set over all examples.
    let mut base: HashMap<(String, String), usize> = HashMap::new();
    for s in &known.sets {
        for (q, leaf) in tree::leaves(&s.values) {
            *base.entry((tree::fmt(&q), leaf.to_string())).or_default() += 1;
        }
    }
    let all = known.sets.len().max(1) as f64;
    let mut best: BTreeMap<String, (usize, Path, Json)> = BTreeMap::new();
    for k in top.keys() {
        let key = [Seg::Key(k.clone())];
        let having: Vec<&LearnedSet> = known
            .sets
            .iter()
            .filter(|s| tree::get(&s.values, &key).is_some())
            .copied()
            .collect();
        if having.len() < 2 {
            continue;
        }
        let mut counts: BTreeMap<(String, String), (usize, Path, Json)> = BTreeMap::new();
        for s in &having {
            for (q, leaf) in tree::leaves(&s.values) {
                if tree::get(values, &q).is_some() {
                    continue;
                }
                let parent_ok = q.len() <= 1
                    || tree::get(values, &q[..q.len() - 1]).is_some()
                    || tree::get(known.defaults, &q).is_some();
                if !parent_ok {
                    continue;
                }
                let e =
                    counts
                        .entry((tree::fmt(&q), leaf.to_string()))
                        .or_insert((0, q, leaf.clone()));
                e.0 += 1;
            }
        }
        let h = having.len() as f64;
        for (id, (c, q, v)) in counts {
            // Set by most of them, and more often than by the examples at large.
            let rate = c as f64 / h;
            let overall = base.get(&id).copied().unwrap_or(0) as f64 / all;
            if rate > 0.5 && rate >= overall + 0.2 && best.get(&id.0).is_none_or(|b| b.0 < c) {
                best.insert(id.0, (c, q, v));
            }
        }
    }
    best.into_values().map(|(c, q, v)| (q, v, c)).collect()
}

/// Settings of the entries the user named in the new chart's free maps
/// (`collectors.alloy-logs` where `collectors` defaults to `{}`) that most
/// of the new chart's examples with the same entry set and the values do
/// not: (path, value, how many examples).
fn instance_settings(values: &Json, known: &Known<'_>) -> Vec<(Path, Json, usize)> {
    let mut out = Vec::new();
    for (n, v) in tree::nodes(values) {
        if n.len() < 2 || !v.is_object() || !n.iter().all(|s| matches!(s, Seg::Key(_))) {
            continue;
        }
        let parent = &n[..n.len() - 1];
        let free = matches!(tree::get(known.defaults, parent), Some(Json::Object(_)));
        if !free || tree::get(known.defaults, &n).is_some() {
            continue;
        }
        let having: Vec<&Json> = known
            .sets
            .iter()
            .filter_map(|s| tree::get(&s.values, &n))
            .collect();
        let mut counts: BTreeMap<(String, String), (usize, Path, Json)> = BTreeMap::new();
        for entry in &having {
            for (rel, leaf) in tree::leaves(entry) {
                if rel.is_empty() {
                    continue;
                }
                let mut q = n.clone();
                q.extend(rel);
                if tree::get(values, &q).is_some() {
                    continue;
                }
                let e =
                    counts
                        .entry((tree::fmt(&q), leaf.to_string()))
                        .or_insert((0, q, leaf.clone()));
                e.0 += 1;
            }
        }
        // The most common value of each leaf set by more than half of them.
        let mut best: BTreeMap<String, (usize, Path, Json)> = BTreeMap::new();
        for ((key, _), (c, q, v)) in counts {
            if 2 * c > having.len() && best.get(&key).is_none_or(|b| b.0 < c) {
                best.insert(key, (c, q, v));
            }
        }
        out.extend(best.into_values().map(|(c, q, v)| (q, v, c)));
    }
    out
}

/// The new path of old path `p` by the longest translated prefix (`p`
/// itself when no prefix moved).
fn map_prefix(t: &Translation, p: &[Seg]) -> Option<Path> {
    let Some(best) = t
        .prefixes
        .iter()
        .filter(|pl| p.starts_with(&pl.old))
        .max_by_key(|pl| pl.old.len())
    else {
        return Some(p.to_vec());
    };
    let mut out = best.new.clone();
    out.extend_from_slice(&p[best.old.len()..]);
    Some(out)
}

/// A search state: values to try and the keys added to them.
#[derive(Clone)]
struct State {
    overrides: HashMap<Path, Path>,
    defaults: bool,
    instances: bool,
    repair: bool,
    added: Vec<Added>,
    /// Keys not to add (they made the render fail).
    pruned: BTreeSet<String>,
}

struct Search<'a> {
    new: &'a NewSide<'a>,
    known: Known<'a>,
    user: &'a Json,
    target: Vec<Component>,
    /// Old chart defaults that the old render used: path → value.
    old_defaults: Vec<(Path, Json)>,
    /// Value matches of old leaves.
    matches: HashMap<Path, Vec<Path>>,
    renders: usize,
}

/// One evaluation of a state.
struct Eval {
    t: Translation,
    values: Json,
    added: Vec<Added>,
    score: Option<f64>,
    /// The render's components (none: it failed).
    out: Option<Vec<Component>>,
    /// Why it did not render.
    err: Option<String>,
}

impl Search<'_> {
    fn build(&self, s: &State) -> (Translation, Json, Vec<Added>) {
        let t = translate(self.user, &self.known, &s.overrides, &self.matches);
        let mut values = t.values.clone();
        let mut added = Vec::new();
        if s.defaults {
            for (p, v) in &self.old_defaults {
                let Some(q) = map_prefix(&t, p) else {
                    continue;
                };
                if tree::get(&values, &q).is_some() {
                    continue;
                }
                match tree::get(self.known.defaults, &q) {
                    Some(d) if d != v && shape(d) == Shape::Scalar => {
                        tree::set(&mut values, &q, v.clone());
                        added.push(Added {
                            key: tree::fmt(&q),
                            value: v.clone(),
                            why: format!("the old chart's default of {}", tree::fmt(p)),
                        });
                    }
                    _ => {}
                }
            }
        }
        if s.repair {
            for (q, v, n) in companions(&values, &self.known) {
                tree::set(&mut values, &q, v.clone());
                added.push(Added {
                    key: tree::fmt(&q),
                    value: v,
                    why: format!("set with the same features by {n} of the new chart's examples"),
                });
            }
        }
        if s.instances {
            for (q, v, n) in instance_settings(&values, &self.known) {
                tree::set(&mut values, &q, v.clone());
                added.push(Added {
                    key: tree::fmt(&q),
                    value: v,
                    why: format!("as {n} of the new chart's examples set it"),
                });
            }
        }
        for a in &s.added {
            tree::set(&mut values, &tree::parse(&a.key), a.value.clone());
            added.retain(|b| b.key != a.key);
            added.push(a.clone());
        }
        if !s.pruned.is_empty() {
            let gone: Vec<Path> = added
                .iter()
                .filter(|a| s.pruned.contains(&a.key))
                .map(|a| tree::parse(&a.key))
                .collect();
            for path in &gone {
                tree::remove(&mut values, path);
            }
            // And the maps and lists they leave empty.
            for _ in 0..64 {
                let empty: Option<Path> = tree::nodes(&values)
                    .into_iter()
                    .filter(|(p, _)| !p.is_empty() && gone.iter().any(|g| g.starts_with(p)))
                    .filter(|(p, v)| {
                        let e = match v {
                            Json::Object(m) => m.is_empty(),
                            Json::Array(l) => l.is_empty(),
                            _ => false,
                        };
                        e && tree::get(&t.values, p).is_none()
                    })
                    .map(|(p, _)| p)
                    .next_back();
                match empty {
                    Some(p) if tree::remove(&mut values, &p).is_some() => {}
                    _ => break,
                }
            }
            added.retain(|a| !s.pruned.contains(&a.key));
        }
        (t, values, added)
    }

    /// Evaluate `s`; when it does not render, the same without the old
    /// defaults, with companions, and with both changes, until one renders.
    fn eval_rendering(
        &mut self,
        s: &State,
        from_errors: bool,
    ) -> Result<(State, Eval), MigrateError> {
        let first = self.eval(s)?;
        if first.score.is_some() {
            return Ok((s.clone(), first));
        }
        for (defaults, repair) in [(false, false), (true, true), (false, true)] {
            let t = State {
                defaults: defaults && s.defaults,
                repair: repair || s.repair,
                ..s.clone()
            };
            if t.defaults == s.defaults && t.repair == s.repair {
                continue;
            }
            let e = self.eval(&t)?;
            if e.score.is_some() {
                return Ok((t, e));
            }
        }
        // Only while nothing has rendered: a fixed variant of a choice
        // must not outscore the choices that render as they are.
        if from_errors {
            if let Some(fixed) = self.repair_from_error(s, first.err.clone())? {
                return Ok(fixed);
            }
        }
        Ok((s.clone(), first))
    }

    fn eval(&mut self, s: &State) -> Result<Eval, MigrateError> {
        let (t, values, added) = self.build(s);
        self.renders += 1;
        let out = render_values_with(self.new.chart, self.new.base, &values, false)?;
        if std::env::var_os("TRACE_VALUE_MIGRATE_DEBUG").is_some() {
            // What the search tries, for whoever tunes it.
            for a in &added {
                eprintln!("added {} ({})", a.key, a.why);
            }
            eprintln!(
                "--- try {}: {}\n{}",
                self.renders,
                out.as_ref()
                    .err()
                    .map_or("renders".to_string(), |e| e.to_string()),
                tree::to_yaml(&values)
            );
        }
        let err = out.as_ref().err().map(|e| e.to_string());
        let out = out.ok();
        let score = out
            .as_ref()
            .map(|o| closeness(&self.target, &components(o)));
        // Untraced renders are compared and dropped.
        let out = out.map(|o| components(&o));
        Ok(Eval {
            t,
            values,
            added,
            score,
            out,
            err,
        })
    }

    /// Settle a failed render with what its message asks for: each YAML
    /// block the chart's `fail` message shows is tried on `s` (keys the new
    /// chart knows only); the closest render wins. A fix that renders into
    /// another failure is built on, a few times at most.
    fn repair_from_error(
        &mut self,
        s: &State,
        failed: Option<String>,
    ) -> Result<Option<(State, Eval)>, MigrateError> {
        let mut cur = s.clone();
        let mut last = failed;
        for _ in 0..4 {
            let Some(err) = last.take() else { break };
            let why = err
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with("execution error"))
                .unwrap_or("it failed")
                .to_string();
            let mut best: Option<(State, Eval)> = None;
            let mut onward: Option<(State, Eval)> = None;
            // The settings this search added that the message names (a
            // quoted name in their key or value) go first.
            let named = quoted(&err);
            let (_, _, added) = self.build(&cur);
            let culprits: Vec<String> = added
                .iter()
                .filter(|a| {
                    tree::parse(&a.key)
                        .iter()
                        .any(|g| matches!(g, Seg::Key(k) if named.contains(k)))
                        || a.value
                            .as_str()
                            .is_some_and(|v| named.iter().any(|n| n == v))
                })
                .map(|a| a.key.clone())
                .collect();
            if !culprits.is_empty() {
                let mut t = cur.clone();
                t.added.retain(|a| !culprits.contains(&a.key));
                t.pruned.extend(culprits);
                let e = self.eval(&t)?;
                if e.score.is_some() {
                    best = Some((t, e));
                } else if e.err.as_deref() != Some(err.as_str()) {
                    onward = Some((t, e));
                }
            }
            for fix in suggested_fixes(&err) {
                // The user's own settings stay: a fix that would change
                // one is not this user's fix.
                let placed = translate(self.user, &self.known, &cur.overrides, &self.matches);
                let leaves: Vec<(Path, Json)> = tree::leaves(&fix)
                    .into_iter()
                    .filter(|(p, _)| self.known.knows_top(p))
                    .filter(|(p, v)| placeholder(v) || tree::get(&placed.values, p).is_none())
                    .map(|(p, v)| (p, v.clone()))
                    .collect();
                let mut t = cur.clone();
                // `key: ...` asks to move the user's `key` from where the
                // message names it: the old node placed there goes here.
                let (moves, leaves): (Vec<_>, Vec<_>) =
                    leaves.into_iter().partition(|(_, v)| placeholder(v));
                let mut changed = false;
                for (p, _) in &moves {
                    for (old, _) in moved_nodes(&placed, p, &err) {
                        t.overrides.insert(old, p.clone());
                        // The user's moved setting wins over what was added there.
                        t.added.retain(|a| !tree::parse(&a.key).starts_with(p));
                        changed = true;
                    }
                }
                if leaves.is_empty() && !changed {
                    continue;
                }
                for (p, v) in leaves {
                    let key = tree::fmt(&p);
                    t.added.retain(|a| a.key != key);
                    t.added.push(Added {
                        key,
                        value: v,
                        why: format!("the new chart's render asked for it: {why}"),
                    });
                }
                let e = self.eval(&t)?;
                if e.score.is_some() {
                    if best.as_ref().is_none_or(|(_, b)| better(e.score, b.score)) {
                        best = Some((t, e));
                    }
                } else if onward.is_none() && e.err.as_deref() != Some(err.as_str()) {
                    onward = Some((t, e));
                }
            }
            if best.is_some() {
                return Ok(best);
            }
            match onward {
                Some((t, e)) => {
                    cur = t;
                    last = e.err;
                }
                None => break,
            }
        }
        Ok(None)
    }
}

/// The double-quoted names in a message.
fn quoted(msg: &str) -> Vec<String> {
    msg.split('"')
        .skip(1)
        .step_by(2)
        .filter(|q| !q.is_empty() && !q.contains(char::is_whitespace))
        .map(str::to_string)
        .collect()
}

/// A value standing for "yours": `...` in a message's example.
fn placeholder(v: &Json) -> bool {
    matches!(v.as_str(), Some("..." | "…"))
}

/// The old user nodes placed at a node named like the last key of `to`
/// under a parent that the message `msg` names: (old node, its new path).
fn moved_nodes(t: &Translation, to: &[Seg], msg: &str) -> Vec<(Path, Path)> {
    let Some(name) = to.last() else {
        return Vec::new();
    };
    let mut out: Vec<(Path, Path)> = Vec::new();
    for pl in &t.leaves {
        for i in 1..pl.new.len() {
            if pl.new[i] != *name || !msg.contains(&tree::fmt(&pl.new[..i])) {
                continue;
            }
            let below = pl.new.len() - i - 1;
            if pl.old.len() <= below || pl.old[pl.old.len() - below..] != pl.new[i + 1..] {
                continue;
            }
            let old = pl.old[..pl.old.len() - below].to_vec();
            if !out.iter().any(|(o, _)| *o == old) {
                out.push((old, pl.new[..=i].to_vec()));
            }
        }
    }
    out
}

/// The YAML blocks of a failed render's message, as values: chart
/// authors' `fail` messages show the settings that settle them
/// (`Please set:` / `cluster:` / `  name: my-cluster`), one block per
/// alternative, in the message's order.
pub fn suggested_fixes(msg: &str) -> Vec<Json> {
    // A block starts at a `key:` line at column 0 (a key without blanks)
    // and goes on over indented lines and further `key:` lines.
    fn key_line(l: &str) -> bool {
        let Some((k, rest)) = l.split_once(':') else {
            return false;
        };
        !k.is_empty()
            && !k.starts_with(char::is_whitespace)
            && !k.contains(char::is_whitespace)
            && (rest.is_empty() || rest.starts_with(' '))
    }
    let lines: Vec<&str> = msg.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !key_line(lines[i]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < lines.len()
            && (key_line(lines[j]) || (lines[j].starts_with(' ') && !lines[j].trim().is_empty()))
        {
            j += 1;
        }
        if let Ok(v) = load_json(&lines[i..j].join("\n"), "message") {
            if v.is_object() && !tree::leaves(&v).is_empty() {
                out.push(v);
            }
        }
        i = j;
    }
    out
}

fn better(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x > y + 1e-9,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Migrate the user's values `user` (whose render with the old chart is
/// `old`) to the new chart.
pub fn migrate(
    old: &RenderOutput,
    user: &Json,
    new: &NewSide<'_>,
    opts: &Options,
) -> Result<Migration, MigrateError> {
    let sets: Vec<&LearnedSet> = new
        .learned
        .sets
        .iter()
        .filter(|s| !opts.exclude.iter().any(|e| s.name.contains(e.as_str())))
        .collect();
    let known = Known::new(&new.learned.defaults, sets.clone());
    let target = components(old);
    let old_find = findings(old, "old");
    let user_top: BTreeSet<&str> = user
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut old_defaults = Vec::new();
    for (id, o) in old.origins.iter() {
        if !matches!(o.layer, Layer::ChartDefault(_)) || o.path.is_empty() {
            continue;
        }
        if !old_find.used.contains(&o.path) {
            continue;
        }
        let p = tree::parse(&o.path);
        let top = match p.first() {
            Some(Seg::Key(k)) => k.as_str(),
            _ => continue,
        };
        if !user_top.contains(top) || tree::get(user, &p).is_some() {
            continue;
        }
        if let Some(v) = old.origin_json.get(&id) {
            if shape(&v) == Shape::Scalar {
                old_defaults.push((p, v));
            }
        }
    }
    let matches = value_matches(old, user, new.learned, &sets);
    if std::env::var_os("TRACE_VALUE_MIGRATE_DEBUG").is_some() {
        for (p, v) in &old_defaults {
            eprintln!("old default {} = {v}", tree::fmt(p));
        }
        for (p, c) in &matches {
            let c: Vec<String> = c.iter().map(|q| tree::fmt(q)).collect();
            eprintln!("value match {} -> {c:?}", tree::fmt(p));
        }
    }
    let mut search = Search {
        new,
        matches,
        known,
        user,
        target,
        old_defaults,
        renders: 0,
    };

    // 1-3: structure, choices, old defaults; when a state does not render,
    // without the old defaults, then with what the new chart's examples set
    // together with the same features.
    let state = State {
        overrides: HashMap::new(),
        defaults: opts.old_defaults,
        instances: true,
        repair: false,
        added: Vec::new(),
        pruned: BTreeSet::new(),
    };
    let (mut state, mut best) = search.eval_rendering(&state, true)?;
    let mut decided: Vec<(Path, Vec<Path>)> = Vec::new();
    for (old_node, cands) in best.t.choices.clone() {
        let mut chosen: Option<(State, Eval)> = None;
        for c in &cands {
            let mut s = state.clone();
            s.overrides.insert(old_node.clone(), c.clone());
            let (s, e) = search.eval_rendering(&s, true)?;
            if chosen
                .as_ref()
                .is_none_or(|(_, b)| better(e.score, b.score))
            {
                chosen = Some((s, e));
            }
        }
        if let Some((s, e)) = chosen {
            state = s;
            best = e;
        }
        decided.push((old_node, cands));
    }

    // 4: gates learned from the examples.
    let mut tried: BTreeSet<String> = BTreeSet::new();
    for _ in 0..opts.rounds {
        let Some(got) = &best.out else { break };
        let proposals = gate_proposals(&search.target, got, &sets, &best.values, &search.known);
        let mut improved = false;
        for (comp, set, keys) in proposals
            .into_iter()
            .filter(|(_, _, k)| tried.insert(format!("{k:?}")))
            .take(opts.tries)
        {
            let mut s = state.clone();
            for (k, v) in &keys {
                s.added.retain(|a| a.key != *k);
                s.added.push(Added {
                    key: k.clone(),
                    value: v.clone(),
                    why: format!("gates {comp} in {set}"),
                });
            }
            let e = search.eval(&s)?;
            if better(e.score, best.score) {
                state = s;
                best = e;
                improved = true;
            }
        }
        if !improved {
            break;
        }
    }

    // 5: drop what the new chart does not read; the final render.
    search.renders += 1;
    let out = match render_values(new.chart, new.base, &best.values)? {
        Ok(o) => o,
        Err(e) => return Err(MigrateError::NewRender(e)),
    };
    let new_find = findings(&out, "new");
    let mut values = best.values.clone();
    let mut unread: BTreeSet<String> = BTreeSet::new();
    for pl in &best.t.leaves {
        let key = tree::fmt(&pl.new);
        let read = new_find.read.iter().any(|r| is_at_or_under(r, &key))
            || new_find.missing.contains_key(&key);
        if !read {
            unread.insert(key.clone());
            tree::remove(&mut values, &pl.new);
        }
    }
    let final_out = if unread.is_empty() {
        out
    } else {
        search.renders += 1;
        match render_values(new.chart, new.base, &values)? {
            Ok(o) => {
                std::mem::forget(out);
                o
            }
            Err(_) => {
                // Keep the values that rendered.
                values = best.values.clone();
                unread.clear();
                out
            }
        }
    };
    let got = components(&final_out);
    let matched = components::matched(&search.target, &got);

    // The report, per old user leaf.
    let mut keys = Vec::new();
    for (p, v) in tree::leaves(user) {
        let key = tree::fmt(&p);
        let outcome = if let Some(pl) = best.t.names.iter().find(|pl| pl.old == p) {
            Outcome::Carried(vec![(
                format!("{} (map key)", tree::fmt(&pl.new)),
                v.clone(),
            )])
        } else if let Some(pl) = best.t.leaves.iter().find(|pl| pl.old == p) {
            let nk = tree::fmt(&pl.new);
            if unread.contains(&nk) {
                Outcome::Dropped(format!(
                    "the new chart reads no {nk} (it rendered without it)"
                ))
            } else if !old_find.read.contains(&key)
                && !old_find.read.iter().any(|r| is_at_or_under(r, &key))
            {
                Outcome::Carried(vec![(nk, v.clone())])
            } else {
                let choice = decided.iter().find(|(o, _)| p.starts_with(o));
                match choice {
                    Some((o, cands)) => {
                        let taken = map_prefix(&best.t, o).unwrap_or_default();
                        Outcome::Decision {
                            to: vec![(nk, v.clone())],
                            candidates: cands
                                .iter()
                                .filter(|c| **c != taken)
                                .map(|c| tree::fmt(c))
                                .collect(),
                        }
                    }
                    None => Outcome::Carried(vec![(nk, v.clone())]),
                }
            }
        } else if let Some((_, first)) = best.t.conflicts.iter().find(|(o, _)| *o == p) {
            Outcome::Dropped(format!("{} went to the same new key", tree::fmt(first)))
        } else {
            Outcome::Dropped("no place for it in the new chart".into())
        };
        keys.push(KeyReport {
            key,
            value: v.clone(),
            outcome,
        });
    }
    let added = best
        .added
        .into_iter()
        .filter(|a| tree::get(&values, &tree::parse(&a.key)).is_some())
        .collect();
    let renders = search.renders;
    let mut render = final_out;
    let ids: Vec<_> = render.origins.iter().map(|(id, _)| id).collect();
    for id in ids {
        let o = render.origins.get_mut(id);
        if o.layer == Layer::UserFile {
            if let Some(pos) = &mut o.pos {
                pos.file = std::rc::Rc::from(MIGRATED);
            }
        }
    }
    Ok(Migration {
        values,
        keys,
        added,
        components: (search.target.len(), matched),
        renders,
        render,
    })
}

fn is_at_or_under(key: &str, parent: &str) -> bool {
    key == parent
        || (key.len() > parent.len()
            && key.starts_with(parent)
            && key[parent.len()..].starts_with(['.', '[']))
}

/// Keys with values to set.
type Settings = Vec<(String, Json)>;

/// A gate proposal: the component it should bring, the example it was
/// learned from, the settings.
type Proposal = (String, String, Settings);

/// Gate proposals: for each old component the new render lacks (or
/// writes differently), from each learning set whose render has it (closer
/// to the old body than ours), the set's gate keys of it that our values do
/// not set and whose parents exist (or that the chart's defaults know).
/// Most frequent first.
fn gate_proposals(
    target: &[Component],
    got: &[Component],
    sets: &[&LearnedSet],
    values: &Json,
    known: &Known<'_>,
) -> Vec<Proposal> {
    let mut ours: BTreeMap<&str, f64> = BTreeMap::new();
    for t in target {
        let best = got
            .iter()
            .filter(|c| c.id == t.id)
            .map(|c| components::similarity(&t.body, &c.body))
            .fold(0.0, f64::max);
        let e = ours.entry(&t.id).or_insert(1.0);
        *e = e.min(best);
    }
    let mut counts: BTreeMap<Vec<(String, String)>, (usize, Proposal)> = BTreeMap::new();
    for (id, &have) in &ours {
        if have >= 1.0 {
            continue;
        }
        let Some(t) = target.iter().find(|c| c.id == *id) else {
            continue;
        };
        for s in sets {
            let theirs = s
                .comps
                .iter()
                .filter(|c| c.id == *id)
                .map(|c| components::similarity(&t.body, &c.body))
                .fold(-1.0, f64::max);
            if theirs <= have {
                continue;
            }
            let Some(gates) = s.gates.get(*id) else {
                continue;
            };
            let keys: Vec<(String, Json)> = gates
                .iter()
                .filter(|(k, v)| {
                    let p = tree::parse(k);
                    let parent_ok = p.len() <= 1
                        || tree::get(values, &p[..p.len() - 1]).is_some()
                        || tree::get(known.defaults, &p).is_some();
                    // Never over a value the values already have.
                    parent_ok && tree::get(values, &p).is_none() && !v.is_null()
                })
                .cloned()
                .collect();
            if keys.is_empty() {
                continue;
            }
            let sig: Vec<(String, String)> = keys
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect();
            let e = counts
                .entry(sig)
                .or_insert_with(|| (0, (id.to_string(), s.name.clone(), keys)));
            e.0 += 1;
        }
    }
    let mut list: Vec<_> = counts.into_values().collect();
    list.sort_by(|a, b| b.0.cmp(&a.0).then(a.1 .2.len().cmp(&b.1 .2.len())));
    list.into_iter().map(|(_, p)| p).collect()
}
