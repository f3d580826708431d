"""Runs the real nabz-telegram against the fake Bot API and the real broker."""
import json
import os
import subprocess
import tempfile
import time

from fake_telegram import FakeTelegram
from nabz_broker import SANITIZER_MARKERS, stop_client

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs"
BOT_PASSWORD = "telegram-pw"
PUBLISHER_PASSWORD = "publisher-pw"


def telegram_path():
    return os.path.abspath(os.environ.get("NABZ_TELEGRAM") or os.path.join(HERE, "..", "..", "build", "telegram",
                                                                            "nabz-telegram"))


def broker_for_telegram(broker_factory):
    """A broker where nabz-telegram and a publisher have accounts."""
    return broker_factory(accounts={"nabz-telegram": BOT_PASSWORD, "publisher": PUBLISHER_PASSWORD},
                          options={"publishers": "publisher", "bots": "nabz-telegram"}).start()


def telegram_config(broker, fake, state_dir, **overrides):
    cfg = {
        "mqtt": {"host": "127.0.0.1", "port": broker.port, "username": "nabz-telegram", "password": BOT_PASSWORD},
        "telegram": {"api_base": fake.base, "poll_timeout_s": 1},
        "rate": {"per_chat_interval_ms": 20, "group_per_min": 20, "global_per_s": 1000},
        "retry": {"min_ms": 100, "max_ms": 800},
        "http": {"connect_timeout_ms": 1000, "timeout_ms": 1000},
        "state_dir": state_dir,
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(cfg.get(key), dict):
            cfg[key] = dict(cfg[key], **value)
        else:
            cfg[key] = value
    return cfg


class TelegramBot:
    def __init__(self, cfg, token=TOKEN):
        self.dir = tempfile.mkdtemp(prefix="nabz-telegram-")
        self.cfg_path = os.path.join(self.dir, "telegram.json")
        with open(self.cfg_path, "w") as f:
            json.dump(cfg, f)
        self.log_path = os.path.join(self.dir, "telegram.log")
        self.env = dict(os.environ, NABZ_TELEGRAM_TOKEN=token)
        self.proc = None
        self.log = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([telegram_path(), "-c", self.cfg_path, "-v"], stdout=self.log,
                                     stderr=self.log, env=self.env)
        return self

    def stop(self, sig=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(15)
        if self.log:
            self.log.close()
            self.log = None
        return self.proc.returncode

    def read_log(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def sanitizer_reports(self):
        return [l for l in self.read_log().splitlines() if any(m in l for m in SANITIZER_MARKERS)]


def alert(symbol, n, price=100000.0):
    return json.dumps({"type": "alert", "ts": "2026-11-27T08:00:00.%03dZ" % (n % 1000),
                       "data": {"symbol": symbol, "message": "%s is above 100000 USD: alert #%d" % (symbol, n),
                                "price_usd": price, "rule": "%s above 100000" % symbol, "kind": "above",
                                "threshold": 100000, "n": n}})


def wait_until(predicate, timeout=10.0, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


def says(fake, chat, text, contains):
    """The chat writes text; returns the bot's answer, which must contain contains."""
    before = len(fake.delivered(chat))
    fake.user_says(chat, text)
    fake.wait_delivered(chat, before + 1)
    answer = fake.delivered(chat)[before]
    assert contains in answer, (text, answer)
    return answer


def bots_env(broker_factory, tmp_path):
    """broker, fake Telegram, a publisher, and a factory of bots sharing one
    state directory (a restart keeps the spool and the chats)."""
    broker = broker_for_telegram(broker_factory)
    fake = FakeTelegram(TOKEN)
    pub = broker.client(client_id="api-publisher", username="publisher", password=PUBLISHER_PASSWORD)
    state = str(tmp_path / "state")
    bots = []

    def make(**overrides):
        bot = TelegramBot(telegram_config(broker, fake, state, **overrides))
        bots.append(bot)
        return bot.start()

    yield broker, fake, pub, make
    stop_client(pub)
    problems = []
    for bot in bots:
        rc = bot.stop()
        log = bot.read_log()
        if TOKEN in log or TOKEN.split(":")[1] in log:
            problems.append("the token appears in the bot's output")
        if bot.sanitizer_reports():
            problems.append("sanitizer reports:\n" + "\n".join(bot.sanitizer_reports()))
        if rc not in (0, -9):
            problems.append("bot exited with %s" % rc)
        if problems:
            print(log)
    fake.close()
    assert not problems, problems
