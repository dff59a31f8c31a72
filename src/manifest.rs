//! The manifest stream `helm template` prints: rendered template files are
//! split into YAML documents, partials, `NOTES.txt` and blank documents are
//! dropped, hooks (documents with a known `helm.sh/hook` annotation) are set
//! apart, both groups are stably sorted by Helm's install order of kinds, and
//! everything is printed as `---\n# Source: PATH\nDOC\n`, manifests first and
//! hooks after them. `--show-only` re-splits that stream and keeps the
//! documents whose source path matches one of the given globs.
//!
//! The stream is produced as [`Segment`]s: literal text Helm adds, and slices
//! of the rendered files, so a caller holding traced files can map every byte
//! of the stream back to its file offset.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Why `helm template` would print nothing and fail instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// A `--show-only` pattern matched no document of the stream.
    #[error("could not find template {0} in chart")]
    TemplateNotFound(String),
    /// A document did not read as YAML, or its head (`apiVersion`, `kind`,
    /// `metadata.name`, `metadata.annotations`) has the wrong shape.
    #[error("YAML parse error on {path}: {message}")]
    YamlParse {
        /// Template path of the file holding the document.
        path: String,
        /// What the YAML reader reported.
        message: String,
    },
}

/// How documents are trimmed when a file is split at `---` lines; the one
/// behaviour of this module that differs between Helm releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SplitTrim {
    /// Helm v4 (v4.2.3 checked): only leading whitespace is removed, so a
    /// document keeps the newlines that end its file.
    #[default]
    Leading,
    /// Helm v3: whitespace is removed at both ends of every document. The
    /// `output.yaml` examples shipped with k8s-monitoring 3.5.2 were made so.
    Both,
}

/// Kinds in the order Helm installs them (`releaseutil.InstallOrder`); kinds
/// not listed come after these, alphabetically.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Hook events Helm knows (`helm.sh/hook` values, compared lower-cased after
/// trimming); a document naming any other event is dropped.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// The annotation that makes a document a hook.
const HOOK_ANNOTATION: &str = "helm.sh/hook";

/// Suffix of the notes files Helm takes out of the rendered files.
const NOTES_SUFFIX: &str = "NOTES.txt";

/// Helm's document separator: `(?:^|\s*\n)---\s*` with Go's ASCII `\s`.
static SEPARATOR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*").ok());

/// How `--show-only` finds a document's path: `# Source: [^/]+/(.+)`.
static SOURCE_LINE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"# Source: [^/]+/(.+)").ok());

/// One document of a rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// Template path of the file (`chart/templates/x.yaml`).
    pub path: String,
    /// Byte range of the document's text within the file.
    pub range: Range<usize>,
    /// The document's `kind` (empty when absent).
    pub kind: String,
    /// The document's `metadata.name` (empty when absent).
    pub name: String,
    /// A hook on the `test` event (`test` or Helm 2's `test-success`), which
    /// `helm template --skip-tests` leaves out.
    pub test_hook: bool,
}

/// The documents of a render, as Helm orders them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorted {
    /// Ordinary documents, in install order.
    pub manifests: Vec<Doc>,
    /// Hook documents, in install order, printed after the manifests.
    pub hooks: Vec<Doc>,
}

/// A piece of the printed stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text Helm adds itself (`---`, `# Source:` lines, newlines).
    Lit(Cow<'static, str>),
    /// A slice of a rendered file.
    Slice {
        /// Template path of the file.
        path: &'a str,
        /// Byte offset of `text` within the file.
        start: usize,
        /// The sliced text.
        text: &'a str,
    },
}

impl Segment<'_> {
    /// The text this segment prints.
    pub fn text(&self) -> &str {
        match self {
            Segment::Lit(s) => s,
            Segment::Slice { text, .. } => text,
        }
    }
}

/// What `helm template` (Helm v4.2.3, default flags, `--show-only` for each
/// entry of `show_only`) prints on stdout for the rendered `files`
/// (template path → rendered text, as Helm's engine returns them).
pub fn template_stream(
    files: &BTreeMap<String, String>,
    show_only: &[String],
) -> Result<String, ManifestError> {
    template_stream_with(files, show_only, SplitTrim::Leading)
}

/// [`template_stream`] with the document trimming of a given Helm release.
pub fn template_stream_with(
    files: &BTreeMap<String, String>,
    show_only: &[String],
    trim: SplitTrim,
) -> Result<String, ManifestError> {
    let segments = stream_segments(files, show_only, trim)?;
    Ok(concat(&segments))
}

/// The printed stream as segments (see [`template_stream`]).
pub fn stream_segments<'a>(
    files: &'a BTreeMap<String, String>,
    show_only: &[String],
    trim: SplitTrim,
) -> Result<Vec<Segment<'a>>, ManifestError> {
    stream_segments_with(files, StreamFlags::default(), show_only, trim)
}

