#!/usr/bin/env bash
# Installs, upgrades, removes and purges the Debian package on this machine and checks what is left
# after each step. Run as root on Debian, after Scripts/package-deb.sh; it needs no running systemd.
#
#   Scripts/test-deb.sh                       the package of the current release binary's version
#   Scripts/test-deb.sh .build/deb/X.deb      that package
#
# Steps: build a package of a lower version (<v>~prev) from the same binary and install it; upgrade to
# the package under test; record an alert and run `check` as the service user against the example
# config; `systemd-analyze verify` the installed units; remove (config and ledger stay); install
# again and purge (both go; the system user stays, as Debian keeps system accounts). It purges the
# package at the end, also when a step fails. It refuses to run over an installed logzio-resolver.
set -euo pipefail
cd "$(dirname "$0")/.."

package=logzio-resolver
if [ "$(id -u)" != 0 ]; then
    echo "test-deb.sh: run as root (it installs and purges the package)" >&2
    exit 1
fi
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "installed"; then
    echo "test-deb.sh: $package is installed here already; purge it first (dpkg --purge $package)" >&2
    exit 1
fi

bin_dir="$(swift build -c release --static-swift-stdlib --show-bin-path)"
version="$("$bin_dir/$package" --version)"
deb="${1:-.build/deb/${package}_${version}_$(dpkg --print-architecture).deb}"
if [ ! -f "$deb" ]; then
    echo "test-deb.sh: no package at $deb; run Scripts/package-deb.sh first" >&2
    exit 1
fi
version="$(dpkg-deb -f "$deb" Version)"

export DEBIAN_FRONTEND=noninteractive
log="$(mktemp -d /tmp/lr-test-deb.XXXXXX)"
user_before=0
if getent passwd logzio-resolver >/dev/null; then user_before=1; fi
# The package keeps its system user on purge; this test removes it again when it made it.
cleanup() {
    dpkg --purge "$package" >"$log/final-purge.log" 2>&1 || cat "$log/final-purge.log" >&2
    if [ "$user_before" = 0 ] && getent passwd logzio-resolver >/dev/null; then
        userdel logzio-resolver
        if getent group logzio-resolver >/dev/null; then groupdel logzio-resolver; fi
    fi
    rm -rf "$log"
}
trap cleanup EXIT

