//! Rendering benchmark over the 66 grafana/k8s-monitoring 3.5.2 examples.
//!
//! Times every example in-process the way `scripts/bench_helm.py` times
//! Helm's engine: the render of a chart loaded beforehand (values, template
//! parsing, execution and, for trace-value, the trace; Helm's
//! `chart.render`), traced and untraced, and the cold run a command line
//! makes (chart loading and `.tgz` unpacking, then the render). Each is the
//! median of several iterations per example. Then the mission's query
//! (render + `--block 'loki.process "pod_logs"'`) and `docs --values-dir
//! docs/examples`, and the peak memory.
//!
//! ```text
//! cargo run --release --example bench -- [--iters N] [--only SUBSTR] [--no-untraced] [--no-cold] [--no-docs]
//!     [--helm helm.json | --helm-python VENV/bin/python [--helm-iters N]]
//! ```
//!
//! With `--helm-python`, Helm times each example (`scripts/bench_helm.py
//! --serve`) right before trace-value does, so that both see the machine at
//! the same speed; `--helm` reads timings made earlier instead.
//!
//! The paths default to `../shared` relative to the repository (as the tests
//! use); `TRACE_VALUE_SHARED` overrides it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use trace_value::render::{
    render_loaded_with, render_with, LoadedChart, RenderOptions, RenderRequest,
};

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

/// The request that renders one example as the goldens were made.
fn request(chart: &Path, ex: &Example) -> RenderRequest {
    RenderRequest {
        chart: chart.to_path_buf(),
        values_files: vec![ex.values.clone()],
        release_name: "k8smon".to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    }
}

/// How much of the work one timing covers.
#[derive(Clone, Copy)]
enum Scope {
    /// Rendering a chart loaded beforehand (untimed), as Helm's
    /// `chart.render` is timed: values, template parsing, execution, trace.
    Loaded,
    /// Everything a command-line run does: chart loading (`.tgz` unpacking
    /// included) and then the render.
    Cold,
}

/// Render one example once (and answer the mission's block query when
/// `query` is set); the wall time in milliseconds. The output is dropped
/// after the clock stops.
fn time_once(
    chart: &Path,
    ex: &Example,
    scope: Scope,
    trace: bool,
    query: bool,
) -> Result<f64, String> {
    let req = request(chart, ex);
    let opts = RenderOptions { trace };
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", ex.name);
    let loaded = match scope {
        Scope::Loaded => Some(LoadedChart::load(chart).map_err(|e| fail(&e))?),
        Scope::Cold => None,
    };
    let start = Instant::now();
    let out = match &loaded {
        Some(c) => render_loaded_with(c, &req, &opts),
        None => render_with(&req, &opts),
    }
    .map_err(|e| fail(&e))?;
    let mut found = true;
    if query {
        let matches = trace_value::query::block_query(&out, "loki.process \"pod_logs\"", None)
            .map_err(|e| fail(&e))?;
        found = !matches.is_empty();
    }
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    drop(out);
    if !found {
        return Err(format!("{}: no pod_logs block", ex.name));
    }
    Ok(ms)
}

/// The median of `iters` timings of [`time_once`].
fn median_of(iters: usize, mut f: impl FnMut() -> Result<f64, String>) -> Result<f64, String> {
    let mut xs = Vec::with_capacity(iters);
    for _ in 0..iters.max(1) {
        xs.push(f()?);
    }
    Ok(median(&mut xs))
}