/// `helm template` flags that change the stream besides `--show-only`.
#[derive(Debug, Clone, Copy, Default)]
pub struct StreamFlags<'c> {
    /// `--include-crds`: the chart's CRD files (`(full path, text)`, as
    /// [`crate::render::RenderOutput::crds`] lists them), printed first, each
    /// as `---\n# Source: PATH\nTEXT\n`, as Helm's `renderResources` writes
    /// them ahead of the manifests.
    pub crds: &'c [(String, std::sync::Arc<Vec<u8>>)],
    /// `--skip-tests`: test hooks are left out.
    pub skip_tests: bool,
}

/// [`template_stream`] with `helm template`'s `--include-crds` and
/// `--skip-tests`.
pub fn template_stream_flags(
    files: &BTreeMap<String, String>,
    flags: StreamFlags<'_>,
    show_only: &[String],
) -> Result<String, ManifestError> {
    let segments = stream_segments_with(files, flags, show_only, SplitTrim::Leading)?;
    Ok(concat(&segments))
}

/// [`stream_segments`] with [`StreamFlags`].
pub fn stream_segments_with<'a>(
    files: &'a BTreeMap<String, String>,
    flags: StreamFlags<'_>,
    show_only: &[String],
    trim: SplitTrim,
) -> Result<Vec<Segment<'a>>, ManifestError> {
    let sorted = sort_manifests(files, trim)?;
    // rel.Manifest: the CRDs asked for, then every manifest as
    // `---\n# Source: p\ndoc\n`; `helm template` prints it trimmed, plus a
    // newline.
    let mut out: Vec<Segment<'a>> = Vec::new();
    for (path, data) in flags.crds {
        // Helm prints the bytes as they are; invalid UTF-8 is replaced here.
        let text = String::from_utf8_lossy(data);
        out.push(Segment::Lit(Cow::Owned(format!(
            "---\n# Source: {path}\n{text}\n"
        ))));
    }
    for doc in &sorted.manifests {
        push_doc(&mut out, files, doc);
    }
    trim_segments_end(&mut out);
    out.push(Segment::Lit(Cow::Borrowed("\n")));
    for doc in &sorted.hooks {
        if flags.skip_tests && doc.test_hook {
            continue;
        }
        push_doc(&mut out, files, doc);
    }
    if show_only.is_empty() {
        return Ok(out);
    }
    select_shown(&out, show_only, trim)
}

/// Appends `---\n# Source: PATH\nDOC\n` for one document.
fn push_doc<'a>(out: &mut Vec<Segment<'a>>, files: &'a BTreeMap<String, String>, doc: &Doc) {
    let Some((path, text)) = files.get_key_value(&doc.path) else {
        return;
    };
    out.push(Segment::Lit(Cow::Owned(format!("---\n# Source: {path}\n"))));
    if !doc.range.is_empty() {
        out.push(Segment::Slice {
            path,
            start: doc.range.start,
            text: &text[doc.range.clone()],
        });
    }
    out.push(Segment::Lit(Cow::Borrowed("\n")));
}

/// Removes trailing whitespace from a segment list (Go's `TrimSpace` on a
/// text that starts with `---` or is empty).
fn trim_segments_end(out: &mut Vec<Segment<'_>>) {
    while let Some(last) = out.last_mut() {
        let kept = last.text().trim_end().len();
        if kept > 0 {
            match last {
                Segment::Lit(s) => {
                    let t = s[..kept].to_string();
                    *s = Cow::Owned(t);
                }
                Segment::Slice { text, .. } => *text = &text[..kept],
            }
            return;
        }
        out.pop();
    }
}

/// Joins segments into the printed text.
pub fn concat(segments: &[Segment<'_>]) -> String {
    let len = segments.iter().map(|s| s.text().len()).sum();
    let mut s = String::with_capacity(len);
    for seg in segments {
        s.push_str(seg.text());
    }
    s
}

/// `--show-only`: the whole stream is split again, and for each pattern in
/// turn every document whose `# Source:` path (chart name removed) matches
/// it is printed as `---\nDOC\n`.
fn select_shown<'a>(
    stream: &[Segment<'a>],
    show_only: &[String],
    trim: SplitTrim,
) -> Result<Vec<Segment<'a>>, ManifestError> {
    let text = concat(stream);
    let docs = split_manifests(&text, trim);
    let mut shown: Vec<Range<usize>> = Vec::new();
    for pattern in show_only {
        let mut missing = true;
        for range in &docs {
            let doc = &text[range.clone()];
            let Some(name) = SOURCE_LINE
                .as_ref()
                .and_then(|re| re.captures(doc))
                .and_then(|c| c.get(1))
            else {
                continue;
            };
            if !glob_match(pattern, name.as_str()) {
                continue;
            }
            shown.push(range.clone());
            missing = false;
        }
        if missing {
            return Err(ManifestError::TemplateNotFound(pattern.clone()));
        }
    }
    let mut out = Vec::new();
    for range in shown {
        out.push(Segment::Lit(Cow::Borrowed("---\n")));
        out.extend(sub_segments(stream, range));
        out.push(Segment::Lit(Cow::Borrowed("\n")));
    }
    Ok(out)
}

