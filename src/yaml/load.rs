//! Loading YAML text into [`Value`]s the way Helm does: yaml.v2 decoding
//! (YAML 1.1 scalars, merge keys, anchors, first document only), then the
//! JSON round trip of sigs.k8s.io/yaml (every number a float64, map keys
//! turned into strings, duplicate keys: last one wins).
//!
//! Values files give every node an origin with its file position; `fromYaml`
//! gives every string the trace of the input bytes it was parsed from.
//!
//! Nesting: Helm reads 10,000 nested collections of one style (go-yaml's
//! `max_flow_level` and `max_indents`, message `exceeded max depth of
//! 10000`), and the JSON step then refuses a document deeper than 10,000
//! levels in all (`invalid character '[' exceeded max depth`). The parser,
//! saphyr-parser, has no setting for its own limits (a `u8` flow level:
//! 255 levels; no block limit), and its newest release (0.3.4) keeps them;
//! rewriting deep flow text into block style before parsing would move
//! every position an error or an origin names. So the crate is used with a
//! small patch that puts go-yaml's limits in its scanner
//! (`vendor/saphyr-parser/TRACE-VALUE-PATCH.md`); [`json_too_deep`] is the
//! JSON step's. The tree builder and the conversion recurse once per
//! level: they run on threads with a large stack (`render::RENDER_STACK_BYTES`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};

use super::resolve::{go_format_g, resolve_plain, resolve_tagged, Scalar};
use super::YamlError;
use crate::origin::{Deps, Layer, Origin, OriginTable, SourcePos};
use crate::traced::{Source, TStr, TextBuilder};
use crate::value::{MapData, Value};

/// A parsed node with its position (byte offsets, 1-based line and column).
#[derive(Clone, Debug)]
struct Node {
    kind: Kind,
    start: usize,
    end: usize,
    line: u32,
    column: u32,
}

