//! Sprig's date functions: `now`, `date`, `dateInZone`, `htmlDate`,
//! `htmlDateInZone`, `ago`, `toDate`, `mustToDate`, `unixEpoch`,
//! `dateModify`, `mustDateModify`, `duration`, `durationRound`.
//!
//! Times are Go `time.Time` objects: an instant and the zone it is shown in
//! (the local zone is UTC, as where Helm runs here; a parsed numeric zone
//! is kept as a fixed zone; `dateInZone` reads named zones from the system
//! database, see `tzdata`). Go's layout language (`2006-01-02 15:04:05.000
//! MST`) is implemented for formatting and for parsing with Go's errors.
//! `Sub` gives a `time.Duration` object. A time marshals to JSON and YAML
//! as its RFC 3339 text.

use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::types::strval;
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::value::{GoObject, Repr, Value};

const NS: i128 = 1_000_000_000;

/// A time zone as a Go `Location` shows it at one instant: the zone's
/// abbreviation and its offset. Helm's local zone here is UTC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// The abbreviation (`UTC`, `CET`, `GMT+2`), or "" for a fixed offset
    /// parsed from a numeric zone (printed as `+0530`).
    pub name: Rc<str>,
    /// Seconds east of UTC.
    pub offset: i32,
}

impl Zone {
    /// UTC (also the local zone).
    pub fn utc() -> Zone {
        Zone {
            name: Rc::from("UTC"),
            offset: 0,
        }
    }
}

/// A Go `time.Time`: an instant and the zone it is shown in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Time {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    pub nanos: i128,
    /// The zone the time is shown in.
    pub zone: Zone,
}

impl Time {
    /// A UTC time.
    pub fn utc(nanos: i128) -> Time {
        Time {
            nanos,
            zone: Zone::utc(),
        }
    }

    /// The current time.
    pub fn now() -> Time {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(0);
        Time::utc(d)
    }

    /// Whole seconds since the epoch (`Unix()`).
    pub fn unix(&self) -> i64 {
        self.nanos.div_euclid(NS) as i64
    }

    /// The same instant shown in another zone (`In`).
    fn with_zone(&self, zone: Zone) -> Time {
        Time {
            nanos: self.nanos,
            zone,
        }
    }

    /// The instant moved by `d` nanoseconds, in the same zone (`Add`).
    fn add(&self, d: i128) -> Time {
        Time {
            nanos: self.nanos + d,
            zone: self.zone.clone(),
        }
    }

    fn parts(&self) -> Parts {
        let secs = self.nanos.div_euclid(NS) as i64 + i64::from(self.zone.offset);
        let nsec = self.nanos.rem_euclid(NS) as u32;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let yday = days - days_from_civil(y, 1, 1) + 1;
        Parts {
            year: y,
            month: m,
            day: d,
            hour: (sod / 3600) as u32,
            min: ((sod / 60) % 60) as u32,
            sec: (sod % 60) as u32,
            nsec,
            wday: (days + 4).rem_euclid(7) as usize,
            yday: yday as u32,
        }
    }

    /// Go's `Format(layout)`.
    pub fn format(&self, layout: &str) -> String {
        format_time(self.parts(), &self.zone, layout)
    }
}

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    nsec: u32,
    wday: usize,
    yday: u32,
}

/// Days since the epoch → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since the epoch.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// One element of a Go layout.
#[derive(Debug, Clone, PartialEq)]
enum Chunk {
    Lit(String),
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    Tz,
    /// Numeric zone; `z` means `Z` for UTC, `colon` and `secs` shape it.
    Offset {
        z: bool,
        colon: bool,
        secs: bool,
        short: bool,
    },
    /// Fractional seconds: digits, trailing zeros trimmed when `nines`, separator.
    Frac {
        digits: usize,
        nines: bool,
        sep: char,
    },
}

