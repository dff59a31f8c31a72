//! Manifest places: every byte of a rendered YAML file belongs to a
//! document, named by its resource (`Kind/name`), and to a YAML path inside
//! it (`spec.template.spec.containers[0].image`,
//! `metadata.annotations["checksum/config"]`). A block scalar whose content
//! is itself YAML or JSON (a ConfigMap's `prometheus.yml`, a JSON dashboard)
//! continues the path inside it: `data["prometheus.yml"].scrape_configs[2].job_name`.
//!
//! Documents are found by their `---` lines and parsed on demand (most
//! documents of a large render, CRDs, hold no values and are never asked
//! about). Parsing uses saphyr's event parser for the byte span of every
//! scalar; a document that does not parse has no paths, only its range.

use std::cell::OnceCell;
use std::ops::Range;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// One step of a YAML path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A YAML path: dot-separated keys, `[N]` for list items, `["..."]` around
/// keys that are not plain words (dots, slashes, spaces, ...).
pub fn format_path(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
            Seg::Key(k) if is_plain_key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Key(k) => {
                s.push_str("[\"");
                for c in k.chars() {
                    if c == '"' || c == '\\' {
                        s.push('\\');
                    }
                    s.push(c);
                }
                s.push_str("\"]");
            }
        }
    }
    s
}

fn is_plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// A malformed `--path`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad path {path:?} at byte {at}: {why}")]
pub struct PathError {
    /// The path as given.
    pub path: String,
    /// Byte offset of the problem.
    pub at: usize,
    /// What is wrong.
    pub why: &'static str,
}

/// Parse a path written as [`format_path`] writes it.
pub fn parse_path(path: &str) -> Result<Vec<Seg>, PathError> {
    let err = |at, why| PathError {
        path: path.to_string(),
        at,
        why,
    };
    let b = path.as_bytes();
    let mut segs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'[' {
            if b.get(i + 1) == Some(&b'"') {
                let mut key = String::new();
                let mut j = i + 2;
                let mut chars = path[j..].char_indices();
                loop {
                    match chars.next() {
                        None => return Err(err(i, "unclosed quoted key")),
                        Some((k, '\\')) => match chars.next() {
                            Some((_, c)) => key.push(c),
                            None => return Err(err(j + k, "unclosed quoted key")),
                        },
                        Some((k, '"')) => {
                            j += k + 1;
                            break;
                        }
                        Some((_, c)) => key.push(c),
                    }
                }
                if b.get(j) != Some(&b']') {
                    return Err(err(j, "expected ] after a quoted key"));
                }
                segs.push(Seg::Key(key));
                i = j + 1;
            } else {
                let end = path[i..]
                    .find(']')
                    .map(|e| i + e)
                    .ok_or_else(|| err(i, "unclosed ["))?;
                let n = path[i + 1..end]
                    .parse::<usize>()
                    .map_err(|_| err(i + 1, "expected a list index or a quoted key in [ ]"))?;
                segs.push(Seg::Index(n));
                i = end + 1;
            }
        } else if b[i] == b'.' {
            if i == 0 || i + 1 == b.len() || b[i + 1] == b'.' {
                return Err(err(i, "empty key"));
            }
            i += 1;
        } else {
            let end = path[i..].find(['.', '[']).map_or(path.len(), |e| i + e);
            segs.push(Seg::Key(path[i..end].to_string()));
            i = end;
        }
    }
    Ok(segs)
}

/// True when `prefix` is a prefix of `path` (or equal).
pub fn is_prefix(prefix: &[Seg], path: &[Seg]) -> bool {
    path.len() >= prefix.len() && path[..prefix.len()] == *prefix
}

/// A scalar (or empty collection) of a document, with its path.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// Byte range in the rendered file.
    pub range: Range<usize>,
    /// Index into [`Document::paths`].
    pub path: u32,
    /// True for a mapping key (its path is the entry's).
    pub key: bool,
}

