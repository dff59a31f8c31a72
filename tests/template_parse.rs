//! Parses every template file of the real k8s-monitoring 3.5.2 chart (and
//! its subcharts, the packed alloy-operator one included) without error.

// Test code: a failure to read the test data is a test failure.
#![allow(clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use trace_value::template::ast::{List, Node};
use trace_value::template::{line_col, parse};

const CHART: &str = "/work/shared/charts/k8s-monitoring-3.5.2";

/// Every function name is defined, except that `break`/`continue` stay keywords.
fn any_func(name: &str) -> bool {
    name != "break" && name != "continue"
}

/// Template files (name, text) of a chart directory and its subcharts.
fn chart_templates(dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let templates = dir.join("templates");
    if templates.is_dir() {
        for e in walkdir::WalkDir::new(&templates).sort_by_file_name() {
            let e = e.expect("walk templates");
            if e.file_type().is_file() {
                let rel = e.path().strip_prefix(dir).expect("relative path");
                let text = std::fs::read_to_string(e.path()).expect("read template");
                out.push((format!("{prefix}/{}", rel.display()), text));
            }
        }
    }
    let charts = dir.join("charts");
    let Ok(entries) = std::fs::read_dir(&charts) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.expect("read charts").path()).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if p.is_dir() {
            chart_templates(&p, &format!("{prefix}/charts/{name}"), out);
        } else if name.ends_with(".tgz") {
            tgz_templates(&p, &format!("{prefix}/charts"), out);
        }
    }
}

/// Template files inside a packed subchart (`<chart>/templates/...` entries).
fn tgz_templates(path: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let file = std::fs::File::open(path).expect("open tgz");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    for entry in archive.entries().expect("tgz entries") {
        let mut entry = entry.expect("tgz entry");
        let name = entry.path().expect("entry path").display().to_string();
        let parts: Vec<&str> = name.split('/').collect();
        // chart/templates/... and chart/charts/sub/templates/...
        let in_templates = (parts.len() > 2 && parts[1] == "templates")
            || (parts.len() > 4 && parts[1] == "charts" && parts[3] == "templates");
        if !in_templates || !entry.header().entry_type().is_file() {
            continue;
        }
        let mut text = String::new();
        entry.read_to_string(&mut text).expect("read tgz template");
        out.push((format!("{prefix}/{name}"), text));
    }
}

/// Counts the nodes of a body and checks that every text node's `pos` is
/// where its text is in the file and that the lexer's line count agrees
/// with the positions.
fn count_nodes(src: &str, list: &List) -> usize {
    list.nodes
        .iter()
        .map(|n| match n {
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                assert_eq!(b.line, line_col(src, b.pos).0, "branch line");
                1 + count_nodes(src, &b.list)
                    + b.else_list.as_ref().map_or(0, |l| count_nodes(src, l))
            }
            Node::Text(t) => {
                let p = t.pos as usize;
                assert_eq!(&src[p..p + t.text.len()], &*t.text);
                1
            }
            Node::Action(a) => {
                assert_eq!(a.line, line_col(src, a.pos).0, "action line");
                1
            }
            Node::Template(t) => {
                assert_eq!(t.line, line_col(src, t.pos).0, "template call line");
                1
            }
            _ => 1,
        })
        .sum()
}

#[test]
fn parses_every_k8s_monitoring_template() {
    let dir = Path::new(CHART);
    if !dir.is_dir() {
        println!("skipped: {CHART} not found");
        return;
    }
    let mut files = Vec::new();
    chart_templates(dir, "k8s-monitoring", &mut files);
    assert!(
        files.len() > 150,
        "found only {} template files",
        files.len()
    );
    assert!(
        files
            .iter()
            .any(|(n, _)| n.contains("alloy-operator/templates/")),
        "the packed alloy-operator subchart was not read"
    );
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mut took = Duration::ZERO;
    let mut defines = 0;
    let mut nodes = 0;
    for (name, text) in &files {
        let start = Instant::now();
        let parsed = parse(name, text, &any_func);
        took += start.elapsed();
        let parsed = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
        defines += parsed.defines.len();
        nodes += count_nodes(text, &parsed.root)
            + parsed
                .defines
                .iter()
                .map(|d| count_nodes(text, &d.body))
                .sum::<usize>();
    }
    println!(
        "parsed {} files, {} bytes, {} defines, {} nodes in {:?}",
        files.len(),
        bytes,
        defines,
        nodes,
        took
    );
    assert!(defines > 100);
}
