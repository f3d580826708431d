"""Start the real mosquitto with the real nabz plugin, for tests and benchmarks.

Each Broker gets its own free port, its own temporary directory (config,
unix socket, state file, password file, log) and, when NABZ_SANITIZE=1, runs
with AddressSanitizer and UBSan preloaded so the plugin's sanitizer build is
checked inside the real broker.
"""
import json
import os
import random
import socket
import subprocess
import tempfile
import threading
import time

import paho.mqtt.client as mqtt

MOSQUITTO = os.environ.get("NABZ_MOSQUITTO", "/usr/sbin/mosquitto")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "SUMMARY: UndefinedBehaviorSanitizer")


def plugin_path():
    path = os.environ.get("NABZ_PLUGIN")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "build", "plugin", "nabz_plugin.so")
    return os.path.abspath(path)


def _ephemeral_low():
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


_handed_out = set()


def free_port():
    """A port free now, below the kernel's ephemeral range. A port the
    kernel picked (bind to 0) lies in that range, where every outgoing
    connection of every test running beside this one takes its local port:
    a broker stopped and started again (a restart test) could find its own
    port taken by some client's connection meanwhile. Below the range only
    another explicit bind can take it. Random, so two test processes
    choosing at once rarely meet; and never the same twice in a process."""
    low = min(_ephemeral_low(), 65536)
    first = 10240 if low > 12288 else 1024
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.randrange(first, low)
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port found in %d..%d" % (first, low - 1))


def sanitizer_env():
    """Environment that preloads the sanitizer runtimes into the broker."""
    env = dict(os.environ)
    if os.environ.get("NABZ_SANITIZE") != "1":
        return env
    libs = []
    for name in ("libasan.so", "libubsan.so"):
        out = subprocess.run(["gcc", "-print-file-name=" + name], capture_output=True, text=True)
        libs.append(out.stdout.strip())
    env["LD_PRELOAD"] = ":".join(libs)
    # The broker itself is not instrumented; leaks are checked for the
    # plugin's allocations through the suppressions-free default.
    env["ASAN_OPTIONS"] = "detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=23"
    env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp")
    if os.path.exists(supp):
        env["LSAN_OPTIONS"] = "suppressions=" + supp
    return env


