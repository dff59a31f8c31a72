//! yaml.v2's scalar resolution (YAML 1.1: `y`/`yes`/`on` booleans, `0777`
//! octal, `_` separators) and Go's float formatting as yaml.v2, encoding/json
//! and sigs.k8s.io/yaml print numbers.

/// A resolved YAML scalar, before JSON conversion.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    /// `~`, `null`, empty.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (int64 or uint64 range).
    Int(i128),
    /// A float.
    Float(f64),
    /// A string (including timestamps, which yaml.v2 hands back as text).
    Str(String),
}

/// The short tag yaml.v2 resolves a plain scalar to, and its value.
fn resolve_map(s: &str) -> Option<Scalar> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Scalar::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Scalar::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Scalar::Null,
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint(s, 0, 64)`.
fn parse_go_int(s: &str) -> Option<i128> {
    let (neg, signed, body) = match s.as_bytes().first() {
        Some(b'-') => (true, true, &s[1..]),
        Some(b'+') => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = u128::from_str_radix(digits, radix).ok()?;
    if neg {
        if mag <= (i64::MAX as u128) + 1 {
            return Some(-(mag as i128));
        }
        return None;
    }
    if mag <= i64::MAX as u128 {
        return Some(mag as i128);
    }
    // ParseUint takes no sign.
    if !signed && mag <= u64::MAX as u128 {
        return Some(mag as i128);
    }
    None
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` for the decimal forms yaml.v2 passes it.
fn parse_go_float(s: &str) -> Option<f64> {
    let x: f64 = s.parse().ok()?;
    if x.is_infinite() {
        return None;
    }
    Some(x)
}

fn num(s: &str, max: u32) -> Option<u32> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    (n <= max).then_some(n)
}

