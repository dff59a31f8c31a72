//! Go's `encoding/json` for template values: the encoder behind `toJson`,
//! `toRawJson` and `toPrettyJson` and the decoder behind `fromJson`.
//!
//! The encoder writes what `json.Marshal` writes for `interface{}` values
//! (sorted keys, `\u003c`-style HTML escaping unless raw, Go's float rule)
//! as traced text: each scalar's bytes carry a source with that value's
//! deps. The decoder reads JSON as `json.Unmarshal` into `interface{}` does
//! (numbers become float64), with Go's error texts, and gives each parsed
//! scalar the trace of the input text it came from.

use std::rc::Rc;

use crate::gofmt::strconv_format;
use crate::origin::Deps;
use crate::traced::{Source, TStr, TextBuilder, TplLoc};
use crate::value::{MapData, MapRef, Repr, Value};

/// An encoding or decoding error, with Go's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

/// How to encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodeOpts {
    /// Escape `<`, `>` and `&` as `\u003c` etc. (`json.Marshal`; off for `toRawJson`).
    pub escape_html: bool,
    /// Indent with two spaces (`json.MarshalIndent(v, "", "  ")`).
    pub pretty: bool,
}

/// encoding/json's float64 text: `'f'` shortest, or `'e'` when the magnitude
/// is below 1e-6 or at least 1e21, with `e-07` cleaned up to `e-7`.
pub fn format_json_float(x: f64) -> Result<String, JsonError> {
    if !x.is_finite() {
        return Err(JsonError(format!(
            "json: unsupported value: {}",
            strconv_format(x, 'g', None)
        )));
    }
    let a = x.abs();
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let mut s = strconv_format(x, 'e', None);
        let n = s.len();
        let b = s.as_bytes();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
        Ok(s)
    } else {
        Ok(strconv_format(x, 'f', None))
    }
}

/// Append `s` as a JSON string literal, escaped as Go does.
pub fn push_json_string(out: &mut String, s: &str, escape_html: bool) {
    push_json_string_raw(out, s, &[], escape_html);
}

/// [`push_json_string`] of a string with bytes that are not UTF-8
/// (standing in `s` as U+FFFD at the offsets of `raw`): Go writes each as
/// the escape `\ufffd`.
pub fn push_json_string_raw(
    out: &mut String,
    s: &str,
    raw: &[crate::traced::RawByte],
    escape_html: bool,
) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut next = 0;
    for (i, c) in s.char_indices() {
        if raw.get(next).is_some_and(|r| r.at as usize == i) {
            out.push_str("\\ufffd");
            next += 1;
            continue;
        }
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if escape_html => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let b = c as u8;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Encoder<'a> {
    b: TextBuilder,
    opts: EncodeOpts,
    loc: TplLoc,
    site: &'a Rc<Source>,
    scratch: String,
    cycles: crate::limits::CycleGuard,
}

