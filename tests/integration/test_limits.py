"""Connection limits per address and in total, over WebSocket and MQTT over
TCP: an IPv6 /64 is one address, loopback is exempt by default
(plugin_opt_limit_exempt), the first refusal for an address is logged once
and the rest only counted in /metrics. Every test connects from 127.0.0.1,
so the tests of a limit set limit_exempt to none."""
import socket
import time

import pytest

from nabz_broker import stop_client
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
