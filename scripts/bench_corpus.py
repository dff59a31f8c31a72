"""Benchmark trace-value against Helm's own engine on every chart of the corpus.

For each chart of ../shared/corpus, one value set (the chart's defaults, or
the set named in SETS below where the defaults are refused by Helm or are not
representative), timed one right after the other on both sides:

- Helm (helm_python, Helm v4.2.3's engine in-process): `Chart.load` and
  `chart.render`, medians of HELM_ITERS;
- trace-value in-process (`target/release/examples/bench --set`): the render
  of a loaded chart, traced and untraced, medians of ITERS;
- trace-value cold, as a user runs it: the `trace-value render` process, wall
  time (median of ITERS); peak RSS of one cold render, read by the bench
  process itself right after it (wait4's figure would include the forked
  Python's memory).

Prints a table with the ratios and writes it to OUT (markdown) when given.
Run with the oracle venv's python (scripts/bench.sh --corpus does that):

    VENV_PYTHON scripts/bench_corpus.py SHARED_DIR BINARY BENCH [--iters N] [--helm-iters N] [--out FILE]
"""
import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time

import helm_python as helm

# Helm's merge of values files, shared with the examples benchmark (this
# script runs from scripts/, which is first on the import path).
from bench_helm import deep_merge

# Where the defaults are not what users render (Helm refuses loki's defaults:
# it needs object storage), the set to time instead.
SETS = {
    "k8s-monitoring-4.4.0": "features__pod-logs-via-loki__default",
    "loki": "single-binary-values",
}


def pick_set(corpus, chart):
    """(golden name, values path relative to the chart or None, release)."""
    name = SETS.get(chart, "defaults")
    with open(os.path.join(corpus, "goldens", chart, name + ".json")) as fh:
        golden = json.load(fh)
    return name, golden.get("values"), golden["release"]


def time_helm(chart_dir, values_rel, release, iters):
    values = {}
    if values_rel:
        with open(os.path.join(chart_dir, values_rel)) as fh:
            deep_merge(values, helm.values_from_yaml(fh.read()) or {})
    loads, renders = [], []
    for _ in range(iters):
        t0 = time.perf_counter()
        with helm.Chart.load(chart_dir) as chart:
            loads.append((time.perf_counter() - t0) * 1000.0)
            t1 = time.perf_counter()
            try:
                chart.render(values, name=release, namespace="default")
            except Exception:  # a refusal is timed up to the refusal, as on our side
                pass
            renders.append((time.perf_counter() - t1) * 1000.0)
    return statistics.median(loads), statistics.median(renders)


