//! Sprig's list functions (`list`, `first`, `append`, `concat`, `uniq`,
//! `has`, `slice`, `until`, `seq`, ...) and their `must` variants.
//!
//! Items pass through as the original values, so their origins survive.

use super::types::{deep_equal, is_empty, nil_kind_panic, to_int64};
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::value::{Repr, Value};

/// The items of a list argument, or Sprig's error for a non-list
/// (`Cannot {what} on type {kind}`); nil panics as in Go.
fn items(v: &Value, what: &str) -> Result<Vec<Value>, FuncError> {
    match &v.repr {
        Repr::List(l) => Ok(l.as_ref().clone()),
        Repr::Nil => Err(nil_kind_panic()),
        Repr::Object(o) if o.slice_items().is_some() => Ok(o
            .slice_items()
            .map(|l| l.as_ref().clone())
            .unwrap_or_default()),
        _ => Err(FuncError::new(format!(
            "Cannot {what} on type {}",
            v.kind_name()
        ))),
    }
}

fn arg(a: &[Value], i: usize) -> Value {
    a.get(i).cloned().unwrap_or_default()
}

fn f_list(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::list(a))
}

fn f_push(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut l = items(&arg(&a, 0), "push")?;
    l.push(arg(&a, 1));
    Ok(Value::list(l))
}

fn f_prepend(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut l = items(&arg(&a, 0), "prepend")?;
    l.insert(0, arg(&a, 1));
    Ok(Value::list(l))
}

fn f_first(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let l = items(&arg(&a, 0), "find first")?;
    Ok(l.first().cloned().unwrap_or_default())
}

fn f_last(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let l = items(&arg(&a, 0), "find last")?;
    Ok(l.last().cloned().unwrap_or_default())
}

fn f_rest(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let l = items(&arg(&a, 0), "find rest")?;
    if l.is_empty() {
        return Ok(Value::nil_list());
    }
    Ok(Value::list(l[1..].to_vec()))
}

fn f_initial(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let l = items(&arg(&a, 0), "find initial")?;
    if l.is_empty() {
        return Ok(Value::nil_list());
    }
    Ok(Value::list(l[..l.len() - 1].to_vec()))
}

fn f_reverse(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut l = items(&arg(&a, 0), "find reverse")?;
    l.reverse();
    Ok(Value::list(l))
}

fn f_compact(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let l = items(&arg(&a, 0), "compact")?;
    Ok(Value::list(
        l.into_iter().filter(|v| !is_empty(v)).collect(),
    ))
}

fn f_uniq(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let l = items(&arg(&a, 0), "find uniq")?;
    let mut out: Vec<Value> = Vec::new();
    for v in l {
        if !out.iter().any(|o| deep_equal(o, &v)) {
            out.push(v);
        }
    }
    Ok(Value::list(out))
}

fn f_without(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let l = items(&arg(&a, 0), "find without")?;
    let omit = &a[1.min(a.len())..];
    Ok(Value::list(
        l.into_iter()
            .filter(|v| !omit.iter().any(|o| deep_equal(o, v)))
            .collect(),
    ))
}

fn f_has(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let needle = arg(&a, 0);
    let hay = arg(&a, 1);
    if hay.is_nil() {
        return Ok(Value::bool(false));
    }
    let l = items(&hay, "find has")?;
    Ok(Value::bool(l.iter().any(|v| deep_equal(v, &needle))))
}

fn f_concat(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut out = Vec::new();
    for v in &a {
        if let Some(l) = v.as_list() {
            out.extend(l.iter().cloned());
            continue;
        }
        match &v.repr {
            Repr::Nil => return Err(nil_kind_panic()),
            _ => {
                return Err(FuncError::new(format!(
                    "Cannot concat type {} as list",
                    v.kind_name()
                )))
            }
        }
    }
    // Sprig appends to a nil slice: nothing appended leaves it nil.
    if out.is_empty() {
        return Ok(Value::nil_list());
    }
    Ok(Value::list(out))
}

