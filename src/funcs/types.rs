//! Sprig's type helpers and the conversions the other Sprig modules share:
//! `strval` (`%v` stringification), spf13/cast's `ToInt64`/`ToFloat64`,
//! Sprig's `empty`, `reflect.DeepEqual`, and `typeOf`/`kindOf`/`typeIs`/
//! `kindIs`/`deepEqual`.

use std::rc::Rc;

use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::gofmt::sprint_value;
use crate::traced::{Source, TStr};
use crate::value::{Repr, Value};

/// Sprig's `strval`: a string as is, anything else as `%v` prints it.
pub fn strval(v: &Value) -> String {
    match &v.repr {
        Repr::Str(s) => s.as_str().to_string(),
        Repr::Object(o) => o.string_conversion().unwrap_or_else(|| sprint_value(v)),
        _ => sprint_value(v),
    }
}

/// The bytes of Sprig's `strval`: a string's exact bytes (also when they
/// are not UTF-8, see [`TStr::from_bytes`]), anything else as `%v` prints it.
pub fn strval_bytes(v: &Value) -> std::borrow::Cow<'_, [u8]> {
    match &v.repr {
        Repr::Str(s) => s.bytes(),
        _ => std::borrow::Cow::Owned(sprint_value(v).into_bytes()),
    }
}

/// The source for text a function derives from `v`: the call site plus `v`'s deps.
pub fn derived_source(ctx: &FuncCtx, v: &Value) -> Rc<Source> {
    if v.deps.is_empty() {
        ctx.site.clone()
    } else {
        Rc::new(Source {
            loc: Some(ctx.loc),
            deps: v.deps.clone(),
        })
    }
}