impl Encoder<'_> {
    fn punct(&mut self, s: &str) {
        self.b.push_str(s, self.site);
    }

    fn newline(&mut self, depth: usize) {
        self.scratch.clear();
        self.scratch.push('\n');
        for _ in 0..depth {
            self.scratch.push_str("  ");
        }
        let s = std::mem::take(&mut self.scratch);
        self.punct(&s);
        self.scratch = s;
    }

    fn scalar(&mut self, text: &str, deps: &Deps) {
        if deps.is_empty() {
            self.b.push_str(text, self.site);
        } else {
            let src = Rc::new(Source {
                loc: Some(self.loc),
                deps: deps.clone(),
            });
            self.b.push_str(text, &src);
        }
    }

    fn map(&mut self, m: &MapData, depth: usize) -> Result<(), JsonError> {
        self.entries(m.iter().map(|(k, v)| (&**k, v)), m.is_empty(), depth)
    }

    /// A struct's fields, in their declaration order.
    fn fields(&mut self, fields: &[(&str, Value)], depth: usize) -> Result<(), JsonError> {
        self.entries(
            fields.iter().map(|(k, v)| (*k, v)),
            fields.is_empty(),
            depth,
        )
    }

    fn entries<'v>(
        &mut self,
        entries: impl Iterator<Item = (&'v str, &'v Value)>,
        empty: bool,
        depth: usize,
    ) -> Result<(), JsonError> {
        if empty {
            self.punct("{}");
            return Ok(());
        }
        self.punct("{");
        for (i, (k, v)) in entries.enumerate() {
            if i > 0 {
                self.punct(",");
            }
            if self.opts.pretty {
                self.newline(depth + 1);
            }
            let mut key = String::with_capacity(k.len() + 3);
            push_json_string(&mut key, k, self.opts.escape_html);
            key.push(':');
            if self.opts.pretty {
                key.push(' ');
            }
            self.punct(&key);
            self.value(v, depth + 1)?;
        }
        if self.opts.pretty {
            self.newline(depth);
        }
        self.punct("}");
        Ok(())
    }

    fn value(&mut self, v: &Value, depth: usize) -> Result<(), JsonError> {
        match &v.repr {
            Repr::Nil => self.scalar("null", &v.deps),
            Repr::Bool(b) => self.scalar(if *b { "true" } else { "false" }, &v.deps),
            Repr::Int(i, _) => self.scalar(&i.to_string(), &v.deps),
            Repr::Float(x) => {
                let s = format_json_float(*x)?;
                self.scalar(&s, &v.deps);
            }
            Repr::Str(s) => {
                let mut text = String::with_capacity(s.len() + 2);
                push_json_string_raw(&mut text, s.as_str(), s.raw(), self.opts.escape_html);
                let deps = if s.is_untraced() {
                    v.deps.clone()
                } else {
                    v.deps.union(&s.all_deps())
                };
                self.scalar(&text, &deps);
            }
            Repr::List(_) if v.is_nil_list() => self.scalar("null", &v.deps),
            Repr::List(items) => {
                if items.is_empty() {
                    self.punct("[]");
                    return Ok(());
                }
                self.cycles.enter(None).map_err(|_| cycle())?;
                self.punct("[");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.punct(",");
                    }
                    if self.opts.pretty {
                        self.newline(depth + 1);
                    }
                    self.value(item, depth + 1)?;
                }
                if self.opts.pretty {
                    self.newline(depth);
                }
                self.punct("]");
                self.cycles.leave(None, false);
            }
            Repr::Map(m) => {
                let addr = Some(m.addr());
                let kept = self.cycles.enter(addr).map_err(|_| cycle())?;
                let data = m.borrow();
                self.map(&data, depth)?;
                self.cycles.leave(addr, kept);
            }
            Repr::Object(o) => {
                if let Some(fields) = o.json_fields() {
                    self.fields(&fields, depth)?;
                } else if let Some(v) = o.json_value() {
                    self.value(&v, depth)?;
                } else if let Some(items) = o.slice_items() {
                    self.value(&Value::list(items.as_ref().clone()), depth)?;
                } else if let Some(m) = o.to_map() {
                    let m = m.borrow();
                    self.map(&m, depth)?;
                } else {
                    self.punct("{}");
                }
            }
        }
        Ok(())
    }
}

/// encoding/json's error for a map that contains itself.
fn cycle() -> JsonError {
    JsonError(crate::limits::JSON_CYCLE_ERROR.to_string())
}

/// Encode a value as Go's encoding/json would, as traced text: punctuation
/// and keys come from `site`, each scalar from a source at `loc` with the
/// scalar's deps.
pub fn encode(
    v: &Value,
    opts: EncodeOpts,
    loc: TplLoc,
    site: &Rc<Source>,
) -> Result<TStr, JsonError> {
    let mut e = Encoder {
        b: TextBuilder::new(),
        opts,
        loc,
        site,
        scratch: String::new(),
        cycles: Default::default(),
    };
    e.value(v, 0)?;
    Ok(e.b.finish())
}

/// Encode a value to plain text (no trace).
pub fn encode_string(v: &Value, opts: EncodeOpts) -> Result<String, JsonError> {
    let loc = TplLoc {
        file: crate::traced::FileId(0),
        offset: 0,
    };
    let site = Rc::new(Source::literal(loc));
    encode(v, opts, loc, &site).map(|t| t.as_str().to_string())
}

/// Union of the deps of the runs overlapping `a..b` of `t`.
fn range_deps(t: &TStr, a: usize, b: usize) -> Deps {
    let runs = t.runs();
    if runs.is_empty() {
        return Deps::none();
    }
    let first = runs.partition_point(|r| (r.end as usize) <= a);
    let mut d = Deps::none();
    for r in &runs[first..] {
        if r.start as usize >= b {
            break;
        }
        d = d.union(&r.source.deps);
    }
    d
}

fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let q = crate::gofmt::go_quote(&char::from(c).to_string(), false);
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

