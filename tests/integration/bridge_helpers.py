"""Runs the real nabz-bridge against fake APIs and the real broker."""
import json
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_DIR = os.path.join(HERE, "..", "..", "bridge", "demo")      # the recordings of demo mode


def bridge_path():
    return os.path.abspath(os.environ.get("NABZ_BRIDGE") or os.path.join(HERE, "..", "..", "build", "bridge",
                                                                          "nabz-bridge"))


def bridge_config(broker, fake, **overrides):
    sources = {name: {"base_url": fake.base, "interval_s": 1, "budget_per_min": 600}
               for name in ("coingecko", "binance", "kraken", "coinbase", "nobitex", "wallex")}
    sources["news"] = {"enabled": False, "base_url": fake.base, "interval_s": 1}
    sources["rss"] = {"enabled": False, "feeds": [fake.base + "/feed.xml"], "interval_s": 1}
    cfg = {
        "mqtt": {"host": "127.0.0.1", "port": broker.port, "username": "nabz-bridge", "password": "bridge-pw",
                 "client_id": "nabz-bridge-test"},
        "symbols": ["BTC", "ETH", "SOL", "DOGE", "USDT"],
        "sources": sources,
        "consensus": {"divergence_pct": 2.0, "stale_after_s": 5},
        "http": {"connect_timeout_ms": 1000, "timeout_ms": 2000},
        "state_dir": os.path.join(broker.dir, "bridge-state"),
    }
    for key, value in overrides.items():
        cfg[key] = value
    return cfg


class Bridge:
    def __init__(self, cfg, args=()):
        self.dir = tempfile.mkdtemp(prefix="nabz-bridge-")
        self.cfg_path = os.path.join(self.dir, "bridge.json")
        with open(self.cfg_path, "w") as f:
            json.dump(cfg, f)
        self.log_path = os.path.join(self.dir, "bridge.log")
        self.args = list(args)
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([bridge_path(), "-c", self.cfg_path, "-v"] + self.args,
                                     stdout=subprocess.PIPE if "--once" in self.args else self.log,
                                     stderr=self.log)
        return self

    def stop(self, sig=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(15)
        self.log.close()
        return self.proc.returncode

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()


def broker_for_bridge(broker_factory):
    return broker_factory(accounts={"nabz-bridge": "bridge-pw"},
                          options={"publishers": "nabz-bridge", "services": "nabz-bridge"}).start()
