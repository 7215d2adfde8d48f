#!/usr/bin/env python3
"""Import throughput into a PostgreSQL ledger: two builds, interleaved, on the same workload.

    benchmarks/pg_import.py --before OLD_BIN --after NEW_BIN [--events 100000] [--open 10000] [--runs 5]

It writes one S2-shaped workload with gen_workload.py (`--events` events behind `--open` open alerts), then
imports it `--runs` times with each build, alternating before/after, each time into a fresh database on
bench.py's PostgreSQL server (fsync on, Unix socket). It prints each import's wall time, events per second
and CPU time (the import's own process: user + system), then the median of each build and the ratio. The
import rate moves by up to a quarter between runs on this machine (BENCHMARKS.md), so only interleaved
medians compare two builds fairly; pg_scale.py measures imports once per build, next to its sweeps.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

OUT = os.path.join(HERE, "out", "pg-import")


def log(message):
    print("[pg-import %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="the build before the change")
    ap.add_argument("--after", required=True, help="the build after it")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--open", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench.check(shutil.which("psql"), "psql is not installed (apt-get install postgresql)")
    os.makedirs(OUT, exist_ok=True)
    work = "/tmp/logzio-resolver-pg-import-%d" % os.getpid()
    os.makedirs(work, exist_ok=True)
    jsonl = os.path.join(work, "workload.jsonl")
    subprocess.run([sys.executable, os.path.join(HERE, "gen_workload.py"), "--events", str(a.events), "--open",
                    str(a.open), "--stale", str(a.open // 10), "--now", str(int(time.time())), jsonl],
                   check=True, timeout=3600, stderr=subprocess.DEVNULL)
    pg = bench.Postgres()
    rates = {"before": [], "after": []}
    cpus = {"before": [], "after": []}
    try:
        for i in range(a.runs):
            for tool, binary in (("before", a.before), ("after", a.after)):
                database = "import_%s_%d" % (tool, i)
                conninfo = pg.fresh(database)
                r = bench.timed([binary, "import", "--ledger", conninfo, jsonl], bench.clean_env(), OUT,
                                database, 7200)
                bench.check(r["rc"] == 0, "import into %s failed: %s" % (database, r["stderr"][-2000:]))
                bench.check(pg.counts(database)["events"] == a.events, "%s: not every event imported" % database)
                pg.drop(database)
                rates[tool].append(a.events / r["wall"])
                cpus[tool].append(r["cpu"])
                log("run %d %s: %.1f s, %.0f events/s, CPU %.1f s, load %.1f" % (
                    i + 1, tool, r["wall"], a.events / r["wall"], r["cpu"], os.getloadavg()[0]))
    finally:
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)
    before, after = statistics.median(rates["before"]), statistics.median(rates["after"])
    print("events %d, runs %d (interleaved)" % (a.events, a.runs))
    print("before: median %.0f events/s, CPU %.1f s" % (before, statistics.median(cpus["before"])))
    print("after:  median %.0f events/s, CPU %.1f s" % (after, statistics.median(cpus["after"])))
    print("after / before: %.2fx" % (after / before))


if __name__ == "__main__":
    main()
