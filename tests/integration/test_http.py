"""HTTP on the WebSocket port, byte by byte: what raw clients get for
pipelined, odd or oversized requests, and what the broker log gets."""
import os
import socket
import time

import pytest

from ws_raw import WsClient


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


def wait_healthy(broker):
    """/health is 503 until the broker's first tick (a few hundred ms)."""
    deadline = time.time() + 3
    while responses(exchange(broker, get("/health")))[0][0] != "HTTP/1.1 200 OK":
        assert time.time() < deadline, "never healthy"
        time.sleep(0.05)


ENDPOINT = ["/health", "/api/stats", "/metrics"]


@pytest.mark.parametrize("first,second", [
    ("/health", "/api/stats"),          # endpoint + endpoint
    ("/api/stats", "/health"),
    ("/health", "/static/favicon.svg"),  # endpoint + file
    ("/static/favicon.svg", "/health"),  # file + endpoint
    ("/static/favicon.svg", "/favicon.ico"),
])
def test_pipelined_requests_get_the_first_answer_whole_and_a_clean_close(broker, first, second):
    wait_healthy(broker)
    got = responses(exchange(broker, get(first) + get(second)))
    # lws 4.1.6 misreads a pipelined request (ws_http.c): the first is
    # answered whole, says Connection: close, and the connection ends.
    assert len(got) == 1, [r[0] for r in got]
    status, headers, body = got[0]
    assert status == "HTTP/1.1 200 OK"
    assert headers["connection"] == "close"
    assert len(body) == int(headers["content-length"]) > 0
    if first in ENDPOINT:
        assert headers["content-type"].startswith(("application/json", "text/plain"))
    else:
        assert body.startswith(b"<svg")
    # and sent again alone, the second is answered
    again = responses(exchange(broker, get(second)))
    assert again[0][0] == "HTTP/1.1 200 OK"


@pytest.mark.parametrize("path", ENDPOINT)
def test_head_on_the_endpoints_is_get_without_the_body(broker, path):
    wait_healthy(broker)
    status, headers, body = responses(exchange(broker, get(path)))[0]
    raw = exchange(broker, get(path, method="HEAD"))
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert rest == b""
    hstatus = head.split(b"\r\n", 1)[0].decode()
    assert hstatus == status
    hheaders = dict((k.strip().lower(), v.strip()) for k, _, v in
                    (line.partition(":") for line in head.decode().split("\r\n")[1:]))
    assert hheaders["content-type"] == headers["content-type"]
    assert int(hheaders["content-length"]) > 0


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
@pytest.mark.parametrize("path", ["/index.html", "/static/favicon.svg", "/health"])
def test_writes_to_files_and_endpoints_are_405_with_allow(broker, method, path):
    raw = exchange(broker, get(path, method=method, extra="Content-Length: 0\r\n"))
    if method == "DELETE" and raw == b"":
        pytest.skip("this lws build does not parse DELETE")
    status, headers, body = responses(raw)[0]
    assert status == "HTTP/1.1 405 Method Not Allowed"
    assert headers["allow"] == "GET, HEAD"
    assert b"<html" not in body


UPGRADE = ("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n")


@pytest.mark.parametrize("options,status_line", [
    ({"ws_max_connections_per_ip": "1", "ws_max_connections": "2", "limit_exempt": "none"},
     b"HTTP/1.1 429 Too Many Requests\r\n"),
    ({"ws_max_connections": "1"}, b"HTTP/1.1 503 Service Unavailable\r\n"),
])
def test_refused_upgrades_carry_their_reason_phrase(broker_factory, options, status_line):
    b = broker_factory(options=options).start()
    held = WsClient(b.ws_port)
    raw = exchange(b, get("/mqtt", extra=UPGRADE))
    assert raw.startswith(status_line), raw[:80]
    held.close()


# ---- files under /static (ws_files.c) ----

WEB_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "static"))
FILE_CACHE = "must-revalidate, private, max-age=300"    # what lws' file mount printed


def file_etag(path):
    """The ETag lws' file mount gave: hex length, then hex mtime (32 bits)."""
    st = os.stat(path)
    return "%08X%08X" % (st.st_size, int(st.st_mtime) & 0xFFFFFFFF)


def only(raw):
    got = responses(raw)
    assert len(got) == 1, [r[0] for r in got]
    return got[0]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_static_without_its_slash_redirects_relatively_whatever_the_host(broker, method):
    raw = exchange(broker, ("%s /static HTTP/1.1\r\nHost: evil.example\r\n\r\n" % method).encode())
    status, headers, body = only(raw)
    assert status == "HTTP/1.1 301 Moved Permanently"
    assert headers["location"] == "/static/"
    assert headers["connection"] == "close"
    assert b"evil.example" not in raw


def test_an_upgrade_to_static_is_refused_and_never_echoes_the_host(broker):
    raw = exchange(broker, ("GET /static HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n").encode())
    assert only(raw)[0] == "HTTP/1.1 404 Not Found"
    assert b"evil.example" not in raw


@pytest.mark.parametrize("path,content_type", [
    ("/static/favicon.svg", "image/svg+xml"),
    ("/static/index.html", "text/html; charset=utf-8"),
    ("/static/", "text/html; charset=utf-8"),              # a directory: its index.html
    ("/static/js/websocket-client.js", "text/javascript; charset=utf-8"),
    ("/static/css/dashboard.css", "text/css; charset=utf-8"),
])
def test_static_files_keep_their_type_etag_and_caching(broker, path, content_type):
    local = os.path.join(WEB_ROOT, path[len("/static/"):] or "index.html")
    status, headers, body = only(exchange(broker, get(path)))
    assert status == "HTTP/1.1 200 OK"
    assert headers["content-type"] == content_type
    assert headers["etag"] == file_etag(local)
    assert headers["cache-control"] == FILE_CACHE
    assert headers["connection"] == "close"
    with open(local, "rb") as f:
        assert body == f.read()


