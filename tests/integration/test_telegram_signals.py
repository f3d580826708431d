"""Trading signals in nabz-telegram: a chat follows a symbol's signals
(/signals BTC, /signals all), stops (/unsignals), lists (/signals); each
signal from crypto/signals reaches the chats that follow its symbol once,
in their language, always saying it is an indicator, not advice; junk is
ignored; what a chat follows survives a restart."""
import json
import time

import pytest

from telegram_helpers import bots_env, says

A, B, C = 2001, 2002, 2003
EN_NOTE = "An indicator, not advice."
FA_NOTE = "نشانگر است، نه توصیهٔ سرمایه‌گذاری."


@pytest.fixture
def env(broker_factory, tmp_path):
    yield from bots_env(broker_factory, tmp_path)


def signal(symbol, n, indicator="ma_cross", direction="bullish", previous=None, value=60.5, source="history"):
    return json.dumps({"type": "signal", "ts": "2026-12-05T07:00:%02d.000Z" % (n % 60),
                       "data": {"symbol": symbol, "indicator": indicator, "timeframe": "1m", "value": value,
                                "direction": direction, "previous": previous,
                                "params": {"ma": "sma", "fast": 9, "slow": 21},
                                "candles": [[1796454000000 + i * 60000, 97000 + i] for i in range(21)],
                                "candle_t_ms": 1796455200000, "candle_ts": "2026-12-05T06:40:00Z",
                                "source": source, "note": "indicator, not advice", "n": n}})


def publish(pub, payload, topic="crypto/signals"):
    pub.publish(topic, payload, qos=1).wait_for_publish()


def signals_of(fake, chat):
    return [t for t in fake.delivered(chat) if t.startswith("📊")]


def test_signals_reach_the_chats_that_follow_them_once_with_the_note(env):
    broker, fake, pub, make = env
    bot = make()
    for chat in (A, B):
        fake.user_says(chat, "/start")
        fake.wait_delivered(chat, 1)
    says(fake, A, "/lang en", "English")
    says(fake, C, "/signals BTC", "/start")                  # not started: told to start
    answer = says(fake, A, "/signals btc", "Signals followed: BTC")
    assert EN_NOTE in answer
    assert FA_NOTE in says(fake, B, "/signals", "سیگنالی دنبال نمی‌شود")
    says(fake, A, "/signals B!TC", "That is not a symbol")
    time.sleep(0.5)                                           # the subscription is in place from the start
    publish(pub, signal("ETH", 1))
    publish(pub, signal("BTC", 2, previous="bearish"))
    fake.wait(lambda: len(signals_of(fake, A)) >= 1)
    time.sleep(0.5)
    got = signals_of(fake, A)
    assert len(got) == 1, got                                 # ETH not followed
    text = got[0]
    assert "<b>BTC</b> MA crossover 1-minute: <b>bullish</b> (was bearish)" in text, text
    assert "Value: 60.5" in text and text.endswith(EN_NOTE)
    assert signals_of(fake, B) == []
    # the same message again (as the broker redelivers it): sent once
    publish(pub, signal("BTC", 2, previous="bearish"))
    # B follows every symbol, in Persian; a demo signal says so
    says(fake, B, "/signals all", "همهٔ نمادها")
    publish(pub, signal("SOL", 3, indicator="rsi", direction="oversold", value=21.5, source="demo"))
    fake.wait(lambda: len(signals_of(fake, B)) >= 1)
    fa = signals_of(fake, B)[0]
    assert "<b>SOL</b> RSI ۱ دقیقه‌ای: <b>اشباع فروش</b>" in fa and "دادهٔ نمایشی" in fa and fa.endswith(FA_NOTE), fa
    # junk on the topic: ignored, nothing sent, the bot goes on
    for junk in (b"not json", json.dumps({"type": "signal", "data": {"symbol": "BTC"}}).encode(),
                 json.dumps({"type": "alert", "data": {"symbol": "BTC"}}).encode(),
                 json.dumps({"type": "signal", "data": {"symbol": "BTC", "indicator": "macd", "timeframe": "1m",
                                                        "direction": "bullish"}}).encode()):
        publish(pub, junk)
    publish(pub, signal("BTC", 4, direction="bearish", previous="bullish", value=-3))
    fake.wait(lambda: len(signals_of(fake, A)) >= 2 and len(signals_of(fake, B)) >= 2)
    time.sleep(0.5)
    assert len(signals_of(fake, A)) == 2 and len(signals_of(fake, B)) == 2
    assert "not a signal" in bot.read_log()
    # /unsignals: no more for A
    says(fake, A, "/unsignals BTC", "No signals followed")
    publish(pub, signal("BTC", 5, direction="bullish", previous="bearish"))
    fake.wait(lambda: len(signals_of(fake, B)) >= 3)
    time.sleep(0.5)
    assert len(signals_of(fake, A)) == 2


def test_what_a_chat_follows_survives_a_restart(env):
    broker, fake, pub, make = env
    bot = make()
    fake.user_says(A, "/start")
    fake.wait_delivered(A, 1)
    says(fake, A, "/lang en", "English")
    says(fake, A, "/signals ETH", "ETH")
    says(fake, A, "/signals sol", "ETH, SOL")
    assert bot.stop() == 0
    again = make()
    says(fake, A, "/signals", "Signals followed: ETH, SOL")
    time.sleep(0.5)
    publish(pub, signal("SOL", 7))
    fake.wait(lambda: len(signals_of(fake, A)) >= 1)
    assert EN_NOTE in signals_of(fake, A)[0]
    assert again.stop() == 0
