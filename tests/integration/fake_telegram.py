"""A local stand-in for the Telegram Bot API (https://core.telegram.org/bots/api),
in its real answer format, recording every call and failing on demand:
429 with parameters.retry_after, 500, a hung answer (timeout), "chat not
found" for chosen chats, and a wrong token answered 401 as Telegram does."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeTelegram:
    def __init__(self, token):
        self.token = token
        self.cond = threading.Condition()
        self.calls = []            # every sendMessage: (time, chat_id, text, status)
        self.failures = []         # scripted answers for the next sendMessage calls
        self.gone = set()          # chat ids answered "chat not found"
        self.migrated = {}         # group id -> supergroup id: answered migrate_to_chat_id
        self.updates = []          # queued updates
        self.next_update_id = 1000
        self.next_message_id = 1
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = "http://127.0.0.1:%d" % self.port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # -- driving it ------------------------------------------------------
    def fail_next(self, kind, count=1, **kw):
        """kind: "429" (kw retry_after), "500", "timeout" (kw seconds)."""
        with self.cond:
            self.failures.extend([dict(kw, kind=kind)] * count)

    def user_says(self, chat_id, text, chat_type=None):
        with self.cond:
            self.next_update_id += 1
            self.updates.append({"update_id": self.next_update_id, "message": {
                "message_id": self.next_update_id, "date": int(time.time()), "text": text,
                "from": {"id": abs(chat_id), "is_bot": False, "first_name": "T"},
                "chat": {"id": chat_id, "type": chat_type or ("group" if chat_id < 0 else "private")}}})
            self.cond.notify_all()

    def delivered(self, chat_id=None):
        """Texts answered 200, in order."""
        with self.cond:
            return [c[2] for c in self.calls if c[3] == 200 and (chat_id is None or c[1] == chat_id)]

    def delivered_calls(self, chat_id=None):
        with self.cond:
            return [c for c in self.calls if c[3] == 200 and (chat_id is None or c[1] == chat_id)]

    def attempts(self, chat_id=None):
        with self.cond:
            return [c for c in self.calls if chat_id is None or c[1] == chat_id]

    def wait(self, predicate, timeout=15.0):
        deadline = time.time() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError("fake Telegram: timed out; calls so far: %r" % self.calls[-20:])
                self.cond.wait(min(left, 0.2))

    def wait_delivered(self, chat_id, n, timeout=15.0, contains=None):
        def enough():
            texts = [c[2] for c in self.calls if c[3] == 200 and c[1] == chat_id
                     and (contains is None or contains in c[2])]
            return len(texts) >= n
        self.wait(enough, timeout)
        return self.delivered(chat_id)

    # -- the server ------------------------------------------------------
    def _send_message(self, body):
        chat_id = body.get("chat_id")
        text = body.get("text", "")
        with self.cond:
            failure = self.failures.pop(0) if self.failures else None
            if failure is None and chat_id in self.migrated:
                status, answer = 400, {"ok": False, "error_code": 400,
                                       "description": "Bad Request: group chat was upgraded to a supergroup chat",
                                       "parameters": {"migrate_to_chat_id": self.migrated[chat_id]}}
            elif failure is None and chat_id in self.gone:
                status, answer = 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
            elif failure is None:
                self.next_message_id += 1
                status, answer = 200, {"ok": True, "result": {
                    "message_id": self.next_message_id, "date": int(time.time()), "text": text,
                    "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"}}}
            elif failure["kind"] == "429":
                ra = failure.get("retry_after", 1)
                status, answer = 429, {"ok": False, "error_code": 429,
                                       "description": "Too Many Requests: retry after %d" % ra,
                                       "parameters": {"retry_after": ra}}
            elif failure["kind"] == "500":
                status, answer = 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            else:
                status, answer = "timeout", None
            self.calls.append((time.monotonic(), chat_id, text, status))
            self.cond.notify_all()
        if status == "timeout":
            time.sleep(failure.get("seconds", 5))
            return None
        return status, answer

    def _get_updates(self, body):
        offset = body.get("offset", 0)
        timeout = min(float(body.get("timeout", 0)), 2.0)
        deadline = time.time() + timeout
        with self.cond:
            while True:
                ready = [u for u in self.updates if u["update_id"] >= offset]
                left = deadline - time.time()
                if ready or left <= 0:
                    return 200, {"ok": True, "result": ready}
                self.cond.wait(min(left, 0.1))

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                parts = self.path.split("/")
                if len(parts) != 3 or not parts[1].startswith("bot"):
                    return self.answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                if parts[1][3:] != fake.token:
                    return self.answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    return self.answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: bad JSON"})
                if parts[2] == "sendMessage":
                    out = fake._send_message(body)
                    if out is None:
                        return
                    return self.answer(*out)
                if parts[2] == "getUpdates":
                    return self.answer(*fake._get_updates(body))
                return self.answer(404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"})

            def answer(self, status, obj):
                data = json.dumps(obj, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

        return Handler
