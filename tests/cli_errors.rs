//! Bad input on the command line: every case exits non-zero with a message
//! that says what and where, in Helm's words where Helm has them (checked
//! with the oracle; the template errors against the goldens Helm made).

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::write;

fn run(args: &[&str]) -> (i32, String, String) {
    common::run_cli(args).parts()
}

fn scratch(name: &str) -> PathBuf {
    common::scratch("cli", name)
}

fn small_chart(dir: &Path) -> PathBuf {
    let chart = dir.join("c");
    write(
        &chart.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    );
    write(&chart.join("templates/t.yaml"), "a: {{ .Values.a }}\n");
    chart
}

fn assert_fails(args: &[&str], expected: &str) {
    common::assert_refused(&common::run_cli(args), expected);
}

#[test]
fn missing_chart_folder() {
    assert_fails(
        &["render", "--chart", "/nonexistent/chart"],
        "stat /nonexistent/chart: no such file or directory",
    );
}

#[test]
fn missing_and_invalid_chart_yaml() {
    let dir = scratch("chartyaml");
    std::fs::create_dir_all(dir.join("empty/templates")).unwrap();
    let empty = dir.join("empty");
    assert_fails(
        &["render", "--chart", empty.to_str().unwrap()],
        &format!("chart {}: Chart.yaml file is missing", empty.display()),
    );
    let bad = dir.join("bad");
    write(&bad.join("Chart.yaml"), "name: [oops\n");
    assert_fails(
        &["render", "--chart", bad.to_str().unwrap()],
        "cannot load Chart.yaml: error converting YAML to JSON: yaml: line 1: did not find expected ',' or ']'",
    );
}

#[test]
fn missing_and_invalid_values_files() {
    let dir = scratch("values");
    let chart = small_chart(&dir);
    let missing = dir.join("nope.yaml");
    assert_fails(
        &[
            "render",
            "--chart",
            chart.to_str().unwrap(),
            "-f",
            missing.to_str().unwrap(),
        ],
        &format!("open {}: no such file or directory", missing.display()),
    );
    // Helm's words (the oracle: `failed to parse FILE: ` before
    // sigs.k8s.io/yaml's message); JSON errors add where the parser stopped.
    let bad = dir.join("bad.yaml");
    write(&bad, "a: [1,\n  b: 2\n");
    let (chart, bad) = (chart.to_str().unwrap(), bad.to_str().unwrap());
    let helm = format!(
        "failed to parse {bad}: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'"
    );
    let (code, _, err) = run(&["render", "--chart", chart, "-f", bad]);
    assert_eq!((code, err), (2, format!("Error: {helm}\n")));
    let j = json_error(&["render", "--json", "--chart", chart, "-f", bad], 2);
    assert_eq!(j["message"], helm.as_str());
    assert_eq!(j["kind"], "values");
    assert_eq!(j["file"], bad);
    assert_eq!((&j["line"], &j["column"]), (&3.into(), &1.into()));
}