def test_a_matching_if_none_match_is_304_with_etag_and_caching_then_a_close(broker):
    etag = file_etag(os.path.join(WEB_ROOT, "favicon.svg"))
    raw = exchange(broker, get("/static/favicon.svg", extra="If-None-Match: %s\r\n" % etag))
    status, headers, body = only(raw)
    assert status == "HTTP/1.1 304 Not Modified"
    assert headers["etag"] == etag
    assert headers["cache-control"] == FILE_CACHE
    assert headers["connection"] == "close"
    assert body == b""
    # an old ETag gets the file
    raw = exchange(broker, get("/static/favicon.svg", extra="If-None-Match: 0000000000000000\r\n"))
    assert only(raw)[0] == "HTTP/1.1 200 OK"


def test_head_on_a_static_file_is_its_headers_then_a_close(broker):
    status, headers, body = only(exchange(broker, get("/static/favicon.svg")))
    raw = exchange(broker, get("/static/favicon.svg", method="HEAD"))
    head, sep, rest = raw.partition(b"\r\n\r\n")
    assert sep and rest == b""
    hheaders = dict((k.strip().lower(), v.strip()) for k, _, v in
                    (line.partition(":") for line in head.decode().split("\r\n")[1:]))
    assert head.split(b"\r\n", 1)[0].decode() == status
    for name in ("content-type", "content-length", "etag", "cache-control", "connection"):
        assert hheaders[name] == headers[name], name


@pytest.mark.parametrize("path", ["/static/no-such-file.js", "/static/js", "/static/js/"])
def test_missing_static_files_are_404(broker, path):
    assert only(exchange(broker, get(path)))[0] == "HTTP/1.1 404 Not Found"


@pytest.mark.parametrize("path", ["/static/../mosquitto.conf", "/static/%2e%2e/mosquitto.conf",
                                  "/static/%2e%2e/", "/static//etc/passwd", "/static/..%2fmosquitto.conf",
                                  "/static/...", "/static/a\\..\\..\\mosquitto.conf"])
def test_static_traversal_stays_in_the_web_root(broker, path):
    raw = exchange(broker, get(path))
    with open(os.path.join(WEB_ROOT, "..", "mosquitto.conf"), "rb") as f:
        outside = f.read()
    assert outside[:40] not in raw and b"root:" not in raw
    if raw:
        status, _, body = only(raw)
        # lws resolves dot segments first: what is left is under web_root
        with open(os.path.join(WEB_ROOT, "index.html"), "rb") as f:
            assert status in ("HTTP/1.1 403 Forbidden", "HTTP/1.1 404 Not Found") or body == f.read()


def test_symlinks_under_static_may_not_leave_the_web_root(broker_factory, tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "inside.html").write_text("inside")
    (root / "sub" / "index.html").write_text("sub index")
    (outside / "secret.html").write_text("secret")
    os.symlink(str(outside / "secret.html"), str(root / "out.html"))
    os.symlink("../outside", str(root / "outdir"))
    os.symlink("inside.html", str(root / "in.html"))
    b = broker_factory(options={"web_root": str(root)}).start()
    for path in ("/static/out.html", "/static/outdir/secret.html", "/static/outdir/"):
        raw = exchange(b, get(path))
        assert only(raw)[0] == "HTTP/1.1 404 Not Found", path
        assert b"secret" not in raw
    status, _, body = only(exchange(b, get("/static/in.html")))
    assert (status, body) == ("HTTP/1.1 200 OK", b"inside")
    status, _, body = only(exchange(b, get("/static/sub/")))
    assert (status, body) == ("HTTP/1.1 200 OK", b"sub index")


# ---- oversized requests (ws_header_size.c) ----



@pytest.mark.parametrize("request_bytes", [
    get("/" + "a" * 5000),
    get("/static/" + "a" * 20000),
    get("/health?x=" + "a" * 5000),
    get("/mqtt?" + "a" * 5000, extra=UPGRADE),
], ids=["path", "long-path", "query", "upgrade"])
def test_a_uri_too_long_for_lws_is_414_not_a_silent_close(broker, request_bytes):
    status, headers, _ = only(exchange(broker, request_bytes))
    assert status == "HTTP/1.1 414 URI Too Long"
    assert headers["connection"] == "close"


@pytest.mark.parametrize("request_bytes", [
    get("/health", extra="Cookie: %s\r\n" % ("c" * 5000)),
    get("/static/favicon.svg", extra="Referer: http://x/%s\r\n" % ("r" * 20000)),
    get("/mqtt", extra=UPGRADE + "Origin: http://%s\r\n" % ("o" * 5000)),
], ids=["cookie", "referer", "upgrade-origin"])
def test_a_header_too_long_for_lws_is_431_not_a_silent_close(broker, request_bytes):
    status, headers, _ = only(exchange(broker, request_bytes))
    assert status == "HTTP/1.1 431 Request Header Fields Too Large"
    assert headers["connection"] == "close"


def test_headers_that_fit_are_served_as_before(broker):
    wait_healthy(broker)
    raw = exchange(broker, get("/health", extra="Cookie: %s\r\nX-Pad: %s\r\n" % ("c" * 3500, "p" * 400)))
    assert only(raw)[0] == "HTTP/1.1 200 OK"
