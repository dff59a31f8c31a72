//! `lint`: what a chart maintainer should fix in values.yaml, judged over
//! every value set given (the defaults, the examples): documented keys no
//! template reads, documented keys templates read under another name (a
//! sibling of a close name values.yaml does not define), and keys templates
//! read that values.yaml does not document.
//!
//! A documented key no set read is only reported when the templates do not
//! name it either ([`crate::docs::mentions`]): a key they name is read under
//! values no set gives (its feature off in every example), which says
//! nothing about the documentation; those are counted as not judged.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::docs::check::{is_under, parent_of};
use crate::docs::findings::{Finding, Rule};
use crate::docs::mentions::Mentions;
use crate::docs::Survey;
use crate::query::edit_distance;

/// `file:line` of a documented key with the chart folder in front, so the
/// location names the file from where the tool ran.
fn located(chart_dir: &Path, defined_at: &str) -> String {
    if chart_dir.as_os_str().is_empty() || chart_dir == Path::new(".") {
        return defined_at.to_string();
    }
    let dir = chart_dir.to_string_lossy();
    format!("{}/{defined_at}", dir.trim_end_matches('/'))
}

/// What `lint` found, and what it could not judge.
#[derive(Debug, Clone, Default)]
pub struct LintReport {
    /// The findings, sorted.
    pub findings: Vec<Finding>,
    /// Documented keys no value set read but the templates name: read only
    /// under values none of the sets gives.
    pub unjudged: Vec<String>,
}

/// The segments of a key path (`a.b[0].c` gives `a`, `b`, `c`; `\.` stays
/// inside a segment, unescaped).
fn segments(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = key.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'.') => {
                cur.push('.');
                chars.next();
            }
            '.' => out.push(std::mem::take(&mut cur)),
            '[' => {
                out.push(std::mem::take(&mut cur));
                for d in chars.by_ref() {
                    if d == ']' {
                        break;
                    }
                }
            }
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out.retain(|s| !s.is_empty());
    out
}

/// The key as its own chart's templates name it: without the subchart's
/// alias for a subchart's key, `Values` in front of a top-level one.
fn chart_relative(path: &str, in_subchart: bool) -> Vec<String> {
    let mut segs = segments(path);
    if in_subchart && !segs.is_empty() {
        segs.remove(0);
    }
    if segs.len() < 2 {
        segs.insert(0, "Values".to_string());
    }
    segs
}

/// A close name the templates use under the same parent that values.yaml
/// does not document (`spansAttributes` for a documented `spanAttributes`):
/// the name and where it is named.
fn named_instead<'m>(
    mentions: &'m Mentions,
    chart: &'m str,
    rel: &'m [String],
    documented_sibling: impl Fn(&str) -> bool,
) -> Option<(&'m str, &'m str)> {
    let (name, parent) = (rel.last()?, rel.get(rel.len().checked_sub(2)?)?);
    let limit = (name.len() / 2).clamp(2, 12);
    mentions
        .after(chart, parent)
        .filter(|(other, _)| *other != name.as_str() && !documented_sibling(other))
        .map(|(other, at)| {
            (
                edit_distance(&name.to_lowercase(), &other.to_lowercase()),
                other,
                at,
            )
        })
        .filter(|(d, _, _)| *d <= limit)
        .min()
        .map(|(_, other, at)| (other, at))
}

