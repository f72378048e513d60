#!/usr/bin/env python3
"""Checks and summarises a soak run (see Scripts/soak.sh).

Usage: report.py check RUN_DIR   exit 0 once every published value was received
       report.py final RUN_DIR   print the summary; exit 1 if anything is missing or grew
"""
import csv
import json
import os
import sys


def published(run):
    """stream -> set of values published successfully."""
    values = {}
    with open(os.path.join(run, "published.log")) as log:
        for line in log:
            stream, base, count = line.split()
            values.setdefault(stream, set()).update(range(int(base), int(base) + int(count)))
    return values


def received(run, monitors):
    """stream -> (set of values received, events received in all)."""
    result = {}
    for monitor_id, stream in monitors.items():
        seen, total = set(), 0
        path = os.path.join(run, f"events-{monitor_id}.jsonl")
        if os.path.exists(path):
            with open(path) as events:
                for line in events:
                    if not line.endswith("\n"):
                        continue  # the last line may be half written while the run goes on
                    event = json.loads(line)
                    seen.add(int(float(event["body"]["data"])))
                    total += 1
        result[stream] = (seen, total)
    return result


def monitors_of(run):
    with open(os.path.join(run, "monitors.json")) as file:
        return json.load(file)


def check(run):
    sent, got = published(run), received(run, monitors_of(run))
    return all(values <= got.get(stream, (set(), 0))[0] for stream, values in sent.items())


def growth(samples, warmup_seconds):
    """(first RSS after warm-up, last RSS, growth %) per process role."""
    by_role = {}
    for row in samples:
        by_role.setdefault(row["role"], []).append(row)
    summary = {}
    for role, rows in sorted(by_role.items()):
        start = float(rows[0]["seconds"])
        after = [r for r in rows if float(r["seconds"]) - start >= warmup_seconds] or rows
        first, last = int(after[0]["rss_kb"]), int(after[-1]["rss_kb"])
        peak = max(int(r["rss_kb"]) for r in after)
        fds = sorted({int(r["fds"]) for r in after})
        summary[role] = (first, last, peak, 100.0 * (last - first) / max(first, 1), fds[0], fds[-1])
    return summary


def final(run):
    monitors = monitors_of(run)
    sent, got = published(run), received(run, monitors)
    lines, ok = [], True
    lines.append("monitor  published  received(distinct)  events(incl. repeats)  missing")
    for monitor_id, stream in sorted(monitors.items()):
        values = sent.get(stream, set())
        seen, total = got.get(stream, (set(), 0))
        missing = len(values - seen)
        ok = ok and missing == 0
        lines.append(f"{monitor_id:>7}  {len(values):>9}  {len(seen & values):>18}  {total:>21}  {missing:>7}")
    with open(os.path.join(run, "proxy-stats.json")) as file:
        proxy = json.load(file)
    lines.append(
        f"connections cut: {proxy['cuts']} ({proxy['cuts_mid_chunk']} in the middle of a chunk of bytes), "
        f"connections made: {proxy['connections']}"
    )
    with open(os.path.join(run, "samples.csv")) as file:
        samples = list(csv.DictReader(file))
    lines.append("process      RSS after warm-up  RSS at end  peak   growth  open files (min-max)")
    for role, (first, last, peak, percent, low, high) in growth(samples, 120).items():
        # The listeners are judged; the simulator keeps every DataPoint for its queries, so it grows.
        judged = role.startswith("listen")
        flat = percent <= 10.0
        steady = high - low <= 10
        ok = ok and (not judged or (flat and steady))
        note = "" if not judged else ("" if flat else "  <- grew more than 10 %") + ("" if steady else "  <- open files not stable")
        lines.append(
            f"{role:<12} {first / 1024:>13.1f} MiB {last / 1024:>7.1f} MiB {peak / 1024:>5.1f} MiB {percent:>+6.1f} %  {low}-{high}"
            + (note if judged else "  (stores every event: not judged)")
        )
    lines.append("result: " + ("PASS" if ok else "FAIL"))
    print("\n".join(lines))
    return ok


if __name__ == "__main__":
    mode, run = sys.argv[1], sys.argv[2]
    if mode == "check":
        sys.exit(0 if check(run) else 1)
    sys.exit(0 if final(run) else 1)
