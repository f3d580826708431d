#!/usr/bin/python3
"""Benchmark: nabz-bridge with 200 symbols from 4 sources polled every second.

    /usr/bin/python3 bench/bench_bridge.py [--quick]

Runs the real bridge ($NABZ_BRIDGE, default build/bridge/nabz-bridge) against
a local fake of Binance, Kraken, Nobitex and Wallex (the four whose parsers
take any symbol: CoinGecko needs an id the bridge knows only for ~20 coins,
Coinbase costs one request per symbol), and the real mosquitto with the
plugin ($NABZ_PLUGIN, default build/plugin/nabz_plugin.so). 200 symbols
(BTC, ETH, S001..S198); each source interval_s 1, so ~4 responses/s, and
every response carries new prices for all 200 symbols, so every symbol is
republished after every response (~800 price_updates/s).

Figures, over a measured window after a warm-up:

  latency  fake source's response -> the subscriber reading the
           price_update that carries it. Each response gets a sequence
           number per source; every price in it encodes that number
           (USD: base + seq * 0.001, toman: base + seq), and each payload
           carries every source's value (data.sources.<name>), so the
           subscriber knows which response each value came from. A sample
           is the first price_update of a symbol showing a (source, seq):
           200 samples per response. Start: the fake's clock right after
           its write() of the body returned (the body is in the kernel,
           headers were sent before it). End: the subscriber's clock right
           after the recv() that completed the message. Both are
           time.monotonic(), i.e. CLOCK_MONOTONIC, one clock for every
           process on the machine. The fake runs in a child process and the
           subscriber (raw socket; parsing is done after the run) in this
           one, so neither waits for the other's GIL.
  CPU      the bridge's utime + stime (/proc/<pid>/stat) over the window,
           as % of one core; the same for the broker and the fake.
  RSS      the bridge's VmRSS, sampled every 100 ms; max over the run
           (and VmHWM at the end).

Targets (issue): latency p99 < 5 ms; bridge CPU < 5 % of a core; RSS < 20 MiB.
It prints figures; it exits 0 unless something breaks.

Diagnosis switches (off by default, which measures the project as it is):
--broker-nodelay (the broker with set_tcp_nodelay true), --bridge-nodelay
(TCP_NODELAY on the bridge's sockets through a small LD_PRELOAD shim
compiled on the fly; the bridge itself is not changed), --quickack (the
subscriber ACKs every read at once).
"""
import argparse
import gc
import json
import multiprocessing
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import types
from urllib.parse import parse_qs, unquote, urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, HERE)
import bridge_helpers  # noqa: E402
import nabz_broker  # noqa: E402
from bench_plugin import CLK_TCK, CONNACK_OK, DISCONNECT, connect_packet, machine_facts, pct, proc_cpu_s, \
    self_cpu_s, subscribe_packet  # noqa: E402
from bridge_helpers import Bridge, bridge_config, broker_for_bridge  # noqa: E402
from fake_apis import FakeApis  # noqa: E402
from nabz_broker import Broker  # noqa: E402

