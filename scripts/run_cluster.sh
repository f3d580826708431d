#!/usr/bin/env bash
# bash scripts/run.sh --edges K runs this once everything is installed, the
# accounts exist (nabz-bridge, nabz-telegram, nabz-edge) and the open-files
# limit is raised (each edge keeps it, as the single broker does):
#   run_cluster.sh K [--demo]
# One host, a cluster: the core broker (MQTT on 127.0.0.1:1884; /health and
# /metrics on 127.0.0.1:8001), K edge brokers e1..eK (MQTT on 127.0.0.1:1885,
# 1886, ...; HTTP and MQTT over WebSocket all on :8000, shared with
# plugin_opt_ws_reuseport_shared), each joined to the core with mosquitto's
# own bridge; haproxy on :1883 spreading MQTT clients over the edges (TCP,
# health checks); the bridge and the bot connected to the core. Ctrl-C (or
# any of them exiting) stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."

edges=$1
shift
demo=("$@")
# Everything below as run.sh uses it; the environment can move it (the
# test tests/integration/test_run_cluster.py runs this on its own ports,
# directories and builds).
ETC=${NABZ_ETC:-/etc/nabz}
RUN=${NABZ_RUN_DIR:-/run/nabz}
LIB=${NABZ_LIB_DIR:-/var/lib/nabz}
CORE_PORT=${NABZ_CORE_PORT:-1884}
CORE_WS=${NABZ_CORE_WS:-127.0.0.1:8001}
WS_PORT=${NABZ_WS_PORT:-8000}
MQTT_PORT=${NABZ_MQTT_PORT:-1883}
BRIDGE=${NABZ_BRIDGE_BIN:-/usr/local/bin/nabz-bridge}
TELEGRAM=${NABZ_TELEGRAM_BIN:-/usr/local/bin/nabz-telegram}
read -r -a edge_ports <<< "${NABZ_EDGE_PORTS:-$(seq -s ' ' 1885 $((1884 + edges)))}"
read -r -a set_all <<< "${NABZ_CONF_SET:-}"   # KEY=VALUE for every broker's config
sets=()
for kv in "${set_all[@]}"; do sets+=(--set "$kv"); done
conf=$ETC/cluster

install -d -o root -g mosquitto -m 0750 "$conf"
install -d -o mosquitto -g mosquitto -m 0750 "$LIB/core"
install -d -o mosquitto -g mosquitto -m 0700 "$RUN/core"
# The configs, from the shipped mosquitto.conf (scripts/cluster_conf.py):
# an edge's holds the nabz-edge password, readable by the broker's user.
python3 scripts/cluster_conf.py core --base mosquitto.conf --out "$conf/core.conf" \
  --mqtt 127.0.0.1:$CORE_PORT --socket "$RUN/core/mqtt.sock" \
  --state-file "$LIB/core/state.json" --persistence-dir "$LIB/core/" \
  --ws "$CORE_WS" --peers nabz-edge "${sets[@]}"
servers=()
for i in $(seq 1 "$edges"); do
  id=e$i
  port=${edge_ports[$((i - 1))]}
  install -d -o mosquitto -g mosquitto -m 0750 "$LIB/$id"
  install -d -o mosquitto -g mosquitto -m 0700 "$RUN/$id"
  python3 scripts/cluster_conf.py edge --base mosquitto.conf --out "$conf/$id.conf" \
    --id $id --core 127.0.0.1:$CORE_PORT --core-password-file "$ETC/edge.pass" \
    --mqtt 127.0.0.1:$port --socket "$RUN/$id/mqtt.sock" \
    --state-file "$LIB/$id/state.json" --ws 0.0.0.0:$WS_PORT "${sets[@]}"
  servers+=(--mqtt-server 127.0.0.1:$port)
done
# haproxy needs 2 descriptors per connection and will not start when it
# cannot raise its open-files limit to what maxconn needs: maxconn from the
# hard limit (a container's may be far below a Debian host's 1,048,576).
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=1048576
lb_maxconn=${NABZ_HAPROXY_MAXCONN:-$(( (hard - 64) / 2 < 100000 ? (hard - 64) / 2 : 100000 ))}
[ "$lb_maxconn" -lt 100000 ] && echo "nabz: haproxy: at most $lb_maxconn MQTT/TCP connections (open-files hard limit $hard)"
python3 scripts/cluster_conf.py haproxy --template cluster/haproxy.cfg --out "$conf/haproxy.cfg" \
  --mqtt-bind :$MQTT_PORT "${servers[@]}" --mqtt-only --maxconn "$lb_maxconn"
chown root:mosquitto "$conf"/*.conf
chmod 0640 "$conf"/*.conf
# The bridge and the bot talk to the core.
for svc in bridge telegram; do
  python3 - "$ETC/$svc.json" "$conf/$svc.json" $CORE_PORT <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    c = json.load(f)
c["mqtt"]["port"] = int(sys.argv[3])
with open(sys.argv[2], "w") as f:
    json.dump(c, f, indent=2)
EOF
done

pids=()
stop_all() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait
}
trap stop_all INT TERM EXIT

wait_port() {   # name port pid
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$2") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "nabz: $1 did not start" >&2; exit 1; }
    sleep 0.1
  done
  echo "nabz: $1 did not listen on $2" >&2
  exit 1
}

mosquitto -c "$conf/core.conf" &
pids+=($!)
wait_port "the core broker" $CORE_PORT $!
for i in $(seq 1 "$edges"); do
  mosquitto -c "$conf/e$i.conf" &
  pids+=($!)
  wait_port "edge e$i" "${edge_ports[$((i - 1))]}" $!
done
haproxy -db -f "$conf/haproxy.cfg" &
pids+=($!)
wait_port haproxy "$MQTT_PORT" $!
"$BRIDGE" -c "$conf/bridge.json" "${demo[@]}" &
pids+=($!)
if [ -n "${NABZ_TELEGRAM_TOKEN:-}" ] || [ -s "$ETC/telegram.token" ]; then
  "$TELEGRAM" -c "$conf/telegram.json" &
  pids+=($!)
  echo "nabz: nabz-telegram started (alerts to the chats that sent /start)"
else
  echo "nabz: no Telegram bot token (NABZ_TELEGRAM_TOKEN or /etc/nabz/telegram.token): nabz-telegram not started"
fi
echo "nabz: cluster running — core 127.0.0.1:$CORE_PORT ($CORE_WS/health), edges e1..e$edges on 127.0.0.1:${edge_ports[*]}"
echo "nabz: dashboard http://localhost:$WS_PORT/ (every edge), MQTT 127.0.0.1:$MQTT_PORT (haproxy) (Ctrl-C stops)"
wait -n "${pids[@]}"
