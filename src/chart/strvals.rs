//! Helm's `--set` syntax (`pkg/strvals`): `a.b=1,c[0].d=x,e={x,y}`, with `\`
//! escapes, typed values (`true`, `false`, `null`, int64 numbers), and the
//! string, JSON, file and literal variants. Every node written gets the
//! origin of its flag.

use crate::origin::OriginId;
use crate::value::{MapRef, Repr, Value};

/// How the value after `=` is read.
pub enum Mode<'a> {
    /// `--set`: typed (`true`, `false`, `null`, int64, else string).
    Typed,
    /// `--set-string`: always a string.
    Str,
    /// `--set-json`: a JSON value.
    Json,
    /// `--set-file`: the value is a path; the reader returns the file's text.
    File(&'a dyn Fn(&str) -> Result<String, String>),
}

/// Maximum list index (Helm's `MaxIndex`).
const MAX_INDEX: usize = 65536;
/// Maximum nesting of names (Helm's `MaxNestedNameLevel`).
const MAX_NESTED: usize = 30;

#[derive(Debug)]
enum PErr {
    Eof,
    NotList,
    Msg(String),
}

struct Parser<'a> {
    s: Vec<char>,
    pos: usize,
    mode: Mode<'a>,
    fresh: &'a mut dyn FnMut() -> OriginId,
}

fn msg<T>(m: impl Into<String>) -> Result<T, PErr> {
    Err(PErr::Msg(m.into()))
}

/// Parse one flag value (`a=1,b.c=2`) into `dest`. Errors read like Helm's.
/// `fresh` registers a new origin for each node written.
pub fn parse_into<'a>(
    line: &str,
    dest: &MapRef,
    mode: Mode<'a>,
    fresh: &'a mut dyn FnMut() -> OriginId,
) -> Result<(), String> {
    let mut p = Parser {
        s: line.chars().collect(),
        pos: 0,
        mode,
        fresh,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => continue,
            Err(PErr::Eof) => return Ok(()),
            Err(PErr::NotList) => return Err("not a list".to_string()),
            Err(PErr::Msg(m)) => return Err(m),
        }
    }
}

/// `--set-literal`: the key path up to the first `=`, the rest verbatim as a string.
pub fn parse_literal_into(
    line: &str,
    dest: &MapRef,
    fresh: &mut dyn FnMut() -> OriginId,
) -> Result<(), String> {
    let Some((key, val)) = line.split_once('=') else {
        return Err(format!("key {line:?} has no value"));
    };
    // Parse the key with a placeholder value, then put the literal text in its place.
    let placeholder = "\u{0}trace-value-literal\u{0}";
    let mut p = Parser {
        s: format!("{key}={placeholder}").chars().collect(),
        pos: 0,
        mode: Mode::Str,
        fresh,
    };
    match p.key(dest, 0) {
        Ok(()) | Err(PErr::Eof) => {}
        Err(PErr::NotList) => return Err("not a list".to_string()),
        Err(PErr::Msg(m)) => return Err(m),
    }
    replace_placeholder(&Value::map(dest.clone()), placeholder, val);
    Ok(())
}

fn replace_placeholder(v: &Value, ph: &str, val: &str) -> Option<Value> {
    match &v.repr {
        Repr::Str(s) if s.as_str() == ph => Some(Value::str(val).with_deps(v.deps.clone())),
        Repr::Map(m) => {
            let entries: Vec<(crate::value::MapKey, Value)> = m
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, item) in entries {
                if let Some(n) = replace_placeholder(&item, ph, val) {
                    m.insert(k, n);
                }
            }
            None
        }
        Repr::List(l) => {
            let mut changed = false;
            let items: Vec<Value> = l
                .iter()
                .map(|i| match replace_placeholder(i, ph, val) {
                    Some(n) => {
                        changed = true;
                        n
                    }
                    None => i.clone(),
                })
                .collect();
            changed.then(|| Value::list(items).with_deps(v.deps.clone()))
        }
        _ => None,
    }
}

