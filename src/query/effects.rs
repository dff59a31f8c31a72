//! Every values key's effects on the rendered output, in one pass over the
//! trace: which Alloy blocks each key's values fill (content) or whose parts
//! its conditions decided (insert, gate, loop), and which manifest places
//! (resource and YAML path). This is what `docs` prints as "Renders into"
//! and what a perturbation of the key should change.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::alloy::{all_blocks, Block};
use crate::model::roles::{role_for, Role};
use crate::model::RenderOutput;
use crate::query::configs::{configs, Config};
use crate::query::origin_key;
use crate::traced::Decision;

/// One effect of a key on a block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Effect {
    /// Collector (ConfigMap name without the release prefix).
    pub collector: String,
    /// The ConfigMap's full name.
    pub configmap: String,
    /// Innermost labelled block (`loki.process "pod_logs"`), or the innermost
    /// block when no enclosing block has a label.
    pub block: String,
    /// How the key affected it.
    pub role: Role,
}

/// A block of a config with its file range.
struct PlacedBlock {
    file_range: Range<usize>,
    name: String,
    depth: usize,
}

fn labelled_blocks(cfg: &Config<'_>) -> Vec<PlacedBlock> {
    let mut out = Vec::new();
    for m in all_blocks(&cfg.blocks) {
        let b: &Block = m.block();
        if b.label.is_none() && m.path.iter().any(|p| p.label.is_some()) {
            continue;
        }
        if let Some(r) = cfg.doc.to_file_range(b.range.clone()) {
            out.push(PlacedBlock {
                file_range: r,
                name: b.display_name(),
                depth: m.path.len(),
            });
        }
    }
    out
}

/// For each config line, the innermost placed block that holds the line's
/// start (blocks start and end on line boundaries in practice, so a line
/// lookup replaces a scan of every block per offset).
fn blocks_by_line(blocks: &[PlacedBlock], line_starts: &[usize]) -> Vec<Option<usize>> {
    let mut by_line: Vec<Option<usize>> = vec![None; line_starts.len()];
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&i| blocks[i].depth);
    for i in order {
        let r = &blocks[i].file_range;
        // Lines whose start lies in the block, and the line the block starts on.
        let first = line_starts
            .partition_point(|&l| l <= r.start)
            .saturating_sub(1);
        for (line, &start) in line_starts.iter().enumerate().skip(first) {
            if start >= r.end {
                break;
            }
            by_line[line] = Some(i);
        }
    }
    by_line
}

/// The innermost placed block containing `off`.
fn block_at<'b>(
    blocks: &'b [PlacedBlock],
    by_line: &[Option<usize>],
    line_starts: &[usize],
    off: usize,
) -> Option<&'b PlacedBlock> {
    let line = line_starts.partition_point(|&l| l <= off).checked_sub(1)?;
    let b = &blocks[by_line[line]?];
    // Text before the block's header on its first line, or after its end on its last.
    (b.file_range.start <= off && off < b.file_range.end)
        .then_some(b)
        .or_else(|| {
            blocks
                .iter()
                .filter(|b| b.file_range.start <= off && off < b.file_range.end)
                .max_by_key(|b| b.depth)
        })
}

/// Effects of every key (by `--set` path) on the Alloy configs of the render.
pub fn key_effects(out: &RenderOutput) -> BTreeMap<String, BTreeSet<Effect>> {
    let mut result: BTreeMap<String, BTreeSet<Effect>> = BTreeMap::new();
    for cfg in configs(out).iter().filter(|c| c.is_alloy()) {
        let blocks = labelled_blocks(cfg);
        let range = crate::query::block::config_file_range(cfg);
        let line_starts: Vec<usize> = cfg.doc.lines.iter().map(|l| l.file_range.start).collect();
        let by_line = blocks_by_line(&blocks, &line_starts);
        // The key's role for the innermost block at `off`, by the model's
        // rule: a decision containing the whole block is its context.
        let mut add =
            |deps: &crate::origin::Deps, off: usize, hit: &Range<usize>, d: Option<&Decision>| {
                let Some(b) = block_at(&blocks, &by_line, &line_starts, off) else {
                    return;
                };
                let Some(role) = role_for(d, hit, &b.file_range) else {
                    return;
                };
                for id in deps.iter() {
                    if let Some(key) = origin_key(out, id) {
                        result.entry(key.to_string()).or_default().insert(Effect {
                            collector: cfg.collector.clone(),
                            configmap: cfg.doc.name.clone(),
                            block: b.name.clone(),
                            role,
                        });
                    }
                }
            };
        for run in cfg.text.runs() {
            let (s, e) = (run.start as usize, run.end as usize);
            if run.source.deps.is_empty() || e <= range.start || s >= range.end {
                continue;
            }
            // Every config line the run touches.
            for off in offsets_by_line(&line_starts, s.max(range.start), e.min(range.end)) {
                add(&run.source.deps, off, &(s..e), None);
            }
        }
        for d in cfg.text.decisions() {
            let (s, e) = (d.start as usize, d.end as usize);
            if d.deps.is_empty() || e < range.start || s > range.end {
                continue;
            }
            if s == e {
                add(&d.deps, s, &(s..e), Some(d));
            } else {
                for off in offsets_by_line(&line_starts, s.max(range.start), e.min(range.end)) {
                    add(&d.deps, off, &(s..e), Some(d));
                }
            }
        }
    }
    result
}

/// One offset per config line overlapping `[s, e)`: `s` itself, then each line start after it.
fn offsets_by_line(line_starts: &[usize], s: usize, e: usize) -> Vec<usize> {
    let mut v = vec![s];
    let first = line_starts.partition_point(|&l| l <= s);
    v.extend(line_starts[first..].iter().copied().take_while(|&l| l < e));
    v
}

/// One effect of a key on a manifest place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ManifestEffect {
    /// `Kind/name`.
    pub resource: String,
    /// YAML path in the document.
    pub path: String,
    /// How the key affected it.
    pub role: Role,
}

/// Effects of every key on the manifest places of the render. Places inside
/// an Alloy config are left to [`key_effects`] (its blocks are finer).
pub fn manifest_effects(
    index: &crate::model::index::Index<'_>,
) -> BTreeMap<String, BTreeSet<ManifestEffect>> {
    use crate::model::places::{format_path, Seg};
    let out = index.out;
    let mut result: BTreeMap<String, BTreeSet<ManifestEffect>> = BTreeMap::new();
    for h in &index.hits {
        let keys: Vec<&str> = index
            .deps(h)
            .iter()
            .filter_map(|id| origin_key(out, id))
            .collect();
        if keys.is_empty() {
            continue;
        }
        for place in index.places_of(h) {
            if place
                .path
                .iter()
                .any(|s| matches!(s, Seg::Key(k) if k.ends_with(".alloy")))
            {
                continue;
            }
            let Some(resource) = index.files[place.file as usize].doc(place.doc).resource() else {
                continue;
            };
            let e = ManifestEffect {
                resource,
                path: format_path(&place.path),
                role: h.role,
            };
            for k in &keys {
                result
                    .entry((*k).to_string())
                    .or_default()
                    .insert(e.clone());
            }
        }
    }
    result
}
