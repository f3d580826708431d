"""Connection limits per address and in total, over WebSocket and MQTT over
TCP: an IPv6 /64 is one address, loopback is exempt by default
(plugin_opt_limit_exempt), the first refusal for an address is logged once
and the rest only counted in /metrics. Every test connects from 127.0.0.1,
so the tests of a limit set limit_exempt to none."""
import socket
import time

import pytest

from mqtt_packets import connect_packet
from ws_raw import HandshakeRefused, WsClient, mqtt_connect
from test_ws import http_get, wait_for_log


def metric(broker, line_start):
    """The value of the /metrics line that starts with line_start."""
    _, _, body = http_get(broker, "/metrics")
    for line in body.decode().splitlines():
        if line.startswith(line_start + " "):
            return int(line.split()[-1])
    raise AssertionError("no %r in /metrics:\n%s" % (line_start, body.decode()))


def ws_via_proxy(broker, client):
    return WsClient(broker.ws_port, headers={"X-Forwarded-For": client})


# ---- WebSocket --------------------------------------------------------


def test_ws_loopback_is_exempt_by_default(broker_factory):
    """A same-host proxy or a load test is one address: the default
    exemption lets it past the per-address limit (the total still holds)."""
    b = broker_factory(options={"ws_max_connections_per_ip": "2"}).start()
    held = []
    for i in range(6):
        ws = WsClient(b.ws_port)
        ws.send_frame(mqtt_connect("web-lo-%d" % i))
        assert ws.recv_mqtt(4)[:2] == b"\x20\x02"
        held.append(ws)
    assert metric(b, 'nabz_ws_refused_total{reason="per_ip"}') == 0
    for ws in held:
        ws.close()


def test_ws_ipv6_64_is_one_address_and_refusals_logged_once(broker_factory):
    b = broker_factory(options={"ws_max_connections_per_ip": "2", "limit_exempt": "none",
                                "ws_trusted_proxies": "127.0.0.1"}).start()
    held = [ws_via_proxy(b, "2001:db8:1:2::1"), ws_via_proxy(b, "2001:db8:1:2:ffff:1:2:3")]
    # a third address of the same /64 is the same subscriber
    for _ in range(5):
        with pytest.raises(HandshakeRefused) as refused:
            ws_via_proxy(b, "2001:db8:1:2::99")
        assert " 429 " in refused.value.status_line + " "
    # the next /64, and IPv4 clients, are someone else
    other = ws_via_proxy(b, "2001:db8:1:3::1")
    v4 = ws_via_proxy(b, "::ffff:198.51.100.4")
    v4b = ws_via_proxy(b, "198.51.100.4")
    with pytest.raises(HandshakeRefused):
        ws_via_proxy(b, "198.51.100.4")        # mapped and plain IPv4: one address
    wait_for_log(b, "address 2001:db8:1:2::/64 reached ws_max_connections_per_ip (2); "
                    "further refusals for it are counted in /metrics")
    wait_for_log(b, "address 198.51.100.4 reached ws_max_connections_per_ip (2)")
    time.sleep(0.3)
    assert b.read_log().count("address 2001:db8:1:2::/64 reached") == 1
    assert metric(b, 'nabz_ws_refused_total{reason="per_ip"}') == 6
    for ws in held + [other, v4, v4b]:
        ws.close()


# ---- MQTT over TCP ----------------------------------------------------

NOT_AUTHORISED = b"\x20\x02\x00\x05"     # MQTT 3.1.1 CONNACK, return code 5
ACCEPTED = b"\x20\x02\x00\x00"


def tcp_connect(broker, client_id, username=None, password=None):
    """A raw MQTT 3.1.1 connection; returns (socket, CONNACK bytes)."""
    sock = socket.create_connection(("127.0.0.1", broker.port), timeout=5)
    sock.sendall(connect_packet(client_id, username=username, password=password))
    connack = b""
    while len(connack) < 4:
        chunk = sock.recv(4 - len(connack))
        if not chunk:
            break
        connack += chunk
    return sock, connack