/// The chunks of a layout, each with its layout text (Go's error messages
/// name the element that failed).
fn tokenize(layout: &str) -> Vec<(Chunk, String)> {
    let b = layout.as_bytes();
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let starts = |i: usize, s: &str| layout[i..].starts_with(s);
    while i < b.len() {
        let (chunk, len) = match b[i] {
            b'J' if starts(i, "January") => (Some(Chunk::LongMonth), 7),
            b'J' if starts(i, "Jan") => (Some(Chunk::Month), 3),
            b'M' if starts(i, "Monday") => (Some(Chunk::LongWeekDay), 6),
            b'M' if starts(i, "Mon") => (Some(Chunk::WeekDay), 3),
            b'M' if starts(i, "MST") => (Some(Chunk::Tz), 3),
            b'0' if starts(i, "002") => (Some(Chunk::ZeroYearDay), 3),
            b'0' if i + 1 < b.len() && (b'1'..=b'6').contains(&b[i + 1]) => (
                Some(match b[i + 1] {
                    b'1' => Chunk::ZeroMonth,
                    b'2' => Chunk::ZeroDay,
                    b'3' => Chunk::ZeroHour12,
                    b'4' => Chunk::ZeroMinute,
                    b'5' => Chunk::ZeroSecond,
                    _ => Chunk::Year,
                }),
                2,
            ),
            b'1' if starts(i, "15") => (Some(Chunk::Hour), 2),
            b'1' => (Some(Chunk::NumMonth), 1),
            b'2' if starts(i, "2006") => (Some(Chunk::LongYear), 4),
            b'2' => (Some(Chunk::Day), 1),
            b'_' if starts(i, "_2006") => {
                lit.push('_');
                (Some(Chunk::LongYear), 5)
            }
            b'_' if starts(i, "__2") => (Some(Chunk::UnderYearDay), 3),
            b'_' if starts(i, "_2") => (Some(Chunk::UnderDay), 2),
            b'3' => (Some(Chunk::Hour12), 1),
            b'4' => (Some(Chunk::Minute), 1),
            b'5' => (Some(Chunk::Second), 1),
            b'P' if starts(i, "PM") => (Some(Chunk::PM), 2),
            b'p' if starts(i, "pm") => (Some(Chunk::Pm), 2),
            b'-' | b'Z' => {
                let z = b[i] == b'Z';
                let rest = &layout[i + 1..];
                let shapes: [(&str, bool, bool, bool); 5] = [
                    ("070000", false, true, false),
                    ("07:00:00", true, true, false),
                    ("0700", false, false, false),
                    ("07:00", true, false, false),
                    ("07", false, false, true),
                ];
                match shapes.iter().find(|(p, ..)| rest.starts_with(p)) {
                    Some((p, colon, secs, short)) => (
                        Some(Chunk::Offset {
                            z,
                            colon: *colon,
                            secs: *secs,
                            short: *short,
                        }),
                        p.len() + 1,
                    ),
                    None => (None, 1),
                }
            }
            b'.' | b',' if i + 1 < b.len() && (b[i + 1] == b'0' || b[i + 1] == b'9') => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    (None, 1)
                } else {
                    (
                        Some(Chunk::Frac {
                            digits: j - i - 1,
                            nines: ch == b'9',
                            sep: char::from(b[i]),
                        }),
                        j - i,
                    )
                }
            }
            _ => (None, 1),
        };
        match chunk {
            Some(c) => {
                if !lit.is_empty() {
                    let l = std::mem::take(&mut lit);
                    out.push((Chunk::Lit(l.clone()), l));
                }
                // `_2006` is a literal `_` and the year.
                let from = if c == Chunk::LongYear && len == 5 {
                    i + 1
                } else {
                    i
                };
                out.push((c, layout[from..i + len].to_string()));
                i += len;
            }
            None => {
                let ch = layout[i..].chars().next().unwrap_or(' ');
                lit.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    if !lit.is_empty() {
        out.push((Chunk::Lit(lit.clone()), lit));
    }
    out
}

/// Go's numeric zone text: sign, hours, optional `:` and minutes, seconds.
fn offset_text(offset: i32, colon: bool, minutes: bool, secs: bool) -> String {
    let mut s = String::new();
    s.push(if offset < 0 { '-' } else { '+' });
    let a = offset.unsigned_abs();
    s.push_str(&format!("{:02}", a / 3600));
    if minutes {
        if colon {
            s.push(':');
        }
        s.push_str(&format!("{:02}", (a / 60) % 60));
    }
    if secs {
        if colon {
            s.push(':');
        }
        s.push_str(&format!("{:02}", a % 60));
    }
    s
}

fn format_time(p: Parts, zone: &Zone, layout: &str) -> String {
    let mut s = String::new();
    let h12 = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
    for (c, _) in tokenize(layout) {
        match c {
            Chunk::Lit(l) => s.push_str(&l),
            Chunk::LongMonth => s.push_str(MONTHS[(p.month - 1) as usize]),
            Chunk::Month => s.push_str(&MONTHS[(p.month - 1) as usize][..3]),
            Chunk::NumMonth => s.push_str(&p.month.to_string()),
            Chunk::ZeroMonth => s.push_str(&format!("{:02}", p.month)),
            Chunk::LongWeekDay => s.push_str(DAYS[p.wday]),
            Chunk::WeekDay => s.push_str(&DAYS[p.wday][..3]),
            Chunk::Day => s.push_str(&p.day.to_string()),
            Chunk::UnderDay => s.push_str(&format!("{:>2}", p.day)),
            Chunk::ZeroDay => s.push_str(&format!("{:02}", p.day)),
            Chunk::UnderYearDay => s.push_str(&format!("{:>3}", p.yday)),
            Chunk::ZeroYearDay => s.push_str(&format!("{:03}", p.yday)),
            Chunk::Hour => s.push_str(&format!("{:02}", p.hour)),
            Chunk::Hour12 => s.push_str(&h12.to_string()),
            Chunk::ZeroHour12 => s.push_str(&format!("{h12:02}")),
            Chunk::Minute => s.push_str(&p.min.to_string()),
            Chunk::ZeroMinute => s.push_str(&format!("{:02}", p.min)),
            Chunk::Second => s.push_str(&p.sec.to_string()),
            Chunk::ZeroSecond => s.push_str(&format!("{:02}", p.sec)),
            Chunk::LongYear => s.push_str(&format!("{:04}", p.year)),
            Chunk::Year => s.push_str(&format!("{:02}", p.year.rem_euclid(100))),
            Chunk::PM => s.push_str(if p.hour >= 12 { "PM" } else { "AM" }),
            Chunk::Pm => s.push_str(if p.hour >= 12 { "pm" } else { "am" }),
            // An unnamed zone prints its offset (`+0530`).
            Chunk::Tz if zone.name.is_empty() => {
                s.push_str(&offset_text(zone.offset, false, true, false));
            }
            Chunk::Tz => s.push_str(&zone.name),
            Chunk::Offset {
                z,
                colon,
                secs,
                short,
            } => {
                if z && zone.offset == 0 {
                    s.push('Z');
                } else {
                    s.push_str(&offset_text(zone.offset, colon, !short, secs));
                }
            }
            Chunk::Frac { digits, nines, sep } => {
                let full = format!("{:09}", p.nsec);
                let mut d = full[..digits.min(9)].to_string();
                if nines {
                    d = d.trim_end_matches('0').to_string();
                    if d.is_empty() {
                        continue;
                    }
                }
                s.push(sep);
                s.push_str(&d);
            }
        }
    }
    s
}

/// The time package's own `quote`: bytes outside printable ASCII as `\xNN`.
fn time_quote(s: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in s {
        if !(b' '..0x80).contains(&b) {
            out.push_str(&format!("\\x{b:02x}"));
        } else {
            if b == b'"' || b == b'\\' {
                out.push('\\');
            }
            out.push(char::from(b));
        }
    }
    out.push('"');
    out
}

/// Go's `time.ParseError` text: the element that failed, or a message.
fn parse_error(value: &str, layout: &str, value_elem: &[u8], layout_elem: &str) -> FuncError {
    let q = |s: &str| time_quote(s.as_bytes());
    FuncError::new(format!(
        "parsing time {} as {}: cannot parse {} as {}",
        q(value),
        q(layout),
        time_quote(value_elem),
        q(layout_elem)
    ))
}

fn parse_message(value: &str, message: &str) -> FuncError {
    FuncError::new(format!(
        "parsing time {}{message}",
        time_quote(value.as_bytes())
    ))
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(v: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = v.as_bytes();
    if !b.first()?.is_ascii_digit() {
        return None;
    }
    if !b.get(1).is_some_and(u8::is_ascii_digit) {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &v[1..]));
    }
    Some((
        i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'),
        &v[2..],
    ))
}