/// The segments covering `range` of the concatenated `stream`.
fn sub_segments<'a>(stream: &[Segment<'a>], range: Range<usize>) -> Vec<Segment<'a>> {
    let mut out = Vec::new();
    let mut offset = 0;
    for seg in stream {
        let len = seg.text().len();
        let (lo, hi) = (range.start.max(offset), range.end.min(offset + len));
        if lo < hi {
            let (a, b) = (lo - offset, hi - offset);
            out.push(match seg {
                Segment::Lit(s) => Segment::Lit(Cow::Owned(s[a..b].to_string())),
                Segment::Slice { path, start, text } => Segment::Slice {
                    path,
                    start: start + a,
                    text: &text[a..b],
                },
            });
        }
        offset += len;
        if offset >= range.end {
            break;
        }
    }
    out
}

/// Helm's `SplitManifests`: the byte ranges of the documents of `text`,
/// split at `---` separators, empty pieces dropped, each piece trimmed as
/// `trim` says.
pub fn split_manifests(text: &str, trim: SplitTrim) -> Vec<Range<usize>> {
    let base = text.len() - text.trim_start().len();
    let body = match trim {
        SplitTrim::Leading => &text[base..],
        SplitTrim::Both => text[base..].trim_end(),
    };
    let mut pieces = Vec::new();
    let mut begin = 0;
    if let Some(re) = SEPARATOR.as_ref() {
        for m in re.find_iter(body) {
            pieces.push(begin..m.start());
            begin = m.end();
        }
    }
    pieces.push(begin..body.len());
    pieces
        .into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| {
            let piece = &body[r.clone()];
            let lead = piece.len() - piece.trim_start().len();
            let end = match trim {
                SplitTrim::Leading => r.end,
                SplitTrim::Both => r.start + piece.trim_end().len(),
            };
            (base + r.start + lead)..(base + end.max(r.start + lead))
        })
        .collect()
}

/// Helm's `SortManifests` for `helm template`: files in path order,
/// partials (`_*`), `NOTES.txt` files and blank files skipped, each file
/// split into documents, hooks set apart (documents whose `helm.sh/hook`
/// names an unknown event are dropped), then both lists stably sorted by
/// [`INSTALL_ORDER`].
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
    trim: SplitTrim,
) -> Result<Sorted, ManifestError> {
    let mut sorted = Sorted::default();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if path.ends_with(NOTES_SUFFIX) || base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for range in split_manifests(content, trim) {
            let head =
                read_head(&content[range.clone()]).map_err(|message| ManifestError::YamlParse {
                    path: path.clone(),
                    message,
                })?;
            let mut doc = Doc {
                path: path.clone(),
                range,
                kind: head.kind,
                name: head.name,
                test_hook: false,
            };
            match head.annotations {
                Some(a) if !a.is_empty() => match a.get(HOOK_ANNOTATION) {
                    Some(events) => {
                        let events: Vec<String> =
                            events.split(',').map(|e| e.trim().to_lowercase()).collect();
                        let known = events.iter().all(|e| HOOK_EVENTS.contains(&e.as_str()));
                        doc.test_hook = events.iter().any(|e| e == "test" || e == "test-success");
                        if known {
                            sorted.hooks.push(doc);
                        }
                    }
                    None => sorted.manifests.push(doc),
                },
                _ => sorted.manifests.push(doc),
            }
        }
    }
    sort_by_kind(&mut sorted.manifests);
    sort_by_kind(&mut sorted.hooks);
    Ok(sorted)
}

/// Stable sort by install order; unknown kinds last, alphabetically.
fn sort_by_kind(docs: &mut [Doc]) {
    docs.sort_by(|a, b| kind_key(&a.kind).cmp(&kind_key(&b.kind)));
}

/// Sort key of a kind: its install-order rank, or after all of them by name.
fn kind_key(kind: &str) -> (usize, &str) {
    match INSTALL_ORDER.iter().position(|k| *k == kind) {
        Some(i) => (i, ""),
        None => (INSTALL_ORDER.len(), kind),
    }
}

/// The part of a document Helm reads (`SimpleHead`).
#[derive(Debug, Default)]
struct Head {
    kind: String,
    name: String,
    annotations: Option<BTreeMap<String, String>>,
}

/// A YAML node, as much of it as the head needs.
#[derive(Debug, Clone)]
enum Node {
    Null,
    /// A scalar's text, and whether it was plain (its JSON type then depends
    /// on the text; resolved only when asked, as most scalars never are).
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(BTreeMap<String, Node>),
}

impl Node {
    /// The JSON type name Go's decoder reports for a mismatch.
    fn json_type(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Scalar(text, true) => plain_json_type(text),
            Node::Scalar(_, false) => "string",
            Node::Seq(_) => "array",
            Node::Map(_) => "object",
        }
    }
}

