//! The Alloy components of a render, and how two renders' components match.
//!
//! A *component* is a block of an Alloy config at the top level or directly
//! in the body of a `declare` (modules nest), other than the `declare`
//! itself: `loki.process "pod_logs"`, `prometheus.scrape "cadvisor"`,
//! `argument "x"`, `logging`. Its *id* is `name "label"` (the name alone
//! without a label); its *body* is the block's whole text, header
//! included, normalised: each line trimmed, blank lines dropped, runs of
//! spaces and tabs inside a line made one space (so alignment changes are
//! not differences). Two components match when id and normalised body are
//! equal; renders match component for component as multisets (a component
//! written twice must be there twice), wherever the configs are
//! (collector and module are not part of the match).

use std::collections::BTreeMap;

use crate::alloy::Block;
use crate::model::RenderOutput;
use crate::query::configs::configs;

/// One component of a render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// The collector (config) it is in.
    pub collector: String,
    /// `name "label"`.
    pub id: String,
    /// The normalised body.
    pub body: String,
}

/// Every component of every Alloy config of `out`, in config order.
pub fn components(out: &RenderOutput) -> Vec<Component> {
    let mut result = Vec::new();
    for cfg in configs(out).iter().filter(|c| c.is_alloy()) {
        let text = &cfg.doc.text;
        collect(&cfg.blocks, text, &cfg.collector, &mut result);
    }
    result
}

fn collect(blocks: &[Block], text: &str, collector: &str, out: &mut Vec<Component>) {
    for b in blocks {
        if b.name == "declare" {
            collect(&b.children, text, collector, out);
            continue;
        }
        out.push(Component {
            collector: collector.to_string(),
            id: b.display_name(),
            body: normalize(text.get(b.range.clone()).unwrap_or("")),
        });
    }
}

/// Lines trimmed, blank lines dropped, inner whitespace runs made one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// How many of `expected`'s components `got` has (id and body equal,
/// counted as multisets).
pub fn matched(expected: &[Component], got: &[Component]) -> usize {
    let mut have: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for c in got {
        *have.entry((&c.id, &c.body)).or_default() += 1;
    }
    let mut n = 0;
    for c in expected {
        if let Some(k) = have.get_mut(&(c.id.as_str(), c.body.as_str())) {
            if *k > 0 {
                *k -= 1;
                n += 1;
            }
        }
    }
    n
}

/// How close `got` is to `target`, for the search: each target component
/// counts the best line overlap of a component with its id in `got` (1 when
/// equal), and each id of `got` that `target` does not have costs a quarter.
pub fn closeness(target: &[Component], got: &[Component]) -> f64 {
    let mut by_id: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
    for c in got {
        by_id.entry(&c.id).or_default().push(c);
    }
    let mut score = 0.0;
    for t in target {
        let best = by_id
            .get(t.id.as_str())
            .map(|cs| {
                cs.iter()
                    .map(|c| similarity(&t.body, &c.body))
                    .fold(0.0, f64::max)
            })
            .unwrap_or(0.0);
        score += best;
    }
    let target_ids: std::collections::BTreeSet<&str> =
        target.iter().map(|c| c.id.as_str()).collect();
    let extra = by_id.keys().filter(|id| !target_ids.contains(*id)).count();
    score - 0.25 * extra as f64
}

/// Shared lines over the longer body's lines (multisets); 1 when equal.
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let mut count: BTreeMap<&str, i64> = BTreeMap::new();
    let la: Vec<&str> = a.lines().collect();
    let lb: Vec<&str> = b.lines().collect();
    for l in &la {
        *count.entry(l).or_default() += 1;
    }
    let mut shared = 0;
    for l in &lb {
        if let Some(c) = count.get_mut(l) {
            if *c > 0 {
                *c -= 1;
                shared += 1;
            }
        }
    }
    let n = la.len().max(lb.len()).max(1);
    // Equal bodies score 1; a shared header alone scores a little.
    0.95 * shared as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comp(id: &str, body: &str) -> Component {
        Component {
            collector: "c".into(),
            id: id.into(),
            body: normalize(body),
        }
    }

    #[test]
    fn normalize_ignores_alignment_and_blank_lines() {
        assert_eq!(
            normalize("logging {\n  level  = \"info\"\n\n  format = \"x\"\n}\n"),
            "logging {\nlevel = \"info\"\nformat = \"x\"\n}"
        );
    }

    #[test]
    fn matching_counts_multisets() {
        let a = vec![comp("a", "a {}"), comp("a", "a {}"), comp("b", "b { x }")];
        let b = vec![comp("a", "a {}"), comp("b", "b {  x }")];
        assert_eq!(matched(&a, &b), 2);
        assert_eq!(matched(&b, &a), 2);
        assert!(closeness(&a, &b) > closeness(&a, &b[..1]));
    }
}
