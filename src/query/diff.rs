//! `diff`: two traced renders compared as `helm template` streams, each
//! change explained by its causes. Documents are matched by template and
//! `Kind/name` (then by `Kind/name` alone, so a resource that moved to
//! another template is still one document, like helm-diff); reordering is
//! not a change. Each hunk of the line diff is headed by its place (file,
//! resource, YAML path) and by the values keys whose trace reaches its
//! changed lines on either side *and* whose values differ between the
//! sides, with both values and where they were set; when the charts
//! differ, also the template lines that wrote the changed literal text.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use crate::alloy::all_blocks;
use crate::model::places::{format_path, FilePlaces};
use crate::model::roles::{relate, runs_in, Relation};
use crate::model::RenderOutput;
use crate::origin::OriginId;
use crate::query::configs::configs;
use crate::traced::TStr;

/// Lines of context around a change, as `diff -u`.
const CONTEXT: usize = 3;

/// What a diff line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTag {
    /// On both sides.
    Same,
    /// Only on the old side.
    Removed,
    /// Only on the new side.
    Added,
}

/// A values key that differs between the sides and reaches a hunk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyChange {
    /// The key path (`--set` notation).
    pub key: String,
    /// Its old value (shortened), `None` when the old side has no such key.
    pub old: Option<String>,
    /// Its new value, `None` when the new side has no such key.
    pub new: Option<String>,
    /// Where the old value was set (`file:line`).
    pub old_at: Option<String>,
    /// Where the new value was set.
    pub new_at: Option<String>,
    /// The old value as data (JSON output), `None` when the old side has no such key.
    pub old_json: Option<serde_json::Value>,
    /// The new value as data.
    pub new_json: Option<serde_json::Value>,
}

/// A template line that wrote changed literal text (chart upgrades).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChange {
    /// `file:line` in the old chart.
    pub old: Option<String>,
    /// `file:line` in the new chart.
    pub new: Option<String>,
}

/// One hunk of the diff.
#[derive(Debug, Clone)]
pub struct Hunk {
    /// The template path (without the chart name), the new side's when it has one.
    pub file: String,
    /// The document's `Kind/name`.
    pub resource: Option<String>,
    /// The YAML path holding the changed lines (empty: the whole document).
    pub path: String,
    /// The innermost Alloy block holding the changed lines, as a block path
    /// (`declare "pod_logs" > loki.process "pod_logs"`).
    pub block: Option<String>,
    /// First line (1-based, in the old rendered file) and line count.
    pub old_lines: (usize, usize),
    /// First line in the new rendered file and line count.
    pub new_lines: (usize, usize),
    /// The lines.
    pub lines: Vec<(LineTag, String)>,
    /// The causes.
    pub keys: Vec<KeyChange>,
    /// Template lines of the changed literal text, old → new.
    pub templates: Vec<TemplateChange>,
}

/// One side's documents.
struct Side<'a> {
    out: &'a RenderOutput,
    files: Vec<(String, &'a TStr, FilePlaces)>,
    /// (file index, document index, `Kind/name`).
    docs: Vec<(usize, usize, Option<String>)>,
    /// Key path → (value shown, digest of long text, origin).
    values: HashMap<&'a str, (&'a str, Option<u64>, OriginId)>,
    /// Alloy blocks of embedded configs: (file index, file range, block path).
    blocks: Vec<(usize, Range<usize>, String)>,
}

impl<'a> Side<'a> {
    fn new(out: &'a RenderOutput) -> Self {
        let prefix = format!("{}/", out.chart_name);
        let mut files = Vec::new();
        let mut docs = Vec::new();
        for (name, text) in &out.files {
            // `helm template` prints no NOTES.txt.
            if name.ends_with("NOTES.txt") {
                continue;
            }
            let rel = name.strip_prefix(&prefix).unwrap_or(name).to_string();
            let places = FilePlaces::split(text.as_str());
            let fi = files.len();
            for (di, slot) in places.docs.iter().enumerate() {
                if text.as_str()[slot.range.clone()].trim().is_empty() {
                    continue;
                }
                let resource = places.doc(text.as_str(), di).resource();
                docs.push((fi, di, resource));
            }
            files.push((rel, text, places));
        }
        let mut values = HashMap::new();
        for (id, v) in &out.origin_values {
            let path = out.origins.get(*id).path.as_str();
            if !path.is_empty() {
                let digest = out.origin_digests.get(id).copied();
                values.insert(path, (v.as_str(), digest, *id));
            }
        }
        let mut blocks = Vec::new();
        for cfg in configs(out) {
            let rel = cfg.file.strip_prefix(&prefix).unwrap_or(cfg.file);
            let Some(fi) = files.iter().position(|f| f.0 == rel) else {
                continue;
            };
            for m in all_blocks(&cfg.blocks) {
                let Some(range) = cfg.doc.to_file_range(m.block().range.clone()) else {
                    continue;
                };
                let names: Vec<String> = m.path.iter().map(|b| b.display_name()).collect();
                blocks.push((fi, range, names.join(" > ")));
            }
        }
        Side {
            out,
            files,
            docs,
            values,
            blocks,
        }
    }

