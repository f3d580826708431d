"""The series /metrics adds for the alerting rules (deploy/prometheus/):
prices' arrival and source times, the stale mark, the sources' health,
the demo flag, the connection limits and the deliveries count, read from
what the bridge's account publishes through the real broker."""
import json
import time

from feed_traffic import Traffic, http_text, metric_types, price_payload, sources_payload, start_broker, \
    wait_metrics

NEW_SERIES = {
    "nabz_deliveries_total": "counter", "nabz_data_demo": "gauge", "nabz_ws_max_connections": "gauge",
    "nabz_tcp_max_connections": "gauge", "nabz_price_updates_total": "counter",
    "nabz_price_untracked_total": "counter", "nabz_price_received_timestamp_seconds": "gauge",
    "nabz_price_source_timestamp_seconds": "gauge", "nabz_price_stale": "gauge",
    "nabz_sources_received_timestamp_seconds": "gauge", "nabz_source_up": "gauge",
    "nabz_source_last_success_timestamp_seconds": "gauge",
}


def test_limits_and_types_before_any_data(broker_factory):
    b = start_broker(broker_factory, ws_max_connections="321", tcp_max_connections="123")
    text = http_text(b, "/metrics")
    types = metric_types(text)
    for name, kind in NEW_SERIES.items():
        assert types.get(name) == kind, (name, types.get(name))
    m = wait_metrics(b, lambda m: "nabz_ws_max_connections" in m)
    assert m["nabz_ws_max_connections"] == 321
    assert m["nabz_tcp_max_connections"] == 123
    assert m["nabz_price_updates_total"] == 0
    # nothing said yet: no guessed samples
    assert "nabz_data_demo" not in m
    assert not [k for k in m if "{symbol=" in k or "{source=" in k]


def test_prices_sources_and_deliveries(broker_factory):
    b = start_broker(broker_factory)
    t = Traffic(b, subscribers=2)
    try:
        source_t = time.time() - 42.5
        before = time.time()
        t.publish("crypto/prices/BTC", price_payload("BTC", source_t))
        t.publish("crypto/prices/ETH", price_payload("ETH", source_t, stale=True))
        t.publish("crypto/sources", sources_payload({"binance": "ok", "kraken": "down", "coinbase": "unknown"},
                                                    last_success=source_t))
        after = time.time()
        m = wait_metrics(b, lambda m: m.get("nabz_price_updates_total") == 2
                         and 'nabz_source_up{source="kraken"}' in m and m.get("nabz_deliveries_total", 0) >= 4)
        for sym in ("BTC", "ETH"):
            got = m['nabz_price_received_timestamp_seconds{symbol="%s"}' % sym]
            assert before - 0.01 <= got <= after + 0.01, (sym, got, before, after)
            assert abs(m['nabz_price_source_timestamp_seconds{symbol="%s"}' % sym] - source_t) < 0.002
        assert m['nabz_price_stale{symbol="BTC"}'] == 0
        assert m['nabz_price_stale{symbol="ETH"}'] == 1
        assert m['nabz_source_up{source="binance"}'] == 1
        assert m['nabz_source_up{source="kraken"}'] == 0
        assert m['nabz_source_up{source="coinbase"}'] == 0
        assert abs(m['nabz_source_last_success_timestamp_seconds{source="binance"}'] - source_t) < 0.002
        assert before - 0.01 <= m["nabz_sources_received_timestamp_seconds"] <= after + 0.01
        assert m["nabz_data_demo"] == 0
        # two prices to two subscribers (services deliveries are counted
        # too, but the bridge subscribes to nothing here)
        assert m["nabz_deliveries_total"] == 4, m["nabz_deliveries_total"]
        assert m["nabz_price_untracked_total"] == 0

        # demo mode, a new source table, a symbol cleared, a symbol refused
        t.publish("crypto/sources", sources_payload({"binance": "ok"}, demo=True))
        t.publish("crypto/prices/BTC", b"")
        t.publish("crypto/prices/btc-usd", price_payload("X", source_t))
        m = wait_metrics(b, lambda m: m.get("nabz_data_demo") == 1 and m.get("nabz_price_untracked_total") == 1
                         and 'nabz_price_stale{symbol="BTC"}' not in m)
        assert 'nabz_source_up{source="kraken"}' not in m
        assert m['nabz_source_up{source="binance"}'] == 1
        assert 'nabz_price_stale{symbol="ETH"}' in m
        assert m["nabz_price_updates_total"] == 3
        # /health says the same
        assert json.loads(http_text(b, "/health"))["data"] == "demo"
    finally:
        t.close()


def test_symbols_are_capped(broker_factory):
    b = start_broker(broker_factory)
    t = Traffic(b, subscribers=0)
    try:
        for i in range(70):
            t.bridge.publish("crypto/prices/S%d" % i, price_payload("S%d" % i, time.time()), qos=0)
        t.publish("crypto/prices/LAST", price_payload("LAST", time.time()))
        m = wait_metrics(b, lambda m: m.get("nabz_price_updates_total") == 71)
        tracked = [k for k in m if k.startswith("nabz_price_received_timestamp_seconds{")]
        assert len(tracked) == 64
        assert m["nabz_price_untracked_total"] == 7
    finally:
        t.close()


def test_only_the_bridge_account_feeds_the_series(broker_factory):
    """A user's publish on the data topics is refused before the plugin
    reads it: no series, no count."""
    b = start_broker(broker_factory)
    t = Traffic(b, subscribers=0)
    user = b.client(client_id="api-stranger")
    try:
        for topic, payload in (("crypto/prices/EVIL", price_payload("EVIL", time.time())),
                               ("crypto/sources", sources_payload({"evil": "down"}))):
            user.publish(topic, payload, qos=1).wait_for_publish(5)
        t.publish("crypto/prices/BTC", price_payload("BTC", time.time()))    # after them, in order
        m = wait_metrics(b, lambda m: m.get("nabz_price_updates_total") == 1)
        assert not [k for k in m if "EVIL" in k or "evil" in k], m
        assert "nabz_sources_received_timestamp_seconds" not in m
    finally:
        user.disconnect()
        user.loop_stop()
        t.close()


def test_an_edge_sees_the_prices_the_core_gets(broker_factory):
    """Clustered, prices reach each edge over mosquitto's bridge: the edge's
    /metrics has them too, so the rules hold on every node scraped."""
    from nabz_cluster import Cluster
    from nabz_broker import stop_client

    cluster = Cluster(broker_factory, edges=1).start()     # returns once data flows to the edge
    pub = cluster.publisher()
    try:
        pub.publish("crypto/prices/BTC", price_payload("BTC", time.time()), qos=1, retain=True).wait_for_publish(5)
        for node in (cluster.core, cluster.edges[0]):
            m = wait_metrics(node, lambda m: 'nabz_price_received_timestamp_seconds{symbol="BTC"}' in m)
            assert m["nabz_price_updates_total"] >= 1
    finally:
        stop_client(pub)
        cluster.close()
