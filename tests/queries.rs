//! `--block`, `--key` and `blame` on the fixture chart and on k8s-monitoring:
//! roles, key paths, places and errors. Which keys change which blocks was
//! checked against Helm by perturbation (`tests/trace_vs_perturbation.rs`);
//! these tests pin down how the answers are reported.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::process::Command;

use trace_value::query::{self, BlameTarget, BlockMatch, KeyRow, QueryError, Role};
use trace_value::render::{render, with_large_stack, RenderError, RenderOutput, RenderRequest};

fn mini() -> PathBuf {
    common::repo_dir().join("charts-fixtures/mini-monitoring")
}

/// Render and run `f` on the result, on a large stack.
fn with_render<T: Send + 'static>(
    chart: PathBuf,
    values: Option<PathBuf>,
    release: &str,
    f: impl FnOnce(&RenderOutput) -> T + Send + 'static,
) -> T {
    let req = RenderRequest {
        chart,
        values_files: values.into_iter().collect(),
        release_name: release.to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    };
    with_large_stack(move || Ok::<T, RenderError>(f(&render(&req)?))).expect("render")
}

fn blocks(
    chart: PathBuf,
    values: Option<PathBuf>,
    release: &str,
    q: &'static str,
) -> Vec<BlockMatch> {
    with_render(chart, values, release, move |out| {
        query::block_query(out, q, None).expect("block query")
    })
}

fn row<'a>(m: &'a BlockMatch, key: &str) -> &'a KeyRow {
    m.keys.iter().find(|k| k.key == key).unwrap_or_else(|| {
        panic!(
            "{key} not in {:?}",
            m.keys.iter().map(|k| &k.key).collect::<Vec<_>>()
        )
    })
}

