#!/usr/bin/env bash
# Installs the Debian packages nabz needs, only those missing.
#   scripts/deps.sh run       what running nabz needs
#   scripts/deps.sh run npm   that, plus Node and the npm packages the build
#                             copies under static/vendor/ (scripts/vendor.sh)
#   scripts/deps.sh test      all of it, plus what the tests need (Chromium
#                             for the browser tests: Debian's, never a download)
#   scripts/deps.sh fuzz      the build's, plus clang for libFuzzer (scripts/fuzz.sh)
#   scripts/deps.sh package   the build's, plus Debian's packaging tools
#                             (scripts/package.sh builds nabz_*.deb)
set -euo pipefail

# python3 writes the cluster configs (scripts/cluster_conf.py); haproxy is
# the load balancer of scripts/run.sh --edges K (MQTT/TCP on 1883 to the
# edges).
want=(cmake make gcc pkg-config mosquitto mosquitto-dev libmosquitto-dev
      libcjson-dev uthash-dev libwebsockets-dev libuv1-dev libcurl4-openssl-dev libxml2-dev curl
      python3 haproxy)
# nginx-light: the cluster tests run cluster/nginx.conf in front of the edges.
# prometheus: promtool checks and unit-tests deploy/prometheus/, and the
# tests start its server on a free port of their own against a broker. (On
# a host run by systemd the package also enables its own service on :9090;
# `systemctl disable --now prometheus` if that is unwanted. Without
# systemd, or in a container whose policy-rc.d forbids it, nothing starts.)
# gdb: a broker that does not stop on SIGTERM is reported with its threads'
# stacks (tests/integration/nabz_broker.py).
if [ "${1:-run}" = test ]; then
  want+=(libcmocka-dev python3-paho-mqtt python3-pytest mosquitto-clients openssl chromium nginx-light
         prometheus gdb)
fi
# The Debian package (scripts/package.sh) and its tests (tests/package/):
# debhelper and lintian; systemd-analyze (package systemd) checks the units
# even where PID 1 is not systemd; adduser for the package's postinst;
# procps (pgrep) and iproute2 (ip) for the throwaway machine copy.
if [ "${1:-run}" = package ] || [ "${1:-run}" = test ]; then
  want+=(debhelper dpkg-dev lintian systemd adduser iproute2 procps)
fi
if [ "${1:-run}" = fuzz ]; then
  want+=(clang)
fi
if [ "${1:-run}" = test ] || [ "${1:-run}" = package ] || [ "${2:-}" = npm ]; then
  command -v npm >/dev/null || want+=(nodejs npm)
fi

missing=()
for pkg in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "nabz: missing packages: ${missing[*]}; run as root or install them" >&2
    exit 1
  fi
  echo "nabz: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages (MQTT.js, uPlot and Vazirmatn for the browser, vendored by
# the build; playwright-core for the browser tests, which drive Debian's
# Chromium and never download a browser), pinned by package-lock.json;
# installed again only when the lock changes.
if [ "${1:-run}" = test ] || [ "${1:-run}" = package ] || [ "${2:-}" = npm ]; then
  cd "$(dirname "$0")/.."
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.nabz-lock; then
    echo "nabz: installing npm packages"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
    cp package-lock.json node_modules/.nabz-lock
  fi
fi
