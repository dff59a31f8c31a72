//! The values reference (`docs`): every key of the chart and its direct
//! subcharts (under their aliases), with type, default and helm-docs
//! description, and what it renders into under the value sets rendered.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::rc::Rc;

use crate::chart::{Chart, ChartError};
use crate::docs::comments::{self, KeyDoc};
use crate::docs::sets::SetFindings;
use crate::origin::{Layer, OriginTable};
use crate::query::Role;
use crate::value::{Repr, Value};

/// One key of the reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocKey {
    /// Key path in `--set` notation from the top chart.
    pub path: String,
    /// Section (`@section`), if any.
    pub section: Option<String>,
    /// Type: the `(type)` hint, or the default value's type.
    pub type_name: String,
    /// Default: the `@default` text, or the default value as JSON.
    pub default: String,
    /// Description.
    pub description: String,
    /// Values file and line it is written at (chart-relative).
    pub defined_at: String,
    /// When its subchart is disabled by default: the condition.
    pub gate: Option<String>,
    /// The subchart it belongs to (`podLogs (feature-pod-logs)`), or `None` for the chart itself.
    pub subchart: Option<String>,
}

/// One block a key renders into.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RenderedInto {
    /// Collector.
    pub collector: String,
    /// Block.
    pub block: String,
    /// Each role the key had there, with the value sets it was seen in.
    pub roles: Vec<(Role, Vec<String>)>,
}

/// A manifest place a key renders into, over the value sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestInto {
    /// `Kind/name`.
    pub resource: String,
    /// YAML path.
    pub path: String,
    /// Each role the key had there, with the value sets it was seen in.
    pub roles: Vec<(Role, Vec<String>)>,
}

/// Union the manifest places of `path` and the keys below it over all sets.
pub fn manifest_into(path: &str, sets: &[SetFindings]) -> Vec<ManifestInto> {
    union_places(
        path,
        sets,
        |s| &s.manifest,
        |e| ((e.resource.clone(), e.path.clone()), e.role),
    )
    .into_iter()
    .map(|((resource, path), roles)| ManifestInto {
        resource,
        path,
        roles,
    })
    .collect()
}

/// Each role of a place, with the value sets it was seen in.
type SeenRoles = Vec<(Role, Vec<String>)>;

/// The places that `path` and the keys below it have effects on, over all
/// sets: `effects` picks a set's effects by key, `place` an effect's place
/// and role. Sorted by strongest role, then place.
fn union_places<E, P: Ord>(
    path: &str,
    sets: &[SetFindings],
    effects: impl Fn(&SetFindings) -> &BTreeMap<String, BTreeSet<E>>,
    place: impl Fn(&E) -> (P, Role),
) -> Vec<(P, SeenRoles)> {
    let mut acc: BTreeMap<P, BTreeMap<Role, BTreeSet<String>>> = BTreeMap::new();
    for set in sets {
        let below = effects(set)
            .range(path.to_string()..)
            .take_while(|(k, _)| k.starts_with(path));
        for (k, found) in below {
            let rest = &k[path.len()..];
            if !(rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')) {
                continue;
            }
            for e in found {
                let (p, role) = place(e);
                acc.entry(p)
                    .or_default()
                    .entry(role)
                    .or_default()
                    .insert(set.name.clone());
            }
        }
    }
    let mut v: Vec<(P, SeenRoles)> = acc
        .into_iter()
        .map(|(p, roles)| {
            let roles = roles
                .into_iter()
                .map(|(r, sets)| (r, sets.into_iter().collect()))
                .collect();
            (p, roles)
        })
        .collect();
    // Stable: places of one strongest role stay in place order.
    v.sort_by_key(|(_, roles)| roles.first().map(|r| r.0));
    v
}

/// How many manifest places a Markdown cell lists before "and N more".
const MANIFEST_CELL_PLACES: usize = 4;

/// Blocks listed in a "Renders into" cell before "and N more".
const BLOCK_CELL_ITEMS: usize = 4;

/// Characters of a default shown in its cell (a chart's default can be a
/// whole config); the JSON reference has it whole.
const DEFAULT_CELL_CHARS: usize = 120;

/// `text` cut to `max` characters with `…` at the end.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

fn type_of(v: &Value) -> &'static str {
    match &v.repr {
        Repr::Nil => "null",
        Repr::Bool(_) => "bool",
        Repr::Int(_, _) => "int",
        Repr::Float(x) if x.fract() == 0.0 => "int",
        Repr::Float(_) => "float",
        Repr::Str(_) => "string",
        Repr::List(_) => "list",
        Repr::Map(_) => "object",
        Repr::Object(_) => "object",
    }
}

fn lookup(root: &Value, path: &str) -> Option<Value> {
    let mut cur = root.clone();
    let mut rest = path;
    while !rest.is_empty() {
        // Split at the first unescaped dot.
        let bytes = rest.as_bytes();
        let mut i = 0;
        while i < bytes.len() && bytes[i] != b'.' {
            if bytes[i] == b'\\' {
                i += 1;
            }
            i += 1;
        }
        let seg = rest[..i.min(rest.len())].replace("\\.", ".");
        rest = if i < rest.len() { &rest[i + 1..] } else { "" };
        cur = cur.as_map()?.get(&seg)?;
    }
    Some(cur)
}

