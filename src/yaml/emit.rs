//! `toYaml` output: Helm's json.Marshal → yaml.v2 Marshal, reproduced byte
//! for byte (yaml.v2's key order, block styles, quoting and 80-column
//! folding, libyaml's emitter rules), as traced text.
//!
//! Every scalar's bytes carry the source of its node (the value's deps at
//! the call site); a string that already has a trace keeps it where its
//! bytes are copied 1:1. Indentation and indicators belong to the call site.

use std::rc::Rc;

use super::resolve::{go_format_g, needs_quoting, yaml_float_text};
use crate::origin::Deps;
use crate::traced::{Source, TStr, TextBuilder, TplLoc};
use crate::value::{Repr, Value};

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// yaml.v2's `keyList.Less` for string keys: runs of digits compare as numbers.
fn key_less(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // ASCII keys (nearly all): compare the bytes in place.
        return key_less_chars(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    key_less_chars(&ar, &br)
}

/// [`key_less`] over characters (or the bytes of ASCII keys).
fn key_less_chars<C: Copy + Into<char>>(ar: &[C], br: &[C]) -> bool {
    let ca = |i: usize| -> char { ar[i].into() };
    let cb = |i: usize| -> char { br[i].into() };
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ca(i) == cb(i) {
            i += 1;
            continue;
        }
        let al = ca(i).is_alphabetic();
        let bl = cb(i).is_alphabetic();
        if al && bl {
            return ca(i) < cb(i);
        }
        if al || bl {
            return bl;
        }
        let mut an: i64 = 0;
        let mut bn: i64 = 0;
        if ca(i) == '0' || cb(i) == '0' {
            let mut j = i;
            while j > 0 && ca(j - 1).is_ascii_digit() {
                j -= 1;
                if ca(j) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ca(ai).is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ca(ai) as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && cb(bi).is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(cb(bi) as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ca(i) < cb(i);
    }
    ar.len() < br.len()
}

/// Sort map entries by key as yaml.v2 does with `sort.Sort` and
/// [`key_less`]. That order is not total (`"0a" < "a"`, `"a" < "0b"`, ...),
/// so Rust's `sort_by` may panic on it. Go sorts up to 12 items by
/// insertion, which is copied here, so small maps come out in Go's order
/// for any keys; longer ones are merge sorted, which never fails and gives
/// Go's order whenever the keys are totally ordered by [`key_less`]
/// (Go's pdqsort may order other key sets differently).
fn sort_entries<V: Copy>(entries: &mut [(&crate::value::MapKey, V)]) {
    let less = |a: &(&crate::value::MapKey, V), b: &(&crate::value::MapKey, V)| key_less(a.0, b.0);
    if entries.len() <= 12 {
        // Go's `insertionSort`.
        for i in 1..entries.len() {
            let mut j = i;
            while j > 0 && less(&entries[j], &entries[j - 1]) {
                entries.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = entries.len() / 2;
    sort_entries(&mut entries[..mid]);
    sort_entries(&mut entries[mid..]);
    let mut merged = Vec::with_capacity(entries.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < entries.len() {
        if less(&entries[j], &entries[i]) {
            merged.push(entries[j]);
            j += 1;
        } else {
            merged.push(entries[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&entries[i..mid]);
    merged.extend_from_slice(&entries[j..]);
    entries.copy_from_slice(&merged);
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t'))
}

fn is_blankz(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\0') || is_break(c)
}

/// libyaml's `yaml_emitter_analyze_scalar` and `select_scalar_style` (block
/// context, yaml.v2 flavour: tabs count as special characters).
///
/// `v3` applies yaml.v3's rule instead: a tab only rules out plain and
/// single-quoted styles, not a block scalar.
fn select_style(s: &str, requested: Style, simple_key: bool, v3: bool) -> Style {
    let chars: Vec<char> = s.chars().collect();
    let (multiline, block_plain, single_ok, block_ok) = if chars.is_empty() {
        (false, true, true, false)
    } else {
        let mut block_ind = s.starts_with("---") || s.starts_with("...");
        let mut line_breaks = false;
        let mut special = false;
        let mut tabs = false;
        let (mut leading_space, mut leading_break) = (false, false);
        let (mut trailing_space, mut trailing_break) = (false, false);
        let (mut break_space, mut space_break) = (false, false);
        let (mut prev_space, mut prev_break) = (false, false);
        let mut preceded_by_ws = true;
        let n = chars.len();
        for (i, &c) in chars.iter().enumerate() {
            let followed_by_ws = i + 1 >= n || is_blank(chars.get(i + 1).copied());
            if i == 0 {
                match c {
                    '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\''
                    | '"' | '%' | '@' | '`' => block_ind = true,
                    '?' | ':' | '-' if followed_by_ws => block_ind = true,
                    _ => {}
                }
            } else {
                match c {
                    ':' if followed_by_ws => block_ind = true,
                    '#' if preceded_by_ws => block_ind = true,
                    _ => {}
                }
            }
            if v3 && c == '\t' {
                tabs = true;
            } else if !is_printable(c) {
                special = true;
            }
            if is_break(c) {
                line_breaks = true;
            }
            if c == ' ' {
                leading_space |= i == 0;
                trailing_space |= i + 1 == n;
                break_space |= prev_break;
                prev_space = true;
                prev_break = false;
            } else if is_break(c) {
                leading_break |= i == 0;
                trailing_break |= i + 1 == n;
                space_break |= prev_space;
                prev_space = false;
                prev_break = true;
            } else {
                prev_space = false;
                prev_break = false;
            }
            preceded_by_ws = is_blankz(c);
        }
        let mut block_plain = true;
        let mut single_ok = true;
        let mut block_ok = true;
        if leading_space || leading_break || trailing_space || trailing_break {
            block_plain = false;
        }
        if trailing_space {
            block_ok = false;
        }
        if break_space {
            block_plain = false;
            single_ok = false;
        }
        if space_break || special || tabs {
            block_plain = false;
            single_ok = false;
        }
        if space_break || special {
            block_ok = false;
        }
        if line_breaks || block_ind {
            block_plain = false;
        }
        (line_breaks, block_plain, single_ok, block_ok)
    };
    let mut style = requested;
    if simple_key && multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!block_plain || (chars.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !single_ok {
        style = Style::Double;
    }
    if style == Style::Literal && (!block_ok || simple_key) {
        style = Style::Double;
    }
    style
}

/// The scalar being written: its text and where its bytes come from.
struct Scalar<'a> {
    text: &'a TStr,
    fill: Rc<Source>,
}

/// libyaml's emitter state, writing into traced text.
struct Emitter {
    b: TextBuilder,
    site: Rc<Source>,
    loc: Option<TplLoc>,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i32,
    indents: Vec<i32>,
    /// toYamlPretty: sequences indented under their key, yaml.v3 rules.
    pretty: bool,
    /// Column after which long scalars fold (none for toYamlPretty).
    width: usize,
    /// Bytes of the current scalar copied but not yet written (batched copies).
    pending: Option<(TStr, Rc<Source>, usize, usize)>,
    /// encoding/json's cycle check (toYaml marshals to JSON first).
    cycles: crate::limits::CycleGuard,
}

impl Emitter {
    fn flush(&mut self) {
        if let Some((t, fill, a, e)) = self.pending.take() {
            self.b.push_slice_filling(&t, a..e, &fill);
        }
    }

    fn put(&mut self, s: &str, src: &Rc<Source>) {
        self.flush();
        self.b.push_str(s, src);
        self.column += s.chars().count();
    }

    fn put_break(&mut self, src: &Rc<Source>) {
        self.flush();
        self.b.push_str("\n", src);
        self.column = 0;
    }

    fn write_indent(&mut self, src: &Rc<Source>) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break(src);
        }
        while self.column < indent {
            self.put(" ", src);
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        let site = self.site.clone();
        self.write_indicator_src(ind, need_ws, is_ws, is_indention, &site);
    }

    fn write_indicator_src(
        &mut self,
        ind: &str,
        need_ws: bool,
        is_ws: bool,
        is_indention: bool,
        src: &Rc<Source>,
    ) {
        if need_ws && !self.whitespace {
            self.put(" ", src);
        }
        self.put(ind, src);
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn source(&self, deps: &Deps) -> Rc<Source> {
        if deps.is_empty() && self.site.loc == self.loc {
            return self.site.clone();
        }
        Rc::new(Source {
            loc: self.loc,
            deps: deps.clone(),
        })
    }

    fn node(&mut self, v: &Value, mapping_ctx: bool, simple_key: bool) -> Result<(), String> {
        match &v.repr {
            Repr::Map(m) => {
                let addr = Some(m.addr());
                let kept = self.cycles.enter(addr).map_err(|_| cycle_error())?;
                let data = m.borrow();
                let mut entries: Vec<(&crate::value::MapKey, &Value)> = data.iter().collect();
                sort_entries(&mut entries);
                self.mapping(&entries, mapping_ctx)?;
                self.cycles.leave(addr, kept);
                Ok(())
            }
            Repr::Object(o) if o.json_value().is_some() || o.slice_items().is_some() => {
                let v = o
                    .json_value()
                    .or_else(|| o.slice_items().map(|l| Value::list(l.as_ref().clone())))
                    .unwrap_or_default();
                self.node(&v, mapping_ctx, simple_key)
            }
            Repr::Object(o) => match o.to_map() {
                Some(m) => {
                    let m = m.borrow();
                    let mut entries: Vec<(&crate::value::MapKey, &Value)> = m.iter().collect();
                    sort_entries(&mut entries);
                    self.mapping(&entries, mapping_ctx)
                }
                None => self.string(&TStr::plain(o.display()), &v.deps, simple_key),
            },
            // toYaml goes through encoding/json: a nil slice is `null`.
            Repr::List(_) if v.is_nil_list() => self.plain_text("null", &v.deps),
            Repr::List(items) => {
                if items.is_empty() {
                    self.write_indicator("[", true, true, false);
                    self.write_indicator("]", false, false, false);
                    return Ok(());
                }
                self.cycles.enter(None).map_err(|_| cycle_error())?;
                let indentless = !self.pretty && mapping_ctx && !self.indention;
                self.increase_indent(false, indentless);
                let site = self.site.clone();
                for it in items.iter() {
                    self.write_indent(&site);
                    self.write_indicator("-", true, false, true);
                    self.node(it, false, false)?;
                }
                self.pop_indent();
                self.cycles.leave(None, false);
                Ok(())
            }
            Repr::Str(s) => self.string(s, &v.deps, simple_key),
            Repr::Nil => self.plain_text("null", &v.deps),
            Repr::Bool(b) => self.plain_text(if *b { "true" } else { "false" }, &v.deps),
            Repr::Int(i, _) => self.plain_text(&i.to_string(), &v.deps),
            Repr::Float(x) => {
                if !x.is_finite() {
                    return Err(format!(
                        "error marshaling into JSON: json: unsupported value: {}",
                        go_format_g(*x, false)
                    ));
                }
                let t = if self.pretty {
                    go_format_g(*x, false)
                } else {
                    yaml_float_text(*x)
                };
                self.plain_text(&t, &v.deps)
            }
        }
    }

    fn mapping(
        &mut self,
        entries: &[(&crate::value::MapKey, &Value)],
        _mapping_ctx: bool,
    ) -> Result<(), String> {
        if entries.is_empty() {
            self.write_indicator("{", true, true, false);
            self.write_indicator("}", false, false, false);
            return Ok(());
        }
        self.increase_indent(false, false);
        let site = self.site.clone();
        for (k, v) in entries {
            self.write_indent(&site);
            let key = TStr::plain(Rc::clone(k));
            let simple = k.len() <= 128 && !k.chars().any(is_break);
            if simple {
                self.string(&key, &v.deps, true)?;
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.string(&key, &v.deps, false)?;
                self.write_indent(&site);
                self.write_indicator(":", true, false, true);
            }
            self.node(v, true, false)?;
        }
        self.pop_indent();
        Ok(())
    }

    fn plain_text(&mut self, s: &str, deps: &Deps) -> Result<(), String> {
        let t = TStr::plain(s);
        let fill = self.source(deps);
        self.increase_indent(true, false);
        self.write_plain(&Scalar { text: &t, fill }, false);
        self.pop_indent();
        Ok(())
    }

    fn string(&mut self, s: &TStr, deps: &Deps, simple_key: bool) -> Result<(), String> {
        // A NEL inside a JSON string reads back through yaml.v2 as a folded space.
        let folded;
        let s = if s.as_str().contains('\u{85}') {
            folded = TStr::plain(s.as_str().replace('\u{85}', " "));
            &folded
        } else {
            s
        };
        let text = s.as_str();
        let requested = if text.contains('\n') {
            Style::Literal
        } else if needs_quoting(text) {
            Style::Double
        } else {
            Style::Plain
        };
        let style = select_style(text, requested, simple_key, self.pretty);
        let sc = Scalar {
            text: s,
            fill: self.source(deps),
        };
        self.increase_indent(true, false);
        match style {
            Style::Plain => self.write_plain(&sc, !simple_key),
            Style::Single => self.write_single(&sc, !simple_key),
            Style::Double => self.write_double(&sc, !simple_key),
            Style::Literal => self.write_literal(&sc),
        }
        self.flush();
        self.pop_indent();
        Ok(())
    }

    /// Copy `len` bytes of the scalar's text starting at byte `i`.
    fn copy(&mut self, sc: &Scalar<'_>, i: usize, len: usize) {
        self.column += 1;
        if let Some(p) = self.pending.as_mut() {
            if p.3 == i && Rc::ptr_eq(&p.1, &sc.fill) {
                p.3 = i + len;
                return;
            }
        }
        self.flush();
        self.pending = Some((sc.text.clone(), sc.fill.clone(), i, i + len));
    }

    fn write_plain(&mut self, sc: &Scalar<'_>, allow_breaks: bool) {
        let fill = sc.fill.clone();
        if !self.whitespace {
            self.put(" ", &fill);
        }
        let text = sc.text.as_str();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let (mut spaces, mut breaks) = (false, false);
        for (k, &(i, c)) in chars.iter().enumerate() {
            let next = chars.get(k + 1).map(|x| x.1);
            if c == ' ' {
                if allow_breaks && !spaces && self.column > self.width && next != Some(' ') {
                    self.write_indent(&fill);
                } else {
                    self.copy(sc, i, 1);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break(&fill);
                }
                self.write_break(sc, i, c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(&fill);
                }
                self.copy(sc, i, c.len_utf8());
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !text.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_break(&mut self, sc: &Scalar<'_>, i: usize, c: char) {
        self.flush();
        if c == '\n' {
            self.b.push_slice_filling(sc.text, i..i + 1, &sc.fill);
        } else {
            self.b
                .push_slice_filling(sc.text, i..i + c.len_utf8(), &sc.fill);
        }
        self.column = 0;
        self.indention = true;
    }

    fn write_single(&mut self, sc: &Scalar<'_>, allow_breaks: bool) {
        let fill = sc.fill.clone();
        self.write_indicator_src("'", true, false, false, &fill);
        let text = sc.text.as_str();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let (mut spaces, mut breaks) = (false, false);
        let last = text.len().saturating_sub(1);
        for (k, &(i, c)) in chars.iter().enumerate() {
            let next = chars.get(k + 1).map(|x| x.1);
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.width
                    && i != 0
                    && i != last
                    && next != Some(' ')
                {
                    self.write_indent(&fill);
                } else {
                    self.copy(sc, i, 1);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break(&fill);
                }
                self.write_break(sc, i, c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(&fill);
                }
                if c == '\'' {
                    self.put("'", &fill);
                }
                self.copy(sc, i, c.len_utf8());
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator_src("'", false, false, false, &fill);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, sc: &Scalar<'_>, allow_breaks: bool) {
        let fill = sc.fill.clone();
        self.write_indicator_src("\"", true, false, false, &fill);
        let text = sc.text.as_str();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut spaces = false;
        let last = text.len().saturating_sub(1);
        for (k, &(i, c)) in chars.iter().enumerate() {
            let next = chars.get(k + 1).map(|x| x.1);
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                let esc = match c {
                    '\0' => "\\0".to_string(),
                    '\u{7}' => "\\a".to_string(),
                    '\u{8}' => "\\b".to_string(),
                    '\t' => "\\t".to_string(),
                    '\n' => "\\n".to_string(),
                    '\u{b}' => "\\v".to_string(),
                    '\u{c}' => "\\f".to_string(),
                    '\r' => "\\r".to_string(),
                    '\u{1b}' => "\\e".to_string(),
                    '"' => "\\\"".to_string(),
                    '\\' => "\\\\".to_string(),
                    '\u{85}' => "\\N".to_string(),
                    '\u{a0}' => "\\_".to_string(),
                    '\u{2028}' => "\\L".to_string(),
                    '\u{2029}' => "\\P".to_string(),
                    c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                    c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                    c => format!("\\U{:08X}", c as u32),
                };
                let src = self.char_source(sc, i);
                self.put(&esc, &src);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.width && i != 0 && i != last {
                    self.write_indent(&fill);
                    if next == Some(' ') {
                        self.put("\\", &fill);
                    }
                } else {
                    self.copy(sc, i, 1);
                }
                spaces = true;
            } else {
                self.copy(sc, i, c.len_utf8());
                spaces = false;
            }
        }
        self.write_indicator_src("\"", false, false, false, &fill);
        self.whitespace = false;
        self.indention = false;
    }

    /// The source of the scalar byte at `i` (its run, else the fill).
    fn char_source(&self, sc: &Scalar<'_>, i: usize) -> Rc<Source> {
        let runs = sc.text.runs();
        let k = runs.partition_point(|r| (r.end as usize) <= i);
        match runs.get(k) {
            Some(r) if (r.start as usize) <= i => r.source.clone(),
            _ => sc.fill.clone(),
        }
    }

    fn write_literal(&mut self, sc: &Scalar<'_>) {
        let fill = sc.fill.clone();
        let text = sc.text.as_str();
        self.write_indicator_src("|", true, false, false, &fill);
        let first = text.chars().next();
        if first == Some(' ') || first.is_some_and(is_break) {
            self.write_indicator_src("2", false, false, false, &fill);
        }
        let mut rev = text.chars().rev();
        let chomp = match (rev.next(), rev.next()) {
            (None, _) => Some("-"),
            (Some(l), _) if !is_break(l) => Some("-"),
            (Some(_), None) => Some("+"),
            (Some(_), Some(p)) if is_break(p) => Some("+"),
            _ => None,
        };
        if let Some(c) = chomp {
            self.write_indicator_src(c, false, false, false, &fill);
        }
        self.put_break(&fill);
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for (i, c) in text.char_indices() {
            if is_break(c) {
                self.write_break(sc, i, c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(&fill);
                }
                self.copy(sc, i, c.len_utf8());
                self.indention = false;
                breaks = false;
            }
        }
    }

    fn document(mut self, v: &Value) -> Result<TStr, String> {
        self.node(v, false, false)?;
        // Document end: a final line break unless already at a line start.
        let site = self.site.clone();
        self.indent = -1;
        self.write_indent(&site);
        Ok(self.b.finish())
    }
}

/// sigs.k8s.io/yaml's error for a map that contains itself.
fn cycle_error() -> String {
    format!(
        "error marshaling into JSON: {}",
        crate::limits::JSON_CYCLE_ERROR
    )
}

fn emit(v: &Value, loc: Option<TplLoc>, pretty: bool) -> Result<TStr, String> {
    let e = Emitter {
        b: TextBuilder::new(),
        site: Rc::new(Source {
            loc,
            deps: Deps::none(),
        }),
        loc,
        column: 0,
        whitespace: true,
        indention: true,
        indent: -1,
        indents: Vec::new(),
        pretty,
        width: if pretty { usize::MAX } else { BEST_WIDTH },
        pending: None,
        cycles: Default::default(),
    };
    let out = e.document(v)?;
    // Helm trims the final newline.
    let n = out.len();
    if out.as_str().ends_with('\n') {
        Ok(out.slice(0..n - 1))
    } else {
        Ok(out)
    }
}

/// Helm's `toYaml`: the YAML text of `v` (yaml.v2 style, final newline
/// removed), or an error when encoding/json rejects the value (NaN, ±Inf).
/// `loc` is the call site; each scalar's bytes carry its node's deps.
pub fn try_to_yaml(v: &Value, loc: Option<TplLoc>) -> Result<TStr, String> {
    emit(v, loc, false)
}

/// Helm's `toYaml`: like [`try_to_yaml`], with the empty string on error.
pub fn to_yaml(v: &Value, loc: Option<TplLoc>) -> TStr {
    try_to_yaml(v, loc).unwrap_or_default()
}

/// Helm's `toYamlPretty` (yaml.v3 encoder with 2-space indent: sequences
/// indented under their key, numbers printed as Go values). Approximation:
/// quoting follows the yaml.v2 rules of [`to_yaml`].
pub fn to_yaml_pretty(v: &Value, loc: Option<TplLoc>) -> TStr {
    emit(v, loc, true).unwrap_or_default()
}
