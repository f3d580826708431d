#!/bin/sh
# Writes the package's configs under DESTDIR/etc/nabz/ from the ones the
# checkout runs with (mosquitto.conf, bridge/nabz-bridge.json,
# telegram/nabz-telegram.json), changing only what differs in the packaged
# layout: programs under /usr, the broker's socket and state in the
# directories its unit gives it, and secrets read from the units' systemd
# credentials (LoadCredential=) instead of files the programs' own users
# could read. Each change must apply, so a renamed line fails the build
# instead of shipping a config that points at /usr/local.
#   sh debian/install-configs.sh DESTDIR
set -eu
dest=$1/etc/nabz
mkdir -p "$dest"

# replace FILE OLD NEW: OLD (a fixed string) must occur in FILE.
replace() {
  grep -qF -- "$2" "$1" || { echo "install-configs: '$2' not in $1" >&2; exit 1; }
  awk -v old="$2" -v new="$3" '{ while ((i = index($0, old)) > 0) $0 = substr($0, 1, i - 1) new substr($0, i + length(old)); print }' "$1" > "$1.new"
  mv "$1.new" "$1"
}

{
  echo "# The nabz package's broker config: nabz-broker.service runs"
  echo "#   mosquitto -c /etc/nabz/mosquitto.conf"
  echo "# as user mosquitto: systemctl restart nabz-broker after an edit (a reload,"
  echo "# SIGHUP, re-reads the password file, not the plugin_opt_* lines). The"
  echo "# unit's LimitNOFILE must cover the connection limits below (see"
  echo "# \"Connection limits\"): raise it with systemctl edit nabz-broker too."
  echo "# Comments below that name scripts/ speak of running from a checkout."
  echo
  cat mosquitto.conf
} > "$dest/mosquitto.conf"
replace "$dest/mosquitto.conf" "plugin /usr/local/lib/nabz/nabz_plugin.so" "plugin /usr/lib/nabz/nabz_plugin.so"
replace "$dest/mosquitto.conf" "listener 0 /run/nabz/mqtt.sock" "listener 0 /run/nabz/broker/mqtt.sock"
replace "$dest/mosquitto.conf" "plugin_opt_ws_broker_socket /run/nabz/mqtt.sock" "plugin_opt_ws_broker_socket /run/nabz/broker/mqtt.sock"
replace "$dest/mosquitto.conf" "plugin_opt_state_file /var/lib/nabz/state.json" "plugin_opt_state_file /var/lib/nabz/broker/state.json"
replace "$dest/mosquitto.conf" "plugin_opt_web_root /usr/local/share/nabz/static" "plugin_opt_web_root /usr/share/nabz/static"

cp bridge/nabz-bridge.json "$dest/bridge.json"
replace "$dest/bridge.json" '"password_file": "/etc/nabz/bridge.pass"' '"password_file": "$CREDENTIALS_DIRECTORY/mqtt-password"'
replace "$dest/bridge.json" '"demo_dir": "/usr/local/share/nabz/demo"' '"demo_dir": "/usr/share/nabz/demo"'

cp telegram/nabz-telegram.json "$dest/telegram.json"
replace "$dest/telegram.json" '"password_file": "/etc/nabz/telegram.pass"' '"password_file": "$CREDENTIALS_DIRECTORY/mqtt-password"'
replace "$dest/telegram.json" '"token_file": "/etc/nabz/telegram.token"' '"token_file": "$CREDENTIALS_DIRECTORY/telegram-token"'
replace "$dest/telegram.json" '"token_env": "NABZ_TELEGRAM_TOKEN"' '"token_env": ""'

chmod 0644 "$dest"/mosquitto.conf "$dest"/bridge.json "$dest"/telegram.json
