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
        m.insert(key.into(), v);
    }
    Ok(Value::map_from(m))
}

fn f_get(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = strval(&arg(&a, 1));
    let map = map_arg(&a, 0);
    match map.as_ref().and_then(|m| m.get(&key)) {
        Some(v) => Ok(v),
        None => {
            // A missing key gives "" standing at that key (a key read below
            // names the full path), decided by a `null` that deleted it.
            let missing = Value::str("").standing_at(arg(&a, 0).child_places(&key));
            Ok(match &map {
                Some(m) => ctx.with_deletion(missing.with_deps(args_deps(&a)), m, &key),
                None => missing,
            })
        }
    }
}

/// The deps of all arguments (a result computed from them all).
fn args_deps(a: &[Value]) -> crate::origin::Deps {
    crate::origin::Deps::union_all(a.iter().map(|v| &v.deps))
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
        m.borrow_mut().remove(strval(&arg(&a, 1)).as_str());
    }
    Ok(d)
}

fn f_has_key(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let key = strval(&arg(&a, 1));
    let map = map_arg(&a, 0);
    let has = map
        .as_ref()
        .is_some_and(|m| m.borrow().contains_key(key.as_str()));
    Ok(match &map {
        Some(m) if !has => ctx.with_deletion(Value::bool(false).with_deps(args_deps(&a)), m, &key),
        _ => Value::bool(has),
    })
}

