//! Helm's YAML template functions: `toYaml`, `mustToYaml`, `toYamlPretty`,
//! `fromYaml`, `fromYamlArray`, built on [`crate::yaml`].

use crate::funcs::{def, FuncCtx, FuncDef, FuncError, FuncResult, Ty};
use crate::traced::TStr;
use crate::value::{MapData, Value};
use crate::yaml;

/// The YAML functions.
pub static TABLE: &[FuncDef] = &[
    def("toYaml", &[Ty::Any], None, to_yaml),
    def("mustToYaml", &[Ty::Any], None, must_to_yaml),
    def("toYamlPretty", &[Ty::Any], None, to_yaml_pretty),
    def("fromYaml", &[Ty::Str], None, from_yaml),
    def("fromYamlArray", &[Ty::Str], None, from_yaml_array),
];

fn arg(args: &[Value]) -> Value {
    args.first().cloned().unwrap_or_default()
}

/// The result string depends on the value and on everything printed in it.
/// Bytes that are not UTF-8 come out as U+FFFD: Helm's `toYaml` encodes
/// to JSON first, and Go's JSON encoder replaces them.
fn text_value(t: TStr, v: &Value) -> Value {
    let deps = t.all_deps().union(&v.deps);
    Value::tstr(t.without_raw()).with_deps(deps)
}

/// yaml.v2's refusal of text with bytes that are not UTF-8, as
/// `fromYaml` reports it.
fn not_utf8(text: &TStr) -> Option<String> {
    if text.raw().is_empty() {
        return None;
    }
    let reader = yaml::utf8_error(&text.bytes())?;
    Some(format!("error converting YAML to JSON: {reader}"))
}

fn to_yaml(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let v = arg(&args);
    let t = with_deletions(ctx, yaml::to_yaml(&v, Some(ctx.loc)), &v);
    Ok(text_value(t, &v))
}

fn must_to_yaml(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let v = arg(&args);
    yaml::try_to_yaml(&v, Some(ctx.loc))
        .map(|t| text_value(with_deletions(ctx, t, &v), &v))
        .map_err(FuncError::new)
}

fn to_yaml_pretty(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let v = arg(&args);
    let t = with_deletions(ctx, yaml::to_yaml_pretty(&v, Some(ctx.loc)), &v);
    Ok(text_value(t, &v))
}

/// The YAML of `v` with, at its end, an insertion point for the keys the
/// user's `null`s deleted from the maps inside `v` (they would be written
/// in this text).
fn with_deletions(ctx: &FuncCtx, t: TStr, v: &Value) -> TStr {
    if ctx.deleted.is_empty() {
        return t;
    }
    let deps = ctx.deleted.inside(v);
    if deps.is_empty() {
        return t;
    }
    let mut b = crate::traced::TextBuilder::with_capacity(t.len());
    b.push_slice(&t, 0..t.len());
    let at = b.len() as u32;
    b.push_decision(crate::traced::Decision {
        kind: crate::traced::DecisionKind::Value,
        loc: ctx.loc,
        deps,
        taken: false,
        start: at,
        end: at,
    });
    b.finish()
}

fn error_map(msg: String, deps: &crate::origin::Deps) -> Value {
    let mut m = MapData::new();
    m.insert("Error".into(), Value::str(msg).with_deps(deps.clone()));
    Value::map_from(m).with_deps(deps.clone())
}

fn from_yaml(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let v = arg(&args);
    let Some(text) = v.as_tstr() else {
        return Ok(Value::map_from(MapData::new()));
    };
    let deps = text.all_deps().union(&v.deps);
    if let Some(e) = not_utf8(text) {
        return Ok(error_map(e, &deps));
    }
    match yaml::parse_yaml_value_in(text, &ctx.yaml) {
        Ok(parsed) if parsed.is_nil() => Ok(Value::map_from(MapData::new()).with_deps(deps)),
        // The document as a whole came from all of the text.
        Ok(parsed) if parsed.as_map().is_some() => Ok(parsed.add_deps(&deps)),
        Ok(parsed) => Ok(error_map(
            format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                yaml::json_kind(&parsed)
            ),
            &deps,
        )),
        Err(e) => Ok(error_map(e.message, &deps)),
    }
}

fn from_yaml_array(ctx: &FuncCtx, args: Vec<Value>) -> FuncResult {
    let v = arg(&args);
    let Some(text) = v.as_tstr() else {
        return Ok(Value::list(Vec::new()));
    };
    let deps = text.all_deps().union(&v.deps);
    if let Some(e) = not_utf8(text) {
        return Ok(Value::list(vec![Value::str(e).with_deps(deps.clone())]).with_deps(deps));
    }
    match yaml::parse_yaml_value_in(text, &ctx.yaml) {
        Ok(parsed) if parsed.is_nil() => Ok(Value::list(Vec::new()).with_deps(deps)),
        Ok(parsed) if parsed.as_list().is_some() => Ok(parsed.add_deps(&deps)),
        Ok(parsed) => Ok(Value::list(vec![Value::str(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            yaml::json_kind(&parsed)
        ))
        .with_deps(deps.clone())])
        .with_deps(deps)),
        Err(e) => Ok(Value::list(vec![Value::str(e.message).with_deps(deps.clone())]).with_deps(deps)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::{Deps, OriginId};
    use crate::traced::{FileId, TplLoc};

    fn ctx() -> FuncCtx {
        FuncCtx::new(TplLoc {
            file: FileId(0),
            offset: 0,
        })
    }

    fn json_like(v: &Value) -> String {
        crate::yaml::to_yaml(v, None).as_str().to_string()
    }

    #[test]
    fn from_yaml_shapes_and_errors_like_helm() {
        // Oracle: {{ fromYaml "a: [1" | toYaml }} and the like.
        let cases: &[(FuncBody, &str, &str)] = &[
            (
                from_yaml,
                "a: [1",
                "Error: 'error converting YAML to JSON: yaml: line 1: did not find expected '','' or\n  '']'''",
            ),
            (
                from_yaml,
                "- a",
                "Error: 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array\n  into Go value of type map[string]interface {}'",
            ),
            (
                from_yaml_array,
                "a: 1",
                "- 'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into\n  Go value of type []interface {}'",
            ),
            (from_yaml_array, "- a\n- 1", "- a\n- 1"),
            (from_yaml, "", "{}"),
            (from_yaml_array, "", "[]"),
            (from_yaml, "~", "{}"),
        ];
        for (f, input, want) in cases {
            let got = f(&ctx(), vec![Value::str(*input)]).unwrap_or_default();
            assert_eq!(json_like(&got), *want, "{input:?}");
        }
    }

    use crate::funcs::FuncBody;

    #[test]
    fn to_yaml_result_depends_on_its_contents() {
        let mut m = MapData::new();
        m.insert("a".into(), Value::str("x").with_origin(OriginId(5)));
        let v = Value::map_from(m).with_origin(OriginId(1));
        let out = to_yaml(&ctx(), vec![v]).unwrap_or_default();
        assert_eq!(out.as_str(), Some("a: x"));
        assert_eq!(
            out.deps,
            [OriginId(1), OriginId(5)].into_iter().collect::<Deps>()
        );
    }
}
