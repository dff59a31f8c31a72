//! Printing answers: aligned text tables for people, JSON for editors and scripts.

use std::io::Write;

use anyhow::Result;
use serde_json::{json, Value as Json};

use trace_value::docs::check::Finding;
use trace_value::query::{BlameLine, BlockMatch, KeyAnswer, KeyRow, ResourceMatch, Role};
use trace_value::render::RenderOutput;

/// How many context rows the default view shows.
const DEFAULT_CONTEXT_ROWS: usize = 3;

/// Print rows as left-aligned columns separated by two spaces.
fn table(w: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(w, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(w, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
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
    let crds: &[(String, String)] = if include_crds { &out.crds } else { &[] };
    let flags = trace_value::manifest::StreamFlags { crds, skip_tests };
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
        writeln!(w, "{}", m.address)?;
        writeln!(
            w,
            "  config lines {}-{} of {} ({})",
            m.lines.0, m.lines.1, m.collector, m.file
        )?;
        if let Some(at) = &m.header_at {
            writeln!(w, "  header written at {at}")?;
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
                shorten(&k.value, 40),
                k.read_at.join(", "),
                k.set_at.clone().unwrap_or_default(),
            ]);
            i += 1;
        }
        table(w, &["ROLE", "KEY", "VALUE", "READ AT", "SET AT"], &rows)?;
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
            writeln!(
                w,
                "  config line{} {}: {who}",
                if lines.len() == 1 { "" } else { "s" },
                lines.join(", ")
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
                "lines": [m.lines.0, m.lines.1],
                "header_at": m.header_at,
                "keys": m.keys.iter().map(|k| json!({
                    "role": k.role.as_str(),
                    "key": k.key,
                    "value": k.value,
                    "read_at": k.read_at,
                    "set_at": k.set_at,
                    "lines": k.lines,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &json!({ "matches": arr }))?;
    writeln!(w)?;
    Ok(())
}

/// `--key` as text.
pub fn write_key_text(w: &mut dyn Write, a: &KeyAnswer) -> Result<()> {
    writeln!(w, "{}", a.key)?;
    if !a.value.is_empty() {
        writeln!(w, "  value: {}", shorten(&a.value, 80))?;
    }
    for d in &a.defined_at {
        writeln!(w, "  set at: {d}")?;
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
        writeln!(w, "  override chain: {}", links.join(" < "))?;
    }
    if a.covered.len() > 1 {
        writeln!(w, "  covers {} keys below it", a.covered.len() - 1)?;
    }
    if a.read_at.is_empty() {
        writeln!(w, "  read at: (no template read it)")?;
    } else {
        writeln!(w, "  read at:")?;
        for r in &a.read_at {
            writeln!(w, "    {r}")?;
        }
    }
    writeln!(w)?;
    if let Some(why) = &a.no_effect {
        writeln!(w, "No effect on the output: {why}")?;
        return Ok(());
    }
    if !a.manifest.is_empty() {
        let rows: Vec<Vec<String>> = a
            .manifest
            .iter()
            .map(|m| {
                vec![
                    role_label(m.role, m.derived),
                    resource_label(
                        &m.resource,
                        m.namespace.as_deref(),
                        a.manifest.iter().any(|o| {
                            o.resource == m.resource
                                && (o.namespace != m.namespace || o.file != m.file)
                        }),
                    ),
                    if m.path.is_empty() {
                        "(document)".to_string()
                    } else {
                        m.path.clone()
                    },
                    format!("{}-{}", m.lines.0, m.lines.1),
                    shorten_list(&m.at, 3),
                ]
            })
            .collect();
        table(w, &["ROLE", "RESOURCE", "PATH", "LINES", "TEMPLATE"], &rows)?;
        writeln!(w)?;
    }
    let rows: Vec<Vec<String>> = a
        .places
        .iter()
        .map(|p| {
            vec![
                p.role.as_str().to_string(),
                p.collector.clone().unwrap_or_else(|| "-".into()),
                match (&p.block, &p.attribute) {
                    (Some(b), Some(a)) => format!("{b} › {a}"),
                    (Some(b), None) => b.clone(),
                    (None, _) => "-".into(),
                },
                format!("{}-{}", p.lines.0, p.lines.1),
                shorten_list(&p.at, 3),
                p.file.clone(),
            ]
        })
        .collect();
    table(
        w,
        &["ROLE", "COLLECTOR", "BLOCK", "LINES", "TEMPLATE", "FILE"],
        &rows,
    )
}

/// `--key` as JSON.
pub fn write_key_json(w: &mut dyn Write, a: &KeyAnswer) -> Result<()> {
    let v = json!({
        "key": a.key,
        "value": a.value,
        "set_at": a.defined_at,
        "chain": a.chain.iter().map(|l| json!({
            "at": l.at,
            "layer": l.layer,
            "won": l.won,
        })).collect::<Vec<_>>(),
        "covered": a.covered,
        "read_at": a.read_at,
        "no_effect": a.no_effect,
        "manifest_places": a.manifest.iter().map(|m| json!({
            "resource": m.resource,
            "namespace": m.namespace,
            "path": m.path,
            "role": m.role.as_str(),
            "derived": m.derived,
            "file": m.file,
            "lines": [m.lines.0, m.lines.1],
            "template": m.at,
        })).collect::<Vec<_>>(),
        "places": a.places.iter().map(|p| json!({
            "role": p.role.as_str(),
            "file": p.file,
            "collector": p.collector,
            "block": p.block,
            "attribute": p.attribute,
            "lines": [p.lines.0, p.lines.1],
            "template": p.at,
        })).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *w, &v)?;
    writeln!(w)?;
    Ok(())
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
            shorten(&k.value, 40),
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
        writeln!(
            w,
            "{} ({})",
            resource_label(&m.resource, m.namespace.as_deref(), matches.len() > 1),
            m.file
        )?;
        for p in &m.paths {
            writeln!(w)?;
            let path = if p.path.is_empty() {
                "(document)"
            } else {
                p.path.as_str()
            };
            if p.lines.1 == 0 {
                writeln!(w, "{path}")?;
            } else {
                writeln!(w, "{path}  (lines {}-{})", p.lines.0, p.lines.1)?;
            }
            if p.keys.is_empty() {
                writeln!(w, "  no values key produced or decided it")?;
                continue;
            }
            let (rows, hidden) = key_rows(&p.keys, all);
            table(w, &["ROLE", "KEY", "VALUE", "READ AT", "SET AT"], &rows)?;
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
                    "lines": if p.lines.1 == 0 { Json::Null } else { json!([p.lines.0, p.lines.1]) },
                    "keys": p.keys.iter().map(|k| json!({
                        "key": k.key,
                        "role": k.role.as_str(),
                        "value": k.value,
                        "read_at": k.read_at,
                        "set_at": k.set_at,
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &json!({ "matches": arr }))?;
    writeln!(w)?;
    Ok(())
}

/// `blame` as text: the line, then its annotations.
pub fn write_blame_text(w: &mut dyn Write, lines: &[BlameLine]) -> Result<()> {
    let width = lines
        .iter()
        .map(|l| l.text.chars().count())
        .max()
        .unwrap_or(0)
        .min(100);
    for l in lines {
        let mut notes = Vec::new();
        if !l.keys.is_empty() {
            notes.push(l.keys.join(" "));
        }
        if let Some((kind, keys, at)) = &l.gate {
            if keys.is_empty() {
                notes.push(format!("[{kind} @ {at}]"));
            } else {
                notes.push(format!("[{kind} {} @ {at}]", keys.join(" ")));
            }
        }
        if let Some(at) = &l.template_at {
            notes.push(format!("({at})"));
        }
        if let (Some((resource, path)), false) = (&l.place, l.keys.is_empty()) {
            notes.push(format!("<{resource} {path}>"));
        }
        let pad = width.saturating_sub(l.text.chars().count());
        if notes.is_empty() {
            writeln!(w, "{:>5} | {}", l.number, l.text)?;
        } else {
            writeln!(
                w,
                "{:>5} | {}{}  # {}",
                l.number,
                l.text,
                " ".repeat(pad),
                notes.join(" ")
            )?;
        }
    }
    Ok(())
}

/// `blame` as JSON.
pub fn write_blame_json(w: &mut dyn Write, lines: &[BlameLine]) -> Result<()> {
    let arr: Vec<Json> = lines
        .iter()
        .map(|l| {
            json!({
                "line": l.number,
                "text": l.text,
                "keys": l.keys,
                "gate": l.gate.as_ref().map(|(kind, k, at)| json!({"kind": kind, "keys": k, "at": at})),
                "template": l.template_at,
                "place": l.place.as_ref().map(|(resource, path)| json!({"resource": resource, "path": path})),
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *w, &json!({ "lines": arr }))?;
    writeln!(w)?;
    Ok(())
}

fn shorten(s: &str, max: usize) -> String {
    let one_line = s.replace('\n', "\\n");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

/// `check` as text.
pub fn write_check_text(w: &mut dyn Write, findings: &[Finding]) -> Result<()> {
    if findings.is_empty() {
        writeln!(
            w,
            "No problems found: every key set is read, and every key read has an effect."
        )?;
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
    writeln!(
        w,
        "\n{} problem{} found.",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" }
    )?;
    Ok(())
}

/// `check` as JSON.
pub fn write_check_json(w: &mut dyn Write, findings: &[Finding]) -> Result<()> {
    let arr: Vec<Json> = findings
        .iter()
        .map(|f| json!({"problem": f.kind.as_str(), "key": f.key, "at": f.at, "hint": f.hint}))
        .collect();
    serde_json::to_writer_pretty(&mut *w, &json!({ "findings": arr }))?;
    writeln!(w)?;
    Ok(())
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

/// Whether to colour text: standard output is a terminal and `NO_COLOR` is
/// unset or empty (no-color.org).
pub fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn value_or_unset(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(unset)")
}

/// `diff` as a unified diff, each hunk headed by its place and causes.
pub fn write_diff_text(
    w: &mut dyn Write,
    hunks: &[trace_value::query::Hunk],
    colour: bool,
) -> Result<()> {
    use trace_value::query::LineTag;
    let paint = |code: &str, s: &str| -> String {
        if colour {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut file: Option<&str> = None;
    for h in hunks {
        if file != Some(h.file.as_str()) {
            writeln!(w, "{}", paint("1", &format!("--- a/{}", h.file)))?;
            writeln!(w, "{}", paint("1", &format!("+++ b/{}", h.file)))?;
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
                "36",
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
                    "33",
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
                    "33",
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
                LineTag::Removed => writeln!(w, "{}", paint("31", &format!("-{line}")))?,
                LineTag::Added => writeln!(w, "{}", paint("32", &format!("+{line}")))?,
            }
        }
    }
    Ok(())
}

/// `diff` as JSON (docs/json.md).
pub fn write_diff_json(w: &mut dyn Write, hunks: &[trace_value::query::Hunk]) -> Result<()> {
    use trace_value::query::LineTag;
    let arr: Vec<Json> = hunks
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
                    "old": k.old,
                    "new": k.new,
                    "old_set_at": k.old_at,
                    "new_set_at": k.new_at,
                })).collect::<Vec<_>>(),
                "templates": h.templates.iter().map(|t| json!({
                    "old": t.old,
                    "new": t.new,
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
        .collect();
    let doc = json!({ "version": 1, "equal": hunks.is_empty(), "hunks": arr });
    serde_json::to_writer_pretty(&mut *w, &doc)?;
    writeln!(w)?;
    Ok(())
}
