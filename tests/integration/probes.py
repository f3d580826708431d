"""What an attacker on the network sends, as reusable probes: the
hardening tests assert on them, bench/probe_memory.py prints their
figures. Raw sockets throughout: a well-behaved client library would read
its answers, which is exactly what these clients do not do."""
import json
import socket
import time

from mqtt_packets import connect_packet, publish_packet, subscribe_packet
from ws_raw import WsClient, client_frame


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


class DeafClient:
    """A TCP MQTT client that never reads after its CONNACK: its receive
    window is as small as the kernel allows, so the broker's queue for it
    fills and stays full."""

    def __init__(self, port, client_id, rcvbuf=1024):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(connect_packet(client_id, keepalive=0))
        self.sock.settimeout(5)
        connack = self.sock.recv(4)
        if connack[:1] != b"\x20" or connack[3:4] != b"\x00":
            raise RuntimeError("not let in: %r" % connack)

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        self.sock.close()


def control_flood(port, requests=20000, commands=16, client_id="api-deaf", subscribe="crypto/#"):
    """Probe 1: a client that never reads subscribes to subscribe and sends
    requests $CONTROL/nabz/v1 requests of commands getStats each. Returns
    the open client (the caller measures, then closes it)."""
    c = DeafClient(port, client_id)
    if subscribe:
        c.send(subscribe_packet(1, subscribe))
    request = publish_packet("$CONTROL/nabz/v1",
                             json.dumps({"commands": [{"command": "getStats"}] * commands}).encode())
    batch = request * 200
    for _ in range(requests // 200):
        c.send(batch)
    c.send(request * (requests % 200))
    return c


def settle(pid, seconds=1.0, step=0.25):
    """Waits until the broker has worked through what it was sent: its CPU
    time stops moving for a moment."""
    def cpu():
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    last, quiet, deadline = cpu(), 0.0, time.time() + 60
    while quiet < seconds and time.time() < deadline:
        time.sleep(step)
        now = cpu()
        quiet = quiet + step if now == last else 0.0
        last = now


def ws_bad_client_id_flood(ws_port, connections=1500, id_bytes=65535, batch=100):
    """Probe 3: WebSocket connections whose CONNECT carries a client id of
    id_bytes bytes of invalid UTF-8, which the broker refuses before
    authentication; each id its own (a serial number, then 0xff bytes), as
    an attacker would make them: the listener keeps one entry per id.
    Each connection is closed once its CONNECT is sent and answered (or
    closed by the other side). Returns how many got a CONNACK with a
    refusal and how many were simply closed."""
    refused = closed = 0
    for start in range(0, connections, batch):
        clients = []
        for i in range(start, min(start + batch, connections)):
            c = WsClient(ws_port)
            serial = b"%08d" % i
            c.sock.sendall(client_frame(connect_packet(serial + b"\xff" * (id_bytes - len(serial)))))
            clients.append(c)
        for c in clients:
            try:
                op, payload = c.recv_frame()
                if op == 0x2 and payload[:1] == b"\x20" and payload[-1:] != b"\x00":
                    refused += 1
                else:
                    closed += 1
            except (OSError, ConnectionError):
                closed += 1
            c.close()
    return refused, closed
