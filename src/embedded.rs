//! Embedded documents: the text artifacts inside rendered manifests.
//!
//! A rendered file is a YAML stream. A ConfigMap or Secret carries configs as
//! `data`/`stringData` entries, usually block scalars (`config.alloy: |`).
//! This module finds those entries with a line scanner that keeps byte
//! offsets: every content line of an entry maps back to its byte range in
//! the rendered file, so queries on the config land on the file's trace.

use std::ops::Range;

/// One content line of an embedded document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLine {
    /// Byte range of the line's content (indentation and newline excluded) in the rendered file.
    pub file_range: Range<usize>,
    /// Byte offset of this line in the embedded document's own text.
    pub doc_offset: usize,
}

/// A text artifact found in a rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedDoc {
    /// `kind` of the manifest (`ConfigMap`, `Secret`).
    pub kind: String,
    /// `metadata.name` of the manifest.
    pub name: String,
    /// The data key (`config.alloy`).
    pub key: String,
    /// The document text as the consumer sees it (block scalar content, unindented).
    pub text: String,
    /// Its lines, in order, with their places in the rendered file.
    pub lines: Vec<ContentLine>,
}

impl EmbeddedDoc {
    /// Map a byte offset of the document text to the rendered file.
    pub fn to_file_offset(&self, doc_offset: usize) -> Option<usize> {
        let i = self
            .lines
            .partition_point(|l| l.doc_offset <= doc_offset)
            .checked_sub(1)?;
        let line = &self.lines[i];
        let delta = doc_offset - line.doc_offset;
        let len = line.file_range.len();
        // Offsets past the content (the newline) map to the line end.
        Some(line.file_range.start + delta.min(len))
    }

    /// Map a byte range of the document text to a file range.
    pub fn to_file_range(&self, r: Range<usize>) -> Option<Range<usize>> {
        let s = self.to_file_offset(r.start)?;
        let e = if r.end > r.start {
            self.to_file_offset(r.end - 1).map(|x| x + 1)?
        } else {
            s
        };
        Some(s..e.max(s))
    }

    /// The 1-based line number within the document of a doc offset.
    pub fn line_of(&self, doc_offset: usize) -> usize {
        self.lines
            .partition_point(|l| l.doc_offset <= doc_offset)
            .max(1)
    }
}

struct Line<'a> {
    start: usize,
    text: &'a str,
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(Line {
                start,
                text: &text[start..i],
            });
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(Line {
            start,
            text: &text[start..],
        });
    }
    out
}

fn indent_of(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

/// Split `key: value` at the first `: ` (or trailing `:`) outside quotes.
fn split_key(s: &str) -> Option<(String, &str)> {
    let t = s.trim_start();
    if t.starts_with('#') || t.starts_with("- ") {
        return None;
    }
    let (key, rest) = if let Some(stripped) = t.strip_prefix('"') {
        let end = stripped.find('"')?;
        (stripped[..end].to_string(), &stripped[end + 1..])
    } else if let Some(stripped) = t.strip_prefix('\'') {
        let end = stripped.find('\'')?;
        (stripped[..end].to_string(), &stripped[end + 1..])
    } else {
        let idx = t
            .find(": ")
            .or_else(|| t.strip_suffix(':').map(|x| x.len()))?;
        (t[..idx].to_string(), &t[idx..])
    };
    let rest = rest.strip_prefix(':')?;
    Some((key, rest.trim()))
}

/// Unquote a flow scalar value as YAML would (the common cases).
fn scalar_value(v: &str) -> String {
    let v = v.trim();
    if let Some(inner) = v.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some(o) => {
                        out.push('\\');
                        out.push(o);
                    }
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        return out;
    }
    if let Some(inner) = v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        return inner.replace("''", "'");
    }
    v.to_string()
}

/// Find the `data`/`stringData` entries of every ConfigMap and Secret in a rendered file.
pub fn find_embedded(text: &str) -> Vec<EmbeddedDoc> {
    let lines = split_lines(text);
    let mut docs = Vec::new();
    let mut i = 0;
    // Per YAML document state.
    let mut kind = String::new();
    let mut name = String::new();
    let mut pending: Vec<EmbeddedDoc> = Vec::new();
    let mut in_metadata = false;
    let mut in_data = false;
    let flush =
        |pending: &mut Vec<EmbeddedDoc>, docs: &mut Vec<EmbeddedDoc>, kind: &str, name: &str| {
            for mut d in pending.drain(..) {
                if kind == "ConfigMap" || kind == "Secret" {
                    d.kind = kind.to_string();
                    d.name = name.to_string();
                    docs.push(d);
                }
            }
        };
    while i < lines.len() {
        let line = &lines[i];
        let t = line.text;
        if t == "---" || t.starts_with("--- ") {
            flush(&mut pending, &mut docs, &kind, &name);
            kind.clear();
            name.clear();
            in_metadata = false;
            in_data = false;
            i += 1;
            continue;
        }
        let ind = indent_of(t);
        if t.trim().is_empty() || t.trim_start().starts_with('#') {
            i += 1;
            continue;
        }
        if ind == 0 {
            in_metadata = false;
            in_data = false;
            if let Some((k, v)) = split_key(t) {
                match k.as_str() {
                    "kind" => kind = scalar_value(v),
                    "metadata" => in_metadata = true,
                    "data" | "stringData" => in_data = v.is_empty(),
                    _ => {}
                }
            }
            i += 1;
            continue;
        }
        if in_metadata && ind == 2 {
            if let Some((k, v)) = split_key(t) {
                if k == "name" {
                    name = scalar_value(v);
                }
            }
            i += 1;
            continue;
        }
        if in_data {
            if let Some((key, v)) = split_key(t) {
                let entry_indent = ind;
                if v.starts_with('|') || v.starts_with('>') {
                    let (doc, next) = block_scalar(&lines, i + 1, entry_indent, v, text.len());
                    let mut doc = doc;
                    doc.key = key;
                    pending.push(doc);
                    i = next;
                    continue;
                } else if !v.is_empty() {
                    let content = scalar_value(v);
                    let vstart =
                        line.start + (t.len() - t.trim_start().len()) + t.trim_start().len()
                            - v.len();
                    let mut lines_out = Vec::new();
                    let mut off = 0;
                    for l in content.split_inclusive('\n') {
                        let body = l.trim_end_matches('\n');
                        lines_out.push(ContentLine {
                            file_range: vstart..vstart + v.len(),
                            doc_offset: off,
                        });
                        off += body.len() + (l.len() - body.len());
                    }
                    pending.push(EmbeddedDoc {
                        kind: String::new(),
                        name: String::new(),
                        key,
                        text: content,
                        lines: lines_out,
                    });
                }
            }
        }
        i += 1;
    }
    flush(&mut pending, &mut docs, &kind, &name);
    docs
}

