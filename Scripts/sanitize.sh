#!/usr/bin/env bash
# Runs the whole test suite under ThreadSanitizer and/or AddressSanitizer.
#
# Usage: Scripts/sanitize.sh [thread|address|all]     (default: all)
#
# Each sanitizer builds into its own scratch path (.build-tsan, .build-asan) so the normal
# .build is untouched. A throwaway PostgreSQL is started for the relay's tests, as in CI.
# SANITIZE_TIME_LIMIT (seconds, default 10800) bounds each run, so a hang is a clear failure.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
case "$which" in
    thread) sanitizers=(thread) ;;
    address) sanitizers=(address) ;;
    all) sanitizers=(thread address) ;;
    *)
        echo "usage: $0 [thread|address|all]" >&2
        exit 2
        ;;
esac
limit=${SANITIZE_TIME_LIMIT:-10800}

source Scripts/test-services.sh
install_test_packages
start_throwaway_postgres

# Reports go to the test output and fail the run (the exit status is non-zero). Swift's crash
# backtracer forks a helper, which the sanitizers' runtimes do not survive; the sanitizer prints
# the stack of a trap (a Swift runtime error is SIGILL) instead.
export SWIFT_BACKTRACE=enable=no
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 handle_sigill=1 suppressions=$PWD/Scripts/tsan-suppressions.txt ${TSAN_OPTIONS:-}"
# A small quarantine: the tests that bound their resident memory measure the process, and the
# default 256 MiB of freed memory kept for use-after-free detection would count against them.
export ASAN_OPTIONS="halt_on_error=1 detect_stack_use_after_return=1 handle_sigill=1 quarantine_size_mb=16 ${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$PWD/Scripts/lsan-suppressions.txt ${LSAN_OPTIONS:-}"

failed=()
for sanitizer in "${sanitizers[@]}"; do
    case "$sanitizer" in
        thread) scratch=.build-tsan ;;
        address) scratch=.build-asan ;;
    esac
    echo "== swift test --sanitize=$sanitizer (scratch path $scratch, limit ${limit}s)"
    status=0
    timeout --kill-after=30 "$limit" swift test --sanitize="$sanitizer" --scratch-path "$scratch" || status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "== $sanitizer: did not finish within ${limit}s; the tests that started without passing are the hung ones" >&2
        failed+=("$sanitizer")
    elif [ "$status" -ne 0 ]; then
        echo "== $sanitizer: FAILED (exit $status); the sanitizer's reports are above" >&2
        failed+=("$sanitizer")
    else
        echo "== $sanitizer: clean"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "sanitizer runs that failed: ${failed[*]}" >&2
    exit 1
fi
echo "all sanitizer runs clean: ${sanitizers[*]}"