    /// The value of origin `id` as data (null when it has no snapshot).
    fn json_of(&self, id: OriginId) -> serde_json::Value {
        self.out.origin_json.get(&id).unwrap_or_default()
    }

    /// The innermost Alloy block holding `span` of document `d`'s file.
    fn block_at(&self, d: usize, span: &Range<usize>) -> Option<String> {
        let fi = self.docs[d].0;
        self.blocks
            .iter()
            .filter(|(f, r, _)| *f == fi && r.start <= span.start && span.end <= r.end)
            .min_by_key(|(_, r, _)| r.len())
            .map(|(_, _, name)| name.clone())
    }

    fn doc_text(&self, d: usize) -> (&'a TStr, Range<usize>) {
        let (fi, di, _) = &self.docs[d];
        let (_, text, places) = &self.files[*fi];
        (text, places.docs[*di].range.clone())
    }

    /// Lines of document `d`: byte ranges in its file (no newline).
    fn doc_lines(&self, d: usize) -> Vec<Range<usize>> {
        let (text, range) = self.doc_text(d);
        let mut lines = Vec::new();
        let mut pos = range.start;
        for l in text.as_str()[range.clone()].split_inclusive('\n') {
            let bare = l.strip_suffix('\n').unwrap_or(l);
            lines.push(pos..pos + bare.len());
            pos += l.len();
        }
        lines
    }

    /// Origins whose trace reaches the changed `lines` of document `d`
    /// (byte ranges in its file), or, with none, the insertion point
    /// `point` (the gap between two lines): runs overlapping a changed line,
    /// decisions whose output lies inside or around one, and decisions that
    /// output nothing in the gap.
    fn reach(
        &self,
        d: usize,
        lines: &[Range<usize>],
        point: &Range<usize>,
        into: &mut BTreeSet<OriginId>,
    ) {
        let (text, _) = self.doc_text(d);
        let s = text.as_str();
        let span = match (lines.first(), lines.last()) {
            (Some(f), Some(l)) => f.start..l.end,
            _ => point.clone(),
        };
        let near: Vec<_> = text
            .decisions()
            .iter()
            .filter(|dec| dec.start as usize <= span.end && dec.end as usize >= span.start)
            .collect();
        if lines.is_empty() {
            for dec in &near {
                let (ds, de) = (dec.start as usize, dec.end as usize);
                let empty_here = ds == de && ds >= point.start && ds <= point.end;
                if empty_here || relate(dec, point) == Relation::Contains {
                    into.extend(dec.deps.iter());
                }
            }
            return;
        }
        // Blank lines are left out when the change has other lines: their
        // whitespace often comes from around the decision that made the rest.
        let all_blank = lines.iter().all(|r| s[r.clone()].trim().is_empty());
        for r in lines {
            let line = &s[r.clone()];
            if !all_blank && line.trim().is_empty() {
                continue;
            }
            let lead = line.len() - line.trim_start().len();
            let r = r.start + lead..r.end;
            for run in runs_in(text, &r) {
                into.extend(run.source.deps.iter());
            }
            for dec in &near {
                if relate(dec, &r) != Relation::Unrelated {
                    into.extend(dec.deps.iter());
                }
            }
        }
    }

    /// `file:line` of the template text that wrote line `line` literally.
    fn literal_at(&self, d: usize, line: &Range<usize>) -> Option<String> {
        let (text, _) = self.doc_text(d);
        let s = &text.as_str()[line.clone()];
        let off = line.start + s.find(|c: char| !c.is_whitespace())?;
        let run = runs_in(text, &(off..off + 1)).next()?;
        if !run.source.deps.is_empty() {
            return None;
        }
        let loc = self.out.literal_loc(text, run, off)?;
        Some(self.out.describe_loc(loc))
    }

