"""The TLS front ends the README's "Install on a server" ships as examples,
run for real in front of the broker with the plugin: deploy/nginx/nabz.conf
(https:// and wss://) and deploy/haproxy/nabz.cfg (https://, wss:// and MQTT
over TLS on 8883), each with a certificate made here, only their listen
addresses, certificate paths and upstream ports changed. And the guide's
nginx text is the shipped file's."""
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import time
import json
import urllib.request

import paho.mqtt.client as mqtt
import pytest

from lb import wait_port
from nabz_broker import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def replace(text, old, new):
    assert old in text, "%r is not in the shipped example any more" % old
    return text.replace(old, new)


@pytest.fixture(scope="module")
def tls():
    d = tempfile.mkdtemp(prefix="nabz-tls-")
    crt, key, pem = (os.path.join(d, n) for n in ("crt.pem", "key.pem", "both.pem"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=nabz.example", "-addext", "subjectAltName=DNS:nabz.example,IP:127.0.0.1",
                    "-keyout", key, "-out", crt], check=True, capture_output=True)
    with open(pem, "w") as f:
        f.write(open(crt).read() + open(key).read())
    yield {"dir": d, "crt": crt, "key": key, "pem": pem}
    shutil.rmtree(d, ignore_errors=True)


class Front:
    def __init__(self, argv, ports, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        for p in ports:
            assert wait_port(p, self.proc), open(log_path, errors="replace").read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.log.close()


def start_nginx(broker, tls):
    port = free_port()
    with open(os.path.join(ROOT, "deploy", "nginx", "nabz.conf")) as f:
        site = f.read()
    site = replace(site, "listen 443 ssl;", "listen 127.0.0.1:%d ssl;" % port)
    site = replace(site, "server 127.0.0.1:8000;", "server 127.0.0.1:%d;" % broker.ws_port)
    site = replace(site, "/etc/letsencrypt/live/nabz.example/fullchain.pem", tls["crt"])
    site = replace(site, "/etc/letsencrypt/live/nabz.example/privkey.pem", tls["key"])
    d = tempfile.mkdtemp(prefix="nabz-nginx-", dir=tls["dir"])
    temps = "".join("%s_temp_path %s/%s;\n" % (k, d, k) for k in ("client_body", "proxy", "fastcgi",
                                                                 "uwsgi", "scgi"))
    with open(os.path.join(d, "site.conf"), "w") as f:
        f.write(site)
    main = os.path.join(d, "nginx.conf")
    with open(main, "w") as f:
        f.write("worker_processes 1;\nevents {}\nhttp {\naccess_log off;\n%sinclude %s/site.conf;\n}\n"
                % (temps, d))
    front = Front([NGINX, "-p", d, "-c", main, "-g", "daemon off; pid %s/nginx.pid; error_log stderr;" % d],
                  [port], os.path.join(d, "log"))
    return front, port


def start_haproxy(broker, tls):
    https, mqtts = free_port(), free_port()
    with open(os.path.join(ROOT, "deploy", "haproxy", "nabz.cfg")) as f:
        cfg = f.read()
    cfg = replace(cfg, "bind :443 ssl", "bind 127.0.0.1:%d ssl" % https)
    cfg = replace(cfg, "bind :8883 ssl", "bind 127.0.0.1:%d ssl" % mqtts)
    cfg = replace(cfg, "/etc/haproxy/certs/nabz.pem", tls["pem"])
    # haproxy raises its open-files limit to 2 x maxconn; a container's
    # root cannot go past its own hard limit.
    cfg = replace(cfg, "maxconn 100000", "maxconn 1000")
    cfg = replace(cfg, "server nabz 127.0.0.1:8000", "server nabz 127.0.0.1:%d" % broker.ws_port)
    cfg = replace(cfg, "server nabz 127.0.0.1:1883", "server nabz 127.0.0.1:%d" % broker.port)
    d = tempfile.mkdtemp(prefix="nabz-haproxy-", dir=tls["dir"])
    path = os.path.join(d, "haproxy.cfg")
    with open(path, "w") as f:
        f.write(cfg)
    front = Front([HAPROXY, "-db", "-f", path], [https, mqtts], os.path.join(d, "log"))
    return front, https, mqtts


def https_get(port, path, tls):
    ctx = ssl.create_default_context(cafile=tls["crt"])
    with urllib.request.urlopen("https://127.0.0.1:%d%s" % (port, path), context=ctx, timeout=10) as r:
        return r.status, r.read()


def receives(broker, tls, port, transport):
    """A client through the front end (wss:// at /mqtt, or MQTT over TLS)
    gets what a publisher on the broker's own port sends."""
    got = []
    c = mqtt.Client(client_id="tls-%s-%d" % (transport, port), transport=transport)
    if transport == "websockets":
        c.ws_set_options(path="/mqtt")
    c.tls_set(ca_certs=tls["crt"])
    subscribed = []
    c.on_connect = lambda cl, u, f, rc: cl.subscribe("crypto/prices/BTC", 0)
    c.on_subscribe = lambda *a: subscribed.append(1)
    c.on_message = lambda cl, u, m: got.append(m.payload)
    c.connect("127.0.0.1", port, 30)
    c.loop_start()
    pub = mqtt.Client(client_id="tls-pub-%d" % port)
    pub.username_pw_set("feeder", "feeder-pw")
    pub.connect("127.0.0.1", broker.port)
    pub.loop_start()
    try:
        end = time.time() + 15
        while not subscribed and time.time() < end:
            time.sleep(0.05)
        assert subscribed, "no SUBACK through the front end"
        pub.publish("crypto/prices/BTC", b'{"price": 1}').wait_for_publish()
        end = time.time() + 10
        while not got and time.time() < end:
            time.sleep(0.05)
        assert got == [b'{"price": 1}']
    finally:
        c.loop_stop()
        c.disconnect()
        pub.loop_stop()
        pub.disconnect()


def test_nginx_example_serves_https_and_wss(broker_factory, tls):
    broker = broker_factory(options={"ws_trusted_proxies": "127.0.0.1", "publishers": "feeder"},
                            accounts={"feeder": "feeder-pw"}).start()
    front, port = start_nginx(broker, tls)
    try:
        status, body = https_get(port, "/health", tls)
        assert status == 200 and json.loads(body)["status"] == "healthy"
        status, body = https_get(port, "/", tls)
        assert status == 200 and b"<html" in body.lower()
        receives(broker, tls, port, "websockets")
    finally:
        front.stop()


def test_haproxy_example_serves_https_wss_and_mqtts(broker_factory, tls):
    broker = broker_factory(options={"ws_trusted_proxies": "127.0.0.1", "publishers": "feeder"},
                            accounts={"feeder": "feeder-pw"}).start()
    front, https, mqtts = start_haproxy(broker, tls)
    try:
        status, body = https_get(https, "/health", tls)
        assert status == 200 and json.loads(body)["status"] == "healthy"
        receives(broker, tls, https, "websockets")
        receives(broker, tls, mqtts, "tcp")
    finally:
        front.stop()


def test_guide_shows_the_shipped_nginx_example():
    with open(os.path.join(ROOT, "WEBSOCKET_GUIDE.md")) as f:
        guide = f.read()
    i = guide.index("`/etc/nginx/sites-available/nabz`")
    block = re.search(r"```nginx\n(.*?)```", guide[i:], re.S).group(1)
    with open(os.path.join(ROOT, "deploy", "nginx", "nabz.conf")) as f:
        shipped = f.read()
    body = re.sub(r"\A(#[^\n]*\n)*\n", "", shipped)
    assert block == body, "WEBSOCKET_GUIDE.md §9.1 and deploy/nginx/nabz.conf differ"
