//! Values trees as JSON data, addressed by key paths in `--set` notation
//! (`destinations[0].url`, `collectors.alloy-logs.presets`, keys with dots
//! escaped as `grafana\.ini`), the notation origins use; and a small YAML
//! writer for the migrated values (block style, keys in the order given).

use serde_json::{Map, Value as Json};

use crate::chart::prepare::escape_key;

/// One step of a key path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seg {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A key path.
pub type Path = Vec<Seg>;

/// `--set` notation of a path.
pub fn fmt(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(&escape_key(k));
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Parse `--set` notation (the inverse of [`fmt`]).
pub fn parse(s: &str) -> Path {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    let mut pending = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                    pending = true;
                }
            }
            '.' => {
                if pending || !cur.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut cur)));
                }
                pending = false;
            }
            '[' => {
                if pending || !cur.is_empty() {
                    out.push(Seg::Key(std::mem::take(&mut cur)));
                }
                pending = false;
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                    n.push(d);
                }
                match n.parse() {
                    Ok(i) => out.push(Seg::Index(i)),
                    Err(_) => out.push(Seg::Key(n)),
                }
            }
            _ => {
                cur.push(c);
                pending = true;
            }
        }
    }
    if pending || !cur.is_empty() {
        out.push(Seg::Key(cur));
    }
    out
}

