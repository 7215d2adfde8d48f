#!/usr/bin/env bash
# Benchmarks: logzio-resolver against the users' alternatives (see BENCHMARKS.md).
#
#   benchmarks/run.sh            full run (about 10-15 minutes on 2 cores), writes benchmarks/results.md
#   benchmarks/run.sh --smoke    tiny N, checks that everything works; under a minute; exit 1 if broken
#                                (report in benchmarks/out/results-smoke.md; results.md is left alone)
#
# Other options go to bench.py (--runs N, --only s1,s2,s3,s4,s5,imp, --postgres, --keep, --work DIR, --relay-load PATH).
# S4 drives the relay with the relay-load target, which the build below makes next to the binary.
# LOGZIO_RESOLVER_BIN=PATH uses a prebuilt binary instead of `swift build -c release`.
# All traffic stays on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

# Never let libcurl or requests go through a proxy: everything is loopback.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy ftp_proxy FTP_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# Tools: nginx (the stand-in), wrk (its ceiling), hyperfine (start-up), GNU time (peak RSS).
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v wrk >/dev/null || missing+=(wrk)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
packages=(libcurl4-openssl-dev libsqlite3-dev libpq-dev pkg-config)
# --postgres also runs S1, S2 and S4 on a PostgreSQL ledger: a private server (Scripts/test-postgres.sh).
case " $* " in *" --postgres "*) packages+=(postgresql) ;; esac
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "benchmarks: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
python3 -c 'import requests' 2>/dev/null || python3 -m pip install -q requests

if [ -n "${LOGZIO_RESOLVER_BIN:-}" ]; then
    bin="$LOGZIO_RESOLVER_BIN"
    # S4's load generator: next to the binary, or built (debug) for the run.
    if [ ! -x "$(dirname "$bin")/relay-load" ]; then
        swift build --product relay-load 2>&1 | tail -n 1
        set -- --relay-load "$(swift build --show-bin-path)/relay-load" "$@"
    fi
else
    # The build users install (Scripts/install.sh): the Swift runtime linked in.
    swift build -c release --static-swift-stdlib --product logzio-resolver 2>&1 | tail -n 3
    swift build -c release --static-swift-stdlib --product relay-load 2>&1 | tail -n 1
    bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/logzio-resolver"
fi

exec python3 benchmarks/bench.py --bin "$bin" "$@"