/// A parsed YAML document of a rendered file.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// `kind`, when the document is a mapping with one.
    pub kind: Option<String>,
    /// `metadata.name`.
    pub name: Option<String>,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// Distinct paths; leaves refer to them by index.
    pub paths: Vec<Vec<Seg>>,
    /// Scalars and empty collections, sorted by start.
    pub leaves: Vec<Leaf>,
    /// Block scalars holding an embedded document: their whole range and
    /// path (text of the embedded document that is no scalar belongs here).
    pub holders: Vec<(Range<usize>, u32)>,
}

impl Document {
    /// `Kind/name`, when the document has both.
    pub fn resource(&self) -> Option<String> {
        Some(format!("{}/{}", self.kind.as_ref()?, self.name.as_ref()?))
    }

    /// The path of a byte range: the deepest path shared by every leaf the
    /// range touches (whitespace at its ends left out); a range touching no
    /// leaf is at the innermost embedded document holding it, else at the
    /// document's root.
    pub fn path_of_range(&self, text: &str, range: Range<usize>) -> Vec<Seg> {
        let r = trim_range(text, range);
        if r.is_empty() {
            return self.path_of_point(text, r.start);
        }
        let first = self.leaves.partition_point(|l| l.range.end <= r.start);
        let mut common: Option<&[Seg]> = None;
        for l in self.leaves[first..]
            .iter()
            .take_while(|l| l.range.start < r.end)
        {
            if l.range.end <= r.start {
                continue;
            }
            let p = &self.paths[l.path as usize];
            common = Some(match common {
                None => p,
                Some(c) => {
                    let n = c.iter().zip(p.iter()).take_while(|(a, b)| a == b).count();
                    &c[..n]
                }
            });
        }
        match common {
            Some(c) => c.to_vec(),
            None => self.holder_at(r.start),
        }
    }

    /// The path of an insertion point: after a mapping key, the key's entry;
    /// after a value, the collection holding it.
    pub fn path_of_point(&self, text: &str, off: usize) -> Vec<Seg> {
        // Back over whitespace to the end of the text before the point.
        let off = text[..off.min(text.len())].trim_end().len();
        let i = self.leaves.partition_point(|l| l.range.start < off);
        let Some(l) = self.leaves[..i].iter().rev().find(|l| !l.range.is_empty()) else {
            return Vec::new();
        };
        let p = &self.paths[l.path as usize];
        if l.key || l.range.end > off {
            p.clone()
        } else {
            p[..p.len().saturating_sub(1)].to_vec()
        }
    }

    /// The path an insertion point would fill, given what the untaken
    /// branch would write ([`BranchStart`]): the collection whose entries
    /// sit at the branch's indentation before the point, plus the key the
    /// branch starts with. `None` when no such collection is found.
    pub fn path_of_insert(&self, text: &str, off: usize, branch: &BranchStart) -> Option<Vec<Seg>> {
        let off = text[..off.min(text.len())].trim_end().len();
        let i = self.leaves.partition_point(|l| l.range.start < off);
        let col = |start: usize| start - text[..start].rfind('\n').map_or(0, |n| n + 1);
        let mut collection: Option<Vec<Seg>> = None;
        for (n, l) in self.leaves[..i].iter().rev().enumerate().take(2000) {
            if l.range.is_empty() {
                continue;
            }
            let p = &self.paths[l.path as usize];
            let c = col(l.range.start);
            let item = l.range.start >= 2 && text.as_bytes()[l.range.start - 2] == b'-';
            if item && c >= 2 && c - 2 == branch.indent {
                // `- x` or `- key: x` at the branch's column: that sequence.
                let cut = p.iter().rposition(|s| matches!(s, Seg::Index(_)))?;
                collection = Some(p[..cut].to_vec());
                break;
            }
            if !l.key {
                continue;
            }
            if c == branch.indent {
                collection = Some(p[..p.len().saturating_sub(1)].to_vec());
                break;
            }
            if c < branch.indent {
                // A key right before the point, its value empty: the branch fills it.
                collection = (n == 0).then(|| p.clone());
                break;
            }
        }
        let mut path = collection?;
        if let Some(k) = &branch.key {
            path.push(Seg::Key(k.clone()));
        }
        Some(path)
    }

    fn holder_at(&self, off: usize) -> Vec<Seg> {
        self.holders
            .iter()
            .filter(|(r, _)| r.start <= off && off < r.end)
            .max_by_key(|(_, p)| self.paths[*p as usize].len())
            .map(|(_, p)| self.paths[*p as usize].clone())
            .unwrap_or_default()
    }

