#!/usr/bin/python3
"""Benchmark: the real mosquitto with and without nabz_plugin.so, in one run.

    /usr/bin/python3 bench/bench_plugin.py [--quick]

For each configuration (plugin off / plugin on), alternating, with a fresh
broker for every measurement:

  fan-out   S subscribers on crypto/prices/BTC (raw sockets); one publisher,
            logged in as the bridge, sends N retained QoS 0 price updates as
            fast as the broker reads them. Figure: deliveries/s counted at
            the subscribers (total / time from first to last byte), and
            the same divided by S (messages/s published).
  connect   anonymous clients doing TCP connect, CONNECT, CONNACK,
            DISCONNECT, broker closes, close; 16 in flight. Driven by a small
            C helper (connect_load.c, compiled on the fly): Python needs more
            CPU per cycle than the broker does and could not load it.

and, with the plugin, the time from a client's CONNECT (or DISCONNECT)
leaving the client to a crypto/stats message showing the new
active_connections arriving at a watcher: p50/p99/max, with the events
spaced 120 ms apart (more than the 50 ms debounce), and back to back.

The machine has 2 cores: one for the (single-threaded) broker, one for the
load. Both load generators leave the broker at ~100 % CPU, which is printed
with every figure so a run where something else took the CPU shows.

It prints figures; it is not a pass/fail test. Uses the plugin at
$NABZ_PLUGIN (default build/plugin/nabz_plugin.so) and /usr/sbin/mosquitto
(or $NABZ_MOSQUITTO).
"""
import argparse
import errno
import json
import os
import platform
import resource
import select
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COMMON = os.path.join(os.path.dirname(HERE), "common")   # mqtt_packet.c, the CONNECT encoder
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import nabz_broker  # noqa: E402
from nabz_broker import Broker  # noqa: E402
from mqtt_packets import (CONNACK_OK, DISCONNECT, connect_packet, publish_packet,  # noqa: E402
                          subscribe_packet)

PUBLISHER = ("nabz-bridge", "bench-password")
PRICE_TOPIC = "crypto/prices/BTC"
STATS_TOPIC = "crypto/stats"
CLK_TCK = os.sysconf("SC_CLK_TCK")



def price_payload():
    """A price_update as the bridge publishes it (CONTRACT.md)."""
    return json.dumps({
        "type": "price_update",
        "data": {"symbol": "BTC", "price_usd": 64123.45, "change_24h_pct": -1.23,
                 "source": "bench", "source_ts": "2024-01-01T00:00:00.000Z",
                 "stale": False, "price_irt": 4123456789},
        "ts": "2024-01-01T00:00:00.000Z"}, separators=(",", ":")).encode()


class PacketReader:
    """Splits a byte stream into (first byte, body) MQTT packets."""

    def __init__(self):
        self.buf = bytearray()

    def feed(self, data):
        self.buf += data
        out = []
        while len(self.buf) >= 2:
            mult, rl, i = 1, 0, 1
            while True:
                if i >= len(self.buf):
                    return out
                b = self.buf[i]
                rl += (b & 0x7F) * mult
                mult *= 128
                i += 1
                if not b & 0x80:
                    break
            if len(self.buf) < i + rl:
                return out
            out.append((self.buf[0], bytes(self.buf[i:i + rl])))
            del self.buf[:i + rl]
        return out


def publish_fields(first, body):
    """(topic, payload) of a PUBLISH packet."""
    tlen = struct.unpack("!H", body[:2])[0]
    topic = body[2:2 + tlen].decode()
    pos = 2 + tlen
    if (first >> 1) & 3:
        pos += 2  # packet id
    return topic, body[pos:]


def recv_exact(sock, n, timeout=10.0):
    sock.settimeout(timeout)
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise RuntimeError("connection closed after %d of %d bytes" % (len(data), n))
        data += chunk
    return data


# --- brokers and measurement helpers ----------------------------------------


def make_broker(plugin):
    """The same configuration both ways but for the plugin lines: the
    bridge's account in a password file; anonymous readers allowed (by the
    broker's own switch without the plugin, by the plugin's default with
    it). The rest is nabz_broker.Broker's: allow_duplicate_messages true,
    per_listener_settings false, persistence false, log to a file."""
    b = Broker(plugin=plugin, accounts={PUBLISHER[0]: PUBLISHER[1]},
               options={"services": PUBLISHER[0], "publishers": PUBLISHER[0]},
               extra_conf="allow_anonymous true")
    return b.start()