/// The lint findings over every rendered set of a survey.
pub fn lint(chart_dir: &Path, survey: &Survey) -> LintReport {
    let (documented, sets) = (&survey.keys, &survey.sets);
    let read: BTreeSet<&str> = sets
        .iter()
        .flat_map(|s| s.read.iter().map(String::as_str))
        .collect();
    // Keys templates asked for that no values defined, with where.
    let mut missing: BTreeMap<&str, &str> = BTreeMap::new();
    for s in sets {
        for (k, at) in &s.missing {
            missing.entry(k.as_str()).or_insert(at.as_str());
        }
    }
    let read_or_below = |k: &str| {
        read.contains(k)
            || read
                .range(k..)
                .take_while(|x| x.starts_with(k))
                .any(|x| is_under(x, k))
    };
    let documented_set: BTreeSet<&str> = documented.iter().map(|d| d.path.as_str()).collect();
    let is_documented = |k: &str| {
        documented_set.contains(k)
            || documented_set
                .iter()
                .any(|d| is_under(k, d) || is_under(d, k))
    };
    let mut out = Vec::new();
    let mut unjudged = Vec::new();
    let mut explained: BTreeSet<&str> = BTreeSet::new();
    for d in documented {
        if read_or_below(&d.path) {
            continue;
        }
        // A subchart disabled by default is judged only when a set enabled it.
        if d.gate.is_some() {
            let top = d.path.split(['.', '[']).next().unwrap_or("");
            if !read.iter().any(|r| is_under(r, top)) {
                continue;
            }
        }
        let parent = parent_of(&d.path);
        let name_len = d.path.len() - parent.len();
        let limit = (name_len / 2).clamp(2, 12);
        let other = missing
            .iter()
            .filter(|(k, _)| !parent.is_empty() && parent_of(k) == parent && !is_documented(k))
            .map(|(k, at)| {
                (
                    edit_distance(&d.path.to_lowercase(), &k.to_lowercase()),
                    *k,
                    *at,
                )
            })
            .filter(|(dist, _, _)| *dist <= limit)
            .min();
        let at = located(chart_dir, &d.defined_at);
        match other {
            Some((_, k, read_at)) => {
                explained.insert(k);
                out.push(Finding {
                    kind: Rule::ReadUnderAnotherName,
                    key: d.path.clone(),
                    at,
                    hint: Some(format!("a template reads `{k}` instead ({read_at})")),
                });
            }
            None => {
                let rel = chart_relative(&d.path, d.subchart.is_some());
                let (Some(name), Some(parent_name)) = (
                    rel.last(),
                    rel.len().checked_sub(2).and_then(|i| rel.get(i)),
                ) else {
                    continue;
                };
                let m = &survey.mentions;
                // Helm reads a dependency condition to enable a subchart.
                if m.is_condition(parent_name, name) {
                    continue;
                }
                let shadowed = shadowing_global(&rel, d.subchart.is_some(), documented);
                // The folder of the chart that documents the key.
                let chart = match rel.first().map(String::as_str) {
                    Some("global") => crate::docs::mentions::ANY_CHART,
                    _ => d
                        .defined_at
                        .rsplit_once("values.yaml")
                        .map_or("", |(dir, _)| dir),
                };
                let named = m.named(chart, parent_name, name).is_some()
                    || m.named_loosely(chart, parent_name, name);
                if named && shadowed.is_none() {
                    unjudged.push(d.path.clone());
                    continue;
                }
                let sibling_documented = |name: &str| {
                    let sibling = if parent.is_empty() {
                        name.to_string()
                    } else {
                        format!("{parent}.{name}")
                    };
                    documented_set.contains(sibling.as_str())
                };
                let instead = match shadowed {
                    Some(_) => None,
                    None => named_instead(m, chart, &rel, sibling_documented),
                };
                let finding = match instead {
                    Some((other, named_at)) => Finding {
                        kind: Rule::ReadUnderAnotherName,
                        key: d.path.clone(),
                        at,
                        hint: Some(format!(
                            "templates name `{other}` instead, by text ({named_at})"
                        )),
                    },
                    None => Finding {
                        kind: Rule::UnreadDocumentedKey,
                        key: d.path.clone(),
                        at,
                        hint: shadowed,
                    },
                };
                out.push(finding);
            }
        }
    }
    for (k, read_at) in &missing {
        if explained.contains(k) || is_documented(k) {
            continue;
        }
        out.push(Finding {
            kind: Rule::UndocumentedKey,
            key: k.to_string(),
            at: located(chart_dir, read_at),
            hint: None,
        });
    }
    out.sort();
    out.dedup();
    unjudged.sort();
    LintReport {
        findings: out,
        unjudged,
    }
}

/// For a subchart's `global.X` that the parent's values also define: Helm
/// copies the parent's globals over the subchart's, so the subchart's
/// default never shows; says where the parent's is.
fn shadowing_global(
    rel: &[String],
    in_subchart: bool,
    documented: &[crate::docs::reference::DocKey],
) -> Option<String> {
    if !in_subchart || rel.first().map(String::as_str) != Some("global") {
        return None;
    }
    let parents = format!("global.{}", rel[1..].join("."));
    let parent = documented
        .iter()
        .find(|k| k.path == parents && k.subchart.is_none())?;
    Some(format!(
        "the parent's `{parents}` ({}) overrides it: Helm copies the parent's globals into each subchart",
        parent.defined_at
    ))
}
