//! `--key`: where one values key is defined, where templates read it, and
//! every rendered place it affected.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use crate::alloy::Block;
use crate::model::index::{FileIndex, Hit, Index, ManifestPlace};
use crate::model::places::{format_path, Seg};
use crate::model::roles::Role;
use crate::model::RenderOutput;
use crate::origin::OriginId;
use crate::query::configs::{configs, Config};
use crate::query::{all_keys, nearest, QueryError};

/// One rendered place a key affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Rendered file (Helm template path).
    pub file: String,
    /// Collector, when the place is inside an embedded config.
    pub collector: Option<String>,
    /// Innermost block address inside the config, if any.
    pub block: Option<String>,
    /// The Alloy attribute inside the block (`forward_to`), if the place is in one.
    pub attribute: Option<String>,
    /// First and last line (config lines inside a config, else file lines).
    pub lines: (usize, usize),
    /// How the key affected it.
    pub role: Role,
    /// True when the key itself (not only a key below it) affected it.
    pub exact: bool,
    /// Template locations responsible.
    pub at: Vec<String>,
}

/// A manifest place a key affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    /// `Kind/name` of the document.
    pub resource: String,
    /// The document's namespace, when it names one.
    pub namespace: Option<String>,
    /// YAML path inside the document (continued inside embedded documents).
    pub path: String,
    /// How the key affected it.
    pub role: Role,
    /// True for a value derived from other output (a `checksum/...`
    /// annotation): it changes when what it digests changes.
    pub derived: bool,
    /// Rendered file (Helm template path).
    pub file: String,
    /// First and last line in the rendered file.
    pub lines: (usize, usize),
    /// True when the key itself (not only a key below it) affected it.
    pub exact: bool,
    /// Template locations responsible.
    pub at: Vec<String>,
}

/// The row of a manifest place, when its document is a resource.
pub fn manifest_row(index: &Index<'_>, place: &ManifestPlace, role: Role) -> Option<ManifestRow> {
    let fi = &index.files[place.file as usize];
    let doc = fi.doc(place.doc);
    Some(ManifestRow {
        resource: doc.resource()?,
        namespace: doc.namespace.clone(),
        path: format_path(&place.path),
        role,
        derived: is_derived(&place.path),
        file: fi.path.to_string(),
        lines: (usize::MAX, 0),
        exact: false,
        at: Vec::new(),
    })
}

/// How direct a place of a `--key` answer is, smaller first: the key itself
/// before keys below it, then by [`Role::answer_rank`].
fn answer_rank(exact: bool, role: Role) -> (bool, u8) {
    (!exact, role.answer_rank())
}

/// Order an answer's rows answer first, keeping each group (a resource, a
/// collector) together: groups by their most direct row, then by name;
/// rows inside a group by how direct they are, then by `within`.
fn answer_first<T, G: Ord + Clone, W: Ord>(
    rows: &mut [T],
    group: impl Fn(&T) -> G,
    rank: impl Fn(&T) -> (bool, u8),
    within: impl Fn(&T) -> W,
) {
    let mut best: BTreeMap<G, (bool, u8)> = BTreeMap::new();
    for r in rows.iter() {
        let e = best.entry(group(r)).or_insert((true, u8::MAX));
        *e = (*e).min(rank(r));
    }
    rows.sort_by(|a, b| {
        let (ga, gb) = (group(a), group(b));
        (best[&ga], ga, rank(a), within(a)).cmp(&(best[&gb], gb, rank(b), within(b)))
    });
}

/// A `checksum/...` annotation (or label): a digest of other output.
pub fn is_derived(path: &[Seg]) -> bool {
    path.iter()
        .any(|s| matches!(s, Seg::Key(k) if k.starts_with("checksum/")))
}

/// One layer of a key's override chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainLink {
    /// `file:line` (or `--set:N`).
    pub at: String,
    /// `chart default`, `values file` or `flag`.
    pub layer: &'static str,
    /// True for the layer whose value the render used.
    pub won: bool,
}

