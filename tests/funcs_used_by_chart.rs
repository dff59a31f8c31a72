//! Every function k8s-monitoring 3.5.2 and its subcharts call is defined:
//! the templates are parsed with a recorder instead of the function table,
//! and each recorded name is looked up. A missing function fails here with
//! its name, before any render does.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::cell::RefCell;
use std::collections::BTreeSet;

use trace_value::chart::{load_chart, Chart};

fn all_templates(chart: &Chart, out: &mut Vec<(String, String)>) {
    for t in &chart.templates {
        out.push((format!("{}/{}", chart.location, t.name), t.text.to_string()));
    }
    for sub in &chart.subcharts {
        all_templates(sub, out);
    }
}

#[test]
fn every_function_the_chart_uses_is_defined() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let chart = load_chart(&shared.join("charts/k8s-monitoring-3.5.2")).expect("chart loads");
    let mut templates = Vec::new();
    all_templates(&chart, &mut templates);
    let used: RefCell<BTreeSet<String>> = RefCell::new(BTreeSet::new());
    // The parser also asks about `break` and `continue`, which are keywords
    // unless a function takes the name.
    let record = |name: &str| {
        if name == "break" || name == "continue" {
            return false;
        }
        used.borrow_mut().insert(name.to_string());
        true
    };
    for (name, text) in &templates {
        trace_value::template::parse(name, text, &record).expect("template parses");
    }
    let used = used.into_inner();
    let missing: Vec<&String> = used
        .iter()
        .filter(|f| !trace_value::funcs::is_defined(f))
        .collect();
    println!(
        "{} templates call {} distinct functions",
        templates.len(),
        used.len()
    );
    assert!(used.len() > 40, "{used:?}");
    assert!(
        missing.is_empty(),
        "functions used by the chart but not defined: {missing:?}"
    );
}
