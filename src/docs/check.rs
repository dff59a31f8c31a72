//! `check`: values that change nothing. Keys the user set that no template
//! read (typos, with the nearest key that exists), keys templates read
//! that reached no output, and documented keys no template reads (with the
//! missing key a template asked for instead, when there is a near one).

use std::collections::BTreeSet;

use crate::docs::reference::DocKey;
use crate::docs::sets::SetFindings;
use crate::query::nearest;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// The key.
    pub key: String,
    /// Where it is set or documented.
    pub at: String,
    /// A suggestion (nearest existing key, or the name a template used).
    pub hint: Option<String>,
}

/// Kinds of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingKind {
    /// Set by the user, read by no template.
    UnusedUserKey,
    /// Documented in values.yaml, read by no template under any value set.
    UnreadDocumentedKey,
    /// Read by a template, but nothing it produced or decided reached the output.
    ReadWithoutEffect,
}

impl FindingKind {
    /// Short label.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::UnusedUserKey => "set but never read",
            FindingKind::UnreadDocumentedKey => "documented but never read",
            FindingKind::ReadWithoutEffect => "read but no effect",
        }
    }
}

fn is_under(key: &str, parent: &str) -> bool {
    key.len() > parent.len()
        && key.starts_with(parent)
        && matches!(key.as_bytes()[parent.len()], b'.' | b'[')
}

/// Run the checks over the findings of every rendered value set.
pub fn check(documented: &[DocKey], sets: &[SetFindings]) -> Vec<Finding> {
    let read: BTreeSet<&str> = sets
        .iter()
        .flat_map(|s| s.read.iter().map(String::as_str))
        .collect();
    let used: BTreeSet<&str> = sets
        .iter()
        .flat_map(|s| s.used.iter().map(String::as_str))
        .collect();
    let present: BTreeSet<&str> = sets
        .iter()
        .flat_map(|s| s.present.iter().map(String::as_str))
        .collect();
    let missing: Vec<(&str, &str)> = sets
        .iter()
        .flat_map(|s| s.missing.iter().map(|(k, at)| (k.as_str(), at.as_str())))
        .collect();
    // A key counts as read when it or anything below it was read.
    let read_or_below = |k: &str| {
        read.contains(k)
            || read
                .range(k..)
                .take_while(|x| x.starts_with(k))
                .any(|x| is_under(x, k))
    };
    let documented_paths: Vec<&str> = documented.iter().map(|d| d.path.as_str()).collect();
    let mut out = Vec::new();

    for set in sets {
        for (key, at) in &set.user_set {
            // Only leaves: a map the user set is judged by its keys.
            if set.user_set.keys().any(|k| is_under(k, key)) || read_or_below(key) {
                continue;
            }
            let candidates = present
                .iter()
                .copied()
                .chain(documented_paths.iter().copied())
                .filter(|c| *c != key.as_str() && !is_under(c, key));
            let hint = nearest(key, candidates, 1)
                .into_iter()
                .next()
                .map(|k| format!("did you mean `{k}`?"));
            out.push(Finding {
                kind: FindingKind::UnusedUserKey,
                key: key.clone(),
                at: at.clone(),
                hint,
            });
        }
    }
    for d in documented {
        if d.gate.is_some() || read_or_below(&d.path) {
            continue;
        }
        // A missing key a template asked for under the same parent is the
        // likely misspelling; elsewhere only a close name counts.
        let parent = d.path.rfind('.').map_or("", |i| &d.path[..i]);
        let siblings = missing
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| k.rfind('.').map_or("", |i| &k[..i]) == parent && !parent.is_empty());
        let hint = nearest(&d.path, siblings, 1)
            .into_iter()
            .next()
            .or_else(|| {
                nearest(&d.path, missing.iter().map(|(k, _)| *k), 1)
                    .into_iter()
                    .next()
                    .filter(|m| crate::query::edit_distance(m, &d.path) <= 3)
            })
            .map(|m| {
                let at = missing
                    .iter()
                    .find(|(k, _)| *k == m)
                    .map_or("", |(_, at)| at);
                format!("a template reads `{m}` instead ({at})")
            });
        out.push(Finding {
            kind: FindingKind::UnreadDocumentedKey,
            key: d.path.clone(),
            at: d.defined_at.clone(),
            hint,
        });
    }
    for k in &read {
        if used.contains(k) || !present.contains(k) {
            continue;
        }
        // Containers are read on the way to their keys; judge leaves only.
        if read.iter().any(|x| is_under(x, k)) {
            continue;
        }
        if documented.iter().any(|d| d.path == *k)
            || sets.iter().any(|s| s.user_set.contains_key(*k))
        {
            out.push(Finding {
                kind: FindingKind::ReadWithoutEffect,
                key: k.to_string(),
                at: documented
                    .iter()
                    .find(|d| d.path == *k)
                    .map(|d| d.defined_at.clone())
                    .unwrap_or_default(),
                hint: None,
            });
        }
    }
    out.sort();
    out.dedup();
    out
}
