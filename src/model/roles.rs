//! The role and range rules, decided once for every query: how a values
//! key relates to a rendered place (insert, content, loop, gate, context),
//! and how a decision's output range relates to a place's byte range.

use std::ops::Range;

use crate::traced::{Decision, DecisionKind, Run, TStr};

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

/// For each of `ranges` (in increasing order of start and of end, as the
/// lines of a file are), the innermost non-empty decision containing it:
/// one sweep over the decisions, not a scan of all of them per range.
pub fn innermost_gates<'a>(text: &'a TStr, ranges: &[Range<usize>]) -> Vec<Option<&'a Decision>> {
    let mut ds: Vec<&Decision> = text
        .decisions()
        .iter()
        .filter(|d| !d.deps.is_empty() && d.end > d.start)
        .collect();
    ds.sort_by_key(|d| d.start);
    let mut next = 0;
    let mut active: Vec<&Decision> = Vec::new();
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        while next < ds.len() && ds[next].start as usize <= r.start {
            active.push(ds[next]);
            next += 1;
        }
        // A decision ending before this range ends contains no later range.
        active.retain(|d| d.end as usize >= r.end);
        out.push(
            active
                .iter()
                .copied()
                .filter(|d| relate(d, r) == Relation::Contains)
                .min_by_key(|d| d.end - d.start),
        );
    }
    out
}

/// The innermost non-empty decision containing `range`, if any.
pub fn innermost_gate<'a>(text: &'a TStr, range: &Range<usize>) -> Option<&'a Decision> {
    text.decisions()
        .iter()
        .filter(|d| relate(d, range) == Relation::Contains && !d.deps.is_empty())
        .min_by_key(|d| d.end - d.start)
}

/// How a values key relates to a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// A gate inside the block that rendered nothing: setting the key adds text here.
    Insert,
    /// The key's value is text in the block.
    Content,
    /// A `range` over the key produced repeated parts of the block.
    Loop,
    /// A condition that decided part of the block.
    Gate,
    /// A condition outside the block that decides whether the block exists.
    Context,
}

impl Role {
    /// Lower-case name as shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Insert => "insert",
            Role::Content => "content",
            Role::Loop => "loop",
            Role::Gate => "gate",
            Role::Context => "context",
        }
    }

    /// Where rows of this role go in an answer, most direct first: the key's
    /// value printed into the place, a `range` that repeated it, a
    /// condition inside it, a gate that could add text, then the conditions
    /// around it (README, "The answer first").
    pub fn answer_rank(self) -> u8 {
        match self {
            Role::Content => 0,
            Role::Loop => 1,
            Role::Gate => 2,
            Role::Insert => 3,
            Role::Context => 4,
        }
    }
}

/// The role a decision gives the keys its condition read, for the output
/// it covers: a branch that rendered nothing is an insertion point (setting
/// the key adds text there), a `range` that produced output loops, any
/// other condition gates. A decision containing a whole place is
/// [`Role::Context`] for it instead (see [`relate`]).
pub fn decision_role(d: &Decision) -> Role {
    if d.start == d.end && !d.taken {
        Role::Insert
    } else if d.kind == DecisionKind::Range {
        Role::Loop
    } else {
        Role::Gate
    }
}

/// The role a hit's keys have for a place whose text is `place`: the one
/// rule every query applies. A run of values text overlapping the place is
/// content; a decision whose output lies inside the place (an empty branch
/// anywhere inside it, its last line included) has its [`decision_role`];
/// a decision whose output contains the whole place is context; anything
/// else has no role there.
pub fn role_for(
    decision: Option<&Decision>,
    hit: &Range<usize>,
    place: &Range<usize>,
) -> Option<Role> {
    match decision {
        None => {
            let overlaps = hit.start < place.end && place.start < hit.end;
            overlaps.then_some(Role::Content)
        }
        Some(d) => match relate(d, place) {
            Relation::Inside => Some(decision_role(d)),
            Relation::Contains => Some(Role::Context),
            Relation::Unrelated => None,
        },
    }
}
