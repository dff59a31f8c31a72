//! The rendered model: what one render produced, and the only thing the
//! queries read. It holds the rendered files as traced text, the values
//! origins, the template reads and the template set (for locations); its
//! submodules decide, once for every query, what a byte of output is part
//! of and how a values key relates to it:
//!
//! - [`roles`]: the role of a key for a place (insert, content, loop, gate,
//!   context) and the one rule relating a decision's output to a range;
//! - [`places`]: manifest places: each YAML document's resource
//!   (`Kind/name`) and the YAML path of every byte, continued inside
//!   embedded YAML/JSON documents;
//! - [`index`]: the trace indexed once per query run (hits by origin, line
//!   tables, lazily parsed documents), so each answer costs the size of
//!   what it reports, not the size of the render.
//!
//! The pipeline that makes a [`RenderOutput`] lives in `render.rs`; nothing
//! here runs templates.

pub mod index;
pub mod places;
pub mod roles;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use crate::eval::{MissingRead, Read, TemplateSet};
use crate::origin::{OriginId, OriginTable};
use crate::traced::{Run, TStr, TplLoc};

/// Line start offsets of texts, computed on first use and kept.
#[derive(Default)]
pub struct LineTables {
    tables: RefCell<HashMap<u32, Rc<Vec<usize>>>>,
}

impl LineTables {
    /// The 1-based line of `offset` in text number `id`, whose text is `text`.
    pub fn line_of(&self, id: u32, offset: usize, text: &str) -> usize {
        let table = {
            let mut tables = self.tables.borrow_mut();
            Rc::clone(
                tables
                    .entry(id)
                    .or_insert_with(|| Rc::new(line_starts(text))),
            )
        };
        table.partition_point(|&s| s <= offset).max(1)
    }
}

/// Byte offsets where each line of `text` starts (the first is 0).
pub fn line_starts(text: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    v
}

/// The result of rendering a chart.
pub struct RenderOutput {
    /// Rendered text of every non-partial template, by Helm's template path.
    pub files: BTreeMap<String, TStr>,
    /// All values origins.
    pub origins: OriginTable,
    /// Values reads made by templates.
    pub reads: Vec<Read>,
    /// Reads of keys a values map did not have.
    pub missing_reads: Vec<MissingRead>,
    /// The template set (for turning locations into file:line).
    pub templates: TemplateSet,
    /// Name of the top-level chart (prefix of Helm's template paths).
    pub chart_name: String,
    /// The release name (prefix of most resource names).
    pub release_name: String,
    /// Each origin's value before rendering, shortened for display.
    pub origin_values: HashMap<OriginId, String>,
    /// Each origin's value before rendering as JSON data (`--format json`).
    pub origin_json: HashMap<OriginId, serde_json::Value>,
    /// Digests of the whole text of origins whose shown value is shortened
    /// (long strings), so that two renders' values compare exactly.
    pub origin_digests: HashMap<OriginId, u64>,
    /// Subcharts of the top chart that these values disable, with the keys
    /// their `values.yaml` documents (their values are not part of the render).
    pub disabled_subcharts: Vec<DisabledSubchart>,
    /// Line starts of template files, computed once per file when a
    /// location is first described (describing a location is then a binary
    /// search, not a scan of the file).
    pub template_lines: LineTables,
    /// The `crds/` files (`.yaml`, `.yml`, `.json`) of every enabled chart,
    /// as Helm's `CRDObjects` lists them: (chart full path + file name, the
    /// file's bytes, shared with the loaded chart rather than copied: CRDs
    /// run to megabytes and most renders never print them), a chart's own
    /// before its subcharts'. `helm template --include-crds` prints them
    /// before the manifests.
    pub crds: Vec<(String, std::sync::Arc<Vec<u8>>)>,
    /// The origins of the user's `null`s that deleted a key (sorted).
    pub deleted: Vec<OriginId>,
}

/// A subchart left out of the render by its condition or tags.
#[derive(Debug, Clone)]
pub struct DisabledSubchart {
    /// The key it would have in the parent's values (its alias or name).
    pub alias: String,
    /// The subchart's chart name.
    pub chart: String,
    /// Its condition paths, as written in Chart.yaml.
    pub condition: String,
    /// Where its values file is (chart-relative).
    pub values_file: String,
    /// Its documented keys, relative to the subchart.
    pub keys: Vec<crate::docs::comments::KeyDoc>,
    /// Its template files (chart-relative path, text), for static references.
    pub templates: Vec<(String, String)>,
}

impl RenderOutput {
    /// `path:line` of a template location, the path relative to the chart
    /// folder (`charts/feature-pod-logs/templates/x.tpl:68`).
    pub fn describe_loc(&self, loc: TplLoc) -> String {
        if (loc.file.0 as usize) >= self.templates.len() {
            return "?".to_string();
        }
        let f = self.templates.file(loc.file);
        if let Some(call) = f.tpl_call {
            // Text evaluated by `tpl`: show where `tpl` was called.
            return format!("{} (tpl)", self.describe_loc(call));
        }
        let line = self.template_line(loc);
        let name = f.display.as_deref().unwrap_or(&f.name);
        let prefix = format!("{}/", self.chart_name);
        let rel = name.strip_prefix(&prefix).unwrap_or(name);
        format!("{rel}:{line}")
    }

    /// The 1-based line of a template location in its file.
    pub fn template_line(&self, loc: TplLoc) -> usize {
        self.template_lines.line_of(
            loc.file.0,
            loc.offset as usize,
            &self.templates.file(loc.file).text,
        )
    }

    /// The template location of byte `off` of literal text written by `run`
    /// (whose location is that of the run's first byte): the same distance
    /// into the template, when the template has the same bytes there. Text
    /// a function inserted (`quote`'s quotes) keeps its call site: `None`.
    pub fn literal_loc(&self, text: &TStr, run: &Run, off: usize) -> Option<TplLoc> {
        let loc = run.source.loc?;
        if (loc.file.0 as usize) >= self.templates.len() {
            return None;
        }
        let src = self.templates.file(loc.file).text.as_bytes();
        let at = loc.offset as usize + off.checked_sub(run.start as usize)?;
        let same = src.get(loc.offset as usize..=at)
            == text.as_str().as_bytes().get(run.start as usize..=off);
        same.then_some(TplLoc {
            file: loc.file,
            offset: at as u32,
        })
    }

    /// `file:line` where an origin's value was written, if known.
    pub fn describe_origin_pos(&self, id: OriginId) -> Option<String> {
        let o = self.origins.get(id);
        let prefix = format!("{}/", self.chart_name);
        o.pos.as_ref().map(|p| {
            let file = p.file.strip_prefix(&prefix).unwrap_or(&p.file);
            format!("{file}:{}", p.line)
        })
    }
}