impl Parser<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.s.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// Read runes until one of `stop` (consumed and returned), handling `\` escapes.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.next() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') => match self.next() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn mk(&mut self, repr: Repr) -> Value {
        Value::new(repr).with_origin((self.fresh)())
    }

    fn read(&mut self, rs: &str) -> Result<Value, PErr> {
        match &self.mode {
            Mode::Str => Ok(self.mk(Repr::Str(rs.into()))),
            Mode::Typed | Mode::Json => Ok(typed_val(rs).with_origin((self.fresh)())),
            Mode::File(reader) => reader(rs)
                .map(|t| self.mk(Repr::Str(t.as_str().into())))
                .map_err(PErr::Msg),
        }
    }

    fn key(&mut self, data: &MapRef, mut level: usize) -> Result<(), PErr> {
        let (k, last) = self.until(&['=', '[', ',', '.']);
        match last {
            None => {
                if k.is_empty() {
                    return Err(PErr::Eof);
                }
                msg(format!("key {k:?} has no value"))
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| PErr::Msg(format!("error parsing index: {e}")))?;
                let list = match data.get(&k) {
                    Some(v) => match v.as_list() {
                        Some(l) => l.to_vec(),
                        None => {
                            return msg(format!(
                                "unable to parse key: interface conversion: interface {{}} is {}, not []interface {{}}",
                                v.type_name()
                            ))
                        }
                    },
                    None => Vec::new(),
                };
                let (list, err) = self.list_item(list, i, level);
                set(data, &k, self.mk(Repr::List(list.into())));
                err.map_or(Ok(()), Err)
            }
            Some('=') => {
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        set(data, &k, self.mk(Repr::Nil));
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &k, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &k, self.mk(Repr::List(vl.into())));
                        Ok(())
                    }
                    Err(PErr::Eof) => {
                        set(data, &k, self.mk(Repr::Str("".into())));
                        Err(PErr::Eof)
                    }
                    Err(PErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        let v = self.read(&rs)?;
                        set(data, &k, v);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Some(',') => {
                set(data, &k, self.mk(Repr::Str("".into())));
                msg(format!("key {k:?} has no value (cannot end with ,)"))
            }
            Some(_) => {
                level += 1;
                if level > MAX_NESTED {
                    return msg(format!("value name nested level is greater than maximum supported nested level of {MAX_NESTED}"));
                }
                let inner = match data.get(&k) {
                    Some(v) => match v.as_map() {
                        Some(m) => m.clone(),
                        None => {
                            return msg(format!(
                                "unable to parse key: interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                                v.type_name()
                            ))
                        }
                    },
                    None => MapRef::new(),
                };
                let e = self.key(&inner, level);
                if e.is_ok() && inner.is_empty() {
                    return msg(format!("key map {k:?} has no value"));
                }
                if !inner.is_empty() {
                    set(data, &k, self.mk(Repr::Map(inner)));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> Result<usize, String> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err("EOF".to_string());
        }
        let n: i64 = v
            .parse()
            .map_err(|_| format!("strconv.Atoi: parsing {v:?}: invalid syntax"))?;
        if n < 0 {
            return Err(format!("negative {n} index not allowed"));
        }
        Ok(n as usize)
    }

    fn list_item(
        &mut self,
        list: Vec<Value>,
        i: usize,
        level: usize,
    ) -> (Vec<Value>, Option<PErr>) {
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Some(PErr::Msg(format!(
                    "unexpected data at end of array index: {k:?}"
                ))),
            );
        }
        match last {
            None => (list, Some(PErr::Eof)),
            Some('=') => {
                if matches!(self.mode, Mode::Json) {
                    if self.empty_val() {
                        let v = self.mk(Repr::Nil);
                        return set_index(list, i, v);
                    }
                    return match self.json_value() {
                        Ok(v) => {
                            let r = set_index(list, i, v);
                            self.empty_val();
                            r
                        }
                        Err(e) => (list, Some(e)),
                    };
                }
                match self.val_list() {
                    Ok(vl) => {
                        let v = self.mk(Repr::List(vl.into()));
                        set_index(list, i, v)
                    }
                    Err(PErr::Eof) => {
                        let v = self.mk(Repr::Str("".into()));
                        set_index(list, i, v)
                    }
                    Err(PErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        match self.read(&rs) {
                            Ok(v) => set_index(list, i, v),
                            Err(e) => (list, Some(e)),
                        }
                    }
                    Err(e) => (list, Some(e)),
                }
            }
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Some(PErr::Msg(format!("error parsing index: {e}")))),
                };
                let crt = list
                    .get(i)
                    .and_then(Value::as_list)
                    .map(|l| l.to_vec())
                    .unwrap_or_default();
                let (list2, err) = self.list_item(crt, next_i, level);
                if err.is_some() {
                    return (list, err);
                }
                let v = self.mk(Repr::List(list2.into()));
                set_index(list, i, v)
            }
            Some(_) => {
                let inner = list
                    .get(i)
                    .and_then(Value::as_map)
                    .cloned()
                    .unwrap_or_default();
                if let Err(e) = self.key(&inner, level) {
                    return (list, Some(e));
                }
                let v = self.mk(Repr::Map(inner));
                set_index(list, i, v)
            }
        }
    }

    /// Skip blanks; true (and consume a `,`) at a comma or the end.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.next() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    fn json_value(&mut self) -> Result<Value, PErr> {
        let rest: String = self.s[self.pos..].iter().collect();
        if let Some(c) = json_too_deep(&rest) {
            return msg(format!("invalid character '{c}' exceeded max depth"));
        }
        // Go's decoder reads 10,000 levels (checked above); serde_json's
        // own limit is 128.
        let mut de = serde_json::Deserializer::from_str(&rest);
        de.disable_recursion_limit();
        let mut stream = de.into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(j)) => {
                let used = stream.byte_offset();
                self.pos += rest[..used].chars().count();
                Ok(json_to_value(&j, self.fresh))
            }
            Some(Err(e)) => msg(e.to_string()),
            None => msg("EOF"),
        }
    }

    fn val_list(&mut self) -> Result<Vec<Value>, PErr> {
        match self.next() {
            None => return Err(PErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(PErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => return msg("list must terminate with '}'"),
                Some('}') => {
                    if let Some(c) = self.next() {
                        if c != ',' {
                            self.unread();
                        }
                    }
                    list.push(self.read(&rs)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.read(&rs)?),
            }
        }
    }
}

fn set(data: &MapRef, key: &str, val: Value) {
    if !key.is_empty() {
        data.insert(key, val);
    }
}

fn set_index(mut list: Vec<Value>, i: usize, val: Value) -> (Vec<Value>, Option<PErr>) {
    if i > MAX_INDEX {
        return (
            list,
            Some(PErr::Msg(format!(
                "index of {i} is greater than maximum supported index of {MAX_INDEX}"
            ))),
        );
    }
    if list.len() <= i {
        list.resize(i + 1, Value::nil());
    }
    list[i] = val;
    (list, None)
}

/// Helm's `typedVal` for `--set`: booleans and `null` case-insensitively,
/// int64 for decimal integers not starting with `0` (and `0` itself).
pub fn typed_val(val: &str) -> Value {
    if val.eq_ignore_ascii_case("true") {
        return Value::bool(true);
    }
    if val.eq_ignore_ascii_case("false") {
        return Value::bool(false);
    }
    if val.eq_ignore_ascii_case("null") {
        return Value::nil();
    }
    if val == "0" {
        return Value::int64(0);
    }
    if !val.is_empty() && !val.starts_with('0') {
        let digits = val.strip_prefix(['+', '-']).unwrap_or(val);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(i) = val.parse::<i64>() {
                return Value::int64(i);
            }
        }
    }
    Value::str(val)
}