def time_cli(binary, chart_dir, values_rel, release, iters):
    """Median wall time (ms), median CPU time (user + system, ms: what the
    process itself costs, unlike wall time untouched by the other core's load)
    and the largest peak RSS (MiB) of `trace-value render`."""
    args = [binary, "render", "--chart", chart_dir, "--release-name", release]
    if values_rel:
        args += ["-f", os.path.join(chart_dir, values_rel)]
    walls, cpus, rss = [], [], 0
    for _ in range(iters):
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(proc.pid, 0)
        walls.append((time.perf_counter() - t0) * 1000.0)
        cpus.append((usage.ru_utime + usage.ru_stime) * 1000.0)
        rss = max(rss, usage.ru_maxrss / 1024.0)
    return statistics.median(walls), statistics.median(cpus), rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shared")
    ap.add_argument("binary")
    ap.add_argument("bench")
    ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--helm-iters", type=int, default=3)
    ap.add_argument("--out")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    corpus = os.path.join(a.shared, "corpus")
    charts = sorted(c for c in os.listdir(os.path.join(corpus, "charts")) if a.only in c)
    rows = []
    header = (
        f"{'chart':<30} {'set':<38} {'helm load+render':>16} {'helm render':>11} "
        f"{'tv loaded':>9} {'untraced':>8} {'tv cold CLI':>11} {'CLI CPU':>8} {'loaded x':>8} {'cold x':>7} "
        f"{'trace cost':>10} {'peak RSS':>9}"
    )
    print(header, flush=True)
    for chart in charts:
        chart_dir = os.path.join(corpus, "charts", chart)
        name, values_rel, release = pick_set(corpus, chart)
        helm_load, helm_render = time_helm(chart_dir, values_rel, release, a.helm_iters)
        time.sleep(0.4)  # let Go's garbage collector finish before we time
        out = subprocess.run(
            [a.bench, "--iters", str(a.iters), "--set", chart_dir, values_rel and os.path.join(chart_dir, values_rel) or "-", release],
            check=True, capture_output=True, text=True,
        ).stdout
        ours = json.loads(out.strip().splitlines()[-1])
        cli_ms, cli_cpu_ms, _ = time_cli(a.binary, chart_dir, values_rel, release, a.iters)
        rss = ours["rss_mib"]
        row = {
            "chart": chart, "set": name,
            "helm_cold_ms": helm_load + helm_render, "helm_render_ms": helm_render,
            "loaded_ms": ours["loaded_ms"], "untraced_ms": ours["untraced_ms"], "cli_ms": cli_ms, "cli_cpu_ms": cli_cpu_ms,
            "loaded_ratio": helm_render / ours["loaded_ms"],
            "cold_ratio": (helm_load + helm_render) / cli_ms,
            "cold_cpu_ratio": (helm_load + helm_render) / max(cli_cpu_ms, 0.1),
            "trace_cost": ours["loaded_ms"] / ours["untraced_ms"], "rss_mib": rss,
        }
        rows.append(row)
        print(
            f"{chart:<30} {name:<38} {row['helm_cold_ms']:14.1f}ms {helm_render:9.1f}ms "
            f"{row['loaded_ms']:7.2f}ms {row['untraced_ms']:6.2f}ms {cli_ms:9.1f}ms {cli_cpu_ms:6.1f}ms "
            f"{row['loaded_ratio']:7.0f}x {row['cold_ratio']:6.0f}x {row['trace_cost']:9.2f}x {rss:6.1f}MiB",
            flush=True,
        )
    cold = [r["cold_ratio"] for r in rows]
    loaded = [r["loaded_ratio"] for r in rows]
    summary = [
        f"cold CLI run vs Helm load+render: median {statistics.median(cold):.0f}x, lowest {min(cold):.0f}x ({min(rows, key=lambda r: r['cold_ratio'])['chart']})",
        f"cold CLI run's CPU time vs Helm load+render: median {statistics.median(r['cold_cpu_ratio'] for r in rows):.0f}x",
        f"loaded render vs Helm render: median {statistics.median(loaded):.0f}x, lowest {min(loaded):.0f}x",
        f"tracing cost (traced / untraced): median {statistics.median(r['trace_cost'] for r in rows):.2f}x, highest {max(r['trace_cost'] for r in rows):.2f}x",
        f"peak RSS of one CLI render: highest {max(r['rss_mib'] for r in rows):.1f} MiB",
    ]
    for line in summary:
        print(line)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(f"# Corpus benchmark, {datetime.date.today().isoformat()}\n\n")
            fh.write("| chart | set | Helm load+render | Helm render | trace-value loaded | untraced | trace-value CLI | CLI CPU | loaded × | cold × | trace cost | peak RSS |\n")
            fh.write("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
            for r in rows:
                fh.write(
                    f"| {r['chart']} | {r['set']} | {r['helm_cold_ms']:.0f} ms | {r['helm_render_ms']:.0f} ms | "
                    f"{r['loaded_ms']:.1f} ms | {r['untraced_ms']:.1f} ms | {r['cli_ms']:.1f} ms | {r['cli_cpu_ms']:.1f} ms | "
                    f"{r['loaded_ratio']:.0f}× | {r['cold_ratio']:.0f}× | {r['trace_cost']:.2f}× | {r['rss_mib']:.0f} MiB |\n"
                )
            fh.write("\n" + "\n".join(f"- {line}" for line in summary) + "\n")


if __name__ == "__main__":
    sys.exit(main())
