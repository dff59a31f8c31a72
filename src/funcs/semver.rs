//! Sprig's `semver` and `semverCompare` with Masterminds/semver v3 rules:
//! lenient versions (`v1.2`, `1`), constraints with `=`, `!=`, `>`, `<`,
//! `>=`, `<=`, `~`, `~>`, `^`, wildcards (`1.x`, `*`), hyphen ranges
//! (`1.2 - 1.4`), `,`/space for AND and `||` for OR, and the rule that a
//! prerelease version only satisfies constraints that carry a prerelease
//! (`>=1.26-0`).

use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::OnceLock;

use regex_lite::Regex;

use super::types::strval;
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::value::{GoObject, Value};

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
const VERSION: &str = r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$";
const WS: &str = r"[\t\n\f\r ]";

struct Regexes {
    version: Regex,
    constraint: Regex,
    range: Regex,
    find: Regex,
    valid: Regex,
}

fn regexes() -> Option<&'static Regexes> {
    static R: OnceLock<Option<Regexes>> = OnceLock::new();
    R.get_or_init(|| {
        let s = WS;
        Some(Regexes {
            version: Regex::new(VERSION).ok()?,
            constraint: Regex::new(&format!(r"^{s}*({OPS}){s}*({CV}){s}*$")).ok()?,
            range: Regex::new(&format!(r"{s}*({CV}){s}+-{s}+({CV}){s}*")).ok()?,
            find: Regex::new(&format!(r"({OPS}){s}*({CV})")).ok()?,
            valid: Regex::new(&format!(
                r"^({s}*({OPS}){s}*({CV}){s}*)((?:{s}+|,{s}*)({OPS}){s}*({CV}){s}*)*$"
            ))
            .ok()?,
        })
    })
    .as_ref()
}

/// A parsed semantic version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// Major number.
    pub major: u64,
    /// Minor number.
    pub minor: u64,
    /// Patch number.
    pub patch: u64,
    /// Prerelease (without the `-`).
    pub pre: String,
    /// Build metadata (without the `+`).
    pub metadata: String,
    /// The text it was parsed from.
    pub original: String,
}

fn invalid() -> FuncError {
    FuncError::new("invalid semantic version")
}

