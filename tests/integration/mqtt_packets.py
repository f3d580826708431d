"""MQTT 3.1.1 packets as bytes, for tests and benchmarks that talk to the
broker on raw sockets (to send what a client library never would, or to
measure without one)."""
import struct


def varint(n):
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def mqtt_str(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("!H", len(b)) + b


def connect_packet(client_id, keepalive=60, username=None, password=None, clean=True):
    flags = 0x02 if clean else 0
    payload = mqtt_str(client_id)
    if username is not None:
        flags |= 0x80
        payload += mqtt_str(username)
    if password is not None:
        flags |= 0x40
        payload += mqtt_str(password)
    body = mqtt_str("MQTT") + bytes([4, flags]) + struct.pack("!H", keepalive) + payload
    return b"\x10" + varint(len(body)) + body


def subscribe_packet(mid, topic, qos=0):
    body = struct.pack("!H", mid) + mqtt_str(topic) + bytes([qos])
    return b"\x82" + varint(len(body)) + body


def publish_packet(topic, payload, retain=False):
    body = mqtt_str(topic) + payload
    return bytes([0x30 | (1 if retain else 0)]) + varint(len(body)) + body


DISCONNECT = b"\xe0\x00"
CONNACK_OK = b"\x20\x02\x00\x00"
