//! Sprig's defaulting and flow functions: `default`, `empty`, `coalesce`,
//! `ternary`, `all`, `any`, `fail`.
//!
//! The chosen value passes through as the original object; the values that
//! decided the choice (an empty `given`, skipped `coalesce` candidates, the
//! `ternary` condition) are added to its deps.

use super::types::is_empty;
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::origin::Deps;
use crate::value::Value;

fn f_default(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let d = a.first().cloned().unwrap_or_default();
    match a.get(1) {
        Some(g) if !is_empty(g) => Ok(g.clone()),
        Some(g) => Ok(d.add_deps(&g.deps)),
        None => Ok(d),
    }
}

fn f_empty(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(a.first().is_none_or(is_empty)))
}

fn f_coalesce(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut skipped = Deps::none();
    for v in &a {
        if !is_empty(v) {
            return Ok(v.clone().add_deps(&skipped));
        }
        skipped = skipped.union(&v.deps);
    }
    Ok(Value::nil().with_deps(skipped))
}

fn f_ternary(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let cond = a.get(2).cloned().unwrap_or_default();
    let pick = if cond.truthy() { 0 } else { 1 };
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
