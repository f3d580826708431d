"""Group audiences move with subscribe, unsubscribe and disconnect."""
import threading

import paho.mqtt.client as mqtt

from nabz_broker import stop_client

ZERO = {"prices": 0, "market": 0, "news": 0, "alerts": 0}


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
    subscribe(b, "crypto/#")                   # all four
    watcher.wait_for(lambda d: d["groups"] == {"prices": 2, "market": 2, "news": 1, "alerts": 1})
    unsubscribe(a, "crypto/prices/BTC")        # ETH still holds prices
    unsubscribe(a, "crypto/news")              # never subscribed: no change
    watcher.wait_for(lambda d: d["groups"] == {"prices": 2, "market": 2, "news": 1, "alerts": 1})
    unsubscribe(a, "crypto/prices/ETH")
    watcher.wait_for(lambda d: d["groups"] == {"prices": 1, "market": 2, "news": 1, "alerts": 1})
    subscribe(a, "$share/g1/crypto/alerts")
    watcher.wait_for(lambda d: d["groups"] == {"prices": 1, "market": 2, "news": 1, "alerts": 2})
    stop_client(b)
    watcher.wait_for(lambda d: d["groups"] == {"prices": 0, "market": 1, "news": 0, "alerts": 1})
    a.loop_stop()
    a.socket().close()                         # dropped without DISCONNECT
    watcher.wait_for(lambda d: d["groups"] == ZERO and d["active_connections"] == 1)


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
    assert data["groups"] == {"prices": 0, "market": 0, "news": 1, "alerts": 0}
    stop_client(c)
