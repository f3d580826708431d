"""Load balancers in front of a test cluster: Debian's haproxy and nginx run
with the example configs of cluster/ (scripts/cluster_conf.py puts in the
test ports), each in its own temp dir, stopped at the end; and a TCP relay
for an edge's bridge link that a test can cut and restore (a network split
between an edge and the core)."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from nabz_broker import free_port

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
import cluster_conf  # noqa: E402
EXAMPLES = os.path.abspath(os.path.join(HERE, "..", "..", "cluster"))
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None)
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


def wait_port(port, proc, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Proxy:
    """A load balancer process; its own ports (mqtt_port, ws_port), dir, log."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="nabz-lb-")
        self.log_path = os.path.join(self.dir, "lb.log")
        self.proc = None

    def _run(self, argv, ports):
        for attempt in range(3):
            self.log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(argv(), stdout=self.log, stderr=subprocess.STDOUT)
            if all(wait_port(p, self.proc) for p in ports()):
                return self
            self.stop()
            self._new_ports()
        raise RuntimeError("%s did not start:\n%s" % (argv()[0], self.read_log()))

    def read_log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if getattr(self, "log", None):
            self.log.close()


class HAProxy(Proxy):
    """cluster/haproxy.cfg: MQTT/TCP and HTTP/WebSocket to the edges."""

    def __init__(self, edges):
        super().__init__()
        self.edges = edges
        self._new_ports()

    def _new_ports(self):
        self.mqtt_port, self.ws_port = free_port(), free_port()

    def start(self):
        def argv():
            with open(os.path.join(EXAMPLES, "haproxy.cfg")) as f:
                text = cluster_conf.haproxy_conf(
                    f.read(), mqtt_bind="127.0.0.1:%d" % self.mqtt_port,
                    mqtt_servers=["127.0.0.1:%d" % e.port for e in self.edges],
                    ws_bind="127.0.0.1:%d" % self.ws_port,
                    ws_servers=["127.0.0.1:%d" % e.ws_port for e in self.edges], maxconn=1000)
            path = os.path.join(self.dir, "haproxy.cfg")
            with open(path, "w") as f:
                f.write(text)
            return [HAPROXY, "-db", "-f", path]
        return self._run(argv, lambda: (self.mqtt_port, self.ws_port))


class Nginx(Proxy):
    """cluster/nginx.conf: HTTP/WebSocket to the edges."""

    def __init__(self, edges):
        super().__init__()
        self.edges = edges
        self.mqtt_port = None
        self._new_ports()

    def _new_ports(self):
        self.ws_port = free_port()

    def start(self):
        def argv():
            tmp = os.path.join(self.dir, "tmp")
            os.makedirs(tmp, exist_ok=True)
            extra = ["%s_temp_path %s/%s;" % (k, tmp, k)
                     for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
            with open(os.path.join(EXAMPLES, "nginx.conf")) as f:
                text = cluster_conf.nginx_conf(
                    f.read(), listen="127.0.0.1:%d" % self.ws_port,
                    servers=["127.0.0.1:%d" % e.ws_port for e in self.edges], http_extra=extra)
            path = os.path.join(self.dir, "nginx.conf")
            with open(path, "w") as f:
                f.write(text)
            return [NGINX, "-p", self.dir, "-c", path,
                    "-g", "daemon off; pid %s/nginx.pid; error_log stderr;" % self.dir]
        return self._run(argv, lambda: (self.ws_port,))


class Relay:
    """127.0.0.1:port -> target port, byte for byte, until cut(): then every
    relayed connection is closed and new ones are refused (the listening
    socket is closed) until restore()."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.lock = threading.Lock()
        self.conns = []
        self.listener = None
        self.restore()

    def restore(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(16)
        self.listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s):
        while True:
            try:
                a, _ = s.accept()
            except OSError:
                return
            try:
                b = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                a.close()
                continue
            with self.lock:
                self.conns += [a, b]
            for src, dst in ((a, b), (b, a)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        # shutdown first: a close() alone leaves the accept() in progress
        # (and the listening socket) alive
        try:
            self.listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            conns, self.conns = self.conns, []
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()

    def close(self):
        self.cut()
