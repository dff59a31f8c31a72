//! `trace-value migrate`, on the fixture pairs and on k8s-monitoring.
//!
//! The ratchet: each of the 62 examples that k8s-monitoring 3.5.2 and
//! 4.4.0 share is migrated from 3.5.2 to 4.4.0, leaving out the 4.4.0
//! example of the same name (the chart authors' own migration, the answer)
//! from what `migrate` learns; the Alloy components of the migrated render
//! are matched against those of the authors' 4.4.0 example (same
//! `name "label"` and same normalised body: lines trimmed, blank lines
//! dropped, runs of blanks made one; as multisets, see
//! `trace_value::migrate::components`). `testdata/migrate-ratchet.txt`
//! holds each example's matched and total components; the test fails when
//! an example matches fewer than its committed figure
//! (`UPDATE_RATCHET=1` rewrites the file). Every key of every example's
//! values must be in the report, carried into the written values or dropped
//! with a reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value as Json;
use trace_value::migrate::{self, components, tree, Learned, Outcome};
use trace_value::render::{render_loaded, LoadedChart, RenderRequest, RENDER_STACK_BYTES};

use super::common;

/// Every user key is in the report; carried keys are in the values.
pub fn assert_reported(user: &Json, m: &migrate::Migration, name: &str) {
    let leaves: Vec<String> = tree::leaves(user)
        .iter()
        .map(|(p, _)| tree::fmt(p))
        .collect();
    let reported: Vec<&str> = m.keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(
        reported, leaves,
        "{name}: the report must list every user key"
    );
    for k in &m.keys {
        match &k.outcome {
            Outcome::Carried(to) | Outcome::Decision { to, .. } => {
                assert!(!to.is_empty(), "{name}: {} carried nowhere", k.key);
                for (nk, v) in to {
                    if nk.ends_with(" (map key)") {
                        continue;
                    }
                    let got = tree::get(&m.values, &tree::parse(nk));
                    assert_eq!(got, Some(v), "{name}: {} carried to {nk}", k.key);
                }
            }
            Outcome::Dropped(why) => assert!(!why.is_empty(), "{name}: {} dropped", k.key),
        }
    }
}

fn values_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() == "values.yaml")
        .filter_map(|e| {
            e.path()
                .strip_prefix(dir)
                .ok()
                .map(|p| p.display().to_string())
        })
        .collect();
    out.sort();
    out
}

fn request(chart: &Path, values: Option<PathBuf>) -> RenderRequest {
    RenderRequest {
        chart: chart.to_path_buf(),
        values_files: values.into_iter().collect(),
        release_name: "k8smon".into(),
        namespace: "default".into(),
        ..RenderRequest::default()
    }
}

/// (example, matched, total) for the examples of `names`.
fn migrate_examples(
    old_dir: PathBuf,
    new_dir: PathBuf,
    learned: std::sync::Arc<Learned>,
    names: Vec<String>,
) -> Vec<(String, usize, usize, usize)> {
    let old_chart = LoadedChart::load(&old_dir).expect("old chart");
    let new_chart = LoadedChart::load(&new_dir).expect("new chart");
    let base = request(&new_dir, None);
    let mut out = Vec::new();
    for name in names {
        let old_values = old_dir.join("docs/examples").join(&name);
        let new_values = new_dir.join("docs/examples").join(&name);
        let req = request(&old_dir, Some(old_values));
        let old = render_loaded(&old_chart, &req).expect("old render");
        let user = migrate::user_values(&req).expect("user values");
        let excluded = new_values.display().to_string();
        let expected = learned
            .sets
            .iter()
            .find(|s| s.name == excluded)
            .map(|s| s.comps.clone())
            .expect("the 4.4.0 example renders");
        let side = migrate::NewSide {
            chart: &new_chart,
            base: &base,
            learned: &learned,
        };
        let opts = migrate::Options {
            exclude: vec![excluded],
            ..migrate::Options::default()
        };
        let m = match migrate::migrate(&old, &user, &side, &opts) {
            Ok(m) => m,
            Err(e) => {
                // Counted as nothing matched.
                eprintln!(
                    "{name}: {}",
                    e.to_string().lines().take(3).collect::<Vec<_>>().join(" ")
                );
                out.push((name, 0, expected.len(), 0));
                continue;
            }
        };
        assert_reported(&user, &m, &name);
        let got = components::components(&m.render);
        let matched = components::matched(&expected, &got);
        out.push((name, matched, expected.len(), m.renders));
        std::mem::forget((old, m));
    }
    out
}

