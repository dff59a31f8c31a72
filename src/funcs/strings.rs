//! Sprig's string functions (`trim`, `indent`, `quote`, `replace`, `split`,
//! `join`, ...) and the path helpers (`base`, `clean`, ...).
//!
//! Functions that move text build their result with a [`TextBuilder`]: every
//! output byte keeps the source of the input byte it came from, inserted text
//! (indent spaces, quotes, separators) gets the call site.

use std::ops::Range;
use std::rc::Rc;

use super::types::{strval, strval_traced};
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::traced::{Decision, RawByte, Run, Source, TStr, TextBuilder, Trace};
use crate::value::{MapData, Repr, Value};

/// A string argument as traced text (untraced bytes attributed to the value's deps).
pub(crate) fn targ(ctx: &FuncCtx, args: &[Value], i: usize) -> TStr {
    match args.get(i) {
        Some(v) => strval_traced(ctx, v),
        None => TStr::default(),
    }
}

/// An int argument.
pub(crate) fn iarg(args: &[Value], i: usize) -> i64 {
    match args.get(i).map(|v| &v.repr) {
        Some(Repr::Int(i, _)) => *i,
        Some(Repr::Float(f)) => super::types::go_float_to_int(*f),
        _ => 0,
    }
}

/// A string argument's text.
pub(crate) fn sarg(args: &[Value], i: usize) -> String {
    args.get(i).map(strval).unwrap_or_default()
}

/// The segments of a traced string with their sources (gaps have none).
pub(crate) fn segments(s: &TStr) -> Vec<(Range<usize>, Option<Rc<Source>>)> {
    let mut out = Vec::new();
    let mut cursor = 0;
    for r in s.runs() {
        let (a, b) = (r.start as usize, r.end as usize);
        if a > cursor {
            out.push((cursor..a, None));
        }
        out.push((a..b, Some(r.source.clone())));
        cursor = b;
    }
    if cursor < s.len() {
        out.push((cursor..s.len(), None));
    }
    out
}

/// Rewrite a traced string piece by piece (`f` sees each run's text in
/// order), keeping each piece's source. Decisions survive when the length does.
pub(crate) fn map_segments(s: &TStr, mut f: impl FnMut(&str) -> String) -> TStr {
    let mut b = TextBuilder::with_capacity(s.len());
    for (range, src) in segments(s) {
        let piece = f(&s.as_str()[range]);
        match src {
            Some(src) => b.push_str(&piece, &src),
            None => b.push_plain(&piece),
        }
    }
    if b.len() == s.len() {
        for d in s.decisions() {
            b.push_decision(d.clone());
        }
    }
    b.finish()
}

/// Apply sorted, non-overlapping edits (byte range of `s` → replacement text)
/// to traced text in one pass. Unchanged bytes keep their runs, replacements
/// bring their own trace, and each decision of `s` is mapped once (not split
/// per piece): a position inside a replaced range moves to that replacement's
/// start (for a decision start) or end (for a decision end); a position at an
/// insertion point stays before the inserted text.
pub(crate) fn apply_edits(s: &TStr, edits: &[(Range<usize>, TStr)]) -> TStr {
    if edits.is_empty() {
        return s.clone();
    }
    let src = s.as_str();
    let extra: usize = edits.iter().map(|(_, t)| t.len()).sum();
    let mut text = String::with_capacity(src.len() + extra);
    let mut runs: Vec<Run> = Vec::new();
    let mut decisions: Vec<Decision> = Vec::new();
    // (input position, output position) at the start and end of each edit.
    let mut marks: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(edits.len());
    let in_runs = s.runs();
    let mut ri = 0;
    let push_run = |runs: &mut Vec<Run>, start: usize, end: usize, source: &Rc<Source>| {
        if start >= end {
            return;
        }
        if let Some(last) = runs.last_mut() {
            if last.end as usize == start && Rc::ptr_eq(&last.source, source) {
                last.end = end as u32;
                return;
            }
        }
        runs.push(Run {
            start: start as u32,
            end: end as u32,
            source: source.clone(),
        });
    };
    // Raw bytes (not UTF-8) in the parts copied unchanged stay raw.
    let in_raw = s.raw();
    let mut raw: Vec<RawByte> = Vec::new();
    let copy = |text: &mut String,
                runs: &mut Vec<Run>,
                raw: &mut Vec<RawByte>,
                a: usize,
                b: usize,
                ri: &mut usize| {
        let base = text.len();
        text.push_str(&src[a..b]);
        for r in in_raw {
            let at = r.at as usize;
            if at >= a && at < b {
                raw.push(RawByte {
                    at: (base + at - a) as u32,
                    byte: r.byte,
                });
            }
        }
        while *ri < in_runs.len() && (in_runs[*ri].end as usize) <= a {
            *ri += 1;
        }
        let mut k = *ri;
        while k < in_runs.len() && (in_runs[k].start as usize) < b {
            let r = &in_runs[k];
            let (rs, cs) = (r.start as usize, (r.start as usize).max(a));
            let ce = (r.end as usize).min(b);
            if cs > rs && r.source.deps.is_empty() && r.source.loc.is_some() {
                // A piece of a literal keeps the template position it starts at.
                let shifted = Rc::new(r.source.shifted((cs - rs) as u32));
                push_run(runs, base + cs - a, base + ce - a, &shifted);
            } else {
                push_run(runs, base + cs - a, base + ce - a, &r.source);
            }
            k += 1;
        }
    };
    let mut last = 0;
    for (range, rep) in edits {
        let valid = range.start >= last
            && range.start <= range.end
            && range.end <= src.len()
            && src.is_char_boundary(range.start)
            && src.is_char_boundary(range.end);
        if !valid {
            continue;
        }
        copy(&mut text, &mut runs, &mut raw, last, range.start, &mut ri);
        let out_start = text.len();
        text.push_str(rep.as_str());
        for r in rep.runs() {
            push_run(
                &mut runs,
                out_start + r.start as usize,
                out_start + r.end as usize,
                &r.source,
            );
        }
        for d in rep.decisions() {
            let mut nd = d.clone();
            nd.start += out_start as u32;
            nd.end += out_start as u32;
            decisions.push(nd);
        }
        marks.push((range.start, range.end, out_start, text.len()));
        last = range.end;
    }
    copy(&mut text, &mut runs, &mut raw, last, src.len(), &mut ri);
    let map = |x: usize, is_end: bool| -> usize {
        // The last edit that starts strictly before x decides.
        let k = marks.partition_point(|m| m.0 < x);
        if k == 0 {
            return x;
        }
        let (_, b, oa, ob) = marks[k - 1];
        if x >= b {
            ob + (x - b)
        } else if is_end {
            ob
        } else {
            oa
        }
    };
    for d in s.decisions() {
        let mut nd = d.clone();
        nd.start = map(d.start as usize, false) as u32;
        nd.end = map(d.end as usize, true).max(nd.start as usize) as u32;
        decisions.push(nd);
    }
    TStr::from_parts(
        text,
        Trace {
            runs,
            decisions,
            raw: (!raw.is_empty()).then(|| Rc::from(raw)),
        },
    )
}

