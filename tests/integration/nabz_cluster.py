"""A nabz cluster on loopback for tests and benchmarks: one core broker and K
edge brokers, each the real mosquitto with the real plugin, each edge joined
to the core with mosquitto's own bridge (the `connection` block that
scripts/cluster_conf.py's edge_bridge_conf() writes, the same one
scripts/run.sh --edges writes).

Every broker has its own ports, socket and directory (nabz_broker.Broker).
The core holds the accounts of the bridge (nabz-bridge), the bot
(nabz-telegram) and the edges (nabz-edge); clients connect to the edges.
"""
import os
import sys
import threading
import time

from nabz_broker import stop_client

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from cluster_conf import edge_bridge_conf  # noqa: E402

EDGE_USER = "nabz-edge"
EDGE_PASSWORD = "edge-pw"
BRIDGE_USER = "nabz-bridge"
BRIDGE_PASSWORD = "bridge-pw"

CORE_ID = "core"


class Cluster:
    """core + K edges. start() starts the core first, then the edges, and
    waits until data flows from the core to every edge (wait_flowing: each
    edge's bridge is connected and subscribed).

    Tests that stop brokers may SIGKILL an edge (edge.stop(sig=9)) or
    restart the core (core.stop(); core.start(): the same port, so the
    edges' bridges find it again)."""

    def __init__(self, factory, edges=3, core_options=None, edge_options=None, accounts=None,
                 edge_accounts=None, core_persistence=False, relays=False):
        """core_persistence: the core keeps its sessions (the edges' bridge
        sessions, with the QoS 1 messages queued for them) and retained
        messages across a restart, in its own directory. relays: each edge
        reaches the core through a TCP relay (lb.Relay, .relays[node_id])
        that a test can cut and restore."""
        self.factory = factory
        acc = {BRIDGE_USER: BRIDGE_PASSWORD, EDGE_USER: EDGE_PASSWORD}
        acc.update(accounts or {})
        # The core: the cluster's hub (its heartbeat), and the edges' account
        # may publish and read nabz/cluster/# there (the plugin's ACL).
        opts = {"publishers": BRIDGE_USER, "services": "%s %s" % (BRIDGE_USER, EDGE_USER),
                "cluster_node": CORE_ID, "cluster_role": "core", "cluster_peers": EDGE_USER}
        opts.update(core_options or {})
        self.core = factory(accounts=acc, options=opts)
        if core_persistence:
            self.core.extra_conf = "\n".join([
                "persistence true",
                "persistence_location %s/" % self.core.dir,
                "persistence_file core.db",
                "autosave_interval 1",
            ])
        self.edge_ids = ["e%d" % (i + 1) for i in range(edges)]
        self.edge_options = edge_options or {}
        self.edge_accounts = edge_accounts
        self.use_relays = relays
        self.relays = {}
        self.edges = []

    def start(self, timeout=15.0):
        self.core.start()
        for node_id in self.edge_ids:
            self.edges.append(self._edge(node_id).start())
        self.wait_flowing(timeout=timeout)
        return self

    def _edge(self, node_id):
        port = self.core.port
        if self.use_relays:
            from lb import Relay
            self.relays[node_id] = Relay(self.core.port)
            port = self.relays[node_id].port
        opts = {"cluster_node": node_id}
        opts.update(self.edge_options)
        return self.factory(options=opts, accounts=self.edge_accounts,
                            extra_conf=edge_bridge_conf(node_id, "127.0.0.1", port,
                                                       password=EDGE_PASSWORD))

    def close(self):
        """Closes the relays (the brokers are the factory's to stop)."""
        for r in self.relays.values():
            r.close()

    def edge(self, node_id):
        """The edge of that id."""
        return self.edges[self.edge_ids.index(node_id)]

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
