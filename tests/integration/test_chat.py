"""Chat rooms: posts are control commands, the plugin alone publishes on
crypto/chat/<room> with its own stamp of who spoke; limits, bad text,
history for a newcomer, moderation and the rooms' audience."""
import json
import threading
import time
import uuid

import paho.mqtt.client as mqtt

from nabz_broker import control, stop_client


def post(client, room, text, **extra):
    cmd = {"command": "chatPost", "room": room, "text": text}
    cmd.update(extra)
    return control(client, [cmd])["responses"][0]


class Room:
    """A reader of one room's topics, keeping every message in order."""

    def __init__(self, broker, room, client_id="reader", topics=None):
        self.cond = threading.Condition()
        self.msgs = []
        self.client = broker.client(client_id=client_id, connect=False)
        self.client.on_message = self._on_message
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *a, **k: subscribed.set()
        self.client.connect("127.0.0.1", broker.port, keepalive=60)
        self.client.loop_start()
        assert self.client.nabz_connected.wait(5)
        self.client.subscribe([(t, 1) for t in (topics or ["crypto/chat/%s" % room,
                                                            "crypto/chat/%s/recent" % room])])
        assert subscribed.wait(5)

    def _on_message(self, client, userdata, msg):
        with self.cond:
            self.msgs.append((msg.topic, json.loads(msg.payload), msg.retain))
            self.cond.notify_all()

    def wait(self, predicate, timeout=5.0):
        deadline = time.time() + timeout
        with self.cond:
            while True:
                for m in self.msgs:
                    if predicate(m):
                        return m
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("timed out; got %r" % self.msgs)
                self.cond.wait(left)

    def messages(self, type_="chat_message"):
        with self.cond:
            return [m[1]["data"] for m in self.msgs if m[1]["type"] == type_ and not m[2]]

    def close(self):
        stop_client(self.client)


def hello(client, name):
    r = control(client, [{"command": "hello", "client_type": "browser",
                          "metadata": {"display_name": name}}])["responses"][0]
    return r["data"]["session_id"]


def test_post_is_stamped_by_the_plugin_and_cannot_be_forged(broker):
    room = Room(broker, "general")
    alice = broker.client(client_id="browser-alice")
    sid = hello(alice, "  Alice \u0627\u0644\u06cc\u0633  ")
    # A client publishing on a room's topic itself is refused by the ACL
    # (MQTT 3.1.1: the broker drops it silently; nobody receives it).
    alice.publish("crypto/chat/general", json.dumps({"type": "chat_message", "data": {
        "text": "forged", "name": "admin", "session_id": "0" * 36}}), qos=1)
    alice.publish("crypto/chat/general/recent", b"{}", qos=1, retain=True)
    r = post(alice, "general", "hello <b>all</b>", session_id="0" * 36, name="admin",
             client_type="bot", id="x", ts="1970-01-01T00:00:00Z")
    assert r["command"] == "chatPost" and "error" not in r, r
    mid = r["data"]["id"]
    uuid.UUID(mid)
    got = room.wait(lambda m: m[1]["type"] == "chat_message")[1]["data"]
    assert got == {"id": mid, "room": "general", "text": "hello <b>all</b>",
                   "name": "Alice \u0627\u0644\u06cc\u0633", "session_id": sid,
                   "client_type": "browser", "ts": got["ts"]}
    time.sleep(0.3)
    texts = [m[1].get("data", {}).get("text") for m in room.msgs]
    assert "forged" not in texts
    # The retained recent is the plugin's, not the forged "{}".
    recent = room.wait(lambda m: m[0] == "crypto/chat/general/recent" and m[1].get("data", {}).get("messages"))[1]
    assert recent["type"] == "chat_recent" and [m["id"] for m in recent["data"]["messages"]] == [mid]
    assert all(m[1] != {} for m in room.msgs)
    # MQTT 5 tells the forger: not authorised.
    v5 = broker.client(client_id="api-forger", protocol=mqtt.MQTTv5)
    info = v5.publish("crypto/chat/general", b"x", qos=1)
    info.wait_for_publish(5)
    time.sleep(0.2)
    assert "forged" not in texts
    stop_client(v5)
    stop_client(alice)
    room.close()