fn tv(s: TStr) -> FuncResult {
    Ok(Value::tstr(s))
}

/// Go's `unicode.ToUpper` on one rune (a rune without a one-rune mapping stays).
pub(crate) fn go_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToTitle` on one rune (upper case except for the Latin digraphs).
pub(crate) fn go_title(c: char) -> char {
    match c as u32 {
        0x1C4..=0x1C6 => '\u{1C5}',
        0x1C7..=0x1C9 => '\u{1C8}',
        0x1CA..=0x1CC => '\u{1CB}',
        0x1F1..=0x1F3 => '\u{1F2}',
        _ => go_upper(c),
    }
}

/// Go's `unicode.ToLower` on one rune.
pub(crate) fn go_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        (Some(u), Some(_)) if c == '\u{130}' => u,
        _ => c,
    }
}

/// Go's `unicode.IsSpace`.
pub(crate) fn go_is_space(c: char) -> bool {
    c.is_whitespace()
}

/// `strconv.Quote` without the surrounding quotes.
pub fn go_quote_inner(s: &str, out: &mut String) {
    let quoted = crate::gofmt::go_quote(s, false);
    out.push_str(&quoted[1..quoted.len() - 1]);
}

/// `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    crate::gofmt::go_quote(s, false)
}

fn f_trim(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let s = targ(ctx, &a, 0);
    let t = s.as_str();
    let start = t.len() - t.trim_start().len();
    let end = start + t[start..].trim_end().len();
    tv(s.slice(start..end))
}

fn trim_cutset(s: &TStr, cutset: &str, left: bool, right: bool) -> TStr {
    let t = s.as_str();
    let inset = |c: char| cutset.contains(c);
    let start = if left {
        t.len() - t.trim_start_matches(inset).len()
    } else {
        0
    };
    let end = if right {
        start + t[start..].trim_end_matches(inset).len()
    } else {
        t.len()
    };
    s.slice(start..end)
}

fn f_trim_all(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let cutset = sarg(&a, 0);
    tv(trim_cutset(&targ(ctx, &a, 1), &cutset, true, true))
}

fn f_trim_prefix(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = sarg(&a, 0);
    let s = targ(ctx, &a, 1);
    if s.as_str().starts_with(p.as_str()) {
        return tv(s.slice(p.len()..s.len()));
    }
    tv(s)
}

fn f_trim_suffix(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = sarg(&a, 0);
    let s = targ(ctx, &a, 1);
    if s.as_str().ends_with(p.as_str()) {
        return tv(s.slice(0..s.len() - p.len()));
    }
    tv(s)
}

fn f_upper(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    tv(map_segments(&targ(ctx, &a, 0), |p| {
        p.chars().map(go_upper).collect()
    }))
}

fn f_lower(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    tv(map_segments(&targ(ctx, &a, 0), |p| {
        p.chars().map(go_lower).collect()
    }))
}

/// `strings.Title`'s word separator test.
fn title_separator(r: char) -> bool {
    if (r as u32) <= 0x7f {
        return !(r.is_ascii_alphanumeric() || r == '_');
    }
    if r.is_alphanumeric() {
        return false;
    }
    go_is_space(r)
}

fn f_title(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut prev = ' ';
    tv(map_segments(&targ(ctx, &a, 0), |p| {
        p.chars()
            .map(|c| {
                let out = if title_separator(prev) {
                    go_title(c)
                } else {
                    c
                };
                prev = c;
                out
            })
            .collect()
    }))
}

fn f_untitle(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut next = true;
    tv(map_segments(&targ(ctx, &a, 0), |p| {
        p.chars()
            .map(|c| {
                if go_is_space(c) {
                    next = true;
                    c
                } else if next {
                    next = false;
                    go_lower(c)
                } else {
                    c
                }
            })
            .collect()
    }))
}

fn f_swapcase(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    // goutils.SwapCase: lower case after whitespace (or at the start) becomes title case.
    let mut ws = true;
    tv(map_segments(&targ(ctx, &a, 0), |p| {
        p.chars()
            .map(|c| {
                if c.is_uppercase() {
                    ws = false;
                    go_lower(c)
                } else if c.is_lowercase() {
                    let out = go_upper(c);
                    ws = false;
                    out
                } else {
                    ws = go_is_space(c);
                    c
                }
            })
            .collect()
    }))
}

fn f_replace(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let old = sarg(&a, 0);
    let new = targ(ctx, &a, 1);
    let src = targ(ctx, &a, 2);
    tv(replace_all(&src, &old, &new))
}

/// `strings.Replace(src, old, new, -1)` on traced text.
pub(crate) fn replace_all(src: &TStr, old: &str, new: &TStr) -> TStr {
    let s = src.as_str();
    let edits: Vec<(Range<usize>, TStr)> = if old.is_empty() {
        let mut e: Vec<(Range<usize>, TStr)> =
            s.char_indices().map(|(i, _)| (i..i, new.clone())).collect();
        e.push((s.len()..s.len(), new.clone()));
        e
    } else {
        s.match_indices(old)
            .map(|(i, _)| (i..i + old.len(), new.clone()))
            .collect()
    };
    apply_edits(src, &edits)
}

