//! Traced text: a string plus a sparse side table saying where its bytes came from.
//!
//! A [`TStr`] is the text of a string value or of rendered output. Its
//! [`Trace`] holds sorted, non-overlapping [`Run`]s (byte range → [`Source`])
//! and the [`Decision`]s (`if`/`with`/`range`) whose chosen branch produced a
//! byte range of it. String functions build their results with a
//! [`TextBuilder`], which copies slices of traced inputs (keeping and shifting
//! their runs and decisions) and appends new text with a given source.

use std::ops::Range;
use std::rc::Rc;

use crate::origin::Deps;

/// Identifies a template file in the template set of one render.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A place in a template: file and byte offset of the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TplLoc {
    /// Template file.
    pub file: FileId,
    /// Byte offset into the file's text.
    pub offset: u32,
}

/// Where a run of bytes came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The template location that wrote the bytes: the literal text node, or
    /// the action/function call that printed or inserted them.
    pub loc: Option<TplLoc>,
    /// The values origins the bytes depend on (empty for literal template text).
    pub deps: Deps,
}

impl Source {
    /// The same source `delta` bytes further into its template text (for a
    /// piece of literal text that starts inside the literal).
    pub fn shifted(&self, delta: u32) -> Source {
        Source {
            loc: self.loc.map(|l| TplLoc {
                file: l.file,
                offset: l.offset + delta,
            }),
            deps: self.deps.clone(),
        }
    }

    /// Literal template text at `loc`.
    pub fn literal(loc: TplLoc) -> Self {
        Source {
            loc: Some(loc),
            deps: Deps::none(),
        }
    }
}

/// A byte range of a [`TStr`] and its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Start byte (inclusive).
    pub start: u32,
    /// End byte (exclusive).
    pub end: u32,
    /// Where these bytes came from.
    pub source: Rc<Source>,
}

/// Which control structure made a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecisionKind {
    /// `if` / `else if`.
    If,
    /// `with` / `else with`.
    With,
    /// `range`.
    Range,
    /// An empty value printed (`{{ .Values.x }}` of `""`, or of a key the
    /// user's `null` deleted): no text, but where the value would be written.
    Value,
}

/// The record of one executed `if`/`with`/`range`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// The kind of control structure.
    pub kind: DecisionKind,
    /// Location of the action that made the decision (`{{ if ... }}`).
    pub loc: TplLoc,
    /// Origins the condition (or range target) depended on.
    pub deps: Deps,
    /// Whether a non-else branch was taken (for `range`: the collection was non-empty).
    pub taken: bool,
    /// Output byte range the chosen branch produced; may be empty (an insertion point).
    pub start: u32,
    /// End of that range (exclusive).
    pub end: u32,
}

/// A byte that is not UTF-8, standing in a string's text as U+FFFD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawByte {
    /// Offset of the U+FFFD in the text.
    pub at: u32,
    /// The byte.
    pub byte: u8,
}

/// The U+FFFD that stands for a raw byte in a text.
pub const RAW_STAND_IN: &str = "\u{FFFD}";

/// Side table of a traced string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trace {
    /// Sorted, non-overlapping runs. Bytes not covered have no known source.
    pub runs: Vec<Run>,
    /// Decisions, in the order they finished executing.
    pub decisions: Vec<Decision>,
    /// The bytes that are not UTF-8 (Go strings are bytes: `.Files.Get` of
    /// a binary file, `b64dec`), sorted by place: the text holds each as
    /// one U+FFFD (3 bytes) at the given offset, as Go's `range` over the
    /// string reads it. Text that is moved (`push_slice`: slices, `trim`,
    /// `indent`, `cat`, printing) keeps them; functions that read bytes
    /// (`b64enc`, `len`, `sha256sum`, `quote`, `toJson`) use them; text
    /// built anew (`upper`, `replace`) has the U+FFFD, as Go's
    /// rune-by-rune functions write it.
    pub raw: Option<Rc<[RawByte]>>,
}

/// A traced string: text plus an optional shared trace.
#[derive(Clone, Default)]
pub struct TStr {
    text: Rc<str>,
    trace: Option<Rc<Trace>>,
}

impl std::fmt::Debug for TStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.text, f)
    }
}

impl PartialEq for TStr {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl TStr {
    /// Untraced text.
    pub fn plain(text: impl Into<Rc<str>>) -> Self {
        TStr {
            text: text.into(),
            trace: None,
        }
    }