impl Version {
    /// `semver.NewVersion`.
    pub fn parse(v: &str) -> Result<Version, FuncError> {
        let re = regexes().ok_or_else(invalid)?;
        let m = re.version.captures(v).ok_or_else(invalid)?;
        let num = |i: usize| -> Result<u64, FuncError> {
            match m.get(i) {
                None => Ok(0),
                Some(g) => g
                    .as_str()
                    .trim_start_matches('.')
                    .parse()
                    .map_err(|e| FuncError::new(format!("Error parsing version segment: {e}"))),
            }
        };
        let pre = m.get(5).map_or("", |g| g.as_str()).to_string();
        for part in pre.split('.').filter(|_| !pre.is_empty()) {
            if part.len() > 1 && part.starts_with('0') && part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(FuncError::new("Version segment starts with 0"));
            }
        }
        Ok(Version {
            major: num(1)?,
            minor: num(2)?,
            patch: num(3)?,
            pre,
            metadata: m.get(8).map_or("", |g| g.as_str()).to_string(),
            original: v.to_string(),
        })
    }

    /// `String()`: `1.2.3-pre+meta`.
    pub fn render(&self) -> String {
        let mut s = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if !self.pre.is_empty() {
            s.push('-');
            s.push_str(&self.pre);
        }
        if !self.metadata.is_empty() {
            s.push('+');
            s.push_str(&self.metadata);
        }
        s
    }

    /// `Compare`: metadata ignored, a prerelease sorts before its release.
    pub fn compare(&self, o: &Version) -> Ordering {
        let c = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if c != Ordering::Equal {
            return c;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let s = pa.get(i).copied().unwrap_or("");
        let o = pb.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, o);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if o.is_empty() {
        return if s.parse::<u64>().is_ok() {
            Ordering::Greater
        } else {
            Ordering::Less
        };
    }
    if s.is_empty() {
        return if o.parse::<u64>().is_ok() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(x), Ok(y)) => {
            if x > y {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

struct Constraint {
    op: String,
    con: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

fn parse_constraint(c: &str) -> Result<Constraint, FuncError> {
    let improper = || {
        FuncError::new(format!(
            "improper constraint: {}",
            super::strings::go_quote(c)
        ))
    };
    if c.is_empty() {
        return Ok(Constraint {
            op: String::new(),
            con: Version::parse("0.0.0")?,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let re = regexes().ok_or_else(improper)?;
    let m = re.constraint.captures(c).ok_or_else(improper)?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| FuncError::new("constraint Parser Error"))?;
    Ok(Constraint {
        op: g(1).to_string(),
        con,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

impl Constraint {
    fn check(&self, v: &Version) -> bool {
        let c = &self.con;
        if !v.pre.is_empty() && c.pre.is_empty() {
            return false;
        }
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            "!=" => self.not_equal(v),
            ">" => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                if self.minor_dirty {
                    return false;
                }
                if self.patch_dirty {
                    return v.minor > c.minor;
                }
                v.compare(c) == Ordering::Greater
            }
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                if v.major > c.major {
                    return false;
                }
                !(v.major == c.major && v.minor > c.minor && !self.minor_dirty)
            }
            "~" | "~>" => self.tilde(v),
            "^" => self.caret(v),
            _ => false,
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            }
            if self.minor_dirty {
                return false;
            }
            if c.patch != v.patch && !self.patch_dirty {
                return true;
            }
            if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                }
                return false;
            }
        }
        v.compare(c) != Ordering::Equal
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

/// A parsed constraint set: OR of ANDs.
pub struct Constraints(Vec<Vec<Constraint>>);

impl Constraints {
    /// `semver.NewConstraint`.
    pub fn parse(c: &str) -> Result<Constraints, FuncError> {
        let re = regexes().ok_or_else(|| {
            FuncError::new(format!(
                "improper constraint: {}",
                super::strings::go_quote(c)
            ))
        })?;
        // Rewrite hyphen ranges into comparisons.
        let mut text = c.to_string();
        let ranges: Vec<(String, String, String)> = re
            .range
            .captures_iter(c)
            .map(|m| {
                let g = |i: usize| m.get(i).map_or("", |x| x.as_str()).to_string();
                (g(0), g(1), g(11))
            })
            .collect();
        for (whole, a, b) in ranges {
            text = text.replacen(&whole, &format!(">= {a}, <= {b}"), 1);
        }
        let mut ors = Vec::new();
        for part in text.split("||") {
            if !re.valid.is_match(part) {
                return Err(FuncError::new(format!(
                    "improper constraint: {}",
                    super::strings::go_quote(part)
                )));
            }
            let found: Vec<&str> = re.find.find_iter(part).map(|m| m.as_str()).collect();
            let found = if found.is_empty() { vec![part] } else { found };
            let mut ands = Vec::new();
            for s in found {
                ands.push(parse_constraint(s)?);
            }
            ors.push(ands);
        }
        Ok(Constraints(ors))
    }

    /// `Check`: true when any OR branch has all its constraints satisfied.
    pub fn check(&self, v: &Version) -> bool {
        self.0.iter().any(|ands| ands.iter().all(|c| c.check(v)))
    }
}

impl GoObject for Version {
    fn type_name(&self) -> &str {
        "*semver.Version"
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Major" => Value::int(self.major as i64),
            "Minor" => Value::int(self.minor as i64),
            "Patch" => Value::int(self.patch as i64),
            "Prerelease" => Value::str(self.pre.as_str()),
            "Metadata" => Value::str(self.metadata.as_str()),
            "Original" => Value::str(self.original.as_str()),
            "String" => Value::str(self.render()),
            _ => return None,
        })
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let other = || -> Result<Version, String> {
            let s = args.first().map(strval).unwrap_or_default();
            Version::parse(&s).map_err(|e| e.0)
        };
        match name {
            "Compare" => Some(other().map(|o| Value::int(self.compare(&o) as i64))),
            "LessThan" => Some(other().map(|o| Value::bool(self.compare(&o) == Ordering::Less))),
            "GreaterThan" => {
                Some(other().map(|o| Value::bool(self.compare(&o) == Ordering::Greater)))
            }
            "Equal" => Some(other().map(|o| Value::bool(self.compare(&o) == Ordering::Equal))),
            _ => self.field(name).map(Ok),
        }
    }

    fn display(&self) -> String {
        self.render()
    }
}

fn f_semver(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let v = Version::parse(&strval(&a[0]))?;
    Ok(Value::object(Rc::new(v)))
}

fn f_semver_compare(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let c = Constraints::parse(&strval(&a[0]))?;
    let v = Version::parse(&strval(&a[1]))?;
    Ok(Value::bool(c.check(&v)))
}

/// Sprig's semantic-version functions.
pub static FUNCS: &[FuncDef] = &[
    def("semver", &[Ty::Str], None, f_semver),
    def("semverCompare", &[Ty::Str, Ty::Str], None, f_semver_compare),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::funcs::types::testutil::*;

    #[test]
    fn semver_compare_oracle_table() {
        check_table(vec![
            (
                "semverCompare",
                vec![s(">=1.26-0"), s("1.28.3-gke.100")],
                "true",
            ),
            (
                "semverCompare",
                vec![s(">=1.26"), s("1.28.3-gke.100")],
                "false",
            ),
            ("semverCompare", vec![s("^1.2"), s("1.9.0")], "true"),
            ("semverCompare", vec![s("~1.2.3"), s("1.3.0")], "false"),
            ("semverCompare", vec![s("1.x"), s("1.5")], "true"),
            ("semverCompare", vec![s(">= 1.2, < 3"), s("2.0")], "true"),
            ("semverCompare", vec![s("<1 || >=2.1"), s("2.0.5")], "false"),
            ("semverCompare", vec![s(">1.2"), s("1.2.5")], "false"),
            ("semverCompare", vec![s(">1.2"), s("1.3.0")], "true"),
            ("semverCompare", vec![s("<=1.2"), s("1.2.9")], "true"),
            ("semverCompare", vec![s("!=1.2.x"), s("1.2.3")], "false"),
            ("semverCompare", vec![s("^0.2.3"), s("0.2.9")], "true"),
            ("semverCompare", vec![s("^0.0.3"), s("0.0.4")], "false"),
            ("semverCompare", vec![s("1.2 - 1.4"), s("1.4.0")], "true"),
            ("semverCompare", vec![s("*"), s("1.0.0-alpha")], "false"),
            (
                "semverCompare",
                vec![s(">=1.0.0-alpha.2"), s("1.0.0-alpha.10")],
                "true",
            ),
            (
                "semverCompare",
                vec![s("=v1.2.3"), s("v1.2.3+meta")],
                "true",
            ),
            ("semverCompare", vec![s("~1"), s("1.9.9")], "true"),
            ("semverCompare", vec![s(">=1.22.0-0"), s("v1.31.1")], "true"),
            (
                "semverCompare",
                vec![s("foo"), s("1.2.3")],
                "ERR: improper constraint: \"foo\"",
            ),
            (
                "semverCompare",
                vec![s(">1"), s("1.2.3.4")],
                "ERR: invalid semantic version",
            ),
            ("semver", vec![s("v1.2.3-rc.1+b5")], "1.2.3-rc.1+b5"),
        ]);
    }
}