#[derive(Clone, Debug)]
enum Kind {
    Scalar {
        value: String,
        style: ScalarStyle,
        tag: Option<String>,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// Why loading failed, before it is worded like Helm.
struct Fail {
    line: u32,
    column: u32,
    message: String,
}

/// Character index → byte offset, for non-ASCII input.
struct CharMap {
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharMap {
    fn new(text: &str) -> Self {
        let offsets = if text.is_ascii() {
            None
        } else {
            Some(text.char_indices().map(|(i, _)| i).collect())
        };
        CharMap {
            offsets,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.len),
            Some(v) => v.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

fn short_tag(tag: &Tag) -> String {
    if tag.handle == "tag:yaml.org,2002:" {
        format!("!!{}", tag.suffix)
    } else if tag.handle == "!" {
        format!("!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// libyaml's wording of a saphyr error, and whether libyaml reports it as a
/// scanner error (the line printed is then the error's own line; parser
/// errors print the line before).
fn libyaml_message(info: &str) -> (String, bool) {
    let parser = |m: &str| (m.to_string(), false);
    let scanner = |m: &str| (m.to_string(), true);
    match info {
        "while parsing a block mapping, did not find expected key" => {
            parser("did not find expected key")
        }
        "while parsing a flow sequence, expected ',' or ']'" => {
            parser("did not find expected ',' or ']'")
        }
        "while parsing a flow mapping, did not find expected ',' or '}'" => {
            parser("did not find expected ',' or '}'")
        }
        "while parsing a block collection, did not find expected '-' indicator" => {
            parser("did not find expected '-' indicator")
        }
        "while parsing a node, did not find expected node content" => {
            parser("did not find expected node content")
        }
        "while scanning a quoted scalar, found unexpected end of stream"
        | "invalid indentation in quoted scalar" => scanner("found unexpected end of stream"),
        "while scanning a plain scalar, found a tab" => {
            scanner("found a tab character that violates indentation")
        }
        "tab cannot be used as indentation"
        | "tabs disallowed within this context (block indentation)"
        | "tabs disallowed in this context" => {
            scanner("found character that cannot start any token")
        }
        "illegal placement of ':' indicator" => parser("did not find expected ',' or ']'"),
        "simple key expect ':'" => scanner("could not find expected ':'"),
        "while parsing a quoted scalar, found unknown escape character" => {
            scanner("found unknown escape character")
        }
        m if m.starts_with("unexpected character: ") => {
            scanner("found character that cannot start any token")
        }
        "mapping values are not allowed in this context" => scanner(info),
        other => {
            let m = other
                .strip_prefix("while scanning a plain scalar, ")
                .or_else(|| other.strip_prefix("while scanning a quoted scalar, "))
                .unwrap_or(other);
            scanner(m)
        }
    }
}

/// The innermost `[` or `{` left open in `text` (quoted scalars and
/// comments skipped), or `None` outside flow collections.
fn innermost_flow_open(text: &str) -> Option<char> {
    let mut open: Vec<char> = Vec::new();
    let mut chars = text.chars().peekable();
    let mut prev = '\n';
    while let Some(c) = chars.next() {
        match c {
            '[' | '{' => open.push(c),
            ']' | '}' => {
                open.pop();
            }
            '"' => {
                while let Some(q) = chars.next() {
                    match q {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\'' if !prev.is_alphanumeric() => {
                while let Some(q) = chars.next() {
                    if q == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '#' if prev.is_whitespace() => {
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
        prev = c;
    }
    open.last().copied()
}

struct Builder<'t> {
    text: &'t str,
    chars: CharMap,
    /// Anchored nodes, with the number of nodes decoding them visits.
    anchors: HashMap<usize, (Node, u64)>,
    /// yaml.v2's `decodeCount` and `aliasCount`: nodes decoded, and those
    /// of them decoded again through an alias.
    decoded: u64,
    aliased: u64,
}

/// yaml.v2's `allowedAliasRatio`: the share of decoded nodes that may come
/// from alias expansion, 99% for small documents down to 10% for large ones.
fn allowed_alias_ratio(decoded: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decoded <= LOW {
        0.99
    } else if decoded >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decoded - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

impl<'t> Builder<'t> {
    fn pos(&self, span: &Span) -> (usize, usize, u32, u32) {
        (
            self.chars.byte(span.start.index()),
            self.chars.byte(span.end.index()),
            span.start.line() as u32,
            span.start.col() as u32 + 1,
        )
    }

    fn scan_fail(&self, e: &ScanError) -> Fail {
        let m = e.marker();
        if e.info() == "while parsing node, found unknown anchor" {
            let at = self.chars.byte(m.index());
            let rest = self.text.get(at..).unwrap_or("");
            let rest = rest.find('*').map_or(rest, |p| &rest[p + 1..]);
            let name: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect();
            // An anchor seen before but not known yet is one whose node is
            // still open: yaml.v2 names that case.
            let open = self.text[..at].contains(&format!("&{name}"));
            let message = if open {
                format!("yaml: anchor '{name}' value contains itself")
            } else {
                format!("yaml: unknown anchor '{name}' referenced")
            };
            return Fail {
                line: m.line() as u32,
                column: m.col() as u32 + 1,
                message,
            };
        }
        let (mut msg, is_scanner) = libyaml_message(e.info());
        // saphyr ends a `key: value` pair inside `[...]` as a flow mapping;
        // libyaml, whose pair has no `}`, still wants the sequence's `]`.
        if e.info() == "while parsing a flow mapping, did not find expected ',' or '}'" {
            let at = self.chars.byte(m.index()).min(self.text.len());
            if innermost_flow_open(self.text.get(..at).unwrap_or(self.text)) == Some('[') {
                msg = "did not find expected ',' or ']'".to_string();
            }
        }
        let mut line1 = m.line() as u32;
        if e.info() == "while scanning a plain scalar, found a tab" {
            // libyaml reports the tab's own line.
            let at = self.chars.byte(m.index());
            if let Some(p) = self.text.get(at..).and_then(|r| r.find('\t')) {
                line1 = self.text[..at + p].matches('\n').count() as u32 + 1;
            }
        }
        if e.info() == "invalid indentation in quoted scalar"
            || e.info() == "while scanning a quoted scalar, found unexpected end of stream"
        {
            // libyaml reads an unclosed quote to the end of the stream.
            line1 = self.text.matches('\n').count() as u32 + 1;
        }
        // libyaml forces a new line at the end of the stream.
        let at_eof = self.chars.byte(m.index()) >= self.text.len() && m.col() != 0;
        // yaml.v2 prints no line for a problem on the first line.
        let shown = if is_scanner {
            if line1 <= 1 {
                0
            } else {
                line1
            }
        } else if at_eof {
            line1
        } else {
            line1.saturating_sub(1)
        };
        let message = if shown == 0 {
            format!("yaml: {msg}")
        } else {
            format!("yaml: line {shown}: {msg}")
        };
        Fail {
            line: line1.max(1),
            column: m.col() as u32 + 1,
            message,
        }
    }

    fn next(
        &self,
        p: &mut Parser<'t, saphyr_parser::StrInput<'t>>,
    ) -> Result<(Event<'t>, Span), Fail> {
        match p.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => Err(self.scan_fail(&e)),
            None => Err(Fail {
                line: 1,
                column: 1,
                message: "yaml: unexpected end of stream".to_string(),
            }),
        }
    }

    fn node(
        &mut self,
        p: &mut Parser<'t, saphyr_parser::StrInput<'t>>,
        ev: Event<'t>,
        span: Span,
    ) -> Result<Node, Fail> {
        let (start, end, line, column) = self.pos(&span);
        let mk = |kind| Node {
            kind,
            start,
            end,
            line,
            column,
        };
        let before = self.decoded;
        self.decoded += 1;
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let n = mk(Kind::Scalar {
                    value: value.into_owned(),
                    style,
                    tag: tag.map(|t| short_tag(&t)),
                });
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (n.clone(), self.decoded - before));
                }
                Ok(n)
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                let mut last_end = end;
                loop {
                    let (ev, sp) = self.next(p)?;
                    if matches!(ev, Event::SequenceEnd) {
                        last_end = last_end.max(self.chars.byte(sp.end.index()));
                        break;
                    }
                    let item = self.node(p, ev, sp)?;
                    last_end = last_end.max(item.end);
                    items.push(item);
                }
                let mut n = mk(Kind::Seq(items));
                n.end = last_end;
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (n.clone(), self.decoded - before));
                }
                Ok(n)
            }
            Event::MappingStart(anchor, _) => {
                let mut entries = Vec::new();
                let mut last_end = end;
                loop {
                    let (ev, sp) = self.next(p)?;
                    if matches!(ev, Event::MappingEnd) {
                        last_end = last_end.max(self.chars.byte(sp.end.index()));
                        break;
                    }
                    let k = self.node(p, ev, sp)?;
                    let (ev, sp) = self.next(p)?;
                    let v = self.node(p, ev, sp)?;
                    last_end = last_end.max(v.end);
                    entries.push((k, v));
                }
                let mut n = mk(Kind::Map(entries));
                n.end = last_end;
                if anchor > 0 {
                    self.anchors
                        .insert(anchor, (n.clone(), self.decoded - before));
                }
                Ok(n)
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((n, size)) => {
                    // yaml.v2 refuses a document whose decoding is mostly
                    // alias expansion ("billion laughs"), before expanding.
                    self.decoded += size - 1;
                    self.aliased += size;
                    if self.aliased > 100
                        && self.decoded > 1000
                        && self.aliased as f64 / self.decoded as f64
                            > allowed_alias_ratio(self.decoded)
                    {
                        return Err(Fail {
                            line,
                            column,
                            message: "yaml: document contains excessive aliasing".to_string(),
                        });
                    }
                    Ok(n.clone())
                }
                None => {
                    let name: String = self.text[start..]
                        .trim_start_matches('*')
                        .chars()
                        .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                        .collect();
                    let open = self.text[..start].contains(&format!("&{name}"));
                    let message = if open {
                        format!("yaml: anchor '{name}' value contains itself")
                    } else {
                        format!("yaml: unknown anchor '{name}' referenced")
                    };
                    Err(Fail {
                        line,
                        column,
                        message,
                    })
                }
            },
            _ => Err(Fail {
                line,
                column,
                message: "yaml: unexpected event".to_string(),
            }),
        }
    }
}

/// Parse the first document of `text` into a node tree (`None` when empty).
fn parse_tree(text: &str) -> Result<Option<Node>, Fail> {
    if let Some(at) = super::control_character(text) {
        let line = text[..at].matches('\n').count() as u32 + 1;
        return Err(Fail {
            line,
            column: (at - text[..at].rfind('\n').map_or(0, |p| p + 1)) as u32 + 1,
            message: super::CONTROL_CHARACTERS.to_string(),
        });
    }
    let mut b = Builder {
        text,
        chars: CharMap::new(text),
        anchors: HashMap::new(),
        decoded: 0,
        aliased: 0,
    };
    let mut p = Parser::new_from_str(text);
    loop {
        let (ev, sp) = b.next(&mut p)?;
        match ev {
            Event::StreamStart | Event::DocumentStart(_) => {}
            Event::StreamEnd | Event::DocumentEnd => return Ok(None),
            Event::Nothing => {}
            ev => {
                let n = b.node(&mut p, ev, sp)?;
                return Ok(Some(n));
            }
        }
    }
}

/// Texts parsed by `fromYaml` in one render: templates parse the same
/// included text many times (once per collector or destination), so the
/// node tree of each distinct text is kept for the render. Only the syntax
/// tree is shared; every call still builds its own values with its own
/// input's trace. Each render owns one (the evaluator makes it and passes
/// it to the functions it calls).
#[derive(Default)]
pub struct YamlTrees(RefCell<TreeCache>);

#[derive(Default)]
struct TreeCache {
    trees: HashMap<Rc<str>, Rc<Option<Node>>>,
    bytes: usize,
}

/// Bytes of text the tree cache holds before it starts over.
const TREE_CACHE_MAX_BYTES: usize = 16 * 1024 * 1024;

/// [`parse_tree`] through the render's cache.
fn parse_tree_cached(text: &Rc<str>, cache: &YamlTrees) -> Result<Rc<Option<Node>>, Fail> {
    if let Some(hit) = cache.0.borrow().trees.get(&**text).cloned() {
        return Ok(hit);
    }
    let tree = Rc::new(parse_tree(text)?);
    let mut c = cache.0.borrow_mut();
    if c.bytes + text.len() > TREE_CACHE_MAX_BYTES {
        c.trees.clear();
        c.bytes = 0;
    }
    c.bytes += text.len();
    c.trees.insert(text.clone(), tree.clone());
    Ok(tree)
}

/// How the converter attributes nodes.
trait Attribution {
    /// Deps for `node`, named by `anchor` (the key of a map entry, else the node itself).
    fn deps(&mut self, anchor: &Node, node: &Node) -> Deps;
    /// The traced text of a string scalar.
    fn text(&mut self, n: &Node, value: &str, deps: &Deps) -> TStr;
    /// True when a float -0 reads as 0: for `-f` files, which Helm's
    /// engine receives as JSON decoded and encoded again by its caller
    /// (`-0` comes back as the integer 0); a chart's own `values.yaml` and
    /// `fromYaml` keep -0.
    fn loses_negative_zero(&self) -> bool {
        false
    }
}

/// Values files: one origin per node.
struct Origins<'a> {
    file: Rc<str>,
    layer: Layer,
    table: &'a mut OriginTable,
}

impl Attribution for Origins<'_> {
    fn loses_negative_zero(&self) -> bool {
        self.layer == Layer::UserFile
    }

    fn deps(&mut self, n: &Node, _node: &Node) -> Deps {
        let id = self.table.add(Origin {
            path: String::new(),
            layer: self.layer.clone(),
            pos: Some(SourcePos {
                file: self.file.clone(),
                line: n.line,
                column: n.column,
            }),
        });
        Deps::one(id)
    }

    fn text(&mut self, _n: &Node, value: &str, deps: &Deps) -> TStr {
        TStr::with_source(
            value,
            Rc::new(Source {
                loc: None,
                deps: deps.clone(),
            }),
        )
    }
}

/// `fromYaml`: the input's own trace.
struct InputTrace<'a> {
    input: &'a TStr,
}

impl Attribution for InputTrace<'_> {
    fn deps(&mut self, anchor: &Node, node: &Node) -> Deps {
        let bytes = |n: &Node| {
            let end = n.end.min(self.input.len());
            let start = n.start.min(end);
            self.input.deps_in(start..end)
        };
        let own = if matches!(node.kind, Kind::Scalar { .. }) {
            bytes(node)
        } else {
            Deps::none()
        };
        if std::ptr::eq(anchor, node) {
            own
        } else {
            bytes(anchor).union(&own)
        }
    }

    fn text(&mut self, n: &Node, value: &str, deps: &Deps) -> TStr {
        trace_scalar(self.input, n.start, n.end, value, deps)
    }
}

/// Map a scalar's value onto the input bytes it was parsed from: each line
/// of the value that occurs in the source (in order) keeps the source's trace.
fn trace_scalar(input: &TStr, start: usize, end: usize, value: &str, deps: &Deps) -> TStr {
    let src = input.as_str();
    let end = end.min(src.len());
    let start = start.min(end);
    let fill = Rc::new(Source {
        loc: None,
        deps: deps.clone(),
    });
    let mut b = TextBuilder::with_capacity(value.len());
    let mut cursor = start;
    let mut first = true;
    for line in value.split('\n') {
        if !first {
            match src.get(cursor..end).and_then(|s| s.find('\n')) {
                Some(off) => {
                    b.push_slice_filling(input, cursor + off..cursor + off + 1, &fill);
                    cursor += off + 1;
                }
                None => b.push_str("\n", &fill),
            }
        }
        first = false;
        if line.is_empty() {
            continue;
        }
        match src.get(cursor..end).and_then(|s| s.find(line)) {
            Some(off) => {
                let a = cursor + off;
                b.push_slice_filling(input, a..a + line.len(), &fill);
                cursor = a + line.len();
            }
            None => {
                // Folded text: map word by word.
                let mut first_word = true;
                for word in line.split(' ') {
                    if !first_word {
                        b.push_str(" ", &fill);
                    }
                    first_word = false;
                    if word.is_empty() {
                        continue;
                    }
                    match src.get(cursor..end).and_then(|s| s.find(word)) {
                        Some(off) => {
                            let a = cursor + off;
                            b.push_slice_filling(input, a..a + word.len(), &fill);
                            cursor = a + word.len();
                        }
                        None => b.push_str(word, &fill),
                    }
                }
            }
        }
    }
    b.finish()
}

fn is_merge_key(n: &Node) -> bool {
    match &n.kind {
        Kind::Scalar { value, style, tag } => {
            value == "<<"
                && ((*style == ScalarStyle::Plain && tag.is_none())
                    || tag.as_deref() == Some("!!merge"))
        }
        _ => false,
    }
}

/// Go's `%#v` of a decoded node, for yaml.v2's "invalid map key" message.
fn go_repr(n: &Node) -> String {
    match &n.kind {
        Kind::Scalar { .. } => match scalar_of(n).ok().flatten() {
            Some(Scalar::Str(s)) => format!("{s:?}"),
            Some(Scalar::Int(i)) => i.to_string(),
            Some(Scalar::Float(f)) => go_format_g(f, false),
            Some(Scalar::Bool(b)) => b.to_string(),
            _ => "interface {}(nil)".to_string(),
        },
        Kind::Seq(items) => {
            let parts: Vec<String> = items.iter().map(go_repr).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        Kind::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", go_repr(k), go_repr(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

fn fail_at(n: &Node, message: String) -> Fail {
    Fail {
        line: n.line,
        column: n.column,
        message,
    }
}

fn scalar_of(n: &Node) -> Result<Option<Scalar>, Fail> {
    let Kind::Scalar { value, style, tag } = &n.kind else {
        return Ok(None);
    };
    let r = match tag {
        Some(t) => resolve_tagged(t, value),
        None if *style == ScalarStyle::Plain => Ok(resolve_plain(value)),
        None => Ok(Scalar::Str(value.clone())),
    };
    r.map(Some).map_err(|m| fail_at(n, format!("yaml: {m}")))
}

struct Converter<'a> {
    attr: &'a mut dyn Attribution,
}

impl Converter<'_> {
    /// Convert `n`; `anchor` is the node whose position names it (the key of a map entry).
    fn value(&mut self, n: &Node, anchor: &Node) -> Result<Value, Fail> {
        match &n.kind {
            Kind::Scalar { value, .. } => {
                let deps = self.attr.deps(anchor, n);
                let v = match scalar_of(n)?.unwrap_or(Scalar::Null) {
                    Scalar::Null => Value::nil(),
                    Scalar::Bool(b) => Value::bool(b),
                    Scalar::Int(i) => Value::float(i as f64),
                    Scalar::Float(f) => {
                        if !f.is_finite() {
                            return Err(fail_at(
                                n,
                                format!("json: unsupported value: {}", go_format_g(f, false)),
                            ));
                        }
                        // A float -0 stays -0 through the YAML→JSON step (an int -0 is 0).
                        if f == 0.0 && self.attr.loses_negative_zero() {
                            Value::float(0.0)
                        } else {
                            Value::float(f)
                        }
                    }
                    Scalar::Str(s) => {
                        let t = if s == *value {
                            self.attr.text(n, &s, &deps)
                        } else {
                            TStr::with_source(
                                s,
                                Rc::new(Source {
                                    loc: None,
                                    deps: deps.clone(),
                                }),
                            )
                        };
                        Value::tstr(t)
                    }
                };
                Ok(v.with_deps(deps))
            }
            Kind::Seq(items) => {
                let deps = self.attr.deps(anchor, n);
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    out.push(self.value(it, it)?);
                }
                Ok(Value::list(out).with_deps(deps))
            }
            Kind::Map(_) => {
                let deps = self.attr.deps(anchor, n);
                let mut data = MapData::new();
                self.fill_map(n, &mut data)?;
                Ok(Value::map_from(data).with_deps(deps))
            }
        }
    }

    fn fill_map(&mut self, n: &Node, data: &mut MapData) -> Result<(), Fail> {
        let Kind::Map(entries) = &n.kind else {
            return Ok(());
        };
        for (k, v) in entries {
            if is_merge_key(k) {
                self.merge(v, data)?;
                continue;
            }
            let key = self.key_string(k, v)?;
            let val = self.value(v, k)?;
            data.insert(key.into(), val);
        }
        Ok(())
    }

    fn merge(&mut self, v: &Node, data: &mut MapData) -> Result<(), Fail> {
        let bad = || {
            fail_at(
                v,
                "yaml: map merge requires map or sequence of maps as the value".to_string(),
            )
        };
        match &v.kind {
            Kind::Map(_) => self.fill_map(v, data),
            Kind::Seq(items) => {
                for it in items.iter().rev() {
                    if !matches!(it.kind, Kind::Map(_)) {
                        return Err(bad());
                    }
                    self.fill_map(it, data)?;
                }
                Ok(())
            }
            Kind::Scalar { .. } => Err(bad()),
        }
    }

    fn key_string(&mut self, k: &Node, v: &Node) -> Result<String, Fail> {
        let Some(s) = scalar_of(k)? else {
            return Err(fail_at(k, format!("yaml: invalid map key: {}", go_repr(k))));
        };
        Ok(match s {
            Scalar::Str(s) => s,
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => match go_format_g(f, true).as_str() {
                "+Inf" => ".inf".to_string(),
                "-Inf" => "-.inf".to_string(),
                "NaN" => ".nan".to_string(),
                s => s.to_string(),
            },
            Scalar::Null => {
                let shown = match scalar_of(v)? {
                    Some(Scalar::Str(s)) => format!("{s:?}"),
                    Some(Scalar::Int(i)) => i.to_string(),
                    Some(Scalar::Bool(b)) => b.to_string(),
                    Some(Scalar::Float(f)) => go_format_g(f, false),
                    Some(Scalar::Null) => "<nil>".to_string(),
                    None => "map[interface {}]interface {}{...}".to_string(),
                };
                return Err(fail_at(
                    k,
                    format!("unsupported map key of type: %!s(<nil>), key: <nil>, value: {shown}"),
                ));
            }
        })
    }
}

fn to_error(file: &str, f: Fail) -> YamlError {
    YamlError {
        file: file.to_string(),
        line: f.line,
        column: f.column,
        message: format!("error converting YAML to JSON: {}", f.message),
    }
}

fn convert(tree: Option<&Node>, attr: &mut dyn Attribution) -> Result<Value, Fail> {
    let Some(root) = tree else {
        return Ok(Value::nil());
    };
    let mut c = Converter { attr };
    c.value(root, root)
}

/// A values document parsed once: its syntax tree with positions. Each
/// render turns it into values with origins of its own ([`values_from_tree`]),
/// so a chart's `values.yaml` is parsed when the chart is loaded, as Helm's
/// loader does, not on every render.
/// A chart's `values.yaml` may hold several documents (Helm 4 merges them).
#[derive(Clone, Debug)]
pub struct ValuesTree(std::sync::Arc<Vec<Option<Node>>>);

/// The documents of a stream as Kubernetes' `YAMLReader` splits it (Helm
/// 4's `LoadValues`): at lines starting with `---`, which may be followed by
/// spaces and a comment only. Each is `(start, end, lines before it)`;
/// empty ones are left out.
fn split_documents(text: &str) -> Result<Vec<(usize, usize, u32)>, String> {
    let bytes = text.as_bytes();
    // Fast path: no line starts with `---`.
    if !bytes.starts_with(b"---") && memchr::memmem::find(bytes, b"\n---").is_none() {
        return Ok(vec![(0, text.len(), 0)]);
    }
    let mut docs = Vec::new();
    let (mut start, mut start_line) = (0usize, 0u32);
    let (mut at, mut line) = (0usize, 0u32);
    for l in text.split_inclusive('\n') {
        if let Some(rest) = l.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(format!("invalid Yaml document separator: {trimmed}"));
            }
            if at > start {
                docs.push((start, at, start_line));
            }
            start = at + l.len();
            start_line = line + 1;
        }
        at += l.len();
        line += 1;
    }
    if text.len() > start {
        docs.push((start, text.len(), start_line));
    }
    Ok(docs)
}

/// Move the positions of a document's nodes to where it sits in its file.
fn shift_node(n: &mut Node, bytes: usize, lines: u32) {
    n.start += bytes;
    n.end += bytes;
    n.line += lines;
    match &mut n.kind {
        Kind::Scalar { .. } => {}
        Kind::Seq(items) => items.iter_mut().for_each(|it| shift_node(it, bytes, lines)),
        Kind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift_node(k, bytes, lines);
            shift_node(v, bytes, lines);
        }),
    }
}

