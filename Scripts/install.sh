#!/usr/bin/env bash
# Builds a release binary with the Swift runtime linked in and installs it.
#   Scripts/install.sh                 # to /usr/local/bin
#   PREFIX=/opt/lr Scripts/install.sh  # elsewhere
# Also installs the README and the systemd units under $PREFIX/share (it does not enable them).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX="${PREFIX:-/usr/local}"

missing=()
for package in libcurl4-openssl-dev libsqlite3-dev libpq-dev pkg-config; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing build dependencies: ${missing[*]}"
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi

swift build -c release --static-swift-stdlib --product logzio-resolver
bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/logzio-resolver"
install -d "$PREFIX/bin" "$PREFIX/share/doc/logzio-resolver" "$PREFIX/share/logzio-resolver/systemd"
install -m 0755 "$bin" "$PREFIX/bin/logzio-resolver"
install -m 0644 README.md cron.example "$PREFIX/share/doc/logzio-resolver/"
install -m 0644 contrib/systemd/* "$PREFIX/share/logzio-resolver/systemd/"
echo "installed $PREFIX/bin/logzio-resolver ($("$PREFIX/bin/logzio-resolver" --version))"
echo "runtime needs: libcurl4 libsqlite3-0 libpq5 (apt-get install -y libcurl4 libsqlite3-0 libpq5)"
