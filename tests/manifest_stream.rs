//! The manifest stream against the real k8s-monitoring 3.5.2 examples: each
//! golden holds the files Helm v4.2.3's engine rendered for one example, and
//! the chart's `docs/examples/<dir>/output.yaml` holds what `helm template`
//! printed for it (trailing spaces stripped from every line).
//!
//! Those `output.yaml` files were made by a Helm v3 release, whose
//! `SplitManifests` trims each document at both ends; Helm v4.2.3 trims only
//! the start (checked with the v4.2.3 SDK: a ConfigMap template ending in
//! `name: a\n\n\n` is kept as `...name: a\n\n\n` plus the `\n` Helm adds).
//! The v4 stream's manifest part was also compared once, byte for byte, with
//! `rel.Manifest` from the v4.2.3 SDK for five examples (auth/bearer-token,
//! features/cluster-metrics/default, platforms/openshift,
//! extra-configuration, features/integrations/multiple): identical.
//! So the v3 trimming must reproduce every `output.yaml` byte for byte, and
//! the v4 stream must equal it once the blank lines v4 keeps before each
//! `---` are removed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use trace_value::manifest::{template_stream, template_stream_with, SplitTrim};

/// The shared test data folder, if this machine has it.
fn shared_dir() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(p) = std::env::var("TRACE_VALUE_SHARED") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    candidates.push(PathBuf::from("/work/shared"));
    candidates
        .into_iter()
        .find(|p| p.join("goldens/k8s-monitoring-3.5.2").is_dir())
}

/// Trailing spaces and tabs removed from every line.
fn strip_trailing(s: &str) -> String {
    let mut out: String = s
        .split('\n')
        .map(|l| l.trim_end_matches([' ', '\t']))
        .collect::<Vec<_>>()
        .join("\n");
    if !s.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Blank lines directly before a `---` line or the end removed (what v4
/// keeps and v3 trims away).
fn drop_blank_before_separator(s: &str) -> String {
    let lines: Vec<&str> = s.split('\n').collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for line in lines {
        if line == "---" {
            while out.last() == Some(&"") {
                out.pop();
            }
        }
        out.push(line);
    }
    // The stream's last document keeps its trailing newlines too.
    while out.len() >= 2 && out[out.len() - 1].is_empty() && out[out.len() - 2].is_empty() {
        out.pop();
    }
    out.join("\n")
}

/// The rendered files of one golden.
fn golden_files(path: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let mut files = BTreeMap::new();
    if let Some(map) = json.get("files").and_then(|f| f.as_object()) {
        for (k, v) in map {
            files.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
        }
    }
    files
}

/// First differing line, for the failure report.
fn first_difference(got: &str, want: &str) -> String {
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        if g != w {
            return format!("line {}: got {g:?}, want {w:?}", i + 1);
        }
    }
    format!(
        "lengths differ: got {} lines, want {} lines",
        got.lines().count(),
        want.lines().count()
    )
}

#[test]
fn all_examples_match_helm_template_output() {
    let Some(shared) = shared_dir() else {
        println!("skipped: shared test data not found");
        return;
    };
    let goldens = shared.join("goldens/k8s-monitoring-3.5.2");
    let examples = shared.join("charts/k8s-monitoring-3.5.2/docs/examples");
    let mut names: Vec<String> = std::fs::read_dir(&goldens)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    assert_eq!(names.len(), 66, "expected 66 goldens");

    let mut v3_ok = 0;
    let mut v4_ok = 0;
    let mut failures = Vec::new();
    for name in &names {
        let dir = examples.join(name.replace("__", "/"));
        let expected_path = dir.join("output.yaml");
        assert!(
            expected_path.is_file(),
            "golden {name} has no example {}",
            expected_path.display()
        );
        let want = strip_trailing(&std::fs::read_to_string(&expected_path).unwrap_or_default());
        let files = golden_files(&goldens.join(format!("{name}.json")));
        assert!(!files.is_empty(), "golden {name} has no files");

        match template_stream_with(&files, &[], SplitTrim::Both) {
            Ok(got) if strip_trailing(&got) == want => v3_ok += 1,
            Ok(got) => failures.push(format!(
                "{name} (v3 trim): {}",
                first_difference(&strip_trailing(&got), &want)
            )),
            Err(e) => failures.push(format!("{name} (v3 trim): error {e}")),
        }
        match template_stream(&files, &[]) {
            Ok(got) => {
                let got = drop_blank_before_separator(&strip_trailing(&got));
                if got == want {
                    v4_ok += 1;
                } else {
                    failures.push(format!("{name} (v4): {}", first_difference(&got, &want)));
                }
            }
            Err(e) => failures.push(format!("{name} (v4): error {e}")),
        }
    }
    println!(
        "{v3_ok} of {} match output.yaml exactly (v3 trimming); {v4_ok} of {} match with v4 trimming",
        names.len(),
        names.len()
    );
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
}

#[test]
fn show_only_on_a_real_example() {
    let Some(shared) = shared_dir() else {
        println!("skipped: shared test data not found");
        return;
    };
    let files = golden_files(&shared.join("goldens/k8s-monitoring-3.5.2/auth__bearer-token.json"));
    let shown = template_stream(&files, &["templates/destination_secret.yaml".to_string()]);
    assert_eq!(
        shown.as_deref(),
        Ok(concat!(
            "---\n",
            "# Source: k8s-monitoring/templates/destination_secret.yaml\n",
            "apiVersion: v1\n",
            "kind: Secret\n",
            "metadata:\n",
            "  name: \"prometheus-k8smon-k8s-monitoring\"\n",
            "  namespace: \"default\"\n",
            "type: Opaque\n",
            "data:\n",
            "  bearerToken: \"c2FtcGxlLWJlYXJlci10b2tlbg==\"\n",
        ))
    );
    // Hooks are part of the stream --show-only searches.
    let hooks = template_stream(
        &files,
        &["templates/hooks/post-install_add-finalizer.yaml".to_string()],
    )
    .unwrap_or_default();
    assert_eq!(hooks.matches("# Source: ").count(), 4);
    assert!(hooks.contains("kind: Job\n"));
}
