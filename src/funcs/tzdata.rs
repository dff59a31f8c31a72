//! Named time zones for `dateInZone` and `htmlDateInZone`: the zone in
//! effect at an instant, read from the system's zone database (TZif files)
//! where Go's `time.LoadLocation` reads it.
//!
//! The transitions of the file are used (Debian and most systems ship
//! "fat" files with transitions through 2037); past the last transition the
//! last zone stays in effect (Go would apply the file's POSIX rule there).

use std::path::PathBuf;

use super::dates::Zone;

/// Where Go looks for zone files (`$ZONEINFO` first, then the platform's folders).
fn zone_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(z) = std::env::var_os("ZONEINFO") {
        dirs.push(PathBuf::from(z));
    }
    for d in [
        "/usr/share/zoneinfo",
        "/usr/share/lib/zoneinfo",
        "/usr/lib/locale/TZ",
        "/etc/zoneinfo",
    ] {
        dirs.push(PathBuf::from(d));
    }
    dirs
}

/// Go's name check in `LoadLocation`: no absolute paths, no `..`, no `\`.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.split('/').any(|p| p == "..")
}

/// The zone named `name` in effect at `unix` seconds, or `None` when the
/// name is unknown (Sprig then formats in UTC).
pub fn zone_at(name: &str, unix: i64) -> Option<Zone> {
    if !valid_name(name) {
        return None;
    }
    let data = zone_dirs()
        .into_iter()
        .find_map(|d| std::fs::read(d.join(name)).ok())?;
    let tz = parse(&data)?;
    let idx = tz.type_at(unix);
    let (offset, abbr) = tz.types.get(idx)?.clone();
    Some(Zone {
        name: abbr.into(),
        offset,
    })
}

/// The parts of a TZif file a lookup needs.
struct TzFile {
    /// Transition times and the type each switches to.
    transitions: Vec<(i64, usize)>,
    /// Local time types: offset and abbreviation.
    types: Vec<(i32, String)>,
    /// Whether each type is daylight saving time.
    is_dst: Vec<bool>,
}

impl TzFile {
    /// Go's `lookup`: the type in effect at `t`.
    fn type_at(&self, t: i64) -> usize {
        match self.transitions.partition_point(|&(when, _)| when <= t) {
            0 => self.first_type(),
            n => self.transitions[n - 1].1,
        }
    }

    /// Go's `lookupFirstZone`: the type before the first transition.
    fn first_type(&self) -> usize {
        let used = |i: usize| self.transitions.iter().any(|&(_, k)| k == i);
        if !used(0) {
            return 0;
        }
        if let Some(&(_, first)) = self.transitions.first() {
            if self.is_dst.get(first).copied().unwrap_or(false) {
                if let Some(i) = (0..first).rev().find(|&i| !self.is_dst[i]) {
                    return i;
                }
            }
        }
        self.is_dst.iter().position(|d| !d).unwrap_or(0)
    }
}

/// A big-endian reader over the file.
struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i64(&mut self) -> Option<i64> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Some(i64::from_be_bytes(a))
    }
}

/// The counts of a TZif header.
struct Counts {
    isut: usize,
    isstd: usize,
    leap: usize,
    time: usize,
    types: usize,
    chars: usize,
}

fn header(r: &mut Reader) -> Option<(u8, Counts)> {
    if r.take(4)? != b"TZif" {
        return None;
    }
    let version = r.take(1)?[0];
    r.take(15)?;
    let mut n = [0usize; 6];
    for c in &mut n {
        *c = usize::try_from(r.u32()?).ok()?;
    }
    Some((
        version,
        Counts {
            isut: n[0],
            isstd: n[1],
            leap: n[2],
            time: n[3],
            types: n[4],
            chars: n[5],
        },
    ))
}

/// Parse a TZif file: the 64-bit block of a version 2+ file, else the
/// 32-bit one.
fn parse(data: &[u8]) -> Option<TzFile> {
    let mut r = Reader { data, pos: 0 };
    let (version, mut c) = header(&mut r)?;
    let mut wide = false;
    if version >= b'2' {
        // Skip the 32-bit block.
        let skip = c.time * 5 + c.types * 6 + c.chars + c.leap * 8 + c.isstd + c.isut;
        r.take(skip)?;
        c = header(&mut r)?.1;
        wide = true;
    }
    let mut times = Vec::with_capacity(c.time);
    for _ in 0..c.time {
        times.push(if wide {
            r.i64()?
        } else {
            i64::from(r.u32()? as i32)
        });
    }
    let idx = r.take(c.time)?;
    let mut raw_types = Vec::with_capacity(c.types);
    for _ in 0..c.types {
        let off = r.u32()? as i32;
        let b = r.take(2)?;
        raw_types.push((off, b[0] != 0, usize::from(b[1])));
    }
    let chars = r.take(c.chars)?;
    let abbr = |at: usize| -> String {
        let rest = chars.get(at..).unwrap_or_default();
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        String::from_utf8_lossy(&rest[..end]).into_owned()
    };
    let types: Vec<(i32, String)> = raw_types.iter().map(|&(o, _, a)| (o, abbr(a))).collect();
    let is_dst = raw_types.iter().map(|&(_, d, _)| d).collect();
    let transitions = times
        .into_iter()
        .zip(idx.iter().map(|&i| usize::from(i)))
        .filter(|&(_, i)| i < types.len())
        .collect();
    if types.is_empty() {
        return None;
    }
    Some(TzFile {
        transitions,
        types,
        is_dst,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn names_that_escape_the_database_are_refused() {
        assert!(!valid_name("../etc/passwd"));
        assert!(!valid_name("/etc/localtime"));
        assert!(valid_name("America/New_York"));
        assert_eq!(zone_at("No/Such_Zone", 0), None);
    }

    #[test]
    fn new_york_has_daylight_saving_time() {
        // Skipped where the system has no zone database.
        let Some(winter) = zone_at("America/New_York", 1_700_000_000) else {
            return;
        };
        assert_eq!((&*winter.name, winter.offset), ("EST", -5 * 3600));
        let summer = zone_at("America/New_York", 1_690_000_000).unwrap();
        assert_eq!((&*summer.name, summer.offset), ("EDT", -4 * 3600));
    }
}