fn f_repeat(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let n = iarg(&a, 0);
    let s = targ(ctx, &a, 1);
    if n < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    crate::limits::check_string(s.len() as u128 * n as u128).map_err(FuncError)?;
    let mut b = TextBuilder::with_capacity(s.len() * n as usize);
    for _ in 0..n {
        b.push_tstr(&s);
    }
    tv(b.finish())
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn f_substr(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let (start, end) = (iarg(&a, 0), iarg(&a, 1));
    let s = targ(ctx, &a, 2);
    let len = s.len() as i64;
    let oob = |m: String| {
        Err(FuncError::new(format!(
            "runtime error: slice bounds out of range {m}"
        )))
    };
    let (lo, hi) = if start < 0 {
        // s[:end]
        if end < 0 || end > len {
            return oob(format!("[:{end}] with length {len}"));
        }
        (0, end)
    } else if end < 0 || end > len {
        // s[start:]
        if start > len {
            return oob(format!("[{start}:{len}]"));
        }
        (start, len)
    } else {
        if start > end {
            return oob(format!("[{start}:{end}]"));
        }
        (start, end)
    };
    let t = s.as_str();
    tv(s.slice(floor_boundary(t, lo as usize)..floor_boundary(t, hi as usize)))
}

fn f_trunc(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let c = iarg(&a, 0);
    let s = targ(ctx, &a, 1);
    let len = s.len() as i64;
    let t = s.as_str();
    if c < 0 && len + c > 0 {
        let i = (len + c) as usize;
        let mut j = i;
        while j < t.len() && !t.is_char_boundary(j) {
            j += 1;
        }
        return tv(s.slice(j..t.len()));
    }
    if c >= 0 && len > c {
        return tv(s.slice(0..floor_boundary(t, c as usize)));
    }
    tv(s)
}

fn abbreviate(s: &TStr, offset: i64, max_width: i64, ctx: &FuncCtx) -> TStr {
    let len = s.len() as i64;
    if s.is_empty() || len <= max_width {
        return s.clone();
    }
    let t = s.as_str();
    let mut b = TextBuilder::new();
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        b.push_slice(s, 0..floor_boundary(t, (max_width - 3) as usize));
        b.push_str("...", &ctx.site);
        return b.finish();
    }
    if offset + max_width - 3 < len {
        let rest = s.slice(floor_boundary(t, offset as usize)..t.len());
        b.push_str("...", &ctx.site);
        b.push_tstr(&abbreviate(&rest, 0, max_width - 3, ctx));
        return b.finish();
    }
    b.push_str("...", &ctx.site);
    b.push_slice(
        s,
        floor_boundary(t, (len - (max_width - 3)) as usize)..t.len(),
    );
    b.finish()
}

fn f_abbrev(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let w = iarg(&a, 0);
    let s = targ(ctx, &a, 1);
    if w < 4 {
        return tv(s);
    }
    tv(abbreviate(&s, 0, w, ctx))
}

fn f_abbrevboth(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let (l, r) = (iarg(&a, 0), iarg(&a, 1));
    let s = targ(ctx, &a, 2);
    if r < 4 || (l > 0 && r < 7) {
        return tv(s);
    }
    tv(abbreviate(&s, l, r, ctx))
}

fn f_contains(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(sarg(&a, 1).contains(sarg(&a, 0).as_str())))
}

fn f_has_prefix(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(sarg(&a, 1).starts_with(sarg(&a, 0).as_str())))
}

fn f_has_suffix(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(sarg(&a, 1).ends_with(sarg(&a, 0).as_str())))
}

fn f_quote(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut b = TextBuilder::new();
    let mut first = true;
    for v in a.iter().filter(|v| !v.is_nil()) {
        if !first {
            b.push_str(" ", &ctx.site);
        }
        first = false;
        b.push_str("\"", &ctx.site);
        let s = strval_traced(ctx, v);
        let q = quote_escape(&s);
        b.push_tstr(&q);
        b.push_str("\"", &ctx.site);
    }
    tv(b.finish())
}

/// `strconv.Quote`'s escaping (without the quotes) on traced text; each
/// escape sequence keeps the source of the character it stands for.
fn quote_escape(s: &TStr) -> TStr {
    let mut edits: Vec<(Range<usize>, TStr)> = Vec::new();
    let mut buf = String::new();
    let raw = s.raw();
    let mut next_raw = 0;
    for (i, c) in s.as_str().char_indices() {
        buf.clear();
        if raw.get(next_raw).is_some_and(|r| r.at as usize == i) {
            // A byte that is not UTF-8: strconv.Quote writes `\xNN`.
            buf.push_str(&format!("\\x{:02x}", raw[next_raw].byte));
            next_raw += 1;
        } else {
            go_quote_inner(c.encode_utf8(&mut [0u8; 4]), &mut buf);
        }
        if buf.len() == c.len_utf8() {
            continue;
        }
        let rep = match source_at(s, i) {
            Some(src) => TStr::with_source(buf.clone(), src),
            None => TStr::plain(buf.clone()),
        };
        edits.push((i..i + c.len_utf8(), rep));
    }
    apply_edits(s, &edits)
}

fn f_squote(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut b = TextBuilder::new();
    let mut first = true;
    for v in a.iter().filter(|v| !v.is_nil()) {
        if !first {
            b.push_str(" ", &ctx.site);
        }
        first = false;
        b.push_str("'", &ctx.site);
        b.push_tstr(&strval_traced(ctx, v));
        b.push_str("'", &ctx.site);
    }
    tv(b.finish())
}

fn f_cat(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let mut b = TextBuilder::new();
    let mut first = true;
    for v in a.iter().filter(|v| !v.is_nil()) {
        if !first {
            b.push_str(" ", &ctx.site);
        }
        first = false;
        b.push_tstr(&strval_traced(ctx, v));
    }
    tv(b.finish())
}

/// Sprig's `indent` on traced text.
pub(crate) fn indent(
    ctx: &FuncCtx,
    n: i64,
    s: &TStr,
    lead_newline: bool,
) -> Result<TStr, FuncError> {
    if n < 0 {
        return Err(FuncError::new("strings: negative Repeat count"));
    }
    let lines = s.as_str().bytes().filter(|&b| b == b'\n').count() as u128 + 1;
    crate::limits::check_string(s.len() as u128 + lines * n as u128 + 1).map_err(FuncError)?;
    let pad = TStr::with_source(" ".repeat(n as usize), ctx.site.clone());
    let t = s.as_str();
    let mut edits: Vec<(Range<usize>, TStr)> = Vec::with_capacity(t.len() / 16 + 2);
    let first = if lead_newline {
        let mut b = TextBuilder::new();
        b.push_str("\n", &ctx.site);
        b.push_tstr(&pad);
        b.finish()
    } else {
        pad.clone()
    };
    edits.push((0..0, first));
    for (i, _) in t.match_indices('\n') {
        edits.push((i + 1..i + 1, pad.clone()));
    }
    Ok(apply_edits(s, &edits))
}

fn f_indent(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    tv(indent(ctx, iarg(&a, 0), &targ(ctx, &a, 1), false)?)
}

fn f_nindent(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    tv(indent(ctx, iarg(&a, 0), &targ(ctx, &a, 1), true)?)
}