#[test]
fn k8s_monitoring_examples_ratchet() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let old_dir = shared.join("charts/k8s-monitoring-3.5.2");
    let new_dir = shared.join("corpus/charts/k8s-monitoring-4.4.0");
    let old_names = values_files(&old_dir.join("docs/examples"));
    let new_names = values_files(&new_dir.join("docs/examples"));
    let names: Vec<String> = old_names
        .iter()
        .filter(|n| new_names.contains(n))
        .cloned()
        .collect();
    assert_eq!(names.len(), 62, "shared examples");
    let start = Instant::now();
    let only = std::env::var("MIGRATE_ONLY").ok();
    // Unoptimised, a 4.4.0 render takes about a second: a debug build checks
    // every eighth example, `cargo test --release` all of them.
    let step = if cfg!(debug_assertions) && std::env::var_os("MIGRATE_ALL").is_none() {
        8
    } else {
        1
    };
    let names: Vec<String> = names
        .into_iter()
        .step_by(step)
        .filter(|n| only.as_ref().is_none_or(|o| n.contains(o.as_str())))
        .collect();

    // Learn 4.4.0 once from all its examples; each migration leaves its own out.
    let learn_dir = new_dir.clone();
    let learned = std::thread::Builder::new()
        .stack_size(RENDER_STACK_BYTES)
        .spawn(move || {
            let chart = LoadedChart::load(&learn_dir).expect("new chart");
            let base = request(&learn_dir, None);
            migrate::learn(&chart, &base, &migrate::example_values(&learn_dir))
        })
        .expect("thread")
        .join()
        .expect("learning");
    let learned = std::sync::Arc::new(learned);
    let learn_time = start.elapsed();

    // Two threads (the machine has two cores), each with its own charts.
    let halves: Vec<Vec<String>> = (0..2)
        .map(|k| names.iter().skip(k).step_by(2).cloned().collect())
        .collect();
    let handles: Vec<_> = halves
        .into_iter()
        .map(|part| {
            let (o, n, l) = (old_dir.clone(), new_dir.clone(), learned.clone());
            std::thread::Builder::new()
                .stack_size(RENDER_STACK_BYTES)
                .spawn(move || migrate_examples(o, n, l, part))
                .expect("thread")
        })
        .collect();
    let mut results: Vec<(String, usize, usize, usize)> = Vec::new();
    for h in handles {
        results.extend(h.join().expect("migration thread"));
    }
    results.sort();

    let file = common::repo_dir().join("testdata/migrate-ratchet.txt");
    let committed: BTreeMap<String, usize> = std::fs::read_to_string(&file)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let name = f.next()?.to_string();
            let matched = f.next()?.parse().ok()?;
            Some((name, matched))
        })
        .collect();
    let (mut m_all, mut t_all, mut renders) = (0, 0, 0);
    let mut text = String::from(
        "# k8s-monitoring 3.5.2 examples migrated to 4.4.0: Alloy components matched\n\
         # against the chart authors' 4.4.0 example (tests/migrate/mod.rs).\n\
         # example matched total\n",
    );
    let mut dropped = Vec::new();
    for (name, matched, total, r) in &results {
        m_all += matched;
        t_all += total;
        renders += r;
        text.push_str(&format!("{name} {matched} {total}\n"));
        if let Some(&c) = committed.get(name) {
            if *matched < c {
                dropped.push(format!("{name}: {matched} of {total}, committed {c}"));
            }
        }
    }
    eprintln!(
        "migrate ratchet: {m_all} of {t_all} components matched ({:.1}%) over {} examples; \
         {renders} renders of 4.4.0; learning {:.1?}, total {:.1?}",
        100.0 * m_all as f64 / t_all.max(1) as f64,
        results.len(),
        learn_time,
        start.elapsed()
    );
    if std::env::var_os("UPDATE_RATCHET").is_some() && only.is_none() && step == 1 {
        std::fs::write(&file, &text).expect("write ratchet");
    }
    assert!(
        dropped.is_empty(),
        "examples matching fewer components than committed:\n{}",
        dropped.join("\n")
    );
}

/// `trace-value migrate ARGS --format json`: exit code and JSON.
fn migrate_json(args: &[&str]) -> (i32, Json) {
    super::command_json("migrate", args)
}

/// The files of a fixture golden (made by the oracle).
fn golden_files(name: &str) -> BTreeMap<String, String> {
    let path = common::repo_dir().join("testdata/goldens").join(name);
    let json: Json =
        serde_json::from_str(&std::fs::read_to_string(path).expect("golden")).expect("golden JSON");
    json["files"]
        .as_object()
        .expect("files")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("text").to_string()))
        .collect()
}

