//! A whole render: the rendered files as traced text, plus everything the
//! queries need to explain them (origins, reads, template locations).

use std::collections::{BTreeMap, HashMap};
use crate::eval::{Read, TemplateSet};
use crate::origin::{OriginId, OriginTable};
use crate::traced::{TStr, TextBuilder, TplLoc};

/// The result of rendering a chart.
pub struct RenderOutput {
    /// Rendered text of every non-partial template, by Helm's template path.
    pub files: BTreeMap<String, TStr>,
    /// All values origins.
    pub origins: OriginTable,
    /// Values reads made by templates.
    pub reads: Vec<Read>,
    /// The template set (for turning locations into file:line).
    pub templates: TemplateSet,
    /// Name of the top-level chart (prefix of Helm's template paths).
    pub chart_name: String,
    /// The release name (prefix of most resource names).
    pub release_name: String,
    /// Each origin's value before rendering, shortened for display.
    pub origin_values: HashMap<OriginId, String>,
}

impl RenderOutput {
    /// `path:line` of a template location, the path relative to the chart
    /// folder (`charts/feature-pod-logs/templates/x.tpl:68`).
    pub fn describe_loc(&self, loc: TplLoc) -> String {
        if (loc.file.0 as usize) >= self.templates.len() {
            return "?".to_string();
        }
        let f = self.templates.file(loc.file);
        let (line, _) = self.templates.line_col(loc.file, loc.offset);
        let name = f.name.as_ref();
        let prefix = format!("{}/", self.chart_name);
        let rel = name.strip_prefix(&prefix).unwrap_or(name);
        format!("{rel}:{line}")
    }

    /// `file:line` where an origin's value was written, if known.
    pub fn describe_origin_pos(&self, id: OriginId) -> Option<String> {
        let o = self.origins.get(id);
        o.pos
            .as_ref()
            .map(|p| format!("{}:{}", p.file, p.line))
    }
}

/// Helm replaces every `<no value>` in a rendered file with nothing; do the
/// same while keeping the trace of the remaining bytes.
pub fn remove_no_value(text: &TStr) -> TStr {
    const NEEDLE: &str = "<no value>";
    let s = text.as_str();
    if !s.contains(NEEDLE) {
        return text.clone();
    }
    let mut b = TextBuilder::with_capacity(s.len());
    let mut last = 0;
    for (i, _) in s.match_indices(NEEDLE) {
        b.push_slice(text, last..i);
        last = i + NEEDLE.len();
    }
    b.push_slice(text, last..s.len());
    b.finish()
}
