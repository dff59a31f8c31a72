//! Sprig's math functions: integer arithmetic through spf13/cast's
//! `ToInt64` (`add`, `sub`, `mul`, `div`, `mod`, `max`, `min`), float
//! arithmetic through shopspring/decimal (`addf`, `divf`, ...), rounding,
//! and the conversions `int`, `int64`, `float64`, `atoi`, `toDecimal`.

use super::types::{strval, to_float64, to_int64};
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::gofmt::sprint_value;
use crate::value::Value;

fn arg(a: &[Value], i: usize) -> Value {
    a.get(i).cloned().unwrap_or_default()
}

fn f_add(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::int64(
        a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
    ))
}

fn f_add1(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::int64(to_int64(&arg(&a, 0)).wrapping_add(1)))
}

fn f_sub(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::int64(
        to_int64(&arg(&a, 0)).wrapping_sub(to_int64(&arg(&a, 1))),
    ))
}

fn f_mul(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let first = to_int64(&arg(&a, 0));
    Ok(Value::int64(
        a.iter()
            .skip(1)
            .fold(first, |acc, v| acc.wrapping_mul(to_int64(v))),
    ))
}

fn divide_by_zero() -> FuncError {
    FuncError::new("runtime error: integer divide by zero")
}

fn f_div(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let (x, y) = (to_int64(&arg(&a, 0)), to_int64(&arg(&a, 1)));
    if y == 0 {
        return Err(divide_by_zero());
    }
    Ok(Value::int64(x.wrapping_div(y)))
}

fn f_mod(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let (x, y) = (to_int64(&arg(&a, 0)), to_int64(&arg(&a, 1)));
    if y == 0 {
        return Err(divide_by_zero());
    }
    Ok(Value::int64(x.wrapping_rem(y)))
}

fn f_max(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::int64(a.iter().map(to_int64).max().unwrap_or(0)))
}

fn f_min(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::int64(a.iter().map(to_int64).min().unwrap_or(0)))
}

fn f_maxf(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let first = to_float64(&arg(&a, 0));
    Ok(Value::float(
        a.iter().skip(1).map(to_float64).fold(first, go_max),
    ))
}

fn f_minf(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let first = to_float64(&arg(&a, 0));
    Ok(Value::float(
        a.iter().skip(1).map(to_float64).fold(first, go_min),
    ))
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.max(y)
    }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        f64::NAN
    } else {
        x.min(y)
    }
}

fn f_floor(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::float(to_float64(&arg(&a, 0)).floor()))
}

fn f_ceil(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::float(to_float64(&arg(&a, 0)).ceil()))
}

fn f_round(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let val = to_float64(&arg(&a, 0));
    let places = to_float64(&arg(&a, 1));
    let round_on = a.get(2).map(to_float64).unwrap_or(0.5);
    let pow = 10f64.powf(places);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::float(r / pow))
}

fn f_int(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::int(to_int64(&arg(&a, 0))))
}

fn f_int64(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::int64(to_int64(&arg(&a, 0))))
}

fn f_float64(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::float(to_float64(&arg(&a, 0))))
}

fn f_atoi(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let s = strval(&arg(&a, 0));
    let ok = {
        let body = s.strip_prefix(['+', '-']).unwrap_or(&s);
        !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit())
    };
    // strconv.Atoi returns the nearest int64 with its range error, which
    // Sprig drops.
    let clamped = || {
        if s.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        }
    };
    Ok(Value::int(if ok {
        s.parse().unwrap_or_else(|_| clamped())
    } else {
        0
    }))
}

fn f_to_decimal(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let s = sprint_value(&arg(&a, 0));
    let body = s.strip_prefix(['+', '-']).unwrap_or(&s);
    let neg = s.starts_with('-');
    let ok = !body.is_empty()
        && body
            .bytes()
            .all(|b| (b'0'..=b'7').contains(&b) || b == b'_');
    let v = if ok && !body.contains('_') {
        i64::from_str_radix(body, 8)
            .map(|v| if neg { -v } else { v })
            .unwrap_or(0)
    } else {
        0
    };
    Ok(Value::int64(v))
}

/// A decimal number `m × 10^e` as shopspring/decimal holds it.
#[derive(Clone, Copy, Debug)]
struct Dec {
    m: i128,
    e: i32,
}

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `x`.
    fn from_f64(x: f64) -> Option<Dec> {
        if !x.is_finite() {
            return None;
        }
        let s = format!("{x:e}");
        let (mant, exp) = s.split_once('e')?;
        let exp: i32 = exp.parse().ok()?;
        let neg = mant.starts_with('-');
        let mant = mant.trim_start_matches('-');
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int}{frac}");
        let m: i128 = digits.parse().ok()?;
        Some(Dec {
            m: if neg { -m } else { m },
            e: exp - frac.len() as i32,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.m, self.e).parse().unwrap_or(f64::NAN)
    }

    fn pow10(n: i32) -> Option<i128> {
        10i128.checked_pow(u32::try_from(n).ok()?)
    }

    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let e = a.e.min(b.e);
        let am = a.m.checked_mul(Dec::pow10(a.e - e)?)?;
        let bm = b.m.checked_mul(Dec::pow10(b.e - e)?)?;
        Some((am, bm, e))
    }

    fn add(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, e) = Dec::align(a, b)?;
        Some(Dec {
            m: x.checked_add(y)?,
            e,
        })
    }

    fn sub(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, e) = Dec::align(a, b)?;
        Some(Dec {
            m: x.checked_sub(y)?,
            e,
        })
    }

    fn mul(a: Dec, b: Dec) -> Option<Dec> {
        Some(Dec {
            m: a.m.checked_mul(b.m)?,
            e: a.e + b.e,
        })
    }

    /// `Div`: rounded half away from zero to 16 decimal places.
    fn div(a: Dec, b: Dec) -> Option<Dec> {
        if b.m == 0 {
            return None;
        }
        // a/b = (a.m / b.m) × 10^(a.e - b.e); want an integer count of 10^-16 (plus one guard digit).
        let shift = a.e - b.e + 17;
        let num = if shift >= 0 {
            a.m.checked_mul(Dec::pow10(shift)?)?
        } else {
            a.m / Dec::pow10(-shift)?
        };
        let q = num / b.m;
        let r = if q >= 0 { (q + 5) / 10 } else { (q - 5) / 10 };
        Some(Dec { m: r, e: -16 })
    }
}

