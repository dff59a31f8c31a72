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

/// What libyaml's reader (and so yaml.v2) says of bytes that are not UTF-8,
/// or `None` when they are: Helm refuses such a values file.
pub fn utf8_error(data: &[u8]) -> Option<&'static str> {
    let at = match std::str::from_utf8(data) {
        Ok(_) => return None,
        Err(e) => e.valid_up_to(),
    };
    let raw = &data[at..];
    let lead = raw[0];
    let width = match lead {
        b if b & 0x80 == 0 => 1,
        b if b & 0xE0 == 0xC0 => 2,
        b if b & 0xF0 == 0xE0 => 3,
        b if b & 0xF8 == 0xF0 => 4,
        _ => return Some("yaml: invalid leading UTF-8 octet"),
    };
    if raw.len() < width {
        return Some("yaml: incomplete UTF-8 octet sequence");
    }
    let mut value = u32::from(lead) & [0x7F, 0x1F, 0x0F, 0x07][width - 1];
    for &b in &raw[1..width] {
        if b & 0xC0 != 0x80 {
            return Some("yaml: invalid trailing UTF-8 octet");
        }
        value = (value << 6) | u32::from(b & 0x3F);
    }
    let min = [0, 0x80, 0x800, 0x10000][width - 1];
    if value < min {
        return Some("yaml: invalid length of a UTF-8 sequence");
    }
    Some("yaml: invalid Unicode character")
}

/// yaml.v2's reader refusal of a character outside YAML's printable set.
pub const CONTROL_CHARACTERS: &str = "yaml: control characters are not allowed";

/// The byte offset of the first character yaml.v2's reader refuses (tab,
/// line feed, carriage return, NEL and the printable ranges pass), if any.
pub fn control_character(text: &str) -> Option<usize> {
    text.char_indices()
        .find(|&(_, c)| {
            !matches!(c as u32,
                0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..)
        })
        .map(|(i, _)| i)
}

/// The JSON type name Go's decoder reports for a value of the wrong shape
/// (`array`, `object`, `string`, ...), for `fromYaml`'s error messages.
pub fn json_kind(v: &Value) -> &'static str {
    load::json_kind(v)
}

#[cfg(test)]
mod tests;
