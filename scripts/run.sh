#!/usr/bin/env bash
# Runs nabz: the stock mosquitto with nabz_plugin.so (MQTT on 1883; the
# dashboard, /health, /api/stats, /metrics and MQTT over WebSocket on
# 8000) and nabz-bridge feeding it; and nabz-telegram when a bot token is
# configured ($NABZ_TELEGRAM_TOKEN, or the file /etc/nabz/telegram.token).
# Installs what is missing, builds, installs under /usr/local (with the
# browser packages the build copies under static/vendor/ from npm),
# creates the bridge's account on first run,
# and runs both in the foreground; Ctrl-C stops both.
#
# With internet the bridge asks the live APIs; without, it replays the
# recorded demo data, and every payload says "source": "demo".
#
#   bash scripts/run.sh --edges K   a cluster on this host instead: one core
#     broker (MQTT on 127.0.0.1:1884, /health and /metrics on 127.0.0.1:8001;
#     the bridge and the bot connect there) and K edge brokers e1..eK (MQTT
#     on 127.0.0.1:1885.., all sharing :8000 for browsers), each edge joined
#     to the core with mosquitto's own bridge, and haproxy on 1883 for MQTT
#     clients, spreading them over the edges. Configs are written under
#     /etc/nabz/cluster/ by scripts/cluster_conf.py from mosquitto.conf.
set -euo pipefail
cd "$(dirname "$0")/.."

edges=0
while [ $# -gt 0 ]; do
  case "$1" in
    --edges) edges="${2:-}"; shift 2 || shift ;;
    --edges=*) edges="${1#--edges=}"; shift ;;
    *) echo "usage: bash scripts/run.sh [--edges K]" >&2; exit 2 ;;
  esac
done
case "$edges" in
  ''|*[!0-9]*) echo "nabz: --edges wants a number of edge brokers (1 or more)" >&2; exit 2 ;;
esac
if [ "$edges" -gt 64 ]; then
  echo "nabz: --edges $edges: at most 64 edges on one host" >&2; exit 2
fi

scripts/deps.sh run npm
scripts/build.sh build-run -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNABZ_TESTS=OFF
cmake --install build-run >/dev/null

# Debian's package starts its own broker on 1883 where it can.
if command -v systemctl >/dev/null && systemctl is-active --quiet mosquitto 2>/dev/null; then
  systemctl stop mosquitto
elif pgrep -x mosquitto >/dev/null && [ -x /etc/init.d/mosquitto ]; then
  /etc/init.d/mosquitto stop || true
fi

# The broker drops to user mosquitto before loading the plugin and reading
# the password file: its state, socket directory and password file must be
# that user's to read.
install -d -o mosquitto -g mosquitto -m 0750 /var/lib/nabz
install -d -o mosquitto -g mosquitto -m 0700 /run/nabz
install -d -m 0750 /var/lib/nabz/bridge /var/lib/nabz/telegram
install -d -m 0755 /etc/nabz
# Broker accounts: the bridge (plugin_opt_publishers/services) and the
# Telegram bot (plugin_opt_bots), each with a generated password.
for account in bridge telegram; do
  if [ ! -s /etc/nabz/$account.pass ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 > /etc/nabz/$account.pass)
  fi
  if [ ! -f /etc/nabz/passwd ] || ! grep -q "^nabz-$account:" /etc/nabz/passwd; then
    touch /etc/nabz/passwd
    mosquitto_passwd -b /etc/nabz/passwd nabz-$account "$(cat /etc/nabz/$account.pass)"
  fi
done
# A cluster's edges log in at the core as nabz-edge (a service there).
if [ "$edges" -gt 0 ]; then
  if [ ! -s /etc/nabz/edge.pass ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32 > /etc/nabz/edge.pass)
  fi
  if ! grep -q "^nabz-edge:" /etc/nabz/passwd; then
    mosquitto_passwd -b /etc/nabz/passwd nabz-edge "$(cat /etc/nabz/edge.pass)"
  fi
