//! Table and fixture tests for YAML loading and `toYaml`, with expected
//! outputs confirmed by Helm v4.2.3 (the helm-render oracle).

use std::rc::Rc;

use super::*;
use crate::origin::{Deps, OriginId};
use crate::traced::{FileId, Source, TStr, TextBuilder, TplLoc};
use crate::value::{MapData, Repr};

fn load(text: &str) -> (Result<Value, YamlError>, OriginTable) {
    let mut t = OriginTable::new();
    let r = load_values(text, Rc::from("values.yaml"), Layer::UserFile, &mut t);
    (r, t)
}

fn loc() -> TplLoc {
    TplLoc {
        file: FileId(0),
        offset: 7,
    }
}

/// Fixture pairs: `X.yaml` loaded as values, then `toYaml .Values` must print
/// `X.expected` (Helm's output, final newline trimmed). Null-valued keys were
/// left out of the inputs: Helm's values coalescing (not YAML) drops them.
#[test]
fn fixtures_round_trip_like_helm() {
    let fixtures: &[(&str, &str, &str)] = &[
        (
            "v1",
            include_str!("testdata/v1.yaml"),
            include_str!("testdata/v1.expected"),
        ),
        (
            "m1",
            include_str!("testdata/m1.yaml"),
            include_str!("testdata/m1.expected"),
        ),
        (
            "t1",
            include_str!("testdata/t1.yaml"),
            include_str!("testdata/t1.expected"),
        ),
        (
            "t2",
            include_str!("testdata/t2.yaml"),
            include_str!("testdata/t2.expected"),
        ),
        (
            "t3",
            include_str!("testdata/t3.yaml"),
            include_str!("testdata/t3.expected"),
        ),
    ];
    for (name, input, expected) in fixtures {
        let (v, _) = load(input);
        let v = v.unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = to_yaml(&v, Some(loc()));
        let want = expected.strip_suffix('\n').unwrap_or(expected);
        assert_eq!(got.as_str(), want, "fixture {name}");
    }
}

