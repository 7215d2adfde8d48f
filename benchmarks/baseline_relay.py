#!/usr/bin/env python3
"""Baseline (c) for S4: the minimal relay an operator would write instead.

A stdlib ThreadingHTTPServer that checks the bearer token, parses the JSON body, commits the alert
to SQLite (WAL, synchronous=FULL, like ours) before answering 202, and does nothing else: no
outbox, no forwarding, no validation beyond "is a JSON object". Usage:
    baseline_relay.py PORT LEDGER TOKEN
"""
import json
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, LEDGER, TOKEN = int(sys.argv[1]), sys.argv[2], sys.argv[3]
local = threading.local()


def db():
    if not hasattr(local, "conn"):
        conn = sqlite3.connect(LEDGER, timeout=10, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, received_at INTEGER, payload TEXT)"
        )
        local.conn = conn
    return local.conn


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            return self.reply(401, {"error": "unauthorized"})
        try:
            alert = json.loads(body)
            assert isinstance(alert, dict)
        except Exception:
            return self.reply(400, {"error": "bad json"})
        conn = db()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO events (received_at, payload) VALUES (?, ?)", (int(time.time()), json.dumps(alert)))
        conn.execute("COMMIT")
        self.reply(202, {"status": "accepted"})


db()
ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
