"""crypto/stats is coalesced: a burst costs one publish per debounce
interval, and a single change still shows up well within 100 ms."""
import time

from nabz_broker import Watcher, stop_client


def test_burst_is_coalesced(broker_factory):
    b = broker_factory(options={"stats_debounce_ms": "200"}).start()
    w = Watcher(b)
    w.wait_for(lambda d: d["active_connections"] == 1)
    before = w.count["crypto/stats"]
    start = time.monotonic()
    clients = [b.client(client_id="api-%d" % i) for i in range(60)]
    w.wait_for(lambda d: d["active_connections"] == 61)
    elapsed = time.monotonic() - start
    publishes = w.count["crypto/stats"] - before
    # At most one publish per 200 ms interval (plus the edges).
    assert publishes <= elapsed / 0.2 + 2, (publishes, elapsed)
    assert publishes < 60
    for c in clients:
        stop_client(c)
    w.close()


def test_single_change_is_published_promptly(broker, watcher):
    watcher.wait_for(lambda d: d["active_connections"] == 1)
    time.sleep(0.3)
    worst = 0.0
    for i in range(10):
        t0 = time.monotonic()
        c = broker.client(client_id="api-%d" % i)
        watcher.wait_for(lambda d: d["active_connections"] == 2)
        worst = max(worst, time.monotonic() - t0)
        stop_client(c)
        watcher.wait_for(lambda d: d["active_connections"] == 1)
        time.sleep(0.1)
    # Generous bound (the benchmark measures the real figure): a plugin
    # that publishes only on a slow timer fails it.
    assert worst < 0.5, worst
