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
///
/// `deep_copy` is lazy: the copy remembers its source and copies one level
/// when first looked at (its child maps become lazy copies in turn). That is
/// only right while the source is unchanged, so before any map that may lie
/// inside the source of an unfinished copy is changed, every unfinished copy
/// is completed first (see [`MapRef::borrow_mut`]).
#[derive(Clone)]
pub struct MapRef(Rc<MapCell>);

impl Default for MapRef {
    fn default() -> Self {
        MapRef::from_data(MapData::new())
    }
}

/// The storage of one map.
struct MapCell {
    data: RefCell<MapData>,
    /// For a lazy copy not yet made: the map it copies, and the copy epoch
    /// whose snapshot it is.
    pending: RefCell<Option<(MapRef, u64)>>,
    /// The copy clock when the map was created: a map created after a copy
    /// began cannot be part of what that copy reads.
    born: u64,
}

/// The lazy-copy bookkeeping of this thread.
///
/// Why a thread-local and not state passed to each render: its scope is not
/// one render but every map that may share structure with a pending copy,
/// and maps (`Rc`) never leave their thread. A [`LoadedChart`]'s converted
/// defaults are copied lazily by every render made on its thread, so the
/// copies of several renders read one source. Passing the book would mean
/// every place that makes or changes a map (coalescing, every map function,
/// the render's contexts) takes it, and one place that forgot would make a
/// copy see a later change silently. Copying eagerly instead costs 21% more
/// instructions on the k8s-monitoring 3.5.2 `platforms/azure-aks` example
/// (callgrind, 2026-12-02). Nothing here changes what a render outputs: a
/// lazy copy reads exactly what an eager one would have copied.
///
/// [`LoadedChart`]: crate::render::LoadedChart
#[derive(Default)]
struct CopyState {
    /// Ticks once per `deep_copy` call.
    clock: u64,
    /// Unfinished lazy copies; dead ones are skipped.
    pending: Vec<std::rc::Weak<MapCell>>,
    /// The latest epoch among unfinished copies (0 when there are none).
    max_epoch: u64,
    /// Length of `pending` that triggers pruning dead entries.
    prune_at: usize,
}

thread_local! {
    /// The list behind every typed nil slice of this thread (an identity
    /// to compare with, shared like Go's nil slice header).
    static NIL_LIST: Rc<Vec<Value>> = Rc::new(Vec::new());
    /// See [`CopyState`].
    static COPIES: RefCell<CopyState> = RefCell::new(CopyState::default());
}

/// Start a new copy epoch (one per `deep_copy` call).
fn next_epoch() -> u64 {
    COPIES.with(|c| {
        let mut c = c.borrow_mut();
        c.clock += 1;
        c.clock
    })
}

impl MapRef {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Wrap map data.
    pub fn from_data(data: MapData) -> Self {
        let born = COPIES.with(|c| c.borrow().clock);
        MapRef(Rc::new(MapCell {
            data: RefCell::new(data),
            pending: RefCell::new(None),
            born,
        }))
    }

    /// Borrow the entries.
    pub fn borrow(&self) -> Ref<'_, MapData> {
        self.materialize(false);
        self.0.data.borrow()
    }

    /// Borrow the entries mutably. If this map may belong to the source of
    /// an unfinished lazy copy, all unfinished copies are completed first.
    pub fn borrow_mut(&self) -> RefMut<'_, MapData> {
        let must_finish = COPIES.with(|c| self.0.born < c.borrow().max_epoch);
        if must_finish {
            finish_all_copies();
        }
        self.materialize(false);
        self.0.data.borrow_mut()
    }

    /// Look a key up (cloning the value).
    pub fn get(&self, key: &str) -> Option<Value> {
        self.borrow().get(key).cloned()
    }

    /// Insert or replace a key.
    pub fn insert(&self, key: impl Into<MapKey>, value: Value) {
        self.borrow_mut().insert(key.into(), value);
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.borrow().len()
    }

    /// True when the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.borrow().is_empty()
    }

    /// The map's identity (its address), for cycle detection.
    pub fn addr(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    /// True when both refer to the same map.
    pub fn ptr_eq(&self, other: &MapRef) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// A deep copy: new maps all the way down (lists are shared, their maps
    /// copied). The copy is made lazily (see the type's documentation).
    pub fn deep_copy(&self) -> MapRef {
        self.lazy_copy(next_epoch())
    }

    /// A lazy copy of this map belonging to the snapshot of `epoch`.
    ///
    /// The copy counts as born at `epoch`: a later copy may read it (so
    /// changing it must complete that copy first), this one never does.
    fn lazy_copy(&self, epoch: u64) -> MapRef {
        let cell = Rc::new(MapCell {
            data: RefCell::new(MapData::new()),
            pending: RefCell::new(Some((self.clone(), epoch))),
            born: epoch,
        });
        COPIES.with(|c| {
            let mut c = c.borrow_mut();
            if c.pending.len() >= c.prune_at {
                c.pending.retain(|w| w.strong_count() > 0);
                c.prune_at = (c.pending.len() * 2).max(64);
            }
            c.pending.push(Rc::downgrade(&cell));
            c.max_epoch = c.max_epoch.max(epoch);
        });
        MapRef(cell)
    }

    /// An eager copy: every level copied now.
    fn eager_copy(&self) -> MapRef {
        let data = self
            .borrow_eager()
            .iter()
            .map(|(k, v)| (k.clone(), v.copy_with(None)))
            .collect();
        MapRef::from_data(data)
    }

    /// Borrow for an eager copy: a pending lazy source is completed eagerly.
    fn borrow_eager(&self) -> Ref<'_, MapData> {
        self.materialize(true);
        self.0.data.borrow()
    }

    /// Make a pending lazy copy: one level (child maps lazy) or, when
    /// `eager`, all of it.
    fn materialize(&self, eager: bool) {
        let Some((source, epoch)) = self.0.pending.borrow_mut().take() else {
            return;
        };
        let data: MapData = if eager {
            source
                .borrow_eager()
                .iter()
                .map(|(k, v)| (k.clone(), v.copy_with(None)))
                .collect()
        } else {
            source
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.copy_with(Some(epoch))))
                .collect()
        };
        *self.0.data.borrow_mut() = data;
    }
}

