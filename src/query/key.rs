//! `--key`: where one values key is defined, where templates read it, and
//! every rendered place it affected.

use std::collections::BTreeMap;

use crate::alloy::Block;
use crate::origin::OriginId;
use crate::query::block::Role;
use crate::query::configs::{configs, Config};
use crate::query::{all_keys, nearest, QueryError};
use crate::render::RenderOutput;
use crate::traced::DecisionKind;

/// One rendered place a key affected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Rendered file (Helm template path).
    pub file: String,
    /// Collector, when the place is inside an embedded config.
    pub collector: Option<String>,
    /// Innermost block address inside the config, if any.
    pub block: Option<String>,
    /// First and last line (config lines inside a config, else file lines).
    pub lines: (usize, usize),
    /// How the key affected it.
    pub role: Role,
    /// Template locations responsible.
    pub at: Vec<String>,
}

/// The answer to `--key`.
#[derive(Debug, Clone)]
pub struct KeyAnswer {
    /// The key as asked.
    pub key: String,
    /// Keys covered (the key itself, and keys below it for a map).
    pub covered: Vec<String>,
    /// Where it was set (`file:line`), per covered key.
    pub defined_at: Vec<String>,
    /// Current value, shortened.
    pub value: String,
    /// Template locations that read it.
    pub read_at: Vec<String>,
    /// Rendered places it affected.
    pub places: Vec<Place>,
    /// When it affected nothing: why, as far as the trace tells.
    pub no_effect: Option<String>,
}

/// Answer `--key KEY`.
pub fn key_query(out: &RenderOutput, key: &str) -> Result<KeyAnswer, QueryError> {
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
    // Where it is set: the winning layer first (user files, flags), then the
    // chart defaults it overrides.
    let mut exact: Vec<OriginId> = ids
        .iter()
        .copied()
        .filter(|&id| out.origins.get(id).path == key)
        .collect();
    exact.sort_by_key(|&id| {
        matches!(
            out.origins.get(id).layer,
            crate::origin::Layer::ChartDefault(_)
        )
    });
    let mut defined_at: Vec<String> = Vec::new();
    for id in exact {
        let Some(pos) = out.describe_origin_pos(id) else {
            continue;
        };
        let text = if matches!(
            out.origins.get(id).layer,
            crate::origin::Layer::ChartDefault(_)
        ) && !defined_at.is_empty()
        {
            format!("{pos} (chart default, overridden)")
        } else {
            pos
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
    let touches = |deps: &crate::origin::Deps| ids.iter().any(|&id| deps.contains(id));

    let mut read_at: Vec<String> = Vec::new();
    for r in &out.reads {
        if touches(&r.deps) {
            let at = out.describe_loc(r.loc);
            if !read_at.contains(&at) {
                read_at.push(at);
            }
        }
    }
    read_at.sort();

    let cfgs = configs(out);
    let mut places: BTreeMap<(String, Option<String>, Option<String>, Role), Place> =
        BTreeMap::new();
    let mut record = |file: &str, off: usize, role: Role, at: String| {
        let (collector, block, line) = locate(&cfgs, file, out, off);
        let k = (file.to_string(), collector.clone(), block.clone(), role);
        let p = places.entry(k).or_insert_with(|| Place {
            file: file.to_string(),
            collector,
            block,
            lines: (line, line),
            role,
            at: Vec::new(),
        });
        p.lines.0 = p.lines.0.min(line);
        p.lines.1 = p.lines.1.max(line);
        if !p.at.contains(&at) {
            p.at.push(at);
        }
    };
    for (file, text) in &out.files {
        for run in text.runs() {
            if touches(&run.source.deps) {
                let at = run
                    .source
                    .loc
                    .map(|l| out.describe_loc(l))
                    .unwrap_or_default();
                record(file, run.start as usize, Role::Content, at.clone());
                if run.end > run.start + 1 {
                    record(file, run.end as usize - 1, Role::Content, at);
                }
            }
        }
        for d in text.decisions() {
            if touches(&d.deps) {
                let role = if d.start == d.end && !d.taken {
                    Role::Insert
                } else if d.kind == DecisionKind::Range {
                    Role::Loop
                } else {
                    Role::Gate
                };
                // Place a decision where its output's first visible byte is.
                let (s, e) = (d.start as usize, d.end as usize);
                let off = text.as_str()[s..e]
                    .find(|c: char| !c.is_whitespace())
                    .map_or(s, |i| s + i);
                record(file, off, role, out.describe_loc(d.loc));
                let last = text.as_str()[s..e].trim_end().len();
                if last > 1 && s + last - 1 > off {
                    record(file, s + last - 1, role, out.describe_loc(d.loc));
                }
            }
        }
    }
    let places: Vec<Place> = places.into_values().collect();
    let no_effect = if places.is_empty() {
        Some(explain_no_effect(out, key, &read_at))
    } else {
        None
    };
    Ok(KeyAnswer {
        key: key.to_string(),
        covered,
        defined_at,
        value,
        read_at,
        places,
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
    file: &str,
    out: &RenderOutput,
    off: usize,
) -> (Option<String>, Option<String>, usize) {
    for cfg in cfgs.iter().filter(|c| c.file == file) {
        let range = crate::query::block::config_file_range(cfg);
        if off < range.start || off > range.end {
            continue;
        }
        let Some(line) = crate::query::block::doc_line_of_file_offset(cfg, off) else {
            continue;
        };
        let l = &cfg.doc.lines[line - 1];
        let doc_off = l.doc_offset
            + off
                .saturating_sub(l.file_range.start)
                .min(l.file_range.len());
        let mut path = Vec::new();
        innermost(&cfg.blocks, doc_off, &mut path);
        let block = (!path.is_empty()).then(|| path.join(" › "));
        return (Some(cfg.collector.clone()), block, line);
    }
    let text = out.files.get(file).map(|t| t.as_str()).unwrap_or("");
    let line = 1 + text.as_bytes()[..off.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    (None, None, line)
}

fn innermost(blocks: &[Block], off: usize, path: &mut Vec<String>) {
    for b in blocks {
        if b.range.start <= off && off < b.range.end {
            path.push(b.display_name());
            innermost(&b.children, off, path);
            return;
        }
    }
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
            value: String::new(),
            read_at: Vec::new(),
            places: Vec::new(),
            no_effect: Some(msg),
        });
    }
    None
}
