#!/usr/bin/env python3
"""logzio-resolver benchmarks: the product against the users' alternatives, side by side.

Run through benchmarks/run.sh (it installs the tools and builds the binary). Writes
benchmarks/results.md (and results.json); raw logs go to benchmarks/out/.

    bench.py --bin PATH [--smoke] [--runs N] [--only s1,s2,s3,s4,s5,imp] [--postgres] [--work DIR] [--keep]

Everything is sent to 127.0.0.1 only: an nginx stand-in for the Alerts API on a free loopback port.
Every loop is bounded in count and every process in time.
"""

import argparse
import json
import math
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOKEN = "bench-token-not-a-secret"
PROXY_VARS = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy",
              "ftp_proxy", "FTP_PROXY")


LOAD = []  # the 1-minute load average after each timed process: is the machine shared?


class Broken(Exception):
    """Something that must work did not: the run (and --smoke) fails."""


def check(condition, message):
    if not condition:
        raise Broken(message)


def log(message):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def median(values):
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------
# The Alerts API stand-in: nginx answering 201 on loopback, one access-log line per request.


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StandIn:
    """nginx on 127.0.0.1: `return 201` for POST /data/v2/alerts, logging each request's timing."""

    def __init__(self, work):
        self.dir = os.path.join(work, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        with open(os.path.join(HERE, "nginx.conf.in")) as f:
            conf = f.read().replace("@WORK@", self.dir).replace("@PORT@", str(self.port))
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.log_path = os.path.join(self.dir, "access.log")
        self.rotations = 0
        self.proc = subprocess.Popen(["nginx", "-c", self.conf, "-p", self.dir],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):  # at most 10 s
            if self.proc.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        check(self.proc.poll() is None, "nginx did not start; see %s/nginx-error.log" % self.dir)
        self.collect()  # start from an empty log

    @property
    def url(self):
        return "http://127.0.0.1:%d/data/v2/alerts" % self.port

    def collect(self):
        """The requests logged since the last call: [(start, end, body_bytes, status)], by start."""
        time.sleep(0.05)
        self.rotations += 1
        rotated = "%s.%d" % (self.log_path, self.rotations)
        if os.path.exists(self.log_path):
            os.rename(self.log_path, rotated)
        else:
            open(rotated, "w").close()
        # master_process is off, so this one process flushes its log buffer and then reopens.
        os.kill(self.proc.pid, signal.SIGUSR1)
        for _ in range(200):  # at most 4 s
            if os.path.exists(self.log_path):
                break
            time.sleep(0.02)
        check(os.path.exists(self.log_path), "nginx did not reopen its access log")
        rows = []
        with open(rotated) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 4:
                    continue
                end, took = float(parts[0]), float(parts[1])
                length = int(parts[2]) if parts[2].isdigit() else 0
                rows.append((end - took, end, length, int(parts[3])))
        os.remove(rotated)
        rows.sort()
        return rows

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


# ---------------------------------------------------------------------------------------------
# Processes, timed as a whole: wall time here, peak RSS from /usr/bin/time -v.


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in PROXY_VARS and not k.startswith("LOGZIO_RESOLVER_") and not k.startswith("BIGPANDA_")}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra or {})
    return env


def anon_kb(pid):
    """RssAnon of a process in KiB (its private memory, without mapped files), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def timed(cmd, env, out_dir, name, timeout):
    """Runs `cmd` under /usr/bin/time -v: wall time, peak RSS, CPU; and samples its peak RssAnon.

    Peak RSS counts file pages mapped into the process (the binary, its libraries) as well as private
    memory, so RssAnon is sampled every 10 ms beside it to tell the two apart.
    """
    tfile = os.path.join(out_dir, name + ".time")
    out_path, err_path = os.path.join(out_dir, name + ".stdout"), os.path.join(out_dir, name + ".stderr")
    peak = {"anon": None}
    done = threading.Event()

    def sample(pid):
        # On its own thread, so the wall clock below stops the moment the process ends.
        child = None
        while not done.wait(0.01):
            if child is None:
                try:
                    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                        child = int(f.read().split()[0])
                except (OSError, ValueError, IndexError):
                    continue
            kb = anon_kb(child)
            if kb is not None:
                peak["anon"] = max(peak["anon"] or 0, kb)

    start = time.perf_counter()
    with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", tfile] + cmd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out_f, stderr=err_f)
        sampler = threading.Thread(target=sample, args=(proc.pid,), daemon=True)
        sampler.start()
        # A blocking wait, with a timer to kill the process at the timeout: Popen.wait(timeout=...) polls
        # with sleeps of up to 50 ms, and the wall time would come out up to 50 ms late.
        expired = threading.Event()

        def kill():
            expired.set()
            proc.kill()

        watchdog = threading.Timer(timeout, kill)
        watchdog.start()
        try:
            proc.wait()
            end = time.perf_counter()
        finally:
            watchdog.cancel()
            done.set()
            sampler.join(timeout=5)
        if expired.is_set():
            raise Broken("%s: timed out after %ds: %s" % (name, timeout, " ".join(cmd)))
    anon = peak["anon"]
    wall = end - start
    rss, cpu = None, 0.0
    with open(tfile) as f:
        for line in f:
            if "Maximum resident set size" in line:
                rss = int(line.rsplit(":", 1)[1])
            elif "User time (seconds)" in line or "System time (seconds)" in line:
                cpu += float(line.rsplit(":", 1)[1])
    with open(out_path, "rb") as f:
        stdout = f.read()
    with open(err_path, "rb") as f:
        stderr = f.read()
    LOAD.append(os.getloadavg()[0])
    return {"wall": wall, "rss_kb": rss, "anon_kb": anon, "cpu": cpu, "rc": proc.returncode,
            "stdout": stdout.decode(errors="replace"), "stderr": stderr.decode(errors="replace")}


# ---------------------------------------------------------------------------------------------
# Ledgers


def ledger_counts(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        counts = dict(db.execute("SELECT state, count(*) FROM alerts GROUP BY state").fetchall())
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        db.close()
    counts["events"] = events
    return counts


def expected_requests(path, all_open, batch):
    """Requests a batched sender makes: per app key, ceil(alerts / batch)."""
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        where = "" if all_open else " AND last_received <= %d" % (int(time.time()) - 3600)
        rows = db.execute("SELECT count(*) FROM alerts WHERE state = 'open'%s GROUP BY app_key" % where).fetchall()
    finally:
        db.close()
    return sum(c for (c,) in rows), sum(math.ceil(c / batch) for (c,) in rows)


def checkpoint(path):
    """Folds the WAL into the main file, so a template is one self-contained file to copy."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        db.close()


