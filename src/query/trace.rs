//! Reading a traced file: which runs and decisions touch a byte range.

use std::ops::Range;

use crate::traced::{Decision, Run, TStr};

/// Runs of `text` that overlap `range`.
pub fn runs_in<'a>(text: &'a TStr, range: &Range<usize>) -> impl Iterator<Item = &'a Run> + 'a {
    let runs = text.runs();
    let first = runs.partition_point(|r| (r.end as usize) <= range.start);
    let end = range.end;
    runs[first..]
        .iter()
        .take_while(move |r| (r.start as usize) < end)
}

/// How a decision relates to a byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The decision's output lies inside the range (possibly empty, at an offset inside it).
    Inside,
    /// The decision's output contains the whole range.
    Contains,
    /// Neither.
    Unrelated,
}

/// Relate a decision's output range to `range`.
pub fn relate(d: &Decision, range: &Range<usize>) -> Relation {
    let (s, e) = (d.start as usize, d.end as usize);
    if s >= range.start
        && e <= range.end
        && !(s == e && (s == range.start || s == range.end) && range.start != range.end)
    {
        Relation::Inside
    } else if s <= range.start && e >= range.end && e > s {
        Relation::Contains
    } else {
        Relation::Unrelated
    }
}

/// The innermost non-empty decision containing `range`, if any.
pub fn innermost_gate<'a>(text: &'a TStr, range: &Range<usize>) -> Option<&'a Decision> {
    text.decisions()
        .iter()
        .filter(|d| relate(d, range) == Relation::Contains && !d.deps.is_empty())
        .min_by_key(|d| d.end - d.start)
}
