"""Group audiences move with subscribe, unsubscribe and disconnect."""
import threading
import time

import paho.mqtt.client as mqtt

from nabz_broker import stop_client

ZERO = {"prices": 0, "market": 0, "news": 0, "alerts": 0, "signals": 0, "chat": 0}


def subscribe(c, topic):
    done = threading.Event()
    c.on_subscribe = lambda *a, **k: done.set()
    c.subscribe(topic, qos=0)
    assert done.wait(5)


def unsubscribe(c, topic):
    done = threading.Event()
    c.on_unsubscribe = lambda *a, **k: done.set()
    c.unsubscribe(topic)
    assert done.wait(5)


def test_groups_follow_subscriptions(broker, watcher):
    watcher.wait_for(lambda d: d["groups"] == ZERO and d["active_connections"] == 1)
    a = broker.client(client_id="browser-a")
    b = broker.client(client_id="mobile-b", protocol=mqtt.MQTTv5)
    subscribe(a, "crypto/prices/BTC")
    subscribe(a, "crypto/prices/ETH")          # same group: counted once
    subscribe(a, "crypto/market")
    subscribe(b, "crypto/#")                   # all five
    watcher.wait_for(lambda d: d["groups"] == {"prices": 2, "market": 2, "news": 1, "alerts": 1, "signals": 1, "chat": 1})
    unsubscribe(a, "crypto/prices/BTC")        # ETH still holds prices
    unsubscribe(a, "crypto/news")              # never subscribed: no change
    watcher.wait_for(lambda d: d["groups"] == {"prices": 2, "market": 2, "news": 1, "alerts": 1, "signals": 1, "chat": 1})
    unsubscribe(a, "crypto/prices/ETH")
    watcher.wait_for(lambda d: d["groups"] == {"prices": 1, "market": 2, "news": 1, "alerts": 1, "signals": 1, "chat": 1})
    subscribe(a, "$share/g1/crypto/alerts")
    watcher.wait_for(lambda d: d["groups"] == {"prices": 1, "market": 2, "news": 1, "alerts": 2, "signals": 1, "chat": 1})
    stop_client(b)
    watcher.wait_for(lambda d: d["groups"] == {"prices": 0, "market": 1, "news": 0, "alerts": 1, "signals": 0, "chat": 0})
    a.loop_stop()
    a.socket().close()                         # dropped without DISCONNECT
    watcher.wait_for(lambda d: d["groups"] == ZERO and d["active_connections"] == 1)


def test_price_history_counts_in_prices(broker, watcher):
    """A chart that takes only the history (crypto/history/<SYM>) is a
    prices reader: it counts there, once with the live prices too."""
    watcher.wait_for(lambda d: d["groups"] == ZERO and d["active_connections"] == 1)
    a = broker.client(client_id="browser-chart")
    b = broker.client(client_id="api-history")
    subscribe(a, "crypto/history/BTC")
    subscribe(b, "crypto/history/#")
    watcher.wait_for(lambda d: d["groups"] == {"prices": 2, "market": 0, "news": 0, "alerts": 0, "signals": 0, "chat": 0})
    subscribe(a, "crypto/prices/BTC")          # same group: counted once
    time.sleep(0.3)
    assert watcher.stats()["groups"]["prices"] == 2
    unsubscribe(b, "crypto/history/#")
    watcher.wait_for(lambda d: d["groups"]["prices"] == 1)
    stop_client(a)
    stop_client(b)
    watcher.wait_for(lambda d: d["groups"] == ZERO and d["active_connections"] == 1)


