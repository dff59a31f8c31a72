//! `docs` (the values reference), `check` (values that change nothing) and
//! `lint` (the chart's documentation against what templates read).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use trace_value::docs::check::{check, FindingKind};
use trace_value::docs::findings;
use trace_value::docs::lint::lint;
use trace_value::docs::{reference, survey, Survey};
use trace_value::render::RenderRequest;

fn request(chart: PathBuf, values: Vec<PathBuf>, release: &str) -> RenderRequest {
    RenderRequest {
        chart,
        values_files: values,
        release_name: release.to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    }
}

fn fixture(name: &str) -> PathBuf {
    common::repo_dir().join("charts-fixtures").join(name)
}

fn mini_reference() -> String {
    let chart = fixture("mini-monitoring");
    let s: Survey = survey(
        &request(chart.clone(), vec![], "release-name"),
        &[chart.join("ci")],
    )
    .expect("survey");
    reference::markdown(&s.chart_name, &s.keys, &s.sets)
}

/// `docs/mini-monitoring-values.md` is what
/// `trace-value docs --chart charts-fixtures/mini-monitoring --values-dir charts-fixtures/mini-monitoring/ci`
/// prints today, and two runs print the same bytes.
#[test]
fn committed_reference_is_up_to_date_and_deterministic() {
    let fresh = mini_reference();
    assert_eq!(fresh, mini_reference(), "two runs differ");
    let committed =
        std::fs::read_to_string(common::repo_dir().join("docs/mini-monitoring-values.md"))
            .expect("docs/mini-monitoring-values.md");
    assert!(
        committed == fresh,
        "docs/mini-monitoring-values.md is out of date: regenerate it with\n  cargo run --release -- docs --chart charts-fixtures/mini-monitoring --values-dir charts-fixtures/mini-monitoring/ci --out docs/mini-monitoring-values.md"
    );
    // Sections become headings and every table has the five columns.
    assert!(fresh.contains("\n## Features - Pod Logs\n"));
    assert!(fresh.contains("| Key | Type | Default | Description | Renders into |"));
}

/// `check` judges only the user's keys: the typo, with the read key of a
/// close name under the same parent; the chart's misnamed key is `lint`'s.
#[test]
fn check_finds_the_typo_and_lint_the_misnamed_key() {
    let chart = fixture("misnamed-key");
    let s = survey(
        &request(chart.clone(), vec![chart.join("ci/typo.yaml")], "rel"),
        &[],
    )
    .expect("survey");
    let found = check(&s.sets);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, FindingKind::UnusedUserKey);
    assert_eq!(found[0].key, "kubelet.scrapInterval");
    assert!(found[0].at.ends_with("ci/typo.yaml:5:3"), "{}", found[0].at);
    assert_eq!(
        found[0].hint.as_deref(),
        Some("did you mean `kubelet.scrapeInterval`?")
    );

    let found = lint(&chart, &s).findings;
    assert_eq!(found.len(), 1, "{found:?}");
    let misnamed = &found[0];
    assert_eq!(misnamed.kind, FindingKind::ReadUnderAnotherName);
    assert_eq!(misnamed.key, "kubelet.extraDiscoveryRules");
    assert!(
        misnamed.at.ends_with("misnamed-key/values.yaml:7"),
        "{}",
        misnamed.at
    );
    assert!(misnamed
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("`kubelet.extraRelabelingRules`")
            && h.contains("templates/configmap.yaml:11")));
}

/// A key the user set to `null` is deleted (with its default) by Helm:
/// `check` judges the deletion like any other value. Every deletion of
/// `charts-fixtures/null-deletion/ci/nulls.yaml` changes Helm's render (its
/// golden against the default one) except `ignored`, which a template reads
/// into a variable nothing prints: only that one has no effect.
#[test]
fn check_judges_a_null_by_what_its_deletion_changes() {
    let chart = fixture("null-deletion");
    let s = survey(
        &request(chart.clone(), vec![chart.join("ci/nulls.yaml")], "rel"),
        &[],
    )
    .expect("survey");
    let found = check(&s.sets);
    let keys: Vec<(&str, FindingKind)> = found.iter().map(|f| (f.key.as_str(), f.kind)).collect();
    assert_eq!(
        keys,
        vec![("ignored", FindingKind::ReadWithoutEffect)],
        "{found:?}"
    );
    assert!(
        found[0].at.ends_with("ci/nulls.yaml:8:1"),
        "{}",
        found[0].at
    );
}