/// Complete every unfinished lazy copy (before a map they may read changes).
fn finish_all_copies() {
    let pending = COPIES.with(|c| {
        let mut c = c.borrow_mut();
        c.max_epoch = 0;
        std::mem::take(&mut c.pending)
    });
    for weak in pending {
        if let Some(cell) = weak.upgrade() {
            MapRef(cell).materialize(true);
        }
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
    /// How the object prints with `%v` (`print`, `printf`, `toString`).
    fn display(&self) -> String;
    /// How the object prints as a template action's result (`{{ . }}`):
    /// text/template calls a `String` method with a pointer receiver on an
    /// addressable value, which `fmt` on a copy does not.
    fn template_display(&self) -> String {
        self.display()
    }
    /// The text Sprig's `strval` gives the object when that is not its
    /// `%v` form (`[]byte` converts to its string).
    fn string_conversion(&self) -> Option<String> {
        None
    }
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
    /// The integer of an object whose Go kind is an integer (`time.Month`,
    /// `time.Weekday`, `time.Duration`): `%d` prints it, `eq` and `lt`
    /// compare it; `%v` still prints [`GoObject::display`] (its `String`).
    fn go_int(&self) -> Option<i64> {
        None
    }
    /// The object for downcasting, when its module needs its own type back.
    fn as_any(&self) -> Option<&dyn std::any::Any> {
        None
    }
    /// Go's reflect kind of the object, as `kindOf` prints it: `ptr`,
    /// `struct`, `map` or `slice`.
    fn kind(&self) -> &str {
        "ptr"
    }
    /// The elements, when the object is a Go slice: list functions, `len`,
    /// `index` and `range` read them as they read a list.
    fn slice_items(&self) -> Option<&Rc<Vec<Value>>> {
        None
    }
    /// The number of entries, when the object is a Go map (`len`).
    fn map_len(&self) -> Option<usize> {
        None
    }
    /// `index obj key` when the object is a Go map: the entry, or the map's
    /// zero value for a missing key.
    fn map_index(&self, _key: &str) -> Option<Value> {
        None
    }
    /// Struct fields in declaration order under their Go names, as `%v`
    /// and `%+v` print them.
    fn go_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        None
    }
    /// Struct fields in declaration order under their JSON names: `toJson`
    /// keeps that order where a map's keys would be sorted.
    fn json_fields(&self) -> Option<Vec<(&'static str, Value)>> {
        None
    }
    /// What `toJson`/`toYaml` marshal in place of the object, when that is
    /// not a struct or map (`[]byte` marshals as a base64 string).
    fn json_value(&self) -> Option<Value> {
        None
    }
}