struct Decoder<'a> {
    t: &'a TStr,
    s: &'a [u8],
    i: usize,
    /// First type error (Go keeps decoding and reports it at the end).
    saved: Option<JsonError>,
}

type DResult<T> = Result<T, JsonError>;

fn eof() -> JsonError {
    JsonError("unexpected end of JSON input".to_string())
}

impl Decoder<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> DResult<u8> {
        self.s.get(self.i).copied().ok_or_else(eof)
    }

    fn bad(&self, c: u8, ctx: &str) -> JsonError {
        JsonError(format!("invalid character {} {ctx}", quote_char(c)))
    }

    fn deps(&self, a: usize) -> Deps {
        range_deps(self.t, a, self.i)
    }

    fn value(&mut self) -> DResult<Value> {
        self.skip_ws();
        let c = self.peek()?;
        let start = self.i;
        match c {
            b'{' => {
                self.i += 1;
                let mut m = MapData::new();
                self.skip_ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Ok(Value::map(MapRef::from_data(m)).with_deps(self.deps(start)));
                }
                loop {
                    self.skip_ws();
                    let c = self.peek()?;
                    if c != b'"' {
                        return Err(self.bad(c, "looking for beginning of object key string"));
                    }
                    let key = self.string()?;
                    self.skip_ws();
                    let c = self.peek()?;
                    if c != b':' {
                        return Err(self.bad(c, "after object key"));
                    }
                    self.i += 1;
                    let v = self.value()?;
                    m.insert(key.as_str().into(), v);
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b'}' => {
                            self.i += 1;
                            break;
                        }
                        c => return Err(self.bad(c, "after object key:value pair")),
                    }
                }
                Ok(Value::map(MapRef::from_data(m)).with_deps(self.deps(start)))
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Ok(Value::list(items).with_deps(self.deps(start)));
                }
                loop {
                    items.push(self.value()?);
                    self.skip_ws();
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        c => return Err(self.bad(c, "after array element")),
                    }
                }
                Ok(Value::list(items).with_deps(self.deps(start)))
            }
            b'"' => {
                let s = self.string()?;
                let deps = self.deps(start);
                Ok(Value::tstr(s).with_deps(deps))
            }
            b't' => self.literal("true", Value::bool(true)),
            b'f' => self.literal("false", Value::bool(false)),
            b'n' => self.literal("null", Value::nil()),
            b'-' | b'0'..=b'9' => self.number(),
            c => Err(self.bad(c, "looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> DResult<Value> {
        let start = self.i;
        for &w in word.as_bytes() {
            let c = self.peek()?;
            if c != w {
                return Err(self.bad(
                    c,
                    &format!("in literal {word} (expecting {})", quote_char(w)),
                ));
            }
            self.i += 1;
        }
        Ok(v.with_deps(self.deps(start)))
    }

    fn digits(&mut self) -> usize {
        let a = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        self.i - a
    }

    fn number(&mut self) -> DResult<Value> {
        let start = self.i;
        if self.s[self.i] == b'-' {
            self.i += 1;
            let c = self.peek()?;
            if !c.is_ascii_digit() {
                return Err(self.bad(c, "in numeric literal"));
            }
        }
        if self.s[self.i] == b'0' {
            self.i += 1;
        } else {
            self.digits();
        }
        if self.i < self.s.len() && self.s[self.i] == b'.' {
            self.i += 1;
            let c = self.peek()?;
            if !c.is_ascii_digit() {
                return Err(self.bad(c, "after decimal point in numeric literal"));
            }
            self.digits();
        }
        if self.i < self.s.len() && matches!(self.s[self.i], b'e' | b'E') {
            self.i += 1;
            if matches!(self.peek()?, b'+' | b'-') {
                self.i += 1;
            }
            let c = self.peek()?;
            if !c.is_ascii_digit() {
                return Err(self.bad(c, "in exponent of numeric literal"));
            }
            self.digits();
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("0");
        let deps = self.deps(start);
        match text.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Value::float(x).with_deps(deps)),
            _ => {
                if self.saved.is_none() {
                    self.saved = Some(JsonError(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    )));
                }
                Ok(Value::nil().with_deps(deps))
            }
        }
    }

    fn hex4(&mut self) -> DResult<u32> {
        let mut v = 0u32;
        for _ in 0..4 {
            let c = self.peek()?;
            let d = (c as char)
                .to_digit(16)
                .ok_or_else(|| self.bad(c, "in \\u hexadecimal character escape"))?;
            v = v * 16 + d;
            self.i += 1;
        }
        Ok(v)
    }

    /// A string literal at `self.i` (the opening quote), decoded and traced.
    fn string(&mut self) -> DResult<TStr> {
        self.i += 1;
        let start = self.i;
        let mut out: Option<String> = None;
        loop {
            let c = self.peek()?;
            match c {
                b'"' => break,
                b'\\' => {
                    if out.is_none() {
                        out = Some(String::from_utf8_lossy(&self.s[start..self.i]).into_owned());
                    }
                    self.i += 1;
                    let e = self.peek()?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let u = self.hex4()?;
                            if (0xd800..0xdc00).contains(&u)
                                && self.s.get(self.i) == Some(&b'\\')
                                && self.s.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xdc00..0xe000).contains(&lo) {
                                    let cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                                    char::from_u32(cp).unwrap_or('\u{fffd}')
                                } else {
                                    self.i = save;
                                    '\u{fffd}'
                                }
                            } else {
                                char::from_u32(u).unwrap_or('\u{fffd}')
                            }
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.bad(e, "in string escape code"));
                        }
                    };
                    if let Some(buf) = out.as_mut() {
                        buf.push(ch);
                    }
                }
                c if c < 0x20 => return Err(self.bad(c, "in string literal")),
                _ => {
                    let len = utf8_len(c);
                    let end = (self.i + len).min(self.s.len());
                    if let Some(buf) = out.as_mut() {
                        buf.push_str(&String::from_utf8_lossy(&self.s[self.i..end]));
                    }
                    self.i = end;
                }
            }
        }
        let end = self.i;
        self.i += 1;
        Ok(match out {
            None => self.t.slice(start..end),
            Some(text) => {
                let runs = self.t.runs();
                let first = runs.partition_point(|r| (r.end as usize) <= start);
                match runs.get(first).filter(|r| (r.start as usize) < end) {
                    Some(r) => TStr::with_source(text, r.source.clone()),
                    None => TStr::plain(text),
                }
            }
        })
    }
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// Decode JSON text as `json.Unmarshal` into `interface{}` does: numbers
/// become float64; strings keep the input's trace. Syntax errors come
/// first (Go checks the whole text before decoding), then the first
/// number that does not fit a float64 (whose value is left nil).
/// Returns the value and that deferred error, if any.
pub fn decode(input: &TStr) -> Result<(Value, Option<JsonError>), JsonError> {
    let mut d = Decoder {
        t: input,
        s: input.as_str().as_bytes(),
        i: 0,
        saved: None,
    };
    let v = d.value()?;
    d.skip_ws();
    if d.i < d.s.len() {
        return Err(d.bad(d.s[d.i], "after top-level value"));
    }
    Ok((v, d.saved))
}

