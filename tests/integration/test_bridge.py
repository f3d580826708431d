"""nabz-bridge against fake APIs (real formats) and the real broker."""
import json
import subprocess
import time

import pytest

from bridge_helpers import Bridge, bridge_config, bridge_path, broker_for_bridge
from nabz_broker import Watcher


@pytest.fixture
def running(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    w = Watcher(broker, topics=("crypto/#",), client_id="api-watcher")
    bridge = Bridge(bridge_config(broker, fake)).start()
    yield broker, fake, w, bridge
    rc = bridge.stop()
    w.close()
    if rc not in (0, None):
        print(bridge.read_log())
    assert rc == 0, bridge.read_log()


def test_prices_from_every_source_become_one_consensus(running):
    broker, fake, w, bridge = running
    btc = w.wait_for(lambda d: len(d.get("sources", {})) == 6, topic="crypto/prices/BTC", timeout=15)
    assert btc["agreeing"] == 4
    assert btc["symbol"] == "BTC"
    assert btc["price_usd"] == pytest.approx(97000.0)
    assert btc["price_irt"] == pytest.approx(97000.0 * 70000)          # toman, from rials / 10 and toman
    assert set(btc["sources"]) == {"coingecko", "binance", "kraken", "coinbase", "nobitex", "wallex"}
    assert btc["sources"]["nobitex"]["price_irt"] == pytest.approx(97000.0 * 70000)
    assert btc["stale"] is False and btc["divergent"] is False
    assert btc["source"] == "consensus"
    market = w.wait_for(lambda d: d.get("usdt_irt") == 70000, topic="crypto/market", timeout=10)
    assert market["total_market_cap_usd"] == pytest.approx(3.3e12)
    assert market["btc_dominance_pct"] == pytest.approx(58.12)
    sources = w.wait_for(lambda d: all(s["status"] == "ok" for s in d["sources"].values()),
                         topic="crypto/sources", timeout=10)
    assert set(sources["sources"]) == {"coingecko", "binance", "kraken", "coinbase", "nobitex", "wallex"}


def test_failover_and_recovery(running):
    broker, fake, w, bridge = running
    w.wait_for(lambda d: d.get("agreeing") == 4, topic="crypto/prices/ETH", timeout=15)
    fake.set_mode("binance", "status", status=503)
    fake.set_mode("kraken", "html")
    fake.set_mode("coinbase", "garbage")
    # the others go on: ETH keeps updating from CoinGecko alone
    fake.prices["ETH"] = 3700.0
    eth = w.wait_for(lambda d: d.get("price_usd") == 3700.0 and d.get("agreeing") == 1,
                     topic="crypto/prices/ETH", timeout=20)
    assert eth["stale"] is False
    src = w.wait_for(lambda d: d["sources"]["binance"]["status"] == "down", topic="crypto/sources", timeout=10)
    assert src["sources"]["binance"]["last_error"] == "HTTP 503"
    assert src["sources"]["kraken"]["last_error"] == "HTML instead of JSON"
    log = bridge.read_log()
    assert log.count("binance: HTTP 503") == 1          # logged once, however often it fails
    fake.set_mode("binance")
    w.wait_for(lambda d: d["sources"]["binance"]["status"] == "ok", topic="crypto/sources", timeout=30)
    assert "binance: working again" in bridge.read_log()


def test_retry_after_is_honoured(running):
    broker, fake, w, bridge = running
    w.wait_for(lambda d: d.get("agreeing", 0) >= 1, topic="crypto/prices/BTC", timeout=15)
    fake.set_mode("wallex", "status", status=429, retry_after=4)
    t_set = time.monotonic()
    # the next poll meets the 429 (whenever its turn comes: polls are spread)
    deadline = time.time() + 10
    while not [t for t in fake.requests_of("wallex") if t > t_set] and time.time() < deadline:
        time.sleep(0.05)
    first_429 = [t for t in fake.requests_of("wallex") if t > t_set][0]
    time.sleep(0.2)                                     # its answer is on its way
    fake.set_mode("wallex")
    time.sleep(4.5)
    after = [t for t in fake.requests_of("wallex") if t > first_429]
    assert after, "never asked again"
    assert after[0] - first_429 >= 3.9                  # not before Retry-After expired


def test_garbage_is_never_published(running):
    broker, fake, w, bridge = running
    w.wait_for(lambda d: d.get("agreeing") == 4, topic="crypto/prices/SOL", timeout=15)
    for source in ("coingecko", "binance", "kraken", "coinbase"):
        fake.set_mode(source, "truncated")
    fake.set_mode("nobitex", "empty")
    fake.set_mode("wallex", "garbage")
    data = w.wait_for(lambda d: d.get("stale") is True, topic="crypto/prices/SOL", timeout=20)
    assert data["price_usd"] == pytest.approx(238.0)     # the last good value, marked stale
    assert bridge.proc.poll() is None                    # and the bridge lives on


def test_a_1000x_jump_from_one_source_is_refused(running):
    broker, fake, w, bridge = running
    w.wait_for(lambda d: d.get("agreeing") == 4, topic="crypto/prices/DOGE", timeout=15)
    fake.overrides["kraken"] = {"DOGE": 0.4 * 5000}
    time.sleep(3)
    doge = w.latest["crypto/prices/DOGE"]["data"]
    assert doge["price_usd"] == pytest.approx(0.4)
    assert "kraken" not in doge["sources"] or doge["sources"]["kraken"]["price_usd"] == pytest.approx(0.4)
    assert "DOGE refused" in bridge.read_log()


def test_bad_config_reports_the_json_path(tmp_path):
    cases = [
        ({"sources": {"kraken": {"interval_s": 0}}}, "sources.kraken.interval_s: must be a whole number in 1..86400"),
        ({"mqtt": {"port": "1883"}}, "mqtt.port: must be a whole number in 1..65535"),
        ({"symbols": ["BTC", "bad symbol"]}, "symbols[1]: \"bad symbol\" is not a symbol"),
        ({"sources": {"krakn": {}}}, "sources.krakn: unknown key"),
        ({"alerts": [{"symbol": "BTC"}]}, "alerts[0]: needs exactly one of above, below, move_pct"),
    ]
    for cfg, message in cases:
        p = tmp_path / "c.json"
        p.write_text(json.dumps(cfg))
        out = subprocess.run([bridge_path(), "-c", str(p), "--check-config"], capture_output=True, text=True)
        assert out.returncode == 1
        assert message in out.stderr, out.stderr
    p.write_text("{not json")
    out = subprocess.run([bridge_path(), "-c", str(p), "--check-config"], capture_output=True, text=True)
    assert out.returncode == 1 and "not a JSON object" in out.stderr
    p.write_text("{}")
    out = subprocess.run([bridge_path(), "-c", str(p), "--check-config"], capture_output=True, text=True)
    assert out.returncode == 0


def test_once_prints_what_would_be_published(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    bridge = Bridge(bridge_config(broker, fake), args=["--once"]).start()
    out, _ = bridge.proc.communicate(timeout=20)
    bridge.log.close()
    lines = out.decode().splitlines()
    topics = {l.split(" ", 1)[0] for l in lines}
    assert "crypto/prices/BTC" in topics and "crypto/market" in topics
    btc = json.loads(next(l for l in lines if l.startswith("crypto/prices/BTC ")).split(" ", 1)[1])
    assert btc["type"] == "price_update" and btc["data"]["price_usd"] == pytest.approx(97000.0)


def collect(broker, topic, client_id=None, persistent=False):
    """A QoS 1 subscriber that keeps every message on topic; persistent:
    clean session off, so the broker keeps its messages while it is away."""
    import threading
    got = []
    c = broker.client(client_id=client_id or "api-collector-%d" % time.monotonic_ns(),
                      clean_session=not persistent, connect=False)
    c.on_message = lambda cl, u, m: got.append(json.loads(m.payload))
    done = threading.Event()
    c.on_subscribe = lambda *a: done.set()
    c.connect("127.0.0.1", broker.port)
    c.loop_start()
    assert c.nabz_connected.wait(5)
    c.subscribe(topic, qos=1)
    assert done.wait(5)
    return c, got


def wait_until(pred, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(0.1)
    return False


def test_alerts_fire_once_per_crossing_and_reload(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake, alerts=[{"symbol": "BTC", "above": 98000}], alert_hysteresis_pct=0.5,
                        alert_cooldown_s=0)
    c, alerts = collect(broker, "crypto/alerts")
    w = Watcher(broker, topics=("crypto/prices/BTC",), client_id="api-w")
    bridge = Bridge(cfg).start()
    try:
        w.wait_for(lambda d: d.get("agreeing") == 4 and d["price_usd"] == 97000.0, topic="crypto/prices/BTC")
        for price in (98500.0, 97900.0, 98600.0, 97950.0, 98700.0):   # hovering inside the 0.5 % band
            fake.prices["BTC"] = price
            w.wait_for(lambda d, p=price: d["price_usd"] == p, topic="crypto/prices/BTC")
        assert wait_until(lambda: len(alerts) >= 1)
        time.sleep(1)
        assert len(alerts) == 1
        a = alerts[0]
        assert a["type"] == "alert"
        assert a["data"]["symbol"] == "BTC" and a["data"]["rule"] == "BTC above 98000"
        assert a["data"]["price_usd"] == 98500.0 and "above 98000" in a["data"]["message"]
        for price in (97000.0, 98800.0):                               # back below the band, then over
            fake.prices["BTC"] = price
            w.wait_for(lambda d, p=price: d["price_usd"] == p, topic="crypto/prices/BTC")
        assert wait_until(lambda: len(alerts) == 2)
        # SIGHUP: a new rule from the edited file
        cfg["alerts"].append({"symbol": "BTC", "below": 96000})
        with open(bridge.cfg_path, "w") as f:
            json.dump(cfg, f)
        bridge.proc.send_signal(1)
        assert wait_until(lambda: "reload: 2 alert rules" in bridge.read_log(), 5)
        fake.prices["BTC"] = 97000.0                                   # the new rule sees the quiet side
        w.wait_for(lambda d: d["price_usd"] == 97000.0, topic="crypto/prices/BTC")
        time.sleep(0.5)
        assert len(alerts) == 2                                        # the kept rule did not re-fire
        fake.prices["BTC"] = 95000.0
        assert wait_until(lambda: len(alerts) == 3)
        assert alerts[2]["data"]["rule"] == "BTC below 96000"
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        c.loop_stop()
        w.close()


def persistent_broker(broker_factory):
    b = broker_factory(accounts={"nabz-bridge": "bridge-pw"},
                       options={"publishers": "nabz-bridge", "services": "nabz-bridge"})
    b.extra_conf = "persistence true\npersistence_location %s/\nautosave_interval 1" % b.dir
    return b.start()


def crossings(fake, n, low=97000.0, high=99000.0, pause=1.6):
    """n upward crossings of 98000 (each re-arms the rule below the band)."""
    for _ in range(n):
        fake.prices["BTC"] = low
        time.sleep(pause)
        fake.prices["BTC"] = high
        time.sleep(pause)


def test_alerts_made_while_the_broker_is_away_all_arrive_once(broker_factory, fake):
    broker = persistent_broker(broker_factory)
    cfg = bridge_config(broker, fake, alerts=[{"symbol": "BTC", "above": 98000}], alert_cooldown_s=0)
    c, alerts = collect(broker, "crypto/alerts", "bot-alerts-test", persistent=True)
    bridge = Bridge(cfg).start()
    try:
        crossings(fake, 1)
        assert wait_until(lambda: len(alerts) == 1)
        broker.stop()                                   # away for ~10 s
        crossings(fake, 3)
        time.sleep(10 - 3 * 3.2)
        broker.start()
        assert wait_until(lambda: len(alerts) == 4, timeout=40), (alerts, bridge.read_log())
        time.sleep(2)
        assert len(alerts) == 4                          # none twice
        prices = [a["data"]["price_usd"] for a in alerts]
        assert prices == [99000.0] * 4
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        c.loop_stop()


def test_kill_9_loses_no_queued_alert(broker_factory, fake):
    broker = persistent_broker(broker_factory)
    cfg = bridge_config(broker, fake, alerts=[{"symbol": "BTC", "above": 98000}], alert_cooldown_s=0)
    c, alerts = collect(broker, "crypto/alerts", "bot-alerts-kill", persistent=True)
    bridge = Bridge(cfg).start()
    w = Watcher(broker, topics=("crypto/prices/BTC",), client_id="api-w9")
    w.wait_for(lambda d: d.get("agreeing") == 4, topic="crypto/prices/BTC")
    w.close()
    broker.stop()
    crossings(fake, 2)
    assert wait_until(lambda: bridge.read_log().count("alert: BTC is above") == 2, 10), bridge.read_log()
    bridge.proc.kill()                                   # -9, the alerts still queued
    bridge.proc.wait()
    bridge.log.close()
    broker.start()
    fake.prices["BTC"] = 97000.0                          # no new crossing after the restart
    again = Bridge(cfg).start()
    try:
        assert wait_until(lambda: len(alerts) == 2, timeout=40), (alerts, again.read_log())
        assert "2 messages from before are still to be delivered" in again.read_log()
    finally:
        assert again.stop() == 0, again.read_log()
        c.loop_stop()


def test_news_deduplicated_across_restarts(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake)
    cfg["sources"]["news"]["enabled"] = True
    cfg["sources"]["rss"]["enabled"] = True
    c, news = collect(broker, "crypto/news")
    bridge = Bridge(cfg).start()
    try:
        assert wait_until(lambda: len(news) == 5)
        time.sleep(2.5)                                   # more polls, nothing new
        assert len(news) == 5
        ids = sorted(n["data"]["id"] for n in news)
        assert ids == sorted(["9000", "9001", "9002"] + ["https://news.example/a/100", "https://news.example/a/101"])
        first = next(n for n in news if n["data"]["id"] == "9000")["data"]
        assert first["title"] == "Headline 0: Bitcoin moves" and first["url"] == "https://news.example/a/0"
        assert first["source"] == "Example News" and first["published_at"].startswith("2026-11-27T")
    finally:
        assert bridge.stop() == 0, bridge.read_log()
    fake.news.append(fake.news_item(3))
    again = Bridge(cfg).start()
    try:
        assert wait_until(lambda: len(news) == 6)
        time.sleep(2.5)
        assert len(news) == 6                             # the restart republished nothing
        assert news[-1]["data"]["id"] == "9003"
        # The latest items, retained for pages opened later, newest first:
        # all six, so the list came back from the state directory too.
        r, recent = collect(broker, "crypto/news/recent")
        assert wait_until(lambda: recent and len(recent[-1]["data"]["items"]) == 6)
        assert recent[-1]["type"] == "news_recent"
        assert recent[-1]["data"]["items"][0]["id"] == "9003"
        r.loop_stop()
    finally:
        assert again.stop() == 0, again.read_log()
        c.loop_stop()


def health_data(broker):
    """What the broker's /health says of the data: "live", "demo" or None."""
    import json
    import urllib.request
    with urllib.request.urlopen("http://127.0.0.1:%d/health" % broker.ws_port, timeout=5) as r:
        return json.loads(r.read()).get("data")


def test_demo_mode_replays_recorded_data_labelled_demo(broker_factory, fake):
    import os
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake)
    cfg["demo_dir"] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bridge", "demo")
    cfg["sources"]["news"]["enabled"] = True
    w = Watcher(broker, topics=("crypto/#",), client_id="api-demo")
    bridge = Bridge(cfg, args=["--demo"]).start()
    try:
        btc = w.wait_for(lambda d: d.get("agreeing", 0) >= 3, topic="crypto/prices/BTC", timeout=15)
        assert btc["source"] == "demo"
        assert 80000 < btc["price_usd"] < 110000 and btc["price_irt"] > 1e9
        market = w.wait_for(lambda d: "usdt_irt" in d, topic="crypto/market")
        assert market["source"] == "demo"
        news = w.wait_for(lambda d: "title" in d, topic="crypto/news")
        assert news["source"] == "demo"
        assert fake.requests == []                        # nothing asked of any API
        assert "DEMO DATA: replaying" in bridge.read_log()
        # rules that fire on the recorded data (the shipped ones never do)
        assert 'demo: alert rule "demo: BTC moves ' in bridge.read_log()
        assert 'demo: alert rule "demo: ETH moves ' in bridge.read_log()
        # the sources say it, and so does the broker's /health, to anyone who looks
        src = w.wait_for(lambda d: "sources" in d, topic="crypto/sources")
        assert src["demo"] is True
        assert wait_until(lambda: health_data(broker) == "demo")
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        w.close()


def test_discovery_adds_newly_listed_coins(broker_factory, fake):
    broker = broker_for_bridge(broker_factory)
    cfg = bridge_config(broker, fake, discovery={"top_n": 5, "interval_s": 60})
    cfg["symbols"] = ["BTC", "ETH"]
    fake.listed.insert(2, ("newcoin-token", "NEWC"))
    w = Watcher(broker, topics=("crypto/#",), client_id="api-disc")
    bridge = Bridge(cfg).start()
    try:
        newc = w.wait_for(lambda d: d.get("symbol") == "NEWC", topic="crypto/prices/NEWC", timeout=15)
        assert newc["price_usd"] == pytest.approx(1.5)
        src = w.wait_for(lambda d: "NEWC" in d.get("watching", []), topic="crypto/sources")
        assert src["discovered"] >= 2                    # NEWC and the others in the top 5
        assert src["demo"] is False                      # live APIs (the fakes)
        assert wait_until(lambda: health_data(broker) == "live")
        assert "discovery: now watching NEWC (newcoin-token)" in bridge.read_log()
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        w.close()


def test_binance_stream_gives_sub_second_prices(broker_factory, fake):
    from fake_apis import FakeBinanceStream
    broker = broker_for_bridge(broker_factory)
    stream = FakeBinanceStream({"BTC": 97123.5, "ETH": 3650.0})
    cfg = bridge_config(broker, fake)
    cfg["sources"]["binance"]["stream_url"] = stream.url
    cfg["sources"]["binance"]["interval_s"] = 3600          # REST out of the way
    w = Watcher(broker, topics=("crypto/prices/BTC",), client_id="api-stream")
    bridge = Bridge(cfg).start()
    try:
        btc = w.wait_for(lambda d: d.get("sources", {}).get("binance", {}).get("price_usd") == 97123.5
                         and "coingecko" in d["sources"], topic="crypto/prices/BTC", timeout=15)
        assert btc["sources"]["coingecko"]["price_usd"] == 97000.0
        stream.prices["BTC"] = 97200.25                       # moves within a second
        w.wait_for(lambda d: d["sources"]["binance"]["price_usd"] == 97200.25, topic="crypto/prices/BTC",
                   timeout=3)
        assert stream.connections == 1
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        stream.close()
        w.close()


def test_a_source_still_answering_its_first_request_is_unknown_not_down(broker_factory, fake):
    """At the start a source whose first request is in flight is "unknown"
    (not tried yet, as the guide says), never "down"; and every success
    moves last_success on in the published message."""
    broker = broker_for_bridge(broker_factory)
    r, sources = collect(broker, "crypto/sources")
    fake.set_mode("kraken", "timeout", seconds=1.2)      # slow, within the 2 s timeout
    bridge = Bridge(bridge_config(broker, fake)).start()
    try:
        assert wait_until(lambda: any(m["data"]["sources"]["kraken"]["status"] == "ok" for m in sources))
        seen = [m["data"]["sources"]["kraken"]["status"] for m in sources]
        first_ok = seen.index("ok")
        assert "unknown" in seen[:first_ok], seen
        assert "down" not in seen[:first_ok], seen
        assert wait_until(lambda: len({m["data"]["sources"]["binance"].get("last_success")
                                       for m in sources} - {None}) >= 2), "last_success never moved on"
    finally:
        assert bridge.stop() == 0, bridge.read_log()
        r.loop_stop()
