#!/usr/bin/env bash
# Checks that the package's layers only point down: each library target may depend only on the
# targets (and third-party products) listed here. The table is the README's layout section.
#
# Usage: Scripts/check-layers.sh
set -euo pipefail
cd "$(dirname "$0")/.."

description=$(mktemp)
trap 'rm -f "$description"' EXIT
swift package describe --type json > "$description"
python3 - "$description" <<'PY'
import json, sys

# target: (package targets it may use, third-party products it must not use)
allowed = {
    "DeviceCloudServerSupport": (set(), set()),
    "DeviceCloudProtocol": (set(), {"AsyncHTTPClient", "NIOSSL", "NIOPosix", "Hummingbird"}),
    "DeviceCloud": ({"DeviceCloudProtocol"}, {"Hummingbird"}),
    "DeviceCloudHTTPReceiver": ({"DeviceCloudProtocol", "DeviceCloudServerSupport"}, {"AsyncHTTPClient"}),
    "DeviceCloudSimulator": ({"DeviceCloudProtocol", "DeviceCloudServerSupport"}, set()),
    "DeviceCloudRelay": ({"DeviceCloud", "DeviceCloudProtocol"}, set()),
    "DeviceCloudSQLite": ({"DeviceCloud", "DeviceCloudProtocol", "DeviceCloudRelay"}, set()),
    "DeviceCloudPostgres": ({"DeviceCloud", "DeviceCloudProtocol", "DeviceCloudRelay"}, set()),
}
targets = {t["name"]: t for t in json.load(open(sys.argv[1]))["targets"]}
failures = []
for name, (may_use, must_not_use) in allowed.items():
    target = targets.get(name)
    if target is None:
        failures.append(f"{name}: no such target")
        continue
    extra = set(target.get("target_dependencies", [])) - may_use
    if extra:
        failures.append(f"{name} depends on {sorted(extra)}; it may use only {sorted(may_use) or 'no package target'}")
    banned = set(target.get("product_dependencies", [])) & must_not_use
    if banned:
        failures.append(f"{name} must not depend on {sorted(banned)}")
libraries = {t for t, v in targets.items() if v.get("type") == "library" and not v["path"].startswith("Tests/")}
unlisted = libraries - set(allowed)
if unlisted:
    failures.append(f"library targets missing from the layer table: {sorted(unlisted)}")
if failures:
    print("layers point the wrong way:", *failures, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"layers: {len(allowed)} library targets checked, every dependency points down")
PY
