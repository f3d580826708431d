"""The WebSocket listener: real clients over /mqtt and /ws, presence,
bad input, limits; the broker stays healthy after each."""
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request

import paho.mqtt.client as mqtt
import pytest

from nabz_broker import Watcher, control, stop_client
from ws_raw import HandshakeRefused, WsClient, mqtt_connect


def ws_client(broker, client_id="", path="/mqtt", protocol=mqtt.MQTTv311, headers=None):
    c = mqtt.Client(client_id=client_id, transport="websockets", protocol=protocol)
    c.ws_set_options(path=path, headers=headers)
    c.nabz_connected = threading.Event()
    c.on_connect = lambda *a, **k: c.nabz_connected.set()
    c.connect("127.0.0.1", broker.ws_port, keepalive=30)
    c.loop_start()
    assert c.nabz_connected.wait(5), "no CONNACK over WebSocket"
    return c


def http_get(broker, path):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d%s" % (broker.ws_port, path), timeout=5) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def wait_for_log(broker, text, timeout=5.0):
    """The broker log gets plugin lines from the lws thread at the next
    tick: wait for one instead of sleeping."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if text in broker.read_log():
            return
        time.sleep(0.05)
    raise AssertionError("not in the broker log within %.0f s: %r" % (timeout, text))


def assert_healthy(broker):
    # /health is 503 until the broker's first tick proves its loop runs
    # (a fresh broker, a few hundred ms): wait that out, no longer.
    deadline = time.time() + 3.0
    while True:
        status, _, body = http_get(broker, "/health")
        if status == 200 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert status == 200, body
    assert json.loads(body)["status"] == "healthy"
    # and MQTT over WebSocket still works
    c = ws_client(broker, client_id="web-probe")
    stop_client(c)


@pytest.mark.parametrize("path", ["/mqtt", "/ws"])
def test_paho_over_websocket_receives_tcp_publishes(broker_factory, path):
    b = broker_factory(accounts={"nabz-bridge": "pw"},
                       options={"publishers": "nabz-bridge", "services": "nabz-bridge"}).start()
    got = []
    done = threading.Event()
    c = ws_client(b, client_id="browser-1", path=path)

    def on_message(client, userdata, msg):
        got.append((msg.topic, msg.payload))
        if msg.topic == "crypto/prices/BTC":
            done.set()
    c.on_message = on_message
    sub = threading.Event()
    c.on_subscribe = lambda *a: sub.set()
    c.subscribe("crypto/prices/#", qos=1)
    assert sub.wait(5)
    pub = b.client(client_id="nabz-bridge", username="nabz-bridge", password="pw")
    payload = json.dumps({"type": "price_update", "data": {"symbol": "BTC", "price_usd": 97000.5}})
    pub.publish("crypto/prices/BTC", payload, qos=1)
    assert done.wait(5)
    assert (("crypto/prices/BTC", payload.encode())) in got
    stop_client(pub)
    stop_client(c)


def test_ws_clients_are_browsers_with_their_real_address(broker_factory):
    b = broker_factory(accounts={"ops": "pw"}, options={"admins": "ops"}).start()
    w = Watcher(b)
    c = ws_client(b, client_id="someone", headers={"Origin": "http://dash.example",
                                                  "User-Agent": "nabz-test/1"})
    v5 = ws_client(b, client_id="mobile-ws", protocol=mqtt.MQTTv5)
    data = w.wait_for(lambda d: d["active_connections"] == 3)
    assert data["client_types"] == {"api": 1, "browser": 1, "mobile": 1}
    admin = b.client(client_id="api-ops", username="ops", password="pw")
    resp = control(admin, [{"command": "listSessions"}])
    sessions = {s["client_id"]: s for s in resp["responses"][0]["data"]["sessions"]}
    s = sessions["someone"]
    assert s["transport"] == "websocket"
    assert s["address"] == "127.0.0.1"
    assert s["origin"] == "http://dash.example"
    assert s["user_agent"] == "nabz-test/1"
    assert sessions["mobile-ws"]["transport"] == "websocket"
    for x in (c, v5, admin):
        stop_client(x)
    w.close()


def test_empty_client_id_gets_a_generated_one(broker, watcher):
    ws = WsClient(broker.ws_port)
    ws.send_frame(mqtt_connect(""))
    assert ws.recv_mqtt(4) == b"\x20\x02\x00\x00"
    data = watcher.wait_for(lambda d: d["active_connections"] == 2)
    assert data["client_types"] == {"api": 1, "browser": 1}
    ws.close()
    watcher.wait_for(lambda d: d["active_connections"] == 1)


def test_connect_split_into_one_byte_frames(broker, watcher):
    ws = WsClient(broker.ws_port)
    packet = mqtt_connect("web-split") + b"\x82\x0d\x00\x01\x00\x08crypto/#\x00"  # + SUBSCRIBE
    for i in range(len(packet)):
        ws.send_frame(packet[i:i + 1])
    assert ws.recv_mqtt(4) == b"\x20\x02\x00\x00"
    data = watcher.wait_for(lambda d: d["active_connections"] == 2 and d["groups"]["news"] == 1)
    assert data["client_types"]["browser"] == 1
    ws.close()


@pytest.mark.parametrize("first", [
    b"\x30\x05\x00\x03abc",                       # a PUBLISH first
    b"GET / HTTP/1.1\r\n\r\n",                    # not MQTT at all
    b"\x10\x0c\x00\x04MQTX\x04\x02\x00\x3c\x00\x00",  # bad protocol name
    b"\x10\xff\xff\xff\xff\x7f",                  # malformed length
])
def test_garbage_first_packet_is_refused(broker, first):
    ws = WsClient(broker.ws_port)
    ws.send_frame(first)
    op, payload = ws.recv_frame()
    assert op == 0x8 and payload[:2] == b"\x03\xea"      # close, 1002 protocol error
    ws.close()
    wait_for_log(broker, "refused WebSocket client 127.0.0.1")
    assert_healthy(broker)


def test_text_frames_and_oversized_messages_close_the_connection(broker_factory):
    b = broker_factory(options={"ws_max_message_bytes": "4096"}).start()
    ws = WsClient(b.ws_port)
    ws.send_frame(mqtt_connect("web-big"))
    assert ws.recv_mqtt(4)[:2] == b"\x20\x02"
    ws.send_frame(b"\x30" + b"\xff" * 3 + b"\x01" + b"x" * 5000)
    op, payload = ws.recv_frame()
    assert op == 0x8 and payload[:2] == b"\x03\xf1"      # 1009 message too big
    ws.close()
    # none of the refused message reached the broker (a message goes on
    # once whole): the broker saw a client that went, not a bad packet
    wait_for_log(b, "web-big")
    time.sleep(0.3)
    assert "oversize packet" not in b.read_log()
    ws = WsClient(b.ws_port)
    ws.send_frame(mqtt_connect("web-text"), opcode=0x1)
    op, payload = ws.recv_frame()
    assert op == 0x8 and payload[:2] == b"\x03\xeb"      # 1003
    ws.close()
    status, _, body = http_get(b, "/metrics")
    text = body.decode()
    assert 'nabz_ws_refused_total{reason="too_large"} 1' in text
    assert 'nabz_ws_refused_total{reason="protocol"} 1' in text
    assert_healthy(b)


@pytest.mark.parametrize("kwargs,reason,status", [
    ({"protocol": None}, "subprotocol", 400),
    ({"protocol": "chat"}, "subprotocol", 400),
    ({"protocol": "chat, mqttv3.1"}, None, None),      # one of ours anywhere in the list will do
    ({"path": "/other"}, "path", 404),
])
def test_bad_handshakes_are_refused(broker, kwargs, reason, status):
    if reason is None:
        ws = WsClient(broker.ws_port, **kwargs)
        ws.send_frame(mqtt_connect("web-listed"))
        assert ws.recv_mqtt(4)[:2] == b"\x20\x02"
        ws.close()
        return
    with pytest.raises(HandshakeRefused) as refused:
        WsClient(broker.ws_port, **kwargs)
    # an HTTP answer a browser's devtools (and a reverse proxy) can show
    assert refused.value.status_line.split()[1] == str(status), refused.value.status_line
    _, _, body = http_get(broker, "/metrics")
    assert ('nabz_ws_refused_total{reason="%s"} 1' % reason) in body.decode()
    wait_for_log(broker, "refused WebSocket client 127.0.0.1: ")
    assert_healthy(broker)


def test_refusals_are_logged_once_per_reason_and_interval(broker):
    for _ in range(20):
        with pytest.raises(HandshakeRefused):
            WsClient(broker.ws_port, path="/flood")
    _, _, body = http_get(broker, "/metrics")
    assert 'nabz_ws_refused_total{reason="path"} 20' in body.decode()
    wait_for_log(broker, "served on /mqtt and /ws only")
    time.sleep(0.3)
    assert broker.read_log().count("served on /mqtt and /ws only") == 1


def test_origin_allowlist(broker_factory):
    b = broker_factory(options={"ws_origins": "https://nabz.example", "ws_allow_missing_origin": "false"}).start()
    with pytest.raises(HandshakeRefused) as refused:
        WsClient(b.ws_port, origin="https://evil.example")
    assert " 403 " in refused.value.status_line + " "
    wait_for_log(b, "Origin https://evil.example is not in ws_origins")
    with pytest.raises(HandshakeRefused) as refused:
        WsClient(b.ws_port)                                   # no Origin
    assert " 403 " in refused.value.status_line + " "
    ok = WsClient(b.ws_port, origin="https://nabz.example")
    ok.send_frame(mqtt_connect("web-ok"))
    assert ok.recv_mqtt(4)[:2] == b"\x20\x02"
    ok.close()
    _, _, body = http_get(b, "/metrics")
    assert 'nabz_ws_refused_total{reason="origin"} 2' in body.decode()


def test_per_ip_limit_and_trusted_proxy(broker_factory):
    b = broker_factory(options={"ws_max_connections_per_ip": "3",
                                "ws_trusted_proxies": "127.0.0.1"}).start()
    held = [WsClient(b.ws_port, headers={"X-Forwarded-For": "203.0.113.7"}) for _ in range(3)]
    with pytest.raises(HandshakeRefused) as refused:
        WsClient(b.ws_port, headers={"X-Forwarded-For": "203.0.113.7"})
    assert " 429 " in refused.value.status_line + " "
    wait_for_log(b, "refused WebSocket client 203.0.113.7: ws_max_connections_per_ip (3) reached")
    # Another client behind the same proxy is someone else; a forged hop
    # left of the real one does not help either.
    other = WsClient(b.ws_port, headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})
    other.send_frame(mqtt_connect("web-xff"))
    assert other.recv_mqtt(4)[:2] == b"\x20\x02"
    _, _, body = http_get(b, "/metrics")
    assert 'nabz_ws_refused_total{reason="per_ip"} 1' in body.decode()
    for h in held:
        h.close()
    other.close()
    time.sleep(0.3)
    again = WsClient(b.ws_port, headers={"X-Forwarded-For": "203.0.113.7"})   # released
    again.close()


def test_abrupt_drops_return_counts_to_baseline(broker_factory):
    broker = broker_factory(options={"ws_max_connections_per_ip": "1000"}).start()
    watcher = Watcher(broker)
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    clients = []
    for i in range(500):
        ws = WsClient(broker.ws_port)
        ws.send_frame(mqtt_connect("web-drop-%d" % i))
        clients.append(ws)
    for ws in clients:
        assert ws.recv_mqtt(4)[:2] == b"\x20\x02"
    watcher.wait_for(lambda d: d["active_connections"] == 501, timeout=20)
    t0 = time.monotonic()
    for ws in clients:
        ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        ws.close()                                            # RST, no close frame
    watcher.wait_for(lambda d: d["active_connections"] == 1, timeout=10)
    assert time.monotonic() - t0 < 2.0
    assert_healthy(broker)
    watcher.close()


def test_dead_connections_are_found_by_ping_and_live_ones_kept(broker_factory):
    """A browser gone without a FIN, with MQTT keepalive 0, would be
    counted online forever: the listener PINGs an idle WebSocket and closes
    it when no PONG comes; one that answers stays."""
    broker = broker_factory(options={"ws_ping_interval_s": "1", "ws_pong_timeout_s": "1"}).start()
    watcher = Watcher(broker)
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    dead, alive = WsClient(broker.ws_port), WsClient(broker.ws_port)
    dead.send_frame(mqtt_connect("web-dead", keepalive=0))
    alive.send_frame(mqtt_connect("web-alive", keepalive=0))
    assert dead.recv_mqtt(4)[:2] == b"\x20\x02"
    assert alive.recv_mqtt(4)[:2] == b"\x20\x02"
    watcher.wait_for(lambda d: d["active_connections"] == 3)
    # dead: reads nothing, answers nothing from now on. alive: answers PINGs.
    pings, t0 = 0, time.monotonic()
    alive.sock.settimeout(0.2)
    while time.monotonic() - t0 < 4.5:
        try:
            op, payload = alive.recv_frame()
        except socket.timeout:
            continue
        assert op == 0x9, "alive got opcode %#x" % op
        pings += 1
        alive.send_frame(payload, opcode=0xA)
    assert pings >= 2
    watcher.wait_for(lambda d: d["active_connections"] == 2, timeout=3)   # the dead one is out
    # the live one still carries MQTT (PINGREQ -> PINGRESP), then leaves
    alive.sock.settimeout(3)
    alive.send_frame(b"\xc0\x00")
    while True:
        op, payload = alive.recv_frame()
        if op == 0x9:
            alive.send_frame(payload, opcode=0xA)
            continue
        assert op == 0x2 and payload == b"\xd0\x00"
        break
    alive.close()
    watcher.wait_for(lambda d: d["active_connections"] == 1, timeout=3)
    # the dead one got PINGs, then the connection was closed on it
    dead.sock.settimeout(3)
    opcodes = []
    with pytest.raises((ConnectionError, OSError)):
        while True:
            op, _ = dead.recv_frame()
            opcodes.append(op)
    assert 0x9 in opcodes, opcodes
    assert_healthy(broker)
    watcher.close()


def test_client_that_stops_reading_is_cut_off_and_others_get_everything(broker_factory):
    b = broker_factory(accounts={"nabz-bridge": "pw"},
                       options={"publishers": "nabz-bridge", "services": "nabz-bridge",
                                "ws_buffer_bytes": "65536"}).start()
    stalled = WsClient(b.ws_port)
    stalled.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.send_frame(mqtt_connect("web-stalled"))
    assert stalled.recv_mqtt(4)[:2] == b"\x20\x02"
    stalled.send_frame(b"\x82\x0d\x00\x01\x00\x08crypto/#\x00")   # SUBSCRIBE crypto/#
    got = []
    done = threading.Event()
    reader = ws_client(b, client_id="browser-reader")
    n = 500

    def on_message(c, u, m):
        if m.topic == "crypto/news":
            got.append(m.payload)
            if len(got) == n:
                done.set()
    reader.on_message = on_message
    sub = threading.Event()
    reader.on_subscribe = lambda *a: sub.set()
    reader.subscribe("crypto/news", qos=1)
    assert sub.wait(5)
    time.sleep(0.3)
    pub = b.client(client_id="nabz-bridge", username="nabz-bridge", password="pw")
    body = "x" * 8000   # 4 MB in all: more than loopback's socket buffers hold
    for i in range(n):
        pub.publish("crypto/news", json.dumps({"type": "news", "data": {"i": i, "body": body}}), qos=1)
        # Paced so the (Python) reader keeps up on a loaded machine: it has
        # the same 64 KiB limit, and only the stalled client may be cut off.
        time.sleep(0.003)
    assert done.wait(30), "reader got %d of %d" % (len(got), n)
    assert [json.loads(p)["data"]["i"] for p in got] == list(range(n))
    deadline = time.time() + 10
    while time.time() < deadline:
        _, _, metrics = http_get(b, "/metrics")
        if "nabz_ws_slow_consumer_disconnects_total 1" in metrics.decode():
            break
        time.sleep(0.2)
    assert "nabz_ws_slow_consumer_disconnects_total 1" in metrics.decode()
    assert "does not read fast enough" in b.read_log()
    stalled.close()
    stop_client(reader)
    stop_client(pub)
    assert_healthy(b)


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd", "/static/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2e%2e%2f%2e%2e%2fetc/passwd", "/..%2f..%2fetc/passwd", "/static/..%5c..%5cetc%5cpasswd",
    "/%252e%252e/etc/passwd", "/static/....//....//etc/passwd", "/.%00./etc/passwd",
])
def test_path_traversal_never_leaves_the_web_root(broker, path):
    s = socket.create_connection(("127.0.0.1", broker.ws_port), timeout=5)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    status = data.split(b"\r\n", 1)[0]
    assert b"root:" not in data
    assert status == b"" or b" 4" in status, status


def test_http_endpoints(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    status, headers, body = http_get(broker, "/health")
    assert status == 200 and headers["content-type"].startswith("application/json")
    health = json.loads(body)
    assert health["status"] == "healthy" and health["active_connections"] == 1
    assert set(health) == {"status", "uptime_s", "active_connections", "total_sessions"}
    status, headers, body = http_get(broker, "/api/stats")
    stats = json.loads(body)
    assert status == 200 and stats["active_connections"] == 1 and set(stats["groups"]) == {
        "prices", "market", "news", "alerts", "signals", "chat"}
    status, headers, body = http_get(broker, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "max-age" in headers.get("cache-control", "")
    assert "nabz".encode() in body
    status, _, _ = http_get(broker, "/no-such-page")
    assert status == 404
    status, _, _ = http_get(broker, "/static/no-such-file.js")
    assert status == 404


def parse_prometheus(text):
    """A strict reader of the text format: HELP/TYPE before samples,
    every sample of a declared family, values numeric."""
    import re
    types, samples = {}, {}
    sample_re = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*)?\})? (\S+)$')
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge"), line
            types[name] = kind
            continue
        m = sample_re.match(line)
        assert m, "bad line: %r" % line
        assert m.group(1) in types, "sample before TYPE: %r" % line
        samples[m.group(1) + (m.group(2) or "")] = float(m.group(5))
    return types, samples


def test_metrics_are_prometheus_text(broker, watcher):
    c = ws_client(broker, client_id="browser-m")
    c.subscribe("crypto/prices/+")
    watcher.wait_for(lambda d: d["groups"]["prices"] == 1)
    time.sleep(0.2)
    status, headers, body = http_get(broker, "/metrics")
    assert status == 200 and headers["content-type"].startswith("text/plain; version=0.0.4")
    types, samples = parse_prometheus(body.decode())
    assert samples["nabz_active_connections"] == 2
    assert samples['nabz_connections{client_type="browser"}'] == 1
    assert samples['nabz_group_subscribers{group="prices"}'] == 1
    assert samples["nabz_ws_connections"] == 1
    assert samples['nabz_ws_bytes_total{direction="in"}'] > 0
    assert samples['nabz_ws_bytes_total{direction="out"}'] > 0
    for name in ("nabz_unique_users", "nabz_total_sessions", "nabz_peak_connections", "nabz_uptime_seconds",
                 "nabz_ws_slow_consumer_disconnects_total"):
        assert name in samples
    assert types["nabz_total_sessions"] == "counter"
    stop_client(c)


def test_health_is_degraded_without_the_broker_socket(broker_factory):
    b = broker_factory(options={"ws_broker_socket": "/nonexistent/mqtt.sock"}).start()
    status, _, body = http_get(b, "/health")
    assert status == 503 and json.loads(body)["status"] == "degraded"
    ws = WsClient(b.ws_port)
    ws.send_frame(mqtt_connect("web-nobroker"))
    ws.sock.settimeout(20)
    with pytest.raises((ConnectionError, OSError)):
        ws.recv_mqtt(4)


@pytest.mark.parametrize("sig", [15, 1])
def test_signals_with_websocket_clients_connected(broker, sig):
    clients = [ws_client(broker, client_id="browser-sig-%d" % i) for i in range(20)]
    raw = WsClient(broker.ws_port)                      # mid-handshake: no CONNECT yet
    broker.proc.send_signal(sig)
    time.sleep(0.5)
    if sig == 1:
        assert broker.proc.poll() is None
        assert_healthy(broker)
    else:
        assert broker.proc.wait(10) == 0
    for c in clients:
        c.loop_stop()
    raw.close()


def test_silent_clients_are_closed_after_the_handshake_timeout(broker_factory):
    b = broker_factory(options={"ws_handshake_timeout_s": "1"}).start()
    ws = WsClient(b.ws_port)                     # upgrades, then never sends CONNECT
    ws.sock.settimeout(5)
    t0 = time.monotonic()
    with pytest.raises((ConnectionError, OSError)):
        while True:
            op, _ = ws.recv_frame()
            if op == 0x8:
                raise ConnectionError("closed")
    assert 0.8 < time.monotonic() - t0 < 4
    # a silent TCP connection that never upgrades is dropped too
    s = socket.create_connection(("127.0.0.1", b.ws_port), timeout=6)
    t0 = time.monotonic()
    assert s.recv(100) == b""
    assert time.monotonic() - t0 < 5
    s.close()
    _, _, body = http_get(b, "/metrics")
    assert 'nabz_ws_refused_total{reason="timeout"} 1' in body.decode()
    assert_healthy(b)


def test_total_connection_limit(broker_factory):
    b = broker_factory(options={"ws_max_connections": "5"}).start()
    held = [WsClient(b.ws_port) for _ in range(5)]
    with pytest.raises(HandshakeRefused) as refused:
        WsClient(b.ws_port)
    assert " 503 " in refused.value.status_line + " "
    _, _, body = http_get(b, "/metrics")
    text = body.decode()
    assert 'nabz_ws_refused_total{reason="capacity"} 1' in text
    assert "nabz_ws_connections 5" in text
    held.pop().close()
    time.sleep(0.3)
    WsClient(b.ws_port).close()                  # room again
    for h in held:
        h.close()


def test_service_threads_share_the_port_the_limits_and_the_figures(broker_factory):
    """Three service threads on one port (SO_REUSEPORT): the kernel spreads
    the connections, yet the per-address limit holds across threads, and
    /metrics and the presence figures count every thread's clients."""
    b = broker_factory(options={"ws_threads": "3", "ws_max_connections_per_ip": "12",
                                "limit_exempt": "none"}).start()
    watcher = Watcher(b)
    held = [WsClient(b.ws_port) for _ in range(12)]
    with pytest.raises(HandshakeRefused) as refused:
        WsClient(b.ws_port)
    assert " 429 " in refused.value.status_line + " "
    for i, ws in enumerate(held):
        ws.send_frame(mqtt_connect("web-thread-%d" % i))
        assert ws.recv_mqtt(4)[:2] == b"\x20\x02"
    watcher.wait_for(lambda s: s["client_types"].get("browser") == 12)
    _, _, body = http_get(b, "/metrics")
    text = body.decode()
    assert "nabz_ws_connections 12" in text
    assert 'nabz_ws_refused_total{reason="per_ip"} 1' in text
    # each thread took some: the threads' own listening sockets, not one
    pids = {t for t in os.listdir("/proc/%d/task" % b.proc.pid)
            if open("/proc/%d/task/%s/comm" % (b.proc.pid, t)).read().startswith("nabz-ws-")}
    assert len(pids) == 3
    for ws in held:
        ws.close()
    watcher.wait_for(lambda s: not s["client_types"].get("browser"))
    watcher.close()
    assert_healthy(b)


