"""The listener's path between browsers and the broker (plugin/ws/ws_proxy.c,
ws_upstream.c): every byte both ways, whole and in order, from one byte to
more than one read of the broker link (64 KiB), with the listener's batching
on (ws_batch_us, the default 500) and off (0)."""
import threading

import paho.mqtt.client as mqtt
import pytest

from nabz_broker import stop_client

CHUNK = 65536   # NABZ_WS_CHUNK: the most one read of the broker link takes
SIZES = [1, 1000, CHUNK - 200, CHUNK + 1, 3 * CHUNK + 17]


def payload(size, seed):
    return bytes((seed + i * 7) % 251 for i in range(size))


def ws_client(broker, client_id, username=None, password=None):
    c = mqtt.Client(client_id=client_id, transport="websockets", protocol=mqtt.MQTTv311)
    c.ws_set_options(path="/mqtt")
    if username:
        c.username_pw_set(username, password)
    connected = threading.Event()
    c.on_connect = lambda cl, ud, flags, rc: connected.set() if rc == 0 else None
    c.connect("127.0.0.1", broker.ws_port, keepalive=30)
    c.loop_start()
    assert connected.wait(5), "no CONNACK over WebSocket"
    return c


class Inbox:
    """Messages one client got, in arrival order; waits for a count."""

    def __init__(self, client):
        self.got = []
        self.cond = threading.Condition()
        client.on_message = self.on_message

    def on_message(self, client, userdata, msg):
        with self.cond:
            self.got.append((msg.topic, msg.payload))
            self.cond.notify_all()

    def wait(self, n, timeout=15):
        with self.cond:
            assert self.cond.wait_for(lambda: len(self.got) >= n, timeout), \
                "got %d of %d messages" % (len(self.got), n)
            return list(self.got)


def subscribe(client, topic):
    done = threading.Event()
    client.on_subscribe = lambda *a: done.set()
    client.subscribe(topic, qos=0)
    assert done.wait(5)


def start(broker_factory, batch_us):
    return broker_factory(accounts={"nabz-bridge": "pw"},
                          options={"publishers": "nabz-bridge", "services": "nabz-bridge",
                                   "ws_batch_us": batch_us}).start()


@pytest.mark.parametrize("batch_us", ["500", "0"])
def test_messages_of_every_size_reach_a_browser_whole(broker_factory, batch_us):
    b = start(broker_factory, batch_us)
    browser = ws_client(b, "browser-big")
    inbox = Inbox(browser)
    subscribe(browser, "crypto/news/#")
    pub = b.client(client_id="nabz-bridge", username="nabz-bridge", password="pw")
    sent = [("crypto/news/%d" % i, payload(size, i)) for i, size in enumerate(SIZES)]
    for topic, data in sent:
        pub.publish(topic, data, qos=1).wait_for_publish(5)
    assert inbox.wait(len(sent)) == sent
    stop_client(pub)
    stop_client(browser)


@pytest.mark.parametrize("batch_us", ["500", "0"])
def test_messages_of_every_size_reach_the_broker_whole_from_a_browser(broker_factory, batch_us):
    b = start(broker_factory, batch_us)
    watcher = b.client(client_id="api-watch", username="nabz-bridge", password="pw")
    inbox = Inbox(watcher)
    subscribe(watcher, "crypto/news/#")
    browser = ws_client(b, "web-publisher", username="nabz-bridge", password="pw")
    sent = [("crypto/news/%d" % i, payload(size, 100 + i)) for i, size in enumerate(SIZES)]
    for topic, data in sent:
        browser.publish(topic, data, qos=1).wait_for_publish(5)
    assert inbox.wait(len(sent)) == sent
    stop_client(browser)
    stop_client(watcher)


@pytest.mark.parametrize("batch_us", ["500", "0"])
def test_a_burst_to_many_browsers_arrives_complete_and_in_order(broker_factory, batch_us):
    b = start(broker_factory, batch_us)
    browsers, inboxes = [], []
    for i in range(20):
        c = ws_client(b, "browser-%d" % i)
        inboxes.append(Inbox(c))
        subscribe(c, "crypto/prices/BTC")
        browsers.append(c)
    pub = b.client(client_id="nabz-bridge", username="nabz-bridge", password="pw")
    n = 2000
    for i in range(n):
        pub.publish("crypto/prices/BTC", b'{"seq":%d}' % i, qos=0)
    pub.publish("crypto/prices/BTC", b'{"seq":%d}' % n, qos=1).wait_for_publish(5)
    expected = [("crypto/prices/BTC", b'{"seq":%d}' % i) for i in range(n + 1)]
    for inbox in inboxes:
        assert inbox.wait(n + 1, timeout=30) == expected
    for c in browsers + [pub]:
        stop_client(c)
