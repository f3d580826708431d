"""Faults in a cluster (a core and edges joined with mosquitto's own bridges,
nabz_cluster.py): an edge killed, the core killed and restarted, an edge's
link to the core cut while QoS 1 alerts are published."""
import json
import threading
import time

import paho.mqtt.client as mqtt
import pytest

from lb import HAPROXY, HAProxy
from nabz_broker import control, free_port, stop_client
from nabz_cluster import Cluster
from test_cluster import Inbox, price

ADMIN = {"ops": "adminpw"}


def client_ids_on(edge):
    admin = edge.client(client_id="api-ops-%d" % edge.port, username="ops", password="adminpw")
    try:
        resp = control(admin, [{"command": "listSessions"}])
    finally:
        stop_client(admin)
    return {s["client_id"] for s in resp["responses"][0]["data"]["sessions"]}


def reconnecting_client(cid, port, transport):
    """paho with reconnect (its network loop reconnects after 1-2 s),
    subscribing again on every CONNACK; counts its CONNACKs."""
    c = mqtt.Client(client_id=cid, transport=transport)
    if transport == "websockets":
        c.ws_set_options(path="/mqtt")
    c.reconnect_delay_set(1, 2)
    c.nabz_connects = 0
    c.nabz_cond = threading.Condition()

    def on_connect(client, userdata, flags, rc):
        client.subscribe("crypto/prices/+", 0)
        with client.nabz_cond:
            client.nabz_connects += 1
            client.nabz_cond.notify_all()
    c.on_connect = on_connect
    c.nabz_inbox = Inbox(c)
    c.connect("127.0.0.1", port, keepalive=5)
    c.loop_start()
    return c


def kill_the_busiest_edge_and_see_its_clients_come_back(cluster, port, ids, transport, symbol):
    """Clients spread over the edges through one address; the edge holding
    the most is SIGKILLed; within 10 s every client is on a surviving edge
    (listSessions there), reconnected, and gets a price from the core."""
    pub = cluster.publisher()
    clients = []
    try:
        for cid in ids:
            clients.append(reconnecting_client(cid, port, transport))
        for c in clients:
            with c.nabz_cond:
                assert c.nabz_cond.wait_for(lambda: c.nabz_connects >= 1, 5)
        where = [client_ids_on(e) & set(ids) for e in cluster.edges]
        assert set().union(*where) == set(ids), where
        victim = max(range(len(where)), key=lambda i: len(where[i]))
        cluster.edges[victim].stop(sig=9)
        survivors = [e for i, e in enumerate(cluster.edges) if i != victim]
        deadline = time.time() + 10
        while True:
            back = set().union(*(client_ids_on(e) for e in survivors)) & set(ids)
            if back == set(ids):
                break
            assert time.time() < deadline, "not back on the surviving edges within 10 s: %r" % back
            time.sleep(0.2)
        assert all(c.nabz_connects >= 2 for c, cid in zip(clients, ids) if cid in where[victim])
        # and they get data again (subscribed anew on the surviving edges)
        pub.publish("crypto/prices/%s" % symbol, price(symbol, 210.5), qos=0).wait_for_publish(5)
        for c in clients:
            c.nabz_inbox.wait(lambda m: any(t == "crypto/prices/%s" % symbol for t, p, r, q in m))
    finally:
        for c in clients + [pub]:
            stop_client(c)


@pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (scripts/deps.sh test installs it)")
def test_an_edge_killed_its_tcp_clients_are_back_on_the_surviving_edges(broker_factory):
    cluster = Cluster(broker_factory, edges=3, edge_accounts=ADMIN, edge_options={"admins": "ops"}).start()
    lb = HAProxy(cluster.edges).start()
    try:
        kill_the_busiest_edge_and_see_its_clients_come_back(
            cluster, lb.mqtt_port, ["tcp-f-%d" % i for i in range(6)], "tcp", "SOL")
    finally:
        lb.stop()


def test_an_edge_killed_its_browsers_are_back_on_the_surviving_edges_through_the_shared_port(broker_factory):
    """One host, as run.sh --edges runs it: the edges share one WebSocket
    port (ws_reuseport_shared). Browsers reconnecting after their edge died
    reach the surviving edges on the same address, and get data again."""
    port = free_port()
    cluster = Cluster(broker_factory, edges=3, edge_accounts=ADMIN,
                      edge_options={"admins": "ops", "ws_reuseport_shared": "true",
                                    "ws_listeners": "127.0.0.1:%d" % port}).start()
    kill_the_busiest_edge_and_see_its_clients_come_back(
        cluster, port, ["web-f-%d" % i for i in range(9)], "websockets", "ADA")


def test_the_core_killed_and_restarted_data_flows_to_every_edge_again_within_10s(broker_factory):
    cluster = Cluster(broker_factory, edges=3, core_persistence=True).start()
    cluster.core.stop(sig=9)
    time.sleep(0.5)
    cluster.core.start()        # the same port: the edges' bridges find it again
    back = time.time()
    cluster.wait_flowing(timeout=10)
    assert time.time() - back < 10


def test_qos1_alerts_published_while_an_edge_is_cut_off_reach_its_persistent_subscribers(broker_factory):
    # e1 reaches the core through a relay the test cuts: the core keeps
    # e1's bridge session (cleansession false) and queues the QoS 1 alerts
    # for it, across a restart of the core (persistence), until e1 is back.
    cluster = Cluster(broker_factory, edges=2, core_persistence=True, relays=True).start()
    subs, boxes = [], []
    try:
        for i, edge in enumerate(cluster.edges):
            c = edge.client(client_id="alerts-sub-%d" % i, clean_session=False)
            boxes.append(Inbox(c))
            c.subscribe("crypto/alerts", 1)
            subs.append(c)
        time.sleep(0.3)     # the edges' SUBACKs (local)
        cluster.relays["e1"].cut()
        alerts = [json.dumps({"type": "alert", "data": {"n": n}}).encode() for n in range(4)]
        pub = cluster.publisher()
        for a in alerts[:2]:
            pub.publish("crypto/alerts", a, qos=1).wait_for_publish(5)
        stop_client(pub)
        # the core restarts (saving its sessions) while e1 is still away
        cluster.core.stop()
        cluster.core.start()
        pub = cluster.publisher()
        for a in alerts[2:]:
            pub.publish("crypto/alerts", a, qos=1).wait_for_publish(5)
        stop_client(pub)
        # e2 (connected) has all four; e1's subscriber none yet
        boxes[1].wait(lambda m: {p for t, p, r, q in m} >= set(alerts), timeout=15)
        assert not [p for t, p, r, q in boxes[0].messages if p in alerts]
        cluster.relays["e1"].restore()
        got = boxes[0].wait(lambda m: {p for t, p, r, q in m} >= set(alerts), timeout=15)
        assert all(q == 1 for t, p, r, q in got if p in alerts)
    finally:
        for c in subs:
            stop_client(c)
        cluster.close()