/// Go's `encoding/json` nesting limit.
const MAX_JSON_DEPTH: usize = 10_000;

/// The bracket at which the first JSON value of `text` nests deeper than
/// Go's decoder reads ([`MAX_JSON_DEPTH`]), if it does.
fn json_too_deep(text: &str) -> Option<char> {
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    for c in text.chars() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '[' | '{' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Some(c);
                }
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return None;
                }
            }
            c if depth == 0 && !c.is_whitespace() => return None,
            _ => {}
        }
    }
    None
}

/// One JSON document as Go's `encoding/json` reads it: nested up to
/// [`MAX_JSON_DEPTH`] levels (serde_json's own limit is 128).
pub fn parse_go_json(text: &str) -> Result<serde_json::Value, String> {
    if let Some(c) = json_too_deep(text) {
        return Err(format!("invalid character '{c}' exceeded max depth"));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let mut stream = de.into_iter::<serde_json::Value>();
    let v = match stream.next() {
        Some(r) => r.map_err(|e| e.to_string())?,
        None => return Err("unexpected end of JSON input".to_string()),
    };
    if !text[stream.byte_offset()..].trim().is_empty() {
        return Err("invalid character after top-level value".to_string());
    }
    Ok(v)
}

/// A JSON value as Go's `encoding/json` decodes into `interface{}` (numbers
/// are float64), every node with a fresh origin.
pub fn json_to_value(j: &serde_json::Value, fresh: &mut dyn FnMut() -> OriginId) -> Value {
    let v = match j {
        serde_json::Value::Null => Value::nil(),
        serde_json::Value::Bool(b) => Value::bool(*b),
        serde_json::Value::Number(n) => Value::float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => {
            Value::list(a.iter().map(|x| json_to_value(x, fresh)).collect())
        }
        serde_json::Value::Object(o) => Value::map_from(
            o.iter()
                .map(|(k, x)| (k.as_str().into(), json_to_value(x, fresh)))
                .collect(),
        ),
    };
    v.with_origin(fresh())
}
