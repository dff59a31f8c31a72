//! The function table: Go's template builtins, Sprig, and Helm's own
//! functions, each a plain Rust function registered by name.
//!
//! A function declares its Go parameter types ([`Ty`]); the evaluator
//! converts and checks arguments the way Go's `text/template` does (with
//! Go's error messages) before calling it, so a function body sees
//! arguments of the shapes it asked for. Functions that need the evaluator
//! itself (`include`, `tpl`, `and`, `or`) are not here.
//!
//! Provenance: a function that returns a scalar with no deps gets the union
//! of its arguments' deps from the evaluator; a string result with no trace
//! is attributed to the call site. Functions that move text (`indent`,
//! `trim`, `replace`, ...) build their result with
//! [`TextBuilder`](crate::traced::TextBuilder) so the input's trace follows
//! the bytes.

pub mod builtins;
pub mod certs;
pub mod crypto;
pub mod dates;
pub mod der;
pub mod dicts;
pub mod encoding;
pub mod flow;
pub mod json;
pub mod keys;
pub mod lists;
pub mod math;
pub mod regexp;
pub mod semver;
pub mod strings;
pub mod types;
pub mod tzdata;
pub mod yaml;

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::traced::{Source, TplLoc};
use crate::value::Value;

/// A Go parameter type, as far as argument conversion cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `interface{}`: anything, nil included.
    Any,
    /// `string`.
    Str,
    /// `int`.
    Int,
    /// `int64`.
    Int64,
    /// `float64`.
    Float,
    /// `bool`.
    Bool,
    /// `[]interface{}`.
    List,
    /// `map[string]interface{}`.
    Map,
    /// `[]string`.
    StrList,
    /// `uint32` (only untyped constants convert to it).
    Uint32,
    /// Sprig's `certificate` struct.
    Certificate,
}

impl Ty {
    /// Go's spelling, for error messages.
    pub fn go_name(self) -> &'static str {
        match self {
            Ty::Any => "interface {}",
            Ty::Str => "string",
            Ty::Int => "int",
            Ty::Int64 => "int64",
            Ty::Float => "float64",
            Ty::Bool => "bool",
            Ty::List => "[]interface {}",
            Ty::Map => "map[string]interface {}",
            Ty::StrList => "[]string",
            Ty::Uint32 => "uint32",
            Ty::Certificate => certs::CERTIFICATE_TYPE,
        }
    }
}

/// The error a function returns; the evaluator wraps it as Go does
/// (`error calling NAME: MESSAGE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncError(pub String);

impl std::fmt::Display for FuncError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl FuncError {
    /// An error with a message.
    pub fn new(msg: impl Into<String>) -> Self {
        FuncError(msg.into())
    }
}

impl From<&str> for FuncError {
    fn from(msg: &str) -> Self {
        FuncError::new(msg)
    }
}

/// What a function result is.
pub type FuncResult = Result<Value, FuncError>;

/// What a function sees of the call besides its arguments.
pub struct FuncCtx {
    /// Where the call is in the template.
    pub loc: TplLoc,
    /// Source for text the function itself inserts (the call site, no deps).
    pub site: Rc<Source>,
    /// The render's cache of texts parsed by `fromYaml`.
    pub yaml: Rc<crate::yaml::YamlTrees>,
    /// The keys the user's `null`s deleted from the render's values: a map
    /// function that finds one missing (`hasKey`, `get`, `index`, `dig`)
    /// gives a result depending on its deletion.
    pub deleted: Rc<crate::deletions::Deletions>,
}

impl FuncCtx {
    /// A context for a call at `loc`, with a cache of its own.
    pub fn new(loc: TplLoc) -> Self {
        Self::in_render(loc, Rc::default())
    }

    /// A context for a call at `loc` in a render that owns `yaml`.
    pub fn in_render(loc: TplLoc, yaml: Rc<crate::yaml::YamlTrees>) -> Self {
        FuncCtx {
            loc,
            site: Rc::new(Source::literal(loc)),
            yaml,
            deleted: Rc::default(),
        }
    }

    /// `v` also depending on the deletion of `key` from `map`, when the
    /// user's `null` deleted it.
    pub fn with_deletion(&self, v: Value, map: &crate::value::MapRef, key: &str) -> Value {
        match self.deleted.of(map, key) {
            Some(d) => {
                let deps = v.deps.union(d);
                v.with_deps(deps)
            }
            None => v,
        }
    }
}

/// The body of a function.
pub type FuncBody = fn(&FuncCtx, Vec<Value>) -> FuncResult;

/// A registered function.
pub struct FuncDef {
    /// The name templates call it by.
    pub name: &'static str,
    /// Fixed parameters.
    pub params: &'static [Ty],
    /// Type of the variadic tail, if the function is variadic.
    pub variadic: Option<Ty>,
    /// The body.
    pub body: FuncBody,
}

/// Shorthand used by the registration tables.
pub(crate) const fn def(
    name: &'static str,
    params: &'static [Ty],
    variadic: Option<Ty>,
    body: FuncBody,
) -> FuncDef {
    FuncDef {
        name,
        params,
        variadic,
        body,
    }
}

/// Names the evaluator implements itself (they need template execution or
/// short-circuit evaluation), so the parser must accept them too.
pub const EVALUATOR_FUNCS: &[&str] = &["and", "or", "include", "tpl", "call"];

/// Registration tables. Later tables override earlier ones, as a FuncMap
/// overrides Go's builtins in text/template: keep Go's builtins first so that
/// Sprig's `slice` replaces Go's (Helm: `slice "abc" 1 2` fails).
fn all_tables() -> Vec<&'static [FuncDef]> {
    // Later tables override earlier ones: Helm registers Sprig over Go's
    // builtins (Sprig's `slice` wins), and its own functions over Sprig.
    vec![
        builtins::FUNCS,
        strings::FUNCS,
        lists::FUNCS,
        dicts::FUNCS,
        math::FUNCS,
        regexp::FUNCS,
        semver::FUNCS,
        encoding::FUNCS,
        crypto::FUNCS,
        certs::FUNCS,
        types::FUNCS,
        flow::FUNCS,
        dates::FUNCS,
        json::FUNCS,
        yaml::TABLE,
    ]
}

fn table() -> &'static HashMap<&'static str, &'static FuncDef> {
    static TABLE: OnceLock<HashMap<&'static str, &'static FuncDef>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for t in all_tables() {
            for f in t {
                map.insert(f.name, f);
            }
        }
        map
    })
}

/// Look a function up by name.
pub fn lookup(name: &str) -> Option<&'static FuncDef> {
    table().get(name).copied()
}

/// True when templates may call `name` (registered or evaluator-implemented).
pub fn is_defined(name: &str) -> bool {
    EVALUATOR_FUNCS.contains(&name) || lookup(name).is_some()
}

/// All registered names, sorted.
pub fn names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = table().keys().copied().collect();
    v.extend_from_slice(EVALUATOR_FUNCS);
    v.sort_unstable();
    v.dedup();
    v
}
