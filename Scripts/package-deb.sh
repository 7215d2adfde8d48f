#!/usr/bin/env bash
# Builds the Debian package .build/deb/logzio-resolver_<version>_<arch>.deb from the release build
# with the Swift runtime linked in, with dpkg-deb, dpkg-shlibdeps and lintian (no debhelper).
#
#   Scripts/package-deb.sh              build the binary, package it, check the package with lintian
#   Scripts/package-deb.sh --no-build   package the binary the last release build made
#   Scripts/package-deb.sh --no-build --version 0.1.0~prev --no-lintian --fast
#                                       the same binary under another version (Scripts/test-deb.sh
#                                       installs such a package and upgrades over it); --fast
#                                       compresses with gzip, not xz (14 s instead of a minute)
#
# <version> is what `logzio-resolver --version` prints, and contrib/debian/changelog's latest entry
# must name it (add an entry when the version changes); a --version of another value gets a
# changelog entry of its own, made here. The package's sources are in contrib/debian/ (maintainer
# scripts, the example config, copyright, changelog), contrib/systemd/ (the units, whose paths are
# rewritten from the manual install's /usr/local to the package's /usr), README.md and cron.example.
# The man page and the bash and zsh completions are generated from the commands' own help:
# argument-parser's generate-manual tool (the engine of its generate-manual plugin, built from the
# resolved swift-argument-parser) reads `logzio-resolver --experimental-dump-help`, and the binary
# writes its completion scripts itself. `Depends:` comes from dpkg-shlibdeps on the binary.
#
# Needs dpkg-dev, binutils and lintian (.ci/run installs them). The last line printed is the path
# of the package.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
lint=1
compression=xz
version=""
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --no-lintian) lint=0 ;;
        --fast) compression=gzip ;;
        --version) version="${2:?--version needs a value}"; shift ;;
        *) echo "usage: $0 [--no-build] [--no-lintian] [--fast] [--version VERSION]" >&2; exit 64 ;;
    esac
    shift
done

package=logzio-resolver
arch="$(dpkg --print-architecture)"
changelog=contrib/debian/changelog
maintainer="$(sed -n 's/^ -- \(.*>\)  .*$/\1/p' "$changelog" | head -n 1)"
changelog_version="$(dpkg-parsechangelog -l "$changelog" -S Version)"
# Every date in the package (file times, the man page's) is the latest changelog entry's, so two
# builds of the same sources give the same files.
SOURCE_DATE_EPOCH="$(dpkg-parsechangelog -l "$changelog" -S Timestamp)"
export SOURCE_DATE_EPOCH

build_flags=(-c release --static-swift-stdlib)
if [ "$build" = 1 ]; then
    swift build "${build_flags[@]}" --product logzio-resolver
fi
bin_dir="$(swift build "${build_flags[@]}" --show-bin-path)"
binary="$bin_dir/logzio-resolver"
if [ ! -x "$binary" ]; then
    echo "package-deb.sh: no release binary at $binary; run without --no-build" >&2
    exit 1
fi
binary_version="$("$binary" --version)"
if [ -z "$version" ]; then
    version="$binary_version"
    if [ "$changelog_version" != "$version" ]; then
        echo "package-deb.sh: $changelog names $changelog_version, the binary says $version;" \
            "add a changelog entry for $version" >&2
        exit 1
    fi
fi

out="$PWD/.build/deb"
work="$out/work-$version"
root="$work/debian/$package"
rm -rf "$work"
mkdir -p "$root/DEBIAN"
install -d -m 0755 "$root/usr/bin" "$root/usr/lib/systemd/system" "$root/etc/logzio-resolver" \
    "$root/usr/share/doc/$package" "$root/usr/share/man/man1" "$root/usr/share/bash-completion/completions" \
    "$root/usr/share/zsh/vendor-completions"

# The binary, without its symbol tables (Swift's runtime metadata is in sections strip keeps).
install -m 0755 "$binary" "$root/usr/bin/$package"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/$package"

