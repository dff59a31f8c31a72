//! `--block`: which values keys fill, gate, loop over, can insert into, or
//! decide the existence of one Alloy block.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::alloy::{self, Match};
pub use crate::model::roles::Role;
use crate::model::roles::{role_for, runs_in};
use crate::model::RenderOutput;
use crate::origin::OriginId;
use crate::query::configs::{configs, Config};
use crate::query::{nearest, QueryError};

/// One values key's relation to a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// The role.
    pub role: Role,
    /// Key path in `--set` notation.
    pub key: String,
    /// Current value, shortened.
    pub value: String,
    /// Current value as JSON data (`null` when unknown).
    pub value_json: serde_json::Value,
    /// Template locations (`path:line`) that used it for this block.
    pub read_at: Vec<String>,
    /// Where the value was set (`file:line`).
    pub set_at: Option<String>,
    /// Config lines (1-based) whose text the key produced (content role).
    pub lines: Vec<usize>,
    /// For context rows: how deep the deciding condition is (0 = innermost).
    pub context_rank: usize,
    /// True when the user set the value (`-f`, `--set`), not the chart.
    pub user_set: bool,
}

/// Sort the rows of one place answer first: by role as
/// [`Role::answer_rank`] orders them (values printed into the place first,
/// the conditions around it last), then keys the user set before chart
/// defaults, inner contexts before outer ones, then by key with a parent
/// before its children and `a[2]` before `a[10]`.
pub fn answer_order(rows: &mut [KeyRow]) {
    rows.sort_by_cached_key(|r| {
        (
            r.role.answer_rank(),
            !r.user_set,
            r.context_rank,
            natural_key(&r.key),
        )
    });
}

/// True when the user set this origin's value (`-f`, `--set`), not the chart.
pub(crate) fn is_user_set(out: &RenderOutput, id: OriginId) -> bool {
    matches!(
        out.origins.get(id).layer,
        crate::origin::Layer::UserFile | crate::origin::Layer::SetFlag
    )
}

/// One block matched by a query.
#[derive(Debug, Clone)]
pub struct BlockMatch {
    /// `collector › declare "m" › name "label"`.
    pub address: String,
    /// Alloy's component ID of the block (`loki.process.pod_logs`).
    pub component_id: String,
    /// Collector (config) name.
    pub collector: String,
    /// Rendered file (Helm template path).
    pub file: String,
    /// First and last config line (1-based).
    pub lines: (usize, usize),
    /// Template location of the header's literal text.
    pub header_at: Option<String>,
    /// The block's text.
    pub text: String,
    /// The keys, answer first ([`answer_order`]).
    pub keys: Vec<KeyRow>,
}