/// The shape of a value.
#[derive(Clone)]
pub enum Repr {
    /// Go's untyped nil (a missing key, `nil`).
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int` (template literals, `len`, `atoi`, `int`) or `int64` (Sprig's
    /// math, `int64`, `--set` integers): Go tells them apart in `%T`,
    /// `typeOf`, `deepEqual`, in the parameters they may fill, and in
    /// Sprig's `duration`.
    Int(i64, IntKind),
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

/// Which Go integer type an integer value has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntKind {
    /// Go's `int`.
    Int,
    /// Go's `int64`.
    Int64,
}

/// A template value with the origins it depends on.
#[derive(Clone)]
pub struct Value {
    /// What the value is.
    pub repr: Repr,
    /// Values origins this value came from or was computed from.
    pub deps: Deps,
    /// Where in the values tree the value stands, when `deps` cannot say
    /// it (see [`Place`]); `None` means "at its deps".
    pub at: Option<Rc<[Place]>>,
}

/// A values key a value stands at: an origin and the keys below it that
/// were looked up and not found. A key a template reads below the value is
/// that key below this place. `deps` say what a value depends on, which is
/// more than where it stands: `(index .Values.global "image") | default dict`
/// is a new map that depends on `global` but stands at `global.image`, so
/// `.pullSecrets` on it reads `global.image.pullSecrets`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The values node the path starts at.
    pub base: OriginId,
    /// Keys below it, none of them present.
    pub keys: Rc<[MapKey]>,
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
            Repr::Int(i, _) => write!(f, "{i}"),
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
            at: None,
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

    /// An `int`.
    pub fn int(i: i64) -> Self {
        Value::new(Repr::Int(i, IntKind::Int))
    }

    /// An `int64`.
    pub fn int64(i: i64) -> Self {
        Value::new(Repr::Int(i, IntKind::Int64))
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

    /// Go's typed nil slice (`[]interface {}(nil)`), what Sprig's `rest`,
    /// `initial` and `concat` return when there is nothing to return. It is
    /// an empty list everywhere (`[]` when printed, `len` 0, empty) except
    /// where Go tells nil from empty: encoding/json writes `null`, `%#v`
    /// shows `(nil)`, `eq` with `nil` is true and `deepEqual` with `list`
    /// false. It is the one shared empty list of this thread, so a list
    /// built by any other means is never taken for it.
    pub fn nil_list() -> Self {
        Value::new(Repr::List(NIL_LIST.with(Rc::clone)))
    }

    /// True for a typed nil slice (see [`Value::nil_list`]).
    pub fn is_nil_list(&self) -> bool {
        match &self.repr {
            Repr::List(l) => l.is_empty() && NIL_LIST.with(|n| Rc::ptr_eq(n, l)),
            _ => false,
        }
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

    /// The same value with `deps` added. A map (or nil) that comes to
    /// depend on more keys still stands where it stood: its place is fixed
    /// before the deps grow, so a key read below it is not taken for a key
    /// below the ones that decided it (a `ternary` condition, an `if`).
    pub fn add_deps(mut self, deps: &Deps) -> Self {
        if deps.is_empty() {
            return self;
        }
        if self.at.is_none() && matches!(self.repr, Repr::Map(_) | Repr::Nil) {
            self.at = Some(self.places());
        }
        self.deps = self.deps.union(deps);
        self
    }

    /// Where the value stands in the values tree: its [`Place`]s, or one
    /// place per origin it depends on when nothing fixed them.
    pub fn places(&self) -> Rc<[Place]> {
        match &self.at {
            Some(at) => Rc::clone(at),
            None => self
                .deps
                .iter()
                .map(|base| Place {
                    base,
                    keys: Rc::from([]),
                })
                .collect(),
        }
    }

    /// The places of `key` below this value (empty when it stands nowhere).
    pub fn child_places(&self, key: &str) -> Rc<[Place]> {
        self.places()
            .iter()
            .map(|p| Place {
                base: p.base,
                keys: p.keys.iter().cloned().chain([MapKey::from(key)]).collect(),
            })
            .collect()
    }

    /// The same value standing at `places`.
    pub fn standing_at(mut self, places: Rc<[Place]>) -> Self {
        self.at = Some(places);
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
            Repr::Object(o) => o.slice_items(),
            _ => None,
        }
    }

    /// Go's truth: false, 0, nil, and empty strings, lists and maps are false.
    pub fn truthy(&self) -> bool {
        match &self.repr {
            Repr::Nil => false,
            Repr::Bool(b) => *b,
            Repr::Int(i, _) => *i != 0,
            Repr::Float(x) => *x != 0.0,
            Repr::Str(s) => !s.is_empty(),
            Repr::List(l) => !l.is_empty(),
            Repr::Map(m) => !m.is_empty(),
            Repr::Object(o) => o.go_int().map_or_else(|| o.truthy(), |i| i != 0),
        }
    }

