"""TCP_NODELAY for TCP clients without mosquitto's set_tcp_nodelay (which
2.0.11 also tries on the WebSocket listener's unix socket, failing and
logging a warning for every browser): the plugin sets it on the broker's
TCP listeners and Linux passes it on to every accepted socket.

The broker's end of a client's connection is looked at directly: a copy
of its descriptor is taken with pidfd_getfd(2)."""
import ctypes
import os
import socket

from nabz_broker import stop_client
from test_ws import wait_for_log, ws_client

SYS_PIDFD_GETFD = 438        # x86_64 and aarch64 alike
libc = ctypes.CDLL(None, use_errno=True)


def broker_side_nodelay(broker, client_sockname):
    """TCP_NODELAY on the broker's socket whose peer is client_sockname."""
    pidfd = os.pidfd_open(broker.proc.pid)
    try:
        for name in os.listdir("/proc/%d/fd" % broker.proc.pid):
            if not os.readlink("/proc/%d/fd/%s" % (broker.proc.pid, name)).startswith("socket:"):
                continue
            fd = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(name), 0)
            if fd < 0:
                raise OSError(ctypes.get_errno(), "pidfd_getfd")
            s = socket.socket(fileno=fd)
            try:
                if s.family == socket.AF_INET and s.getpeername() == client_sockname:
                    return s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
            except OSError:
                pass
            finally:
                s.close()
    finally:
        os.close(pidfd)
    raise AssertionError("no broker socket connected to %r" % (client_sockname,))


def tcp_client_nodelay(broker):
    c = broker.client(client_id="api-nodelay")
    try:
        return broker_side_nodelay(broker, c.socket().getsockname())
    finally:
        stop_client(c)


def wait_for_listener_line(broker):
    # Set at the broker's first tick, after it opened its listeners.
    wait_for_log(broker, "TCP_NODELAY set on the broker's TCP listener(s)")


def test_tcp_clients_get_nodelay_and_browsers_log_no_warning(broker):
    wait_for_listener_line(broker)
    assert tcp_client_nodelay(broker) is True
    browser = ws_client(broker, client_id="browser-nodelay")
    stop_client(browser)
    log = broker.read_log()
    assert "Unable to set TCP_NODELAY" not in log
    assert "TCP_NODELAY set on the broker's TCP listener(s), port(s) %d" % broker.port in log


def test_the_check_sees_a_socket_without_nodelay(broker_factory):
    b = broker_factory(options={"tcp_nodelay": "false"}).start()
    assert tcp_client_nodelay(b) is False
