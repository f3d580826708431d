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
set -euo pipefail
cd "$(dirname "$0")/.."

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
chown root:mosquitto /etc/nabz/passwd
chmod 0640 /etc/nabz/passwd
[ -f /etc/nabz/bridge.json ] || install -m 0644 bridge/nabz-bridge.json /etc/nabz/bridge.json
[ -f /etc/nabz/telegram.json ] || install -m 0644 bridge/nabz-telegram.json /etc/nabz/telegram.json

demo=()
if ! curl -fsS -m 5 -o /dev/null https://api.coingecko.com/api/v3/ping 2>/dev/null; then
  echo "nabz: the public APIs cannot be reached: the bridge replays DEMO data (source \"demo\")"
  demo=(--demo)
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
echo "nabz: running — dashboard http://localhost:8000/, MQTT 127.0.0.1:1883 (Ctrl-C stops)"
wait -n $broker $bridge $telegram
