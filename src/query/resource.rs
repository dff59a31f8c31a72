//! `--resource KIND/NAME [--path PATH]`: the values keys that produce or
//! decide a manifest place, with their roles, the template lines that read
//! them and where they were set. Without a path, every key of the resource,
//! grouped by the path it reaches.
//!
//! A hit (run or decision) belongs to the asked path when the place it
//! covers is that path or under it (its own role), or when it is an
//! ancestor's hit whose output contains the whole path (a decision there
//! is context; a value there is content). So every place `--key K` reports
//! answers `K` here.

use std::collections::BTreeMap;

use crate::model::index::{within, Index};
use crate::model::places::{format_path, parse_path, PathError, Seg};
use crate::model::roles::Role;
use crate::query::block::KeyRow;
use crate::query::{nearest, origin_key, QueryError};

/// The keys of one path of a resource.
#[derive(Debug, Clone)]
pub struct PathKeys {
    /// The YAML path (empty: the whole document).
    pub path: String,
    /// First and last rendered-file line of what the keys covered.
    pub lines: (usize, usize),
    /// The keys, answer first ([`crate::query::block::answer_order`]).
    pub keys: Vec<KeyRow>,
}

/// One document answering `--resource`.
#[derive(Debug, Clone)]
pub struct ResourceMatch {
    /// `Kind/name`.
    pub resource: String,
    /// The document's namespace, when it names one.
    pub namespace: Option<String>,
    /// Rendered file (Helm template path).
    pub file: String,
    /// The keys, by path (one group when a path was asked).
    pub paths: Vec<PathKeys>,
}

/// Answer `--resource KIND/NAME [--path PATH]`.
pub fn resource_query(
    index: &Index<'_>,
    resource: &str,
    path: Option<&str>,
) -> Result<Vec<ResourceMatch>, QueryError> {
    let Some((kind, name)) = resource.split_once('/') else {
        return Err(QueryError::BadResource {
            resource: resource.to_string(),
        });
    };
    let docs = index.find_resource(kind, name);
    if docs.is_empty() {
        let all = index.resources();
        return Err(QueryError::NoResource {
            resource: resource.to_string(),
            nearest: nearest(resource, all.iter().map(String::as_str), 5),
        });
    }
    let asked: Option<Vec<Seg>> = path.map(parse_path).transpose().map_err(bad_path)?;
    let mut results = Vec::new();
    for (file, d) in docs {
        let fi = &index.files[file as usize];
        let doc = fi.doc(d);
        // The asked path's range; a path no rendered text has (where an
        // insertion point would write) has none, and only places under it match.
        let target = asked
            .as_ref()
            .map(|p| (p.clone(), index.range_of(file, d, p)));
        let mut groups: BTreeMap<Vec<Seg>, Group> = BTreeMap::new();
        for hi in fi.hits.clone() {
            let h = &index.hits[hi as usize];
            let slot = &fi.places.docs[d];
            if h.range.end < slot.range.start || h.range.start > slot.range.end {
                continue;
            }
            for place in index.places_of(h) {
                if place.doc != d {
                    continue;
                }
                let (group, role) = match &target {
                    None => (place.path.clone(), h.role),
                    Some((p, r)) => {
                        // An ancestor's hit covering the whole path, or an
                        // ancestor's insertion point inside it.
                        let contains = r.as_ref().is_some_and(|r| {
                            if h.range.is_empty() {
                                let text = fi.text.as_str();
                                let o = text[..h.range.start].trim_end().len();
                                // Items inserted into a list before this one
                                // move it: a point before it counts too.
                                let into_list =
                                    matches!(p.get(place.path.len()), Some(Seg::Index(_)));
                                (r.start < o || into_list) && o <= r.end
                            } else {
                                h.range.start <= r.start && h.range.end >= r.end
                            }
                        });
                        if within(&place.path, p) {
                            (p.clone(), h.role)
                        } else if within(p, &place.path) && contains {
                            // The model's rule against the path's text; a
                            // point just before a list item (which it
                            // would move) keeps the hit's own role.
                            let role = r
                                .as_ref()
                                .and_then(|r| index.role_for(h, r))
                                .unwrap_or(h.role);
                            (p.clone(), role)
                        } else {
                            continue;
                        }
                    }
                };
                let g = groups.entry(group).or_default();
                g.add(index, h, role, fi.line_of(h.range.start));
            }
        }
        if let Some((p, r)) = &target {
            if r.is_none() && groups.is_empty() {
                let paths: Vec<String> = index
                    .paths(file, d)
                    .iter()
                    .map(|p| format_path(p))
                    .collect();
                let asked = path.unwrap_or_default();
                return Err(QueryError::NoPath {
                    resource: resource.to_string(),
                    path: asked.to_string(),
                    nearest: nearest(asked, paths.iter().map(String::as_str), 5),
                });
            }
            groups.entry(p.clone()).or_default();
        }
        let paths = groups
            .into_iter()
            .map(|(p, g)| PathKeys {
                path: format_path(&p),
                lines: g.lines,
                keys: g.finish(),
            })
            .collect();
        results.push(ResourceMatch {
            resource: doc.resource().unwrap_or_else(|| resource.to_string()),
            namespace: doc.namespace.clone(),
            file: fi.path.to_string(),
            paths,
        });
    }
    Ok(results)
}

