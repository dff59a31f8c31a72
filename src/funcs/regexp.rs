//! Sprig's regular-expression functions (`regexMatch`, `regexFind`,
//! `regexFindAll`, `regexReplaceAll`, `regexReplaceAllLiteral`,
//! `regexSplit`, `regexQuoteMeta` and their `must` variants) with Go's RE2
//! semantics: `\d \w \s \b` are ASCII-only, empty matches next to a previous
//! match are skipped as Go does, and `$1`/`${name}` expand as
//! `Regexp.Expand`. Replacements keep the trace of the text they copy.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use regex::Regex;

use super::strings::{apply_edits, go_quote, targ};
use super::types::strval;
use super::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::traced::{TStr, TextBuilder};
use crate::value::Value;

/// Rewrite a Go RE2 pattern into the Rust `regex` dialect (ASCII Perl classes,
/// literal `[`, `&`, `~` inside classes).
pub fn translate(pat: &str) -> String {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = String::with_capacity(pat.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            let rep = match (in_class, n) {
                (false, 'd') => Some("[0-9]"),
                (false, 'D') => Some("[^0-9]"),
                (false, 'w') => Some("[0-9A-Za-z_]"),
                (false, 'W') => Some("[^0-9A-Za-z_]"),
                (false, 's') => Some("[\\t\\n\\f\\r ]"),
                (false, 'S') => Some("[^\\t\\n\\f\\r ]"),
                (false, 'b') => Some("(?-u:\\b)"),
                (false, 'B') => Some("(?-u:\\B)"),
                (true, 'd') => Some("0-9"),
                (true, 'D') => Some("[^0-9]"),
                (true, 'w') => Some("0-9A-Za-z_"),
                (true, 'W') => Some("[^0-9A-Za-z_]"),
                (true, 's') => Some("\\t\\n\\f\\r "),
                (true, 'S') => Some("[^\\t\\n\\f\\r ]"),
                _ => None,
            };
            match rep {
                Some(r) => out.push_str(r),
                None => {
                    out.push('\\');
                    out.push(n);
                }
            }
            i += 2;
            continue;
        }
        if in_class {
            let first = i == class_start;
            match c {
                ']' if !first => {
                    in_class = false;
                    out.push(']');
                }
                '[' if chars.get(i + 1) == Some(&':') => {
                    // A POSIX class `[:name:]`: copy through `:]`.
                    let mut j = i + 2;
                    while j + 1 < chars.len() && !(chars[j] == ':' && chars[j + 1] == ']') {
                        j += 1;
                    }
                    let end = (j + 2).min(chars.len());
                    out.extend(&chars[i..end]);
                    i = end;
                    continue;
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '-' if chars.get(i + 1) == Some(&'-') => out.push_str("\\-"),
                c => out.push(c),
            }
            i += 1;
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push('[');
            i += 1;
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            class_start = i;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A repetition operator `{n,m}` at `chars[i]`: the index past it.
fn counted_repeat(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    let digits = |j: &mut usize| {
        let s = *j;
        while chars.get(*j).is_some_and(char::is_ascii_digit) {
            *j += 1;
        }
        *j > s
    };
    if !digits(&mut j) {
        return None;
    }
    if chars.get(j) == Some(&',') {
        j += 1;
        digits(&mut j);
    }
    (chars.get(j) == Some(&'}')).then_some(j + 1)
}

/// RE2 refuses stacked repetition operators (`a**`, `a++`, `a{2}*`) that
/// Rust's parser reads another way: the offending text, as Go quotes it.
fn nested_repetition(pat: &str) -> Option<String> {
    let chars: Vec<char> = pat.chars().collect();
    let mut last: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let end = match c {
            '*' | '+' | '?' => Some(i + 1),
            '{' => counted_repeat(&chars, i),
            _ => None,
        };
        let Some(mut end) = end else {
            last = None;
            match c {
                '\\' => i += 2,
                '[' => {
                    // Skip the class: a `]` first (after `^`) is literal.
                    let mut j = i + 1;
                    if chars.get(j) == Some(&'^') {
                        j += 1;
                    }
                    if chars.get(j) == Some(&']') {
                        j += 1;
                    }
                    while j < chars.len() && chars[j] != ']' {
                        j += if chars[j] == '\\' { 2 } else { 1 };
                    }
                    i = j + 1;
                }
                _ => i += 1,
            }
            continue;
        };
        if chars.get(end) == Some(&'?') {
            end += 1;
        }
        if let Some(start) = last {
            return Some(chars[start..end].iter().collect());
        }
        last = Some(i);
        i = end;
    }
    None
}

/// Go allows a group name more than once; Rust's parser does not. Names
/// are not used by Sprig's functions, so later uses are renamed.
fn dedupe_group_names(re: &str) -> String {
    if !re.contains("(?P<") && !re.contains("(?<") {
        return re.to_string();
    }
    let mut seen = std::collections::HashSet::new();
    let mut dups = 0;
    let mut out = String::with_capacity(re.len());
    let mut rest = re;
    while let Some(p) = rest.find("(?") {
        let after = &rest[p + 2..];
        let (open, body) = if let Some(b) = after.strip_prefix("P<") {
            ("(?P<", b)
        } else if let Some(b) = after
            .strip_prefix('<')
            .filter(|b| !b.starts_with(['=', '!']))
        {
            ("(?<", b)
        } else {
            out.push_str(&rest[..p + 2]);
            rest = after;
            continue;
        };
        let Some(close) = body.find('>') else {
            break;
        };
        let name = &body[..close];
        out.push_str(&rest[..p]);
        out.push_str(open);
        out.push_str(name);
        if !seen.insert(name.to_string()) {
            dups += 1;
            out.push_str(&format!("__dup{dups}"));
        }
        out.push('>');
        rest = &body[close + 1..];
    }
    out.push_str(rest);
    out
}

thread_local! {
    /// Compiled patterns by Go pattern: a pure cache (a pattern always
    /// compiles to the same regex), kept across renders on purpose.
    static CACHE: RefCell<HashMap<String, Rc<Regex>>> = RefCell::new(HashMap::new());
}

/// Compile a Go pattern (cached), with Go's `regexp.MustCompile` panic text on error.
pub fn compile(pat: &str) -> Result<Rc<Regex>, FuncError> {
    if let Some(r) = CACHE.with(|c| c.borrow().get(pat).cloned()) {
        return Ok(r);
    }
    if let Some(bad) = nested_repetition(pat) {
        return Err(FuncError::new(format!(
            "regexp: Compile({}): error parsing regexp: invalid nested repetition operator: `{bad}`",
            backquote(pat)
        )));
    }
    match Regex::new(&dedupe_group_names(&translate(pat))) {
        Ok(r) => {
            let r = Rc::new(r);
            CACHE.with(|c| c.borrow_mut().insert(pat.to_string(), r.clone()));
            Ok(r)
        }
        Err(e) => Err(FuncError::new(format!(
            "regexp: Compile({}): error parsing regexp: {}",
            backquote(pat),
            go_parse_error(pat, &e.to_string())
        ))),
    }
}

/// Go's wording (`CODE: `EXPR``) for the common parse errors the Rust parser reports.
fn go_parse_error(pat: &str, rust: &str) -> String {
    let tick = |x: &str| format!("missing closing ]: `{x}`");
    if rust.contains("unclosed character class") {
        let start = pat.rfind('[').unwrap_or(0);
        return tick(&pat[start..]);
    }
    if rust.contains("unclosed group") {
        return format!("missing closing ): `{pat}`");
    }
    if rust.contains("unopened group") {
        return format!("unexpected ): `{pat}`");
    }
    if rust.contains("repetition operator missing expression") {
        let op = pat.chars().find(|c| "*+?".contains(*c)).unwrap_or('*');
        return format!("missing argument to repetition operator: `{op}`");
    }
    let last = rust.lines().last().unwrap_or("invalid pattern").trim();
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

fn backquote(s: &str) -> String {
    if s.contains('`') {
        go_quote(s)
    } else {
        format!("`{s}`")
    }
}

/// Go's `FindAllStringSubmatchIndex(s, n)`: group ranges of each match.
pub fn find_all(re: &Regex, s: &str, n: i64) -> Vec<Vec<Option<Range<usize>>>> {
    let limit = if n < 0 { s.len() as i64 + 1 } else { n };
    let mut out = Vec::new();
    let mut pos = 0;
    let mut prev_end: Option<usize> = None;
    while (out.len() as i64) < limit && pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let groups: Vec<Option<Range<usize>>> = caps.iter().map(|m| m.map(|m| m.range())).collect();
        let Some(Some(whole)) = groups.first().cloned() else {
            break;
        };
        let mut accept = true;
        if whole.end == pos {
            if prev_end == Some(whole.start) {
                accept = false;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = whole.end;
        }
        prev_end = Some(whole.end);
        if accept {
            out.push(groups);
        }
    }
    out
}

/// `Regexp.Expand` of `template` for one match, onto traced text.
fn expand(
    b: &mut TextBuilder,
    re: &Regex,
    template: &TStr,
    src: &TStr,
    groups: &[Option<Range<usize>>],
) {
    let t = template.as_str();
    let mut i = 0;
    while let Some(d) = t[i..].find('$') {
        let dollar = i + d;
        b.push_slice(template, i..dollar);
        let rest = &t[dollar + 1..];
        if rest.starts_with('$') {
            b.push_slice(template, dollar + 1..dollar + 2);
            i = dollar + 2;
            continue;
        }
        let brace = rest.starts_with('{');
        let body = if brace { &rest[1..] } else { rest };
        let name_len: usize = body
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        if name_len == 0 || (brace && !body[name_len..].starts_with('}')) {
            b.push_slice(template, dollar..dollar + 1);
            i = dollar + 1;
            continue;
        }
        let name = &body[..name_len];
        let consumed = 1 + usize::from(brace) + name_len + usize::from(brace);
        i = dollar + consumed;
        let num = if name.bytes().all(|c| c.is_ascii_digit())
            && !(name.starts_with('0') && name.len() > 1)
            && name.len() <= 8
        {
            name.parse::<usize>().ok()
        } else {
            None
        };
        let idx = match num {
            Some(n) => Some(n),
            None => re.capture_names().position(|g| g == Some(name)),
        };
        if let Some(Some(r)) = idx.and_then(|k| groups.get(k)) {
            b.push_slice(src, r.clone());
        }
    }
    b.push_slice(template, i..t.len());
}

/// Go's `ReplaceAllString` (or `ReplaceAllLiteralString`) on traced text.
pub fn replace_all(re: &Regex, src: &TStr, repl: &TStr, literal: bool) -> TStr {
    let s = src.as_str();
    let mut edits: Vec<(Range<usize>, TStr)> = Vec::new();
    let mut last_end = 0;
    let mut search = 0;
    let need_groups = !literal && repl.as_str().contains('$');
    while search <= s.len() {
        let groups: Vec<Option<Range<usize>>> = if need_groups {
            let Some(caps) = re.captures_at(s, search) else {
                break;
            };
            caps.iter().map(|m| m.map(|m| m.range())).collect()
        } else {
            let Some(m) = re.find_at(s, search) else {
                break;
            };
            vec![Some(m.range())]
        };
        let Some(Some(whole)) = groups.first().cloned() else {
            break;
        };
        if whole.end > last_end || whole.start == 0 {
            let rep = if need_groups {
                let mut b = TextBuilder::new();
                expand(&mut b, re, repl, src, &groups);
                b.finish()
            } else {
                repl.clone()
            };
            edits.push((whole.clone(), rep));
        }
        last_end = whole.end;
        let width = s[search..].chars().next().map_or(1, char::len_utf8);
        if search + width > whole.end {
            search += width;
        } else if search + 1 > whole.end {
            search += 1;
        } else {
            search = whole.end;
        }
    }
    apply_edits(src, &edits)
}

fn f_match(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let pat = strval(&a[0]);
    match compile(&pat) {
        Ok(re) => Ok(Value::bool(re.is_match(&strval(&a[1])))),
        Err(_) => Ok(Value::bool(false)),
    }
}

fn f_must_match(_: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let re = compile(&strval(&a[0])).map_err(|e| unprefix(e, &strval(&a[0])))?;
    Ok(Value::bool(re.is_match(&strval(&a[1]))))
}

fn f_find(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let re = compile(&strval(&a[0]))?;
    let s = targ(ctx, &a, 1);
    let found = find_all(&re, s.as_str(), 1);
    match found.first().and_then(|g| g.first().cloned().flatten()) {
        Some(r) => Ok(Value::tstr(s.slice(r))),
        None => Ok(Value::str("")),
    }
}

fn f_find_all(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let re = compile(&strval(&a[0]))?;
    let s = targ(ctx, &a, 1);
    let n = super::strings::iarg(&a, 2);
    let items = find_all(&re, s.as_str(), n)
        .into_iter()
        .filter_map(|g| g.first().cloned().flatten())
        .map(|r| Value::tstr(s.slice(r)))
        .collect::<Vec<_>>();
    if items.is_empty() {
        // Go returns a nil slice: `toJson` prints `null`.
        return Ok(Value::nil_list());
    }
    Ok(Value::list(items))
}

fn f_replace_all(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let re = compile(&strval(&a[0]))?;
    let s = targ(ctx, &a, 1);
    let repl = targ(ctx, &a, 2);
    Ok(Value::tstr(replace_all(&re, &s, &repl, false)))
}

fn f_replace_all_literal(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let re = compile(&strval(&a[0]))?;
    let s = targ(ctx, &a, 1);
    let repl = targ(ctx, &a, 2);
    Ok(Value::tstr(replace_all(&re, &s, &repl, true)))
}

fn f_split(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let pat = strval(&a[0]);
    let re = compile(&pat)?;
    let s = targ(ctx, &a, 1);
    let n = super::strings::iarg(&a, 2);
    if n == 0 {
        return Ok(Value::list(Vec::new()));
    }
    let t = s.as_str();
    if !pat.is_empty() && t.is_empty() {
        return Ok(Value::list(vec![Value::tstr(s)]));
    }
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for g in find_all(&re, t, n) {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        let Some(m) = g.first().cloned().flatten() else {
            continue;
        };
        end = m.start;
        if m.end != 0 {
            out.push(Value::tstr(s.slice(beg..end)));
        }
        beg = m.end;
    }
    if end != t.len() {
        out.push(Value::tstr(s.slice(beg..t.len())));
    }
    Ok(Value::list(out))
}

fn f_quote_meta(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let s = targ(ctx, &a, 0);
    let edits: Vec<(Range<usize>, TStr)> = s
        .as_str()
        .char_indices()
        .filter(|(_, c)| "\\.+*?()|[]{}^$".contains(*c))
        .map(|(i, c)| {
            let text = format!("\\{c}");
            let rep = match super::strings::source_at(&s, i) {
                Some(src) => TStr::with_source(text, src),
                None => TStr::plain(text),
            };
            (i..i + 1, rep)
        })
        .collect();
    Ok(Value::tstr(apply_edits(&s, &edits)))
}

/// The `must` variants report `regexp.Compile`'s error, without `MustCompile`'s prefix.
fn unprefix(e: FuncError, pat: &str) -> FuncError {
    let prefix = format!("regexp: Compile({}): ", backquote(pat));
    match e.0.strip_prefix(&prefix) {
        Some(rest) => FuncError::new(rest),
        None => e,
    }
}

fn must(r: FuncResult, a0: &str) -> FuncResult {
    r.map_err(|e| unprefix(e, a0))
}

fn f_must_find(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = strval(&a[0]);
    must(f_find(ctx, a), &p)
}

fn f_must_find_all(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = strval(&a[0]);
    must(f_find_all(ctx, a), &p)
}

fn f_must_replace_all(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = strval(&a[0]);
    must(f_replace_all(ctx, a), &p)
}

fn f_must_replace_all_literal(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = strval(&a[0]);
    must(f_replace_all_literal(ctx, a), &p)
}

fn f_must_split(ctx: &FuncCtx, a: Vec<Value>) -> FuncResult {
    let p = strval(&a[0]);
    must(f_split(ctx, a), &p)
}

/// Sprig's regular-expression functions.
pub static FUNCS: &[FuncDef] = &[
    def("regexMatch", &[Ty::Str, Ty::Str], None, f_match),
    def("mustRegexMatch", &[Ty::Str, Ty::Str], None, f_must_match),
    def("regexFind", &[Ty::Str, Ty::Str], None, f_find),
    def("mustRegexFind", &[Ty::Str, Ty::Str], None, f_must_find),
    def(
        "regexFindAll",
        &[Ty::Str, Ty::Str, Ty::Int],
        None,
        f_find_all,
    ),
    def(
        "mustRegexFindAll",
        &[Ty::Str, Ty::Str, Ty::Int],
        None,
        f_must_find_all,
    ),
    def(
        "regexReplaceAll",
        &[Ty::Str, Ty::Str, Ty::Str],
        None,
        f_replace_all,
    ),
    def(
        "mustRegexReplaceAll",
        &[Ty::Str, Ty::Str, Ty::Str],
        None,
        f_must_replace_all,
    ),
    def(
        "regexReplaceAllLiteral",
        &[Ty::Str, Ty::Str, Ty::Str],
        None,
        f_replace_all_literal,
    ),
    def(
        "mustRegexReplaceAllLiteral",
        &[Ty::Str, Ty::Str, Ty::Str],
        None,
        f_must_replace_all_literal,
    ),
    def("regexSplit", &[Ty::Str, Ty::Str, Ty::Int], None, f_split),
    def(
        "mustRegexSplit",
        &[Ty::Str, Ty::Str, Ty::Int],
        None,
        f_must_split,
    ),
    def("regexQuoteMeta", &[Ty::Str], None, f_quote_meta),
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::funcs::types::testutil::*;
    use crate::origin::{Deps, OriginId};
    use crate::traced::{FileId, Source, TplLoc};

    #[test]
    fn re2_syntax_like_go() {
        // Oracle: regexMatch with a++, a**, a*?, a{2}{3}, (a*)*, [*+]+,
        // three groups named x, ${x} of two, a\*+ →
        // "false false true false true true true a true".
        check_table(vec![
            ("regexMatch", vec![s("a++"), s("aa")], "false"),
            ("regexMatch", vec![s("a**"), s("aa")], "false"),
            ("regexMatch", vec![s("a*?"), s("aa")], "true"),
            ("regexMatch", vec![s("a{2}{3}"), s("aa")], "false"),
            ("regexMatch", vec![s("(a*)*"), s("aa")], "true"),
            ("regexMatch", vec![s("[*+]+"), s("+")], "true"),
            (
                "regexMatch",
                vec![s("(?P<x>a)(?P<x>b)(?P<x>c)"), s("abc")],
                "true",
            ),
            (
                "regexReplaceAll",
                vec![s("(?P<x>a)(?P<x>b)"), s("ab"), s("${x}")],
                "a",
            ),
            ("regexMatch", vec![s("a\\*+"), s("a**")], "true"),
        ]);
        // Oracle: mustRegexMatch names the stacked operators as Go quotes them.
        assert_eq!(nested_repetition("a*??").as_deref(), Some("*??"));
        assert_eq!(nested_repetition("x{1,2}{3}").as_deref(), Some("{1,2}{3}"));
        assert_eq!(nested_repetition("a{,2}*"), None);
    }

    #[test]
    fn regex_oracle_table() {
        check_table(vec![
            // Go's \w is ASCII-only: "déf" is not one word.
            (
                "regexReplaceAll",
                vec![s("(\\w+)é"), s("abcé défé"), s("<$1>")],
                "<abc> <d><f>",
            ),
            (
                "regexReplaceAll",
                vec![s("a*"), s("baaab"), s("-")],
                "-b-b-",
            ),
            ("regexFindAll", vec![s("a*"), s("baaab"), i(-1)], "[ aaa ]"),
            ("regexSplit", vec![s("a*"), s("baaab"), i(-1)], "[b b]"),
            (
                "regexReplaceAll",
                vec![s("(?P<x>b)"), s("abc"), s("${x}1 $x1 $$ $")],
                "ab1  $ $c",
            ),
            (
                "regexReplaceAll",
                vec![s("\\s+"), s("a\u{a0}b c"), s("_")],
                "a\u{a0}b_c",
            ),
            (
                "regexReplaceAllLiteral",
                vec![s("b"), s("abc"), s("$1")],
                "a$1c",
            ),
            ("regexMatch", vec![s("^[a-z]+\\d$"), s("abc1")], "true"),
            ("regexMatch", vec![s("^\\d$"), s("٣")], "false"),
            ("regexFind", vec![s("[0-9]+"), s("ab12cd34")], "12"),
            ("regexSplit", vec![s("\\."), s("a.b.c"), i(-1)], "[a b c]"),
            ("regexSplit", vec![s("\\."), s("a.b.c"), i(2)], "[a b.c]"),
            ("regexQuoteMeta", vec![s("1.2+3")], "1\\.2\\+3"),
            (
                "regexFindAll",
                vec![s("["), s("x"), i(-1)],
                "ERR: regexp: Compile(`[`): error parsing regexp: missing closing ]: `[`",
            ),
            ("regexMatch", vec![s("["), s("x")], "false"),
            (
                "mustRegexMatch",
                vec![s("["), s("x")],
                "ERR: error parsing regexp: missing closing ]: `[`",
            ),
        ]);
    }

    #[test]
    fn replacement_keeps_sources() {
        let src = |n: u32| {
            Rc::new(Source {
                loc: Some(TplLoc {
                    file: FileId(1),
                    offset: n,
                }),
                deps: Deps::one(OriginId(n)),
            })
        };
        let input = Value::tstr(TStr::with_source("key=val", src(1)));
        let repl = Value::tstr(TStr::with_source("<$1>", src(2)));
        let out = call("regexReplaceAll", vec![s("(\\w+)=(\\w+)"), input, repl]).unwrap();
        let t = out.as_tstr().unwrap();
        assert_eq!(t.as_str(), "<key>");
        let runs: Vec<(u32, u32, u32)> = t
            .runs()
            .iter()
            .map(|r| (r.start, r.end, r.source.deps.as_slice()[0].0))
            .collect();
        assert_eq!(runs, vec![(0, 1, 2), (1, 4, 1), (4, 5, 2)]);
    }
}
