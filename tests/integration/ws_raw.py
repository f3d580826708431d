"""A minimal WebSocket client on raw sockets, for tests that need to send
what a well-behaved library never would: odd framing, text frames, no
subprotocol, garbage."""
import base64
import os
import socket
import ssl
import struct


class HandshakeRefused(Exception):
    def __init__(self, status_line, head):
        super().__init__(status_line)
        self.status_line = status_line
        self.head = head


def mqtt_connect(client_id, keepalive=60, level=4, clean=True):
    cid = client_id.encode()
    name = b"MQTT" if level >= 4 else b"MQIsdp"
    var = struct.pack("!H", len(name)) + name + bytes([level, 0x02 if clean else 0]) + struct.pack("!H", keepalive)
    if level == 5:
        var += b"\x00"                      # no properties
    body = var + struct.pack("!H", len(cid)) + cid
    return bytes([0x10, len(body)]) + body


def client_frame(payload, opcode=0x2, fin=True):
    """One client frame, masked as RFC 6455 5.3 says (as one big integer:
    byte by byte is too slow for floods of 64 KiB frames)."""
    header = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        header += bytes([0x80 | n])
    elif n < 65536:
        header += bytes([0x80 | 126]) + struct.pack("!H", n)
    else:
        header += bytes([0x80 | 127]) + struct.pack("!Q", n)
    mask = os.urandom(4)
    key = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big") if n else b""
    return header + mask + masked


class WsClient:
    def __init__(self, port, path="/mqtt", protocol="mqtt", origin=None, headers=None,
                 host="127.0.0.1", tls=False, timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            self.sock = ctx.wrap_socket(self.sock, server_hostname=host)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: %s:%d" % (host, port), "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13"]
        if protocol:
            lines.append("Sec-WebSocket-Protocol: " + protocol)
        if origin:
            lines.append("Origin: " + origin)
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, v))
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise HandshakeRefused("connection closed", head)
            head += chunk
        head, self.pending = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0].decode(errors="replace")
        if " 101 " not in status + " ":
            raise HandshakeRefused(status, head)
        self.head = head.decode(errors="replace")

    def send_frame(self, payload, opcode=0x2, fin=True):
        self.sock.sendall(client_frame(payload, opcode, fin))

    def _read(self, n):
        while len(self.pending) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.pending += chunk
        out, self.pending = self.pending[:n], self.pending[n:]
        return out

    def recv_frame(self):
        """Returns (opcode, payload)."""
        b0, b1 = self._read(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        return b0 & 0x0F, self._read(n)

    def recv_mqtt(self, n):
        """Reads exactly n bytes of the MQTT stream, across frames."""
        data = getattr(self, "mqtt_pending", b"")
        while len(data) < n:
            op, payload = self.recv_frame()
            if op == 0x8:
                raise ConnectionError("close frame %r" % payload[:2])
            data += payload
        self.mqtt_pending = data[n:]
        return data[:n]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
