"""A load balancer in front of a cluster's edges, as on many hosts: Debian's
haproxy (MQTT/TCP and HTTP/WebSocket) and nginx (HTTP/WebSocket) run with
the example configs of cluster/ (test ports put in by
scripts/cluster_conf.py). Skipped only when the binary is missing
(scripts/deps.sh test installs both)."""
import json
import os
import sys
import threading

import paho.mqtt.client as mqtt
import pytest

from lb import HAPROXY, NGINX, HAProxy, Nginx
from nabz_broker import control, stop_client
from nabz_cluster import Cluster
from test_cluster import Inbox, price

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import cluster_conf  # noqa: E402

ADMIN = {"ops": "adminpw"}
needs_haproxy = pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (scripts/deps.sh test installs it)")
needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/deps.sh test installs it)")


def lb_client(port, client_id, transport="tcp", bind_address=""):
    """A paho client through the load balancer, connected."""
    c = mqtt.Client(client_id=client_id, transport=transport)
    c.nabz_connected = threading.Event()
    c.on_connect = lambda *a: c.nabz_connected.set()
    c.connect("127.0.0.1", port, keepalive=30, bind_address=bind_address)
    c.loop_start()
    assert c.nabz_connected.wait(5), client_id
    return c


def sessions_by_edge(cluster):
    """{edge index: {client_id: session}} from each edge's listSessions."""
    out = {}
    for i, edge in enumerate(cluster.edges):
        admin = edge.client(client_id="api-ops-%d" % i, username="ops", password="adminpw")
        try:
            resp = control(admin, [{"command": "listSessions"}])
        finally:
            stop_client(admin)
        out[i] = {s["client_id"]: s for s in resp["responses"][0]["data"]["sessions"]}
    return out


def test_the_example_configs_are_made_from_the_shipped_mosquitto_conf():
    root = os.path.join(HERE, "..", "..")
    with open(os.path.join(root, "mosquitto.conf")) as f:
        made = cluster_conf.examples(f.read())
    for name, text in made.items():
        with open(os.path.join(root, "cluster", name)) as f:
            assert f.read() == text, "cluster/%s: run python3 scripts/cluster_conf.py examples" % name


@needs_haproxy
def test_mqtt_over_tcp_through_haproxy_reaches_an_edge_and_gets_a_price_from_the_core(broker_factory):
    cluster = Cluster(broker_factory, edges=2, edge_accounts=ADMIN, edge_options={"admins": "ops"}).start()
    lb = HAProxy(cluster.edges).start()
    pub = cluster.publisher()
    clients = []
    try:
        boxes = []
        for i in range(4):
            c = lb_client(lb.mqtt_port, "tcp-lb-%d" % i)
            boxes.append(Inbox(c))
            c.subscribe("crypto/prices/+", 0)
            clients.append(c)
        # every client is on an edge (leastconn spreads them over both)
        on = sessions_by_edge(cluster)
        where = {cid: i for i, s in on.items() for cid in s if cid.startswith("tcp-lb-")}
        assert sorted(where) == ["tcp-lb-%d" % i for i in range(4)], on
        assert set(where.values()) == {0, 1}, where
        pub.publish("crypto/prices/ETH", price("ETH", 3500.25), qos=0).wait_for_publish(5)
        for box in boxes:
            box.wait(lambda m: any(t == "crypto/prices/ETH" and b"3500.25" in p for t, p, r, q in m))
    finally:
        for c in clients + [pub]:
            stop_client(c)
        lb.stop()


@pytest.mark.parametrize("kind", [pytest.param("haproxy", marks=needs_haproxy),
                                  pytest.param("nginx", marks=needs_nginx)])
def test_websocket_through_the_load_balancer_brings_the_real_address_to_the_edge(broker_factory, kind):
    # the edges believe X-Forwarded-For from the balancer (127.0.0.1) only;
    # the client comes from 127.0.0.2, which only the header can tell them
    cluster = Cluster(broker_factory, edges=2, edge_accounts=ADMIN,
                      edge_options={"admins": "ops", "ws_trusted_proxies": "127.0.0.1"}).start()
    lb = (HAProxy if kind == "haproxy" else Nginx)(cluster.edges).start()
    pub = cluster.publisher()
    c = None
    try:
        c = lb_client(lb.ws_port, "ws-lb", transport="websockets", bind_address="127.0.0.2")
        box = Inbox(c)
        c.subscribe("crypto/market", 1)
        on = sessions_by_edge(cluster)
        found = [s["ws-lb"] for s in on.values() if "ws-lb" in s]
        assert len(found) == 1, on
        assert found[0]["transport"] == "websocket"
        assert found[0]["address"] == "127.0.0.2", found[0]
        body = json.dumps({"type": "market_update", "data": {"n": 1}})
        pub.publish("crypto/market", body, qos=1).wait_for_publish(5)
        box.wait(lambda m: any(t == "crypto/market" and p == body.encode() for t, p, r, q in m))
    finally:
        if c is not None:
            stop_client(c)
        stop_client(pub)
        lb.stop()