/// Find the blocks matching `query` (in the collectors named by `collector`,
/// or all) and explain each.
pub fn block_query(
    out: &RenderOutput,
    query: &str,
    collector: Option<&str>,
) -> Result<Vec<BlockMatch>, QueryError> {
    let steps = alloy::parse_query(query)?;
    let all = configs(out);
    let selected: Vec<&Config<'_>> = all
        .iter()
        .filter(|c| c.is_alloy() && collector.is_none_or(|n| c.is_named(n)))
        .collect();
    if let Some(name) = collector {
        if selected.is_empty() {
            return Err(QueryError::NoCollector {
                name: name.to_string(),
                known: all.iter().map(|c| c.collector.clone()).collect(),
            });
        }
    }
    let mut results = Vec::new();
    for cfg in &selected {
        for m in alloy::find(&cfg.blocks, &steps) {
            results.push(explain(out, cfg, &m));
        }
    }
    if results.is_empty() {
        let mut addresses = Vec::new();
        for cfg in &selected {
            for m in alloy::all_blocks(&cfg.blocks) {
                addresses.push(
                    m.path
                        .iter()
                        .map(|b| b.display_name())
                        .collect::<Vec<_>>()
                        .join(" > "),
                );
            }
        }
        let last = steps.last().map(|s| match &s.label {
            Some(l) => format!("{} \"{}\"", s.name, l),
            None => s.name.clone(),
        });
        let target = last.unwrap_or_default();
        let near = nearest(
            &target,
            addresses
                .iter()
                .map(|s| s.rsplit(" > ").next().unwrap_or(s)),
            5,
        );
        let near_full: Vec<String> = near
            .iter()
            .filter_map(|n| addresses.iter().find(|a| a.ends_with(n.as_str())).cloned())
            .collect();
        let searched = if selected.is_empty() {
            "no Alloy configs (none rendered)".to_string()
        } else {
            format!(
                "collectors {}",
                selected
                    .iter()
                    .map(|c| c.collector.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(QueryError::NoBlock {
            query: query.to_string(),
            searched,
            nearest: near_full,
        });
    }
    Ok(results)
}

fn explain(out: &RenderOutput, cfg: &Config<'_>, m: &Match<'_>) -> BlockMatch {
    let block = m.block();
    let doc = &cfg.doc;
    let file_range = doc.to_file_range(block.range.clone()).unwrap_or(0..0);
    let mut rows: BTreeMap<(OriginId, Role), KeyRow> = BTreeMap::new();
    let mut add = |out: &RenderOutput,
                   id: OriginId,
                   role: Role,
                   at: Option<String>,
                   line: Option<usize>,
                   rank: usize| {
        let Some(key) = crate::query::origin_key(out, id) else {
            return;
        };
        let row = rows.entry((id, role)).or_insert_with(|| KeyRow {
            role,
            key: key.to_string(),
            value: out.origin_values.get(&id).cloned().unwrap_or_default(),
            value_json: out.origin_json.get(&id).cloned().unwrap_or_default(),
            read_at: Vec::new(),
            set_at: out.describe_origin_pos(id),
            lines: Vec::new(),
            context_rank: rank,
            user_set: is_user_set(out, id),
        });
        row.context_rank = row.context_rank.min(rank);
        if let Some(at) = at {
            if !row.read_at.contains(&at) {
                row.read_at.push(at);
            }
        }
        if let Some(l) = line {
            if !row.lines.contains(&l) {
                row.lines.push(l);
            }
        }
    };
    // Every run and decision of the file near the block, its role by the
    // model's one rule (content, insert/loop/gate inside, context around).
    for run in runs_in(cfg.text, &file_range) {
        if run.source.deps.is_empty() {
            continue;
        }
        let hit = run.start as usize..run.end as usize;
        let Some(role) = role_for(None, &hit, &file_range) else {
            continue;
        };
        let at = run.source.loc.map(|l| out.describe_loc(l));
        let line = doc_line_of_file_offset(cfg, run.start.max(file_range.start as u32) as usize);
        for id in run.source.deps.iter() {
            add(out, id, role, at.clone(), line, 0);
        }
    }
    let mut containing: Vec<&crate::traced::Decision> = Vec::new();
    for d in cfg.text.decisions() {
        let hit = d.start as usize..d.end as usize;
        match role_for(Some(d), &hit, &file_range) {
            Some(Role::Context) => containing.push(d),
            Some(role) => {
                let at = Some(out.describe_loc(d.loc));
                for id in d.deps.iter() {
                    add(out, id, role, at.clone(), None, 0);
                }
            }
            None => {}
        }
    }
    // Context rank: how deep the deciding condition is (0 = innermost).
    containing.sort_by_key(|d| d.end - d.start);
    for (rank, d) in containing.iter().enumerate() {
        let at = Some(out.describe_loc(d.loc));
        for id in d.deps.iter() {
            add(out, id, Role::Context, at.clone(), None, rank);
        }
    }
    // One row per key: its strongest role.
    let mut best: BTreeMap<String, KeyRow> = BTreeMap::new();
    for ((_, _), row) in rows {
        match best.get_mut(&row.key) {
            Some(existing) if existing.role <= row.role => {
                existing.user_set |= row.user_set;
                for a in row.read_at {
                    if !existing.read_at.contains(&a) {
                        existing.read_at.push(a);
                    }
                }
            }
            _ => {
                let mut row = row;
                if let Some(old) = best.remove(&row.key) {
                    row.user_set |= old.user_set;
                    for a in old.read_at {
                        if !row.read_at.contains(&a) {
                            row.read_at.push(a);
                        }
                    }
                }
                best.insert(row.key.clone(), row);
            }
        }
    }
    let mut keys: Vec<KeyRow> = best.into_values().collect();
    for k in &mut keys {
        k.lines.sort_unstable();
    }
    answer_order(&mut keys);
    let first_line = doc.line_of(block.range.start);
    let last_line = doc.line_of(block.range.end.saturating_sub(1));
    let header_at = doc
        .to_file_offset(block.header.start)
        .and_then(|off| runs_in(cfg.text, &(off..off + 1)).next())
        .and_then(|r| r.source.loc)
        .map(|l| out.describe_loc(l));
    let mut address = vec![cfg.collector.clone()];
    address.extend(m.path.iter().map(|b| b.display_name()));
    BlockMatch {
        address: address.join(" › "),
        component_id: block.component_id(),
        collector: cfg.collector.clone(),
        file: cfg.file.to_string(),
        lines: (first_line, last_line),
        header_at,
        text: doc.text[block.range.clone()].to_string(),
        keys,
    }
}

/// The 1-based config line holding a rendered-file offset.
pub fn doc_line_of_file_offset(cfg: &Config<'_>, off: usize) -> Option<usize> {
    let lines = &cfg.doc.lines;
    let i = lines.partition_point(|l| l.file_range.start <= off);
    (i > 0).then_some(i)
}

/// The config's byte range in the rendered file.
pub fn config_file_range(cfg: &Config<'_>) -> Range<usize> {
    // From the start of the first content line, indentation included.
    let first = cfg.doc.lines.first().map_or(0, |l| l.file_range.start);
    let first = cfg.text.as_str()[..first]
        .rfind('\n')
        .map_or(0, |nl| nl + 1);
    let last = cfg.doc.lines.last().map_or(0, |l| l.file_range.end);
    first..last
}

/// A sort key that orders `a[2]` before `a[10]`.
pub fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = u64::from(c as u8 - b'0');
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                chars.next();
            }
            out.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
        }
    }
    out.push((text, u64::MAX));
    out
}
