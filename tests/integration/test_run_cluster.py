"""scripts/run_cluster.sh, what `bash scripts/run.sh --edges K` runs once
everything is installed: here on test ports, directories and builds (its
environment overrides), with the real mosquitto, plugin, haproxy and bridge
(demo data): a price from the bridge reaches an MQTT client through haproxy,
WebSocket clients on the one shared port are served by both edges, the
core answers /health, and SIGTERM (as Ctrl-C) stops everything."""
import json
import os
import pwd
import signal
import socket
import subprocess
import threading
import time
import urllib.request

import paho.mqtt.client as mqtt
import pytest

from bridge_helpers import bridge_path
from lb import HAPROXY
from nabz_broker import free_port, plugin_path, stop_client

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def have_user(name):
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


pytestmark = [
    pytest.mark.skipif(HAPROXY is None, reason="haproxy is not installed (scripts/deps.sh test installs it)"),
    pytest.mark.skipif(os.geteuid() != 0 or not have_user("mosquitto"),
                       reason="run_cluster.sh makes directories for user mosquitto: needs root"),
    pytest.mark.skipif(os.environ.get("NABZ_SANITIZE") == "1",
                       reason="the script's brokers load the plugin without the sanitizer preload; "
                              "the normal build runs this test"),
]


def connected_client(port, client_id, transport="tcp"):
    c = mqtt.Client(client_id=client_id, transport=transport)
    ev = threading.Event()
    c.on_connect = lambda *a: ev.set()
    c.connect("127.0.0.1", port, keepalive=30)
    c.loop_start()
    assert ev.wait(5), client_id
    return c


def wait_port(port, proc, log, timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert proc.poll() is None, "run_cluster.sh exited:\n" + open(log, errors="replace").read()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("nothing on %d:\n%s" % (port, open(log, errors="replace").read()))


def test_run_cluster_starts_a_core_two_edges_haproxy_and_the_bridge_and_stops_them(tmp_path):
    d = str(tmp_path)
    etc = os.path.join(d, "etc")
    os.makedirs(etc)
    with open(os.path.join(etc, "edge.pass"), "w") as f:
        f.write("edge-pw\n")
    passwd = os.path.join(etc, "passwd")
    open(passwd, "w").close()
    for user, pw in (("nabz-bridge", "bridge-pw"), ("nabz-edge", "edge-pw")):
        subprocess.run(["mosquitto_passwd", "-b", passwd, user, pw], check=True)
    with open(os.path.join(ROOT, "bridge", "nabz-bridge.json")) as f:
        bridge = json.load(f)
    bridge["mqtt"].pop("password_file", None)
    bridge["mqtt"]["password"] = "bridge-pw"
    bridge["state_dir"] = os.path.join(d, "bridge-state")
    bridge["demo_dir"] = os.path.join(ROOT, "bridge", "demo")
    for name, cfg in (("bridge.json", bridge), ("telegram.json", {"mqtt": {"port": 0}})):
        with open(os.path.join(etc, name), "w") as f:
            json.dump(cfg, f)
    core_port, core_ws, ws_port, mqtt_port = free_port(), free_port(), free_port(), free_port()
    edge_ports = [free_port(), free_port()]
    env = dict(os.environ)
    env.pop("NABZ_TELEGRAM_TOKEN", None)
    env.update({
        "NABZ_ETC": etc, "NABZ_RUN_DIR": os.path.join(d, "run"), "NABZ_LIB_DIR": os.path.join(d, "lib"),
        "NABZ_CORE_PORT": str(core_port), "NABZ_CORE_WS": "127.0.0.1:%d" % core_ws,
        "NABZ_WS_PORT": str(ws_port), "NABZ_MQTT_PORT": str(mqtt_port),
        "NABZ_EDGE_PORTS": " ".join(map(str, edge_ports)), "NABZ_BRIDGE_BIN": bridge_path(),
        "NABZ_HAPROXY_MAXCONN": "1000",
        "NABZ_CONF_SET": " ".join([
            "plugin=" + plugin_path(), "plugin_opt_web_root=" + os.path.join(ROOT, "static"),
            "user=root", "password_file=" + passwd, "log_timestamp_format=",
        ]),
    })
    log = os.path.join(d, "run.log")
    with open(log, "wb") as out:
        proc = subprocess.Popen(["bash", os.path.join(ROOT, "scripts", "run_cluster.sh"), "2", "--demo"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    clients = []
    try:
        wait_port(mqtt_port, proc, log)
        # a price from the bridge (demo data) at the core, through an edge
        # and haproxy
        c = connected_client(mqtt_port, "api-run-cluster")
        got = threading.Event()
        box = {}

        def on_message(client, userdata, msg):
            box["msg"] = json.loads(msg.payload)
            got.set()
        c.on_message = on_message
        c.subscribe("crypto/prices/BTC", 0)
        clients.append(c)
        assert got.wait(30), open(log, errors="replace").read()
        assert box["msg"]["data"]["source"] == "demo"
        # 16 WebSocket clients on the one port: both edges serve some
        for i in range(16):
            clients.append(connected_client(ws_port, "ws-run-%d" % i, transport="websockets"))
        for port in edge_ports:
            s = connected_client(port, "api-stats-%d" % port)
            stats = threading.Event()
            seen = {}

            def on_stats(client, userdata, msg, seen=seen, stats=stats):
                seen["d"] = json.loads(msg.payload)["data"]
                if seen["d"]["active_connections"] >= 2:
                    stats.set()
            s.on_message = on_stats
            s.subscribe("crypto/stats", 0)
            clients.append(s)
            assert stats.wait(10), (port, seen)
        with urllib.request.urlopen("http://127.0.0.1:%d/health" % core_ws, timeout=5) as r:
            assert r.status == 200
    finally:
        for c in clients:
            stop_client(c)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)       # what Ctrl-C does
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)   # its own session: only what it started
            proc.wait()
            raise AssertionError("run_cluster.sh did not stop on SIGTERM:\n" + open(log, errors="replace").read())
    # everything it started is gone
    for port in [core_port, mqtt_port] + edge_ports:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
