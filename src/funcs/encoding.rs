//! Sprig's encodings: `b64enc`, `b64dec`, `b32enc`, `b32dec` (Go's standard,
//! padded alphabets; a decoding error is returned as the result text, as
//! Sprig does), and the URL helpers `urlParse` and `urlJoin`.

use super::types::{strval, strval_bytes};
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::traced::TStr;
use crate::value::{MapData, Value};

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Standard padded base64 of raw bytes.
pub(crate) fn b64(data: &[u8]) -> String {
    encode(data, B64, 6, 4)
}

/// Decode standard padded base64 as Go's `StdEncoding` does (line breaks
/// ignored); `Err(byte offset)` of the first bad input byte.
pub(crate) fn b64_decode(s: &str) -> Result<Vec<u8>, usize> {
    decode(s, B64, 6, 4)
}

/// Encode `data` with an alphabet of 2^`bits` symbols and `=` padding.
fn encode(data: &[u8], alphabet: &[u8], bits: u32, block: usize) -> String {
    let mut out = String::new();
    let mut acc: u64 = 0;
    let mut n = 0u32;
    let mask = (1u64 << bits) - 1;
    for &b in data {
        acc = (acc << 8) | u64::from(b);
        n += 8;
        while n >= bits {
            n -= bits;
            out.push(char::from(alphabet[((acc >> n) & mask) as usize]));
        }
    }
    if n > 0 {
        out.push(char::from(alphabet[((acc << (bits - n)) & mask) as usize]));
    }
    while out.len() % block != 0 {
        out.push('=');
    }
    out
}

/// Decode Go-style (strict padding); `Err(byte offset)` on bad input.
fn decode(s: &str, alphabet: &[u8], bits: u32, block: usize) -> Result<Vec<u8>, usize> {
    let bytes: Vec<u8> = s.bytes().filter(|&b| b != b'\n' && b != b'\r').collect();
    let mut out = Vec::new();
    let mut acc: u64 = 0;
    let mut n = 0u32;
    let mut pad_at = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'=' {
            pad_at.get_or_insert(i);
            continue;
        }
        if pad_at.is_some() {
            return Err(i);
        }
        let Some(v) = alphabet.iter().position(|&c| c == b) else {
            return Err(i);
        };
        acc = (acc << bits) | v as u64;
        n += bits;
        if n >= 8 {
            n -= 8;
            out.push((acc >> n) as u8);
        }
    }
    if bytes.len() % block != 0 {
        return Err(bytes.len() - bytes.len() % block);
    }
    Ok(out)
}

fn f_b64enc(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(encode(&strval_bytes(&a[0]), B64, 6, 4)))
}

fn f_b64dec(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    // Decoded bytes stay exact (a Go string), UTF-8 or not.
    Ok(match decode(&strval(&a[0]), B64, 6, 4) {
        Ok(d) => Value::tstr(TStr::from_bytes(&d)),
        Err(i) => Value::str(format!("illegal base64 data at input byte {i}")),
    })
}

fn f_b32enc(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(encode(&strval_bytes(&a[0]), B32, 5, 8)))
}

fn f_b32dec(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(match decode(&strval(&a[0]), B32, 5, 8) {
        Ok(d) => String::from_utf8_lossy(&d).into_owned(),
        Err(i) => format!("illegal base32 data at input byte {i}"),
    }))
}

/// Go's `url.PathUnescape`-style percent decoding (invalid escapes kept).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parts of a URL as Sprig's `urlParse` reports them.
fn url_parse(v: &str) -> MapData {
    let mut rest = v;
    let mut fragment = String::new();
    if let Some(i) = rest.find('#') {
        fragment = unescape(&rest[i + 1..]);
        rest = &rest[..i];
    }
    let mut scheme = String::new();
    if let Some(i) = rest.find(':') {
        let cand = &rest[..i];
        if !cand.is_empty()
            && cand.as_bytes()[0].is_ascii_alphabetic()
            && cand
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        {
            scheme = cand.to_ascii_lowercase();
            rest = &rest[i + 1..];
        }
    }
    let mut query = String::new();
    if let Some(i) = rest.find('?') {
        query = rest[i + 1..].to_string();
        rest = &rest[..i];
    }
    let (mut host, mut userinfo, mut opaque, mut path) =
        (String::new(), String::new(), String::new(), String::new());
    if !scheme.is_empty() && !rest.starts_with('/') {
        opaque = rest.to_string();
    } else if let Some(auth) = rest.strip_prefix("//") {
        let end = auth.find('/').unwrap_or(auth.len());
        let authority = &auth[..end];
        path = unescape(&auth[end..]);
        match authority.rfind('@') {
            Some(at) => {
                userinfo = authority[..at].to_string();
                host = authority[at + 1..].to_string();
            }
            None => host = authority.to_string(),
        }
    } else {
        path = unescape(rest);
    }
    let hostname = if host.starts_with('[') {
        host[1..host.find(']').unwrap_or(host.len())].to_string()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    let mut m = MapData::new();
    for (k, v) in [
        ("scheme", scheme),
        ("host", host),
        ("hostname", hostname),
        ("path", path),
        ("query", query),
        ("opaque", opaque),
        ("fragment", fragment),
        ("userinfo", userinfo),
    ] {
        m.insert(k.into(), Value::str(v));
    }
    m
}

fn f_url_parse(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::map_from(url_parse(&strval(&a[0]))))
}

