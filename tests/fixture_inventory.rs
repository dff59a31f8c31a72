//! Checks on the fixture charts and their goldens that need no renderer:
//! every chart and values file has a golden and every golden a chart, error
//! fixtures (and only they) hold errors, the values files carry helm-docs
//! comments, and mini-monitoring's goldens hold the `loki.process "pod_logs"`
//! block inside a ConfigMap's `config.alloy: |`.

mod common;

use std::collections::BTreeSet;

use common::{fixture_goldens, repo_dir, Expected, Golden};

/// The charts under `charts-fixtures/` (and `charts-fixtures/errors/`), as
/// paths relative to the repository.
fn fixture_charts() -> BTreeSet<String> {
    let root = repo_dir().join("charts-fixtures");
    let mut charts = BTreeSet::new();
    for dir in [root.clone(), root.join("errors")] {
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path();
            if path.join("Chart.yaml").is_file() {
                let rel = path.strip_prefix(repo_dir()).unwrap_or(&path);
                charts.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    charts
}

/// The values files of a chart that get a golden: `None` (values.yaml only)
/// and every `ci/*.yaml`.
fn values_variants(chart: &str) -> BTreeSet<Option<String>> {
    let mut variants = BTreeSet::from([None]);
    let ci = repo_dir().join(chart).join("ci");
    if let Ok(entries) = std::fs::read_dir(&ci) {
        for entry in entries {
            let path = entry
                .unwrap_or_else(|e| panic!("{}: {e}", ci.display()))
                .path();
            if path.extension().is_some_and(|e| e == "yaml") {
                let file = path.file_name().unwrap_or_default().to_string_lossy();
                variants.insert(Some(format!("ci/{file}")));
            }
        }
    }
    variants
}

#[test]
fn every_chart_and_values_file_has_exactly_one_golden() {
    let goldens = fixture_goldens();
    let recorded: BTreeSet<(String, Option<String>)> = goldens
        .iter()
        .map(|g| {
            let chart = g
                .chart
                .clone()
                .unwrap_or_else(|| panic!("{}: no `chart`", g.name));
            (chart, g.values.clone())
        })
        .collect();
    assert_eq!(
        recorded.len(),
        goldens.len(),
        "two goldens record the same render"
    );
    let wanted: BTreeSet<(String, Option<String>)> = fixture_charts()
        .into_iter()
        .flat_map(|chart| {
            values_variants(&chart)
                .into_iter()
                .map(move |values| (chart.clone(), values))
        })
        .collect();
    let missing: Vec<_> = wanted.difference(&recorded).collect();
    let stale: Vec<_> = recorded.difference(&wanted).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "run scripts/regen-goldens.sh: missing goldens {missing:?}, stale goldens {stale:?}"
    );
    assert!(goldens.len() >= 30, "only {} goldens", goldens.len());
}

#[test]
fn goldens_use_one_release_and_namespace() {
    for golden in fixture_goldens() {
        assert_eq!(
            (golden.release.as_str(), golden.namespace.as_str()),
            ("rel", "default"),
            "{}",
            golden.name
        );
    }
}

#[test]
fn only_error_fixtures_fail() {
    let goldens = fixture_goldens();
    for golden in &goldens {
        let is_error_fixture = golden.name.starts_with("errors/");
        match &golden.expected {
            Expected::Files(files) => {
                assert!(!is_error_fixture, "{}: error fixture rendered", golden.name);
                assert!(!files.is_empty(), "{}: rendered nothing", golden.name);
            }
            Expected::Error(message) => {
                assert!(is_error_fixture, "{}: failed: {message}", golden.name);
            }
        }
    }
    let errors = goldens
        .iter()
        .filter(|g| g.name.starts_with("errors/"))
        .count();
    assert_eq!(errors, 14, "error fixtures");
}

#[test]
fn error_goldens_hold_helms_messages() {
    // A few messages whose exact wording the oracle gave; they pin down the
    // golden format (no trailing newline, one message per golden).
    let cases = [
        (
            "errors/fail/default",
            "execution error at (fail/templates/configmap.yaml:6:6): mode \"strict\" is not supported",
        ),
        (
            "errors/parse-error/default",
            "parse error at (parse-error/templates/configmap.yaml:5): function \"nofunc\" not defined",
        ),
        (
            "errors/nil-field/default",
            "nil-field/templates/configmap.yaml:5:20\n  executing \"nil-field/templates/configmap.yaml\" at <.Values.nope.deeper>:\n    nil pointer evaluating interface {}.deeper",
        ),
    ];
    for (name, message) in cases {
        assert_eq!(
            golden(name).expected,
            Expected::Error(message.to_owned()),
            "{name}"
        );
    }
}

/// Every values file of the fixtures documents its keys the helm-docs way.
#[test]
fn values_files_carry_helm_docs_comments() {
    for chart in fixture_charts() {
        let dir = repo_dir().join(&chart);
        let mut files = vec![dir.join("values.yaml")];
        files.extend(
            values_variants(&chart)
                .into_iter()
                .flatten()
                .map(|v| dir.join(v)),
        );
        for sub in std::fs::read_dir(dir.join("charts")).into_iter().flatten() {
            let sub = sub.unwrap_or_else(|e| panic!("{chart}: {e}")).path();
            files.push(sub.join("values.yaml"));
        }
        for file in files {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            if text
                .lines()
                .all(|l| l.trim().is_empty() || l.trim() == "---" || l.trim().starts_with('#'))
            {
                continue;
            }
            for marker in ["# -- ", "# @section -- "] {
                assert!(
                    text.contains(marker),
                    "{}: no `{marker}` comment",
                    file.display()
                );
            }
        }
    }
}

/// The `config.alloy: |` block scalars of a golden's files: the lines of each,
/// without their indentation.
fn config_alloy_blocks(golden: &Golden) -> Vec<Vec<String>> {
    let Expected::Files(files) = &golden.expected else {
        panic!("{}: not rendered", golden.name);
    };
    let mut blocks = Vec::new();
    for text in files.values() {
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some(key_indent) = line.find("config.alloy: |") else {
                continue;
            };
            let mut block = Vec::new();
            for content in lines.by_ref() {
                let indent = content.len() - content.trim_start().len();
                if !content.trim().is_empty() && indent <= key_indent {
                    break;
                }
                block.push(content.trim().to_owned());
            }
            blocks.push(block);
        }
    }
    blocks
}

