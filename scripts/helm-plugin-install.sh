#!/bin/sh
# Install/update hook of the Helm plugin (plugin.yaml): builds trace-value
# into the plugin folder, as `bin/trace-value`, which plugin.yaml runs.
# Helm sets HELM_PLUGIN_DIR; run by hand, the folder is this repository.
set -eu
dir="${HELM_PLUGIN_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
if ! command -v cargo >/dev/null 2>&1; then
  echo "helm-plugin-install: trace-value is built with cargo, which is not on PATH (install Rust: https://rustup.rs)" >&2
  exit 1
fi
echo "Building trace-value into $dir/bin (cargo install, a few minutes)..." >&2
cargo install --locked --quiet --path "$dir" --root "$dir"
"$dir/bin/trace-value" --version >&2