fn f_slice(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let list = arg(&a, 0);
    let l = match &list.repr {
        Repr::List(l) => l.clone(),
        Repr::Nil => return Err(nil_kind_panic()),
        Repr::Object(o) if o.slice_items().is_some() => {
            o.slice_items().cloned().unwrap_or_default()
        }
        _ => {
            return Err(FuncError::new(format!(
                "list should be type of slice or array but {}",
                list.kind_name()
            )))
        }
    };
    if l.is_empty() {
        return Ok(Value::nil());
    }
    let start = if a.len() > 1 { to_int64(&a[1]) } else { 0 };
    let end = if a.len() > 2 {
        to_int64(&a[2])
    } else {
        l.len() as i64
    };
    if start < 0 || end < start || end > l.len() as i64 {
        return Err(FuncError::new("reflect: slice index out of range"));
    }
    Ok(Value::list(l[start as usize..end as usize].to_vec()))
}

fn f_chunk(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let size = to_int64(&arg(&a, 0));
    let l = items(&arg(&a, 1), "chunk")?;
    if size <= 0 {
        return Err(FuncError::new("runtime error: makeslice: len out of range"));
    }
    let out = l
        .chunks(size as usize)
        .map(|c| Value::list(c.to_vec()))
        .collect();
    Ok(Value::list(out))
}

/// Sprig's `untilStep`; a list longer than the render budget is an error
/// (Go would try to allocate it).
pub fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let count = if step != 0
        && (i128::from(stop) - i128::from(start)).signum() == i128::from(step).signum()
    {
        (i128::from(stop) - i128::from(start)).unsigned_abs() / i128::from(step).unsigned_abs()
    } else {
        0
    };
    crate::limits::check_list(count).map_err(FuncError)?;
    Ok(until_step_unchecked(start, stop, step))
}

fn until_step_unchecked(start: i64, stop: i64, step: i64) -> Vec<i64> {
    let mut v = Vec::new();
    if stop < start {
        if step >= 0 {
            return v;
        }
        let mut i = start;
        while i > stop {
            v.push(i);
            // Go wraps here and loops until memory runs out; stop instead.
            let Some(next) = i.checked_add(step) else {
                break;
            };
            i = next;
        }
        return v;
    }
    if step <= 0 {
        return v;
    }
    let mut i = start;
    while i < stop {
        v.push(i);
        let Some(next) = i.checked_add(step) else {
            break;
        };
        i = next;
    }
    v
}

fn ints(v: Vec<i64>) -> Value {
    Value::list(v.into_iter().map(Value::int).collect())
}

fn f_until(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let n = to_int64(&arg(&a, 0));
    Ok(ints(until_step(0, n, if n < 0 { -1 } else { 1 })?))
}

fn f_until_step(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(ints(until_step(
        to_int64(&arg(&a, 0)),
        to_int64(&arg(&a, 1)),
        to_int64(&arg(&a, 2)),
    )?))
}

fn f_seq(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p: Vec<i64> = a.iter().map(to_int64).collect();
    let v = match p.len() {
        1 | 2 => {
            let (start, end) = if p.len() == 1 {
                (1, p[0])
            } else {
                (p[0], p[1])
            };
            let inc = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(inc), inc)?
        }
        3 => {
            let (start, step, end) = (p[0], p[1], p[2]);
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(Value::str(""));
                }
            }
            until_step(start, end.wrapping_add(inc), step)?
        }
        _ => Vec::new(),
    };
    let s: Vec<String> = v.iter().map(i64::to_string).collect();
    Ok(Value::str(s.join(" ")))
}

