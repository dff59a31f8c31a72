//! The configs of a render: embedded documents of rendered manifests, with
//! their collector names and, for Alloy configs, their block trees.

use crate::alloy::{self, Block};
use crate::embedded::{find_embedded, EmbeddedDoc};
use crate::model::RenderOutput;
use crate::traced::TStr;

/// One embedded config of a rendered file.
pub struct Config<'a> {
    /// Helm's template path of the rendered file.
    pub file: &'a str,
    /// The rendered file's traced text.
    pub text: &'a TStr,
    /// The embedded document.
    pub doc: EmbeddedDoc,
    /// Collector name: the ConfigMap name without the release prefix.
    pub collector: String,
    /// Alloy blocks, for `.alloy` keys (empty otherwise).
    pub blocks: Vec<Block>,
}

impl Config<'_> {
    /// True when `name` names this config: collector, ConfigMap name, or data key.
    pub fn is_named(&self, name: &str) -> bool {
        self.collector == name || self.doc.name == name || self.doc.key == name
    }

    /// True for Alloy configs.
    pub fn is_alloy(&self) -> bool {
        self.doc.key.ends_with(".alloy")
    }
}

/// All embedded configs of a render, in file order.
pub fn configs(out: &RenderOutput) -> Vec<Config<'_>> {
    let mut result = Vec::new();
    let prefix = format!("{}-", out.release_name);
    for (path, text) in &out.files {
        for doc in find_embedded(text.as_str()) {
            let collector = doc
                .name
                .strip_prefix(&prefix)
                .unwrap_or(&doc.name)
                .to_string();
            let blocks = if doc.key.ends_with(".alloy") {
                alloy::scan(&doc.text)
            } else {
                Vec::new()
            };
            result.push(Config {
                file: path,
                text,
                doc,
                collector,
                blocks,
            });
        }
    }
    result
}
