#!/usr/bin/env python3
"""The configuration of a nabz cluster, in one place: one *core* broker (the
bridge and the Telegram bot connect to it) and K *edge* brokers (browsers and
MQTT clients connect to them), each the stock mosquitto with nabz_plugin.so,
each edge joined to the core with mosquitto's own bridge (the `connection`
block edge_bridge_conf() writes).

    cluster_conf.py core [--mqtt 127.0.0.1:1884] [--socket PATH] [--state-file PATH]
                         [--persistence-dir DIR] [--ws LISTENERS] [--set KEY=VALUE ...]
    cluster_conf.py edge --id e1 --core HOST:PORT --core-password-file FILE
                         [--mqtt 127.0.0.1:1885] [--socket PATH] [--state-file PATH]
                         [--ws 0.0.0.0:8000] [--shared-ws] [--set KEY=VALUE ...]
    cluster_conf.py examples [--dir cluster]
    cluster_conf.py haproxy --template cluster/haproxy.cfg --mqtt-bind ADDR --mqtt-server HOST:PORT ...
                            [--ws-bind ADDR --ws-server HOST:PORT ... | --mqtt-only] [--maxconn N]

core and edge write a mosquitto.conf to stdout (or --out): the shipped
mosquitto.conf (--base) with the lines that differ replaced, everything
else (limits, log settings, accounts file, plugin options) as shipped.
haproxy writes a load balancer's config from a template (cluster/haproxy.cfg)
with its bind and server lines replaced. scripts/run.sh --edges uses this;
the tests import it (tests may import scripts/, never the other way).
"""
import argparse
import grp
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# From a checkout, the repository's mosquitto.conf; installed by the Debian
# package (as /usr/share/nabz/scripts/, run as nabz-cluster-conf), the
# package's /etc/nabz/mosquitto.conf.
SHIPPED_CONF = os.path.join(HERE, "..", "mosquitto.conf")
if not os.path.exists(SHIPPED_CONF):
    SHIPPED_CONF = "/etc/nabz/mosquitto.conf"

EDGE_USER = "nabz-edge"
# The plugin's cluster options (plugin_opt_cluster_node on each edge, its id;
# at the core plugin_opt_cluster_node core, plugin_opt_cluster_role core and
# plugin_opt_cluster_peers, the edges' account): the cluster-wide figures
# (docs/CONTRACT.md "Cluster"). False writes them as comments.
CLUSTER_OPTIONS = True
CORE_ID = "core"
CLUSTER_ROOT = "nabz/cluster"

# Data topics flow core -> edges with their QoS (retained messages included:
# a bridge that says it is one (try_private) gets them retain-as-published);
# cluster topics both ways; $CONTROL and crypto/stats stay on each node.
DATA_TOPICS = (
    ("prices/#", 0),
    ("market", 0),
    ("sources", 0),
    ("history/#", 0),
    ("news/#", 1),
    ("alerts", 1),
)


def edge_bridge_conf(node_id, core_host, core_port, prefix="crypto", password="",
                     keepalive=5):
    """The `connection` block of an edge's mosquitto.conf."""
    lines = [
        "connection nabz-core",
        "address %s:%d" % (core_host, core_port),
        "bridge_protocol_version mqttv311",
        # The core then knows this is a bridge: retained messages keep their
        # flag, and nothing is sent back to the edge that published it.
        "try_private true",
        # A persistent session at the core: QoS 1 alerts published while the
        # link is down wait there and arrive when it returns.
        "cleansession false",
        "remote_clientid nabz-edge-%s" % node_id,
        "local_clientid nabz-edge-%s.local" % node_id,
        "remote_username %s" % EDGE_USER,
        "remote_password %s" % password,
        # "1" (retained) at the core when the link is up; the core publishes
        # the will "0" when it loses the edge (after 1.5 x keepalive).
        "notifications true",
        "notification_topic %s/link/%s" % (CLUSTER_ROOT, node_id),
        "keepalive_interval %d" % keepalive,
        # Reconnect 1 s after a loss, backing off to at most 5 s.
        "restart_timeout 1 5",
    ]
    for topic, qos in DATA_TOPICS:
        lines.append("topic %s/%s in %d" % (prefix, topic, qos))
    lines.append("topic %s/node/# both 0" % CLUSTER_ROOT)
    lines.append("topic %s/core in 0" % CLUSTER_ROOT)
    return "\n".join(lines)


