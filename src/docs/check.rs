//! `check`: is anything in the user's values doing nothing? Keys the user
//! set (`-f`, `--set`) that no template read (with the read key of a close
//! name under the same parent, when there is one), keys set under a feature
//! or subchart the values turn off, and keys read whose value reached no
//! output (neither text nor a decision, in configs or manifests).
//! The chart's own documentation is `lint`'s business, not the user's.

use std::collections::BTreeSet;

use crate::docs::findings::{Finding, Rule};
use crate::docs::sets::SetFindings;
use crate::query::edit_distance;

pub use crate::docs::findings::Rule as FindingKind;

/// Whether `key` is strictly below `parent` (`parent.x`, `parent[0]`).
pub fn is_under(key: &str, parent: &str) -> bool {
    key.len() > parent.len()
        && key.starts_with(parent)
        && matches!(key.as_bytes()[parent.len()], b'.' | b'[')
}

/// The parent of a key path (`a.b` of `a.b.c` and of `a.b[0]`), `""` at the top.
pub fn parent_of(key: &str) -> &str {
    let cut = key
        .char_indices()
        .rev()
        .find(|&(i, c)| c == '[' || (c == '.' && (i == 0 || key.as_bytes()[i - 1] != b'\\')))
        .map_or(0, |(i, _)| i);
    &key[..cut]
}

/// Whether a set read `k` or anything below it.
fn read_or_below(read: &BTreeSet<String>, k: &str) -> bool {
    read.contains(k)
        || read
            .range(k.to_string()..)
            .take_while(|x| x.starts_with(k))
            .any(|x| is_under(x, k))
}

/// A close name a template read instead: same parent, a few edits away,
/// never the key itself or one below it.
fn did_you_mean(key: &str, set: &SetFindings) -> Option<String> {
    let parent = parent_of(key);
    let name_len = key.len() - parent.len();
    let limit = (name_len / 3).clamp(1, 3);
    set.read
        .iter()
        .chain(set.missing.keys())
        .filter(|c| c.as_str() != key && !is_under(c, key) && parent_of(c) == parent)
        .map(|c| (edit_distance(&key.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Why a key is off: the switch or subchart condition above it, if any.
fn turned_off(key: &str, set: &SetFindings) -> Option<String> {
    if let Some(sw) = set
        .off
        .iter()
        .filter(|sw| {
            let feature = parent_of(sw);
            !feature.is_empty() && is_under(key, feature) && key != sw.as_str()
        })
        .max_by_key(|sw| sw.len())
    {
        return Some(format!("`{sw}` is false"));
    }
    set.disabled_subcharts
        .iter()
        .find(|(alias, _)| key == alias || is_under(key, alias))
        .map(|(alias, cond)| format!("subchart `{alias}` is disabled (condition `{cond}`)"))
}

/// The findings of the sets the user gave (every set holds its own user keys).
pub fn check(sets: &[SetFindings]) -> Vec<Finding> {
    let mut out = Vec::new();
    for set in sets {
        for (key, at) in &set.user_set {
            // Only leaves: a map the user set is judged by its keys.
            if set.user_set.keys().any(|k| is_under(k, key)) {
                continue;
            }
            // An item of a list counts as read when the list is: `has`,
            // `len`, `range` and `toYaml` take a list whole.
            let mut list = key.as_str();
            while let Some(open) = list.strip_suffix(']').and_then(|l| l.rfind('[')) {
                list = &list[..open];
            }
            let list_read = list != key && set.read.contains(list);
            if !list_read && !read_or_below(&set.read, key) {
                let (kind, hint) = match turned_off(key, set) {
                    Some(why) => (Rule::DisabledUserKey, Some(why)),
                    None => (Rule::UnusedUserKey, did_you_mean(key, set)),
                };
                out.push(Finding {
                    kind,
                    key: key.clone(),
                    at: at.clone(),
                    hint,
                });
                continue;
            }
            // Read: it matters when it (or a key below it) reached the
            // output or has an effect on a config or manifest place.
            let has_effect = |k: &str| {
                set.used.contains(k)
                    || set.effects.get(k).is_some_and(|e| !e.is_empty())
                    || set.manifest.get(k).is_some_and(|e| !e.is_empty())
            };
            let below = set
                .used
                .range(key.clone()..)
                .take_while(|x| x.starts_with(key.as_str()))
                .any(|x| is_under(x, key));
            let list_has_effect = list != key && has_effect(list);
            if !(has_effect(key) || below || list_has_effect) {
                out.push(Finding {
                    kind: Rule::ReadWithoutEffect,
                    key: key.clone(),
                    at: at.clone(),
                    hint: None,
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