/// Parse a chart's `values.yaml`: every document; errors name `file` (the
/// message gives the line within the document, as Helm does).
pub fn parse_values_tree(text: &str, file: &str) -> Result<ValuesTree, YamlError> {
    let docs = split_documents(text).map_err(|m| YamlError {
        file: file.to_string(),
        line: 1,
        column: 1,
        message: format!("error reading yaml document: {m}"),
    })?;
    let mut trees = Vec::with_capacity(docs.len());
    for (start, end, lines) in docs {
        let mut tree = parse_tree(&text[start..end]).map_err(|mut f| {
            f.line += lines;
            to_error(file, f)
        })?;
        if let Some(n) = tree.as_mut().filter(|_| start > 0) {
            shift_node(n, start, lines);
        }
        trees.push(tree);
    }
    Ok(ValuesTree(std::sync::Arc::new(trees)))
}

/// Load a values document (see [`super::load_values`]): the first document
/// only, as Helm reads a `-f` file.
pub(crate) fn load(
    text: &str,
    file: Rc<str>,
    layer: Layer,
    origins: &mut OriginTable,
) -> Result<Value, YamlError> {
    let tree = parse_tree(text).map_err(|f| to_error(&file, f))?;
    let tree = ValuesTree(std::sync::Arc::new(vec![tree]));
    values_from_tree(&tree, file, layer, origins)
}