    /// Byte range covered by `path` and everything under it, when any leaf has it.
    pub fn range_of(&self, path: &[Seg]) -> Option<Range<usize>> {
        let mut r: Option<Range<usize>> = None;
        for l in &self.leaves {
            if is_prefix(path, &self.paths[l.path as usize]) {
                r = Some(match r {
                    None => l.range.clone(),
                    Some(x) => x.start.min(l.range.start)..x.end.max(l.range.end),
                });
            }
        }
        r
    }
}

/// What an untaken branch of the template would write first: the
/// indentation of its first line and, when that line is a mapping entry,
/// its key (read from the template's text after the condition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchStart {
    /// Column of the first line's text.
    pub indent: usize,
    /// The key the line starts with (`ipFamilyPolicy:`), if any.
    pub key: Option<String>,
}

impl BranchStart {
    /// Read the branch after the action at `offset` of a template `src`:
    /// its literal text up to the next action, first non-blank line.
    pub fn read(src: &str, offset: usize) -> Option<BranchStart> {
        let rest = src.get(offset..)?;
        let close = rest.find("}}")? + 2;
        let body = &rest[close..];
        let body = &body[..body.find("{{").unwrap_or(body.len())];
        // The first line with text, only when a newline comes before it
        // (text on the action's own line has no indentation of its own).
        let mut lines = body.split('\n');
        lines.next()?;
        let line = lines.find(|l| !l.trim().is_empty())?;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let t = line.trim_start();
        let key = if t.starts_with("- ") || t.starts_with('#') {
            None
        } else {
            t.split_once(':')
                .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
                .filter(|k| !k.is_empty() && !k.contains(' '))
                .map(str::to_string)
        };
        Some(BranchStart { indent, key })
    }
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let end = r.end.min(text.len());
    let start = r.start.min(end);
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    (start + lead)..(start + lead + t.len())
}

/// One `---`-separated document of a rendered file, parsed on first use.
#[derive(Debug)]
pub struct DocSlot {
    /// Byte range of the document's text (the `---` line excluded).
    pub range: Range<usize>,
    parsed: OnceCell<Document>,
}

/// The documents of a rendered file.
#[derive(Debug)]
pub struct FilePlaces {
    /// Documents in file order.
    pub docs: Vec<DocSlot>,
}

impl FilePlaces {
    /// Split `text` into documents at its `---` lines.
    pub fn split(text: &str) -> FilePlaces {
        let mut docs = Vec::new();
        let mut start = 0;
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let bare = line.trim_end();
            if bare == "---" || bare.starts_with("--- ") {
                if pos > start {
                    docs.push(start..pos);
                }
                start = pos + line.len();
            }
            pos += line.len();
        }
        if pos > start {
            docs.push(start..pos);
        }
        FilePlaces {
            docs: docs
                .into_iter()
                .map(|range| DocSlot {
                    range,
                    parsed: OnceCell::new(),
                })
                .collect(),
        }
    }

    /// Index of the document holding `off` (a point at a document's end
    /// belongs to it).
    pub fn doc_index(&self, off: usize) -> Option<usize> {
        let i = self.docs.partition_point(|d| d.range.end < off);
        (i < self.docs.len() && self.docs[i].range.start <= off).then_some(i)
    }

    /// Document `i`, parsed.
    pub fn doc(&self, text: &str, i: usize) -> &Document {
        let slot = &self.docs[i];
        slot.parsed
            .get_or_init(|| parse_document(text, slot.range.clone()))
    }
}

/// Maps offsets of a parsed text to the rendered file.
enum OffsetMap<'a> {
    /// The text is the file's bytes from this offset.
    Shifted(usize),
    /// Reassembled block scalar content: per line, (text offset, file offset).
    Lines(&'a [(usize, usize)]),
}

impl OffsetMap<'_> {
    fn to_file(&self, off: usize) -> usize {
        match self {
            OffsetMap::Shifted(base) => base + off,
            OffsetMap::Lines(lines) => {
                let i = lines.partition_point(|l| l.0 <= off).saturating_sub(1);
                match lines.get(i) {
                    Some(&(t, f)) => f + (off - t),
                    None => off,
                }
            }
        }
    }
}

