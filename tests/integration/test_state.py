"""total_sessions and peak_connections survive restarts; a missing, torn or
corrupt state file is reported and replaced, never fatal."""
import json
import os
import time

from nabz_broker import Watcher, stop_client


def run_clients(broker, n):
    w = Watcher(broker)
    clients = [broker.client(client_id="api-%d" % i) for i in range(n)]
    data = w.wait_for(lambda d: d["active_connections"] == n + 1)
    for c in clients:
        stop_client(c)
    w.wait_for(lambda d: d["active_connections"] == 1)
    w.close()
    return data


def test_restart_keeps_total_sessions_and_peak(broker_factory):
    b = broker_factory().start()
    run_clients(b, 4)                       # 5 sessions, peak 5
    b.stop()
    saved = json.load(open(b.state_file))
    assert saved["total_sessions"] == 5 and saved["peak_connections"] == 5
    assert "state loaded" not in b.read_log()

    b.start()
    w = Watcher(b)
    data = w.wait_for(lambda d: d["active_connections"] == 1)
    assert data["total_sessions"] == 6      # the watcher after the restart
    assert data["peak_connections"] == 5
    w.close()
    assert "state loaded from %s: total_sessions 5" % b.state_file in b.read_log()


def test_missing_state_file_is_created(broker_factory):
    b = broker_factory().start()
    w = Watcher(b)
    w.wait_for(lambda d: d["total_sessions"] == 1)
    w.close()
    assert "not found: starting from zero" in b.read_log()
    assert os.path.exists(b.state_file)     # created at start, not only at exit


def test_corrupt_state_file_is_reported_and_replaced(broker_factory):
    for junk in (b"", b"{\"version\":1,\"total_sess", b"\x00\xff garbage", b"[1,2]",
                 b"{\"version\":1,\"total_sessions\":-4,\"peak_connections\":1}"):
        b = broker_factory()
        with open(b.state_file, "wb") as f:
            f.write(junk)
        b.start()
        w = Watcher(b)
        data = w.wait_for(lambda d: d["active_connections"] == 1)
        assert data["total_sessions"] == 1
        w.close()
        log = b.read_log()
        assert "state file unusable" in log, log
        saved = json.load(open(b.state_file))   # replaced with a valid file
        assert saved["version"] == 1
        b.stop()


def test_leftover_temp_file_from_a_crash_is_harmless(broker_factory):
    b = broker_factory()
    with open(b.state_file, "w") as f:
        json.dump({"version": 1, "total_sessions": 41, "peak_connections": 9}, f)
    with open(b.state_file + ".tmp", "w") as f:
        f.write('{"version":1,"tot')          # a write torn by a crash
    b.start()
    w = Watcher(b)
    data = w.wait_for(lambda d: d["total_sessions"] == 42)
    assert data["peak_connections"] == 9
    w.close()


def test_unwritable_state_dir_is_not_fatal(broker_factory):
    b = broker_factory(options={"state_file": "/nonexistent-dir/nabz/state.json"}).start()
    w = Watcher(b)
    c = b.client(client_id="api-1")
    w.wait_for(lambda d: d["active_connections"] == 2)
    stop_client(c)
    w.close()
    log = b.read_log()
    assert log.count("cannot save state") == 1, log


def saved_state(broker):
    try:
        with open(broker.state_file) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def test_sigkill_keeps_the_last_saved_state(broker_factory):
    b = broker_factory(options={"state_save_interval_ms": "0"}).start()
    run_clients(b, 3)
    # Written off the broker thread, within moments of the change.
    deadline = time.time() + 10
    while saved_state(b).get("total_sessions") != 4 and time.time() < deadline:
        time.sleep(0.02)
    b.stop(sig=9)
    assert saved_state(b).get("total_sessions") == 4, "not written within 10 s of the change"
    b.start()                               # the killed broker's figures come back
    w = Watcher(b)
    data = w.wait_for(lambda d: d["active_connections"] == 1)
    assert data["total_sessions"] == 5
    w.close()
