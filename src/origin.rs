//! Values origins: where a node of the coalesced values tree came from.
//!
//! Every values node is registered once in an [`OriginTable`] and referred to
//! by a cheap [`OriginId`]. A computed value carries [`Deps`], the sorted set
//! of origins it depends on. The key path of an origin is assigned after
//! coalescing, in Helm `--set` notation from the top-level chart.

use std::rc::Rc;

/// Index of an [`Origin`] in its [`OriginTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OriginId(pub u32);

/// Which layer of values supplied a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layer {
    /// A chart's own `values.yaml` (the chart path inside the top chart, e.g. `k8s-monitoring/charts/feature-pod-logs`).
    ChartDefault(Rc<str>),
    /// A user values file given with `-f`.
    UserFile,
    /// A `--set`, `--set-string`, `--set-json` or `--set-file` flag.
    SetFlag,
    /// A value made while rendering (`set`, `merge` into `.Values`), or by Helm itself.
    Computed,
}

/// A position in a values source (file, 1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourcePos {
    /// Path of the file as given to the tool (or a flag description such as `--set`).
    pub file: Rc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// Where one values node came from.
#[derive(Clone, Debug)]
pub struct Origin {
    /// Key path in `--set` notation from the top-level chart (`podLogs.enabled`,
    /// `destinations[0].url`). Empty until coalescing assigns it.
    pub path: String,
    /// The layer that supplied the value.
    pub layer: Layer,
    /// Where in that layer's source the node was written, if known.
    pub pos: Option<SourcePos>,
}

/// All origins of one render.
#[derive(Default, Debug, Clone)]
pub struct OriginTable {
    origins: Vec<Origin>,
}

impl OriginTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Register an origin and return its id.
    pub fn add(&mut self, origin: Origin) -> OriginId {
        let id = OriginId(u32::try_from(self.origins.len()).unwrap_or(u32::MAX));
        self.origins.push(origin);
        id
    }

    /// Look an origin up.
    pub fn get(&self, id: OriginId) -> &Origin {
        &self.origins[id.0 as usize]
    }

    /// Mutable access, used when coalescing assigns key paths.
    pub fn get_mut(&mut self, id: OriginId) -> &mut Origin {
        &mut self.origins[id.0 as usize]
    }

    /// Number of registered origins.
    pub fn len(&self) -> usize {
        self.origins.len()
    }

    /// True when nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.origins.is_empty()
    }

    /// Iterate over all origins with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (OriginId, &Origin)> {
        self.origins
            .iter()
            .enumerate()
            .map(|(i, o)| (OriginId(i as u32), o))
    }
}

/// A sorted, deduplicated, shared set of origins a value depends on.
///
/// The empty set costs nothing; clones share the slice.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Deps(Option<Rc<[OriginId]>>);

impl std::fmt::Debug for Deps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Deps {
    /// The empty set.
    pub const fn none() -> Self {
        Deps(None)
    }

    /// A set of one origin.
    pub fn one(id: OriginId) -> Self {
        Deps(Some(Rc::from([id].as_slice())))
    }

    /// True when the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The ids, sorted.
    pub fn as_slice(&self) -> &[OriginId] {
        self.0.as_deref().unwrap_or(&[])
    }

    /// Iterate over the ids in order.
    pub fn iter(&self) -> impl Iterator<Item = OriginId> + '_ {
        self.as_slice().iter().copied()
    }

    /// True when `id` is in the set.
    pub fn contains(&self, id: OriginId) -> bool {
        self.as_slice().binary_search(&id).is_ok()
    }

    /// The union of two sets; shares an input when the other adds nothing.
    pub fn union(&self, other: &Deps) -> Deps {
        match (&self.0, &other.0) {
            (None, _) => other.clone(),
            (_, None) => self.clone(),
            (Some(a), Some(b)) => {
                if Rc::ptr_eq(a, b) {
                    return self.clone();
                }
                let (a, b) = (&a[..], &b[..]);
                let mut out = Vec::with_capacity(a.len() + b.len());
                let (mut i, mut j) = (0, 0);
                while i < a.len() && j < b.len() {
                    match a[i].cmp(&b[j]) {
                        std::cmp::Ordering::Less => {
                            out.push(a[i]);
                            i += 1;
                        }
                        std::cmp::Ordering::Greater => {
                            out.push(b[j]);
                            j += 1;
                        }
                        std::cmp::Ordering::Equal => {
                            out.push(a[i]);
                            i += 1;
                            j += 1;
                        }
                    }
                }
                out.extend_from_slice(&a[i..]);
                out.extend_from_slice(&b[j..]);
                if out.len() == a.len() {
                    return self.clone();
                }
                if out.len() == b.len() {
                    return other.clone();
                }
                Deps(Some(Rc::from(out)))
            }
        }
    }

    /// Union of many sets.
    pub fn union_all<'a>(sets: impl IntoIterator<Item = &'a Deps>) -> Deps {
        sets.into_iter()
            .fold(Deps::none(), |acc, next| acc.union(next))
    }
}

impl FromIterator<OriginId> for Deps {
    fn from_iter<T: IntoIterator<Item = OriginId>>(iter: T) -> Self {
        let mut ids: Vec<OriginId> = iter.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            Deps(None)
        } else {
            Deps(Some(Rc::from(ids)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_sorted_and_dedups() {
        let a: Deps = [OriginId(1), OriginId(5)].into_iter().collect();
        let b: Deps = [OriginId(5), OriginId(2)].into_iter().collect();
        let u = a.union(&b);
        assert_eq!(u.as_slice(), &[OriginId(1), OriginId(2), OriginId(5)]);
        assert!(u.contains(OriginId(2)));
        assert!(!u.contains(OriginId(3)));
        assert_eq!(a.union(&Deps::none()), a);
    }
}