/// yaml.v2's `parseTimestamp`: the formats `2006-1-2T15:4:5.999999999Z07:00`
/// (also with `t`), `2006-1-2 15:4:5.999999999` and `2006-1-2`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let (date, time, sep) = match rest.find(['T', 't', ' ']) {
        Some(p) => (&rest[..p], Some(&rest[p + 1..]), rest.as_bytes()[p]),
        None => (rest, None, 0),
    };
    let mut dp = date.splitn(2, '-');
    let (Some(m), Some(d)) = (dp.next(), dp.next()) else {
        return false;
    };
    let (Some(m), Some(d)) = (num(m, 12), num(d, 31)) else {
        return false;
    };
    if m == 0 || d == 0 {
        return false;
    }
    let Some(time) = time else {
        return true;
    };
    // Split off the zone for the T forms.
    let (clock, zone) = if sep == b' ' {
        (time, None)
    } else if let Some(p) = time.find(['Z', '+', '-']) {
        (&time[..p], Some(&time[p..]))
    } else {
        return false;
    };
    let (hms, frac) = match clock.find('.') {
        Some(p) => (&clock[..p], Some(&clock[p + 1..])),
        None => (clock, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    let parts: Vec<&str> = hms.split(':').collect();
    if parts.len() != 3 || num(parts[0], 23).is_none() {
        return false;
    }
    if num(parts[1], 59).is_none() || num(parts[2], 59).is_none() {
        return false;
    }
    match zone {
        None => true,
        Some("Z") => true,
        Some(z) => {
            let zb = z.as_bytes();
            zb.len() == 6
                && zb[3] == b':'
                && zb[1..3].iter().all(u8::is_ascii_digit)
                && zb[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

/// yaml.v2's `resolve("", s)` for an untagged plain scalar.
pub(crate) fn resolve_plain(s: &str) -> Scalar {
    let hint = s.as_bytes().first().copied();
    let hinted = match hint {
        None => true,
        Some(c) => matches!(
            c,
            b'+' | b'-' | b'0'
                ..=b'9'
                    | b'y'
                    | b'Y'
                    | b'n'
                    | b'N'
                    | b't'
                    | b'T'
                    | b'f'
                    | b'F'
                    | b'o'
                    | b'O'
                    | b'~'
                    | b'.'
        ),
    };
    if !hinted {
        return Scalar::Str(s.to_string());
    }
    if let Some(v) = resolve_map(s) {
        return v;
    }
    match hint {
        Some(b'.') => {
            if let Some(f) = parse_go_float(s) {
                return Scalar::Float(f);
            }
        }
        Some(b'+' | b'-' | b'0'..=b'9') => {
            if is_timestamp(s) {
                return Scalar::Str(s.to_string());
            }
            let plain = s.replace('_', "");
            if let Some(i) = parse_go_int(&plain) {
                return Scalar::Int(i);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = parse_go_float(&plain) {
                    return Scalar::Float(f);
                }
            }
        }
        _ => {}
    }
    Scalar::Str(s.to_string())
}

/// True when yaml.v2 would quote `s` on output because it reads back as
/// something other than a string (or is a YAML 1.1 base-60 float).
pub(crate) fn needs_quoting(s: &str) -> bool {
    if !matches!(resolve_plain(s), Scalar::Str(_)) || is_timestamp(s) {
        return true;
    }
    is_base60_float(s)
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() && i - st < 2 {
            i += 1;
        }
        let g = &s[st..i];
        let ok = match g.len() {
            1 => true,
            2 => g.as_bytes()[0] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Resolve a scalar with an explicit short tag (`!!str`, `!!int`, ...), as
/// yaml.v2's `resolve(tag, s)` does. Unknown tags give the text.
pub(crate) fn resolve_tagged(tag: &str, s: &str) -> Result<Scalar, String> {
    match tag {
        "!!str" => return Ok(Scalar::Str(s.to_string())),
        "!!binary" => {
            return decode_base64(s)
                .map(Scalar::Str)
                .ok_or_else(|| "illegal base64 data".to_string());
        }
        "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp" => {}
        _ => return Ok(Scalar::Str(s.to_string())),
    }
    let r = resolve_plain(s);
    let rtag = match &r {
        Scalar::Null => "!!null",
        Scalar::Bool(_) => "!!bool",
        Scalar::Int(_) => "!!int",
        Scalar::Float(_) => "!!float",
        Scalar::Str(_) if is_timestamp(s) => "!!timestamp",
        Scalar::Str(_) => "!!str",
    };
    if rtag == tag {
        return Ok(r);
    }
    if tag == "!!float" {
        if let Scalar::Int(i) = r {
            return Ok(Scalar::Float(i as f64));
        }
    }
    Err(format!("cannot decode {rtag} `{s}` as a {tag}"))
}

fn decode_base64(s: &str) -> Option<String> {
    let mut out = Vec::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Shortest decimal digits and decimal-point position of `x` (`x = 0.d1d2.. * 10^dp`).
fn shortest_digits(x: f64, single: bool) -> (String, i32) {
    let s = if single {
        format!("{:e}", x.abs() as f32)
    } else {
        format!("{:e}", x.abs())
    };
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

fn fmt_f(digits: &str, dp: i32) -> String {
    let nd = digits.len() as i32;
    if digits == "0" {
        return "0".to_string();
    }
    if dp <= 0 {
        format!("0.{}{}", "0".repeat((-dp) as usize), digits)
    } else if dp >= nd {
        format!("{}{}", digits, "0".repeat((dp - nd) as usize))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

fn fmt_e(digits: &str, dp: i32) -> String {
    let exp = if digits == "0" { 0 } else { dp - 1 };
    let mut out = String::new();
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let a = exp.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    out.push_str(&a.to_string());
    out
}

/// Go's `strconv.FormatFloat(x, 'g', -1, 64)` (or 32 when `single`).
pub(crate) fn go_format_g(x: f64, single: bool) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = x.is_sign_negative();
    let (digits, dp) = shortest_digits(x, single);
    let exp = if digits == "0" { 0 } else { dp - 1 };
    let body = if !(-4..6).contains(&exp) {
        fmt_e(&digits, dp)
    } else {
        fmt_f(&digits, dp)
    };
    if neg {
        format!("-{body}")
    } else {
        body
    }
}

/// What `toYaml` prints for a float64: encoding/json's text, re-read by
/// yaml.v2 (integers stay integers) and printed again.
pub(crate) fn yaml_float_text(x: f64) -> String {
    if x.is_finite() && x == x.trunc() && x.abs() < 1e21 {
        // JSON writes the shortest digits in fixed notation
        // (9223372036854776000); yaml.v2 keeps that text when it reads as an
        // int64 or a uint64, and reads anything wider back as a float.
        let (digits, dp) = shortest_digits(x.abs(), false);
        let body = fmt_f(&digits, dp);
        let text = if x.is_sign_negative() && x != 0.0 {
            format!("-{body}")
        } else {
            body
        };
        if text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok() {
            return text;
        }
    }
    let s = go_format_g(x, false);
    match s.as_str() {
        "+Inf" => ".inf".to_string(),
        "-Inf" => "-.inf".to_string(),
        "NaN" => ".nan".to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_like_yaml_v2() {
        let cases: &[(&str, Scalar)] = &[
            ("y", Scalar::Bool(true)),
            ("Off", Scalar::Bool(false)),
            ("yEs", Scalar::Str("yEs".into())),
            ("0777", Scalar::Int(511)),
            ("0x1F", Scalar::Int(31)),
            ("0b101", Scalar::Int(5)),
            ("1_000", Scalar::Int(1000)),
            ("+12", Scalar::Int(12)),
            ("-0x10", Scalar::Int(-16)),
            ("012_3", Scalar::Int(83)),
            ("0o17", Scalar::Int(15)),
            ("09", Scalar::Float(9.0)),
            ("1e3", Scalar::Float(1000.0)),
            ("1_0.5", Scalar::Float(10.5)),
            ("2001-12-14", Scalar::Str("2001-12-14".into())),
            ("nUll", Scalar::Str("nUll".into())),
            ("~", Scalar::Null),
            ("", Scalar::Null),
            ("1e", Scalar::Str("1e".into())),
        ];
        for (s, want) in cases {
            assert_eq!(&resolve_plain(s), want, "{s}");
        }
    }

    #[test]
    fn formats_floats_like_go() {
        // Oracle-confirmed toYaml outputs.
        let cases: &[(f64, &str)] = &[
            (1.5, "1.5"),
            (1000000.0, "1000000"),
            (1234567.5, "1.2345675e+06"),
            (1e21, "1e+21"),
            (1e-7, "1e-07"),
            (0.0001, "0.0001"),
            (100000.5, "100000.5"),
            (1e20, "1e+20"),
            (1e19, "10000000000000000000"),
            (-0.0, "0"),
            (3.0, "3"),
            (0.000001, "1e-06"),
            (123456789012.0, "123456789012"),
        ];
        for (x, want) in cases {
            assert_eq!(yaml_float_text(*x), *want, "{x}");
        }
        assert_eq!(go_format_g(300.0, true), "300");
        assert_eq!(go_format_g(1e6, true), "1e+06");
        assert_eq!(go_format_g(1.1, true), "1.1");
    }

    #[test]
    fn quoting_decisions() {
        for s in [
            "true",
            "1",
            "",
            "null",
            "1.5",
            "0x1",
            "y",
            "No",
            "~",
            "1:20",
            "2001-12-14",
        ] {
            assert!(needs_quoting(s), "{s}");
        }
        for s in ["1e", "-a", "a:b", "abc", "=a", "<<"] {
            assert!(!needs_quoting(s), "{s}");
        }
    }
}