def test_default_name_and_name_sanitised(broker):
    room = Room(broker, "BTC")
    anon = broker.client(client_id="browser-anon")
    sid = hello(anon, "\u0007\u0007")           # control characters: not a name
    assert "error" not in post(anon, "BTC", "hi")
    got = room.wait(lambda m: m[1]["type"] == "chat_message")[1]["data"]
    assert got["name"] == "guest-" + sid[:4]
    long_ = broker.client(client_id="browser-long")
    hello(long_, "\u0628" * 40)                  # 80 bytes, cut at a letter to <= 32
    post(long_, "BTC", "x")
    got = room.wait(lambda m: m[1]["type"] == "chat_message" and m[1]["data"]["text"] == "x")[1]["data"]
    assert got["name"] == "\u0628" * 16
    stop_client(anon)
    stop_client(long_)
    room.close()


BAD = [
    ({"room": "nope", "text": "x"}, "Unknown room"),
    ({"room": "general/#", "text": "x"}, "Unknown room"),
    ({"text": "x"}, "Unknown room"),
    ({"room": "general"}, "Invalid text"),
    ({"room": "general", "text": ""}, "Invalid text"),
    ({"room": "general", "text": " \n "}, "Invalid text"),
    ({"room": "general", "text": 5}, "Invalid text"),
    ({"room": "general", "text": "x" * 501}, "Text too long"),
    ({"room": "general", "text": "\u0627" * 251}, "Text too long"),    # 502 bytes
    ({"room": "general", "text": "bell\u0007"}, "Text contains control characters"),
    ({"room": "general", "text": "esc\u001b[31m"}, "Text contains control characters"),
    ({"room": "general", "text": "tab\tx"}, "Text contains control characters"),
    ({"room": "general", "text": "c1\u0085"}, "Text contains control characters"),
    ({"room": "general", "text": "rlo\u202egnp.exe"}, "Text contains control characters"),
    ({"room": "general", "text": "iso\u2066x\u2069"}, "Text contains control characters"),
]


def test_bad_posts_get_clear_errors_and_nothing_is_published(broker):
    room = Room(broker, "general")
    c = broker.client(client_id="browser-bad")
    for args, error in BAD:
        cmd = {"command": "chatPost"}
        cmd.update(args)
        r = control(c, [cmd])["responses"][0]
        assert r == {"command": "chatPost", "error": error}, (args, r)
    # Raw bytes: invalid UTF-8 and NUL are refused before any command runs.
    for raw, error in [(b'{"commands":[{"command":"chatPost","room":"general","text":"\xc3\x28"}]}',
                        "Payload not valid UTF-8"),
                       (b'{"commands":[{"command":"chatPost","room":"general","text":"a\\u0000b"}]}',
                        "Payload contains NUL"),
                       (b'{"commands":[{"command":"chatPost","room":"general","text":"a\x00b"}]}',
                        "Payload contains NUL")]:
        r = control(c, None, raw=raw)["responses"][0]
        assert r["error"] == error
    # Exactly the limit, newlines and mixed scripts are fine.
    ok = "\u0633\u0644\u0627\u0645 BTC\n" + "x" * (500 - len("\u0633\u0644\u0627\u0645 BTC\n".encode()))
    assert len(ok.encode()) == 500
    r = post(c, "general", ok)
    assert "error" not in r, r
    got = room.wait(lambda m: m[1]["type"] == "chat_message")[1]["data"]
    assert got["text"] == ok
    time.sleep(0.3)
    assert len(room.messages()) == 1
    stop_client(c)
    room.close()


def test_session_flood_is_limited_and_the_broker_stays_healthy(broker_factory):
    b = broker_factory(options={"chat_session_burst": "3", "chat_session_rate": "60"}).start()
    room = Room(b, "general")
    spammer = b.client(client_id="browser-spam")
    answers = control(spammer, [{"command": "chatPost", "room": "general", "text": "m%d" % i}
                                for i in range(8)])["responses"]
    errors = [a.get("error") for a in answers]
    assert errors[:3] == [None] * 3
    assert errors[3:] == ["Chat rate limit exceeded"] * 5
    # Another session (same address, exempt loopback) is not held back.
    other = b.client(client_id="browser-other")
    assert "error" not in post(other, "general", "still here")
    room.wait(lambda m: m[1]["type"] == "chat_message" and m[1]["data"]["text"] == "still here")
    # One token a second comes back.
    time.sleep(1.1)
    assert "error" not in post(spammer, "general", "later")
    room.wait(lambda m: m[1]["type"] == "chat_message" and m[1]["data"]["text"] == "later")
    # The broker still answers and serves.
    r = control(other, [{"command": "getStats"}])["responses"][0]
    assert r["data"]["active_connections"] >= 3
    assert [m["text"] for m in room.messages()] == ["m0", "m1", "m2", "still here", "later"]
    for c in (spammer, other):
        stop_client(c)
    room.close()


