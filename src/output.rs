//! Printing answers: aligned text tables for people, JSON for editors and scripts.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use serde_json::{json, Value as Json};

use crate::term::{self, middle, paint, Paint, Table};
use trace_value::query::{BlameLine, BlockMatch, KeyAnswer, KeyRow, ResourceMatch, Role};
use trace_value::render::RenderOutput;

/// The version of the `--format json` contract (docs/json.md,
/// docs/trace-value.schema.json): raised when a field changes meaning or
/// goes away, not when one is added.
pub const JSON_VERSION: u32 = 1;

/// A location as data: `{"file", "line", "column"}` from the `file:line` or
/// `file:line:column` text the query layer gives (`null` line or column
/// when the text has none; a trailing ` (note)` is left out).
fn loc(text: &str) -> Json {
    let text = match text.find(" (") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text,
    };
    let num = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let mut parts = text.rsplitn(3, ':');
    let last = parts.next().unwrap_or_default();
    let mid = parts.next();
    let first = parts.next();
    let (file, line, column) = match (num(last), mid, first) {
        (Some(c), Some(m), Some(f)) if num(m).is_some() => (f.to_string(), num(m), Some(c)),
        (Some(l), Some(m), Some(f)) => (format!("{f}:{m}"), Some(l), None),
        (Some(l), Some(m), None) => (m.to_string(), Some(l), None),
        _ => (text.to_string(), None, None),
    };
    json!({ "file": file, "line": line, "column": column })
}

fn locs(items: &[String]) -> Vec<Json> {
    items.iter().map(|s| loc(s)).collect()
}

/// A line range as data.
fn range(lines: (usize, usize)) -> Json {
    json!({ "start": lines.0, "end": lines.1 })
}

/// Print a JSON document with the contract version first.
fn write_doc(w: &mut dyn Write, body: Json) -> Result<()> {
    let mut doc = serde_json::Map::new();
    doc.insert("version".into(), json!(JSON_VERSION));
    if let Json::Object(fields) = body {
        doc.extend(fields);
    }
    serde_json::to_writer_pretty(&mut *w, &Json::Object(doc))?;
    writeln!(w)?;
    Ok(())
}

/// `docs --format json`: the reference with the contract version.
pub fn write_docs_json(w: &mut dyn Write, reference: Json) -> Result<()> {
    write_doc(w, reference)
}

/// One key's row as data.
fn key_row_json(k: &KeyRow, with_lines: bool) -> Json {
    let mut v = json!({
        "key": k.key,
        "role": k.role.as_str(),
        "value": k.value_json,
        "read_at": locs(&k.read_at),
        "set_at": k.set_at.as_deref().map(loc),
        "user_set": k.user_set,
    });
    if with_lines {
        v["lines"] = json!(k.lines);
    }
    v
}

/// How many context rows the default view shows.
const DEFAULT_CONTEXT_ROWS: usize = 3;

/// Print a table that fits the terminal (the shared layout of every text
/// answer: [`crate::term::Table`]); a column's colour follows its heading.
pub fn table(w: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    table_indented(w, 0, header, rows)
}

