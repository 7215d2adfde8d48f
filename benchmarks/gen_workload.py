#!/usr/bin/env python3
"""Workload generator: a JSON Lines file of import envelopes for a ledger with a chosen shape.

    gen_workload.py --events N --open O --stale S [--app-keys K] [--now EPOCH] [--seed N] OUT.jsonl

Every line is an envelope `{"alert": {...}, "received_at": EPOCH}` in receive order, as
`logzio-resolver import` takes it. The payload is the Logz.io Custom-endpoint body from the
integration guide (app_key, service or host, status, check, description, severity, a ~1 KB
alert_event_samples) plus a few tags, spread over several app keys.

Shape:
- O open alerts, S of them stale (last received 65 min to 48 h before --now); the other O - S
  were last received in the 5 minutes before --now, so they stay fresh for the whole run.
- When N > O, history alerts are added (about 10 events per alert in total); each history alert's
  last event is an `ok` (resolved before --now), so it is not open.
- Open alerts carry the remaining events as earlier re-notifications (Logz.io re-notifies every
  5 to 60 minutes while a condition holds).
Importing the file with `logzio-resolver import` writes the ledger through the product's own code,
so the generator never depends on the ledger's schema.
"""

import argparse
import json
import random
import sys
import time

SAMPLE_LINE = (
    '{{"@timestamp":"{ts}","level":"ERROR","logger":"com.example.{svc}.http.Handler",'
    '"message":"upstream request failed: status=503 path=/api/v2/orders/{n} latency_ms={lat}",'
    '"trace_id":"{trace}","env":"prod"}}'
)


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def samples(rng, svc, ts):
    """About 1 KB of log lines, as Logz.io renders {{alert_event_samples}} into a string."""
    lines = []
    size = 0
    while size < 1000:
        line = SAMPLE_LINE.format(
            ts=iso(ts - len(lines)), svc=svc, n=rng.randrange(10**6), lat=rng.randrange(50, 30000),
            trace="%016x" % rng.getrandbits(64))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:1024]


SEVERITIES = ["HIGH", "MEDIUM", "LOW"]
CHECKS = [
    "High error rate on {svc}",
    "Latency p99 above 2s on {svc}",
    "Disk usage above 90% ({svc})",
    "Too many 5xx from {svc} — checkout path",
    "Kafka consumer lag on {svc}",
]
TEAMS = ["payments", "checkout", "search", "platform", "identity"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def alert_static(i, app_keys):
    """The parts of alert i's payload that never change (its identity and tags)."""
    app_key = "bpk%02d%s" % (i % app_keys, "z8098z1zhuy7z1z123")
    primary_name = "service" if i % 3 else "host"
    primary = ("svc-%04d" if primary_name == "service" else "web-%04d") % (i % 5000)
    check = CHECKS[(i // 5000) % len(CHECKS)].format(svc=primary) + (" #%d" % (i // 5000) if i >= 5000 else "")
    severity = SEVERITIES[i % 3]
    return {
        "app_key": app_key,
        primary_name: primary,
        "check": check,
        "severity": severity,
        "env": "prod",
        "team": TEAMS[i % len(TEAMS)],
        "region": REGIONS[i % len(REGIONS)],
        "alert_definition_id": str(100000 + i),
        "logzio_account": "main-account",
    }, primary


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, required=True, help="total events (lines)")
    ap.add_argument("--open", type=int, required=True, help="open alerts")
    ap.add_argument("--stale", type=int, required=True, help="stale alerts among the open ones")
    ap.add_argument("--app-keys", type=int, default=5)
    ap.add_argument("--now", type=int, default=None, help="reference time, epoch seconds (default: now)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("out", help="output JSON Lines file, or - for stdout")
    args = ap.parse_args()

    n, o, s = args.events, args.open, args.stale
    if not (0 <= s <= o <= n):
        sys.exit("gen_workload: need 0 <= stale <= open <= events")
    now = args.now if args.now is not None else int(time.time())
    rng = random.Random(args.seed)

    # How many alerts: the open ones, plus history alerts for an average of ~10 events each.
    total_alerts = max(o, n // 10) if n > o else o
    history = total_alerts - o
    # Events per alert: spread n over all alerts; each history alert needs at least 2 (a critical, then ok).
    counts = [1] * total_alerts
    remaining = n - total_alerts
    if history and remaining < history:
        # Not enough events for an ok per history alert: shrink the history.
        history = remaining // 2
        total_alerts = o + history
        counts = [1] * total_alerts
        remaining = n - total_alerts
    for i in range(o, total_alerts):  # the ok of each history alert
        counts[i] += 1
    remaining -= history
    base, extra = divmod(remaining, total_alerts) if total_alerts else (0, 0)
    for i in range(total_alerts):
        counts[i] += base + (1 if i < extra else 0)
    assert sum(counts) == n, (sum(counts), n)

    # Last receive time of each alert.
    schedule = []  # (received_at, alert index, sequence number, is_last)
    for i in range(total_alerts):
        if i < o:
            if i < s:
                last = now - rng.randrange(65 * 60, 48 * 3600)  # stale: silent for over an hour
            else:
                last = now - rng.randrange(0, 5 * 60)  # fresh: notified in the last 5 minutes
        else:
            last = now - rng.randrange(2 * 3600, 7 * 86400)  # history: resolved earlier
        # Earlier events: re-notifications every 5..60 minutes before the last one.
        interval = rng.choice((300, 600, 900, 1800, 3600))
        c = counts[i]
        for k in range(c):
            schedule.append((last - (c - 1 - k) * interval, i, k, k == c - 1))
    schedule.sort()

    statics = [alert_static(i, args.app_keys) for i in range(total_alerts)]
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for received_at, i, k, is_last in schedule:
        static, primary = statics[i]
        alert = dict(static)
        history_ok = i >= o and is_last
        alert["status"] = "ok" if history_ok else ("warning" if static["severity"] == "LOW" else "critical")
        alert["description"] = (
            "Logz.io alert %s triggered: %d matching log lines in the last 5 minutes (threshold 10)"
            % (static["check"], 10 + (i * 7 + k) % 400))
        alert["alert_event_samples"] = samples(rng, primary, received_at)
        out.write('{"alert":' + dumps(alert) + ',"received_at":' + str(received_at) + "}\n")
    if out is not sys.stdout:
        out.close()
    print("gen_workload: %d events, %d alerts (%d open, %d stale, %d history), %d app keys"
          % (n, total_alerts, o, s, history, args.app_keys), file=sys.stderr)


if __name__ == "__main__":
    main()
