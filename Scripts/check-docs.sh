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
# A dependency's manifest warning (files it does not declare) is not ours; any other warning is.
if [ "$status" -ne 0 ] || grep "warning:" "$log" | grep -qv "which are unhandled"; then
    echo "the documentation has warnings (above)" >&2
    exit 1
fi
# Every public top-level symbol (SPI aside) is curated in a topic group of its module's catalogue.
python3 - "${targets[@]}" <<'PY'
import glob, re, sys
declaration = re.compile(r"^(@_spi\(\w+\)\n)?public (?:final )?(?:struct|enum|class|actor|protocol|typealias|func) (\w+)", re.M)
uncurated = []
for module in sys.argv[1:]:
    names = set()
    for path in glob.glob(f"Sources/{module}/**/*.swift", recursive=True):
        names |= {name for spi, name in declaration.findall(open(path).read()) if not spi}
    catalogue = "".join(open(path).read() for path in glob.glob(f"Sources/{module}/{module}.docc/*.md"))
    uncurated += [f"{module}.{name}" for name in sorted(names)
                  if not re.search(rf"``(?:{module}/)?{name}[`(/]", catalogue)]
if uncurated:
    print("public symbols no topic group reaches:", *uncurated, sep="\n  ", file=sys.stderr)
    sys.exit(1)
PY
echo "documentation: ${#targets[@]} targets built with no warning; every public symbol is curated"