/// [`table`] under a group heading, indented by `indent` spaces.
fn table_indented(
    w: &mut dyn Write,
    indent: usize,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<()> {
    let paints: Vec<Paint> = header
        .iter()
        .map(|h| match *h {
            "ROLE" => Paint::Role,
            "KEY" => Paint::Key,
            "PROBLEM" => Paint::Strong,
            "READ AT" | "SET AT" | "TEMPLATE" | "AT" | "FILE" => Paint::Location,
            _ => Paint::Plain,
        })
        .collect();
    let mut t = Table::new(header, &paints).indent(indent);
    for r in rows {
        t.row(r.clone());
    }
    w.write_all(t.render().as_bytes())?;
    Ok(())
}

/// A heading line (a block, resource, file or path), cut to the width.
fn heading(w: &mut dyn Write, text: &str) -> Result<()> {
    writeln!(w, "{}", paint(Paint::Heading, &middle(text, term::width())))?;
    Ok(())
}

/// A note line, cut to the width.
fn note(w: &mut dyn Write, text: &str) -> Result<()> {
    writeln!(w, "{}", middle(text, term::width()))?;
    Ok(())
}

/// `{"files": {path: text}}`.
pub fn write_json_files(w: &mut dyn Write, out: &RenderOutput) -> Result<()> {
    let files: serde_json::Map<String, Json> = out
        .files
        .iter()
        .map(|(k, v)| (k.clone(), Json::String(v.as_str().to_string())))
        .collect();
    serde_json::to_writer_pretty(&mut *w, &json!({ "files": files }))?;
    writeln!(w)?;
    Ok(())
}

/// The `helm template` stream (`--include-crds`: the CRD files first;
/// `--skip-tests`: no test hooks).
pub fn write_stream(
    w: &mut dyn Write,
    out: &RenderOutput,
    show_only: &[String],
    include_crds: bool,
    skip_tests: bool,
) -> Result<()> {
    let files = out
        .files
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().to_string()))
        .collect();
    let crds: &[(String, std::sync::Arc<Vec<u8>>)] = if include_crds { &out.crds } else { &[] };
    let raw: BTreeMap<String, Vec<trace_value::traced::RawByte>> = out
        .files
        .iter()
        .filter(|(_, v)| !v.raw().is_empty())
        .map(|(k, v)| (k.clone(), v.raw().to_vec()))
        .collect();
    let flags = trace_value::manifest::StreamFlags {
        crds,
        skip_tests,
        raw: Some(&raw),
    };
    let text = trace_value::manifest::template_stream_flags(&files, flags, show_only)?;
    w.write_all(text.as_bytes())?;
    Ok(())
}

/// `--block` as text.
pub fn write_block_text(w: &mut dyn Write, matches: &[BlockMatch], all: bool) -> Result<()> {
    for (i, m) in matches.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        heading(w, &m.address)?;
        note(
            w,
            &format!(
                "  config lines {}-{} of {} ({})",
                m.lines.0, m.lines.1, m.collector, m.file
            ),
        )?;
        if let Some(at) = &m.header_at {
            note(w, &format!("  header written at {at}"))?;
        }
        writeln!(w)?;
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut hidden = 0;
        let mut i = 0;
        while i < m.keys.len() {
            let k = &m.keys[i];
            if k.role == Role::Context && !all && k.context_rank >= DEFAULT_CONTEXT_ROWS {
                hidden += 1;
                i += 1;
                continue;
            }
            // Items of one list with the same role and readers: one row.
            let (run, list) = list_run(&m.keys[i..]);
            if run >= 4 && !all {
                rows.push(vec![
                    k.role.as_str().to_string(),
                    format!("{list}[*] ({run} items)"),
                    String::new(),
                    k.read_at.join(", "),
                    k.set_at.clone().unwrap_or_default(),
                ]);
                i += run;
                continue;
            }
            rows.push(vec![
                k.role.as_str().to_string(),
                k.key.clone(),
                k.value.clone(),
                k.read_at.join(", "),
                k.set_at.clone().unwrap_or_default(),
            ]);
            i += 1;
        }
        table_indented(w, 2, &["ROLE", "KEY", "VALUE", "READ AT", "SET AT"], &rows)?;
        if hidden > 0 {
            writeln!(w, "  ({hidden} more context keys: --all shows them)")?;
        }
        // Where content keys land, one line per distinct set of lines.
        let mut landing: Vec<(Vec<usize>, Vec<&str>)> = Vec::new();
        for k in m
            .keys
            .iter()
            .filter(|k| k.role == Role::Content && !k.lines.is_empty())
        {
            match landing.iter_mut().find(|(lines, _)| *lines == k.lines) {
                Some((_, keys)) => keys.push(&k.key),
                None => landing.push((k.lines.clone(), vec![&k.key])),
            }
        }
        for (lines, keys) in landing {
            let lines: Vec<String> = lines.iter().map(usize::to_string).collect();
            let who = if keys.len() > 3 {
                format!("{} and {} more", keys[..2].join(", "), keys.len() - 2)
            } else {
                keys.join(", ")
            };
            note(
                w,
                &format!(
                    "  config line{} {}: {who}",
                    if lines.len() == 1 { "" } else { "s" },
                    lines.join(", ")
                ),
            )?;
        }
    }
    Ok(())
}

