"""nabz-telegram's chat relay: a configured room's messages go to the
configured Telegram chats as plain text (escaped for HTML parse mode);
other rooms, removals and bad configs are not relayed."""
import json
import time

from fake_telegram import FakeTelegram
from nabz_broker import control, stop_client
from telegram_helpers import TOKEN, TelegramBot, broker_for_telegram, telegram_config

A, B = 2001, -2002


def test_room_is_relayed_as_plain_text(broker_factory, tmp_path):
    broker = broker_for_telegram(broker_factory)
    fake = FakeTelegram(TOKEN)
    bot = TelegramBot(telegram_config(broker, fake, str(tmp_path / "s"),
                                      chat_relay={"room": "general", "chats": [A, B]})).start()
    try:
        user = broker.client(client_id="browser-relay")
        control(user, [{"command": "hello", "metadata": {"display_name": "<Sara>"}}])
        time.sleep(1.0)                      # the bot subscribed
        r = control(user, [{"command": "chatPost", "room": "general", "text": "<b>hi</b> & سلام"}])
        assert "error" not in r["responses"][0], r
        control(user, [{"command": "chatPost", "room": "BTC", "text": "not relayed"}])
        for chat in (A, B):
            texts = fake.wait_delivered(chat, 1, contains="سلام")
            assert texts[-1] == "\U0001f4ac <b>&lt;Sara&gt;</b> (#general)\n&lt;b&gt;hi&lt;/b&gt; &amp; سلام"
        time.sleep(0.5)
        assert not any("not relayed" in t for t in fake.delivered())
        stop_client(user)
    finally:
        assert bot.stop() in (0, -9)
        log = bot.read_log()
        fake.close()
    assert not bot.sanitizer_reports(), log


def test_bad_relay_config_is_refused(broker_factory, tmp_path):
    import subprocess
    from telegram_helpers import telegram_path
    broker = broker_for_telegram(broker_factory)
    fake = FakeTelegram(TOKEN)
    try:
        for relay, where in (({"room": "a/b", "chats": [A]}, "chat_relay.room"),
                             ({"room": "general", "chats": []}, "chat_relay.chats"),
                             ({"room": "general", "chats": [0]}, "chat_relay.chats[0]"),
                             ({"room": "general", "chats": [A], "x": 1}, "chat_relay")):
            cfg = telegram_config(broker, fake, str(tmp_path / "s"), chat_relay=relay)
            path = tmp_path / "bad.json"
            path.write_text(json.dumps(cfg))
            out = subprocess.run([telegram_path(), "-c", str(path), "--check-config"], capture_output=True,
                                 text=True, env=dict(__import__("os").environ, NABZ_TELEGRAM_TOKEN=TOKEN))
            assert out.returncode != 0 and where in out.stderr + out.stdout, (relay, out.stderr)
    finally:
        fake.close()
