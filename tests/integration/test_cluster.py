"""A nabz cluster on loopback: a core broker and three edges, each the real
mosquitto with the real plugin, joined with mosquitto's own bridges
(nabz_cluster.py)."""
import json
import threading
import time

from nabz_broker import stop_client
from nabz_cluster import Cluster


def price(symbol, usd):
    return json.dumps({"type": "price_update", "data": {"symbol": symbol, "price_usd": usd},
                       "ts": "2026-12-05T00:00:00.000Z"})


class Inbox:
    def __init__(self, client):
        self.messages = []
        self.lock = threading.Lock()
        client.on_message = self._on_message

    def _on_message(self, client, userdata, msg):
        with self.lock:
            self.messages.append((msg.topic, msg.payload, msg.retain, msg.qos))

    def wait(self, predicate, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if predicate(list(self.messages)):
                    return list(self.messages)
            time.sleep(0.02)
        with self.lock:
            raise AssertionError("timed out; messages: %r" % self.messages)


def test_a_price_published_at_the_core_reaches_every_edge_live_and_retained(broker_factory):
    cluster = Cluster(broker_factory, edges=3).start()
    pub = cluster.publisher()
    clients = []
    try:
        # live: subscribers on every edge before the publish
        inboxes = []
        for i, edge in enumerate(cluster.edges):
            c = edge.client(client_id="live-%d" % i)
            inboxes.append(Inbox(c))
            c.subscribe("crypto/prices/+", 0)
            clients.append(c)
        time.sleep(0.3)     # the edges' SUBACKs (local: no bridge hop)
        pub.publish("crypto/prices/BTC", price("BTC", 97000.5), qos=0, retain=True).wait_for_publish(5)
        for box in inboxes:
            box.wait(lambda m: any(t == "crypto/prices/BTC" and b"97000.5" in p for t, p, r, q in m))
        # retained: a client that subscribes afterwards, on any edge, gets it at once
        for i, edge in enumerate(cluster.edges):
            c = edge.client(client_id="late-%d" % i)
            box = Inbox(c)
            c.subscribe("crypto/prices/BTC", 0)
            clients.append(c)
            got = box.wait(lambda m: len(m) > 0, timeout=5)
            assert got[0][0] == "crypto/prices/BTC" and b"97000.5" in got[0][1] and got[0][2], got
    finally:
        for c in clients + [pub]:
            stop_client(c)

