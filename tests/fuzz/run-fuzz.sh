#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run-fuzz.sh BUILD SECONDS [HARNESS…]: runs each harness (default: all) with libFuzzer for
# SECONDS, its corpus growing in BUILD/fuzz-work/HARNESS/corpus (seeded from tests/fuzz/corpus,
# its regressions and the seeds named below), and says for each: executions, coverage (cov: the
# edges, ft: the features libFuzzer counts) and what it found (crash-, leak-, timeout-, oom-
# files in BUILD/fuzz-work/HARNESS/artifacts). `make fuzz` runs it; FUZZ_SECONDS sets the time.
set -uo pipefail
cd "$(dirname "$0")/../.."
build=$1 seconds=$2
shift 2
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(geojson map tables mbtiles photo)
shared=../shared/data
status=0
for h in "${harnesses[@]}"; do
  exe=$build/tests/fuzz/fuzz-$h
  [ -x "$exe" ] || { echo "no $exe: set the build up with -Dfuzzing=true (make fuzz does)"; exit 2; }
  work=$build/fuzz-work/$h
  mkdir -p "$work/corpus" "$work/artifacts"
  seeds=(tests/fuzz/corpus/$h tests/fuzz/regressions/$h)
  dict=() max_len=200000
  case $h in
    geojson) seeds+=("$shared/bad-geojson" data/demo); dict=(-dict=tests/fuzz/json.dict) ;;
    tables) dict=(-dict=tests/fuzz/json.dict) ;;
    map) mkdir -p "$work/seed" && cp "$build/tests/fuzz/seed-map.sqlite" "$work/seed/"
         seeds+=("$work/seed"); dict=(-dict=tests/fuzz/sqlite.dict); max_len=1000000 ;;
    mbtiles) seeds+=("$shared/mbtiles"); dict=(-dict=tests/fuzz/sqlite.dict); max_len=1000000 ;;
    photo) max_len=100000 ;;
  esac
  existing=()
  for s in "${seeds[@]}"; do [ -e "$s" ] && existing+=("$s"); done
  echo "== fuzz-$h for $seconds s"
  # a g_error() or a fatal critical traps (SIGTRAP): ASan reports it, libFuzzer keeps the input
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:handle_sigtrap=1 \
  LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$exe" -max_total_time="$seconds" -max_len=$max_len -timeout=30 -rss_limit_mb=3000 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" \
      "$work/corpus" "${existing[@]}" >"$work/log" 2>&1
  rc=$?
  done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$work/log" | tail -1)
  execs=$(grep -E "stat::number_of_executed_units" "$work/log" | awk '{print $2}')
  echo "   executions: ${execs:-?}; ${done_line:-no DONE line (see $work/log)}"
  # slow-unit-* (over 10 s) are no failure: on a loaded machine they come from lack of CPU;
  # time them with the normal build's replay (build/tests/fuzz/replay-HARNESS FILE)
  slow=$(ls "$work/artifacts" 2>/dev/null | grep -c '^slow-unit-')
  [ "$slow" -gt 0 ] && echo "   slow inputs (over 10 s here): $slow, in $work/artifacts"
  found=$(ls "$work/artifacts" 2>/dev/null | grep -v '^slow-unit-')
  if [ -n "$found" ] || [ $rc -ne 0 ]; then
    status=1
    echo "   FOUND (exit $rc): ${found:-see $work/log}"
    echo "   fix it, then copy the file into tests/fuzz/regressions/$h/: make test replays it"
  fi
done
exit $status