def is_closed(sock):
    """True once the peer closed or reset the connection (no waiting)."""
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            raise AssertionError("not within %.0f s: %s" % (timeout, what))
        time.sleep(0.1)


def metric_at_least(broker, line_start, value, timeout=5.0):
    """/metrics gets the broker thread's figures within 500 ms."""
    wait_until(lambda: metric(broker, line_start) >= value, timeout,
               "%s >= %d (now %d)" % (line_start, value, metric(broker, line_start)))


def test_tcp_sockets_without_connect_are_closed_after_the_timeout(broker_factory):
    """2.0.11 alone keeps a silent socket 90 s and one that trickles a long
    CONNECT for ever; the plugin closes both after tcp_connect_timeout_s,
    and leaves connected clients alone."""
    b = broker_factory(options={"tcp_connect_timeout_s": "2"}).start()
    live, connack = tcp_connect(b, "live-client")
    assert connack == ACCEPTED
    idle = [socket.create_connection(("127.0.0.1", b.port)) for _ in range(40)]
    # a CONNECT announcing 100,000 bytes, then a byte now and then
    trickle = socket.create_connection(("127.0.0.1", b.port))
    trickle.sendall(b"\x10\xa0\x8d\x06")
    t0 = time.time()
    deadline = t0 + 15
    while time.time() < deadline and not (is_closed(trickle) and all(is_closed(s) for s in idle)):
        if not is_closed(trickle):
            trickle.sendall(b"\x00")
        time.sleep(0.5)
    assert all(is_closed(s) for s in idle), "silent sockets still open after %.0f s" % (time.time() - t0)
    assert is_closed(trickle), "a trickled CONNECT still open"
    assert time.time() - t0 >= 1.5                           # not before the timeout
    metric_at_least(b, 'nabz_tcp_closed_total{reason="connect_timeout"}', 41)
    wait_for_log(b, "before its CONNECT: no CONNECT within tcp_connect_timeout_s (2 s)")
    # the connected client never noticed
    live.sendall(b"\xc0\x00")                                 # PINGREQ
    assert live.recv(2) == b"\xd0\x00"
    live.close()
    for s in idle + [trickle]:
        s.close()


def test_tcp_per_address_limit_at_connect(broker_factory):
    b = broker_factory(options={"tcp_max_connections_per_ip": "3", "limit_exempt": "none",
                                "publishers": "pub"},
                       accounts={"pub": "pub-pw"}).start()
    held = []
    for i in range(3):
        sock, connack = tcp_connect(b, "tcp-%d" % i)
        assert connack == ACCEPTED
        held.append(sock)
    for i in range(4):
        sock, connack = tcp_connect(b, "tcp-over-%d" % i)
        assert connack == NOT_AUTHORISED
        sock.close()
    # a named account is let in: the password file vouches for it
    pub, connack = tcp_connect(b, "publisher", "pub", "pub-pw")
    assert connack == ACCEPTED
    metric_at_least(b, 'nabz_tcp_refused_total{reason="per_ip"}', 4)
    assert metric(b, "nabz_tcp_connections") == 3
    wait_for_log(b, "address 127.0.0.1 reached tcp_max_connections_per_ip (3); "
                    "further refusals for it are counted in /metrics")
    wait_for_log(b, "refused TCP client tcp-over-0 from 127.0.0.1: tcp_max_connections_per_ip (3) reached")
    time.sleep(0.3)
    log = b.read_log()
    assert log.count("reached tcp_max_connections_per_ip (3); further") == 1
    assert "refused TCP client tcp-over-1" not in log          # one line per reason and 10 s
    # one leaves: room for one more
    held.pop().close()
    wait_until(lambda: metric(b, "nabz_tcp_connections") == 2, 5, "the departure counted")
    sock, connack = tcp_connect(b, "tcp-again")
    assert connack == ACCEPTED
    for s in held + [sock, pub]:
        s.close()


