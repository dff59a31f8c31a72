//! `values.schema.json` validation as Helm v4.2.3 does it (santhosh-tekuri
//! jsonschema v6 messages, one `- at 'PATH': MESSAGE` line per error),
//! for the keywords charts use: `type`, `enum`, `const`, `properties`,
//! `required`, `additionalProperties`, `patternProperties`, `items`, `$ref`
//! (local), `allOf`/`anyOf`/`oneOf`/`not`, `if`/`then`/`else`, numeric and
//! length bounds, `pattern`. Unknown keywords never reject. Helm lists errors
//! in a random order; here they follow the schema's order.

use serde_json::Value as J;

use crate::value::{MapRef, Repr, Value};

struct Err {
    path: String,
    msg: String,
    causes: Vec<Err>,
}

fn type_of(v: &Value) -> &'static str {
    match &v.repr {
        Repr::Nil => "null",
        Repr::Bool(_) => "boolean",
        Repr::Int(_, _) | Repr::Float(_) => "number",
        Repr::Str(_) => "string",
        Repr::List(_) => "array",
        Repr::Map(_) | Repr::Object(_) => "object",
    }
}

fn num(v: &Value) -> Option<f64> {
    match v.repr {
        Repr::Int(i, _) => Some(i as f64),
        Repr::Float(f) => Some(f),
        _ => None,
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "integer" => num(v).is_some_and(|f| f.fract() == 0.0),
        "number" => num(v).is_some(),
        other => type_of(v) == other,
    }
}

fn fmt_num(f: f64) -> String {
    crate::gofmt::format_float_g(f)
}

