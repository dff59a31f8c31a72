//! Go's `text/template` builtin functions (`eq`, `lt`, `len`, `index`,
//! `print`, `printf`, `html`, `js`, `urlquery`, ...) and Helm's simple
//! helpers (`required`, `fail`, `lookup`, `toToml`), with Go's and Helm's
//! error texts.
//!
//! `slice` is Sprig's version: Helm's function map replaces Go's builtin
//! with it, so `slice "abc" 1` fails as in Helm.

use std::rc::Rc;

use crate::funcs::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::gofmt;
use crate::traced::{Source, TextBuilder};
use crate::value::{MapRef, Repr, Value};

/// The builtin functions.
pub static FUNCS: &[FuncDef] = &[
    def("eq", &[Ty::Any], Some(Ty::Any), eq),
    def("ne", &[Ty::Any, Ty::Any], None, ne),
    def("lt", &[Ty::Any, Ty::Any], None, lt),
    def("le", &[Ty::Any, Ty::Any], None, le),
    def("gt", &[Ty::Any, Ty::Any], None, gt),
    def("ge", &[Ty::Any, Ty::Any], None, ge),
    def("not", &[Ty::Any], None, not),
    def("len", &[Ty::Any], None, len),
    def("index", &[Ty::Any], Some(Ty::Any), index),
    def("slice", &[Ty::Any], Some(Ty::Any), slice),
    def("print", &[], Some(Ty::Any), print),
    def("println", &[], Some(Ty::Any), println),
    def("printf", &[Ty::Str], Some(Ty::Any), printf),
    def("html", &[], Some(Ty::Any), html),
    def("js", &[], Some(Ty::Any), js),
    def("urlquery", &[], Some(Ty::Any), urlquery),
    def("required", &[Ty::Str, Ty::Any], None, required),
    def("fail", &[Ty::Str], None, fail),
    def(
        "lookup",
        &[Ty::Str, Ty::Str, Ty::Str, Ty::Str],
        None,
        lookup,
    ),
    def("toToml", &[Ty::Any], None, to_toml),
];

/// Go's `basicKind` classes of comparable scalars.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Float,
    Str,
}

fn basic_kind(v: &Value) -> Option<Kind> {
    match &v.repr {
        Repr::Bool(_) => Some(Kind::Bool),
        Repr::Int(_, _) => Some(Kind::Int),
        Repr::Object(o) if o.go_int().is_some() => Some(Kind::Int),
        Repr::Float(_) => Some(Kind::Float),
        Repr::Str(_) => Some(Kind::Str),
        _ => None,
    }
}

/// The integer of an int-kinded value (an `int`, an `int64`, or an object
/// such as `time.Month`).
fn int_of(v: &Value) -> Option<i64> {
    match &v.repr {
        Repr::Int(i, _) => Some(*i),
        Repr::Object(o) => o.go_int(),
        _ => None,
    }
}

fn incompatible(a: &Value, b: &Value) -> FuncError {
    FuncError(format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    ))
}

fn same_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (&a.repr, &b.repr),
        (Repr::List(_), Repr::List(_)) | (Repr::Map(_), Repr::Map(_))
    ) || matches!((&a.repr, &b.repr), (Repr::Object(x), Repr::Object(y)) if x.type_name() == y.type_name())
}