def machine_busy_s():
    """CPU seconds every process on the machine used (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / CLK_TCK      # all but idle and iowait (guest is in user)


SOURCES = ("binance", "kraken", "nobitex", "wallex")
USD_SOURCES = ("binance", "kraken")
USD_STEP = 0.001           # USD price = base + seq * USD_STEP
USDT_TOMAN = 70000
TOPIC = "crypto/prices/#"
PINGREQ = b"\xc0\x00"
TARGET_P99_MS = 5.0
TARGET_CPU_PCT = 5.0
TARGET_RSS_MIB = 20.0


def make_symbols(n):
    return ["BTC", "ETH"] + ["S%03d" % i for i in range(1, n - 1)]


def base_prices(symbols):
    """USD and toman (whole) base price of every symbol."""
    usd = {}
    for i, sym in enumerate(symbols):
        usd[sym] = {"BTC": 97000.0, "ETH": 3650.0}.get(sym, 10.0 + i)
    toman = {sym: int(round(v * USDT_TOMAN)) for sym, v in usd.items()}
    return usd, toman


def kraken_name(sym):
    return {"BTC": "XXBTZUSD", "ETH": "XETHZUSD"}.get(sym, sym + "USD")


# --- the fake ----------------------------------------------------------------


class BenchApis(FakeApis):
    """FakeApis with 200 symbols for binance, kraken, nobitex and wallex, in
    the same formats. Every response gets the next sequence number of its
    source, encoded in all of its prices; the time its last byte went into
    the socket is recorded.

    The bodies are made before the run (made on the fly they cost the fake
    ~2 ms of CPU each, at the very moment the bridge works on the previous
    response, on a 2-core machine), and each response is one write() of
    headers and body: with two, the body could wait for the GIL or for
    Nagle after the headers."""

    def __init__(self, symbols, rounds):
        self.symbols = list(symbols)
        self.usd, self.toman = base_prices(self.symbols)
        self.seq = {s: 0 for s in SOURCES}
        self.ready = {s: [None] + [self.make_body(s, n) for n in range(1, rounds + 1)] for s in SOURCES}
        self.sent = []                  # (source, seq, t_before_write, t_after_write, bytes)
        self.first_path = {}            # source -> the first request's path and query
        self.tag = threading.local()
        super().__init__()

    def make_body(self, source, n):
        now = time.time()
        if source == "binance":
            ms = int(now * 1000)
            body = [{"symbol": sym + "USDT", "priceChange": "1.0", "priceChangePercent": "1.250",
                     "lastPrice": "%.8f" % (self.usd[sym] + n * USD_STEP),
                     "openPrice": "%.8f" % self.usd[sym], "quoteVolume": "1000000.0", "volume": "100.0",
                     "openTime": ms - 86400000, "closeTime": ms, "count": 1000}
                    for sym in self.symbols]
        elif source == "kraken":
            result = {}
            for sym in self.symbols:
                p = "%.5f" % (self.usd[sym] + n * USD_STEP)
                o = "%.5f" % self.usd[sym]
                result[kraken_name(sym)] = {"a": [p, "1", "1.000"], "b": [p, "1", "1.000"], "c": [p, "0.1"],
                                            "v": ["10", "20"], "p": [p, p], "t": [10, 20], "l": [p, p],
                                            "h": [p, p], "o": o}
            body = {"error": [], "result": result}
        elif source == "nobitex":
            stats = {}
            for sym in self.symbols:
                rials = "%d" % ((self.toman[sym] + n) * 10)
                stats[sym.lower() + "-rls"] = {"isClosed": False, "bestSell": rials, "bestBuy": rials,
                                               "latest": rials, "dayChange": "1.25", "volumeSrc": "1.0",
                                               "volumeDst": rials}
            body = {"status": "ok", "stats": stats}
        else:
            symbols = {}
            for sym in self.symbols:
                key = sym + "TMN"
                symbols[key] = {"symbol": key, "baseAsset": sym, "quoteAsset": "TMN", "faName": "نام",
                                "stats": {"lastPrice": "%d" % (self.toman[sym] + n), "24h_ch": 1.25,
                                          "bidPrice": "1", "askPrice": "1"}}
            body = {"result": {"symbols": symbols}, "message": "The operation was successful", "success": True}
        return json.dumps(body, ensure_ascii=False).encode()

    def body(self, source, url):
        if source not in SOURCES:
            return ("status", 404, {"error": "not in this benchmark"})
        self.seq[source] += 1
        n = self.seq[source]
        self.tag.value = (source, n)
        self.first_path.setdefault(source, url.path + ("?" + url.query if url.query else ""))
        data = self.ready[source][n] if n < len(self.ready[source]) else self.make_body(source, n)
        return ("raw", 200, data, "application/json")

    def _handler(self):
        fake = self
        base = super()._handler()

        class Handler(base):
            disable_nagle_algorithm = True      # as real servers: TCP_NODELAY

            def send(self, status, body, ctype="application/json", headers=None):
                tag = getattr(fake.tag, "value", None)
                fake.tag.value = None
                if tag is None or status != 200:
                    return super().send(status, body, ctype, headers)
                out = (b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
                       % (ctype.encode(), len(body))) + body
                t0 = time.monotonic()
                self.wfile.write(out)
                t1 = time.monotonic()
                with fake.lock:
                    fake.sent.append((tag[0], tag[1], t0, t1, len(body)))

        return Handler


def fake_process(conn, symbols, rounds):
    """The fake in a child process: sends its base URL, serves until told to
    stop, then sends back what it sent."""
    fake = BenchApis(symbols, rounds)
    conn.send(fake.base)
    conn.recv()
    fake.close()
    with fake.lock:
        conn.send({"sent": fake.sent, "first_path": fake.first_path, "requests": len(fake.requests)})


# --- the subscriber ---------------------------------------------------------------


NODELAY_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
/* LD_PRELOAD: TCP_NODELAY on every TCP socket the process connects. */
int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*real)(int, const struct sockaddr *, socklen_t);
	int one = 1;
	if(!real) real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
	if(sa && (sa->sa_family == AF_INET || sa->sa_family == AF_INET6))
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return real(fd, sa, len);
}
"""


