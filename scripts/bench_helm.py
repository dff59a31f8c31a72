"""Time Helm's own engine (helm_python) rendering the k8s-monitoring examples.

For each example: load the values like helm_render.py does, then ITERS times
load the chart (`Chart.load`, timed) and time `chart.render(values, name=...,
namespace=...)` in-process; keep the median of each. Writes
{"median_ms": {name: render ms}, "load_ms": {name: load ms}, ...} as JSON.

    VENV_PYTHON scripts/bench_helm.py SHARED_DIR OUT.json [ITERS] [ONLY]
    VENV_PYTHON scripts/bench_helm.py --serve SHARED_DIR [ITERS]

With --serve it reads example names (`auth__oauth2`) from standard input,
one a line, and answers each with a JSON line {"render_ms": ..., "load_ms":
...}, so that the benchmark can time Helm and trace-value on the same
example one right after the other (the machine's speed drifts).
"""
import json
import os
import statistics
import sys
import time

import helm_python as helm


def deep_merge(base, top):
    """Helm's merge of one values file over the ones before it: maps merge
    key by key, anything else replaces (scripts/bench_corpus.py uses it too)."""
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def time_example(chart_dir, name, iters):
    """Median (render ms, load ms) of one example over ITERS loads and renders."""
    path = os.path.join(chart_dir, "docs/examples", name.replace("__", "/"), "values.yaml")
    values = {}
    with open(path) as fh:
        deep_merge(values, helm.values_from_yaml(fh.read()) or {})
    times, loads = [], []
    for _ in range(iters):
        t0 = time.perf_counter()
        with helm.Chart.load(chart_dir) as chart:
            loads.append((time.perf_counter() - t0) * 1000.0)
            t = time.perf_counter()
            chart.render(values, name="k8smon", namespace="default")
            times.append((time.perf_counter() - t) * 1000.0)
    return statistics.median(times), statistics.median(loads)


def serve(shared, iters):
    chart_dir = os.path.join(shared, "charts/k8s-monitoring-3.5.2")
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        render_ms, load_ms = time_example(chart_dir, name, iters)
        print(json.dumps({"render_ms": render_ms, "load_ms": load_ms}), flush=True)


def main():
    if sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
        return
    shared, out = sys.argv[1], sys.argv[2]
    iters = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    only = sys.argv[4] if len(sys.argv) > 4 else ""
    chart_dir = os.path.join(shared, "charts/k8s-monitoring-3.5.2")
    goldens = os.path.join(shared, "goldens/k8s-monitoring-3.5.2")
    names = sorted(n[:-5] for n in os.listdir(goldens) if n.endswith(".json"))
    names = [n for n in names if only in n]
    medians, load_ms = {}, {}
    for name in names:
        medians[name], load_ms[name] = time_example(chart_dir, name, iters)
        print(f"{name:<55} {medians[name]:9.1f} ms  (load {load_ms[name]:.1f} ms)", flush=True)
    result = {"iterations": iters, "median_ms": medians, "load_ms": load_ms}
    with open(out, "w") as fh:
        json.dump(result, fh, indent=1, sort_keys=True)
    print(f"median of medians: {statistics.median(medians.values()):.1f} ms over {len(medians)} examples")


if __name__ == "__main__":
    main()
