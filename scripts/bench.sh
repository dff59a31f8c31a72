#!/usr/bin/env bash
# Benchmark trace-value against Helm's own engine on the 66 k8s-monitoring
# 3.5.2 examples.
#
#   scripts/bench.sh [--iters N] [--helm-iters N]
#   scripts/bench.sh --corpus [--iters N] [--helm-iters N] [--out FILE]
#
# With --corpus: every chart of ../shared/corpus, one value set each
# (scripts/bench_corpus.py): Helm's load + render and render against
# trace-value's command-line run and loaded render, tracing cost and peak RSS.
#
# For each example, scripts/bench_helm.py (Helm v4.2.3's engine in-process,
# from the helm-python-sdk wheel the oracle uses) times Chart.load and
# chart.render, then `cargo run --release --example bench` times trace-value on
# the same example: the render of a loaded chart (like chart.render) and the
# cold load + render of a command-line run. Both sides are timed one right
# after the other because this machine's speed drifts. Prints the table, the
# ratios, the mission's block query, docs over all examples and peak RSS.
# Takes about 6 minutes (Helm needs ~1.5 s per render).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
shared="${TRACE_VALUE_SHARED:-$repo/../shared}"
[ -d "$shared/charts" ] || shared=/work/shared
iters=5
helm_iters=3
corpus=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --corpus) corpus=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --iters) iters="$2"; shift 2 ;;
    --helm-iters) helm_iters="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
venv="${HELM_ORACLE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/helm-oracle-venv}"
if [ ! -x "$venv/bin/python" ]; then
  # helm-render creates the venv on first use.
  "$shared/oracle/helm-render" --help >/dev/null 2>&1 || true
fi
cd "$repo"
cargo build --release --quiet --example bench
if [ "$corpus" = 1 ]; then
  cargo build --release --quiet --bin trace-value
  exec "$venv/bin/python" "$here/bench_corpus.py" "$shared" target/release/trace-value \
    target/release/examples/bench --iters "$iters" --helm-iters "$helm_iters" ${out:+--out "$out"}
fi
TRACE_VALUE_SHARED="$shared" target/release/examples/bench \
  --iters "$iters" --helm-python "$venv/bin/python" --helm-iters "$helm_iters"