fn decimal_op(a: &[Value], op: fn(Dec, Dec) -> Option<Dec>, fallback: fn(f64, f64) -> f64) -> f64 {
    let first = to_float64(&arg(a, 0));
    let mut acc = Dec::from_f64(first);
    let mut facc = first;
    for v in a.iter().skip(1) {
        let x = to_float64(v);
        facc = fallback(facc, x);
        acc = match (acc, Dec::from_f64(x)) {
            (Some(p), Some(q)) => op(p, q),
            _ => None,
        };
    }
    match acc {
        Some(d) => d.to_f64(),
        None => facc,
    }
}

fn f_addf(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut all = vec![Value::float(0.0)];
    all.extend(a);
    Ok(Value::float(decimal_op(&all, Dec::add, |x, y| x + y)))
}

fn f_add1f(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let all = vec![arg(&a, 0), Value::int(1)];
    Ok(Value::float(decimal_op(&all, Dec::add, |x, y| x + y)))
}

fn f_subf(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::float(decimal_op(&a, Dec::sub, |x, y| x - y)))
}

fn f_mulf(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::float(decimal_op(&a, Dec::mul, |x, y| x * y)))
}

fn f_divf(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    if a.iter().skip(1).any(|v| to_float64(v) == 0.0) {
        return Err(FuncError::new("decimal division by 0"));
    }
    Ok(Value::float(decimal_op(&a, Dec::div, |x, y| x / y)))
}

fn f_rand_int(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let (lo, hi) = (to_int64(&arg(&a, 0)), to_int64(&arg(&a, 1)));
    if hi <= lo {
        return Err(FuncError::new("invalid argument to Intn"));
    }
    let span = (hi - lo) as u64;
    Ok(Value::int(lo + (super::crypto::random_u64() % span) as i64))
}

/// Sprig's math functions.
pub static FUNCS: &[FuncDef] = &[
    def("add", &[], Some(Ty::Any), f_add),
    def("add1", &[Ty::Any], None, f_add1),
    def("sub", &[Ty::Any, Ty::Any], None, f_sub),
    def("mul", &[Ty::Any], Some(Ty::Any), f_mul),
    def("div", &[Ty::Any, Ty::Any], None, f_div),
    def("mod", &[Ty::Any, Ty::Any], None, f_mod),
    def("max", &[Ty::Any], Some(Ty::Any), f_max),
    def("biggest", &[Ty::Any], Some(Ty::Any), f_max),
    def("min", &[Ty::Any], Some(Ty::Any), f_min),
    def("maxf", &[Ty::Any], Some(Ty::Any), f_maxf),
    def("minf", &[Ty::Any], Some(Ty::Any), f_minf),
    def("floor", &[Ty::Any], None, f_floor),
    def("ceil", &[Ty::Any], None, f_ceil),
    def("round", &[Ty::Any, Ty::Int], Some(Ty::Float), f_round),
    def("int", &[Ty::Any], None, f_int),
    def("int64", &[Ty::Any], None, f_int64),
    def("float64", &[Ty::Any], None, f_float64),
    def("atoi", &[Ty::Str], None, f_atoi),
    def("toDecimal", &[Ty::Any], None, f_to_decimal),
    def("addf", &[], Some(Ty::Any), f_addf),
    def("add1f", &[Ty::Any], None, f_add1f),
    def("subf", &[Ty::Any], Some(Ty::Any), f_subf),
    def("mulf", &[Ty::Any], Some(Ty::Any), f_mulf),
    def("divf", &[Ty::Any], Some(Ty::Any), f_divf),
    def("randInt", &[Ty::Int, Ty::Int], None, f_rand_int),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::funcs::types::testutil::*;

    #[test]
    fn math_oracle_table() {
        check_table(vec![
            ("addf", vec![f(0.1), f(0.2)], "0.3"),
            ("mulf", vec![f(1.1), i(3)], "3.3"),
            ("divf", vec![i(10), i(3)], "3.3333333333333335"),
            ("subf", vec![i(1), f(0.9)], "0.1"),
            ("round", vec![f(2.345), i(2)], "2.35"),
            ("floor", vec![f(2.5)], "2"),
            ("ceil", vec![f(2.1)], "3"),
            ("max", vec![i(1), s("5"), f(3.9)], "5"),
            ("min", vec![i(4), i(2)], "2"),
            ("div", vec![i(7), i(2)], "3"),
            ("mod", vec![i(-7), i(3)], "-1"),
            ("add1f", vec![f(1.5)], "2.5"),
            ("maxf", vec![i(1), f(2.5)], "2.5"),
            ("add", vec![i(1), f(2.9), s("3")], "6"),
            ("sub", vec![f(10.0), i(4)], "6"),
            ("mul", vec![i(2), i(3), s("4")], "24"),
            ("add1", vec![s("41")], "42"),
            (
                "div",
                vec![i(1), i(0)],
                "ERR: runtime error: integer divide by zero",
            ),
        ]);
    }
}