/// `strval` as traced text: a string keeps its trace (untraced bytes are
/// attributed to the value's deps); other values print with a source made
/// from the call site and their deps.
pub fn strval_traced(ctx: &FuncCtx, v: &Value) -> TStr {
    match &v.repr {
        Repr::Str(s) => {
            if s.is_untraced() && !s.is_empty() {
                s.fill_untraced(&derived_source(ctx, v))
            } else {
                s.clone()
            }
        }
        _ => TStr::with_source(strval(v), derived_source(ctx, v)),
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b`/`0` prefixes, `_` separators.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    if digits.contains('_') {
        // Underscores only between digits (or right after a prefix).
        let check = if prefixed {
            format!("0{digits}")
        } else {
            digits.clone()
        };
        if check.starts_with('_') || check.ends_with('_') || check.contains("__") {
            return None;
        }
    }
    let clean: String = digits.chars().filter(|&c| c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let mag = u64::from_str_radix(&clean, radix).ok()?;
    if neg {
        if mag > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else {
        i64::try_from(mag).ok()
    }
}

/// cast's `trimZeroDecimal`: `"12.00"` → `"12"`.
fn trim_zero_decimal(s: &str) -> &str {
    let Some(dot) = s.find('.') else {
        return s;
    };
    let frac = &s[dot + 1..];
    if !frac.is_empty() && frac.bytes().all(|b| b == b'0') {
        &s[..dot]
    } else {
        s
    }
}

/// spf13/cast `ToInt64`: numbers truncate, strings parse (base 0), bools are 0/1, else 0.
pub fn to_int64(v: &Value) -> i64 {
    match &v.repr {
        Repr::Int(i, _) => *i,
        Repr::Float(f) => go_float_to_int(*f),
        Repr::Bool(b) => i64::from(*b),
        Repr::Str(s) => parse_int_base0(trim_zero_decimal(s.as_str())).unwrap_or(0),
        _ => 0,
    }
}

/// Go's `int64(f)` on amd64: truncation, and for NaN or a value outside
/// the int64 range the "integer indefinite" value, math.MinInt64 (Rust's
/// `as` saturates instead).
pub fn go_float_to_int(f: f64) -> i64 {
    // 2^63 is exactly representable; every float below it and at or above -2^63 fits.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if f.is_nan() || !(-LIMIT..LIMIT).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// Go's `underscoreOK`: `_` only between digits, or between a base prefix
/// and a digit.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let b = match b.first() {
        Some(b'+' | b'-') => &b[1..],
        _ => b,
    };
    // The last class seen: '^' start, '0' digit or prefix, '_', '!' other.
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    for &c in &b[i..] {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// A hexadecimal float without its `0x` (`1.8p1`): Go requires the `p` exponent.
fn parse_hex_float(body: &str) -> Option<f64> {
    let (mant, exp) = body.split_once('p')?;
    let exp: i32 = match exp.strip_prefix('+') {
        Some(e) if !e.starts_with('-') => e.parse().ok()?,
        _ => exp.parse().ok()?,
    };
    let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut m = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        m = m * 16.0 + f64::from(c.to_digit(16)?);
    }
    let shift = exp.checked_sub(4 * i32::try_from(frac_part.len()).ok()?)?;
    let v = m * 2f64.powi(shift);
    v.is_finite().then_some(v)
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1p4`)
/// floats, `inf`/`infinity`/`nan`, `_` between digits; `None` for a syntax
/// error or a value out of range (Go's ErrRange, which cast turns into 0).
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.to_ascii_lowercase();
    let neg = t.starts_with('-');
    let body = t.strip_prefix(['+', '-']).unwrap_or(&t);
    match (body, t.len() > body.len()) {
        ("inf" | "infinity", _) => {
            return Some(if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        // A sign is not allowed before nan.
        ("nan", false) => return Some(f64::NAN),
        _ => {}
    }
    if body.contains('_') && !underscore_ok(&t) {
        return None;
    }
    let clean: String = body.chars().filter(|&c| c != '_').collect();
    let v = if let Some(hex) = clean.strip_prefix("0x") {
        parse_hex_float(hex)?
    } else {
        if clean.is_empty()
            || !clean
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
        {
            return None;
        }
        clean.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// spf13/cast `ToFloat64`: numbers convert, strings parse, bools are 0/1, else 0.
pub fn to_float64(v: &Value) -> f64 {
    match &v.repr {
        Repr::Int(i, _) => *i as f64,
        Repr::Float(f) => *f,
        Repr::Bool(b) => f64::from(u8::from(*b)),
        // ParseFloat's range error (a finite literal too large) makes cast give 0.
        Repr::Str(s) => match parse_float(s.as_str()) {
            Some(f) if f.is_infinite() && !s.as_str().to_ascii_lowercase().contains("inf") => 0.0,
            Some(f) => f,
            None => 0.0,
        },
        _ => 0.0,
    }
}

/// Sprig's `empty`: nil, false, 0, "", and empty lists and maps.
pub fn is_empty(v: &Value) -> bool {
    !v.truthy()
}

/// Go's `reflect.DeepEqual` on template values (an int never equals a float).
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (&a.repr, &b.repr) {
        (Repr::Nil, Repr::Nil) => true,
        (Repr::Bool(x), Repr::Bool(y)) => x == y,
        // int and int64 are different types.
        (Repr::Int(x, kx), Repr::Int(y, ky)) => x == y && kx == ky,
        (Repr::Float(x), Repr::Float(y)) => x == y,
        (Repr::Str(x), Repr::Str(y)) => x.as_str() == y.as_str(),
        (Repr::List(x), Repr::List(y)) => {
            // A nil slice is not deeply equal to an empty one.
            a.is_nil_list() == b.is_nil_list()
                && x.len() == y.len()
                && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q))
        }
        (Repr::Map(x), Repr::Map(y)) => {
            if x.ptr_eq(y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (Repr::Object(x), Repr::Object(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

/// The Go reflect kind name used in Sprig's error messages (`Cannot push on type string`).
pub fn kind_for_error(v: &Value) -> &str {
    v.kind_name()
}

/// The panic Go raises when Sprig calls `reflect.TypeOf(nil).Kind()`.
pub fn nil_kind_panic() -> FuncError {
    FuncError::new("runtime error: invalid memory address or nil pointer dereference")
}

fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

fn f_type_of(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(arg(&a, 0).type_name().to_string()))
}

fn f_kind_of(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(arg(&a, 0).kind_name().to_string()))
}

fn f_type_is(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let target = strval(&arg(&a, 0));
    Ok(Value::bool(arg(&a, 1).type_name() == target))
}

fn f_type_is_like(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let target = strval(&arg(&a, 0));
    let t = arg(&a, 1).type_name().to_string();
    Ok(Value::bool(t == target || format!("*{t}") == target))
}

fn f_kind_is(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let target = strval(&arg(&a, 0));
    Ok(Value::bool(arg(&a, 1).kind_name() == target))
}

fn f_deep_equal(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(deep_equal(&arg(&a, 0), &arg(&a, 1))))
}

/// Sprig's reflection functions.
pub static FUNCS: &[FuncDef] = &[
    def("typeOf", &[Ty::Any], None, f_type_of),
    def("kindOf", &[Ty::Any], None, f_kind_of),
    def("typeIs", &[Ty::Str, Ty::Any], None, f_type_is),
    def("typeIsLike", &[Ty::Str, Ty::Any], None, f_type_is_like),
    def("kindIs", &[Ty::Str, Ty::Any], None, f_kind_is),
    def("deepEqual", &[Ty::Any, Ty::Any], None, f_deep_equal),
];

/// Helpers for the table tests of the Sprig modules.
#[cfg(test)]
pub(crate) mod testutil {
    use crate::funcs::{lookup, FuncCtx};
    use crate::traced::{FileId, TplLoc};
    use crate::value::{MapData, Value};

    /// A call context at a fixed place.
    pub fn ctx() -> FuncCtx {
        FuncCtx::new(TplLoc {
            file: FileId(0),
            offset: 7,
        })
    }

    /// Call a registered function.
    pub fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
        let f = lookup(name).ok_or_else(|| format!("no function {name}"))?;
        (f.body)(&ctx(), args).map_err(|e| e.0)
    }

    /// Call and print the result as `%v` (errors as `ERR: ...`).
    pub fn show(name: &str, args: Vec<Value>) -> String {
        match call(name, args) {
            Ok(v) => crate::gofmt::sprint_value(&v),
            Err(e) => format!("ERR: {e}"),
        }
    }

    /// A string value.
    pub fn s(x: &str) -> Value {
        Value::str(x)
    }

    /// An int value.
    pub fn i(x: i64) -> Value {
        Value::int(x)
    }

    /// A float value.
    pub fn f(x: f64) -> Value {
        Value::float(x)
    }

    /// A list value.
    pub fn l(items: Vec<Value>) -> Value {
        Value::list(items)
    }

    /// A map value from pairs.
    pub fn d(pairs: Vec<(&str, Value)>) -> Value {
        let mut m = MapData::new();
        for (k, v) in pairs {
            m.insert(k.into(), v);
        }
        Value::map_from(m)
    }

    /// Run a table of `(function, args, expected %v output)`.
    pub fn check_table(rows: Vec<(&str, Vec<Value>, &str)>) {
        let mut bad = Vec::new();
        for (name, args, want) in rows {
            let got = show(name, args);
            if got != want {
                bad.push(format!("{name}: got {got:?}, want {want:?}"));
            }
        }
        assert!(bad.is_empty(), "mismatches:\n{}", bad.join("\n"));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::testutil::*;
    use crate::value::Value;

    #[test]
    fn reflection_oracle_table() {
        check_table(vec![
            ("typeOf", vec![i(1)], "int"),
            ("typeOf", vec![f(1.0)], "float64"),
            ("typeOf", vec![l(vec![])], "[]interface {}"),
            ("kindOf", vec![d(vec![])], "map"),
            ("typeOf", vec![Value::nil()], "<nil>"),
            ("kindOf", vec![Value::nil()], "invalid"),
            ("kindIs", vec![s("string"), s("x")], "true"),
            ("typeIs", vec![s("float64"), i(1)], "false"),
            ("deepEqual", vec![l(vec![i(1)]), l(vec![i(1)])], "true"),
            ("deepEqual", vec![i(1), f(1.0)], "false"),
        ]);
    }

    #[test]
    fn every_sprig_function_is_registered() {
        // Sprig v3 genericMap as Helm exposes it, less env/expandenv and the
        // JSON functions (registered by the encoding helpers elsewhere).
        let names = [
            "hello",
            "ago",
            "date",
            "date_in_zone",
            "date_modify",
            "dateInZone",
            "dateModify",
            "duration",
            "durationRound",
            "htmlDate",
            "htmlDateInZone",
            "must_date_modify",
            "mustDateModify",
            "mustToDate",
            "now",
            "toDate",
            "unixEpoch",
            "abbrev",
            "abbrevboth",
            "trunc",
            "trim",
            "upper",
            "lower",
            "title",
            "untitle",
            "substr",
            "repeat",
            "trimall",
            "trimAll",
            "trimSuffix",
            "trimPrefix",
            "nospace",
            "initials",
            "randAlphaNum",
            "randAlpha",
            "randAscii",
            "randNumeric",
            "swapcase",
            "shuffle",
            "snakecase",
            "camelcase",
            "kebabcase",
            "wrap",
            "wrapWith",
            "contains",
            "hasPrefix",
            "hasSuffix",
            "quote",
            "squote",
            "cat",
            "indent",
            "nindent",
            "replace",
            "plural",
            "sha1sum",
            "sha256sum",
            "sha512sum",
            "adler32sum",
            "toString",
            "atoi",
            "int64",
            "int",
            "float64",
            "seq",
            "toDecimal",
            "split",
            "splitList",
            "splitn",
            "toStrings",
            "until",
            "untilStep",
            "add1",
            "add",
            "sub",
            "div",
            "mod",
            "mul",
            "randInt",
            "add1f",
            "addf",
            "subf",
            "divf",
            "mulf",
            "biggest",
            "max",
            "min",
            "maxf",
            "minf",
            "ceil",
            "floor",
            "round",
            "join",
            "sortAlpha",
            "default",
            "empty",
            "coalesce",
            "all",
            "any",
            "compact",
            "mustCompact",
            "ternary",
            "deepCopy",
            "mustDeepCopy",
            "typeOf",
            "typeIs",
            "typeIsLike",
            "kindOf",
            "kindIs",
            "deepEqual",
            "getHostByName",
            "base",
            "dir",
            "clean",
            "ext",
            "isAbs",
            "osBase",
            "osClean",
            "osDir",
            "osExt",
            "osIsAbs",
            "b64enc",
            "b64dec",
            "b32enc",
            "b32dec",
            "tuple",
            "list",
            "dict",
            "get",
            "set",
            "unset",
            "hasKey",
            "pluck",
            "keys",
            "pick",
            "omit",
            "merge",
            "mergeOverwrite",
            "mustMerge",
            "mustMergeOverwrite",
            "values",
            "append",
            "push",
            "mustAppend",
            "mustPush",
            "prepend",
            "mustPrepend",
            "first",
            "mustFirst",
            "rest",
            "mustRest",
            "last",
            "mustLast",
            "initial",
            "mustInitial",
            "reverse",
            "mustReverse",
            "uniq",
            "mustUniq",
            "without",
            "mustWithout",
            "has",
            "mustHas",
            "slice",
            "mustSlice",
            "concat",
            "dig",
            "chunk",
            "mustChunk",
            "bcrypt",
            "htpasswd",
            "genPrivateKey",
            "derivePassword",
            "buildCustomCert",
            "genCA",
            "genCAWithKey",
            "genSelfSignedCert",
            "genSelfSignedCertWithKey",
            "genSignedCert",
            "genSignedCertWithKey",
            "encryptAES",
            "decryptAES",
            "randBytes",
            "uuidv4",
            "semver",
            "semverCompare",
            "fail",
            "regexMatch",
            "mustRegexMatch",
            "regexFindAll",
            "mustRegexFindAll",
            "regexFind",
            "mustRegexFind",
            "regexReplaceAll",
            "mustRegexReplaceAll",
            "regexReplaceAllLiteral",
            "mustRegexReplaceAllLiteral",
            "regexSplit",
            "mustRegexSplit",
            "regexQuoteMeta",
            "urlParse",
            "urlJoin",
        ];
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| crate::funcs::lookup(n).is_none())
            .collect();
        assert!(missing.is_empty(), "missing: {missing:?}");
    }

    #[test]
    fn cast_conversions() {
        // Oracle: {{ int "012" }} {{ int "0x1F" }} {{ int "12.0" }} {{ int "12.5" }} {{ int "1_000" }} {{ int 3.9 }} {{ int " 12" }}
        check_table(vec![
            ("int", vec![s("12")], "12"),
            ("int", vec![s("012")], "10"),
            ("int", vec![s("0x1F")], "31"),
            ("int", vec![s("12.0")], "12"),
            ("int", vec![s("12.5")], "0"),
            ("int", vec![s("1_000")], "1000"),
            ("int", vec![f(3.9)], "3"),
            ("int", vec![s(" 12")], "0"),
            ("int64", vec![s("0x10")], "16"),
            ("float64", vec![s("1.5e3")], "1500"),
            ("atoi", vec![s("12a")], "0"),
            // Oracle: out of range, as Go converts on amd64 and as
            // strconv/cast report range errors (Sprig drops them).
            ("int", vec![f(1e30)], "-9223372036854775808"),
            ("int", vec![f(-1e30)], "-9223372036854775808"),
            ("int", vec![f(9.3e18)], "-9223372036854775808"),
            (
                "atoi",
                vec![s("-99999999999999999999")],
                "-9223372036854775808",
            ),
            (
                "atoi",
                vec![s("99999999999999999999")],
                "9223372036854775807",
            ),
            ("float64", vec![s("1e400")], "0"),
            ("float64", vec![s("inf")], "+Inf"),
            ("int64", vec![s("1e30")], "0"),
            ("atoi", vec![s("-12")], "-12"),
            ("toDecimal", vec![s("0777")], "511"),
        ]);
    }
}