/// SARIF 2.1.0 as GitHub code scanning reads it: version, schema, a rule per
/// problem, and each result on its line of the values file.
#[test]
fn sarif_output_has_rules_and_located_results() {
    let chart = fixture("misnamed-key");
    let s = survey(
        &request(chart.clone(), vec![chart.join("ci/typo.yaml")], "rel"),
        &[],
    )
    .expect("survey");
    let mut all = check(&s.sets);
    all.extend(lint(&chart, &s).findings);
    let log = findings::sarif(&all, "trace-value check");
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"]
        .as_str()
        .is_some_and(|s| s.contains("sarif-2.1.0")));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "rule ids are unique: {ids:?}");
    assert_eq!(ids.len(), findings::Rule::ALL.len());
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    for (r, f) in results.iter().zip(&all) {
        let id = r["ruleId"].as_str().expect("ruleId");
        assert!(ids.contains(&id));
        assert_eq!(id, f.kind.id());
        let index = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], id);
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        let line = loc["region"]["startLine"].as_u64().expect("startLine");
        assert!(line >= 1);
        // The line named holds the key's last name.
        let name = f.key.rsplit('.').next().expect("name");
        let path = uri.strip_prefix("file://").unwrap_or(uri);
        let text = std::fs::read_to_string(path).expect("uri names the values file");
        let at = text.lines().nth(line as usize - 1).expect("line in file");
        assert!(
            at.trim_start().starts_with(&format!("{name}:")),
            "{uri}:{line}: {at}"
        );
        if let Some(col) = loc["region"]["startColumn"].as_u64() {
            assert_eq!(at.len() - at.trim_start().len() + 1, col as usize);
        }
    }
}

#[test]
fn k8s_monitoring_reference_names_the_pod_logs_block() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let chart = shared.join("charts/k8s-monitoring-3.5.2");
    // Two of the examples stand in for the 66 (the CLI renders them all).
    let dir = std::env::temp_dir().join(format!("trace-value-docs-{}", std::process::id()));
    for example in ["extra-rules", "features/pod-logs/default"] {
        let to = dir.join(example);
        std::fs::create_dir_all(&to).unwrap();
        std::fs::copy(
            chart
                .join("docs/examples")
                .join(example)
                .join("values.yaml"),
            to.join("values.yaml"),
        )
        .unwrap();
    }
    let s = survey(
        &request(chart, vec![], "k8smon"),
        std::slice::from_ref(&dir),
    )
    .expect("survey");
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(
        s.skipped.len(),
        1,
        "the chart's defaults do not render (no cluster name)"
    );
    let md = reference::markdown(&s.chart_name, &s.keys, &s.sets);
    // The subchart's keys come under its alias, in the sections its values.yaml names.
    let subchart = md
        .split("\n## ")
        .find(|sec| sec.starts_with("Subchart podLogs (feature-pod-logs)\n"))
        .expect("subchart");
    let section = subchart
        .split("\n### ")
        .find(|sec| sec.starts_with("Log Processing\n"))
        .expect("section");
    let row = section
        .lines()
        .find(|l| l.starts_with("| `podLogs.extraLogProcessingStages` |"))
        .expect("row");
    assert!(
        row.contains("`loki.process \"pod_logs\"` in alloy-logs ("),
        "{row}"
    );
    assert!(row.contains("content in extra-rules"), "{row}");
    assert!(row.contains("insert in features/pod-logs/default"), "{row}");
}

