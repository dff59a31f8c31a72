//! helm-docs comments in a `values.yaml`: `# -- description` above a key
//! (with continuation lines), `# @default -- text`, `# @section -- Name`,
//! a `(type)` prefix on the description, and the older
//! `# key.path -- description` form.

/// What the comments say about one key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyDoc {
    /// Key path relative to the values file's root (`a.b.c`).
    pub path: String,
    /// 1-based line of the key.
    pub line: u32,
    /// The description.
    pub description: String,
    /// `(type)` given in the description, if any.
    pub type_hint: Option<String>,
    /// `@default` override.
    pub default: Option<String>,
    /// `@section` name.
    pub section: Option<String>,
    /// True when the key had a `# --` comment (documented).
    pub documented: bool,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Parse a mapping key at the start of a (trimmed) line: `key:` or `"key":`.
fn mapping_key(t: &str) -> Option<String> {
    let t = t.strip_prefix("- ").unwrap_or(t);
    if let Some(rest) = t.strip_prefix('"') {
        let end = rest.find('"')?;
        let after = &rest[end + 1..];
        return after.starts_with(':').then(|| rest[..end].to_string());
    }
    if let Some(rest) = t.strip_prefix('\'') {
        let end = rest.find('\'')?;
        let after = &rest[end + 1..];
        return after.starts_with(':').then(|| rest[..end].to_string());
    }
    let idx = t.find(':')?;
    let after = &t[idx + 1..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let k = &t[..idx];
    if k.is_empty() || k.contains(' ') && !k.contains('.') || k.starts_with('#') {
        return None;
    }
    Some(k.to_string())
}

/// Escape a key for `--set` notation.
fn escape(k: &str) -> String {
    k.replace('.', "\\.")
}

/// Read every key's documentation from a values file's text.
pub fn parse(text: &str) -> Vec<KeyDoc> {
    let mut out = Vec::new();
    // Stack of (indent, escaped key).
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut pending: Option<KeyDoc> = None;
    let mut in_description = false;
    let mut block_scalar_indent: Option<usize> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        let ind = indent(line);
        if let Some(bi) = block_scalar_indent {
            if t.is_empty() || ind > bi {
                continue;
            }
            block_scalar_indent = None;
        }
        if t.is_empty() {
            in_description = false;
            continue;
        }
        if let Some(c) = t.strip_prefix('#') {
            let c = c.strip_prefix(' ').unwrap_or(c);
            if let Some(d) = c.strip_prefix("-- ").or_else(|| (c == "--").then_some("")) {
                let mut doc = KeyDoc {
                    documented: true,
                    ..KeyDoc::default()
                };
                let d = d.trim();
                if let Some(rest) = d.strip_prefix('(') {
                    if let Some(end) = rest.find(')') {
                        doc.type_hint = Some(rest[..end].to_string());
                        doc.description = rest[end + 1..].trim().to_string();
                    } else {
                        doc.description = d.to_string();
                    }
                } else {
                    doc.description = d.to_string();
                }
                pending = Some(doc);
                in_description = true;
            } else if let Some(d) = c.strip_prefix("@default -- ") {
                if let Some(p) = pending.as_mut() {
                    p.default = Some(d.trim().to_string());
                }
                in_description = false;
            } else if let Some(d) = c.strip_prefix("@section -- ") {
                if let Some(p) = pending.as_mut() {
                    p.section = Some(d.trim().to_string());
                }
                in_description = false;
            } else if c.starts_with('@') {
                in_description = false;
            } else if in_description {
                if let Some(p) = pending.as_mut() {
                    if !p.description.is_empty() {
                        p.description.push(' ');
                    }
                    p.description.push_str(c.trim());
                }
            }
            continue;
        }
        in_description = false;
        let is_item = t.starts_with("- ");
        let Some(key) = mapping_key(t) else {
            pending = None;
            continue;
        };
        let key_indent = ind;
        while stack.last().is_some_and(|(si, _)| *si >= key_indent) {
            stack.pop();
        }
        if is_item {
            // Keys inside list items are not documented by path.
            stack.push((key_indent, "[]".to_string()));
            pending = None;
            continue;
        }
        if stack.iter().any(|(_, k)| k == "[]") {
            pending = None;
            continue;
        }
        let mut path = String::new();
        for (_, k) in &stack {
            path.push_str(k);
            path.push('.');
        }
        path.push_str(&escape(&key));
        let mut doc = pending.take().unwrap_or_default();
        doc.path = path.clone();
        doc.line = (i + 1) as u32;
        out.push(doc);
        let value = t.split_once(':').map_or("", |(_, v)| v.trim());
        if value.starts_with('|') || value.starts_with('>') {
            block_scalar_indent = Some(key_indent);
        }
        stack.push((key_indent, escape(&key)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_helm_docs_comments() {
        let text = "# -- Enable it\n# @section -- Pod Logs\nenabled: true\n\npodLogs:\n  # -- (string) Extra stages,\n  # added verbatim.\n  # @default -- empty\n  extraLogProcessingStages: \"\"\n  script: |\n    a: b\n  # -- after a block scalar\n  labels: {}\nlist:\n  - name: x\n    url: y\n";
        let docs = parse(text);
        let paths: Vec<&str> = docs.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "enabled",
                "podLogs",
                "podLogs.extraLogProcessingStages",
                "podLogs.script",
                "podLogs.labels",
                "list"
            ]
        );
        assert_eq!(docs[0].section.as_deref(), Some("Pod Logs"));
        assert_eq!(docs[2].description, "Extra stages, added verbatim.");
        assert_eq!(docs[2].type_hint.as_deref(), Some("string"));
        assert_eq!(docs[2].default.as_deref(), Some("empty"));
        assert_eq!(docs[2].line, 9);
        assert_eq!(docs[4].description, "after a block scalar");
        assert!(!docs[1].documented);
    }
}
