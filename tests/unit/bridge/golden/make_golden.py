#!/usr/bin/python3
"""Writes the golden files of the trading signals' unit test
(test_bridge_signals.c), independently of the C code: exact rational
arithmetic (fractions) and the textbook definitions, spelled out again
here on purpose.

  SMA(n): the mean of the last n closes.
  RSI(n), Wilder: changes d_i = c_i - c_(i-1); the first average gain
  (loss) is the mean of the first n gains (losses); then
  avg = (avg * (n - 1) + x) / n for each later change;
  RSI = 100 - 100 / (1 + avg_gain / avg_loss); avg_loss 0: 100 (50 when
  avg_gain is 0 too: flat prices).
  Candles: 1m = the minute's point; 1h = the points of one UTC hour
  (open first, high max, low min, close last); only those that ended by
  the start of the current minute; a missing minute (hour) breaks the run,
  only the run ending with the newest finished candle is kept.

Run it to regenerate: ./make_golden.py (writes indicators.json,
candles.json beside itself).
"""
import json
import os
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))


def sma(closes, n):
    if n == 0 or len(closes) < n:
        return None
    return sum(F(c) for c in closes[-n:]) / n


def rsi(closes, n):
    if n == 0 or len(closes) < n + 1:
        return None
    cs = [F(c) for c in closes]
    ds = [b - a for a, b in zip(cs, cs[1:])]
    gains = [max(d, 0) for d in ds]
    losses = [max(-d, 0) for d in ds]
    g = sum(gains[:n]) / n
    l = sum(losses[:n]) / n
    for x, y in zip(gains[n:], losses[n:]):
        g = (g * (n - 1) + x) / n
        l = (l * (n - 1) + y) / n
    if l == 0:
        return F(50) if g == 0 else F(100)
    return 100 - F(100) / (1 + g / l)


def lcg_series(seed, count, start=100.0):
    """A reproducible random walk, two decimals."""
    out, x, p = [], seed, start
    for _ in range(count):
        x = (x * 1103515245 + 12345) % (1 << 31)
        step = ((x >> 8) % 401 - 200) / 100.0      # -2.00 .. +2.00
        p = round(p + step, 2)
        out.append(p)
    return out


def f(v):
    return None if v is None else float(v)


def indicator_cases():
    cases = [
        ("flat: RSI 50 by definition, SMAs equal", [100.0] * 30),
        ("all up: RSI 100", [float(i) for i in range(1, 31)]),
        ("all down: RSI 0", [float(i) for i in range(30, 0, -1)]),
        ("exactly period + 1 closes: the seed alone", [44.0, 44.5, 43.5, 44.25, 45.0, 45.5, 45.25, 46.0, 46.5,
                                                        46.25, 47.0, 46.75, 46.5, 47.25, 47.5]),
        ("random walk, 43 closes (Wilder smoothing over 28 changes)", lcg_series(7, 43)),
        ("random walk, 60 closes", lcg_series(12345, 60, 2500.0)),
        ("too few for RSI 14 (14 closes) and SMA 21", [float(i % 5 + 1) for i in range(14)]),
        ("crossover exactly at equality: fast SMA 9 == slow SMA 21",
         [8.0, 12.0] * 6 + [10.0] * 9),
    ]
    out = []
    for name, closes in cases:
        out.append({"name": name, "closes": closes,
                    "sma9": f(sma(closes, 9)), "sma21": f(sma(closes, 21)), "rsi14": f(rsi(closes, 14))})
    return out


MIN = 60000
HOUR = 3600000
T0 = 1796428800000   # a day's start (UTC)


def candles(points, tf_ms, now_ms):
    current_minute = now_ms - now_ms % MIN
    run = []
    for t, p in points:
        start = t - t % tf_ms
        if start + tf_ms > current_minute:
            break
        if run and run[-1][0] == start:
            c = run[-1]
            c[2] = max(c[2], p)
            c[3] = min(c[3], p)
            c[4] = p
            continue
        if run and start != run[-1][0] + tf_ms:
            run = []
        run.append([start, p, p, p, p])
    return run


def candle_cases():
    # Three hours of minutes with a gap of 5 minutes in the second hour,
    # then a whole missing hour, then two hours; "now" in the middle of
    # the last one, 30 s into a minute.
    pts = []
    for m in range(0, 180):
        if 70 <= m < 75:
            continue                              # a gap of 5 minutes
        pts.append([T0 + m * MIN, round(100 + (m % 17) * 0.5 - (m % 5) * 0.25, 2)])
    for m in range(240, 350):                     # hour 3 missing entirely
        pts.append([T0 + m * MIN, round(90 + (m % 13) * 0.75, 2)])
    now = T0 + 349 * MIN + 30000                  # minute 349 still running
    return [{
        "name": "gaps: a 5-minute hole, a missing hour, an unfinished minute and hour",
        "points": pts, "now_ms": now,
        "1m": candles(pts, MIN, now), "1h": candles(pts, HOUR, now),
    }, {
        "name": "one unbroken hour, ending now: the hour is not finished",
        "points": [[T0 + m * MIN, 10.0 + m] for m in range(60)], "now_ms": T0 + 59 * MIN + 1,
        "1m": candles([[T0 + m * MIN, 10.0 + m] for m in range(60)], MIN, T0 + 59 * MIN + 1),
        "1h": [],
    }]


if __name__ == "__main__":
    with open(os.path.join(HERE, "indicators.json"), "w") as fh:
        json.dump(indicator_cases(), fh, indent=1)
        fh.write("\n")
    with open(os.path.join(HERE, "candles.json"), "w") as fh:
        json.dump(candle_cases(), fh)
        fh.write("\n")
