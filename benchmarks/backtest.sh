#!/usr/bin/env bash
# The backtest benchmark (see BENCHMARKS.md, "Backtest").
#
#   benchmarks/backtest.sh           a 1M-event ledger over 30 days: wall time and peak RSS of `backtest`
#                                    (plain, with heartbeats, with --compare); then on a 10k-event ledger
#                                    over 3 days, `backtest` against the naive replay (one
#                                    `sweep --dry-run --now T` per 5-minute step), side by side
#   benchmarks/backtest.sh --smoke   20k and 1k events: checks that it all works, in about a minute
#
# LOGZIO_RESOLVER_BIN=PATH uses a prebuilt binary instead of `swift build -c release`.
# Work files go to benchmarks/out/backtest (git-ignored); BACKTEST_RUNS (default 3) runs per timing.
set -euo pipefail
cd "$(dirname "$0")/.."

big=1000000
small=10000
if [ "${1:-}" = "--smoke" ]; then
    big=20000
    small=1000
fi
runs="${BACKTEST_RUNS:-3}"
work=benchmarks/out/backtest
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "backtest.sh: needs GNU time (apt-get install time)" >&2; exit 1; }

if [ -n "${LOGZIO_RESOLVER_BIN:-}" ]; then
    bin="$LOGZIO_RESOLVER_BIN"
else
    swift build -c release 2>&1 | tail -n 1
    bin="$(swift build -c release --show-bin-path)/logzio-resolver"
fi
now=$(date +%s)

cat >"$work/config.yaml" <<'EOF'
stale_after: 1h
rules:
  - name: payments
    match: { team: "payments" }
    stale_after: 3h
  - name: slow-checks
    match: { check: "Kafka*" }
    stale_after: 6h
  - name: disks-by-hand
    match: { check: "Disk*" }
    stale_after: never
EOF
printf 'stale_after: 30m\n' >"$work/old.yaml"

# Builds a ledger of $1 events over $2 days into $3 (reused when it exists: generating and importing
# a million events takes minutes).
make_ledger() {
    local events=$1 days=$2 ledger=$3
    if [ -s "$ledger" ] && [ -s "$ledger.now" ]; then
        sidecars "$ledger" off
        return
    fi
    rm -f "$ledger" "$ledger-wal" "$ledger-shm"
    python3 benchmarks/gen_history.py --events "$events" --days "$days" --now "$now" "$work/history-$events.jsonl"
    /usr/bin/time -f "import: %e s, peak RSS %M KB" "$bin" import --ledger "$ledger" "$work/history-$events.jsonl"
    # One import is one transaction: its whole ledger sits in the WAL, which a relay's small commits
    # and automatic checkpoints never let grow. Checkpoint it, as the next writer would.
    sidecars "$ledger" off
    echo "$now" >"$ledger.now"
}

# With "on", opens ledger $1 read-only so SQLite leaves -wal and -shm files (as when a relay has it
# open); with "off", checkpoints and closes it, so SQLite removes them.
sidecars() {
    python3 - "$1" "$2" <<'EOF'
import sqlite3, sys
path, state = sys.argv[1], sys.argv[2]
if state == "on":
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    db.execute("SELECT count(*) FROM heartbeats").fetchone()
else:
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
db.close()
EOF
}

# Runs "$@" $runs times; prints the median wall and CPU (user+sys) seconds and the largest peak RSS.
measure() {
    local walls=() cpus=() rss=0 wall user sys kb
    for _ in $(seq "$runs"); do
        sync
        /usr/bin/time -o "$work/time.txt" -f "%e %U %S %M" "$@" >"$work/last.out" 2>"$work/last.err"
        read -r wall user sys kb <"$work/time.txt"
        walls+=("$wall")
        cpus+=("$(python3 -c "print(round($user + $sys, 2))")")
        [ "$kb" -gt "$rss" ] && rss="$kb"
    done
    echo "wall $(median "${walls[@]}") s, CPU $(median "${cpus[@]}") s, peak RSS $((rss / 1024)) MB"
}

median() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# Copies ledger $1 to $2 and adds relay heartbeats: one relay run a day, down 10 minutes between runs.
with_heartbeats() {
    cp "$1" "$2"
    python3 - "$2" "$now" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
now = int(sys.argv[2])
for day in range(31):
    first = now - (31 - day) * 86400
    db.execute("INSERT INTO heartbeats (run_id, first_at, last_at) VALUES (?, ?, ?)",
               ("bench-%d" % day, first, first + 86400 - 600))
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
db.close()
EOF
}

big_ledger="$work/big-$big.sqlite"
make_ledger "$big" 30 "$big_ledger"
big_now=$(cat "$big_ledger.now")
echo
echo "== backtest on $big events over 30 days ($(du -h "$big_ledger" | cut -f1) ledger), median of $runs"
echo "backtest:               $(measure "$bin" backtest --ledger "$big_ledger" --config "$work/config.yaml" --now "$big_now" --json)"
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["total"]; print("   total:", t)' "$work/last.out"
echo "backtest --compare:     $(measure "$bin" backtest --ledger "$big_ledger" --config "$work/config.yaml" --compare "$work/old.yaml" --now "$big_now" --json)"
sidecars "$big_ledger" on
echo "backtest, -wal present: $(measure "$bin" backtest --ledger "$big_ledger" --config "$work/config.yaml" --now "$big_now" --json)"
sidecars "$big_ledger" off
with_heartbeats "$big_ledger" "$work/big-heartbeats.sqlite"
echo "backtest, heartbeats:   $(measure "$bin" backtest --ledger "$work/big-heartbeats.sqlite" --config "$work/config.yaml" --now "$big_now" --json)"
rm -f "$work/big-heartbeats.sqlite" "$work/big-heartbeats.sqlite-wal" "$work/big-heartbeats.sqlite-shm"

small_ledger="$work/small-$small.sqlite"
make_ledger "$small" 3 "$small_ledger"
small_now=$(cat "$small_ledger.now")
echo
echo "== $small events over 3 days, replayed every 5m over the last 3d: backtest against the naive replay"
echo "backtest:               $(measure "$bin" backtest --ledger "$small_ledger" --config "$work/config.yaml" --since 3d --now "$small_now" --json)"
ours=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"]["resolves"])' "$work/last.out")
naive=$(python3 benchmarks/backtest_naive.py --bin "$bin" --history "$work/history-$small.jsonl" \
    --config "$work/config.yaml" --now "$small_now" --since 259200 --interval 300 --work "$work/naive")
echo "naive sweeps:           $naive"
echo "replayed resolves:      backtest $ours, naive $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["resolves"])' "$naive")"
