#!/usr/bin/env python3
"""History generator for the backtest benchmark: import envelopes spread over the last D days.

    gen_history.py --events N [--days D] [--now EPOCH] [--seed N] [--small] OUT.jsonl

Each alert (about 50 events per alert) lives through episodes: while its condition holds, Logz.io
re-notifies it every P (5m, 10m, 15m, 30m or 1h, fixed per alert), sometimes with a longer pause
inside the firing (1-4 h, the case backtest calls premature); between episodes it is quiet for 6 h to
5 days; 5 % of episodes end with an `ok`. Payloads are gen_workload.py's (the Custom-endpoint body,
about 1.4 KB with its 1 KB alert_event_samples; --small drops the samples, about 400 B). Lines are in
receive order, as `logzio-resolver import` takes them.
"""

import argparse
import json
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_workload import alert_static, samples  # noqa: E402

PERIODS = (300, 600, 900, 1800, 3600)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, required=True)
    ap.add_argument("--days", type=float, default=30)
    ap.add_argument("--now", type=int, default=None)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--small", action="store_true", help="no 1 KB alert_event_samples")
    ap.add_argument("out")
    args = ap.parse_args()

    now = args.now if args.now is not None else int(time.time())
    start = now - int(args.days * 86400)
    rng = random.Random(args.seed)
    alerts = max(1, args.events // 50)
    per_alert = [args.events // alerts + (1 if i < args.events % alerts else 0) for i in range(alerts)]

    schedule = []  # (received_at, alert, is_ok)
    for i in range(alerts):
        period = rng.choice(PERIODS)
        at = start + rng.randrange(0, 86400)
        left = per_alert[i]
        while left > 0:
            episode = min(left, rng.randint(3, 60))
            for k in range(episode):
                if at > now:
                    at = start + rng.randrange(0, int(args.days * 86400))  # wrap: keep the count exact
                schedule.append((at, i, False))
                at += period + rng.randrange(0, 30)
                if rng.random() < 0.03:
                    at += rng.randrange(3600, 4 * 3600)  # a pause inside the firing
            left -= episode
            if left > 0 and rng.random() < 0.05:
                schedule.append((at, i, True))
                left -= 1
            at += rng.randrange(6 * 3600, 5 * 86400)
    schedule.sort()

    statics = [alert_static(i, 5) for i in range(alerts)]
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8")
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for received_at, i, is_ok in schedule:
        static, primary = statics[i]
        alert = dict(static)
        alert["status"] = "ok" if is_ok else ("warning" if static["severity"] == "LOW" else "critical")
        alert["description"] = "Logz.io alert %s triggered" % static["check"]
        if not args.small:
            alert["alert_event_samples"] = samples(rng, primary, received_at)
        out.write('{"alert":' + dumps(alert) + ',"received_at":' + str(received_at) + "}\n")
    if out is not sys.stdout:
        out.close()
    print("gen_history: %d events, %d alerts over %g days" % (len(schedule), alerts, args.days), file=sys.stderr)


if __name__ == "__main__":
    main()