/// The source of byte `i` of a traced string, if it has one.
pub(crate) fn source_at(s: &TStr, i: usize) -> Option<Rc<Source>> {
    let runs = s.runs();
    let k = runs.partition_point(|r| (r.end as usize) <= i);
    runs.get(k)
        .filter(|r| (r.start as usize) <= i)
        .map(|r| r.source.clone())
}

/// `unicode.IsSpace` of a byte read as a rune (goutils works byte by byte).
fn byte_is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

fn f_nospace(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    // goutils.DeleteWhiteSpace: byte by byte, each kept byte re-encoded as a
    // rune (so non-ASCII text is mangled once anything is removed).
    let s = targ(ctx, &a, 0);
    let bytes = s.as_str().as_bytes();
    if !bytes.iter().any(|&b| byte_is_space(b)) {
        return tv(s);
    }
    let mut edits: Vec<(Range<usize>, TStr)> = Vec::new();
    for (i, c) in s.as_str().char_indices() {
        let n = c.len_utf8();
        if n == 1 {
            if byte_is_space(bytes[i]) {
                edits.push((i..i + 1, TStr::default()));
            }
            continue;
        }
        // Each byte of a multi-byte rune becomes its own (Latin-1) rune.
        let text: String = bytes[i..i + n]
            .iter()
            .filter(|&&x| !byte_is_space(x))
            .map(|&x| char::from(x))
            .collect();
        let rep = match source_at(&s, i) {
            Some(src) => TStr::with_source(text, src),
            None => TStr::plain(text),
        };
        edits.push((i..i + n, rep));
    }
    tv(apply_edits(&s, &edits))
}

fn f_initials(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let s = targ(ctx, &a, 0);
    let mut b = TextBuilder::new();
    let mut gap = true;
    for (i, byte) in s.as_str().bytes().enumerate() {
        let ch = char::from(byte);
        if go_is_space(ch) {
            gap = true;
        } else if gap {
            gap = false;
            if byte.is_ascii() {
                b.push_slice(&s, i..i + 1);
            } else {
                match source_at(&s, i) {
                    Some(src) => b.push_str(&ch.to_string(), &src),
                    None => b.push_plain(&ch.to_string()),
                }
            }
        }
    }
    tv(b.finish())
}

/// goutils.WrapCustom on traced text (as edits: the spaces it breaks at
/// become the newline text, skipped leading spaces are dropped).
fn wrap_custom(ctx: &FuncCtx, s: &TStr, width: i64, nl: &TStr, long_words: bool) -> TStr {
    let t = s.as_str();
    if t.is_empty() {
        return s.clone();
    }
    let nl = if nl.is_empty() {
        TStr::with_source("\n", ctx.site.clone())
    } else {
        nl.clone()
    };
    let width = width.max(1) as usize;
    let bytes = t.as_bytes();
    let len = t.len();
    let mut off = 0;
    let mut edits: Vec<(Range<usize>, TStr)> = Vec::new();
    while len - off > width {
        if bytes[off] == b' ' {
            edits.push((off..off + 1, TStr::default()));
            off += 1;
            continue;
        }
        let end = (width + off + 1).min(len);
        if let Some(sp) = bytes[off..end].iter().rposition(|&c| c == b' ') {
            let sp = sp + off;
            edits.push((sp..sp + 1, nl.clone()));
            off = sp + 1;
        } else if long_words {
            let mut e = width + off;
            while e < len && !t.is_char_boundary(e) {
                e += 1;
            }
            edits.push((e..e, nl.clone()));
            off = e;
        } else {
            let e = width + off;
            match bytes[e..].iter().position(|&c| c == b' ') {
                Some(ix) => {
                    edits.push((ix + e..ix + e + 1, nl.clone()));
                    off = ix + e + 1;
                }
                None => off = len,
            }
        }
    }
    apply_edits(s, &edits)
}

fn f_wrap(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let s = targ(ctx, &a, 1);
    tv(wrap_custom(ctx, &s, iarg(&a, 0), &TStr::default(), false))
}

fn f_wrap_with(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let sep = targ(ctx, &a, 1);
    let s = targ(ctx, &a, 2);
    tv(wrap_custom(ctx, &s, iarg(&a, 0), &sep, true))
}

fn f_plural(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let pick = if iarg(&a, 2) == 1 { 0 } else { 1 };
    Ok(a.get(pick).cloned().unwrap_or_default())
}

/// Go's `unicode.IsPunct` (exact for ASCII; other scripts count as not punctuation).
fn go_is_punct(c: char) -> bool {
    c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c)
}

/// xstrings' connector runes: `-`, `_` and white space.
fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || go_is_space(c)
}

/// xstrings' `isAlphabet`: a letter that is not a CJK ideograph.
fn is_alphabet(c: char) -> bool {
    if !c.is_alphabetic() {
        return false;
    }
    let u = c as u32;
    !((0x4E00..=0x9FCC).contains(&u)
        || (0x3400..=0x4D85).contains(&u)
        || (0x20000..=0x2B81D).contains(&u))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum WordType {
    None,
    Number,
    UpperCase,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the type and byte length of the next word of `s`.
fn next_word(s: &str) -> (WordType, usize) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else {
        return (WordType::None, 0);
    };
    let mut offset = r.len_utf8();
    let take_while = |offset: &mut usize, f: &dyn Fn(char) -> bool| {
        for c in s[*offset..].chars() {
            if !f(c) {
                break;
            }
            *offset += c.len_utf8();
        }
    };
    let wt = if is_connector(r) {
        take_while(&mut offset, &is_connector);
        WordType::Connector
    } else if go_is_punct(r) {
        take_while(&mut offset, &go_is_punct);
        WordType::Punct
    } else if r.is_uppercase() {
        if let Some(n) = s[offset..].chars().next() {
            if n.is_uppercase() {
                let mut prev_size = n.len_utf8();
                offset += prev_size;
                let mut stop = None;
                for c in s[offset..].chars() {
                    if !c.is_uppercase() {
                        stop = Some(c);
                        break;
                    }
                    prev_size = c.len_utf8();
                    offset += prev_size;
                }
                if let Some(c) = stop {
                    if is_alphabet(c) {
                        offset -= prev_size;
                    }
                }
            } else if is_alphabet(n) {
                offset += n.len_utf8();
                take_while(&mut offset, &|c| is_alphabet(c) && !c.is_uppercase());
            }
        }
        WordType::UpperCase
    } else if is_alphabet(r) {
        take_while(&mut offset, &|c| is_alphabet(c) && !c.is_uppercase());
        WordType::Alphabet
    } else if r.is_numeric() {
        take_while(&mut offset, &char::is_numeric);
        WordType::Number
    } else {
        take_while(&mut offset, &|c| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || go_is_punct(c))
        });
        WordType::Other
    };
    (wt, offset)
}