def test_address_flood_is_limited_across_sessions(broker_factory):
    # Loopback is exempt by default; here it is not, so 127.0.0.1 is one address.
    b = broker_factory(options={"limit_exempt": "none", "chat_address_burst": "4",
                                "chat_address_rate": "60", "chat_session_burst": "100"}).start()
    clients = [b.client(client_id="browser-n%d" % i) for i in range(3)]
    results = []
    for i in range(6):
        results.append(post(clients[i % 3], "general", "a%d" % i).get("error"))
    assert results[:4] == [None] * 4
    assert results[4:] == ["Chat rate limit exceeded for this address"] * 2
    for c in clients:
        stop_client(c)


def test_recent_is_given_to_a_newcomer_at_once(broker_factory):
    b = broker_factory(options={"chat_history": "3"}).start()
    poster = b.client(client_id="browser-poster")
    ids = [post(poster, "fa", "\u067e\u06cc\u0627\u0645 %d" % i)["data"]["id"] for i in range(5)]
    # A page opened now: the retained recent arrives on subscribing.
    late = Room(b, "fa", client_id="browser-late")
    topic, env, retained = late.wait(lambda m: m[0] == "crypto/chat/fa/recent")
    assert retained and env["type"] == "chat_recent"
    assert env["data"]["room"] == "fa"
    assert [m["id"] for m in env["data"]["messages"]] == ids[2:]       # the last 3, oldest first
    assert env["data"]["messages"][-1]["text"] == "\u067e\u06cc\u0627\u0645 4"
    # The same on request.
    r = control(late.client, [{"command": "chatHistory", "room": "fa"}])["responses"][0]
    assert [m["id"] for m in r["data"]["messages"]] == ids[2:]
    assert control(late.client, [{"command": "chatHistory", "room": "x"}])["responses"][0]["error"] == "Unknown room"
    # Another room's recent is empty (published at start).
    en = Room(b, "en", client_id="browser-en")
    env = en.wait(lambda m: m[0] == "crypto/chat/en/recent")[1]
    assert env["data"] == {"room": "en", "messages": []}
    stop_client(poster)
    late.close()
    en.close()


def test_admin_removes_and_mutes(broker_factory):
    b = broker_factory(accounts={"ops": "pw"}, options={"admins": "ops"}).start()
    room = Room(b, "general")
    user = b.client(client_id="browser-troll")
    sid = hello(user, "troll")
    m1 = post(user, "general", "spam 1")["data"]["id"]
    m2 = post(user, "general", "fine")["data"]["id"]
    admin = b.client(client_id="api-ops", username="ops", password="pw")
    # Not for ordinary users.
    for cmd in ({"command": "chatRemove", "room": "general", "id": m1},
                {"command": "chatMute", "session_id": sid, "seconds": 60},
                {"command": "chatUnmute", "session_id": sid}):
        assert control(user, [cmd])["responses"][0]["error"] == "Not authorised"
    r = control(admin, [{"command": "chatRemove", "room": "general", "id": m1}])["responses"][0]
    assert r["data"] == {"room": "general", "id": m1}
    room.wait(lambda m: m[1]["type"] == "chat_removed" and m[1]["data"] == {"room": "general", "id": m1})
    room.wait(lambda m: m[0].endswith("/recent") and [x["id"] for x in m[1]["data"]["messages"]] == [m2])
    bad = [({"command": "chatRemove", "room": "general", "id": m1}, "Message not found"),
           ({"command": "chatRemove", "room": "general", "id": "x"}, "Invalid id"),
           ({"command": "chatRemove", "room": "nope", "id": m2}, "Unknown room"),
           ({"command": "chatMute", "session_id": sid, "seconds": 0}, "Invalid seconds"),
           ({"command": "chatMute", "session_id": sid, "seconds": 1.5}, "Invalid seconds"),
           ({"command": "chatMute", "session_id": sid, "seconds": "60"}, "Invalid seconds"),
           ({"command": "chatMute", "session_id": "abc", "seconds": 60}, "Invalid session_id"),
           ({"command": "chatMute", "session_id": str(uuid.uuid4()), "seconds": 60}, "Session not found")]
    for cmd, error in bad:
        assert control(admin, [cmd])["responses"][0].get("error") == error, cmd
    r = control(admin, [{"command": "chatMute", "session_id": sid, "seconds": 60}])["responses"][0]
    assert r["data"] == {"session_id": sid, "seconds": 60}
    assert post(user, "general", "spam 2")["error"] == "Muted"
    control(admin, [{"command": "chatUnmute", "session_id": sid}])
    assert "error" not in post(user, "general", "sorry")
    # A short mute ends by itself.
    control(admin, [{"command": "chatMute", "session_id": sid, "seconds": 1}])
    assert post(user, "general", "x")["error"] == "Muted"
    time.sleep(1.2)
    assert "error" not in post(user, "general", "back")
    room.wait(lambda m: m[1]["type"] == "chat_message" and m[1]["data"]["text"] == "back")
    texts = [m["text"] for m in room.messages()]
    assert texts == ["spam 1", "fine", "sorry", "back"]
    stop_client(user)
    stop_client(admin)
    room.close()