/// Reads a document's head the way `sigs.k8s.io/yaml` decodes it into
/// Helm's `SimpleHead`: object keys compared case-insensitively, scalars of
/// any type accepted as strings, a wrong shape is an error.
fn read_head(doc: &str) -> Result<Head, String> {
    let root = parse_first_document(doc)?;
    let mut head = Head::default();
    let fields = match root {
        Node::Null => return Ok(head),
        Node::Map(m) => m,
        other => {
            return Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type util.SimpleHead",
                other.json_type()
            ))
        }
    };
    for (key, value) in &fields {
        if key.eq_ignore_ascii_case("apiVersion") {
            string_field(value, "SimpleHead.apiVersion")?;
        } else if key.eq_ignore_ascii_case("kind") {
            if let Some(s) = string_field(value, "SimpleHead.kind")? {
                head.kind = s;
            }
        } else if key.eq_ignore_ascii_case("metadata") {
            match value {
                Node::Null => {
                    head.name.clear();
                    head.annotations = None;
                }
                Node::Map(meta) => read_metadata(meta, &mut head)?,
                other => return Err(mismatch(other, "SimpleHead.metadata", METADATA_TYPE)),
            }
        }
    }
    Ok(head)
}

/// The `metadata` object: `name` and `annotations`.
fn read_metadata(meta: &BTreeMap<String, Node>, head: &mut Head) -> Result<(), String> {
    for (key, value) in meta {
        if key.eq_ignore_ascii_case("name") {
            if let Some(s) = string_field(value, ".metadata.name")? {
                head.name = s;
            }
        } else if key.eq_ignore_ascii_case("annotations") {
            match value {
                Node::Null => head.annotations = None,
                Node::Map(entries) => {
                    let map = head.annotations.get_or_insert_with(BTreeMap::new);
                    for (k, v) in entries {
                        let s = match v {
                            Node::Null => String::new(),
                            Node::Scalar(s, _) => s.clone(),
                            other => {
                                return Err(mismatch(other, ".metadata.annotations", "string"))
                            }
                        };
                        map.insert(k.clone(), s);
                    }
                }
                other => {
                    return Err(mismatch(
                        other,
                        ".metadata.annotations",
                        "map[string]string",
                    ))
                }
            }
        }
    }
    Ok(())
}

/// How Go names the type of `SimpleHead.Metadata` in decoding errors.
const METADATA_TYPE: &str = r#"struct { Name string "json:\"name\""; Annotations map[string]string "json:\"annotations\"" }"#;

/// The JSON type yaml.v2 resolves a plain scalar to: `null`, `bool`,
/// `number` or `string`.
fn plain_json_type(s: &str) -> &'static str {
    // regex-lite: matched against one short scalar, compiled in microseconds.
    static NUMBER: LazyLock<Option<regex_lite::Regex>> = LazyLock::new(|| {
        regex_lite::Regex::new(concat!(
            r"^[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*",
            r"|(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?",
            r"|\.(?:inf|Inf|INF))$|^\.(?:nan|NaN|NAN)$",
        ))
        .ok()
    });
    match s {
        _ if is_plain_null(s) => "null",
        "y" | "Y" | "yes" | "Yes" | "YES" | "n" | "N" | "no" | "No" | "NO" | "true" | "True"
        | "TRUE" | "false" | "False" | "FALSE" | "on" | "On" | "ON" | "off" | "Off" | "OFF" => {
            "bool"
        }
        _ if NUMBER.as_ref().is_some_and(|re| re.is_match(s)) => "number",
        _ => "string",
    }
}

/// Whether yaml.v2 resolves a plain scalar to null.
fn is_plain_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

/// A string field: `None` for null (the field is left as it was).
fn string_field(value: &Node, field: &str) -> Result<Option<String>, String> {
    match value {
        Node::Null => Ok(None),
        Node::Scalar(s, _) => Ok(Some(s.clone())),
        other => Err(mismatch(other, field, "string")),
    }
}

/// Go's `json: cannot unmarshal X into Go struct field` message.
fn mismatch(value: &Node, field: &str, go_type: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {field} of type {go_type}",
        value.json_type()
    )
}

/// Parses the first YAML document of `text` (an empty stream is null) as far
/// as the head needs: the whole document is read, so a YAML error anywhere is
/// reported as Go's decoder reports it, but only the head's fields are built.
fn parse_first_document(text: &str) -> Result<Node, String> {
    let mut reader = Reader {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
    };
    loop {
        match reader.next()? {
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            Event::StreamEnd | Event::DocumentEnd => return Ok(Node::Null),
            Event::MappingStart(0, _) => return reader.root_mapping(),
            ev => return reader.node(ev),
        }
    }
}