def _cluster_option(key):
    """key, or key commented out while the plugin does not have it."""
    return key if CLUSTER_OPTIONS else "#" + key


def _key(line):
    s = line.strip()
    if not s or s.startswith("#"):
        return None
    return s.split(None, 1)[0]


def rewrite(base_text, settings, listeners=None, extra=""):
    """base_text with each `key value` line whose key is in settings set to
    settings[key] (None drops it; keys not in base_text are added at the
    end), its `listener` lines replaced by listeners (when given), and
    extra appended."""
    out, seen, pending = [], set(), list(listeners or ())
    for line in base_text.splitlines():
        key = _key(line)
        if key == "listener" and listeners is not None:
            # the i-th listener line becomes the i-th listener given
            if pending:
                out.append("listener %s" % pending.pop(0))
            continue
        if key in settings:
            seen.add(key)
            if settings[key] is not None:
                out.append("%s %s" % (key, settings[key]))
            continue
        out.append(line)
    out.extend("listener %s" % spec for spec in pending)
    added = [k for k in settings if k not in seen and settings[k] is not None]
    if added:
        out.append("")
        out.append("# cluster")
        out.extend("%s %s" % (k, settings[k]) if not k.startswith("#") else
                   "%s %s  # once the plugin has this option" % (k, settings[k]) for k in added)
    if extra:
        out.append("")
        out.append(extra)
    return "\n".join(out) + "\n"


def _listener(hostport):
    host, port = split_hostport(hostport)
    return "%d %s" % (port, host) if host else "%d" % port


