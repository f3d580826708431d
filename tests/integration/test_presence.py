"""Who is online: exact counts through connects, hello, takeovers, refusals
and churn, against the real broker and plugin."""
import socket
import time

import paho.mqtt.client as mqtt

from mqtt_packets import connect_packet
from nabz_broker import Watcher, control, stop_client


def raw_connect(family, address, client_id, **kw):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(address)
    s.sendall(connect_packet(client_id, **kw))
    connack = s.recv(4)
    assert connack[:2] == b"\x20\x02", connack
    return s, connack[3]


def test_mixed_clients_give_exact_counts(broker, watcher):
    # The watcher itself is one api client (client id "watcher").
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    clients = []
    prefixes = {"browser-": 10, "web-": 5, "mobile-": 8, "api-": 6, "bot-": 3, "iot-": 4, "plain": 4}
    for prefix, n in prefixes.items():
        for i in range(n):
            clients.append(broker.client(client_id="%s%d" % (prefix, i)))
    # The ten browser- clients announce themselves as mobile in hello,
    # overriding their prefix; six
    # share three user ids (three people, two devices each).
    for i, c in enumerate(clients[:10]):
        body = {"command": "hello", "client_type": "mobile", "metadata": {"page": "/x"}}
        if i < 6:
            body["user_id"] = "person-%d" % (i // 2)
        resp = control(c, [body])
        assert "data" in resp["responses"][0], resp
    total = sum(prefixes.values())
    assert total == 40
    # 10 more clients connect with MQTT 5 to make 50.
    for i in range(10):
        clients.append(broker.client(client_id="api-v5-%d" % i, protocol=mqtt.MQTTv5))

    expected_types = {"browser": 5, "mobile": 8 + 10, "api": 6 + 4 + 10 + 1, "bot": 3, "iot": 4}
    data = watcher.wait_for(lambda d: d["active_connections"] == 51 and d["client_types"] == expected_types)
    # 51 clients; six of them are three users: 51 - 6 + 3.
    assert data["unique_users"] == 48
    assert data["total_sessions"] == 51
    assert data["peak_connections"] == 51
    for c in clients:
        stop_client(c)
    data = watcher.wait_for(lambda d: d["active_connections"] == 1)
    assert data["client_types"] == {"api": 1}
    assert data["unique_users"] == 1
    assert data["peak_connections"] == 51
    assert data["total_sessions"] == 51


def test_takeover_keeps_counts_exact(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    first = broker.client(client_id="mobile-same")
    watcher.wait_for(lambda d: d["active_connections"] == 2)
    # Keep first's socket open but stop its loop, so it does not reconnect
    # and take the id back once the broker drops it for `second`.
    first.loop_stop()
    second = broker.client(client_id="mobile-same")
    data = watcher.wait_for(lambda d: d["total_sessions"] == 3)
    time.sleep(0.3)
    data = watcher.stats()
    assert data["active_connections"] == 2
    assert data["client_types"] == {"api": 1, "mobile": 1}
    stop_client(second)
    data = watcher.wait_for(lambda d: d["active_connections"] == 1)
    assert data["client_types"] == {"api": 1}


def test_refused_client_is_never_counted(broker_factory):
    b = broker_factory(accounts={"nabz-bridge": "right"},
                       options={"services": "nabz-bridge", "publishers": "nabz-bridge"}).start()
    w = Watcher(b)
    try:
        w.wait_for(lambda d: d["active_connections"] == 1)
        # A named account with the wrong password: refused by password_file.
        c = b.client(client_id="api-bad", username="nabz-bridge", password="wrong")
        assert c.nabz_connack == 5
        c.loop_stop()
        # A raw client refused likewise, then a good one that is counted as
        # a service (not a user).
        s, rc = raw_connect(socket.AF_INET, ("127.0.0.1", b.port), "api-raw", username="nabz-bridge", password="nope")
        assert rc == 5
        s.close()
        good = b.client(client_id="bridge-1", username="nabz-bridge", password="right")
        assert good.nabz_connack == 0
        user = b.client(client_id="api-user")
        data = w.wait_for(lambda d: d["active_connections"] == 2)
        time.sleep(0.3)
        data = w.stats()
        assert data["active_connections"] == 2
        assert data["total_sessions"] == 2
        assert data["client_types"] == {"api": 2}
        stop_client(good)
        stop_client(user)
        w.wait_for(lambda d: d["active_connections"] == 1)
    finally:
        w.close()


def test_rapid_connect_disconnect_cycles_end_at_baseline(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    addr = ("127.0.0.1", broker.port)
    for i in range(1000):
        kind = i % 4
        s = socket.create_connection(addr, timeout=5)
        if kind == 3:
            s.close()                       # never sends CONNECT
            continue
        s.sendall(connect_packet("api-churn-%d" % (i % 7)))
        if kind != 2:
            assert s.recv(4)[:2] == b"\x20\x02"
        if kind == 0:
            s.sendall(b"\xe0\x00")          # DISCONNECT
        s.close()                           # kinds 1 and 2: dropped
    data = watcher.wait_for(lambda d: d["active_connections"] == 1, timeout=15)
    time.sleep(0.3)
    data = watcher.stats()
    assert data["active_connections"] == 1
    assert data["client_types"] == {"api": 1}
    assert data["unique_users"] == 1
    # Each of the 750 CONNECTs was accepted (takeovers among the seven ids
    # included), so each is a session.
    assert data["total_sessions"] == 751


def test_unix_socket_clients_default_to_browser(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    s, rc = raw_connect(socket.AF_UNIX, broker.socket_path, "someone")
    assert rc == 0
    m, rc = raw_connect(socket.AF_UNIX, broker.socket_path, "mobile-over-ws")
    data = watcher.wait_for(lambda d: d["active_connections"] == 3)
    assert data["client_types"] == {"api": 1, "browser": 1, "mobile": 1}
    s.close()
    m.close()
    watcher.wait_for(lambda d: d["active_connections"] == 1)


def test_services_are_tracked_but_not_users(broker_factory):
    b = broker_factory(accounts={"nabz-bridge": "pw", "ops": "adminpw"},
                       options={"services": "nabz-bridge", "admins": "ops"}).start()
    w = Watcher(b)
    try:
        w.wait_for(lambda d: d["active_connections"] == 1)
        svc = b.client(client_id="nabz-bridge-1", username="nabz-bridge", password="pw")
        admin = b.client(client_id="api-ops", username="ops", password="adminpw")
        data = w.wait_for(lambda d: d["active_connections"] == 2)
        assert data["total_sessions"] == 2
        resp = control(admin, [{"command": "listSessions"}])
        sessions = resp["responses"][0]["data"]["sessions"]
        by_id = {s["client_id"]: s for s in sessions}
        assert by_id["nabz-bridge-1"]["service"] is True
        assert by_id["nabz-bridge-1"]["username"] == "nabz-bridge"
        assert by_id["api-ops"]["service"] is False
        assert by_id["watcher"]["address"] == "127.0.0.1"
        assert by_id["watcher"]["transport"] == "tcp"
        stop_client(svc)
        stop_client(admin)
    finally:
        w.close()


def test_unique_users_follow_hello(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    tabs = [broker.client(client_id="browser-tab-%d" % i) for i in range(3)]
    for t in tabs:
        resp = control(t, [{"command": "hello", "client_type": "browser", "user_id": "device-42",
                            "metadata": {"page": "/"}}])
        session = resp["responses"][0]["data"]
        assert session["client_type"] == "browser"
        assert session["metadata"] == {"page": "/"}
        assert len(session["session_id"]) == 36 and session["session_id"][14] == "4"
    data = watcher.wait_for(lambda d: d["active_connections"] == 4 and d["unique_users"] == 2)
    assert data["client_types"] == {"api": 1, "browser": 3}
    stop_client(tabs[0])
    data = watcher.wait_for(lambda d: d["active_connections"] == 3)
    assert data["unique_users"] == 2
    for t in tabs[1:]:
        stop_client(t)
    data = watcher.wait_for(lambda d: d["active_connections"] == 1)
    assert data["unique_users"] == 1


def test_sighup_keeps_sessions(broker_factory):
    b = broker_factory(accounts={"ops": "pw"}, options={"admins": "ops"}).start()
    w = Watcher(b)
    try:
        reader = b.client(client_id="browser-r")
        resp = control(reader, [{"command": "hello", "user_id": "dev-1", "metadata": {"page": "/"}}])
        session_id = resp["responses"][0]["data"]["session_id"]
        reader.subscribe("crypto/prices/+")
        admin = b.client(client_id="api-ops", username="ops", password="pw")
        w.wait_for(lambda d: d["active_connections"] == 3 and d["groups"]["prices"] == 1)
        b.proc.send_signal(1)                      # reload
        time.sleep(0.5)
        assert "Reloading config" in b.read_log()
        resp = control(admin, [{"command": "listSessions"}, {"command": "getStats"}])
        sessions = {s["client_id"]: s for s in resp["responses"][0]["data"]["sessions"]}
        assert sessions["browser-r"]["session_id"] == session_id
        assert sessions["browser-r"]["user_id"] == "dev-1"
        assert sessions["browser-r"]["groups"] == ["prices"]
        stats = resp["responses"][1]["data"]
        assert stats["active_connections"] == 3
        assert stats["total_sessions"] == 3
        assert "Client watcher disconnected" not in b.read_log()
        stop_client(reader)
        stop_client(admin)
    finally:
        w.close()
