"""nabz-telegram against a fake Bot API (recording every call) and the real
broker, alerts published over TCP by a publisher account."""
import json
import os
import subprocess
import time

import pytest

from nabz_broker import Watcher, control
from telegram_helpers import TOKEN, alert, bots_env, says, telegram_path, wait_until

A, B, C = 1001, 1002, -1003     # two private chats and a group


@pytest.fixture
def env(broker_factory, tmp_path):
    yield from bots_env(broker_factory, tmp_path)


def publish(pub, payload, topic="crypto/alerts"):
    info = pub.publish(topic, payload, qos=1)
    info.wait_for_publish()


def start_chats(fake, *chats):
    for chat in chats:
        fake.user_says(chat, "/start")
    for chat in chats:
        fake.wait_delivered(chat, 1)


def alerts_of(fake, chat):
    return [t for t in fake.delivered(chat) if "alert #" in t]


def numbers(texts):
    return [int(t.rsplit("#", 1)[1]) for t in texts]


def test_each_alert_reaches_each_chat_once_and_the_bot_counts_as_bot(env):
    broker, fake, pub, make = env
    bot = make()
    start_chats(fake, A, B, C)
    for n in range(5):
        publish(pub, alert("BTC", n))
    for chat in (A, B, C):
        fake.wait_delivered(chat, 5, contains="alert #")
    time.sleep(0.5)
    for chat in (A, B, C):
        assert numbers(alerts_of(fake, chat)) == [0, 1, 2, 3, 4]
    text = alerts_of(fake, A)[0]
    assert "<b>BTC</b>" in text and "100,000" in text and "قیمت" in text    # Persian by default, HTML
    stats = control(pub, [{"command": "getStats"}])["responses"][0]["data"]
    assert stats["client_types"].get("bot") == 1
    assert bot.proc.poll() is None


def test_alerts_published_while_stopped_arrive_in_order(env):
    broker, fake, pub, make = env
    bot = make()
    start_chats(fake, A, B)
    assert bot.stop() == 0
    for n in range(10):
        publish(pub, alert("ETH", n))
    make()
    for chat in (A, B):
        fake.wait_delivered(chat, 10, contains="alert #")
    time.sleep(0.5)
    for chat in (A, B):
        assert numbers(alerts_of(fake, chat)) == list(range(10))


def test_429_and_500_lose_and_duplicate_nothing_and_retry_after_is_respected(env):
    broker, fake, pub, make = env
    make()
    start_chats(fake, A, B)
    fake.fail_next("429", retry_after=2)
    fake.fail_next("500", count=3)
    fake.fail_next("timeout", seconds=2)
    for n in range(6):
        publish(pub, alert("SOL", n))
    for chat in (A, B):
        fake.wait_delivered(chat, 6, timeout=30, contains="alert #")
    time.sleep(0.5)
    for chat in (A, B):
        assert numbers(alerts_of(fake, chat)) == list(range(6))
    calls = fake.attempts()
    t429, chat429 = next((c[0], c[1]) for c in calls if c[3] == 429)
    again = [c[0] for c in calls if c[1] == chat429 and c[0] > t429]
    assert again[0] - t429 >= 1.95, "sent again %.2fs after a 429 asking for 2s" % (again[0] - t429)
    # nothing at all goes out meanwhile (a request already on its way aside)
    meanwhile = [c for c in calls if t429 + 0.3 < c[0] < t429 + 1.95]
    assert meanwhile == [], meanwhile
    assert sum(1 for c in calls if c[3] == 500) == 3


def test_killed_with_9_during_a_burst_of_100_loses_none(env):
    broker, fake, pub, make = env
    bot = make()
    start_chats(fake, A, B)
    for n in range(100):
        pub.publish("crypto/alerts", alert("DOGE", n), qos=1)
    wait_until(lambda: len(alerts_of(fake, A)) >= 30, what="30 deliveries")
    bot.stop(9)
    make()
    for chat in (A, B):
        fake.wait_delivered(chat, 100, timeout=40, contains="alert #")
    time.sleep(0.5)
    for chat in (A, B):
        got = numbers(alerts_of(fake, chat))
        assert sorted(set(got)) == list(range(100)), "lost: %s" % sorted(set(range(100)) - set(got))
        # the one documented window: killed between Telegram's answer and
        # the spool's line -- at most the one message in flight repeats
        assert len(got) - len(set(got)) <= 1, got
        assert got == sorted(got) or len(got) == 101


