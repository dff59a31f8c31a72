//! The trace of a render indexed once, so every query costs what it reads:
//! each run and decision that depends on values becomes a [`Hit`] (file,
//! byte range, role by [`decision_role`]), hits are listed by the origins
//! they depend on, each rendered file has its line table, and its YAML
//! documents are split (and parsed on first use) for manifest places.
//!
//! Before this index, `--key` counted newlines from the start of a file for
//! every run it reported and `blame` scanned a template from its start for
//! every line: both grew with the square of the render.

use std::collections::HashMap;
use std::ops::Range;

use crate::model::places::{is_prefix, BranchStart, Document, FilePlaces, Seg};
use crate::model::roles::{decision_role, role_for, runs_in, Role};
use crate::model::{line_starts, RenderOutput};
use crate::origin::{Deps, OriginId};
use crate::traced::{Decision, DecisionKind, TStr, TplLoc};

/// A rendered file of the index.
pub struct FileIndex<'a> {
    /// Helm's template path.
    pub path: &'a str,
    /// Its traced text.
    pub text: &'a TStr,
    /// Byte offsets of its line starts.
    pub lines: Vec<usize>,
    /// Its YAML documents.
    pub places: FilePlaces,
    /// Its hits (indices into [`Index::hits`]).
    pub hits: Range<u32>,
}

impl FileIndex<'_> {
    /// 1-based line holding `off`.
    pub fn line_of(&self, off: usize) -> usize {
        self.lines.partition_point(|&s| s <= off).max(1)
    }

    /// Document `i`, parsed.
    pub fn doc(&self, i: usize) -> &Document {
        self.places.doc(self.text.as_str(), i)
    }
}

/// A run or decision of a rendered file that depends on values.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index into [`Index::files`].
    pub file: u32,
    /// Byte range in the file (empty for an insertion point).
    pub range: Range<usize>,
    /// The role of its keys for what it covers.
    pub role: Role,
    /// Template location that wrote it (or of the condition).
    pub loc: Option<TplLoc>,
    /// True for a decision, false for a run.
    pub decision: bool,
    item: u32,
}

/// A manifest place: a YAML path inside a resource's document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ManifestPlace {
    /// Index into [`Index::files`].
    pub file: u32,
    /// Document index in the file.
    pub doc: usize,
    /// The path inside the document.
    pub path: Vec<Seg>,
}

/// The indexed trace of one render.
pub struct Index<'a> {
    /// The render.
    pub out: &'a RenderOutput,
    /// Rendered files, in path order.
    pub files: Vec<FileIndex<'a>>,
    /// Every hit, file by file.
    pub hits: Vec<Hit>,
    by_origin: HashMap<OriginId, Vec<u32>>,
}

impl<'a> Index<'a> {
    /// Index a render: one pass over its runs and decisions.
    pub fn new(out: &'a RenderOutput) -> Self {
        let mut files = Vec::with_capacity(out.files.len());
        let mut hits: Vec<Hit> = Vec::new();
        let mut by_origin: HashMap<OriginId, Vec<u32>> = HashMap::new();
        for (fi, (path, text)) in out.files.iter().enumerate() {
            let first = hits.len() as u32;
            let mut add = |deps: &Deps, hit: Hit| {
                let n = hits.len() as u32;
                for id in deps.iter() {
                    by_origin.entry(id).or_default().push(n);
                }
                hits.push(hit);
            };
            for (i, run) in text.runs().iter().enumerate() {
                if run.source.deps.is_empty() {
                    continue;
                }
                let hit = Hit {
                    file: fi as u32,
                    range: run.start as usize..run.end as usize,
                    role: Role::Content,
                    loc: run.source.loc,
                    decision: false,
                    item: i as u32,
                };
                add(&run.source.deps, hit);
            }
            for (i, d) in text.decisions().iter().enumerate() {
                if d.deps.is_empty() {
                    continue;
                }
                let hit = Hit {
                    file: fi as u32,
                    range: d.start as usize..d.end as usize,
                    role: decision_role(d),
                    loc: Some(d.loc),
                    decision: true,
                    item: i as u32,
                };
                add(&d.deps, hit);
            }
            files.push(FileIndex {
                path,
                text,
                lines: line_starts(text.as_str()),
                places: FilePlaces::split(text.as_str()),
                hits: first..hits.len() as u32,
            });
        }
        Index {
            out,
            files,
            hits,
            by_origin,
        }
    }