def build_nodelay_shim(workdir):
    src = os.path.join(workdir, "nodelay.c")
    out = os.path.join(workdir, "nodelay.so")
    with open(src, "w") as f:
        f.write(NODELAY_SHIM)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", out, src, "-ldl"], check=True)
    return out


def subscriber(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    s.sendall(connect_packet("api-bench-bridge") + subscribe_packet(1, TOPIC))
    s.settimeout(10)
    got = b""
    while len(got) < 9:                          # CONNACK (4) + SUBACK (5)
        chunk = s.recv(9 - len(got))
        if not chunk:
            raise RuntimeError("broker closed the subscriber")
        got += chunk
    if got[:4] != CONNACK_OK or got[4] != 0x90 or got[8] != 0:
        raise RuntimeError("subscriber refused: %r" % got)
    s.setblocking(False)
    return s


def packets(chunks):
    """(time, topic, payload) of each PUBLISH in the (time, bytes) chunks read,
    the time being that of the chunk that completed it."""
    buf = b""
    for t, data in chunks:
        buf += data
        pos = 0
        while len(buf) - pos >= 2:
            mult, rl, i = 1, 0, pos + 1
            while True:
                if i >= len(buf):
                    rl = None
                    break
                b = buf[i]
                rl += (b & 0x7F) * mult
                mult *= 128
                i += 1
                if not b & 0x80:
                    break
            if rl is None or len(buf) < i + rl:
                break
            first = buf[pos]
            if first >> 4 == 3:
                tlen = struct.unpack("!H", buf[i:i + 2])[0]
                topic = buf[i + 2:i + 2 + tlen].decode()
                start = i + 2 + tlen + (2 if (first >> 1) & 3 else 0)
                yield t, topic, buf[start:i + rl]
            pos = i + rl
        buf = buf[pos:]


# --- measurement -----------------------------------------------------------------


def proc_status(pid, key):
    """A kB figure of /proc/<pid>/status, in MiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def binance_url_symbols(path, expected):
    """How many of the expected symbols the bridge's Binance request named
    intact (the fake answers with all of them whatever it asks)."""
    q = parse_qs(urlparse(path).query).get("symbols", [""])[0]
    q = unquote(q).strip("[]")
    names = [x.strip('"') for x in q.split(",") if x]
    intact = [x for x in names if x.endswith("USDT") and x[:-4] in expected]
    return len(intact), len(path)


def run(args):
    symbols = make_symbols(args.symbols)
    usd, toman = base_prices(symbols)
    workdir = tempfile.mkdtemp(prefix="nabz-bbench-")
    shim = build_nodelay_shim(workdir) if args.bridge_nodelay else None
    if args.broker_nodelay:
        # broker_for_bridge's broker, plus the broker's own TCP_NODELAY switch.
        broker = Broker(accounts={"nabz-bridge": "bridge-pw"},
                        options={"publishers": "nabz-bridge", "services": "nabz-bridge"},
                        extra_conf="set_tcp_nodelay true").start()
    else:
        broker = broker_for_bridge(Broker)
    parent, child = multiprocessing.Pipe()
    rounds = int(args.warmup + args.seconds + 10)          # responses per source, made in advance
    fake_proc = multiprocessing.Process(target=fake_process, args=(child, symbols, rounds), daemon=True)
    fake_proc.start()
    base = parent.recv()
    sub = subscriber(broker.port)
    sources = {name: {"enabled": name in SOURCES, "base_url": base, "interval_s": 1, "budget_per_min": 600}
               for name in ("coingecko", "binance", "kraken", "coinbase", "nobitex", "wallex")}
    sources["news"] = {"enabled": False}
    sources["rss"] = {"enabled": False}
    cfg = bridge_config(broker, types.SimpleNamespace(base=base), symbols=symbols, sources=sources,
                        consensus={"divergence_pct": 2.0, "stale_after_s": 10})
    bridge = Bridge(cfg)
    chunks, rss = [], []
    bridge_rc = None
    try:
        if shim:
            os.environ["LD_PRELOAD"] = shim
        try:
            bridge.start()
        finally:
            os.environ.pop("LD_PRELOAD", None)
        pid = bridge.proc.pid
        t_begin = time.monotonic()
        w0 = t_begin + args.warmup
        w1 = w0 + args.seconds
        t_stop = w1 + 1.0                       # the last responses' updates still arrive
        cpu0 = cpu1 = None
        next_sample = t_begin
        next_ping = t_begin + 30.0
        gc.disable()
        while True:
            now = time.monotonic()
            if now >= next_sample:
                if bridge.proc.poll() is not None:
                    raise RuntimeError("the bridge exited with %s:\n%s" % (bridge.proc.returncode,
                                                                          bridge.read_log()[-3000:]))
                rss.append(proc_status(pid, "VmRSS"))
                next_sample += 0.1
                if now >= next_ping:            # keepalive is 60 s; the broker would drop us at 90
                    sub.sendall(PINGREQ)
                    next_ping = now + 30.0
                if cpu0 is None and now >= w0:
                    cpu0 = (now, proc_cpu_s(pid), proc_cpu_s(broker.proc.pid), proc_cpu_s(fake_proc.pid),
                            machine_busy_s(), self_cpu_s())
                if cpu1 is None and now >= w1:
                    cpu1 = (now, proc_cpu_s(pid), proc_cpu_s(broker.proc.pid), proc_cpu_s(fake_proc.pid),
                            machine_busy_s(), self_cpu_s())
                if now >= t_stop:
                    break
            r, _, _ = select.select([sub], [], [], max(0.0, next_sample - time.monotonic()))
            if r:
                data = sub.recv(1 << 20)
                t = time.monotonic()
                if args.quickack:
                    sub.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                if not data:
                    raise RuntimeError("the broker closed the subscriber")
                chunks.append((t, data))
        gc.enable()
        hwm = proc_status(pid, "VmHWM")
    finally:
        gc.enable()
        try:
            bridge_rc = bridge.stop()
        except Exception as e:  # noqa: BLE001
            print("stopping the bridge: %s" % e)
        try:
            sub.sendall(DISCONNECT)
        except OSError:
            pass
        sub.close()
        parent.send("stop")
        fake_out = parent.recv() if parent.poll(10) else {"sent": [], "first_path": {}, "requests": 0}
        fake_proc.join(5)
        broker.stop()
        log = bridge.read_log()
        shutil.rmtree(broker.dir, ignore_errors=True)
        shutil.rmtree(bridge.dir, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)

    # Which response each value came from.
    sent = {(src, seq): (t0, t1, n) for src, seq, t0, t1, n in fake_out["sent"]}
    seen = set()
    lat = {s: [] for s in SOURCES}
    per_resp = {}                              # (src, seq) -> [latencies]
    msgs = msgs_window = nbytes = 0
    for t, topic, payload in packets(chunks):
        msgs += 1
        nbytes += len(payload)
        if w0 <= t < w1:
            msgs_window += 1
        data = json.loads(payload)["data"]
        sym = data["symbol"]
        for src, v in data.get("sources", {}).items():
            if src not in lat:
                continue
            if src in USD_SOURCES:
                seq = int(round((v["price_usd"] - usd[sym]) / USD_STEP))
            else:
                seq = int(round(v["price_irt"] - toman[sym]))
            key = (src, seq, sym)
            if key in seen:
                continue
            seen.add(key)
            resp = sent.get((src, seq))
            if resp is None or not (w0 <= resp[1] < w1):
                continue
            ms = (t - resp[1]) * 1000.0
            lat[src].append(ms)
            per_resp.setdefault((src, seq), []).append(ms)
    in_window = [k for k, v in sent.items() if w0 <= v[1] < w1]
    expected = len(in_window) * len(symbols)
    all_ms = [x for s in SOURCES for x in lat[s]]
    window = cpu1[0] - cpu0[0]
    return {
        "symbols": symbols, "lat": lat, "all": all_ms, "per_resp": per_resp, "expected": expected,
        "responses": len(in_window), "resp_per_src": {s: sum(1 for k in in_window if k[0] == s) for s in SOURCES},
        "body_bytes": {s: max((v[2] for k, v in sent.items() if k[0] == s), default=0) for s in SOURCES},
        "write_ms": [1000 * (v[1] - v[0]) for k, v in sent.items() if k in in_window],
        "window": window, "msgs": msgs, "msgs_window": msgs_window, "bytes": nbytes,
        "bridge_cpu": 100.0 * (cpu1[1] - cpu0[1]) / window, "broker_cpu": 100.0 * (cpu1[2] - cpu0[2]) / window,
        "fake_cpu": 100.0 * (cpu1[3] - cpu0[3]) / window,
        # everything else the machine ran meanwhile (other sessions' work):
        # a run with much of it is a disturbed run
        "other_cpu": 100.0 * ((cpu1[4] - cpu0[4]) - sum(cpu1[k] - cpu0[k] for k in (1, 2, 3, 5))) / window,
        "rss_max": max(rss), "rss_end": rss[-1], "hwm": hwm, "bridge_rc": bridge_rc, "log": log,
        "binance_url": binance_url_symbols(fake_out["first_path"].get("binance", ""), set(symbols) - {"USDT"}),
    }


def report(args, r):
    n = len(r["symbols"])
    print()
    print("=" * 79)
    print("nabz-bridge benchmark%s: %d symbols x %d sources (%s), each polled every 1 s"
          % (" (--quick)" if args.quick else "", n, len(SOURCES), ", ".join(SOURCES)))
    for k, v in machine_facts():
        if k == "plugin":
            v = nabz_broker.plugin_path()
        print("  %-14s %s" % (k, v))
    print("  %-14s %s" % ("bridge", bridge_helpers.bridge_path()))
    diag = [name for name, on in (("broker set_tcp_nodelay", args.broker_nodelay),
                                  ("bridge TCP_NODELAY (shim)", args.bridge_nodelay),
                                  ("subscriber TCP_QUICKACK", args.quickack)) if on]
    print("  %-14s %s" % ("diagnosis", ", ".join(diag) if diag else "none (the project as it is)"))
    print("  %-14s %.1f s after %.0f s of warm-up; %d responses (%s), bodies %s bytes"
          % ("window", r["window"], args.warmup, r["responses"],
             ", ".join("%s %d" % kv for kv in r["resp_per_src"].items()),
             "/".join(str(r["body_bytes"][s]) for s in SOURCES)))
    print("  %-14s %d price_updates in the window (%.0f/s), %.0f bytes each on average"
          % ("received", r["msgs_window"], r["msgs_window"] / r["window"], r["bytes"] / max(1, r["msgs"])))
    print("-" * 79)
    print("latency, response written -> price_update read (ms)")
    print("%-30s %7s %8s %8s %8s %8s" % ("", "n", "p50", "p90", "p99", "max"))
    rows = [(s, r["lat"][s]) for s in SOURCES] + [("all", r["all"])]
    firsts = [min(v) for v in r["per_resp"].values()]
    lasts = [max(v) for v in r["per_resp"].values()]
    rows += [("first symbol of a response", firsts), ("last symbol of a response", lasts)]
    for label, xs in rows:
        if xs:
            print("%-30s %7d %8.2f %8.2f %8.2f %8.2f" % (label, len(xs), pct(xs, 50), pct(xs, 90), pct(xs, 99),
                                                       max(xs)))
    got = len(r["all"])
    print("samples: %d of %d expected (%d responses x %d symbols)%s"
          % (got, r["expected"], r["responses"], n, "" if got == r["expected"] else "  <-- some missing"))
    if r["write_ms"]:
        print("fake's response write(): p50 %.3f ms, max %.3f ms (not in the latency)"
              % (pct(r["write_ms"], 50), max(r["write_ms"])))
    print("-" * 79)
    print("%-34s %10.2f %%" % ("bridge CPU (of one core)", r["bridge_cpu"]))
    print("%-34s %10.2f %%" % ("broker CPU", r["broker_cpu"]))
    print("%-34s %10.2f %%" % ("fake APIs CPU (Python)", r["fake_cpu"]))
    print("%-34s %10.2f %%  (of %d cores; high: a disturbed run)" % ("other processes CPU", r["other_cpu"],
                                                                     os.cpu_count() or 1))
    print("%-34s %10.2f MiB (at the end %.2f, VmHWM %.2f)" % ("bridge RSS max", r["rss_max"], r["rss_end"], r["hwm"]))
    intact, url_len = r["binance_url"]
    if intact < n:
        print("note: the bridge's Binance request named %d of the %d symbols intact (URL %d chars):"
              % (intact, n, url_len))
        print("      source/binance.c builds the list in a bounded buffer and truncates it; the fake")
        print("      answers with every symbol whatever it asks, the real API would refuse the request.")
    print("-" * 79)
    p99 = pct(r["all"], 99)
    print("%-26s %12s %12s  %s" % ("target", "measured", "target", ""))
    for label, value, target, unit, ok in (
            ("latency p99", p99, TARGET_P99_MS, "ms", p99 < TARGET_P99_MS),
            ("bridge CPU", r["bridge_cpu"], TARGET_CPU_PCT, "%", r["bridge_cpu"] < TARGET_CPU_PCT),
            ("bridge RSS (max)", r["rss_max"], TARGET_RSS_MIB, "MiB", r["rss_max"] < TARGET_RSS_MIB)):
        print("%-26s %9.2f %-3s %9s %-3s %s" % (label, value, unit, "< %g" % target, unit,
                                                 "met" if ok else "NOT met"))
    print("  (latency p50 %.2f ms, max %.2f ms)" % (pct(r["all"], 50), max(r["all"]) if r["all"] else float("nan")))
    log = r["log"].split(" notice: stopping")[0]          # not the shutdown's own lines
    bad = [line for line in log.splitlines() if " error:" in line or " warning:" in line]
    if bad:
        print("bridge log lines worth a look:")
        for line in bad[:10]:
            print("  " + line)
    if r["bridge_rc"] not in (0, None):
        print("the bridge exited with %s" % r["bridge_rc"])


def main():
    ap = argparse.ArgumentParser(description="nabz-bridge benchmark: 200 symbols, 4 sources, 1 s polls")
    ap.add_argument("--quick", action="store_true", help="20 s window (~30 s in all)")
    ap.add_argument("--seconds", type=float, help="measured window (20 quick, 110 full)")
    ap.add_argument("--warmup", type=float, default=5.0, help="seconds before the window")
    ap.add_argument("--symbols", type=int, default=200, help="symbols (BTC, ETH, S001...)")
    ap.add_argument("--broker-nodelay", action="store_true",
                    help="diagnosis: the broker with set_tcp_nodelay true")
    ap.add_argument("--bridge-nodelay", action="store_true",
                    help="diagnosis: TCP_NODELAY on the bridge's sockets (LD_PRELOAD shim, needs cc)")
    ap.add_argument("--quickack", action="store_true",
                    help="diagnosis: the subscriber ACKs at once (TCP_QUICKACK after every read)")
    args = ap.parse_args()
    args.seconds = args.seconds or (20.0 if args.quick else 110.0)
    for path, env in ((bridge_helpers.bridge_path(), "NABZ_BRIDGE"), (nabz_broker.plugin_path(), "NABZ_PLUGIN")):
        if not os.path.exists(path):
            sys.exit("no %s (set %s)" % (path, env))
    t = time.time()
    print("nabz-bridge: %d symbols, %s every 1 s, %.0f s warm-up + %.0f s window ..."
          % (args.symbols, "/".join(SOURCES), args.warmup, args.seconds), flush=True)
    r = run(args)
    report(args, r)
    print("total time %.0f s" % (time.time() - t))
    return 0 if r["all"] else 1


if __name__ == "__main__":
    sys.exit(main())
