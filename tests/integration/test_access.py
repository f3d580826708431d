"""Who may publish and subscribe what; denials are logged once per client."""
import threading
import time

from nabz_broker import Watcher, stop_client


def received(broker, topic, action, wait=0.5):
    """Subscribes a reader to topic, runs action(), returns what arrived."""
    got = []
    r = broker.client(client_id="api-reader-%d" % time.monotonic_ns())
    r.on_message = lambda c, u, m: got.append((m.topic, m.payload))
    done = threading.Event()
    r.on_subscribe = lambda *a: done.set()
    r.subscribe(topic)
    assert done.wait(5)
    action()
    time.sleep(wait)
    stop_client(r)
    return got


def test_ordinary_clients_cannot_publish_data(broker):
    c = broker.client(client_id="api-evil")

    def attack():
        for i in range(20):
            c.publish("crypto/prices/BTC", '{"type":"price_update","data":{"price_usd":1}}', qos=1)
        c.publish("crypto/stats", "{}", qos=0, retain=True)
        c.publish("other/topic", "x", qos=0)
    got = received(broker, "crypto/prices/#", attack)
    assert got == []
    log = broker.read_log()
    # 22 denied publishes from one client: one log line.
    assert log.count('denied publish on "crypto/prices/BTC" to client api-evil') == 1, log
    assert log.count("to client api-evil") == 1, log
    stop_client(c)


def test_publishers_write_data_but_never_stats(broker_factory):
    b = broker_factory(accounts={"nabz-bridge": "pw"},
                       options={"publishers": "nabz-bridge", "services": "nabz-bridge"}).start()
    pub = b.client(client_id="nabz-bridge", username="nabz-bridge", password="pw")
    assert pub.nabz_connack == 0

    def publish():
        pub.publish("crypto/prices/BTC", '{"type":"price_update"}', qos=1)
        pub.publish("crypto/stats", '{"forged":true}', qos=1, retain=True)
    got = received(b, "crypto/#", publish)
    topics = [t for t, p in got]
    assert "crypto/prices/BTC" in topics
    assert all(b"forged" not in p for t, p in got)
    w = Watcher(b)
    data = w.wait_for(lambda d: d.get("active_connections") == 1)   # the plugin's, not forged
    assert "forged" not in data
    w.close()
    stop_client(pub)


def test_anonymous_refused_when_disallowed(broker_factory):
    b = broker_factory(options={"allow_anonymous": "false"}, accounts={"alice": "pw"}).start()
    anon = b.client(client_id="api-anon")
    assert anon.nabz_connack == 5
    anon.loop_stop()
    alice = b.client(client_id="api-alice", username="alice", password="pw")
    assert alice.nabz_connack == 0
    stop_client(alice)
    assert "anonymous clients are not allowed" in b.read_log()


def test_named_accounts_need_a_password_file(broker_factory):
    # No password_file at all: a client claiming the publisher's name is
    # refused instead of being trusted.
    b = broker_factory(options={"publishers": "nabz-bridge"}).start()
    c = b.client(client_id="x", username="nabz-bridge", password="anything")
    assert c.nabz_connack == 5
    c.loop_stop()
    # Anonymous readers still get in.
    r = b.client(client_id="api-reader")
    assert r.nabz_connack == 0
    stop_client(r)


def test_readers_may_not_subscribe_outside_the_prefix(broker):
    c = broker.client(client_id="api-snoop")
    granted = {}
    done = threading.Event()

    def on_subscribe(client, userdata, mid, qos):
        granted[mid] = qos
        done.set()
    c.on_subscribe = on_subscribe
    _, mid = c.subscribe([("$SYS/#", 0), ("private/#", 0), ("crypto/#", 0), ("#", 0)])
    assert done.wait(5)
    assert granted[mid] == (128, 128, 0, 0)
    stop_client(c)


def test_the_plugins_wake_link_name_cannot_be_borrowed(broker_factory):
    b = broker_factory(accounts={"ops": "pw"}, options={"admins": "ops"}).start()
    c = b.client(client_id="api-thief", username="nabz-internal-wake", password="guess")
    assert c.nabz_connack == 5
    c.loop_stop()
    assert "the username nabz-internal-wake is the plugin's own" in b.read_log()
    # The plugin's own link is up, and listed nowhere, counted nowhere.
    admin = b.client(client_id="api-ops", username="ops", password="pw")
    from nabz_broker import control
    resp = control(admin, [{"command": "listSessions"}, {"command": "getStats"}])
    assert [s["client_id"] for s in resp["responses"][0]["data"]["sessions"]] == ["api-ops"]
    assert resp["responses"][1]["data"]["active_connections"] == 1
    deadline = time.time() + 10
    while "as nabz-wake-" not in b.read_log() and time.time() < deadline:
        time.sleep(0.1)
    assert "as nabz-wake-" in b.read_log()
    stop_client(admin)