def test_chat_disabled(broker_factory):
    b = broker_factory(options={"chat_enabled": "false"}).start()
    c = b.client(client_id="browser-x")
    assert post(c, "general", "hi")["error"] == "Chat disabled"
    r = control(c, [{"command": "getStats"}])["responses"][0]["data"]
    assert "chat_rooms" not in r and r["groups"]["chat"] == 0
    stop_client(c)


def test_config_rooms_are_checked(broker_factory):
    for rooms, words in (("gen/eral", "chat_rooms"), ("a a", "given twice")):
        b = broker_factory(options={"chat_rooms": rooms})
        b.start(wait=False)
        b.wait_exit(10)
        assert words in b.read_log()


def test_rooms_audience_in_stats(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    general = Room(broker, "general", client_id="browser-g")
    both = Room(broker, "fa", client_id="browser-b",
                topics=["crypto/chat/fa", "crypto/chat/BTC/recent"])
    allrooms = Room(broker, "", client_id="browser-all", topics=["crypto/chat/#"])
    d = watcher.wait_for(lambda d: d["chat_rooms"] == {"general": 2, "BTC": 2, "fa": 2, "en": 1})
    assert d["groups"]["chat"] == 3
    # The other groups keep their meaning: nobody here reads prices.
    assert d["groups"]["prices"] == 0 and d["active_connections"] == 4
    both.client.unsubscribe("crypto/chat/BTC/recent")     # the group stays, a room changes
    watcher.wait_for(lambda d: d["chat_rooms"] == {"general": 2, "BTC": 1, "fa": 2, "en": 1}
                     and d["groups"]["chat"] == 3)
    allrooms.close()
    watcher.wait_for(lambda d: d["chat_rooms"] == {"general": 1, "BTC": 0, "fa": 1, "en": 0}
                     and d["groups"]["chat"] == 2)
    general.close()
    both.close()
    watcher.wait_for(lambda d: d["groups"]["chat"] == 0 and d["chat_rooms"]["fa"] == 0)


def test_guide_chat_sample_runs(broker_factory):
    """WEBSOCKET_GUIDE.md's Python chat program, as printed, against this broker."""
    import re
    import sys
    from test_guide_samples import Running, sample
    b = broker_factory().start()
    src = re.sub(r"^PORT = \d+", "PORT = %d" % b.port, sample("chat-python"), count=1, flags=re.M)
    src = re.sub(r'^HOST = "localhost"', 'HOST = "127.0.0.1"', src, count=1, flags=re.M)
    run = Running([sys.executable, "-"], src)
    try:
        run.expect(r"^recent 0$")
        run.expect(r"^control hello ok$")
        run.expect(r"^control chatPost ok$")
        run.expect(r"^chat general guide-bot hello from Python$")
    finally:
        run.stop()


def test_even_a_publisher_cannot_publish_on_a_room(broker_factory):
    """The bridge's account may publish data topics, but not chat: only the
    plugin speaks there, so every message carries the plugin's stamp."""
    b = broker_factory(accounts={"pub": "pw"}, options={"publishers": "pub"}).start()
    room = Room(b, "general")
    pub = b.client(client_id="api-pub", username="pub", password="pw")
    pub.publish("crypto/chat/general", json.dumps({"type": "chat_message", "data": {"text": "by publisher"}}),
                qos=1).wait_for_publish(5)
    pub.publish("crypto/market", json.dumps({"type": "market_update", "data": {}}), qos=1).wait_for_publish(5)
    user = b.client(client_id="browser-u")
    post(user, "general", "by plugin")
    room.wait(lambda m: m[1]["type"] == "chat_message")
    time.sleep(0.3)
    assert [m["text"] for m in room.messages()] == ["by plugin"]
    assert "denied publish on \"crypto/chat/general\"" in b.read_log()
    for c in (pub, user):
        stop_client(c)
    room.close()