/// A `--name-template` that does not parse or run: Go's message (as Helm's
/// `TemplateName` gives it) after where in the template, and in JSON the
/// file `--name-template` with the line and column.
#[test]
fn name_template_errors_say_where_in_the_template() {
    let dir = scratch("name-template");
    let chart = small_chart(&dir);
    let c = chart.to_str().unwrap();
    let (code, _, err) = run(&["template", c, "--name-template", "rel-{{ nope }}"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "Error: --name-template:1:8: template: name-template:1: function \"nope\" not defined\n"
    );
    let e = json_error(
        &["render", c, "--json", "--name-template", "a\nb-{{ nope }}"],
        2,
    );
    assert_eq!(e["kind"], "parse");
    assert_eq!(e["file"], "--name-template");
    assert_eq!((&e["line"], &e["column"]), (&2.into(), &6.into()));
    let e = json_error(
        &[
            "render",
            c,
            "--json",
            "--name-template",
            "{{ fail \"no\" }}",
        ],
        2,
    );
    assert_eq!(e["kind"], "template");
    assert_eq!(e["file"], "--name-template");
    assert_eq!(e["line"], 1);
    assert!(e["message"].as_str().unwrap().contains("no"), "{e}");
}

#[test]
fn archive_entries_may_not_escape_the_chart() {
    let dir = scratch("tgz");
    let tgz = dir.join("evil-0.1.0.tgz");
    let file = std::fs::File::create(&tgz).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, body) in [
        (
            "evil/Chart.yaml",
            "apiVersion: v2\nname: evil\nversion: 0.1.0\n",
        ),
        ("evil/../../outside.yaml", "x: 1\n"),
    ] {
        let mut header = tar::Header::new_gnu();
        let bytes = name.as_bytes();
        header.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
        header.set_size(body.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append(&header, body.as_bytes()).unwrap();
    }
    let mut gz = tar.into_inner().unwrap();
    gz.flush().unwrap();
    gz.finish().unwrap();
    assert_fails(
        &["render", "--chart", tgz.to_str().unwrap()],
        "chart illegally",
    );
    assert!(
        !dir.join("outside.yaml").exists() && !dir.parent().unwrap().join("outside.yaml").exists()
    );
}

/// Every error fixture fails on the command line with exactly the message Helm gave.
#[test]
fn template_errors_exit_with_helms_message() {
    let repo = common::repo_dir();
    let errors = repo.join("charts-fixtures/errors");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&errors)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").exists())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "{cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let golden: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                repo.join("testdata/goldens/errors")
                    .join(&name)
                    .join("default.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let helm = golden["error"].as_str().expect("an error golden");
        let (code, _, err) = run(&[
            "render",
            "--chart",
            case.to_str().unwrap(),
            "--release-name",
            "rel",
        ]);
        assert_eq!(code, 2, "{name}: {err}");
        let ours = err
            .strip_prefix("Error: ")
            .unwrap_or(&err)
            .trim_end_matches('\n');
        assert_eq!(ours, helm.trim_end_matches('\n'), "{name}");
    }
}

#[test]
fn malformed_block_query_is_an_error_not_a_miss() {
    let chart = common::repo_dir().join("charts-fixtures/mini-monitoring");
    assert_fails(
        &[
            "--chart",
            chart.to_str().unwrap(),
            "--block",
            "loki.process pod_logs",
        ],
        "expected NAME, NAME \"LABEL\"",
    );
    let (code, _, err) = run(&["--chart", chart.to_str().unwrap(), "--key", "podLogs.nope"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nearest: "), "{err}");
}

#[test]
fn kube_version_and_api_versions_reach_capabilities() {
    let dir = scratch("caps");
    let chart = dir.join("c");
    write(
        &chart.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    );
    write(
        &chart.join("templates/t.yaml"),
        "k: {{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has \"foo/v1\" }}\n",
    );
    let c = chart.to_str().unwrap();
    let (code, out, _) = run(&["render", "--chart", c]);
    assert_eq!(code, 0);
    assert!(out.contains("k: v1.36.0 36 false"), "{out}");
    let (code, out, _) = run(&[
        "render",
        "--chart",
        c,
        "--kube-version",
        "1.22",
        "--api-versions",
        "foo/v1",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("k: v1.22.0 22 true"), "{out}");
    assert_fails(
        &["render", "--chart", c, "--kube-version", "banana"],
        "invalid kube version 'banana'",
    );
}

/// Parses the JSON error a `--format json`/`--json` run prints on stdout.
fn json_error(args: &[&str], code: i32) -> serde_json::Value {
    let (got, out, err) = run(args);
    assert_eq!(got, code, "exit code for {args:?}; stdout: {out}");
    assert!(err.is_empty(), "JSON errors leave stderr empty: {err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("stdout is JSON");
    let e = &doc["error"];
    for field in ["message", "file", "line", "column", "kind"] {
        assert!(e.get(field).is_some(), "{args:?}: no {field} in {out}");
    }
    // The contract version and the error, nothing else (docs/json.md).
    let fields: Vec<&str> = doc
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["version", "error"], "{out}");
    assert_eq!(doc["version"], 1, "{out}");
    e.clone()
}

/// With JSON output every error fixture fails with a JSON error on stdout:
/// Helm's message, the exit code 2, its kind, and the template location the
/// message names, typed.
#[test]
fn json_errors_carry_helms_message_kind_and_location() {
    let repo = common::repo_dir();
    let errors = repo.join("charts-fixtures/errors");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&errors)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").exists())
        .collect();
    cases.sort();
    let mut located = 0;
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let golden: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                repo.join("testdata/goldens/errors")
                    .join(&name)
                    .join("default.json"),
            )
            .unwrap(),
        )
        .unwrap();
        let helm = golden["error"].as_str().unwrap().trim_end_matches('\n');
        let c = case.to_str().unwrap();
        for args in [
            vec!["render", "--chart", c, "--release-name", "rel", "--json"],
            vec!["template", "rel", c, "--json"],
            vec!["rel", c, "--key", "a", "--format", "json"],
            vec!["blame", "rel", c, "--file", "x", "--format", "json"],
        ] {
            let e = json_error(&args, 2);
            assert_eq!(
                e["message"].as_str().unwrap().trim_end_matches('\n'),
                helm,
                "{args:?}"
            );
            let kind = e["kind"].as_str().unwrap();
            assert!(
                ["template", "parse", "schema"].contains(&kind),
                "{name}: kind {kind}"
            );
            if let (Some(file), Some(line)) = (e["file"].as_str(), e["line"].as_u64()) {
                let at = match e["column"].as_u64() {
                    Some(col) => format!("{file}:{line}:{col}"),
                    None => format!("{file}:{line}"),
                };
                assert!(helm.contains(&at), "{name}: {at} not in {helm}");
                located += 1;
            }
        }
    }
    assert!(located >= 20, "only {located} errors located");
}

#[test]
fn json_errors_keep_the_exit_codes() {
    let chart = common::repo_dir().join("charts-fixtures/mini-monitoring");
    let c = chart.to_str().unwrap();
    let e = json_error(&[c, "--key", "podLogs.nope", "--format", "json"], 1);
    assert_eq!(e["kind"], "no_match");
    assert!(e["message"].as_str().unwrap().contains("nearest: "));
    let e = json_error(
        &[c, "--block", "loki.process \"nope\"", "--format", "json"],
        1,
    );
    assert_eq!(e["kind"], "no_match");
    let e = json_error(
        &[c, "--block", "loki.process pod_logs", "--format", "json"],
        2,
    );
    assert_eq!(e["kind"], "query");
    let e = json_error(&["render", c, "--json", "-f", "/nonexistent/v.yaml"], 2);
    assert_eq!(e["kind"], "values");
    assert_eq!(
        e["message"],
        "open /nonexistent/v.yaml: no such file or directory"
    );
    let e = json_error(&["render", "/nonexistent/chart", "--json"], 2);
    assert_eq!(e["kind"], "chart");
    assert_eq!(e["file"], "/nonexistent/chart");
    let e = json_error(&["check", c, "--format", "json", "--no-such-flag"], 2);
    assert_eq!(e["kind"], "usage");
    // Text output keeps text errors on stderr.
    let (code, out, err) = run(&[c, "--key", "podLogs.nope"]);
    assert_eq!(code, 1);
    assert!(
        out.is_empty() && err.starts_with("Error: no values key"),
        "{err}"
    );
}
