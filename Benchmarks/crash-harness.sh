#!/usr/bin/env bash
# The crash harness, long setting (issue 7, item 1): TRIALS `kill -9` trials of a real
# `coffer serve` under 8 writer clients, cycling through plain writes, KEY ROTATE, DATA ROTATE,
# MASTER ROTATE and TENANT SHRED of another tenant. After every kill: PRAGMA integrity_check
# and foreign_key_check on both databases as the crash left them, a restart, and a read-back of
# every acknowledged write. The harness itself is the XCTest
# Tests/CofferServerTests/Crash/CrashHarnessTests.swift (`testLongRunOfKillNineTrials`, skipped
# unless COFFER_CRASH_TRIALS is set); CI runs its fast setting (10 trials) with the suite.
#
# Usage: Benchmarks/crash-harness.sh            (from anywhere; builds the tests in debug mode)
# Environment (all optional):
#   TRIALS=200          number of kill -9 trials
#   SEED=<n>            repeat a run (every run prints its seed)
#   VARIANTS=a,b        only these variants (writes, keyRotation, dataRotation, masterRotation,
#                       tenantShred); default all
#   SCRATCH_PATH=.build swift build --scratch-path
# Prints the figures line (`crash harness: N kill -9 trials ...`) and exits non-zero on any
# lost or torn write, failed integrity check or other breach. Takes about 0.6 s per trial.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export COFFER_CRASH_TRIALS=${TRIALS:-200}
[[ -z ${SEED:-} ]] || export COFFER_CRASH_SEED=$SEED
[[ -z ${VARIANTS:-} ]] || export COFFER_CRASH_VARIANTS=$VARIANTS
cd "$REPO"
swift build --build-tests --scratch-path "${SCRATCH_PATH:-.build}" >&2
LOG=$(mktemp /tmp/coffer-crash-harness.XXXXXX)
trap 'rm -f "$LOG"' EXIT
set +e
swift test --skip-build --scratch-path "${SCRATCH_PATH:-.build}" \
    --filter 'CrashHarnessTests.testLongRunOfKillNineTrials' > "$LOG" 2>&1
status=$?
set -e
grep -E '^crash harness|error:|failed' "$LOG" || true
if [[ $status -ne 0 ]]; then
    echo "crash harness: FAILED (status $status); the last lines of the test log:" >&2
    tail -n 30 "$LOG" >&2
fi
exit "$status"
