//! Dependency processing, a port of Helm's `ProcessDependenciesWithMerge`
//! (`pkg/chart/v2/util/dependencies.go`): aliases rename subcharts, tags and
//! conditions (first condition path that resolves to a bool wins) enable or
//! disable them, disabled subcharts are removed, and `import-values` copies
//! child values into the parent.

use super::coalesce::{coalesce_tables, coalesce_values, merge_values};
use super::metadata::Dependency;
use super::semver::is_compatible_range;
use super::{Chart, ChartError};
use crate::origin::OriginTable;
use crate::value::{MapRef, Value};

/// A chart during preparation: the loaded chart plus what dependency
/// processing changes (name via alias, dependency list, values, subcharts).
#[derive(Clone)]
pub struct Node<'c> {
    /// The loaded chart (templates, files).
    pub chart: &'c Chart,
    /// The chart's name in its parent (the alias, if any).
    pub name: String,
    /// The dependency list (`None` when the chart declares none, as Go's nil).
    pub deps: Option<Vec<Dependency>>,
    /// The chart's values (its `values.yaml`; replaced by import-values processing).
    pub values: MapRef,
    /// Subcharts.
    pub children: Vec<Node<'c>>,
}

impl<'c> Node<'c> {
    /// Build the node tree of a loaded chart; `values` gives each chart's
    /// default values in the order charts are visited (a chart, then its
    /// subcharts in order, depth first), as [`super::prepare::ChartDefaults`]
    /// lists them.
    pub fn build(chart: &'c Chart, values: &mut dyn Iterator<Item = MapRef>) -> Node<'c> {
        let own = values.next().unwrap_or_default();
        let children = chart
            .subcharts
            .iter()
            .map(|sc| Node::build(sc, values))
            .collect();
        Node {
            chart,
            name: chart.metadata.name.clone(),
            deps: chart.metadata.dependencies.clone(),
            values: own,
            children,
        }
    }

    /// The chart's version.
    pub fn version(&self) -> &str {
        &self.chart.metadata.version
    }
}

/// Split a `.`-separated path as Helm's `parsePath`.
fn parse_path(p: &str) -> Vec<&str> {
    p.split('.').collect()
}

/// Helm's `Values.Table`: the map at a dotted path.
pub fn table(v: &MapRef, path: &str) -> Option<MapRef> {
    let mut cur = v.clone();
    for part in parse_path(path) {
        let next = cur.get(part)?.as_map()?.clone();
        cur = next;
    }
    Some(cur)
}

/// Helm's `Values.PathValue`: a non-map value at a dotted path.
pub fn path_value(v: &MapRef, path: &str) -> Option<Value> {
    if path.is_empty() {
        return None;
    }
    let parts = parse_path(path);
    let (key, head) = parts.split_last()?;
    let t = if head.is_empty() {
        v.clone()
    } else {
        table(v, &head.join("."))?
    };
    let val = t.get(key)?;
    if val.as_map().is_some() {
        return None;
    }
    Some(val)
}

/// A copy of `v` whose nodes have fresh origins (copies of the old ones), so
/// a chart used under two aliases reports each alias's key paths.
fn fork_value(v: &Value, origins: &mut OriginTable) -> Value {
    let mut renamed = Vec::new();
    let deps: crate::origin::Deps = v
        .deps
        .iter()
        .map(|id| {
            let o = origins.get(id).clone();
            let new = origins.add(o);
            renamed.push((id, new));
            new
        })
        .collect();
    let repr = match &v.repr {
        // A string's bytes carry the same origins as the node: rename them too.
        crate::value::Repr::Str(s) => crate::value::Repr::Str(s.map_deps(&mut |d| {
            d.iter()
                .map(|id| {
                    renamed
                        .iter()
                        .find(|(old, _)| *old == id)
                        .map_or(id, |(_, new)| *new)
                })
                .collect()
        })),
        crate::value::Repr::Map(m) => crate::value::Repr::Map(fork_map(m, origins)),
        crate::value::Repr::List(l) => crate::value::Repr::List(std::rc::Rc::new(
            l.iter().map(|x| fork_value(x, origins)).collect(),
        )),
        other => other.clone(),
    };
    Value {
        repr,
        deps,
        at: None,
    }
}

fn fork_map(m: &MapRef, origins: &mut OriginTable) -> MapRef {
    let entries: Vec<(crate::value::MapKey, Value)> = m
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    MapRef::from_data(
        entries
            .into_iter()
            .map(|(k, v)| (k, fork_value(&v, origins)))
            .collect(),
    )
}

fn fork_node<'c>(n: &Node<'c>, origins: &mut OriginTable) -> Node<'c> {
    Node {
        chart: n.chart,
        name: n.name.clone(),
        deps: n.deps.clone(),
        values: fork_map(&n.values, origins),
        children: n.children.iter().map(|c| fork_node(c, origins)).collect(),
    }
}

fn get_alias_dependency<'c>(
    children: &[Node<'c>],
    dep: &Dependency,
    origins: &mut OriginTable,
) -> Option<Node<'c>> {
    let c = children
        .iter()
        .find(|c| c.name == dep.name && is_compatible_range(&dep.version, c.version()))?;
    let mut out = if dep.alias.is_empty() {
        c.clone()
    } else {
        fork_node(c, origins)
    };
    if !dep.alias.is_empty() {
        out.name = dep.alias.clone();
    }
    Some(out)
}

