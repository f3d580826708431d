"""wss:// and https:// on a TLS listener with its own certificate."""
import json
import os
import ssl
import subprocess
import urllib.request

from nabz_broker import Watcher, free_port
from ws_raw import WsClient, mqtt_connect


def self_signed(directory):
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    return cert, key


def test_wss_and_https(broker_factory):
    b = broker_factory()
    cert, key = self_signed(b.dir)
    tls_port = free_port()
    b.options.update({"ws_tls_listeners": "127.0.0.1:%d" % tls_port,
                      "ws_tls_cert": cert, "ws_tls_key": key})
    b.start()
    w = Watcher(b)
    ws = WsClient(tls_port, tls=True)
    ws.send_frame(mqtt_connect("web-tls"))
    assert ws.recv_mqtt(4)[:2] == b"\x20\x02"
    data = w.wait_for(lambda d: d["active_connections"] == 2)
    assert data["client_types"] == {"api": 1, "browser": 1}
    ctx = ssl.create_default_context(cafile=cert)
    ctx.check_hostname = False
    with urllib.request.urlopen("https://127.0.0.1:%d/api/stats" % tls_port, context=ctx, timeout=5) as r:
        assert json.loads(r.read())["active_connections"] == 2
    ws.close()
    w.close()


def test_unreadable_certificate_stops_the_broker(broker_factory):
    b = broker_factory()
    b.options.update({"ws_tls_listeners": "127.0.0.1:%d" % free_port(),
                      "ws_tls_cert": "/nonexistent/cert.pem", "ws_tls_key": "/nonexistent/key.pem"})
    b.start(wait=False)
    assert b.wait_exit(10) != 0
    assert "WebSocket listener: cannot listen on" in b.read_log()


def test_port_in_use_stops_the_broker_with_a_message(broker_factory):
    first = broker_factory().start()
    second = broker_factory()
    second.options["ws_listeners"] = "127.0.0.1:%d" % first.ws_port
    second.start(wait=False)
    assert second.wait_exit(10) != 0
    assert "WebSocket listener: cannot listen on 127.0.0.1:%d" % first.ws_port in second.read_log()
