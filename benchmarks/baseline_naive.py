#!/usr/bin/env python3
"""Baseline (a): the naive script. requests.Session + sqlite3, one POST per alert, sequential.

See baseline_common.py for the work it shares with baseline_batched.py and the product.
"""

import json
import sys

from baseline_common import Baseline, parse_args


def main():
    args = parse_args(__doc__)
    b = Baseline(args)
    open_count, candidates = b.candidates()
    for alert_id, _app_key, event_id, stamp, reason, payload in candidates:
        # A single alert is a valid Alerts API body on its own; it carries its app_key.
        status = b.post(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
        b.done(alert_id, event_id, stamp, reason, status)
    return b.finish(open_count, len(candidates))


if __name__ == "__main__":
    sys.exit(main())