def thread_stacks(pid):
    """Every thread's stack of a process that hangs, by gdb when there is
    one: what a hang at stop needs to be understood from a CI log."""
    try:
        out = subprocess.run(["gdb", "-p", str(pid), "-batch", "-nx", "-ex", "thread apply all bt"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "(no thread stacks: %s)" % e
    return "----- thread stacks of %d -----\n%s" % (pid, out.stdout[-20000:])


class PortTaken(RuntimeError):
    """The broker could not listen: a port was taken meanwhile."""


class Broker:
    def __init__(self, options=None, extra_conf="", plugin=True, accounts=None,
                 per_listener_settings=False, allow_duplicate_messages=True, nofile=None):
        self.dir = tempfile.mkdtemp(prefix="nabz-test-")
        self.port = free_port()
        self.socket_path = os.path.join(self.dir, "mqtt.sock")
        self.state_file = os.path.join(self.dir, "state.json")
        self.log_path = os.path.join(self.dir, "broker.log")
        self.ws_port = free_port()
        self.web_root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "..", "..", "static"))
        self.options = {"state_file": self.state_file,
                        "ws_listeners": "127.0.0.1:%d" % self.ws_port,
                        "ws_broker_socket": self.socket_path,
                        "web_root": self.web_root}
        # NABZ_WS_THREADS=N runs every test's listener with N service
        # threads (the default, 0, is one per CPU).
        if os.environ.get("NABZ_WS_THREADS"):
            self.options["ws_threads"] = os.environ["NABZ_WS_THREADS"]
        self.options.update(options or {})
        self.extra_conf = extra_conf
        self.plugin = plugin
        self.accounts = accounts or {}
        self.per_listener_settings = per_listener_settings
        self.allow_duplicate_messages = allow_duplicate_messages
        self.nofile = nofile          # the broker's open-files soft limit; None: inherited
        self.proc = None
        self.started = False          # start() was called before: a restart keeps the ports
        self.conf_path = os.path.join(self.dir, "mosquitto.conf")

    def write_config(self):
        lines = [
            "per_listener_settings %s" % ("true" if self.per_listener_settings else "false"),
            "allow_duplicate_messages %s" % ("true" if self.allow_duplicate_messages else "false"),
            "persistence false",
            "allow_anonymous true",
            # As shipped, the plugin sets TCP_NODELAY (tcp_nodelay); a broker
            # without it (benchmarks' baseline) sets it itself, so both
            # send small messages alike.
            "set_tcp_nodelay %s" % ("false" if self.plugin else "true"),
            "max_packet_size 1048576",        # as shipped
            "user root",
            "log_dest stderr",
            "log_type error", "log_type warning", "log_type notice", "log_type information",
            "listener %d 127.0.0.1" % self.port,
            "listener 0 %s" % self.socket_path,
        ]
        if self.accounts:
            pwfile = os.path.join(self.dir, "passwd")
            open(pwfile, "w").close()
            for user, password in self.accounts.items():
                subprocess.run(["mosquitto_passwd", "-b", pwfile, user, password], check=True)
            lines.append("password_file %s" % pwfile)
        if self.plugin:
            lines.append("plugin %s" % plugin_path())
            for key, value in self.options.items():
                lines.append("plugin_opt_%s %s" % (key, value))
        if self.extra_conf:
            lines.append(self.extra_conf)
        with open(self.conf_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def start(self, wait=True):
        # free_port() only finds a port free now: another test running
        # beside this one may take it first. A first start is then retried
        # with new ports (the broker exits at once when it cannot listen).
        # A restart keeps its ports, which its clients reconnect to: it
        # waits for them to come free instead.
        restart = self.started
        self.started = True
        deadline = time.time() + 10
        attempt = 0
        while True:
            self._spawn()
            if not wait:
                return self
            try:
                self.wait_ready()
                return self
            except PortTaken:
                attempt += 1
                if restart and time.time() < deadline:
                    time.sleep(0.5)
                elif not restart and attempt < 4:
                    self._new_ports()
                else:
                    raise

    def _spawn(self):
        self.write_config()
        self.log = open(self.log_path, "ab")
        self.log_start = self.log.tell()     # this run's lines start here
        preexec = None
        if self.nofile is not None:
            import resource
            hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]

            def preexec():
                resource.setrlimit(resource.RLIMIT_NOFILE, (self.nofile, hard))
        self.proc = subprocess.Popen([MOSQUITTO, "-c", self.conf_path], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=sanitizer_env(), preexec_fn=preexec)

    def _new_ports(self):
        default_ws = "127.0.0.1:%d" % self.ws_port
        self.port = free_port()
        self.ws_port = free_port()
        if self.options.get("ws_listeners") == default_ws:
            self.options["ws_listeners"] = "127.0.0.1:%d" % self.ws_port

    def wait_ready(self, timeout=10.0):
        """Ready: the broker says it runs (every listener open) and takes
        connections on its port. Raises PortTaken when it exited because
        a port was in use."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                log = self.read_log()
                if b"Address already in use" in self._this_run_log():
                    raise PortTaken(log)
                raise RuntimeError("broker exited with %s:\n%s" % (self.proc.returncode, log))
            if b" running" in self._this_run_log():
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                        return
                except OSError:
                    pass
            time.sleep(0.02)
        raise RuntimeError("broker did not listen on %d:\n%s" % (self.port, self.read_log()))

    def wait_exit(self, timeout=10.0):
        return self.proc.wait(timeout=timeout)

    def stop(self, sig=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                stacks = thread_stacks(self.proc.pid)
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("broker did not stop on signal %d:\n%s\n%s" % (sig, self.read_log(), stacks))
        if getattr(self, "log", None):
            self.log.close()
        return self.proc.returncode if self.proc else None

    def _this_run_log(self):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self.log_start)
                return f.read()
        except OSError:
            return b""

    def read_log(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def sanitizer_reports(self):
        log = self.read_log()
        return [line for line in log.splitlines() if any(m in line for m in SANITIZER_MARKERS)]

    # -- clients ---------------------------------------------------------

    def client(self, client_id="", username=None, password=None, protocol=mqtt.MQTTv311,
               clean_session=True, connect=True, timeout=5.0):
        """A connected paho client with its network loop running."""
        if protocol == mqtt.MQTTv5:
            c = mqtt.Client(client_id=client_id, protocol=protocol)
        else:
            c = mqtt.Client(client_id=client_id, protocol=protocol, clean_session=clean_session)
        if username is not None:
            c.username_pw_set(username, password)
        c.nabz_connack = None
        c.nabz_connected = threading.Event()

        def on_connect(client, userdata, flags, rc, properties=None):
            client.nabz_connack = rc
            client.nabz_connected.set()
        c.on_connect = on_connect
        if connect:
            c.connect("127.0.0.1", self.port, keepalive=60)
            c.loop_start()
            if not c.nabz_connected.wait(timeout):
                c.loop_stop()
                raise RuntimeError("no CONNACK for %r" % client_id)
        return c


def stop_client(c):
    try:
        c.disconnect()
    finally:
        c.loop_stop()


class Watcher:
    """Keeps the latest message on each topic it subscribed to."""

    def __init__(self, broker, topics=("crypto/stats",), client_id="watcher"):
        self.cond = threading.Condition()
        self.latest = {}
        self.count = {}
        self.client = broker.client(client_id=client_id, connect=False)
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", broker.port, keepalive=60)
        self.client.loop_start()
        assert self.client.nabz_connected.wait(5)
        for t in topics:
            self.client.subscribe(t, qos=0)

    def _on_message(self, client, userdata, msg):
        with self.cond:
            try:
                self.latest[msg.topic] = json.loads(msg.payload)
            except ValueError:
                self.latest[msg.topic] = msg.payload
            self.count[msg.topic] = self.count.get(msg.topic, 0) + 1
            self.cond.notify_all()

    def wait_for(self, predicate, topic="crypto/stats", timeout=10.0):
        """Waits until predicate(data) holds for the latest message on topic;
        returns its data. Raises AssertionError with the last value if not."""
        deadline = time.time() + timeout
        with self.cond:
            while True:
                msg = self.latest.get(topic)
                data = msg.get("data") if isinstance(msg, dict) else None
                if data is not None and predicate(data):
                    return data
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("timed out; last %s: %r" % (topic, msg))
                self.cond.wait(left)

    def stats(self):
        with self.cond:
            msg = self.latest.get("crypto/stats")
            return msg["data"] if msg else None

    def close(self):
        stop_client(self.client)


def control(client, commands, timeout=5.0, raw=None):
    """Publishes a control request from an already-connected client (without
    subscribing to the response topic) and returns the decoded response."""
    got = threading.Event()
    box = {}

    def on_message(c, userdata, msg):
        if msg.topic == "$CONTROL/nabz/v1/response":
            box["msg"] = msg
            got.set()
    previous = client.on_message
    client.on_message = on_message
    try:
        payload = raw if raw is not None else json.dumps({"commands": commands})
        client.publish("$CONTROL/nabz/v1", payload, qos=1)
        if not got.wait(timeout):
            raise AssertionError("no control response")
        return json.loads(box["msg"].payload)
    finally:
        client.on_message = previous
