#!/usr/bin/env python3
"""Baseline (b): the batched script. requests.Session + sqlite3, batches of 100 per app key
(`{"app_key": ..., "alerts": [...]}`, like logzio-resolver), one request at a time.

See baseline_common.py for the work it shares with baseline_naive.py and the product.
"""

import json
import sys

from baseline_common import Baseline, parse_args


def main():
    args = parse_args(__doc__)
    b = Baseline(args)
    open_count, candidates = b.candidates()
    by_key = {}
    for c in candidates:
        by_key.setdefault(c[1], []).append(c)
    for app_key, items in by_key.items():
        for start in range(0, len(items), args.batch_size):
            chunk = items[start:start + args.batch_size]
            body = json.dumps({"app_key": app_key, "alerts": [c[5] for c in chunk]},
                              separators=(",", ":"), ensure_ascii=False).encode()
            status = b.post(body)
            for alert_id, _k, event_id, stamp, reason, _p in chunk:
                b.done(alert_id, event_id, stamp, reason, status)
    return b.finish(open_count, len(candidates))


if __name__ == "__main__":
    sys.exit(main())