def test_out_of_descriptors_the_listener_pauses_and_recovers(broker_factory):
    """The broker process at its open-files limit: the listener cannot
    accept, says so once, pauses instead of spinning on the queued
    connection, and serves again as soon as descriptors are free."""
    import resource
    b = broker_factory(options={"ws_threads": "1", "ws_handshake_timeout_s": "2"}).start()
    assert_healthy(b)
    held = ws_client(b, client_id="web-held")
    used = len(os.listdir("/proc/%d/fd" % b.proc.pid))
    soft, hard = resource.prlimit(b.proc.pid, resource.RLIMIT_NOFILE)
    resource.prlimit(b.proc.pid, resource.RLIMIT_NOFILE, (used, hard))    # not one more
    socks = []
    try:
        for _ in range(3):
            s = socket.create_connection(("127.0.0.1", b.ws_port))
            socks.append(s)                                 # queued in the kernel, not accepted
        wait_for_log(b, "WebSocket listener cannot accept")
        cpu0 = sum(int(x) for x in open("/proc/%d/stat" % b.proc.pid).read().split(")")[1].split()[11:13])
        time.sleep(1.0)
        cpu1 = sum(int(x) for x in open("/proc/%d/stat" % b.proc.pid).read().split(")")[1].split()[11:13])
        assert cpu1 - cpu0 < os.sysconf("SC_CLK_TCK") // 2, "the listener spins at the limit"
    finally:
        resource.prlimit(b.proc.pid, resource.RLIMIT_NOFILE, (soft, hard))
        for s in socks:
            s.close()
    # descriptors again: the held client never noticed, a new one gets in
    probe = ws_client(b, client_id="web-after")
    stop_client(probe)
    stop_client(held)
    assert_healthy(b)
    assert b.read_log().count("WebSocket listener cannot accept") == 1