#[test]
fn default_values_show_the_insertion_point_of_extra_stages() {
    let m = &blocks(mini(), None, "rel", r#"loki.process "pod_logs""#)[0];
    assert_eq!(
        m.address,
        r#"alloy-logs › declare "pod_logs" › loki.process "pod_logs""#
    );
    let r = row(m, "podLogs.extraLogProcessingStages");
    assert_eq!(r.role, Role::Insert);
    assert!(r
        .read_at
        .iter()
        .any(|a| a.starts_with("charts/feature-pod-logs/templates/_processing.alloy.tpl:")));
    assert_eq!(
        r.set_at.as_deref(),
        Some("charts/feature-pod-logs/values.yaml:25")
    );
    assert_eq!(row(m, "podLogs.enabled").role, Role::Context);
    // A subchart key is reported under the parent's path, list items with their index.
    assert_eq!(row(m, "podLogs.labelsToKeep[3]").role, Role::Content);
}

#[test]
fn user_values_turn_insert_into_content_with_lines_and_loops() {
    let values = mini().join("ci/extra-stages.yaml");
    let m = &blocks(mini(), Some(values), "rel", r#"loki.process "pod_logs""#)[0];
    let r = row(m, "podLogs.extraLogProcessingStages");
    assert_eq!(r.role, Role::Content);
    assert!(r
        .set_at
        .as_deref()
        .is_some_and(|s| s.ends_with("ci/extra-stages.yaml:7")));
    assert_eq!(r.lines.len(), 5, "{r:?}");
    // The `{{ .Values.gatherMethod }}` inside the value is evaluated by tpl.
    let g = row(m, "podLogs.gatherMethod");
    assert_eq!(g.role, Role::Content);
    assert!(g.read_at.iter().any(|a| a.ends_with("(tpl)")));
    assert_eq!(row(m, "podLogs.staticLabels").role, Role::Loop);
    assert_eq!(row(m, "podLogs.dropDebugLines").role, Role::Gate);
    assert_eq!(row(m, "podLogs.staticLabels.team").role, Role::Content);
}

#[test]
fn a_block_in_two_collectors_matches_twice() {
    let ms = blocks(mini(), None, "rel", r#"loki.write "loki""#);
    let addresses: Vec<&str> = ms.iter().map(|m| m.address.as_str()).collect();
    assert_eq!(
        addresses,
        vec![
            r#"alloy-logs › loki.write "loki""#,
            r#"alloy-metrics › loki.write "loki""#
        ]
    );
    for m in &ms {
        let r = row(m, "destinations[0].url");
        assert_eq!(r.role, Role::Content);
        assert_eq!(r.set_at.as_deref(), Some("values.yaml:13"));
    }
}

#[test]
fn key_query_lists_places_and_reads() {
    let a = with_render(mini(), None, "rel", |out| {
        query::key_query(out, "destinations[0].url").expect("key")
    });
    let collectors: Vec<Option<&str>> = a
        .places
        .iter()
        .filter(|p| p.file.ends_with("alloy-config.yaml"))
        .map(|p| p.collector.as_deref())
        .collect();
    assert_eq!(collectors, vec![Some("alloy-logs"), Some("alloy-metrics")]);
    assert!(a.places.iter().all(|p| p.role == Role::Content));
    assert!(a
        .read_at
        .iter()
        .any(|r| r.starts_with("templates/_destinations.tpl:")));
    assert_eq!(a.defined_at, vec!["values.yaml:13".to_string()]);
}

#[test]
fn key_of_a_disabled_subchart_names_the_condition() {
    let a = with_render(mini(), None, "rel", |out| {
        query::key_query(out, "nodeMetrics.scrapeInterval").expect("key")
    });
    assert!(a.places.is_empty());
    let why = a.no_effect.expect("an explanation");
    assert!(why.contains("`nodeMetrics.enabled` is false"), "{why}");
    assert!(
        why.contains("charts/feature-node-metrics/templates/"),
        "{why}"
    );
}

#[test]
fn unknown_names_get_suggestions_and_distinct_errors() {
    let (block, key, bad) = with_render(mini(), None, "rel", |out| {
        (
            query::block_query(out, r#"loki.proces "pod_logs""#, None).err(),
            query::key_query(out, "podLogs.extraLogProcesingStages").err(),
            query::block_query(out, "loki.process pod_logs", None).err(),
        )
    });
    match block {
        Some(QueryError::NoBlock {
            nearest, searched, ..
        }) => {
            assert!(
                nearest
                    .iter()
                    .any(|n| n.ends_with(r#"loki.process "pod_logs""#)),
                "{nearest:?}"
            );
            assert!(searched.contains("alloy-logs"));
        }
        other => panic!("expected NoBlock, got {other:?}"),
    }
    match key {
        Some(QueryError::NoKey { nearest, .. }) => {
            assert_eq!(
                nearest.first().map(String::as_str),
                Some("podLogs.extraLogProcessingStages")
            );
        }
        other => panic!("expected NoKey, got {other:?}"),
    }
    assert!(matches!(bad, Some(QueryError::BadBlockQuery(_))));
}

#[test]
fn blame_annotates_every_line_of_a_config() {
    let lines = with_render(mini(), None, "rel", |out| {
        query::blame(out, &BlameTarget::Collector("alloy-logs".into())).expect("blame")
    });
    let url = lines
        .iter()
        .find(|l| l.text.contains("url = "))
        .expect("url line");
    assert_eq!(url.keys, vec!["destinations[0].url".to_string()]);
    assert!(url
        .template_at
        .as_deref()
        .is_some_and(|t| t.starts_with("templates/_destinations.tpl:")));
    let header = lines
        .iter()
        .find(|l| l.text.starts_with("  loki.process"))
        .expect("header");
    // The exact template line of the literal, though nindent cut it out of a larger text.
    assert_eq!(
        header.template_at.as_deref(),
        Some("charts/feature-pod-logs/templates/_processing.alloy.tpl:2")
    );
    let keep = lines
        .iter()
        .find(|l| l.text.contains("stage.label_keep"))
        .expect("label_keep");
    assert_eq!(
        keep.template_at.as_deref(),
        Some("charts/feature-pod-logs/templates/_processing.alloy.tpl:25")
    );
    assert!(header
        .gate
        .as_ref()
        .is_some_and(|(_, keys, _)| keys.contains(&"podLogs.enabled".to_string())));
}

#[test]
fn cli_exit_codes_tell_no_match_from_error() {
    let bin = env!("CARGO_BIN_EXE_trace-value");
    let chart = mini();
    let run = |args: &[&str]| {
        let out = Command::new(bin)
            .arg("--chart")
            .arg(&chart)
            .args(args)
            .output()
            .expect("run trace-value");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, _) = run(&["--block", r#"loki.process "pod_logs""#]);
    assert_eq!(code, Some(0));
    let (code, err) = run(&["--block", "nothing.here"]);
    assert_eq!(code, Some(1), "{err}");
    let (code, err) = run(&["--block", "bad query\""]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("expected NAME"), "{err}");
}

#[test]
fn k8s_monitoring_pod_logs_block() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let chart = shared.join("charts/k8s-monitoring-3.5.2");
    let values = chart.join("docs/examples/features/pod-logs/default/values.yaml");
    let m = &blocks(
        chart.clone(),
        Some(values),
        "k8smon",
        r#"loki.process "pod_logs""#,
    )[0];
    assert_eq!(m.collector, "alloy-logs");
    let r = row(m, "podLogs.extraLogProcessingStages");
    assert_eq!(r.role, Role::Insert);
    assert!(r.read_at.contains(
        &"charts/feature-pod-logs/templates/_common_log_processing.alloy.tpl:68".to_string()
    ));
    assert!(r
        .set_at
        .as_deref()
        .is_some_and(|s| s.starts_with("charts/feature-pod-logs/values.yaml:")));
    for key in [
        "podLogs.structuredMetadata",
        "podLogs.staticLabels",
        "podLogs.labelsToKeep",
        "podLogs.secretFilter.enabled",
    ] {
        assert!(row(m, key).role < Role::Context, "{key}");
    }
    assert_eq!(row(m, "podLogs.enabled").role, Role::Context);

    let values = chart.join("docs/examples/extra-rules/values.yaml");
    let m = &blocks(chart, Some(values), "k8smon", r#"loki.process "pod_logs""#)[0];
    let r = row(m, "podLogs.extraLogProcessingStages");
    assert_eq!(r.role, Role::Content);
    let stage_line = m
        .text
        .lines()
        .position(|l| l.contains("stage.json {"))
        .expect("stage.json in block");
    assert!(
        r.lines.contains(&(m.lines.0 + stage_line)),
        "{:?} vs block at {}",
        r.lines,
        m.lines.0
    );
}

#[test]
fn certificates_depend_on_the_values_they_were_made_from() {
    let chart = common::repo_dir().join("charts-fixtures/sprig-crypto");
    let lines = with_render(chart, None, "rel", |out| {
        query::blame(out, &BlameTarget::File("templates/certs.yaml".into())).expect("blame")
    });
    let line = lines
        .iter()
        .find(|l| l.text.contains("caCertB64:"))
        .expect("caCertB64 line");
    assert_eq!(
        line.keys,
        vec!["certs.commonName".to_string(), "certs.days".to_string()]
    );
}

/// An `if` or `with` whose branch rendered nothing is an insertion point
/// wherever it sits in a block, the last lines before the block's closing
/// brace included (`charts-fixtures/alloy-insert-last`, whose goldens show
/// what Helm writes there once the keys are set): `--block`, `--key` and
/// `docs` all say `insert` for that block, and `content` once the user
/// sets the key.
#[test]
fn an_empty_branch_before_the_closing_brace_is_an_insertion_point() {
    let chart = common::repo_dir().join("charts-fixtures/alloy-insert-last");
    for (values, role) in [(None, Role::Insert), (Some("ci/set.yaml"), Role::Content)] {
        let values = values.map(|v| chart.join(v));
        let (scrape, relabel, keys, effects) = with_render(chart.clone(), values, "rel", |out| {
            let one = |q: &str| {
                let mut m = query::block_query(out, q, None).expect("block query");
                assert_eq!(m.len(), 1, "{q}");
                m.remove(0)
            };
            let keys: Vec<query::KeyAnswer> = ["scrapeTimeout", "extraLabels"]
                .iter()
                .map(|k| query::key_query(out, k).expect("key"))
                .collect();
            (
                one(r#"prometheus.scrape "api""#),
                one(r#"discovery.relabel "pods""#),
                keys,
                query::key_effects(out),
            )
        });
        assert_eq!(row(&scrape, "scrapeTimeout").role, role);
        let labels = if role == Role::Insert {
            "extraLabels"
        } else {
            "extraLabels.team"
        };
        assert_eq!(row(&relabel, labels).role, role);
        for (k, block) in keys
            .iter()
            .zip([r#"prometheus.scrape "api""#, r#"discovery.relabel "pods""#])
        {
            assert!(
                k.places
                    .iter()
                    .any(|p| p.block.as_deref().is_some_and(|b| b.starts_with(block))
                        && p.role <= role
                        && (role != Role::Insert || p.attribute.is_none())),
                "{}: {:?}",
                k.key,
                k.places
            );
        }
        let in_block = |key: &str, block: &str| {
            effects
                .get(key)
                .is_some_and(|es| es.iter().any(|e| e.block == block && e.role == role))
        };
        assert!(
            in_block("scrapeTimeout", r#"prometheus.scrape "api""#),
            "{effects:?}"
        );
        assert!(
            in_block(labels, r#"discovery.relabel "pods""#),
            "{effects:?}"
        );
    }
}

fn pass_through() -> PathBuf {
    common::repo_dir().join("charts-fixtures/pass-through-keys")
}

/// `index`, `default`, `dig`, `get`, `pluck`, `first`, `last`, `ternary`
/// and `coalesce` give back a stored value: `blame` and `--resource` name
/// its own key (plus the key that decided, for `default`, `ternary` and
/// `coalesce`), and `--key` finds the line that looked it up.
#[test]
fn pass_through_functions_keep_the_key_of_the_value() {
    let (lines, resource, key) = with_render(pass_through(), None, "rel", |out| {
        let lines = query::blame(out, &BlameTarget::File("templates/configmap.yaml".into()))
            .expect("blame");
        let index = trace_value::model::index::Index::new(out);
        let resource: Vec<(String, Vec<(String, Role)>)> =
            query::resource_query(&index, "ConfigMap/rel-pass-through", None)
                .expect("resource")
                .into_iter()
                .flat_map(|m| m.paths)
                .map(|p| {
                    (
                        p.path,
                        p.keys.into_iter().map(|k| (k.key, k.role)).collect(),
                    )
                })
                .collect();
        let key = query::key_query(out, "settings.image.tag").expect("key");
        (lines, resource, key)
    });
    let keys_of = |field: &str| -> Vec<String> {
        lines
            .iter()
            .find(|l| l.text.starts_with(&format!("  {field}:")))
            .unwrap_or_else(|| panic!("no line {field}"))
            .keys
            .clone()
    };
    let expected: &[(&str, &[&str])] = &[
        ("index", &["settings.image.registry"]),
        ("default", &["settings.image.tag", "settings.blank"]),
        ("dig", &["settings.image.tag"]),
        ("get", &["settings.image.registry"]),
        ("pluck", &["maps.one.name"]),
        ("last", &["items[1]"]),
        ("ternary", &["maps.one.name", "settings.enabled"]),
        ("coalesce", &["maps.two.name", "settings.blank"]),
    ];
    for (field, want) in expected {
        // blame names the key printed on the line.
        assert_eq!(
            keys_of(field),
            vec![want[0].to_string()],
            "blame of data.{field}"
        );
        let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
        want.sort();
        let path = format!("data.{field}");
        let (_, rows) = resource
            .iter()
            .find(|(p, _)| *p == path)
            .unwrap_or_else(|| panic!("--resource: no {path} in {resource:?}"));
        let mut got: Vec<String> = rows.iter().map(|(k, _)| k.clone()).collect();
        got.sort();
        assert_eq!(got, want, "--resource of {path}");
        // The value printed is content, what decided is a gate.
        assert_eq!(
            rows.iter()
                .find(|(_, r)| *r == Role::Content)
                .map(|(k, _)| k.as_str()),
            Some(match *field {
                "index" | "get" => "settings.image.registry",
                "default" | "dig" => "settings.image.tag",
                "pluck" | "ternary" => "maps.one.name",
                "last" => "items[1]",
                _ => "maps.two.name",
            })
        );
    }
    // Read by `index` on line 7 and by `dig` on line 8.
    assert_eq!(
        key.read_at,
        vec![
            "templates/configmap.yaml:7".to_string(),
            "templates/configmap.yaml:8".to_string()
        ]
    );
    let mut fields: Vec<&str> = key.manifest.iter().map(|m| m.path.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(fields, vec!["data.default", "data.dig"]);
}

/// A key read below a value that `index`, `get`, `dig`, `default`,
/// `coalesce`, `ternary` or `first` gave back is named by its full path, even
/// when the key (or the one above it) is not set: `(index .Values.global
/// "image") | default dict` stands at `global.image`, so `.pullSecrets` on
/// it reads `global.image.pullSecrets` (k8s-monitoring 3.5.2's hooks), and
/// a `ternary` condition is no map the key is read from. Checked with the
/// oracle: `--set K=x` changes the render for every key listed, and not for
/// `global.pullSecrets` (what the trace named before).
#[test]
fn keys_read_below_pass_through_functions_have_their_full_path() {
    let missing = with_render(pass_through(), None, "rel", |out| {
        trace_value::docs::sets::findings(out, "default")
            .missing
            .into_iter()
            .map(|(k, at)| (k, at.rsplit(':').next().unwrap_or("").to_string()))
            .collect::<Vec<(String, String)>>()
    });
    let want = [
        ("global.image.pullSecrets", "14"),
        ("maps.one.extra", "32"),
        ("maps.one.label", "26"),
        ("maps.two.tier", "29"),
        ("servers[0].port", "35"),
        ("settings.empty.extra", "32"),
        ("settings.empty.tier", "29"),
        ("settings.extra.note", "23"),
        ("settings.image.proxy.host", "20"),
        ("settings.image.pullPolicy", "17"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(k, l)| (k.to_string(), l.to_string()))
        .collect();
    assert_eq!(missing, want);
}
