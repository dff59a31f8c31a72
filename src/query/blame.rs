//! `blame`: a rendered config or file, each line annotated with the values
//! keys that produced its text, its innermost gate, the exact template line
//! of its literal text, and (for a rendered file) its manifest place.

use std::ops::Range;

use crate::model::places::{format_path, FilePlaces};
use crate::model::roles::{innermost_gates, runs_in};
use crate::model::RenderOutput;
use crate::query::configs::configs;
use crate::query::{origin_key, user_first, QueryError};
use crate::traced::{Decision, DecisionKind, TStr};

/// What to annotate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlameTarget {
    /// An embedded config by collector, ConfigMap name or data key.
    Collector(String),
    /// A rendered file by template path (with or without the chart prefix).
    File(String),
}

/// One annotated line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameLine {
    /// 1-based line number.
    pub number: usize,
    /// The line's text.
    pub text: String,
    /// Keys whose values produced text on the line.
    pub keys: Vec<String>,
    /// The innermost condition around the line: its kind (`if`, `with`,
    /// `range`), the keys it read, and its location.
    pub gate: Option<(&'static str, Vec<String>, String)>,
    /// Template location of the line's literal text.
    pub template_at: Option<String>,
    /// The manifest place of the line's text (`Kind/name`, YAML path), for
    /// lines of a rendered file that are part of a resource.
    pub place: Option<(String, String)>,
}

/// Annotate a config or file.
pub fn blame(out: &RenderOutput, target: &BlameTarget) -> Result<Vec<BlameLine>, QueryError> {
    match target {
        BlameTarget::Collector(name) => {
            let cfgs = configs(out);
            let Some(cfg) = cfgs.iter().find(|c| c.is_named(name)) else {
                return Err(QueryError::NoCollector {
                    name: name.clone(),
                    known: cfgs.iter().map(|c| c.collector.clone()).collect(),
                });
            };
            let ranges: Vec<Range<usize>> =
                cfg.doc.lines.iter().map(|l| l.file_range.clone()).collect();
            let gates = innermost_gates(cfg.text, &ranges);
            let mut lines = Vec::new();
            for (i, l) in cfg.doc.lines.iter().enumerate() {
                let text = cfg.doc.text[l.doc_offset..]
                    .split('\n')
                    .next()
                    .unwrap_or("")
                    .to_string();
                let range = l.file_range.clone();
                lines.push(annotate(out, cfg.text, i + 1, text, range, gates[i]));
            }
            Ok(lines)
        }
        BlameTarget::File(path) => {
            let with_prefix = format!("{}/{}", out.chart_name, path);
            let Some(text) = out.files.get(path).or_else(|| out.files.get(&with_prefix)) else {
                return Err(QueryError::NoFile {
                    name: path.clone(),
                    known: out.files.keys().cloned().collect(),
                });
            };
            let mut spans = Vec::new();
            let mut start = 0;
            for line in text.as_str().split('\n') {
                let range = start..start + line.len();
                start += line.len() + 1;
                if start > text.len() + 1 {
                    break;
                }
                spans.push((range, line));
            }
            let ranges: Vec<Range<usize>> = spans.iter().map(|(r, _)| r.clone()).collect();
            let gates = innermost_gates(text, &ranges);
            let places = FilePlaces::split(text.as_str());
            let mut lines = Vec::new();
            for (i, (range, line)) in spans.into_iter().enumerate() {
                let place = place_of_line(&places, text.as_str(), &range);
                let mut l = annotate(out, text, i + 1, line.to_string(), range, gates[i]);
                l.place = place;
                lines.push(l);
            }
            if text.as_str().ends_with('\n') {
                lines.pop();
            }
            Ok(lines)
        }
    }
}

fn annotate(
    out: &RenderOutput,
    text: &TStr,
    number: usize,
    line: String,
    range: Range<usize>,
    gate: Option<&Decision>,
) -> BlameLine {
    let mut keys: Vec<String> = Vec::new();
    let mut template_at = None;
    let mut any_at = None;
    // The line's literal text is where its first non-blank byte was written.
    let first_visible = line
        .find(|c: char| !c.is_whitespace())
        .map(|i| range.start + i);
    if let Some(off) = first_visible {
        if let Some(run) = runs_in(text, &(off..off + 1)).next() {
            if run.source.deps.is_empty() {
                template_at = run
                    .source
                    .loc
                    .map(|l| out.describe_loc(out.literal_loc(text, run, off).unwrap_or(l)));
            }
        }
    }
    for run in runs_in(text, &range) {
        if run.start as usize >= range.end && !range.is_empty() {
            break;
        }
        for id in user_first(out, &run.source.deps) {
            if let Some(k) = origin_key(out, id) {
                if !keys.iter().any(|x| x == k) {
                    keys.push(k.to_string());
                }
            }
        }
        if let Some(loc) = run.source.loc {
            if template_at.is_none() && run.source.deps.is_empty() {
                template_at = Some(out.describe_loc(loc));
            }
            if any_at.is_none() {
                any_at = Some(out.describe_loc(loc));
            }
        }
    }
    let gate = gate.map(|d| {
        let ks: Vec<String> = user_first(out, &d.deps)
            .into_iter()
            .filter_map(|id| origin_key(out, id).map(str::to_string))
            .collect();
        let kind = match d.kind {
            DecisionKind::If => "if",
            DecisionKind::With => "with",
            DecisionKind::Range => "range",
            DecisionKind::Value => "value",
        };
        (kind, ks, out.describe_loc(d.loc))
    });
    BlameLine {
        number,
        text: line,
        keys,
        gate,
        template_at: template_at.or(any_at),
        place: None,
    }
}

/// The resource and YAML path of a line's text.
fn place_of_line(
    places: &FilePlaces,
    text: &str,
    range: &Range<usize>,
) -> Option<(String, String)> {
    if text[range.clone()].trim().is_empty() {
        return None;
    }
    let d = places.doc_index(range.start)?;
    let doc = places.doc(text, d);
    let resource = doc.resource()?;
    Some((
        resource,
        format_path(&doc.path_of_range(text, range.clone())),
    ))
}