/// Builds [`Node`]s from parser events, resolving aliases and `<<` merges.
struct Reader<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    anchors: HashMap<usize, Node>,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<Event<'a>, String> {
        match self.parser.next_event() {
            Some(Ok((ev, _))) => Ok(ev),
            Some(Err(e)) => Err(format!(
                "error converting YAML to JSON: yaml: line {}: {}",
                e.marker().line(),
                e.info()
            )),
            None => Err("error converting YAML to JSON: yaml: unexpected end".to_string()),
        }
    }

    /// A document's top-level mapping, building only the values of the keys
    /// `SimpleHead` decodes (and merges, which may bring them); the rest is
    /// checked by [`Reader::skip`]. Large documents (CRDs) are mostly skipped.
    fn root_mapping(&mut self) -> Result<Node, String> {
        let mut map = BTreeMap::new();
        loop {
            let key = match self.next()? {
                Event::MappingEnd => break,
                ev => self.node(ev)?,
            };
            let first = self.next()?;
            match key {
                Node::Scalar(k, _) if k == "<<" => {
                    let value = self.node(first)?;
                    merge_into(&mut map, value);
                }
                Node::Scalar(k, _) if is_head_key(&k) => {
                    let value = self.node(first)?;
                    map.insert(k, value);
                }
                Node::Scalar(..) | Node::Null => self.skip(first)?,
                _ => {
                    self.skip(first)?;
                    return Err(invalid_map_key());
                }
            }
        }
        Ok(Node::Map(map))
    }

    /// Reads a node without building it, with the same errors as
    /// [`Reader::node`]; anchored nodes are built, as an alias may use them.
    fn skip(&mut self, ev: Event<'a>) -> Result<(), String> {
        match ev {
            Event::Scalar(_, _, 0, _) => Ok(()),
            Event::Alias(id) if self.anchors.contains_key(&id) => Ok(()),
            Event::SequenceStart(0, _) => loop {
                match self.next()? {
                    Event::SequenceEnd => return Ok(()),
                    ev => self.skip(ev)?,
                }
            },
            Event::MappingStart(0, _) => loop {
                let key = self.next()?;
                let complex = match &key {
                    Event::MappingEnd => return Ok(()),
                    Event::Scalar(..) => false,
                    Event::Alias(id) => {
                        matches!(self.anchors.get(id), Some(Node::Seq(_) | Node::Map(_)))
                    }
                    _ => true,
                };
                self.skip(key)?;
                let value = self.next()?;
                self.skip(value)?;
                if complex {
                    return Err(invalid_map_key());
                }
            },
            ev => self.node(ev).map(drop),
        }
    }

    fn node(&mut self, ev: Event<'a>) -> Result<Node, String> {
        let (node, anchor) = match ev {
            Event::Scalar(value, style, anchor, _) => {
                let node = match style {
                    ScalarStyle::Plain if is_plain_null(&value) => Node::Null,
                    ScalarStyle::Plain => Node::Scalar(value.into_owned(), true),
                    _ => Node::Scalar(value.into_owned(), false),
                };
                (node, anchor)
            }
            Event::Alias(id) => {
                return self.anchors.get(&id).cloned().ok_or_else(|| {
                    "error converting YAML to JSON: yaml: unknown anchor".to_string()
                })
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        Event::SequenceEnd => break,
                        ev => items.push(self.node(ev)?),
                    }
                }
                (Node::Seq(items), anchor)
            }
            Event::MappingStart(anchor, _) => {
                let mut map = BTreeMap::new();
                loop {
                    let key = match self.next()? {
                        Event::MappingEnd => break,
                        ev => self.node(ev)?,
                    };
                    let first = self.next()?;
                    let value = self.node(first)?;
                    match key {
                        Node::Scalar(k, _) if k == "<<" => merge_into(&mut map, value),
                        Node::Scalar(k, _) => {
                            map.insert(k, value);
                        }
                        Node::Null => {
                            map.insert("null".to_string(), value);
                        }
                        _ => return Err(invalid_map_key()),
                    }
                }
                (Node::Map(map), anchor)
            }
            _ => {
                return Err(
                    "error converting YAML to JSON: yaml: did not find expected node content"
                        .to_string(),
                )
            }
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }
}

/// The top-level keys `SimpleHead` decodes (Go's JSON matches them
/// case-insensitively).
fn is_head_key(key: &str) -> bool {
    ["apiVersion", "kind", "metadata"]
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k))
}

fn invalid_map_key() -> String {
    "error converting YAML to JSON: yaml: invalid map key".to_string()
}

/// yaml.v2's merge key: a map's entries are set in place; for a list of
/// maps, the last is applied first so that earlier maps win.
fn merge_into(map: &mut BTreeMap<String, Node>, value: Node) {
    match value {
        Node::Map(m) => map.extend(m),
        Node::Seq(items) => {
            for item in items.into_iter().rev() {
                if let Node::Map(m) = item {
                    map.extend(m);
                }
            }
        }
        _ => {}
    }
}

/// Go's `filepath.Match` on Unix: `*`, `?`, `[...]` classes and `\` escapes,
/// never matching across `/`. A malformed pattern matches nothing (Helm
/// ignores the error).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let mut pattern = pattern.as_bytes();
    let mut name = name.as_bytes();
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return !name.contains(&b'/');
        }
        match match_chunk(chunk, name) {
            Ok(Some(t)) if t.is_empty() || !pattern.is_empty() => {
                name = t;
                continue;
            }
            Err(()) => return false,
            _ => {}
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                match match_chunk(chunk, &name[i + 1..]) {
                    Ok(Some(t)) => {
                        if pattern.is_empty() && !t.is_empty() {
                            i += 1;
                            continue;
                        }
                        name = t;
                        continue 'outer;
                    }
                    Ok(None) => {}
                    Err(()) => return false,
                }
                i += 1;
            }
        }
        return false;
    }
    name.is_empty()
}

/// Splits off leading stars and the following star-free chunk.
fn scan_chunk(pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut p = pattern;
    let mut star = false;
    while let [b'*', rest @ ..] = p {
        p = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            b'\\' if i + 1 < p.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &p[..i], &p[i..])
}

