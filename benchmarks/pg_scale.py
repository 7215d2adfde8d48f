#!/usr/bin/env python3
"""PostgreSQL that scales with the work: two builds on a PostgreSQL ledger, next to the SQLite ledger.

    benchmarks/pg_scale.py --before OLD_BIN --after NEW_BIN [--runs 3] [--sizes 10000,100000,1000000]
                           [--s2-open 10000] [--s2-stale 1000] [--s1 100000] [--explain] [--vacuumed]
                           [--work DIR]

For each S2 size (10k open alerts of which 1k stale, behind a growing history; BENCHMARKS.md, Method) and for
S1 (N open alerts, all closed with `sweep --all --yes`), it writes the workload once with gen_workload.py and
imports it with each build into a PostgreSQL template database of its own (timed: that is the import
throughput) and with the new build into an SQLite file. Each template is frozen the moment its import ends
(no connections, so autovacuum leaves it as the import left it, and nothing reads it): every run measures a
sweep right after an import, as a new user would, however long the run takes. Each sweep runs on a fresh
copy (CREATE DATABASE ... TEMPLATE, or a copy of the file), with `--now` fixed at the workload's generation
time, against the nginx stand-in of bench.py, and is checked to have resolved exactly the stale alerts.
The ledgers of every size exist at once and the S2 sweeps are interleaved across sizes and tools, run by
run, so a drift in the machine's load hits 100k and 1M events alike; S1 follows the same way.

Besides the wall time and the sweep's own CPU time it records the server's CPU time for each PostgreSQL
sweep (its backends', from the postmaster's reaped children), which a loaded host inflates far less
than the wall time.

The server is bench.py's: Scripts/test-postgres.sh with fsync on, Unix socket, default settings
(shared_buffers 128 MB).

With --vacuumed it also times the old build on a copy of its import after VACUUM (ANALYZE), which is
what autovacuum leaves once it gets to the tables. With --explain it also logs every statement one sweep
runs on each PostgreSQL template (log_min_duration_statement = 0; a per-statement summary) and runs
EXPLAIN (ANALYZE, BUFFERS) of each statement of the select stage and of one batch, with the values the
sweep uses, on a fresh copy; all of it goes to benchmarks/out/pg-scale/. The report is printed and
written to benchmarks/out/pg-scale/report.md.
"""

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

OUT = os.path.join(HERE, "out", "pg-scale")


