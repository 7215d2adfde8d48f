#!/usr/bin/env python3
"""The naive replay `backtest` replaces: one `sweep --dry-run --now T` per replayed sweep.

    backtest_naive.py --bin PATH --history FILE.jsonl --config FILE --now EPOCH --since SECONDS
                      --interval SECONDS --work DIR

For each T = now - since + k × interval it imports the envelopes received in (previous T, T] into
a working ledger, so the ledger holds what a real sweep at T would have seen, then runs
`sweep --dry-run --force --now T --json`. A replayed resolve is an alert that is `would_resolve` at T
and was not at the previous step (a stale alert stays stale until its next event, and stale_after is
longer than the interval). Prints one JSON line: steps, processes run, resolves, seconds.
"""

import argparse
import json
import os
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--history", required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--now", type=int, required=True)
    ap.add_argument("--since", type=int, required=True)
    ap.add_argument("--interval", type=int, required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()

    os.makedirs(args.work, exist_ok=True)
    ledger = os.path.join(args.work, "naive.sqlite")
    batch = os.path.join(args.work, "step.jsonl")
    for suffix in ("", "-wal", "-shm", ".lock"):
        if os.path.exists(ledger + suffix):
            os.remove(ledger + suffix)
    start = args.now - args.since
    with open(args.history, encoding="utf-8") as f:
        events = [(json.loads(line)["received_at"], line) for line in f if line.strip()]
    events = [e for e in events if e[0] >= start]
    events.sort(key=lambda e: e[0])
    env = dict(os.environ, LOGZIO_RESOLVER_LEDGER=ledger)

    began = time.monotonic()
    processes = 0
    resolves = 0
    stale_before = set()
    cursor = 0
    steps = args.since // args.interval + 1
    for k in range(steps):
        t = start + k * args.interval
        lines = []
        while cursor < len(events) and events[cursor][0] <= t:
            lines.append(events[cursor][1])
            cursor += 1
        if lines:
            with open(batch, "w", encoding="utf-8") as out:
                out.writelines(lines)
            subprocess.run([args.bin, "import", batch], env=env, check=True)
            processes += 1
        if not os.path.exists(ledger):
            continue
        run = subprocess.run(
            [args.bin, "sweep", "--config", args.config, "--dry-run", "--force", "--now", str(t), "--json"],
            env=env, capture_output=True, text=True)
        processes += 1
        if run.returncode not in (0, 75):
            sys.exit("sweep failed at %d: %s" % (t, run.stderr))
        report = json.loads(run.stdout)
        stale = {(a["app_key"], a["identity"]) for a in report["actions"] if a["action"] == "would_resolve"}
        resolves += len(stale - stale_before)
        stale_before = stale
    print(json.dumps({"steps": steps, "processes": processes, "resolves": resolves,
                      "seconds": round(time.monotonic() - began, 2)}))


if __name__ == "__main__":
    main()