/// The layers that set `key`, lowest precedence first: chart defaults
/// (deepest chart first), `-f` files in order, flags in order.
fn override_chain(out: &RenderOutput, ids: &[OriginId], key: &str) -> Vec<ChainLink> {
    use crate::origin::Layer;
    let mut exact: Vec<OriginId> = ids
        .iter()
        .copied()
        .filter(|&id| out.origins.get(id).path == key)
        .collect();
    exact.sort_by_key(|&id| {
        let rank = match &out.origins.get(id).layer {
            Layer::ChartDefault(chart) => (0, usize::MAX - chart.matches('/').count()),
            Layer::UserFile => (1, 0),
            Layer::SetFlag => (2, 0),
            Layer::Computed => (3, 0),
        };
        (rank, id)
    });
    let winner = exact
        .iter()
        .rev()
        .find(|id| out.origin_values.contains_key(id))
        .or(exact.last())
        .copied();
    let mut chain: Vec<ChainLink> = Vec::new();
    for id in exact {
        let Some(at) = out.describe_origin_pos(id) else {
            continue;
        };
        let layer = match out.origins.get(id).layer {
            Layer::ChartDefault(_) => "chart default",
            Layer::UserFile => "values file",
            Layer::SetFlag => "flag",
            Layer::Computed => "render",
        };
        let won = Some(id) == winner;
        match chain.iter_mut().find(|l| l.at == at) {
            Some(l) => l.won |= won,
            None => chain.push(ChainLink { at, layer, won }),
        }
    }
    chain
}

/// The answer to `--key`.
#[derive(Debug, Clone)]
pub struct KeyAnswer {
    /// The key as asked.
    pub key: String,
    /// Keys covered (the key itself, and keys below it for a map).
    pub covered: Vec<String>,
    /// Where it was set (`file:line`): the winning layer first, then the
    /// layers it overrode.
    pub defined_at: Vec<String>,
    /// Every layer that set the key, lowest precedence first.
    pub chain: Vec<ChainLink>,
    /// Current value, shortened.
    pub value: String,
    /// Current value as JSON data (`null` when no value is set).
    pub value_json: serde_json::Value,
    /// Template locations that read it.
    pub read_at: Vec<String>,
    /// Rendered places it affected, by file, collector and Alloy block.
    pub places: Vec<Place>,
    /// Manifest places it affected (resource and YAML path).
    pub manifest: Vec<ManifestRow>,
    /// When it affected nothing: why, as far as the trace tells.
    pub no_effect: Option<String>,
}

/// Answer `--key KEY`.
pub fn key_query(out: &RenderOutput, key: &str) -> Result<KeyAnswer, QueryError> {
    key_answer(&Index::new(out), key)
}