    /// Text whose every byte comes from `source`.
    pub fn with_source(text: impl Into<Rc<str>>, source: Rc<Source>) -> Self {
        let text: Rc<str> = text.into();
        if text.is_empty() {
            return TStr { text, trace: None };
        }
        let end = text.len() as u32;
        TStr {
            text,
            trace: Some(Rc::new(Trace {
                runs: vec![Run {
                    start: 0,
                    end,
                    source,
                }],
                decisions: Vec::new(),
                raw: None,
            })),
        }
    }

    /// Text with an explicit trace.
    pub fn from_parts(text: impl Into<Rc<str>>, trace: Trace) -> Self {
        let trace = if trace.runs.is_empty() && trace.decisions.is_empty() && trace.raw.is_none() {
            None
        } else {
            Some(Rc::new(trace))
        };
        TStr {
            text: text.into(),
            trace,
        }
    }

    /// A Go string of arbitrary bytes: UTF-8 text as is (no copy beyond
    /// the text); each byte that is not part of a UTF-8 sequence becomes
    /// one U+FFFD (as Go's `range` decodes it, not Rust's lossy decoding,
    /// which may merge a broken sequence into one) and is kept exactly
    /// ([`Trace::raw`]).
    pub fn from_bytes(data: &[u8]) -> Self {
        if let Ok(s) = std::str::from_utf8(data) {
            return TStr::plain(s);
        }
        let mut text = String::with_capacity(data.len() + 8);
        let mut raw = Vec::new();
        let mut rest = data;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(s) => {
                    text.push_str(s);
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    // Checked by from_utf8 up to `good`.
                    text.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                    raw.push(RawByte {
                        at: text.len() as u32,
                        byte: rest[good],
                    });
                    text.push_str(RAW_STAND_IN);
                    rest = &rest[good + 1..];
                }
            }
        }
        TStr {
            text: Rc::from(text),
            trace: Some(Rc::new(Trace {
                raw: Some(Rc::from(raw)),
                ..Trace::default()
            })),
        }
    }

    /// The same text with each byte that is not UTF-8 turned into the
    /// U+FFFD that stands for it (what Go's encoders, `toYaml` among
    /// them, write).
    pub fn without_raw(&self) -> TStr {
        match self.trace.as_deref() {
            Some(t) if t.raw.is_some() => TStr::from_parts(
                self.text.clone(),
                Trace {
                    runs: t.runs.clone(),
                    decisions: t.decisions.clone(),
                    raw: None,
                },
            ),
            _ => self.clone(),
        }
    }

    /// The bytes that are not UTF-8 (see [`Trace::raw`]); empty for text.
    pub fn raw(&self) -> &[RawByte] {
        self.trace
            .as_deref()
            .and_then(|t| t.raw.as_deref())
            .unwrap_or(&[])
    }

    /// The string's bytes as Go sees them: the text, with the exact bytes
    /// of a string made from non-UTF-8 data ([`TStr::from_bytes`]).
    pub fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        raw_bytes(&self.text, self.raw())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The shared text.
    pub fn text_rc(&self) -> &Rc<str> {
        &self.text
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The trace, if any.
    pub fn trace(&self) -> Option<&Trace> {
        self.trace.as_deref()
    }

    /// The runs (empty when untraced).
    pub fn runs(&self) -> &[Run] {
        self.trace.as_deref().map_or(&[], |t| &t.runs)
    }

    /// The decisions (empty when untraced).
    pub fn decisions(&self) -> &[Decision] {
        self.trace.as_deref().map_or(&[], |t| &t.decisions)
    }

    /// True when the string has no trace at all.
    pub fn is_untraced(&self) -> bool {
        self.trace.is_none()
    }

    /// The same text with every byte attributed to `source`, keeping decisions.
    ///
    /// Used when a value without per-byte sources (a plain string from values)
    /// is printed.
    pub fn fill_untraced(&self, source: &Rc<Source>) -> TStr {
        if self.text.is_empty() {
            return self.clone();
        }
        let mut b = TextBuilder::with_capacity(self.len());
        b.push_slice_filling(self, 0..self.len(), source);
        b.finish()
    }

    /// Sub-string of a byte range, with the runs and decisions inside it.
    pub fn slice(&self, range: Range<usize>) -> TStr {
        if range.start == 0 && range.end == self.len() {
            return self.clone();
        }
        let mut b = TextBuilder::with_capacity(range.len());
        b.push_slice(self, range);
        b.finish()
    }

    /// The same text with every run's and decision's deps rewritten by `f`
    /// (used when values are copied under new origins).
    pub fn map_deps(&self, f: &mut dyn FnMut(&Deps) -> Deps) -> TStr {
        let Some(t) = self.trace.as_deref() else {
            return self.clone();
        };
        let runs = t
            .runs
            .iter()
            .map(|r| Run {
                start: r.start,
                end: r.end,
                source: Rc::new(Source {
                    loc: r.source.loc,
                    deps: f(&r.source.deps),
                }),
            })
            .collect();
        let decisions = t
            .decisions
            .iter()
            .map(|d| Decision {
                deps: f(&d.deps),
                ..d.clone()
            })
            .collect();
        TStr::from_parts(
            self.text.clone(),
            Trace {
                runs,
                decisions,
                raw: t.raw.clone(),
            },
        )
    }

    /// The same text with some run sources replaced: `f` returns the new
    /// source for a run, or `None` to keep it.
    pub fn map_sources(&self, f: &mut dyn FnMut(&Source) -> Option<Source>) -> TStr {
        let Some(t) = self.trace.as_deref() else {
            return self.clone();
        };
        let runs = t
            .runs
            .iter()
            .map(|r| Run {
                start: r.start,
                end: r.end,
                source: f(&r.source).map_or_else(|| r.source.clone(), Rc::new),
            })
            .collect();
        TStr::from_parts(
            self.text.clone(),
            Trace {
                runs,
                decisions: t.decisions.clone(),
                raw: t.raw.clone(),
            },
        )
    }

    /// Union of the deps of every run and decision in the string.
    pub fn all_deps(&self) -> Deps {
        let Some(t) = self.trace.as_deref() else {
            return Deps::none();
        };
        union_of(
            t.runs
                .iter()
                .map(|r| &r.source.deps)
                .chain(t.decisions.iter().map(|d| &d.deps)),
        )
    }

    /// The same as `self.slice(range).all_deps()`, without copying the text:
    /// the deps of the runs and of the decisions a slice of `range` keeps.
    pub fn deps_in(&self, range: Range<usize>) -> Deps {
        let Some(t) = self.trace.as_deref() else {
            return Deps::none();
        };
        let (a, b) = (range.start, range.end);
        if a > b || b > self.len() {
            return Deps::none();
        }
        if a == 0 && b == self.len() {
            return self.all_deps();
        }
        // An empty range keeps no runs (a clipped run would be empty).
        let first = if a < b {
            t.runs.partition_point(|r| (r.end as usize) <= a)
        } else {
            t.runs.len()
        };
        let runs = t.runs[first..]
            .iter()
            .take_while(|r| (r.start as usize) < b)
            .map(|r| &r.source.deps);
        let decisions = t
            .decisions
            .iter()
            .filter(|d| {
                let (ds, de) = (d.start as usize, d.end as usize);
                if ds == de {
                    (a <= ds && ds < b) || (ds == b && b == self.len()) || (a == b && ds == a)
                } else {
                    ds < b && de > a
                }
            })
            .map(|d| &d.deps);
        union_of(runs.chain(decisions))
    }
}

