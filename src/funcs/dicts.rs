//! Sprig's dict functions (`dict`, `get`, `set`, `unset`, `hasKey`, `keys`,
//! `values`, `pluck`, `pick`, `omit`, `merge`, `mergeOverwrite`, `deepCopy`,
//! `dig`).
//!
//! Maps are shared references as in Go: `set`, `unset`, `merge` and
//! `mergeOverwrite` change the first map in place and return it. Values pass
//! through as the original objects, so their origins survive.

use super::types::{is_empty, strval};
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::value::{MapData, MapRef, Repr, Value};

fn arg(a: &[Value], i: usize) -> Value {
    a.get(i).cloned().unwrap_or_default()
}

fn map_arg(a: &[Value], i: usize) -> Option<MapRef> {
    a.get(i).and_then(|v| v.as_map().cloned())
}

fn f_dict(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut m = MapData::new();
    let mut it = a.into_iter();
    while let Some(k) = it.next() {
        let key = strval(&k);
        let v = it.next().unwrap_or_else(|| Value::str(""));
        m.insert(key, v);
    }
    Ok(Value::map_from(m))
}

fn f_get(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = strval(&arg(&a, 1));
    Ok(map_arg(&a, 0)
        .and_then(|m| m.get(&key))
        .unwrap_or_else(|| Value::str("")))
}

fn f_set(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let d = arg(&a, 0);
    let Some(m) = d.as_map() else {
        return Err(FuncError::new("assignment to entry in nil map"));
    };
    m.insert(strval(&arg(&a, 1)), arg(&a, 2));
    Ok(d)
}

fn f_unset(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let d = arg(&a, 0);
    if let Some(m) = d.as_map() {
        m.borrow_mut().remove(&strval(&arg(&a, 1)));
    }
    Ok(d)
}

fn f_has_key(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = strval(&arg(&a, 1));
    Ok(Value::bool(
        map_arg(&a, 0).is_some_and(|m| m.borrow().contains_key(&key)),
    ))
}

fn f_keys(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut out = Vec::new();
    for d in &a {
        if let Some(m) = d.as_map() {
            out.extend(m.borrow().keys().map(|k| Value::str(k.as_str())));
        }
    }
    Ok(Value::list(out))
}

fn f_values(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let out = map_arg(&a, 0)
        .map(|m| m.borrow().values().cloned().collect())
        .unwrap_or_default();
    Ok(Value::list(out))
}

fn f_pluck(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = strval(&arg(&a, 0));
    let out = a
        .iter()
        .skip(1)
        .filter_map(|d| d.as_map().and_then(|m| m.get(&key)))
        .collect();
    Ok(Value::list(out))
}

fn f_pick(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut out = MapData::new();
    if let Some(m) = map_arg(&a, 0) {
        let m = m.borrow();
        for k in a.iter().skip(1).map(strval) {
            if let Some(v) = m.get(&k) {
                out.insert(k, v.clone());
            }
        }
    }
    Ok(Value::map_from(out))
}

fn f_omit(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let omit: Vec<String> = a.iter().skip(1).map(strval).collect();
    let mut out = MapData::new();
    if let Some(m) = map_arg(&a, 0) {
        for (k, v) in m.borrow().iter() {
            if !omit.contains(k) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Value::map_from(out))
}

/// mergo's `Merge` (`overwrite == false`) / `MergeWithOverwrite` of `src` into `dst`, in place.
pub fn merge_into(dst: &MapRef, src: &MapRef, overwrite: bool) {
    if dst.ptr_eq(src) {
        return;
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, sv) in entries {
        let dv = dst.get(&k);
        match &sv.repr {
            Repr::Nil => {
                if overwrite {
                    dst.insert(k, sv);
                }
                continue;
            }
            Repr::Map(sm) => {
                if let Some(Repr::Map(dm)) = dv.as_ref().map(|d| &d.repr) {
                    merge_into(dm, sm, overwrite);
                    if !dm.is_empty() {
                        continue;
                    }
                }
            }
            _ => {}
        }
        let keep = match &dv {
            None => false,
            Some(d) => !overwrite && !is_empty(d),
        };
        if !keep {
            dst.insert(k, sv);
        }
    }
}

fn merge_all(a: Vec<Value>, overwrite: bool) -> FuncResult {
    let d = arg(&a, 0);
    let Some(dst) = d.as_map().cloned() else {
        return Ok(Value::str(""));
    };
    for s in a.iter().skip(1) {
        if let Some(src) = s.as_map() {
            merge_into(&dst, src, overwrite);
        }
    }
    Ok(d)
}

fn f_merge(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    merge_all(a, false)
}

fn f_merge_overwrite(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    merge_all(a, true)
}

fn f_deep_copy(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(arg(&a, 0).deep_copy())
}

fn conversion_panic(v: &Value, want: &str) -> FuncError {
    let got = if v.is_nil() { "nil" } else { v.type_name() };
    FuncError::new(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

fn f_dig(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    if a.len() < 3 {
        return Err(FuncError::new("dig needs at least three arguments"));
    }
    let last = &a[a.len() - 1];
    let Some(mut m) = last.as_map().cloned() else {
        return Err(conversion_panic(last, "map[string]interface {}"));
    };
    let default = a[a.len() - 2].clone();
    let keys = &a[..a.len() - 2];
    let mut ks = Vec::with_capacity(keys.len());
    for k in keys {
        match k.as_str() {
            Some(s) => ks.push(s.to_string()),
            None => return Err(conversion_panic(k, "string")),
        }
    }
    for (i, k) in ks.iter().enumerate() {
        let Some(step) = m.get(k) else {
            return Ok(default);
        };
        if i + 1 == ks.len() {
            return Ok(step);
        }
        match step.as_map() {
            Some(n) => m = n.clone(),
            None => return Err(conversion_panic(&step, "map[string]interface {}")),
        }
    }
    Ok(default)
}

/// Sprig's dict functions.
pub static FUNCS: &[FuncDef] = &[
    def("dict", &[], Some(Ty::Any), f_dict),
    def("get", &[Ty::Map, Ty::Str], None, f_get),
    def("set", &[Ty::Map, Ty::Str, Ty::Any], None, f_set),
    def("unset", &[Ty::Map, Ty::Str], None, f_unset),
    def("hasKey", &[Ty::Map, Ty::Str], None, f_has_key),
    def("keys", &[], Some(Ty::Map), f_keys),
    def("values", &[Ty::Map], None, f_values),
    def("pluck", &[Ty::Str], Some(Ty::Map), f_pluck),
    def("pick", &[Ty::Map], Some(Ty::Str), f_pick),
    def("omit", &[Ty::Map], Some(Ty::Str), f_omit),
    def("merge", &[Ty::Map], Some(Ty::Map), f_merge),
    def("mustMerge", &[Ty::Map], Some(Ty::Map), f_merge),
    def(
        "mergeOverwrite",
        &[Ty::Map],
        Some(Ty::Map),
        f_merge_overwrite,
    ),
    def(
        "mustMergeOverwrite",
        &[Ty::Map],
        Some(Ty::Map),
        f_merge_overwrite,
    ),
    def("deepCopy", &[Ty::Any], None, f_deep_copy),
    def("mustDeepCopy", &[Ty::Any], None, f_deep_copy),
    def("dig", &[], Some(Ty::Any), f_dig),
];