fn bad_path(e: PathError) -> QueryError {
    QueryError::BadPath(e)
}

/// The keys of one path while they are collected.
struct Group {
    rows: BTreeMap<String, KeyRow>,
    lines: (usize, usize),
    contexts: Vec<(usize, Vec<String>)>,
}

impl Default for Group {
    fn default() -> Self {
        Group {
            rows: BTreeMap::new(),
            lines: (usize::MAX, 0),
            contexts: Vec::new(),
        }
    }
}

impl Group {
    fn add(&mut self, index: &Index<'_>, h: &crate::model::index::Hit, role: Role, line: usize) {
        let out = index.out;
        let at = h.loc.map(|l| out.describe_loc(l));
        if role != Role::Context {
            self.lines.0 = self.lines.0.min(line);
            self.lines.1 = self.lines.1.max(line);
        }
        let mut keys = Vec::new();
        for id in crate::query::user_first(out, index.deps(h)) {
            let Some(key) = origin_key(out, id) else {
                continue;
            };
            keys.push(key.to_string());
            let row = self.rows.entry(key.to_string()).or_insert_with(|| KeyRow {
                role,
                key: key.to_string(),
                value: out.origin_values.get(&id).cloned().unwrap_or_default(),
                value_json: out.origin_json.get(&id).cloned().unwrap_or_default(),
                read_at: Vec::new(),
                set_at: out.describe_origin_pos(id),
                lines: Vec::new(),
                context_rank: usize::MAX,
                user_set: crate::query::block::is_user_set(out, id),
            });
            // The strongest role wins (insert, content, loop, gate, context).
            row.role = row.role.min(role);
            if let Some(at) = &at {
                if !row.read_at.contains(at) {
                    row.read_at.push(at.clone());
                }
            }
            if role != Role::Context && !row.lines.contains(&line) {
                row.lines.push(line);
            }
        }
        if role == Role::Context {
            self.contexts.push((h.range.len(), keys));
        }
    }

    fn finish(mut self) -> Vec<KeyRow> {
        // Context rank: how deep the deciding condition is (0 = innermost).
        self.contexts.sort_by_key(|(len, _)| *len);
        for (rank, (_, keys)) in self.contexts.iter().enumerate() {
            for k in keys {
                if let Some(r) = self.rows.get_mut(k) {
                    r.context_rank = r.context_rank.min(rank);
                }
            }
        }
        let mut rows: Vec<KeyRow> = self.rows.into_values().collect();
        for r in &mut rows {
            r.lines.sort_unstable();
            if r.role != Role::Context || r.context_rank == usize::MAX {
                r.context_rank = 0;
            }
        }
        crate::query::block::answer_order(&mut rows);
        rows
    }
}