    /// The origins a hit depends on.
    pub fn deps(&self, h: &Hit) -> &'a Deps {
        let text = self.files[h.file as usize].text;
        if h.decision {
            &text.decisions()[h.item as usize].deps
        } else {
            &text.runs()[h.item as usize].source.deps
        }
    }

    /// The decision a hit is, when it is one.
    pub fn decision(&self, h: &Hit) -> Option<&'a Decision> {
        let text = self.files[h.file as usize].text;
        h.decision.then(|| &text.decisions()[h.item as usize])
    }

    /// The role of a hit's keys for a place whose text is `place` bytes of
    /// the hit's file ([`role_for`], the rule of every query).
    pub fn role_for(&self, h: &Hit, place: &Range<usize>) -> Option<Role> {
        role_for(self.decision(h), &h.range, place)
    }

    /// Hits depending on any of `ids`, in file order, each once.
    pub fn hits_of(&self, ids: &[OriginId]) -> Vec<u32> {
        let mut v: Vec<u32> = ids
            .iter()
            .filter_map(|id| self.by_origin.get(id))
            .flatten()
            .copied()
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The manifest places a hit covers: for each YAML document it touches,
    /// the deepest path holding all of it (an insertion point: the entry
    /// or collection it follows). Whitespace-only text is no place.
    pub fn places_of(&self, h: &Hit) -> Vec<ManifestPlace> {
        let f = &self.files[h.file as usize];
        let text = f.text.as_str();
        let mut out = Vec::new();
        if h.range.is_empty() {
            if let Some(d) = f.places.doc_index(h.range.start) {
                let doc = f.doc(d);
                // What the untaken branch of a condition would write; an
                // empty value is written where it is, after its key.
                let branch = (h.role == Role::Insert
                    && self
                        .decision(h)
                        .is_some_and(|d| d.kind != DecisionKind::Value))
                .then(|| self.branch_start(f, h))
                .flatten();
                let path = branch
                    .and_then(|b| doc.path_of_insert(text, h.range.start, &b))
                    .unwrap_or_else(|| doc.path_of_point(text, h.range.start));
                out.push(ManifestPlace {
                    file: h.file,
                    doc: d,
                    path,
                });
            }
            return out;
        }
        if text[h.range.clone()].trim().is_empty() {
            return out;
        }
        let first = f
            .places
            .docs
            .partition_point(|d| d.range.end <= h.range.start);
        for (d, slot) in f.places.docs.iter().enumerate().skip(first) {
            if slot.range.start >= h.range.end {
                break;
            }
            let r = h.range.start.max(slot.range.start)..h.range.end.min(slot.range.end);
            if text[r.clone()].trim().is_empty() {
                continue;
            }
            let path = f.doc(d).path_of_range(text, r);
            out.push(ManifestPlace {
                file: h.file,
                doc: d,
                path,
            });
        }
        out
    }

    /// What the untaken branch of an insertion point would write first,
    /// its indentation moved as the template's text before the point was
    /// moved in the output (a template included with `nindent`).
    fn branch_start(&self, f: &FileIndex<'_>, h: &Hit) -> Option<BranchStart> {
        let loc = h.loc?;
        let templates = &self.out.templates;
        if (loc.file.0 as usize) >= templates.len() {
            return None;
        }
        let tf = templates.file(loc.file);
        if tf.tpl_call.is_some() {
            return None;
        }
        let mut b = BranchStart::read(&tf.text, loc.offset as usize)?;
        // The line before the point: its first visible byte's output column
        // against its template column, when the same template wrote it.
        let text = f.text.as_str();
        let before = text[..h.range.start].trim_end().len();
        let line = text[..before].rfind('\n').map_or(0, |n| n + 1);
        let first = line + (before - line) - text[line..before].trim_start().len();
        let run = runs_in(f.text, &(first..first + 1)).next()?;
        if let Some(at) = self.out.literal_loc(f.text, run, first) {
            if at.file == loc.file {
                let src = tf.text.as_str();
                let off = at.offset as usize;
                let tcol = off - src[..off].rfind('\n').map_or(0, |n| n + 1);
                let ocol = first - line;
                b.indent = (b.indent + ocol).saturating_sub(tcol);
            }
        }
        Some(b)
    }

    /// The documents whose resource is `kind/name` (kind compared without case).
    pub fn find_resource(&self, kind: &str, name: &str) -> Vec<(u32, usize)> {
        let mut found = Vec::new();
        for (fi, f) in self.files.iter().enumerate() {
            for (d, slot) in f.places.docs.iter().enumerate() {
                // Parse only documents that mention the name.
                if !f.text.as_str()[slot.range.clone()].contains(name) {
                    continue;
                }
                let doc = f.doc(d);
                if doc
                    .kind
                    .as_deref()
                    .is_some_and(|k| k.eq_ignore_ascii_case(kind))
                    && doc.name.as_deref() == Some(name)
                {
                    found.push((fi as u32, d));
                }
            }
        }
        found
    }

    /// Every resource of the render (`Kind/name`), for suggestions.
    pub fn resources(&self) -> Vec<String> {
        let mut v = Vec::new();
        for f in &self.files {
            for d in 0..f.places.docs.len() {
                if let Some(r) = f.doc(d).resource() {
                    v.push(r);
                }
            }
        }
        v.sort();
        v.dedup();
        v
    }

    /// The byte range of `path` (and what is under it) in a document.
    pub fn range_of(&self, file: u32, doc: usize, path: &[Seg]) -> Option<Range<usize>> {
        if path.is_empty() {
            return Some(self.files[file as usize].places.docs[doc].range.clone());
        }
        self.files[file as usize].doc(doc).range_of(path)
    }

    /// Every path of a document with a leaf, for suggestions.
    pub fn paths(&self, file: u32, doc: usize) -> Vec<&[Seg]> {
        let d = self.files[file as usize].doc(doc);
        d.paths.iter().map(Vec::as_slice).collect()
    }
}

/// True when `a` is `b` or under it.
pub fn within(a: &[Seg], b: &[Seg]) -> bool {
    is_prefix(b, a)
}