/// How deep embedded documents are followed.
const MAX_EMBED_DEPTH: usize = 3;

fn parse_document(file: &str, range: Range<usize>) -> Document {
    let mut doc = Document::default();
    let text = &file[range.clone()];
    let mut w = Walker {
        file,
        doc: &mut doc,
        map: OffsetMap::Shifted(range.start),
        chars: CharMap::new(text),
        depth: 0,
        top: true,
    };
    let mut path = Vec::new();
    if w.parse(text, &mut path).is_err() {
        doc.paths.clear();
        doc.leaves.clear();
        doc.holders.clear();
    }
    doc.leaves.sort_by_key(|l| (l.range.start, l.range.end));
    doc
}

/// Character index → byte offset (saphyr's marks count characters).
struct CharMap(Option<Vec<usize>>, usize);

impl CharMap {
    fn new(text: &str) -> Self {
        let v = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        CharMap(v, text.len())
    }
    fn byte(&self, i: usize) -> usize {
        match &self.0 {
            None => i.min(self.1),
            Some(v) => v.get(i).copied().unwrap_or(self.1),
        }
    }
}

struct Walker<'f, 'd, 'm> {
    file: &'f str,
    doc: &'d mut Document,
    map: OffsetMap<'m>,
    chars: CharMap,
    depth: usize,
    top: bool,
}

struct Bad;

type Ev<'t> = (Event<'t>, Span);

