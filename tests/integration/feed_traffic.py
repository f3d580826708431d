"""A broker with the bridge's account and the traffic the alerting rules
look at: prices on crypto/prices/<SYM>, the sources message, subscribers.
Shared by test_metrics_feed.py and test_prometheus.py."""
import json
import time
import urllib.request

from nabz_broker import stop_client

BRIDGE = "nabz-bridge"
BRIDGE_PASSWORD = "bridge-pw"


def start_broker(broker_factory, **options):
    opts = {"publishers": BRIDGE, "services": BRIDGE}
    opts.update(options)
    return broker_factory(accounts={BRIDGE: BRIDGE_PASSWORD}, options=opts).start()


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)


def price_payload(symbol, source_t, stale=False):
    return json.dumps({"type": "price_update", "ts": rfc3339(time.time()),
                       "data": {"symbol": symbol, "price_usd": 97000.5, "change_24h_pct": 1.2,
                                "source": "binance", "source_ts": rfc3339(source_t), "stale": stale}})


def sources_payload(status, demo=False, last_success=None):
    """status: {source name: "ok" | "down" | "unknown"}"""
    sources = {}
    for name, st in status.items():
        sources[name] = {"status": st, "latency_ms": 12.5, "errors_total": 0, "requests_total": 3}
        if last_success is not None:
            sources[name]["last_success"] = rfc3339(last_success)
    return json.dumps({"type": "sources_update", "ts": rfc3339(time.time()),
                       "data": {"sources": sources, "watching": ["BTC"], "discovered": 0, "demo": demo}})


class Traffic:
    """The bridge's connection and a few user subscribers."""

    def __init__(self, broker, subscribers=2):
        self.broker = broker
        self.bridge = broker.client(client_id=BRIDGE, username=BRIDGE, password=BRIDGE_PASSWORD)
        self.subs = []
        for i in range(subscribers):
            c = broker.client(client_id="browser-sub%d" % i)
            c.subscribe("crypto/prices/+", qos=0)
            self.subs.append(c)

    def publish(self, topic, payload, retain=True):
        info = self.bridge.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(5)
        assert info.is_published(), topic

    def close(self):
        for c in self.subs + [self.bridge]:
            stop_client(c)


def http_text(broker, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (broker.ws_port, path), timeout=5) as r:
        return r.read().decode()


def parse_metrics(text):
    """{series (name plus labels, as written): value}"""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def metric_types(text):
    """{metric name: type} from the # TYPE lines."""
    out = {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            out[name] = kind
    return out


def wait_metrics(broker, predicate, timeout=10.0):
    """The parsed /metrics once predicate(parsed) holds."""
    deadline = time.time() + timeout
    while True:
        m = parse_metrics(http_text(broker, "/metrics"))
        if predicate(m):
            return m
        if time.time() > deadline:
            raise AssertionError("never held; last /metrics: %r" % m)
        time.sleep(0.05)
