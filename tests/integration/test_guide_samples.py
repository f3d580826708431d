"""WEBSOCKET_GUIDE.md's programs, run as they are printed against the real
broker, so the guide cannot rot: each code block marked
`<!-- sample: NAME -->` is taken from the guide, its HOST/PORT (or URL)
pointed at the test broker, and run; the JSON examples must parse."""
import json
import os
import queue
import re
import subprocess
import sys
import threading
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GUIDE = os.path.join(ROOT, "WEBSOCKET_GUIDE.md")
ACCOUNTS = {"nabz-bridge": "pw"}
OPTIONS = {"publishers": "nabz-bridge", "services": "nabz-bridge"}


def guide_text():
    with open(GUIDE, encoding="utf-8") as f:
        return f.read()


def sample(name):
    m = re.search(r"<!-- sample: %s -->\n```\w+\n(.*?)\n```" % re.escape(name), guide_text(), re.S)
    assert m, "no sample %r in WEBSOCKET_GUIDE.md" % name
    return m.group(1) + "\n"


def guide_json(type_):
    """The guide's first JSON example of a message type."""
    for block in re.findall(r"```json\n(.*?)\n```", guide_text(), re.S):
        doc = json.loads(block)
        if isinstance(doc, dict) and doc.get("type") == type_:
            return doc
    raise AssertionError("no %s example in the guide" % type_)


class Running:
    """A sample running in a subprocess; its output lines in a queue."""

    def __init__(self, argv, source, cwd=None):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, cwd=cwd, env=env)
        self.proc.stdin.write(source)
        self.proc.stdin.close()
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern, timeout=10.0):
        for line in self.seen:
            if re.search(pattern, line):
                return line
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                break
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError("no line matching %r; output so far:\n%s" % (pattern, "\n".join(self.seen)))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def test_json_examples_parse():
    blocks = re.findall(r"```json\n(.*?)\n```", guide_text(), re.S)
    assert len(blocks) >= 8
    for block in blocks:
        json.loads(block)
    price = guide_json("price_update")["data"]
    for field in ("symbol", "price_usd", "change_24h_pct", "source", "source_ts", "stale", "price_irt"):
        assert field in price
    alert = guide_json("alert")["data"]
    for field in ("symbol", "message", "price_usd", "rule"):
        assert field in alert


def publish_data(broker):
    pub = broker.client(client_id="nabz-bridge", username="nabz-bridge", password="pw")
    pub.publish("crypto/prices/BTC", json.dumps(guide_json("price_update")), qos=1, retain=True).wait_for_publish()
    return pub


def live_messages(pub):
    pub.publish("crypto/news", json.dumps(guide_json("news")), qos=1).wait_for_publish()
    pub.publish("crypto/alerts", json.dumps(guide_json("alert")), qos=1).wait_for_publish()


@pytest.mark.parametrize("transport", ["tcp", "websockets"])
def test_python_sample(broker_factory, transport):
    b = broker_factory(accounts=ACCOUNTS, options=OPTIONS).start()
    pub = publish_data(b)
    src = sample("python")
    src = re.sub(r'^TRANSPORT = "tcp"', 'TRANSPORT = "%s"' % transport, src, count=1, flags=re.M)
    src = re.sub(r"^PORT = \d+", "PORT = %d" % (b.ws_port if transport == "websockets" else b.port),
                 src, count=1, flags=re.M)
    src = re.sub(r'^HOST = "localhost"', 'HOST = "127.0.0.1"', src, count=1, flags=re.M)
    run = Running([sys.executable, "-"], src)
    try:
        run.expect(r"^price BTC 96640\.62776515 USD 6753633630\.35 IRT fresh$")
        run.expect(r'^control hello \{"session_id": "[0-9a-f-]{36}", "client_type": "api"')
        run.expect(r'^control getStats \{"active_connections": 1,')
        run.expect(r"^online 1 sessions 1$")
        live_messages(pub)
        run.expect(r"^news Headline 0: Bitcoin moves https://news.example/a/0$")
        run.expect(r"^alert BTC is below 96600 USD: 96379.093 USD$")
    finally:
        run.stop()
        pub.disconnect()
        pub.loop_stop()


def test_mobile_sample_gets_what_it_missed(broker_factory):
    b = broker_factory(accounts=ACCOUNTS, options=OPTIONS).start()
    pub = publish_data(b)
    src = sample("mobile")
    src = re.sub(r"^PORT = \d+", "PORT = %d" % b.port, src, count=1, flags=re.M)
    src = re.sub(r'^HOST = "localhost"', 'HOST = "127.0.0.1"', src, count=1, flags=re.M)
    first = Running([sys.executable, "-"], src)
    try:
        first.expect(r"^connected, session present: False$")
        first.expect(r"^session [0-9a-f-]{36}$")
        first.expect(r"^price BTC 96640\.62776515$")
    finally:
        first.stop()
    time.sleep(0.3)                     # the broker has seen it go
    live_messages(pub)
    second = Running([sys.executable, "-"], src)
    try:
        second.expect(r"^connected, session present: True$")
        second.expect(r"^news Headline 0: Bitcoin moves$")
        second.expect(r"^alert BTC is below 96600 USD: 96379.093 USD$")
    finally:
        second.stop()
        pub.disconnect()
        pub.loop_stop()


@pytest.mark.parametrize("transport", ["ws", "tcp"])
def test_node_sample(broker_factory, transport):
    b = broker_factory(accounts=ACCOUNTS, options=OPTIONS).start()
    pub = publish_data(b)
    url = "ws://127.0.0.1:%d/mqtt" % b.ws_port if transport == "ws" else "mqtt://127.0.0.1:%d" % b.port
    src = re.sub(r"^const URL = '[^']*';", "const URL = '%s';" % url, sample("node"), count=1, flags=re.M)
    # Module code from standard input resolves 'mqtt' from the working
    # directory: the repository's node_modules.
    run = Running(["node", "--input-type=module"], src, cwd=ROOT)
    try:
        run.expect(r"^price BTC 96640\.62776515 USD 6753633630\.35 IRT fresh$")
        run.expect(r'^control hello \{"session_id":"[0-9a-f-]{36}","client_type":"api"')
        run.expect(r'^control getStats \{"active_connections":1,')
        live_messages(pub)
        run.expect(r"^alert BTC is below 96600 USD: 96379.093 USD$")
    finally:
        run.stop()
        pub.disconnect()
        pub.loop_stop()