fn golden(name: &str) -> Golden {
    fixture_goldens()
        .into_iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no golden {name}"))
}

#[test]
fn mini_monitoring_writes_pod_logs_block_into_config_alloy() {
    for name in ["mini-monitoring/default", "mini-monitoring/extra-stages"] {
        let blocks = config_alloy_blocks(&golden(name));
        assert_eq!(blocks.len(), 2, "{name}: one config.alloy per collector");
        let with_pod_logs = blocks
            .iter()
            .filter(|b| b.iter().any(|l| l == "loki.process \"pod_logs\" {"))
            .count();
        assert_eq!(
            with_pod_logs, 1,
            "{name}: loki.process \"pod_logs\" in one collector"
        );
        // The destination block occurs in both collectors.
        for block in &blocks {
            assert!(block.iter().any(|l| l == "loki.write \"loki\" {"), "{name}");
        }
    }
}

#[test]
fn mini_monitoring_extra_stages_land_inside_loki_process() {
    let blocks = config_alloy_blocks(&golden("mini-monitoring/extra-stages"));
    let block = blocks
        .iter()
        .find(|b| b.iter().any(|l| l == "loki.process \"pod_logs\" {"))
        .unwrap_or_else(|| panic!("no pod_logs block"));
    let start = block
        .iter()
        .position(|l| l == "loki.process \"pod_logs\" {")
        .unwrap_or(0);
    let end = start
        + block[start..]
            .iter()
            .position(|l| l == "forward_to = argument.logs_destinations.value")
            .unwrap_or_else(|| panic!("loki.process \"pod_logs\" has no forward_to"));
    // `{{ .Values.gatherMethod }}` in the value was evaluated by tpl.
    assert!(block[start..end]
        .iter()
        .any(|l| l == "gather_method = \"volumes\","));
    let default = config_alloy_blocks(&golden("mini-monitoring/default"));
    assert!(!default
        .iter()
        .flatten()
        .any(|l| l.contains("gather_method")));
}

#[test]
fn first_difference_names_file_and_line() {
    use std::collections::BTreeMap;
    let a = BTreeMap::from([("t.yaml".to_owned(), "a\nb\nc\n".to_owned())]);
    let b = BTreeMap::from([("t.yaml".to_owned(), "a\nB\nc\n".to_owned())]);
    assert_eq!(common::first_difference(&a, &a), None);
    let report = common::first_difference(&a, &b).unwrap_or_default();
    assert!(
        report.starts_with("t.yaml: first difference at line 2"),
        "{report}"
    );
    assert!(
        report.contains(">    2 | \"b\\n\"") && report.contains(">    2 | \"B\\n\""),
        "{report}"
    );
    let c = BTreeMap::from([("u.yaml".to_owned(), String::new())]);
    assert_eq!(
        common::first_difference(&a, &c).as_deref(),
        Some("t.yaml: missing from the render")
    );
}

#[test]
fn compare_render_reports_each_kind_of_mismatch() {
    use std::collections::BTreeMap;
    let files = BTreeMap::from([("t.yaml".to_owned(), "a\n".to_owned())]);
    let rendered = Expected::Files(files.clone());
    let failed = Expected::Error("boom".to_owned());
    let ok = |f: &BTreeMap<String, String>| Ok::<_, String>(f.clone());
    let err = |m: &str| Err::<BTreeMap<String, String>, _>(m.to_owned());
    assert_eq!(common::compare_render(&rendered, ok(&files)), None);
    assert_eq!(common::compare_render(&failed, err("boom")), None);
    assert_eq!(
        common::compare_render(&rendered, err("no")).as_deref(),
        Some("Helm renders, trace-value fails: no")
    );
    assert_eq!(
        common::compare_render(&failed, ok(&files)).as_deref(),
        Some("Helm fails, trace-value renders; Helm says: boom")
    );
    assert_eq!(
        common::compare_render(&failed, err("bang")).as_deref(),
        Some("the error differs\n--- helm (golden)\nboom\n+++ trace-value\nbang")
    );
    let long = "x".repeat(5000);
    let report = common::compare_render(&failed, err(&long)).unwrap_or_default();
    assert!(report.ends_with("… (5000 bytes in all)"), "{report}");
}
