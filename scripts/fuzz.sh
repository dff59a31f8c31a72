#!/usr/bin/env bash
# Run every cargo-fuzz target (fuzz/fuzz_targets) for a set time, one after
# the other at low priority, and turn each crash, out-of-memory or timeout
# that libFuzzer finds into a regression fixture: the input is copied to
# fuzz/regressions/<target>/, which tests/hostile.rs replays through the
# command line on every `cargo test` (commit it with the fix).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 600 s for each target. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Prints each target's execution count.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-600}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(template_parse render_chart yaml_values set_flags chart_archive)
fi
mkdir -p target/fuzz-logs
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/regressions/$t" "fuzz/artifacts/$t"
  log="target/fuzz-logs/$t.log"
  # Archives need room for a few tar headers.
  max_len=4096
  [ "$t" = chart_archive ] && max_len=16384
  # The regressions seed the run; new inputs go to fuzz/corpus (not committed).
  # Leak detection is off: the loader's and the parser's helper threads
  # are left to finish on their own, which LeakSanitizer reports at exit;
  # memory is bounded by -rss_limit_mb instead.
  set +e
  nice -n 10 cargo +nightly fuzz run "$t" "fuzz/corpus/$t" "fuzz/regressions/$t" -- \
    -max_total_time="$secs" -rss_limit_mb=4096 -timeout=30 -max_len="$max_len" \
    -detect_leaks=0 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
  found=0
  for f in "fuzz/artifacts/$t"/crash-* "fuzz/artifacts/$t"/oom-* "fuzz/artifacts/$t"/timeout-*; do
    [ -e "$f" ] || continue
    cp "$f" "fuzz/regressions/$t/"
    found=$((found + 1))
  done
  echo "$t: ${execs:-?} executions in ${secs}s, exit $rc, $found new regression input(s) (log: $log)"
done
