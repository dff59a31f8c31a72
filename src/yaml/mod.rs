//! YAML as Helm reads and writes it: values files loaded with yaml.v2
//! semantics into [`Value`]s carrying their file positions, and `toYaml`
//! output in yaml.v2's style.
//!
//! [`load`] reads (values files and `fromYaml`), [`emit`] writes (`toYaml`),
//! [`resolve`] holds yaml.v2's scalar rules and Go's number formatting that
//! both share.

mod emit;
mod load;
mod resolve;

use std::rc::Rc;

pub use emit::{to_yaml, to_yaml_pretty, try_to_yaml};
pub use load::{
    parse_values_tree, parse_yaml_value, parse_yaml_value_in, values_from_tree, ValuesTree,
    YamlTrees,
};

use crate::origin::{Layer, OriginTable};
use crate::value::Value;

/// A YAML syntax or structure error, with its position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct YamlError {
    /// File the text came from.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

/// Load a values document. Every node gets an origin (layer, file, line)
/// registered in `origins`; key paths are assigned later by coalescing.
/// An empty document yields an empty map.
///
/// The error message is what sigs.k8s.io/yaml says (`error converting YAML
/// to JSON: yaml: line 2: did not find expected key`); Helm's chart loader
/// prefixes it (`cannot load values.yaml: cannot unmarshal yaml document: `).
pub fn load_values(
    text: &str,
    file: Rc<str>,
    layer: Layer,
    origins: &mut OriginTable,
) -> Result<Value, YamlError> {
    load::load(text, file, layer, origins)
}

/// The JSON type name Go's decoder reports for a value of the wrong shape
/// (`array`, `object`, `string`, ...), for `fromYaml`'s error messages.
pub fn json_kind(v: &Value) -> &'static str {
    load::json_kind(v)
}

#[cfg(test)]
mod tests;
