//! Rendering benchmark over the 66 grafana/k8s-monitoring 3.5.2 examples.
//!
//! Renders every example in-process with [`trace_value::render`] (a cold
//! render each time: chart loading, template parsing, values, rendering and
//! tracing), takes the median of several iterations per example, optionally
//! with tracing off, and compares with Helm's medians read from a JSON file
//! written by `scripts/bench_helm.py`.
//!
//! ```text
//! cargo run --release --bin bench -- [--iters N] [--helm helm.json] [--only SUBSTR] [--no-untraced]
//! ```
//!
//! The paths default to `../shared` relative to the repository (as the tests
//! use); `TRACE_VALUE_SHARED` overrides it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use trace_value::render::{render_with, RenderOptions, RenderRequest};

/// One example to render.
struct Example {
    /// Golden name (`auth__oauth2`).
    name: String,
    /// Values file.
    values: PathBuf,
}

/// The shared directory holding the chart and goldens.
fn shared_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("TRACE_VALUE_SHARED") {
        return PathBuf::from(dir);
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = repo.join("../shared");
    if beside.is_dir() {
        return beside;
    }
    PathBuf::from("/work/shared")
}

/// The examples, from the golden names.
fn examples(chart: &Path, goldens: &Path) -> Vec<Example> {
    let mut names: Vec<String> = std::fs::read_dir(goldens)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.strip_suffix(".json").map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let values = chart
                .join("docs/examples")
                .join(name.replace("__", "/"))
                .join("values.yaml");
            Example { name, values }
        })
        .collect()
}

/// Median of a list of durations in milliseconds.
fn median(xs: &mut [f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Render one example once; the wall time in milliseconds.
fn time_render(chart: &Path, ex: &Example, trace: bool) -> Result<f64, String> {
    let req = RenderRequest {
        chart: chart.to_path_buf(),
        values_files: vec![ex.values.clone()],
        release_name: "k8smon".to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    };
    let opts = RenderOptions { trace };
    let start = Instant::now();
    let out = render_with(&req, &opts).map_err(|e| format!("{}: {e}", ex.name))?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(out);
    Ok(ms)
}

/// Render one example and answer the mission's block query; wall time in ms.
fn time_block_query(chart: &Path, ex: &Example) -> Result<f64, String> {
    let req = RenderRequest {
        chart: chart.to_path_buf(),
        values_files: vec![ex.values.clone()],
        release_name: "k8smon".to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    };
    let start = Instant::now();
    let out = render_with(&req, &RenderOptions { trace: true })
        .map_err(|e| format!("{}: {e}", ex.name))?;
    let matches = trace_value::query::block_query(&out, "loki.process \"pod_logs\"", None)
        .map_err(|e| format!("{}: {e}", ex.name))?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    if matches.is_empty() {
        return Err(format!("{}: no pod_logs block", ex.name));
    }
    drop(out);
    Ok(ms)
}

/// Command-line options.
struct Args {
    iters: usize,
    helm: Option<PathBuf>,
    only: Option<String>,
    untraced: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        iters: 5,
        helm: None,
        only: None,
        untraced: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--iters" => {
                args.iters = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--iters needs a number")?;
            }
            "--helm" => args.helm = Some(PathBuf::from(it.next().ok_or("--helm needs a file")?)),
            "--only" => args.only = Some(it.next().ok_or("--only needs a substring")?),
            "--no-untraced" => args.untraced = false,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Helm medians per example (ms) from `bench_helm.py`'s JSON output.
fn load_helm(path: &Path) -> Result<BTreeMap<String, f64>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = BTreeMap::new();
    if let Some(obj) = json.get("median_ms").and_then(|v| v.as_object()) {
        for (k, v) in obj {
            if let Some(ms) = v.as_f64() {
                out.insert(k.clone(), ms);
            }
        }
    }
    Ok(out)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let shared = shared_dir();
    let chart = shared.join("charts/k8s-monitoring-3.5.2");
    let goldens = shared.join("goldens/k8s-monitoring-3.5.2");
    let mut exs = examples(&chart, &goldens);
    if let Some(only) = &args.only {
        exs.retain(|e| e.name.contains(only.as_str()));
    }
    if exs.is_empty() {
        return Err(format!("no examples under {}", goldens.display()));
    }
    let helm = match &args.helm {
        Some(p) => load_helm(p)?,
        None => BTreeMap::new(),
    };
    // Warm the file cache and the allocator once.
    time_render(&chart, &exs[0], true)?;

    println!(
        "{:<55} {:>9} {:>9} {:>9} {:>7}",
        "example", "traced", "untraced", "helm", "ratio"
    );
    let (mut all_t, mut all_u, mut all_h) = (Vec::new(), Vec::new(), Vec::new());
    for ex in &exs {
        let mut t = Vec::new();
        let mut u = Vec::new();
        for _ in 0..args.iters {
            t.push(time_render(&chart, ex, true)?);
            if args.untraced {
                u.push(time_render(&chart, ex, false)?);
            }
        }
        let mt = median(&mut t);
        let mu = median(&mut u);
        let mh = helm.get(&ex.name).copied().unwrap_or(f64::NAN);
        all_t.push(mt);
        if args.untraced {
            all_u.push(mu);
        }
        if mh.is_finite() {
            all_h.push(mh);
        }
        println!(
            "{:<55} {:>9.2} {:>9.2} {:>9.1} {:>7.1}",
            ex.name,
            mt,
            mu,
            mh,
            mh / mt
        );
    }
    let mt = median(&mut all_t);
    let mu = median(&mut all_u);
    let mh = median(&mut all_h);
    let sum_t: f64 = all_t.iter().sum();
    println!();
    println!("examples:                    {}", exs.len());
    println!("iterations per example:      {}", args.iters);
    println!("median trace-value (traced): {mt:.2} ms   (sum of medians {sum_t:.0} ms)");
    if args.untraced {
        println!("median trace-value (untraced): {mu:.2} ms");
        println!("tracing cost (traced / untraced): {:.2}x", mt / mu);
    }
    if !all_h.is_empty() {
        println!("median Helm:                 {mh:.1} ms");
        println!("ratio of medians Helm / trace-value: {:.1}x", mh / mt);
        if args.untraced {
            println!("ratio of medians Helm / untraced:    {:.1}x", mh / mu);
        }
    }
    // The question from the mission: render, trace and answer one block query.
    if let Some(ex) = exs.iter().find(|e| e.name == "features__pod-logs__default") {
        let mut times = Vec::new();
        for _ in 0..args.iters.max(1) {
            times.push(time_block_query(&chart, ex)?);
        }
        let mq = median(&mut times);
        print!("render + --block 'loki.process \"pod_logs\"' (pod-logs example): {mq:.2} ms");
        if let Some(h) = helm.get(&ex.name) {
            print!("   Helm render alone: {h:.1} ms, ratio {:.1}x", h / mq);
        }
        println!();
    }
    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak RSS (trace-value process): {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    // Rendering needs a deep stack (see `RENDER_STACK_BYTES`).
    let handle = std::thread::Builder::new()
        .stack_size(trace_value::render::RENDER_STACK_BYTES)
        .spawn(run);
    let result = match handle {
        Ok(h) => h
            .join()
            .unwrap_or_else(|_| Err("the bench thread panicked".to_string())),
        Err(e) => Err(format!("cannot start the bench thread: {e}")),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