fn json_kind(v: &Value) -> &'static str {
    match v.repr {
        Repr::List(_) => "array",
        Repr::Map(_) => "object",
        Repr::Str(_) => "string",
        Repr::Bool(_) => "bool",
        _ => "number",
    }
}

/// `json.Unmarshal(text, &map[string]interface{})`: the map (nil JSON
/// leaves it empty) and the first error.
pub fn decode_object(input: &TStr) -> (MapRef, Option<JsonError>) {
    match decode(input) {
        Err(e) => (MapRef::new(), Some(e)),
        Ok((v, saved)) => match v.repr {
            Repr::Map(m) => (m, saved),
            Repr::Nil => (MapRef::new(), saved),
            _ => (
                MapRef::new(),
                Some(JsonError(format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&v)
                ))),
            ),
        },
    }
}

/// `json.Unmarshal(text, &[]interface{})`: the slice (a typed nil slice
/// for `null`) and the first error.
pub fn decode_array(input: &TStr) -> (Value, Option<JsonError>) {
    match decode(input) {
        Err(e) => (Value::nil_list(), Some(e)),
        Ok((v, saved)) => match &v.repr {
            Repr::List(l) => (Value::list(l.as_ref().clone()), saved),
            Repr::Nil => (Value::nil_list(), saved),
            _ => (
                Value::nil_list(),
                Some(JsonError(format!(
                    "json: cannot unmarshal {} into Go value of type []interface {{}}",
                    json_kind(&v)
                ))),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gofmt::sprint_value;

    #[test]
    fn floats_follow_encoding_json() {
        // Oracle: toJson of values numbers.
        let cases: &[(f64, &str)] = &[
            (1000000.0, "1000000"),
            (1.5, "1.5"),
            (0.000001, "0.000001"),
            (0.0000001, "1e-7"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (-0.0, "-0"),
            (123456789012345678901234.0, "1.2345678901234569e+23"),
        ];
        for (x, want) in cases {
            assert_eq!(format_json_float(*x).as_deref(), Ok(*want), "{x}");
        }
        assert_eq!(
            format_json_float(f64::NAN),
            Err(JsonError("json: unsupported value: NaN".into()))
        );
    }

    #[test]
    fn syntax_errors_read_like_go() {
        // Oracle: {{ fromJson "..." }} prints map[Error:...].
        let cases: &[(&str, &str)] = &[
            ("", "unexpected end of JSON input"),
            ("{\"a\":1} x", "invalid character 'x' after top-level value"),
            (
                "{a:1}",
                "invalid character 'a' looking for beginning of object key string",
            ),
            ("{\"a\" 1}", "invalid character '1' after object key"),
            (
                "{\"a\":1 \"b\"}",
                "invalid character '\"' after object key:value pair",
            ),
            ("[1 2]", "invalid character '2' after array element"),
            (
                "{\"a\":tru}",
                "invalid character '}' in literal true (expecting 'e')",
            ),
            (
                "{\"a\":\"x\ny\"}",
                "invalid character '\\n' in string literal",
            ),
            (
                "{\"a\":\"\\q\"}",
                "invalid character 'q' in string escape code",
            ),
            (
                "{\"a\":01}",
                "invalid character '1' after object key:value pair",
            ),
            (
                "{\"a\":1.}",
                "invalid character '}' after decimal point in numeric literal",
            ),
            (
                "{\"a\":1e}",
                "invalid character '}' in exponent of numeric literal",
            ),
            ("{\"a\":-}", "invalid character '}' in numeric literal"),
            (
                "{\"a\":\"\\u12g4\"}",
                "invalid character 'g' in \\u hexadecimal character escape",
            ),
            ("{\"a\":1", "unexpected end of JSON input"),
            (
                "{\"a\":1,}",
                "invalid character '}' looking for beginning of object key string",
            ),
            (
                "[1]",
                "json: cannot unmarshal array into Go value of type map[string]interface {}",
            ),
            (
                "\"s\"",
                "json: cannot unmarshal string into Go value of type map[string]interface {}",
            ),
        ];
        for (text, want) in cases {
            let (_, err) = decode_object(&TStr::plain(*text));
            assert_eq!(err, Some(JsonError(want.to_string())), "{text:?}");
        }
        let (m, err) = decode_object(&TStr::plain("{\"a\":1e400}"));
        assert_eq!(
            err.map(|e| e.0).as_deref(),
            Some("json: cannot unmarshal number 1e400 into Go value of type float64")
        );
        assert_eq!(sprint_value(&Value::map(m)), "map[a:<nil>]");
    }

    #[test]
    fn decodes_like_unmarshal() {
        let (m, err) = decode_object(&TStr::plain(
            "{\"a\": [1, 2.5, \"x\", null, true], \"b\": {\"c\": \"\\u00e9\\n\"}, \"a\": 7}",
        ));
        assert_eq!(err, None);
        assert_eq!(sprint_value(&Value::map(m)), "map[a:7 b:map[c:é\n]]");
        let (m, err) = decode_object(&TStr::plain("null"));
        assert_eq!((m.len(), err), (0, None));
        let (l, err) = decode_array(&TStr::plain("[1, {\"a\": 2}]"));
        assert_eq!(err, None);
        assert_eq!(sprint_value(&l), "[1 map[a:2]]");
        let (_, err) = decode_array(&TStr::plain("{}"));
        assert_eq!(
            err.map(|e| e.0).as_deref(),
            Some("json: cannot unmarshal object into Go value of type []interface {}")
        );
    }

    #[test]
    fn strings_escape_like_go() {
        let mut s = String::new();
        push_json_string(&mut s, "x\u{8}y\u{c}z\u{7f}\u{2029}é\u{1}<>&", true);
        assert_eq!(s, "\"x\\by\\fz\u{7f}\\u2029é\\u0001\\u003c\\u003e\\u0026\"");
        let mut s = String::new();
        push_json_string(&mut s, "a\u{2028}b\u{0}c<", false);
        assert_eq!(s, "\"a\\u2028b\\u0000c<\"");
    }
}
