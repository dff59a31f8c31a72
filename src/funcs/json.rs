//! JSON functions: Sprig's `toJson`/`toRawJson`/`toPrettyJson` (and their
//! `must` forms) and Helm's `fromJson`, `fromJsonArray`, `mustFromJson`.
//!
//! Encoded text keeps provenance per scalar (see [`crate::json::encode`]);
//! decoded scalars keep the trace of the text they were parsed from.

use std::rc::Rc;

use crate::funcs::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::json::{decode_array, decode_object, encode, EncodeOpts};
use crate::traced::{Source, TStr};
use crate::value::Value;

/// The JSON functions.
pub static FUNCS: &[FuncDef] = &[
    def("toJson", &[Ty::Any], None, to_json),
    def("mustToJson", &[Ty::Any], None, must_to_json),
    def("toRawJson", &[Ty::Any], None, to_raw_json),
    def("mustToRawJson", &[Ty::Any], None, to_raw_json),
    def("toPrettyJson", &[Ty::Any], None, to_pretty_json),
    def("mustToPrettyJson", &[Ty::Any], None, must_to_pretty_json),
    def("fromJson", &[Ty::Str], None, from_json),
    def("fromJsonArray", &[Ty::Str], None, from_json_array),
    def("mustFromJson", &[Ty::Str], None, must_from_json),
];

const COMPACT: EncodeOpts = EncodeOpts {
    escape_html: true,
    pretty: false,
};
const RAW: EncodeOpts = EncodeOpts {
    escape_html: false,
    pretty: false,
};
const PRETTY: EncodeOpts = EncodeOpts {
    escape_html: true,
    pretty: true,
};

fn run(ctx: &FuncCtx, args: &[Value], opts: EncodeOpts) -> Result<Value, FuncError> {
    let v = args.first().cloned().unwrap_or_default();
    encode(&v, opts, ctx.loc, &ctx.site)
        .map(Value::tstr)
        .map_err(|e| FuncError(e.0))
}

/// `toJson`: `json.Marshal`, "" on error.
fn to_json(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(run(ctx, &args, COMPACT).unwrap_or_else(|_| Value::str("")))
}

fn must_to_json(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    run(ctx, &args, COMPACT)
}

/// `toRawJson`/`mustToRawJson`: no HTML escaping; both fail on error.
fn to_raw_json(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    run(ctx, &args, RAW)
}

fn to_pretty_json(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    Ok(run(ctx, &args, PRETTY).unwrap_or_else(|_| Value::str("")))
}

fn must_to_pretty_json(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    run(ctx, &args, PRETTY)
}

/// The input text; a string with no per-byte trace is attributed to its value's deps.
/// What a decoded document depends on: all of its text.
fn input_deps(args: &[Value]) -> crate::origin::Deps {
    args.first()
        .map(|v| {
            v.as_tstr()
                .map(TStr::all_deps)
                .unwrap_or_default()
                .union(&v.deps)
        })
        .unwrap_or_default()
}

fn input(ctx: &FuncCtx, args: &[Value]) -> TStr {
    let Some(v) = args.first() else {
        return TStr::default();
    };
    let t = v.as_tstr().cloned().unwrap_or_default();
    if t.is_untraced() && !v.deps.is_empty() {
        let src = Rc::new(Source {
            loc: Some(ctx.loc),
            deps: v.deps.clone(),
        });
        return t.fill_untraced(&src);
    }
    t
}

/// Helm's `fromJson`: on error, a map with the message under "Error".
fn from_json(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let (m, err) = decode_object(&input(ctx, &args));
    if let Some(e) = err {
        m.insert("Error", Value::str(e.0));
    }
    Ok(Value::map(m).with_deps(input_deps(&args)))
}

/// Helm's `fromJsonArray`: on error, a list holding the message.
fn from_json_array(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let (items, err) = decode_array(&input(ctx, &args));
    match err {
        Some(e) => Ok(Value::list(vec![Value::str(e.0)])),
        None => Ok(items.with_deps(input_deps(&args))),
    }
}