fn case_lower(buf: &mut String, wt: WordType, word: &str, connector: char) {
    if wt != WordType::UpperCase && wt != WordType::Connector {
        buf.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            buf.push(connector);
        } else if c.is_uppercase() {
            buf.push(go_lower(c));
        } else {
            buf.push(c);
        }
    }
}

/// xstrings (v1.5) `camelCaseToLowerCase`: `snakecase` / `kebabcase`.
fn camel_to_lower(s: &str, connector: char) -> String {
    use WordType as W;
    let mut buf = String::with_capacity(s.len() + 4);
    let mut rest = s;
    let next = |rest: &mut &str| -> (W, String) {
        let (wt, n) = next_word(rest);
        let word = rest[..n].to_string();
        *rest = &rest[n..];
        (wt, word)
    };
    let (mut wt, mut word) = next(&mut rest);
    while !rest.is_empty() {
        if wt != W::Connector {
            case_lower(&mut buf, wt, &word, connector);
        }
        let prev = wt;
        let last = word.clone();
        (wt, word) = next(&mut rest);
        match prev {
            W::Number => {
                while wt == W::Alphabet || wt == W::Number {
                    case_lower(&mut buf, wt, &word, connector);
                    (wt, word) = next(&mut rest);
                }
                if wt != W::None && wt != W::Punct && wt != W::Connector {
                    buf.push(connector);
                }
            }
            W::Connector => case_lower(&mut buf, prev, &last, connector),
            W::Punct => {}
            _ => {
                if wt != W::Number {
                    if wt != W::Connector && wt != W::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if rest.is_empty() {
                    continue;
                }
                let last = word.clone();
                (wt, word) = next(&mut rest);
                if wt != W::Alphabet {
                    case_lower(&mut buf, W::Number, &last, connector);
                    if wt != W::Connector && wt != W::Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                buf.push(connector);
                case_lower(&mut buf, W::Number, &last, connector);
                while wt == W::Alphabet || wt == W::Number {
                    case_lower(&mut buf, wt, &word, connector);
                    (wt, word) = next(&mut rest);
                }
                if wt != W::None && wt != W::Connector && wt != W::Punct {
                    buf.push(connector);
                }
            }
        }
    }
    case_lower(&mut buf, wt, &word, connector);
    buf
}

/// xstrings (v1.5) `ToPascalCase`: Sprig's `camelcase`.
fn to_pascal(s: &str) -> String {
    let mut buf = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut first_upper = false;
    let mut r0 = '\0';
    let mut took = false;
    for c in chars.by_ref() {
        took = true;
        r0 = c;
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = go_upper(c);
            break;
        }
        buf.push(c);
    }
    let rest: Vec<char> = chars.collect();
    if rest.is_empty() {
        if took {
            buf.push(r0);
        }
        return buf;
    }
    for c in rest {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            buf.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = go_upper(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = go_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            buf.push(r1);
        }
    }
    buf.push(r0);
    buf
}

fn f_snakecase(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(camel_to_lower(&sarg(&a, 0), '_')))
}

fn f_kebabcase(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(camel_to_lower(&sarg(&a, 0), '-')))
}

fn f_camelcase(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(to_pascal(&sarg(&a, 0))))
}

fn f_shuffle(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    // Deterministic: a fixed permutation (reversal), traced per rune.
    let s = targ(ctx, &a, 0);
    let t = s.as_str();
    let mut b = TextBuilder::with_capacity(t.len());
    let idx: Vec<(usize, char)> = t.char_indices().collect();
    for (i, c) in idx.into_iter().rev() {
        b.push_slice(&s, i..i + c.len_utf8());
    }
    tv(b.finish())
}

fn f_to_string(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let v = a.first().cloned().unwrap_or_default();
    match &v.repr {
        Repr::Str(_) => Ok(v),
        _ => tv(strval_traced(ctx, &v)),
    }
}

/// Sprig's `strslice`: a list's non-nil items as strings; a non-list as one string.
pub(crate) fn strslice(ctx: &FuncCtx, v: &Value) -> Vec<TStr> {
    if let Some(l) = v.as_list() {
        return l
            .iter()
            .filter(|x| !x.is_nil())
            .map(|x| strval_traced(ctx, x))
            .collect();
    }
    match &v.repr {
        Repr::List(l) => l
            .iter()
            .filter(|x| !x.is_nil())
            .map(|x| strval_traced(ctx, x))
            .collect(),
        Repr::Nil => Vec::new(),
        _ => vec![strval_traced(ctx, v)],
    }
}

fn f_to_strings(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let v = a.first().cloned().unwrap_or_default();
    Ok(Value::list(
        strslice(ctx, &v).into_iter().map(Value::tstr).collect(),
    ))
}

/// Go's `strings.SplitN(s, sep, n)` as byte ranges.
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<Range<usize>> {
    if n == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    if sep.is_empty() {
        let idx: Vec<(usize, char)> = s.char_indices().collect();
        for (i, c) in &idx {
            if n > 0 && out.len() as i64 == n - 1 {
                out.push(*i..s.len());
                return out;
            }
            out.push(*i..*i + c.len_utf8());
        }
        return out;
    }
    let mut last = 0;
    for (i, _) in s.match_indices(sep) {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        out.push(last..i);
        last = i + sep.len();
    }
    out.push(last..s.len());
    out
}

fn split_map(s: &TStr, sep: &str, n: i64) -> Value {
    let mut m = MapData::new();
    for (i, r) in go_split(s.as_str(), sep, n).into_iter().enumerate() {
        m.insert(format!("_{i}").into(), Value::tstr(s.slice(r)));
    }
    Value::map_from(m)
}

fn f_split(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(split_map(&targ(ctx, &a, 1), &sarg(&a, 0), -1))
}

fn f_splitn(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(split_map(&targ(ctx, &a, 2), &sarg(&a, 0), iarg(&a, 1)))
}

fn f_split_list(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let s = targ(ctx, &a, 1);
    let items = go_split(s.as_str(), &sarg(&a, 0), -1)
        .into_iter()
        .map(|r| Value::tstr(s.slice(r)))
        .collect();
    Ok(Value::list(items))
}

