#!/usr/bin/env python3
"""Profiles of the benchmark scenarios, for BENCHMARKS.md's "what limits each number".

    benchmarks/profile/profile.sh            (builds, then runs this)
    profile.py --bin PATH [--what callgrind,perf,startup,static] [--out DIR]

- callgrind: instruction counts of S1 (sweep --all, 10k alerts), S2 (100k-event ledger, 10k open,
  1k stale) and S3 (empty ledger), annotated inclusive and exclusive, Swift names demangled.
  valgrind 3.19 (Debian 12) needs two work-arounds, both only here: the binary's DWARF 5 debug info
  is stripped from a copy (`objcopy --strip-debug`, symbols stay), and vg_sigsuspend.so is preloaded
  (libdispatch's sigsuspend mask lives in read-only memory, which 3.19's wrapper writes to).
- perf: sampled CPU time (cpu-clock) of S1 at 100k alerts, by thread and by symbol.
- startup: what the 20 ms of S3 are made of (dynamic loader statistics, a syscall timeline, the
  shared libraries loaded).
- static: the same start-up with the Swift runtime linked statically (`--static-swift-stdlib`),
  built into a separate scratch directory; the package's files are not touched.
Loopback only, like bench.py.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
sys.path.insert(0, BENCH)
import bench  # noqa: E402


def sh(cmd, **kw):
    kw.setdefault("timeout", 1800)
    return subprocess.run(cmd, shell=isinstance(cmd, str), **kw)


def demangle(text):
    p = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input=text.encode(),
                       stdout=subprocess.PIPE, timeout=120)
    return p.stdout.decode(errors="replace")


def top(cg_file, inclusive, n=45):
    p = subprocess.run(["callgrind_annotate", "--inclusive=%s" % ("yes" if inclusive else "no"), cg_file],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=300)
    lines = p.stdout.decode(errors="replace").splitlines()
    total = next((l for l in lines if "PROGRAM TOTALS" in l), "")
    body = []
    seen = False
    for line in lines:
        if line.startswith("Ir") and "file:function" in line:
            seen = True
            continue
        if seen and line.strip() and not line.startswith("-"):
            # Drop recursion duplicates ('2) and the concurrency runtime's async frames, which
            # callgrind counts many times over.
            if "'" in line.split("[")[0]:
                continue
            body.append(re.sub(r"\s+\[/[^\]]*\]$", "", line))
        if len(body) >= n:
            break
    return total + "\n" + demangle("\n".join(body))


class Env:
    def __init__(self, a):
        self.a = a
        self.work = a.work
        os.makedirs(self.work, exist_ok=True)
        os.makedirs(a.out, exist_ok=True)
        self.standin = bench.StandIn(self.work)
        ns = argparse.Namespace(bin=a.bin)
        self.ledgers = bench.Ledgers(ns, self.work, a.out)
        self.tools = bench.Tools(ns, self.standin, self.work, a.out)

    def close(self):
        self.standin.stop()


def callgrind(env):
    a = env.a
    nodebug = os.path.join(env.work, "logzio-resolver-nodebug")
    sh(["objcopy", "--strip-debug", a.bin, nodebug], check=True)
    shim = os.path.join(env.work, "vg_sigsuspend.so")
    sh(["gcc", "-O2", "-shared", "-fPIC", "-o", shim, os.path.join(HERE, "vg_sigsuspend.c")], check=True)
    cases = [
        ("s1-10k", env.ledgers.make("p-s1", 10_000, 10_000, 5_000), ["--all", "--yes"]),
        ("s2-100k", env.ledgers.make("p-s2", 100_000, 10_000, 1_000), []),
    ]
    empty_jsonl = os.path.join(env.work, "empty.jsonl")
    open(empty_jsonl, "w").close()
    empty = os.path.join(env.work, "empty.sqlite")
    sh([a.bin, "import", "--ledger", empty, empty_jsonl], check=True, env=bench.clean_env())
    cases.append(("s3-empty", empty, []))
    summary = []
    for name, template, extra in cases:
        ledger = bench.fresh_copy(template, os.path.join(env.work, "run.sqlite"))
        out = os.path.join(a.out, "callgrind-%s.out" % name)
        e = env.tools.env()
        e["LD_PRELOAD"] = shim
        bench.log("callgrind %s (slow: ~50x)" % name)
        p = sh(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, nodebug, "sweep", "--ledger", ledger,
                "--config", env.tools.unpaced] + extra, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        env.standin.collect()
        if p.returncode != 0:
            print(p.stderr.decode()[-3000:])
            raise SystemExit("callgrind %s failed" % name)
        for inclusive in (True, False):
            text = top(out, inclusive)
            path = os.path.join(a.out, "callgrind-%s-%s.txt" % (name, "inclusive" if inclusive else "self"))
            with open(path, "w") as f:
                f.write(text)
        summary.append(name)
        bench.remove_ledger(ledger)
    bench.log("callgrind: see %s/callgrind-*.txt" % a.out)


def perf(env):
    a = env.a
    template = env.ledgers.make("p-s1-100k", 100_000, 100_000, 50_000)
    ledger = bench.fresh_copy(template, os.path.join(env.work, "run.sqlite"))
    data = os.path.join(env.work, "perf.data")
    bench.log("perf record: S1 at 100k alerts")
    sh(["perf", "record", "-q", "-e", "cpu-clock", "-F", "997", "-g", "-o", data, a.bin, "sweep", "--all", "--yes",
        "--ledger", ledger, "--config", env.tools.unpaced], env=env.tools.env(), check=True,
       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env.standin.collect()
    for sort, name in (("comm", "threads"), ("dso", "libraries"), ("sym", "symbols")):
        p = sh(["perf", "report", "-i", data, "--no-children", "--stdio", "-g", "none", "--sort", sort,
                "--percent-limit", "0.7"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        text = "\n".join(l for l in p.stdout.decode(errors="replace").splitlines() if l and not l.startswith("#"))
        with open(os.path.join(a.out, "perf-s1-100k-%s.txt" % name), "w") as f:
            f.write(demangle(text) if sort == "sym" else text)
    bench.remove_ledger(ledger)
    bench.log("perf: see %s/perf-s1-100k-*.txt" % a.out)


def startup(env, binary=None, label="dynamic"):
    a = env.a
    binary = binary or a.bin
    empty_jsonl = os.path.join(env.work, "empty.jsonl")
    open(empty_jsonl, "w").close()
    empty = os.path.join(env.work, "startup.sqlite")
    bench.remove_ledger(empty)
    sh([binary, "import", "--ledger", empty, empty_jsonl], check=True, env=bench.clean_env())
    cmd = [binary, "sweep", "--ledger", empty, "--config", env.tools.unpaced]
    lines = ["# start-up breakdown (%s): %s" % (label, " ".join(cmd)), ""]
    ldd = sh(["ldd", binary], stdout=subprocess.PIPE).stdout.decode()
    libs = [l.split()[0] for l in ldd.splitlines() if "=>" in l or l.strip().startswith("/")]
    lines.append("shared libraries loaded: %d (swift runtime/Foundation: %d)" % (
        len(libs), sum(1 for l in ldd.splitlines() if "/swift/" in l)))
    e = env.tools.env()
    e["LD_DEBUG"] = "statistics"
    p = sh(cmd, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stats = [l.split(":", 1)[1].strip() for l in p.stderr.decode().splitlines() if "total startup time" in l
             or "time needed for relocation" in l or "number of relocations" in l or "objects loaded" in l]
    lines.append("LD_DEBUG=statistics: " + "; ".join(stats))
    # A syscall timeline: when the binary reaches the config, the ledger and libcurl, and exits.
    trace = os.path.join(env.work, "strace.txt")
    sh(["strace", "-f", "-ttt", "-o", trace, "-e", "trace=execve,openat,flock,exit_group"] + cmd,
       env=env.tools.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(trace) as f:
        events = [l.rstrip() for l in f]
    t0 = float(events[0].split()[1])

    def at(pattern):
        for l in events:
            if re.search(pattern, l):
                return "%.1f ms" % ((float(l.split()[1]) - t0) * 1000)
        return "?"
    lines.append("strace timeline (ms after execve; strace slows every syscall):")
    for what, pattern in (("last shared library opened", None), ("config file opened", r"\.yaml"),
                          ("ledger opened", r"startup\.sqlite\""), ("sweep lock taken", r"flock\("),
                          ("exit", r"exit_group")):
        if pattern is None:
            so = [l for l in events if ".so" in l and "openat" in l and "ENOENT" not in l]
            lines.append("  %-30s %s" % (what, "%.1f ms" % ((float(so[-1].split()[1]) - t0) * 1000) if so else "?"))
        else:
            lines.append("  %-30s %s" % (what, at(pattern)))
    with open(os.path.join(a.out, "startup-%s.txt" % label), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    hf = bench.hyperfine(" ".join(cmd), env.tools.env(), 100, 5, a.out, "startup-%s" % label)
    print("hyperfine %s: median %.1f ms, mean %.1f ms" % (label, hf["median"] * 1000, hf["mean"] * 1000))
    with open(os.path.join(a.out, "startup-%s.txt" % label), "a") as f:
        f.write("hyperfine (100 runs): median %.1f ms, mean %.1f ms, min %.1f ms\n"
                % (hf["median"] * 1000, hf["mean"] * 1000, hf["min"] * 1000))
    bench.remove_ledger(empty)


def static(env):
    """Build with the Swift runtime linked statically, from a copy of the tree, then measure S3 again."""
    src = os.path.join(env.work, "static-src")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(os.path.join(src, ".build"))
    # A copy, so edits made meanwhile in the working tree cannot break the build; the resolved
    # dependencies come along (there is no network for a fresh fetch).
    shutil.copytree(os.path.join(ROOT, "Sources"), os.path.join(src, "Sources"))
    shutil.copytree(os.path.join(ROOT, "Tests"), os.path.join(src, "Tests"))  # Package.swift names them
    # Targets that live outside Sources/ (e.g. benchmarks/relay-load) must come along too.
    shutil.copytree(os.path.join(ROOT, "benchmarks"), os.path.join(src, "benchmarks"),
                    ignore=shutil.ignore_patterns("out", "__pycache__", "results.*"))
    for item in ("Package.swift", "Package.resolved"):
        shutil.copyfile(os.path.join(ROOT, item), os.path.join(src, item))
    for item in ("checkouts", "repositories", "workspace-state.json"):
        path = os.path.join(ROOT, ".build", item)
        if os.path.exists(path):
            (shutil.copytree if os.path.isdir(path) else shutil.copyfile)(path, os.path.join(src, ".build", item))
    bench.log("building with --static-swift-stdlib in %s (several minutes)" % src)
    p = sh(["swift", "build", "-c", "release", "--static-swift-stdlib", "--disable-automatic-resolution",
            "--product", "logzio-resolver"],
           cwd=src, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        print(p.stdout.decode()[-3000:])
        raise SystemExit("static build failed")
    binary = os.path.join(src, ".build", "release", "logzio-resolver")
    print("static binary: %.1f MB" % (os.path.getsize(binary) / 1e6))
    startup(env, binary, "static-stdlib")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--what", default="callgrind,perf,startup,static")
    ap.add_argument("--work", default="/tmp/logzio-resolver-profile")
    ap.add_argument("--out", default=os.path.join(BENCH, "out", "profile"))
    a = ap.parse_args()
    env = Env(a)
    try:
        what = a.what.split(",")
        if "startup" in what:
            startup(env)
        if "static" in what:
            static(env)
        if "perf" in what:
            perf(env)
        if "callgrind" in what:
            callgrind(env)
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
