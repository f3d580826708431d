"""$CONTROL/nabz/v1: answers go to the requester alone; refusals and junk
get error answers with fixed messages; the broker goes on."""
import json
import threading
import time

import paho.mqtt.client as mqtt

from nabz_broker import control, stop_client


def test_get_stats_answers_the_requester_alone(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    asker = broker.client(client_id="api-asker")
    bystander = broker.client(client_id="api-bystander")
    seen = []
    bystander.on_message = lambda c, u, m: seen.append(m.topic)
    bystander.subscribe("$CONTROL/nabz/v1/response")
    bystander.subscribe("#")
    time.sleep(0.2)
    resp = control(asker, [{"command": "getStats", "correlationData": "abc"}])
    r = resp["responses"][0]
    assert r["command"] == "getStats" and r["correlationData"] == "abc"
    stats = r["data"]
    assert set(stats) == {"active_connections", "unique_users", "total_sessions",
                          "peak_connections", "client_types", "groups", "uptime_s", "nodes",
                          "chat_rooms"}
    assert stats["nodes"] == 1      # a single broker is a cluster of one
    assert stats["active_connections"] == 3
    assert set(stats["groups"]) == {"prices", "market", "news", "alerts", "signals", "chat"}
    time.sleep(0.3)
    assert "$CONTROL/nabz/v1/response" not in seen
    stop_client(asker)
    stop_client(bystander)


def test_list_sessions_is_for_admins_only(broker_factory):
    b = broker_factory(accounts={"ops": "pw"}, options={"admins": "ops"}).start()
    user = b.client(client_id="browser-1")
    resp = control(user, [{"command": "listSessions"}])
    assert resp["responses"] == [{"command": "listSessions", "error": "Not authorised"}]
    # A username that merely looks like the admin's, without its password.
    fake = b.client(client_id="api-fake", username="ops", password="guess")
    assert fake.nabz_connack == 5
    fake.loop_stop()
    admin = b.client(client_id="api-ops", username="ops", password="pw")
    resp = control(admin, [{"command": "hello", "client_type": "api", "metadata": {"tool": "cli"}},
                           {"command": "listSessions"}])
    hello, listing = resp["responses"]
    assert hello["command"] == "hello" and hello["data"]["metadata"] == {"tool": "cli"}
    data = listing["data"]
    assert data["count"] == 2
    ids = sorted(s["client_id"] for s in data["sessions"])
    assert ids == ["api-ops", "browser-1"]
    for s in data["sessions"]:
        assert {"session_id", "client_type", "connected_at", "metadata", "client_id",
                "address", "transport", "groups", "service"} <= set(s)
    stop_client(user)
    stop_client(admin)


BAD = [
    (b"not json", "unknown", "Payload not valid JSON"),
    (b"", "unknown", "Payload not valid JSON"),
    (b"null", "unknown", "Missing commands array"),
    (b"{}", "unknown", "Missing commands array"),
    (b'{"commands": {}}', "unknown", "Missing commands array"),
    (b'{"commands": []}', "unknown", "Missing commands array"),
    (b'{"commands": [1]}', "unknown", "Invalid command"),
    (b'{"commands": [{"command": 7}]}', "unknown", "Invalid command"),
    (b'{"commands": [{"command": "dropTables"}]}', "dropTables", "Unknown command"),
    (b'{"commands": [{"command": "hello", "client_type": "toaster"}]}', "hello", "Invalid client_type"),
    (b'{"commands": [{"command": "hello", "client_type": 3}]}', "hello", "Invalid client_type"),
    (b'{"commands": [{"command": "hello", "user_id": ["x"]}]}', "hello", "Invalid user_id"),
    (b'{"commands": [{"command": "hello", "user_id": ""}]}', "hello", "Invalid user_id"),
    (b'{"commands": [{"command": "hello", "metadata": "page"}]}', "hello", "Invalid metadata"),
    (json.dumps({"commands": [{"command": "hello", "metadata": {"k": "v" * 5000}}]}).encode(),
     "hello", "Metadata too large"),
    (json.dumps({"commands": [{"command": "getStats"}] * 17}).encode(), "unknown", "Too many commands"),
    (b"{" * 20000, "unknown", "Payload too large"),
    (b"[" * 10000, "unknown", "Payload not valid JSON"),
    # Answers are always valid UTF-8 JSON: nothing unchecked is echoed,
    # stored or cut short.
    (b'{"commands":[{"command":"\xff\xfe"}]}', "unknown", "Payload not valid UTF-8"),
    (b'{"commands":[{"command":"\xc0\xaf"}]}', "unknown", "Payload not valid UTF-8"),      # overlong
    (b'{"commands":[{"command":"\xed\xa0\x80"}]}', "unknown", "Payload not valid UTF-8"),  # surrogate
    (b'{"commands":[{"command":"getStats","correlationData":"\xe2\x82"}]}', "unknown",
     "Payload not valid UTF-8"),                                                     # cut short
    (b'{"commands":[{"command":"hello","metadata":{"k":"\xf5\x80\x80\x80"}}]}', "unknown",
     "Payload not valid UTF-8"),
    (b'{"commands":[{"command":"hello","user_id":"ab\\u0000cd"}]}', "unknown", "Payload contains NUL"),
    (b'{"commands":[{"command":"getStats"}]}\x00', "unknown", "Payload contains NUL"),
    (b'{"commands":[{"command":"getStats"}]} junk', "unknown", "Payload not valid JSON"),
    (b'{"commands":[{"command":"getStats"}]}{}', "unknown", "Payload not valid JSON"),
]


def test_malformed_payloads_get_error_answers(broker, watcher):
    c = broker.client(client_id="api-fuzz")
    for payload, command, error in BAD:
        resp = control(c, None, raw=payload)
        assert resp["responses"][0] == {"command": command, "error": error}, (payload[:60], resp)
    # ...and the broker and the session go on.
    resp = control(c, [{"command": "getStats"}])
    assert resp["responses"][0]["data"]["active_connections"] == 2
    stop_client(c)


def test_text_is_checked_not_mangled(broker_factory):
    """Valid UTF-8 (Persian, escapes) goes through whole; a backslash
    before u0000 is text, not a NUL; what an admin lists is what was sent."""
    b = broker_factory(accounts={"ops": "pw"}, options={"admins": "ops"}).start()
    c = b.client(client_id="browser-fa")
    resp = control(c, None, raw='{"commands":[{"command":"hello","user_id":"کاربر-۴۲",'
                   '"metadata":{"page":"/بازار","note":"a\\\\u0000b \\u00e9"}},'
                   '{"command":"سلام"}]}  \r\n'.encode())
    hello, unknown = resp["responses"]
    assert hello["data"]["user_id"] == "کاربر-۴۲"
    assert hello["data"]["metadata"] == {"page": "/بازار", "note": "a\\u0000b é"}
    assert unknown == {"command": "سلام", "error": "Unknown command"}
    # An invalid hello changes nothing.
    refused = control(c, None, raw=b'{"commands":[{"command":"hello","user_id":"\xff"}]}')
    assert refused["responses"][0]["error"] == "Payload not valid UTF-8"
    admin = b.client(client_id="api-ops", username="ops", password="pw")
    listing = control(admin, [{"command": "listSessions"}])["responses"][0]["data"]["sessions"]
    mine = [s for s in listing if s["client_id"] == "browser-fa"][0]
    assert mine["user_id"] == "کاربر-۴۲" and mine["metadata"]["page"] == "/بازار"
    stop_client(c)
    stop_client(admin)


def test_mqtt5_and_qos0_requests_are_answered(broker):
    c = broker.client(client_id="api-v5", protocol=mqtt.MQTTv5)
    got = threading.Event()
    box = {}

    def on_message(client, userdata, msg):
        box["p"] = json.loads(msg.payload)
        got.set()
    c.on_message = on_message
    c.publish("$CONTROL/nabz/v1", json.dumps({"commands": [{"command": "getStats"}]}), qos=0)
    assert got.wait(5)
    assert box["p"]["responses"][0]["command"] == "getStats"
    stop_client(c)