fn f_join(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let sep = targ(ctx, &a, 0);
    let v = a.get(1).cloned().unwrap_or_default();
    let mut b = TextBuilder::new();
    for (i, s) in strslice(ctx, &v).iter().enumerate() {
        if i > 0 {
            b.push_tstr(&sep);
        }
        b.push_tstr(s);
    }
    tv(b.finish())
}

fn f_sort_alpha(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let v = a.first().cloned().unwrap_or_default();
    let mut items = if v.as_list().is_some() {
        strslice(ctx, &v)
    } else {
        vec![strval_traced(ctx, &v)]
    };
    items.sort_by(|x, y| x.as_str().cmp(y.as_str()));
    Ok(Value::list(items.into_iter().map(Value::tstr).collect()))
}

fn f_hello(_: &FuncCtx, _: Vec<Value>) -> FuncResult {
    Ok(Value::str("Hello!"))
}

/// Go's `path.Clean`.
pub fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_string(),
        (false, false) => body,
    }
}

fn f_clean(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::str(path_clean(&sarg(&a, 0))))
}

fn f_base(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = sarg(&a, 0);
    if p.is_empty() {
        return Ok(Value::str("."));
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return Ok(Value::str("/"));
    }
    Ok(Value::str(t.rsplit('/').next().unwrap_or(t).to_string()))
}

fn f_dir(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = sarg(&a, 0);
    let dir = match p.rfind('/') {
        Some(i) => &p[..i + 1],
        None => "",
    };
    Ok(Value::str(path_clean(dir)))
}

fn f_ext(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = sarg(&a, 0);
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return Ok(Value::str(p[i..].to_string()));
        }
    }
    Ok(Value::str(""))
}

fn f_is_abs(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    Ok(Value::bool(sarg(&a, 0).starts_with('/')))
}