/// Matches a star-free chunk at the start of `s`: the rest of `s`, `None`
/// for no match, `Err` for a malformed pattern.
fn match_chunk<'s>(chunk: &[u8], s: &'s [u8]) -> Result<Option<&'s [u8]>, ()> {
    let mut chunk = chunk;
    let mut s = s;
    while let Some(&c) = chunk.first() {
        if s.is_empty() {
            return Ok(None);
        }
        match c {
            b'[' => {
                let (r, n) = decode_rune(s);
                s = &s[n..];
                chunk = &chunk[1..];
                if chunk.is_empty() {
                    return Err(());
                }
                let negated = chunk[0] == b'^';
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&b']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&b'-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    return Ok(None);
                }
            }
            b'?' => {
                if s[0] == b'/' {
                    return Ok(None);
                }
                let (_, n) = decode_rune(s);
                s = &s[n..];
                chunk = &chunk[1..];
            }
            _ => {
                let mut lit = c;
                if c == b'\\' {
                    chunk = &chunk[1..];
                    match chunk.first() {
                        Some(&e) => lit = e,
                        None => return Err(()),
                    }
                }
                if lit != s[0] {
                    return Ok(None);
                }
                s = &s[1..];
                chunk = &chunk[1..];
            }
        }
    }
    Ok(Some(s))
}

/// A possibly escaped character of a class, and the rest of the chunk.
fn get_esc(chunk: &[u8]) -> Result<(u32, &[u8]), ()> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some(b'-') | Some(b']') => return Err(()),
        Some(b'\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(());
            }
        }
        _ => {}
    }
    let (r, n) = decode_rune(chunk);
    if r == 0xFFFD && n == 1 {
        return Err(());
    }
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(());
    }
    Ok((r, rest))
}

