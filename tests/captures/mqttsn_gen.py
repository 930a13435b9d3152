#!/usr/bin/env python3
"""Byte-level generator of MQTT-SN v1.2 datagrams, for dissectors/mqttsn.c.

mqttsn.pcap comes from real peers on loopback; this file adds what no
well-behaved peer sends: the three-octet length on a short message, a
datagram cut inside a message, a length that promises more than the
datagram holds, a three-octet length cut after its first octet, an empty
datagram and an unknown message type.  Each message is built field by
field after the MQTT-SN Protocol Specification v1.2 (section 5) and
written as an Ethernet/IPv4/UDP frame with correct IP and UDP checksums.
Only the Python standard library is used.

The client is 127.0.0.1:23701, the gateway 127.0.0.1:1884 (the port
MQTT-SN gateways usually listen on; tshark registers no UDP port for
MQTT-SN, so both tools read the file with -d udp.port==1884,mqttsn,
see mqttsn-gen.opts).

Usage: mqttsn_gen.py OUT.pcap
"""
import struct
import sys

CLIENT = ("127.0.0.1", 23701)
GATEWAY = ("127.0.0.1", 1884)
MAC_CLIENT = bytes.fromhex("020000000001")
MAC_GATEWAY = bytes.fromhex("020000000002")
T0 = 1765152000  # 2025-12-08 00:00:00 UTC

# Message types (section 5.2.2).
CONNECT, CONNACK = 0x04, 0x05
REGISTER, REGACK = 0x0A, 0x0B
PUBLISH, PUBACK = 0x0C, 0x0D
SUBSCRIBE, SUBACK = 0x12, 0x13
PINGREQ, PINGRESP = 0x16, 0x17
DISCONNECT = 0x18

# Topic id types (flags bits 1-0) and QoS values (bits 6-5).
NORMAL, PREDEFINED, SHORT = 0, 1, 2
QOS_M1 = 3  # "QoS -1": publish without connecting


def flags(dup=0, qos=0, retain=0, will=0, clean=0, topic_type=NORMAL):
    return bytes([(dup << 7) | (qos << 5) | (retain << 4) | (will << 3) | (clean << 2) | topic_type])


def message(msg_type, body, long_length=False):
    """Length (one octet, or 0x01 and two octets) counts the whole message."""
    if long_length or len(body) + 2 > 255:
        return bytes([0x01]) + struct.pack(">H", len(body) + 4) + bytes([msg_type]) + body
    return bytes([len(body) + 2, msg_type]) + body


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f">{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ip4(text):
    return bytes(int(part) for part in text.split("."))


def frame(src, dst, payload, ident):
    """Ethernet + IPv4 (no options, DF) + UDP around @payload."""
    udp_len = 8 + len(payload)
    pseudo = ip4(src[0]) + ip4(dst[0]) + struct.pack(">BBH", 0, 17, udp_len)
    udp = struct.pack(">HHHH", src[1], dst[1], udp_len, 0) + payload
    udp_sum = checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack(">H", udp_sum) + udp[8:]
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, ident, 0x4000, 64, 17, 0,
                     ip4(src[0]), ip4(dst[0]))
    ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
    macs = (MAC_GATEWAY + MAC_CLIENT) if src == CLIENT else (MAC_CLIENT + MAC_GATEWAY)
    return macs + b"\x08\x00" + ip + udp


def story():
    """(sender, datagram) in the order they go on the wire."""
    c, g = CLIENT, GATEWAY
    yield c, message(CONNECT, flags(clean=1) + b"\x01" + struct.pack(">H", 60) + b"sn-thermo-7")
    yield g, message(CONNACK, b"\x00")
    # REGISTER a name, then publish to its id at QoS 0 and 1.
    yield c, message(REGISTER, struct.pack(">HH", 0, 1) + b"lab/thermo-7/temp")
    yield g, message(REGACK, struct.pack(">HHB", 0x0021, 1, 0))
    yield c, message(PUBLISH, flags(qos=0) + struct.pack(">HH", 0x0021, 0) + b"21.5")
    yield c, message(PUBLISH, flags(qos=1) + struct.pack(">HH", 0x0021, 2) + b"21.6")
    yield g, message(PUBACK, struct.pack(">HHB", 0x0021, 2, 0))
    # A predefined topic id and a short topic name, QoS 1 and 0.
    yield c, message(PUBLISH, flags(qos=1, topic_type=PREDEFINED) + struct.pack(">HH", 0x0102, 3) + b"on")
    yield g, message(PUBACK, struct.pack(">HHB", 0x0102, 3, 0))
    yield c, message(PUBLISH, flags(qos=0, retain=1, topic_type=SHORT) + b"tp" + struct.pack(">H", 0) + b"7")
    # The three-octet length on a message that would fit in one octet.
    yield c, message(PUBLISH, flags(qos=0) + struct.pack(">HH", 0x0021, 0) + b"21.7", long_length=True)
    # SUBSCRIBE by name (the gateway assigns an id) and by short name.
    yield c, message(SUBSCRIBE, flags(qos=1) + struct.pack(">H", 4) + b"lab/+/cmd")
    yield g, message(SUBACK, flags(qos=1) + struct.pack(">HHB", 0, 4, 0))
    yield c, message(SUBSCRIBE, flags(qos=0, topic_type=SHORT) + struct.pack(">H", 5) + b"cm")
    yield g, message(SUBACK, flags(qos=0) + struct.pack(">HHB", 0, 5, 0))
    # A PUBACK that rejects an unknown topic id (return code 2).
    yield c, message(PUBLISH, flags(qos=1) + struct.pack(">HH", 0x0099, 6) + b"x")
    yield g, message(PUBACK, struct.pack(">HHB", 0x0099, 6, 2))
    yield c, message(PINGREQ, b"")
    yield g, message(PINGRESP, b"")
    yield c, message(PINGREQ, b"sn-thermo-7")
    yield g, message(PINGRESP, b"")
    # Going to sleep for 300 s, then a plain DISCONNECT from the gateway.
    yield c, message(DISCONNECT, struct.pack(">H", 300))
    yield g, message(DISCONNECT, b"")
    # QoS -1: a predefined id, no connection needed.
    yield c, message(PUBLISH, flags(qos=QOS_M1, topic_type=PREDEFINED) + struct.pack(">HH", 0x0005, 0) + b"boot")
    # Damaged datagrams.
    yield c, message(PUBLISH, flags(qos=1) + struct.pack(">HH", 0x0021, 7) + b"21.8")[:5]
    yield c, bytes([0x0C, REGACK]) + struct.pack(">HH", 0x0021, 8)
    yield c, bytes([0x01, 0x00])
    yield c, message(PUBLISH, flags(qos=0) + struct.pack(">HH", 0x0021, 0) + b"21.9")[:-2] + b""
    yield c, b""
    yield c, message(0x03, b"\xaa\xbb")
    yield c, message(CONNACK, b"\x00") + b"\x99"


def main():
    out = sys.argv[1]
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (sender, payload) in enumerate(story()):
            dst = GATEWAY if sender == CLIENT else CLIENT
            data = frame(sender, dst, payload, 0x1000 + i)
            f.write(struct.pack("<IIII", T0 + i // 4, (i % 4) * 250000, len(data), len(data)))
            f.write(data)


if __name__ == "__main__":
    main()