impl Walker<'_, '_, '_> {
    fn parse(&mut self, text: &str, path: &mut Vec<Seg>) -> Result<(), Bad> {
        let mut p = Parser::new_from_str(text);
        loop {
            let (ev, sp) = next(&mut p)?;
            match ev {
                Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
                Event::StreamEnd | Event::DocumentEnd => return Ok(()),
                ev => {
                    self.node(&mut p, (ev, sp), path)?;
                    return Ok(());
                }
            }
        }
    }

    fn range(&self, sp: &Span) -> Range<usize> {
        let s = self.map.to_file(self.chars.byte(sp.start.index()));
        let e = self.map.to_file(self.chars.byte(sp.end.index()));
        s..e.max(s)
    }

    fn path_id(&mut self, path: &[Seg]) -> u32 {
        // Leaves of one path are usually adjacent: look at the last few.
        let n = self.doc.paths.len();
        for i in (n.saturating_sub(4)..n).rev() {
            if self.doc.paths[i] == path {
                return i as u32;
            }
        }
        self.doc.paths.push(path.to_vec());
        n as u32
    }

    fn leaf(&mut self, range: Range<usize>, path: &[Seg], key: bool) {
        let path = self.path_id(path);
        self.doc.leaves.push(Leaf { range, path, key });
    }

    /// Walk one node; returns its file range.
    fn node<'t>(
        &mut self,
        p: &mut Parser<'t, saphyr_parser::StrInput<'t>>,
        (ev, sp): Ev<'t>,
        path: &mut Vec<Seg>,
    ) -> Result<Range<usize>, Bad> {
        let r = self.range(&sp);
        match ev {
            Event::Scalar(value, style, _, _) => {
                let r = if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    self.block_scalar(r, &value, path)
                } else {
                    self.leaf(r.clone(), path, false);
                    r
                };
                if self.top {
                    self.identity(path, &value);
                }
                Ok(r)
            }
            Event::SequenceStart(..) => {
                let mut end = r.end;
                let mut i = 0;
                loop {
                    let item = next(p)?;
                    if matches!(item.0, Event::SequenceEnd) {
                        break;
                    }
                    path.push(Seg::Index(i));
                    let ir = self.node(p, item, path)?;
                    path.pop();
                    end = end.max(ir.end);
                    i += 1;
                }
                if i == 0 {
                    self.leaf(r.start..end.max(r.start + 1), path, false);
                }
                Ok(r.start..end)
            }
            Event::MappingStart(..) => {
                let mut end = r.end;
                let mut n = 0;
                loop {
                    let k = next(p)?;
                    if matches!(k.0, Event::MappingEnd) {
                        break;
                    }
                    n += 1;
                    let kr = self.range(&k.1);
                    let name = match &k.0 {
                        Event::Scalar(v, ..) => v.to_string(),
                        _ => {
                            // A complex key: walk it under a placeholder.
                            path.push(Seg::Key("?".to_string()));
                            self.node(p, k, path)?;
                            path.pop();
                            "?".to_string()
                        }
                    };
                    path.push(Seg::Key(name));
                    self.leaf(kr.clone(), path, true);
                    let v = next(p)?;
                    let vr = self.node(p, v, path)?;
                    path.pop();
                    end = end.max(vr.end).max(kr.end);
                }
                if n == 0 {
                    self.leaf(r.start..end.max(r.start + 1), path, false);
                }
                Ok(r.start..end)
            }
            Event::Alias(_) => {
                self.leaf(r.clone(), path, false);
                Ok(r)
            }
            _ => Err(Bad),
        }
    }

    /// `kind`, `metadata.name` and `metadata.namespace` of the document.
    fn identity(&mut self, path: &[Seg], value: &str) {
        let key = |s: &Seg, k: &str| matches!(s, Seg::Key(x) if x == k);
        match path {
            [a] if key(a, "kind") => self.doc.kind = Some(value.to_string()),
            [a, b] if key(a, "metadata") && key(b, "name") => {
                self.doc.name = Some(value.to_string());
            }
            [a, b] if key(a, "metadata") && key(b, "namespace") => {
                self.doc.namespace = Some(value.to_string());
            }
            _ => {}
        }
    }

    /// A `|` or `>` scalar: its range runs to the end of its content; when
    /// the content is a YAML or JSON collection, its nodes become leaves
    /// under this path.
    fn block_scalar(&mut self, r: Range<usize>, value: &str, path: &[Seg]) -> Range<usize> {
        let file = self.file;
        // saphyr's span starts at the indicator or at the content: find the
        // indicator, then take the lines after it (more indented, or blank).
        let r = if file[r.start..].starts_with(['|', '>']) {
            r
        } else {
            file[..r.start].rfind(['|', '>']).unwrap_or(r.start)..r.end
        };
        let Some(nl) = file[r.start..].find('\n').map(|i| r.start + i + 1) else {
            self.leaf(r.clone(), path, false);
            return r;
        };
        let line_start = file[..r.start].rfind('\n').map_or(0, |i| i + 1);
        let parent_indent = indent(&file[line_start..r.start]);
        let mut lines: Vec<(usize, &str)> = Vec::new();
        let mut pos = nl;
        for line in file[nl..].split_inclusive('\n') {
            let body = line.trim_end_matches('\n');
            if !body.trim().is_empty() && indent(body) <= parent_indent {
                break;
            }
            lines.push((pos, body));
            pos += line.len();
        }
        while lines.last().is_some_and(|(_, l)| l.trim().is_empty()) {
            lines.pop();
        }
        let end = lines
            .last()
            .map_or(r.end, |(s, l)| s + l.len())
            .max(r.start + 1);
        let whole = r.start..end;
        let embed = self.depth < MAX_EMBED_DEPTH
            && !path
                .last()
                .is_some_and(|s| matches!(s, Seg::Key(k) if k.ends_with(".alloy")))
            && matches!(value.trim_start().chars().next(), Some(c) if c != '#');
        if embed {
            let ind = lines
                .iter()
                .find(|(_, l)| !l.trim().is_empty())
                .map_or(0, |(_, l)| indent(l));
            let mut content = String::new();
            let mut table: Vec<(usize, usize)> = Vec::new();
            for (s, l) in &lines {
                let cut = ind.min(indent(l));
                table.push((content.len(), s + cut));
                content.push_str(&l[cut..]);
                content.push('\n');
            }
            if let Some(inner) = embedded(file, &content, &table, path, self.depth + 1) {
                let holder = self.path_id(path);
                let base = self.doc.paths.len() as u32;
                for p in inner.paths {
                    self.doc.paths.push(p);
                }
                self.doc
                    .leaves
                    .extend(inner.leaves.into_iter().map(|mut l| {
                        l.path += base;
                        l
                    }));
                self.doc.holders.push((whole.clone(), holder));
                self.doc
                    .holders
                    .extend(inner.holders.into_iter().map(|(r, p)| (r, p + base)));
                return whole;
            }
        }
        self.leaf(whole.clone(), path, false);
        whole
    }
}

