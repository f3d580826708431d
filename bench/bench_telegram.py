#!/usr/bin/python3
"""Benchmark: nabz-telegram delivering alerts to 100 chats.

    /usr/bin/python3 bench/bench_telegram.py [--quick]

Runs the real bot ($NABZ_TELEGRAM, default build/telegram/nabz-telegram), the
real mosquitto with the plugin ($NABZ_PLUGIN) and the fake Bot API of the
integration tests (tests/integration/fake_telegram.py). 100 chats /start
and each /watch one symbol (S00..S99), with Telegram's real limits in
force (1 message/s per chat, 30/s overall). A publisher account then sends
alerts over TCP at 20/s, round-robin over the symbols: 20 sendMessage/s,
each chat one every 5 s -- under Telegram's limits, so the figure is the
bot's own delay, not the schedule's.

  latency  publish() of the alert (publisher's clock, after the PUBLISH
           left) -> the fake Bot API reading the sendMessage request
           (time.monotonic() in both: one clock). p50, p99, max.
  RSS      the bot's VmRSS sampled every 100 ms (max), and VmHWM.

A second, shorter phase shows the schedule at work: one alert for all 100
chats (nobody watching a symbol) must take >= 100/30 s to fan out; it
prints how long it took.

Targets (issue #6): p99 < 20 ms under Telegram's limits; RSS < 10 MiB.
"""
import json
import os
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
os.environ.setdefault("NABZ_PLUGIN", os.path.join(HERE, "..", "build", "plugin", "nabz_plugin.so"))

from fake_telegram import FakeTelegram  # noqa: E402
from nabz_broker import Broker, stop_client  # noqa: E402
from telegram_helpers import PUBLISHER_PASSWORD, TOKEN, TelegramBot, telegram_config  # noqa: E402

CHATS = 100


def resident_by_mapping(pid):
    """[(mapping, resident KiB)] from /proc/PID/smaps, largest first: which
    shared library (or the heap) the resident memory is in."""
    per, name = {}, None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and ":" not in parts[0]:      # a mapping's header
                name = parts[5] if len(parts) >= 6 else "[anonymous]"
            elif parts and parts[0] == "Rss:":
                per[name] = per.get(name, 0) + int(parts[1])
    return sorted(per.items(), key=lambda kv: -kv[1])


def rss_kib(pid, field="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def main():
    quick = "--quick" in sys.argv
    seconds = 5 if quick else 15
    rate = 20
    broker = Broker(accounts={"nabz-telegram": "telegram-pw", "publisher": PUBLISHER_PASSWORD},
                    options={"publishers": "publisher", "bots": "nabz-telegram"}).start()
    fake = FakeTelegram(TOKEN)
    state = tempfile.mkdtemp(prefix="nabz-bench-telegram-")
    cfg = telegram_config(broker, fake, state, rate={"per_chat_interval_ms": 1000, "group_per_min": 20,
                                                     "global_per_s": 30})
    bot = TelegramBot(cfg).start()
    pub = broker.client(client_id="api-bench", username="publisher", password=PUBLISHER_PASSWORD)
    rss_max = [0]
    stop = threading.Event()

    def sample():
        while not stop.is_set() and bot.proc.poll() is None:
            rss_max[0] = max(rss_max[0], rss_kib(bot.proc.pid))
            time.sleep(0.1)
    threading.Thread(target=sample, daemon=True).start()
    try:
        chats = [5000 + i for i in range(CHATS)]
        for i, chat in enumerate(chats):
            fake.user_says(chat, "/start")
            fake.user_says(chat, "/watch S%02d" % i)
        fake.wait(lambda: all(len(fake.delivered(c)) >= 2 for c in chats), timeout=60)
        time.sleep(1.1)
        sent_at = {}
        n_total = seconds * rate
        t0 = time.monotonic()
        for n in range(n_total):
            due = t0 + n / rate
            while time.monotonic() < due:
                time.sleep(0.0005)
            payload = json.dumps({"type": "alert", "ts": "2026-11-27T08:00:00.000Z",
                                  "data": {"symbol": "S%02d" % (n % CHATS), "message": "bench alert #%d" % n,
                                           "price_usd": 1.0, "rule": "bench", "n": n}})
            info = pub.publish("crypto/alerts", payload, qos=1)
            sent_at[n] = time.monotonic()
            info.wait_for_publish()
        fake.wait(lambda: sum(1 for c in fake.calls if c[3] == 200 and "bench alert #" in c[2]) >= n_total,
                  timeout=60)
        lat = []
        for t, chat, text, status in fake.delivered_calls():
            if "bench alert #" in text:
                n = int(text.rsplit("#", 1)[1])
                lat.append((t - sent_at[n]) * 1000)
        print("alert publish -> fake sendMessage, %d alerts at %d/s to %d chats (1 chat each):" %
              (n_total, rate, CHATS))
        print("  latency p50 %.2f ms  p99 %.2f ms  max %.2f ms   (target p99 < 20 ms)" %
              (pct(lat, 50), pct(lat, 99), max(lat)))
        # fan-out: one alert for every chat
        for i, chat in enumerate(chats):
            fake.user_says(chat, "/unwatch S%02d" % i)
        fake.wait(lambda: all(len(fake.delivered(c)) >= 3 + n_total // CHATS for c in chats), timeout=60)
        time.sleep(1.1)
        t_pub = time.monotonic()
        pub.publish("crypto/alerts", json.dumps({"type": "alert", "ts": "2026-11-27T08:00:01.000Z",
                                                 "data": {"symbol": "BTC", "message": "fanout alert #0",
                                                          "price_usd": 1.0, "rule": "bench"}}), qos=1)
        fake.wait(lambda: sum(1 for c in fake.calls if c[3] == 200 and "fanout alert" in c[2]) >= CHATS, timeout=30)
        times = sorted(c[0] for c in fake.delivered_calls() if "fanout alert" in c[2])
        per_s = max(sum(1 for x in times if t <= x < t + 1.0) for t in times)
        print("fan-out of one alert to %d chats: first %.1f ms, last %.0f ms after publish; "
              "most in any 1 s window: %d (limit 30)" % (CHATS, (times[0] - t_pub) * 1000,
                                                         (times[-1] - t_pub) * 1000, per_s))
        print("bot RSS: max %.1f MiB sampled, VmHWM %.1f MiB   (target < 10 MiB); now %.1f MiB anonymous + "
              "%.1f MiB file-backed (shared libraries: libcurl, OpenSSL, libmosquitto...)" %
              (rss_max[0] / 1024.0, rss_kib(bot.proc.pid, "VmHWM") / 1024.0,
               rss_kib(bot.proc.pid, "RssAnon") / 1024.0, rss_kib(bot.proc.pid, "RssFile") / 1024.0))
        print("  resident by mapping (the largest):")
        for name, kib in resident_by_mapping(bot.proc.pid)[:8]:
            print("    %6d KiB  %s" % (kib, name))
    finally:
        stop.set()
        stop_client(pub)
        bot.stop()
        fake.close()
        broker.stop()


if __name__ == "__main__":
    main()
