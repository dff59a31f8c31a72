#!/usr/bin/env bash
# Run every cargo-fuzz target (fuzz/fuzz_targets) for a set time, one after
# the other at low priority, and turn each crash, out-of-memory or timeout
# that libFuzzer finds into a regression fixture: the input is copied to
# fuzz/regressions/<target>/, which tests/hostile.rs replays through the
# command line on every `cargo test` (commit it with the fix).
#
#   scripts/fuzz.sh [-s SANITIZER] [--smoke] [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 600 s for each target. Needs the nightly toolchain and cargo-fuzz
# (`cargo install cargo-fuzz`). Prints each target's execution count and
# exits 1 when any target found something.
#
# -s SANITIZER is cargo-fuzz's: `none` (the default) or `address`. The code
# is safe Rust, so AddressSanitizer finds little that the Rust checks miss,
# and its build took 42 minutes on a shared 2-core machine (without: about
# 15); libFuzzer without a sanitizer still finds panics, aborts (stack
# overflows), out-of-memory and timeouts. Debug assertions are on (`-a`):
# an arithmetic overflow is a crash, as in the debug-built test suite.
#
# --smoke (CI): no new inputs are kept (the corpus is a temporary folder)
# and nothing is copied to fuzz/regressions; a finding fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=none
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    -s) sanitizer="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    *) break ;;
  esac
done
secs="${1:-600}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  targets=(template_parse render_chart yaml_values set_flags chart_archive)
fi
# The fuzz workspace resolves the main package's versions (its own lock
# file is not committed).
[ -e fuzz/Cargo.lock ] || cp Cargo.lock fuzz/Cargo.lock
fuzz=(cargo +nightly fuzz)
flags=(-s "$sanitizer" -a)
nice -n 10 "${fuzz[@]}" build "${flags[@]}"
mkdir -p target/fuzz-logs
failed=0
for t in "${targets[@]}"; do
  corpus="fuzz/corpus/$t"
  [ "$smoke" = 1 ] && corpus="$(mktemp -d)"
  # A fresh folder for this run's findings.
  mkdir -p "$corpus" "fuzz/regressions/$t" fuzz/artifacts
  artifacts="$(mktemp -d "fuzz/artifacts/$t.XXXXXX")"
  # cargo-fuzz passes its own -artifact_prefix first (ours comes last and
  # wins); anything that still lands in its folder during the run counts.
  mkdir -p "fuzz/artifacts/$t"
  touch "$artifacts/.start"
  log="target/fuzz-logs/$t.log"
  # Archives need room for a few tar headers.
  max_len=4096
  [ "$t" = chart_archive ] && max_len=16384
  # The regressions seed the run; new inputs go to the corpus (not
  # committed). Leak detection is off: the loader's and the parser's helper
  # threads are left to finish on their own, which LeakSanitizer reports at
  # exit; memory is bounded by -rss_limit_mb instead.
  set +e
  nice -n 10 "${fuzz[@]}" run "${flags[@]}" "$t" "$corpus" "fuzz/regressions/$t" -- \
    -artifact_prefix="$artifacts/" \
    -max_total_time="$secs" -rss_limit_mb=4096 -timeout=30 -max_len="$max_len" \
    -detect_leaks=0 -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
  found=0
  find "fuzz/artifacts/$t" -maxdepth 1 -type f -newer "$artifacts/.start" \
    \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' \) -exec mv {} "$artifacts/" \;
  for f in "$artifacts"/crash-* "$artifacts"/oom-* "$artifacts"/timeout-*; do
    [ -e "$f" ] || continue
    [ "$smoke" = 1 ] || cp "$f" "fuzz/regressions/$t/"
    found=$((found + 1))
  done
  [ "$smoke" = 1 ] && rm -rf "$corpus" "$artifacts"
  [ "$found" = 0 ] && rm -rf "$artifacts"
  echo "$t: ${execs:-?} executions in ${secs}s, exit $rc, $found finding(s) (log: $log)"
  if [ "$rc" != 0 ] || [ "$found" != 0 ]; then
    failed=1
    [ "$smoke" = 1 ] && grep -m 5 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" || true
  fi
done
exit "$failed"