def log(message):
    print("[pg-scale %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


class Run:
    def __init__(self, args, pg, standin, work):
        self.args, self.pg, self.standin, self.work = args, pg, standin, work
        self.config = os.path.join(work, "unpaced.yaml")
        with open(self.config, "w") as f:
            f.write("bigpanda:\n  requests_per_second: 0\n  batch_size: 100\nmax_resolves_per_run: 1000000\n")
        self.seq = 0

    def generate(self, name, events, open_, stale):
        jsonl = os.path.join(self.work, name + ".jsonl")
        now = int(time.time()) - 120  # so `--now now + 60` is in the past from the first sweep on
        subprocess.run([sys.executable, os.path.join(HERE, "gen_workload.py"), "--events", str(events), "--open",
                        str(open_), "--stale", str(stale), "--now", str(now), jsonl],
                       check=True, timeout=3600, stderr=subprocess.DEVNULL)
        return jsonl, now

    def import_pg(self, binary, database, jsonl):
        conninfo = self.pg.fresh(database)
        r = bench.timed([binary, "import", "--ledger", conninfo, jsonl], bench.clean_env(), OUT,
                        "import-" + database, 7200)
        bench.check(r["rc"] == 0, "import into %s failed: %s" % (database, r["stderr"][-2000:]))
        # Frozen at once and never read: autovacuum would vacuum and analyze it (it did, within a minute,
        # to templates counted first), and a query sets hint bits; the copies would not start from what
        # an import leaves.
        self.pg.freeze(database)
        return r

    def server_cpu(self):
        """CPU time (user + system, seconds) of the server's backends that have exited: the postmaster
        reaps them, and the kernel adds theirs to its children's times. Around a sweep, that is the
        server's work for it (its two connections) and nothing of the long-lived background processes."""
        with open(os.path.join(self.pg.dir, "data", "postmaster.pid")) as f:
            pid = int(f.readline())
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        # After the name: state is field 3, so cutime and cstime (fields 16 and 17) are at 13 and 14.
        return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")

    def vacuumed(self, template, database):
        """A copy of `template` after VACUUM (ANALYZE) of every table: what autovacuum leaves, in time."""
        self.pg.fresh(database, template=template)
        self.pg.sql("VACUUM (ANALYZE)", database)
        self.pg.freeze(database)

    def import_sqlite(self, binary, path, jsonl):
        bench.remove_ledger(path)
        r = bench.timed([binary, "import", "--ledger", path, jsonl], bench.clean_env(), OUT,
                        "import-" + os.path.basename(path), 7200)
        bench.check(r["rc"] == 0, "import into %s failed: %s" % (path, r["stderr"][-2000:]))
        bench.checkpoint(path)
        return r

    def sweep(self, binary, ledger, reference, now, all_open, label, log_statements=False):
        """One sweep on a fresh copy of `ledger` (a template database, or an SQLite file); returns its
        timing and checks what it resolved against `reference`, the SQLite ledger of the same lines (a
        PostgreSQL copy is not read before its sweep)."""
        self.seq += 1
        before = bench.ledger_counts(reference)
        want = expected(reference, all_open, now)
        if ledger.endswith(".sqlite"):
            target = bench.fresh_copy(ledger, os.path.join(self.work, "run.sqlite"))
        else:
            target = self.pg.fresh("run", template=ledger)
        env = bench.clean_env({"BIGPANDA_TOKEN": bench.TOKEN, "BIGPANDA_ALERTS_URL": self.standin.url})
        if log_statements and not ledger.endswith(".sqlite"):
            # A superuser's setting (the tests' role may not set it in PGOPTIONS), for this copy only.
            self.pg.sql("ALTER DATABASE run SET log_min_duration_statement = 0", superuser=True)
        cmd = [binary, "sweep", "--ledger", target, "--config", self.config, "--now", str(now + 60)]
        cmd += ["--all", "--yes"] if all_open else []
        self.standin.collect()
        server = self.server_cpu()
        r = bench.timed(cmd, env, OUT, "%03d-%s" % (self.seq, label), 3600)
        if not ledger.endswith(".sqlite"):
            # The backends of the sweep's connections are reaped by the postmaster just after it exits.
            time.sleep(0.2)
            r["server_cpu"] = self.server_cpu() - server
        requests = self.standin.collect()
        after = bench.ledger_counts(target) if ledger.endswith(".sqlite") else self.pg.counts("run")
        if not ledger.endswith(".sqlite"):
            # What the template was: analyzed (reltuples >= 0) and vacuumed (relallvisible > 0) or not.
            r["template_state"] = self.pg.sql(
                "SELECT reltuples::bigint, relallvisible FROM pg_class WHERE relname = 'alerts'", "run").strip()
        bench.check(r["rc"] == 0, "%s: exit %s: %s" % (label, r["rc"], r["stderr"][-2000:]))
        bench.check(after["events"] == before["events"], "%s: %d events, wanted %d" % (
            label, after["events"], before["events"]))
        resolved = after.get("resolved", 0) - before.get("resolved", 0)
        bench.check(resolved == want, "%s: resolved %d, wanted %d" % (label, resolved, want))
        bench.check(all(200 <= s < 300 for _, _, _, s in requests), "%s: a non-2xx at the stand-in" % label)
        r["load"] = os.getloadavg()[0]
        return r


def expected(path, all_open, now):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        where = "" if all_open else " AND last_received <= %d" % (now + 60 - 3600)
        return db.execute("SELECT count(*) FROM alerts WHERE state = 'open'" + where).fetchone()[0]
    finally:
        db.close()


def statement_summary(log_text):
    """Total server time and count per statement text (first 100 characters), from a server log with
    log_min_duration_statement = 0; parse, bind and execute steps apart."""
    totals = {}
    for line in log_text.splitlines():
        m = re.search(r"duration: ([0-9.]+) ms  (parse|bind|execute|statement)[^:]*: (.*)", line)
        if not m:
            continue
        key = (m.group(2), m.group(3)[:100])
        ms, n = totals.get(key, (0.0, 0))
        totals[key] = (ms + float(m.group(1)), n + 1)
    return sorted(totals.items(), key=lambda kv: -kv[1][0])


def explain_sql(pg, database, reference, now):
    """EXPLAIN (ANALYZE, BUFFERS) of the statements one S2 sweep runs on `database` (a fresh copy of a
    template, not read before), with the values the sweep passes: the select stage, then its first batch
    of 100, whose ids come from `reference`, the SQLite ledger of the same lines (the same ids)."""
    cutoff = now + 60 - 3600
    db = sqlite3.connect("file:%s?mode=ro" % reference, uri=True)
    try:
        pairs = db.execute("SELECT a.id, a.current_event_id FROM alerts a WHERE a.state = 'open' AND "
                           "a.last_received <= ? ORDER BY a.app_key, a.id LIMIT 100", (cutoff,)).fetchall()
    finally:
        db.close()
    ids = ",".join(str(i) for i, _ in pairs)
    fence = ", ".join("(%d::bigint, %d::bigint, %d::bigint, %d::bigint)" % (i, e, now, now) for i, e in pairs)
    audit = ", ".join("(%d, %d, %d, %d, 'default', 'no notification for 1h5m', 201, 1, 'resolved', NULL, 'ok')"
                      % (i, e, now, now) for i, e in pairs)
    statements = [
        "SELECT DISTINCT alert_id FROM outbox WHERE state = 'pending'",
        "SELECT count(*) FROM alerts a WHERE a.state = 'open' AND (NULL::text IS NULL OR a.app_key = NULL::text) "
        "AND (NULL::bigint IS NULL OR a.last_received <= NULL::bigint)",
        "SELECT a.id, a.identity, a.display, a.app_key, a.state, a.current_event_id, a.last_received, "
        "a.max_timestamp, '' AS payload, a.bigpanda_alert_id, a.adopted, a.resolved_by, a.resolved_at FROM alerts a "
        "WHERE a.state = 'open' AND (NULL::text IS NULL OR a.app_key = NULL::text) AND (%d::bigint IS NULL OR "
        "a.last_received <= %d::bigint) AND (a.app_key, a.id) > (''::text, (-9223372036854775807 - 1)::bigint) "
        "ORDER BY a.app_key, a.id LIMIT 500" % (cutoff, cutoff),
        "SELECT a.id, a.identity, a.display, a.app_key, a.state, a.current_event_id, a.last_received, "
        "a.max_timestamp, e.payload, a.bigpanda_alert_id, a.adopted, a.resolved_by, a.resolved_at "
        "FROM alerts a JOIN events e ON e.id = a.current_event_id WHERE a.id = ANY('{%s}'::bigint[])" % ids,
        "UPDATE alerts AS a SET state = 'resolved', resolved_at = b.sent_at, resolved_by = 'ok', rejected_runs = 0, "
        "max_timestamp = GREATEST(a.max_timestamp, b.ts) FROM (VALUES %s) AS b(id, event_id, sent_at, ts) "
        "WHERE a.id = b.id AND a.current_event_id = b.event_id AND a.state = 'open' RETURNING a.id" % fence,
        "INSERT INTO resolutions (alert_id, event_id, sent_at, timestamp, rule, reason, http_status, attempts, "
        "outcome, error, method) VALUES %s" % audit,
        "INSERT INTO metrics (name, labels, value) VALUES ('logzio_resolver_resolved_total', "
        "'app_key=\"k\",rule=\"default\"', 100) ON CONFLICT (name, labels) DO UPDATE SET value = metrics.value + "
        "excluded.value",
    ]
    # Since 3b258a5 a batch of delivered oks is one statement: the same batch that way, from the same state.
    rows = ", ".join("(%d::bigint, %d::bigint, %d::bigint, %d::bigint, 'default'::text, 'no notification for 1h5m'"
                     "::text, 201::bigint, 1::bigint, NULL::text, 'app_key=\"k\",rule=\"default\"'::text, %d::bigint)"
                     % (i, e, now, now, n) for n, (i, e) in enumerate(pairs))
    batch = (
        "WITH b(id, event_id, sent_at, ts, rule, reason, http_status, attempts, error, labels, position) AS "
        "(VALUES %s), resolved AS (UPDATE alerts AS a SET state = 'resolved', resolved_at = b.sent_at, "
        "resolved_by = 'ok', rejected_runs = 0, max_timestamp = GREATEST(a.max_timestamp, b.ts) FROM b "
        "WHERE a.id = b.id AND a.current_event_id = b.event_id AND a.state = 'open' RETURNING a.id), "
        "floors AS (UPDATE alerts AS a SET max_timestamp = GREATEST(a.max_timestamp, b.ts) FROM b "
        "WHERE a.id = b.id AND b.id NOT IN (SELECT id FROM resolved)), audit AS (INSERT INTO resolutions "
        "(alert_id, event_id, sent_at, timestamp, rule, reason, http_status, attempts, outcome, error, method) "
        "SELECT b.id, b.event_id, b.sent_at, b.ts, b.rule, b.reason, b.http_status, b.attempts, "
        "CASE WHEN b.id IN (SELECT id FROM resolved) THEN 'resolved' ELSE 'fenced' END, b.error, 'ok' FROM b "
        "ORDER BY b.position), counted AS (INSERT INTO metrics (name, labels, value) "
        "SELECT 'logzio_resolver_resolved_total', b.labels, count(*) FROM b JOIN resolved USING (id) "
        "GROUP BY b.labels ON CONFLICT (name, labels) DO UPDATE SET value = metrics.value + excluded.value) "
        "SELECT id FROM resolved" % rows)
    script = ("BEGIN;\n" + "".join("EXPLAIN (ANALYZE, BUFFERS) %s;\n" % s for s in statements[:4])
              + "SAVEPOINT batch;\n" + "".join("EXPLAIN (ANALYZE, BUFFERS) %s;\n" % s for s in statements[4:])
              + "ROLLBACK TO SAVEPOINT batch;\nEXPLAIN (ANALYZE, BUFFERS) %s;\nROLLBACK;\n" % batch)
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pg.conninfo(database)], input=script.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    bench.check(p.returncode == 0, "EXPLAIN on %s: %s" % (database, p.stderr.decode()[-2000:]))
    return p.stdout.decode()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="the build before the change")
    ap.add_argument("--after", required=True, help="the build after it")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default="10000,100000,1000000", help="S2 ledger sizes, in events")
    ap.add_argument("--s2-open", type=int, default=10_000, help="S2 open alerts")
    ap.add_argument("--s2-stale", type=int, default=1_000, help="S2 stale alerts among the open ones")
    ap.add_argument("--s1", type=int, default=100_000, help="S1 open alerts (0: no S1)")
    ap.add_argument("--explain", action="store_true", help="also log and EXPLAIN the sweeps' statements")
    ap.add_argument("--vacuumed", action="store_true",
                    help="also time the old build on its import after VACUUM (ANALYZE), as autovacuum leaves it")
    ap.add_argument("--work", default=None, help="scratch directory (default: a new one under /tmp)")
    a = ap.parse_args()
    # SIGTERM ends the run through the finally below, so the server and the stand-in are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = [int(x) for x in a.sizes.split(",") if x]
    os.makedirs(OUT, exist_ok=True)
    work = a.work or "/tmp/logzio-resolver-pg-scale-%d" % os.getpid()
    os.makedirs(work, exist_ok=True)
    bench.check(shutil.which("psql"), "psql is not installed (apt-get install postgresql)")
    pg = bench.Postgres()
    standin = bench.StandIn(work)
    run = Run(a, pg, standin, work)
    tools = [("before", a.before)] + ([("vacuumed", a.before)] if a.vacuumed else []) + [
        ("after", a.after), ("sqlite", a.after)]
    started = time.time()
    results = {}
    try:
        log("PostgreSQL: %s; stand-in %s" % (pg.base, standin.url))
        workloads = [("s2_%d" % n, n, a.s2_open, a.s2_stale, False) for n in sizes]
        if a.s1:
            workloads.append(("s1_%d" % a.s1, a.s1, a.s1, a.s1 // 2, True))
        # Every workload's ledgers first, so the sweeps of all sizes can be interleaved: a drift in the
        # machine's load then hits 100k and 1M events alike, and the growth between them is fair.
        for name, events, open_, stale, all_open in workloads:
            log("%s: generating %d events (%d open, %d stale)" % (name, events, open_, stale))
            jsonl, now = run.generate(name, events, open_, stale)
            ledgers, imports = {}, {}
            for tool, binary in [("sqlite", a.after), ("before", a.before), ("after", a.after)]:
                if tool == "sqlite":
                    ledgers[tool] = os.path.join(work, name + ".sqlite")
                    imports[tool] = run.import_sqlite(binary, ledgers[tool], jsonl)
                    bench.check(bench.ledger_counts(ledgers[tool])["events"] == events, "%s: events" % name)
                else:
                    ledgers[tool] = "%s_%s" % (tool, name)
                    imports[tool] = run.import_pg(binary, ledgers[tool], jsonl)
                log("%s: imported by %s in %.1f s (%.0f events/s, CPU %.1f s, load %.1f)" % (
                    name, tool, imports[tool]["wall"], events / imports[tool]["wall"], imports[tool]["cpu"],
                    os.getloadavg()[0]))
            if a.vacuumed:
                ledgers["vacuumed"] = "vacuumed_" + name
                run.vacuumed(ledgers["before"], ledgers["vacuumed"])
                imports["vacuumed"] = imports["before"]
            os.remove(jsonl)
            results[name] = {"events": events, "now": now, "all": all_open, "ledgers": ledgers, "imports": imports,
                             "sweeps": {tool: [] for tool, _ in tools}}

        for group in ([n for n in results if not results[n]["all"]], [n for n in results if results[n]["all"]]):
            for i in range(a.runs):
                for name in group:
                    res = results[name]
                    for tool, binary in tools:
                        r = run.sweep(binary, res["ledgers"][tool], res["ledgers"]["sqlite"], res["now"], res["all"],
                                      "%s-%s" % (name, tool))
                        res["sweeps"][tool].append(r)
                        log("%s run %d %s: %.3f s (CPU %.2f s, server CPU %s, load %.1f)%s" % (
                            name, i + 1, tool, r["wall"], r["cpu"],
                            "%.2f s" % r["server_cpu"] if "server_cpu" in r else "-", r["load"],
                            "; alerts reltuples|relallvisible %s" % r["template_state"]
                            if "template_state" in r else ""))

        if a.explain:
            for name, res in results.items():
                if res["all"]:
                    continue
                for tool in ("before", "after"):
                    server_log = os.path.join(pg.dir, "server.log")
                    offset = os.path.getsize(server_log)
                    run.sweep(dict(tools)[tool], res["ledgers"][tool], res["ledgers"]["sqlite"], res["now"], False,
                              "%s-%s-logged" % (name, tool), log_statements=True)
                    with open(server_log, errors="replace") as f:
                        f.seek(offset)
                        text = f.read()
                    with open(os.path.join(OUT, "statements-%s-%s.txt" % (name, tool)), "w") as f:
                        for (kind, sql), (ms, n) in statement_summary(text):
                            f.write("%9.1f ms %5d  %-9s %s\n" % (ms, n, kind, sql))
                    pg.fresh("xrun", template=res["ledgers"][tool])
                    with open(os.path.join(OUT, "explain-%s-%s.txt" % (name, tool)), "w") as f:
                        f.write(explain_sql(pg, "xrun", res["ledgers"]["sqlite"], res["now"]))
                    pg.drop("xrun")
    finally:
        standin.stop()
        pg.stop()
        for res in results.values():
            bench.remove_ledger(res["ledgers"]["sqlite"])
        if not a.work:
            shutil.rmtree(work, ignore_errors=True)

    report = []
    w = report.append
    names = {"before": "PostgreSQL before", "vacuumed": "before, vacuumed", "after": "PostgreSQL after",
             "sqlite": "SQLite"}

    def med(res, tool, key):
        values = [r[key] for r in res["sweeps"][tool] if key in r]
        return bench.median(values) if values else float("nan")

    w("| workload | %s | after ÷ before | after ÷ SQLite |" % " | ".join(names[t] for t, _ in tools))
    w("| --- |%s ---: | ---: |" % (" ---: |" * len(tools)))
    for name, res in results.items():
        wall = {t: med(res, t, "wall") for t, _ in tools}
        w("| %s, sweep wall (median of %d, min–max) | %s | %.2f | %.2f |" % (
            name, a.runs, " | ".join("%.3f s (%.3f–%.3f)" % (
                wall[t], min(r["wall"] for r in res["sweeps"][t]), max(r["wall"] for r in res["sweeps"][t]))
                for t, _ in tools), wall["after"] / wall["before"], wall["after"] / wall["sqlite"]))
        cpu = {t: med(res, t, "cpu") for t, _ in tools}
        server = {t: med(res, t, "server_cpu") for t, _ in tools}
        total = {t: cpu[t] + (server[t] if t != "sqlite" else 0) for t, _ in tools}
        w("| %s, sweep CPU: client + server = total | %s | %.2f | %.2f |" % (
            name, " | ".join(("%.2f s" % cpu[t]) if t == "sqlite" else "%.2f + %.2f = %.2f s" % (
                cpu[t], server[t], total[t]) for t, _ in tools), total["after"] / total["before"],
            total["after"] / total["sqlite"]))
        rate = {t: res["events"] / res["imports"][t]["wall"] for t, _ in tools}
        w("| %s, import events/s (client CPU) | %s | %.2f | %.2f |" % (
            name, " | ".join("%.0f (%.1f s)" % (rate[t], res["imports"][t]["cpu"]) for t, _ in tools),
            rate["after"] / rate["before"], rate["after"] / rate["sqlite"]))
    s2 = [n for n in results if not results[n]["all"]]
    if len(s2) >= 2:
        lo, hi = s2[-2], s2[-1]
        w("")
        for tool, _ in tools:
            w("S2 %s from %s to %s: wall %.2f×, CPU %.2f×.  " % (
                names[tool], lo, hi, med(results[hi], tool, "wall") / med(results[lo], tool, "wall"),
                (med(results[hi], tool, "cpu") + (med(results[hi], tool, "server_cpu") if tool != "sqlite" else 0))
                / (med(results[lo], tool, "cpu") + (med(results[lo], tool, "server_cpu") if tool != "sqlite" else 0))))
    loads = [r["load"] for res in results.values() for rs in res["sweeps"].values() for r in rs]
    w("")
    w("Load average (1 min) after the timed sweeps: median %.1f, max %.1f, on %d cores; %.0f s in all." % (
        bench.median(loads), max(loads), os.cpu_count(), time.time() - started))
    text = "\n".join(report) + "\n"
    with open(os.path.join(OUT, "report.md"), "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except bench.Broken as e:
        log("BROKEN: %s" % e)
        sys.exit(1)
