//! The value model of the template engine: Go's `interface{}` values as Helm
//! templates see them, each carrying the values origins it depends on.
//!
//! Maps are shared and mutable (Go maps are references: `set` on a map taken
//! from `.Values` changes what every later template sees); lists and strings
//! are immutable and cheap to clone. Numbers keep Go's int/float distinction
//! because printing and comparison depend on it.

use std::cell::{Ref, RefCell, RefMut};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::origin::{Deps, OriginId};
use crate::traced::TStr;

/// A Go map with string keys, sorted (Go sorts keys wherever order shows).
pub type MapData = BTreeMap<MapKey, Value>;

/// A map key: shared text, so copying a map does not copy its keys.
pub type MapKey = Rc<str>;

/// Build map data from `(key, value)` pairs with any string-like keys.
pub fn map_data<K: Into<MapKey>>(entries: impl IntoIterator<Item = (K, Value)>) -> MapData {
    entries.into_iter().map(|(k, v)| (k.into(), v)).collect()
}

/// A shared, mutable map (Go `map[string]interface{}`).
#[derive(Clone, Default)]
pub struct MapRef(Rc<RefCell<MapData>>);

impl MapRef {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wrap map data.
    pub fn from_data(data: MapData) -> Self {
        MapRef(Rc::new(RefCell::new(data)))
    }

    /// Borrow the entries.
    pub fn borrow(&self) -> Ref<'_, MapData> {
        self.0.borrow()
    }

    /// Borrow the entries mutably.
    pub fn borrow_mut(&self) -> RefMut<'_, MapData> {
        self.0.borrow_mut()
    }

    /// Look a key up (cloning the value).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.0.borrow().get(key).cloned()
    }

    /// Insert or replace a key.
    pub fn insert(&self, key: impl Into<MapKey>, value: Value) {
        self.0.borrow_mut().insert(key.into(), value);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// True when both refer to the same map.
    pub fn ptr_eq(&self, other: &MapRef) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// A deep copy: new maps all the way down (lists are shared, their maps copied).
    pub fn deep_copy(&self) -> MapRef {
        let data = self
            .0
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), v.deep_copy()))
            .collect();
        MapRef::from_data(data)
    }
}

/// An object exposed to templates with fields and methods (`.Release`,
/// `.Capabilities`, `.Files`, ...): Go structs as the template sees them.
pub trait GoObject {
    /// Go type name, used in error messages (`chartutil.Capabilities`).
    fn type_name(&self) -> &str;
    /// A field or zero-argument method by name; `None` if there is none.
    fn field(&self, name: &str) -> Option<Value>;
    /// Call a method with arguments; `None` if there is no such method.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>>;
    /// How the object prints (`{{ . }}`, `%v`).
    fn display(&self) -> String;
    /// The object as a map, for `toYaml`/`toJson` of the object.
    fn to_map(&self) -> Option<MapRef> {
        None
    }
    /// Key/element pairs when the object is a Go map or slice that `range` can iterate.
    fn range_entries(&self) -> Option<Vec<(Value, Value)>> {
        None
    }
    /// Go truth of the object (an empty map-like object is false).
    fn truthy(&self) -> bool {
        true
    }
}

