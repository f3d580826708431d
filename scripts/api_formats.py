"""The public crypto APIs' response formats (see tests/fixtures/api for
recorded ones), made from a small state of prices, changes, the dollar's
toman rate and news. scripts/make_demo_data.py writes bridge/demo/ with
it; the integration tests' fake APIs (tests/integration/fake_apis.py)
serve it over HTTP. Nothing here knows of the tests."""
import json
import time
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




def source_of(path):
    """The API a request path belongs to, or None."""
    return next((s for s, prefixes in ROUTES.items() if any(path.startswith(p) for p in prefixes)), None)


def encode(body):
    """What body() returned as (status, bytes, content type), as the API
    sends it."""
    if isinstance(body, tuple) and body[0] == "raw":
        return body[1], body[2], body[3]
    if isinstance(body, tuple):
        return body[1], json.dumps(body[2]).encode(), "application/json"
    return 200, json.dumps(body, ensure_ascii=False).encode(), "application/json"


class ApiFormats:
    def __init__(self):
        self.prices = {"BTC": 97000.0, "ETH": 3650.0, "SOL": 238.0, "DOGE": 0.4, "USDT": 1.0}
        self.change = {"BTC": 1.2, "ETH": -2.5, "SOL": 0.9, "DOGE": -4.1, "USDT": 0.01}
        self.usdt_toman = 70000.0
        self.overrides = {}        # source -> {symbol: usd}
        self.news = [self.news_item(i) for i in range(3)]
        # CoinGecko's listing by market cap beyond the watched symbols
        self.listed = [("bitcoin", "BTC"), ("ethereum", "ETH"), ("tether", "USDT"), ("solana", "SOL")]
        self.feed = [self.news_item(100 + i) for i in range(2)]

    @staticmethod
    def news_item(i):
        return {"id": str(9000 + i), "title": "Headline %d: Bitcoin moves" % i,
                "url": "https://news.example/a/%d" % i, "published_on": 1795770000 + i * 60,
                "body": "Story %d body." % i, "source": "examplenews"}

    def price(self, source, sym):
        return self.overrides.get(source, {}).get(sym, self.prices[sym])

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

    def response(self, path):
        """The answer to a GET of path: (status, bytes, content type)."""
        url = urlparse(path)
        return encode(self.body(source_of(url.path), url))
