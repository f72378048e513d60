#!/usr/bin/env bash
# A soak run: the simulator publishing continuously into several monitors, one `dcmon listen`
# (explicit acks) per monitor, every push connection cut after a random 10 to 30 s (mid-frame
# included) by a proxy in between. At the end: every published event received at least once
# (compared by value), the resident memory and open files of every process sampled every 10 s.
#
#   Scripts/soak.sh MINUTES [MONITORS]        (MONITORS defaults to 3)
#
# SOAK_CONFIGURATION=debug uses a debug build (default release). Exit 0 when nothing is missing
# and each listener's memory stayed within 10 % after a two-minute warm-up. The run's folder
# (events, logs, samples, summary.txt) is printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:?usage: Scripts/soak.sh MINUTES [MONITORS]}
monitors=${2:-3}
configuration=${SOAK_CONFIGURATION:-release}
here=Scripts/soak

swift build -c "$configuration" --product dcmon > /dev/null
run=$(mktemp -d "${TMPDIR:-/tmp}/dcmon-soak.XXXXXX")
# A copy, so that a rebuild during the run changes nothing.
cp "$(swift build -c "$configuration" --show-bin-path)/dcmon" "$run/dcmon"
dcmon="$run/dcmon"
export DC_USERNAME=soak
DC_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
export DC_PASSWORD

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for_port() {
    python3 - "$1" <<'PY'
import socket, sys, time
deadline = time.time() + 60
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.2)
sys.exit("nothing listens on port " + sys.argv[1])
PY
}

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
    wait 2> /dev/null || true
}
trap cleanup EXIT

http_port=$(free_port)
push_port=$(free_port)
proxy_port=$(free_port)
"$dcmon" simulate --http-port "$http_port" --push-port "$push_port" --ca-out "$run/simulator-ca.pem" \
    > "$run/simulator.log" 2>&1 &
simulator=$!
pids+=("$simulator")
wait_for_port "$http_port"
wait_for_port "$push_port"
url="http://127.0.0.1:$http_port"

echo "{" > "$run/monitors.json"
for index in $(seq 1 "$monitors"); do
    id=$("$dcmon" monitors create tcp --url "$url" --topics "DataPoint/soak-$index" --batch-size 100 \
        --batch-duration 1 --compression zlib --format json --ack explicit --auto-replay true --json \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["monId"])')
    [ "$index" -gt 1 ] && echo "," >> "$run/monitors.json"
    echo "\"$id\": \"soak-$index\"" >> "$run/monitors.json"
done
echo "}" >> "$run/monitors.json"
echo '{"connections": 0, "cuts": 0, "cuts_mid_chunk": 0}' > "$run/proxy-stats.json"

python3 "$here/cutting_proxy.py" "$proxy_port" "$push_port" "$run/proxy-stats.json" 10 30 &
pids+=($!)
wait_for_port "$proxy_port"

roles=("simulator:$simulator")
listeners=()
for id in $(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))))' "$run/monitors.json"); do
    "$dcmon" listen "$id" --url "$url" --plain --push-port "$proxy_port" --ack explicit \
        > "$run/events-$id.jsonl" 2> "$run/listen-$id.log" &
    pids+=($!)
    listeners+=($!)
    roles+=("listen-$id:$!")
done

# Resident memory and open files of every process, every 10 s.
echo "seconds,role,pid,rss_kb,fds" > "$run/samples.csv"
(
    start=$(date +%s)
    while true; do
        for entry in "${roles[@]}"; do
            role=${entry%%:*}
            pid=${entry##*:}
            rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2> /dev/null || true)
            fds=$(ls "/proc/$pid/fd" 2> /dev/null | wc -l)
            [ -n "$rss" ] && echo "$(($(date +%s) - start)),$role,$pid,$rss,$fds" >> "$run/samples.csv"
        done
        sleep 10
    done
) &
sampler=$!
pids+=("$sampler")

# 100 DataPoints per monitor every second, each value once; only answered writes are counted.
echo "soak: $monitors monitors for $minutes min, run folder $run"
end=$(($(date +%s) + minutes * 60))
base=0
: > "$run/published.log"
while [ "$(date +%s)" -lt "$end" ]; do
    for index in $(seq 1 "$monitors"); do
        if "$dcmon" publish datapoint --url "$url" --stream "soak-$index" --value "$base" --count 100 \
            > /dev/null 2>> "$run/publish.log"; then
            echo "soak-$index $base 100" >> "$run/published.log"
        fi
    done
    base=$((base + 100))
    sleep 1
done

# Drain: up to 3 minutes for the last blocks (and the replays of the last cuts) to arrive.
drain_end=$(($(date +%s) + 180))
until python3 "$here/report.py" check "$run" || [ "$(date +%s)" -ge "$drain_end" ]; do sleep 5; done
kill "$sampler" 2> /dev/null || true
for pid in "${listeners[@]}"; do kill -INT "$pid" 2> /dev/null || true; done

status=0
python3 "$here/report.py" final "$run" | tee "$run/summary.txt" || status=$?
echo "soak: run folder $run"
exit "$status"