step() { echo "test-deb: $*"; }
fail() {
    echo "test-deb.sh: FAILED: $*" >&2
    exit 1
}
dpkg_quiet() { dpkg "$@" </dev/null >"$log/dpkg.log" 2>&1 || { cat "$log/dpkg.log" >&2; fail "dpkg $*"; }; }
status_of() { dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$package" 2>/dev/null || true; }

units=(logzio-resolver-sweep.service logzio-resolver-sweep.timer logzio-resolver-relay.service)
installed_files=(
    /usr/bin/logzio-resolver /etc/logzio-resolver/config.yaml
    /usr/share/doc/logzio-resolver/README.md /usr/share/doc/logzio-resolver/cron.example
    /usr/share/doc/logzio-resolver/copyright /usr/share/doc/logzio-resolver/changelog.gz
    /usr/share/man/man1/logzio-resolver.1.gz /usr/share/bash-completion/completions/logzio-resolver
    /usr/share/zsh/vendor-completions/_logzio-resolver
)
check_installed() {
    local expected="$1" file unit
    [ "$(status_of)" = "ii $expected" ] || fail "dpkg says '$(status_of)', expected 'ii $expected'"
    for file in "${installed_files[@]}"; do [ -f "$file" ] || fail "$file is missing"; done
    for unit in "${units[@]}"; do
        [ -f "/usr/lib/systemd/system/$unit" ] || fail "$unit is missing"
        # Installed, never enabled: no link to the unit anywhere under /etc/systemd/system.
        if find /etc/systemd/system -name "$unit" | grep -q .; then fail "$unit is enabled"; fi
    done
    getent passwd logzio-resolver >/dev/null || fail "the system user logzio-resolver is missing"
    [ "$(stat -c %U:%G /var/lib/logzio-resolver)" = logzio-resolver:logzio-resolver ] ||
        fail "/var/lib/logzio-resolver is not owned by logzio-resolver"
    [ "$(logzio-resolver --version)" = "$(dpkg-deb -f "$deb" Version | sed 's/~.*//')" ] ||
        fail "logzio-resolver --version says $(logzio-resolver --version)"
}

# 1. A lower version of the same binary, installed first.
prev="${version}~prev"
step "building $package $prev from the same binary"
prev_deb="$(Scripts/package-deb.sh --no-build --no-lintian --fast --version "$prev" | tail -n 1)"
step "installing $prev"
dpkg_quiet -i "$prev_deb"
check_installed "$prev"
uid="$(id -u logzio-resolver)"

# 2. The upgrade, and the service user at work: it writes the ledger and checks the example config.
step "upgrading to $version"
dpkg_quiet -i "$deb"
check_installed "$version"
[ "$(id -u logzio-resolver)" = "$uid" ] || fail "the upgrade made a new user"
as_service() {
    runuser -u logzio-resolver -- env -i PATH=/usr/bin:/bin LOGZIO_RESOLVER_CONFIG=/etc/logzio-resolver/config.yaml \
        BIGPANDA_TOKEN=test-deb-token "$@"
}
step "recording an alert and running check as logzio-resolver"
printf '%s' '{"app_key":"test-deb","status":"critical","host":"web-1","check":"cpu"}' |
    as_service logzio-resolver record || fail "record as logzio-resolver"
[ -f /var/lib/logzio-resolver/ledger.sqlite ] || fail "record made no ledger in /var/lib/logzio-resolver"
as_service logzio-resolver check >"$log/check.out" 2>&1 || { cat "$log/check.out" >&2; fail "check exited $?"; }
grep -q "config: ok" "$log/check.out" || { cat "$log/check.out" >&2; fail "check did not say config: ok"; }
grep -q "host=web-1" "$log/check.out" || { cat "$log/check.out" >&2; fail "check did not show the open alert"; }
# Without a token source, check refuses (78): the example config holds no secret.
if as_service env -u BIGPANDA_TOKEN logzio-resolver check >/dev/null 2>&1; then
    fail "check passed without a token"
fi

step "systemd-analyze verify ${units[*]}"
(cd /usr/lib/systemd/system && systemd-analyze verify "${units[@]}") >"$log/verify.out" 2>&1 ||
    { cat "$log/verify.out" >&2; fail "systemd-analyze verify"; }
if [ -s "$log/verify.out" ]; then
    cat "$log/verify.out" >&2
    fail "systemd-analyze verify printed warnings"
fi

# 3. Remove: the configuration and the ledger stay.
step "removing"
dpkg_quiet --remove "$package"
[ "$(status_of)" = "rc $version" ] || fail "after remove dpkg says '$(status_of)'"
[ ! -e /usr/bin/logzio-resolver ] || fail "/usr/bin/logzio-resolver is still there"
for unit in "${units[@]}"; do [ ! -e "/usr/lib/systemd/system/$unit" ] || fail "$unit is still there"; done
[ -f /etc/logzio-resolver/config.yaml ] || fail "remove deleted the config"
[ -f /var/lib/logzio-resolver/ledger.sqlite ] || fail "remove deleted the ledger"

# 4. Install again over the kept files, then purge: both go, the user stays.
step "installing again over the kept config and ledger"
dpkg_quiet -i "$deb"
check_installed "$version"
as_service logzio-resolver check >"$log/check.out" 2>&1 || { cat "$log/check.out" >&2; fail "check after reinstall"; }
grep -q "host=web-1" "$log/check.out" || fail "the reinstalled package does not see the kept ledger"
touch /etc/logzio-resolver/bigpanda.token
step "purging"
dpkg_quiet --purge "$package"
[ -z "$(status_of)" ] || [ "$(status_of)" = "un " ] || fail "after purge dpkg says '$(status_of)'"
[ ! -e /etc/logzio-resolver ] || fail "purge left /etc/logzio-resolver: $(ls -A /etc/logzio-resolver)"
[ ! -e /var/lib/logzio-resolver ] || fail "purge left /var/lib/logzio-resolver"
getent passwd logzio-resolver >/dev/null || fail "purge removed the system user (Debian keeps it)"
step "passed: install $prev, upgrade to $version, check as the service user, verify units, remove, purge"