    fn line_no(&self, d: usize, off: usize) -> usize {
        let (text, _) = self.doc_text(d);
        text.as_str()[..off].matches('\n').count() + 1
    }
}

/// Compare two renders. `templates`: also report the template lines of
/// changed literal text (when the charts differ).
pub fn diff(old: &RenderOutput, new: &RenderOutput, templates: bool) -> Vec<Hunk> {
    let a = Side::new(old);
    let b = Side::new(new);
    let changed = changed_keys(&a, &b);
    let pairs = match_docs(&a, &b);
    let mut hunks = Vec::new();
    for (da, db) in pairs {
        let la = da.map(|d| a.doc_lines(d)).unwrap_or_default();
        let lb = db.map(|d| b.doc_lines(d)).unwrap_or_default();
        let ta = da.map(|d| a.doc_text(d).0.as_str()).unwrap_or("");
        let tb = db.map(|d| b.doc_text(d).0.as_str()).unwrap_or("");
        let sa: Vec<&str> = la.iter().map(|r| &ta[r.clone()]).collect();
        let sb: Vec<&str> = lb.iter().map(|r| &tb[r.clone()]).collect();
        let ops = line_ops(&sa, &sb);
        let ctx = HunkCtx {
            a: &a,
            b: &b,
            da,
            db,
            la: &la,
            lb: &lb,
            changed: &changed,
            templates,
        };
        // Changes whose contexts touch share a hunk when they have the same
        // causes; changes with different causes stay apart, each named by its own.
        let mut last: Option<(Range<usize>, Hunk)> = None;
        for group in group_ops(&ops) {
            let h = ctx.hunk(&ops[group.clone()], &sa, &sb);
            last = match last {
                Some((prev, ph)) if prev.end >= group.start && ph.keys == h.keys => {
                    let joined = prev.start..group.end;
                    let h = ctx.hunk(&ops[joined.clone()], &sa, &sb);
                    Some((joined, h))
                }
                Some((_, ph)) => {
                    hunks.push(ph);
                    Some((group, h))
                }
                None => Some((group, h)),
            };
        }
        hunks.extend(last.map(|(_, h)| h));
    }
    hunks
}

/// Key paths whose values differ between the sides (present on one only included).
fn changed_keys<'a>(a: &Side<'a>, b: &Side<'a>) -> BTreeSet<&'a str> {
    let mut out = BTreeSet::new();
    for (k, (v, h, _)) in &a.values {
        match b.values.get(k) {
            Some((v2, h2, _)) if v == v2 && h == h2 => {}
            _ => {
                out.insert(*k);
            }
        }
    }
    for k in b.values.keys() {
        if !a.values.contains_key(k) {
            out.insert(*k);
        }
    }
    out
}

/// Whether `key` or anything below it changed.
fn key_changed(changed: &BTreeSet<&str>, key: &str) -> bool {
    changed.contains(key)
        || changed
            .range(key..)
            .take_while(|k| k.starts_with(key))
            .any(|k| k[key.len()..].starts_with(['.', '[']))
}

