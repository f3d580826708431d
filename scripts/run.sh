#!/usr/bin/env bash
# Runs nabz: the stock mosquitto with nabz_plugin.so, as mosquitto.conf says
# (MQTT on 1883; the WebSocket listener and the bridge join in later
# releases). Installs what is missing, builds, installs the plugin under
# /usr/local/lib/nabz, and runs the broker in the foreground.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh run
scripts/build.sh build-run -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNABZ_TESTS=OFF
cmake --install build-run >/dev/null

# Debian's package starts its own broker on 1883 where it can.
if command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
  systemctl stop mosquitto
elif pgrep -x mosquitto >/dev/null && [ -x /etc/init.d/mosquitto ]; then
  /etc/init.d/mosquitto stop || true
fi

# The broker drops to user mosquitto before loading the plugin: its state
# directory and the proxy socket directory must be that user's.
install -d -o mosquitto -g mosquitto -m 0750 /var/lib/nabz
install -d -o mosquitto -g mosquitto -m 0700 /run/nabz

exec mosquitto -c "$PWD/mosquitto.conf"
