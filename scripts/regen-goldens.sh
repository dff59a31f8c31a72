#!/usr/bin/env bash
# Regenerate every golden under testdata/ from the fixture charts, with Helm's own
# engine (the oracle). Goldens are never edited by hand: change a chart or a values
# file, run this script, review `git diff testdata/`, commit.
#
#   scripts/regen-goldens.sh
#   TRACE_VALUE_SHARED=/path/to/shared scripts/regen-goldens.sh
#   HELM_RENDER=/path/to/helm-render scripts/regen-goldens.sh
#
# The oracle is $HELM_RENDER, else $TRACE_VALUE_SHARED/oracle/helm-render, else
# ../shared/oracle/helm-render beside the repository (as the tests look for it).
#
# What it renders:
#   charts-fixtures/<chart>/                 every directory holding a Chart.yaml
#   charts-fixtures/errors/<case>/           the same, for charts that must fail
# For each chart:
#   testdata/goldens/<chart>/default.json    the chart's own values.yaml only
#   testdata/goldens/<chart>/<name>.json     plus `-f charts-fixtures/<chart>/ci/<name>.yaml`
# (errors keep their prefix: testdata/goldens/errors/<case>/default.json).
# testdata/goldens/ belongs to this script: it is emptied and rewritten.
#
# Release name `rel`, namespace `default`, for every golden. A golden is JSON:
#   {"chart": "charts-fixtures/<chart>", "values": null | "ci/<name>.yaml",
#    "release": "rel", "namespace": "default",
#    "files": {template path: rendered text}}      when Helm renders,
#   ... "error": "<Helm's message>"                  when Helm fails.
# The error text is Helm's message exactly as the oracle prints it on stderr,
# without the one newline the printing adds.
set -euo pipefail

RELEASE=rel
NAMESPACE=default

repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
shared="${TRACE_VALUE_SHARED:-$repo/../shared}"
oracle="${HELM_RENDER:-$shared/oracle/helm-render}"
if [ ! -x "$oracle" ]; then
  echo "regen-goldens: oracle not found at $oracle (set TRACE_VALUE_SHARED or HELM_RENDER)" >&2
  exit 1
fi

# write_golden CHART_DIR VALUES_REL OUT: render and write one golden.
write_golden() {
  local chart="$1" values="$2" out="$3"
  local args=("$chart" --json --name "$RELEASE" --namespace "$NAMESPACE")
  if [ -n "$values" ]; then
    args+=(-f "$chart/$values")
  fi
  local stdout stderr status=0
  stdout="$(mktemp)"
  stderr="$(mktemp)"
  "$oracle" "${args[@]}" >"$stdout" 2>"$stderr" || status=$?
  mkdir -p "$(dirname "$out")"
  python3 - "$chart" "$values" "$RELEASE" "$NAMESPACE" "$status" "$stdout" "$stderr" "$out" <<'PY'
import json
import sys

chart, values, release, namespace, status, stdout, stderr, out = sys.argv[1:]
golden = {
    "chart": chart,
    "values": values or None,
    "release": release,
    "namespace": namespace,
}
if status == "0":
    with open(stdout, encoding="utf-8") as fh:
        golden["files"] = json.load(fh)
else:
    with open(stderr, encoding="utf-8") as fh:
        message = fh.read()
    if message.endswith("\n"):
        message = message[:-1]
    golden["error"] = message
with open(out, "w", encoding="utf-8") as fh:
    json.dump(golden, fh, indent=1, sort_keys=True, ensure_ascii=False)
    fh.write("\n")
PY
  rm -f "$stdout" "$stderr"
  if [ "$status" = 0 ]; then
    echo "rendered  $out"
  else
    echo "error     $out"
  fi
}

# Stale goldens go: every golden is rewritten below.
rm -rf testdata/goldens

for chart_yaml in charts-fixtures/*/Chart.yaml charts-fixtures/errors/*/Chart.yaml; do
  chart="$(dirname "$chart_yaml")"
  name="${chart#charts-fixtures/}"
  write_golden "$chart" "" "testdata/goldens/$name/default.json"
  for values in "$chart"/ci/*.yaml; do
    [ -e "$values" ] || continue
    stem="$(basename "$values" .yaml)"
    write_golden "$chart" "ci/$stem.yaml" "testdata/goldens/$name/$stem.json"
  done
done
