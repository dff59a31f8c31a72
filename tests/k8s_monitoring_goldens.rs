//! The ratchet on the real chart: renders each of the 66 grafana/k8s-monitoring
//! 3.5.2 examples and compares it byte for byte with Helm's golden in
//! `../shared/goldens/k8s-monitoring-3.5.2/<name>.json`.
//!
//! It prints `N of 66 goldens match` and the examples that newly match (to be
//! added to `testdata/k8s-monitoring-passing.txt`), and fails only when an
//! example on that list no longer matches, printing the first difference.
//! Run with `cargo test --test k8s_monitoring_goldens -- --nocapture` to see
//! the count. Skipped (or, under CI, failing) without `../shared`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{compare_render, json_files_below, repo_dir, shared_dir, Golden};

/// The chart, relative to the shared directory.
const CHART: &str = "charts/k8s-monitoring-3.5.2";
/// The goldens, relative to the shared directory.
const GOLDENS: &str = "goldens/k8s-monitoring-3.5.2";
/// How many examples the chart ships.
const EXAMPLES: usize = 66;
/// The examples known to match, one name per line, relative to the repository.
const PASSING_LIST: &str = "testdata/k8s-monitoring-passing.txt";

/// The names on the passing list (blank lines and `#` comments skipped).
fn passing_list() -> BTreeSet<String> {
    let path = repo_dir().join(PASSING_LIST);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The values file of an example: its name with `__` read as `/`.
fn example_values(name: &str) -> String {
    format!("docs/examples/{}/values.yaml", name.replace("__", "/"))
}

/// Renders one example; `Ok` when it matches its golden, else the first difference.
fn check(golden: &Golden, chart: &Path) -> Result<(), String> {
    let values = golden.values_files(chart);
    let result =
        trace_value::render::render_chart_json(chart, &values, &golden.release, &golden.namespace);
    compare_render(&golden.expected, result).map_or(Ok(()), Err)
}

#[test]
fn k8s_monitoring_goldens_ratchet() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let chart = shared.join(CHART);
    let root = shared.join(GOLDENS);
    let goldens: Vec<Golden> = json_files_below(&root)
        .iter()
        .map(|path| Golden::load(path, &root))
        .collect();
    assert_eq!(goldens.len(), EXAMPLES, "goldens in {}", root.display());
    for golden in &goldens {
        assert_eq!(
            golden.values.as_deref(),
            Some(example_values(&golden.name).as_str()),
            "{}: the golden's values file is not where its name says",
            golden.name
        );
        assert!(
            chart.join(example_values(&golden.name)).is_file(),
            "{}: no values file",
            golden.name
        );
    }
    let listed = passing_list();
    let names: BTreeSet<&str> = goldens.iter().map(|g| g.name.as_str()).collect();
    let unknown: Vec<&String> = listed
        .iter()
        .filter(|n| !names.contains(n.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "{PASSING_LIST} names unknown examples: {unknown:?}"
    );

    let mut matching = Vec::new();
    let mut regressions = Vec::new();
    for golden in &goldens {
        match check(golden, &chart) {
            Ok(()) => matching.push(golden.name.as_str()),
            Err(report) if listed.contains(&golden.name) => {
                regressions.push(format!("{}: {report}", golden.name));
            }
            Err(_) => {}
        }
    }
    println!("{} of {} goldens match", matching.len(), goldens.len());
    let newly: Vec<&str> = matching
        .iter()
        .copied()
        .filter(|name| !listed.contains(*name))
        .collect();
    if !newly.is_empty() {
        println!("newly passing, add to {PASSING_LIST}:");
        for name in &newly {
            println!("{name}");
        }
    }
    assert!(
        regressions.is_empty(),
        "{} example(s) on {PASSING_LIST} no longer match:\n\n{}",
        regressions.len(),
        regressions.join("\n\n")
    );
}
