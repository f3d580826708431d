#!/usr/bin/env bash
# Builds the Debian package with Debian's own tooling (dpkg-buildpackage,
# debhelper; debian/), after installing what that needs:
#   bash scripts/package.sh [OUTDIR]     (default: build-deb)
# leaves OUTDIR/nabz_<version>_<arch>.deb (and its .buildinfo, .changes).
# The package is built from a copy of this tree in OUTDIR/src with
# static/vendor/ filled from npm first (MQTT.js, uPlot, Vazirmatn, pinned
# by package-lock.json): the package serves them, and nothing is fetched
# from a CDN or at install time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-build-deb}
case "$out" in /*) ;; *) out=$root/$out ;; esac

scripts/deps.sh package
bash scripts/vendor.sh "$root"

rm -rf "$out/src"
mkdir -p "$out/src"
# The tree as it is (uncommitted edits included), without builds, npm's
# packages or git's data.
tar -C "$root" -c --exclude-vcs --exclude='./build*' --exclude=./node_modules \
  --exclude=__pycache__ --exclude=.pytest_cache --exclude=./.cache . | tar -C "$out/src" -x
rm -f "$out"/nabz_*.deb "$out"/nabz_*.changes "$out"/nabz_*.buildinfo "$out"/nabz-dbgsym_*.deb
(cd "$out/src" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
  dpkg-buildpackage -b -us -uc)
ls "$out"/nabz_*.deb
