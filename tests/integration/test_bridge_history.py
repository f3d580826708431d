"""The charts' price history: nabz-bridge against the fake APIs and the real
broker + plugin publishes crypto/history/<SYM> retained (price_history,
points oldest first), keeps it in its state directory across a restart,
starts empty on a damaged file, and has one at once in demo mode."""
import json
import os
import threading
import time

from bridge_helpers import DEMO_DIR, Bridge, bridge_config, broker_for_bridge
from nabz_broker import Watcher, stop_client

import pytest

MIN_MS = 60000


def retained_history(broker, symbol, predicate, timeout=20.0):
    """Subscribes anew (as a page opening now does) and returns the first
    retained crypto/history/<symbol> message whose data satisfies predicate,
    as (payload, data); polls by subscribing again until then."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        got = []
        done = threading.Event()
        c = broker.client(client_id="api-history-%d" % int(time.time() * 1000))

        def on_message(client, userdata, msg):
            if msg.retain:
                got.append(json.loads(msg.payload))
                done.set()
        c.on_message = on_message
        c.subscribe("crypto/history/" + symbol, qos=0)
        done.wait(2)
        stop_client(c)
        if got:
            last = got[0]
            if predicate(last["data"]):
                return last, last["data"]
        time.sleep(0.5)
    raise AssertionError("no retained history of %s as wanted; last: %r" % (symbol, last))


def check_shape(payload, data, symbol):
    assert payload["type"] == "price_history"
    assert "ts" in payload
    assert data["symbol"] == symbol
    assert data["interval_s"] == 60
    times = [p[0] for p in data["points"]]
    assert all(len(p) == 2 and p[1] > 0 for p in data["points"])
    assert all(t % MIN_MS == 0 for t in times)
    assert times == sorted(times) and len(set(times)) == len(times)     # oldest first, one a minute
    assert times[-1] <= time.time() * 1000
    assert times[0] > time.time() * 1000 - 24 * 3600 * 1000 - MIN_MS     # a day at most


def write_history(state_dir, series):
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, "history.json"), "w") as f:
        json.dump({"interval_s": 60, "symbols": series}, f)


def test_history_is_retained_oldest_first_and_survives_a_restart(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake)
    state_dir = cfg["state_dir"]
    # Half an hour from an earlier run, ending two minutes ago.
    now_min = int(time.time() * 1000) // MIN_MS * MIN_MS
    earlier = [[now_min - (31 - i) * MIN_MS, 90000.0 + i] for i in range(30)]
    write_history(state_dir, {"BTC": earlier})
    w = Watcher(broker, topics=("crypto/prices/BTC",), client_id="api-prices")
    bridge = Bridge(cfg).start()
    try:
        w.wait_for(lambda d: d.get("price_usd") == pytest.approx(97000.0), topic="crypto/prices/BTC", timeout=15)
        payload, data = retained_history(broker, "BTC", lambda d: d["points"][-1][1] == pytest.approx(97000.0))
        check_shape(payload, data, "BTC")
        assert data["points"][:30] == earlier                 # read back from the state directory
        assert data["points"][-1][0] >= now_min               # then the live minute
        first_run = data["points"]
        # Every watched symbol has one.
        _, eth = retained_history(broker, "ETH", lambda d: len(d["points"]) >= 1)
        assert eth["points"][-1][1] == pytest.approx(3500.0, rel=0.2)
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        w.close()
    with open(os.path.join(state_dir, "history.json")) as f:
        saved = json.load(f)
    assert saved["symbols"]["BTC"][:len(first_run)] == first_run

    # The bridge restarted with the same state directory, on a fresh
    # broker that holds nothing retained: the earlier points come back.
    broker2 = broker_for_bridge(broker_factory)
    fake.prices["BTC"] = 98000.0
    again = Bridge(bridge_config(broker2, fake, state_dir=state_dir)).start()
    try:
        payload, data = retained_history(broker2, "BTC", lambda d: len(d["points"]) >= len(first_run))
        check_shape(payload, data, "BTC")
        times = {p[0]: p[1] for p in data["points"]}
        for t, price in first_run[:-1]:
            assert times[t] == price
        assert first_run[-1][0] in times                       # the live minute of the first run
        assert "symbols read back from" in again.read_log()
    finally:
        assert again.stop() == 0, again.read_log()


def test_a_damaged_history_file_is_refused_once_and_the_bridge_goes_on(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake)
    os.makedirs(cfg["state_dir"], exist_ok=True)
    with open(os.path.join(cfg["state_dir"], "history.json"), "wb") as f:
        f.write(b'{"interval_s": 60, "symbols": {"BTC": [[12, "x"]\x00\xff garbage')
    bridge = Bridge(cfg).start()
    try:
        payload, data = retained_history(broker, "BTC", lambda d: len(d["points"]) >= 1)
        check_shape(payload, data, "BTC")
        assert len(data["points"]) <= 2                       # the live minute(s) only
        log = bridge.read_log()
        assert log.count("history.json is damaged") == 1, log
    finally:
        assert bridge.stop() == 0, bridge.read_log()
    with open(os.path.join(cfg["state_dir"], "history.json")) as f:
        assert "BTC" in json.load(f)["symbols"]                # replaced by a good one at stop


def test_demo_mode_has_a_history_at_once(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake, demo_dir=DEMO_DIR)
    bridge = Bridge(cfg, args=["--demo"]).start()
    try:
        payload, data = retained_history(broker, "BTC", lambda d: len(d["points"]) >= 2)
        check_shape(payload, data, "BTC")
        assert all(80000 < p[1] < 110000 for p in data["points"])
        assert "price history seeded" in bridge.read_log()
        assert fake.requests == []
    finally:
        assert bridge.stop() == 0, bridge.read_log()
    # Recorded prices are never written into the live history.
    assert not os.path.exists(os.path.join(cfg["state_dir"], "history.json"))