/// The values of a parsed document, every node with an origin (see
/// [`super::load_values`]).
pub fn values_from_tree(
    tree: &ValuesTree,
    file: Rc<str>,
    layer: Layer,
    origins: &mut OriginTable,
) -> Result<Value, YamlError> {
    let docs = tree.0.as_ref();
    if docs.len() > 1 {
        // Helm 4 merges the documents with `MergeMaps`, each over the last.
        let mut out = crate::value::MapRef::new();
        for doc in docs {
            let one = ValuesTree(std::sync::Arc::new(vec![doc.clone()]));
            let v = values_from_tree(&one, file.clone(), layer.clone(), origins)?;
            if let Some(m) = v.as_map() {
                out = crate::value::merge_maps(&out, m);
            }
        }
        return Ok(Value::map(out));
    }
    let tree = docs.first().and_then(Option::as_ref);
    let root_pos = tree.map(|n| (n.line, n.column)).unwrap_or((1, 1));
    // Helm decodes `-f` files into its `common.Values` type, chart values into a plain map.
    let target = if layer == Layer::UserFile {
        "common.Values"
    } else {
        "map[string]interface {}"
    };
    let mut attr = Origins {
        file: file.clone(),
        layer,
        table: origins,
    };
    let v = convert(tree, &mut attr).map_err(|f| to_error(&file, f))?;
    if let Some(e) = tree.and_then(json_too_deep) {
        return Err(YamlError {
            file: file.to_string(),
            line: e.line,
            column: e.column,
            message: e.message,
        });
    }
    let kind = match &v.repr {
        crate::value::Repr::Nil => return Ok(Value::map_from(MapData::new())),
        crate::value::Repr::Map(_) => return Ok(v),
        crate::value::Repr::List(_) => "array",
        crate::value::Repr::Str(_) => "string",
        crate::value::Repr::Bool(_) => "bool",
        _ => "number",
    };
    Err(YamlError {
        file: file.to_string(),
        line: root_pos.0,
        column: root_pos.1,
        message: format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go value of type {target}"
        ),
    })
}