def remove_ledger(path):
    for suffix in ("", "-wal", "-shm", ".lock", "-journal"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def fresh_copy(template, path):
    remove_ledger(path)
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    # Write the copy back before timing: otherwise the kernel flushes gigabytes of dirty pages
    # during the run, and every fsync of the run waits behind them.
    os.sync()
    return path


class Postgres:
    """A private PostgreSQL server for the PostgreSQL rows (Scripts/test-postgres.sh, with fsync on, so its
    commits are as durable as SQLite's). Databases are made with psql; a run's database is a copy of a
    template database (`CREATE DATABASE ... TEMPLATE`), as a run's SQLite ledger is a copy of a file."""

    def __init__(self):
        script = os.path.join(ROOT, "Scripts", "test-postgres.sh")
        env = dict(os.environ, LR_TEST_POSTGRES_FSYNC="on")
        p = subprocess.run([script, "start"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=180)
        check(p.returncode == 0, "could not start PostgreSQL: " + p.stderr.decode()[-2000:])
        self.base = p.stdout.decode().strip()
        fields = dict(kv.split("=", 1) for kv in self.base.split())
        self.dir = fields["host"]
        self.script = script
        self.templates = {}  # SQLite template path -> template database name

    def conninfo(self, database):
        return " ".join(("dbname=" + database) if kv.startswith("dbname=") else kv for kv in self.base.split())

    def sql(self, statement, database="postgres", superuser=False):
        """Runs `statement` as the tests' role (no SUPERUSER), or as the bootstrap superuser `postgres` for
        what only a superuser may do (server logging settings)."""
        conninfo = self.conninfo(database)
        if superuser:
            conninfo = " ".join("user=postgres" if kv.startswith("user=") else kv for kv in conninfo.split())
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", conninfo,
                            "-c", statement], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=600)
        check(p.returncode == 0, "psql: %s: %s" % (statement, p.stderr.decode()[-2000:]))
        return p.stdout.decode()

    def fresh(self, database, template=None):
        """An empty database (or a copy of `template`) named `database`; returns its connection string."""
        self.drop(database)
        self.sql("CREATE DATABASE %s%s" % (database, " TEMPLATE " + template if template else ""))
        return self.conninfo(database)

    def drop(self, database):
        # As the superuser: FORCE ends the database's sessions, an autovacuum worker's too, and only a
        # superuser (or pg_signal_backend) may end one that is not the tests' role's own.
        self.sql("DROP DATABASE IF EXISTS %s WITH (FORCE)" % database, superuser=True)

    def freeze(self, database):
        """Keeps `database` as it is: no connections, so autovacuum leaves it alone too. A template is
        then what the import left, and every run measures a sweep right after an import, whenever it
        runs; copies of it (CREATE DATABASE ... TEMPLATE) still work."""
        self.sql("ALTER DATABASE %s WITH ALLOW_CONNECTIONS false" % database)

    def counts(self, database):
        counts = {}
        for line in self.sql("SELECT state, count(*) FROM alerts GROUP BY state", database).split():
            state, _, n = line.partition("|")
            counts[state] = int(n)
        counts["events"] = int(self.sql("SELECT count(*) FROM events", database).strip())
        return counts

    def stop(self):
        subprocess.run([self.script, "stop", self.dir], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120)


class Ledgers:
    """Generates workloads with gen_workload.py and writes them with `logzio-resolver import`."""

    def __init__(self, args, work, out, pg=None):
        self.args, self.work, self.out, self.pg = args, work, out, pg
        self.imports = []

    def make(self, name, events, open_, stale):
        path = os.path.join(self.work, name + ".sqlite")
        jsonl = os.path.join(self.work, name + ".jsonl")
        remove_ledger(path)
        start = time.perf_counter()
        subprocess.run([sys.executable, os.path.join(HERE, "gen_workload.py"), "--events", str(events),
                        "--open", str(open_), "--stale", str(stale), jsonl],
                       check=True, timeout=1800, stderr=subprocess.DEVNULL)
        generated = time.perf_counter() - start
        size = os.path.getsize(jsonl)
        r = timed([self.args.bin, "import", "--ledger", path, jsonl], clean_env(), self.out, "import-" + name, 3600)
        check(r["rc"] == 0, "import of %s failed (exit %s): %s" % (name, r["rc"], r["stderr"][-2000:]))
        if self.pg:
            # The same workload in a PostgreSQL template database, for the PostgreSQL rows.
            template = "tmpl_" + name.replace("-", "_")
            conninfo = self.pg.fresh(template)
            rp = timed([self.args.bin, "import", "--ledger", conninfo, jsonl], clean_env(), self.out,
                       "import-pg-" + name, 3600)
            check(rp["rc"] == 0, "import of %s into PostgreSQL failed (exit %s): %s"
                  % (name, rp["rc"], rp["stderr"][-2000:]))
            # Frozen at once, and not read: autovacuum would vacuum and analyze it meanwhile (it did, to
            # templates counted first), and a query sets hint bits; every copy would start from a ledger
            # cleaner than an import leaves. Its counts are checked on each run's copy after the sweep,
            # against the SQLite ledger of the same lines.
            self.pg.freeze(template)
            self.pg.templates[path] = template
            self.imports.append({"name": name + " (PostgreSQL)", "events": events, "jsonl_bytes": size,
                                 "generate_s": 0.0, "import_s": rp["wall"], "import_rss_kb": rp["rss_kb"],
                                 "ledger_bytes": 0})
        os.remove(jsonl)
        checkpoint(path)
        counts = ledger_counts(path)
        check(counts["events"] == events, "%s: %d events in the ledger, wanted %d" % (name, counts["events"], events))
        check(counts.get("open", 0) == open_, "%s: %d open, wanted %d" % (name, counts.get("open", 0), open_))
        self.imports.append({"name": name, "events": events, "jsonl_bytes": size, "generate_s": generated,
                             "import_s": r["wall"], "import_rss_kb": r["rss_kb"],
                             "ledger_bytes": os.path.getsize(path)})
        log("ledger %s: %d events, %d open, %d stale; generated in %.1fs, imported in %.1fs (%.0f events/s)"
            % (name, events, open_, stale, generated, r["wall"], events / r["wall"]))
        return path


# ---------------------------------------------------------------------------------------------
# The tools under test


class Tools:
    def __init__(self, args, standin, work, out):
        self.args, self.standin, self.work, self.out = args, standin, work, out
        self.unpaced = self.config("unpaced", 0)
        self.paced = self.config("paced", 5)
        self.seq = 0

    def config(self, name, rps):
        path = os.path.join(self.work, name + ".yaml")
        with open(path, "w") as f:
            f.write("bigpanda:\n  requests_per_second: %d\n  batch_size: 100\n"
                    "max_resolves_per_run: 100000\n" % rps)
        return path

    def env(self):
        return clean_env({"BIGPANDA_TOKEN": TOKEN, "BIGPANDA_ALERTS_URL": self.standin.url})

    def command(self, tool, ledger, all_open, paced=False):
        if tool in ("ours", "pg"):
            cmd = [self.args.bin, "sweep", "--ledger", ledger, "--config", self.paced if paced else self.unpaced]
            return cmd + (["--all", "--yes"] if all_open else [])
        script = os.path.join(HERE, "baseline_%s.py" % tool)
        return [sys.executable, script, "--ledger", ledger] + (["--all"] if all_open else [])

    def run(self, tool, template, all_open, label, paced=False, timeout=1800):
        """One measured run on a fresh copy of `template`; checks it did all its work."""
        self.seq += 1
        pg = self.args.pg if tool == "pg" else None
        if pg:
            # The same workload: the PostgreSQL template imported from the same JSONL. The copy is not read
            # before the sweep (see Ledgers.make): the SQLite template gives the counts it starts from.
            want_alerts, want_batches = expected_requests(template, all_open, 100)
            ledger = pg.fresh("run", template=pg.templates[template])
            before = ledger_counts(template)
        else:
            ledger = fresh_copy(template, os.path.join(self.work, "run.sqlite"))
            want_alerts, want_batches = expected_requests(ledger, all_open, 100)
            before = ledger_counts(ledger)
        self.standin.collect()
        r = timed(self.command(tool, ledger, all_open, paced), self.env(), self.out,
                  "%03d-%s-%s" % (self.seq, label, tool), timeout)
        requests = self.standin.collect()
        with open(os.path.join(self.out, "%03d-%s-%s.requests" % (self.seq, label, tool)), "w") as f:
            f.write("# start end body_bytes status (stand-in clock, epoch seconds)\n")
            f.writelines("%.3f %.3f %d %d\n" % r for r in requests)
        if pg:
            after = pg.counts("run")
            pg.drop("run")
        else:
            after = ledger_counts(ledger)
            remove_ledger(ledger)
        check(r["rc"] == 0, "%s %s: exit %s: %s" % (label, tool, r["rc"], r["stderr"][-2000:]))
        check(after["events"] == before["events"], "%s %s: %d events, wanted %d"
              % (label, tool, after["events"], before["events"]))
        resolved = after.get("resolved", 0) - before.get("resolved", 0)
        check(resolved == want_alerts, "%s %s: resolved %d, wanted %d" % (label, tool, resolved, want_alerts))
        want_requests = want_alerts if tool == "naive" else want_batches
        check(len(requests) == want_requests,
              "%s %s: the stand-in saw %d requests, wanted %d" % (label, tool, len(requests), want_requests))
        check(all(200 <= s < 300 for _, _, _, s in requests), "%s %s: a non-2xx at the stand-in" % (label, tool))
        r.update({"tool": tool, "alerts": resolved, "requests": requests})
        return r


