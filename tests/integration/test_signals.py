"""Trading signals: the real nabz-bridge, fed a scripted day of minute
prices (its history file, as an earlier run leaves it) and the fake APIs,
publishes each signal once on crypto/signals (QoS 1) when its state
changes, with the candles it used and the "indicator, not advice" note;
does not publish it again after a restart; publishes the change when the
prices turn; keeps crypto/signals/recent retained; and only the bridge's
account can publish there."""
import json
import os
import threading
import time

from bridge_helpers import DEMO_DIR, Bridge, bridge_config, broker_for_bridge
from nabz_broker import stop_client

import pytest

MIN_MS = 60000
HOUR_MS = 3600000


class Collector:
    """Every message on the topics, in order (QoS 1 subscription)."""

    def __init__(self, broker, topics, client_id):
        self.lock = threading.Lock()
        self.messages = []
        self.client = broker.client(client_id=client_id, connect=False)
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", broker.port, keepalive=60)
        self.client.loop_start()
        assert self.client.nabz_connected.wait(5)
        for t in topics:
            self.client.subscribe(t, qos=1)
        time.sleep(0.3)

    def _on_message(self, client, userdata, msg):
        with self.lock:
            self.messages.append((msg.topic, msg.retain, msg.qos, json.loads(msg.payload)))

    def of(self, topic):
        with self.lock:
            return [(r, q, p) for t, r, q, p in self.messages if t == topic]

    def wait(self, predicate, timeout=15.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self):
                return
            time.sleep(0.1)
        raise AssertionError("timed out; got %r" % [(t, p.get("data")) for t, _, _, p in self.messages])

    def close(self):
        stop_client(self.client)


def scripted_day(step):
    """A day of minutes ending the minute before now: a straight line up
    (step > 0) or down; its last price."""
    now_min = int(time.time() * 1000) // MIN_MS * MIN_MS
    pts = [[now_min - (1440 - i) * MIN_MS, 60000.0 + step * i] for i in range(1440)]
    # points in the first minute of the day-old window are dropped on load
    return pts[2:], pts[-1][1]


def write_history(state_dir, points):
    os.makedirs(state_dir, exist_ok=True)
    with open(os.path.join(state_dir, "history.json"), "w") as f:
        json.dump({"interval_s": 60, "symbols": {"BTC": points}}, f)


def btc(signals):
    return {(p["data"]["indicator"], p["data"]["timeframe"]): p["data"] for _, _, p in signals
            if p["data"]["symbol"] == "BTC"}


def run(broker_factory, fake, state_dir, step, settle=4.0):
    """One bridge run over a scripted day (its last price continued by the
    fake APIs, so no turn of the minute changes a state): the signals and
    the retained recent it published."""
    broker = broker_for_bridge(broker_factory)
    points, last = scripted_day(step)
    write_history(state_dir, points)
    fake.prices["BTC"] = last + step
    col = Collector(broker, ("crypto/signals", "crypto/signals/recent"), "signals-watch")
    bridge = Bridge(bridge_config(broker, fake, state_dir=state_dir, symbols=["BTC", "ETH"])).start()
    try:
        col.wait(lambda c: c.of("crypto/signals/recent"))
        time.sleep(settle)
        signals = col.of("crypto/signals")
        recent = col.of("crypto/signals/recent")
        log = bridge.read_log()
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        col.close()
    return broker, points, signals, recent, log


def retained_recent(broker):
    got = []
    done = threading.Event()
    c = broker.client(client_id="signals-late-%d" % int(time.time() * 1000))

    def on_message(client, userdata, msg):
        got.append((msg.retain, json.loads(msg.payload)))
        done.set()
    c.on_message = on_message
    c.subscribe("crypto/signals/recent", qos=0)
    done.wait(5)
    stop_client(c)
    assert got, "no retained crypto/signals/recent"
    return got[0]


