#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer and AddressSanitizer and runs each for SECONDS.
#
# Usage: ./run.sh SECONDS [TARGET...]     (all targets when none is named)
#
# Each target starts from a temporary copy of its committed seeds in Corpus/<target>/, so runs
# never write into them. Crash, leak and timeout inputs are kept in Artifacts/<target>/.
# Exits non-zero when any target finds a crash, a leak or a timeout; prints per target the
# number of inputs executed.
set -euo pipefail
cd "$(dirname "$0")"

if [ $# -lt 1 ] || ! [[ "$1" =~ ^[0-9]+$ ]] || [ "$1" -eq 0 ]; then
    echo "usage: $0 SECONDS [TARGET...]" >&2
    exit 2
fi
seconds=$1
shift
all_targets=(FuzzPushFrame FuzzBlockDecoder FuzzJSONScanner FuzzXMLScanner FuzzMonitorCondition FuzzDeliveryDecoder FuzzMonitorResponses)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi
for target in "${targets[@]}"; do
    if [ ! -d "Corpus/$target" ]; then
        echo "unknown target $target (no Corpus/$target); targets: ${all_targets[*]}" >&2
        exit 2
    fi
done

build_flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)
echo "building the fuzz targets (release, libFuzzer and AddressSanitizer)..."
swift build "${build_flags[@]}"
bin=$(swift build "${build_flags[@]}" --show-bin-path)

artifacts="$PWD/Artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Swift's own crash backtracer would run before AddressSanitizer's report and trip over it.
export SWIFT_BACKTRACE=enable=no
# Leaks that are proven not to be the library's (see the file).
export LSAN_OPTIONS="suppressions=$PWD/lsan-suppressions.txt ${LSAN_OPTIONS:-}"
failed=0
summary=$(printf '%-22s %8s %14s  %s\n' target seconds executions result)
for target in "${targets[@]}"; do
    mkdir -p "$work/corpus/$target" "$artifacts/$target"
    cp -R "Corpus/$target/." "$work/corpus/$target/"
    log="$artifacts/$target/last-run.log"
    echo "fuzzing $target for $seconds s (log: $log)..."
    status=0
    "$bin/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$target/" \
        "$work/corpus/$target" > "$log" 2>&1 || status=$?
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ "$status" -eq 0 ]; then
        result="ok"
    else
        failed=1
        finding=$(grep -m 1 -E '^(==[0-9]+==ERROR|ERROR: libFuzzer|Fatal error|.*property violated)' "$log" || true)
        artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
        result="FAILED (exit $status): ${finding:-see the log} ${artifact:+[input: $artifact]}"
    fi
    summary+=$(printf '\n%-22s %8s %14s  %s' "$target" "$seconds" "${executions:-?}" "$result")
    echo "$target: ${executions:-?} executions, $result"
done

echo
echo "$summary"
if [ "$failed" -ne 0 ]; then
    echo "at least one target failed; inputs and logs are in $artifacts" >&2
    exit 1
fi