/// Value sets render on two threads; when several fail, the error is the
/// one of the first failing set in name order, as one after the other gives.
#[test]
fn the_first_failing_value_set_is_reported() {
    let chart = fixture("errors/fail");
    for (bad, first) in [
        (&["c", "d"][..], "c"),
        (&["b", "c"][..], "b"),
        (&["e"][..], "e"),
    ] {
        let dir = std::env::temp_dir().join(format!(
            "trace-value-sets-{}-{}",
            std::process::id(),
            bad.join("")
        ));
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["a", "b", "c", "d", "e"] {
            let mode = if bad.contains(&name) {
                format!("{name}-bad")
            } else {
                "yes-please".to_string()
            };
            std::fs::write(dir.join(format!("{name}.yaml")), format!("mode: {mode}\n")).unwrap();
        }
        let result = survey(
            &request(chart.clone(), vec![], "rel"),
            std::slice::from_ref(&dir),
        );
        std::fs::remove_dir_all(&dir).unwrap();
        let Err(trace_value::docs::DocsError::Render { set, error }) = result else {
            panic!("{bad:?}: expected a render error");
        };
        assert_eq!(set, first, "{bad:?}");
        assert!(
            error
                .to_string()
                .contains(&format!("mode \"{first}-bad\" is not supported")),
            "{bad:?}: {error}"
        );
    }
}

/// The precision test: on every correct k8s-monitoring example, `check`
/// reports exactly the findings `scripts/verify_check.py` recorded, and each
/// of them is true: changing that key in the example's values left Helm's
/// own render (the oracle) unchanged.
#[test]
fn check_on_the_k8s_monitoring_examples_reports_only_true_findings() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let chart = shared.join("charts/k8s-monitoring-3.5.2");
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo_dir().join("testdata/check-precision.json"))
            .expect("testdata/check-precision.json"),
    )
    .expect("JSON");
    let examples = data["examples"].as_object().expect("examples");
    assert!(!examples.is_empty());
    for (name, recorded) in examples {
        let recorded = recorded.as_array().expect("an example's findings");
        for r in recorded {
            assert_eq!(
                r["changed"],
                serde_json::json!(false),
                "{name}: a false finding (Helm's output changed): {r}"
            );
        }
        let values = chart.join("docs/examples").join(name).join("values.yaml");
        let s = survey(&request(chart.clone(), vec![values], "k8smon"), &[]).expect(name);
        let mut found: Vec<(String, String)> = check(&s.sets)
            .iter()
            .map(|f| (f.key.clone(), f.kind.id().to_string()))
            .collect();
        let mut expected: Vec<(String, String)> = recorded
            .iter()
            .map(|r| {
                (
                    r["key"].as_str().unwrap_or("").to_string(),
                    r["rule"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        found.sort();
        expected.sort();
        assert_eq!(
            found, expected,
            "{name}: check's findings differ from the verified ones (run scripts/verify_check.py)"
        );
    }
}

/// The lint ratchet: over k8s-monitoring 3.5.2's defaults and its 66
/// examples, `lint` reports exactly the findings recorded in
/// testdata/lint-k8s-monitoring.json (a sample checked with the oracle,
/// noted there) and leaves exactly as many documented keys unjudged. A change
/// of lint's rules shows here as a list to re-check, not as a silent drift.
#[test]
fn lint_on_the_k8s_monitoring_examples_reports_the_recorded_findings() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let chart = shared.join("charts/k8s-monitoring-3.5.2");
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo_dir().join("testdata/lint-k8s-monitoring.json"))
            .expect("testdata/lint-k8s-monitoring.json"),
    )
    .expect("JSON");
    let s = trace_value::docs::survey_lenient(
        &request(chart.clone(), vec![], "k8smon"),
        &[chart.join("docs/examples")],
    )
    .expect("survey");
    // The defaults fail the chart's own validation; the 66 examples render.
    assert_eq!(s.sets.len(), 66, "{:?}", s.skipped);
    let report = lint(&chart, &s);
    let found: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| (f.kind.id().to_string(), f.key.clone()))
        .collect();
    let recorded: Vec<(String, String)> = data["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap_or("").to_string(),
                r["key"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        found, recorded,
        "lint's findings on the examples changed: check the new ones with the oracle and update testdata/lint-k8s-monitoring.json"
    );
    assert_eq!(
        report.unjudged.len() as u64,
        data["unjudged"].as_u64().expect("unjudged"),
        "{:?}",
        report.unjudged
    );
}
