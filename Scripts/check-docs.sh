#!/usr/bin/env bash
# Builds the DocC documentation of every library target with the swift-docc-plugin and fails on
# any warning (a broken symbol link, an unknown topic, a missing article).
#
# Usage: Scripts/check-docs.sh            (output under .build/plugins/Swift-DocC/outputs)
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(DeviceCloud DeviceCloudProtocol DeviceCloudHTTPReceiver DeviceCloudSimulator DeviceCloudRelay DeviceCloudSQLite DeviceCloudPostgres)
arguments=()
for target in "${targets[@]}"; do arguments+=(--target "$target"); done

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift package generate-documentation "${arguments[@]}" --warnings-as-errors 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ] || grep -q "warning:" "$log"; then
    echo "the documentation has warnings (above)" >&2
    exit 1
fi
echo "documentation: ${#targets[@]} targets built with no warning"