/// Go's `eq` for one pair: `a == b` or an error.
fn eq_pair(a: &Value, b: &Value) -> Result<bool, FuncError> {
    let (k1, k2) = (basic_kind(a), basic_kind(b));
    if k1 != k2 {
        if !a.is_nil() && !b.is_nil() {
            return Err(incompatible(a, b));
        }
        return Ok(false);
    }
    if k1.is_some() {
        return Ok(match (&a.repr, &b.repr) {
            (Repr::Bool(x), Repr::Bool(y)) => x == y,
            (Repr::Float(x), Repr::Float(y)) => x == y,
            (Repr::Str(x), Repr::Str(y)) => x.as_str() == y.as_str(),
            _ => int_of(a).is_some() && int_of(a) == int_of(b),
        });
    }
    // Go compares nil-ness when either side is nil, a typed nil slice included.
    let go_nil = |v: &Value| v.is_nil() || v.is_nil_list();
    if a.is_nil() || b.is_nil() || (same_kind(a, b) && (go_nil(a) || go_nil(b))) {
        return Ok(go_nil(a) == go_nil(b));
    }
    if !same_kind(a, b) {
        return Err(FuncError(format!(
            "non-comparable types {}: {}, {}: {}",
            gofmt::sprintf("%s", std::slice::from_ref(a)),
            a.type_name(),
            b.type_name(),
            gofmt::sprint_value(b)
        )));
    }
    match (&a.repr, &b.repr) {
        // Struct values compare field by field (Sprig's certificate);
        // pointers by identity.
        (Repr::Object(x), Repr::Object(y)) if x.kind() == "struct" => {
            Ok(x.display() == y.display())
        }
        (Repr::Object(x), Repr::Object(y)) => Ok(std::ptr::addr_eq(
            std::rc::Rc::as_ptr(x),
            std::rc::Rc::as_ptr(y),
        )),
        _ => Err(FuncError(format!(
            "non-comparable type {}: {}",
            gofmt::sprintf("%s", std::slice::from_ref(b)),
            b.type_name()
        ))),
    }
}