/// The node at `path`.
pub fn get<'a>(v: &'a Json, path: &[Seg]) -> Option<&'a Json> {
    let mut cur = v;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Json::Object(m)) => m.get(k)?,
            (Seg::Index(i), Json::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Set the node at `path`, making maps on the way (a list index past the
/// end appends; a scalar in the way is replaced by a map).
pub fn set(v: &mut Json, path: &[Seg], value: Json) {
    let Some((first, rest)) = path.split_first() else {
        *v = value;
        return;
    };
    match first {
        Seg::Key(k) => {
            if !v.is_object() {
                *v = Json::Object(Map::new());
            }
            if let Json::Object(m) = v {
                let child = m.entry(k.clone()).or_insert(Json::Null);
                set(child, rest, value);
            }
        }
        Seg::Index(i) => {
            if !v.is_array() {
                *v = Json::Array(Vec::new());
            }
            if let Json::Array(a) = v {
                if *i >= a.len() {
                    a.push(Json::Null);
                    let last = a.len() - 1;
                    set(&mut a[last], rest, value);
                } else {
                    set(&mut a[*i], rest, value);
                }
            }
        }
    }
}

/// Remove the node at `path`; maps left empty by the removal go too.
pub fn remove(v: &mut Json, path: &[Seg]) -> Option<Json> {
    let (first, rest) = path.split_first()?;
    let removed = match (first, &mut *v) {
        (Seg::Key(k), Json::Object(m)) => {
            if rest.is_empty() {
                m.shift_remove(k)
            } else {
                let child = m.get_mut(k)?;
                let r = remove(child, rest);
                if child.as_object().is_some_and(|c| c.is_empty()) {
                    m.shift_remove(k);
                }
                r
            }
        }
        (Seg::Index(i), Json::Array(a)) => {
            if rest.is_empty() {
                (*i < a.len()).then(|| a.remove(*i))
            } else {
                remove(a.get_mut(*i)?, rest)
            }
        }
        _ => None,
    };
    removed
}

/// Every node below `v` with its path, parents before children.
pub fn nodes(v: &Json) -> Vec<(Path, &Json)> {
    fn rec<'a>(v: &'a Json, path: &mut Path, out: &mut Vec<(Path, &'a Json)>) {
        out.push((path.clone(), v));
        match v {
            Json::Object(m) => {
                for (k, c) in m {
                    path.push(Seg::Key(k.clone()));
                    rec(c, path, out);
                    path.pop();
                }
            }
            Json::Array(a) => {
                for (i, c) in a.iter().enumerate() {
                    path.push(Seg::Index(i));
                    rec(c, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    rec(v, &mut Vec::new(), &mut out);
    out
}

/// The leaves of `v`: scalars, empty maps and lists, and lists of scalars
/// (a list of strings is one setting, not one per item).
pub fn leaves(v: &Json) -> Vec<(Path, &Json)> {
    fn rec<'a>(v: &'a Json, path: &mut Path, out: &mut Vec<(Path, &'a Json)>) {
        match v {
            Json::Object(m) if !m.is_empty() => {
                for (k, c) in m {
                    path.push(Seg::Key(k.clone()));
                    rec(c, path, out);
                    path.pop();
                }
            }
            Json::Array(a) if a.iter().any(|c| c.is_object() || c.is_array()) => {
                for (i, c) in a.iter().enumerate() {
                    path.push(Seg::Index(i));
                    rec(c, path, out);
                    path.pop();
                }
            }
            _ => out.push((path.clone(), v)),
        }
    }
    let mut out = Vec::new();
    rec(v, &mut Vec::new(), &mut out);
    out
}

/// A value shown on one line, long text cut.
pub fn short(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(59).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// `v` as a YAML document (block style, keys in order).
pub fn to_yaml(v: &Json) -> String {
    let mut out = String::new();
    match v {
        Json::Object(m) if m.is_empty() => out.push_str("{}\n"),
        Json::Object(_) | Json::Array(_) => write_node(v, 0, &mut out),
        _ => {
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
    out
}

fn write_node(v: &Json, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Json::Object(m) => {
            for (k, c) in m {
                out.push_str(&pad);
                out.push_str(&key_text(k));
                out.push(':');
                write_value(c, indent, out);
            }
        }
        Json::Array(a) => {
            for c in a {
                out.push_str(&pad);
                out.push('-');
                match c {
                    Json::Object(m) if !m.is_empty() => {
                        // The first key on the dash's line, the rest below it.
                        let mut inner = String::new();
                        write_node(c, indent + 2, &mut inner);
                        out.push(' ');
                        out.push_str(&inner[indent + 2..]);
                    }
                    _ => write_value(c, indent, out),
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

/// After `key:` or `-`: the value on the line, or a nested block below.
fn write_value(v: &Json, indent: usize, out: &mut String) {
    match v {
        Json::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_node(v, indent + 2, out);
        }
        Json::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_node(v, indent + 2, out);
        }
        Json::String(s) if is_block_text(s) => {
            let chomp = if s.ends_with('\n') { "" } else { "-" };
            out.push_str(&format!(" |{chomp}\n"));
            let pad = " ".repeat(indent + 2);
            for line in s.trim_end_matches('\n').split('\n') {
                if !line.is_empty() {
                    out.push_str(&pad);
                    out.push_str(line);
                }
                out.push('\n');
            }
        }
        _ => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

/// Multi-line text that a literal block scalar keeps exactly.
fn is_block_text(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.trim_end_matches('\n').is_empty()
        && !s.ends_with("\n\n")
        && !s.chars().any(|c| c.is_control() && c != '\n')
        && s.lines().all(|l| l == l.trim_end())
}

fn key_text(k: &str) -> String {
    if is_plain(k) {
        k.to_string()
    } else {
        Json::String(k.to_string()).to_string()
    }
}

fn scalar(v: &Json) -> String {
    match v {
        Json::String(s) if is_plain(s) => s.clone(),
        Json::Object(_) => "{}".to_string(),
        Json::Array(_) => "[]".to_string(),
        _ => v.to_string(),
    }
}

/// Text YAML reads back as the same string without quotes.
fn is_plain(s: &str) -> bool {
    let reserved = [
        "", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n",
    ];
    if reserved.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_ascii_alphabetic() || first == '/' || first == '_') {
        return false;
    }
    s.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '(' | ')' | '+' | '@')
    }) && s.parse::<f64>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        for p in [
            "a.b[0].c",
            "collectors.alloy-logs.presets",
            "grafana\\.ini.server",
            "x[1][2]",
        ] {
            assert_eq!(fmt(&parse(p)), p);
        }
    }

    #[test]
    fn set_get_remove() {
        let mut v = Json::Object(Map::new());
        set(&mut v, &parse("a.b[0].c"), Json::from(1));
        assert_eq!(get(&v, &parse("a.b[0].c")), Some(&Json::from(1)));
        assert_eq!(
            remove(&mut v, &parse("a.b")),
            Some(serde_json::json!([{"c": 1}]))
        );
        assert_eq!(v, serde_json::json!({}));
    }

    #[test]
    fn yaml_reads_back() {
        let v = serde_json::json!({
            "a": {"b": [1, "x y", {"c": true, "d": "on"}], "e": {}},
            "rules": "rule {\n  x = 1\n}\n",
            "k.with.dots": "1.0",
        });
        let y = to_yaml(&v);
        let back = crate::yaml::load_values(
            &y,
            std::rc::Rc::from("t"),
            crate::origin::Layer::UserFile,
            &mut crate::origin::OriginTable::new(),
        )
        .map(|v| crate::render::json_value(&v));
        assert_eq!(back.ok(), Some(v), "{y}");
    }
}