#[test]
fn errors_read_like_helm() {
    // Oracle: Helm's message for a `-f` file (for a chart's values.yaml Helm
    // prefixes "cannot load values.yaml: cannot unmarshal yaml document: " and
    // names the type `map[string]interface {}`).
    let cases: &[(&str, &str)] = &[
        ("a: .inf\n", "error converting YAML to JSON: json: unsupported value: +Inf"),
        ("a: -.inf\nb: .NaN\n", "error converting YAML to JSON: json: unsupported value: -Inf"),
        ("a:\n  b: 1\n c: 2\n", "error converting YAML to JSON: yaml: line 2: did not find expected key"),
        ("a: \"abc\nb: 2\n", "error converting YAML to JSON: yaml: line 3: found unexpected end of stream"),
        ("x: 1\nb: c: d\n", "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"),
        ("a: [1, 2\n", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"),
        ("a: *x\n", "error converting YAML to JSON: yaml: unknown anchor 'x' referenced"),
        ("a: 1\n\tb: 2\n", "error converting YAML to JSON: yaml: line 2: found a tab character that violates indentation"),
        ("- a\n- b\n", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type common.Values"),
        ("hello\n", "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type common.Values"),
        ("~: 1\n", "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: 1"),
        ("a: b\n  c: d\n", "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context"),
        ("a: [b, c\nd: e\n", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"),
        ("a: {b: c\n", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or '}'"),
        // A pair inside a sequence is no flow mapping to libyaml (oracle).
        ("a: [1,\n  b: 2\n", "error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'"),
        ("a: [{x: 1}, \"]\", b: 2\n", "error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'"),
        ("a: 'x\n", "error converting YAML to JSON: yaml: line 2: found unexpected end of stream"),
        ("a: \"x\\qy\"\n", "error converting YAML to JSON: yaml: found unknown escape character"),
        ("a: |\n b\n  c\nd\n", "error converting YAML to JSON: yaml: line 5: could not find expected ':'"),
        ("a: b\n- c\n", "error converting YAML to JSON: yaml: line 1: did not find expected key"),
        ("a: &x 1\nb: *y\n", "error converting YAML to JSON: yaml: unknown anchor 'y' referenced"),
        ("a:\n  b: c\n d: e\n", "error converting YAML to JSON: yaml: line 2: did not find expected key"),
        ("\"a\n", "error converting YAML to JSON: yaml: line 2: found unexpected end of stream"),
        ("a: b: c", "error converting YAML to JSON: yaml: mapping values are not allowed in this context"),
        ("[a, b]: c\n", "error converting YAML to JSON: yaml: invalid map key: []interface {}{\"a\", \"b\"}"),
        ("a: @x\n", "error converting YAML to JSON: yaml: found character that cannot start any token"),
        ("a: `x\n", "error converting YAML to JSON: yaml: found character that cannot start any token"),
        ("a:\n\t- b\n", "error converting YAML to JSON: yaml: line 2: found character that cannot start any token"),
        ("a: !!int x\n", "error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!int"),
        ("<<: 1\n", "error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value"),
    ];
    let mut bad = Vec::new();
    for (input, want) in cases {
        let (r, _) = load(input);
        match r {
            Ok(v) => bad.push(format!("{input:?}: expected error, got {v:?}")),
            Err(e) if e.message != *want => bad.push(format!("{input:?}: got {:?}", e.message)),
            Err(_) => {}
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn documents_and_duplicates() {
    // Oracle: empty, comment-only and "---\n---" documents give {}; only the
    // first document counts; a duplicate key keeps the last value.
    for input in ["", "# only comment\n", "---\n---\na: 1\n"] {
        let (v, _) = load(input);
        let v = v.unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(to_yaml(&v, None).as_str(), "{}", "{input:?}");
    }
    let cases = [
        ("a: 1\n---\nb: 2\n", "a: 1"),
        ("a: 1\nb: 2\na: 3\n", "a: 3\nb: 2"),
        ("{a: 1, a: 2}\n", "a: 2"),
        ("a: !!binary aGVsbG8=\n", "a: hello"),
    ];
    for (input, want) in cases {
        let (v, _) = load(input);
        let v = v.unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(to_yaml(&v, None).as_str(), want, "{input:?}");
    }
}

#[test]
fn numbers_are_floats_and_bool_keys_are_strings() {
    let (v, _) = load("num: 5\ny: on\n0x10: hex\n1.5: f\n");
    let v = v.unwrap_or_else(|e| panic!("{e}"));
    let m = v.as_map().cloned().unwrap_or_default();
    assert!(matches!(m.get("num").map(|v| v.repr), Some(Repr::Float(x)) if x == 5.0));
    assert!(matches!(
        m.get("true").map(|v| v.repr),
        Some(Repr::Bool(true))
    ));
    assert!(m.get("16").is_some());
    assert!(m.get("1.5").is_some());
}

#[test]
fn origins_point_at_keys() {
    let text = "top:\n  nested:\n    leaf: value\n  list:\n  - a\n  - b: c\n";
    let (v, table) = load(text);
    let v = v.unwrap_or_else(|e| panic!("{e}"));
    let pos = |v: &Value| {
        let id = v.deps.iter().next().unwrap_or(OriginId(u32::MAX));
        let p = table
            .get(id)
            .pos
            .clone()
            .unwrap_or_else(|| panic!("no pos"));
        (p.line, p.column)
    };
    let top = v.as_map().and_then(|m| m.get("top")).unwrap_or_default();
    assert_eq!(pos(&top), (1, 1));
    let nested = top
        .as_map()
        .and_then(|m| m.get("nested"))
        .unwrap_or_default();
    assert_eq!(pos(&nested), (2, 3));
    let leaf = nested
        .as_map()
        .and_then(|m| m.get("leaf"))
        .unwrap_or_default();
    assert_eq!(pos(&leaf), (3, 5));
    // The string's bytes carry the same origin.
    let s = leaf.as_tstr().cloned().unwrap_or_default();
    assert_eq!(s.runs().len(), 1);
    assert_eq!(s.runs()[0].source.deps, leaf.deps);
    let list = top.as_map().and_then(|m| m.get("list")).unwrap_or_default();
    assert_eq!(pos(&list), (4, 3));
    let items = list.as_list().cloned().unwrap_or_default();
    assert_eq!(pos(&items[0]), (5, 5));
    let b = items[1]
        .as_map()
        .and_then(|m| m.get("b"))
        .unwrap_or_default();
    assert_eq!(pos(&b), (6, 5));
    assert_eq!(table.get(OriginId(0)).layer, Layer::UserFile);
}

#[test]
fn to_yaml_of_template_values() {
    // Oracle: {{ toYaml "abc" }}|{{ toYaml nil }}|{{ toYaml (list) }}|{{ toYaml (dict) }}|{{ toYaml 5 }}|{{ toYaml 1.5 }}
    let cases = [
        (Value::str("abc"), "abc"),
        (Value::nil(), "null"),
        (Value::list(vec![]), "[]"),
        (Value::map_from(MapData::new()), "{}"),
        (Value::int(5), "5"),
        (Value::float(1.5), "1.5"),
    ];
    for (v, want) in cases {
        assert_eq!(to_yaml(&v, None).as_str(), want);
    }
    assert_eq!(to_yaml(&Value::float(f64::NAN), None).as_str(), "");
    // Oracle: mustToYaml (dict "a" (float64 "NaN")) fails with this message.
    let mut m = MapData::new();
    m.insert("a".into(), Value::float(f64::NAN));
    assert_eq!(
        try_to_yaml(&Value::map_from(m), None).err().as_deref(),
        Some("error marshaling into JSON: json: unsupported value: NaN")
    );
}

#[test]
fn to_yaml_pretty_indents_sequences() {
    // Oracle: toYamlPretty (dict "a" (list 1 2) "b" (dict "c" "x"))
    let mut b = MapData::new();
    b.insert("c".into(), Value::str("x"));
    let mut m = MapData::new();
    m.insert("a".into(), Value::list(vec![Value::int(1), Value::int(2)]));
    m.insert("b".into(), Value::map_from(b));
    let got = to_yaml_pretty(&Value::map_from(m), None);
    assert_eq!(got.as_str(), "a:\n  - 1\n  - 2\nb:\n  c: x");
    // Oracle: no folding, tabs allowed in block scalars, floats printed with %g.
    let long =
        "long string long string long string long string long string long string long string";
    let l = Value::list(vec![
        Value::str(long),
        Value::str("a\tb\nc"),
        Value::float(1000000.0),
        Value::str("yes"),
    ]);
    assert_eq!(
        to_yaml_pretty(&l, None).as_str(),
        format!("- {long}\n- |-\n  a\tb\n  c\n- 1e+06\n- \"yes\"")
    );
}

#[test]
fn emitted_scalars_carry_their_deps() {
    let mut m = MapData::new();
    m.insert("k".into(), Value::str("hello").with_origin(OriginId(3)));
    m.insert("m".into(), Value::float(2.0).with_origin(OriginId(4)));
    let out = to_yaml(&Value::map_from(m), Some(loc()));
    assert_eq!(out.as_str(), "k: hello\nm: 2");
    let at = |i: usize| {
        out.runs()
            .iter()
            .find(|r| (r.start as usize) <= i && i < r.end as usize)
            .map(|r| r.source.deps.clone())
            .unwrap_or_default()
    };
    assert_eq!(at(3), Deps::one(OriginId(3))); // "hello"
    assert_eq!(at(0), Deps::one(OriginId(3))); // key "k" names the entry
    assert_eq!(at(12), Deps::one(OriginId(4))); // "2"
    assert_eq!(at(1), Deps::none()); // ":" belongs to the call site
}

#[test]
fn emitted_strings_keep_their_trace() {
    let src = |n: u32| {
        Rc::new(Source {
            loc: None,
            deps: Deps::one(OriginId(n)),
        })
    };
    let mut b = TextBuilder::new();
    b.push_str("ab", &src(1));
    b.push_str("\ncd", &src(2));
    let s = b.finish();
    let mut m = MapData::new();
    m.insert("x".into(), Value::tstr(s).with_origin(OriginId(9)));
    let out = to_yaml(&Value::map_from(m), Some(loc()));
    assert_eq!(out.as_str(), "x: |-\n  ab\n  cd");
    let deps_of = |needle: &str| {
        let i = out.as_str().find(needle).unwrap_or(0);
        out.runs()
            .iter()
            .find(|r| (r.start as usize) <= i && i < r.end as usize)
            .map(|r| r.source.deps.clone())
            .unwrap_or_default()
    };
    assert_eq!(deps_of("ab"), Deps::one(OriginId(1)));
    assert_eq!(deps_of("cd"), Deps::one(OriginId(2)));
}

#[test]
fn from_yaml_round_trip_keeps_trace() {
    let mut m = MapData::new();
    m.insert("a".into(), Value::str("one").with_origin(OriginId(1)));
    m.insert(
        "b".into(),
        Value::str("multi\nline").with_origin(OriginId(2)),
    );
    m.insert(
        "c".into(),
        Value::list(vec![Value::str("x y").with_origin(OriginId(3))]).with_origin(OriginId(4)),
    );
    let text = to_yaml(&Value::map_from(m), Some(loc()));
    let back = parse_yaml_value(&text).unwrap_or_else(|e| panic!("{e}"));
    let bm = back.as_map().cloned().unwrap_or_default();
    let a = bm.get("a").unwrap_or_default();
    assert_eq!(a.as_str(), Some("one"));
    assert!(a.deps.contains(OriginId(1)));
    let at = a.as_tstr().cloned().unwrap_or_default();
    assert_eq!(at.all_deps(), Deps::one(OriginId(1)));
    let b = bm.get("b").unwrap_or_default();
    assert_eq!(b.as_str(), Some("multi\nline"));
    assert_eq!(
        b.as_tstr().map(TStr::all_deps),
        Some(Deps::one(OriginId(2)))
    );
    let c = bm.get("c").unwrap_or_default();
    assert!(c.deps.contains(OriginId(4)));
    let x = c
        .as_list()
        .and_then(|l| l.first().cloned())
        .unwrap_or_default();
    assert_eq!(
        x.as_tstr().map(TStr::all_deps),
        Some(Deps::one(OriginId(3)))
    );
}

#[test]
fn from_yaml_errors() {
    // Oracle: {{ fromYaml "a: [1" | toJson }}
    let e = parse_yaml_value(&TStr::plain("a: [1"))
        .err()
        .map(|e| e.message);
    assert_eq!(
        e.as_deref(),
        Some("error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'")
    );
}

#[test]
fn key_order_is_yaml_v2_natural_order() {
    let keys = [
        "a10", "a9", "b", "A", "_", "1", "10", "2", "a01", "a1", "a0", "a00", "z", "é", "a 1",
    ];
    let mut m = MapData::new();
    for k in keys {
        m.insert(k.into(), Value::int(1));
    }
    let out = to_yaml(&Value::map_from(m), None);
    let order: Vec<&str> = out
        .as_str()
        .lines()
        .map(|l| l.rsplit_once(": ").map_or(l, |x| x.0))
        .collect();
    // Oracle order.
    assert_eq!(
        order,
        [
            "_", "\"1\"", "\"2\"", "\"10\"", "A", "a 1", "a0", "a00", "a1", "a01", "a9", "a10",
            "b", "z", "é"
        ]
    );
}

#[test]
fn from_yaml_traces_folded_and_block_scalars() {
    let src = |n: u32| {
        Rc::new(Source {
            loc: None,
            deps: Deps::one(OriginId(n)),
        })
    };
    let mut b = TextBuilder::new();
    b.push_str("a: first\n  second\nb: |\n  ", &src(1));
    b.push_str("line1", &src(2));
    b.push_str("\n  ", &src(1));
    b.push_str("line2", &src(3));
    b.push_str("\n", &src(1));
    let v = parse_yaml_value(&b.finish()).unwrap_or_else(|e| panic!("{e}"));
    let m = v.as_map().cloned().unwrap_or_default();
    let a = m.get("a").unwrap_or_default();
    assert_eq!(a.as_str(), Some("first second"));
    let bs = m
        .get("b")
        .and_then(|v| v.as_tstr().cloned())
        .unwrap_or_default();
    assert_eq!(bs.as_str(), "line1\nline2\n");
    let deps_at = |t: &TStr, i: usize| {
        t.runs()
            .iter()
            .find(|r| (r.start as usize) <= i && i < r.end as usize)
            .map(|r| r.source.deps.clone())
            .unwrap_or_default()
    };
    assert_eq!(deps_at(&bs, 0), Deps::one(OriginId(2)));
    assert_eq!(deps_at(&bs, 6), Deps::one(OriginId(3)));
    let at = a.as_tstr().cloned().unwrap_or_default();
    assert_eq!(deps_at(&at, 7), Deps::one(OriginId(1)));
}

#[test]
fn chart_values_name_the_map_type() {
    let mut t = OriginTable::new();
    let e = load_values(
        "- a\n",
        Rc::from("values.yaml"),
        Layer::ChartDefault("c".into()),
        &mut t,
    )
    .err()
    .map(|e| e.message);
    assert_eq!(
        e.as_deref(),
        Some("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}")
    );
}