/// Which part of a URL Go's `url.escape` is escaping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UrlPart {
    Host,
    Path,
    UserPassword,
    Fragment,
}

/// Go's `net/url.shouldEscape`.
fn should_escape(c: u8, part: UrlPart) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if part == UrlPart::Host
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match part {
                UrlPart::Path => c == b'?',
                UrlPart::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                UrlPart::Fragment => false,
                UrlPart::Host => true,
            }
        }
        _ => {}
    }
    !(part == UrlPart::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

/// Percent-decoding of a userinfo part (`None` on a bad escape).
fn url_unescape(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Sprig's userinfo: parsed by `url.Parse` (refused with Go's error when
/// it holds characters a userinfo cannot), printed escaped.
fn userinfo(user: &str) -> Result<String, FuncError> {
    let valid = user.bytes().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b':'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b'%'
                    | b'@'
            )
    });
    let bad = || {
        FuncError(format!(
            "unable to parse userinfo in dict: parse \"proto://{user}@host\": net/url: invalid userinfo"
        ))
    };
    if !valid {
        return Err(bad());
    }
    let (u, p) = match user.split_once(':') {
        Some((u, p)) => (u, Some(p)),
        None => (user, None),
    };
    let mut out = url_escape(&url_unescape(u).ok_or_else(bad)?, UrlPart::UserPassword);
    if let Some(p) = p {
        out.push(':');
        out.push_str(&url_escape(
            &url_unescape(p).ok_or_else(bad)?,
            UrlPart::UserPassword,
        ));
    }
    Ok(out)
}

/// Go's `net/url.escape` for one part of a URL (non-ASCII bytes are all
/// escaped).
fn url_escape(s: &str, part: UrlPart) -> String {
    let mut out = Vec::with_capacity(s.len());
    for &b in s.as_bytes() {
        if should_escape(b, part) {
            out.extend_from_slice(format!("%{b:02X}").as_bytes());
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn f_url_join(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let get = |k: &str| {
        a.first()
            .and_then(|d| d.as_map())
            .and_then(|m| m.get(k))
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let mut out = String::new();
    let scheme = get("scheme");
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    let opaque = get("opaque");
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        let (host, user) = (get("host"), get("userinfo"));
        if !scheme.is_empty() || !host.is_empty() || !user.is_empty() {
            out.push_str("//");
            if !user.is_empty() {
                out.push_str(&userinfo(&user)?);
                out.push('@');
            }
            out.push_str(&url_escape(&host, UrlPart::Host));
        }
        let path = get("path");
        if !path.is_empty() && !path.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        out.push_str(&url_escape(&path, UrlPart::Path));
    }
    let query = get("query");
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    let fragment = get("fragment");
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&url_escape(&fragment, UrlPart::Fragment));
    }
    Ok(Value::str(out))
}

/// Sprig's encoding functions.
pub static FUNCS: &[FuncDef] = &[
    def("b64enc", &[Ty::Str], None, f_b64enc),
    def("b64dec", &[Ty::Str], None, f_b64dec),
    def("b32enc", &[Ty::Str], None, f_b32enc),
    def("b32dec", &[Ty::Str], None, f_b32dec),
    def("urlParse", &[Ty::Str], None, f_url_parse),
    def("urlJoin", &[Ty::Map], None, f_url_join),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(encode(b"hello", B64, 6, 4), "aGVsbG8=");
        assert_eq!(encode(b"hello", B32, 5, 8), "NBSWY3DP");
        assert_eq!(decode("aGVsbG8=", B64, 6, 4), Ok(b"hello".to_vec()));
        assert_eq!(decode("NBSWY3DP", B32, 5, 8), Ok(b"hello".to_vec()));
    }

    #[test]
    fn encoding_oracle_table() {
        use crate::funcs::types::testutil::*;
        // Oracle: b64enc "hello", b64dec "aGVsbG8=", b64dec "@@", b32enc "hi".
        check_table(vec![
            ("b64enc", vec![s("hello")], "aGVsbG8="),
            ("b64dec", vec![s("aGVsbG8=")], "hello"),
            ("b64dec", vec![s("@@")], "illegal base64 data at input byte 0"),
            ("b32enc", vec![s("hi")], "NBUQ===="),
            (
                "urlParse",
                vec![s("https://u:p@example.com:8080/a/b?x=1#frag")],
                "map[fragment:frag host:example.com:8080 hostname:example.com opaque: path:/a/b query:x=1 scheme:https userinfo:u:p]",
            ),
            (
                "urlJoin",
                vec![d(vec![("scheme", s("https")), ("host", s("h:1")), ("path", s("/p")), ("query", s("q=1"))])],
                "https://h:1/p?q=1",
            ),
        ]);
    }
}