/// The shape of a value.
#[derive(Clone)]
pub enum Repr {
    /// Go's untyped nil (a missing key, `nil`).
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int`/`int64` (template literals, `len`, Sprig math).
    Int(i64),
    /// `float64` (every number read from YAML/JSON values).
    Float(f64),
    /// `string`.
    Str(TStr),
    /// `[]interface{}` (and other slices).
    List(Rc<Vec<Value>>),
    /// `map[string]interface{}`.
    Map(MapRef),
    /// A struct-like object with fields and methods.
    Object(Rc<dyn GoObject>),
}

/// A template value with the origins it depends on.
#[derive(Clone)]
pub struct Value {
    /// What the value is.
    pub repr: Repr,
    /// Values origins this value came from or was computed from.
    pub deps: Deps,
}

impl Default for Value {
    fn default() -> Self {
        Value::nil()
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Nil => write!(f, "nil"),
            Repr::Bool(b) => write!(f, "{b}"),
            Repr::Int(i) => write!(f, "{i}"),
            Repr::Float(x) => write!(f, "{x:?}"),
            Repr::Str(s) => write!(f, "{:?}", s.as_str()),
            Repr::List(l) => f.debug_list().entries(l.iter()).finish(),
            Repr::Map(m) => f.debug_map().entries(m.borrow().iter()).finish(),
            Repr::Object(o) => write!(f, "<{}>", o.type_name()),
        }?;
        if !self.deps.is_empty() {
            write!(f, "@{:?}", self.deps)?;
        }
        Ok(())
    }
}

impl Value {
    /// Build from a shape with no origins.
    pub fn new(repr: Repr) -> Self {
        Value {
            repr,
            deps: Deps::none(),
        }
    }

    /// Go nil.
    pub fn nil() -> Self {
        Value::new(Repr::Nil)
    }

    /// A bool.
    pub fn bool(b: bool) -> Self {
        Value::new(Repr::Bool(b))
    }

    /// An int.
    pub fn int(i: i64) -> Self {
        Value::new(Repr::Int(i))
    }

    /// A float64.
    pub fn float(x: f64) -> Self {
        Value::new(Repr::Float(x))
    }

    /// An untraced string.
    pub fn str(s: impl Into<Rc<str>>) -> Self {
        Value::new(Repr::Str(TStr::plain(s)))
    }

    /// A traced string.
    pub fn tstr(s: TStr) -> Self {
        Value::new(Repr::Str(s))
    }

    /// A list.
    pub fn list(items: Vec<Value>) -> Self {
        Value::new(Repr::List(Rc::new(items)))
    }

    /// A map.
    pub fn map(m: MapRef) -> Self {
        Value::new(Repr::Map(m))
    }

    /// A new map from entries.
    pub fn map_from(data: MapData) -> Self {
        Value::new(Repr::Map(MapRef::from_data(data)))
    }

    /// An object.
    pub fn object(o: Rc<dyn GoObject>) -> Self {
        Value::new(Repr::Object(o))
    }

    /// The same value with `deps` replaced.
    pub fn with_deps(mut self, deps: Deps) -> Self {
        self.deps = deps;
        self
    }

    /// The same value with `deps` added.
    pub fn add_deps(mut self, deps: &Deps) -> Self {
        self.deps = self.deps.union(deps);
        self
    }

    /// The same value depending on one origin.
    pub fn with_origin(self, id: OriginId) -> Self {
        self.with_deps(Deps::one(id))
    }

    /// True for nil.
    pub fn is_nil(&self) -> bool {
        matches!(self.repr, Repr::Nil)
    }

    /// The string, if this is one.
    pub fn as_tstr(&self) -> Option<&TStr> {
        match &self.repr {
            Repr::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        self.as_tstr().map(TStr::as_str)
    }

    /// The map, if this is one.
    pub fn as_map(&self) -> Option<&MapRef> {
        match &self.repr {
            Repr::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list items, if this is a list.
    pub fn as_list(&self) -> Option<&Rc<Vec<Value>>> {
        match &self.repr {
            Repr::List(l) => Some(l),
            _ => None,
        }
    }

    /// Go's truth: false, 0, nil, and empty strings, lists and maps are false.
    pub fn truthy(&self) -> bool {
        match &self.repr {
            Repr::Nil => false,
            Repr::Bool(b) => *b,
            Repr::Int(i) => *i != 0,
            Repr::Float(x) => *x != 0.0,
            Repr::Str(s) => !s.is_empty(),
            Repr::List(l) => !l.is_empty(),
            Repr::Map(m) => !m.is_empty(),
            Repr::Object(o) => o.truthy(),
        }
    }

    /// Go's type name as `printf "%T"` and `typeOf` show it.
    pub fn type_name(&self) -> &str {
        match &self.repr {
            Repr::Nil => "<nil>",
            Repr::Bool(_) => "bool",
            Repr::Int(_) => "int",
            Repr::Float(_) => "float64",
            Repr::Str(_) => "string",
            Repr::List(_) => "[]interface {}",
            Repr::Map(_) => "map[string]interface {}",
            Repr::Object(o) => o.type_name(),
        }
    }

    /// Go's reflect kind name as `kindOf` shows it.
    pub fn kind_name(&self) -> &str {
        match &self.repr {
            Repr::Nil => "invalid",
            Repr::Bool(_) => "bool",
            Repr::Int(_) => "int",
            Repr::Float(_) => "float64",
            Repr::Str(_) => "string",
            Repr::List(_) => "slice",
            Repr::Map(_) => "map",
            Repr::Object(_) => "ptr",
        }
    }

    /// True when the value is a map or a list holding a map somewhere.
    fn holds_map(&self) -> bool {
        match &self.repr {
            Repr::Map(_) => true,
            Repr::List(l) => l.iter().any(Value::holds_map),
            _ => false,
        }
    }

    /// A deep copy: maps are copied, so mutating the copy leaves the original alone.
    pub fn deep_copy(&self) -> Value {
        let repr = match &self.repr {
            Repr::Map(m) => Repr::Map(m.deep_copy()),
            // Lists are immutable: one without maps inside can be shared.
            Repr::List(l) if !l.iter().any(Value::holds_map) => Repr::List(l.clone()),
            Repr::List(l) => Repr::List(Rc::new(l.iter().map(Value::deep_copy).collect())),
            other => other.clone(),
        };
        Value {
            repr,
            deps: self.deps.clone(),
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::int(i)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::str(s)
    }
}

impl From<TStr> for Value {
    fn from(s: TStr) -> Self {
        Value::tstr(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_shared_and_deep_copy_is_not() {
        let m = MapRef::new();
        let v = Value::map(m.clone());
        let copy = v.deep_copy();
        m.insert("a", Value::int(1));
        assert_eq!(v.as_map().map(MapRef::len), Some(1));
        assert_eq!(copy.as_map().map(MapRef::len), Some(0));
    }

    #[test]
    fn truthiness_follows_go() {
        assert!(!Value::str("").truthy());
        assert!(Value::str("x").truthy());
        assert!(!Value::float(0.0).truthy());
        assert!(!Value::list(vec![]).truthy());
        assert!(!Value::nil().truthy());
    }
}