/// Go's `skip`: match a literal, a run of spaces matching any run of spaces.
/// On failure, the value where matching stopped.
fn skip<'a>(value: &'a str, prefix: &str) -> Result<&'a str, &'a [u8]> {
    // Bytes, as Go compares them: a failure may stop inside a character.
    let tail = |i: usize| value.as_bytes().get(i..).unwrap_or_default();
    let (v, p) = (value.as_bytes(), prefix.as_bytes());
    let (mut i, mut j) = (0, 0);
    while j < p.len() {
        if p[j] == b' ' {
            if i < v.len() && v[i] != b' ' {
                return Err(tail(i));
            }
            while j < p.len() && p[j] == b' ' {
                j += 1;
            }
            while i < v.len() && v[i] == b' ' {
                i += 1;
            }
            continue;
        }
        if v.get(i) != Some(&p[j]) {
            return Err(tail(i));
        }
        i += 1;
        j += 1;
    }
    // The whole literal matched, so `i` ends a character.
    Ok(value.get(i..).unwrap_or_default())
}

/// Go's `parseTimeZone`: the length of a zone abbreviation at the start.
fn zone_name_len(v: &str) -> Option<usize> {
    let b = v.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if v.starts_with("ChST") || v.starts_with("MeST") {
        return Some(4);
    }
    if let Some(rest) = v.strip_prefix("GMT") {
        return Some(3 + signed_offset_len(rest));
    }
    if b[0] == b'+' || b[0] == b'-' {
        let n = signed_offset_len(v);
        return (n > 0).then_some(n);
    }
    let upper = b
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    match upper {
        3 => Some(3),
        4 if b[3] == b'T' || v.starts_with("WITA") => Some(4),
        5 if b[4] == b'T' => Some(5),
        _ => None,
    }
}

/// Go's `parseSignedOffset`: `+h`/`-hh` up to 23, its length or 0.
fn signed_offset_len(v: &str) -> usize {
    let b = v.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-')) {
        return 0;
    }
    let n = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if n == 0 || v[1..1 + n].parse::<u32>().map_or(true, |x| x > 23) {
        return 0;
    }
    1 + n
}

/// Nanoseconds of `.123`-style digits (the separator first).
fn nanos_of(frac: &str) -> u32 {
    let digits = &frac[1..];
    format!("{:0<9}", &digits[..digits.len().min(9)])
        .parse()
        .unwrap_or(0)
}