/// Pairs of documents (old, new): by template and `Kind/name` (resource-less
/// documents by their order in the template), then by `Kind/name` alone.
fn match_docs(a: &Side, b: &Side) -> Vec<(Option<usize>, Option<usize>)> {
    fn keys(s: &Side) -> Vec<(String, Option<String>)> {
        let mut nth: HashMap<usize, usize> = HashMap::new();
        s.docs
            .iter()
            .map(|(fi, _, res)| {
                let file = s.files[*fi].0.clone();
                let id = match res {
                    Some(r) => r.clone(),
                    None => {
                        let n = nth.entry(*fi).or_default();
                        *n += 1;
                        format!("#{n}")
                    }
                };
                (file, Some(id))
            })
            .collect()
    }
    let ka = keys(a);
    let kb = keys(b);
    let mut by_key: BTreeMap<&(String, Option<String>), usize> = BTreeMap::new();
    for (i, k) in kb.iter().enumerate() {
        by_key.entry(k).or_insert(i);
    }
    let mut used_b = vec![false; kb.len()];
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut left_a = Vec::new();
    for (i, k) in ka.iter().enumerate() {
        match by_key.get(k) {
            Some(&j) if !used_b[j] => {
                used_b[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            _ => left_a.push(i),
        }
    }
    for i in left_a {
        let res = &a.docs[i].2;
        let j = res
            .as_ref()
            .and_then(|r| (0..kb.len()).find(|&j| !used_b[j] && b.docs[j].2.as_ref() == Some(r)));
        if let Some(j) = j {
            used_b[j] = true;
        }
        pairs.push((Some(i), j));
    }
    for (j, used) in used_b.iter().enumerate() {
        if !used {
            pairs.push((None, Some(j)));
        }
    }
    // In the new stream's order, removed documents where they were.
    pairs.sort_by_key(|(i, j)| (j.map_or(usize::MAX, |j| j), *i));
    pairs
}

/// A line-diff operation: index into old, index into new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same(usize, usize),
    Del(usize),
    Ins(usize),
}

/// The shortest edit of `a` into `b` (longest common subsequence of the
/// part between the common prefix and suffix).
fn line_ops(a: &[&str], b: &[&str]) -> Vec<Op> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[pre..a.len() - suf], &b[pre..b.len() - suf]);
    let mut ops: Vec<Op> = (0..pre).map(|i| Op::Same(i, i)).collect();
    let (n, m) = (ma.len(), mb.len());
    // Table of LCS lengths of suffixes; a very large middle is replaced whole.
    if n.saturating_mul(m) > 20_000_000 {
        ops.extend((0..n).map(|i| Op::Del(pre + i)));
        ops.extend((0..m).map(|j| Op::Ins(pre + j)));
    } else {
        let w = m + 1;
        let mut t = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i * w + j] = if ma[i] == mb[j] {
                    t[(i + 1) * w + j + 1] + 1
                } else {
                    t[(i + 1) * w + j].max(t[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && ma[i] == mb[j] {
                ops.push(Op::Same(pre + i, pre + j));
                i += 1;
                j += 1;
            } else if j < m && (i == n || t[i * w + j + 1] >= t[(i + 1) * w + j]) {
                ops.push(Op::Ins(pre + j));
                j += 1;
            } else {
                ops.push(Op::Del(pre + i));
                i += 1;
            }
        }
    }
    let (ea, eb) = (a.len() - suf, b.len() - suf);
    ops.extend((0..suf).map(|k| Op::Same(ea + k, eb + k)));
    ops
}

/// Ranges of `ops` forming hunks: each block of consecutive changes with
/// `CONTEXT` lines around (contexts may overlap; [`diff`] joins them).
fn group_ops(ops: &[Op]) -> Vec<Range<usize>> {
    let mut groups: Vec<Range<usize>> = Vec::new();
    let mut k = 0;
    while k < ops.len() {
        if matches!(ops[k], Op::Same(..)) {
            k += 1;
            continue;
        }
        let end = ops[k..]
            .iter()
            .position(|o| matches!(o, Op::Same(..)))
            .map_or(ops.len(), |p| k + p);
        // Context is unchanged lines only, never the next change.
        let is_same = |o: &Op| matches!(o, Op::Same(..));
        let before = ops[..k]
            .iter()
            .rev()
            .take(CONTEXT)
            .take_while(|o| is_same(o))
            .count();
        let after = ops[end..]
            .iter()
            .take(CONTEXT)
            .take_while(|o| is_same(o))
            .count();
        groups.push(k - before..end + after);
        k = end;
    }
    groups
}

struct HunkCtx<'s, 'a> {
    a: &'s Side<'a>,
    b: &'s Side<'a>,
    da: Option<usize>,
    db: Option<usize>,
    la: &'s [Range<usize>],
    lb: &'s [Range<usize>],
    changed: &'s BTreeSet<&'a str>,
    templates: bool,
}