fn process_tags(reqs: &mut [Dependency], cvals: &MapRef) {
    let Some(vt) = table(cvals, "tags") else {
        return;
    };
    for r in reqs.iter_mut() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(b) = vt.get(k) {
                if let crate::value::Repr::Bool(b) = b.repr {
                    if b {
                        has_true = true;
                    } else {
                        has_false = true;
                    }
                }
            }
        }
        if !has_true && has_false {
            r.enabled = false;
        } else if has_true || !has_false {
            r.enabled = true;
        }
    }
}

fn process_conditions(reqs: &mut [Dependency], cvals: &MapRef, cpath: &str) {
    for r in reqs.iter_mut() {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(v) = path_value(cvals, &format!("{cpath}{c}")) {
                if let crate::value::Repr::Bool(b) = v.repr {
                    r.enabled = b;
                    break;
                }
            }
        }
    }
}

fn process_enabled(
    c: &mut Node<'_>,
    v: &MapRef,
    path: &str,
    origins: &mut OriginTable,
) -> Result<(), ChartError> {
    let Some(mut reqs) = c.deps.take() else {
        return Ok(());
    };
    let mut chart_deps: Vec<Node<'_>> = Vec::new();
    for existing in &c.children {
        let declared = reqs.iter().any(|r| {
            existing.name == r.name && is_compatible_range(&r.version, existing.version())
        });
        if !declared {
            chart_deps.push(existing.clone());
        }
    }
    for req in reqs.iter_mut() {
        if let Some(d) = get_alias_dependency(&c.children, req, origins) {
            chart_deps.push(d);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.children = chart_deps;
    for r in reqs.iter_mut() {
        r.enabled = true;
    }
    c.deps = Some(reqs.clone());
    let cvals = coalesce_values(c, v, origins)?;
    process_tags(&mut reqs, &cvals);
    process_conditions(&mut reqs, &cvals, path);
    let removed: Vec<String> = reqs
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    let mut kept: Vec<Node<'_>> = std::mem::take(&mut c.children)
        .into_iter()
        .filter(|n| !removed.contains(&n.name))
        .collect();
    let kept_meta: Vec<Dependency> = reqs
        .into_iter()
        .filter(|r| !removed.contains(&r.name))
        .collect();
    for t in kept.iter_mut() {
        let subpath = format!("{path}{}.", t.name);
        process_enabled(t, &cvals, &subpath, origins)?;
    }
    c.deps = if kept_meta.is_empty() {
        None
    } else {
        Some(kept_meta)
    };
    c.children = kept;
    Ok(())
}

/// Helm's `pathToMap`: nest `data` under the dotted `path` (`.` is the top).
fn path_to_map(path: &str, data: MapRef) -> MapRef {
    if path == "." {
        return data;
    }
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    let mut cur = data;
    for p in parts.iter().rev() {
        let m = MapRef::new();
        m.insert(*p, Value::map(cur));
        cur = m;
    }
    cur
}

fn process_import_values(c: &mut Node<'_>, origins: &mut OriginTable) -> Result<(), ChartError> {
    let Some(mut reqs) = c.deps.take() else {
        return Ok(());
    };
    c.deps = Some(reqs.clone());
    let cvals = merge_values(c, &MapRef::new(), origins)?;
    let b = MapRef::new();
    for r in reqs.iter_mut() {
        let mut outiv = Vec::new();
        for riv in &r.import_values {
            if let Some(m) = riv.as_map() {
                let show = |k: &str| {
                    m.get(k)
                        .map(|v| crate::gofmt::sprint_value(&v))
                        .unwrap_or_else(|| "<nil>".to_string())
                };
                let (child, parent) = (show("child"), show("parent"));
                let out = MapRef::new();
                out.insert("child", Value::str(child.as_str()));
                out.insert("parent", Value::str(parent.as_str()));
                outiv.push(Value::map(out));
                if let Some(vv) = table(&cvals, &format!("{}.{child}", r.name)) {
                    coalesce_tables(&b, &path_to_map(&parent, vv), true);
                }
            } else if let Some(s) = riv.as_str() {
                let child = format!("exports.{s}");
                let out = MapRef::new();
                out.insert("child", Value::str(child.as_str()));
                out.insert("parent", Value::str("."));
                outiv.push(Value::map(out));
                if let Some(vm) = table(&cvals, &format!("{}.{child}", r.name)) {
                    coalesce_tables(&b, &vm, true);
                }
            }
        }
        r.import_values = outiv;
    }
    c.deps = Some(reqs);
    let cvals = cvals.deep_copy();
    coalesce_tables(&cvals, &b, true);
    c.values = cvals;
    Ok(())
}

fn process_import_values_rec(
    c: &mut Node<'_>,
    origins: &mut OriginTable,
) -> Result<(), ChartError> {
    for d in c.children.iter_mut() {
        process_import_values_rec(d, origins)?;
    }
    process_import_values(c, origins)
}

/// Helm's `ProcessDependenciesWithMerge`: enable/disable and rename
/// subcharts against the user values `v`, then apply import-values.
pub fn process_dependencies(
    c: &mut Node<'_>,
    v: &MapRef,
    origins: &mut OriginTable,
) -> Result<(), ChartError> {
    process_enabled(c, v, "", origins)?;
    process_import_values_rec(c, origins)
}