TOOL_NAMES = (("ours", "logzio-resolver"), ("pg", "logzio-resolver, PostgreSQL ledger"),
              ("batched", "baseline_batched.py"), ("naive", "baseline_naive.py"))


def summarize(runs):
    walls = [r["wall"] for r in runs]
    rss = [r["rss_kb"] for r in runs]
    alerts = runs[0]["alerts"]
    out = {"runs": len(runs), "wall_median": median(walls), "wall_min": min(walls), "wall_max": max(walls),
           "cpu_median": median([r["cpu"] for r in runs]),
           "rss_kb_median": median(rss), "rss_kb_max": max(rss), "alerts": alerts,
           "anon_kb_max": max((r["anon_kb"] or 0) for r in runs) or None,
           "alerts_per_s": alerts / median(walls) if median(walls) > 0 else float("nan")}
    # The send phase, from the stand-in's clock: first request start to last request end.
    phases = []
    for r in runs:
        req = r["requests"]
        if len(req) >= 2:
            phases.append((len(req) - 1) / max(1e-6, req[-1][0] - req[0][0]))
    if phases:
        out["send_phase_req_per_s"] = median(phases)
    lengths = [l for r in runs for _, _, l, _ in r["requests"]]
    if lengths:
        out["mean_body_bytes"] = sum(lengths) / len(lengths)
    return out


def interleaved(tools, runs, fn):
    """Runs each tool `runs` times, alternating tools so drift hits them alike."""
    results = {t: [] for t in tools}
    for i in range(runs):
        for t in tools:
            results[t].append(fn(t, i))
    return {t: summarize(v) for t, v in results.items()}


# ---------------------------------------------------------------------------------------------
# Scenarios


def scenario_s1(ctx):
    """S1, uninstall cleanup: sweep --all --yes over N open alerts, unpaced."""
    a, tools, L = ctx["args"], ctx["tools"], ctx["ledgers"]
    out = {}
    small_n = a.s1_small
    small = L.make("s1-%d" % small_n, small_n, small_n, small_n // 2)
    log("S1 at %d open alerts: ours, %sbatched, naive x%d" % (small_n, "ours on PostgreSQL, " if a.pg else "", a.runs))
    out["small"] = interleaved(["ours"] + (["pg"] if a.pg else []) + ["batched", "naive"], a.runs,
                               lambda t, i: tools.run(t, small, True, "s1-%d" % small_n))
    out["small"]["n"] = small_n
    full_n = a.s1_full
    if full_n != small_n:
        full = L.make("s1-%d" % full_n, full_n, full_n, full_n // 2)
        log("S1 at %d open alerts: ours, %sbatched x%d (naive extrapolated from %d)"
            % (full_n, "ours on PostgreSQL, " if a.pg else "", a.runs, small_n))
        out["full"] = interleaved(["ours"] + (["pg"] if a.pg else []) + ["batched"], a.runs,
                                  lambda t, i: tools.run(t, full, True, "s1-%d" % full_n))
        naive = dict(out["small"]["naive"])
        scale = full_n / small_n
        naive.update({"wall_median": naive["wall_median"] * scale, "wall_min": naive["wall_min"] * scale,
                      "cpu_median": naive["cpu_median"] * scale,
                      "wall_max": naive["wall_max"] * scale, "alerts": full_n, "extrapolated_from": small_n,
                      "rss_kb_median": None, "rss_kb_max": None, "anon_kb_max": None})
        out["full"]["naive"] = naive
        remove_ledger(full)
    else:
        out["full"] = out["small"]
    out["full"]["n"] = full_n
    remove_ledger(small)
    return out


def scenario_s2(ctx):
    """S2, cron steady state: 10k open of which 1k stale, in ledgers of growing history; unpaced sweep."""
    a, tools, L = ctx["args"], ctx["tools"], ctx["ledgers"]
    out = {}
    for events in a.s2_sizes:
        ledger = L.make("s2-%d" % events, events, a.s2_open, a.s2_stale)
        log("S2 at %d events (%d open, %d stale): ours, %sbatched, naive x%d"
            % (events, a.s2_open, a.s2_stale, "ours on PostgreSQL, " if a.pg else "", a.runs))
        res = interleaved(["ours"] + (["pg"] if a.pg else []) + ["batched", "naive"], a.runs,
                          lambda t, i: tools.run(t, ledger, False, "s2-%d" % events))
        res["events"] = events
        res["ledger_bytes"] = os.path.getsize(ledger)
        out[str(events)] = res
        remove_ledger(ledger)
    return out


def scenario_import(ctx):
    """Import throughput: `logzio-resolver import` of one JSON Lines workload (S2's shape) into an empty
    SQLite file and, with --postgres, an empty PostgreSQL database, interleaved run by run."""
    a, out = ctx["args"], ctx["out"]
    events = a.imp_events
    jsonl = os.path.join(ctx["work"], "imp.jsonl")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_workload.py"), "--events", str(events),
                    "--open", str(min(a.s2_open, events)), "--stale", str(min(a.s2_stale, events)), jsonl],
                   check=True, timeout=1800, stderr=subprocess.DEVNULL)
    size = os.path.getsize(jsonl)
    log("import of %d events (%.0f MB of JSON Lines): ours, %sx%d"
        % (events, size / 1e6, "ours into PostgreSQL, " if a.pg else "", a.runs))

    def one(tool, i):
        if tool == "pg":
            ledger = a.pg.fresh("imp")
        else:
            ledger = os.path.join(ctx["work"], "imp.sqlite")
            remove_ledger(ledger)
        os.sync()
        r = timed([a.bin, "import", "--ledger", ledger, jsonl], clean_env(), out, "imp-%d-%s" % (i, tool), 3600)
        check(r["rc"] == 0, "import (%s): exit %s: %s" % (tool, r["rc"], r["stderr"][-2000:]))
        counts = a.pg.counts("imp") if tool == "pg" else ledger_counts(ledger)
        check(counts["events"] == events, "import (%s): %d events, wanted %d" % (tool, counts["events"], events))
        if tool == "pg":
            a.pg.drop("imp")
        else:
            remove_ledger(ledger)
        r.update({"alerts": events, "requests": []})
        return r

    res = interleaved(["ours"] + (["pg"] if a.pg else []), a.runs, one)
    os.remove(jsonl)
    res["events"], res["jsonl_bytes"] = events, size
    return res


def hyperfine(cmd, env, runs, warmup, out_dir, name):
    export = os.path.join(out_dir, name + ".json")
    subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup", str(warmup), "--runs", str(runs),
                    "--export-json", export, cmd], env=env, check=True, timeout=600,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with open(export) as f:
        result = json.load(f)["results"][0]
    return {"median": result["median"], "mean": result["mean"], "min": result["min"], "max": result["max"],
            "stddev": result.get("stddev"), "runs": len(result["times"]), "times": result["times"]}