fn must_from_json(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let (m, err) = decode_object(&input(ctx, &args));
    match err {
        Some(e) => Err(FuncError(e.0)),
        None => Ok(Value::map(m).with_deps(input_deps(&args))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gofmt::sprint_value;
    use crate::origin::{Deps, OriginId};
    use crate::traced::{FileId, TplLoc};
    use crate::value::MapRef;

    fn ctx() -> FuncCtx {
        FuncCtx::new(TplLoc {
            file: FileId(1),
            offset: 5,
        })
    }

    fn sample() -> Value {
        // a: "<b>&amp;</b>", big: 1000000, f: 1.5, tiny2: 1e-7, huge: 1e21,
        // l: [1, "x", null, {z: 1}], m: {b: 2, a: 1, a10: 3, a9: 4}
        let root = MapRef::new();
        root.insert("a", Value::str("<b>&amp;</b>"));
        root.insert("big", Value::float(1000000.0));
        root.insert("f", Value::float(1.5));
        root.insert("tiny2", Value::float(0.0000001));
        root.insert("huge", Value::float(1e21));
        let z = MapRef::new();
        z.insert("z", Value::float(1.0));
        root.insert(
            "l",
            Value::list(vec![
                Value::float(1.0),
                Value::str("x"),
                Value::nil(),
                Value::map(z),
            ]),
        );
        let m = MapRef::new();
        for (k, x) in [("b", 2.0), ("a", 1.0), ("a10", 3.0), ("a9", 4.0)] {
            m.insert(k, Value::float(x));
        }
        root.insert("m", Value::map(m));
        root.insert("e", Value::list(vec![]));
        root.insert("em", Value::map(MapRef::new()));
        Value::map(root)
    }

    fn text(r: FuncResult) -> String {
        r.map(|v| sprint_value(&v)).unwrap_or_else(|e| e.0)
    }

    #[test]
    fn to_json_variants_match_helm() {
        // Expected strings confirmed with helm-render.
        assert_eq!(
            text(to_json(&ctx(), vec![sample()])),
            r#"{"a":"\u003cb\u003e\u0026amp;\u003c/b\u003e","big":1000000,"e":[],"em":{},"f":1.5,"huge":1e+21,"l":[1,"x",null,{"z":1}],"m":{"a":1,"a10":3,"a9":4,"b":2},"tiny2":1e-7}"#
        );
        assert_eq!(
            text(to_raw_json(&ctx(), vec![sample()])),
            r#"{"a":"<b>&amp;</b>","big":1000000,"e":[],"em":{},"f":1.5,"huge":1e+21,"l":[1,"x",null,{"z":1}],"m":{"a":1,"a10":3,"a9":4,"b":2},"tiny2":1e-7}"#
        );
        let want = "{\n  \"a\": \"\\u003cb\\u003e\\u0026amp;\\u003c/b\\u003e\",\n  \"big\": 1000000,\n  \"e\": [],\n  \"em\": {},\n  \"f\": 1.5,\n  \"huge\": 1e+21,\n  \"l\": [\n    1,\n    \"x\",\n    null,\n    {\n      \"z\": 1\n    }\n  ],\n  \"m\": {\n    \"a\": 1,\n    \"a10\": 3,\n    \"a9\": 4,\n    \"b\": 2\n  },\n  \"tiny2\": 1e-7\n}";
        assert_eq!(text(to_pretty_json(&ctx(), vec![sample()])), want);
        let nan = Value::float(f64::NAN);
        assert_eq!(text(to_json(&ctx(), vec![nan.clone()])), "");
        assert_eq!(text(to_pretty_json(&ctx(), vec![nan.clone()])), "");
        assert_eq!(
            text(must_to_json(&ctx(), vec![nan.clone()])),
            "json: unsupported value: NaN"
        );
        assert_eq!(
            text(to_raw_json(&ctx(), vec![nan])),
            "json: unsupported value: NaN"
        );
        assert_eq!(text(to_json(&ctx(), vec![Value::nil()])), "null");
        assert_eq!(
            text(to_json(
                &ctx(),
                vec![Value::list(vec![
                    Value::int(1),
                    Value::float(1.5),
                    Value::bool(true)
                ])]
            )),
            "[1,1.5,true]"
        );
    }

    #[test]
    fn to_json_keeps_per_scalar_deps() {
        let m = MapRef::new();
        m.insert("a", Value::str("x").with_origin(OriginId(1)));
        m.insert("b", Value::float(2.0).with_origin(OriginId(2)));
        let out = to_json(&ctx(), vec![Value::map(m)]);
        let Ok(out) = out else {
            panic!("toJson failed")
        };
        let t = out.as_tstr().cloned().unwrap_or_default();
        assert_eq!(t.as_str(), r#"{"a":"x","b":2}"#);
        let dep_at = |i: usize| {
            t.runs()
                .iter()
                .find(|r| (r.start as usize) <= i && i < r.end as usize)
                .map(|r| r.source.deps.clone())
        };
        // `"x"` is bytes 5..8, `2` is byte 13; braces and keys have no deps.
        assert_eq!(dep_at(5), Some(Deps::one(OriginId(1))));
        assert_eq!(dep_at(7), Some(Deps::one(OriginId(1))));
        assert_eq!(dep_at(13), Some(Deps::one(OriginId(2))));
        assert_eq!(dep_at(0), Some(Deps::none()));
        assert_eq!(dep_at(1), Some(Deps::none()));
    }

    #[test]
    fn from_json_reports_errors_in_the_value() {
        // Oracle: fromJson/fromJsonArray/mustFromJson.
        assert_eq!(
            text(from_json(&ctx(), vec![Value::str("{a:1}")])),
            "map[Error:invalid character 'a' looking for beginning of object key string]"
        );
        assert_eq!(
            text(from_json_array(&ctx(), vec![Value::str("[1 2]")])),
            "[invalid character '2' after array element]"
        );
        assert_eq!(
            text(must_from_json(&ctx(), vec![Value::str("{x")])),
            "invalid character 'x' looking for beginning of object key string"
        );
        assert_eq!(
            text(must_from_json(&ctx(), vec![Value::str("{\"a\":[1]}")])),
            "map[a:[1]]"
        );
    }

    #[test]
    fn from_json_scalars_keep_input_deps() {
        let arg = Value::str("{\"k\": \"v\"}").with_origin(OriginId(9));
        let Ok(v) = from_json(&ctx(), vec![arg]) else {
            panic!("fromJson failed")
        };
        let got = v.as_map().and_then(|m| m.get("k"));
        assert_eq!(got.as_ref().and_then(Value::as_str), Some("v"));
        assert_eq!(got.map(|v| v.deps), Some(Deps::one(OriginId(9))));
    }

    #[test]
    fn from_json_then_to_json_round_trips_like_helm() {
        // Oracle: {{ X | fromJson | toJson }}, `toPrettyJson` and `%v` of the map.
        let input = r#"{"k<>":"v&","u":"\ud83d\ude00 \u00e9 \/ \b\f","lone":"\ud83d x","n":12345678901234567890,"neg":-0.0,"small":1.5e-10,"arr":[[],{},[{}]],"t":true,"nul":null}"#;
        let Ok(m) = from_json(&ctx(), vec![Value::str(input)]) else {
            panic!("fromJson failed")
        };
        assert_eq!(
            text(to_json(&ctx(), vec![m.clone()])),
            "{\"arr\":[[],{},[{}]],\"k\\u003c\\u003e\":\"v\\u0026\",\"lone\":\"\u{fffd} x\",\"n\":12345678901234567000,\"neg\":-0,\"nul\":null,\"small\":1.5e-10,\"t\":true,\"u\":\"😀 é / \\b\\f\"}"
        );
        assert_eq!(
            sprint_value(&m),
            "map[arr:[[] map[] [map[]]] k<>:v& lone:\u{fffd} x n:1.2345678901234567e+19 neg:-0 nul:<nil> small:1.5e-10 t:true u:😀 é / \u{8}\u{c}]"
        );
        assert_eq!(
            text(to_pretty_json(&ctx(), vec![m])),
            "{\n  \"arr\": [\n    [],\n    {},\n    [\n      {}\n    ]\n  ],\n  \"k\\u003c\\u003e\": \"v\\u0026\",\n  \"lone\": \"\u{fffd} x\",\n  \"n\": 12345678901234567000,\n  \"neg\": -0,\n  \"nul\": null,\n  \"small\": 1.5e-10,\n  \"t\": true,\n  \"u\": \"😀 é / \\b\\f\"\n}"
        );
        let Ok(e) = from_json(&ctx(), vec![Value::str("[1, 2,   3]")]) else {
            panic!("fromJson failed")
        };
        assert_eq!(
            text(to_json(&ctx(), vec![e])),
            r#"{"Error":"json: cannot unmarshal array into Go value of type map[string]interface {}"}"#
        );
    }
}
