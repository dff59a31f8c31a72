//! Renders every fixture chart (`charts-fixtures/`) with each of its values
//! files and compares the result with Helm's golden under `testdata/goldens/`
//! byte for byte: every rendered file, or Helm's error message.
//!
//! The goldens come from `scripts/regen-goldens.sh`; each records its chart,
//! values file, release name and namespace.

mod common;

use common::{compare_render, fixture_goldens, repo_dir, Golden};

/// Renders one golden's chart and says how the result differs, if it does.
fn check(golden: &Golden) -> Option<String> {
    let chart = repo_dir().join(
        golden
            .chart
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no `chart`", golden.name)),
    );
    let values = golden.values_files(&chart);
    let result =
        trace_value::render::render_chart_json(&chart, &values, &golden.release, &golden.namespace);
    compare_render(&golden.expected, result)
}

#[test]
fn fixture_goldens_match_helm() {
    let goldens = fixture_goldens();
    assert!(!goldens.is_empty(), "no goldens under testdata/goldens/");
    let failures: Vec<String> = goldens
        .iter()
        .filter_map(|golden| check(golden).map(|report| format!("{}: {report}", golden.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixture goldens differ from Helm:\n\n{}",
        failures.len(),
        goldens.len(),
        failures.join("\n\n")
    );
}
