#!/usr/bin/env python3
"""One node vs a cluster (a core and K edges, mosquitto's own bridges) on
this host, with the same load tool (bench/ws_load.c) for every row:
WebSocket subscribers spread over the edges, one publisher at the core
(one node: at that node), 200-byte price updates.

  [hop]    1,000 subscribers x 10 msg/s: p50/p99 on one node and on the
           cluster: what the bridge hop costs
  [scale]  subscribers stepped up at 10 msg/s, one node and K = 2, 3 edges:
           the largest N held with no loss and p99 <= 100 ms
  [wide]   15,000 WebSocket clients over 3 edges at 1 msg/s (more than one
           process's descriptors here): held, loss, p99, RSS per edge
  and, for every run, server CPU per delivery: the CPU seconds of every
  broker process while publishing / deliveries, split by process.

    /usr/bin/python3 bench/bench_cluster.py            # ~6 min
    /usr/bin/python3 bench/bench_cluster.py --quick    # ~2 min
    NABZ_PLUGIN=/path/to/nabz_plugin.so /usr/bin/python3 bench/bench_cluster.py

Prints figures; never fails on them (a target missed is printed as such).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
import bench_ws  # noqa: E402  (sets NABZ_PLUGIN to build-wsbench's unless given)
import nabz_broker  # noqa: E402
from nabz_cluster import BRIDGE_PASSWORD, BRIDGE_USER, Cluster  # noqa: E402

TOPIC = "crypto/prices/BTC"
P99_LIMIT_MS = 100
WS_LIMITS = {"ws_max_connections": "100000", "ws_max_connections_per_ip": "100000"}


class Topology:
    """One node, or a core and K edges; every broker a BenchBroker (as many
    descriptors as the hard limit allows)."""

    def __init__(self, edges):
        self.started = []
        self.k = edges
        if edges == 0:
            b = self._make(accounts={BRIDGE_USER: BRIDGE_PASSWORD},
                           options=dict(WS_LIMITS, publishers=BRIDGE_USER, services=BRIDGE_USER))
            b.start()
            self.pub_port, self.sub_nodes, self.servers = b.port, [b], [b]
        else:
            c = Cluster(self._make, edges=edges, edge_options=dict(WS_LIMITS)).start()
            self.pub_port, self.sub_nodes, self.servers = c.core.port, c.edges, [c.core] + c.edges
        time.sleep(1.0)             # the plugins' own links come up

    def _make(self, **kwargs):
        b = bench_ws.BenchBroker(**kwargs)
        self.started.append(b)
        return b

    def name(self):
        return "1 node" if self.k == 0 else "%d edges" % self.k

    def stop(self):
        for b in self.started:
            try:
                b.stop()
            except RuntimeError as e:
                print("  WARNING: %s" % e)


def run(exe, topo, subs, rate, seconds, log, settle=1.0, drain=5.0):
    cmd = [exe, "--mode", "ws", "--sub-ports", ",".join(str(n.ws_port) for n in topo.sub_nodes),
           "--tcp-port", str(topo.pub_port), "--subscribers", str(subs), "--rate", str(rate),
           "--seconds", str(seconds), "--topic", TOPIC, "--user", BRIDGE_USER, "--password", BRIDGE_PASSWORD,
           "--extra-pids", ",".join(str(b.proc.pid) for b in topo.servers),
           "--settle", str(settle), "--drain", str(drain), "--p99-limit-ms", str(P99_LIMIT_MS),
           "--connect-parallel", "128"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    log.write("$ %s\n%s%s\n" % (" ".join(cmd), r.stdout, r.stderr))
    log.flush()
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if r.returncode != 0 or line is None:
        raise RuntimeError("ws_load failed (%d):\n%s%s" % (r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
    res = json.loads(line[7:])
    cpu = [p["cpu_pub"] for p in res["extra_pids"]]
    # every broker's CPU seconds from the first publish to the last delivery
    cpu_s = sum(p["cpu_s"] for p in res["extra_pids"])
    res["cpu_s_per_delivery_us"] = cpu_s / res["delivered"] * 1e6 if res["delivered"] else None
    res["cpu_by_process"] = cpu
    res["rss_by_process_kib"] = [p["rss_end_kib"] for p in res["extra_pids"]]
    procs = "+".join("%.0f" % (100 * c) for c in cpu)
    print("  %-8s %6d subs %4g msg/s: held %6d, %9d/%-9d (%6.2f %%), p50 %7.2f p99 %7.2f ms, CPU %% %s, "
          "%.1f us CPU/delivery, others %2.0f %%%s"
          % (topo.name(), subs, rate, res["held"], res["delivered"], res["expected"], 100 * res["delivery_ratio"],
             res["p50_ms"], res["p99_ms"], procs, res["cpu_s_per_delivery_us"] or -1, 100 * res["other_cpu"],
             "" if res["sustained"] else "  NOT sustained"), flush=True)
    time.sleep(1.0)      # the brokers close the last connections
    return res


def main():
    ap = argparse.ArgumentParser(description="nabz: one node vs a cluster of edges on this host")
    ap.add_argument("--quick", action="store_true", help="fewer steps, shorter runs (~2 min)")
    ap.add_argument("--steps", help="subscriber counts to step through, comma separated")
    ap.add_argument("--wide", type=int, default=15000, help="clients for the 3-edge run at 1 msg/s (0: skip)")
    ap.add_argument("--json", help="write every run's figures to this file")
    args = ap.parse_args()
    q = args.quick
    seconds = 4 if q else 8
    steps = [int(x) for x in args.steps.split(",")] if args.steps else (
        [1000, 2000, 4000] if q else [1000, 2000, 3000, 4000, 5000, 6000, 8000, 10000])
    if not os.path.exists(nabz_broker.plugin_path()):
        sys.exit("no plugin at %s (set NABZ_PLUGIN)" % nabz_broker.plugin_path())
    workdir = tempfile.mkdtemp(prefix="nabz-cluster-bench-")
    exe = bench_ws.build_ws_load(workdir)
    log = open(os.path.join(workdir, "runs.log"), "w")
    print("plugin %s; machine: %d CPUs, load average %s"
          % (nabz_broker.plugin_path(), os.cpu_count(), " ".join(open("/proc/loadavg").read().split()[:3])))
    out = {"hop": {}, "scale": {}, "wide": None}
    t0 = time.time()
    for k in (0, 2, 3):
        topo = Topology(k)
        try:
            print("\n[%s] hop: 1000 x 10 msg/s; scale: %s at 10 msg/s" % (topo.name(), steps), flush=True)
            out["hop"][topo.name()] = run(exe, topo, 1000, 10, seconds, log)
            best = None
            for n in steps:
                res = run(exe, topo, n, 10, seconds, log)
                if not res["sustained"]:
                    res = run(exe, topo, n, 10, seconds, log)      # once more: a disturbed run
                out["scale"].setdefault(topo.name(), []).append(res)
                if not res["sustained"]:
                    break
                best = n
            out.setdefault("best", {})[topo.name()] = best
            if k == 3 and args.wide:
                print("\n[wide] %d WebSocket clients over 3 edges at 1 msg/s" % args.wide, flush=True)
                out["wide"] = run(exe, topo, args.wide, 1, seconds, log, settle=3.0, drain=8.0)
        finally:
            topo.stop()

    print("\nSummary (%.0f s)" % (time.time() - t0))
    print("| figure | 1 node | 2 edges | 3 edges |")
    print("| --- | --- | --- | --- |")
    hop = out["hop"]
    print("| 1000 x 10 msg/s p50 / p99 | %s |" % " | ".join(
        "%.1f / %.1f ms" % (hop[n]["p50_ms"], hop[n]["p99_ms"]) if n in hop else "-"
        for n in ("1 node", "2 edges", "3 edges")))
    print("| server CPU per delivery at 1000 x 10 msg/s | %s |" % " | ".join(
        "%.1f us" % hop[n]["cpu_s_per_delivery_us"] if n in hop and hop[n]["cpu_s_per_delivery_us"] else "-"
        for n in ("1 node", "2 edges", "3 edges")))
    best = out.get("best", {})
    print("| largest N at 10 msg/s, no loss, p99 <= %d ms (steps %s) | %s |" % (P99_LIMIT_MS, steps, " | ".join(
        str(best.get(n)) for n in ("1 node", "2 edges", "3 edges"))))
    if "1 node" in hop and "2 edges" in hop:
        extra = hop["2 edges"]["p50_ms"] - hop["1 node"]["p50_ms"]
        print("\nthe bridge hop at 1000 x 10 msg/s: %+.1f ms p50 (target <= 5 ms: %s)"
              % (extra, "met" if extra <= 5 else "NOT met"))
    if best.get("1 node") and best.get("2 edges"):
        ratio = best["2 edges"] / best["1 node"]
        print("2 edges hold %.2f x the subscribers of one node (target >= 1.5 x: %s)"
              % (ratio, "met" if ratio >= 1.5 else "NOT met"))
    w = out["wide"]
    if w:
        print("%d clients over 3 edges at 1 msg/s: held %d, delivered %.2f %%, p99 %.1f ms; RSS KiB core %s, edges %s"
              % (w["subscribers"], w["held"], 100 * w["delivery_ratio"], w["p99_ms"],
                 w["rss_by_process_kib"][0], ", ".join(str(x) for x in w["rss_by_process_kib"][1:])))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    print("full ws_load output in %s" % os.path.join(workdir, "runs.log"))


if __name__ == "__main__":
    main()
