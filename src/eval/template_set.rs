//! The template set of one render: every parsed template file of the chart
//! and its subcharts, and the namespace of named templates (`define`s and
//! file roots) that `include` and `template` look names up in.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::template::ast::{List, ParsedFile};
use crate::traced::{FileId, TStr, TplLoc};

/// One template file (or a string parsed by `tpl`).
#[derive(Debug)]
pub struct TemplateFile {
    /// Helm's name for it (`chart/templates/x.yaml`; for `tpl`, the caller's name).
    pub name: Arc<str>,
    /// The source text.
    pub text: crate::template::SourceText,
    /// The parsed body outside any `define` (shared with the name table).
    pub root: Rc<List>,
    /// The `define`s of the file in order, name and body (shared with the name table).
    pub defines: Vec<(Arc<str>, Rc<List>)>,
    /// For text parsed by `tpl`: the traced string it came from, so literal
    /// text maps back to that string's sources.
    pub tpl_source: Option<TStr>,
    /// The file's path by chart folder (not alias), for showing to users.
    pub display: Option<String>,
    /// For `tpl` text: where `tpl` was called.
    pub tpl_call: Option<TplLoc>,
}

/// The syntax trees of one parsed file, shared: a chart rendered with
/// several value sets parses each file once.
#[derive(Debug, Clone)]
pub struct Trees {
    /// The file's template name.
    pub name: Arc<str>,
    /// The body outside any `define`.
    pub root: Rc<List>,
    /// The `define`s in order, name and body.
    pub defines: Vec<(Arc<str>, Rc<List>)>,
}

impl From<ParsedFile> for Trees {
    fn from(parsed: ParsedFile) -> Self {
        // The trees move into shared bodies (no copy of the syntax tree).
        Trees {
            name: parsed.name,
            root: Rc::new(parsed.root),
            defines: parsed
                .defines
                .into_iter()
                .map(|d| (d.name, Rc::new(d.body)))
                .collect(),
        }
    }
}

/// A named template: which file it lives in and its body.
#[derive(Debug, Clone)]
pub struct Named {
    /// File the body was parsed from.
    pub file: FileId,
    /// The body.
    pub body: Rc<List>,
}

/// All templates of a render, in Helm's parse order.
#[derive(Debug, Default)]
pub struct TemplateSet {
    files: Vec<TemplateFile>,
    names: HashMap<Arc<str>, Named>,
}

/// True when a body has only whitespace text and comments (Go's IsEmptyTree):
/// such a `define` never replaces an existing one.
fn is_empty_tree(list: &List) -> bool {
    use crate::template::ast::Node;
    list.nodes.iter().all(|n| match n {
        Node::Text(t) => t.text.trim().is_empty(),
        Node::Comment(_) => true,
        _ => false,
    })
}

impl TemplateSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add a parsed file; its root becomes the template named after the file,
    /// its defines replace earlier ones of the same name unless empty.
    pub fn add(
        &mut self,
        text: crate::template::SourceText,
        trees: Trees,
        tpl_source: Option<TStr>,
    ) -> FileId {
        let id = FileId(self.files.len() as u32);
        let Trees {
            name,
            root,
            defines,
        } = trees;
        let entries = std::iter::once((name.clone(), root.clone())).chain(defines.iter().cloned());
        for (entry_name, body) in entries {
            if is_empty_tree(&body) && self.names.contains_key(&entry_name) {
                continue;
            }
            self.names.insert(entry_name, Named { file: id, body });
        }
        self.files.push(TemplateFile {
            name,
            text,
            root,
            defines,
            tpl_source,
            display: None,
            tpl_call: None,
        });
        id
    }

    /// Record where `tpl` was called for a file parsed from a `tpl` string.
    pub fn set_tpl_call(&mut self, id: FileId, call: TplLoc) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.tpl_call = Some(call);
        }
    }

    /// Set the path shown to users for a file.
    pub fn set_display(&mut self, id: FileId, display: String) {
        if let Some(f) = self.files.get_mut(id.0 as usize) {
            f.display = Some(display);
        }
    }

    /// Look a named template up.
    pub fn lookup(&self, name: &str) -> Option<&Named> {
        self.names.get(name)
    }

    /// The file with this id.
    pub fn file(&self, id: FileId) -> &TemplateFile {
        &self.files[id.0 as usize]
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Line (1-based) and Go column (bytes since the line start) of an offset.
    pub fn line_col(&self, id: FileId, offset: u32) -> (u32, u32) {
        let text = &self.file(id).text;
        let upto = &text.as_bytes()[..(offset as usize).min(text.len())];
        let line = 1 + upto.iter().filter(|&&b| b == b'\n').count() as u32;
        let col = match upto.iter().rposition(|&b| b == b'\n') {
            Some(nl) => upto.len() - nl - 1,
            None => upto.len(),
        };
        (line, col as u32)
    }

    /// Snapshot of the named-template namespace (restored after `tpl`).
    pub(crate) fn names_snapshot(&self) -> HashMap<Arc<str>, Named> {
        self.names.clone()
    }

    /// Restore a snapshot taken with [`names_snapshot`](Self::names_snapshot).
    pub(crate) fn restore_names(&mut self, names: HashMap<Arc<str>, Named>) {
        self.names = names;
    }
}