/// The union of many dep sets, built once (sharing the set when only one is non-empty).
fn union_of<'a>(sets: impl Iterator<Item = &'a Deps>) -> Deps {
    let mut single: Option<&Deps> = None;
    let mut ids: Vec<crate::origin::OriginId> = Vec::new();
    for d in sets {
        if d.is_empty() {
            continue;
        }
        match single {
            None if ids.is_empty() => single = Some(d),
            Some(s) if s == d => {}
            _ => {
                if let Some(s) = single.take() {
                    ids.extend(s.iter());
                }
                ids.extend(d.iter());
            }
        }
    }
    match single {
        Some(s) => s.clone(),
        None => ids.into_iter().collect(),
    }
}

impl From<&str> for TStr {
    fn from(s: &str) -> Self {
        TStr::plain(s)
    }
}

impl From<String> for TStr {
    fn from(s: String) -> Self {
        TStr::plain(s)
    }
}

/// The bytes of `text` with each raw byte's stand-in replaced by the byte.
pub fn raw_bytes<'a>(text: &'a str, raw: &[RawByte]) -> std::borrow::Cow<'a, [u8]> {
    if raw.is_empty() {
        return std::borrow::Cow::Borrowed(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    for r in raw {
        let i = r.at as usize;
        out.extend_from_slice(&text.as_bytes()[at..i]);
        out.push(r.byte);
        at = i + RAW_STAND_IN.len();
    }
    out.extend_from_slice(&text.as_bytes()[at..]);
    std::borrow::Cow::Owned(out)
}

/// Builds a [`TStr`] from new text and slices of traced inputs.
pub struct TextBuilder {
    text: String,
    runs: Vec<Run>,
    decisions: Vec<Decision>,
    /// Raw bytes of the pushed slices (kept also when not tracing: they
    /// are the string's value).
    raw: Vec<RawByte>,
    /// Record runs and decisions (off in [`TextBuilder::untraced`]).
    trace: bool,
}

impl Default for TextBuilder {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl TextBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty builder with room for `n` bytes.
    pub fn with_capacity(n: usize) -> Self {
        TextBuilder {
            text: String::with_capacity(n),
            runs: Vec::new(),
            decisions: Vec::new(),
            raw: Vec::new(),
            trace: true,
        }
    }

    /// A builder that records no runs or decisions: the evaluator's output
    /// when a render is asked for its text alone (to measure what tracing
    /// costs). Text copied into it loses its trace.
    pub fn untraced() -> Self {
        TextBuilder {
            trace: false,
            ..Self::default()
        }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// True when nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text written so far.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    fn add_run(&mut self, start: usize, end: usize, source: &Rc<Source>) {
        if start >= end || !self.trace {
            return;
        }
        if let Some(last) = self.runs.last_mut() {
            if last.end as usize == start
                && (Rc::ptr_eq(&last.source, source) || *last.source == **source)
            {
                last.end = end as u32;
                return;
            }
        }
        self.runs.push(Run {
            start: start as u32,
            end: end as u32,
            source: source.clone(),
        });
    }

    /// Append text with no known source.
    pub fn push_plain(&mut self, s: &str) {
        self.text.push_str(s);
    }

    /// Append text that came from `source`.
    pub fn push_str(&mut self, s: &str, source: &Rc<Source>) {
        let start = self.text.len();
        self.text.push_str(s);
        self.add_run(start, self.text.len(), source);
    }

    /// Append a whole traced string.
    pub fn push_tstr(&mut self, s: &TStr) {
        self.push_slice(s, 0..s.len());
    }

    /// Append a byte range of a traced string, keeping its runs and the
    /// decisions inside the range (clipped to it, shifted to the new place).
    pub fn push_slice(&mut self, s: &TStr, range: Range<usize>) {
        self.push_slice_inner(s, range, None);
    }

    /// Like [`push_slice`](Self::push_slice), attributing bytes with no run to `fill`.
    pub fn push_slice_filling(&mut self, s: &TStr, range: Range<usize>, fill: &Rc<Source>) {
        self.push_slice_inner(s, range, Some(fill));
    }

    fn push_slice_inner(&mut self, s: &TStr, range: Range<usize>, fill: Option<&Rc<Source>>) {
        let base = self.text.len();
        let (a, b) = (range.start, range.end);
        if a > b || b > s.len() {
            return;
        }
        self.text.push_str(&s.as_str()[a..b]);
        let raw = s.raw();
        if !raw.is_empty() {
            let first = raw.partition_point(|r| (r.at as usize) < a);
            for r in &raw[first..] {
                let at = r.at as usize;
                if at + RAW_STAND_IN.len() > b {
                    break;
                }
                self.raw.push(RawByte {
                    at: (base + at - a) as u32,
                    byte: r.byte,
                });
            }
        }
        if !self.trace {
            return;
        }
        let Some(trace) = s.trace() else {
            if let Some(fill) = fill {
                self.add_run(base, base + (b - a), fill);
            }
            return;
        };
        // Runs overlapping [a, b).
        let first = trace.runs.partition_point(|r| (r.end as usize) <= a);
        let mut cursor = a;
        for r in &trace.runs[first..] {
            let (rs, re) = (r.start as usize, r.end as usize);
            if rs >= b {
                break;
            }
            let cs = rs.max(a);
            let ce = re.min(b);
            if let Some(fill) = fill {
                if cs > cursor {
                    self.add_run(base + cursor - a, base + cs - a, fill);
                }
            }
            if cs > rs && r.source.deps.is_empty() && r.source.loc.is_some() {
                // Part of a literal run: point at the template byte it starts at,
                // so a line of text cut out of a larger literal keeps its own line.
                let shifted = Rc::new(r.source.shifted((cs - rs) as u32));
                self.add_run(base + cs - a, base + ce - a, &shifted);
            } else {
                self.add_run(base + cs - a, base + ce - a, &r.source);
            }
            cursor = ce;
        }
        if let Some(fill) = fill {
            if b > cursor {
                self.add_run(base + cursor - a, base + b - a, fill);
            }
        }
        let whole = a == 0 && b == s.len();
        for d in &trace.decisions {
            let (ds, de) = (d.start as usize, d.end as usize);
            let keep = if ds == de {
                (a <= ds && ds < b) || (ds == b && (b == s.len() || whole)) || (a == b && ds == a)
            } else {
                ds < b && de > a
            };
            if keep {
                let mut nd = d.clone();
                nd.start = (base + ds.max(a) - a) as u32;
                nd.end = (base + de.min(b) - a) as u32;
                self.decisions.push(nd);
            }
        }
    }

    /// Record a decision whose branch produced `range` of this builder's text.
    pub fn push_decision(&mut self, decision: Decision) {
        if self.trace {
            self.decisions.push(decision);
        }
    }

    /// Finish into a traced string.
    pub fn finish(self) -> TStr {
        TStr::from_parts(
            self.text,
            Trace {
                runs: self.runs,
                decisions: self.decisions,
                raw: (!self.raw.is_empty()).then(|| Rc::from(self.raw)),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::OriginId;

    fn src(n: u32) -> Rc<Source> {
        Rc::new(Source {
            loc: Some(TplLoc {
                file: FileId(0),
                offset: n,
            }),
            deps: Deps::one(OriginId(n)),
        })
    }

    #[test]
    fn slices_keep_runs_and_decisions() {
        let mut b = TextBuilder::new();
        b.push_str("hello ", &src(1));
        b.push_str("world", &src(2));
        b.push_decision(Decision {
            kind: DecisionKind::If,
            loc: TplLoc {
                file: FileId(0),
                offset: 9,
            },
            deps: Deps::one(OriginId(9)),
            taken: false,
            start: 6,
            end: 6,
        });
        let s = b.finish();
        let mid = s.slice(3..8);
        assert_eq!(mid.as_str(), "lo wo");
        assert_eq!(mid.runs().len(), 2);
        assert_eq!((mid.runs()[0].start, mid.runs()[0].end), (0, 3));
        assert_eq!((mid.runs()[1].start, mid.runs()[1].end), (3, 5));
        assert_eq!(mid.decisions().len(), 1);
        assert_eq!(mid.decisions()[0].start, 3);
    }

    #[test]
    fn deps_in_matches_slice_all_deps() {
        let mut b = TextBuilder::new();
        b.push_str("ab", &src(1));
        b.push_plain("cd");
        b.push_str("ef", &src(2));
        b.push_str("gh", &src(3));
        for (start, end, n) in [(4, 4, 3), (2, 2, 5), (6, 6, 7), (8, 8, 8)] {
            b.push_decision(Decision {
                kind: DecisionKind::If,
                loc: TplLoc {
                    file: FileId(0),
                    offset: n,
                },
                deps: Deps::one(OriginId(10 + n)),
                taken: true,
                start,
                end,
            });
        }
        b.push_decision(Decision {
            kind: DecisionKind::Range,
            loc: TplLoc {
                file: FileId(0),
                offset: 0,
            },
            deps: Deps::one(OriginId(20)),
            taken: true,
            start: 1,
            end: 5,
        });
        let s = b.finish();
        for a in 0..=s.len() {
            for e in a..=s.len() {
                assert_eq!(s.deps_in(a..e), s.slice(a..e).all_deps(), "{a}..{e}");
            }
        }
    }

    #[test]
    fn adjacent_runs_with_same_source_merge() {
        let s1 = src(1);
        let mut b = TextBuilder::new();
        b.push_str("a", &s1);
        b.push_str("b", &s1);
        assert_eq!(b.finish().runs().len(), 1);
    }
}