fn default_text(v: &Value) -> String {
    crate::json::encode_string(
        v,
        crate::json::EncodeOpts {
            escape_html: false,
            pretty: false,
        },
    )
    .unwrap_or_default()
}

fn chart_keys(
    chart: &Chart,
    prefix: &str,
    rel_file: &str,
    gate: Option<&str>,
    subchart: Option<&str>,
) -> Vec<DocKey> {
    let Some(text) = chart.values_text.as_deref() else {
        return Vec::new();
    };
    let mut origins = OriginTable::new();
    let root = crate::yaml::load_values(text, Rc::from(rel_file), Layer::Computed, &mut origins)
        .unwrap_or_default();
    let docs = comments::parse(text);
    let paths: BTreeSet<&str> = docs.iter().map(|d| d.path.as_str()).collect();
    let mut out = Vec::new();
    for d in &docs {
        let has_children = paths
            .range::<str, _>((
                std::ops::Bound::Excluded(d.path.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .next()
            .is_some_and(|p| p.starts_with(&format!("{}.", d.path)));
        if has_children && !d.documented {
            continue;
        }
        let mut k = doc_key(d, &root, prefix, rel_file, gate);
        k.subchart = subchart.map(str::to_string);
        out.push(k);
    }
    out
}

fn doc_key(d: &KeyDoc, root: &Value, prefix: &str, rel_file: &str, gate: Option<&str>) -> DocKey {
    let value = lookup(root, &d.path);
    let type_name = d
        .type_hint
        .clone()
        .unwrap_or_else(|| value.as_ref().map_or("null", type_of).to_string());
    let default = d.default.clone().unwrap_or_else(|| {
        value
            .as_ref()
            .map(default_text)
            .unwrap_or_else(|| "null".to_string())
    });
    DocKey {
        path: if prefix.is_empty() {
            d.path.clone()
        } else {
            format!("{prefix}.{}", d.path)
        },
        section: d.section.clone(),
        type_name,
        default,
        description: d.description.clone(),
        defined_at: format!("{rel_file}:{}", d.line),
        gate: gate.map(str::to_string),
        subchart: None,
    }
}

/// Every key of the chart and its direct subcharts, parent keys first.
pub fn documented_keys(chart: &Chart) -> Vec<DocKey> {
    let mut keys = chart_keys(chart, "", "values.yaml", None, None);
    let top_values = chart.values_text.as_deref().unwrap_or("");
    let mut origins = OriginTable::new();
    let top = crate::yaml::load_values(
        top_values,
        Rc::from("values.yaml"),
        Layer::Computed,
        &mut origins,
    )
    .unwrap_or_default();
    for dep in chart.metadata.dependencies.iter().flatten() {
        let alias = if dep.alias.is_empty() {
            &dep.name
        } else {
            &dep.alias
        };
        let Some(sub) = chart.subcharts.iter().find(|c| c.name() == dep.name) else {
            continue;
        };
        let condition = dep.condition.split(',').next().unwrap_or("").trim();
        let enabled_by_default =
            condition.is_empty() || lookup(&top, condition).is_none_or(|v| v.truthy());
        let gate = (!enabled_by_default).then(|| format!("`{condition}` is false by default"));
        let location = sub
            .location
            .strip_prefix(&format!("{}/", chart.name()))
            .unwrap_or(&sub.location)
            .to_string();
        let file = format!("{location}/values.yaml");
        let escaped = alias.replace('.', "\\.");
        let label = if alias == &dep.name {
            alias.clone()
        } else {
            format!("{alias} ({})", dep.name)
        };
        for k in chart_keys(sub, &escaped, &file, gate.as_deref(), Some(&label)) {
            if !keys.iter().any(|x| x.path == k.path) {
                keys.push(k);
            }
        }
    }
    keys
}

/// Union the effects of `path` and the keys below it over all sets.
pub fn rendered_into(path: &str, sets: &[SetFindings]) -> Vec<RenderedInto> {
    union_places(
        path,
        sets,
        |s| &s.effects,
        |e| ((e.collector.clone(), e.block.clone()), e.role),
    )
    .into_iter()
    .map(|((collector, block), roles)| RenderedInto {
        collector,
        block,
        roles,
    })
    .collect()
}

/// `content in extra-rules; insert in 40 value sets`.
fn roles_text(roles: &[(Role, Vec<String>)], total_sets: usize) -> String {
    roles
        .iter()
        .map(|(role, seen)| {
            if total_sets <= 1 {
                role.as_str().to_string()
            } else if seen.len() == total_sets {
                format!("{} in every value set", role.as_str())
            } else if seen.len() > 4 {
                format!("{} in {} value sets", role.as_str(), seen.len())
            } else {
                format!("{} in {}", role.as_str(), seen.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Keys by section heading.
type Sections<'a> = BTreeMap<String, Vec<&'a DocKey>>;

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The reference as Markdown: a table per section.
pub fn markdown(chart_name: &str, keys: &[DocKey], sets: &[SetFindings]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {chart_name} values reference\n");
    let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
    let _ = writeln!(
        out,
        "Generated by `trace-value docs` from the chart's values files and {} rendered value set{}: {}.\n",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    );
    // The chart's own keys by section, then each subchart's (in Chart.yaml order).
    let mut groups: Vec<(Option<String>, Sections<'_>)> = Vec::new();
    for k in keys {
        let group = match groups.iter_mut().find(|(g, _)| *g == k.subchart) {
            Some(g) => g,
            None => {
                groups.push((k.subchart.clone(), BTreeMap::new()));
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        group
            .1
            .entry(
                k.section
                    .clone()
                    .unwrap_or_else(|| "Other values".to_string()),
            )
            .or_default()
            .push(k);
    }
    for (subchart, sections) in groups {
        let level = match &subchart {
            None => "##",
            Some(label) => {
                let _ = writeln!(out, "## Subchart {label}\n");
                "###"
            }
        };
        for (section, keys) in sections {
            let _ = writeln!(out, "{level} {section}\n");
            let _ = writeln!(out, "| Key | Type | Default | Description | Renders into |");
            let _ = writeln!(out, "|-----|------|---------|-------------|--------------|");
            for k in keys {
                let into = rendered_into(&k.path, sets);
                let into_text = if into.is_empty() {
                    match &k.gate {
                        Some(g) => format!("nothing under these values ({g})"),
                        None => "nothing under these values".to_string(),
                    }
                } else {
                    let shown: Vec<String> = into
                        .iter()
                        .take(BLOCK_CELL_ITEMS)
                        .map(|e| {
                            format!(
                                "`{}` in {} ({})",
                                e.block,
                                e.collector,
                                roles_text(&e.roles, sets.len())
                            )
                        })
                        .collect();
                    if into.len() > BLOCK_CELL_ITEMS {
                        // "16 blocks: a, b, c, d, and 12 more".
                        format!(
                            "{} blocks: {}, and {} more",
                            into.len(),
                            shown.join(", "),
                            into.len() - BLOCK_CELL_ITEMS
                        )
                    } else {
                        shown.join("<br>")
                    }
                };
                let places = manifest_into(&k.path, sets);
                let mut lines: Vec<String> = places
                    .iter()
                    .take(MANIFEST_CELL_PLACES)
                    .map(|m| {
                        let path = if m.path.is_empty() {
                            "(document)"
                        } else {
                            m.path.as_str()
                        };
                        format!(
                            "`{}` `{path}` ({})",
                            m.resource,
                            roles_text(&m.roles, sets.len())
                        )
                    })
                    .collect();
                if places.len() > MANIFEST_CELL_PLACES {
                    lines.push(format!(
                        "and {} more manifest places",
                        places.len() - MANIFEST_CELL_PLACES
                    ));
                }
                let into_text = match (into.is_empty(), lines.is_empty()) {
                    (_, true) => into_text,
                    (true, false) => lines.join("<br>"),
                    (false, false) => format!("{into_text}<br>{}", lines.join("<br>")),
                };
                let _ = writeln!(
                    out,
                    "| `{}` | {} | `{}` | {} | {} |",
                    md_escape(&k.path),
                    md_escape(&k.type_name),
                    md_escape(&shorten(&k.default, DEFAULT_CELL_CHARS)),
                    md_escape(&k.description),
                    md_escape(&into_text)
                );
            }
            out.push('\n');
        }
    }
    out
}

/// The reference as JSON.
pub fn json(keys: &[DocKey], sets: &[SetFindings]) -> serde_json::Value {
    let arr: Vec<serde_json::Value> = keys
        .iter()
        .map(|k| {
            serde_json::json!({
                "key": k.path,
                "section": k.section,
                "type": k.type_name,
                "default": k.default,
                "description": k.description,
                "defined_at": k.defined_at,
                "gate": k.gate,
                "manifest_places": manifest_into(&k.path, sets).iter().map(|m| serde_json::json!({
                    "resource": m.resource,
                    "path": m.path,
                    "roles": m.roles.iter().map(|(r, seen)| serde_json::json!({
                        "role": r.as_str(),
                        "seen_in": seen,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "renders_into": rendered_into(&k.path, sets).iter().map(|e| serde_json::json!({
                    "collector": e.collector,
                    "block": e.block,
                    "roles": e.roles.iter().map(|(r, seen)| serde_json::json!({
                        "role": r.as_str(),
                        "seen_in": seen,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({
        "value_sets": sets.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
        "keys": arr,
    })
}

/// Load a chart for documenting.
pub fn load(path: &std::path::Path) -> Result<Chart, ChartError> {
    crate::chart::load_chart(path)
}