def test_the_per_chat_rate_is_never_exceeded(env):
    broker, fake, pub, make = env
    make(rate={"per_chat_interval_ms": 1000})
    start_chats(fake, A)
    for n in range(4):
        publish(pub, alert("BTC", n))
    fake.wait_delivered(A, 5, timeout=15)
    times = [c[0] for c in fake.attempts(A)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.98, gaps


def test_watch_filters_by_symbol(env):
    broker, fake, pub, make = env
    make()
    start_chats(fake, A, B)
    fake.user_says(A, "/watch btc")
    fake.wait_delivered(A, 2)
    assert "BTC" in fake.delivered(A)[-1]
    publish(pub, alert("ETH", 1))
    publish(pub, alert("BTC", 2))
    fake.wait_delivered(B, 2, contains="alert #")
    fake.wait_delivered(A, 1, contains="alert #")
    time.sleep(0.5)
    assert numbers(alerts_of(fake, A)) == [2]
    assert numbers(alerts_of(fake, B)) == [1, 2]
    fake.user_says(A, "/unwatch BTC")
    fake.wait_delivered(A, 4)
    publish(pub, alert("ETH", 3))
    fake.wait_delivered(A, 2, contains="alert #")
    assert numbers(alerts_of(fake, A)) == [2, 3]


def test_price_answers_from_the_retained_price_and_lang_switches(env):
    broker, fake, pub, make = env
    price = {"type": "price_update", "ts": "2026-11-27T08:00:00.000Z",
             "data": {"symbol": "BTC", "price_usd": 97000.5, "change_24h_pct": 1.2, "price_irt": 6790000000,
                      "source": "consensus", "stale": False}}
    pub.publish("crypto/prices/BTC", json.dumps(price), qos=1, retain=True).wait_for_publish()
    watcher = Watcher(broker)
    make()
    # The retained price reaches the bot right after its subscription to
    # crypto/prices/# is acknowledged, which the plugin's stats show: a
    # /price asked before that is rightly answered "no price yet".
    watcher.wait_for(lambda s: s["groups"].get("prices", 0) >= 1)
    watcher.close()
    fake.user_says(A, "/price BTC")
    text = fake.wait_delivered(A, 1)[-1]
    assert "97,000.5" in text and "+1.20%" in text and "6,790,000,000" in text and "قیمت" in text
    fake.user_says(A, "/lang en")
    fake.wait_delivered(A, 2)
    fake.user_says(A, "/price btc")
    text = fake.wait_delivered(A, 3)[-1]
    assert "Price" in text and "97,000.5" in text
    fake.user_says(A, "/price XRP")
    assert "No price for XRP" in fake.wait_delivered(A, 4)[-1]


def test_a_permanently_failing_chat_does_not_hold_back_the_others(env):
    broker, fake, pub, make = env
    bot = make(retry={"min_ms": 2000, "max_ms": 4000})
    start_chats(fake, A, B, C)
    fake.gone.add(C)
    for n in range(5):
        publish(pub, alert("BTC", n))
    for chat in (A, B):
        fake.wait_delivered(chat, 5, contains="alert #", timeout=4)
    time.sleep(0.5)
    assert len(fake.attempts(C)) == 2            # /start's answer, then one refused alert
    log = bot.read_log()
    assert log.count("chat not found") == 1, log
    # it writes again: it is reachable again
    fake.gone.discard(C)
    fake.user_says(C, "/start")
    # the bot answers /start once it has C back on its list: only alerts after that are C's
    fake.wait_delivered(C, 2)
    publish(pub, alert("BTC", 9))
    fake.wait_delivered(C, 1, contains="alert #9")


def test_the_chats_and_their_settings_persist(env):
    broker, fake, pub, make = env
    bot = make()
    start_chats(fake, A, B)
    fake.user_says(A, "/watch ETH")
    fake.user_says(B, "/stop")
    fake.wait_delivered(A, 2)
    fake.wait_delivered(B, 2)
    assert bot.stop() == 0
    make()
    publish(pub, alert("BTC", 1))
    publish(pub, alert("ETH", 2))
    fake.wait_delivered(A, 1, contains="alert #")
    time.sleep(0.5)
    assert numbers(alerts_of(fake, A)) == [2]
    assert alerts_of(fake, B) == []
    # the update offset was kept: no command was answered twice
    assert len(fake.delivered(A)) == 3


def test_a_corrupt_spool_tail_is_reported_and_skipped(env, tmp_path):
    broker, fake, pub, make = env
    bot = make()
    start_chats(fake, A)
    assert bot.stop() == 0
    publish(pub, alert("BTC", 1))
    with open(tmp_path / "state" / "telegram.spool", "a") as f:
        f.write("Z not a line\nA 99 zz 1001 {\"torn")
    bot = make()
    fake.wait_delivered(A, 1, contains="alert #1")
    log = bot.read_log()
    assert "torn" in log and "unreadable" in log


def test_allowlist_ignores_other_chats(env):
    broker, fake, pub, make = env
    make(telegram={"allowed_chats": [A]})
    fake.user_says(B, "/start")
    start_chats(fake, A)
    publish(pub, alert("BTC", 1))
    fake.wait_delivered(A, 1, contains="alert #")
    time.sleep(0.3)
    assert fake.attempts(B) == []


def test_a_wrong_token_is_reported_without_the_token(env):
    broker, fake, pub, make = env
    fake.token = "999:other"
    bot = make()
    wait_until(lambda: "refuses the bot token" in bot.read_log() or "Unauthorized" in bot.read_log(),
               what="the 401 in the log")
    assert TOKEN not in bot.read_log()


def test_bad_config_reports_the_json_path_and_check_config(tmp_path):
    cases = [
        ({"rate": {"per_chat_interval_ms": -1}}, "rate.per_chat_interval_ms: must be a whole number in 0..60000"),
        ({"telegram": {"api_base": "ftp://x"}}, "telegram.api_base: must start with http:// or https://"),
        ({"telegram": {"allowed_chats": [1, "x"]}}, "telegram.allowed_chats[1]: must be a chat id"),
        ({"telegram": {"default_lang": "de"}}, "telegram.default_lang: must be \"fa\" or \"en\""),
        ({"mqtt": {"port": 0}}, "mqtt.port: must be a whole number in 1..65535"),
        ({"retri": {}}, "retri: unknown key"),
    ]
    env = dict(os.environ, NABZ_TELEGRAM_TOKEN=TOKEN)
    for cfg, message in cases:
        p = tmp_path / "c.json"
        p.write_text(json.dumps(cfg))
        out = subprocess.run([telegram_path(), "-c", str(p), "--check-config"], capture_output=True, text=True, env=env)
        assert out.returncode == 1 and message in out.stderr, (cfg, out.stderr)
    p = tmp_path / "ok.json"
    p.write_text(json.dumps({"telegram": {"api_base": "http://127.0.0.1:1/"}}))
    out = subprocess.run([telegram_path(), "-c", str(p), "--check-config"], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    # no token: refused, and a malformed one is refused without being echoed
    noenv = {k: v for k, v in os.environ.items() if k != "NABZ_TELEGRAM_TOKEN"}
    out = subprocess.run([telegram_path(), "-c", str(p), "--check-config"], capture_output=True, text=True, env=noenv)
    assert out.returncode == 1 and "no token" in out.stderr
    out = subprocess.run([telegram_path(), "-c", str(p), "--check-config"], capture_output=True, text=True,
                         env=dict(noenv, NABZ_TELEGRAM_TOKEN="12:abc/../x?secretvalue"))
    assert out.returncode == 1 and "secretvalue" not in out.stderr
    tf = tmp_path / "token"
    tf.write_text(TOKEN + "\n")
    p.write_text(json.dumps({"telegram": {"token_file": str(tf)}}))
    out = subprocess.run([telegram_path(), "-c", str(p), "--check-config"], capture_output=True, text=True, env=noenv)
    assert out.returncode == 0 and TOKEN not in out.stdout + out.stderr


def test_a_group_upgraded_to_a_supergroup_keeps_its_settings_and_alerts(env):
    """Telegram answers a group that became a supergroup with 400 and
    parameters.migrate_to_chat_id: the chat's settings and pending alerts
    move to the new id, in order, none lost and none twice, also across a
    restart of the bot."""
    broker, fake, pub, make = env
    new_id = -1001003
    bot = make()
    start_chats(fake, C)
    fake.user_says(C, "/watch BTC")
    fake.wait_delivered(C, 2)
    fake.migrated[C] = new_id
    publish(pub, alert("BTC", 1))
    publish(pub, alert("ETH", 2))                   # not watched: goes nowhere
    publish(pub, alert("BTC", 3))
    fake.wait_delivered(new_id, 2, contains="alert #")
    assert "became the supergroup" in bot.read_log()
    bot.stop()
    bot = make()                                    # settings and spool come back moved
    publish(pub, alert("BTC", 4))
    publish(pub, alert("ETH", 5))
    fake.wait_delivered(new_id, 3, contains="alert #")
    time.sleep(0.5)
    assert numbers(alerts_of(fake, new_id)) == [1, 3, 4]
    assert alerts_of(fake, C) == []


# ---- personal alerts: /alert, /alerts, /unalert ---------------------------

def set_price(pub, symbol, usd):
    payload = {"type": "price_update", "ts": "2026-11-27T08:00:00.000Z",
               "data": {"symbol": symbol, "price_usd": usd, "change_24h_pct": 0.5, "source": "consensus",
                        "source_ts": "2026-11-27T08:00:00.000Z", "stale": False}}
    pub.publish("crypto/prices/" + symbol, json.dumps(payload), qos=1, retain=True).wait_for_publish()


def personal_alerts(fake, chat):
    return [t for t in fake.delivered(chat) if "(/alerts)" in t]


def price_seen(fake, chat, pub, symbol, usd, shown):
    """Publishes a price and waits until the bot has it (its /price answer
    shows it); an alert it fired is queued by then, so a short wait after
    tells whether one went out."""
    set_price(pub, symbol, usd)
    deadline = time.time() + 10
    while True:
        before = len(fake.delivered(chat))
        fake.user_says(chat, "/price " + symbol)
        fake.wait_delivered(chat, before + 1)
        if any(shown in t for t in fake.delivered(chat)[before:]):
            break
        assert time.time() < deadline, "the bot never saw %s at %s" % (symbol, shown)
        time.sleep(0.1)
    time.sleep(0.3)


def test_personal_alerts_fire_once_per_crossing(env):
    broker, fake, pub, make = env
    make()
    start_chats(fake, A, B)
    says(fake, A, "/lang en", "English")
    price_seen(fake, A, pub, "BTC", 95000, "95,000")
    answer = says(fake, A, "/alert BTC > 100,000", "Alert set: #1: BTC above 100,000 USD")
    assert "Now: $95,000" in answer
    set_price(pub, "BTC", 100500)
    fake.wait_delivered(A, 1, contains="(/alerts)")
    text = personal_alerts(fake, A)[0]
    assert "rose above 100,000 USD" in text and "$100,500" in text
    # above it, and back inside the 0.5 % band: no second alert
    for usd, shown in ((101000, "101,000"), (99600, "99,600"), (100200, "100,200")):
        price_seen(fake, A, pub, "BTC", usd, shown)
    assert len(personal_alerts(fake, A)) == 1
    says(fake, A, "/alerts", "1. BTC above 100,000 USD (waiting for the price to come back)")
    # back under 99,500 re-arms it: the next crossing fires again
    price_seen(fake, A, pub, "BTC", 99000, "99,000")
    set_price(pub, "BTC", 100100)
    fake.wait_delivered(A, 2, contains="(/alerts)")
    assert personal_alerts(fake, B) == []            # B set nothing
    says(fake, A, "/unalert 1", "No alerts")
    price_seen(fake, A, pub, "BTC", 99000, "99,000")
    price_seen(fake, A, pub, "BTC", 101000, "101,000")
    assert len(personal_alerts(fake, A)) == 2


def test_personal_alerts_persist_refuse_bad_input_and_start_past_the_threshold(env, tmp_path):
    broker, fake, pub, make = env
    bot = make()
    start_chats(fake, A)
    says(fake, A, "/lang en", "English")
    price_seen(fake, A, pub, "BTC", 101000, "101,000")
    # already above: no alert now, one when it comes back and crosses again
    says(fake, A, "/alert btc above 100000", "is there already")
    says(fake, A, "/alert ETH < 2,500", "#2: ETH below 2,500 USD")
    for bad in ("/alert BTC", "/alert BTC = 5", "/alert BTC > -1", "/alert BTC > 1e400", "/alert B!TC > 5"):
        says(fake, A, bad, "Example: /alert BTC > 100000")
    says(fake, A, "/unalert 7", "Give the number from /alerts")
    for n in range(8):
        says(fake, A, "/alert SOL > %d" % (1000 + n), "#%d" % (n + 3))
    says(fake, A, "/alert SOL > 2000", "At most 10 alerts")
    assert personal_alerts(fake, A) == []
    # the rules and their state survive a restart of the bot; a damaged
    # rule in the file is skipped alone, the chat and its other rules kept
    assert bot.stop() == 0
    path = tmp_path / "state" / "telegram-chats.json"
    chats = json.loads(path.read_text())
    mine = [c for c in chats["chats"] if c["id"] == A][0]
    mine["alerts"].insert(0, {"symbol": "B!TC", "above": 5})
    mine["alerts"].append({"symbol": "BTC", "above": 1e300})
    path.write_text(json.dumps(chats))
    bot = make()
    price_seen(fake, A, pub, "BTC", 99000, "99,000")
    set_price(pub, "BTC", 100100)
    fake.wait_delivered(A, 1, contains="(/alerts)")
    set_price(pub, "ETH", 2400)
    fake.wait_delivered(A, 2, contains="(/alerts)")
    texts = personal_alerts(fake, A)
    assert "rose above 100,000 USD" in texts[0] and "fell below 2,500 USD" in texts[1]
    answer = says(fake, A, "/alerts", "Your alerts:")
    assert "10. SOL above 1,007 USD" in answer
    assert "2 unreadable personal alerts" in bot.read_log()