fi
chown root:mosquitto /etc/nabz/passwd
chmod 0640 /etc/nabz/passwd
[ -f /etc/nabz/bridge.json ] || install -m 0644 bridge/nabz-bridge.json /etc/nabz/bridge.json
[ -f /etc/nabz/telegram.json ] || install -m 0644 telegram/nabz-telegram.json /etc/nabz/telegram.json

demo=()
if ! curl -fsS -m 5 -o /dev/null https://api.coingecko.com/api/v3/ping 2>/dev/null; then
  echo "nabz: the public APIs cannot be reached: the bridge replays DEMO data (source \"demo\")"
  demo=(--demo)
fi

# Open files: the broker process has one descriptor table for everything:
# 3 per WebSocket client, 1 per TCP client. Give it what mosquitto.conf's
# limits need, the same sum the plugin checks at start (plugin/fd_budget.h):
# 3 x plugin_opt_ws_max_connections + plugin_opt_tcp_max_connections + 1024
# (listening sockets, files, connections not yet counted), instead of the
# shell's limit (often 1024). The broker keeps it after dropping to user
# mosquitto. Raising the hard limit needs root (CAP_SYS_RESOURCE).
conf_value() { awk -v k="$1" -v d="$2" '$1 == k { v = $2 } END { print (v == "" ? d : v) }' mosquitto.conf; }
ws_max=$(conf_value plugin_opt_ws_max_connections 20000)
tcp_max=$(conf_value plugin_opt_tcp_max_connections 20000)
[ "$(conf_value plugin_opt_ws_listeners 0.0.0.0:8000)$(conf_value plugin_opt_ws_tls_listeners '')" = "" ] && ws_max=0
nofile=$((3 * ws_max + tcp_max + 1024))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$nofile" ]; then
  ulimit -Hn "$nofile" 2>/dev/null || true
fi
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$nofile" ]; then
  ulimit -Sn "$nofile" 2>/dev/null || ulimit -Sn "$(ulimit -Hn)"
fi
if [ "$(ulimit -Sn)" = unlimited ] || [ "$(ulimit -Sn)" -ge "$nofile" ]; then
  echo "nabz: broker open-files limit $(ulimit -Sn) (the limits in mosquitto.conf need $nofile)"
else
  echo "nabz: WARNING: cannot raise the open-files limit to $nofile (now $(ulimit -Sn)); run as root, or lower plugin_opt_ws_max_connections / plugin_opt_tcp_max_connections" >&2
fi

if [ "$edges" -gt 0 ]; then
  exec bash scripts/run_cluster.sh "$edges" "${demo[@]}"
fi

mosquitto -c "$PWD/mosquitto.conf" &
broker=$!
trap 'kill $broker ${bridge:-} ${telegram:-} 2>/dev/null; wait' INT TERM EXIT
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null && break
  kill -0 $broker 2>/dev/null || { echo "nabz: the broker did not start" >&2; exit 1; }
  sleep 0.1
done
/usr/local/bin/nabz-bridge -c /etc/nabz/bridge.json "${demo[@]}" &
bridge=$!
# The Telegram bot, when a token is configured: NABZ_TELEGRAM_TOKEN=... bash
# scripts/run.sh, or the token in /etc/nabz/telegram.token (mode 0600).
telegram=
if [ -n "${NABZ_TELEGRAM_TOKEN:-}" ] || [ -s /etc/nabz/telegram.token ]; then
  /usr/local/bin/nabz-telegram -c /etc/nabz/telegram.json &
  telegram=$!
  echo "nabz: nabz-telegram started (alerts to the chats that sent /start)"
else
  echo "nabz: no Telegram bot token (NABZ_TELEGRAM_TOKEN or /etc/nabz/telegram.token): nabz-telegram not started"
fi
echo "nabz: running — dashboard http://localhost:8000/, MQTT on port 1883; both ports on every interface, anonymous clients may read (see README, \"Who can reach it\") (Ctrl-C stops)"
wait -n $broker $bridge $telegram
