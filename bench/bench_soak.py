#!/usr/bin/python3
"""Soak: does the broker with the plugin keep its memory while clients come
and go for a long time?

    /usr/bin/python3 bench/bench_soak.py [--minutes M] [--quick]

One mosquitto 2.0.11 with nabz_plugin.so (the WebSocket benchmark's broker,
bench/bench_ws.py), then cycles until the time is up. Each cycle:

  - 300 WebSocket subscribers with fresh client ids (bench/ws_load.c)
    connect, receive 5 msg/s for 2 s, and leave;
  - 40 TCP clients with fresh ids connect (paho), say hello with a user id
    and metadata, subscribe to 1-3 of the groups' filters, drop one, ask
    getStats; 10 more reuse a fixed set of persistent-session ids (the
    plugin keeps their filters while they are away); all leave, a third of
    them without DISCONNECT;
  - bad input: refused handshakes (path, subprotocol, Origin is open here),
    a garbage first packet, path traversal, HTTP GETs of every endpoint;
  - then, with every client gone (the stats back at the baseline), the
    broker's RSS and the plugin's figures are sampled.

Prints the RSS per cycle and the growth from the first quarter of the
cycles to the last, per 1,000 connections made (target: none beyond
allocator noise), and checks that every figure is back at its baseline
after each cycle. Exits 1 when a figure does not come back.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import paho.mqtt.client as mqtt

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import bench_ws  # noqa: E402  (sets NABZ_PLUGIN to build-wsbench's unless given)
import nabz_broker  # noqa: E402
from nabz_broker import Watcher, control  # noqa: E402
from ws_raw import HandshakeRefused, WsClient  # noqa: E402

FILTERS = ["crypto/#", "crypto/prices/+", "crypto/prices/BTC", "crypto/market", "crypto/news/#",
           "crypto/alerts", "crypto/+", "#"]
PERSISTENT_IDS = ["mobile-soak-keep-%d" % i for i in range(10)]


def tcp_clients(broker, cycle, rng):
    """40 fresh clients and the 10 persistent ones; returns how many connected."""
    clients = []
    for i in range(50):
        persistent = i >= 40
        cid = PERSISTENT_IDS[i - 40] if persistent else "mobile-soak-%d-%d" % (cycle, i)
        c = mqtt.Client(client_id=cid, clean_session=not persistent)
        c.connect("127.0.0.1", broker.port, keepalive=30)
        c.loop_start()
        clients.append(c)
    for i, c in enumerate(clients):
        deadline = time.time() + 5
        while not c.is_connected() and time.time() < deadline:
            time.sleep(0.01)
        control(c, [{"command": "hello", "client_type": "mobile", "user_id": "u-%d" % rng.randrange(20),
                     "metadata": {"page": "/soak/%d" % cycle, "n": i}}])
        filters = rng.sample(FILTERS, rng.randint(1, 3))
        for f in filters:
            c.subscribe(f, 0)
        c.unsubscribe(filters[0])
        if i % 5 == 0:
            control(c, [{"command": "getStats"}])
    for i, c in enumerate(clients):
        if i % 3 == 0:
            c.loop_stop()                            # gone without DISCONNECT
            sock = c.socket()
            if sock:
                sock.close()
        else:
            c.disconnect()
            c.loop_stop()
    return len(clients)


def bad_input(broker):
    """Refused handshakes, a garbage first packet, traversal, HTTP GETs."""
    n = 0
    for kw in ({"path": "/nope"}, {"protocol": "chat"}):
        try:
            WsClient(broker.ws_port, **kw).close()
        except HandshakeRefused:
            pass
        n += 1
    ws = WsClient(broker.ws_port)
    ws.send_frame(b"\x30\x05\x00\x01a\x00\x00")       # a PUBLISH before any CONNECT
    ws.sock.settimeout(3)
    try:
        while ws.recv_frame()[0] != 0x8:
            pass
    except (ConnectionError, OSError):
        pass
    ws.close()
    n += 1
    for path in ("/", "/health", "/api/stats", "/metrics", "/static/js/websocket-client.js",
                 "/static/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd"):
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d%s" % (broker.ws_port, path), timeout=5) as r:
                r.read()
        except urllib.error.HTTPError as e:
            e.read()
        n += 1
    return n


def ws_clients(exe, broker, cycle):
    r = subprocess.run([exe, "--mode", "ws", "--ws-port", str(broker.ws_port), "--tcp-port", str(broker.port),
                        "--subscribers", "300", "--rate", "5", "--seconds", "2", "--settle", "0.2",
                        "--drain", "2", "--prefix", "web-soak-%d-" % cycle,
                        "--user", bench_ws.USER, "--password", bench_ws.PASSWORD],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise RuntimeError("ws_load failed:\n" + r.stdout + r.stderr)
    return 300


def main():
    ap = argparse.ArgumentParser(description="nabz soak: memory while clients come and go")
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--quick", action="store_true", help="2 minutes")
    args = ap.parse_args()
    minutes = 2.0 if args.quick else args.minutes
    if not os.path.exists(nabz_broker.plugin_path()):
        sys.exit("no plugin at %s: cmake -S . -B build-wsbench -DNABZ_TESTS=OFF && "
                 "cmake --build build-wsbench -j2 (or set NABZ_PLUGIN)" % nabz_broker.plugin_path())
    exe = bench_ws.build_ws_load(tempfile.mkdtemp(prefix="nabz-soak-"))
    b = bench_ws.BenchBroker(accounts={bench_ws.USER: bench_ws.PASSWORD},
                             options={"publishers": bench_ws.USER, "services": bench_ws.USER,
                                      "ws_max_connections_per_ip": "100000", "ws_max_connections": "100000"})
    b.start()
    watcher = Watcher(b)
    watcher.wait_for(lambda s: s["active_connections"] == 1)
    time.sleep(1.0)
    base_fds = b.fds()
    rng = random.Random(7)
    samples, made, problems = [], 0, []
    print("broker pid %d, plugin %s; %.1f minutes" % (b.proc.pid, nabz_broker.plugin_path(), minutes))
    t_end = time.time() + minutes * 60
    cycle = 0
    while time.time() < t_end:
        made += ws_clients(exe, b, cycle) + tcp_clients(b, cycle, rng) + bad_input(b)
        try:
            watcher.wait_for(lambda s: s["active_connections"] == 1, timeout=60)
        except AssertionError:
            problems.append("cycle %d: active_connections stayed at %s" % (cycle, watcher.stats()["active_connections"]))
        deadline = time.time() + 30
        while b.fds() > base_fds and time.time() < deadline:
            time.sleep(0.1)
        m = b.metrics()
        rss = b.rss_kib()
        samples.append(rss)
        if m.get("nabz_ws_connections", 0) != 0:
            problems.append("cycle %d: nabz_ws_connections %s" % (cycle, m.get("nabz_ws_connections")))
        if b.fds() > base_fds:
            problems.append("cycle %d: %d descriptors over the baseline" % (cycle, b.fds() - base_fds))
        print("cycle %3d  connections so far %7d  broker RSS %6d KiB  fds %d" % (cycle, made, rss, b.fds()))
        sys.stdout.flush()
        cycle += 1
    watcher.close()
    b.stop()
    q = max(1, len(samples) // 4)
    first, last = sum(samples[:q]) / q, sum(samples[-q:]) / q
    per_k = (last - first) / (made / 1000.0) if made else 0.0
    print("\n%d cycles, %d connections made (WebSocket, TCP, refused); broker exit code %s"
          % (cycle, made, b.proc.returncode))
    print("broker RSS: first quarter %.0f KiB, last quarter %.0f KiB: %+.0f KiB, %+.2f KiB per 1,000 connections"
          % (first, last, last - first, per_k))
    for p in problems:
        print("PROBLEM: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
