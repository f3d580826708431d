"""The details the listener keeps for the broker (address, Origin,
User-Agent by client id) until the broker authenticates the client: a
client id the broker would refuse is refused by the listener first, with
the CONNACK a broker sends, and nothing is left behind by connections the
broker never took."""
import os
import struct
import time
import urllib.request

import pytest

from ws_raw import WsClient


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def connect_packet(client_id, level=4):
    """A CONNECT with client_id given as raw bytes (any length, any bytes)."""
    name = b"MQTT" if level >= 4 else b"MQIsdp"
    var = struct.pack("!H", len(name)) + name + bytes([level, 0x02]) + struct.pack("!H", 60)
    if level == 5:
        var += b"\x00"
    body = var + struct.pack("!H", len(client_id)) + client_id
    return b"\x10" + varint(len(body)) + body


def metrics(broker):
    with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % broker.ws_port, timeout=5) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def wait_metric(broker, name, predicate, timeout=10.0):
    deadline = time.time() + timeout
    while True:
        value = metrics(broker).get(name)
        if value is not None and predicate(value):
            return value
        if time.time() > deadline:
            raise AssertionError("%s is %r" % (name, value))
        time.sleep(0.1)


def read_until_closed(ws):
    """Every frame until the server closes: [(opcode, payload)]."""
    frames = []
    ws.sock.settimeout(5)
    try:
        while True:
            op, payload = ws.recv_frame()
            frames.append((op, payload))
            if op == 0x8:
                break
    except ConnectionError:
        pass
    return frames


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


BAD_IDS = [
    pytest.param(b"\xff\xfe", id="not-utf8"),
    pytest.param(b"a\xc0\xafb", id="overlong"),
    pytest.param(b"\xed\xa0\x80", id="surrogate"),
    pytest.param(b"a\x00b", id="nul"),
    pytest.param(b"a\x01b", id="control"),
    pytest.param(b"x" * 257, id="too-long"),
]


@pytest.mark.parametrize("client_id", BAD_IDS)
@pytest.mark.parametrize("level,connack", [
    (3, b"\x20\x02\x00\x02"),             # 3.1: identifier rejected
    (4, b"\x20\x02\x00\x02"),             # 3.1.1: identifier rejected
    (5, b"\x20\x03\x00\x85\x00"),         # 5: Client Identifier not valid, no properties
])
def test_a_client_id_the_broker_would_refuse_gets_identifier_rejected(broker, client_id, level, connack):
    ws = WsClient(broker.ws_port)
    ws.send_frame(connect_packet(client_id, level))
    frames = read_until_closed(ws)
    # the CONNACK, then the end (lws 4.1.6 closes the socket here without a
    # close frame, as it does after a broker's own refusal)
    assert frames[0] == (0x2, connack), frames
    assert all(op == 0x8 for op, _ in frames[1:]), frames
    ws.close()
    assert metrics(broker)['nabz_ws_refused_total{reason="bad_connect"}'] == 1
    assert metrics(broker)["nabz_ws_pending_details"] == 0


def test_the_longest_client_id_allowed_connects(broker):
    ws = WsClient(broker.ws_port)
    ws.send_frame(connect_packet("é".encode() * 128))          # 256 bytes of UTF-8
    assert ws.recv_mqtt(4) == b"\x20\x02\x00\x00"
    ws.close()


def test_connections_the_broker_never_took_leave_no_details(broker_factory):
    # The broker refuses ids without the prefix before it authenticates
    # (clientid_prefixes), so nobody takes their details.
    b = broker_factory(options={"ws_max_connections_per_ip": "1000"},
                       extra_conf="clientid_prefixes ok-").start()
    clients = []
    for i in range(60):
        ws = WsClient(b.ws_port)
        if i % 3 == 0:
            ws.send_frame(connect_packet(b"refused-%d" % i))       # valid, refused by the broker
        elif i % 3 == 1:
            ws.send_frame(connect_packet(b"%d" % i + b"\xff" * 1000))   # invalid UTF-8
        else:
            ws.send_frame(connect_packet(b"%d" % i + b"y" * 60000))     # over-long
        clients.append(ws)
    for ws in clients:
        frames = read_until_closed(ws)
        assert frames and frames[0][0] == 0x2, frames                 # a CONNACK, from one or the other
        assert frames[0][1][3] != 0, frames                            # refused
        ws.close()
    ok = WsClient(b.ws_port)
    ok.send_frame(connect_packet(b"ok-1"))
    assert ok.recv_mqtt(4) == b"\x20\x02\x00\x00"
    wait_metric(b, "nabz_ws_pending_details", lambda v: v == 0)
    assert metrics(b)["nabz_ws_pending_details_bytes"] == 0
    ok.close()


def test_a_newer_connection_keeps_its_details_when_an_older_one_with_its_id_goes(broker_factory):
    # No broker to reach: each connection's details wait while it dials.
    b = broker_factory(options={"ws_broker_socket": "/nonexistent/mqtt.sock",
                                "ws_handshake_timeout_s": "30"}).start()
    older = WsClient(b.ws_port)
    older.send_frame(connect_packet(b"same-id"))
    wait_metric(b, "nabz_ws_pending_details", lambda v: v == 1)
    newer = WsClient(b.ws_port)
    newer.send_frame(connect_packet(b"same-id"))
    other = WsClient(b.ws_port)
    other.send_frame(connect_packet(b"other-id"))
    wait_metric(b, "nabz_ws_pending_details", lambda v: v == 2)   # newer replaced older's
    older.close()
    time.sleep(0.5)
    assert metrics(b)["nabz_ws_pending_details"] == 2             # not newer's
    other.close()
    wait_metric(b, "nabz_ws_pending_details", lambda v: v == 1)
    newer.close()
    wait_metric(b, "nabz_ws_pending_details", lambda v: v == 0)
    assert metrics(b)["nabz_ws_pending_details_bytes"] == 0


@pytest.mark.skipif(os.environ.get("NABZ_SANITIZE") == "1",
                    reason="ASan keeps freed memory in quarantine: RSS says nothing there")
def test_broker_memory_stays_flat_under_huge_invalid_client_ids(broker_factory):
    """A smaller version of the probe that found it: connections whose
    CONNECT carries a 60,000-byte client id of invalid UTF-8 used to leave
    it behind for 60 s each."""
    b = broker_factory(options={"ws_max_connections_per_ip": "1000"}).start()
    serial = iter(range(1000000))

    def batch(n):
        for _ in range(n // 10):
            group = [WsClient(b.ws_port) for _ in range(10)]
            for ws in group:
                ws.send_frame(connect_packet(b"%06d" % next(serial) + b"\xff" * 60000))
            for ws in group:
                read_until_closed(ws)
                ws.close()
    batch(30)                       # the allocator's working set
    before = rss_kb(b.proc.pid)
    batch(300)                      # 18 MB of ids
    after = rss_kb(b.proc.pid)
    assert after - before < 4096, "RSS grew by %d kB" % (after - before)
    assert metrics(b)["nabz_ws_pending_details"] == 0