impl HunkCtx<'_, '_> {
    fn hunk(&self, ops: &[Op], sa: &[&str], sb: &[&str]) -> Hunk {
        let mut lines = Vec::new();
        let mut reach_a = BTreeSet::new();
        let mut reach_b = BTreeSet::new();
        let mut tpl = Vec::new();
        let mut span_a: Option<Range<usize>> = None;
        let mut span_b: Option<Range<usize>> = None;
        // Old and new line where the hunk starts (for insertion points).
        let mut k = 0;
        while k < ops.len() {
            if let Op::Same(i, _) = ops[k] {
                lines.push((LineTag::Same, sa[i].to_string()));
                k += 1;
                continue;
            }
            // One block of consecutive changes.
            let block_end = ops[k..]
                .iter()
                .position(|o| matches!(o, Op::Same(..)))
                .map_or(ops.len(), |p| k + p);
            let block = &ops[k..block_end];
            let dels: Vec<usize> = block
                .iter()
                .filter_map(|o| if let Op::Del(i) = o { Some(*i) } else { None })
                .collect();
            let ins: Vec<usize> = block
                .iter()
                .filter_map(|o| if let Op::Ins(j) = o { Some(*j) } else { None })
                .collect();
            let (next_a, next_b) = next_same(ops, block_end);
            let ra = side_range(self.la, &dels, next_a.or(self.prev_a(ops, k)));
            let rb = side_range(self.lb, &ins, next_b.or(self.prev_b(ops, k)));
            if let (Some(d), Some(r)) = (self.da, &ra) {
                let lines: Vec<Range<usize>> = dels.iter().map(|&i| self.la[i].clone()).collect();
                self.a.reach(d, &lines, r, &mut reach_a);
                if !dels.is_empty() {
                    span_a = Some(join(span_a, r));
                }
            }
            if let (Some(d), Some(r)) = (self.db, &rb) {
                let lines: Vec<Range<usize>> = ins.iter().map(|&j| self.lb[j].clone()).collect();
                self.b.reach(d, &lines, r, &mut reach_b);
                if !ins.is_empty() {
                    span_b = Some(join(span_b, r));
                }
            }
            if self.templates {
                let olds: Vec<String> = self
                    .da
                    .map(|d| {
                        dels.iter()
                            .filter_map(|&i| self.a.literal_at(d, &self.la[i]))
                            .collect()
                    })
                    .unwrap_or_default();
                let news: Vec<String> = self
                    .db
                    .map(|d| {
                        ins.iter()
                            .filter_map(|&j| self.b.literal_at(d, &self.lb[j]))
                            .collect()
                    })
                    .unwrap_or_default();
                for n in 0..olds.len().max(news.len()) {
                    let t = TemplateChange {
                        old: olds.get(n).cloned(),
                        new: news.get(n).cloned(),
                    };
                    if !tpl.contains(&t) {
                        tpl.push(t);
                    }
                }
            }
            lines.extend(dels.iter().map(|&i| (LineTag::Removed, sa[i].to_string())));
            lines.extend(ins.iter().map(|&j| (LineTag::Added, sb[j].to_string())));
            k = block_end;
        }
        let keys = self.causes(&reach_a, &reach_b);
        let (old_lines, new_lines) = self.numbers(ops);
        let (file, resource, path, block) = self.place(span_a, span_b);
        Hunk {
            file,
            resource,
            path,
            block,
            old_lines,
            new_lines,
            lines,
            keys,
            templates: tpl,
        }
    }

    fn prev_a(&self, ops: &[Op], k: usize) -> Option<usize> {
        ops[..k].iter().rev().find_map(|o| match o {
            Op::Same(i, _) | Op::Del(i) => Some(i + 1),
            Op::Ins(_) => None,
        })
    }

    fn prev_b(&self, ops: &[Op], k: usize) -> Option<usize> {
        ops[..k].iter().rev().find_map(|o| match o {
            Op::Same(_, j) | Op::Ins(j) => Some(j + 1),
            Op::Del(_) => None,
        })
    }

    /// The changed keys reached on either side; a key is left out when a
    /// changed key below it is named (the more precise cause).
    fn causes(&self, ra: &BTreeSet<OriginId>, rb: &BTreeSet<OriginId>) -> Vec<KeyChange> {
        let mut keys: BTreeSet<&str> = BTreeSet::new();
        for (side, ids) in [(self.a, ra), (self.b, rb)] {
            for id in ids {
                let p = side.out.origins.get(*id).path.as_str();
                if !p.is_empty() && key_changed(self.changed, p) {
                    keys.insert(p);
                }
            }
        }
        let all: Vec<&str> = keys.iter().copied().collect();
        all.iter()
            .filter(|k| {
                !all.iter().any(|o| {
                    o.len() > k.len() && o.starts_with(**k) && o[k.len()..].starts_with(['.', '['])
                })
            })
            .map(|k| {
                let old = self.a.values.get(k);
                let new = self.b.values.get(k);
                KeyChange {
                    key: (*k).to_string(),
                    old: old.map(|v| v.0.to_string()),
                    new: new.map(|v| v.0.to_string()),
                    old_at: old.and_then(|v| self.a.out.describe_origin_pos(v.2)),
                    new_at: new.and_then(|v| self.b.out.describe_origin_pos(v.2)),
                    old_json: old.map(|v| self.a.json_of(v.2)),
                    new_json: new.map(|v| self.b.json_of(v.2)),
                }
            })
            .collect()
    }