def test_signal_once_per_change_with_its_candles_not_again_after_a_restart(broker_factory, fake, tmp_path):
    state_dir = str(tmp_path / "bridge-state")
    broker, points, signals, recent, log = run(broker_factory, fake, state_dir, 10.0)
    got = btc(signals)
    assert set(got) == {("ma_cross", "1m"), ("ma_cross", "1h"), ("rsi", "1m"), ("rsi", "1h")}, signals
    assert len(signals) == 4                                   # each once
    for retain, qos, p in signals:
        assert p["type"] == "signal" and "ts" in p
        assert not retain and qos == 1
        assert p["data"]["note"] == "indicator, not advice"
        assert p["data"]["previous"] is None                   # the first state of each
        assert p["data"]["source"] == "history"
    ma1 = got[("ma_cross", "1m")]
    assert ma1["direction"] == "bullish"
    assert ma1["params"] == {"ma": "sma", "fast": 9, "slow": 21}
    assert ma1["candles"] == points[-21:]                      # the 21 finished minutes it read
    # fast SMA 9 - slow SMA 21 of a line rising 10 a minute: 10 * (21 - 9) / 2
    assert ma1["value"] == pytest.approx(60.0)
    assert ma1["fast"] == pytest.approx(sum(p[1] for p in points[-9:]) / 9)
    rsi1 = got[("rsi", "1m")]
    assert rsi1["direction"] == "overbought" and rsi1["value"] == 100
    assert rsi1["candles"] == points[-43:]
    assert rsi1["params"]["period"] == 14 and rsi1["params"]["smoothing"] == "wilder"
    ma_h = got[("ma_cross", "1h")]
    assert ma_h["direction"] == "bullish"
    assert len(ma_h["candles"]) == 21
    assert all(t % HOUR_MS == 0 for t, _ in ma_h["candles"])
    # an hour's close is its last minute's price
    closes = {t: p for t, p in points}
    for t, c in ma_h["candles"]:
        assert c == closes[t + HOUR_MS - MIN_MS]
    # too few candles for ETH (no history): said once, nothing published
    assert log.count("signals: ETH rsi 1m:") == 1, log
    with open(os.path.join(state_dir, "signals.json")) as f:
        saved = json.load(f)
    assert len(saved["states"]) == 4

    # Late subscriber: the retained recent holds the four current states.
    retain, rec = retained_recent(broker)
    assert retain and rec["type"] == "signals_recent"
    assert rec["data"]["note"] == "indicator, not advice"
    states = {(s["symbol"], s["indicator"], s["timeframe"]): s["direction"] for s in rec["data"]["signals"]}
    assert states == {("BTC", "ma_cross", "1m"): "bullish", ("BTC", "ma_cross", "1h"): "bullish",
                      ("BTC", "rsi", "1m"): "overbought", ("BTC", "rsi", "1h"): "overbought"}
    assert all("candles" not in s for s in rec["data"]["signals"])

    # Restarted on the same state: nothing new to say.
    broker2, _, signals2, recent2, log2 = run(broker_factory, fake, state_dir, 10.0)
    assert signals2 == [], signals2
    assert "signals: 4 states read back" in log2
    _, rec2 = retained_recent(broker2)                          # a fresh broker gets it again
    assert len(rec2["data"]["signals"]) == 4

    # The prices turned: each change once, with what it was.
    _, points3, signals3, _, _ = run(broker_factory, fake, state_dir, -10.0)
    got3 = btc(signals3)
    assert len(signals3) == 4, signals3
    assert got3[("ma_cross", "1m")]["direction"] == "bearish"
    assert got3[("ma_cross", "1m")]["previous"] == "bullish"
    assert got3[("ma_cross", "1m")]["candles"] == points3[-21:]
    assert got3[("rsi", "1h")]["direction"] == "oversold"
    assert got3[("rsi", "1h")]["previous"] == "overbought"
    assert got3[("rsi", "1m")]["value"] == 0


def test_only_the_bridge_publishes_signals(broker_factory, fake, tmp_path):
    broker = broker_for_bridge(broker_factory)
    col = Collector(broker, ("crypto/signals", "crypto/signals/recent"), "signals-watch")
    try:
        anon = broker.client(client_id="anon-signals")
        anon.publish("crypto/signals", json.dumps({"type": "signal", "data": {"symbol": "BTC"}}), qos=1).wait_for_publish(5)
        anon.publish("crypto/signals/recent", "{}", qos=0, retain=True).wait_for_publish(5)
        stop_client(anon)
        time.sleep(1.0)
        assert col.of("crypto/signals") == [] and col.of("crypto/signals/recent") == []
    finally:
        col.close()


def test_demo_signals_are_marked_demo(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake, demo_dir=DEMO_DIR,
                        signals={"timeframes": ["1m"], "ma_cross": {"fast": 2, "slow": 3},
                                 "rsi": {"period": 2, "candles": 3}})
    col = Collector(broker, ("crypto/signals", "crypto/signals/recent"), "signals-demo")
    bridge = Bridge(cfg, args=["--demo"]).start()
    try:
        col.wait(lambda c: c.of("crypto/signals/recent") and c.of("crypto/signals"), timeout=20)
        for _, _, p in col.of("crypto/signals"):
            assert p["data"]["source"] == "demo" and p["data"]["note"] == "indicator, not advice"
        assert col.of("crypto/signals/recent")[-1][2]["data"]["source"] == "demo"
        assert fake.requests == []
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        col.close()
    assert not os.path.exists(os.path.join(cfg["state_dir"], "signals.json"))
