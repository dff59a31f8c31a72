//! The ratchet on the public chart corpus: renders every value set of every
//! chart in `../shared/corpus` and compares it with Helm's golden in
//! `../shared/corpus/goldens/<chart>/<set>.json`.
//!
//! Byte for byte, except the files the corpus README lists as random on every
//! render (generated passwords, certificates and checksums of them): those
//! are compared with every long run of base64/hex characters masked, on both
//! sides. An error golden passes when trace-value refuses with Helm's message.
//!
//! It prints `N of M corpus sets match` and the sets that newly match (to be
//! added to `testdata/corpus-passing.txt`), and fails only when a set on that
//! list no longer matches. Run with
//! `cargo test --test corpus_goldens -- --nocapture` to see the count and
//! every failure. Skipped (or, under CI, failing) without `../shared`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{compare_render, json_files_below, repo_dir, shared_dir, Expected, Golden};

/// The sets known to match, `chart/set` one per line, relative to the repository.
const PASSING_LIST: &str = "testdata/corpus-passing.txt";

/// The files whose text is random on every render, per chart (from the
/// corpus README): `(chart, template path below the chart's name, sets)`,
/// where an empty set list means every set.
const RANDOM_FILES: &[(&str, &str, &[&str])] = &[
    ("grafana", "templates/secret.yaml", &[]),
    ("grafana", "templates/deployment.yaml", &[]),
    ("redis", "templates/secret.yaml", &[]),
    ("redis", "templates/master/application.yaml", &[]),
    ("redis", "templates/replicas/application.yaml", &[]),
    ("nginx", "templates/tls-secret.yaml", &[]),
    (
        "metrics-server",
        "templates/apiservice.yaml",
        &["tls-helm-values"],
    ),
    (
        "opentelemetry-operator",
        "templates/admission-webhooks/operator-webhook.yaml",
        &[
            "cert-manager-disable-values",
            "cert-manager-disable-nameoverride-values",
            "manager-config-values",
        ],
    ),
];

/// Whether `file` (a rendered file's path, starting with the chart's name)
/// of set `set` of `chart` is random on every render.
fn is_random(chart: &str, set: &str, file: &str) -> bool {
    RANDOM_FILES.iter().any(|(c, path, sets)| {
        *c == chart
            && file
                .strip_prefix(chart)
                .and_then(|rest| rest.strip_prefix('/'))
                == Some(*path)
            && (sets.is_empty() || sets.contains(&set))
    })
}

/// `text` with every run of 12 or more base64 characters replaced by `<R>`:
/// passwords, PEM bodies, checksums and their base64 forms.
fn mask_random(text: &str) -> String {
    const MIN_RUN: usize = 12;
    let is_token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if is_token(c) {
            run.push(c);
            continue;
        }
        flush_run(&mut out, &mut run, MIN_RUN);
        out.push(c);
    }
    flush_run(&mut out, &mut run, MIN_RUN);
    out
}

fn flush_run(out: &mut String, run: &mut String, min_run: usize) {
    if run.len() >= min_run {
        out.push_str("<R>");
    } else {
        out.push_str(run);
    }
    run.clear();
}

/// The sets on the passing list (blank lines and `#` comments skipped).
fn passing_list() -> BTreeSet<String> {
    let path = repo_dir().join(PASSING_LIST);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Renders one set; `Ok` when it matches its golden, else the first difference.
fn check(chart_name: &str, golden: &Golden, chart: &Path) -> Result<(), String> {
    let values = golden.values_files(chart);
    let result =
        trace_value::render::render_chart_json(chart, &values, &golden.release, &golden.namespace);
    let set = golden.name.rsplit('/').next().unwrap_or(&golden.name);
    let mask = |files: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(path, text)| {
                let text = if is_random(chart_name, set, path) {
                    mask_random(text)
                } else {
                    text.clone()
                };
                (path.clone(), text)
            })
            .collect()
    };
    let expected = match &golden.expected {
        Expected::Files(files) => Expected::Files(mask(files)),
        Expected::Error(e) => Expected::Error(e.clone()),
    };
    let result = result.map(|files| mask(&files));
    compare_render(&expected, result).map_or(Ok(()), Err)
}

#[test]
fn corpus_goldens_ratchet() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let corpus = shared.join("corpus");
    let goldens_root = corpus.join("goldens");
    assert!(goldens_root.is_dir(), "no {}", goldens_root.display());
    let only = std::env::var("CORPUS_ONLY").ok();

    let listed = passing_list();
    let mut all = BTreeSet::new();
    let mut matching = Vec::new();
    let mut regressions = Vec::new();
    let mut failures = Vec::new();
    let mut jobs = Vec::new();
    for golden_path in json_files_below(&goldens_root) {
        let golden = Golden::load(&golden_path, &goldens_root);
        all.insert(golden.name.clone());
        if only.as_deref().is_some_and(|o| !golden.name.contains(o)) {
            continue;
        }
        jobs.push(golden);
    }
    // The sets render on every core, taking the next set as each finishes;
    // results are sorted back into set order.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut results: Vec<(String, Result<(), String>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(golden) = jobs.get(i) else {
                            return done;
                        };
                        let chart_name = golden.name.split('/').next().unwrap_or_default();
                        let chart = corpus.join("charts").join(chart_name);
                        done.push((golden.name.clone(), check(chart_name, golden, &chart)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    results.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, result) in results {
        match result {
            Ok(()) => matching.push(name),
            Err(report) if listed.contains(&name) => {
                regressions.push(format!("{name}: {report}"));
            }
            Err(report) => failures.push(format!("{name}: {report}")),
        }
    }
    let unknown: Vec<&String> = listed.iter().filter(|n| !all.contains(*n)).collect();
    assert!(
        unknown.is_empty(),
        "{PASSING_LIST} names unknown sets: {unknown:?}"
    );
    println!("{} of {} corpus sets match", matching.len(), all.len());
    if std::env::var_os("CORPUS_VERBOSE").is_some() {
        for failure in &failures {
            println!("FAIL {failure}\n");
        }
    } else {
        for failure in &failures {
            println!(
                "FAIL {}",
                failure
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(300)
                    .collect::<String>()
            );
        }
    }
    let newly: Vec<&String> = matching.iter().filter(|n| !listed.contains(*n)).collect();
    if !newly.is_empty() {
        println!("newly passing, add to {PASSING_LIST}:");
        for name in &newly {
            println!("{name}");
        }
    }
    assert!(
        regressions.is_empty(),
        "{} set(s) on {PASSING_LIST} no longer match:\n\n{}",
        regressions.len(),
        regressions.join("\n\n")
    );
}

#[test]
fn masking_hides_only_long_runs() {
    assert_eq!(
        mask_random("a: \"aktVNElJQm1OdQ==\"\nname: rel-x\n"),
        "a: \"<R>\"\nname: rel-x\n"
    );
}