/// Days in a month (Go's `daysIn`).
fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Go's `time.Parse` with the local zone UTC (Sprig's `toDate` uses
/// `ParseInLocation(layout, value, time.Local)`): the same elements, the
/// same errors, and the zone the value names (a numeric offset becomes an
/// unnamed fixed zone, an unknown abbreviation a zone of offset 0).
pub fn parse_time(layout: &str, value: &str) -> Result<Time, FuncError> {
    let (mut year, mut month, mut day, mut hour, mut min, mut sec, mut nsec) =
        (1i64, 1u32, 1u32, 0i64, 0i64, 0i64, 0u32);
    let (mut pm_set, mut am_set) = (false, false);
    let mut utc = false;
    let mut zone_offset: Option<i32> = None;
    let mut zone_name: Option<String> = None;
    let mut v = value;
    let chunks = tokenize(layout);
    for (idx, (c, text)) in chunks.iter().enumerate() {
        let hold = v;
        let bad = || parse_error(value, layout, hold.as_bytes(), text);
        let range = |what: &str| parse_message(value, &format!(": {what} out of range"));
        match c {
            Chunk::Lit(l) => {
                v = skip(v, l).map_err(|at| parse_error(value, layout, at, l))?;
            }
            Chunk::LongYear => {
                let y = v.get(..4).filter(|_| v.as_bytes()[0].is_ascii_digit());
                year = y.and_then(|y| y.parse().ok()).ok_or_else(bad)?;
                v = &v[4..];
            }
            Chunk::Year => {
                let y: i64 = v.get(..2).and_then(|p| p.parse().ok()).ok_or_else(bad)?;
                year = if y >= 69 { 1900 + y } else { 2000 + y };
                v = &v[2..];
            }
            Chunk::ZeroMonth | Chunk::NumMonth => {
                let (m, rest) = getnum(v, *c == Chunk::ZeroMonth).ok_or_else(bad)?;
                if !(1..=12).contains(&m) {
                    return Err(range("month"));
                }
                month = m as u32;
                v = rest;
            }
            Chunk::LongMonth | Chunk::Month => {
                let long = matches!(c, Chunk::LongMonth);
                let k = MONTHS
                    .iter()
                    .position(|m| {
                        let m = if long { *m } else { &m[..3] };
                        v.len() >= m.len()
                            && v.as_bytes()[..m.len()].eq_ignore_ascii_case(m.as_bytes())
                    })
                    .ok_or_else(bad)?;
                v = &v[if long { MONTHS[k].len() } else { 3 }..];
                month = k as u32 + 1;
            }
            Chunk::LongWeekDay | Chunk::WeekDay => {
                let long = matches!(c, Chunk::LongWeekDay);
                let k = DAYS
                    .iter()
                    .find(|d| {
                        let d = if long { **d } else { &d[..3] };
                        v.len() >= d.len()
                            && v.as_bytes()[..d.len()].eq_ignore_ascii_case(d.as_bytes())
                    })
                    .ok_or_else(bad)?;
                v = &v[if long { k.len() } else { 3 }..];
            }
            Chunk::Day | Chunk::ZeroDay | Chunk::UnderDay => {
                if *c == Chunk::UnderDay {
                    v = v.strip_prefix(' ').unwrap_or(v);
                }
                let (d, rest) = getnum(v, *c == Chunk::ZeroDay).ok_or_else(bad)?;
                day = d as u32;
                v = rest;
            }
            Chunk::UnderYearDay | Chunk::ZeroYearDay => {
                if *c == Chunk::UnderYearDay {
                    for _ in 0..2 {
                        v = v.strip_prefix(' ').unwrap_or(v);
                    }
                }
                let n = v.bytes().take(3).take_while(u8::is_ascii_digit).count();
                if n == 0 || (*c == Chunk::ZeroYearDay && n < 3) {
                    return Err(bad());
                }
                v = &v[n..];
            }
            Chunk::Hour => {
                let (h, rest) = getnum(v, false).ok_or_else(bad)?;
                if h >= 24 {
                    return Err(range("hour"));
                }
                hour = h;
                v = rest;
            }
            Chunk::Hour12 | Chunk::ZeroHour12 => {
                let (h, rest) = getnum(v, *c == Chunk::ZeroHour12).ok_or_else(bad)?;
                if h > 12 {
                    return Err(range("hour"));
                }
                hour = h;
                v = rest;
            }
            Chunk::Minute | Chunk::ZeroMinute => {
                let (m, rest) = getnum(v, *c == Chunk::ZeroMinute).ok_or_else(bad)?;
                if m >= 60 {
                    return Err(range("minute"));
                }
                min = m;
                v = rest;
            }
            Chunk::Second | Chunk::ZeroSecond => {
                let (x, rest) = getnum(v, *c == Chunk::ZeroSecond).ok_or_else(bad)?;
                if x >= 60 {
                    return Err(range("second"));
                }
                sec = x;
                v = rest;
                // A fractional second the layout does not spell is still read.
                let b = v.as_bytes();
                let next_is_frac = matches!(chunks.get(idx + 1), Some((Chunk::Frac { .. }, _)));
                if b.len() >= 2
                    && matches!(b[0], b'.' | b',')
                    && b[1].is_ascii_digit()
                    && !next_is_frac
                {
                    let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    nsec = nanos_of(&v[..n]);
                    v = &v[n..];
                }
            }
            Chunk::Frac { digits, nines, .. } => {
                let b = v.as_bytes();
                if *nines {
                    if b.len() < 2 || !matches!(b[0], b'.' | b',') || !b[1].is_ascii_digit() {
                        continue;
                    }
                    let n = 1 + b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                    nsec = nanos_of(&v[..n]);
                    v = &v[n..];
                } else {
                    let n = 1 + digits;
                    if b.len() < n
                        || !matches!(b[0], b'.' | b',')
                        || !b[1..n].iter().all(u8::is_ascii_digit)
                    {
                        return Err(bad());
                    }
                    nsec = nanos_of(&v[..n]);
                    v = &v[n..];
                }
            }
            Chunk::PM | Chunk::Pm => {
                let p = v.get(..2).ok_or_else(bad)?;
                let (am, pm) = if *c == Chunk::PM {
                    ("AM", "PM")
                } else {
                    ("am", "pm")
                };
                if p == pm {
                    pm_set = true;
                } else if p == am {
                    am_set = true;
                } else {
                    return Err(bad());
                }
                v = &v[2..];
            }
            Chunk::Tz => {
                if v.starts_with("UTC") {
                    utc = true;
                    v = &v[3..];
                    continue;
                }
                let n = zone_name_len(v).ok_or_else(bad)?;
                zone_name = Some(v[..n].to_string());
                v = &v[n..];
            }
            Chunk::Offset {
                z,
                colon,
                secs,
                short,
            } => {
                if *z && v.starts_with('Z') {
                    v = &v[1..];
                    utc = true;
                    continue;
                }
                // The exact shape: sign, hh, then [:]mm and [:]ss as the layout says.
                let mut shape = String::from("+00");
                if !short {
                    shape.push_str(if *colon { ":00" } else { "00" });
                }
                if *secs {
                    shape.push_str(if *colon { ":00" } else { "00" });
                }
                let t = v.get(..shape.len()).ok_or_else(bad)?;
                let ok = t.bytes().zip(shape.bytes()).all(|(a, b)| match b {
                    b'+' => a == b'+' || a == b'-',
                    b':' => a == b':',
                    _ => a.is_ascii_digit(),
                });
                if !ok {
                    return Err(bad());
                }
                let digits: Vec<i32> = t
                    .bytes()
                    .filter(u8::is_ascii_digit)
                    .map(|d| i32::from(d - b'0'))
                    .collect();
                let part = |i: usize| digits.get(2 * i..2 * i + 2).map_or(0, |d| d[0] * 10 + d[1]);
                let off = part(0) * 3600 + part(1) * 60 + part(2);
                zone_offset = Some(if t.starts_with('-') { -off } else { off });
                v = &v[shape.len()..];
            }
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }
    if !v.is_empty() {
        return Err(parse_message(
            value,
            &format!(": extra text: {}", time_quote(v.as_bytes())),
        ));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(parse_message(value, ": day out of range"));
    }
    let days = days_from_civil(year, month, day);
    let wall = days * 86_400 + hour * 3600 + min * 60 + sec;
    let at = |secs: i64| i128::from(secs) * NS + i128::from(nsec);
    if utc {
        return Ok(Time::utc(at(wall)));
    }
    if let Some(offset) = zone_offset {
        let nanos = at(wall - i64::from(offset));
        // The local zone (UTC) when the offset and name fit it, else a fixed zone.
        let name = zone_name.unwrap_or_default();
        if offset == 0 && (name.is_empty() || name == "UTC") {
            return Ok(Time::utc(nanos));
        }
        return Ok(Time {
            nanos,
            zone: Zone {
                name: Rc::from(name),
                offset,
            },
        });
    }
    if let Some(name) = zone_name {
        // An abbreviation the local zone does not know: offset 0, except
        // `GMT+h`; the wall clock is not moved.
        let offset = name
            .strip_prefix("GMT")
            .and_then(|h| h.parse::<i32>().ok())
            .map_or(0, |h| h * 3600);
        return Ok(Time {
            nanos: at(wall),
            zone: Zone {
                name: Rc::from(name),
                offset,
            },
        });
    }
    Ok(Time::utc(at(wall)))
}

/// Go's `Duration.String()`.
pub fn duration_string(d: i128) -> String {
    if d == 0 {
        return "0s".to_string();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut s = String::new();
    let frac = |v: u128, prec: u32| -> (u128, String) {
        let p = 10u128.pow(prec);
        let f = v % p;
        let digits = format!("{:0width$}", f, width = prec as usize);
        let digits = digits.trim_end_matches('0');
        (
            v / p,
            if digits.is_empty() {
                String::new()
            } else {
                format!(".{digits}")
            },
        )
    };
    if u < NS as u128 {
        let (unit, prec) = if u < 1_000 {
            ("ns", 0)
        } else if u < 1_000_000 {
            ("µs", 3)
        } else {
            ("ms", 6)
        };
        let (w, f) = frac(u, prec);
        s.push_str(&format!("{w}{f}{unit}"));
    } else {
        let (secs, f) = frac(u, 9);
        let (h, m, sec) = (secs / 3600, (secs / 60) % 60, secs % 60);
        if h > 0 {
            s.push_str(&format!("{h}h{m}m"));
        } else if m > 0 {
            s.push_str(&format!("{m}m"));
        }
        s.push_str(&format!("{sec}{f}s"));
    }
    if neg {
        format!("-{s}")
    } else {
        s
    }
}

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if n == 0 {
            return None;
        }
        let x: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        let unit = match &rest[..u] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[u..];
        total += x * unit;
    }
    let v = total.round() as i128;
    Some(if neg { -v } else { v })
}

