//! `lint`: what a chart maintainer should fix in values.yaml, judged over
//! every value set given (the defaults, the examples): documented keys no
//! template reads, documented keys templates read under another name (a
//! sibling of a close name values.yaml does not define), and keys templates
//! read that values.yaml does not document.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::docs::check::{is_under, parent_of};
use crate::docs::findings::{Finding, Rule};
use crate::docs::reference::DocKey;
use crate::docs::sets::SetFindings;
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

/// The lint findings over every rendered set.
pub fn lint(chart_dir: &Path, documented: &[DocKey], sets: &[SetFindings]) -> Vec<Finding> {
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
            None => out.push(Finding {
                kind: Rule::UnreadDocumentedKey,
                key: d.path.clone(),
                at,
                hint: None,
            }),
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
    out
}