/// Sprig's string and path functions.
pub static FUNCS: &[FuncDef] = &[
    def("trim", &[Ty::Str], None, f_trim),
    def("trimAll", &[Ty::Str, Ty::Str], None, f_trim_all),
    def("trimall", &[Ty::Str, Ty::Str], None, f_trim_all),
    def("trimPrefix", &[Ty::Str, Ty::Str], None, f_trim_prefix),
    def("trimSuffix", &[Ty::Str, Ty::Str], None, f_trim_suffix),
    def("upper", &[Ty::Str], None, f_upper),
    def("lower", &[Ty::Str], None, f_lower),
    def("title", &[Ty::Str], None, f_title),
    def("untitle", &[Ty::Str], None, f_untitle),
    def("swapcase", &[Ty::Str], None, f_swapcase),
    def("replace", &[Ty::Str, Ty::Str, Ty::Str], None, f_replace),
    def("repeat", &[Ty::Int, Ty::Str], None, f_repeat),
    def("substr", &[Ty::Int, Ty::Int, Ty::Str], None, f_substr),
    def("trunc", &[Ty::Int, Ty::Str], None, f_trunc),
    def("abbrev", &[Ty::Int, Ty::Str], None, f_abbrev),
    def(
        "abbrevboth",
        &[Ty::Int, Ty::Int, Ty::Str],
        None,
        f_abbrevboth,
    ),
    def("contains", &[Ty::Str, Ty::Str], None, f_contains),
    def("hasPrefix", &[Ty::Str, Ty::Str], None, f_has_prefix),
    def("hasSuffix", &[Ty::Str, Ty::Str], None, f_has_suffix),
    def("quote", &[], Some(Ty::Any), f_quote),
    def("squote", &[], Some(Ty::Any), f_squote),
    def("cat", &[], Some(Ty::Any), f_cat),
    def("indent", &[Ty::Int, Ty::Str], None, f_indent),
    def("nindent", &[Ty::Int, Ty::Str], None, f_nindent),
    def("nospace", &[Ty::Str], None, f_nospace),
    def("initials", &[Ty::Str], None, f_initials),
    def("wrap", &[Ty::Int, Ty::Str], None, f_wrap),
    def("wrapWith", &[Ty::Int, Ty::Str, Ty::Str], None, f_wrap_with),
    def("plural", &[Ty::Str, Ty::Str, Ty::Int], None, f_plural),
    def("snakecase", &[Ty::Str], None, f_snakecase),
    def("camelcase", &[Ty::Str], None, f_camelcase),
    def("kebabcase", &[Ty::Str], None, f_kebabcase),
    def("shuffle", &[Ty::Str], None, f_shuffle),
    def("toString", &[Ty::Any], None, f_to_string),
    def("toStrings", &[Ty::Any], None, f_to_strings),
    def("split", &[Ty::Str, Ty::Str], None, f_split),
    def("splitList", &[Ty::Str, Ty::Str], None, f_split_list),
    def("splitn", &[Ty::Str, Ty::Int, Ty::Str], None, f_splitn),
    def("join", &[Ty::Str, Ty::Any], None, f_join),
    def("sortAlpha", &[Ty::Any], None, f_sort_alpha),
    def("hello", &[], None, f_hello),
    def("base", &[Ty::Str], None, f_base),
    def("dir", &[Ty::Str], None, f_dir),
    def("clean", &[Ty::Str], None, f_clean),
    def("ext", &[Ty::Str], None, f_ext),
    def("isAbs", &[Ty::Str], None, f_is_abs),
    def("osBase", &[Ty::Str], None, f_base),
    def("osDir", &[Ty::Str], None, f_dir),
    def("osClean", &[Ty::Str], None, f_clean),
    def("osExt", &[Ty::Str], None, f_ext),
    def("osIsAbs", &[Ty::Str], None, f_is_abs),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::funcs::types::testutil::*;
    use crate::origin::{Deps, OriginId};
    use crate::traced::{FileId, TplLoc};

    #[test]
    fn string_oracle_table() {
        // Expected outputs confirmed with helm-render (Helm v4.2.3).
        check_table(vec![
            (
                "title",
                vec![s("hello wORLD foo_bar")],
                "Hello WORLD Foo_bar",
            ),
            ("untitle", vec![s("Hello World")], "hello world"),
            ("swapcase", vec![s("Hello World")], "hELLO wORLD"),
            (
                "snakecase",
                vec![s("FirstName HTTPServer")],
                "first_name_http_server",
            ),
            (
                "camelcase",
                vec![s("hello_world-foo bar")],
                "HelloWorldFooBar",
            ),
            ("kebabcase", vec![s("FirstName")], "first-name"),
        ]);
    }

    #[test]
    fn case_conversion_oracle_table() {
        // Oracle: {{ snakecase . }}|{{ camelcase . }}|{{ kebabcase . }} for each input.
        let rows = [
            ("HTTPServer", "http_server|Httpserver|http-server"),
            ("NoHTTPS", "no_https|NoHTTPS|no-https"),
            ("GO_PATH", "go_path|GoPath|go-path"),
            ("GO PATH", "go_path|GoPath|go-path"),
            ("go-path", "go_path|GoPath|go-path"),
            ("fooBar", "foo_bar|FooBar|foo-bar"),
            ("_a", "_a|_A|-a"),
            ("a__b", "a__b|A_B|a--b"),
            ("ab_", "ab_|Ab_|ab-"),
            ("Foo123Bar", "foo123_bar|Foo123Bar|foo123-bar"),
            ("foo.bar", "foo.bar|Foo.bar|foo.bar"),
            ("hello world", "hello_world|HelloWorld|hello-world"),
            ("ABC", "abc|Abc|abc"),
            ("aBC", "a_bc|ABC|a-bc"),
            ("x1Y", "x1_y|X1Y|x1-y"),
            ("", "||"),
            ("AbcDEFGhi", "abc_def_ghi|AbcDEFGhi|abc-def-ghi"),
            ("snake_Case", "snake_case|SnakeCase|snake-case"),
            ("--a--", "__a__|--A--|--a--"),
        ];
        for (input, want) in rows {
            let got = format!(
                "{}|{}|{}",
                show("snakecase", vec![s(input)]),
                show("camelcase", vec![s(input)]),
                show("kebabcase", vec![s(input)])
            );
            assert_eq!(got, want, "input {input:?}");
        }
        check_table(vec![
            ("initials", vec![s("hello big world")], "hbw"),
            (
                "wrap",
                vec![i(5), s("hello world this is long")],
                "hello\nworld\nthis\nis\nlong",
            ),
            (
                "wrapWith",
                vec![i(5), s("|"), s("helloworld this")],
                "hello|world|this",
            ),
            ("abbrev", vec![i(5), s("hello world")], "he..."),
            (
                "abbrevboth",
                vec![i(5), i(10), s("1234567890abcdefghij")],
                "...6789...",
            ),
            ("trunc", vec![i(-3), s("hello")], "llo"),
            ("trunc", vec![i(3), s("hello")], "hel"),
            ("trunc", vec![i(30), s("hello")], "hello"),
            ("substr", vec![i(1), i(3), s("hello")], "el"),
            (
                "quote",
                vec![i(1), Value::nil(), s("a\"b\n")],
                "\"1\" \"a\\\"b\\n\"",
            ),
            ("squote", vec![s("x"), i(2)], "'x' '2'"),
            (
                "quote",
                vec![s(
                    "a\u{a0}b\u{2028}c\u{ad}é\u{200b}f\u{e000}\u{7f}\u{1}\u{1F600}",
                )],
                "\"a\\u00a0b\\u2028c\\u00adé\\u200bf\\ue000\\x7f\\x01\u{1F600}\"",
            ),
            (
                "cat",
                vec![s("a"), Value::nil(), i(1), f(2.5), s("b")],
                "a 1 2.5 b",
            ),
            (
                "join",
                vec![s(","), l(vec![i(1), s("a"), Value::nil(), f(2.0)])],
                "1,a,2",
            ),
            (
                "sortAlpha",
                vec![l(vec![s("b"), s("a"), i(10), i(9)])],
                "[10 9 a b]",
            ),
            (
                "split",
                vec![s(","), s("a,b,,c")],
                "map[_0:a _1:b _2: _3:c]",
            ),
            ("splitn", vec![s(","), i(2), s("a,b,c")], "map[_0:a _1:b,c]"),
            ("splitList", vec![s(","), s("a,b")], "[a b]"),
            ("nospace", vec![s(" a b\tc ")], "abc"),
            ("nospace", vec![s("a\u{a0}b")], "a\u{c2}b"),
            ("nospace", vec![s("é")], "é"),
            ("title", vec![s("ǆx hello")], "ǅx Hello"),
            ("initials", vec![s("  Ab  cd")], "Ac"),
            ("untitle", vec![s("ABC DEF")], "aBC dEF"),
            ("wrap", vec![i(3), s("a b c d e f")], "a b\nc d\ne f"),
            ("wrap", vec![i(0), s("abc def")], "abc\ndef"),
            (
                "wrapWith",
                vec![i(3), s("\n"), s("abcdefgh")],
                "abc\ndef\ngh",
            ),
            ("abbrev", vec![i(3), s("hello")], "hello"),
            ("abbrev", vec![i(4), s("hello")], "h..."),
            (
                "abbrevboth",
                vec![i(6), i(10), s("1234567890abcdefghij")],
                "...7890...",
            ),
            ("abbrevboth", vec![i(0), i(5), s("abcdefgh")], "ab..."),
            (
                "substr",
                vec![i(-1), i(10), s("abc")],
                "ERR: runtime error: slice bounds out of range [:10] with length 3",
            ),
            (
                "substr",
                vec![i(10), i(20), s("abc")],
                "ERR: runtime error: slice bounds out of range [10:3]",
            ),
            (
                "substr",
                vec![i(3), i(1), s("hello")],
                "ERR: runtime error: slice bounds out of range [3:1]",
            ),
            ("substr", vec![i(2), i(10), s("hello")], "llo"),
            (
                "repeat",
                vec![i(-1), s("a")],
                "ERR: strings: negative Repeat count",
            ),
            ("sortAlpha", vec![s("b")], "[b]"),
            ("join", vec![s(","), s("abc")], "abc"),
            ("join", vec![s(","), Value::nil()], ""),
            ("quote", vec![Value::bool(true)], "\"true\""),
            ("cat", vec![l(vec![s("a"), s("b")])], "[a b]"),
            ("split", vec![s(""), s("abc")], "map[_0:a _1:b _2:c]"),
            ("splitn", vec![s(","), i(0), s("a,b")], "map[]"),
            ("trimAll", vec![s(""), s(" a ")], " a "),
            ("repeat", vec![i(3), s("ab")], "ababab"),
            ("replace", vec![s(""), s("-"), s("abc")], "-a-b-c-"),
            ("replace", vec![s("."), s("_"), s("a.b.c")], "a_b_c"),
            ("indent", vec![i(2), s("a\n\nb")], "  a\n  \n  b"),
            ("nindent", vec![i(2), s("a")], "\n  a"),
            ("trim", vec![s("\n  x y \t\n")], "x y"),
            ("trim", vec![s("\n  line1\n  line2\n\n")], "line1\n  line2"),
            ("trimAll", vec![s("$-"), s("$-ab-$")], "ab"),
            ("trimPrefix", vec![s("ab"), s("abc")], "c"),
            ("trimSuffix", vec![s("bc"), s("abc")], "a"),
            ("upper", vec![s("straße")], "STRAßE"),
            ("lower", vec![s("ÀB")], "àb"),
            ("contains", vec![s("b"), s("abc")], "true"),
            ("hasPrefix", vec![s("b"), s("abc")], "false"),
            ("plural", vec![s("one"), s("many"), i(1)], "one"),
            ("toString", vec![f(1.5)], "1.5"),
            ("toString", vec![f(0.0001)], "0.0001"),
            ("toString", vec![f(123456.0)], "123456"),
            ("toString", vec![i(3)], "3"),
            ("clean", vec![s("a//b/../c/.")], "a/c"),
            ("base", vec![s("/a/b.txt")], "b.txt"),
            ("ext", vec![s("/a/b.txt")], ".txt"),
            ("dir", vec![s("/a/b.txt")], "/a"),
        ]);
    }

    #[test]
    fn float_to_string_uses_go_shortest_g() {
        // Oracle: {{ 1000000.0 | toString }} → 1e+06, {{ 0.00001 | toString }} → 1e-05.
        check_table(vec![
            ("toString", vec![f(1_000_000.0)], "1e+06"),
            ("toString", vec![f(0.00001)], "1e-05"),
            ("toString", vec![f(1e21)], "1e+21"),
        ]);
    }

    fn src(n: u32) -> Rc<Source> {
        Rc::new(Source {
            loc: Some(TplLoc {
                file: FileId(1),
                offset: n,
            }),
            deps: Deps::one(OriginId(n)),
        })
    }

    fn traced(parts: &[(&str, u32)]) -> Value {
        let mut b = TextBuilder::new();
        for (t, n) in parts {
            b.push_str(t, &src(*n));
        }
        Value::tstr(b.finish())
    }

    /// (start, end, origin or None for the call site) of each run.
    fn runs(v: &Value) -> Vec<(u32, u32, Option<u32>)> {
        v.as_tstr()
            .map(|t| {
                t.runs()
                    .iter()
                    .map(|r| (r.start, r.end, r.source.deps.iter().next().map(|o| o.0)))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn nindent_keeps_runs() {
        let v = call("nindent", vec![i(2), traced(&[("ab\n", 1), ("cd", 2)])]).unwrap();
        assert_eq!(v.as_str(), Some("\n  ab\n  cd"));
        assert_eq!(
            runs(&v),
            vec![
                (0, 3, None),
                (3, 6, Some(1)),
                (6, 8, None),
                (8, 10, Some(2))
            ]
        );
    }

    #[test]
    fn nindent_moves_decisions_without_splitting_them() {
        use crate::traced::{Decision, DecisionKind};
        let dec = |start: u32, end: u32| Decision {
            kind: DecisionKind::If,
            loc: TplLoc {
                file: FileId(1),
                offset: 99,
            },
            deps: Deps::one(OriginId(7)),
            taken: start != end,
            start,
            end,
        };
        let mut b = TextBuilder::new();
        b.push_str("ab\ncd", &src(1));
        b.push_decision(dec(0, 5));
        b.push_decision(dec(3, 3));
        let input = Value::tstr(b.finish());
        let v = call("nindent", vec![i(2), input]).unwrap();
        let t = v.as_tstr().unwrap();
        assert_eq!(t.as_str(), "\n  ab\n  cd");
        let got: Vec<(u32, u32)> = t.decisions().iter().map(|d| (d.start, d.end)).collect();
        assert_eq!(got, vec![(0, 10), (6, 6)]);
    }

    #[test]
    fn replace_maps_decisions_once() {
        use crate::traced::{Decision, DecisionKind};
        let mut b = TextBuilder::new();
        b.push_str("a.b.c", &src(1));
        b.push_decision(Decision {
            kind: DecisionKind::If,
            loc: TplLoc {
                file: FileId(1),
                offset: 5,
            },
            deps: Deps::one(OriginId(5)),
            taken: true,
            start: 1,
            end: 4,
        });
        let v = call(
            "replace",
            vec![s("."), traced(&[("--", 2)]), Value::tstr(b.finish())],
        )
        .unwrap();
        let t = v.as_tstr().unwrap();
        assert_eq!(t.as_str(), "a--b--c");
        let got: Vec<(u32, u32)> = t.decisions().iter().map(|d| (d.start, d.end)).collect();
        assert_eq!(got, vec![(1, 6)]);
        assert_eq!(
            runs(&v),
            vec![
                (0, 1, Some(1)),
                (1, 3, Some(2)),
                (3, 4, Some(1)),
                (4, 6, Some(2)),
                (6, 7, Some(1))
            ]
        );
    }

    #[test]
    fn trim_replace_quote_keep_runs() {
        let v = call("trim", vec![traced(&[("  ab", 1), ("c \n", 2)])]).unwrap();
        assert_eq!(v.as_str(), Some("abc"));
        assert_eq!(runs(&v), vec![(0, 2, Some(1)), (2, 3, Some(2))]);

        let v = call(
            "replace",
            vec![s("b"), traced(&[("XY", 3)]), traced(&[("abc", 1)])],
        )
        .unwrap();
        assert_eq!(v.as_str(), Some("aXYc"));
        assert_eq!(
            runs(&v),
            vec![(0, 1, Some(1)), (1, 3, Some(3)), (3, 4, Some(1))]
        );

        let v = call("quote", vec![traced(&[("a\"", 1)])]).unwrap();
        assert_eq!(v.as_str(), Some("\"a\\\"\""));
        assert_eq!(runs(&v), vec![(0, 1, None), (1, 4, Some(1)), (4, 5, None)]);

        let v = call("cat", vec![traced(&[("a", 1)]), traced(&[("b", 2)])]).unwrap();
        assert_eq!(
            runs(&v),
            vec![(0, 1, Some(1)), (1, 2, None), (2, 3, Some(2))]
        );
    }

    #[test]
    fn untraced_value_string_gets_its_deps() {
        let v = Value::str("xy").with_origin(OriginId(9));
        let out = call("upper", vec![v]).unwrap();
        assert_eq!(out.as_str(), Some("XY"));
        assert_eq!(runs(&out), vec![(0, 2, Some(9))]);
    }
}