def finish(b, name=None, notes=None):
    """Stops a broker, keeps its log lines worth a look, removes its dir."""
    try:
        b.stop()
    finally:
        if notes is not None:
            for line in b.read_log().splitlines():
                if ("rror" in line or "dropped" in line or "anitizer" in line) and len(notes) < 10:
                    notes.append("%s: %s" % (name, line))
        shutil.rmtree(b.dir, ignore_errors=True)


def proc_cpu_s(pid):
    """utime + stime of a process, in seconds (10 ms resolution)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def self_cpu_s():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def pct(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# --- fan-out -----------------------------------------------------------------


def check_sub_ack(s):
    got = recv_exact(s, 9)  # CONNACK (4) + SUBACK (5)
    if got[:4] != CONNACK_OK or got[4:6] != b"\x90\x03" or got[8] != 0:
        raise RuntimeError("unexpected CONNACK/SUBACK %r" % got)


def connect_subscribers(port, count, prefix):
    socks = []
    for i in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(connect_packet("%s-%d" % (prefix, i)) + subscribe_packet(1, PRICE_TOPIC))
        socks.append(s)
        if i % 50 == 49:  # stay well under the listen backlog
            for t in socks[i - 49:i + 1]:
                check_sub_ack(t)
    for t in socks[len(socks) - len(socks) % 50:]:
        check_sub_ack(t)
    return socks


def fanout_once(broker, subs, messages, sweep_s=0.02, retain=True):
    """One publisher sends `messages` PUBLISHes as fast as the broker reads
    them; `subs` subscribers count what they get, by bytes (every delivery
    is the same packet). One thread, one epoll set, swept every `sweep_s`:
    reading every socket the moment a packet lands makes the reader wake
    and ACK per packet, which on loopback costs the broker's core as much
    as the broker's own work and makes its rate swing by up to +-25 % from
    run to run; reading in sweeps (as a remote subscriber's kernel would, from the
    broker's point of view) keeps the broker the bottleneck and the figure
    steady. The publisher's socket is topped up at each sweep; the kernel
    buffers hold far more than a sweep's worth."""
    payload = price_payload()
    pkt_in = publish_packet(PRICE_TOPIC, payload, retain=retain)
    out_len = len(publish_packet(PRICE_TOPIC, payload, retain=False))  # as delivered

    socks = connect_subscribers(broker.port, subs, "api-bench-sub")
    pub = socket.create_connection(("127.0.0.1", broker.port))
    pub.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pub.sendall(connect_packet("nabz-bridge-bench", username=PUBLISHER[0], password=PUBLISHER[1]))
    ack = recv_exact(pub, 4)
    if ack != CONNACK_OK:
        raise RuntimeError("publisher refused: %r" % ack)
    time.sleep(0.3)  # let the broker settle (the plugin publishes its stats)

    ep = select.epoll()
    by_fd, got = {}, {}
    for s in socks:
        s.setblocking(False)
        ep.register(s.fileno(), select.EPOLLIN)
        by_fd[s.fileno()] = s
        got[s.fileno()] = 0
    pub.setblocking(False)
    blob = memoryview(pkt_in * messages)
    sent = 0
    expected_total = out_len * messages * subs
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    total = 0
    first = last = cpu_first = None
    pid = broker.proc.pid
    my_cpu0 = self_cpu_s()
    last_data = time.perf_counter()
    while total < expected_total:
        while sent < len(blob):
            try:
                sent += pub.send(blob[sent:sent + (1 << 18)])
            except BlockingIOError:
                break
        events = ep.poll(0)
        now = time.perf_counter()
        if not events:
            if sent == len(blob) and now - last_data > 1.5:
                break  # messages were dropped; stop waiting
            time.sleep(sweep_s)
            continue
        if first is None:
            first = now
            cpu_first = proc_cpu_s(pid)
        for fd, _ in events:
            s = by_fd[fd]
            while True:
                try:
                    n = s.recv_into(view)
                except BlockingIOError:
                    break
                if n == 0:
                    raise RuntimeError("broker closed a subscriber after %d bytes (broker %s)"
                                       % (got[fd], "exited %s" % broker.proc.poll()
                                          if broker.proc.poll() is not None else "running"))
                got[fd] += n
                total += n
                if n < len(buf):
                    break
        last = last_data = time.perf_counter()
        if total < expected_total:
            time.sleep(sweep_s)
    cpu_last = proc_cpu_s(pid)
    my_cpu = self_cpu_s() - my_cpu0
    for n in got.values():
        if n % out_len:
            raise RuntimeError("a subscriber got %d bytes, not a whole number of %d-byte "
                               "PUBLISH packets: unexpected packets" % (n, out_len))
    delivered = total // out_len
    elapsed = last - first
    ep.close()
    for s in socks:
        s.close()
    pub.close()
    return {
        "deliveries_per_s": delivered / elapsed,
        "msgs_per_s": delivered / elapsed / subs,
        "dropped": messages * subs - delivered,
        "elapsed": elapsed,
        "broker_cpu": (cpu_last - cpu_first) / elapsed,
        "broker_us": 1e6 * (cpu_last - cpu_first) / delivered,
        "gen_cpu": my_cpu / elapsed,
    }


# --- connect/disconnect ------------------------------------------------------


def build_connect_load(workdir):
    """Compiles connect_load.c; returns its path, or None without a compiler."""
    cc = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if not cc:
        return None
    exe = os.path.join(workdir, "connect_load")
    r = subprocess.run([cc, "-O2", "-I", COMMON, "-o", exe, os.path.join(HERE, "connect_load.c"),
                        os.path.join(COMMON, "mqtt_packet.c")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write("cannot build connect_load.c, using the Python load:\n%s\n" % r.stderr)
        return None
    return exe


def connect_cycles_c(exe, broker, count, parallel):
    cpu0 = proc_cpu_s(broker.proc.pid)
    r = subprocess.run([exe, str(broker.port), str(count), str(parallel), "api-bench-cc-"],
                       capture_output=True, text=True, timeout=300)
    cpu = proc_cpu_s(broker.proc.pid) - cpu0
    if r.returncode != 0:
        raise RuntimeError("connect_load failed: %s" % r.stderr.strip())
    done, elapsed = r.stdout.split()
    elapsed = float(elapsed)
    return {"cycles_per_s": int(done) / elapsed, "elapsed": elapsed,
            "broker_cpu": cpu / elapsed, "broker_us": 1e6 * cpu / int(done)}


def connect_cycles_py(broker, count, parallel):
    """The same cycle as connect_load.c, in Python (slower than the broker:
    a fallback when there is no C compiler)."""
    ep = select.epoll()
    state = {}   # fd -> [sock, phase, received, CONNECT packet]
    started = done = 0

    def start_one():
        nonlocal started
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        pkt = connect_packet("api-bench-cc-%d" % started)
        started += 1
        rc = s.connect_ex(("127.0.0.1", broker.port))
        if rc == 0:
            s.send(pkt)
            state[s.fileno()] = [s, 1, b"", pkt]
            ep.register(s.fileno(), select.EPOLLIN)
        elif rc == errno.EINPROGRESS:
            state[s.fileno()] = [s, 0, b"", pkt]
            ep.register(s.fileno(), select.EPOLLOUT)
        else:
            raise OSError(rc, os.strerror(rc))

    cpu0 = proc_cpu_s(broker.proc.pid)
    my0 = self_cpu_s()
    t0 = time.perf_counter()
    for _ in range(min(parallel, count)):
        start_one()
    while done < count:
        for fd, _ in ep.poll(5.0):
            st = state[fd]
            s = st[0]
            if st[1] == 0:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise OSError(err, os.strerror(err))
                s.send(st[3])
                st[1] = 1
                ep.modify(fd, select.EPOLLIN)
                continue
            data = s.recv(64)
            if st[1] == 1:
                if not data:
                    raise RuntimeError("broker closed before CONNACK")
                st[2] += data
                if len(st[2]) >= 4:
                    if st[2][:4] != CONNACK_OK:
                        raise RuntimeError("CONNACK %r" % st[2])
                    s.send(DISCONNECT)
                    st[1] = 2
                continue
            if data == b"":  # the broker closed: the cycle is complete
                ep.unregister(fd)
                del state[fd]
                s.close()
                done += 1
                if started < count:
                    start_one()
    elapsed = time.perf_counter() - t0
    cpu = proc_cpu_s(broker.proc.pid) - cpu0
    ep.close()
    return {"cycles_per_s": count / elapsed, "elapsed": elapsed,
            "broker_cpu": cpu / elapsed, "broker_us": 1e6 * cpu / count,
            "gen_cpu": (self_cpu_s() - my0) / elapsed}


# --- stats latency -------------------------------------------------------------


class StatsWatcher:
    """A raw-socket subscriber to crypto/stats keeping the latest
    active_connections and the time it was read."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(connect_packet("api-bench-watcher") + subscribe_packet(1, STATS_TOPIC))
        self.reader = PacketReader()
        self.active = None
        self.seen_at = None
        self.sock.setblocking(False)
        self.wait_for(lambda a: a is not None)

    def wait_for(self, predicate, timeout=5.0):
        """Reads until predicate(active_connections) holds; returns the
        perf_counter time at which the matching message was read."""
        deadline = time.perf_counter() + timeout
        while True:
            if predicate(self.active):
                return self.seen_at
            left = deadline - time.perf_counter()
            if left <= 0:
                raise RuntimeError("no crypto/stats with the expected figure (last %r)" % self.active)
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            data = self.sock.recv(65536)
            now = time.perf_counter()
            if not data:
                raise RuntimeError("watcher disconnected")
            for first, body in self.reader.feed(data):
                if first >> 4 != 3:
                    continue
                topic, payload = publish_fields(first, body)
                if topic == STATS_TOPIC:
                    self.active = json.loads(payload)["data"]["active_connections"]
                    self.seen_at = now

    def drain(self):
        """Reads whatever arrives within 50 ms."""
        try:
            self.wait_for(lambda a: False, timeout=0.05)
        except RuntimeError:
            pass

    def close(self):
        try:
            self.sock.setblocking(True)
            self.sock.sendall(DISCONNECT)
        except OSError:
            pass
        self.sock.close()


def stats_latency(broker, iterations, spacing_s):
    """Per iteration: a new client connects (TCP first; the clock starts just
    before its CONNECT is sent) and the watcher waits for active_connections
    + 1; after spacing_s it sends DISCONNECT and the watcher waits for the
    figure to drop back; spacing_s again. Returns (connect ms, disconnect ms)."""
    w = StatsWatcher(broker.port)
    time.sleep(0.3)
    w.drain()
    base = w.active
    conn_ms, disc_ms = [], []
    for i in range(iterations):
        c = socket.create_connection(("127.0.0.1", broker.port))
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pkt = connect_packet("api-bench-lat-%d" % i)
        t0 = time.perf_counter()
        c.sendall(pkt)
        t1 = w.wait_for(lambda a: a == base + 1)
        conn_ms.append((t1 - t0) * 1000)
        if recv_exact(c, 4) != CONNACK_OK:
            raise RuntimeError("latency client refused")
        if spacing_s:
            time.sleep(spacing_s)
        t0 = time.perf_counter()
        c.sendall(DISCONNECT)
        t1 = w.wait_for(lambda a: a == base)
        disc_ms.append((t1 - t0) * 1000)
        c.close()
        if spacing_s:
            time.sleep(spacing_s)
    w.close()
    return conn_ms, disc_ms


# --- driver --------------------------------------------------------------------


def machine_facts():
    mver = subprocess.run([nabz_broker.MOSQUITTO, "-h"], capture_output=True, text=True).stdout
    mver = next((line for line in mver.splitlines() if "version" in line), "?").strip()
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    df = subprocess.run(["df", "-T", tempfile.gettempdir()], capture_output=True, text=True).stdout.splitlines()
    return [
        ("nproc", str(os.cpu_count())),
        ("cpu", cpu),
        ("kernel", platform.release()),
        ("broker", "%s (%s)" % (mver, nabz_broker.MOSQUITTO)),
        ("plugin", nabz_broker.plugin_path()),
        ("state file on", (df[-1].split()[1] if len(df) > 1 else "?") + " (" + tempfile.gettempdir() + ")"),
        ("python", platform.python_version()),
    ]


def main():
    ap = argparse.ArgumentParser(description="nabz plugin benchmark: broker with and without the plugin")
    ap.add_argument("--quick", action="store_true", help="smaller run (under a minute)")
    ap.add_argument("--rounds", type=int, help="alternating rounds per configuration (3 quick, 5 full)")
    ap.add_argument("--subs", type=int, help="fan-out subscribers (500 quick, 1000 full)")
    ap.add_argument("--messages", type=int, help="fan-out messages per round (2000 quick, 3000 full)")
    ap.add_argument("--cycles", type=int, help="connect cycles per round (20000 quick, 60000 full)")
    ap.add_argument("--parallel", type=int, default=16, help="connect cycles in flight")
    ap.add_argument("--connect-repeats", type=int, default=2,
                    help="connect figures per configuration per round (each on a fresh broker)")
    ap.add_argument("--latency", type=int, help="spaced stats-latency iterations (60 quick, 200 full)")
    ap.add_argument("--spacing-ms", type=float, default=120.0, help="quiet time around each latency event")
    ap.add_argument("--latency-b2b", type=int, help="back-to-back latency iterations (10 quick, 40 full)")
    ap.add_argument("--sweep-ms", type=float, default=20.0, help="fan-out reader sweep interval")
    ap.add_argument("--python-connect", action="store_true", help="drive connects from Python, not C")
    args = ap.parse_args()
    q = args.quick
    rounds = args.rounds or (3 if q else 5)
    subs = args.subs or (500 if q else 1000)
    messages = args.messages or (2000 if q else 3000)
    cycles = args.cycles or (20000 if q else 60000)
    lat_n = args.latency if args.latency is not None else (60 if q else 200)
    b2b_n = args.latency_b2b if args.latency_b2b is not None else (10 if q else 40)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, subs * 2 + 256))  # the broker inherits it
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    if want < subs + 64:
        sys.exit("need %d file descriptors, can have %d" % (subs + 64, want))
    if not os.path.exists(nabz_broker.plugin_path()):
        sys.exit("no plugin at %s (set NABZ_PLUGIN)" % nabz_broker.plugin_path())
    workdir = tempfile.mkdtemp(prefix="nabz-bench-")
    exe = None if args.python_connect else build_connect_load(workdir)

    t_start = time.time()
    results = {False: {"fanout": [], "connect": []}, True: {"fanout": [], "connect": []}}
    notes = []
    print("fan-out: %d subscribers x %d msgs; connect: %d x %d cycles (%s load), %d in flight; %d rounds"
          % (subs, messages, args.connect_repeats, cycles, "C" if exe else "Python", args.parallel, rounds),
          flush=True)
    for r in range(rounds):
        order = (False, True) if r % 2 == 0 else (True, False)
        for plugin in order:
            name = "with" if plugin else "without"
            b = make_broker(plugin)
            try:
                f = fanout_once(b, subs, messages, sweep_s=args.sweep_ms / 1000.0)
            finally:
                finish(b, name, notes)
            results[plugin]["fanout"].append(f)
            print("round %d %-7s fan-out: %7.0f deliveries/s (%4.0f msgs/s) in %5.2f s, dropped %d, "
                  "broker cpu %3.0f %%, load cpu %3.0f %%"
                  % (r + 1, name, f["deliveries_per_s"], f["msgs_per_s"], f["elapsed"], f["dropped"],
                     100 * f["broker_cpu"], 100 * f["gen_cpu"]), flush=True)
            for _ in range(args.connect_repeats):
                b = make_broker(plugin)
                try:
                    if exe:
                        c = connect_cycles_c(exe, b, cycles, args.parallel)
                    else:
                        c = connect_cycles_py(b, cycles, args.parallel)
                finally:
                    finish(b, name, notes)
                results[plugin]["connect"].append(c)
                print("round %d %-7s connect: %7.0f cycles/s in %5.2f s, broker cpu %3.0f %%"
                      % (r + 1, name, c["cycles_per_s"], c["elapsed"], 100 * c["broker_cpu"]), flush=True)

    b = make_broker(True)
    try:
        spaced = stats_latency(b, lat_n, args.spacing_ms / 1000.0)
        b2b = stats_latency(b, b2b_n, 0) if b2b_n else ([], [])
    finally:
        finish(b, "with", notes)
    shutil.rmtree(workdir, ignore_errors=True)

    def values(plugin, kind, key):
        return [x[key] for x in results[plugin][kind]]

    def med(plugin, kind, key):
        return statistics.median(values(plugin, kind, key))

    def spread(plugin, kind, key):
        xs = values(plugin, kind, key)
        return 100.0 * (max(xs) - min(xs)) / statistics.median(xs)

    print()
    print("=" * 79)
    print("nabz plugin benchmark%s: %d alternating rounds, a fresh broker for each figure"
          % (" (--quick)" if q else "", rounds))
    for k, v in machine_facts():
        print("  %-14s %s" % (k, v))
    print("  fan-out        %d subscribers on %s, %d retained QoS 0 msgs of %d bytes per round"
          % (subs, PRICE_TOPIC, messages, len(price_payload())))
    print("  connect        %d x %d cycles per round, %d in flight, %s load"
          % (args.connect_repeats, cycles, args.parallel, "C" if exe else "Python"))
    print("-" * 79)
    print("%-28s %11s %11s %9s" % ("median of rounds", "without", "with", "ratio"))
    for label, kind, key in (("fan-out deliveries/s", "fanout", "deliveries_per_s"),
                             ("fan-out msgs/s published", "fanout", "msgs_per_s"),
                             ("connect+disconnect cycles/s", "connect", "cycles_per_s")):
        a, w = med(False, kind, key), med(True, kind, key)
        print("%-28s %11.0f %11.0f %7.1f %%" % (label, a, w, 100.0 * w / a))
    for label, kind, key in (("  fan-out spread (max-min)", "fanout", "deliveries_per_s"),
                             ("  connect spread (max-min)", "connect", "cycles_per_s")):
        print("%-28s %9.1f %% %9.1f %%" % (label, spread(False, kind, key), spread(True, kind, key)))
    for label, kind in (("  broker cpu, fan-out", "fanout"), ("  broker cpu, connect", "connect")):
        print("%-28s %9.0f %% %9.0f %%" % (label, 100 * med(False, kind, "broker_cpu"),
                                           100 * med(True, kind, "broker_cpu")))
    for label, kind in (("  broker us cpu / delivery", "fanout"), ("  broker us cpu / cycle", "connect")):
        a, w = med(False, kind, "broker_us"), med(True, kind, "broker_us")
        print("%-28s %11.2f %11.2f %7.1f %%" % (label, a, w, 100.0 * w / a))
    drops = sum(x["dropped"] for p in (False, True) for x in results[p]["fanout"])
    print("%-28s %11d" % ("  fan-out messages dropped", drops))
    print("-" * 79)
    print("stats latency with the plugin: CONNECT/DISCONNECT sent -> crypto/stats read (ms)")
    print("%-34s %5s %8s %8s %8s" % ("", "n", "p50", "p99", "max"))
    rows = (("connect,    %.0f ms apart" % args.spacing_ms, spaced[0]),
            ("disconnect, %.0f ms apart" % args.spacing_ms, spaced[1]),
            ("both,       %.0f ms apart" % args.spacing_ms, spaced[0] + spaced[1]),
            ("connect,    back to back", b2b[0]),
            ("disconnect, back to back", b2b[1]))
    for label, xs in rows:
        if xs:
            print("%-34s %5d %8.2f %8.2f %8.2f" % (label, len(xs), pct(xs, 50), pct(xs, 99), max(xs)))
    print("-" * 79)
    fr = 100.0 * med(True, "fanout", "deliveries_per_s") / med(False, "fanout", "deliveries_per_s")
    p99 = pct(spaced[0] + spaced[1], 99)
    print("targets: fan-out throughput with/without %.1f %% (>= 97 %%: %s); stats p99 %.2f ms "
          "(< 20 ms: %s)" % (fr, "met" if fr >= 97 else "NOT met", p99, "met" if p99 < 20 else "NOT met"))
    if notes:
        print("broker log lines worth a look:")
        for line in notes:
            print("  " + line)
    print("total time %.0f s" % (time.time() - t_start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
