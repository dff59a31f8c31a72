#!/usr/bin/env bash
# Benchmark trace-value against Helm's own engine on the 66 k8s-monitoring
# 3.5.2 examples.
#
#   scripts/bench.sh [--iters N] [--helm-iters N] [--reuse-helm]
#
# Helm: scripts/bench_helm.py times chart.render in-process (chart loaded
# once per example, load time not counted), median per example, written to
# target/bench-helm.json (--reuse-helm keeps an existing one: it takes ~5 min).
# trace-value: `cargo run --release --bin bench` renders each example cold
# (chart loading, parsing, values, rendering, tracing) N times, median per
# example, traced and untraced, and prints the table, the ratio of medians
# and the peak RSS.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
shared="${TRACE_VALUE_SHARED:-$repo/../shared}"
[ -d "$shared/charts" ] || shared=/work/shared
iters=5
helm_iters=3
reuse=0
while [ $# -gt 0 ]; do
  case "$1" in
    --iters) iters="$2"; shift 2 ;;
    --helm-iters) helm_iters="$2"; shift 2 ;;
    --reuse-helm) reuse=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
venv="${HELM_ORACLE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/helm-oracle-venv}"
helm_json="$repo/target/bench-helm.json"
mkdir -p "$repo/target"
if [ "$reuse" = 0 ] || [ ! -f "$helm_json" ]; then
  if [ ! -x "$venv/bin/python" ]; then
    # helm-render creates the venv on first use.
    "$shared/oracle/helm-render" --help >/dev/null 2>&1 || true
  fi
  "$venv/bin/python" "$here/bench_helm.py" "$shared" "$helm_json" "$helm_iters"
fi
cd "$repo"
TRACE_VALUE_SHARED="$shared" cargo run --release --quiet --bin bench -- \
  --iters "$iters" --helm "$helm_json"