/// Parse YAML text for `fromYaml`/`fromYamlArray`: the first document as a
/// value of any shape (nil when empty). String scalars carry the trace of
/// the input bytes they were parsed from; every scalar depends on the
/// origins of its bytes (and of its key's bytes in a map).
pub fn parse_yaml_value(text: &TStr) -> Result<Value, YamlError> {
    parse_yaml_value_in(text, &YamlTrees::default())
}

/// [`parse_yaml_value`] with the render's tree cache.
pub fn parse_yaml_value_in(text: &TStr, trees: &YamlTrees) -> Result<Value, YamlError> {
    let tree = parse_tree_cached(text.text_rc(), trees).map_err(|f| to_error("", f))?;
    let mut attr = InputTrace { input: text };
    let v = convert(tree.as_ref().as_ref(), &mut attr).map_err(|f| to_error("", f))?;
    if let Some(e) = tree.as_ref().as_ref().and_then(json_too_deep) {
        return Err(YamlError {
            file: String::new(),
            line: e.line,
            column: e.column,
            message: e.message,
        });
    }
    Ok(v)
}

/// Go's JSON decoder reads at most 10,000 nested arrays and objects; the
/// YAML parser's limit (10,000 nested collections of one style) leaves room
/// for one level more, which sigs.k8s.io/yaml's JSON step then refuses.
const MAX_JSON_DEPTH: usize = 10_000;

