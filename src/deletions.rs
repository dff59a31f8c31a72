//! Keys deleted by `null`: Helm's coalescing removes a key the user set to
//! `null` (`-f` file or `--set key=null`) together with the chart's default
//! for it. The key is then missing from the values a template sees, but its
//! absence is the user's doing: a template that looks it up (a field, `if`,
//! `with`, `range`, `default`, `hasKey`, `index`, `get`) decided or printed
//! something because of that `null`. Coalescing records each deletion here,
//! with the origin of the `null`; the evaluator and the map functions give a
//! lookup that finds the key missing the deps of its deletion, so the role
//! of the deleted key is computed like any other read.
//!
//! One render's deletions, built while preparing its values and passed to
//! its evaluator (never shared between renders).

use std::collections::HashMap;

use crate::origin::Deps;
use crate::value::{MapKey, MapRef, Repr, Value};

/// The deletions of one render, by map.
#[derive(Default, Clone)]
pub struct Deletions {
    /// Map address → the map (kept alive so its address is not reused) and
    /// its deleted keys with the deps of the `null` that deleted each.
    by_map: HashMap<usize, (MapRef, Vec<(MapKey, Deps)>)>,
}

impl Deletions {
    /// No deletions.
    pub fn new() -> Self {
        Self::default()
    }

    /// True when nothing was deleted (lookups then cost nothing).
    pub fn is_empty(&self) -> bool {
        self.by_map.is_empty()
    }

    /// Record that `key` was deleted from `map` by a `null` with `deps`.
    /// A `null` without origin (one Helm itself wrote) is not recorded.
    pub fn record(&mut self, map: &MapRef, key: MapKey, deps: Deps) {
        if deps.is_empty() {
            return;
        }
        let entry = self
            .by_map
            .entry(map.addr())
            .or_insert_with(|| (map.clone(), Vec::new()));
        match entry.1.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = deps,
            None => entry.1.push((key, deps)),
        }
    }

    /// The deps of the deletion of `key` from `map`, when coalescing deleted
    /// it and it is still missing (a template may have set it since).
    pub fn of(&self, map: &MapRef, key: &str) -> Option<&Deps> {
        if self.by_map.is_empty() {
            return None;
        }
        let (_, keys) = self.by_map.get(&map.addr())?;
        let deps = keys.iter().find(|(k, _)| &**k == key).map(|(_, d)| d)?;
        (!map.borrow().contains_key(key)).then_some(deps)
    }

    /// The deps of every key deleted from `map` (and still missing): what a
    /// `range` over the map would have visited.
    pub fn of_map(&self, map: &MapRef) -> Deps {
        let Some((_, keys)) = self.by_map.get(&map.addr()) else {
            return Deps::none();
        };
        let data = map.borrow();
        Deps::union_all(
            keys.iter()
                .filter(|(k, _)| !data.contains_key(&**k))
                .map(|(_, d)| d),
        )
    }

    /// The deps of every key deleted from the maps inside `v` (nested maps
    /// and lists included): what `toYaml` of it would have written.
    pub fn inside(&self, v: &Value) -> Deps {
        if self.by_map.is_empty() {
            return Deps::none();
        }
        let mut out = Deps::none();
        let mut stack = vec![v.clone()];
        while let Some(v) = stack.pop() {
            match &v.repr {
                Repr::Map(m) => {
                    out = out.union(&self.of_map(m));
                    stack.extend(m.borrow().values().cloned());
                }
                Repr::List(l) => stack.extend(l.iter().cloned()),
                _ => {}
            }
        }
        out
    }

    /// Every deletion's deps, for listing.
    pub fn all(&self) -> impl Iterator<Item = &Deps> {
        self.by_map
            .values()
            .flat_map(|(_, keys)| keys.iter().map(|(_, d)| d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::OriginId;

    #[test]
    fn a_deleted_key_has_the_deps_of_its_null_until_set_again() {
        let m = MapRef::new();
        let mut d = Deletions::new();
        assert!(d.of(&m, "a").is_none());
        d.record(&m, "a".into(), Deps::one(OriginId(3)));
        d.record(&m, "b".into(), Deps::none());
        assert_eq!(d.of(&m, "a"), Some(&Deps::one(OriginId(3))));
        assert!(d.of(&m, "b").is_none());
        assert!(d.of(&MapRef::new(), "a").is_none());
        m.insert("a", Value::bool(true));
        assert!(d.of(&m, "a").is_none());
    }
}
