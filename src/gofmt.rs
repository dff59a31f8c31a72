//! Go's `fmt` rules as templates see them: `%v` of any value, `printf`
//! verbs with flags, width, precision and argument indexes, `fmt.Sprint`,
//! and float formatting (`strconv.FormatFloat`).
//!
//! The printer mirrors Go's `fmt/print.go` and `fmt/format.go`: the same
//! flag handling, the same bad-verb forms (`%!d(string=x)`), the same
//! `%!(EXTRA ...)`, `%!v(MISSING)`, `%!v(BADINDEX)` and `%!(NOVERB)` texts.
//! Besides the text it records which output bytes came from which part of
//! the format or which argument ([`Piece`]), so callers can trace them.

use std::rc::Rc;

use crate::traced::{Source, TStr, TextBuilder, TplLoc};
use crate::value::{Repr, Value};

/// Containers deeper than this are not printed (see `print_arg`).
const MAX_PRINT_DEPTH: usize = 10_000;

/// Go's `fmt.Sprint` of one value (`%v`): what `{{ . }}` prints.
pub fn sprint_value(v: &Value) -> String {
    if let Repr::Str(s) = &v.repr {
        return s.as_str().to_string();
    }
    let mut p = Printer::default();
    p.print_arg(v, 'v', 0);
    p.buf
}

/// Go's shortest `%g`-style float formatting (`strconv.FormatFloat(x, 'g', -1, 64)`):
/// the shortest digits that read back as `x`, in exponent form when the
/// decimal exponent is < -4 or >= 6 (`1e+06`, `123456`, `1e-05`, `0.0001`).
pub fn format_float_g(x: f64) -> String {
    strconv_format(x, 'g', None)
}

/// `strconv.FormatFloat(x, fmt, prec, 64)` for `fmt` in `e E f F g G`
/// (`prec` `None` is Go's `-1`, the shortest representation).
pub fn strconv_format(x: f64, fmt: char, prec: Option<usize>) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = x.is_sign_negative();
    let a = x.abs();
    match fmt {
        'b' => fmt_b(x),
        'x' | 'X' => fmt_x(x, prec, fmt),
        'e' | 'E' => {
            let digs = match prec {
                None => digits_shortest(a),
                Some(p) => digits_sig(a, p + 1),
            };
            let p = prec.unwrap_or(digs.d.len().saturating_sub(1));
            fmt_e(neg, &digs, p, fmt)
        }
        'f' | 'F' => match prec {
            None => {
                let digs = digits_shortest(a);
                let p = (digs.d.len() as i32 - digs.dp).max(0) as usize;
                fmt_f(neg, &digs, p)
            }
            Some(p) => {
                let s = format!("{a:.p$}");
                if neg {
                    format!("-{s}")
                } else {
                    s
                }
            }
        },
        _ => {
            let upper = fmt == 'G';
            let (digs, shortest, mut p) = match prec {
                None => {
                    let d = digits_shortest(a);
                    let n = d.d.len();
                    (d, true, n)
                }
                Some(p) => {
                    let p = p.max(1);
                    (digits_sig(a, p), false, p)
                }
            };
            let nd = digs.d.len() as i32;
            let mut eprec = p as i32;
            if eprec > nd && nd >= digs.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                if p as i32 > nd {
                    p = nd as usize;
                }
                fmt_e(
                    neg,
                    &digs,
                    p.saturating_sub(1),
                    if upper { 'E' } else { 'e' },
                )
            } else {
                if p as i32 > digs.dp {
                    p = nd as usize;
                }
                fmt_f(neg, &digs, (p as i32 - digs.dp).max(0) as usize)
            }
        }
    }
}

/// Mantissa (with the implicit bit) and unbiased binary exponent of a finite float.
fn float_bits(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1u64 << 52;
    }
    (mant, exp - 1023)
}

/// strconv's `'b'` format: `mantissa p exponent`.
fn fmt_b(x: f64) -> String {
    let (mant, exp) = float_bits(x);
    let exp = exp - 52;
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let esign = if exp >= 0 { "+" } else { "" };
    format!("{sign}{mant}p{esign}{exp}")
}