def split_hostport(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def core_conf(base_text, mqtt="127.0.0.1:1884", socket="/run/nabz/core/mqtt.sock",
              state_file="/var/lib/nabz/core/state.json", persistence_dir="/var/lib/nabz/core/",
              ws="", services="nabz-bridge nabz-edge", peers=None, settings=None):
    """The core: MQTT on a local (or private) address for the bridge, the bot
    and the edges; persistence on, so the edges' bridge sessions (and the
    QoS 1 alerts queued in them) survive a restart of the core. peers: the
    edges' account for plugin_opt_cluster_peers (None: not written)."""
    s = {
        "persistence": "true",
        "persistence_location": persistence_dir,
        "autosave_interval": "60",
        "plugin_opt_state_file": state_file,
        "plugin_opt_ws_broker_socket": socket,
        "plugin_opt_ws_listeners": ws,
        "plugin_opt_services": services,
    }
    if peers:
        # The core sends the heartbeat the edges judge their link by, and
        # lets the edges' account use nabz/cluster/#.
        s[_cluster_option("plugin_opt_cluster_node")] = CORE_ID
        s[_cluster_option("plugin_opt_cluster_role")] = "core"
        s[_cluster_option("plugin_opt_cluster_peers")] = peers
    s.update(settings or {})
    return rewrite(base_text, s, listeners=[_listener(mqtt), "0 %s" % socket])


def edge_conf(base_text, node_id, core, core_password, mqtt="127.0.0.1:1885",
              socket=None, state_file=None, ws="0.0.0.0:8000", shared_ws=True,
              settings=None, keepalive=5):
    """An edge: its own MQTT listener (the load balancer's backend), its own
    unix socket and state file, the WebSocket port shared with the other
    edges of the host (plugin_opt_ws_reuseport_shared), and the bridge to
    the core."""
    socket = socket or "/run/nabz/%s/mqtt.sock" % node_id
    state_file = state_file or "/var/lib/nabz/%s/state.json" % node_id
    core_host, core_port = split_hostport(core)
    s = {
        "plugin_opt_state_file": state_file,
        "plugin_opt_ws_broker_socket": socket,
        "plugin_opt_ws_listeners": ws,
        "plugin_opt_ws_reuseport_shared": "true" if shared_ws else None,
        _cluster_option("plugin_opt_cluster_node"): node_id,
    }
    s.update(settings or {})
    return rewrite(base_text, s, listeners=[_listener(mqtt), "0 %s" % socket],
                   extra=edge_bridge_conf(node_id, core_host, core_port, password=core_password,
                                          keepalive=keepalive))


def haproxy_conf(template_text, mqtt_bind=None, mqtt_servers=None, ws_bind=None, ws_servers=None,
                 maxconn=None, mqtt_only=False):
    """The template with the `bind` line of frontend nabz_mqtt / nabz_ws and
    the `server` lines of backend nabz_mqtt_edges / nabz_ws_edges replaced
    (and global maxconn: haproxy needs about twice as many open files).
    mqtt_only: without the WebSocket frontend and backend (one host, where
    the edges share :8000 themselves)."""
    out, section = [], None
    replaced = set()
    plan = {
        ("frontend nabz_mqtt", "bind"): mqtt_bind and ["bind %s" % mqtt_bind],
        ("frontend nabz_ws", "bind"): ws_bind and ["bind %s" % ws_bind],
        ("global", "maxconn"): maxconn and ["maxconn %d" % maxconn],
        ("backend nabz_mqtt_edges", "server"): mqtt_servers and [
            "server edge%d %s check" % (i + 1, s) for i, s in enumerate(mqtt_servers)],
        ("backend nabz_ws_edges", "server"): ws_servers and [
            "server edge%d %s check" % (i + 1, s) for i, s in enumerate(ws_servers)],
    }
    for line in template_text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            section = " ".join(line.split()[:2])
            if not (mqtt_only and section in ("frontend nabz_ws", "backend nabz_ws_edges")):
                out.append(line)
            continue
        if mqtt_only and section in ("frontend nabz_ws", "backend nabz_ws_edges"):
            continue
        key = _key(line)
        new = plan.get((section, key))
        if new:
            if (section, key) not in replaced:
                indent = re.match(r"\s*", line).group(0)
                out.extend(indent + n for n in new)
                replaced.add((section, key))
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def nginx_conf(template_text, listen=None, servers=None, http_extra=()):
    """The template with its `listen` line and the `server` lines of
    upstream nabz_edges replaced; http_extra lines added to the http block."""
    out, in_upstream, done = [], False, set()
    for line in template_text.splitlines():
        s = line.strip()
        indent = re.match(r"\s*", line).group(0)
        if s.startswith("upstream nabz_edges"):
            in_upstream = True
        elif in_upstream and s == "}":
            in_upstream = False
        if s.startswith("http {"):
            out.append(line)
            out.extend(indent + "    " + x for x in http_extra)
            continue
        if listen and s.startswith("listen "):
            out.append("%slisten %s;" % (indent, listen))
            continue
        if servers and in_upstream and s.startswith("server "):
            if "server" not in done:
                opts = s[:-1].split()[2:]
                out.extend("%sserver %s%s;" % (indent, srv, "".join(" " + o for o in opts))
                           for srv in servers)
                done.add("server")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


EXAMPLE_HEADER = """\
# %s of a nabz cluster on several hosts
# (the README's "Cluster" section). Made from the shipped mosquitto.conf by
#   python3 scripts/cluster_conf.py examples --dir cluster
# (the tests check it is up to date). Addresses: the core 10.0.0.10, the
# edges 10.0.0.11-13, the load balancer (cluster/haproxy.cfg or
# cluster/nginx.conf) 10.0.0.5. Only the lines below differ from the
# shipped file: %s
"""


def examples(base_text):
    """The many-host example configs: {file name: text}."""
    core = core_conf(base_text, mqtt="10.0.0.10:1883", socket="/run/nabz/mqtt.sock",
                     state_file="/var/lib/nabz/state.json", persistence_dir="/var/lib/nabz/",
                     ws="127.0.0.1:8000", peers="nabz-edge")
    edge = edge_conf(base_text, "e1", "10.0.0.10:1883", "CHANGE-ME",
                     mqtt=":1883", socket="/run/nabz/mqtt.sock", state_file="/var/lib/nabz/state.json",
                     ws="0.0.0.0:8000", shared_ws=False,
                     settings={"plugin_opt_ws_trusted_proxies": "10.0.0.5",
                               "plugin_opt_limit_exempt": "127.0.0.0/8 ::1 10.0.0.5"})
    return {
        "core.conf": EXAMPLE_HEADER % (
            "The core broker", "its MQTT listener on the private network (the\n"
            "# bridge, the bot and the edges connect there; browsers never do),\n"
            "# persistence on (the edges' bridge sessions and the QoS 1 alerts queued\n"
            "# for an edge that is away survive a restart), the WebSocket listener on\n"
            "# loopback (/health, /metrics), the edges' account nabz-edge a service.\n") + core,
        "edge.conf": EXAMPLE_HEADER % (
            "An edge broker (e1; e2, e3 alike with their own id)",
            "the bridge to the core at the end\n"
            "# (remote_password: the nabz-edge account's at the core, its\n"
            "# /etc/nabz/edge.pass), X-Forwarded-For\n"
            "# believed from the load balancer only, and the balancer exempt from\n"
            "# the per-address limits (every MQTT/TCP client comes from it).\n") + edge,
    }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", required=True)
    for name in ("core", "edge"):
        q = sub.add_parser(name)
        q.add_argument("--base", default=SHIPPED_CONF, help="the mosquitto.conf to start from")
        q.add_argument("--out", help="write here (default: stdout)")
        q.add_argument("--mqtt", help="MQTT/TCP listener host:port")
        q.add_argument("--socket", help="the unix-socket listener")
        q.add_argument("--state-file")
        q.add_argument("--ws", help="plugin_opt_ws_listeners")
        q.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="any other line (KEY=: drop it)")
    core = sub.choices["core"]
    core.add_argument("--persistence-dir")
    core.add_argument("--services", help="plugin_opt_services")
    core.add_argument("--peers", help="plugin_opt_cluster_peers (the edges' account)")
    edge = sub.choices["edge"]
    edge.add_argument("--id", required=True, help="the node id (plugin_opt_cluster_node)")
    edge.add_argument("--core", required=True, help="the core's MQTT host:port")
    edge.add_argument("--core-password-file", required=True, help="the nabz-edge account's password")
    edge.add_argument("--no-shared-ws", action="store_true",
                      help="do not share the WebSocket port with other processes")
    hp = sub.add_parser("haproxy")
    hp.add_argument("--template", default=os.path.join(HERE, "..", "cluster", "haproxy.cfg"))
    hp.add_argument("--out")
    hp.add_argument("--mqtt-bind")
    hp.add_argument("--mqtt-server", action="append", default=[])
    hp.add_argument("--ws-bind")
    hp.add_argument("--ws-server", action="append", default=[])
    hp.add_argument("--maxconn", type=int)
    hp.add_argument("--mqtt-only", action="store_true", help="no WebSocket frontend/backend")
    ex = sub.add_parser("examples")
    ex.add_argument("--base", default=SHIPPED_CONF)
    ex.add_argument("--dir", default=os.path.join(HERE, "..", "cluster"))
    a = p.parse_args(argv)

    if a.what == "examples":
        with open(a.base) as f:
            base = f.read()
        for name, text in examples(base).items():
            with open(os.path.join(a.dir, name), "w") as f:
                f.write(text)
        return 0

    if a.what == "haproxy":
        with open(a.template) as f:
            text = haproxy_conf(f.read(), a.mqtt_bind, a.mqtt_server, a.ws_bind, a.ws_server,
                                maxconn=a.maxconn, mqtt_only=a.mqtt_only)
    else:
        with open(a.base) as f:
            base = f.read()
        settings = {}
        for kv in a.set:
            k, _, v = kv.partition("=")
            settings[k] = v if v != "" else None
        kw = {"settings": settings}
        for opt in ("mqtt", "socket", "state_file", "ws"):
            if getattr(a, opt) is not None:
                kw[opt] = getattr(a, opt)
        if a.what == "core":
            if a.persistence_dir:
                kw["persistence_dir"] = a.persistence_dir
            if a.services:
                kw["services"] = a.services
            text = core_conf(base, peers=a.peers, **kw)
        else:
            with open(a.core_password_file) as f:
                password = f.read().strip()
            text = edge_conf(base, a.id, a.core, password, shared_ws=not a.no_shared_ws, **kw)
    if a.out:
        # 0640: an edge's config holds its password at the core. Written by
        # root, its group is the broker's (mosquitto), which reads it after
        # dropping privileges or as the package's units' User=.
        fd = os.open(a.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        if os.geteuid() == 0 and a.what in ("core", "edge"):
            try:
                os.chown(a.out, 0, grp.getgrnam("mosquitto").gr_gid)
            except KeyError:
                pass
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