    /// Go's type name as `printf "%T"` and `typeOf` show it.
    pub fn type_name(&self) -> &str {
        match &self.repr {
            Repr::Nil => "<nil>",
            Repr::Bool(_) => "bool",
            Repr::Int(_, IntKind::Int) => "int",
            Repr::Int(_, IntKind::Int64) => "int64",
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
            Repr::Int(_, IntKind::Int) => "int",
            Repr::Int(_, IntKind::Int64) => "int64",
            Repr::Float(_) => "float64",
            Repr::Str(_) => "string",
            Repr::List(_) => "slice",
            Repr::Map(_) => "map",
            Repr::Object(o) => o.kind(),
        }
    }

    /// A deep copy: maps are copied, so mutating the copy leaves the original alone.
    pub fn deep_copy(&self) -> Value {
        if !self.holds_map() {
            return self.clone();
        }
        self.copy_with(Some(next_epoch()))
    }

    /// True when the value is a map or a list holding a map somewhere.
    fn holds_map(&self) -> bool {
        match &self.repr {
            Repr::Map(_) => true,
            Repr::List(l) => l.iter().any(Value::holds_map),
            _ => false,
        }
    }

    /// A deep copy whose maps are lazy copies of snapshot `epoch`, or eager
    /// copies when `epoch` is `None`. Lists without maps are shared (they
    /// are immutable).
    fn copy_with(&self, epoch: Option<u64>) -> Value {
        let repr = match &self.repr {
            Repr::Map(m) => Repr::Map(match epoch {
                Some(e) => m.lazy_copy(e),
                None => m.eager_copy(),
            }),
            Repr::List(l) if l.iter().any(Value::holds_map) => {
                Repr::List(Rc::new(l.iter().map(|v| v.copy_with(epoch)).collect()))
            }
            other => other.clone(),
        };
        Value {
            repr,
            deps: self.deps.clone(),
            at: self.at.clone(),
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

/// Helm's `mergeMaps`: `b` over `a`, maps merged recursively, into a new top map.
pub fn merge_maps(a: &MapRef, b: &MapRef) -> MapRef {
    let out = MapRef::from_data(a.borrow().clone());
    let entries: Vec<(MapKey, Value)> = b
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in entries {
        if let (Some(vm), Some(existing)) = (v.as_map(), out.get(&k)) {
            if let Some(em) = existing.as_map() {
                let merged = merge_maps(em, vm);
                out.insert(k, Value::map(merged).with_deps(v.deps.clone()));
                continue;
            }
        }
        out.insert(k, v);
    }
    out
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

    fn m(entries: &[(&str, Value)]) -> MapRef {
        MapRef::from_data(map_data(entries.iter().cloned()))
    }

    fn num(v: &MapRef, path: &[&str]) -> Option<i64> {
        let mut cur = Value::map(v.clone());
        for p in path {
            cur = cur.as_map()?.get(p)?;
        }
        match cur.repr {
            Repr::Int(i, _) => Some(i),
            _ => None,
        }
    }

    #[test]
    fn lazy_copies_are_snapshots() {
        // source { a: { b: 1 } }; copy; change the source deep down; the copy keeps 1.
        let inner = m(&[("b", Value::int(1))]);
        let src = m(&[("a", Value::map(inner.clone()))]);
        let copy = src.deep_copy();
        inner.insert("b", Value::int(2));
        assert_eq!(num(&copy, &["a", "b"]), Some(1));
        assert_eq!(num(&src, &["a", "b"]), Some(2));

        // A copy of a copy, then a change to the first copy's inner map.
        let first = src.deep_copy();
        let second = Value::map(first.clone()).deep_copy();
        let second = second.as_map().cloned().unwrap_or_default();
        let first_inner = first.get("a").and_then(|v| v.as_map().cloned());
        if let Some(fi) = &first_inner {
            fi.insert("b", Value::int(3));
        }
        assert_eq!(num(&first, &["a", "b"]), Some(3));
        assert_eq!(num(&second, &["a", "b"]), Some(2));
        assert_eq!(num(&src, &["a", "b"]), Some(2));

        // Changing the copy leaves the source alone; maps inside lists are copied too.
        let listed = m(&[("l", Value::list(vec![Value::map(inner.clone())]))]);
        let lcopy = listed.deep_copy();
        if let Some(Repr::List(items)) = lcopy.get("l").map(|v| v.repr) {
            if let Some(first) = items.first().and_then(Value::as_map) {
                first.insert("b", Value::int(9));
            }
        }
        assert_eq!(num(&inner, &["b"]), Some(2));
        let c2 = src.deep_copy();
        if let Some(a) = c2.get("a").and_then(|v| v.as_map().cloned()) {
            a.insert("b", Value::int(7));
        }
        assert_eq!(num(&src, &["a", "b"]), Some(2));
        assert_eq!(num(&c2, &["a", "b"]), Some(7));
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
