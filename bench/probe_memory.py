#!/usr/bin/python3
"""Repeats two of the attacks from the hardening review and prints the
broker's RSS before, during and after each:

    /usr/bin/python3 bench/probe_memory.py [--runs N] [--quick]

probe 1: a TCP client with a tiny receive window subscribes to crypto/#
         and sends 20,000 $CONTROL/nabz/v1 requests of 16 getStats each
         without reading, then leaves (--runs times).
probe 3: 1,500 WebSocket connections whose CONNECT carries a 65,535-byte
         client id of invalid UTF-8 (the broker refuses it before
         authentication), then RSS again 65 s later, past the 60 s the
         listener once kept such connections' details.

One mosquitto 2.0.11 with the plugin of build/ (NABZ_PLUGIN to choose),
default options but for a per-address limit high enough for one host.
Bounds from the review: RSS grows < 5 MB under probe 1 and is back within
5 MB of the baseline after the client leaves; probe 3 leaves nothing.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
os.environ.setdefault("NABZ_PLUGIN", os.path.join(ROOT, "build", "plugin", "nabz_plugin.so"))
from nabz_broker import Broker  # noqa: E402
from probes import control_flood, rss_kib, settle, ws_bad_client_id_flood  # noqa: E402


def mb(kib):
    return "%.1f MB" % (kib / 1024.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3, help="probe 1 runs")
    ap.add_argument("--quick", action="store_true", help="one run of probe 1, 300 connections for probe 3, no 65 s wait")
    ap.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                    help="a plugin option (e.g. control_rate=100000)")
    args = ap.parse_args()
    options = {"ws_max_connections_per_ip": "100000"}
    options.update(dict(o.split("=", 1) for o in args.option))
    b = Broker(options=options).start()
    pid = b.proc.pid
    try:
        settle(pid)
        base = rss_kib(pid)
        print("plugin %s\nbaseline RSS %s" % (os.environ["NABZ_PLUGIN"], mb(base)))
        for run in range(1 if args.quick else args.runs):
            t0 = time.time()
            c = control_flood(b.port)
            settle(pid)
            during = rss_kib(pid)
            c.close()
            time.sleep(1.5)
            settle(pid)
            after = rss_kib(pid)
            print("probe 1 run %d (%.1f s): during %s (%+.1f), after leaving %s (%+.1f)" % (
                run + 1, time.time() - t0, mb(during), (during - base) / 1024.0, mb(after),
                (after - base) / 1024.0))
        dropped = b.read_log().count("Outgoing messages are being dropped")
        print("  broker said 'Outgoing messages are being dropped' %d times" % dropped)

        base3 = rss_kib(pid)
        n = 300 if args.quick else 1500
        t0 = time.time()
        refused, closed = ws_bad_client_id_flood(b.ws_port, connections=n)
        settle(pid)
        right_after = rss_kib(pid)
        print("probe 3: %d connections in %.1f s (%d refused with a CONNACK, %d closed): RSS %s -> %s (%+.1f)" % (
            n, time.time() - t0, refused, closed, mb(base3), mb(right_after), (right_after - base3) / 1024.0))
        if not args.quick:
            time.sleep(65)
            later = rss_kib(pid)
            print("probe 3, 65 s later: %s (%+.1f from before the probe)" % (mb(later), (later - base3) / 1024.0))
    finally:
        b.stop()


if __name__ == "__main__":
    main()
