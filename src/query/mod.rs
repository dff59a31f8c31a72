//! Questions asked of a traced render: which values keys fill, gate or can
//! insert into a config block (`--block`), where a key lands (`--key`), and
//! a line-by-line annotation of a rendered config or file (`blame`).
//!
//! Every answer comes from the trace: the runs and decisions of the
//! rendered text and the reads the evaluator recorded; nothing here looks
//! at template source.

pub mod blame;
pub mod block;
pub mod configs;
pub mod diff;
pub mod effects;
pub mod key;
pub mod resource;

use std::collections::BTreeSet;

use crate::model::RenderOutput;
use crate::origin::OriginId;

pub use blame::{blame, BlameLine, BlameTarget};
pub use block::{block_query, BlockMatch, KeyRow, Role};
pub use configs::{configs, Config};
pub use diff::{diff, Hunk, KeyChange, LineTag, TemplateChange};
pub use effects::{key_effects, manifest_effects, Effect, ManifestEffect};
pub use key::{key_answer, key_query, ChainLink, KeyAnswer, ManifestRow, Place};
pub use resource::{resource_query, PathKeys, ResourceMatch};

/// Errors of the query layer.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The block query is malformed.
    #[error(transparent)]
    BadBlockQuery(#[from] crate::alloy::QueryError),
    /// No block matched.
    #[error("no block matches {query:?} in {searched}{}", suggestions(nearest))]
    NoBlock {
        /// The query.
        query: String,
        /// Which collectors were searched.
        searched: String,
        /// Nearest block addresses.
        nearest: Vec<String>,
    },
    /// No such values key.
    #[error("no values key {key:?}{}", suggestions(nearest))]
    NoKey {
        /// The key asked for.
        key: String,
        /// Nearest existing keys.
        nearest: Vec<String>,
    },
    /// No such collector or config.
    #[error("no collector or config named {name:?}; known: {}", known.join(", "))]
    NoCollector {
        /// The name asked for.
        name: String,
        /// Known collectors.
        known: Vec<String>,
    },
    /// A resource not written `KIND/NAME`.
    #[error("bad resource {resource:?}: write it KIND/NAME (Deployment/rel-grafana)")]
    BadResource {
        /// The resource as given.
        resource: String,
    },
    /// No rendered document is that resource.
    #[error("no rendered resource {resource:?}{}", suggestions(nearest))]
    NoResource {
        /// The resource asked for.
        resource: String,
        /// Nearest rendered resources.
        nearest: Vec<String>,
    },
    /// The resource has no such path.
    #[error("{resource} has no path {path:?}{}", suggestions(nearest))]
    NoPath {
        /// The resource.
        resource: String,
        /// The path asked for.
        path: String,
        /// Nearest paths of the resource.
        nearest: Vec<String>,
    },
    /// A malformed `--path`.
    #[error(transparent)]
    BadPath(#[from] crate::model::places::PathError),
    /// No such rendered file.
    #[error("no rendered file {name:?}; known: {}", known.join(", "))]
    NoFile {
        /// The path asked for.
        name: String,
        /// Known rendered files.
        known: Vec<String>,
    },
}

impl QueryError {
    /// True for "nothing matched" (as opposed to a malformed request).
    pub fn is_no_match(&self) -> bool {
        matches!(
            self,
            QueryError::NoBlock { .. }
                | QueryError::NoKey { .. }
                | QueryError::NoResource { .. }
                | QueryError::NoPath { .. }
        )
    }
}

fn suggestions(nearest: &[String]) -> String {
    if nearest.is_empty() {
        String::new()
    } else {
        format!("; nearest: {}", nearest.join(", "))
    }
}

/// Levenshtein distance, for "did you mean" lists.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The `n` candidates closest to `target`.
pub fn nearest<'a>(
    target: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let lower = target.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let cl = c.to_lowercase();
            let d = edit_distance(&lower, &cl);
            let bonus = if cl.contains(&lower) || lower.contains(&cl) {
                d / 2
            } else {
                0
            };
            (d - bonus, c)
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(n)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// The display path of an origin, or `None` for origins with no key path.
pub fn origin_key(out: &RenderOutput, id: OriginId) -> Option<&str> {
    let p = out.origins.get(id).path.as_str();
    (!p.is_empty()).then_some(p)
}

/// The origins of `deps` for showing: the ones the user set (`-f`, `--set`)
/// first, then chart defaults and computed values, each in origin order.
pub fn user_first(out: &RenderOutput, deps: &crate::origin::Deps) -> Vec<OriginId> {
    let mut ids: Vec<OriginId> = deps.iter().collect();
    ids.sort_by_key(|id| {
        let user = matches!(
            out.origins.get(*id).layer,
            crate::origin::Layer::UserFile | crate::origin::Layer::SetFlag
        );
        (!user, *id)
    });
    ids
}

/// Every distinct key path of the render, sorted.
pub fn all_keys(out: &RenderOutput) -> BTreeSet<&str> {
    out.origins
        .iter()
        .filter_map(|(_, o)| (!o.path.is_empty()).then_some(o.path.as_str()))
        .collect()
}
