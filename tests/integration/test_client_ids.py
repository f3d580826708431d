"""Client ids bound to accounts (plugin_opt_client_id_owners): nobody else
may connect with a service's, a bot's or the wake link's id. Before, an
anonymous "nabz-bridge" kicked the bridge off, and an anonymous client with
the bot's id and clean session off inherited its queued alerts."""
import re
import socket
import threading
import time

import paho.mqtt.client as mqtt
import pytest

from nabz_broker import Watcher, stop_client
from mqtt_packets import connect_packet

ACCOUNTS = {"nabz-bridge": "bridge-pw", "nabz-telegram": "bot-pw", "ops": "ops-pw"}
OPTIONS = {"services": "nabz-bridge", "publishers": "nabz-bridge", "bots": "nabz-telegram"}


@pytest.fixture
def services(broker_factory):
    return broker_factory(accounts=ACCOUNTS, options=OPTIONS).start()


def tracked(client):
    """Records the client's disconnects, so a kick shows."""
    client.nabz_disconnects = []
    client.on_disconnect = lambda c, u, rc, *a: c.nabz_disconnects.append(rc)
    return client


def ws_attempt(broker, client_id, clean_session=True):
    """CONNACK code of an anonymous MQTT-over-WebSocket client."""
    c = mqtt.Client(client_id=client_id, transport="websockets", clean_session=clean_session)
    c.ws_set_options(path="/mqtt")
    box, got = {}, threading.Event()

    def on_connect(client, userdata, flags, rc, properties=None):
        box["rc"] = rc
        got.set()
    c.on_connect = on_connect
    c.connect("127.0.0.1", broker.ws_port, keepalive=30)
    c.loop_start()
    try:
        assert got.wait(5), "no CONNACK over WebSocket"
    finally:
        c.loop_stop()
    return box["rc"]


def tcp_attempt(broker, client_id, clean_session=True, username=None, password=None):
    c = broker.client(client_id=client_id, clean_session=clean_session, username=username,
                      password=password)
    c.loop_stop()
    return c.nabz_connack


def assert_still_publishing(broker, bridge, n):
    w = Watcher(broker, topics=("crypto/prices/BTC",), client_id="api-watch-%d" % n)
    try:
        time.sleep(0.2)
        bridge.publish("crypto/prices/BTC", '{"data": {"n": %d}}' % n, qos=1).wait_for_publish(5)
        w.wait_for(lambda d: d == {"n": n}, topic="crypto/prices/BTC")
    finally:
        w.close()


def test_nobody_else_can_take_the_bridges_id(services):
    bridge = tracked(services.client(client_id="nabz-bridge", username="nabz-bridge",
                                     password="bridge-pw"))
    assert bridge.nabz_connack == 0
    attempts = [
        tcp_attempt(services, "nabz-bridge"),                                 # anonymous, clean
        tcp_attempt(services, "nabz-bridge", clean_session=False),            # anonymous, persistent
        tcp_attempt(services, "nabz-bridge", username="nabz-bridge", password="guess"),
        tcp_attempt(services, "nabz-bridge", username="ops", password="ops-pw"),  # another account
        ws_attempt(services, "nabz-bridge"),
        ws_attempt(services, "nabz-bridge", clean_session=False),
    ]
    assert attempts == [5] * 6           # CONNACK "not authorised", every time
    time.sleep(0.5)
    assert bridge.nabz_disconnects == []  # never kicked
    assert_still_publishing(services, bridge, 1)
    log = services.read_log()
    assert "already connected, closing old connection" not in log
    assert "the client id is reserved for account nabz-bridge" in log
    stop_client(bridge)


def test_the_bots_queued_alerts_stay_the_bots(services):
    bot = services.client(client_id="bot-nabz-telegram", username="nabz-telegram",
                          password="bot-pw", clean_session=False)
    bot.subscribe("crypto/alerts", qos=1)
    time.sleep(0.3)
    stop_client(bot)
    bridge = services.client(client_id="nabz-bridge", username="nabz-bridge", password="bridge-pw")
    bridge.publish("crypto/alerts", '{"alert": 1}', qos=1).wait_for_publish(5)

    # An anonymous client asking for the bot's persistent session, over
    # TCP and over WebSocket, gets nothing of it.
    thief = mqtt.Client(client_id="bot-nabz-telegram", clean_session=False)
    stolen = []
    thief.on_message = lambda c, u, m: stolen.append(m.payload)
    box = {}
    thief.on_connect = lambda c, u, f, rc: box.setdefault("rc", rc)
    thief.connect("127.0.0.1", services.port)
    thief.loop_start()
    time.sleep(1.0)
    thief.loop_stop()
    assert box.get("rc") == 5 and stolen == []
    assert ws_attempt(services, "bot-nabz-telegram", clean_session=False) == 5

    # The bot comes back and gets its alert.
    got = []
    bot = mqtt.Client(client_id="bot-nabz-telegram", clean_session=False)
    bot.username_pw_set("nabz-telegram", "bot-pw")
    bot.on_message = lambda c, u, m: got.append(m.payload)
    bot.connect("127.0.0.1", services.port)
    bot.loop_start()
    deadline = time.time() + 5
    while not got and time.time() < deadline:
        time.sleep(0.05)
    assert got == [b'{"alert": 1}']
    stop_client(bot)
    stop_client(bridge)


def test_the_wake_links_id_cannot_be_taken(services):
    deadline = time.time() + 5
    while not re.findall(r"as (nabz-wake-\d+) ", services.read_log()) and time.time() < deadline:
        time.sleep(0.05)
    ids = re.findall(r"as (nabz-wake-\d+) ", services.read_log())
    assert ids, services.read_log()
    watcher = Watcher(services)
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    assert tcp_attempt(services, ids[0]) == 5
    assert tcp_attempt(services, "nabz-wake-1") == 5     # any id of the kind
    assert ws_attempt(services, ids[0]) == 5
    # The link is still up: a change inside the debounce interval is
    # still published at once (it needs the link to wake the broker).
    c = services.client(client_id="api-after")
    watcher.wait_for(lambda d: d["active_connections"] == 2, timeout=2)
    assert "already connected, closing old connection" not in services.read_log()
    stop_client(c)
    watcher.close()


def raw_attempt(broker, client_id):
    with socket.create_connection(("127.0.0.1", broker.port), timeout=5) as s:
        s.sendall(connect_packet(client_id))
        return s.recv(4)[3]


def test_refusals_are_logged_once_per_interval(services):
    for _ in range(50):
        assert raw_attempt(services, "nabz-bridge") == 5
    lines = [l for l in services.read_log().splitlines() if "reserved for account" in l]
    assert len(lines) == 1, lines


def test_owners_are_configurable(broker_factory):
    b = broker_factory(accounts=ACCOUNTS, options={"client_id_owners": "sensor-*=ops"}).start()
    assert tcp_attempt(b, "sensor-7") == 5
    assert tcp_attempt(b, "sensor-7", username="ops", password="wrong") == 5
    assert tcp_attempt(b, "sensor-7", username="ops", password="ops-pw") == 0
    # The shipped entries are replaced, not added to.
    assert tcp_attempt(b, "nabz-bridge") == 0


@pytest.mark.parametrize("value", ["nabz-bridge", "=ops", "x=", "*=ops", "a=b=c"])
def test_malformed_owner_entries_stop_the_broker(broker_factory, value):
    b = broker_factory(options={"client_id_owners": value})
    b.start(wait=False)
    assert b.wait_exit() != 0
    assert "option client_id_owners" in b.read_log()
