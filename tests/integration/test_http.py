"""HTTP on the WebSocket port, byte by byte: what raw clients get for
pipelined, odd or oversized requests, and what the broker log gets."""
import socket
import time

import pytest

from ws_raw import WsClient, mqtt_connect


def exchange(broker, data, timeout=5.0):
    """Sends data, reads until the server closes; returns the bytes. A
    server that neither answers fully nor closes fails the test (timeout)."""
    s = socket.create_connection(("127.0.0.1", broker.ws_port), timeout=timeout)
    s.sendall(data)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        raise AssertionError("no close within %.0f s; got %r" % (timeout, out[:400]))
    finally:
        s.close()
    return out


def responses(data):
    """Splits a byte stream into [(status_line, headers, body)], strictly by
    Content-Length; asserts each response is whole."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, "incomplete head: %r" % data[:200]
        lines = head.decode("latin1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        assert len(rest) >= n, "body cut short: %r" % lines[0]
        out.append((lines[0], headers, rest[:n]))
        data = rest[n:]
    return out


def get(path, method="GET", extra=""):
    return ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s\r\n" % (method, path, extra)).encode()


def count_in_log(broker, text):
    return broker.read_log().count(text)


def test_an_oversized_header_flood_logs_a_bounded_number_of_lines(broker):
    request = get("/", extra="X-Big: %s\r\n" % ("a" * 9000))
    for _ in range(300):
        try:
            exchange(broker, request)
        except (ConnectionError, OSError):
            pass
    time.sleep(0.5)                               # the next broker tick drains the seam
    lines = count_in_log(broker, "Ran out of header data space")
    assert 1 <= lines <= 2, lines
    # the listener still serves
    assert responses(exchange(broker, get("/health", extra="Connection: close\r\n")))[0][0].startswith("HTTP/1.1 ")