/// Answer `--key KEY` from an index of the render (several keys, one index).
pub fn key_answer(index: &Index<'_>, key: &str) -> Result<KeyAnswer, QueryError> {
    let out = index.out;
    let ids: Vec<OriginId> = out
        .origins
        .iter()
        .filter(|(_, o)| {
            o.path == key
                || (o.path.len() > key.len()
                    && o.path.starts_with(key)
                    && matches!(o.path.as_bytes()[key.len()], b'.' | b'['))
        })
        .map(|(id, _)| id)
        .collect();
    if ids.is_empty() {
        if let Some(answer) = key_in_disabled_subchart(out, key) {
            return Ok(answer);
        }
        let keys = all_keys(out);
        return Err(QueryError::NoKey {
            key: key.to_string(),
            nearest: nearest(key, keys.iter().copied(), 5),
        });
    }
    let mut covered: Vec<String> = ids
        .iter()
        .map(|&id| out.origins.get(id).path.clone())
        .collect();
    covered.sort();
    covered.dedup();
    // The override chain: every layer that set the key, in Helm's order
    // (subchart defaults, the parent's defaults, each -f file, each --set),
    // the one whose value made it into the values winning.
    let chain = override_chain(out, &ids, key);
    let mut defined_at: Vec<String> = Vec::new();
    for link in chain.iter().rev().filter(|l| l.won) {
        defined_at.push(link.at.clone());
    }
    for link in chain.iter().rev().filter(|l| !l.won) {
        let text = if link.layer == "chart default" {
            format!("{} (chart default, overridden)", link.at)
        } else {
            format!("{} (overridden)", link.at)
        };
        if !defined_at.contains(&text) {
            defined_at.push(text);
        }
    }
    // The current value: the node of this path that made it into the values.
    let value = ids
        .iter()
        .filter(|&&id| out.origins.get(id).path == key)
        .find_map(|id| out.origin_values.get(id).cloned())
        .unwrap_or_default();
    let value_json = ids
        .iter()
        .filter(|&&id| out.origins.get(id).path == key)
        .find_map(|id| out.origin_json.get(id).cloned())
        .unwrap_or_default();
    // A key the user's `null` deleted has no value: say so.
    let deleted = chain.last().is_some_and(|l| l.won)
        && ids
            .iter()
            .filter(|&&id| out.origins.get(id).path == key)
            .any(|id| out.deleted.binary_search(id).is_ok());
    let value = if value.is_empty() && deleted {
        "null (deleted)".to_string()
    } else {
        value
    };
    let touches = |deps: &crate::origin::Deps| ids.iter().any(|&id| deps.contains(id));
    let exact_ids: Vec<OriginId> = ids
        .iter()
        .copied()
        .filter(|&id| out.origins.get(id).path == key)
        .collect();

    let mut read_at: Vec<String> = Vec::new();
    for r in &out.reads {
        if touches(&r.deps) {
            read_at.push(out.describe_loc(r.loc));
        }
    }
    read_at.sort();
    read_at.dedup();

    let cfgs = configs(out);
    let cfg_ranges = ConfigRanges::new(&cfgs);
    type PlaceKey = (String, Option<String>, Option<String>, Option<String>, Role);
    let mut places: BTreeMap<PlaceKey, Place> = BTreeMap::new();
    let mut record = |fi: &FileIndex<'_>, off: usize, h: &Hit, at: &str, exact: bool| {
        let (collector, block, attribute, line, block_range) = locate(&cfgs, &cfg_ranges, fi, off);
        // An insertion point sits between attributes (often right after
        // the last one, before the closing brace): it belongs to the block.
        let attribute = attribute.filter(|_| !h.range.is_empty());
        // The role for the block by the model's rule (a decision holding
        // the whole block is its context); outside blocks, the hit's own.
        let role = match &block_range {
            Some(r) => match index.role_for(h, r) {
                Some(role) => role,
                None => return,
            },
            None => h.role,
        };
        let k = (
            fi.path.to_string(),
            collector.clone(),
            block.clone(),
            attribute.clone(),
            role,
        );
        let p = places.entry(k).or_insert_with(|| Place {
            file: fi.path.to_string(),
            collector,
            block,
            attribute,
            lines: (line, line),
            role,
            exact,
            at: Vec::new(),
        });
        p.exact |= exact;
        p.lines.0 = p.lines.0.min(line);
        p.lines.1 = p.lines.1.max(line);
        if p.at.last().is_none_or(|l| l != at) {
            p.at.push(at.to_string());
        }
    };
    let mut manifest: BTreeMap<(ManifestPlace, Role), ManifestRow> = BTreeMap::new();
    for &hi in &index.hits_of(&ids) {
        let h = &index.hits[hi as usize];
        let fi = &index.files[h.file as usize];
        let text = fi.text.as_str();
        let at = h.loc.map(|l| out.describe_loc(l)).unwrap_or_default();
        let (s, e) = (h.range.start, h.range.end);
        let exact = index.deps(h).iter().any(|id| exact_ids.contains(&id));
        if !h.decision {
            record(fi, s, h, &at, exact);
            if e > s + 1 {
                record(fi, e - 1, h, &at, exact);
            }
        } else {
            // Place a decision where its output's first visible byte is.
            let off = text[s..e]
                .find(|c: char| !c.is_whitespace())
                .map_or(s, |i| s + i);
            record(fi, off, h, &at, exact);
            let last = text[s..e].trim_end().len();
            if last > 1 && s + last - 1 > off {
                record(fi, s + last - 1, h, &at, exact);
            }
        }
        for place in index.places_of(h) {
            let Some(row) = manifest_row(index, &place, h.role) else {
                continue;
            };
            let first = fi.line_of(h.range.start);
            let last = fi.line_of(h.range.end.saturating_sub(1).max(h.range.start));
            let r = manifest.entry((place, h.role)).or_insert(row);
            r.exact |= exact;
            r.lines.0 = r.lines.0.min(first);
            r.lines.1 = r.lines.1.max(last);
            if !at.is_empty() && r.at.last().is_none_or(|l| *l != at) {
                r.at.push(at.clone());
            }
        }
    }
    for p in places.values_mut() {
        p.at.sort();
        p.at.dedup();
    }
    let mut manifest: Vec<ManifestRow> = manifest.into_values().collect();
    for m in &mut manifest {
        m.at.sort();
        m.at.dedup();
    }
    answer_first(
        &mut manifest,
        |m| (m.resource.clone(), m.namespace.clone(), m.file.clone()),
        |m| answer_rank(m.exact, m.role),
        |m| m.path.clone(),
    );
    let mut places: Vec<Place> = places.into_values().collect();
    answer_first(
        &mut places,
        |p| (p.file.clone(), p.collector.clone()),
        |p| answer_rank(p.exact, p.role),
        |p| (p.block.clone(), p.attribute.clone(), p.lines),
    );
    let no_effect = if places.is_empty() && manifest.is_empty() {
        Some(explain_no_effect(out, key, &read_at))
    } else {
        None
    };
    Ok(KeyAnswer {
        key: key.to_string(),
        covered,
        defined_at,
        chain,
        value,
        value_json,
        read_at,
        places,
        manifest,
        no_effect,
    })
}