/// The collection embedded in a block scalar's `content`, as a document
/// whose leaves have file ranges and paths starting with `path`.
fn embedded(
    file: &str,
    content: &str,
    table: &[(usize, usize)],
    path: &[Seg],
    depth: usize,
) -> Option<Document> {
    let mut doc = Document::default();
    let mut w = Walker {
        file,
        doc: &mut doc,
        map: OffsetMap::Lines(table),
        chars: CharMap::new(content),
        depth,
        top: false,
    };
    let mut p = path.to_vec();
    w.parse(content, &mut p).ok()?;
    // Only a collection is a document; a plain text (a script, an Alloy
    // config) parses as one scalar and stays one leaf.
    let collection = doc
        .leaves
        .iter()
        .any(|l| doc.paths[l.path as usize].len() > path.len());
    collection.then_some(doc)
}

fn indent(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

fn next<'t>(p: &mut Parser<'t, saphyr_parser::StrInput<'t>>) -> Result<Ev<'t>, Bad> {
    match p.next_event() {
        Some(Ok(ev)) => Ok(ev),
        _ => Err(Bad),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn paths_of(text: &str, needle: &str) -> String {
        let fp = FilePlaces::split(text);
        let off = text.find(needle).expect("needle");
        let d = fp.doc(text, fp.doc_index(off).expect("doc"));
        format_path(&d.path_of_range(text, off..off + needle.len()))
    }

    #[test]
    fn paths_round_trip() {
        for p in [
            "spec.template.spec.containers[0].image",
            "metadata.annotations[\"checksum/config\"]",
            "data[\"prometheus.yml\"].scrape_configs[2].job_name",
            "[\"a\\\"b\"].c",
        ] {
            assert_eq!(format_path(&parse_path(p).unwrap()), p);
        }
        assert!(parse_path("a..b").is_err());
        assert!(parse_path("a[x]").is_err());
    }

    #[test]
    fn scalars_keys_and_embedded_documents() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    checksum/config: abc\ndata:\n  prometheus.yml: |\n    scrape_configs:\n      - job_name: a\n      - job_name: b\n        static: [x, y]\n  plain: hello\n---\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n";
        assert_eq!(
            paths_of(text, "abc"),
            "metadata.annotations[\"checksum/config\"]"
        );
        assert_eq!(
            paths_of(text, "checksum/config"),
            "metadata.annotations[\"checksum/config\"]"
        );
        assert_eq!(
            paths_of(text, "b\n"),
            "data[\"prometheus.yml\"].scrape_configs[1].job_name"
        );
        assert_eq!(
            paths_of(text, "y]"),
            "data[\"prometheus.yml\"].scrape_configs[1].static[1]"
        );
        assert_eq!(paths_of(text, "hello"), "data.plain");
        assert_eq!(paths_of(text, "80"), "spec.ports[0].port");
        let fp = FilePlaces::split(text);
        assert_eq!(fp.docs.len(), 2);
        assert_eq!(fp.doc(text, 0).resource().as_deref(), Some("ConfigMap/cm"));
        assert_eq!(fp.doc(text, 1).resource().as_deref(), Some("Service/svc"));
        // A range over several entries is at their common parent.
        let s = text.find("- job_name: a").unwrap();
        let e = text.find("static").unwrap();
        let d = fp.doc(text, 0);
        assert_eq!(
            format_path(&d.path_of_range(text, s..e)),
            "data[\"prometheus.yml\"].scrape_configs"
        );
        // A point after a key is that entry; after a value, its collection.
        let after_key = text.find("  annotations:").unwrap() + "  annotations:".len();
        assert_eq!(
            format_path(&d.path_of_point(text, after_key)),
            "metadata.annotations"
        );
        let after_val = text.find("hello").unwrap() + 5;
        assert_eq!(format_path(&d.path_of_point(text, after_val)), "data");
        assert!(d.range_of(&parse_path("data.plain").unwrap()).is_some());
    }
}