/// strconv's `'x'`/`'X'` format: hexadecimal mantissa and binary exponent.
fn fmt_x(x: f64, prec: Option<usize>, fmt: char) -> String {
    let (mut mant, mut exp) = float_bits(x);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1u64 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if let Some(p) = prec.filter(|&p| p < 15) {
        let shift = (p * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1u64 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1u64 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 17] = if fmt == 'X' { UDIGITS } else { LDIGITS };
    let mut s = String::new();
    if x.is_sign_negative() {
        s.push('-');
    }
    s.push('0');
    s.push(fmt);
    s.push((b'0' + ((mant >> 60) & 1) as u8) as char);
    mant <<= 4;
    match prec {
        None if mant != 0 => {
            s.push('.');
            while mant != 0 {
                s.push(hex[((mant >> 60) & 15) as usize] as char);
                mant <<= 4;
            }
        }
        Some(p) if p > 0 => {
            s.push('.');
            for _ in 0..p {
                s.push(hex[((mant >> 60) & 15) as usize] as char);
                mant <<= 4;
            }
        }
        _ => {}
    }
    s.push(if fmt == 'X' { 'P' } else { 'p' });
    if exp < 0 {
        s.push('-');
        exp = -exp;
    } else {
        s.push('+');
    }
    if exp < 10 {
        s.push('0');
    }
    s.push_str(&exp.to_string());
    s
}

/// Decimal digits of a non-negative float: `0.d[0]d[1]... × 10^dp`,
/// without trailing zeros (zero has no digits).
struct Digits {
    d: Vec<u8>,
    dp: i32,
}

fn parse_rust_exp(s: &str) -> Digits {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

fn digits_shortest(a: f64) -> Digits {
    parse_rust_exp(&format!("{a:e}"))
}

fn digits_sig(a: f64, n: usize) -> Digits {
    let p = n.saturating_sub(1);
    parse_rust_exp(&format!("{a:.p$e}"))
}

fn fmt_e(neg: bool, d: &Digits, prec: usize, fmt: char) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push(d.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        s.push('.');
        for i in 1..=prec {
            s.push(d.d.get(i).map_or('0', |&c| c as char));
        }
    }
    s.push(fmt);
    let mut exp = d.dp - 1;
    if d.d.is_empty() {
        exp = 0;
    }
    if exp < 0 {
        s.push('-');
        exp = -exp;
    } else {
        s.push('+');
    }
    if exp < 10 {
        s.push('0');
    }
    s.push_str(&exp.to_string());
    s
}

fn fmt_f(neg: bool, d: &Digits, prec: usize) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if d.dp > 0 {
        for i in 0..d.dp as usize {
            s.push(d.d.get(i).map_or('0', |&c| c as char));
        }
    } else {
        s.push('0');
    }
    if prec > 0 {
        s.push('.');
        for i in 0..prec as i32 {
            let j = d.dp + i;
            let c = if j >= 0 {
                d.d.get(j as usize).map_or('0', |&c| c as char)
            } else {
                '0'
            };
            s.push(c);
        }
    }
    s
}

/// Go's `unicode.IsPrint`, close enough for quoting: letters, marks,
/// numbers, punctuation, symbols and the ASCII space.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !(u <= 0xa0
        || u == 0xad
        || (0x600..=0x605).contains(&u)
        || u == 0x61c
        || u == 0x6dd
        || u == 0x70f
        || u == 0x1680
        || u == 0x180e
        || (0x2000..=0x200f).contains(&u)
        || (0x2028..=0x202f).contains(&u)
        || (0x205f..=0x206f).contains(&u)
        || u == 0x3000
        || (0xd800..=0xf8ff).contains(&u)
        || u == 0xfeff
        || (0xfff9..=0xfffb).contains(&u)
        || u == 0xfffe
        || u == 0xffff
        || (0xe0000..=0xe007f).contains(&u)
        || u >= 0xf0000)
}

fn push_escaped_rune(out: &mut String, c: char, quote: char, ascii_only: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii_only {
        if c.is_ascii() && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\x07' => out.push_str("\\a"),
        '\x08' => out.push_str("\\b"),
        '\x0c' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x0b' => out.push_str("\\v"),
        _ => {
            let u = c as u32;
            if u < 0x20 || u == 0x7f {
                out.push_str(&format!("\\x{u:02x}"));
            } else if u < 0x10000 {
                out.push_str(&format!("\\u{u:04x}"));
            } else {
                out.push_str(&format!("\\U{u:08x}"));
            }
        }
    }
}

/// Go's `strconv.Quote` (`ascii_only`: `strconv.QuoteToASCII`).
pub fn go_quote(s: &str, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut rest = s;
    while !rest.is_empty() {
        // Printable ASCII other than the quote and backslash is copied as it
        // is, a run at a time: quoted text (JSON in annotations, whole
        // configs) is mostly that.
        let plain = rest
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')
            .unwrap_or(rest.len());
        out.push_str(&rest[..plain]);
        rest = &rest[plain..];
        if let Some(c) = rest.chars().next() {
            push_escaped_rune(&mut out, c, '"', ascii_only);
            rest = &rest[c.len_utf8()..];
        }
    }
    out.push('"');
    out
}

fn quote_rune(c: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    push_escaped_rune(&mut out, c, '\'', ascii_only);
    out.push('\'');
    out
}

fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{feff}' && (c == '\t' || !(c < ' ' || c == '\x7f')))
}

/// Which part of the call an output byte range came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PieceFrom {
    /// Literal text of the format string (byte range in the format).
    Format(usize, usize),
    /// The printing of argument `n`.
    Arg(usize),
}

/// A byte range of printer output and where it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Start byte in the output.
    pub start: usize,
    /// End byte in the output (exclusive).
    pub end: usize,
    /// Its origin.
    pub from: PieceFrom,
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    pieces: Vec<Piece>,
}

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

impl Printer {
    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    fn pad(&mut self, s: &str) {
        let Some(wid) = self.f.wid.filter(|&w| w > 0) else {
            self.buf.push_str(s);
            return;
        };
        let n = wid.saturating_sub(s.chars().count());
        if self.f.minus {
            self.buf.push_str(s);
            self.write_padding(n);
        } else {
            self.write_padding(n);
            self.buf.push_str(s);
        }
    }

