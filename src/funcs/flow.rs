//! Sprig's defaulting and flow functions: `default`, `empty`, `coalesce`,
//! `ternary`, `all`, `any`, `fail`.
//!
//! The chosen value passes through as the original object; the values that
//! decided the choice (an empty `given`, skipped `coalesce` candidates, the
//! `ternary` condition) are added to its deps.

use super::types::is_empty;
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use std::rc::Rc;

use crate::origin::Deps;
use crate::value::{Place, Value};

/// Where a chosen value stands: its own places and those of the empty
/// values it stands in for (setting a key below any of them changes the
/// result). The deciding values' deps are added without moving it.
fn stand_in(chosen: Value, skipped: &[&Value]) -> Value {
    let places: Rc<[Place]> = skipped
        .iter()
        .flat_map(|v| v.places().iter().cloned().collect::<Vec<_>>())
        .chain(chosen.places().iter().cloned())
        .collect();
    let deps = Deps::union_all(skipped.iter().map(|v| &v.deps));
    chosen.standing_at(places).add_deps(&deps)
}

fn f_default(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let d = a.first().cloned().unwrap_or_default();
    match a.get(1) {
        Some(g) if !is_empty(g) => Ok(g.clone()),
        // The default stands in for the empty given value: `(index
        // .Values.global "image") | default dict` stands at `global.image`.
        Some(g) => Ok(stand_in(d, &[g])),
        None => Ok(d),
    }
}

fn f_empty(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(a.first().is_none_or(is_empty)))
}

fn f_coalesce(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    for (i, v) in a.iter().enumerate() {
        if !is_empty(v) {
            let skipped: Vec<&Value> = a[..i].iter().collect();
            return Ok(stand_in(v.clone(), &skipped));
        }
    }
    let skipped: Vec<&Value> = a.iter().collect();
    Ok(stand_in(Value::nil(), &skipped))
}

fn f_ternary(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let cond = a.get(2).cloned().unwrap_or_default();
    let pick = if cond.truthy() { 0 } else { 1 };
    // The condition decides, the chosen value stays where it stands.
    Ok(a.get(pick)
        .cloned()
        .unwrap_or_default()
        .add_deps(&cond.deps))
}

fn f_all(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(a.iter().all(|v| !is_empty(v))))
}

fn f_any(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(a.iter().any(|v| !is_empty(v))))
}

fn f_fail(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let msg = a
        .first()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    Err(FuncError::new(msg))
}

/// Sprig's defaulting and flow functions.
pub static FUNCS: &[FuncDef] = &[
    def("default", &[Ty::Any], Some(Ty::Any), f_default),
    def("empty", &[Ty::Any], None, f_empty),
    def("coalesce", &[], Some(Ty::Any), f_coalesce),
    def("ternary", &[Ty::Any, Ty::Any, Ty::Bool], None, f_ternary),
    def("all", &[], Some(Ty::Any), f_all),
    def("any", &[], Some(Ty::Any), f_any),
    def("fail", &[Ty::Str], None, f_fail),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::funcs::types::testutil::*;
    use crate::origin::OriginId;
    use crate::value::Value;

    #[test]
    fn default_and_empty_table() {
        // Oracle: default "d" "" / 0 / false / (list) / "x" → d d d d x; empty 0.0 → true
        check_table(vec![
            ("default", vec![s("d"), s("")], "d"),
            ("default", vec![s("d"), i(0)], "d"),
            ("default", vec![s("d"), f(0.0)], "d"),
            ("default", vec![s("d"), Value::bool(false)], "d"),
            ("default", vec![s("d"), l(vec![])], "d"),
            ("default", vec![s("d"), d(vec![])], "d"),
            ("default", vec![s("d"), Value::nil()], "d"),
            ("default", vec![s("d")], "d"),
            ("default", vec![s("d"), s("x")], "x"),
            ("default", vec![s("d"), Value::bool(true)], "true"),
            ("empty", vec![f(0.0)], "true"),
            ("empty", vec![s(" ")], "false"),
            ("empty", vec![d(vec![])], "true"),
            ("coalesce", vec![s(""), i(0), s("z")], "z"),
            ("coalesce", vec![s(""), Value::nil()], "<nil>"),
            ("ternary", vec![s("y"), s("n"), Value::bool(true)], "y"),
            ("ternary", vec![s("y"), s("n"), Value::bool(false)], "n"),
            ("all", vec![i(1), s("")], "false"),
            ("any", vec![i(0), s("a")], "true"),
            ("fail", vec![s("custom failure")], "ERR: custom failure"),
        ]);
    }

    #[test]
    fn default_keeps_the_chosen_value_and_the_deciding_deps() {
        let given = Value::str("").with_origin(OriginId(1));
        let d = Value::str("fallback");
        let out = call("default", vec![d, given]).unwrap();
        assert_eq!(out.as_str(), Some("fallback"));
        assert!(out.deps.contains(OriginId(1)));
        let given = Value::str("set").with_origin(OriginId(2));
        let out = call("default", vec![s("fallback"), given]).unwrap();
        assert_eq!(out.deps.as_slice(), &[OriginId(2)]);
    }

    /// The places of a value: (origin, keys below it).
    fn places(v: &Value) -> Vec<(u32, Vec<String>)> {
        v.places()
            .iter()
            .map(|p| (p.base.0, p.keys.iter().map(|k| k.to_string()).collect()))
            .collect()
    }

    #[test]
    fn chosen_values_stand_where_they_stood() {
        let map = |id| Value::map(crate::value::MapRef::new()).with_origin(OriginId(id));
        // A ternary's condition decides but is no place of the result.
        let out = call(
            "ternary",
            vec![map(1), map(2), Value::bool(true).with_origin(OriginId(3))],
        )
        .unwrap();
        assert_eq!(places(&out), vec![(1, vec![])]);
        assert!(out.deps.contains(OriginId(3)));
        // A default stands in for the empty given value, a missing key included.
        let missing = Value::nil().standing_at(map(4).child_places("image"));
        let out = call("default", vec![d(vec![]), missing]).unwrap();
        assert_eq!(places(&out), vec![(4, vec!["image".to_string()])]);
        // coalesce: the skipped empty values and the chosen one.
        let out = call(
            "coalesce",
            vec![map(5), d(vec![("a", i(1))]).with_origin(OriginId(6))],
        )
        .unwrap();
        assert_eq!(places(&out), vec![(5, vec![]), (6, vec![])]);
    }
}