/// `--block` as JSON.
pub fn write_block_json(w: &mut dyn Write, matches: &[BlockMatch]) -> Result<()> {
    let arr: Vec<Json> = matches
        .iter()
        .map(|m| {
            json!({
                "address": m.address,
                "component_id": m.component_id,
                "collector": m.collector,
                "file": m.file,
                "lines": range(m.lines),
                "header_at": m.header_at.as_deref().map(loc),
                "keys": m.keys.iter().map(|k| key_row_json(k, true)).collect::<Vec<_>>(),
            })
        })
        .collect();
    write_doc(w, json!({ "matches": arr }))
}

/// `--key` as text: the key, its value and where it is set and read; then
/// what it renders into, one group per resource (manifests) or collector
/// (Alloy configs) with a heading instead of a column repeated on each row.
pub fn write_key_text(w: &mut dyn Write, a: &KeyAnswer) -> Result<()> {
    let width = term::width();
    writeln!(w, "{}", paint(Paint::Key, &middle(&a.key, width)))?;
    if !a.value.is_empty() {
        note(w, &format!("  value: {}", a.value))?;
    }
    for d in &a.defined_at {
        note(w, &format!("  set at: {d}"))?;
    }
    if a.chain.len() > 1 {
        let links: Vec<String> = a
            .chain
            .iter()
            .map(|l| {
                if l.won {
                    format!("{} (wins)", l.at)
                } else {
                    l.at.clone()
                }
            })
            .collect();
        note(w, &format!("  override chain: {}", links.join(" < ")))?;
    }
    if a.covered.len() > 1 {
        writeln!(w, "  covers {} keys below it", a.covered.len() - 1)?;
    }
    if a.read_at.is_empty() {
        writeln!(w, "  read at: (no template read it)")?;
    } else {
        writeln!(w, "  read at:")?;
        for r in &a.read_at {
            writeln!(
                w,
                "    {}",
                paint(Paint::Location, &middle(r, width.saturating_sub(4)))
            )?;
        }
    }
    if let Some(why) = &a.no_effect {
        writeln!(w)?;
        note(w, &format!("No effect on the output: {why}"))?;
        return Ok(());
    }
    // Manifest places, grouped by resource (and file, when two documents
    // share kind and name).
    let manifest = a.manifest.iter().map(|m| {
        let shared = a
            .manifest
            .iter()
            .any(|o| o.resource == m.resource && (o.namespace != m.namespace || o.file != m.file));
        let title = format!(
            "{} ({})",
            resource_label(&m.resource, m.namespace.as_deref(), shared),
            m.file
        );
        let row = vec![
            role_label(m.role, m.derived),
            if m.path.is_empty() {
                "(document)".to_string()
            } else {
                m.path.clone()
            },
            format!("{}-{}", m.lines.0, m.lines.1),
            shorten_list(&m.at, 3),
        ];
        (title, row)
    });
    write_groups(w, manifest, &["ROLE", "PATH", "LINES", "TEMPLATE"])?;
    // Alloy config places, grouped by collector and file.
    let config = a.places.iter().map(|p| {
        let title = match &p.collector {
            Some(c) => format!("{c} ({})", p.file),
            None => p.file.clone(),
        };
        let row = vec![
            p.role.as_str().to_string(),
            match (&p.block, &p.attribute) {
                (Some(b), Some(a)) => format!("{b} › {a}"),
                (Some(b), None) => b.clone(),
                (None, _) => "-".into(),
            },
            format!("{}-{}", p.lines.0, p.lines.1),
            shorten_list(&p.at, 3),
        ];
        (title, row)
    });
    write_groups(w, config, &["ROLE", "BLOCK", "LINES", "TEMPLATE"])?;
    Ok(())
}

/// Rows under a heading per group, groups in the order their first row
/// comes, each an indented table.
fn write_groups(
    w: &mut dyn Write,
    rows: impl Iterator<Item = (String, Vec<String>)>,
    headers: &[&str],
) -> Result<()> {
    let mut groups: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for (title, row) in rows {
        match groups.iter_mut().find(|(t, _)| *t == title) {
            Some((_, rows)) => rows.push(row),
            None => groups.push((title, vec![row])),
        }
    }
    for (title, rows) in &groups {
        writeln!(w)?;
        heading(w, title)?;
        table_indented(w, 2, headers, rows)?;
    }
    Ok(())
}

