"""Local stand-ins for the public crypto APIs, in their real response
formats (see tests/fixtures/api for recorded ones), with their failures on
demand: HTTP errors, 429 with Retry-After, HTML instead of JSON, truncated
or garbage bodies, timeouts. Every request is logged with its time."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

GECKO_IDS = {"BTC": "bitcoin", "ETH": "ethereum", "USDT": "tether", "SOL": "solana", "DOGE": "dogecoin",
             "BNB": "binancecoin", "XRP": "ripple", "ADA": "cardano", "TRX": "tron", "TON": "the-open-network"}
KRAKEN = {"BTC": "XXBTZUSD", "ETH": "XETHZUSD", "DOGE": "XDGUSD", "SOL": "SOLUSD", "USDT": "USDTZUSD"}

ROUTES = {
    "coingecko": ("/api/v3/simple/price", "/api/v3/global", "/api/v3/coins/markets"),
    "binance": ("/api/v3/ticker/24hr",),
    "kraken": ("/0/public/Ticker",),
    "coinbase": ("/products/",),
    "nobitex": ("/market/stats",),
    "wallex": ("/v1/markets",),
    "news": ("/data/v2/news/",),
    "rss": ("/feed.xml",),
}


class FakeApis:
    def __init__(self):
        self.lock = threading.Lock()
        self.prices = {"BTC": 97000.0, "ETH": 3650.0, "SOL": 238.0, "DOGE": 0.4, "USDT": 1.0}
        self.change = {"BTC": 1.2, "ETH": -2.5, "SOL": 0.9, "DOGE": -4.1, "USDT": 0.01}
        self.usdt_toman = 70000.0
        self.overrides = {}        # source -> {symbol: usd}
        self.modes = {}            # source -> mode dict
        self.news = [self.news_item(i) for i in range(3)]
        # CoinGecko's listing by market cap beyond the watched symbols
        self.listed = [("bitcoin", "BTC"), ("ethereum", "ETH"), ("tether", "USDT"), ("solana", "SOL")]
        self.feed = [self.news_item(100 + i) for i in range(2)]
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

    @staticmethod
    def news_item(i):
        return {"id": str(9000 + i), "title": "Headline %d: Bitcoin moves" % i,
                "url": "https://news.example/a/%d" % i, "published_on": 1795770000 + i * 60,
                "body": "Story %d body." % i, "source": "examplenews"}

    def price(self, source, sym):
        return self.overrides.get(source, {}).get(sym, self.prices[sym])

    # -- formats ---------------------------------------------------------
    def body(self, source, url):
        now = time.time()
        q = parse_qs(url.query)
        if source == "coingecko" and url.path == "/api/v3/global":
            return {"data": {"active_cryptocurrencies": 15843, "markets": 1185,
                             "total_market_cap": {"usd": 3.3e12, "btc": 3.4e7},
                             "total_volume": {"usd": 1.55e11},
                             "market_cap_percentage": {"btc": 58.12, "eth": 13.3},
                             "market_cap_change_percentage_24h_usd": 1.1, "updated_at": int(now)}}
        if source == "coingecko" and url.path == "/api/v3/coins/markets":
            n = int(q.get("per_page", ["100"])[0])
            out = []
            for rank, (gid, sym) in enumerate(self.listed[:n], 1):
                price = self.prices.get(sym, 1.5)
                out.append({"id": gid, "symbol": sym.lower(), "name": sym.title(), "current_price": price,
                            "market_cap": 1e12 / rank, "market_cap_rank": rank, "total_volume": 1e9,
                            "price_change_percentage_24h": self.change.get(sym, 0.5),
                            "last_updated": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(now))})
            return out
        if source == "coingecko":
            ids = q.get("ids", [""])[0].split(",")
            out = {}
            for sym, gid in GECKO_IDS.items():
                if gid in ids and sym in self.prices:
                    out[gid] = {"usd": self.price(source, sym), "usd_24h_change": self.change[sym],
                                "last_updated_at": int(now)}
            return out
        if source == "binance":
            return [{"symbol": sym + "USDT", "priceChange": "1.0", "priceChangePercent": "%.3f" % self.change[sym],
                     "lastPrice": "%.8f" % self.price(source, sym), "openPrice": "%.8f" % self.price(source, sym),
                     "quoteVolume": "1000000.0", "volume": "100.0", "openTime": int(now * 1000) - 86400000,
                     "closeTime": int(now * 1000), "count": 1000}
                    for sym in self.prices if sym != "USDT"]
        if source == "kraken":
            result = {}
            for sym, name in KRAKEN.items():
                p = self.price(source, sym)
                o = p / (1 + self.change[sym] / 100)
                result[name] = {"a": ["%.5f" % p, "1", "1.000"], "b": ["%.5f" % p, "1", "1.000"],
                                "c": ["%.5f" % p, "0.1"], "v": ["10", "20"], "p": ["%.5f" % p, "%.5f" % p],
                                "t": [10, 20], "l": ["%.5f" % p, "%.5f" % p], "h": ["%.5f" % p, "%.5f" % p],
                                "o": "%.5f" % o}
            return {"error": [], "result": result}
        if source == "coinbase":
            sym = url.path.split("/")[2].split("-")[0]
            if sym not in self.prices:
                return ("status", 404, {"message": "NotFound"})
            p = self.price(source, sym)
            return {"ask": "%.8f" % p, "bid": "%.8f" % p, "volume": "1000.0", "trade_id": 1, "price": "%.8f" % p,
                    "size": "0.1", "time": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(now))}
        if source == "nobitex":
            stats = {}
            for sym in self.prices:
                rials = self.price(source, sym) * self.usdt_toman * 10
                stats[sym.lower() + "-rls"] = {"isClosed": False, "bestSell": "%d" % rials, "bestBuy": "%d" % rials,
                                               "latest": "%d" % rials, "dayChange": "%.2f" % self.change[sym],
                                               "volumeSrc": "1.0", "volumeDst": "%d" % rials}
            return {"status": "ok", "stats": stats}
        if source == "wallex":
            symbols = {}
            for sym in self.prices:
                toman = self.price(source, sym) * self.usdt_toman
                key = sym + "TMN"
                symbols[key] = {"symbol": key, "baseAsset": sym, "quoteAsset": "TMN", "faName": "نام",
                                "stats": {"lastPrice": "%d" % toman if toman >= 1 else "%.4f" % toman,
                                          "24h_ch": self.change[sym], "bidPrice": "1", "askPrice": "1"}}
            return {"result": {"symbols": symbols}, "message": "The operation was successful", "success": True}
        if source == "news":
            items = [dict(it, guid=it["url"], source_info={"name": "Example News"}, categories="BTC")
                     for it in reversed(self.news)]
            return {"Type": 100, "Message": "News list successfully returned", "Promoted": [], "Data": items}
        if source == "rss":
            entries = "".join(
                "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate>"
                "<description>%s</description></item>" % (
                    it["title"], it["url"], it["url"],
                    time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(it["published_on"])), it["body"])
                for it in self.feed)
            return ("raw", 200, ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                                 "<title>Example Feed</title><link>https://feed.example/</link>"
                                 "<description>x</description>%s</channel></rss>" % entries).encode(),
                    "application/rss+xml")
        return ("status", 404, {"error": "unknown path"})

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
                source = next((s for s, prefixes in ROUTES.items() if any(url.path.startswith(p) for p in prefixes)), None)
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
                if isinstance(body, tuple) and body[0] == "raw":
                    return self.send(body[1], body[2], body[3])
                if isinstance(body, tuple):
                    return self.send(body[1], body[2])
                data = json.dumps(body, ensure_ascii=False).encode()
                if m == "truncated":
                    data = data[:len(data) // 2]
                return self.send(200, data)

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