/// Sprig's list functions.
pub static FUNCS: &[FuncDef] = &[
    def("list", &[], Some(Ty::Any), f_list),
    def("tuple", &[], Some(Ty::Any), f_list),
    def("append", &[Ty::Any, Ty::Any], None, f_push),
    def("push", &[Ty::Any, Ty::Any], None, f_push),
    def("mustAppend", &[Ty::Any, Ty::Any], None, f_push),
    def("mustPush", &[Ty::Any, Ty::Any], None, f_push),
    def("prepend", &[Ty::Any, Ty::Any], None, f_prepend),
    def("mustPrepend", &[Ty::Any, Ty::Any], None, f_prepend),
    def("first", &[Ty::Any], None, f_first),
    def("mustFirst", &[Ty::Any], None, f_first),
    def("last", &[Ty::Any], None, f_last),
    def("mustLast", &[Ty::Any], None, f_last),
    def("rest", &[Ty::Any], None, f_rest),
    def("mustRest", &[Ty::Any], None, f_rest),
    def("initial", &[Ty::Any], None, f_initial),
    def("mustInitial", &[Ty::Any], None, f_initial),
    def("reverse", &[Ty::Any], None, f_reverse),
    def("mustReverse", &[Ty::Any], None, f_reverse),
    def("compact", &[Ty::Any], None, f_compact),
    def("mustCompact", &[Ty::Any], None, f_compact),
    def("uniq", &[Ty::Any], None, f_uniq),
    def("mustUniq", &[Ty::Any], None, f_uniq),
    def("without", &[Ty::Any], Some(Ty::Any), f_without),
    def("mustWithout", &[Ty::Any], Some(Ty::Any), f_without),
    def("has", &[Ty::Any, Ty::Any], None, f_has),
    def("mustHas", &[Ty::Any, Ty::Any], None, f_has),
    def("concat", &[], Some(Ty::Any), f_concat),
    def("slice", &[Ty::Any], Some(Ty::Any), f_slice),
    def("mustSlice", &[Ty::Any], Some(Ty::Any), f_slice),
    def("chunk", &[Ty::Int, Ty::Any], None, f_chunk),
    def("mustChunk", &[Ty::Int, Ty::Any], None, f_chunk),
    def("until", &[Ty::Int], None, f_until),
    def(
        "untilStep",
        &[Ty::Int, Ty::Int, Ty::Int],
        None,
        f_until_step,
    ),
    def("seq", &[], Some(Ty::Int), f_seq),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::funcs::types::testutil::*;
    use crate::origin::OriginId;
    use crate::value::Value;

    #[test]
    fn list_oracle_table() {
        let n = Value::nil;
        check_table(vec![
            ("seq", vec![i(5)], "1 2 3 4 5"),
            ("seq", vec![i(5), i(1)], "5 4 3 2 1"),
            ("seq", vec![i(1), i(2), i(10)], "1 3 5 7 9"),
            ("until", vec![i(3)], "[0 1 2]"),
            ("untilStep", vec![i(0), i(10), i(3)], "[0 3 6 9]"),
            (
                "chunk",
                vec![i(2), l(vec![i(1), i(2), i(3)])],
                "[[1 2] [3]]",
            ),
            (
                "without",
                vec![l(vec![i(1), i(2), i(3), i(2)]), i(2)],
                "[1 3]",
            ),
            ("uniq", vec![l(vec![i(1), i(2), i(1), s("1")])], "[1 2 1]"),
            (
                "compact",
                vec![l(vec![i(0), s(""), n(), s("a"), Value::bool(false)])],
                "[a]",
            ),
            ("first", vec![l(vec![i(1), i(2)])], "1"),
            ("last", vec![l(vec![i(1), i(2)])], "2"),
            ("rest", vec![l(vec![i(1), i(2), i(3)])], "[2 3]"),
            ("initial", vec![l(vec![i(1), i(2), i(3)])], "[1 2]"),
            ("reverse", vec![l(vec![i(1), i(2)])], "[2 1]"),
            ("append", vec![l(vec![i(1)]), i(2)], "[1 2]"),
            ("prepend", vec![l(vec![i(1)]), i(2)], "[2 1]"),
            (
                "concat",
                vec![l(vec![i(1)]), l(vec![i(2), i(3)])],
                "[1 2 3]",
            ),
            ("has", vec![i(2), l(vec![i(1), i(2)])], "true"),
            ("has", vec![i(2), n()], "false"),
            ("slice", vec![l(vec![i(1), i(2), i(3)]), i(1)], "[2 3]"),
            (
                "slice",
                vec![l(vec![i(1), i(2), i(3)]), i(0), i(2)],
                "[1 2]",
            ),
            // Oracle: error calling slice: list should be type of slice or array but string
            (
                "slice",
                vec![s("abcdef"), i(1), i(3)],
                "ERR: list should be type of slice or array but string",
            ),
            (
                "append",
                vec![s("x"), i(1)],
                "ERR: Cannot push on type string",
            ),
        ]);
    }

    #[test]
    fn items_pass_through_with_origins() {
        let a = Value::str("a").with_origin(OriginId(4));
        let out = call("first", vec![l(vec![a, i(2)])]).unwrap();
        assert!(out.deps.contains(OriginId(4)));
        let out = call("list", vec![Value::int(1).with_origin(OriginId(5))]).unwrap();
        assert!(out.as_list().unwrap()[0].deps.contains(OriginId(5)));
    }
}