def test_signals_count_in_their_own_group(broker, watcher):
    """A page that reads the trading signals (each change, or only the
    retained current states) counts in signals, and only there: the four
    other groups keep their meaning."""
    watcher.wait_for(lambda d: d["groups"] == ZERO and d["active_connections"] == 1)
    a = broker.client(client_id="browser-signals")
    b = broker.client(client_id="api-signals-recent")
    subscribe(a, "crypto/signals/#")
    subscribe(b, "crypto/signals/recent")
    watcher.wait_for(lambda d: d["groups"] == dict(ZERO, signals=2))
    subscribe(a, "crypto/signals")             # same group: counted once
    time.sleep(0.3)
    assert watcher.stats()["groups"] == dict(ZERO, signals=2)
    unsubscribe(b, "crypto/signals/recent")
    watcher.wait_for(lambda d: d["groups"] == dict(ZERO, signals=1))
    stop_client(a)
    stop_client(b)
    watcher.wait_for(lambda d: d["groups"] == ZERO)


def test_denied_subscription_counts_nowhere(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    c = broker.client(client_id="api-x")
    granted = {}
    done = threading.Event()

    def on_subscribe(client, userdata, mid, qos):
        granted["qos"] = qos
        done.set()
    c.on_subscribe = on_subscribe
    c.subscribe("other/#", qos=0)
    assert done.wait(5)
    assert granted["qos"] == (128,)
    subscribe(c, "crypto/news")
    data = watcher.wait_for(lambda d: d["groups"]["news"] == 1)
    assert data["groups"] == {"prices": 0, "market": 0, "news": 1, "alerts": 0, "signals": 0, "chat": 0}
    stop_client(c)


def test_persistent_sessions_keep_their_groups_across_reconnects(broker, watcher):
    watcher.wait_for(lambda d: d["groups"] == ZERO and d["active_connections"] == 1)
    bot = broker.client(client_id="bot-telegram", clean_session=False)
    subscribe(bot, "crypto/alerts")
    watcher.wait_for(lambda d: d["groups"]["alerts"] == 1)
    stop_client(bot)
    watcher.wait_for(lambda d: d["groups"]["alerts"] == 0 and d["active_connections"] == 1)

    # Back with its session: the broker restores the subscription without a
    # SUBSCRIBE, and the bot still receives alerts, so it counts again.
    bot = broker.client(client_id="bot-telegram", clean_session=False)
    watcher.wait_for(lambda d: d["groups"]["alerts"] == 1 and d["active_connections"] == 2)

    # A takeover by a second connection that keeps the session: still one.
    bot.loop_stop()
    bot2 = broker.client(client_id="bot-telegram", clean_session=False)
    watcher.wait_for(lambda d: d["total_sessions"] >= 4)
    data = watcher.wait_for(lambda d: d["active_connections"] == 2)
    assert data["groups"]["alerts"] == 1
    stop_client(bot2)
    watcher.wait_for(lambda d: d["groups"]["alerts"] == 0 and d["active_connections"] == 1)

    # A clean start drops the session: nothing to count.
    fresh = broker.client(client_id="bot-telegram", clean_session=True)
    watcher.wait_for(lambda d: d["active_connections"] == 2)
    time.sleep(0.3)
    assert watcher.stats()["groups"] == ZERO
    stop_client(fresh)


def test_mqtt5_session_expiry_zero_does_not_keep_groups(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    c = broker.client(client_id="mobile-5", protocol=mqtt.MQTTv5, connect=False)
    c.connect("127.0.0.1", broker.port, clean_start=False)
    c.loop_start()
    assert c.nabz_connected.wait(5)
    subscribe(c, "crypto/news")
    watcher.wait_for(lambda d: d["groups"]["news"] == 1)
    stop_client(c)
    watcher.wait_for(lambda d: d["groups"]["news"] == 0)
    c = broker.client(client_id="mobile-5", protocol=mqtt.MQTTv5, connect=False)
    c.connect("127.0.0.1", broker.port, clean_start=False)
    c.loop_start()
    assert c.nabz_connected.wait(5)
    watcher.wait_for(lambda d: d["active_connections"] == 2)
    time.sleep(0.3)
    assert watcher.stats()["groups"]["news"] == 0   # expiry 0: the session ended
    stop_client(c)