# The units, from the manual install's paths to the package's; the package's units run as the static
# system user the postinst creates, so DynamicUser goes (it would move the state directory under
# /var/lib/private, away from the one the package owns).
for unit in contrib/systemd/*.service contrib/systemd/*.timer; do
    sed -e "s|/usr/local/bin/$package|/usr/bin/$package|g" \
        -e "s|^Documentation=file:///usr/local/share/doc/$package/README.md\$|Documentation=man:$package(1) file:///usr/share/doc/$package/README.md|" \
        -e '/^DynamicUser=yes$/d' \
        -e "s|^# Install: .*then \(\`systemctl enable --now [^\`]*\`\)\.\$|# Installed by the $package package, not enabled; enable it with \1.|" \
        "$unit" >"$root/usr/lib/systemd/system/$(basename "$unit")"
done
if grep -l -e /usr/local -e DynamicUser -e '^# Install:' "$root"/usr/lib/systemd/system/*; then
    echo "package-deb.sh: the units above still name the manual install's paths; fix the sed above" >&2
    exit 1
fi

install -m 0644 contrib/debian/config.yaml "$root/etc/logzio-resolver/config.yaml"
install -D -m 0644 contrib/debian/lintian-overrides "$root/usr/share/lintian/overrides/$package"

doc="$root/usr/share/doc/$package"
install -m 0644 README.md cron.example contrib/debian/copyright "$doc/"
# A version without a Debian revision makes a native package, whose changelog is changelog.gz.
{
    if [ "$version" != "$changelog_version" ]; then
        printf '%s (%s) unstable; urgency=medium\n\n  * Built by Scripts/package-deb.sh --version %s from the %s binary.\n\n -- %s  %s\n\n' \
            "$package" "$version" "$version" "$binary_version" "$maintainer" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")"
    fi
    cat "$changelog"
} | gzip -9n >"$doc/changelog.gz"

# Bash and zsh completions, written by the binary from its own commands. A completion is sourced,
# not run, so the bash one loses its #! line.
"$binary" --generate-completion-script bash | sed '1{/^#!/d}' >"$root/usr/share/bash-completion/completions/$package"
"$binary" --generate-completion-script zsh >"$root/usr/share/zsh/vendor-completions/_$package"
chmod 0644 "$root/usr/share/bash-completion/completions/$package" "$root/usr/share/zsh/vendor-completions/_$package"

# The man page, from the commands' help through argument-parser's generate-manual.
# It is built with the same flags as the binary: a build with others would rebuild the modules they
# share and relink the binary on the next run.
swift build "${build_flags[@]}" --product generate-manual >"$work/generate-manual.log" 2>&1 || {
    cat "$work/generate-manual.log" >&2
    exit 1
}
mkdir -p "$work/man"
"$bin_dir/generate-manual" "$binary" \
    --date "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)" --section 1 --output-directory "$work/man"
gzip -9n <"$work/man/$package.1" >"$root/usr/share/man/man1/$package.1.gz"
chmod 0644 "$root/usr/share/man/man1/$package.1.gz"

# Maintainer scripts and the conffile list.
install -m 0755 contrib/debian/postinst contrib/debian/prerm contrib/debian/postrm "$root/DEBIAN/"
echo /etc/logzio-resolver/config.yaml >"$root/DEBIAN/conffiles"

# Depends: from the libraries the binary links, through dpkg-shlibdeps and a debian/ skeleton.
cat >"$work/debian/control" <<EOF
Source: $package

Package: $package
Architecture: any
EOF
depends="$(cd "$work" && dpkg-shlibdeps -O "-e./debian/$package/usr/bin/$package" 2>"$work/shlibdeps.err" |
    sed -n 's/^shlibs:Depends=//p')" || {
    cat "$work/shlibdeps.err" >&2
    exit 1
}
if [ -s "$work/shlibdeps.err" ]; then
    cat "$work/shlibdeps.err" >&2
    echo "package-deb.sh: dpkg-shlibdeps warned (above)" >&2
    exit 1
fi
rm "$work/debian/control"

find "$root" -type d -exec chmod 0755 {} +
(cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/conffiles"
installed_size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"

cat >"$root/DEBIAN/control" <<EOF
Package: $package
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends
Section: admin
Priority: optional
Description: close BigPanda incidents that Logz.io alerts left open
 Logz.io log alerts never send a recovery, so each one forwarded to BigPanda
 stays open until someone resolves it by hand. logzio-resolver keeps a ledger
 of the alerts forwarded to BigPanda and, from a systemd timer or cron, sends
 BigPanda an ok for every alert Logz.io has stopped re-notifying.
 .
 This package has the logzio-resolver command, systemd units for the sweep
 (with a timer every 5 minutes) and the relay Logz.io posts to, installed but
 not enabled, an example /etc/logzio-resolver/config.yaml, and the
 logzio-resolver system user, which owns the ledger in
 /var/lib/logzio-resolver.
EOF
chmod 0644 "$root/DEBIAN/control"

deb="$out/${package}_${version}_${arch}.deb"
rm -f "$deb"
dpkg-deb --build --root-owner-group "-Z$compression" "$root" "$deb" >/dev/null

if [ "$lint" = 1 ]; then
    lintian --fail-on error,warning --info "$deb"
fi
echo "$deb"
