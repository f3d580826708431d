"""plugin_opt_ws_reuseport_shared: several brokers on one host (the edges of
a cluster, scripts/run.sh --edges) share one WebSocket port; without the
option a port another process holds is refused at start, as before."""
import threading

import paho.mqtt.client as mqtt

from nabz_broker import Watcher, free_port, stop_client


def ws_client(port, client_id):
    """A paho client over WebSocket, connected (CONNACK received)."""
    c = mqtt.Client(client_id=client_id, transport="websockets")
    connected = threading.Event()
    c.on_connect = lambda *a: connected.set()
    c.connect("127.0.0.1", port, keepalive=30)
    c.loop_start()
    assert connected.wait(5), client_id
    return c


def test_two_brokers_with_the_option_share_a_port_and_both_serve(broker_factory):
    port = free_port()
    opts = {"ws_listeners": "127.0.0.1:%d" % port, "ws_reuseport_shared": "true"}
    a = broker_factory(options=dict(opts)).start()
    b = broker_factory(options=dict(opts)).start()
    wa, wb = Watcher(a, client_id="watch-a"), Watcher(b, client_id="watch-b")
    clients = []
    try:
        # The kernel spreads new connections over both brokers' sockets by
        # a hash of the client's address and port: 24 clients all on one
        # broker would be a 1 in 2^23 chance.
        for i in range(24):
            clients.append(ws_client(port, "shared-%d" % i))
        # each broker counts its own (plus its watcher); together all 24
        sa = wa.wait_for(lambda d: d["active_connections"] >= 2)
        sb = wb.wait_for(lambda d: d["active_connections"] >= 2)
        wa.wait_for(lambda d: d["active_connections"] + wb.stats()["active_connections"] == 26)
        assert sa["active_connections"] > 1 and sb["active_connections"] > 1
        # one of them gone, the port still serves (the other's sockets)
        a.stop()
        clients.append(ws_client(port, "after"))
    finally:
        for c in clients:
            stop_client(c)
        wa.close()
        wb.close()


def test_without_the_option_a_port_held_by_another_broker_is_refused(broker_factory):
    port = free_port()
    first = broker_factory(options={"ws_listeners": "127.0.0.1:%d" % port,
                                    "ws_reuseport_shared": "true"}).start()
    second = broker_factory(options={"ws_listeners": "127.0.0.1:%d" % port})
    second.start(wait=False)
    assert second.wait_exit(10) != 0
    assert "WebSocket listener: cannot listen on 127.0.0.1:%d" % port in second.read_log()
    assert first.proc.poll() is None
