#!/usr/bin/env python3
"""Writes bridge/demo/: recorded responses in each API's real format
(scripts/api_formats.py, which the integration tests' fake APIs serve
too), twelve snapshots per source with prices on a small random walk, so
that `nabz-bridge --demo` shows a living dashboard with no internet. Every
payload the bridge makes from them says "source": "demo".

    /usr/bin/python3 scripts/make_demo_data.py [OUT_DIR]

OUT_DIR defaults to bridge/demo (emptied first).
"""
import os
import random
import shutil
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from api_formats import ApiFormats  # noqa: E402

SNAPSHOTS = 12
SYMBOLS = ["BTC", "ETH", "SOL", "DOGE", "USDT"]


def get(formats, path):
    status, data, _ = formats.response(path)
    if status != 200:
        raise RuntimeError("%s: HTTP %d" % (path, status))
    return data


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bridge", "demo")
    shutil.rmtree(out, ignore_errors=True)
    random.seed(20261127)
    formats = ApiFormats()
    ids = "bitcoin,ethereum,solana,dogecoin,tether"
    for n in range(SNAPSHOTS):
        for sym in SYMBOLS:
            if sym != "USDT":
                formats.prices[sym] *= 1 + random.uniform(-0.004, 0.004)
                formats.change[sym] = round(formats.change[sym] + random.uniform(-0.3, 0.3), 2)
        formats.usdt_toman = round(formats.usdt_toman * (1 + random.uniform(-0.002, 0.002)))
        if n % 4 == 0:
            formats.news.append(formats.news_item(len(formats.news)))
        files = {
            "coingecko/prices": "/api/v3/simple/price?ids=" + ids,
            "coingecko/market": "/api/v3/global",
            "binance/prices": "/api/v3/ticker/24hr",
            "kraken/prices": "/0/public/Ticker",
            "nobitex/prices": "/market/stats",
            "wallex/prices": "/v1/markets",
            "news/news": "/data/v2/news/",
            "rss/feed": "/feed.xml",
        }
        for sym in SYMBOLS:
            files["coinbase/" + sym] = "/products/%s-USD/ticker" % sym
        for name, path in files.items():
            ext = "xml" if name == "rss/feed" else "json"
            dest = os.path.join(out, "%s-%d.%s" % (name, n, ext))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(get(formats, path))
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