/// The JSON step's refusal of a document nested more than
/// [`MAX_JSON_DEPTH`] deep, at the first collection (in document order)
/// past it. Iterative: the tree may be 20,000 levels deep.
fn json_too_deep(root: &Node) -> Option<Fail> {
    let mut stack: Vec<(&Node, usize)> = vec![(root, 1)];
    while let Some((n, depth)) = stack.pop() {
        let bracket = match &n.kind {
            Kind::Scalar { .. } => continue,
            Kind::Seq(items) => {
                stack.extend(items.iter().rev().map(|it| (it, depth + 1)));
                '['
            }
            Kind::Map(entries) => {
                stack.extend(entries.iter().rev().map(|(_, v)| (v, depth + 1)));
                '{'
            }
        };
        if depth > MAX_JSON_DEPTH {
            return Some(fail_at(
                n,
                format!(
                    "error unmarshaling JSON: while decoding JSON: invalid character '{bracket}' exceeded max depth"
                ),
            ));
        }
    }
    None
}

/// The JSON type name Go's decoder reports for a value that does not fit.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match &v.repr {
        crate::value::Repr::List(_) => "array",
        crate::value::Repr::Map(_) => "object",
        crate::value::Repr::Str(_) => "string",
        crate::value::Repr::Bool(_) => "bool",
        crate::value::Repr::Nil => "null",
        _ => "number",
    }
}