/// Go's `utf8.DecodeRuneInString`: the first rune and its length, U+FFFD
/// with length 1 for an invalid byte.
fn decode_rune(s: &[u8]) -> (u32, usize) {
    let len = match s.first() {
        None => return (0xFFFD, 0),
        Some(b) if *b < 0x80 => return (u32::from(*b), 1),
        Some(b) if *b >= 0xF0 => 4,
        Some(b) if *b >= 0xE0 => 3,
        Some(_) => 2,
    };
    match s.get(..len).and_then(|p| std::str::from_utf8(p).ok()) {
        Some(p) => p
            .chars()
            .next()
            .map_or((0xFFFD, 1), |c| (u32::from(c), len)),
        None => (0xFFFD, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Rendered files of a small chart `c` and what Helm v4.2.3 made of them
    /// (`rel.Manifest` of a client dry-run install through the v4.2.3 SDK).
    const CHART: &[(&str, &str)] = &[
        ("c/templates/NOTES.txt", "notes here\n"),
        (
            "c/templates/a.yaml",
            "kind: Service\nmetadata:\n  name: s\n---\nkind: Foo\n---\n\n---\nkind: ConfigMap\n",
        ),
        ("c/templates/b.yaml", "# only a comment\n"),
        (
            "c/templates/c.yaml",
            "kind: Bar\n---\nkind: Namespace\n\n\n",
        ),
        ("c/templates/d.yaml", "   \n\n"),
        ("c/templates/e.yaml", "---apiVersion: v1\nkind: Secret\n"),
        (
            "c/templates/f.yaml",
            "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: crd-install\n",
        ),
        (
            "c/templates/g.yaml",
            "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n",
        ),
        (
            "c/templates/h.yaml",
            "kind: Deployment\nmetadata:\n  annotations:\n    other: x\n",
        ),
        (
            "c/templates/i.yaml",
            "kind: ServiceAccount\n---   \n  \nkind: Role  \n\n---\n---\nkind: Service\n",
        ),
    ];

    const CHART_MANIFEST: &str = "---\n# Source: c/templates/c.yaml\nkind: Namespace\n\n\n\n---\n# Source: c/templates/i.yaml\nkind: ServiceAccount\n---\n# Source: c/templates/e.yaml\napiVersion: v1\nkind: Secret\n\n---\n# Source: c/templates/a.yaml\n---\nkind: ConfigMap\n\n---\n# Source: c/templates/i.yaml\nkind: Role\n---\n# Source: c/templates/a.yaml\nkind: Service\nmetadata:\n  name: s\n---\n# Source: c/templates/i.yaml\n---\nkind: Service\n\n---\n# Source: c/templates/h.yaml\nkind: Deployment\nmetadata:\n  annotations:\n    other: x\n\n---\n# Source: c/templates/b.yaml\n# only a comment\n\n---\n# Source: c/templates/c.yaml\nkind: Bar\n---\n# Source: c/templates/a.yaml\nkind: Foo\n";

    /// The hook part `helm template` adds after the manifests.
    const CHART_HOOKS: &str = "---\n# Source: c/templates/g.yaml\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n\n";

    #[test]
    fn whole_stream_matches_helm_v4() {
        let got = template_stream(&files(CHART), &[]);
        let want = format!("{}\n{CHART_HOOKS}", CHART_MANIFEST.trim());
        assert_eq!(got, Ok(want));
    }

    #[test]
    fn kinds_in_install_order_then_unknown_alphabetically() {
        let sorted = sort_manifests(&files(CHART), SplitTrim::Leading).unwrap_or_default();
        let kinds: Vec<&str> = sorted.manifests.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "Namespace",
                "ServiceAccount",
                "Secret",
                "ConfigMap",
                "Role",
                "Service",
                "Service",
                "Deployment",
                "",
                "Bar",
                "Foo"
            ]
        );
        let hooks: Vec<(&str, &str)> = sorted
            .hooks
            .iter()
            .map(|d| (d.kind.as_str(), d.name.as_str()))
            .collect();
        assert_eq!(hooks, [("Job", "j")]);
    }

    #[test]
    fn documents_are_slices_of_their_files() {
        let f = files(CHART);
        let sorted = sort_manifests(&f, SplitTrim::Leading).unwrap_or_default();
        let ns = &sorted.manifests[0];
        assert_eq!(ns.path, "c/templates/c.yaml");
        assert_eq!(
            &f["c/templates/c.yaml"][ns.range.clone()],
            "kind: Namespace\n\n\n"
        );
        let segs = stream_segments(&f, &[], SplitTrim::Leading).unwrap_or_default();
        assert!(segs.iter().any(|s| matches!(
            s,
            Segment::Slice {
                path: "c/templates/e.yaml",
                start: 3,
                text: "apiVersion: v1\nkind: Secret\n"
            }
        )));
    }

    #[test]
    fn helm3_trims_both_ends() {
        let f = files(&[(
            "c/templates/a.yaml",
            "\n\nkind: ConfigMap\n\n\n---\nkind: Secret\n  \n",
        )]);
        assert_eq!(
            template_stream_with(&f, &[], SplitTrim::Both),
            Ok("---\n# Source: c/templates/a.yaml\nkind: Secret\n---\n# Source: c/templates/a.yaml\nkind: ConfigMap\n".to_string())
        );
        // v4 keeps the file's trailing whitespace on its last document.
        assert_eq!(
            template_stream(&f, &[]),
            Ok("---\n# Source: c/templates/a.yaml\nkind: Secret\n  \n\n---\n# Source: c/templates/a.yaml\nkind: ConfigMap\n".to_string())
        );
    }

    #[test]
    fn hooks_follow_manifests_in_kind_order() {
        let hook = |kind: &str| {
            format!("kind: {kind}\nmetadata:\n  annotations:\n    helm.sh/hook: \" Post-Install , pre-delete\"\n")
        };
        let f = files(&[
            ("c/templates/a.yaml", &hook("Job")),
            (
                "c/templates/b.yaml",
                &format!("{}---\n{}", hook("ClusterRole"), hook("ServiceAccount")),
            ),
            ("c/templates/c.yaml", "kind: Pod\n"),
        ]);
        let got = template_stream(&f, &[]).unwrap_or_default();
        let sources: Vec<&str> = got.lines().filter(|l| l.starts_with("kind: ")).collect();
        assert_eq!(
            sources,
            [
                "kind: Pod",
                "kind: ServiceAccount",
                "kind: ClusterRole",
                "kind: Job"
            ]
        );
    }

    #[test]
    fn partials_notes_and_blank_files_print_nothing() {
        let f = files(&[
            ("c/templates/_helpers.tpl", "kind: Secret\n"),
            ("c/charts/sub/templates/NOTES.txt", "kind: Secret\n"),
            ("c/templates/blank.yaml", " \n\t\n"),
            ("c/templates/seps.yaml", "\n---\n"),
        ]);
        assert_eq!(template_stream(&f, &[]), Ok("\n".to_string()));
    }

    #[test]
    fn split_at_separator_lines() {
        let text = "a: 1\n---\nb: 2\n--- # c\nc: 3\n---\n";
        let docs: Vec<&str> = split_manifests(text, SplitTrim::Leading)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(docs, ["a: 1", "b: 2", "# c\nc: 3"]);
    }

    /// Head shapes and the error Helm v4.2.3 gives (client dry-run install
    /// through the v4.2.3 SDK).
    #[test]
    fn head_errors_read_like_helm() {
        const P: &str = "YAML parse error on c/templates/a.yaml: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ";
        let cases: &[(&str, &str)] = &[
            (
                "kind: Pod\nmetadata:\n  annotations:\n    x: {a: 1}\n",
                "object into Go struct field .metadata.annotations of type string",
            ),
            ("- a\n- b\n", "array into Go value of type util.SimpleHead"),
            (
                "kind: Pod\nmetadata: foo\n",
                r#"string into Go struct field SimpleHead.metadata of type struct { Name string "json:\"name\""; Annotations map[string]string "json:\"annotations\"" }"#,
            ),
            (
                "kind: {a: 1}\n",
                "object into Go struct field SimpleHead.kind of type string",
            ),
            (
                "just a string\n",
                "string into Go value of type util.SimpleHead",
            ),
            (
                "kind: Pod\nmetadata:\n  annotations: [1]\n",
                "array into Go struct field .metadata.annotations of type map[string]string",
            ),
        ];
        for (doc, want) in cases {
            let f = files(&[("c/templates/a.yaml", doc)]);
            let got = template_stream(&f, &[]).map_err(|e| e.to_string());
            assert_eq!(got, Err(format!("{P}{want}")), "{doc:?}");
        }
        // Syntax errors: Helm says `error converting YAML to JSON: yaml: line
        // 1: did not find expected node content`; the reader's own wording
        // follows the same prefix.
        for doc in ["kind: [\n", "kind: Pod\n\tbad: 1\n"] {
            let f = files(&[("c/templates/a.yaml", doc)]);
            let got = template_stream(&f, &[]).map_err(|e| e.to_string());
            assert!(
                got.as_ref().is_err_and(|e| e.starts_with(
                    "YAML parse error on c/templates/a.yaml: error converting YAML to JSON: yaml: line "
                )),
                "{doc:?}: {got:?}"
            );
        }
    }

    /// Shapes Helm v4.2.3 accepts: keys match case-insensitively, scalars
    /// of any type are strings, merge keys apply, a null hook is unknown.
    #[test]
    fn head_reads_like_helm() {
        let f = files(&[
            ("c/templates/a.yaml", "kind: ConfigMap\n"),
            ("c/templates/z.yaml", "Kind: Namespace\n"),
        ]);
        assert_eq!(
            template_stream(&f, &[]),
            Ok("---\n# Source: c/templates/z.yaml\nKind: Namespace\n\n---\n# Source: c/templates/a.yaml\nkind: ConfigMap\n".to_string())
        );
        let f = files(&[(
            "c/templates/a.yaml",
            "kind: Pod\nmetadata:\n  annotations:\n    x: 5\n    y: true\n",
        )]);
        assert_eq!(
            template_stream(&f, &[]),
            Ok("---\n# Source: c/templates/a.yaml\nkind: Pod\nmetadata:\n  annotations:\n    x: 5\n    y: true\n".to_string())
        );
        // Neither is an ordinary manifest: a hook via a merge key, and a
        // hook with no event (dropped).
        let merged = "x: &m\n  annotations:\n    helm.sh/hook: pre-install\nkind: Pod\nmetadata:\n  <<: *m\n";
        let f = files(&[
            ("c/templates/a.yaml", merged),
            (
                "c/templates/b.yaml",
                "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook:\n",
            ),
        ]);
        let sorted = sort_manifests(&f, SplitTrim::Leading).unwrap_or_default();
        assert!(sorted.manifests.is_empty());
        assert_eq!(sorted.hooks.len(), 1);
        assert_eq!(sorted.hooks[0].path, "c/templates/a.yaml");
    }

    #[test]
    fn show_only_filters_by_path_glob() {
        let f = files(CHART);
        let show = |p: &[&str]| {
            let p: Vec<String> = p.iter().map(|s| s.to_string()).collect();
            template_stream(&f, &p)
        };
        assert_eq!(
            show(&["templates/c.yaml"]),
            Ok("---\n# Source: c/templates/c.yaml\nkind: Namespace\n---\n# Source: c/templates/c.yaml\nkind: Bar\n".to_string())
        );
        // A document that began with `---` lost its body when re-split.
        assert_eq!(
            show(&["templates/i.yaml"]),
            Ok("---\n# Source: c/templates/i.yaml\nkind: ServiceAccount\n---\n# Source: c/templates/i.yaml\nkind: Role\n---\n# Source: c/templates/i.yaml\n".to_string())
        );
        // Patterns apply in the order given; hooks are searched too. The
        // last document of the stream keeps its trailing newlines (v4).
        let got = show(&["templates/g.yaml", "templates/[b]*"]).unwrap_or_default();
        assert_eq!(
            got,
            "---\n# Source: c/templates/g.yaml\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n\n\n---\n# Source: c/templates/b.yaml\n# only a comment\n"
        );
        assert_eq!(
            show(&["templates/nope.yaml"]),
            Err(ManifestError::TemplateNotFound(
                "templates/nope.yaml".to_string()
            ))
        );
        assert_eq!(
            ManifestError::TemplateNotFound("x.yaml".to_string()).to_string(),
            "could not find template x.yaml in chart"
        );
    }

    #[test]
    fn glob_matches_like_go_filepath_match() {
        let cases: &[(&str, &str, bool)] = &[
            ("templates/*.yaml", "templates/a.yaml", true),
            ("templates/*", "templates/sub/a.yaml", false),
            ("*/a.yaml", "templates/a.yaml", true),
            ("templates/?.yaml", "templates/ab.yaml", false),
            ("templates/[a-c].yaml", "templates/b.yaml", true),
            ("templates/[^a-c].yaml", "templates/b.yaml", false),
            ("templates/\\*.yaml", "templates/*.yaml", true),
            ("templates/[", "templates/[", false),
            ("a*b*c", "axxbyyc", true),
            ("a*b", "axxbyyb", true),
            ("", "", true),
        ];
        for (pattern, name, want) in cases {
            assert_eq!(glob_match(pattern, name), *want, "{pattern} vs {name}");
        }
    }
}
