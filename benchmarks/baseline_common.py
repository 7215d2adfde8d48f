"""What the users' alternative does, shared by baseline_naive.py and baseline_batched.py.

The same work as `logzio-resolver sweep`: read the open alerts from the ledger, apply the default
staleness rule (stale after 1 h from the last receive time; --all closes every open alert), build
each `ok` (a copy of the last payload with status ok, a timestamp later than every one seen, a
description and the resolved_by / resolve_reason / last_received tags, nested values as JSON text),
send it with requests.Session (keep-alive), and mark the alert resolved in the ledger with an audit
row, fenced on the event the decision was based on. Ledger writes commit every 100 alerts in both
baselines, so the two differ only in how they send. Loopback only: the URL must be 127.0.0.1.
"""

import argparse
import json
import os
import sqlite3
import sys
import time
from urllib.parse import urlparse

import requests


def fmt_duration(seconds):
    if seconds <= 0:
        return "0s"
    d, h, m, s = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60, seconds % 60
    text = (f"{d}d" if d else "") + (f"{h}h" if h else "") + (f"{m}m" if m else "")
    if s and not d and not h:
        text += f"{s}s"
    return text or "0s"


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


IDENTITY = {"app_key", "primary_property", "secondary_property", "incident_identifier"}


def flatten(payload):
    keep = set(IDENTITY)
    for k in ("primary_property", "secondary_property"):
        if isinstance(payload.get(k), str):
            keep.add(payload[k])
    for key, value in payload.items():
        if key in keep:
            continue
        if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
            payload[key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return payload


def parse_args(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--url", default=os.environ.get("BIGPANDA_ALERTS_URL"))
    ap.add_argument("--all", action="store_true", help="close every open alert (like sweep --all --yes)")
    ap.add_argument("--stale-after", type=int, default=3600)
    ap.add_argument("--batch-size", type=int, default=100)
    args = ap.parse_args()
    host = urlparse(args.url or "").hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("baseline: refusing to send anywhere but loopback (BIGPANDA_ALERTS_URL=%r)" % args.url)
    return args


class Baseline:
    def __init__(self, args):
        self.args = args
        self.token = os.environ["BIGPANDA_TOKEN"]
        self.db = sqlite3.connect(args.ledger, isolation_level=None)
        self.db.execute("PRAGMA busy_timeout = 10000")
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies: loopback only
        self.session.headers.update({
            "Authorization": "Bearer " + self.token,
            "Content-Type": "application/json",
            "Accept": "application/json",
        })
        self.pending = []  # (alert_id, event_id, sent_at, timestamp, reason, status)
        self.resolved = 0
        self.failed = 0

    def candidates(self):
        """The open alerts that are stale (or all of them with --all), with their ok events."""
        now = int(time.time())
        rows = self.db.execute(
            "SELECT a.id, a.app_key, a.current_event_id, a.last_received, a.max_timestamp, e.payload "
            "FROM alerts a JOIN events e ON e.id = a.current_event_id WHERE a.state = 'open' ORDER BY a.id"
        ).fetchall()
        out = []
        for alert_id, app_key, event_id, last_received, max_ts, payload_text in rows:
            silence = now - last_received
            if self.args.all:
                reason = f"closed by sweep --all (last notification {fmt_duration(max(0, silence))} ago)"
            elif silence >= self.args.stale_after:
                reason = (f'no notification for {fmt_duration(silence)} (rule "default", '
                          f"stale after {fmt_duration(self.args.stale_after)})")
            else:
                continue
            payload = json.loads(payload_text)
            stamp = max(int(time.time()), max_ts + 1)
            payload["status"] = "ok"
            payload["timestamp"] = stamp
            payload["description"] = ("resolved by logzio-resolver: " + reason)[:2048]
            payload["resolved_by"] = "logzio-resolver"
            payload["resolve_reason"] = reason[:512]
            payload["last_received"] = iso(last_received)
            out.append((alert_id, app_key, event_id, stamp, reason, flatten(payload)))
        return len(rows), out

    def post(self, body):
        response = self.session.post(self.args.url, data=body, timeout=10)
        return response.status_code

    def done(self, alert_id, event_id, stamp, reason, status):
        self.pending.append((alert_id, event_id, int(time.time()), stamp, reason, status))
        if len(self.pending) >= 100:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        for alert_id, event_id, sent_at, stamp, reason, status in self.pending:
            db.execute("UPDATE alerts SET max_timestamp = max(max_timestamp, ?) WHERE id = ?", (stamp, alert_id))
            ok = 200 <= status < 300
            outcome = "failed"
            if ok:
                cur = db.execute(
                    "UPDATE alerts SET state = 'resolved', resolved_at = ?, rejected_runs = 0 "
                    "WHERE id = ? AND current_event_id = ? AND state = 'open'", (sent_at, alert_id, event_id))
                outcome = "resolved" if cur.rowcount == 1 else "fenced"
            db.execute(
                "INSERT INTO resolutions (alert_id, event_id, sent_at, timestamp, rule, reason, http_status, "
                "attempts, outcome, error) VALUES (?, ?, ?, ?, 'default', ?, ?, 1, ?, NULL)",
                (alert_id, event_id, sent_at, stamp, reason, status, outcome))
            if outcome == "resolved":
                self.resolved += 1
            elif outcome == "failed":
                self.failed += 1
        db.execute("COMMIT")
        self.pending.clear()

    def finish(self, open_count, stale_count):
        self.flush()
        self.db.close()
        print(json.dumps({"open": open_count, "stale": stale_count, "resolved": self.resolved,
                          "failed": self.failed}), file=sys.stderr)
        return 1 if self.failed else 0