def test_tcp_per_address_limit_counts_sockets_before_connect(broker_factory):
    b = broker_factory(options={"tcp_max_connections_per_ip": "3", "limit_exempt": "none",
                                "tcp_connect_timeout_s": "60"}).start()
    first, connack = tcp_connect(b, "tcp-first")
    assert connack == ACCEPTED
    idle = [socket.create_connection(("127.0.0.1", b.port)) for _ in range(8)]
    # one session + 2 silent sockets fit; the sweep closes the other 6
    wait_until(lambda: sum(is_closed(s) for s in idle) >= 6, 10, "silent sockets over the limit closed")
    time.sleep(1.5)                                           # another sweep: no more closed
    assert sum(is_closed(s) for s in idle) == 6
    metric_at_least(b, 'nabz_tcp_closed_total{reason="per_ip"}', 6)
    assert metric(b, 'nabz_tcp_closed_total{reason="connect_timeout"}') == 0
    assert first.sendall(b"\xc0\x00") is None and first.recv(2) == b"\xd0\x00"
    for s in idle + [first]:
        s.close()


def test_tcp_total_limit(broker_factory):
    b = broker_factory(options={"tcp_max_connections": "3", "services": "svc"},
                       accounts={"svc": "svc-pw"}).start()
    held = []
    for i in range(3):
        sock, connack = tcp_connect(b, "tcp-%d" % i)
        assert connack == ACCEPTED
        held.append(sock)
    sock, connack = tcp_connect(b, "tcp-over")
    assert connack == NOT_AUTHORISED
    sock.close()
    svc, connack = tcp_connect(b, "svc-1", "svc", "svc-pw")
    assert connack == ACCEPTED                                # named accounts: always
    metric_at_least(b, 'nabz_tcp_refused_total{reason="capacity"}', 1)
    wait_for_log(b, "refused TCP client tcp-over from 127.0.0.1: tcp_max_connections (3) reached")
    for s in held + [svc]:
        s.close()


def test_tcp_loopback_is_exempt_by_default(broker_factory):
    b = broker_factory(options={"tcp_max_connections_per_ip": "2"}).start()
    held = []
    for i in range(6):
        sock, connack = tcp_connect(b, "tcp-lo-%d" % i)
        assert connack == ACCEPTED
        held.append(sock)
    assert metric(b, 'nabz_tcp_refused_total{reason="per_ip"}') == 0
    for s in held:
        s.close()


# ---- the open-files limit ----------------------------------------------


def test_warns_at_start_when_the_open_files_limit_is_too_low(broker_factory):
    low = broker_factory(nofile=4096).start()
    wait_for_log(low, "the open-files limit (RLIMIT_NOFILE) is 4096, below the 81024 the configured "
                      "limits need (3 x ws_max_connections + tcp_max_connections + 1024)")
    enough = broker_factory(nofile=4096, options={"ws_max_connections": "500",
                                                  "tcp_max_connections": "500"}).start()
    time.sleep(0.3)
    assert "RLIMIT_NOFILE" not in enough.read_log()


def test_a_packet_announced_past_max_packet_size_is_refused_unread(broker):
    # 2.0.11 allocates whatever length a packet announces once its length
    # is read (lib/packet_mosq.c packet__read); mosquitto.conf's
    # max_packet_size (1 MiB) refuses it first, so an anonymous socket
    # cannot make the broker hold 256 MiB while it trickles bytes.
    sock = socket.create_connection(("127.0.0.1", broker.port), timeout=5)
    sock.sendall(b"\x10\xff\xff\xff\x7f" + b"\x00" * 100)     # CONNECT of 268,435,455 bytes
    wait_until(lambda: is_closed(sock), 3, "the broker closes the connection")
    sock.close()
