#!/usr/bin/env bash
# Profiles behind BENCHMARKS.md's "what limits each number": callgrind, perf, start-up breakdown,
# and a --static-swift-stdlib build for comparison. Raw output: benchmarks/out/profile/.
#   benchmarks/profile/profile.sh [--what callgrind,perf,startup,static]
# Not part of run.sh: it is slow (callgrind runs ~50x slower) and for people, not for CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy ftp_proxy FTP_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
missing=()
for tool in valgrind:valgrind perf:linux-perf strace:strace wrk:wrk hyperfine:hyperfine nginx:nginx-light gcc:gcc; do
    command -v "${tool%%:*}" >/dev/null || [ -x "/usr/sbin/${tool%%:*}" ] || missing+=("${tool##*:}")
done
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
if [ -n "${LOGZIO_RESOLVER_BIN:-}" ]; then
    bin="$LOGZIO_RESOLVER_BIN"
else
    swift build -c release 2>&1 | tail -n 3
    bin="$(swift build -c release --show-bin-path)/logzio-resolver"
fi
exec python3 benchmarks/profile/profile.py --bin "$bin" "$@"