fn show(j: &J) -> String {
    match j {
        J::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

fn eq_json(v: &Value, j: &J) -> bool {
    match (&v.repr, j) {
        (Repr::Nil, J::Null) => true,
        (Repr::Bool(a), J::Bool(b)) => a == b,
        (Repr::Str(a), J::String(b)) => a.as_str() == b,
        (_, J::Number(n)) => num(v).is_some_and(|x| Some(x) == n.as_f64()),
        (Repr::List(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| eq_json(x, y))
        }
        (Repr::Map(a), J::Object(b)) => {
            let a = a.borrow();
            a.len() == b.len()
                && b.iter()
                    .all(|(k, y)| a.get(k.as_str()).is_some_and(|x| eq_json(x, y)))
        }
        _ => false,
    }
}

const TYPE_ORDER: &[&str] = &[
    "null", "boolean", "number", "integer", "string", "array", "object",
];

struct Validator<'a> {
    root: &'a J,
    /// The schemas entered through `$ref` (and the root): schema, instance
    /// path, keyword path. A `$ref` back to one entered for the same
    /// instance is jsonschema's reference cycle, an error (not a loop).
    refs: std::cell::RefCell<Vec<(*const J, String, String)>>,
}

impl Validator<'_> {
    fn resolve<'b>(&'b self, r: &str) -> Option<&'b J> {
        let ptr = r.strip_prefix('#')?;
        if ptr.is_empty() {
            return Some(self.root);
        }
        self.root.pointer(ptr)
    }

    fn validate(&self, s: &J, v: &Value, path: &str, out: &mut Vec<Err>) {
        let J::Object(s) = s else {
            if s == &J::Bool(false) {
                out.push(Err {
                    path: path.to_string(),
                    msg: "false schema".to_string(),
                    causes: vec![],
                });
            }
            return;
        };
        let err = |out: &mut Vec<Err>, msg: String| {
            out.push(Err {
                path: path.to_string(),
                msg,
                causes: vec![],
            })
        };
        if let Some(r) = s.get("$ref").and_then(J::as_str) {
            if let Some(target) = self.resolve(r) {
                let tp: *const J = target;
                let mut refs = self.refs.borrow_mut();
                let base = refs
                    .last()
                    .filter(|f| f.1 == path)
                    .map(|f| f.2.clone())
                    .unwrap_or_default();
                let kw = format!("{base}/$ref");
                let seen = refs
                    .iter()
                    .rev()
                    .take_while(|f| f.1 == path)
                    .find(|f| std::ptr::eq(f.0, tp))
                    .map(|f| f.2.clone());
                if let Some(prev) = seen {
                    drop(refs);
                    let frag = r.strip_prefix('#').unwrap_or(r);
                    err(
                        out,
                        format!("both {kw} and {prev} resolve to \"file:///values.schema.json#{frag}\" causing reference cycle"),
                    );
                    return;
                }
                refs.push((tp, path.to_string(), kw));
                drop(refs);
                self.validate(target, v, path, out);
                self.refs.borrow_mut().pop();
            }
        }
        if let Some(t) = s.get("type") {
            let types: Vec<&str> = match t {
                J::String(s) => vec![s.as_str()],
                J::Array(a) => a.iter().filter_map(J::as_str).collect(),
                _ => vec![],
            };
            if !types.is_empty() && !types.iter().any(|t| has_type(v, t)) {
                let mut want: Vec<&str> = types.clone();
                want.sort_by_key(|t| TYPE_ORDER.iter().position(|x| x == t));
                err(
                    out,
                    format!("got {}, want {}", type_of(v), want.join(" or ")),
                );
                return;
            }
        }
        if let Some(J::Array(e)) = s.get("enum") {
            if !e.iter().any(|x| eq_json(v, x)) {
                let list: Vec<String> = e.iter().map(show).collect();
                err(out, format!("value must be one of {}", list.join(", ")));
            }
        }
        if let Some(c) = s.get("const") {
            if !eq_json(v, c) {
                err(out, format!("value must be {}", show(c)));
            }
        }
        if let Some(x) = num(v) {
            let bound = |k: &str| s.get(k).and_then(J::as_f64);
            if let Some(m) = bound("minimum").filter(|m| x < *m) {
                err(
                    out,
                    format!("minimum: got {}, want {}", fmt_num(x), fmt_num(m)),
                );
            }
            if let Some(m) = bound("maximum").filter(|m| x > *m) {
                err(
                    out,
                    format!("maximum: got {}, want {}", fmt_num(x), fmt_num(m)),
                );
            }
            if let Some(m) = bound("exclusiveMinimum").filter(|m| x <= *m) {
                err(
                    out,
                    format!("exclusiveMinimum: got {}, want {}", fmt_num(x), fmt_num(m)),
                );
            }
            if let Some(m) = bound("exclusiveMaximum").filter(|m| x >= *m) {
                err(
                    out,
                    format!("exclusiveMaximum: got {}, want {}", fmt_num(x), fmt_num(m)),
                );
            }
        }
        if let Some(text) = v.as_str() {
            let len = text.chars().count() as u64;
            if let Some(m) = s.get("minLength").and_then(J::as_u64).filter(|m| len < *m) {
                err(out, format!("minLength: got {len}, want {m}"));
            }
            if let Some(m) = s.get("maxLength").and_then(J::as_u64).filter(|m| len > *m) {
                err(out, format!("maxLength: got {len}, want {m}"));
            }
            if let Some(p) = s.get("pattern").and_then(J::as_str) {
                if let Ok(re) = regex::Regex::new(p) {
                    if !re.is_match(text) {
                        err(out, format!("'{text}' does not match pattern '{p}'"));
                    }
                }
            }
        }
        if let Some(items) = v.as_list() {
            let n = items.len() as u64;
            if let Some(m) = s.get("minItems").and_then(J::as_u64).filter(|m| n < *m) {
                err(out, format!("minItems: got {n}, want {m}"));
            }
            if let Some(m) = s.get("maxItems").and_then(J::as_u64).filter(|m| n > *m) {
                err(out, format!("maxItems: got {n}, want {m}"));
            }
            match s.get("items") {
                Some(J::Array(schemas)) => {
                    for (i, (item, sch)) in items.iter().zip(schemas).enumerate() {
                        self.validate(sch, item, &format!("{path}/{i}"), out);
                    }
                }
                Some(sch) => {
                    for (i, item) in items.iter().enumerate() {
                        self.validate(sch, item, &format!("{path}/{i}"), out);
                    }
                }
                None => {}
            }
        }
        if let Some(m) = v.as_map() {
            self.validate_object(s, m, path, out);
        }
        if let Some(J::Array(all)) = s.get("allOf") {
            let mut causes = Vec::new();
            for sch in all {
                self.validate(sch, v, path, &mut causes);
            }
            if !causes.is_empty() {
                out.push(Err {
                    path: path.to_string(),
                    msg: "'allOf' failed".to_string(),
                    causes,
                });
            }
        }
        if let Some(J::Array(any)) = s.get("anyOf") {
            let mut causes = Vec::new();
            let ok = any.iter().any(|sch| {
                let mut e = Vec::new();
                self.validate(sch, v, path, &mut e);
                let pass = e.is_empty();
                causes.extend(e);
                pass
            });
            if !ok {
                out.push(Err {
                    path: path.to_string(),
                    msg: "'anyOf' failed".to_string(),
                    causes,
                });
            }
        }
        if let Some(J::Array(one)) = s.get("oneOf") {
            let mut causes = Vec::new();
            let mut matched = Vec::new();
            for (i, sch) in one.iter().enumerate() {
                let mut e = Vec::new();
                self.validate(sch, v, path, &mut e);
                if e.is_empty() {
                    matched.push(i);
                }
                causes.extend(e);
            }
            if matched.is_empty() {
                out.push(Err {
                    path: path.to_string(),
                    msg: "'oneOf' failed, none matched".to_string(),
                    causes,
                });
            } else if matched.len() > 1 {
                let m: Vec<String> = matched.iter().map(|i| i.to_string()).collect();
                err(
                    out,
                    format!("'oneOf' failed, subschemas {} matched", m.join(", ")),
                );
            }
        }
        if let Some(not) = s.get("not") {
            let mut e = Vec::new();
            self.validate(not, v, path, &mut e);
            if e.is_empty() {
                err(out, "'not' failed".to_string());
            }
        }
        if let Some(cond) = s.get("if") {
            let mut e = Vec::new();
            self.validate(cond, v, path, &mut e);
            let branch = if e.is_empty() {
                s.get("then")
            } else {
                s.get("else")
            };
            if let Some(b) = branch {
                self.validate(b, v, path, out);
            }
        }
    }

    fn validate_object(
        &self,
        s: &serde_json::Map<String, J>,
        m: &MapRef,
        path: &str,
        out: &mut Vec<Err>,
    ) {
        let data = m.borrow();
        if let Some(J::Array(req)) = s.get("required") {
            let missing: Vec<String> = req
                .iter()
                .filter_map(J::as_str)
                .filter(|k| !data.contains_key(*k))
                .map(|k| format!("'{k}'"))
                .collect();
            match missing.len() {
                0 => {}
                1 => out.push(Err {
                    path: path.to_string(),
                    msg: format!("missing property {}", missing[0]),
                    causes: vec![],
                }),
                _ => out.push(Err {
                    path: path.to_string(),
                    msg: format!("missing properties {}", missing.join(", ")),
                    causes: vec![],
                }),
            }
        }
        let props = s.get("properties").and_then(J::as_object);
        let pattern_props: Vec<(regex::Regex, &J)> = s
            .get("patternProperties")
            .and_then(J::as_object)
            .map(|pp| {
                pp.iter()
                    .filter_map(|(p, sch)| regex::Regex::new(p).ok().map(|r| (r, sch)))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(props) = props {
            for (k, sch) in props {
                if let Some(child) = data.get(k.as_str()) {
                    self.validate(sch, child, &format!("{path}/{}", escape_ptr(k)), out);
                }
            }
        }
        let mut additional = Vec::new();
        for (k, child) in data.iter() {
            let mut matched = props.is_some_and(|p| p.contains_key(&**k));
            for (re, sch) in &pattern_props {
                if re.is_match(k) {
                    matched = true;
                    self.validate(sch, child, &format!("{path}/{}", escape_ptr(k)), out);
                }
            }
            if !matched {
                match s.get("additionalProperties") {
                    Some(J::Bool(false)) => additional.push(format!("'{k}'")),
                    Some(sch @ J::Object(_)) => {
                        self.validate(sch, child, &format!("{path}/{}", escape_ptr(k)), out)
                    }
                    _ => {}
                }
            }
        }
        if !additional.is_empty() {
            out.push(Err {
                path: path.to_string(),
                msg: format!(
                    "additional properties {} not allowed",
                    additional.join(", ")
                ),
                causes: vec![],
            });
        }
    }
}

fn escape_ptr(k: &str) -> String {
    k.replace('~', "~0").replace('/', "~1")
}

fn render(errs: &[Err], indent: usize, out: &mut String) {
    for e in errs {
        out.push_str(&"  ".repeat(indent));
        out.push_str(&format!("- at '{}': {}\n", e.path, e.msg));
        render(&e.causes, indent + 1, out);
    }
}

/// Validate `values` against a schema text. `Ok(None)` when valid,
/// `Ok(Some(lines))` with Helm's `- at '...': ...` lines otherwise; an
/// unreadable schema is an error.
pub fn validate(schema: &str, values: &MapRef) -> Result<Option<String>, String> {
    let root: J =
        serde_json::from_str(schema).map_err(|e| format!("unable to parse schema: {e}"))?;
    let root_ptr: *const J = &root;
    let v = Validator {
        root: &root,
        refs: std::cell::RefCell::new(vec![(root_ptr, String::new(), String::new())]),
    };
    let mut errs = Vec::new();
    v.validate(&root, &Value::map(values.clone()), "", &mut errs);
    if errs.is_empty() {
        return Ok(None);
    }
    let mut out = String::new();
    render(&errs, 0, &mut out);
    Ok(Some(out))
}