/// Why a key changed nothing: the false gates on its enclosing feature keys.
fn explain_no_effect(out: &RenderOutput, key: &str, read_at: &[String]) -> String {
    let mut reasons = Vec::new();
    // Walk up the key path looking for an `enabled` flag that is false.
    let mut prefix = key;
    while let Some(cut) = prefix.rfind(['.', '[']) {
        prefix = &prefix[..cut];
        let flag = format!("{prefix}.enabled");
        if let Some((id, _)) = out.origins.iter().find(|(_, o)| o.path == flag) {
            let v = out.origin_values.get(&id).map(String::as_str).unwrap_or("");
            if v == "false" {
                reasons.push(format!("`{flag}` is false"));
            }
        }
    }
    let mut msg = if read_at.is_empty() {
        "no template read it under these values".to_string()
    } else {
        "templates read it but nothing it decided or produced reached the output".to_string()
    };
    if !reasons.is_empty() {
        msg.push_str(&format!(" ({})", reasons.join("; ")));
    }
    msg
}

/// Where a rendered-file offset is: collector, innermost block address and line.
fn locate(
    cfgs: &[Config<'_>],
    ranges: &ConfigRanges<'_>,
    fi: &FileIndex<'_>,
    off: usize,
) -> Located {
    for i in ranges.holding(fi.path, off) {
        let cfg = &cfgs[i];
        let Some(line) = crate::query::block::doc_line_of_file_offset(cfg, off) else {
            continue;
        };
        let l = &cfg.doc.lines[line - 1];
        let doc_off = l.doc_offset
            + off
                .saturating_sub(l.file_range.start)
                .min(l.file_range.len());
        let mut path = Vec::new();
        let range = innermost(&cfg.blocks, doc_off, &mut path);
        let block = (!path.is_empty()).then(|| path.join(" › "));
        let attribute = block
            .as_ref()
            .and_then(|_| alloy_attribute(&cfg.doc.text, l.doc_offset));
        let file_range = range.and_then(|r| cfg.doc.to_file_range(r));
        return (
            Some(cfg.collector.clone()),
            block,
            attribute,
            line,
            file_range,
        );
    }
    (None, None, None, fi.line_of(off), None)
}

/// Collector, block address, attribute, line of a rendered-file offset and
/// the innermost block's range in the rendered file.
type Located = (
    Option<String>,
    Option<String>,
    Option<String>,
    usize,
    Option<Range<usize>>,
);

/// The Alloy attribute a config line belongs to: the line's own
/// `name = ...`, or the nearest line above it, less indented, that opens one
/// (a multi-line value); none on a block's header or closing line.
fn alloy_attribute(text: &str, line_start: usize) -> Option<String> {
    let attr = |l: &str| -> Option<String> {
        let t = l.trim_start();
        let end = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(t.len());
        let rest = t[end..].trim_start();
        (end > 0 && rest.starts_with('=') && !rest.starts_with("==")).then(|| t[..end].to_string())
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let line = text[line_start..].split('\n').next().unwrap_or("");
    if let Some(a) = attr(line) {
        return Some(a);
    }
    let t = line.trim();
    if t.ends_with('{') && !t.contains('=') || t == "}" {
        return None;
    }
    let mut want = indent(line);
    for above in text[..line_start].lines().rev().take(200) {
        if above.trim().is_empty() || indent(above) >= want {
            continue;
        }
        if let Some(a) = attr(above) {
            return Some(a);
        }
        let at = above.trim();
        if at.ends_with('{') && !at.contains('=') {
            return None;
        }
        want = indent(above);
    }
    None
}

/// The file ranges of the configs, by file and start, so finding the config
/// holding an offset is a binary search (a ConfigMap can have thousands of
/// data entries).
struct ConfigRanges<'a> {
    by_file: HashMap<&'a str, Vec<(Range<usize>, usize)>>,
}

impl<'a> ConfigRanges<'a> {
    fn new(cfgs: &[Config<'a>]) -> Self {
        let mut by_file: HashMap<&'a str, Vec<(Range<usize>, usize)>> = HashMap::new();
        for (i, cfg) in cfgs.iter().enumerate() {
            by_file
                .entry(cfg.file)
                .or_default()
                .push((crate::query::block::config_file_range(cfg), i));
        }
        for v in by_file.values_mut() {
            v.sort_by_key(|(r, i)| (r.start, *i));
        }
        ConfigRanges { by_file }
    }

    /// Configs of `file` whose range holds `off` (its end included).
    fn holding(&self, file: &str, off: usize) -> Vec<usize> {
        let Some(v) = self.by_file.get(file) else {
            return Vec::new();
        };
        let n = v.partition_point(|(r, _)| r.start <= off);
        v[..n]
            .iter()
            .rev()
            .take(8)
            .filter(|(r, _)| off <= r.end)
            .map(|(_, i)| *i)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    }
}

/// The address of the innermost block holding `off` (into `path`) and its range.
fn innermost(blocks: &[Block], off: usize, path: &mut Vec<String>) -> Option<Range<usize>> {
    for b in blocks {
        if b.range.start <= off && off < b.range.end {
            path.push(b.display_name());
            return innermost(&b.children, off, path).or_else(|| Some(b.range.clone()));
        }
    }
    None
}

/// A key documented by a subchart these values disable: say which condition
/// left it out, and (statically) which of its templates mention it.
fn key_in_disabled_subchart(out: &RenderOutput, key: &str) -> Option<KeyAnswer> {
    for sub in &out.disabled_subcharts {
        let Some(rest) = key
            .strip_prefix(&sub.alias)
            .and_then(|r| r.strip_prefix('.'))
        else {
            continue;
        };
        let doc = sub.keys.iter().find(|k| k.path == rest)?;
        let condition = sub.condition.split(',').next().unwrap_or("").trim();
        let current = out
            .origins
            .iter()
            .find(|(_, o)| o.path == condition)
            .and_then(|(id, _)| out.origin_values.get(&id).cloned());
        let why = match (condition.is_empty(), current) {
            (false, Some(v)) => format!(
                "the subchart {} (`{}`) is disabled: its condition `{condition}` is {v}",
                sub.chart, sub.alias
            ),
            (false, None) => format!(
                "the subchart {} (`{}`) is disabled: its condition `{condition}` is not set",
                sub.chart, sub.alias
            ),
            (true, _) => format!(
                "the subchart {} (`{}`) is disabled by its tags",
                sub.chart, sub.alias
            ),
        };
        let last = rest.rsplit('.').next().unwrap_or(rest).replace("\\.", ".");
        let needle = format!(".{last}");
        let mut referenced: Vec<String> = sub
            .templates
            .iter()
            .filter(|(_, text)| text.contains(&needle))
            .map(|(path, _)| path.clone())
            .collect();
        referenced.sort();
        let mut msg = why;
        if !referenced.is_empty() {
            msg.push_str(&format!(
                "; templates that mention `{last}` (by text, not traced): {}",
                referenced.join(", ")
            ));
        }
        return Some(KeyAnswer {
            key: key.to_string(),
            covered: vec![key.to_string()],
            defined_at: vec![format!("{}:{}", sub.values_file, doc.line)],
            chain: Vec::new(),
            value: String::new(),
            value_json: serde_json::Value::Null,
            read_at: Vec::new(),
            places: Vec::new(),
            manifest: Vec::new(),
            no_effect: Some(msg),
        });
    }
    None
}
