"""Local stand-ins for the public crypto APIs, in their real response
formats (scripts/api_formats.py, shared with the demo data), with their
failures on demand: HTTP errors, 429 with Retry-After, HTML instead of
JSON, truncated or garbage bodies, timeouts. Every request is logged with
its time."""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from api_formats import ApiFormats, encode, source_of  # noqa: E402


class FakeApis(ApiFormats):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.modes = {}            # source -> mode dict
        self.requests = []         # (time, source, path)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    # -- control ---------------------------------------------------------
    def set_mode(self, source, mode=None, **kw):
        """mode: None (normal), "status" (kw status, retry_after), "html",
        "garbage", "truncated", "timeout" (kw seconds), "empty"."""
        with self.lock:
            if mode is None:
                self.modes.pop(source, None)
            else:
                self.modes[source] = dict(kw, mode=mode)

    def requests_of(self, source):
        with self.lock:
            return [t for t, s, p in self.requests if s == source]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def send(self, status, body, ctype="application/json", headers=None):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                source = source_of(url.path)
                with fake.lock:
                    fake.requests.append((time.monotonic(), source, self.path))
                    mode = dict(fake.modes.get(source, {}))
                if source is None:
                    return self.send(404, {"error": "no such API"})
                m = mode.get("mode")
                if m == "status":
                    headers = {}
                    if mode.get("retry_after") is not None:
                        headers["Retry-After"] = str(mode["retry_after"])
                    return self.send(mode["status"], {"status": {"error_code": mode["status"]}}, headers=headers)
                if m == "html":
                    return self.send(200, b"<!DOCTYPE html><html><body>Attention Required! | Cloudflare</body></html>",
                                     "text/html")
                if m == "garbage":
                    return self.send(200, b"\x00\xff{{{[[ not json")
                if m == "empty":
                    return self.send(200, b"")
                if m == "timeout":
                    time.sleep(mode.get("seconds", 30))
                with fake.lock:
                    body = fake.body(source, url)
                status, data, ctype = encode(body)
                if m == "truncated" and not isinstance(body, tuple):
                    data = data[:len(data) // 2]
                return self.send(status, data, ctype)

        return Handler


class FakeBinanceStream:
    """Binance's !miniTicker@arr WebSocket stream: every `period` seconds a
    text frame with the mini tickers of `prices` (close "c", open "o")."""

    def __init__(self, prices, period=0.2):
        import base64
        import hashlib
        import socket
        import struct
        self.prices = prices
        self.period = period
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.url = "ws://127.0.0.1:%d/ws/!miniTicker@arr" % self.port
        self.connections = 0
        self.stopping = False

        def frame(payload):
            n = len(payload)
            head = bytes([0x81])
            if n < 126:
                head += bytes([n])
            elif n < 65536:
                head += bytes([126]) + struct.pack("!H", n)
            else:
                head += bytes([127]) + struct.pack("!Q", n)
            return head + payload

        def serve(conn):
            try:
                req = b""
                while b"\r\n\r\n" not in req:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    req += chunk
                key = [l.split(b":", 1)[1].strip() for l in req.split(b"\r\n") if l.lower().startswith(b"sec-websocket-key")][0]
                accept = base64.b64encode(hashlib.sha1(key + b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest())
                conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             b"Sec-WebSocket-Accept: " + accept + b"\r\n\r\n")
                self.connections += 1
                while not self.stopping:
                    now = int(time.time() * 1000)
                    msg = [{"e": "24hrMiniTicker", "E": now, "s": sym + "USDT", "c": "%.8f" % p,
                            "o": "%.8f" % (p / 1.01), "h": "%.8f" % p, "l": "%.8f" % p, "v": "1000", "q": "1000000"}
                           for sym, p in list(self.prices.items())]
                    conn.sendall(frame(json.dumps(msg).encode()))
                    time.sleep(self.period)
            except OSError:
                pass
            finally:
                conn.close()

        def accept_loop():
            while not self.stopping:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    return
                threading.Thread(target=serve, args=(conn,), daemon=True).start()

        threading.Thread(target=accept_loop, daemon=True).start()

    def close(self):
        self.stopping = True
        self.sock.close()
