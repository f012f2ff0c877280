#!/usr/bin/env bash
# Builds the libFuzzer harness (Sources/CofferFuzz) with -sanitize=fuzzer,address and fuzzes
# the request line parser and the config loader, starting from the seed corpus in Corpus/.
#
#   Tests/Fuzz/run-fuzz.sh short          CI: about 60 s in all (40 s request, 20 s config)
#   Tests/Fuzz/run-fuzz.sh long [TARGET]  by hand: 10 minutes per target, or FUZZ_RUNS inputs
#   Tests/Fuzz/run-fuzz.sh replay FILE…   reruns inputs (a crash-*) through the plain build
#
# Environment: FUZZ_SECONDS (seconds per target), FUZZ_RUNS (inputs per target, long mode),
# FUZZ_JOBS (parallel fuzzing processes, long mode), FUZZ_WORK (where new corpus units and
# crash files go; default .build-fuzz/work). The checked-in seed corpus is only read.
# Exits non-zero on any crash, leak, timeout or broken invariant; the reproducer is written
# to $FUZZ_WORK/artifacts/ and must become a regression test in Tests/CofferProtocolTests.
set -euo pipefail
cd "$(dirname "$0")/../.."

mode="${1:-short}"
shift || true
scratch=".build-fuzz"
work="${FUZZ_WORK:-$scratch/work}"

# swiftc lets a later -sanitize= replace an earlier one, and SwiftPM passes --sanitize=fuzzer
# and --sanitize=address as two flags (ASan alone, no coverage: libFuzzer then finds nothing).
# So SwiftPM is asked for the fuzzer (it links libFuzzer's main) and swiftc for both at once.
build_fuzzer() {
  swift build --scratch-path "$scratch" --product CofferFuzz -c release \
    --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >"$work/build.log" 2>&1 \
    || { tail -40 "$work/build.log" >&2; echo "fuzz build failed" >&2; exit 1; }
  echo "$scratch/release/CofferFuzz"
}

# fuzz TARGET SECONDS RUNS: one libFuzzer session over a fresh working corpus plus the seeds.
fuzz() {
  local target="$1" seconds="$2" runs="$3" binary="$4"
  local corpus="$work/corpus/$target" log="$work/$target.log"
  mkdir -p "$corpus" "$work/artifacts"
  local options=(-max_len=4096 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                 -dict="Tests/Fuzz/$target.dict" -artifact_prefix="$work/artifacts/$target-")
  [ "$seconds" -gt 0 ] && options+=(-max_total_time="$seconds")
  [ "$runs" -gt 0 ] && options+=(-runs="$runs")
  if [ "${FUZZ_JOBS:-1}" -gt 1 ]; then
    options+=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
  fi
  echo "fuzzing $target (${seconds}s, runs limit ${runs})"
  if ! COFFER_FUZZ_TARGET="$target" "$binary" "${options[@]}" "$corpus" "Tests/Fuzz/Corpus/$target" >"$log" 2>&1; then
    tail -60 "$log"
    echo "fuzz $target: FAILED, reproducer in $work/artifacts/" >&2
    return 1
  fi
  local executed
  # With -jobs, each worker writes fuzz-N.log; their totals add up.
  executed=$( { cat "$log" "$work"/fuzz-*.log 2>/dev/null || true; } | awk '/stat::number_of_executed_units/ {s+=$2} END {print s+0}')
  echo "fuzz $target: $executed inputs executed, no crash"
}

mkdir -p "$work"
case "$mode" in
  short)
    binary=$(build_fuzzer)
    fuzz request "${FUZZ_SECONDS:-40}" 0 "$binary"
    fuzz config "${FUZZ_SECONDS:-20}" 0 "$binary"
    ;;
  long)
    binary=$(build_fuzzer)
    targets=("$@")
    [ ${#targets[@]} -eq 0 ] && targets=(request config)
    for target in "${targets[@]}"; do
      rm -f "$work"/fuzz-*.log
      fuzz "$target" "${FUZZ_SECONDS:-600}" "${FUZZ_RUNS:-0}" "$binary"
    done
    ;;
  replay)
    swift build --scratch-path .build-abuse --product CofferFuzz >/dev/null
    for target in request config; do
      COFFER_FUZZ_TARGET="$target" .build-abuse/debug/CofferFuzz "Tests/Fuzz/Corpus/$target"
    done
    [ $# -gt 0 ] && COFFER_FUZZ_TARGET="${FUZZ_TARGET:-request}" .build-abuse/debug/CofferFuzz "$@"
    ;;
  *)
    echo "usage: $0 short | long [request|config] | replay [FILE…]" >&2
    exit 2
    ;;
esac
