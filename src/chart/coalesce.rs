//! Values coalescing, a port of Helm's `pkg/chart/common/util/coalesce.go`:
//! user values over chart defaults, maps merged recursively, `null` deleting
//! a default (when coalescing, kept when merging), subchart defaults under
//! the subchart's name, and `global` copied down into every subchart.
//!
//! Helm's warnings are ignored. Maps are [`MapRef`]s, so sharing follows Go
//! (shallow copies share nested maps exactly where Helm's do). Maps that
//! coalescing creates get a [`Layer::Computed`] origin. Each key a user's
//! `null` deletes is recorded in [`Deletions`] with the `null`'s origin.

use super::dependencies::Node;
use super::ChartError;
use crate::deletions::Deletions;
use crate::origin::{Layer, Origin, OriginTable};
use crate::value::{MapRef, Repr, Value};

const GLOBAL: &str = "global";

/// A new empty map with a computed origin.
pub fn computed_map(origins: &mut OriginTable) -> (MapRef, Value) {
    let m = MapRef::new();
    let id = origins.add(Origin {
        path: String::new(),
        layer: Layer::Computed,
        pos: None,
    });
    (m.clone(), Value::map(m).with_origin(id))
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn entries(m: &MapRef) -> Vec<(crate::value::MapKey, Value)> {
    m.borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Helm's `CoalesceValues`: a deep copy of `vals` with the chart's (and its
/// subcharts') defaults coalesced in; nulls remove defaults.
pub fn coalesce_values(
    node: &Node<'_>,
    vals: &MapRef,
    origins: &mut OriginTable,
) -> Result<MapRef, ChartError> {
    coalesce_values_recording(node, vals, origins, &mut Deletions::new())
}

/// [`coalesce_values`], recording in `deleted` every key a `null` deleted.
pub fn coalesce_values_recording(
    node: &Node<'_>,
    vals: &MapRef,
    origins: &mut OriginTable,
    deleted: &mut Deletions,
) -> Result<MapRef, ChartError> {
    let dest = vals.deep_copy();
    let mut cx = Cx { origins, deleted };
    coalesce(node, &dest, "", false, &mut cx)?;
    Ok(dest)
}

/// What coalescing writes besides the values: new origins, deletions.
struct Cx<'a> {
    origins: &'a mut OriginTable,
    deleted: &'a mut Deletions,
}

/// Helm's `MergeValues`: like [`coalesce_values`] but nulls are kept.
pub fn merge_values(
    node: &Node<'_>,
    vals: &MapRef,
    origins: &mut OriginTable,
) -> Result<MapRef, ChartError> {
    let dest = vals.deep_copy();
    let mut cx = Cx {
        origins,
        deleted: &mut Deletions::new(),
    };
    coalesce(node, &dest, "", true, &mut cx)?;
    Ok(dest)
}

fn coalesce(
    ch: &Node<'_>,
    dest: &MapRef,
    prefix: &str,
    merge: bool,
    cx: &mut Cx<'_>,
) -> Result<(), ChartError> {
    coalesce_chart_values(ch, dest, merge, cx.deleted);
    coalesce_deps(ch, dest, prefix, merge, cx)
}

fn go_bool_verb(v: &Value) -> String {
    match &v.repr {
        Repr::Bool(b) => b.to_string(),
        _ => format!("%!t({}={})", v.type_name(), crate::gofmt::sprint_value(v)),
    }
}

fn coalesce_deps(
    ch: &Node<'_>,
    dest: &MapRef,
    prefix: &str,
    merge: bool,
    cx: &mut Cx<'_>,
) -> Result<(), ChartError> {
    for sub in &ch.children {
        let name = sub.name.as_str();
        match dest.get(name) {
            None => {
                let (_, v) = computed_map(cx.origins);
                dest.insert(name, v);
            }
            Some(c) if c.as_map().is_none() => {
                return Err(ChartError::Coalesce(format!(
                    "type mismatch on {name}: {}",
                    go_bool_verb(&c)
                )));
            }
            Some(_) => {}
        }
        let Some(dv) = dest.get(name) else { continue };
        let Some(dvmap) = dv.as_map() else { continue };
        let sub_prefix = concat_prefix(prefix, &ch.name);
        coalesce_globals(dvmap, dest, cx.origins);
        coalesce(sub, dvmap, &sub_prefix, merge, cx)?;
    }
    Ok(())
}

/// Copy the globals of `src` (a parent's values) into `dest` (a subchart's), parent winning.
fn coalesce_globals(dest: &MapRef, src: &MapRef, origins: &mut OriginTable) {
    let dg = match dest.get(GLOBAL) {
        None => computed_map(origins).1,
        Some(v) if v.as_map().is_some() => v,
        Some(_) => return,
    };
    let sg = match src.get(GLOBAL) {
        None => computed_map(origins).1,
        Some(v) if v.as_map().is_some() => v,
        Some(_) => return,
    };
    let (Some(dgm), Some(sgm)) = (dg.as_map(), sg.as_map()) else {
        return;
    };
    for (key, val) in entries(sgm) {
        if let Some(vm) = val.as_map() {
            let vv = MapRef::from_data(vm.borrow().clone());
            let vv_val = Value::map(vv.clone()).with_deps(val.deps.clone());
            match dgm.get(&key) {
                None => dgm.insert(key, vv_val),
                Some(destv) => {
                    if let Some(destvmap) = destv.as_map() {
                        coalesce_tables(&vv, destvmap, true);
                        dgm.insert(key, vv_val);
                    }
                }
            }
        } else if dgm.get(&key).is_some_and(|d| d.as_map().is_some()) {
            // Helm: "key is table. Skipping".
        } else {
            dgm.insert(key, val);
        }
    }
    dest.insert(GLOBAL, dg.clone());
}

fn child_chart_merge_true(ch: &Node<'_>, key: &str, merge: bool) -> bool {
    merge || ch.children.iter().any(|c| c.name == key)
}

/// Helm's `coalesceValues`: the chart's own defaults into `v`. When
/// coalescing, null defaults are skipped and nulls inside default maps
/// cleaned (v4.2.3 does this for the top chart too: the oracle drops a
/// top-level `key: null` of the chart's own values.yaml).
fn coalesce_chart_values(ch: &Node<'_>, v: &MapRef, merge: bool, deleted: &mut Deletions) {
    let vc = ch.values.deep_copy();
    for (key, val) in entries(&vc) {
        if let Some(value) = v.get(&key) {
            if value.is_nil() && !merge {
                v.borrow_mut().remove(&*key);
                deleted.record(v, key, value.deps);
            } else if let Some(dest) = value.as_map() {
                if let Some(src) = val.as_map() {
                    let merge = child_chart_merge_true(ch, &key, merge);
                    if !merge {
                        clean_nil_values(src);
                    }
                    tables(dest, src, merge, deleted);
                }
            }
        } else {
            if !merge {
                if val.is_nil() {
                    continue;
                }
                if let Some(sub) = val.as_map() {
                    clean_nil_values(sub);
                }
            }
            v.insert(key, val);
        }
    }
}

/// Helm's `CoalesceTables` (merge = false) and `MergeTables` (merge = true):
/// `src` into `dst`, `dst` authoritative.
pub fn coalesce_tables(dst: &MapRef, src: &MapRef, merge: bool) {
    tables(dst, src, merge, &mut Deletions::new());
}

/// [`coalesce_tables`], recording in `deleted` every key a `null` deleted.
fn tables(dst: &MapRef, src: &MapRef, merge: bool, deleted: &mut Deletions) {
    if dst.ptr_eq(src) {
        return;
    }
    let src_non_nil: Vec<crate::value::MapKey> = src
        .borrow()
        .iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    for (key, val) in entries(dst) {
        if val.is_nil() {
            src.insert(key, Value::nil());
        }
    }
    for (key, val) in entries(src) {
        let dv = dst.get(&key);
        match dv {
            Some(dv) if !merge && dv.is_nil() && src_non_nil.contains(&key) => {
                dst.borrow_mut().remove(&*key);
                deleted.record(dst, key, dv.deps);
            }
            None => dst.insert(key, val),
            Some(dv) => {
                if let Some(vm) = val.as_map() {
                    if let Some(dm) = dv.as_map() {
                        tables(dm, vm, merge, deleted);
                    }
                }
            }
        }
    }
}

fn clean_nil_values(m: &MapRef) {
    let mut data = m.borrow_mut();
    data.retain(|_, v| !v.is_nil());
    for v in data.values() {
        if let Some(sub) = v.as_map() {
            clean_nil_values(sub);
        }
    }
}