/// `--key` as JSON.
pub fn write_key_json(w: &mut dyn Write, a: &KeyAnswer) -> Result<()> {
    let v = json!({
        "key": a.key,
        "value": a.value_json,
        "set_at": a.defined_at.iter().map(|d| {
            let mut l = loc(d);
            l["overridden"] = json!(d.ends_with("(overridden)"));
            l
        }).collect::<Vec<_>>(),
        "chain": a.chain.iter().map(|l| json!({
            "at": loc(&l.at),
            "layer": l.layer,
            "won": l.won,
        })).collect::<Vec<_>>(),
        "covered": a.covered,
        "read_at": locs(&a.read_at),
        "no_effect": a.no_effect,
        "manifest_places": a.manifest.iter().map(|m| json!({
            "resource": m.resource,
            "namespace": m.namespace,
            "path": m.path,
            "role": m.role.as_str(),
            "exact": m.exact,
            "derived": m.derived,
            "file": m.file,
            "lines": range(m.lines),
            "template": locs(&m.at),
        })).collect::<Vec<_>>(),
        "places": a.places.iter().map(|p| json!({
            "role": p.role.as_str(),
            "exact": p.exact,
            "file": p.file,
            "collector": p.collector,
            "block": p.block,
            "attribute": p.attribute,
            "lines": range(p.lines),
            "template": locs(&p.at),
        })).collect::<Vec<_>>(),
    });
    write_doc(w, v)
}

/// A role as shown; derived places (checksums) say so.
fn role_label(role: Role, derived: bool) -> String {
    if derived {
        format!("{} (derived)", role.as_str())
    } else {
        role.as_str().to_string()
    }
}

/// `Kind/name`, with the namespace when `show` (two documents share kind
/// and name) and the document names one.
fn resource_label(resource: &str, namespace: Option<&str>, show: bool) -> String {
    match namespace {
        Some(ns) if show => format!("{resource} (namespace {ns})"),
        _ => resource.to_string(),
    }
}

/// The first `n` items, then how many more.
fn shorten_list(items: &[String], n: usize) -> String {
    if items.len() <= n {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..n].join(", "), items.len() - n)
    }
}

fn key_rows(keys: &[KeyRow], all: bool) -> (Vec<Vec<String>>, usize) {
    let mut rows = Vec::new();
    let mut hidden = 0;
    for k in keys {
        if k.role == Role::Context && !all && k.context_rank >= DEFAULT_CONTEXT_ROWS {
            hidden += 1;
            continue;
        }
        rows.push(vec![
            k.role.as_str().to_string(),
            k.key.clone(),
            k.value.clone(),
            shorten_list(&k.read_at, 3),
            k.set_at.clone().unwrap_or_default(),
        ]);
    }
    (rows, hidden)
}

/// `--resource` as text: per path, the keys.
pub fn write_resource_text(w: &mut dyn Write, matches: &[ResourceMatch], all: bool) -> Result<()> {
    for (i, m) in matches.iter().enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        heading(
            w,
            &format!(
                "{} ({})",
                resource_label(&m.resource, m.namespace.as_deref(), matches.len() > 1),
                m.file
            ),
        )?;
        for p in &m.paths {
            writeln!(w)?;
            let path = if p.path.is_empty() {
                "(document)"
            } else {
                p.path.as_str()
            };
            if p.lines.1 == 0 {
                heading(w, path)?;
            } else {
                heading(w, &format!("{path}  (lines {}-{})", p.lines.0, p.lines.1))?;
            }
            if p.keys.is_empty() {
                writeln!(w, "  no values key produced or decided it")?;
                continue;
            }
            let (rows, hidden) = key_rows(&p.keys, all);
            table_indented(w, 2, &["ROLE", "KEY", "VALUE", "READ AT", "SET AT"], &rows)?;
            if hidden > 0 {
                writeln!(w, "  ({hidden} more context keys: --all shows them)")?;
            }
        }
    }
    Ok(())
}

