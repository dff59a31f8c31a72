//! Just enough of Masterminds/semver v3 for dependency matching: version
//! parsing (`v` prefix, partial versions, prerelease) and constraint checks
//! (`=`, `!=`, `>`, `>=`, `<`, `<=`, `~`, `^`, `x`/`*` wildcards, `,`/space
//! AND, `||` OR, `a - b` ranges).

use std::cmp::Ordering;

/// A semantic version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// Major, minor, patch.
    pub nums: [u64; 3],
    /// Prerelease identifiers (after `-`), empty for a release.
    pub pre: String,
}

impl Version {
    /// Parse a version as Masterminds' `NewVersion` does (coercing `1.2` to `1.2.0`).
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let s = s.split('+').next().unwrap_or("");
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) if !p.is_empty() => (c, p.to_string()),
            Some(_) => return None,
            None => (s, String::new()),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let mut nums = [0u64; 3];
        for (i, p) in parts.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            nums[i] = p.parse().ok()?;
        }
        Some(Version { nums, pre })
    }

    fn cmp_full(&self, other: &Version) -> Ordering {
        self.nums
            .cmp(&other.nums)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => cmp_pre(&self.pre, &other.pre),
            })
    }
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    let (ia, ib): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in ia.iter().zip(ib.iter()) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(p), Ok(q)) => p.cmp(&q),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    ia.len().cmp(&ib.len())
}

/// A constraint bound: a version with how many of its parts were given (wildcards stop the count).
struct Bound {
    v: Version,
    given: usize,
}

fn parse_bound(s: &str) -> Option<Bound> {
    let s = s.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    if s.is_empty() || s == "*" || s == "x" || s == "X" {
        return Some(Bound {
            v: Version {
                nums: [0; 3],
                pre: String::new(),
            },
            given: 0,
        });
    }
    let (core, pre) = match s.split_once('-') {
        Some((c, p)) => (c, p.to_string()),
        None => (s, String::new()),
    };
    let mut nums = [0u64; 3];
    let mut given = 0;
    for (i, p) in core.split('.').enumerate() {
        if i >= 3 {
            return None;
        }
        if matches!(p, "x" | "X" | "*") {
            break;
        }
        nums[i] = p.parse().ok()?;
        given = i + 1;
    }
    Some(Bound {
        v: Version { nums, pre },
        given,
    })
}

fn check_one(c: &str, v: &Version) -> Option<bool> {
    let c = c.trim();
    let ops = ["!=", ">=", "<=", "=>", "=<", ">", "<", "=", "~>", "~", "^"];
    let (op, rest) = ops
        .iter()
        .find_map(|op| c.strip_prefix(op).map(|r| (*op, r)))
        .unwrap_or(("", c));
    let b = parse_bound(rest)?;
    // Prereleases only match constraints that carry a prerelease themselves.
    if !v.pre.is_empty() && b.v.pre.is_empty() {
        return Some(false);
    }
    let lo = &b.v;
    let next = |level: usize| {
        let mut n = lo.nums;
        if level == 0 {
            n = [n[0] + 1, 0, 0];
        } else if level == 1 {
            n = [n[0], n[1] + 1, 0];
        } else {
            n = [n[0], n[1], n[2] + 1];
        }
        Version {
            nums: n,
            pre: String::new(),
        }
    };
    let ge = v.cmp_full(lo) != Ordering::Less;
    let within = |upper: Version| ge && v.nums < upper.nums;
    Some(match op {
        "" | "=" => {
            if b.given == 0 {
                true
            } else if b.given < 3 {
                within(next(b.given - 1))
            } else {
                v.cmp_full(lo) == Ordering::Equal
            }
        }
        "!=" => v.cmp_full(lo) != Ordering::Equal,
        ">" => {
            if b.given < 3 && b.given > 0 {
                v.nums >= next(b.given - 1).nums
            } else {
                v.cmp_full(lo) == Ordering::Greater
            }
        }
        ">=" | "=>" => ge,
        "<" => v.cmp_full(lo) == Ordering::Less,
        "<=" | "=<" => {
            if b.given < 3 && b.given > 0 {
                v.nums < next(b.given - 1).nums
            } else {
                v.cmp_full(lo) != Ordering::Greater
            }
        }
        "~" | "~>" => {
            if b.given <= 1 {
                within(next(0))
            } else {
                within(next(1))
            }
        }
        "^" => {
            if lo.nums[0] > 0 || b.given <= 1 {
                within(next(0))
            } else if lo.nums[1] > 0 || b.given == 2 {
                within(next(1))
            } else {
                within(next(2))
            }
        }
        _ => return None,
    })
}

/// Helm's `IsCompatibleRange`: does `version` satisfy `constraint`? A version
/// or constraint that does not parse gives `false`.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Some(v) = Version::parse(version) else {
        return false;
    };
    if constraint.trim().is_empty() {
        return false;
    }
    let mut any = false;
    for alt in constraint.split("||") {
        let mut all = true;
        let alt = alt.trim();
        if let Some((a, b)) = alt.split_once(" - ") {
            let r = check_one(&format!(">={}", a.trim()), &v)
                .zip(check_one(&format!("<={}", b.trim()), &v));
            match r {
                Some((x, y)) => all = x && y,
                None => return false,
            }
        } else {
            for part in alt.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
                match check_one(part, &v) {
                    Some(ok) => all &= ok,
                    None => return false,
                }
            }
        }
        any |= all;
    }
    any
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraints() {
        let cases = [
            ("1.0.0", "1.0.0", true),
            ("1.0.0", "1.0.1", false),
            ("^1.2.0", "1.9.0", true),
            ("^1.2.0", "2.0.0", false),
            ("~1.2.0", "1.2.9", true),
            ("~1.2.0", "1.3.0", false),
            (">=1.0.0, <2.0.0", "1.5.0", true),
            ("1.x", "1.4.2", true),
            ("*", "3.0.0", true),
            ("0.3.9", "0.3.9", true),
            (">1.0.0 || <0.5.0", "0.4.0", true),
        ];
        for (c, v, want) in cases {
            assert_eq!(is_compatible_range(c, v), want, "{c} {v}");
        }
    }
}