/// Command-line options.
struct Args {
    iters: usize,
    helm: Option<PathBuf>,
    only: Option<String>,
    untraced: bool,
    cold: bool,
    docs: bool,
    /// Python of the Helm oracle's venv: time Helm on each example right
    /// before trace-value, with `scripts/bench_helm.py --serve`.
    helm_python: Option<PathBuf>,
    helm_iters: usize,
    /// `--set CHART VALUES RELEASE`: time only this value set (VALUES `-`
    /// for the chart's defaults) and print one JSON line.
    set: Option<(PathBuf, Option<PathBuf>, String)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        iters: 5,
        helm: None,
        only: None,
        untraced: true,
        cold: true,
        docs: true,
        helm_python: None,
        helm_iters: 3,
        set: None,
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
            "--no-docs" => args.docs = false,
            "--no-cold" => args.cold = false,
            "--set" => {
                let mut next = || it.next().ok_or("--set needs CHART VALUES RELEASE");
                let chart = PathBuf::from(next()?);
                let values = next()?;
                let values = (values != "-").then(|| PathBuf::from(values));
                args.set = Some((chart, values, next()?));
            }
            "--helm-python" => {
                args.helm_python = Some(PathBuf::from(
                    it.next()
                        .ok_or("--helm-python needs the oracle venv's python")?,
                ));
            }
            "--helm-iters" => {
                args.helm_iters = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--helm-iters needs a number")?;
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

/// Helm's timings per example from `bench_helm.py`'s JSON output.
#[derive(Default)]
struct HelmTimes {
    /// Median of `chart.render` (ms).
    render: BTreeMap<String, f64>,
    /// Median of `Chart.load` (ms).
    load: BTreeMap<String, f64>,
}

fn load_helm(path: &Path) -> Result<HelmTimes, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let read = |key: &str| -> BTreeMap<String, f64> {
        json.get(key)
            .and_then(|v| v.as_object())
            .map(|obj| {
                obj.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    Ok(HelmTimes {
        render: read("median_ms"),
        load: read("load_ms"),
    })
}

/// Helm's engine in a child process (`bench_helm.py --serve`), asked to time
/// one example at a time.
struct HelmServer {
    child: std::process::Child,
    input: std::process::ChildStdin,
    output: std::io::BufReader<std::process::ChildStdout>,
}

impl HelmServer {
    fn start(python: &Path, shared: &Path, iters: usize) -> Result<Self, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/bench_helm.py");
        let mut child = std::process::Command::new(python)
            .arg(&script)
            .arg("--serve")
            .arg(shared)
            .arg(iters.to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", python.display()))?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("no pipes to bench_helm.py".to_string());
        };
        Ok(HelmServer {
            child,
            input,
            output: std::io::BufReader::new(output),
        })
    }

    /// Helm's median (render ms, load ms) for one example.
    fn time(&mut self, name: &str) -> Result<(f64, f64), String> {
        use std::io::{BufRead, Write};
        writeln!(self.input, "{name}").map_err(|e| format!("bench_helm.py: {e}"))?;
        self.input
            .flush()
            .map_err(|e| format!("bench_helm.py: {e}"))?;
        let mut line = String::new();
        self.output
            .read_line(&mut line)
            .map_err(|e| format!("bench_helm.py: {e}"))?;
        let json: serde_json::Value = serde_json::from_str(&line)
            .map_err(|e| format!("bench_helm.py answered {line:?}: {e}"))?;
        match (json["render_ms"].as_f64(), json["load_ms"].as_f64()) {
            (Some(r), Some(l)) => Ok((r, l)),
            _ => Err(format!("bench_helm.py answered {line:?}")),
        }
    }
}

impl Drop for HelmServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One example's medians (ms).
struct Row {
    loaded: f64,
    untraced: f64,
    cold: f64,
    helm_render: Option<f64>,
    helm_load: Option<f64>,
}

/// `Helm / ours` for the examples Helm has a time for, as the ratio of the
/// medians and as the ratio of the sums.
fn ratios(
    rows: &[Row],
    helm: impl Fn(&Row) -> Option<f64>,
    ours: impl Fn(&Row) -> f64,
) -> Option<(f64, f64)> {
    let pairs: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| Some((helm(r)?, ours(r))))
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let mut h: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let mut o: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let sums = h.iter().sum::<f64>() / o.iter().sum::<f64>();
    Some((median(&mut h) / median(&mut o), sums))
}

/// Times one value set of any chart: the render of the loaded chart, traced
/// and untraced, and the cold load + render (medians of `iters`), printed
/// as one JSON line for `scripts/bench_corpus.py`.
fn time_set(
    chart: &Path,
    values: Option<&Path>,
    release: &str,
    iters: usize,
) -> Result<(), String> {
    let req = RenderRequest {
        chart: chart.to_path_buf(),
        values_files: values.map(Path::to_path_buf).into_iter().collect(),
        release_name: release.to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    };
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", chart.display());
    // Peak memory of one cold render, measured first in this fresh process
    // (what one command-line render needs).
    drop(render_with(&req, &RenderOptions { trace: true }));
    let rss_mib = peak_rss_kib().map_or(f64::NAN, |k| k as f64 / 1024.0);
    let loaded = LoadedChart::load(chart).map_err(|e| fail(&e))?;
    let loaded_ms = |trace: bool| {
        median_of(iters, || {
            let start = Instant::now();
            let out = render_loaded_with(&loaded, &req, &RenderOptions { trace });
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            // A chart whose values Helm refuses is timed up to the refusal.
            drop(out);
            Ok(ms)
        })
    };
    let traced = loaded_ms(true)?;
    let untraced = loaded_ms(false)?;
    let cold = median_of(iters, || {
        let start = Instant::now();
        let out = render_with(&req, &RenderOptions { trace: true });
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        drop(out);
        Ok(ms)
    })?;
    println!(
        "{{\"loaded_ms\": {traced:.3}, \"untraced_ms\": {untraced:.3}, \"cold_ms\": {cold:.3}, \"rss_mib\": {rss_mib:.1}}}"
    );
    Ok(())
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if let Some((chart, values, release)) = &args.set {
        return time_set(chart, values.as_deref(), release, args.iters);
    }
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
    let mut helm = match &args.helm {
        Some(p) => load_helm(p)?,
        None => HelmTimes::default(),
    };
    let mut server = match &args.helm_python {
        Some(python) => Some(HelmServer::start(python, &shared, args.helm_iters)?),
        None => None,
    };
    let iters = args.iters;
    // Warm the file cache and the allocator once.
    time_once(&chart, &exs[0], Scope::Cold, true, false)?;

    println!(
        "{:<55} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}",
        "example (ms)", "render", "untraced", "cold", "helm", "ratio", "cold×"
    );
    let mut rows = Vec::new();
    for ex in &exs {
        if let Some(server) = server.as_mut() {
            let (render, load) = server.time(&ex.name)?;
            helm.render.insert(ex.name.clone(), render);
            helm.load.insert(ex.name.clone(), load);
            // Let Helm's process settle (Go's garbage collector runs on after
            // a render) before trace-value, which uses both cores, is timed.
            std::thread::sleep(std::time::Duration::from_millis(400));
        }
        let loaded = median_of(iters, || time_once(&chart, ex, Scope::Loaded, true, false))?;
        let untraced = if args.untraced {
            median_of(iters, || time_once(&chart, ex, Scope::Loaded, false, false))?
        } else {
            f64::NAN
        };
        let cold = if args.cold {
            median_of(iters, || time_once(&chart, ex, Scope::Cold, true, false))?
        } else {
            f64::NAN
        };
        let row = Row {
            loaded,
            untraced,
            cold,
            helm_render: helm.render.get(&ex.name).copied(),
            helm_load: helm.load.get(&ex.name).copied(),
        };
        let h = row.helm_render.unwrap_or(f64::NAN);
        let hl = row.helm_load.unwrap_or(f64::NAN);
        println!(
            "{:<55} {:>8.2} {:>8.2} {:>8.2} {:>8.1} {:>7.1} {:>7.1}",
            ex.name,
            loaded,
            untraced,
            cold,
            h,
            h / loaded,
            (h + hl) / cold
        );
        rows.push(row);
    }
    let med = |f: &dyn Fn(&Row) -> f64| {
        let mut xs: Vec<f64> = rows.iter().map(f).collect();
        median(&mut xs)
    };
    let (m_loaded, m_untraced, m_cold) =
        (med(&|r| r.loaded), med(&|r| r.untraced), med(&|r| r.cold));
    println!();
    println!("examples: {}, iterations per example: {iters}", exs.len());
    println!("median render of a loaded chart, traced:   {m_loaded:.2} ms");
    if args.untraced {
        println!("median render of a loaded chart, untraced: {m_untraced:.2} ms");
        println!(
            "tracing cost (traced / untraced):          {:.2}x",
            m_loaded / m_untraced
        );
    }
    println!("median cold render (load + render):        {m_cold:.2} ms");
    if let Some((by_median, by_sum)) = ratios(&rows, |r| r.helm_render, |r| r.loaded) {
        let mut hs: Vec<f64> = rows.iter().filter_map(|r| r.helm_render).collect();
        println!(
            "median Helm chart.render:                  {:.1} ms",
            median(&mut hs)
        );
        println!(
            "Helm / trace-value, render of a loaded chart (like for like): {by_median:.1}x (ratio of sums {by_sum:.1}x)"
        );
    }
    if let Some((by_median, by_sum)) =
        ratios(&rows, |r| Some(r.helm_render? + r.helm_load?), |r| r.cold)
    {
        println!(
            "Helm / trace-value, load + render:                            {by_median:.1}x (ratio of sums {by_sum:.1}x)"
        );
    }
    // The question from the mission: render, trace and answer one block query.
    if let Some(ex) = exs.iter().find(|e| e.name == "features__pod-logs__default") {
        let loaded = median_of(iters, || time_once(&chart, ex, Scope::Loaded, true, true))?;
        let cold = if args.cold {
            median_of(iters, || time_once(&chart, ex, Scope::Cold, true, true))?
        } else {
            f64::NAN
        };
        println!(
            "render + --block 'loki.process \"pod_logs\"' (pod-logs example): {loaded:.2} ms loaded, {cold:.2} ms cold"
        );
        if let (Some(h), Some(hl)) = (helm.render.get(&ex.name), helm.load.get(&ex.name)) {
            println!(
                "  Helm renders that example in {h:.1} ms (+ {hl:.1} ms load): {:.1}x loaded, {:.1}x cold",
                h / loaded,
                (h + hl) / cold
            );
        }
    }
    drop(server);
    if args.docs && args.only.is_none() {
        docs_timing(&chart, &rows, iters.clamp(1, 3))?;
    }
    if let Some(kib) = peak_rss_kib() {
        println!(
            "peak RSS (trace-value process): {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
    Ok(())
}

/// `docs --values-dir docs/examples`: the reference built from every
/// example (chart loaded once), per value set, against Helm's median render.
fn docs_timing(chart: &Path, rows: &[Row], iters: usize) -> Result<(), String> {
    let req = RenderRequest {
        chart: chart.to_path_buf(),
        release_name: "k8smon".to_string(),
        namespace: "default".to_string(),
        ..RenderRequest::default()
    };
    let dirs = [chart.join("docs/examples")];
    let mut sets = 0;
    let total = median_of(iters, || {
        let start = Instant::now();
        let survey = trace_value::docs::survey(&req, &dirs).map_err(|e| e.to_string())?;
        let text =
            trace_value::docs::reference::markdown(&survey.chart_name, &survey.keys, &survey.sets);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        sets = survey.sets.len();
        drop(text);
        Ok(ms)
    })?;
    let per_set = total / sets.max(1) as f64;
    print!("docs --values-dir docs/examples: {total:.0} ms for {sets} value sets, {per_set:.1} ms per set");
    let mut hs: Vec<f64> = rows.iter().filter_map(|r| r.helm_render).collect();
    if !hs.is_empty() {
        print!(" ({:.1}x Helm's median render)", median(&mut hs) / per_set);
    }
    println!();
    Ok(())
}

/// mimalloc: rendering allocates and frees many small values, strings and
/// syntax nodes, and glibc's allocator spent about a tenth of the time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
