//! Sprig's date functions: `now`, `date`, `dateInZone`, `htmlDate`,
//! `htmlDateInZone`, `ago`, `toDate`, `mustToDate`, `unixEpoch`,
//! `dateModify`, `mustDateModify`, `duration`, `durationRound`.
//!
//! Times are Go `time.Time` objects in UTC (the local zone Helm runs in
//! here); named zones other than UTC/Local are not loaded and format as UTC.
//! Go's layout language (`2006-01-02 15:04:05.000 MST`) is implemented for
//! formatting and parsing.

use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::types::strval;
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::value::{GoObject, Repr, Value};

const NS: i128 = 1_000_000_000;

/// A Go `time.Time` (UTC), as nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    pub nanos: i128,
}

impl Time {
    /// The current time.
    pub fn now() -> Time {
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(0);
        Time { nanos: d }
    }

    /// Whole seconds since the epoch (`Unix()`).
    pub fn unix(self) -> i64 {
        self.nanos.div_euclid(NS) as i64
    }

    fn parts(self) -> Parts {
        let secs = self.nanos.div_euclid(NS) as i64;
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
    pub fn format(self, layout: &str) -> String {
        format_time(self.parts(), layout)
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

fn tokenize(layout: &str) -> Vec<Chunk> {
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
                    out.push(Chunk::Lit(std::mem::take(&mut lit)));
                }
                out.push(c);
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
        out.push(Chunk::Lit(lit));
    }
    out
}

fn format_time(p: Parts, layout: &str) -> String {
    let mut s = String::new();
    let h12 = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
    for c in tokenize(layout) {
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
            Chunk::Tz => s.push_str("UTC"),
            Chunk::Offset {
                z,
                colon,
                secs,
                short,
            } => {
                if z {
                    s.push('Z');
                } else {
                    s.push_str("+00");
                    if !short {
                        s.push_str(if colon { ":00" } else { "00" });
                    }
                    if secs {
                        s.push_str(if colon { ":00" } else { "00" });
                    }
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

/// Go's `time.Parse` (UTC) for the layouts `format` understands.
pub fn parse_time(layout: &str, value: &str) -> Result<Time, FuncError> {
    let bad = || {
        FuncError::new(format!(
            "parsing time {} as {}: cannot parse {} as {}",
            super::strings::go_quote(value),
            super::strings::go_quote(layout),
            super::strings::go_quote(value),
            super::strings::go_quote(layout)
        ))
    };
    let (mut year, mut month, mut day, mut hour, mut min, mut sec, mut nsec) =
        (1i64, 1u32, 1u32, 0u32, 0u32, 0u32, 0u32);
    let mut pm: Option<bool> = None;
    let mut offset: i64 = 0;
    let mut v = value;
    let num = |v: &mut &str, min_len: usize, max_len: usize| -> Option<i64> {
        let n = v
            .bytes()
            .take(max_len)
            .take_while(u8::is_ascii_digit)
            .count();
        if n < min_len {
            return None;
        }
        let x = v[..n].parse().ok()?;
        *v = &v[n..];
        Some(x)
    };
    for c in tokenize(layout) {
        match c {
            Chunk::Lit(l) => {
                v = v.strip_prefix(l.as_str()).ok_or_else(bad)?;
            }
            Chunk::LongYear => year = num(&mut v, 4, 4).ok_or_else(bad)?,
            Chunk::Year => {
                let y = num(&mut v, 2, 2).ok_or_else(bad)?;
                year = if y >= 69 { 1900 + y } else { 2000 + y };
            }
            Chunk::ZeroMonth | Chunk::NumMonth => {
                month = num(&mut v, 1, 2).ok_or_else(bad)? as u32;
            }
            Chunk::LongMonth | Chunk::Month => {
                let long = matches!(c, Chunk::LongMonth);
                let k = MONTHS
                    .iter()
                    .position(|m| {
                        let m = if long { *m } else { &m[..3] };
                        v.len() >= m.len() && v[..m.len()].eq_ignore_ascii_case(m)
                    })
                    .ok_or_else(bad)?;
                let l = if long { MONTHS[k].len() } else { 3 };
                v = &v[l..];
                month = k as u32 + 1;
            }
            Chunk::LongWeekDay | Chunk::WeekDay => {
                let long = matches!(c, Chunk::LongWeekDay);
                let k = DAYS
                    .iter()
                    .find(|d| {
                        let d = if long { **d } else { &d[..3] };
                        v.len() >= d.len() && v[..d.len()].eq_ignore_ascii_case(d)
                    })
                    .ok_or_else(bad)?;
                v = &v[if long { k.len() } else { 3 }..];
            }
            Chunk::Day | Chunk::ZeroDay | Chunk::UnderDay => {
                if matches!(c, Chunk::UnderDay) {
                    v = v.strip_prefix(' ').unwrap_or(v);
                }
                day = num(&mut v, 1, 2).ok_or_else(bad)? as u32;
            }
            Chunk::UnderYearDay | Chunk::ZeroYearDay => {
                v = v.trim_start_matches(' ');
                num(&mut v, 1, 3).ok_or_else(bad)?;
            }
            Chunk::Hour => hour = num(&mut v, 1, 2).ok_or_else(bad)? as u32,
            Chunk::Hour12 | Chunk::ZeroHour12 => hour = num(&mut v, 1, 2).ok_or_else(bad)? as u32,
            Chunk::Minute | Chunk::ZeroMinute => min = num(&mut v, 1, 2).ok_or_else(bad)? as u32,
            Chunk::Second | Chunk::ZeroSecond => {
                sec = num(&mut v, 1, 2).ok_or_else(bad)? as u32;
                // Go accepts a fractional second after seconds even if the layout has none.
                if v.starts_with('.') && v[1..].starts_with(|c: char| c.is_ascii_digit()) {
                    v = &v[1..];
                    let n = v.bytes().take_while(u8::is_ascii_digit).count();
                    let digits = format!("{:0<9}", &v[..n.min(9)]);
                    nsec = digits.parse().unwrap_or(0);
                    v = &v[n..];
                }
            }
            Chunk::Frac { .. } => {
                if let Some(rest) = v.strip_prefix(['.', ',']) {
                    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
                    let digits = format!("{:0<9}", &rest[..n.min(9)]);
                    nsec = digits.parse().unwrap_or(0);
                    v = &rest[n..];
                }
            }
            Chunk::PM | Chunk::Pm => {
                let t = v.get(..2).ok_or_else(bad)?.to_ascii_uppercase();
                pm = Some(match t.as_str() {
                    "PM" => true,
                    "AM" => false,
                    _ => return Err(bad()),
                });
                v = &v[2..];
            }
            Chunk::Tz => {
                let n = v.bytes().take_while(u8::is_ascii_uppercase).count();
                if n < 3 {
                    return Err(bad());
                }
                v = &v[n..];
            }
            Chunk::Offset { z, .. } => {
                if z && v.starts_with('Z') {
                    v = &v[1..];
                    continue;
                }
                let sign = match v.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(bad()),
                };
                v = &v[1..];
                let h = num(&mut v, 2, 2).ok_or_else(bad)?;
                v = v.strip_prefix(':').unwrap_or(v);
                let m = num(&mut v, 2, 2).unwrap_or(0);
                offset = sign * (h * 3600 + m * 60);
            }
        }
    }
    if !v.is_empty() {
        return Err(FuncError::new(format!(
            "parsing time {}: extra text: {}",
            super::strings::go_quote(value),
            super::strings::go_quote(v)
        )));
    }
    if let Some(pm) = pm {
        if hour == 12 {
            hour = 0;
        }
        if pm {
            hour += 12;
        }
    }
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 59 {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day);
    let secs =
        days * 86_400 + i64::from(hour) * 3600 + i64::from(min) * 60 + i64::from(sec) - offset;
    Ok(Time {
        nanos: i128::from(secs) * NS + i128::from(nsec),
    })
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

impl GoObject for Time {
    fn type_name(&self) -> &str {
        "time.Time"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Unix" => Value::int(self.unix()),
            "UnixNano" => Value::int(self.nanos as i64),
            "Year" => Value::int(self.parts().year),
            "Month" => Value::int(i64::from(self.parts().month)),
            "Day" => Value::int(i64::from(self.parts().day)),
            "Hour" => Value::int(i64::from(self.parts().hour)),
            "Minute" => Value::int(i64::from(self.parts().min)),
            "Second" => Value::int(i64::from(self.parts().sec)),
            "String" => Value::str(self.display()),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "Format" => Some(Ok(Value::str(
                self.format(&args.first().map(strval).unwrap_or_default()),
            ))),
            _ => self.field(name).map(Ok),
        }
    }

    fn display(&self) -> String {
        self.format("2006-01-02 15:04:05.999999999 -0700 MST")
    }
}

/// The time a Sprig date argument denotes: a `time.Time`, or seconds as an int; anything else is now.
fn time_arg(v: Option<&Value>) -> Time {
    match v.map(|v| &v.repr) {
        Some(Repr::Int(i)) => Time {
            nanos: i128::from(*i) * NS,
        },
        Some(Repr::Object(o)) if o.type_name() == "time.Time" => match o.field("UnixNano") {
            Some(Value {
                repr: Repr::Int(n), ..
            }) => Time {
                nanos: i128::from(n),
            },
            _ => Time::now(),
        },
        _ => Time::now(),
    }
}

fn time_value(t: Time) -> Value {
    Value::object(Rc::new(t))
}

fn f_now(_: &FuncCtx, _: Vec<Value>) -> FuncResult {
    Ok(time_value(Time::now()))
}

fn f_date(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(time_arg(a.get(1)).format(&strval(&a[0]))))
}

fn f_date_in_zone(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(time_arg(a.get(1)).format(&strval(&a[0]))))
}

fn f_html_date(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(time_arg(a.first()).format("2006-01-02")))
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
    let t = parse_time(&strval(&a[0]), &strval(&a[1])).unwrap_or(Time {
        nanos: -62_135_596_800 * NS,
    });
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
        Some(d) => Time { nanos: t.nanos + d },
        None => t,
    }))
}

fn f_must_date_modify(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let t = time_arg(a.get(1));
    let s = strval(&a[0]);
    match parse_duration(&s) {
        Some(d) => Ok(time_value(Time { nanos: t.nanos + d })),
        None => Err(FuncError::new(format!(
            "time: invalid duration {}",
            super::strings::go_quote(&s)
        ))),
    }
}

fn f_duration(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let n: i128 = match a.first().map(|v| &v.repr) {
        Some(Repr::Str(s)) => s.as_str().parse::<i64>().map_or(0, i128::from),
        Some(Repr::Int(i)) => i128::from(*i),
        _ => 0,
    };
    Ok(Value::str(duration_string(n * NS)))
}

fn f_duration_round(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let d: i128 = match a.first().map(|v| &v.repr) {
        Some(Repr::Str(s)) => parse_duration(s.as_str()).unwrap_or(0),
        Some(Repr::Int(i)) => i128::from(*i),
        Some(Repr::Object(_)) => Time::now().nanos - time_arg(a.first()).nanos,
        _ => 0,
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
    def("htmlDateInZone", &[Ty::Any, Ty::Str], None, f_html_date),
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