/// A Go `time.Duration` (nanoseconds), as `Sub` returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Duration(pub i64);

impl GoObject for Duration {
    fn type_name(&self) -> &str {
        "time.Duration"
    }

    fn kind(&self) -> &str {
        "int64"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let d = self.0;
        // Go splits whole and fractional parts so large values keep precision.
        let float = |unit: i64| (d / unit) as f64 + (d % unit) as f64 / unit as f64;
        Some(match name {
            "Hours" => Value::float(float(3_600_000_000_000)),
            "Minutes" => Value::float(float(60_000_000_000)),
            "Seconds" => Value::float(float(1_000_000_000)),
            "Milliseconds" => Value::int64(d / 1_000_000),
            "Microseconds" => Value::int64(d / 1_000),
            "Nanoseconds" => Value::int64(d),
            "String" => Value::str(self.display()),
            _ => return None,
        })
    }

    fn call(&self, name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        self.field(name).map(Ok)
    }

    fn display(&self) -> String {
        duration_string(i128::from(self.0))
    }

    fn go_int(&self) -> Option<i64> {
        Some(self.0)
    }

    fn json_value(&self) -> Option<Value> {
        Some(Value::int64(self.0))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

/// `time.Month` or `time.Weekday`: an int with a name.
#[derive(Debug)]
struct Named {
    type_name: &'static str,
    n: i64,
    name: &'static str,
}

impl GoObject for Named {
    fn type_name(&self) -> &str {
        self.type_name
    }

    fn kind(&self) -> &str {
        "int"
    }

    fn field(&self, name: &str) -> Option<Value> {
        (name == "String").then(|| Value::str(self.name))
    }

    fn call(&self, name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        self.field(name).map(Ok)
    }

    fn display(&self) -> String {
        self.name.to_string()
    }

    fn go_int(&self) -> Option<i64> {
        Some(self.n)
    }

    fn json_value(&self) -> Option<Value> {
        Some(Value::int(self.n))
    }
}

/// A `time.Time` argument of a method, if it is one.
fn as_time(v: Option<&Value>) -> Option<Time> {
    match v.map(|v| &v.repr) {
        Some(Repr::Object(o)) => o.as_any()?.downcast_ref::<Time>().cloned(),
        _ => None,
    }
}

/// Go's `AddDate`: calendar fields added, then normalised by `Date`.
fn add_date(t: &Time, years: i64, months: i64, days: i64) -> Time {
    let p = t.parts();
    let m0 = i64::from(p.month) - 1 + months;
    let year = p.year + years + m0.div_euclid(12);
    let month = m0.rem_euclid(12) as u32 + 1;
    let day_count = days_from_civil(year, month, 1) + i64::from(p.day) - 1 + days;
    let local =
        day_count * 86_400 + i64::from(p.hour) * 3600 + i64::from(p.min) * 60 + i64::from(p.sec)
            - i64::from(t.zone.offset);
    Time {
        nanos: i128::from(local) * NS + i128::from(p.nsec),
        zone: t.zone.clone(),
    }
}

impl GoObject for Time {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn kind(&self) -> &str {
        "struct"
    }

    fn field(&self, name: &str) -> Option<Value> {
        let p = self.parts();
        Some(match name {
            "Unix" => Value::int64(self.unix()),
            "UnixMilli" => Value::int64(self.nanos.div_euclid(1_000_000) as i64),
            "UnixMicro" => Value::int64(self.nanos.div_euclid(1_000) as i64),
            "UnixNano" => Value::int64(self.nanos as i64),
            "Year" => Value::int(p.year),
            // Month and Weekday print as their names, `%d` as numbers.
            "Month" => Value::object(Rc::new(Named {
                type_name: "time.Month",
                n: i64::from(p.month),
                name: MONTHS[(p.month - 1) as usize],
            })),
            "Weekday" => Value::object(Rc::new(Named {
                type_name: "time.Weekday",
                n: p.wday as i64,
                name: DAYS[p.wday],
            })),
            "Day" => Value::int(i64::from(p.day)),
            "YearDay" => Value::int(i64::from(p.yday)),
            "Hour" => Value::int(i64::from(p.hour)),
            "Minute" => Value::int(i64::from(p.min)),
            "Second" => Value::int(i64::from(p.sec)),
            "Nanosecond" => Value::int(i64::from(p.nsec)),
            "IsZero" => Value::bool(self.nanos == -62_135_596_800 * NS),
            "UTC" | "Local" => time_value(self.with_zone(Zone::utc())),
            "Location" => Value::str(if self.zone == Zone::utc() {
                "UTC".into()
            } else {
                self.zone.name.clone()
            }),
            "String" => Value::str(self.display()),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let other = || as_time(args.first()).ok_or_else(|| format!("wrong type for {name}"));
        let int = |i: usize| args.get(i).map_or(0, super::types::to_int64);
        Some(match name {
            "Format" => Ok(Value::str(
                self.format(&args.first().map(strval).unwrap_or_default()),
            )),
            "Sub" => other().map(|o| {
                let d = (self.nanos - o.nanos).clamp(i128::from(i64::MIN), i128::from(i64::MAX));
                Value::object(Rc::new(Duration(d as i64)))
            }),
            "Add" => Ok(time_value(self.add(i128::from(int(0))))),
            "AddDate" => Ok(time_value(add_date(self, int(0), int(1), int(2)))),
            "Before" => other().map(|o| Value::bool(self.nanos < o.nanos)),
            "After" => other().map(|o| Value::bool(self.nanos > o.nanos)),
            "Equal" => other().map(|o| Value::bool(self.nanos == o.nanos)),
            _ => return self.field(name).map(Ok),
        })
    }

    fn display(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }

    fn json_value(&self) -> Option<Value> {
        // time.Time marshals itself as its RFC 3339 text.
        Some(Value::str(
            self.format("2006-01-02T15:04:05.999999999Z07:00"),
        ))
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}

/// The time a Sprig date argument denotes: a `time.Time`, or seconds as an
/// int (`int`, `int64`, `int32`); anything else is now.
fn time_arg(v: Option<&Value>) -> Time {
    if let Some(t) = as_time(v) {
        return t;
    }
    match v.map(|v| &v.repr) {
        Some(Repr::Int(i, _)) => Time::utc(i128::from(*i) * NS),
        _ => Time::now(),
    }
}

fn time_value(t: Time) -> Value {
    Value::object(Rc::new(t))
}

/// The zone `dateInZone` asks for: UTC and Local (and "") are UTC here;
/// other names are read from the system's zone database as Go does, and an
/// unknown name falls back to UTC (Sprig ignores the error).
fn zone_at(name: &str, t: &Time) -> Zone {
    match name {
        "" | "UTC" | "Local" => Zone::utc(),
        _ => super::tzdata::zone_at(name, t.unix()).unwrap_or_else(Zone::utc),
    }
}

fn f_now(_: &FuncCtx, _: Vec<Value>) -> FuncResult {
    Ok(time_value(Time::now()))
}

/// Sprig's `formatDate`: the time shown in `zone`, then formatted.
fn format_in(t: &Time, layout: &str, zone: &str) -> Value {
    Value::str(t.with_zone(zone_at(zone, t)).format(layout))
}

fn f_date(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(format_in(&time_arg(a.get(1)), &strval(&a[0]), "Local"))
}

fn f_date_in_zone(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let zone = a.get(2).map(strval).unwrap_or_default();
    Ok(format_in(&time_arg(a.get(1)), &strval(&a[0]), &zone))
}

fn f_html_date(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(format_in(&time_arg(a.first()), "2006-01-02", "Local"))
}

fn f_html_date_in_zone(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let zone = a.get(1).map(strval).unwrap_or_default();
    Ok(format_in(&time_arg(a.first()), "2006-01-02", &zone))
}

fn f_ago(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let t = time_arg(a.first());
    let d = Time::now().nanos - t.nanos;
    let rounded = if d >= 0 {
        (d + NS / 2) / NS * NS
    } else {
        (d - NS / 2) / NS * NS
    };
    Ok(Value::str(duration_string(rounded)))
}

fn f_to_date(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let t = parse_time(&strval(&a[0]), &strval(&a[1]))
        .unwrap_or_else(|_| Time::utc(-62_135_596_800 * NS));
    Ok(time_value(t))
}

fn f_must_to_date(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(time_value(parse_time(&strval(&a[0]), &strval(&a[1]))?))
}

fn f_unix_epoch(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(time_arg(a.first()).unix().to_string()))
}

fn f_date_modify(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let t = time_arg(a.get(1));
    Ok(time_value(match parse_duration(&strval(&a[0])) {
        Some(d) => t.add(d),
        None => t,
    }))
}

fn f_must_date_modify(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let t = time_arg(a.get(1));
    let s = strval(&a[0]);
    match parse_duration(&s) {
        Some(d) => Ok(time_value(t.add(d))),
        None => Err(FuncError::new(format!(
            "time: invalid duration {}",
            time_quote(s.as_bytes())
        ))),
    }
}

fn f_duration(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    // Sprig takes a string or an int64 (what `int64` and the math
    // functions return); an `int` gives 0. `time.Duration(n) * time.Second` wraps.
    let n: i64 = match a.first().map(|v| &v.repr) {
        Some(Repr::Str(s)) => s.as_str().parse::<i64>().unwrap_or(0),
        Some(Repr::Int(i, crate::value::IntKind::Int64)) => *i,
        _ => 0,
    };
    Ok(Value::str(duration_string(i128::from(
        n.wrapping_mul(1_000_000_000),
    ))))
}

fn f_duration_round(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let d: i128 = match a.first().map(|v| &v.repr) {
        // Sprig: a string, an int64 of nanoseconds, or a time.Time; else 0.
        Some(Repr::Str(s)) => parse_duration(s.as_str()).unwrap_or(0),
        Some(Repr::Int(i, crate::value::IntKind::Int64)) => i128::from(*i),
        _ => match as_time(a.first()) {
            Some(t) => Time::now().nanos - t.nanos,
            None => 0,
        },
    };
    let u = d.unsigned_abs();
    let hour = 3_600 * NS as u128;
    let units: [(u128, &str); 6] = [
        (hour * 24 * 365, "y"),
        (hour * 24 * 30, "mo"),
        (hour * 24, "d"),
        (hour, "h"),
        (60 * NS as u128, "m"),
        (NS as u128, "s"),
    ];
    for (size, name) in units {
        if u > size {
            return Ok(Value::str(format!("{}{name}", u / size)));
        }
    }
    Ok(Value::str("0s"))
}

/// Sprig's date functions.
pub static FUNCS: &[FuncDef] = &[
    def("now", &[], None, f_now),
    def("date", &[Ty::Str, Ty::Any], None, f_date),
    def(
        "dateInZone",
        &[Ty::Str, Ty::Any, Ty::Str],
        None,
        f_date_in_zone,
    ),
    def(
        "date_in_zone",
        &[Ty::Str, Ty::Any, Ty::Str],
        None,
        f_date_in_zone,
    ),
    def("htmlDate", &[Ty::Any], None, f_html_date),
    def(
        "htmlDateInZone",
        &[Ty::Any, Ty::Str],
        None,
        f_html_date_in_zone,
    ),
    def("ago", &[Ty::Any], None, f_ago),
    def("toDate", &[Ty::Str, Ty::Str], None, f_to_date),
    def("mustToDate", &[Ty::Str, Ty::Str], None, f_must_to_date),
    def("unixEpoch", &[Ty::Any], None, f_unix_epoch),
    def("dateModify", &[Ty::Str, Ty::Any], None, f_date_modify),
    def("date_modify", &[Ty::Str, Ty::Any], None, f_date_modify),
    def(
        "mustDateModify",
        &[Ty::Str, Ty::Any],
        None,
        f_must_date_modify,
    ),
    def(
        "must_date_modify",
        &[Ty::Str, Ty::Any],
        None,
        f_must_date_modify,
    ),
    def("duration", &[Ty::Any], None, f_duration),
    def("durationRound", &[Ty::Any], None, f_duration_round),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::funcs::types::testutil::*;

    #[test]
    fn date_oracle_table() {
        // Oracle: {{ date "Mon Jan _2 15:04:05.000 PM" 0 }} → "Thu Jan  1 00:00:00.000 AM", etc.
        check_table(vec![
            (
                "date",
                vec![s("Mon Jan _2 15:04:05.000 PM"), i(0)],
                "Thu Jan  1 00:00:00.000 AM",
            ),
            ("htmlDate", vec![i(86400)], "1970-01-02"),
            (
                "date",
                vec![s("2006-01-02T15:04:05Z07:00"), i(1234567890)],
                "2009-02-13T23:31:30Z",
            ),
            (
                "date",
                vec![s("Monday, 02-Jan-06 3:04:05PM -07:00 MST"), i(1234567890)],
                "Friday, 13-Feb-09 11:31:30PM +00:00 UTC",
            ),
            (
                "date",
                vec![s("__2 002 .999 ,000 _2006"), i(1234567890)],
                " 44 044  ,000 _2009",
            ),
            (
                "date",
                vec![s("Jan 2 15:04:05.000000000 -0700"), i(1234567890)],
                "Feb 13 23:31:30.000000000 +0000",
            ),
            ("duration", vec![s("3600")], "1h0m0s"),
            ("duration", vec![s("95")], "1m35s"),
            ("duration", vec![f(1.5)], "0s"),
            ("durationRound", vec![s("2h10m5s")], "2h"),
            ("durationRound", vec![s("95s")], "1m"),
            ("durationRound", vec![s("26h")], "1d"),
            ("durationRound", vec![s("800h")], "1mo"),
            ("durationRound", vec![s("9000h")], "1y"),
        ]);
    }

    /// Odd and non-ASCII input never panics the parser (byte offsets inside
    /// characters, short values, every layout element).
    #[test]
    fn parsing_odd_input_returns() {
        let layouts = [
            "2006-01-02T15:04:05.000Z07:00",
            "Mon Jan _2 15:04:05 MST 2006",
            "January 2 06 3:04:05.999 PM -07:00:00",
            "__2 002 Z0700 -07 .9 ,0",
            "é2006 ü",
        ];
        let values = [
            "",
            "é",
            "2",
            "20é",
            "222é",
            "2024-é",
            "Jé",
            "Mé",
            "+",
            "+0é",
            "Z",
            "GMTé",
            "12 é",
            "9999999999",
            "2024-01-02T03:04:05.é",
            "\u{1F600}2024",
        ];
        for layout in layouts {
            for value in values {
                let _ = super::parse_time(layout, value);
                let _ = super::parse_time(value, value);
            }
        }
    }

    #[test]
    fn to_date_and_modify() {
        let t = call("toDate", vec![s("2006-01-02"), s("2020-01-01")]).unwrap();
        assert_eq!(
            crate::gofmt::sprint_value(&t),
            "2020-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(show("unixEpoch", vec![t.clone()]), "1577836800");
        let t2 = call("toDate", vec![s("02/01/2006 3PM"), s("04/03/2021 5PM")]).unwrap();
        assert_eq!(show("unixEpoch", vec![t2]), "1614877200");
        let bad = call("toDate", vec![s("2006-01-02"), s("bad")]).unwrap();
        assert_eq!(
            crate::gofmt::sprint_value(&bad),
            "0001-01-01 00:00:00 +0000 UTC"
        );
        let m = call("dateModify", vec![s("-1h"), t]).unwrap();
        assert_eq!(
            crate::gofmt::sprint_value(&m),
            "2019-12-31 23:00:00 +0000 UTC"
        );
    }
}
