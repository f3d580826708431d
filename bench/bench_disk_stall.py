#!/usr/bin/python3
"""Benchmark: does a busy disk stall the broker's messages?

    /usr/bin/python3 bench/bench_disk_stall.py [--seconds 20] [--rounds 2]
        [--plugins LABEL=path.so,LABEL=path.so]

The plugin keeps its figures in a state file, written with two fsyncs.
Under another process's heavy writes an fsync on ext4 can take most of a
second; where that write runs decides whether messages wait for it. For
each plugin given (default: this tree's build/plugin/nabz_plugin.so),
alternating, a fresh broker with state_save_interval_ms 0 (a write at every
tick that changed a figure) runs for --seconds while:

  - a client connects and leaves every 100 ms (total_sessions changes, so
    the state file is written about ten times a second),
  - `dd` writes 1 GiB files next to the state file, one after the other
    (the disk's writeback queue stays full),
  - a publisher sends a timestamped message every 20 ms to a subscriber,
    both over TCP on this host.

Figures: the publish -> delivery latency's p50, p99, p99.9 and max, and
how many messages waited over 100 ms, per plugin, with the same figures
measured without the disk load first as the baseline. It prints figures;
it is not a pass/fail test.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
import paho.mqtt.client as mqtt  # noqa: E402

from nabz_broker import Broker, stop_client  # noqa: E402

TOPIC = "crypto/bench/disk"
PUBLISHER = ("nabz-bridge", "bench-password")


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


class Filler:
    """dd writing 1 GiB files into dir, one after the other, until stop()."""

    def __init__(self, directory):
        self.dir = directory
        self.stopping = threading.Event()
        self.proc = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        path = os.path.join(self.dir, "fill")
        while not self.stopping.is_set():
            self.proc = subprocess.Popen(["dd", "if=/dev/zero", "of=" + path, "bs=1M", "count=1024"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.proc.wait()
            try:
                os.unlink(path)
            except OSError:
                pass

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        if self.proc:
            self.proc.terminate()
        self.thread.join()


def churn(broker, stopping):
    """A client connects and leaves every 100 ms."""
    i = 0
    while not stopping.is_set():
        c = mqtt.Client(client_id="churn-%d" % i, protocol=mqtt.MQTTv311)
        try:
            c.connect("127.0.0.1", broker.port, keepalive=30)
            c.loop(0.05)
            c.disconnect()
        except OSError:
            pass
        i += 1
        time.sleep(0.1)


def measure(seconds, disk_dir, loaded):
    b = Broker(accounts={PUBLISHER[0]: PUBLISHER[1]},
               options={"state_save_interval_ms": "0", "publishers": PUBLISHER[0]}).start()
    latencies = []
    got = threading.Event()

    def on_message(client, userdata, msg):
        latencies.append((time.monotonic() - float(msg.payload)) * 1000.0)

    def on_subscribe(client, userdata, mid, granted):
        got.set()

    sub = mqtt.Client(client_id="disk-sub", protocol=mqtt.MQTTv311)
    sub.on_message = on_message
    sub.on_subscribe = on_subscribe
    sub.connect("127.0.0.1", b.port, keepalive=30)
    sub.subscribe(TOPIC, 0)
    sub.loop_start()
    got.wait(5)
    pub = b.client(client_id="disk-pub", username=PUBLISHER[0], password=PUBLISHER[1])
    stopping = threading.Event()
    churner = threading.Thread(target=churn, args=(b, stopping), daemon=True)
    churner.start()
    filler = Filler(disk_dir).start() if loaded else None
    time.sleep(1.0 if loaded else 0)                  # the writeback queue fills
    sent = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pub.publish(TOPIC, repr(time.monotonic()), qos=0)
        sent += 1
        time.sleep(0.02)
    time.sleep(1.0)
    stopping.set()
    churner.join()
    if filler:
        filler.stop()
    stop_client(pub)
    stop_client(sub)
    sessions = None
    try:
        with open(b.state_file) as f:
            sessions = json.load(f).get("total_sessions")
    except (OSError, ValueError):
        pass
    b.stop()
    shutil.rmtree(b.dir, ignore_errors=True)
    return {"sent": sent, "got": len(latencies), "p50": pct(latencies, 0.5), "p99": pct(latencies, 0.99),
            "p999": pct(latencies, 0.999), "max": max(latencies) if latencies else float("nan"),
            "over100": sum(1 for x in latencies if x > 100), "sessions": sessions}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--plugins", default="this=" + os.path.join(HERE, "..", "build", "plugin", "nabz_plugin.so"),
                    help="LABEL=path.so,... compared in the same run, alternating")
    args = ap.parse_args()
    plugins = [tuple(x.split("=", 1)) for x in args.plugins.split(",")]
    disk_dir = tempfile.mkdtemp(prefix="nabz-disk-", dir=os.environ.get("TMPDIR", "/tmp"))
    print("fsync pressure: dd 1 GiB files in %s; %d s per run, %d rounds" % (disk_dir, args.seconds, args.rounds))
    print("%-22s %6s %6s %8s %8s %8s %8s %7s %9s" % ("run", "sent", "got", "p50 ms", "p99 ms", "p99.9", "max ms",
                                                     ">100ms", "sessions"))
    try:
        for r in range(args.rounds):
            for label, path in plugins:
                os.environ["NABZ_PLUGIN"] = os.path.abspath(path)
                for loaded in ((False, True) if r == 0 else (True,)):
                    m = measure(args.seconds, disk_dir, loaded)
                    name = "%s %s #%d" % (label, "disk busy" if loaded else "disk idle", r + 1)
                    print("%-22s %6d %6d %8.2f %8.2f %8.2f %8.1f %7d %9s" % (
                        name, m["sent"], m["got"], m["p50"], m["p99"], m["p999"], m["max"], m["over100"],
                        m["sessions"]), flush=True)
    finally:
        shutil.rmtree(disk_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
