//! `trace-value diff`: a values edit, a chart upgrade (the `upgrade-v1` →
//! `upgrade-v2` fixtures: a key renamed, a list turned into a map, a
//! feature split in two) and both; the exit codes; and the perturbation
//! check against Helm's ground truth (`testdata/perturb/mini-monitoring`,
//! made by `shared/oracle/perturb`): a single-key change names that key in
//! every hunk and no other, and two keys changed together whose effects lie
//! in different blocks are each named only by their own hunks.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;
mod migrate;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

use serde_json::Value as Json;
use trace_value::query::{self, Hunk};
use trace_value::render::{render, with_large_stack, RenderRequest};

fn fixture(name: &str) -> PathBuf {
    common::repo_dir().join("charts-fixtures").join(name)
}

/// `trace-value diff ARGS --format json`: exit code and JSON.
fn diff_json(args: &[&str]) -> (i32, Json) {
    command_json("diff", args)
}

/// `trace-value COMMAND ARGS --format json`, run in the repository: exit
/// code and JSON.
fn command_json(command: &str, args: &[&str]) -> (i32, Json) {
    let out = Command::new(env!("CARGO_BIN_EXE_trace-value"))
        .arg(command)
        .args(args)
        .args(["--format", "json"])
        .current_dir(common::repo_dir())
        .output()
        .expect("run trace-value");
    let code = out.status.code().expect("exit code");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

/// The rendered file of a golden (made by the oracle).
fn golden_file(golden: &str, file: &str) -> String {
    let path = common::repo_dir().join("testdata/goldens").join(golden);
    let text = std::fs::read_to_string(&path).expect("golden");
    let json: Json = serde_json::from_str(&text).expect("golden JSON");
    json["files"][file]
        .as_str()
        .expect("file in golden")
        .to_string()
}

fn keys_of(h: &Json) -> BTreeSet<String> {
    h["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["key"].as_str().expect("key").to_string())
        .collect()
}

/// Removed lines of every hunk are lines of Helm's old render, added lines
/// of Helm's new render, in order.
fn lines_come_from(hunks: &[Json], old: &str, new: &str) {
    for h in hunks {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for l in h["lines"].as_array().expect("lines") {
            let l = l.as_str().expect("line");
            match l.split_at(1) {
                ("-", rest) => a.push(rest.to_string()),
                ("+", rest) => b.push(rest.to_string()),
                (_, rest) => {
                    a.push(rest.to_string());
                    b.push(rest.to_string());
                }
            }
        }
        assert!(old.contains(&a.join("\n")), "old side of {h:#}");
        assert!(new.contains(&b.join("\n")), "new side of {h:#}");
    }
}

#[test]
fn equal_renders_exit_0_and_errors_exit_2() {
    let chart = fixture("upgrade-v1");
    let chart = chart.to_str().unwrap();
    let (code, json) = diff_json(&["rel", chart, "--new-set", "logLevel=info"]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["version"], 1);
    assert_eq!(json["hunks"].as_array().unwrap().len(), 0);
    let (code, json) = diff_json(&["rel", chart, "--new-chart", "charts-fixtures/no-such"]);
    assert_eq!(code, 2);
    assert!(json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no-such"));
}

#[test]
fn values_edit_names_the_edited_key_with_both_values() {
    let chart = fixture("upgrade-v1");
    let user = chart.join("ci/user.yaml");
    let (code, json) = diff_json(&[
        "rel",
        chart.to_str().unwrap(),
        "--new-values",
        user.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let hunks = json["hunks"].as_array().unwrap();
    assert!(!hunks.is_empty());
    let file = "upgrade/templates/config.yaml";
    lines_come_from(
        hunks,
        &golden_file("upgrade-v1/default.json", file),
        &golden_file("upgrade-v1/user.json", file),
    );
    let all: BTreeSet<String> = hunks.iter().flat_map(keys_of).collect();
    for k in ["logLevel", "podLogs.enabled"] {
        assert!(all.contains(k), "{k} not named: {all:?}");
    }
    let level = hunks
        .iter()
        .flat_map(|h| h["keys"].as_array().unwrap())
        .find(|k| k["key"] == "logLevel")
        .unwrap();
    // Values as JSON values, where they were set as locations (docs/json.md).
    assert_eq!(level["old"], "info");
    assert_eq!(level["new"], "debug");
    assert_eq!(
        (&level["in_old"], &level["in_new"]),
        (&Json::Bool(true), &Json::Bool(true))
    );
    assert_eq!(level["old_set_at"]["file"], "values.yaml");
    assert!(level["new_set_at"]["file"]
        .as_str()
        .unwrap()
        .ends_with("ci/user.yaml"));
    assert_eq!(level["new_set_at"]["line"], 3);
    assert_eq!(hunks[0]["resource"], "ConfigMap/rel-alloy");
}

#[test]
fn chart_upgrade_names_template_lines_and_renamed_keys() {
    let (old, new) = (fixture("upgrade-v1"), fixture("upgrade-v2"));
    // The chart alone: the user's values stay, the chart's defaults and templates change.
    let (code, json) = diff_json(&[
        "rel",
        old.to_str().unwrap(),
        "--new-chart",
        new.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let hunks = json["hunks"].as_array().unwrap();
    let file = "upgrade/templates/config.yaml";
    lines_come_from(
        hunks,
        &golden_file("upgrade-v1/default.json", file),
        &golden_file("upgrade-v2/default.json", file),
    );
    let all: BTreeSet<String> = hunks.iter().flat_map(keys_of).collect();
    assert!(all.contains("logLevel") || all.contains("logging.level"));
    let templates: Vec<&Json> = hunks
        .iter()
        .flat_map(|h| h["templates"].as_array().unwrap())
        .collect();
    // `format = "logfmt"` is new template text at line 9 of version 2.
    assert!(templates.iter().any(|t| t["new"]
        == serde_json::json!({"file": "templates/config.yaml", "line": 9, "column": null})));
    // The renamed key: only the new chart has `logging.level`.
    let renamed = hunks
        .iter()
        .flat_map(|h| h["keys"].as_array().unwrap())
        .find(|k| k["key"] == "logging.level")
        .unwrap();
    assert_eq!(
        (&renamed["old"], &renamed["in_old"], &renamed["old_set_at"]),
        (&Json::Null, &Json::Bool(false), &Json::Null)
    );
    assert_eq!(renamed["new"], "info");
    assert_eq!(
        renamed["new_set_at"],
        serde_json::json!({"file": "values.yaml", "line": 4, "column": null})
    );

    // Both: the chart and the migrated values.
    let (code, json) = diff_json(&[
        "rel",
        old.to_str().unwrap(),
        "-f",
        old.join("ci/user.yaml").to_str().unwrap(),
        "--new-chart",
        new.to_str().unwrap(),
        "--new-values",
        new.join("ci/user.yaml").to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let hunks = json["hunks"].as_array().unwrap();
    lines_come_from(
        hunks,
        &golden_file("upgrade-v1/user.json", file),
        &golden_file("upgrade-v2/user.json", file),
    );
    let all: BTreeSet<String> = hunks.iter().flat_map(keys_of).collect();
    // The renamed key and the list turned into a map, on both sides.
    for k in ["logLevel", "logging.level", "destinations.backup.url"] {
        assert!(all.contains(k), "{k} not named: {all:?}");
    }
}

/// A chart, its values file, and the perturbation golden made from them.
#[derive(Clone)]
struct Case {
    chart: PathBuf,
    values: Option<PathBuf>,
    golden: &'static str,
}

fn mini_case() -> Case {
    Case {
        chart: fixture("mini-monitoring"),
        values: None,
        golden: "mini-monitoring/default.json",
    }
}

/// k8s-monitoring 3.5.2's pod-logs example, when ../shared is there.
fn k8s_case() -> Option<Case> {
    let chart = common::shared_dir()?.join("charts/k8s-monitoring-3.5.2");
    let values = chart.join("docs/examples/features/pod-logs/default/values.yaml");
    Some(Case {
        chart,
        values: Some(values),
        golden: "k8s-monitoring/features__pod-logs__default.json",
    })
}

/// Diff of the case's render against the same with `sets`.
fn perturbed(case: &Case, sets: Vec<(String, String)>) -> Vec<Hunk> {
    let case = case.clone();
    with_large_stack(move || {
        let base = RenderRequest {
            chart: case.chart.clone(),
            values_files: case.values.clone().into_iter().collect(),
            release_name: "rel".to_string(),
            namespace: "default".to_string(),
            ..RenderRequest::default()
        };
        let old = render(&base)?;
        let mut req = base.clone();
        for (k, v) in sets {
            req.set_string.push(format!("{k}={v}"));
        }
        let new = render(&req)?;
        Ok(query::diff(&old, &new, false))
    })
    .expect("render")
}

/// Keys Helm saw change Alloy blocks (string values only: `--set-string`
/// changes exactly that key, as `perturb` did), with their blocks and values.
fn truth(case: &Case) -> Vec<(String, BTreeSet<String>, String)> {
    let path = common::repo_dir()
        .join("testdata/perturb")
        .join(case.golden);
    let truth: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let c = case.clone();
    let values = with_large_stack(move || {
        render(&RenderRequest {
            chart: c.chart,
            values_files: c.values.into_iter().collect(),
            release_name: "rel".to_string(),
            namespace: "default".to_string(),
            ..RenderRequest::default()
        })
        .map(|out| {
            out.origin_values
                .iter()
                .map(|(id, v)| (out.origins.get(*id).path.clone(), v.clone()))
                .collect::<std::collections::HashMap<_, _>>()
        })
    })
    .unwrap();
    let mut out = Vec::new();
    for (key, r) in truth["keys"].as_object().unwrap() {
        let blocks: BTreeSet<String> = r["blocks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|b| format!("{}/{}", b[0].as_str().unwrap(), b[1].as_str().unwrap()))
            .collect();
        // `--set` on a list item replaces the list: not a single-key change.
        if blocks.is_empty() || key.contains('[') {
            continue;
        }
        let Some(v) = values.get(key) else { continue };
        let Ok(s) = serde_json::from_str::<String>(v) else {
            continue;
        };
        out.push((key.clone(), blocks, format!("{s}zq")));
    }
    out
}

fn single_keys(case: &Case, limit: usize) {
    let truth = truth(case);
    assert!(truth.len() >= 4, "{truth:?}");
    for (key, _, value) in truth.iter().take(limit) {
        let hunks = perturbed(case, vec![(key.clone(), value.clone())]);
        assert!(!hunks.is_empty(), "{key}: Helm shows a change, diff none");
        for h in &hunks {
            let named: Vec<&str> = h.keys.iter().map(|k| k.key.as_str()).collect();
            assert_eq!(named, vec![key.as_str()], "{key}: hunk {h:?}");
        }
    }
}

fn two_keys(case: &Case, limit: usize) {
    let truth = truth(case);
    let mut pairs = 0;
    for (i, (k1, b1, v1)) in truth.iter().enumerate() {
        for (k2, b2, v2) in &truth[i + 1..] {
            if !b1.is_disjoint(b2) || pairs >= limit {
                continue;
            }
            pairs += 1;
            let sets = vec![(k1.clone(), v1.clone()), (k2.clone(), v2.clone())];
            let hunks = perturbed(case, sets);
            let mut seen = BTreeSet::new();
            for h in &hunks {
                let named: Vec<&str> = h.keys.iter().map(|k| k.key.as_str()).collect();
                assert_eq!(named.len(), 1, "{k1} + {k2}: hunk {h:?}");
                assert!(named[0] == k1 || named[0] == k2, "{named:?}");
                seen.insert(named[0].to_string());
            }
            assert!(
                seen.contains(k1) && seen.contains(k2),
                "{k1} + {k2}: {seen:?}"
            );
        }
    }
    assert!(pairs >= 1);
}

#[test]
fn perturbation_single_keys_are_named_by_every_hunk() {
    single_keys(&mini_case(), usize::MAX);
}

#[test]
fn perturbation_two_keys_in_different_places_are_told_apart() {
    two_keys(&mini_case(), usize::MAX);
}

/// The same on k8s-monitoring 3.5.2's pod-logs example: every string key Helm
/// saw change a block, and every pair of them with disjoint blocks.
#[test]
fn perturbation_on_k8s_monitoring_pod_logs() {
    let Some(case) = k8s_case() else { return };
    single_keys(&case, usize::MAX);
    two_keys(&case, usize::MAX);
}

#[test]
fn a_document_turned_off_is_one_hunk_named_by_its_gate_and_text_has_no_colour_when_piped() {
    let values = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diff-collector-off.yaml");
    std::fs::write(
        &values,
        "collectors:\n  - name: alloy-logs\n    enabled: true\n    logLevel: info\n  - name: alloy-metrics\n    enabled: false\n    logLevel: warn\n",
    )
    .unwrap();
    let chart = fixture("mini-monitoring");
    let args = [
        "rel",
        chart.to_str().unwrap(),
        "--new-values",
        values.to_str().unwrap(),
    ];
    let (code, json) = diff_json(&args);
    assert_eq!(code, 1);
    let hunks = json["hunks"].as_array().unwrap();
    let removed: Vec<&Json> = hunks.iter().filter(|h| h["new_lines"][1] == 0).collect();
    let resources: BTreeSet<&str> = removed
        .iter()
        .map(|h| h["resource"].as_str().unwrap())
        .collect();
    // Helm's default render has both documents; with these values the
    // oracle renders neither (checked with shared/oracle/helm-render).
    let new_render = golden_file(
        "mini-monitoring/default.json",
        "mini-monitoring/templates/collectors.yaml",
    );
    assert!(new_render.contains("name: rel-alloy-metrics"));
    assert!(
        resources.contains("Deployment/rel-alloy-metrics"),
        "{resources:?}"
    );
    assert!(
        resources.contains("ConfigMap/rel-alloy-metrics"),
        "{resources:?}"
    );
    for h in removed {
        assert_eq!(
            keys_of(h),
            BTreeSet::from(["collectors[1].enabled".to_string()])
        );
    }
    let out = Command::new(env!("CARGO_BIN_EXE_trace-value"))
        .arg("diff")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'));
    assert!(
        text.contains("# key collectors[1].enabled: true → false"),
        "{text}"
    );
    assert!(
        text.contains("@@ -32,28 +0,0 @@ Deployment/rel-alloy-metrics"),
        "{text}"
    );
    // `--color` goes through the same switch as every other command:
    // `always` colours even when piped and with NO_COLOR, `never` never.
    let coloured = |when: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_trace-value"))
            .arg("diff")
            .args(args)
            .args(["--color", when])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stdout).unwrap()
    };
    let always = coloured("always");
    assert!(always.contains("\x1b[31m-"), "{always}");
    assert!(always.contains("\x1b[36m@@ -32,28 +0,0 @@"), "{always}");
    assert_eq!(anstream::adapter::strip_str(&always).to_string(), text);
    assert!(!coloured("never").contains('\x1b'));
}

/// `--format json` gives a key's values as JSON values: a number from the
/// chart's values.yaml and one from `--set` are numbers, not shown text.
#[test]
fn json_keys_are_data() {
    let chart = fixture("manifest-deployment");
    let (code, json) = diff_json(&["rel", chart.to_str().unwrap(), "--new-set", "replicas=5"]);
    assert_eq!(code, 1);
    let keys: Vec<&Json> = json["hunks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h["keys"].as_array().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![&serde_json::json!({
            "key": "replicas", "old": 2, "new": 5, "in_old": true, "in_new": true,
            "old_set_at": {"file": "values.yaml", "line": 3, "column": null},
            "new_set_at": {"file": "--set", "line": 1, "column": null},
        })]
    );
}
