"""A nabz cluster on loopback for tests and benchmarks: one core broker and K
edge brokers, each the real mosquitto with the real plugin, each edge joined
to the core with mosquitto's own bridge (the `connection` block that
edge_bridge_conf() writes, the same one scripts/run.sh --edges writes).

Every broker has its own ports, socket and directory (nabz_broker.Broker).
The core holds the accounts of the bridge (nabz-bridge), the bot
(nabz-telegram) and the edges (nabz-edge); clients connect to the edges.
"""
import threading
import time

from nabz_broker import stop_client

EDGE_USER = "nabz-edge"
EDGE_PASSWORD = "edge-pw"
BRIDGE_USER = "nabz-bridge"
BRIDGE_PASSWORD = "bridge-pw"

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
CLUSTER_ROOT = "nabz/cluster"


def edge_bridge_conf(node_id, core_host, core_port, prefix="crypto", password=EDGE_PASSWORD,
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
        "restart_timeout 1 5",
    ]
    for topic, qos in DATA_TOPICS:
        lines.append("topic %s/%s in %d" % (prefix, topic, qos))
    lines.append("topic %s/node/# both 0" % CLUSTER_ROOT)
    lines.append("topic %s/core in 0" % CLUSTER_ROOT)
    return "\n".join(lines)


class Cluster:
    """core + K edges. start() starts the core first, then the edges, and
    waits until every edge's bridge is connected (its notification "1" is
    retained at the core)."""

    def __init__(self, factory, edges=3, core_options=None, edge_options=None, accounts=None):
        self.factory = factory
        acc = {BRIDGE_USER: BRIDGE_PASSWORD, EDGE_USER: EDGE_PASSWORD}
        acc.update(accounts or {})
        opts = {"publishers": BRIDGE_USER, "services": "%s %s" % (BRIDGE_USER, EDGE_USER)}
        opts.update(core_options or {})
        self.core = factory(accounts=acc, options=opts)
        self.edge_ids = ["e%d" % (i + 1) for i in range(edges)]
        self.edge_options = edge_options or {}
        self.edges = []

    def start(self, timeout=15.0):
        self.core.start()
        for node_id in self.edge_ids:
            self.edges.append(self._edge(node_id).start())
        self.wait_flowing(timeout=timeout)
        return self

    def _edge(self, node_id):
        return self.factory(options=dict(self.edge_options),
                            extra_conf=edge_bridge_conf(node_id, "127.0.0.1", self.core.port))

    def wait_flowing(self, timeout=15.0):
        """Waits until a message published at the core reaches every edge
        (each edge's bridge is connected and subscribed): a retained probe,
        sent again every 0.5 s, then cleared everywhere."""
        topic = "crypto/prices/NABZPROBE"
        got = {}
        lock = threading.Lock()
        readers = []
        for i, edge in enumerate(self.edges):
            def on_message(client, userdata, msg, i=i):
                with lock:
                    got[i] = msg.payload
            c = edge.client(client_id="probe-reader-%d" % i)
            c.on_message = on_message
            c.subscribe(topic, 1)
            readers.append(c)
        pub = self.publisher()
        try:
            for want in (b"probe", b""):
                deadline = time.time() + timeout
                while True:
                    pub.publish(topic, want, qos=1, retain=True).wait_for_publish(5)
                    end = time.time() + 0.5
                    while time.time() < end:
                        with lock:
                            if all(got.get(i) == want for i in range(len(self.edges))):
                                break
                        time.sleep(0.02)
                    with lock:
                        if all(got.get(i) == want for i in range(len(self.edges))):
                            break
                    if time.time() > deadline:
                        raise RuntimeError("no flow core -> edges (got %r)\ncore log:\n%s" % (
                            got, self.core.read_log()))
        finally:
            for c in readers + [pub]:
                stop_client(c)

    def publisher(self):
        """A client at the core logged in as the bridge (may publish data)."""
        return self.core.client(client_id="nabz-bridge", username=BRIDGE_USER, password=BRIDGE_PASSWORD)