/// migrate-v1 → migrate-v2: a key renamed (`logLevel` → `logging.level`), a
/// list turned into a map (`destinations`), a feature split in two
/// (`podLogs` → `podLogsViaLoki` or `podLogsViaFiles`) and a key version 2
/// dropped (`legacyMode`). The migrated values render, with version 2,
/// exactly what Helm rendered for the user's values with version 1.
#[test]
fn fixture_migration_renders_what_version_1_rendered() {
    let dir = std::env::temp_dir().join(format!("tv-migrate-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out_file = dir.join("new-values.yaml");
    let _ = std::fs::remove_file(&out_file);
    let out_arg = out_file.to_str().expect("path");
    let args = [
        "rel",
        "charts-fixtures/migrate-v1",
        "-f",
        "charts-fixtures/migrate-v1/ci/user.yaml",
        "--new-chart",
        "charts-fixtures/migrate-v2",
        "-o",
        out_arg,
    ];
    let (code, json) = migrate_json(&args);
    assert_eq!(code, 0, "equal renders exit 0: {json:#}");
    assert_eq!(json["equal"], true);
    assert_eq!(json["components"]["old"], 5);
    assert_eq!(json["components"]["matched"], 5);
    let keys = json["keys"].as_array().expect("keys");
    let find = |k: &str| {
        keys.iter()
            .find(|e| e["key"] == k)
            .unwrap_or_else(|| panic!("{k} not reported: {json:#}"))
    };
    let level = find("logLevel");
    assert_eq!(level["outcome"], "carried");
    assert_eq!(level["to"][0]["key"], "logging.level");
    assert_eq!(level["to"][0]["value"], "debug");
    assert_eq!(
        find("destinations[1].url")["to"][0]["key"],
        "destinations.loki.url"
    );
    assert_eq!(find("destinations[1].name")["outcome"], "carried");
    let pod = find("podLogs.enabled");
    assert_eq!(pod["outcome"], "decision");
    assert_eq!(pod["to"][0]["key"], "podLogsViaLoki.enabled");
    assert_eq!(pod["candidates"][0], "podLogsViaFiles");
    let legacy = find("legacyMode");
    assert_eq!(legacy["outcome"], "dropped");
    assert!(legacy["reason"]
        .as_str()
        .expect("reason")
        .contains("reads no"));
    assert_eq!(keys.len(), 8, "every user key, once: {json:#}");

    // The written values, rendered with version 2, are Helm's version-1 render.
    let files = trace_value::render::render_chart_json(
        &common::repo_dir().join("charts-fixtures/migrate-v2"),
        std::slice::from_ref(&out_file),
        "rel",
        "default",
    )
    .expect("render");
    assert_eq!(files, golden_files("migrate-v1/user.json"));
    assert_eq!(files, golden_files("migrate-v2/user.json"));

    // An existing output file is not overwritten without --force.
    let (code, json) = migrate_json(&args);
    assert_eq!(code, 2, "{json:#}");
    assert!(json["error"]["message"]
        .as_str()
        .expect("message")
        .contains("--force"));
    let mut forced = args.to_vec();
    forced.push("--force");
    let (code, _) = migrate_json(&forced);
    assert_eq!(code, 0);
    // Nor written into a chart.
    let mut into = args.to_vec();
    into[7] = "charts-fixtures/migrate-v2/new-values.yaml";
    let (code, json) = migrate_json(&into);
    assert_eq!(code, 2, "{json:#}");
    assert!(!common::repo_dir().join(into[7]).exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A failed render's `fail` message shows the settings that settle it:
/// `suggested_fixes` reads them, one candidate per YAML block, and the
/// first one (k8s-monitoring 4.4.0: deploy kube-state-metrics) makes the
/// values render, as Helm's own error says it would.
#[test]
fn fixes_suggested_by_a_failed_render_settle_it() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let dir = shared.join("corpus/charts/k8s-monitoring-4.4.0");
    std::thread::Builder::new()
        .stack_size(RENDER_STACK_BYTES)
        .spawn(move || {
            let chart = LoadedChart::load(&dir).expect("chart");
            let base = request(&dir, None);
            let mut values: Json = serde_json::json!({
                "cluster": {"name": "c"},
                "destinations": {"prom": {"type": "prometheus", "url": "http://p/api/v1/write"}},
                "clusterMetrics": {"enabled": true},
                "collectors": {"alloy-metrics": {"presets": ["clustered", "statefulset"]}},
            });
            let err = match migrate::render_values(&chart, &base, &values).expect("temp file") {
                Ok(_) => panic!("renders without a kube-state-metrics connection"),
                Err(e) => e.to_string(),
            };
            let fixes = migrate::suggested_fixes(&err);
            assert_eq!(fixes.len(), 2, "two alternatives in: {err}");
            assert_eq!(
                fixes[0],
                serde_json::json!({"telemetryServices": {"kube-state-metrics": {"deploy": true}}})
            );
            assert_eq!(
                fixes[1]["clusterMetrics"]["kube-state-metrics"]["labelMatchers"]
                    ["app.kubernetes.io/name"],
                "kube-state-metrics"
            );
            values["telemetryServices"] = fixes[0]["telemetryServices"].clone();
            let out = migrate::render_values(&chart, &base, &values).expect("temp file");
            assert!(out.is_ok(), "the suggested fix renders: {:?}", out.err());
        })
        .expect("thread")
        .join()
        .expect("test thread");
}