fn f_keys(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut out = Vec::new();
    for d in &a {
        if let Some(m) = d.as_map() {
            out.extend(m.borrow().keys().map(|k| Value::str(k.clone())));
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
            if let Some(v) = m.get(k.as_str()) {
                out.insert(k.into(), v.clone());
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
            if !omit.iter().any(|o| **o == **k) {
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
    let entries: Vec<(crate::value::MapKey, Value)> = src
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
    let mut d = arg(&a, 0);
    let dst = match d.as_map() {
        Some(m) => m.clone(),
        None => {
            // A nil map: mergo allocates a new one.
            let m = MapRef::new();
            d = Value::map(m.clone());
            m
        }
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
    let v = arg(&a, 0);
    if v.is_nil() {
        // copystructure reflects on the nil interface and panics.
        return Err(FuncError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        ));
    }
    Ok(v.deep_copy())
}

fn conversion_panic(v: &Value, want: &str) -> FuncError {
    let got = if v.is_nil() { "nil" } else { v.type_name() };
    FuncError::new(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

fn f_dig(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
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
    // The map reached so far, as a value: where the keys not found stand.
    let mut at = last.clone();
    for (i, k) in ks.iter().enumerate() {
        let Some(step) = m.get(k) else {
            // The default stands in for the missing path as well as where
            // it stands itself.
            let mut missing = at.clone();
            for k in &ks[i..] {
                missing = Value::nil().standing_at(missing.child_places(k));
            }
            let places: std::rc::Rc<[crate::value::Place]> = missing
                .places()
                .iter()
                .chain(default.places().iter())
                .cloned()
                .collect();
            return Ok(ctx.with_deletion(default.standing_at(places), &m, k));
        };
        if i + 1 == ks.len() {
            return Ok(step);
        }
        match step.as_map() {
            Some(n) => m = n.clone(),
            None => return Err(conversion_panic(&step, "map[string]interface {}")),
        }
        at = step;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::funcs::types::testutil::*;
    use crate::origin::OriginId;
    use crate::value::Value;

    #[test]
    fn deep_copy_of_nil_fails_like_copystructure() {
        // Oracle: error calling mustDeepCopy: reflect: call of reflect.Value.Type on zero Value.
        for name in ["deepCopy", "mustDeepCopy"] {
            let e = call(name, vec![Value::nil()]).unwrap_err();
            assert!(
                e.contains("reflect: call of reflect.Value.Type on zero Value"),
                "{e}"
            );
        }
    }

    #[test]
    fn dict_oracle_table() {
        let nested = || d(vec![("a", d(vec![("b", i(1))]))]);
        check_table(vec![
            ("dig", vec![s("a"), s("b"), s("def"), nested()], "1"),
            ("dig", vec![s("a"), s("x"), s("def"), nested()], "def"),
            ("dig", vec![s("x"), s("y"), s("def"), nested()], "def"),
            ("get", vec![d(vec![("a", i(1))]), s("b")], ""),
            ("get", vec![d(vec![("a", i(1))]), s("a")], "1"),
            (
                "pluck",
                vec![
                    s("a"),
                    d(vec![("a", i(1))]),
                    d(vec![("b", i(2))]),
                    d(vec![("a", i(3))]),
                ],
                "[1 3]",
            ),
            ("keys", vec![d(vec![("b", i(1)), ("a", i(2))])], "[a b]"),
            (
                "pick",
                vec![d(vec![("a", i(1)), ("b", i(2))]), s("a"), s("c")],
                "map[a:1]",
            ),
            (
                "omit",
                vec![d(vec![("a", i(1)), ("b", i(2))]), s("a")],
                "map[b:2]",
            ),
            ("hasKey", vec![d(vec![("a", i(1))]), s("a")], "true"),
            ("dict", vec![s("a"), i(1), s("b")], "map[a:1 b:]"),
            // Oracle: nil maps.
            (
                "merge",
                vec![Value::nil(), d(vec![("a", i(1))])],
                "map[a:1]",
            ),
            (
                "mergeOverwrite",
                vec![Value::nil(), d(vec![("b", i(1))])],
                "map[b:1]",
            ),
            ("get", vec![Value::nil(), s("a")], ""),
            ("hasKey", vec![Value::nil(), s("a")], "false"),
            ("keys", vec![Value::nil()], "[]"),
            ("pick", vec![Value::nil(), s("a")], "map[]"),
            ("values", vec![Value::nil()], "[]"),
            (
                "set",
                vec![Value::nil(), s("a"), i(1)],
                "ERR: assignment to entry in nil map",
            ),
            (
                "dig",
                vec![s("a"), s("d"), Value::nil()],
                "ERR: interface conversion: interface {} is nil, not map[string]interface {}",
            ),
            (
                "dig",
                vec![s("a"), s("b"), s("d"), d(vec![("a", s("s"))])],
                "ERR: interface conversion: interface {} is string, not map[string]interface {}",
            ),
        ]);
    }

    #[test]
    fn merge_vs_merge_overwrite() {
        // Oracle: merge (dict "a" "" "b" false "c" (dict "d" 1) "e" "y" "f" 0)
        //   (dict "a" "s" "b" true "c" (dict "d" 2 "z" 3) "e" "n" "f" 5 "g" 6)
        // → {"a":"s","b":true,"c":{"d":1,"z":3},"e":"y","f":5,"g":6}
        let dst = d(vec![
            ("a", s("")),
            ("b", Value::bool(false)),
            ("c", d(vec![("d", i(1))])),
            ("e", s("y")),
            ("f", i(0)),
        ]);
        let src = d(vec![
            ("a", s("s")),
            ("b", Value::bool(true)),
            ("c", d(vec![("d", i(2)), ("z", i(3))])),
            ("e", s("n")),
            ("f", i(5)),
            ("g", i(6)),
        ]);
        let out = show("merge", vec![dst.clone(), src]);
        assert_eq!(out, "map[a:s b:true c:map[d:1 z:3] e:y f:5 g:6]");
        // merge mutates the first map in place.
        assert_eq!(crate::gofmt::sprint_value(&dst), out);

        // Oracle: mergeOverwrite (dict "a" "x" "b" (list 1) "c" (dict "d" 1) "e" "y")
        //   (dict "a" "" "b" (list) "c" (dict) "e" nil) → {"a":"","b":[],"c":{"d":1},"e":null}
        let out = show(
            "mergeOverwrite",
            vec![
                d(vec![
                    ("a", s("x")),
                    ("b", l(vec![i(1)])),
                    ("c", d(vec![("d", i(1))])),
                    ("e", s("y")),
                ]),
                d(vec![
                    ("a", s("")),
                    ("b", l(vec![])),
                    ("c", d(vec![])),
                    ("e", Value::nil()),
                ]),
            ],
        );
        assert_eq!(out, "map[a: b:[] c:map[d:1] e:<nil>]");

        // Oracle: merge (dict "c" "str") (dict "c" (dict "x" 1)) → {"c":"str"};
        // mergeOverwrite (dict "c" (dict "y" 1)) (dict "c" "str") → {"c":"str"}.
        let out = show(
            "merge",
            vec![
                d(vec![("c", s("str"))]),
                d(vec![("c", d(vec![("x", i(1))]))]),
            ],
        );
        assert_eq!(out, "map[c:str]");
        let out = show(
            "mergeOverwrite",
            vec![
                d(vec![("c", d(vec![("y", i(1))]))]),
                d(vec![("c", s("str"))]),
            ],
        );
        assert_eq!(out, "map[c:str]");
    }

    #[test]
    fn merge_sharing_and_overwrite_of_falsy_values() {
        // Oracle: mergeOverwrite (dict "a" true "b" 1 "c" (list 1) "d" (dict "x" (dict "y" 1 "z" 2)))
        //   (dict "a" false "b" 0 "c" (list 2) "d" (dict "x" (dict "y" 3)))
        // → {"a":false,"b":0,"c":[2],"d":{"x":{"y":3,"z":2}}}
        let out = show(
            "mergeOverwrite",
            vec![
                d(vec![
                    ("a", Value::bool(true)),
                    ("b", i(1)),
                    ("c", l(vec![i(1)])),
                    ("d", d(vec![("x", d(vec![("y", i(1)), ("z", i(2))]))])),
                ]),
                d(vec![
                    ("a", Value::bool(false)),
                    ("b", i(0)),
                    ("c", l(vec![i(2)])),
                    ("d", d(vec![("x", d(vec![("y", i(3))]))])),
                ]),
            ],
        );
        assert_eq!(out, "map[a:false b:0 c:[2] d:map[x:map[y:3 z:2]]]");
        // Oracle: merge (dict "c" (list 1) "e" (list)) (dict "c" (list 2) "e" (list 3) "f" (list 4))
        // → {"c":[1],"e":[3],"f":[4]}
        let out = show(
            "merge",
            vec![
                d(vec![("c", l(vec![i(1)])), ("e", l(vec![]))]),
                d(vec![
                    ("c", l(vec![i(2)])),
                    ("e", l(vec![i(3)])),
                    ("f", l(vec![i(4)])),
                ]),
            ],
        );
        assert_eq!(out, "map[c:[1] e:[3] f:[4]]");
        // Oracle: a map merged into a missing key is shared with the source;
        // merged into an existing empty map it is copied key by key.
        let src = d(vec![("m", d(vec![("k", i(1))]))]);
        let dst = call("merge", vec![d(vec![]), src.clone()]).unwrap();
        let m = dst.as_map().unwrap().get("m").unwrap();
        call("set", vec![m, s("k"), i(2)]).unwrap();
        assert_eq!(crate::gofmt::sprint_value(&src), "map[m:map[k:2]]");
        let src = d(vec![("m", d(vec![("k", i(1))]))]);
        let dst = call("merge", vec![d(vec![("m", d(vec![]))]), src.clone()]).unwrap();
        let m = dst.as_map().unwrap().get("m").unwrap();
        call("set", vec![m, s("k"), i(2)]).unwrap();
        assert_eq!(crate::gofmt::sprint_value(&src), "map[m:map[k:1]]");
    }

    #[test]
    fn values_keep_origins_through_dict_functions() {
        let v = Value::str("x").with_origin(OriginId(3));
        let m = call("dict", vec![s("k"), v]).unwrap();
        let got = call("get", vec![m.clone(), s("k")]).unwrap();
        assert!(got.deps.contains(OriginId(3)));
        let copy = call("deepCopy", vec![m.clone()]).unwrap();
        call("set", vec![copy.clone(), s("k"), s("y")]).unwrap();
        assert_eq!(crate::gofmt::sprint_value(&m), "map[k:x]");
        assert_eq!(crate::gofmt::sprint_value(&copy), "map[k:y]");
        let dug = call("dig", vec![s("k"), s(""), m]).unwrap();
        assert!(dug.deps.contains(OriginId(3)));
    }
}