def hyperfine_interleaved(cmds, env, runs, out_dir, name, rounds=5):
    """hyperfine over several commands in alternating rounds, so load that comes and goes hits each alike."""
    times = [[] for _ in cmds]
    for r in range(rounds):
        for i, cmd in enumerate(cmds):
            times[i] += hyperfine(cmd, env, max(2, runs // rounds), 2, out_dir, "%s-%d-%d" % (name, i, r))["times"]
    out = []
    for t in times:
        mean = sum(t) / len(t)
        out.append({"median": median(t), "mean": mean, "min": min(t), "max": max(t),
                    "stddev": statistics.stdev(t) if len(t) > 1 else 0.0, "runs": len(t)})
    return out


def task_clock(cmd, env, runs):
    """Mean CPU milliseconds of `cmd` over `runs` runs (perf stat), or None without a working perf."""
    if not shutil.which("perf"):
        return None
    p = subprocess.run(["perf", "stat", "-r", str(runs), "-x", ",", "-e", "task-clock"] + cmd, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    for line in p.stderr.decode(errors="replace").splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith("task-clock"):
            try:
                return float(fields[0])
            except ValueError:
                return None
    return None


def scenario_s3(ctx):
    """S3, start-up: sweep on an empty (migrated) ledger, many runs; plus a breakdown."""
    a, tools, work, out_dir = ctx["args"], ctx["tools"], ctx["work"], ctx["out"]
    empty_jsonl = os.path.join(work, "empty.jsonl")
    open(empty_jsonl, "w").close()
    empty = os.path.join(work, "empty.sqlite")
    remove_ledger(empty)
    r = timed([a.bin, "import", "--ledger", empty, empty_jsonl], clean_env(), out_dir, "s3-create", 60)
    check(r["rc"] == 0 and os.path.exists(empty), "could not create the empty ledger: " + r["stderr"])
    env = tools.env()
    os.sync()
    time.sleep(1)  # let writeback from the earlier scenarios settle
    q = lambda s: "'%s'" % s if " " in s else s
    out = {}
    runs = a.s3_runs
    # The command itself; hyperfine -N runs it without a shell.
    sweep = " ".join(q(x) for x in [a.bin, "sweep", "--ledger", empty, "--config", tools.unpaced])
    log("S3: hyperfine, %d runs of: sweep on an empty ledger" % runs)
    if a.s3_extra_bin:
        # Ours and the other build in alternating rounds, for a fair comparison on a shared machine.
        extra = " ".join(q(x) for x in [a.s3_extra_bin, "sweep", "--ledger", empty, "--config", tools.unpaced])
        out["sweep"], out["extra"] = hyperfine_interleaved([sweep, extra], env, runs, out_dir, "s3-sweep")
        out["extra"]["bin"] = a.s3_extra_bin
        out["extra"]["task_clock_ms"] = task_clock(
            [a.s3_extra_bin, "sweep", "--ledger", empty, "--config", tools.unpaced], env, max(5, runs // 4))
    else:
        out["sweep"] = hyperfine(sweep, env, runs, 5, out_dir, "s3-sweep")
    # What start-up is made of: exec of a trivial binary, the argument parser alone (--help),
    # a read-only dry run (config + ledger open, no libcurl client), and the baseline's start-up.
    out["true"] = hyperfine("/bin/true", env, runs, 5, out_dir, "s3-true")
    out["help"] = hyperfine(q(a.bin) + " --help", env, runs, 5, out_dir, "s3-help")
    out["dry_run"] = hyperfine(sweep + " --dry-run", env, runs, 5, out_dir, "s3-dry-run")
    batched = " ".join(q(x) for x in [sys.executable, os.path.join(HERE, "baseline_batched.py"), "--ledger", empty])
    out["baseline_batched"] = hyperfine(batched, env, max(5, runs // 5), 2, out_dir, "s3-batched")
    # CPU time per start-up (task-clock), steadier than wall time on a shared machine.
    out["task_clock_ms"] = task_clock([a.bin, "sweep", "--ledger", empty, "--config", tools.unpaced], env,
                                      max(5, runs // 4))
    rr = timed([a.bin, "sweep", "--ledger", empty, "--config", tools.unpaced], env, out_dir, "s3-rss", 60)
    check(rr["rc"] == 0, "S3 sweep failed: " + rr["stderr"])
    out["rss_kb"] = rr["rss_kb"]
    remove_ledger(empty)
    return out


def max_in_window(starts, window=1.0):
    """The most request starts in any half-open window [t, t + window)."""
    best, j = 0, 0
    for i in range(len(starts)):
        while starts[i] - starts[j] >= window:
            j += 1
        best = max(best, i - j + 1)
    return best


def scenario_s5(ctx):
    """S5, paced: requests_per_second 5, batch 100: keeps the limit and does not idle."""
    a, tools, L = ctx["args"], ctx["tools"], ctx["ledgers"]
    n = a.s5_alerts
    ledger = L.make("s5-%d" % n, n, n, n)
    log("S5: paced sweep --all of %d alerts at 5 requests/s x%d" % (n, a.s5_runs))
    runs = []
    for i in range(a.s5_runs):
        r = tools.run("ours", ledger, True, "s5", paced=True, timeout=600)
        starts = [s for s, _, _, _ in r["requests"]]
        r["max_per_second"] = max_in_window(starts)
        # How close it came: the shortest time spanned by 6 consecutive starts (over 1 s is within the limit).
        r["min_span_6"] = min((starts[i + 5] - starts[i] for i in range(len(starts) - 5)), default=float("nan"))
        r["achieved_alerts_per_s"] = r["alerts"] / r["wall"]
        runs.append(r)
    remove_ledger(ledger)
    s = summarize(runs)
    s["max_per_second"] = max(r["max_per_second"] for r in runs)
    s["min_span_6"] = min(r["min_span_6"] for r in runs)
    s["achieved_alerts_per_s"] = median([r["achieved_alerts_per_s"] for r in runs])
    s["ideal_alerts_per_s"] = 5 * 100
    s["achieved_fraction"] = s["achieved_alerts_per_s"] / s["ideal_alerts_per_s"]
    s["requests"] = len(runs[0]["requests"])
    return s


def relay_load(ctx, url, token, rate, seconds, concurrency):
    """One relay-load run: {accepted_per_s, p50_ms, p99_ms, requests, accepted, errors, ...}."""
    a = ctx["args"]
    cmd = [a.relay_load, url, token, str(rate), str(seconds), str(concurrency)]
    p = subprocess.run(cmd, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=seconds + 120)
    text = p.stdout.decode().strip()
    check(p.returncode == 0 and text, "relay-load failed: %s %s" % (text, p.stderr.decode()[-2000:]))
    out = {}
    for field in text.splitlines()[-1].split():
        key, _, value = field.partition("=")
        try:
            out[key] = float(value) if "." in value else int(value)
        except ValueError:
            out[key] = value
    return out


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise Broken("timed out waiting for " + what)


def http_json(url, token=None):
    import urllib.request
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            return json.loads(response.read().decode())
    except Exception:
        return None


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def peak_rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def relay_loads(ctx, bases, token, rate, seconds, concurrency):
    """relay-load against one or more relays at once, the load split evenly between them; one summary.

    With several relays, accepted/s is the sum, and p50/p99 are the worst of the relays' own figures."""
    if len(bases) == 1:
        return relay_load(ctx, bases[0] + "/data/v2/alerts", token, rate, seconds, concurrency)
    parts, errors = [None] * len(bases), []

    def one(i):
        try:
            parts[i] = relay_load(ctx, bases[i] + "/data/v2/alerts", token, rate / len(bases) if rate else 0,
                                  seconds, max(1, concurrency // len(bases)))
        except Broken as e:
            errors.append(str(e))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(bases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, "; ".join(errors))
    out = {"accepted_per_s": sum(p["accepted_per_s"] for p in parts),
           "p50_ms": max(p["p50_ms"] for p in parts), "p99_ms": max(p["p99_ms"] for p in parts)}
    for key in ("accepted", "errors", "requests"):
        out[key] = sum(p.get(key, 0) for p in parts)
    return out


S4_TOOLS = (("ours", "relay"), ("baseline", "baseline (c)"), ("pg", "relay, PostgreSQL ledger"),
            ("pg2", "two relays, one PostgreSQL ledger"))


def scenario_s4_relay(ctx):
    """S4, relay: accepted alerts/s and latency of `relay` (forwarding to the stand-in, durable commits)
    against baseline (c), benchmarks/baseline_relay.py, driven by benchmarks/relay-load. With --postgres,
    also one relay and two relays on one PostgreSQL ledger."""
    a, tools, standin, work, out_dir = ctx["args"], ctx["tools"], ctx["standin"], ctx["work"], ctx["out"]
    check(os.access(a.relay_load, os.X_OK),
          "no relay-load at %s (swift build --product relay-load, or pass --relay-load)" % a.relay_load)
    relay_token = "bench-relay-token-not-a-secret"
    results = {"loads": a.s4_loads, "seconds": a.s4_seconds}
    pg = a.pg
    for tool in ("ours", "baseline") + (("pg", "pg2") if pg else ()):
        ports = [free_port() for _ in range(2 if tool == "pg2" else 1)]
        ledger = os.path.join(work, "s4-%s.sqlite" % tool)
        if pg and tool.startswith("pg"):
            ledger = pg.fresh("s4")
        else:
            remove_ledger(ledger)
        cmds = []
        for port in ports:
            if tool != "baseline":
                cmd = [a.bin, "relay", "--ledger", ledger, "--config", tools.unpaced,
                       "--listen", "127.0.0.1:%d" % port]
                env = clean_env({"LOGZIO_RESOLVER_RELAY_TOKEN": relay_token, "BIGPANDA_TOKEN": TOKEN,
                                 "BIGPANDA_ALERTS_URL": standin.url})
            else:
                cmd = [sys.executable, os.path.join(HERE, "baseline_relay.py"), str(port), ledger, relay_token]
                env = clean_env()
            cmds.append((cmd, env))
        stderrs = [open(os.path.join(out_dir, "s4-%s-%d.stderr" % (tool, i)), "w") for i in range(len(cmds))]
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
                 for (cmd, env), err in zip(cmds, stderrs)]
        bases = ["http://127.0.0.1:%d" % port for port in ports]
        try:
            for base, port in zip(bases, ports):
                if tool != "baseline":
                    wait_for(lambda: (http_json(base + "/healthz") or {}).get("status") == "ok", 30, "the relay")
                else:
                    wait_for(lambda: port_open(port), 30, "baseline_relay.py")
            check(all(p.poll() is None for p in procs), "%s relay exited at start" % tool)
            standin.collect()
            runs, total_accepted = {}, 0
            for rate, concurrency in a.s4_loads:
                label = "%d req/s" % rate if rate else "saturation, %d connections" % concurrency
                log("S4: %s, %s, %d s" % (dict(S4_TOOLS)[tool], label, a.s4_seconds))
                r = relay_loads(ctx, bases, relay_token, rate, a.s4_seconds, concurrency)
                check(r.get("errors") == 0 or tool == "baseline", "S4 %s %s: %s transport errors" % (tool, label, r))
                check(r.get("accepted", 0) > 0, "S4 %s %s: nothing accepted: %s" % (tool, label, r))
                total_accepted += r.get("accepted", 0)
                runs[label] = r
            result = {"runs": runs, "accepted_total": total_accepted, "peak_rss_kb": peak_rss_kb(procs[0].pid)}
            if tool != "baseline":
                # Everything answered 202 reaches BigPanda: the outbox drains to 0, every request 2xx.
                wait_for(lambda: (http_json(bases[0] + "/healthz") or {}).get("outbox_depth") == 0, 120,
                         "the relay's outbox to drain")
                forwards = standin.collect()
                check(forwards and all(200 <= st < 300 for _, _, _, st in forwards),
                      "S4: a forward was not 2xx at the stand-in")
                result["forward_requests"] = len(forwards)
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)
            for err in stderrs:
                err.close()
        for proc in procs:
            check(proc.returncode == 0 or tool == "baseline", "S4: the relay exited %s after SIGTERM" % proc.returncode)
        if pg and tool.startswith("pg"):
            stored = int(pg.sql("SELECT count(*) FROM events", "s4").strip())
            pg.drop("s4")
        else:
            with sqlite3.connect(ledger) as db:
                stored = db.execute("SELECT count(*) FROM events").fetchone()[0]
            remove_ledger(ledger)
        check(stored == total_accepted, "S4 %s: %d alerts accepted, %d in the ledger" % (tool, total_accepted, stored))
        results[tool] = result
    return results


def wrk_ceiling(ctx, template):
    """The stand-in's ceiling for bodies like ours, with the same connection count as our client."""
    a, standin, work, out_dir = ctx["args"], ctx["standin"], ctx["work"], ctx["out"]
    sys.path.insert(0, HERE)
    from baseline_common import Baseline  # noqa: E402

    class Args:
        ledger, all, stale_after, batch_size, url = template, True, 3600, 100, standin.url

    os.environ.setdefault("BIGPANDA_TOKEN", TOKEN)
    b = Baseline(Args)
    _, candidates = b.candidates()
    b.db.close()
    key = candidates[0][1]
    chunk = [c[5] for c in candidates if c[1] == key][:100]
    body = json.dumps({"app_key": key, "alerts": chunk}, separators=(",", ":"), ensure_ascii=False).encode()
    body_path = os.path.join(work, "wrk-body.json")
    with open(body_path, "wb") as f:
        f.write(body)
    out = {"body_bytes": len(body)}
    for conns, secs in ((4, a.wrk_seconds), (1, max(2, a.wrk_seconds // 2))):
        env = clean_env({"WRK_BODY": body_path, "WRK_TOKEN": TOKEN})
        p = subprocess.run(["wrk", "-t1", "-c%d" % conns, "-d%ds" % secs, "--timeout", "5s",
                            "-s", os.path.join(HERE, "wrk_post.lua"), standin.url],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=secs + 60)
        text = p.stdout.decode()
        with open(os.path.join(out_dir, "wrk-c%d.txt" % conns), "w") as f:
            f.write(text)
        check(p.returncode == 0, "wrk failed: " + p.stderr.decode())
        rps = [float(line.split()[1]) for line in text.splitlines() if line.startswith("Requests/sec:")]
        check(rps, "wrk printed no Requests/sec")
        errors = [line for line in text.splitlines() if "Non-2xx" in line or "Socket errors" in line]
        check(not errors, "wrk saw errors: %s" % errors)
        out["c%d_req_per_s" % conns] = rps[0]
        log("wrk -c%d: %.0f requests/s with %d-byte bodies" % (conns, rps[0], len(body)))
    standin.collect()
    return out


# ---------------------------------------------------------------------------------------------
# Report


def binary_version(path):
    try:
        return subprocess.run([path, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=30).stdout.decode().strip()
    except Exception:
        return "?"


def machine():
    def first(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30,
                                  shell=isinstance(cmd, str)).stdout.decode().strip().splitlines()[0]
        except Exception:
            return "?"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_gb = int(f.readline().split()[1]) / 1024 / 1024
    try:
        import requests
        requests_version = requests.__version__
    except ImportError:
        requests_version = "?"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_gb, 1), "kernel": platform.release(),
        "os": first("cat /etc/debian_version"), "swift": first(["swift", "--version"]),
        "python": platform.python_version(), "requests": requests_version,
        "sqlite_python": sqlite3.sqlite_version, "nginx": first("nginx -v 2>&1"),
        "wrk": first("wrk -v 2>&1"), "hyperfine": first(["hyperfine", "--version"]),
        "git": first("cd %s && git rev-parse --short HEAD" % ROOT) + (
            " (+ uncommitted changes)" if first("cd %s && git status --porcelain -- Sources Package.swift | head -1"
                                                % ROOT) not in ("", "?") else ""),
    }


def measured_commit(binary):
    """The commit the binary under test was built from: the git tree that holds it (a SwiftPM .build
    directory lives inside its checkout), with a note when its sources differ from that commit."""
    def git(args):
        p = subprocess.run(["git", "-C", os.path.dirname(os.path.abspath(binary))] + args, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=30)
        return p.stdout.decode().strip() if p.returncode == 0 else ""
    commit = git(["rev-parse", "--short", "HEAD"])
    if not commit:
        return "unknown (the binary is not inside a git checkout)"
    subject = git(["log", "-1", "--format=%s"])
    dirty = git(["status", "--porcelain", "--", "Sources", "Package.swift"])
    subject = subject if len(subject) <= 80 else subject[:79] + "…"
    return "%s (%s)%s, in %s" % (commit, subject, " + uncommitted changes to Sources" if dirty else "",
                                 git(["rev-parse", "--show-toplevel"]))


def ms(seconds):
    return "%.1f ms" % (seconds * 1000)


def secs(seconds):
    return "%.2f s" % seconds if seconds < 100 else "%.0f s" % seconds


def mb(kb):
    return "—" if kb is None else "%.1f MB" % (kb / 1024)


def verdict(ok):
    return "**met**" if ok else "**missed**"


def write_report(ctx, results, path_md, path_json):
    a = ctx["args"]
    m = results["machine"]
    lines = []
    w = lines.append
    w("# Benchmark results")
    w("")
    w("Generated by `benchmarks/run.sh%s` on %s. Method, commands and analysis: [BENCHMARKS.md](../BENCHMARKS.md)."
      % (" --smoke" if a.smoke else "", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    if a.smoke:
        w("")
        w("**Smoke run: tiny N, only checks that everything works. The numbers mean nothing.**")
    w("")
    w("**Commit measured: %s.**" % results["commit"])
    w("")
    w("Machine: %s, %s cores, %s GiB; Linux %s, Debian %s. %s. Python %s, requests %s, SQLite %s. %s, %s, %s. "
      "Benchmark scripts from: %s; binary under test: `%s`. Medians of %d runs unless noted; wall time is the "
      "whole process, RSS is its peak (`/usr/bin/time -v`)." % (
          m["cpu"], m["cores"], m["memory_gib"], m["kernel"], m["os"], m["swift"], m["python"], m["requests"],
          m["sqlite_python"], m["nginx"], m["wrk"], m["hyperfine"], m["git"], results["binary"], a.runs))
    if LOAD:
        w("")
        w("Load average (1 min) seen after the timed processes: median %.1f, max %.1f on %s cores.%s" % (
            median(LOAD), max(LOAD), m["cores"],
            " **The machine was shared with other work during this run: wall times are noisy; the CPU "
            "column and the interleaved ratios are the steadier signal.**" if max(LOAD) > m["cores"] else ""))
    w("")
    targets = []

    s1 = results.get("s1")
    if s1:
        w("## S1, uninstall cleanup: `sweep --all --yes`, unpaced")
        w("")
        w("| open alerts | tool | wall (median, min–max) | alerts/s | CPU user+sys | peak RSS (RssAnon) | slower than ours by |")
        w("| --- | --- | --- | --- | --- | --- | --- |")
        for key in ("small", "full") if s1["small"] is not s1["full"] else ("full",):
            block = s1[key]
            ours = block["ours"]["wall_median"]
            for tool, name in TOOL_NAMES:
                if tool not in block:
                    continue
                r = block[tool]
                note = " (**extrapolated** ×%d from %d alerts)" % (block["n"] // r["extrapolated_from"],
                                                                    r["extrapolated_from"]) \
                    if r.get("extrapolated_from") else ""
                w("| %d | %s%s | %s (%s–%s) | %.0f | %s | %s | %s |" % (
                    block["n"], name, note, secs(r["wall_median"]), secs(r["wall_min"]), secs(r["wall_max"]),
                    r["alerts_per_s"], secs(r["cpu_median"]),
                    mb(r["rss_kb_median"]) + (" (%s)" % mb(r["anon_kb_max"]) if r.get("anon_kb_max") else ""),
                    "—" if tool == "ours" else "%.1f×" % (r["wall_median"] / ours)))
        full = s1["full"]
        rb = full["batched"]["wall_median"] / full["ours"]["wall_median"]
        rn = full["naive"]["wall_median"] / full["ours"]["wall_median"]
        targets.append(("S1 vs baseline_batched.py (%d alerts)" % full["n"], "≥ 5×", "%.2f×" % rb, rb >= 5))
        if "pg" in full:
            rp = full["batched"]["wall_median"] / full["pg"]["wall_median"]
            targets.append(("S1 on PostgreSQL vs baseline_batched.py (%d alerts)" % full["n"], "≥ 3×", "%.2f×" % rp,
                            rp >= 3))
            rs = full["pg"]["wall_median"] / full["ours"]["wall_median"]
            targets.append(("S1 on PostgreSQL vs on SQLite (%d alerts)" % full["n"], "≤ 3×", "%.2f×" % rs, rs <= 3))
        targets.append(("S1 vs baseline_naive.py (%d alerts%s)" % (
            full["n"], ", naive extrapolated" if full["naive"].get("extrapolated_from") else ""),
            "≥ 50×", "%.1f×" % rn, rn >= 50))
        w("")

    s2 = results.get("s2")
    if s2:
        w("## S2, cron steady state: `sweep`, %d open alerts of which %d stale, unpaced" % (a.s2_open, a.s2_stale))
        w("")
        w("| ledger events | ledger size | tool | wall (median, min–max) | CPU user+sys | peak RSS (median / max) | of which private (RssAnon, max) | slower than ours by |")
        w("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for events in a.s2_sizes:
            block = s2[str(events)]
            ours = block["ours"]["wall_median"]
            for tool, name in TOOL_NAMES:
                if tool not in block:
                    continue
                r = block[tool]
                w("| %d | %.0f MB | %s | %s (%s–%s) | %s | %s / %s | %s | %s |" % (
                    events, block["ledger_bytes"] / 1e6, name, secs(r["wall_median"]), secs(r["wall_min"]),
                    secs(r["wall_max"]), secs(r["cpu_median"]), mb(r["rss_kb_median"]), mb(r["rss_kb_max"]),
                    mb(r.get("anon_kb_max")),
                    "—" if tool == "ours" else "%.1f×" % (r["wall_median"] / ours)))
        biggest = s2[str(max(a.s2_sizes))]
        rb = biggest["batched"]["wall_median"] / biggest["ours"]["wall_median"]
        targets.append(("S2 vs baseline_batched.py (%d events)" % max(a.s2_sizes), "≥ 5×", "%.2f×" % rb, rb >= 5))
        if "pg" in biggest:
            rp = biggest["batched"]["wall_median"] / biggest["pg"]["wall_median"]
            targets.append(("S2 on PostgreSQL vs baseline_batched.py (%d events)" % max(a.s2_sizes), "≥ 3×",
                            "%.2f×" % rp, rp >= 3))
            rs = biggest["pg"]["wall_median"] / biggest["ours"]["wall_median"]
            targets.append(("S2 on PostgreSQL vs on SQLite (%d events)" % max(a.s2_sizes), "≤ 3×", "%.2f×" % rs,
                            rs <= 3))
            if len(a.s2_sizes) >= 2:
                sizes = sorted(a.s2_sizes)
                grow = biggest["pg"]["wall_median"] / s2[str(sizes[-2])]["pg"]["wall_median"]
                targets.append(("S2 on PostgreSQL from %d to %d events" % (sizes[-2], sizes[-1]), "≤ 1.3×",
                                "%.2f×" % grow, grow <= 1.3))
        peak = max(s2[str(e)]["ours"]["rss_kb_max"] for e in a.s2_sizes)  # the SQLite rows
        targets.append(("S2 peak RSS (all ledger sizes)", "< 64 MB", mb(peak), peak < 64 * 1024))
        anon = [s2[str(e)]["ours"].get("anon_kb_max") for e in a.s2_sizes]
        if all(anon):
            w("")
            w("Private memory (peak RssAnon, sampled every 10 ms) of logzio-resolver at %s events: %s. Peak RSS "
              "also counts mapped file pages (the binary and its libraries)." % (
                  " / ".join(str(e) for e in a.s2_sizes), " / ".join(mb(x) for x in anon)))
        if len(a.s2_sizes) >= 2:
            sizes = sorted(a.s2_sizes)
            lo = s2[str(sizes[-2])]["ours"]["rss_kb_median"]
            hi = s2[str(sizes[-1])]["ours"]["rss_kb_median"]
            growth = hi / lo - 1
            targets.append(("S2 RSS does not grow from %d to %d events" % (sizes[-2], sizes[-1]), "< +10 %",
                            "%+.1f %% (%s → %s)" % (growth * 100, mb(lo), mb(hi)), growth < 0.10))
        w("")

    s3 = results.get("s3")
    if s3:
        w("## S3, start-up: `sweep` on an empty ledger (hyperfine, %d runs)" % s3["sweep"]["runs"])
        w("")
        w("| command | median | mean ± σ | min–max |")
        w("| --- | --- | --- | --- |")
        for key, name in (("sweep", "`logzio-resolver sweep` (empty ledger, sending config)"),
                          ("dry_run", "`logzio-resolver sweep --dry-run` (read-only ledger, no libcurl client)"),
                          ("help", "`logzio-resolver --help` (loading + runtime + argument parser)"),
                          ("true", "`/bin/true` (fork + exec floor)"),
                          ("baseline_batched", "`baseline_batched.py` on the same ledger")):
            r = s3[key]
            w("| %s | %s | %s ± %s | %s–%s |" % (name, ms(r["median"]), ms(r["mean"]), ms(r["stddev"] or 0),
                                                  ms(r["min"]), ms(r["max"])))
        if "extra" in s3:
            r = s3["extra"]
            w("| `sweep` with `%s` (alternating rounds with the first row) | %s | %s ± %s | %s–%s |" % (
                r["bin"], ms(r["median"]), ms(r["mean"]), ms(r["stddev"] or 0), ms(r["min"]), ms(r["max"])))
        w("")
        if s3.get("task_clock_ms"):
            w("CPU time of one empty sweep (`perf stat -e task-clock`, all threads): %.1f ms%s." % (
                s3["task_clock_ms"], "; with `%s`: %.1f ms" % (s3["extra"]["bin"], s3["extra"]["task_clock_ms"])
                if s3.get("extra", {}).get("task_clock_ms") else ""))
        w("Peak RSS of the empty sweep: %s." % mb(s3["rss_kb"]))
        targets.append(("S3 start-up median", "< 20 ms", ms(s3["sweep"]["median"]), s3["sweep"]["median"] < 0.020))
        w("")

    s4 = results.get("s4")
    if s4:
        w("## S4, relay: `relay` with `forward: true` against baseline (c), %d s per load" % s4["seconds"])
        w("")
        w("Load from `relay-load` (one ~1 KB alert per request; latency from each request's scheduled start). "
          "Every accepted alert was checked in the ledger, and ours forwarded all of them (outbox drained to 0, "
          "%d forward requests, all 2xx)." % s4["ours"].get("forward_requests", 0))
        w("")
        shown = [(t, n) for t, n in S4_TOOLS if t in s4]
        w("| load | %s |" % " | ".join("%s: accepted/s, p50, p99" % n for _, n in shown))
        w("| --- |%s" % (" --- |" * len(shown)))
        for label in s4["ours"]["runs"]:
            cells = []
            for tool, _ in shown:
                r = s4[tool]["runs"][label]
                cells.append("%.0f, %.1f ms, %.1f ms%s" % (
                    r["accepted_per_s"], r["p50_ms"], r["p99_ms"],
                    " (%d errors)" % r["errors"] if r.get("errors") else ""))
            w("| %s | %s |" % (label, " | ".join(cells)))
        w("")
        if "pg2" in s4:
            w("Two relays: the load split evenly between them; accepted/s is the sum, p50 and p99 the worse "
              "relay's.")
            w("")
        w("Peak RSS: relay %s, baseline (c) %s." % (mb(s4["ours"]["peak_rss_kb"]), mb(s4["baseline"]["peak_rss_kb"])))
        at_1000 = s4["ours"]["runs"].get("1000 req/s")
        if at_1000:
            targets.append(("S4 relay p99 at 1000 req/s", "< 10 ms", ms(at_1000["p99_ms"] / 1000),
                            at_1000["p99_ms"] < 10))
        saturated = [label for label in s4["ours"]["runs"] if label.startswith("saturation")]
        if saturated:
            label = saturated[0]
            ratio = s4["ours"]["runs"][label]["accepted_per_s"] / max(
                s4["baseline"]["runs"][label]["accepted_per_s"], 1e-9)
            targets.append(("S4 relay accepted/s vs baseline (c), %s" % label, "≥ 10×", "%.1f×" % ratio,
                            ratio >= 10))
        w("")

    s5 = results.get("s5")
    if s5:
        w("## S5, paced: `requests_per_second: 5`, `batch_size: 100`, `sweep --all --yes` of %d alerts"
          % s5["alerts"])
        w("")
        w("| measure | value |")
        w("| --- | --- |")
        w("| requests per run | %d |" % s5["requests"])
        w("| wall (median, min–max) | %s (%s–%s) |" % (secs(s5["wall_median"]), secs(s5["wall_min"]),
                                                      secs(s5["wall_max"])))
        w("| achieved, end to end (alerts / wall) | %.1f alerts/s = %.1f %% of the 500 alerts/s ideal |"
          % (s5["achieved_alerts_per_s"], s5["achieved_fraction"] * 100))
        w("| send phase at the stand-in (requests−1 / first-to-last start) | %.3f requests/s |"
          % s5.get("send_phase_req_per_s", float("nan")))
        w("| most request starts in any 1-second window, all runs | %d (limit 5) |" % s5["max_per_second"])
        w("| shortest span of 6 consecutive starts, all runs (must be ≥ 1 s; the pacer aims at 1.010 s) | %.3f s |"
          % s5["min_span_6"])
        w("| peak RSS | %s |" % mb(s5["rss_kb_median"]))
        targets.append(("S5 achieved vs ideal", "≥ 95 %", "%.1f %%" % (s5["achieved_fraction"] * 100),
                        s5["achieved_fraction"] >= 0.95))
        targets.append(("S5 requests in any 1-second window", "≤ 5", "%d" % s5["max_per_second"],
                        s5["max_per_second"] <= 5))
        w("")

    wrk = results.get("wrk")
    if wrk and s1:
        full = s1["full"]["ours"]
        w("## Client ceiling: our sends against the stand-in, next to wrk")
        w("")
        w("| who | connections | requests/s | body |")
        w("| --- | --- | --- | --- |")
        w("| wrk (stand-in ceiling) | 4 | %.0f | %d bytes |" % (wrk["c4_req_per_s"], wrk["body_bytes"]))
        w("| wrk (stand-in ceiling) | 1 | %.0f | %d bytes |" % (wrk["c1_req_per_s"], wrk["body_bytes"]))
        e2e = full["alerts_per_s"] / 100
        w("| logzio-resolver S1, end to end (alerts/s ÷ 100) | ≤ 4 in flight | %.0f | %.0f bytes mean |"
          % (e2e, full.get("mean_body_bytes", 0)))
        w("| logzio-resolver S1, send phase at the stand-in | ≤ 4 in flight | %.0f | |"
          % full.get("send_phase_req_per_s", float("nan")))
        bb = s1["full"]["batched"]
        w("| baseline_batched.py S1, end to end | 1 | %.0f | |" % (bb["alerts_per_s"] / 100))
        ratio = wrk["c4_req_per_s"] / e2e
        targets.append(("client ceiling: wrk -c4 ÷ ours (end to end)", "≤ 2×", "%.1f×" % ratio, ratio <= 2))
        w("")

    imp = results.get("imp")
    if imp:
        w("## Import: `logzio-resolver import` of %d events (%.0f MB of JSON Lines) into an empty ledger"
          % (imp["events"], imp["jsonl_bytes"] / 1e6))
        w("")
        w("| ledger | wall (median, min–max) | events/s | CPU user+sys | peak RSS |")
        w("| --- | --- | --- | --- | --- |")
        for tool, name in (("ours", "SQLite file"), ("pg", "PostgreSQL")):
            if tool not in imp:
                continue
            r = imp[tool]
            w("| %s | %s (%s–%s) | %.0f | %s | %s |" % (
                name, secs(r["wall_median"]), secs(r["wall_min"]), secs(r["wall_max"]), r["alerts_per_s"],
                secs(r["cpu_median"]), mb(r["rss_kb_median"])))
        if "pg" in imp:
            rate = imp["pg"]["alerts_per_s"]
            targets.append(("import into PostgreSQL (%d events)" % imp["events"], "≥ 20,000 events/s",
                            "%.0f events/s (SQLite %.0f)" % (rate, imp["ours"]["alerts_per_s"]), rate >= 20_000))
        w("")

    if ctx["ledgers"].imports:
        w("## Workload generation and import (`logzio-resolver import`, one transaction)")
        w("")
        w("| ledger | events | JSONL | generate | import | events/s | import peak RSS | ledger file |")
        w("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for i in ctx["ledgers"].imports:
            w("| %s | %d | %.0f MB | %s | %s | %.0f | %s | %.0f MB |" % (
                i["name"], i["events"], i["jsonl_bytes"] / 1e6, secs(i["generate_s"]), secs(i["import_s"]),
                i["events"] / i["import_s"], mb(i["import_rss_kb"]), i["ledger_bytes"] / 1e6))
        w("")

    w("## Targets")
    w("")
    w("| target | wanted | measured | |")
    w("| --- | --- | --- | --- |")
    for name, wanted, got, ok in targets:
        w("| %s | %s | %s | %s |" % (name, wanted, got, "smoke: not judged" if a.smoke else verdict(ok)))
    w("")
    results["targets"] = [{"target": n, "wanted": wt, "measured": g, "met": ok} for n, wt, g, ok in targets]
    with open(path_md, "w") as f:
        f.write("\n".join(lines))
    with open(path_json, "w") as f:
        json.dump(results, f, indent=1, default=str)


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True, help="the logzio-resolver binary")
    ap.add_argument("--smoke", action="store_true", help="tiny N, functional checks only (CI)")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (default 5; smoke 1)")
    ap.add_argument("--work", default=None, help="scratch directory for ledgers (default: a new one under /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("--only", default="s1,s2,s3,s4,s5,imp",
                    help="comma-separated scenarios to run (imp: import throughput)")
    ap.add_argument("--relay-load", default=None,
                    help="the relay-load binary for S4 (default: next to --bin)")
    ap.add_argument("--results", default=None,
                    help="where to write the report (default benchmarks/results.md; smoke: benchmarks/out/results-smoke.md)")
    ap.add_argument("--postgres", action="store_true",
                    help="also run S1, S2 and S4 on a PostgreSQL ledger (a private server, Scripts/test-postgres.sh)")
    ap.add_argument("--s3-extra-bin", default=None,
                    help="also time S3 with this binary (e.g. a --static-swift-stdlib build)")
    a = ap.parse_args()

    if a.smoke:
        a.runs = a.runs or 1
        a.s1_small = a.s1_full = 300
        a.s2_sizes, a.s2_open, a.s2_stale = [1000, 3000], 200, 20
        a.s3_runs = 5
        a.s5_alerts, a.s5_runs = 300, 1
        a.wrk_seconds = 1
        a.s4_loads, a.s4_seconds = [(100, 4), (0, 4)], 1
        a.imp_events = 2_000
    else:
        a.runs = a.runs or 5
        a.s1_small, a.s1_full = 10_000, 100_000
        a.s2_sizes, a.s2_open, a.s2_stale = [10_000, 100_000, 1_000_000], 10_000, 1_000
        a.s3_runs = 100
        a.s5_alerts, a.s5_runs = 6_000, 5
        a.wrk_seconds = 10
        a.s4_loads, a.s4_seconds = [(100, 16), (1000, 16), (0, 16), (0, 64)], 10
        a.imp_events = 100_000
    a.relay_load = a.relay_load or os.path.join(os.path.dirname(os.path.abspath(a.bin)), "relay-load")
    if a.results is None:
        a.results = os.path.join(HERE, "out", "results-smoke.md") if a.smoke else os.path.join(HERE, "results.md")
    check(os.access(a.bin, os.X_OK), "no binary at %s" % a.bin)
    for tool in ("nginx", "wrk", "hyperfine"):
        check(shutil.which(tool), "%s is not installed (benchmarks/run.sh installs it)" % tool)
    check(os.path.exists("/usr/bin/time"), "/usr/bin/time is not installed (apt-get install time)")

    # SIGTERM (and SIGINT, which a background job ignores) end the run through the finally below,
    # so the stand-in is stopped and the scratch directory removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = a.work or "/tmp/logzio-resolver-bench-%d" % os.getpid()
    os.makedirs(work, exist_ok=True)
    out = os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    for name in os.listdir(out):  # raw logs of this run only; out/profile/ belongs to profile.sh
        if os.path.isfile(os.path.join(out, name)):
            os.remove(os.path.join(out, name))
    only = set(a.only.split(","))
    started = time.time()
    standin = StandIn(work)
    a.pg = None
    if a.postgres:
        check(shutil.which("psql"), "psql is not installed (apt-get install postgresql)")
        a.pg = Postgres()
        log("PostgreSQL: %s" % a.pg.base)
    ctx = {"args": a, "work": work, "out": out, "standin": standin, "ledgers": Ledgers(a, work, out, a.pg)}
    ctx["tools"] = Tools(a, standin, work, out)
    results = {"machine": machine(), "mode": "smoke" if a.smoke else "full", "runs": a.runs,
               "binary": "%s (%s)" % (a.bin, binary_version(a.bin)), "commit": measured_commit(a.bin)}
    failed = None
    try:
        log("stand-in: nginx on %s" % standin.url)
        if "s1" in only:
            results["s1"] = scenario_s1(ctx)
            # The ceiling for bodies like S1's, measured right after S1 on the same stand-in.
            tmpl = ctx["ledgers"].make("wrk-body", 500, 500, 0)
            results["wrk"] = wrk_ceiling(ctx, tmpl)
            remove_ledger(tmpl)
        if "s2" in only:
            results["s2"] = scenario_s2(ctx)
        if "s3" in only:
            results["s3"] = scenario_s3(ctx)
        if "s4" in only:
            results["s4"] = scenario_s4_relay(ctx)
        if "s5" in only:
            results["s5"] = scenario_s5(ctx)
        if "imp" in only:
            results["imp"] = scenario_import(ctx)
    except Broken as e:
        failed = str(e)
    finally:
        standin.stop()
        if a.pg:
            a.pg.stop()
        if not a.keep and not a.work:
            shutil.rmtree(work, ignore_errors=True)
    results["elapsed_s"] = time.time() - started
    if failed:
        log("BROKEN: " + failed)
        return 1
    json_path = os.path.splitext(a.results)[0] + ".json"
    write_report(ctx, results, a.results, json_path)
    log("wrote %s in %.0fs" % (os.path.relpath(a.results), results["elapsed_s"]))
    for t in results["targets"]:
        log("target %-55s wanted %-10s measured %-28s %s" % (
            t["target"], t["wanted"], t["measured"], "" if a.smoke else ("met" if t["met"] else "MISSED")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