    fn truncate<'a>(&self, s: &'a str) -> &'a str {
        if let Some(p) = self.f.prec {
            if let Some((i, _)) = s.char_indices().nth(p) {
                return &s[..i];
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && can_backquote(s) {
            let q = format!("`{s}`");
            self.pad(&q);
        } else {
            let q = go_quote(s, self.f.plus);
            self.pad(&q);
        }
    }

    fn fmt_sx(&mut self, s: &str, digits: &[u8; 17]) {
        let b = s.as_bytes();
        let length = self.f.prec.map_or(b.len(), |p| p.min(b.len()));
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        let wid = self.f.wid.unwrap_or(0);
        if wid > width && !self.f.minus {
            self.write_padding(wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xf) as usize] as char);
        }
        if wid > width && self.f.minus {
            self.write_padding(wid - width);
        }
    }

    fn fmt_integer(&mut self, v: i64, base: u64, verb: char, digits: &[u8; 17]) {
        let negative = v < 0;
        let mut u = v.unsigned_abs();
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid.unwrap_or(0);
                self.write_padding(w);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus {
            if let Some(w) = self.f.wid {
                prec = w;
                if negative || self.f.plus || self.f.space {
                    prec = prec.saturating_sub(1);
                }
            }
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            out.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while out.len() < prec {
            out.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => out.extend_from_slice(b"b0"),
                8 if out.last() != Some(&b'0') => out.push(b'0'),
                16 => {
                    out.push(digits[16]);
                    out.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            out.extend_from_slice(b"o0");
        }
        if negative {
            out.push(b'-');
        } else if self.f.plus {
            out.push(b'+');
        } else if self.f.space {
            out.push(b' ');
        }
        out.reverse();
        let s = String::from_utf8_lossy(&out).into_owned();
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = old;
    }

    fn rune_of(v: i64) -> char {
        u32::try_from(v)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{fffd}')
    }

    fn fmt_int(&mut self, v: i64, verb: char, arg: &Value) {
        match verb {
            'v' | 'd' => self.fmt_integer(v, 10, verb, LDIGITS),
            'b' => self.fmt_integer(v, 2, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(v, 8, verb, LDIGITS),
            'x' => self.fmt_integer(v, 16, verb, LDIGITS),
            'X' => self.fmt_integer(v, 16, verb, UDIGITS),
            'c' => {
                let s = Self::rune_of(v).to_string();
                self.pad(&s);
            }
            'q' => {
                let r = Self::rune_of(v);
                let s = if self.f.sharp && is_print(r) {
                    format!("'{r}'")
                } else {
                    quote_rune(r, self.f.plus)
                };
                self.pad(&s);
            }
            'U' => {
                let u = v as u64;
                let p = self.f.prec.filter(|&p| p > 4).unwrap_or(4);
                let mut s = format!("U+{u:0p$X}");
                if self.f.sharp {
                    if let Some(c) = u32::try_from(u).ok().and_then(char::from_u32) {
                        if is_print(c) {
                            s.push_str(&format!(" '{c}'"));
                        }
                    }
                }
                let old = self.f.zero;
                self.f.zero = false;
                self.pad(&s);
                self.f.zero = old;
            }
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_float(&mut self, x: f64, verb: char, arg: &Value) {
        let (fmt, default_prec) = match verb {
            'v' => ('g', None),
            'g' | 'G' | 'b' | 'x' | 'X' => (verb, None),
            'f' | 'F' | 'e' | 'E' => (verb, Some(6)),
            _ => return self.bad_verb(verb, arg),
        };
        let fmt = if fmt == 'F' { 'f' } else { fmt };
        let prec = self.f.prec.or(default_prec);
        let mut num = strconv_format(x, fmt, prec);
        if !num.starts_with('-') && !num.starts_with('+') {
            num.insert(0, '+');
        }
        if self.f.sharp && fmt != 'b' && !num[1..].starts_with(['I', 'N']) {
            num = sharp_float(num, fmt, prec);
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        let body = &num[1..];
        if body.starts_with('I') || body.starts_with('N') {
            let old = self.f.zero;
            self.f.zero = false;
            let s = if body.starts_with('N') && !self.f.space && !self.f.plus {
                body.to_string()
            } else {
                num.clone()
            };
            self.pad(&s);
            self.f.zero = old;
            return;
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero && !self.f.minus {
                if let Some(w) = self.f.wid.filter(|&w| w > num.len()) {
                    self.buf.push_str(&num[..1]);
                    self.write_padding(w - num.len());
                    self.buf.push_str(body);
                    return;
                }
            }
            self.pad(&num);
            return;
        }
        let body = body.to_string();
        self.pad(&body);
    }

    fn fmt_string(&mut self, s: &str, verb: char, arg: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn bad_verb(&mut self, verb: char, arg: &Value) {
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if arg.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(arg.type_name());
            self.buf.push('=');
            self.print_arg(arg, 'v', 1);
        }
        self.buf.push(')');
    }

    /// Go's `printArg`/`printValue`; `depth > 0` inside containers.
    fn print_arg(&mut self, v: &Value, verb: char, depth: usize) {
        // Go's fmt recurses without bound (a map that contains itself kills
        // Helm with a stack overflow); give up with an error instead.
        if depth > MAX_PRINT_DEPTH || self.buf.len() > crate::limits::get().string_bytes {
            crate::limits::trip(if depth > MAX_PRINT_DEPTH {
                format!("cannot print a value nested more than {MAX_PRINT_DEPTH} levels deep (does a map contain itself?)")
            } else {
                crate::limits::string_error(self.buf.len() as u128)
            });
            return;
        }
        if depth == 0 && verb == 'T' {
            if v.is_nil() {
                self.pad("<nil>");
                return;
            }
            let t = v.type_name().to_string();
            self.fmt_s(&t);
            return;
        }
        match &v.repr {
            Repr::Nil => {
                if depth > 0 {
                    self.buf.push_str(if self.f.sharp_v {
                        "interface {}(nil)"
                    } else {
                        "<nil>"
                    });
                } else if verb == 'v' {
                    self.pad("<nil>");
                } else {
                    self.bad_verb(verb, v);
                }
            }
            Repr::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, v),
            },
            Repr::Int(i, _) => self.fmt_int(*i, verb, v),
            Repr::Float(x) => self.fmt_float(*x, verb, v),
            Repr::Str(s) => self.fmt_string(s.as_str(), verb, v),
            Repr::List(_) if self.f.sharp_v && v.is_nil_list() => {
                self.buf.push_str("[]interface {}(nil)");
            }
            Repr::List(items) => {
                if self.f.sharp_v {
                    self.buf.push_str("[]interface {}{");
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_arg(item, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.print_arg(item, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Repr::Map(m) => {
                let m = m.borrow();
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                } else {
                    self.buf.push_str("map[");
                }
                for (i, (k, item)) in m.iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    let key = Value::str(k.clone());
                    self.print_arg(&key, verb, depth + 1);
                    self.buf.push(':');
                    self.print_arg(item, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            // An int-kinded Stringer (time.Month): integer verbs see the number.
            Repr::Object(o)
                if o.go_int().is_some() && matches!(verb, 'd' | 'b' | 'o' | 'O' | 'c' | 'U') =>
            {
                self.fmt_int(o.go_int().unwrap_or_default(), verb, v);
            }
            // A struct prints its fields with the verb: `{a b}`, `%q` → `{"a" "b"}`.
            Repr::Object(o) if o.kind() == "struct" && !self.f.sharp_v => match o.go_fields() {
                Some(fields) => {
                    self.buf.push('{');
                    for (i, (name, item)) in fields.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        if self.f.plus_v {
                            self.buf.push_str(name);
                            self.buf.push(':');
                        }
                        self.print_arg(item, verb, depth + 1);
                    }
                    self.buf.push('}');
                }
                None => {
                    let s = o.display();
                    self.pad(&s);
                }
            },
            Repr::Object(o) => {
                let s = o.display();
                self.pad(&s);
            }
        }
    }

    fn print_arg_piece(&mut self, v: &Value, verb: char, n: usize) {
        let start = self.buf.len();
        self.print_arg(v, verb, 0);
        self.piece(start, PieceFrom::Arg(n));
    }

    fn piece(&mut self, start: usize, from: PieceFrom) {
        if self.buf.len() > start {
            self.pieces.push(Piece {
                start,
                end: self.buf.len(),
                from,
            });
        }
    }
}

/// The `#` flag on floats: always a decimal point, and for `%g`/`%x`
/// trailing zeros up to the precision (6 by default).
fn sharp_float(num: String, verb: char, prec: Option<usize>) -> String {
    let mut digits: i64 = match verb {
        'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
        _ => 0,
    };
    let b = num.as_bytes();
    let mut body_end = b.len();
    let mut has_point = false;
    let mut saw_nonzero = false;
    let hex = verb == 'x' || verb == 'X';
    for (i, &c) in b.iter().enumerate().skip(1) {
        match c {
            b'.' => has_point = true,
            b'p' | b'P' => {
                body_end = i;
                break;
            }
            b'e' | b'E' if !hex => {
                body_end = i;
                break;
            }
            _ => {
                if c != b'0' {
                    saw_nonzero = true;
                }
                if saw_nonzero {
                    digits -= 1;
                }
            }
        }
    }
    let mut out = num[..body_end].to_string();
    let tail = &num[body_end..];
    if !has_point {
        if out.len() == 2 && out.as_bytes()[1] == b'0' {
            digits -= 1;
        }
        out.push('.');
    }
    while digits > 0 {
        out.push('0');
        digits -= 1;
    }
    out.push_str(tail);
    out
}

fn parsenum(s: &[u8], start: usize, end: usize) -> (Option<usize>, usize) {
    let mut num: usize = 0;
    let mut isnum = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > 1_000_000 {
            return (None, end);
        }
        num = num * 10 + (s[i] - b'0') as usize;
        isnum = true;
        i += 1;
    }
    (if isnum { Some(num) } else { None }, i)
}

/// Go's `parseArgNumber`: `[n]` at the start of `s` → (index, width, ok).
fn parse_arg_number(s: &[u8]) -> (usize, usize, bool) {
    if s.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..s.len() {
        if s[i] == b']' {
            let (n, newi) = parsenum(s, 1, i);
            return match n {
                Some(n) if newi == i && n >= 1 => (n - 1, i + 1, true),
                Some(_) if newi == i => (usize::MAX, i + 1, true),
                _ => (0, i + 1, false),
            };
        }
    }
    (0, 1, false)
}

struct ArgState {
    arg_num: usize,
    reordered: bool,
    good: bool,
}

impl ArgState {
    fn arg_number(&mut self, s: &[u8], i: usize, nargs: usize) -> (usize, bool) {
        if i >= s.len() || s[i] != b'[' {
            return (i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&s[i..]);
        if ok && index < nargs {
            self.arg_num = index;
            return (i + wid, true);
        }
        self.good = false;
        (i + wid, ok)
    }
}

fn int_from_arg(args: &[Value], arg_num: usize) -> (Option<i64>, usize) {
    match args.get(arg_num) {
        Some(v) => match v.repr {
            Repr::Int(i, _) if i.abs() <= 1_000_000 => (Some(i), arg_num + 1),
            _ => (None, arg_num + 1),
        },
        None => (None, arg_num),
    }
}

fn do_printf(format: &str, args: &[Value]) -> Printer {
    let s = format.as_bytes();
    let end = s.len();
    let mut p = Printer::default();
    let mut st = ArgState {
        arg_num: 0,
        reordered: false,
        good: true,
    };
    let mut i = 0;
    while i < end {
        st.good = true;
        let lasti = i;
        while i < end && s[i] != b'%' {
            i += 1;
        }
        if i > lasti {
            let start = p.buf.len();
            p.buf.push_str(&format[lasti..i]);
            p.piece(start, PieceFrom::Format(lasti, i));
        }
        if i >= end {
            break;
        }
        let pct = i;
        i += 1;
        p.f = Flags::default();
        while i < end {
            match s[i] {
                b'#' => p.f.sharp = true,
                b'0' => p.f.zero = !p.f.minus,
                b'+' => p.f.plus = true,
                b'-' => {
                    p.f.minus = true;
                    p.f.zero = false;
                }
                b' ' => p.f.space = true,
                _ => break,
            }
            i += 1;
        }
        let (ni, mut after_index) = st.arg_number(s, i, args.len());
        i = ni;
        if i < end && s[i] == b'*' {
            i += 1;
            let (w, na) = int_from_arg(args, st.arg_num);
            st.arg_num = na;
            match w {
                Some(w) => {
                    if w < 0 {
                        p.f.minus = true;
                        p.f.zero = false;
                    }
                    p.f.wid = Some(w.unsigned_abs() as usize);
                }
                None => p.buf.push_str("%!(BADWIDTH)"),
            }
            after_index = false;
        } else {
            let (w, ni) = parsenum(s, i, end);
            p.f.wid = w;
            i = ni;
            if after_index && w.is_some() {
                st.good = false;
            }
        }
        if i < end && s[i] == b'.' {
            i += 1;
            if after_index {
                st.good = false;
            }
            let (ni, ai) = st.arg_number(s, i, args.len());
            i = ni;
            after_index = ai;
            if i < end && s[i] == b'*' {
                i += 1;
                let (pr, na) = int_from_arg(args, st.arg_num);
                st.arg_num = na;
                match pr {
                    Some(pr) if pr >= 0 => p.f.prec = Some(pr as usize),
                    _ => p.buf.push_str("%!(BADPREC)"),
                }
                after_index = false;
            } else {
                let (pr, ni) = parsenum(s, i, end);
                i = ni;
                p.f.prec = Some(pr.unwrap_or(0));
            }
        }
        if !after_index {
            let (ni, _) = st.arg_number(s, i, args.len());
            i = ni;
        }
        if i >= end {
            p.buf.push_str("%!(NOVERB)");
            break;
        }
        let verb = format[i..].chars().next().unwrap_or('%');
        i += verb.len_utf8();
        if verb == '%' {
            let start = p.buf.len();
            p.buf.push('%');
            p.piece(start, PieceFrom::Format(pct, i));
        } else if !st.good {
            p.buf.push_str(&format!("%!{verb}(BADINDEX)"));
        } else if st.arg_num >= args.len() {
            p.buf.push_str(&format!("%!{verb}(MISSING)"));
        } else {
            if verb == 'v' {
                p.f.sharp_v = p.f.sharp;
                p.f.sharp = false;
                p.f.plus_v = p.f.plus;
                p.f.plus = false;
            }
            let n = st.arg_num;
            p.print_arg_piece(&args[n], verb, n);
            st.arg_num += 1;
        }
    }
    if !st.reordered && st.arg_num < args.len() {
        p.f = Flags::default();
        p.buf.push_str("%!(EXTRA ");
        for (k, arg) in args[st.arg_num..].iter().enumerate() {
            if k > 0 {
                p.buf.push_str(", ");
            }
            if arg.is_nil() {
                p.buf.push_str("<nil>");
            } else {
                p.buf.push_str(arg.type_name());
                p.buf.push('=');
                p.print_arg(arg, 'v', 0);
            }
        }
        p.buf.push(')');
    }
    p
}

/// Go's `fmt.Sprintf(format, args...)`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    do_printf(format, args).buf
}

fn do_sprint(args: &[Value], ln: bool) -> Printer {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (n, arg) in args.iter().enumerate() {
        let is_string = matches!(arg.repr, Repr::Str(_));
        if n > 0 && (ln || (!is_string && !prev_string)) {
            p.buf.push(' ');
        }
        p.print_arg_piece(arg, 'v', n);
        prev_string = is_string;
    }
    if ln {
        p.buf.push('\n');
    }
    p
}

/// Go's `fmt.Sprint(args...)`: spaces between operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    do_sprint(args, false).buf
}

/// Go's `fmt.Sprintln(args...)`: spaces between all operands, newline at the end.
pub fn sprintln(args: &[Value]) -> String {
    do_sprint(args, true).buf
}

fn arg_source(arg: &Value, loc: TplLoc) -> Rc<Source> {
    Rc::new(Source {
        loc: Some(loc),
        deps: arg.deps.clone(),
    })
}

/// Build traced output from printer pieces: format text keeps the format's
/// trace, a string argument printed whole keeps its own trace, other
/// printed arguments are attributed to the call at `loc` with the
/// argument's deps; bytes of neither (error texts) get `site`.
fn traced_output(
    p: &Printer,
    format: Option<&TStr>,
    args: &[Value],
    loc: TplLoc,
    site: &Rc<Source>,
) -> TStr {
    let mut b = TextBuilder::with_capacity(p.buf.len());
    let mut pos = 0;
    for piece in &p.pieces {
        if piece.start > pos {
            b.push_str(&p.buf[pos..piece.start], site);
        }
        let text = &p.buf[piece.start..piece.end];
        match piece.from {
            PieceFrom::Format(a, e) => match format {
                // `%%` prints one byte for two: copy only where the text is the format's.
                Some(f) if f.as_str().get(a..e) == Some(text) => {
                    b.push_slice_filling(f, a..e, site)
                }
                _ => b.push_str(text, site),
            },
            PieceFrom::Arg(n) => {
                let arg = &args[n];
                let src = arg_source(arg, loc);
                match arg.as_tstr() {
                    Some(t) if t.as_str() == text => b.push_slice_filling(t, 0..t.len(), &src),
                    _ => b.push_str(text, &src),
                }
            }
        }
        pos = piece.end;
    }
    if pos < p.buf.len() {
        b.push_str(&p.buf[pos..], site);
    }
    b.finish()
}

/// `fmt.Sprintf` returning traced text (see [`sprintf`]).
pub fn sprintf_traced(format: &TStr, args: &[Value], loc: TplLoc, site: &Rc<Source>) -> TStr {
    let p = do_printf(format.as_str(), args);
    traced_output(&p, Some(format), args, loc, site)
}

/// `fmt.Sprint` (`ln`: `fmt.Sprintln`) returning traced text.
pub fn sprint_traced(args: &[Value], ln: bool, loc: TplLoc, site: &Rc<Source>) -> TStr {
    let p = do_sprint(args, ln);
    traced_output(&p, None, args, loc, site)
}

#[cfg(test)]
#[allow(clippy::approx_constant, clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::origin::{Deps, OriginId};
    use crate::traced::FileId;
    use crate::value::MapRef;

    fn f(x: f64) -> Value {
        Value::float(x)
    }
    fn i(x: i64) -> Value {
        Value::int(x)
    }
    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn floats_print_like_go_v() {
        // Oracle: {{ .Values.x }} for each values number.
        let cases: &[(f64, &str)] = &[
            (1000000.0, "1e+06"),
            (4317.0, "4317"),
            (123456.0, "123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5, "1.5"),
            (-0.0, "-0"),
            (1e21, "1e+21"),
            (1e20, "1e+20"),
            (123456789.0, "1.23456789e+08"),
            (0.000123, "0.000123"),
            (1e100, "1e+100"),
            (0.1, "0.1"),
            (0.0, "0"),
        ];
        for (x, want) in cases {
            assert_eq!(format_float_g(*x), *want, "{x}");
        }
        assert_eq!(format_float_g(f64::NAN), "NaN");
        assert_eq!(format_float_g(f64::INFINITY), "+Inf");
    }

    #[test]
    fn printf_verbs_match_go() {
        let m = MapRef::new();
        let a = MapRef::new();
        a.insert("b", f(1.0));
        m.insert("a", Value::map(a));
        m.insert(
            "d",
            Value::list(vec![f(1.0), s("x"), Value::nil(), Value::bool(true)]),
        );
        let mv = Value::map(m);
        let l = Value::list(vec![f(1.0), f(2.5), s("s")]);
        // Each row: format, args, output confirmed with helm-render.
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("%v|%5.2f|%-5d|%+d", vec![f(1.5), f(3.14159), i(42), i(5)], "1.5| 3.14|42   |+5"),
            ("%x|%X|%o|%b", vec![i(255), i(255), i(8), i(5)], "ff|FF|10|101"),
            ("%e|%g", vec![f(1234.5678), f(0.000012)], "1.234568e+03|1.2e-05"),
            ("%q|%t|%c|%U|%T|%%|%s", vec![s("a\"b"), Value::bool(true), i(65), i(65), mv.clone(), i(12)],
             "\"a\\\"b\"|true|A|U+0041|map[string]interface {}|%|%!s(int=12)"),
            ("%d", vec![s("x")], "%!d(string=x)"),
            ("%s", vec![i(1), i(2)], "%!s(int=1)%!(EXTRA int=2)"),
            ("%s %s", vec![i(1)], "%!s(int=1) %!s(MISSING)"),
            ("%[2]s %[1]s", vec![s("a"), s("b")], "b a"),
            ("%!", vec![], "%!!(MISSING)"),
            ("%z", vec![i(3)], "%!z(int=3)"),
            ("%v", vec![mv.clone()], "map[a:map[b:1] d:[1 x <nil> true]]"),
            ("%+v", vec![mv.clone()], "map[a:map[b:1] d:[1 x <nil> true]]"),
            ("%#v", vec![mv.clone()],
             "map[string]interface {}{\"a\":map[string]interface {}{\"b\":1}, \"d\":[]interface {}{1, \"x\", interface {}(nil), true}}"),
            ("%q", vec![l.clone()], "[%!q(float64=1) %!q(float64=2.5) \"s\"]"),
            ("%d", vec![l.clone()], "[%!d(float64=1) %!d(float64=2.5) %!d(string=s)]"),
            ("%x", vec![s("hi")], "6869"),
            ("%5s|%-5s|%.1s", vec![s("ab"), s("ab"), s("xyz")], "   ab|ab   |x"),
            ("%05d|%05.1f|% d|%#x|%#o", vec![i(42), f(2.5), i(7), i(255), i(8)], "00042|002.5| 7|0xff|010"),
            ("%s", vec![Value::nil()], "%!s(<nil>)"),
            ("%d", vec![Value::nil()], "%!d(<nil>)"),
            ("%v|%T", vec![Value::nil(), Value::nil()], "<nil>|<nil>"),
            ("%6.2v|%x|%X|% x|%#x", vec![f(3.14159), s("héllo"), i(255), s("ab"), s("ab")],
             "   3.1|68c3a96c6c6f|FF|61 62|0x6162"),
            ("%q|%+q|%#q|%U|%#U|%c|%q", vec![s("é\n\u{a0}\u{200b}\x01"), s("é"), s("ab`"), i(233), i(233), i(233), i(233)],
             "\"é\\n\\u00a0\\u200b\\x01\"|\"\\u00e9\"|\"ab`\"|U+00E9|U+00E9 'é'|é|'é'"),
            ("%05s|%-05s|%05q|%5t|%05t", vec![s("ab"), s("ab"), s("a"), Value::bool(true), Value::bool(true)],
             "000ab|ab   |00\"a\"| true|0true"),
            ("%.1x|%-8q|%5.1q|%05x", vec![s("abc"), s("a"), s("abc"), s("ab")], "61|\"a\"     |  \"a\"|06162"),
            ("%*d|%-*d|%.*f|%*d", vec![i(4), i(1), i(4), i(1), i(2), f(3.14159), s("x"), i(1)],
             "   1|1   |3.14|%!(BADWIDTH)1"),
            ("%[3]s %s %[1]s %s", vec![s("a"), s("b"), s("c")], "c %!s(MISSING) a b"),
            ("%[5]s", vec![i(1)], "%!s(BADINDEX)"),
            ("%d %d", vec![i(1), i(2), i(3)], "1 2%!(EXTRA int=3)"),
            ("%[1]d", vec![i(1), i(2)], "1"),
            ("%", vec![], "%!(NOVERB)"),
            ("%5", vec![], "%!(NOVERB)"),
            ("%c|%c|%q", vec![i(-1), i(1114112), i(-1)], "\u{fffd}|\u{fffd}|'\u{fffd}'"),
            ("%08.3f|%+08.3f|%-08.3f|%+d|% d|%+ d|% x", vec![f(-3.14159), f(3.14159), f(3.14159), i(0), i(5), i(5), i(-255)],
             "-003.142|+003.142|3.142   |+0| 5|+5|-ff"),
            ("%v|%.3g|%.3g|%g|%e|%.0f|%.1f|%.2f|%G|%E|%8.3f|%-8.3f|%+.1e",
             vec![f(1e20), f(1234.5678), f(100.0), f(1e8), f(0.0), f(2.5), f(0.05), f(1.005), f(1e-7), f(123456.0), f(3.14159), f(3.14159), f(12345.0)],
             "1e+20|1.23e+03|100|1e+08|0.000000e+00|2|0.1|1.00|1E-07|1.234560E+05|   3.142|3.142   |+1.2e+04"),
            ("%v|%v|%v|%.0e|%g|%.10g|%5v|%05v|%-05d|%x|%#v|%v",
             vec![f(123456789.0), f(1e-5), f(0.000123), f(15.0), f(1e100), f(0.1), i(42), i(42), i(42), i(-255), s("s"), f(1e21)],
             "1.23456789e+08|1e-05|0.000123|2e+01|1e+100|0.1|   42|00042|42   |-ff|\"s\"|1e+21"),
        ];
        for (fmt, args, want) in cases {
            assert_eq!(sprintf(fmt, &args), want, "format {fmt:?}");
        }
    }

    #[test]
    fn sprint_spaces_between_non_strings() {
        // Oracle: {{ print 1 2 "a" "b" 3 .Values.nope 4 }} and {{ println 1 "a" }}.
        let args = vec![i(1), i(2), s("a"), s("b"), i(3), Value::nil(), i(4)];
        assert_eq!(sprint(&args), "1 2ab3 <nil> 4");
        assert_eq!(sprintln(&[i(1), s("a")]), "1 a\n");
        assert_eq!(sprint(&[s("a"), i(1), i(2), s("b")]), "a1 2b");
    }

    #[test]
    fn sprintf_traced_keeps_argument_runs() {
        let loc = TplLoc {
            file: FileId(0),
            offset: 7,
        };
        let site = Rc::new(Source::literal(loc));
        let arg = s("world").with_deps(Deps::one(OriginId(3)));
        let out = sprintf_traced(&TStr::plain("hello %s!"), &[arg], loc, &site);
        assert_eq!(out.as_str(), "hello world!");
        let run = out
            .runs()
            .iter()
            .find(|r| r.start == 6)
            .map(|r| (r.end, r.source.deps.clone()));
        assert_eq!(run, Some((11, Deps::one(OriginId(3)))));
    }

    fn parse_args(s: &str) -> Vec<Value> {
        let toks: Vec<String> = {
            let mut v = Vec::new();
            let b: Vec<char> = s.chars().collect();
            let mut i = 0;
            while i < b.len() {
                let c = b[i];
                if c == ' ' {
                    i += 1;
                    continue;
                }
                if c == '(' || c == ')' {
                    v.push(c.to_string());
                    i += 1;
                    continue;
                }
                if c == '"' {
                    let mut j = i + 1;
                    while b[j] != '"' {
                        if b[j] == '\\' {
                            j += 1;
                        }
                        j += 1;
                    }
                    v.push(b[i..=j].iter().collect());
                    i = j + 1;
                    continue;
                }
                let mut j = i;
                while j < b.len() && b[j] != ' ' && b[j] != ')' {
                    j += 1;
                }
                v.push(b[i..j].iter().collect());
                i = j;
            }
            v
        };
        fn atom(t: &str) -> Value {
            if t.starts_with('"') {
                return Value::str(serde_json::from_str::<String>(t).unwrap());
            }
            if t == "true" {
                return Value::bool(true);
            }
            if t == "false" {
                return Value::bool(false);
            }
            if t == "nil" {
                return Value::nil();
            }
            if t.contains('.') || t.contains('e') {
                return Value::float(t.parse().unwrap());
            }
            Value::int(t.parse().unwrap())
        }
        fn parse(toks: &[String], i: &mut usize) -> Value {
            if toks[*i] == "(" {
                *i += 1;
                let name = toks[*i].clone();
                *i += 1;
                let mut items = Vec::new();
                while toks[*i] != ")" {
                    items.push(parse(toks, i));
                }
                *i += 1;
                if name == "list" {
                    return Value::list(items);
                }
                let m = MapRef::new();
                for kv in items.chunks(2) {
                    m.insert(kv[0].as_str().unwrap(), kv[1].clone());
                }
                return Value::map(m);
            }
            let v = atom(&toks[*i]);
            *i += 1;
            v
        }
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            out.push(parse(&toks, &mut i));
        }
        out
    }

    #[test]
    fn printf_matches_oracle_samples() {
        // (format, template argument literals, helm-render output): a sample of
        // randomised flag/width/precision/verb combinations checked against Helm.
        let rows: &[(&str, &str, &str)] = &[
            ("%-00.G", "2.5", "2"),
            ("%+0c", "-42", "�"),
            ("%.0O", "true", "%!O(bool=true)"),
            ("%.2b", "0.1", "7205759403792794p-56"),
            ("% .2q", "1.5", "%!q(float64= 1.5)"),
            ("%#00d", "1.5", "%!d(float64=1.50000)"),
            ("% 0.2x", "\" sp \"", "20 73"),
            ("%#05f", "1.5", "1.500000"),
            ("%-012.20c", "\" sp \"", "%!c(string= sp         )"),
            ("%+#.2s", "(list)", "[]"),
            ("%+02.20c", "\"abc\"", "%!c(string=abc)"),
            ("%# 12o", "1e6", "%!o(float64= 1.00000e+06)"),
            ("%+#0.E", "2.5", "+2.E+00"),
            ("%#-12.1v", "1e20", "1e+20       "),
            ("%#-.0U", "1e21", "%!U(float64=1.e+21)"),
            ("%-+0.20X", "\"日本語\"", "E697A5E69CACE8AA9E"),
            ("%+00.0e", "-1.0e-300", "-1e-300"),
            ("%-05.1g", "5e-324", "5e-324"),
            ("%+00b", "1.5", "+6755399441055744p-52"),
            ("%#.20e", "1e21", "1.00000000000000000000e+21"),
            ("%+00.5X", "\"\"", ""),
            ("%#0.20o", "\"日本語\"", "%!o(string=日本語)"),
            ("%+00.1g", "1e6", "+1e+06"),
            ("%-0f", "nil", "%!f(<nil>)"),
            ("%-05.20q", "(dict)", "map[]"),
            ("%# .o", "nil", "%!o(<nil>)"),
            ("%+#12.5e", "128512", "%!e(int=     +128512)"),
            ("%#0X", "0.1", "0X1.999999999999AP-04"),
            ("%#12.1t", "(list)", "[]"),
            ("%+0.1e", "\"\"", "%!e(string=)"),
            ("%+#2.1v", "-42", "-42"),
            ("%-+12.2E", "1e-7", "+1.00E-07   "),
            (
                "%#012.2c",
                "(list nil \"x\")",
                "[<nil> %!c(string=00000000000x)]",
            ),
            ("%#-2T", "\"\"", "string"),
            ("%#-12.20x", "\"abc\"", "0x616263    "),
            ("%#0.2f", "-1.0e-300", "-0.00"),
            ("% .q", "0.1", "%!q(float64= 0.1)"),
            ("%2.1q", "1e-7", "%!q(float64=1e-07)"),
            ("%# 2.b", "\"abc\"", "%!b(string=  )"),
            ("%#00t", "\"\\t\\u00a0x\"", "%!t(string=\t x)"),
            ("%# 12o", "0.1", "%!o(float64=    0.100000)"),
            ("%#-2.5s", "0.0001", "%!s(float64=0.00010000)"),
            ("%#0.20F", "true", "%!F(bool=true)"),
            ("%-+12.O", "128512", "+0o373000   "),
            ("%#-12.q", "true", "%!q(bool=true        )"),
        ];
        for (fmt, args, want) in rows {
            assert_eq!(sprintf(fmt, &parse_args(args)), *want, "{fmt} {args}");
        }
    }
}