fn eq_any(args: &[Value]) -> Result<bool, FuncError> {
    let Some((first, rest)) = args.split_first() else {
        return Err(FuncError::new("missing argument for comparison"));
    };
    if rest.is_empty() {
        return Err(FuncError::new("missing argument for comparison"));
    }
    for b in rest {
        if eq_pair(first, b)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt_pair(a: &Value, b: &Value) -> Result<bool, FuncError> {
    let bad = || FuncError::new("invalid type for comparison");
    let k1 = basic_kind(a).ok_or_else(bad)?;
    let k2 = basic_kind(b).ok_or_else(bad)?;
    if k1 != k2 {
        return Err(incompatible(a, b));
    }
    match (&a.repr, &b.repr) {
        (Repr::Float(x), Repr::Float(y)) => Ok(x < y),
        (Repr::Str(x), Repr::Str(y)) => Ok(x.as_str() < y.as_str()),
        _ => match (int_of(a), int_of(b)) {
            (Some(x), Some(y)) => Ok(x < y),
            _ => Err(bad()),
        },
    }
}

fn le_pair(a: &Value, b: &Value) -> Result<bool, FuncError> {
    if lt_pair(a, b)? {
        return Ok(true);
    }
    eq_pair(a, b)
}

fn eq(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    eq_any(&args).map(Value::bool)
}

fn ne(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    eq_any(&args).map(|t| Value::bool(!t))
}

fn pair_args(args: &[Value]) -> Result<(&Value, &Value), FuncError> {
    match args {
        [a, b, ..] => Ok((a, b)),
        _ => Err(FuncError::new("missing argument for comparison")),
    }
}

fn lt(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let (a, b) = pair_args(&args)?;
    lt_pair(a, b).map(Value::bool)
}

fn le(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let (a, b) = pair_args(&args)?;
    le_pair(a, b).map(Value::bool)
}

fn gt(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let (a, b) = pair_args(&args)?;
    le_pair(a, b).map(|t| Value::bool(!t))
}

fn ge(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let (a, b) = pair_args(&args)?;
    lt_pair(a, b).map(|t| Value::bool(!t))
}

fn not(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(Value::bool(!args.first().is_some_and(Value::truthy)))
}

fn len(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let v = args.first().cloned().unwrap_or_default();
    let n = match &v.repr {
        Repr::Nil => return Err(FuncError::new("len of nil pointer")),
        Repr::Str(s) => s.bytes().len(),
        Repr::List(l) => l.len(),
        Repr::Map(m) => m.len(),
        Repr::Object(o) => match o.slice_items().map(|l| l.len()).or_else(|| o.map_len()) {
            Some(n) => n,
            // Go's len looks through a pointer to the type it points at.
            None => {
                let name = v.type_name();
                return Err(FuncError(format!(
                    "len of type {}",
                    name.strip_prefix('*').unwrap_or(name)
                )));
            }
        },
        _ => return Err(FuncError(format!("len of type {}", v.type_name()))),
    };
    Ok(Value::int(n as i64))
}

/// Go's `index item idx...`: the stored value itself (keeping its deps), nil
/// for a missing map key; a key the user's `null` deleted is missing
/// because of that `null` (see [`FuncCtx::with_deletion`]).
fn index_in(item: &Value, indexes: &[Value], ctx: &FuncCtx) -> FuncResult {
    if item.is_nil() {
        return Err(FuncError::new("index of untyped nil"));
    }
    let mut cur = item.clone();
    for idx in indexes {
        if let Repr::Object(o) = &cur.repr {
            if let Some(items) = o.slice_items() {
                cur = Value::list(items.as_ref().clone()).with_deps(cur.deps.clone());
            } else if o.map_len().is_some() {
                let key = match &idx.repr {
                    Repr::Str(s) => s.as_str().to_string(),
                    Repr::Nil => {
                        return Err(FuncError::new("value is nil; should be of type string"))
                    }
                    _ => {
                        return Err(FuncError(format!(
                            "value has type {}; should be string",
                            idx.type_name()
                        )))
                    }
                };
                cur = o.map_index(&key).unwrap_or_default();
                continue;
            }
        }
        let next = match &cur.repr {
            Repr::Nil => return Err(FuncError::new("index of nil pointer")),
            Repr::List(_) | Repr::Str(_) => {
                let n = match &cur.repr {
                    Repr::List(l) => l.len(),
                    Repr::Str(s) => s.len(),
                    _ => 0,
                };
                let x = match idx.repr {
                    Repr::Int(x, _) => x,
                    Repr::Nil => return Err(FuncError::new("cannot index slice/array with nil")),
                    _ => {
                        return Err(FuncError(format!(
                            "cannot index slice/array with type {}",
                            idx.type_name()
                        )))
                    }
                };
                if x < 0 || x as usize > n {
                    return Err(FuncError(format!("index out of range: {x}")));
                }
                let x = x as usize;
                match &cur.repr {
                    Repr::List(l) => match l.get(x) {
                        Some(v) => v.clone(),
                        None => return Err(FuncError::new("reflect: slice index out of range")),
                    },
                    Repr::Str(s) => match s.as_str().as_bytes().get(x) {
                        Some(&b) => Value::int(i64::from(b)).with_deps(cur.deps.clone()),
                        None => return Err(FuncError::new("reflect: string index out of range")),
                    },
                    _ => Value::nil(),
                }
            }
            Repr::Map(m) => {
                let key = match &idx.repr {
                    Repr::Str(s) => s.as_str().to_string(),
                    Repr::Nil => {
                        return Err(FuncError::new("value is nil; should be of type string"))
                    }
                    _ => {
                        return Err(FuncError(format!(
                            "value has type {}; should be string",
                            idx.type_name()
                        )))
                    }
                };
                // A missing key gives nil standing at that key, so a key
                // read below it (after `default dict`) names the full path;
                // a `null` that deleted it decides it.
                match m.get(&key) {
                    Some(v) => v,
                    None => {
                        ctx.with_deletion(Value::nil().standing_at(cur.child_places(&key)), m, &key)
                    }
                }
            }
            _ => {
                return Err(FuncError(format!(
                    "can't index item of type {}",
                    cur.type_name()
                )))
            }
        };
        cur = next;
    }
    Ok(cur)
}

fn index(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let Some((item, rest)) = args.split_first() else {
        return Err(FuncError::new("index of untyped nil"));
    };
    index_in(item, rest, ctx)
}

/// Sprig's `toInt` (`cast.ToInt`) as `slice` uses it.
fn to_int(v: &Value) -> i64 {
    match &v.repr {
        Repr::Int(i, _) => *i,
        Repr::Float(x) => super::types::go_float_to_int(*x),
        Repr::Bool(b) => i64::from(*b),
        Repr::Str(s) => s.as_str().trim().parse().unwrap_or(0),
        _ => 0,
    }
}

fn slice(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let Some((list, idx)) = args.split_first() else {
        return Ok(Value::nil());
    };
    match list.as_list() {
        Some(l) => {
            if l.is_empty() {
                return Ok(Value::nil());
            }
            let start = idx.first().map_or(0, to_int);
            let end = idx.get(1).map_or(l.len() as i64, to_int);
            if start < 0 || end < start || end as usize > l.len() {
                return Err(FuncError::new(
                    "reflect.Value.Slice: slice index out of bounds",
                ));
            }
            Ok(Value::list(l[start as usize..end as usize].to_vec()))
        }
        None if list.is_nil() => Err(FuncError::new(
            "runtime error: invalid memory address or nil pointer dereference",
        )),
        None => Err(FuncError(format!(
            "list should be type of slice or array but {}",
            list.kind_name()
        ))),
    }
}

fn print(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(Value::tstr(gofmt::sprint_traced(
        &args, false, ctx.loc, &ctx.site,
    )))
}

fn println(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(Value::tstr(gofmt::sprint_traced(
        &args, true, ctx.loc, &ctx.site,
    )))
}

fn printf(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let Some((format, rest)) = args.split_first() else {
        return Ok(Value::str(""));
    };
    let format = format.as_tstr().cloned().unwrap_or_default();
    Ok(Value::tstr(gofmt::sprintf_traced(
        &format, rest, ctx.loc, &ctx.site,
    )))
}

/// Go's `evalArgs`: one string argument as is, otherwise `fmt.Sprint`.
fn eval_args(args: &[Value]) -> String {
    if let [v] = args {
        if let Some(s) = v.as_str() {
            return s.to_string();
        }
    }
    gofmt::sprint(args)
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if c.is_ascii() || gofmt::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn html(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(Value::str(html_escape(&eval_args(&args))))
}

fn js(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(Value::str(js_escape(&eval_args(&args))))
}

fn urlquery(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(Value::str(query_escape(&eval_args(&args))))
}

/// Helm's `required`: an error with the message when the value is nil or "".
fn required(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let msg = args
        .first()
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let val = args.get(1).cloned().unwrap_or_default();
    let empty = match &val.repr {
        Repr::Nil => true,
        Repr::Str(s) => s.is_empty(),
        _ => false,
    };
    if empty {
        return Err(FuncError(msg));
    }
    Ok(val)
}

/// Helm's `fail`: always an error with the message.
fn fail(_: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Err(FuncError(
        args.first()
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    ))
}

/// Helm's `lookup` under `helm template`: an empty map.
fn lookup(_: &FuncCtx, _: Vec<Value>) -> FuncResult {
    Ok(Value::map(MapRef::new()))
}

/// Helm's `toToml`: BurntSushi/toml's encoder; on error, the error text.
fn to_toml(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let v = args.first().cloned().unwrap_or_default();
    let mut e = TomlEncoder {
        b: TextBuilder::new(),
        ctx,
        written: false,
    };
    match e.top(&v) {
        Ok(()) => Ok(Value::tstr(e.b.finish())),
        Err(msg) => Ok(Value::str(msg)),
    }
}

struct TomlEncoder<'a> {
    b: TextBuilder,
    ctx: &'a FuncCtx,
    written: bool,
}

const TOML_NIL_ELEMENT: &str = "toml: cannot encode array with nil element";

/// BurntSushi's `isTableArray`: a non-empty list of maps only (nil elements are an error).
fn toml_table_array(items: &[Value]) -> Result<bool, String> {
    if items.is_empty() {
        return Ok(false);
    }
    let mut all = true;
    for it in items {
        match it.repr {
            Repr::Nil => return Err(TOML_NIL_ELEMENT.to_string()),
            Repr::Map(_) => {}
            _ => all = false,
        }
    }
    Ok(all)
}

/// True when the value is written as a `[table]` or `[[array of tables]]`.
fn toml_is_table(v: &Value) -> Result<bool, String> {
    match &v.repr {
        Repr::Map(_) => Ok(true),
        Repr::List(l) => toml_table_array(l),
        _ => Ok(false),
    }
}

fn toml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_key_part(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        toml_quote(k)
    }
}

impl TomlEncoder<'_> {
    fn w(&mut self, s: &str) {
        if !s.is_empty() {
            self.written = true;
            self.b.push_str(s, &self.ctx.site);
        }
    }

    fn newline(&mut self) {
        if self.written {
            self.w("\n");
        }
    }

    fn scalar(&mut self, s: &str, v: &Value) {
        self.written = true;
        let deps = match &v.repr {
            Repr::Str(t) if !t.is_untraced() => v.deps.union(&t.all_deps()),
            _ => v.deps.clone(),
        };
        if deps.is_empty() {
            self.b.push_str(s, &self.ctx.site);
        } else {
            let src = Rc::new(Source {
                loc: Some(self.ctx.loc),
                deps,
            });
            self.b.push_str(s, &src);
        }
    }

    fn top(&mut self, v: &Value) -> Result<(), String> {
        match &v.repr {
            Repr::Map(m) => {
                let m = m.borrow().clone();
                self.map_body(&[], &m)
            }
            Repr::List(l) => {
                if toml_table_array(l)? {
                    return Err("toml: top-level values must be Go maps or structs".into());
                }
                self.element(v)
            }
            _ => self.element(v),
        }
    }

    fn indent(&mut self, depth: usize) {
        let s = "  ".repeat(depth);
        self.w(&s);
    }

    fn header(key: &[String]) -> String {
        key.iter()
            .map(|k| toml_key_part(k))
            .collect::<Vec<_>>()
            .join(".")
    }

    fn map_body(&mut self, key: &[String], m: &crate::value::MapData) -> Result<(), String> {
        let mut direct = Vec::new();
        let mut sub = Vec::new();
        for (k, v) in m {
            if toml_is_table(v)? {
                sub.push((k, v));
            } else {
                direct.push((k, v));
            }
        }
        for (k, v) in direct.into_iter().chain(sub) {
            if v.is_nil() {
                continue;
            }
            let mut child = key.to_vec();
            child.push(k.to_string());
            self.encode(&child, v)?;
        }
        Ok(())
    }

    fn encode(&mut self, key: &[String], v: &Value) -> Result<(), String> {
        match &v.repr {
            Repr::Map(m) => {
                if key.len() == 1 {
                    self.newline();
                }
                self.indent(key.len() - 1);
                let h = format!("[{}]", Self::header(key));
                self.w(&h);
                self.newline();
                let m = m.borrow().clone();
                self.map_body(key, &m)
            }
            Repr::List(l) if toml_table_array(l)? => {
                for item in l.iter() {
                    let Some(m) = item.as_map() else { continue };
                    self.newline();
                    self.indent(key.len() - 1);
                    let h = format!("[[{}]]", Self::header(key));
                    self.w(&h);
                    self.newline();
                    let m = m.borrow().clone();
                    self.map_body(key, &m)?;
                }
                Ok(())
            }
            _ => {
                self.indent(key.len() - 1);
                let k = format!("{} = ", toml_key_part(&key[key.len() - 1]));
                self.w(&k);
                self.element(v)?;
                self.newline();
                Ok(())
            }
        }
    }

    fn element(&mut self, v: &Value) -> Result<(), String> {
        match &v.repr {
            Repr::Nil => return Err("toml: cannot encode a nil value".into()),
            Repr::Bool(b) => self.scalar(if *b { "true" } else { "false" }, v),
            Repr::Int(i, _) => self.scalar(&i.to_string(), v),
            Repr::Float(x) => {
                let s = if x.is_nan() {
                    "nan".to_string()
                } else if x.is_infinite() {
                    if *x > 0.0 { "inf" } else { "-inf" }.to_string()
                } else {
                    let mut s = gofmt::format_float_g(*x);
                    if !s.contains('.') && !s.contains('e') {
                        s.push_str(".0");
                    }
                    s
                };
                self.scalar(&s, v);
            }
            Repr::Str(s) => {
                let q = toml_quote(s.as_str());
                self.scalar(&q, v);
            }
            Repr::List(l) => {
                self.w("[");
                for (i, item) in l.iter().enumerate() {
                    if i > 0 {
                        self.w(", ");
                    }
                    self.element(item)?;
                }
                self.w("]");
            }
            Repr::Map(m) => {
                let m = m.borrow().clone();
                let mut direct = Vec::new();
                let mut sub = Vec::new();
                for (k, item) in &m {
                    if toml_is_table(item)? {
                        sub.push((k, item));
                    } else {
                        direct.push((k, item));
                    }
                }
                self.w("{");
                let has_sub = !sub.is_empty();
                for (group, trail) in [(direct, has_sub), (sub, false)] {
                    let n = group.len();
                    for (i, (k, item)) in group.into_iter().enumerate() {
                        if item.is_nil() {
                            continue;
                        }
                        let kk = format!("{} = ", toml_key_part(k));
                        self.w(&kk);
                        self.element(item)?;
                        if trail || i + 1 != n {
                            self.w(", ");
                        }
                    }
                }
                self.w("}");
            }
            Repr::Object(o) => {
                let s = toml_quote(&o.display());
                self.scalar(&s, v);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::{Deps, OriginId};
    use crate::traced::{FileId, TplLoc};

    fn ctx() -> FuncCtx {
        FuncCtx::new(TplLoc {
            file: FileId(0),
            offset: 0,
        })
    }
    fn f(x: f64) -> Value {
        Value::float(x)
    }
    fn i(x: i64) -> Value {
        Value::int(x)
    }
    fn s(x: &str) -> Value {
        Value::str(x)
    }
    fn nil() -> Value {
        Value::nil()
    }
    fn call(body: crate::funcs::FuncBody, args: Vec<Value>) -> Result<String, String> {
        body(&ctx(), args)
            .map(|v| gofmt::sprint_value(&v))
            .map_err(|e| e.0)
    }
    fn map_a1() -> Value {
        let m = MapRef::new();
        m.insert("a", f(1.0));
        Value::map(m)
    }
    fn list123() -> Value {
        Value::list(vec![f(1.0), f(2.0), f(3.0)])
    }

    #[test]
    fn comparisons_follow_go() {
        // Results and messages confirmed with helm-render.
        let ok = |b: bool| Ok::<String, String>(b.to_string());
        let err = |m: &str| Err::<String, String>(m.to_string());
        let cases: Vec<(crate::funcs::FuncBody, Vec<Value>, Result<String, String>)> = vec![
            (eq, vec![i(1), f(1.0)], err("incompatible types for comparison: int and float64")),
            (eq, vec![f(1.0), i(1)], err("incompatible types for comparison: float64 and int")),
            (eq, vec![s("a")], err("missing argument for comparison")),
            (eq, vec![map_a1(), map_a1()], err("non-comparable type map[a:%!s(float64=1)]: map[string]interface {}")),
            (eq, vec![list123(), list123()], err("non-comparable type [%!s(float64=1) %!s(float64=2) %!s(float64=3)]: []interface {}")),
            (eq, vec![map_a1(), list123()], err("non-comparable types map[a:%!s(float64=1)]: map[string]interface {}, []interface {}: [1 2 3]")),
            (eq, vec![map_a1(), i(1)], err("incompatible types for comparison: map[string]interface {} and int")),
            (eq, vec![i(1), map_a1()], err("incompatible types for comparison: int and map[string]interface {}")),
            (lt, vec![Value::bool(true), Value::bool(false)], err("invalid type for comparison")),
            (lt, vec![i(1), s("a")], err("incompatible types for comparison: int and string")),
            (lt, vec![nil(), i(1)], err("invalid type for comparison")),
            (lt, vec![nil(), nil()], err("invalid type for comparison")),
            (le, vec![i(1), f(1.5)], err("incompatible types for comparison: int and float64")),
            (eq, vec![nil(), nil()], ok(true)),
            (eq, vec![nil(), s("")], ok(false)),
            (eq, vec![nil(), i(1)], ok(false)),
            (ne, vec![nil(), i(1)], ok(true)),
            (eq, vec![s("a"), s("b"), s("a")], ok(true)),
            (eq, vec![i(1), i(2), i(1)], ok(true)),
            (eq, vec![map_a1(), nil()], ok(false)),
            (eq, vec![nil(), map_a1()], ok(false)),
            (eq, vec![Value::bool(true), Value::bool(true)], ok(true)),
            (lt, vec![s("a"), s("b")], ok(true)),
            (lt, vec![i(1), i(2)], ok(true)),
            (gt, vec![f(1.0), f(0.5)], ok(true)),
            (ge, vec![i(2), i(2)], ok(true)),
            (lt, vec![f(1.5), f(2.5)], ok(true)),
            (ne, vec![s("a"), s("b")], ok(true)),
        ];
        for (n, (body, args, want)) in cases.into_iter().enumerate() {
            assert_eq!(call(body, args), want, "case {n}");
        }
    }

    #[test]
    fn len_index_slice_follow_go_and_sprig() {
        let nested = MapRef::new();
        let inner = MapRef::new();
        inner.insert("z", f(7.0));
        nested.insert("x", Value::map(inner));
        let nested = Value::map(nested);
        let cases: Vec<(crate::funcs::FuncBody, Vec<Value>, Result<&str, &str>)> = vec![
            (len, vec![i(3)], Err("len of type int")),
            (len, vec![nil()], Err("len of nil pointer")),
            (len, vec![s("héllo")], Ok("6")),
            (len, vec![map_a1()], Ok("1")),
            (index, vec![list123(), i(5)], Err("index out of range: 5")),
            (
                index,
                vec![list123(), i(3)],
                Err("reflect: slice index out of range"),
            ),
            (index, vec![list123(), i(-1)], Err("index out of range: -1")),
            (
                index,
                vec![list123(), s("a")],
                Err("cannot index slice/array with type string"),
            ),
            (
                index,
                vec![list123(), f(1.0)],
                Err("cannot index slice/array with type float64"),
            ),
            (
                index,
                vec![list123(), nil()],
                Err("cannot index slice/array with nil"),
            ),
            (index, vec![nil(), i(1)], Err("index of untyped nil")),
            (index, vec![i(3), i(1)], Err("can't index item of type int")),
            (
                index,
                vec![map_a1(), i(1)],
                Err("value has type int; should be string"),
            ),
            (
                index,
                vec![map_a1(), nil()],
                Err("value is nil; should be of type string"),
            ),
            (
                index,
                vec![map_a1(), s("zz"), s("y")],
                Err("index of nil pointer"),
            ),
            (
                index,
                vec![map_a1(), s("a"), i(1)],
                Err("can't index item of type float64"),
            ),
            (index, vec![map_a1(), s("zz")], Ok("<nil>")),
            (index, vec![map_a1(), s("a")], Ok("1")),
            (index, vec![nested.clone(), s("x"), s("z")], Ok("7")),
            (index, vec![list123(), i(1)], Ok("2")),
            (index, vec![list123()], Ok("[1 2 3]")),
            (index, vec![s("abc"), i(1)], Ok("98")),
            (
                slice,
                vec![list123(), i(2), i(1)],
                Err("reflect.Value.Slice: slice index out of bounds"),
            ),
            (
                slice,
                vec![list123(), i(5)],
                Err("reflect.Value.Slice: slice index out of bounds"),
            ),
            (
                slice,
                vec![s("abc"), i(1), i(2), i(3)],
                Err("list should be type of slice or array but string"),
            ),
            (
                slice,
                vec![i(3), i(1)],
                Err("list should be type of slice or array but int"),
            ),
            (slice, vec![list123(), i(1)], Ok("[2 3]")),
            (slice, vec![list123(), i(1), i(2)], Ok("[2]")),
            (slice, vec![list123()], Ok("[1 2 3]")),
            (slice, vec![list123(), f(1.0)], Ok("[2 3]")),
            (slice, vec![Value::list(vec![]), i(0)], Ok("<nil>")),
        ];
        for (n, (body, args, want)) in cases.into_iter().enumerate() {
            let want = want.map(str::to_string).map_err(str::to_string);
            assert_eq!(call(body, args), want, "case {n}");
        }
    }

    #[test]
    fn index_returns_the_stored_value_with_its_deps() {
        let m = MapRef::new();
        m.insert("a", s("x").with_deps(Deps::one(OriginId(4))));
        let got = index(&ctx(), vec![Value::map(m), s("a")]);
        assert_eq!(got.map(|v| v.deps), Ok(Deps::one(OriginId(4))));
    }

    #[test]
    fn escapers_and_helm_helpers() {
        // Oracle: html, js, urlquery, not, required, fail, lookup.
        assert_eq!(
            call(html, vec![s("<a href=\"x\">&'</a>")]),
            Ok("&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;".into())
        );
        assert_eq!(
            call(js, vec![s("a'b\"c<>&=\\ é")]),
            Ok("a\\'b\\\"c\\u003C\\u003E\\u0026\\u003D\\\\ é".into())
        );
        assert_eq!(
            call(urlquery, vec![s("a b&c=d/é")]),
            Ok("a+b%26c%3Dd%2F%C3%A9".into())
        );
        assert_eq!(call(not, vec![i(0)]), Ok("true".into()));
        assert_eq!(call(not, vec![s("x")]), Ok("false".into()));
        assert_eq!(call(not, vec![nil()]), Ok("true".into()));
        assert_eq!(
            call(required, vec![s("need x"), nil()]),
            Err("need x".into())
        );
        assert_eq!(
            call(required, vec![s("need x"), s("")]),
            Err("need x".into())
        );
        assert_eq!(
            call(required, vec![s("x"), Value::bool(false)]),
            Ok("false".into())
        );
        assert_eq!(call(required, vec![s("x"), i(0)]), Ok("0".into()));
        assert_eq!(
            call(required, vec![s("x"), Value::list(vec![])]),
            Ok("[]".into())
        );
        assert_eq!(call(fail, vec![s("boom")]), Err("boom".into()));
        assert_eq!(
            call(lookup, vec![s("v1"), s("Pod"), s(""), s("")]),
            Ok("map[]".into())
        );
        assert_eq!(
            call(print, vec![i(1), i(2), s("a"), s("b"), i(3), nil(), i(4)]),
            Ok("1 2ab3 <nil> 4".into())
        );
        assert_eq!(call(println, vec![i(1), s("a")]), Ok("1 a\n".into()));
        assert_eq!(
            call(printf, vec![s("%d-%s"), i(1), s("a")]),
            Ok("1-a".into())
        );
    }

    fn from_json(s: &str) -> Value {
        match crate::json::decode(&crate::traced::TStr::plain(s)) {
            Ok((v, None)) => v,
            _ => panic!("bad test json"),
        }
    }

    #[test]
    fn to_toml_matches_helm() {
        // Values as Helm reads them (numbers are float64); outputs from helm-render.
        let values = from_json(
            r#"{"a": 1, "big": 1e21, "tiny": 1e-7, "ok-key": 1, "key with space": "v\"q\\\t\u007f\b\n",
               "emptym": {}, "emptyl": [], "nul": null,
               "tbl": {"x": 1, "sub": {"true": 2, "deeper": {"z": 3}}, "after": 4},
               "arr": [{"a": 1}, {"b": 2}], "mixed": [1, "a", {"c": 1}, [2, 3]]}"#,
        );
        let want = "a = 1.0\nbig = 1e+21\nemptyl = []\n\"key with space\" = \"v\\\"q\\\\\\t\\u007f\\b\\n\"\nmixed = [1.0, \"a\", {c = 1.0}, [2.0, 3.0]]\nok-key = 1.0\ntiny = 1e-07\n\n[[arr]]\n  a = 1.0\n\n[[arr]]\n  b = 2.0\n\n[emptym]\n\n[tbl]\n  after = 4.0\n  x = 1.0\n  [tbl.sub]\n    true = 2.0\n    [tbl.sub.deeper]\n      z = 3.0\n";
        assert_eq!(call(to_toml, vec![values]), Ok(want.to_string()));
        let values = from_json(
            r#"{"a": 1000000, "b": 123456789.5, "e": 0.0001, "f": 0.00001, "g": -0.0,
               "l": {"a.b": 1, "": 2, "A_z-9": 3, "ü": 4}, "m": [[{"a": 1}]], "o": [{"a": {"b": [1]}}]}"#,
        );
        let want = "a = 1e+06\nb = 1.234567895e+08\ne = 0.0001\nf = 1e-05\ng = -0.0\nm = [[{a = 1.0}]]\n\n[l]\n  \"\" = 2.0\n  A_z-9 = 3.0\n  \"a.b\" = 1.0\n  \"ü\" = 4.0\n\n[[o]]\n  [o.a]\n    b = [1.0]\n";
        assert_eq!(call(to_toml, vec![values]), Ok(want.to_string()));
        let lst = Value::list(vec![i(1), i(2)]);
        assert_eq!(call(to_toml, vec![lst]), Ok("[1, 2]".into()));
        assert_eq!(call(to_toml, vec![s("x")]), Ok("\"x\"".into()));
        let m = MapRef::new();
        m.insert("l", Value::list(vec![i(1), nil()]));
        assert_eq!(
            call(to_toml, vec![Value::map(m)]),
            Ok("toml: cannot encode array with nil element".into())
        );
    }
}