/// Read a block scalar whose header (`|`, `|-`, `|2+`, ...) is `header`,
/// starting at line `first`. Returns the document and the next line index.
fn block_scalar(
    lines: &[Line<'_>],
    first: usize,
    parent_indent: usize,
    header: &str,
    file_len: usize,
) -> (EmbeddedDoc, usize) {
    let spec = header.trim_start_matches(['|', '>']);
    let chomp = if spec.contains('-') {
        '-'
    } else if spec.contains('+') {
        '+'
    } else {
        ' '
    };
    let explicit: Option<usize> = spec
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10))
        .map(|d| parent_indent + d as usize);
    // Content indentation: explicit, or that of the first non-empty line.
    let mut content_indent = explicit;
    let mut j = first;
    let mut end = first;
    while j < lines.len() {
        let t = lines[j].text;
        if t.trim().is_empty() {
            j += 1;
            continue;
        }
        let ind = indent_of(t);
        let ci = *content_indent.get_or_insert(ind);
        if ind < ci || ind <= parent_indent {
            break;
        }
        j += 1;
        end = j;
    }
    let ci = content_indent.unwrap_or(parent_indent + 2);
    let mut text = String::new();
    let mut out_lines = Vec::new();
    for line in &lines[first..end] {
        let t = line.text;
        let (skip, body) = if t.len() >= ci {
            (ci, &t[ci..])
        } else {
            (t.len(), "")
        };
        out_lines.push(ContentLine {
            file_range: line.start + skip..line.start + skip + body.len(),
            doc_offset: text.len(),
        });
        text.push_str(body);
        text.push('\n');
    }
    // Trailing blank lines belong to the scalar only with `+`.
    let mut k = end;
    while k < lines.len() && lines[k].text.trim().is_empty() {
        k += 1;
    }
    match chomp {
        '-' => {
            while text.ends_with('\n') {
                text.pop();
            }
        }
        '+' => {
            for line in &lines[end..k] {
                out_lines.push(ContentLine {
                    file_range: line.start..line.start,
                    doc_offset: text.len(),
                });
                text.push('\n');
            }
        }
        _ => {
            while text.ends_with("\n\n") {
                text.pop();
            }
        }
    }
    let _ = file_len;
    (
        EmbeddedDoc {
            kind: String::new(),
            name: String::new(),
            key: String::new(),
            text,
            lines: out_lines,
        },
        end,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const CM: &str = "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rel-alloy-logs\n  namespace: default\ndata:\n  config.alloy: |\n    loki.process \"pod_logs\" {\n      forward_to = []\n    }\n\n    // end\n  other: plain value\n---\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: |-\n    a\n     b\n";

    #[test]
    fn finds_block_scalars_with_offsets() {
        let docs = find_embedded(CM);
        assert_eq!(docs.len(), 3);
        let d = &docs[0];
        assert_eq!(
            (d.kind.as_str(), d.name.as_str(), d.key.as_str()),
            ("ConfigMap", "rel-alloy-logs", "config.alloy")
        );
        assert_eq!(
            d.text,
            "loki.process \"pod_logs\" {\n  forward_to = []\n}\n\n// end\n"
        );
        // Every content line maps to the same text in the file.
        for (i, l) in d.lines.iter().enumerate() {
            let body = d.text[l.doc_offset..].split('\n').next().unwrap_or("");
            assert_eq!(&CM[l.file_range.clone()], body, "line {i}");
        }
        assert_eq!(docs[1].key, "other");
        assert_eq!(docs[1].text, "plain value");
        assert_eq!(docs[2].kind, "Secret");
        assert_eq!(docs[2].text, "a\n b");
    }

    #[test]
    fn maps_doc_offsets_to_file() {
        let docs = find_embedded(CM);
        let d = &docs[0];
        let off = d.text.find("forward_to").unwrap_or(0);
        let f = d.to_file_offset(off).unwrap_or(0);
        assert!(CM[f..].starts_with("forward_to"));
    }
}