    /// (first line, count) on each side, in rendered-file lines.
    fn numbers(&self, ops: &[Op]) -> ((usize, usize), (usize, usize)) {
        let count_a = ops.iter().filter(|o| !matches!(o, Op::Ins(_))).count();
        let count_b = ops.iter().filter(|o| !matches!(o, Op::Del(_))).count();
        let first_a = ops.iter().find_map(|o| match o {
            Op::Same(i, _) | Op::Del(i) => Some(*i),
            Op::Ins(_) => None,
        });
        let first_b = ops.iter().find_map(|o| match o {
            Op::Same(_, j) | Op::Ins(j) => Some(*j),
            Op::Del(_) => None,
        });
        let at =
            |side: &Side, d: Option<usize>, lines: &[Range<usize>], first: Option<usize>| match (
                d, first,
            ) {
                (Some(d), Some(i)) => side.line_no(d, lines[i].start),
                _ => 0,
            };
        (
            (at(self.a, self.da, self.la, first_a), count_a),
            (at(self.b, self.db, self.lb, first_b), count_b),
        )
    }

    /// File, resource and YAML path of the changed lines (new side first).
    fn place(
        &self,
        span_a: Option<Range<usize>>,
        span_b: Option<Range<usize>>,
    ) -> (String, Option<String>, String, Option<String>) {
        let pick = match (self.db, span_b, self.da, span_a) {
            (Some(d), Some(s), _, _) => Some((self.b, d, s)),
            (_, _, Some(d), Some(s)) => Some((self.a, d, s)),
            _ => None,
        };
        let Some((side, d, span)) = pick else {
            let (side, d) = match (self.db, self.da) {
                (Some(d), _) => (self.b, d),
                (None, Some(d)) => (self.a, d),
                (None, None) => return (String::new(), None, String::new(), None),
            };
            let (fi, _, res) = &side.docs[d];
            return (side.files[*fi].0.clone(), res.clone(), String::new(), None);
        };
        let (fi, di, res) = &side.docs[d];
        let (rel, text, places) = &side.files[*fi];
        let doc = places.doc(text.as_str(), *di);
        let path = format_path(&doc.path_of_range(text.as_str(), span.clone()));
        let block = side.block_at(d, &span);
        (rel.clone(), res.clone(), path, block)
    }
}

/// The first old and new line index after a change block.
fn next_same(ops: &[Op], from: usize) -> (Option<usize>, Option<usize>) {
    match ops.get(from) {
        Some(Op::Same(i, j)) => (Some(*i), Some(*j)),
        _ => (None, None),
    }
}

/// The byte range of a side's changed lines, or, with none, the insertion
/// point: the gap from the end of the line before line `next` to its start
/// (or the end of the document).
fn side_range(
    lines: &[Range<usize>],
    changed: &[usize],
    next: Option<usize>,
) -> Option<Range<usize>> {
    match (changed.first(), changed.last()) {
        (Some(&f), Some(&l)) => Some(lines[f].start..lines[l].end),
        _ => {
            let n = next.unwrap_or(lines.len()).min(lines.len());
            let end = match lines.get(n) {
                Some(r) => r.start,
                None => lines.last()?.end,
            };
            let start = match n.checked_sub(1).and_then(|p| lines.get(p)) {
                Some(r) => r.end,
                None => end,
            };
            Some(start..end)
        }
    }
}

fn join(a: Option<Range<usize>>, b: &Range<usize>) -> Range<usize> {
    match a {
        Some(a) => a.start.min(b.start)..a.end.max(b.end),
        None => b.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ops_keep_common_lines() {
        let a = ["x", "a", "b", "c", "y"];
        let b = ["x", "a", "B", "c", "d", "y"];
        let ops = line_ops(&a, &b);
        let same = ops.iter().filter(|o| matches!(o, Op::Same(..))).count();
        assert_eq!(same, 4);
        assert_eq!(ops.iter().filter(|o| matches!(o, Op::Del(_))).count(), 1);
        assert_eq!(ops.iter().filter(|o| matches!(o, Op::Ins(_))).count(), 2);
    }

    #[test]
    fn key_changed_sees_children() {
        let changed: BTreeSet<&str> = ["a.b", "ab", "c[0].d"].into_iter().collect();
        assert!(key_changed(&changed, "a"));
        assert!(key_changed(&changed, "c"));
        assert!(!key_changed(&changed, "a.c"));
        assert!(!key_changed(&changed, "x"));
    }
}
