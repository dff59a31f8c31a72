//! The trace against ground truth made without it: for each values key,
//! `shared/oracle/perturb` changed the key, re-rendered with Helm, and
//! recorded which Alloy blocks changed (goldens in `testdata/perturb/`).
//! Every block Helm shows a key changing must be among the blocks the trace
//! says that key fills or decides.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use trace_value::query::key_effects;
use trace_value::render::{render, with_large_stack, RenderRequest};

/// (key, configmap, block) triples Helm showed changing that the trace misses,
/// and the number of triples checked.
fn disagreements(
    chart: PathBuf,
    values: Option<PathBuf>,
    release: &str,
    golden: &Path,
) -> (Vec<String>, usize) {
    let text = std::fs::read_to_string(golden).expect("perturbation golden");
    let truth: serde_json::Value = serde_json::from_str(&text).expect("golden is JSON");
    let req = RenderRequest {
        chart,
        values_files: values.into_iter().collect(),
        release_name: release.to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    };
    let effects = with_large_stack(move || {
        let out = render(&req)?;
        Ok(key_effects(&out)
            .into_iter()
            .map(|(k, set)| {
                let blocks: BTreeSet<(String, String)> =
                    set.into_iter().map(|e| (e.configmap, e.block)).collect();
                (k, blocks)
            })
            .collect::<std::collections::BTreeMap<_, _>>())
    })
    .expect("render");
    let mut missing = Vec::new();
    let mut checked = 0;
    for (key, result) in truth["keys"].as_object().expect("keys") {
        let Some(blocks) = result["blocks"].as_array() else {
            continue;
        };
        for b in blocks {
            let cm = b[0].as_str().unwrap_or_default().to_string();
            let block = b[1].as_str().unwrap_or_default().to_string();
            // The perturbed value itself renamed the block: not a block of the base render.
            if block.contains("zq") {
                continue;
            }
            if LINE_DIFF_ARTIFACTS.contains(&(key.as_str(), block.as_str())) {
                continue;
            }
            checked += 1;
            let ours = effects.get(key);
            if !ours.is_some_and(|s| s.contains(&(cm.clone(), block.clone()))) {
                missing.push(format!("{key}: {cm} / {block} (trace says {:?})", ours));
            }
        }
    }
    (missing, checked)
}

/// Changes the perturbation attributes to a block only because of how its
/// line diff places edits (checked by reading both renders):
/// - `gatherMethod` decides the text that starts right after the closing
///   brace of `discovery.kubernetes "pods"`; the diff aligned the removed
///   `}` line with that block;
/// - `extraConfig` ends with a newline, so the perturbed value (`+ "zq"`)
///   adds a line of its own, which the diff reports as an insertion before
///   the next line: the header of `loki.write "loki"`.
const LINE_DIFF_ARTIFACTS: &[(&str, &str)] = &[
    ("podLogs.gatherMethod", "discovery.kubernetes \"pods\""),
    ("extraConfig", "loki.write \"loki\""),
];

fn assert_agrees(name: &str, result: (Vec<String>, usize)) {
    let (missing, checked) = result;
    println!(
        "{name}: {} of {checked} block changes seen by Helm are in the trace",
        checked - missing.len()
    );
    assert!(
        missing.is_empty(),
        "{name}: the trace misses:\n{}",
        missing.join("\n")
    );
}

#[test]
fn mini_monitoring_matches_perturbation() {
    let repo = common::repo_dir();
    let chart = repo.join("charts-fixtures/mini-monitoring");
    for (name, values) in [
        ("default", None),
        ("extra-stages", Some(chart.join("ci/extra-stages.yaml"))),
        ("all-options", Some(chart.join("ci/all-options.yaml"))),
    ] {
        let golden = repo.join(format!("testdata/perturb/mini-monitoring/{name}.json"));
        assert_agrees(name, disagreements(chart.clone(), values, "rel", &golden));
    }
}

#[test]
fn k8s_monitoring_matches_perturbation() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let chart = shared.join("charts/k8s-monitoring-3.5.2");
    let values = chart.join("docs/examples/features/pod-logs/default/values.yaml");
    let golden =
        common::repo_dir().join("testdata/perturb/k8s-monitoring/features__pod-logs__default.json");
    assert_agrees(
        "pod-logs",
        disagreements(chart.clone(), Some(values), "k8smon", &golden),
    );
    let values = chart.join("docs/examples/extra-rules/values.yaml");
    let golden = common::repo_dir().join("testdata/perturb/k8s-monitoring/extra-rules.json");
    assert_agrees(
        "extra-rules",
        disagreements(chart.clone(), Some(values), "k8smon", &golden),
    );
    let values = chart.join("docs/examples/features/cluster-metrics/default/values.yaml");
    let golden = common::repo_dir()
        .join("testdata/perturb/k8s-monitoring/features__cluster-metrics__default.json");
    assert_agrees(
        "cluster-metrics",
        disagreements(chart.clone(), Some(values), "k8smon", &golden),
    );
}

#[test]
fn k8s_monitoring_440_matches_perturbation() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let chart = shared.join("corpus/charts/k8s-monitoring-4.4.0");
    let values = chart.join("docs/examples/features/pod-logs-via-loki/default/values.yaml");
    let golden = common::repo_dir()
        .join("testdata/perturb/k8s-monitoring-4.4.0/features__pod-logs-via-loki__default.json");
    assert_agrees(
        "4.4.0 pod-logs-via-loki",
        disagreements(chart, Some(values), "k8smon", &golden),
    );
}
