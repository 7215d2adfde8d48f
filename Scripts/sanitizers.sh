#!/usr/bin/env bash
# Reruns the sanitizer runs of RELIABILITY.md ("Sanitizers").
#
#   Scripts/sanitizers.sh                 ThreadSanitizer, then AddressSanitizer (+ LeakSanitizer)
#   Scripts/sanitizers.sh thread          one of them: thread | address
#   Scripts/sanitizers.sh address --filter Relay    only the tests matching a `swift test --filter`
#
# For each sanitizer it builds everything instrumented in its own scratch directory (.build-tsan,
# .build-asan; about 5 minutes each on 2 cores), runs the test suite with the instrumented binary
# as the end-to-end tests' child process, and, for ThreadSanitizer, also runs the instrumented
# binary by hand: `import` of 300 alerts, `sweep --all --yes` (30 batches, 4 in flight) against a
# local stand-in, `demo`, and a forwarding relay taking 100 concurrent posts, then SIGTERM.
#
# Reports go to files, one per process: .build-sanitizer-reports/<name>/{tests,binary}/report.<pid>. The summary at
# the end counts them; read them against RELIABILITY.md, which explains the known ones (TSan cannot
# see Synchronization.Mutex's futex hand-over on Linux; LeakSanitizer reports Foundation buffers in
# test helpers). Timing tests fail under the sanitizers' slowdown; that is expected. Exit status: 0
# when the binary by hand produced no report, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

which=(thread address)
filter=()
while [ $# -gt 0 ]; do
    case "$1" in
        thread | address) which=("$1") ;;
        --filter) filter=(--filter "$2"); shift ;;
        *) echo "usage: $0 [thread|address] [--filter REGEX]" >&2; exit 64 ;;
    esac
    shift
done

out="$PWD/.build-sanitizer-reports"
binary_reports=0

# A BigPanda stand-in on loopback that answers 201 to everything, for the sweep by hand.
start_standin() {
    python3 - "$1" <<'EOF' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        body = b'{"status":"created"}'
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

with open(sys.argv[1], "w") as f:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    f.write(str(server.server_address[1]))
server.serve_forever()
EOF
    standin_pid=$!
}

# The instrumented binary by hand (ThreadSanitizer): import, sweep, demo, a forwarding relay under load.
by_hand() {
    local bin="$1" dir
    dir="$(mktemp -d /tmp/lr-sanitizer.XXXXXX)"
    start_standin "$dir/port"
    for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
    local url="http://127.0.0.1:$(cat "$dir/port")/data/v2/alerts"
    export BIGPANDA_TOKEN=sanitizer-token BIGPANDA_ALERTS_URL="$url" LOGZIO_RESOLVER_LEDGER="$dir/ledger.sqlite"
    export LOGZIO_RESOLVER_RELAY_TOKEN=sanitizer-relay-token
    printf 'bigpanda:\n  requests_per_second: 0\n  batch_size: 10\nmax_resolves_per_run: 100000\nmax_resolve_fraction: 1\n' \
        >"$dir/config.yaml"
    export LOGZIO_RESOLVER_CONFIG="$dir/config.yaml"
    local received_at=$(($(date +%s) - 7200))
    for i in $(seq 300); do
        printf '{"alert":{"app_key":"k","status":"critical","host":"h-%d","check":"cpu"},"received_at":%d}\n' \
            "$i" "$received_at"
    done >"$dir/alerts.jsonl"
    "$bin" import "$dir/alerts.jsonl"
    echo "sanitizers: import exited $?"
    "$bin" sweep --all --yes --json >"$dir/sweep.json"
    echo "sanitizers: sweep --all --yes exited $?: $(head -c 120 "$dir/sweep.json")"
    "$bin" demo >/dev/null
    echo "sanitizers: demo exited $?"
    local port=$((20000 + RANDOM % 10000))
    "$bin" relay --listen "127.0.0.1:$port" 2>"$dir/relay.err" &
    local relay_pid=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
    seq 100 | xargs -P 100 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
        -H "Authorization: Bearer $LOGZIO_RESOLVER_RELAY_TOKEN" -H 'Content-Type: application/json' \
        -d '{"app_key":"k","status":"critical","host":"r-{}"}' "http://127.0.0.1:$port/data/v2/alerts" |
        sort | uniq -c | sed 's/^/sanitizers: relay answers (count, status): /'
    sleep 2
    echo "sanitizers: relay /healthz after 100 posts: $(curl -s "http://127.0.0.1:$port/healthz")"
    kill -TERM "$relay_pid"
    wait "$relay_pid"
    echo "sanitizers: the relay exited $? after SIGTERM"
    kill "$standin_pid" 2>/dev/null
    wait "$standin_pid" 2>/dev/null
    unset BIGPANDA_TOKEN BIGPANDA_ALERTS_URL LOGZIO_RESOLVER_LEDGER LOGZIO_RESOLVER_RELAY_TOKEN LOGZIO_RESOLVER_CONFIG
    rm -rf "$dir"
}

for sanitizer in "${which[@]}"; do
    case "$sanitizer" in
        thread) scratch=.build-tsan options=TSAN_OPTIONS ;;
        address) scratch=.build-asan options=ASAN_OPTIONS ;;
    esac
    mkdir -p "$out/$sanitizer/tests" "$out/$sanitizer/binary"
    rm -f "$out/$sanitizer"/tests/* "$out/$sanitizer"/binary/*
    echo "sanitizers: building with --sanitize=$sanitizer in $scratch"
    if ! swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$out/$sanitizer/build.log" 2>&1; then
        echo "sanitizers: the $sanitizer build failed; see $out/$sanitizer/build.log" >&2
        tail -n 20 "$out/$sanitizer/build.log" >&2
        exit 1
    fi
    bin="$(swift build --sanitize="$sanitizer" --scratch-path "$scratch" --show-bin-path)/logzio-resolver"
    echo "sanitizers: swift test under $sanitizer (log: $out/$sanitizer/swift-test.log)"
    env "$options=log_path=$out/$sanitizer/tests/report" LOGZIO_RESOLVER_BIN="$bin" \
        swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "${filter[@]}" \
        >"$out/$sanitizer/swift-test.log" 2>&1
    echo "sanitizers: swift test exited $? ($(grep -c '^✘ Test .* failed' "$out/$sanitizer/swift-test.log") failed tests)"
    if [ "$sanitizer" = thread ]; then
        echo "sanitizers: the instrumented binary by hand"
        export TSAN_OPTIONS="log_path=$out/$sanitizer/binary/report"
        by_hand "$bin" >"$out/$sanitizer/by-hand.log" 2>&1
        unset TSAN_OPTIONS
    fi
    tests=$(find "$out/$sanitizer/tests" -type f | wc -l)
    binary=$(find "$out/$sanitizer/binary" -type f | wc -l)
    binary_reports=$((binary_reports + binary))
    echo "sanitizers: $sanitizer: $tests report file(s) from the test run, $binary from the binary by hand ($out/$sanitizer)"
done
[ "$binary_reports" -eq 0 ]
