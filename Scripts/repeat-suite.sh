#!/usr/bin/env bash
# Runs the whole suite RUNS times in a row (default 20) while a busy loop keeps one core loaded,
# and stops at the first failing run. The suite's timing tests must hold on a machine that is
# doing something else too.
#
# Usage: Scripts/repeat-suite.sh [RUNS]
#
# Builds once, starts a throwaway PostgreSQL as CI does, then runs `swift test --skip-build`.
# Each run's output goes to .build/repeat-suite/run-N.log; a summary line per run is printed.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-20}
source Scripts/test-services.sh
install_test_packages
start_throwaway_postgres

swift build --build-tests
logs=.build/repeat-suite
mkdir -p "$logs"

# One core's worth of load for the whole loop; stopped with PostgreSQL when the script exits.
( while :; do :; done ) &
burner=$!
trap 'kill "$burner" 2> /dev/null || true; stop_postgres' EXIT

for run in $(seq 1 "$runs"); do
    started=$(date +%s)
    status=0
    timeout --kill-after=30 3600 swift test --skip-build > "$logs/run-$run.log" 2>&1 || status=$?
    summary=$(grep -E "Test run with" "$logs/run-$run.log" | tail -n 1 || true)
    echo "run $run/$runs ($(($(date +%s) - started)) s): ${summary:-no summary, exit $status}"
    if [ "$status" -ne 0 ]; then
        grep -E "recorded an issue" "$logs/run-$run.log" | head -n 20 >&2 || true
        echo "run $run failed; its output is in $logs/run-$run.log" >&2
        exit 1
    fi
done
echo "$runs runs in a row passed, with one core kept busy"
