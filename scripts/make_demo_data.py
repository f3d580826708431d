#!/usr/bin/env python3
"""Writes bridge/demo/: recorded responses in each API's real format (the
same generator the tests use, tests/integration/fake_apis.py), twelve
snapshots per source with prices on a small random walk, so that
`nabz-bridge --demo` shows a living dashboard with no internet. Every
payload the bridge makes from them says "source": "demo".

    /usr/bin/python3 scripts/make_demo_data.py
"""
import os
import random
import shutil
import sys
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from fake_apis import FakeApis  # noqa: E402

SNAPSHOTS = 12
SYMBOLS = ["BTC", "ETH", "SOL", "DOGE", "USDT"]


def get(fake, path):
    with urllib.request.urlopen(fake.base + path, timeout=5) as r:
        return r.read()


def main():
    out = os.path.join(ROOT, "bridge", "demo")
    shutil.rmtree(out, ignore_errors=True)
    random.seed(20261127)
    fake = FakeApis()
    try:
        ids = "bitcoin,ethereum,solana,dogecoin,tether"
        for n in range(SNAPSHOTS):
            for sym in SYMBOLS:
                if sym != "USDT":
                    fake.prices[sym] *= 1 + random.uniform(-0.004, 0.004)
                    fake.change[sym] = round(fake.change[sym] + random.uniform(-0.3, 0.3), 2)
            fake.usdt_toman = round(fake.usdt_toman * (1 + random.uniform(-0.002, 0.002)))
            if n % 4 == 0:
                fake.news.append(fake.news_item(len(fake.news)))
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
                    f.write(get(fake, path))
    finally:
        fake.close()
    print("wrote %s" % out)


if __name__ == "__main__":
    main()