/// `--resource` as JSON.
pub fn write_resource_json(w: &mut dyn Write, matches: &[ResourceMatch]) -> Result<()> {
    let arr: Vec<Json> = matches
        .iter()
        .map(|m| {
            json!({
                "resource": m.resource,
                "namespace": m.namespace,
                "file": m.file,
                "places": m.paths.iter().map(|p| json!({
                    "resource": m.resource,
                    "path": p.path,
                    "lines": if p.lines.1 == 0 { Json::Null } else { range(p.lines) },
                    "keys": p.keys.iter().map(|k| key_row_json(k, false)).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    write_doc(w, json!({ "matches": arr }))
}

/// `blame` as text: the line, then its annotations, both cut with `…` in
/// the middle so a line fits the width.
pub fn write_blame_text(w: &mut dyn Write, lines: &[BlameLine]) -> Result<()> {
    // "NNNNN | " before the text, "  # " before the notes.
    let room = term::width().saturating_sub(8);
    let longest = lines
        .iter()
        .map(|l| l.text.chars().count())
        .max()
        .unwrap_or(0);
    let text_width = longest.min(room / 2);
    for l in lines {
        let mut notes = Vec::new();
        if !l.keys.is_empty() {
            notes.push(paint(Paint::Key, &l.keys.join(" ")));
        }
        if let Some((kind, keys, at)) = &l.gate {
            if keys.is_empty() {
                notes.push(format!("[{kind} @ {at}]"));
            } else {
                notes.push(format!("[{kind} {} @ {at}]", keys.join(" ")));
            }
        }
        if let Some(at) = &l.template_at {
            notes.push(paint(Paint::Location, &format!("({at})")));
        }
        if let (Some((resource, path)), false) = (&l.place, l.keys.is_empty()) {
            notes.push(format!("<{resource} {path}>"));
        }
        if notes.is_empty() {
            writeln!(w, "{:>5} | {}", l.number, middle(&l.text, room))?;
        } else {
            let text = middle(&l.text, text_width);
            let pad = text_width.saturating_sub(text.chars().count());
            // Notes are cut as plain text; colour codes only when uncut.
            let plain: Vec<String> = notes.iter().map(|n| strip(n)).collect();
            let joined = plain.join(" ");
            let room_notes = room.saturating_sub(text_width + 4);
            let notes = if joined.chars().count() <= room_notes {
                notes.join(" ")
            } else {
                middle(&joined, room_notes)
            };
            writeln!(w, "{:>5} | {text}{}  # {notes}", l.number, " ".repeat(pad))?;
        }
    }
    Ok(())
}

/// `text` without colour codes.
fn strip(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}

/// `blame` as JSON.
pub fn write_blame_json(w: &mut dyn Write, lines: &[BlameLine]) -> Result<()> {
    let arr: Vec<Json> = lines
        .iter()
        .map(|l| {
            json!({
                "line": l.number,
                "text": l.text,
                "keys": l.keys.iter().map(|k| json!({"key": k, "role": "content"})).collect::<Vec<_>>(),
                "gate": l.gate.as_ref().map(|(kind, k, at)| json!({
                    "kind": kind,
                    "keys": k.iter().map(|k| json!({"key": k, "role": "gate"})).collect::<Vec<_>>(),
                    "at": loc(at),
                })),
                "template": l.template_at.as_deref().map(loc),
                "place": l.place.as_ref().map(|(resource, path)| json!({"resource": resource, "path": path})),
            })
        })
        .collect();
    write_doc(w, json!({ "lines": arr }))
}

/// How many rows from the start are items of one list (`a[0]`, `a[1]`, ...)
/// with the same role and readers, and the list's key.
fn list_run(keys: &[trace_value::query::KeyRow]) -> (usize, String) {
    let list_of = |k: &str| -> Option<String> {
        let open = k.rfind('[')?;
        (k.ends_with(']') && k[open + 1..k.len() - 1].bytes().all(|b| b.is_ascii_digit()))
            .then(|| k[..open].to_string())
    };
    let Some(first) = keys.first() else {
        return (0, String::new());
    };
    let Some(list) = list_of(&first.key) else {
        return (0, String::new());
    };
    let run = keys
        .iter()
        .take_while(|k| {
            k.role == first.role
                && k.read_at == first.read_at
                && list_of(&k.key).as_deref() == Some(list.as_str())
        })
        .count();
    (run, list)
}

/// `check` and `lint` findings as a table that fits the terminal
/// (`PROBLEM KEY AT HINT`) and a count line; `none` when there are none.
pub fn write_findings_text(
    w: &mut dyn Write,
    findings: &[trace_value::docs::findings::Finding],
    none: &str,
) -> Result<()> {
    if findings.is_empty() {
        writeln!(w, "{none}")?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            vec![
                f.kind.as_str().to_string(),
                f.key.clone(),
                f.at.clone(),
                f.hint.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(w, &["PROBLEM", "KEY", "AT", "HINT"], &rows)?;
    let n = findings.len();
    writeln!(w, "\n{n} problem{} found.", if n == 1 { "" } else { "s" })?;
    Ok(())
}

fn value_or_unset(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(unset)")
}

/// `diff` as a unified diff, each hunk headed by its place and causes;
/// coloured as `--color` and `NO_COLOR` say ([`crate::term`]).
pub fn write_diff_text(w: &mut dyn Write, hunks: &[trace_value::query::Hunk]) -> Result<()> {
    use trace_value::query::LineTag;
    let mut file: Option<&str> = None;
    for h in hunks {
        if file != Some(h.file.as_str()) {
            writeln!(w, "{}", paint(Paint::Heading, &format!("--- a/{}", h.file)))?;
            writeln!(w, "{}", paint(Paint::Heading, &format!("+++ b/{}", h.file)))?;
            file = Some(&h.file);
        }
        let mut place = String::new();
        if let Some(r) = &h.resource {
            place.push_str(r);
        }
        if !h.path.is_empty() {
            place.push(' ');
            place.push_str(&h.path);
        }
        if let Some(b) = &h.block {
            place.push_str(" > ");
            place.push_str(b);
        }
        writeln!(
            w,
            "{} {}",
            paint(
                Paint::Hunk,
                &format!(
                    "@@ -{},{} +{},{} @@",
                    h.old_lines.0, h.old_lines.1, h.new_lines.0, h.new_lines.1
                )
            ),
            place.trim()
        )?;
        for k in &h.keys {
            let at = match (&k.old_at, &k.new_at) {
                (Some(a), Some(b)) if a == b => format!(" (set at {a})"),
                (Some(a), Some(b)) => format!(" (set at {a} → {b})"),
                (Some(a), None) => format!(" (set at {a})"),
                (None, Some(b)) => format!(" (set at {b})"),
                (None, None) => String::new(),
            };
            writeln!(
                w,
                "{}",
                paint(
                    Paint::Cause,
                    &format!(
                        "# key {}: {} → {}{at}",
                        k.key,
                        value_or_unset(&k.old),
                        value_or_unset(&k.new)
                    )
                )
            )?;
        }
        for t in &h.templates {
            writeln!(
                w,
                "{}",
                paint(
                    Paint::Cause,
                    &format!(
                        "# template {} → {}",
                        t.old.as_deref().unwrap_or("(none)"),
                        t.new.as_deref().unwrap_or("(none)")
                    )
                )
            )?;
        }
        for (tag, line) in &h.lines {
            match tag {
                LineTag::Same => writeln!(w, " {line}")?,
                LineTag::Removed => writeln!(w, "{}", paint(Paint::Removed, &format!("-{line}")))?,
                LineTag::Added => writeln!(w, "{}", paint(Paint::Added, &format!("+{line}")))?,
            }
        }
    }
    Ok(())
}

/// `diff` as JSON (docs/json.md).
pub fn write_diff_json(w: &mut dyn Write, hunks: &[trace_value::query::Hunk]) -> Result<()> {
    write_doc(
        w,
        json!({ "equal": hunks.is_empty(), "hunks": hunks_json(hunks) }),
    )
}

/// The hunks of a diff as JSON data.
fn hunks_json(hunks: &[trace_value::query::Hunk]) -> Vec<Json> {
    use trace_value::query::LineTag;
    hunks
        .iter()
        .map(|h| {
            json!({
                "file": h.file,
                "resource": h.resource,
                "path": h.path,
                "block": h.block,
                "old_lines": [h.old_lines.0, h.old_lines.1],
                "new_lines": [h.new_lines.0, h.new_lines.1],
                "keys": h.keys.iter().map(|k| json!({
                    "key": k.key,
                    "old": k.old_json,
                    "new": k.new_json,
                    "in_old": k.old.is_some(),
                    "in_new": k.new.is_some(),
                    "old_set_at": k.old_at.as_deref().map(loc),
                    "new_set_at": k.new_at.as_deref().map(loc),
                })).collect::<Vec<_>>(),
                "templates": h.templates.iter().map(|t| json!({
                    "old": t.old.as_deref().map(loc),
                    "new": t.new.as_deref().map(loc),
                })).collect::<Vec<_>>(),
                "lines": h.lines.iter().map(|(tag, l)| {
                    let p = match tag {
                        LineTag::Same => ' ',
                        LineTag::Removed => '-',
                        LineTag::Added => '+',
                    };
                    format!("{p}{l}")
                }).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// `migrate`'s report as text: the values (when not written to a file),
/// each old key's outcome, the keys added, the component figure, and the
/// diff of what still differs.
pub fn write_migrate_text(
    w: &mut dyn Write,
    m: &trace_value::migrate::Migration,
    yaml: &str,
    output: Option<&std::path::Path>,
    hunks: &[trace_value::query::Hunk],
) -> Result<()> {
    use trace_value::migrate::{tree::short, Outcome};
    match output {
        Some(o) => writeln!(w, "Migrated values written to {}.", o.display())?,
        None => {
            writeln!(w, "# Migrated values")?;
            w.write_all(yaml.as_bytes())?;
        }
    }
    writeln!(w)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for k in &m.keys {
        match &k.outcome {
            Outcome::Carried(to) => {
                for (nk, v) in to {
                    rows.push(vec![k.key.clone(), "carried".into(), nk.clone(), short(v)]);
                }
            }
            Outcome::Decision { to, candidates } => {
                for (nk, v) in to {
                    let others = if candidates.is_empty() {
                        String::new()
                    } else {
                        format!(" (or {})", candidates.join(", "))
                    };
                    rows.push(vec![
                        k.key.clone(),
                        "decided".into(),
                        format!("{nk}{others}"),
                        short(v),
                    ]);
                }
            }
            Outcome::Dropped(why) => {
                rows.push(vec![
                    k.key.clone(),
                    "dropped".into(),
                    why.clone(),
                    short(&k.value),
                ]);
            }
        }
    }
    table(w, &["KEY", "OUTCOME", "TO", "VALUE"], &rows)?;
    if !m.added.is_empty() {
        writeln!(w)?;
        writeln!(w, "Set by the migration (not in your values):")?;
        let rows: Vec<Vec<String>> = m
            .added
            .iter()
            .map(|a| vec![a.key.clone(), short(&a.value), a.why.clone()])
            .collect();
        table(w, &["KEY", "VALUE", "WHY"], &rows)?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "Alloy components: {} of the old render's {} are in the new render (same name, label and body).",
        m.components.1, m.components.0
    )?;
    if hunks.is_empty() {
        writeln!(w, "The renders are equal.")?;
    } else {
        writeln!(w, "What still differs ({} hunks):", hunks.len())?;
        writeln!(w)?;
        write_diff_text(w, hunks)?;
    }
    Ok(())
}

/// `migrate`'s report as JSON (docs/json.md).
pub fn write_migrate_json(
    w: &mut dyn Write,
    m: &trace_value::migrate::Migration,
    output: Option<&std::path::Path>,
    hunks: &[trace_value::query::Hunk],
) -> Result<()> {
    use trace_value::migrate::Outcome;
    let pairs = |to: &[(String, Json)]| -> Vec<Json> {
        to.iter()
            .map(|(k, v)| json!({ "key": k, "value": v }))
            .collect()
    };
    let keys: Vec<Json> = m
        .keys
        .iter()
        .map(|k| match &k.outcome {
            Outcome::Carried(to) => json!({
                "key": k.key, "value": k.value, "outcome": "carried", "to": pairs(to),
            }),
            Outcome::Decision { to, candidates } => json!({
                "key": k.key, "value": k.value, "outcome": "decision", "to": pairs(to),
                "candidates": candidates,
            }),
            Outcome::Dropped(why) => json!({
                "key": k.key, "value": k.value, "outcome": "dropped", "reason": why,
            }),
        })
        .collect();
    let added: Vec<Json> = m
        .added
        .iter()
        .map(|a| json!({ "key": a.key, "value": a.value, "why": a.why }))
        .collect();
    write_doc(
        w,
        json!({
            "values": m.values,
            "output": output.map(|o| o.display().to_string()),
            "keys": keys,
            "added": added,
            "components": { "old": m.components.0, "matched": m.components.1 },
            "equal": hunks.is_empty(),
            "hunks": hunks_json(hunks),
        }),
    )
}
