//! User values as Helm's `values.Options.MergeValues` builds them: `-f`
//! files merged in order, then `--set-json`, `--set`, `--set-string`,
//! `--set-file` and `--set-literal` (each group in the order given; groups
//! in that fixed order, as Helm does). Every node carries its origin.

use std::path::PathBuf;
use std::rc::Rc;

use super::strvals::{self, Mode};
use super::ChartError;
use crate::origin::{Layer, Origin, OriginId, OriginTable, SourcePos};
pub use crate::value::merge_maps;
use crate::value::MapRef;

/// The values a user gives on the command line.
#[derive(Clone, Debug, Default)]
pub struct UserValues {
    /// `-f`/`--values` files, in order.
    pub value_files: Vec<PathBuf>,
    /// `--set` flags.
    pub set: Vec<String>,
    /// `--set-string` flags.
    pub set_string: Vec<String>,
    /// `--set-json` flags.
    pub set_json: Vec<String>,
    /// `--set-file` flags (`key=path`).
    pub set_file: Vec<String>,
    /// `--set-literal` flags.
    pub set_literal: Vec<String>,
}

/// How values read from standard input (`-f -`) name their file in origins.
pub const STDIN_NAME: &str = "<stdin>";

/// Standard input, read once per process: `-f -` reads it as Helm does, and
/// every render of the process (`docs` and `check` render on two threads)
/// sees the same text.
fn stdin_text() -> Result<String, String> {
    static STDIN: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    STDIN
        .get_or_init(|| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map(|_| text)
                .map_err(|e| format!("reading values from standard input (-f -): {e}"))
        })
        .clone()
}

/// Go's text for an I/O error of `op` (`open`, `read`) on `path`.
fn go_io_error(op: &str, path: &str, e: &std::io::Error) -> String {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => {
            // "Is a directory (os error 21)" → "is a directory", as Go prints errno.
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => s,
            }
        }
    };
    format!("{op} {path}: {what}")
}

/// A `-f` file's text with Helm's errors: Go's `open`/`read` error, the
/// size limit of [`crate::limits`], yaml.v2's complaint about bytes that
/// are not UTF-8.
fn read_values_file(path: &std::path::Path, shown: &str) -> Result<String, ChartError> {
    use std::io::Read;
    let f = std::fs::File::open(path)
        .map_err(|e| ChartError::UserValues(go_io_error("open", shown, &e)))?;
    let limit = crate::limits::get().values_bytes;
    let mut data = Vec::new();
    f.take(limit.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| ChartError::UserValues(go_io_error("read", shown, &e)))?;
    if data.len() as u64 > limit {
        return Err(ChartError::UserValues(format!(
            "values file {shown} is larger than the maximum size {limit} (raise it with {})",
            crate::limits::ENV_VALUES_SIZE
        )));
    }
    String::from_utf8(data).map_err(|e| {
        let msg = crate::yaml::utf8_error(e.as_bytes()).unwrap_or("yaml: invalid UTF-8");
        ChartError::UserValues(format!(
            "failed to parse {shown}: error converting YAML to JSON: {msg}"
        ))
    })
}

fn flag_origin<'o>(
    origins: &'o mut OriginTable,
    flag: &str,
    index: usize,
) -> impl FnMut() -> OriginId + 'o {
    let file: Rc<str> = Rc::from(flag);
    let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
    move || {
        origins.add(Origin {
            path: String::new(),
            layer: Layer::SetFlag,
            pos: Some(SourcePos {
                file: file.clone(),
                line,
                column: 1,
            }),
        })
    }
}

impl UserValues {
    /// True when no user values were given.
    pub fn is_empty(&self) -> bool {
        self.value_files.is_empty()
            && self.set.is_empty()
            && self.set_string.is_empty()
            && self.set_json.is_empty()
            && self.set_file.is_empty()
            && self.set_literal.is_empty()
    }

    /// Build the merged user values map. Flag origins use the flag name as
    /// file (`--set`) and the 1-based index of the flag among its kind as line.
    pub fn merge(&self, origins: &mut OriginTable) -> Result<MapRef, ChartError> {
        self.merge_with(origins, crate::yaml::load_values)
    }

    /// [`UserValues::merge`] with the values-file loader given.
    pub fn merge_with(
        &self,
        origins: &mut OriginTable,
        loader: super::prepare::LoadValuesFn,
    ) -> Result<MapRef, ChartError> {
        let mut base = MapRef::new();
        for path in &self.value_files {
            let shown = path.display().to_string();
            let (text, origin_file) = if shown == "-" {
                (stdin_text().map_err(ChartError::UserValues)?, STDIN_NAME)
            } else {
                (read_values_file(path, &shown)?, shown.as_str())
            };
            let v =
                loader(&text, Rc::from(origin_file), Layer::UserFile, origins).map_err(|e| {
                    ChartError::ValuesFileYaml {
                        file: shown.clone(),
                        line: e.line,
                        column: e.column,
                        message: e.message,
                    }
                })?;
            // Every file's keys keep their paths, also those a later layer
            // overrides: the override chain shows each layer that set a key.
            super::prepare::walk(&v, "", origins);
            let current = match v.as_map() {
                Some(m) => m.clone(),
                None if v.is_nil() => MapRef::new(),
                None => {
                    return Err(ChartError::UserValues(format!(
                        "failed to parse {shown}: error unmarshaling JSON: json: cannot unmarshal array into Go value of type map[string]interface {{}}"
                    )))
                }
            };
            base = merge_maps(&base, &current);
        }
        for (i, value) in self.set_json.iter().enumerate() {
            let mut id = flag_origin(origins, "--set-json", i);
            let trimmed = value.trim();
            if trimmed.starts_with('{') {
                let j = strvals::parse_go_json(trimmed).map_err(|_| {
                    ChartError::UserValues(format!("failed parsing --set-json data JSON: {value}"))
                })?;
                let v = strvals::json_to_value(&j, &mut id);
                if let Some(m) = v.as_map() {
                    base = merge_maps(&base, m);
                }
            } else {
                strvals::parse_into(value, &base, Mode::Json, &mut id).map_err(|_| {
                    ChartError::UserValues(format!("failed parsing --set-json data {value}"))
                })?;
            }
        }
        for (i, value) in self.set.iter().enumerate() {
            let mut id = flag_origin(origins, "--set", i);
            strvals::parse_into(value, &base, Mode::Typed, &mut id)
                .map_err(|e| ChartError::UserValues(format!("failed parsing --set data: {e}")))?;
        }
        for (i, value) in self.set_string.iter().enumerate() {
            let mut id = flag_origin(origins, "--set-string", i);
            strvals::parse_into(value, &base, Mode::Str, &mut id).map_err(|e| {
                ChartError::UserValues(format!("failed parsing --set-string data: {e}"))
            })?;
        }
        let reader = |p: &str| -> Result<String, String> {
            read_values_file(std::path::Path::new(p), p).map_err(|e| e.to_string())
        };
        for (i, value) in self.set_file.iter().enumerate() {
            let mut id = flag_origin(origins, "--set-file", i);
            strvals::parse_into(value, &base, Mode::File(&reader), &mut id).map_err(|e| {
                ChartError::UserValues(format!("failed parsing --set-file data: {e}"))
            })?;
        }
        for (i, value) in self.set_literal.iter().enumerate() {
            let mut id = flag_origin(origins, "--set-literal", i);
            strvals::parse_literal_into(value, &base, &mut id).map_err(|e| {
                ChartError::UserValues(format!("failed parsing --set-literal data: {e}"))
            })?;
        }
        Ok(base)
    }
}
