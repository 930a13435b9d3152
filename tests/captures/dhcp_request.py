#!/usr/bin/env python3
"""Sends one DHCPREQUEST in the INIT-REBOOT state (RFC 2131 §4.3.2): a device
that comes back and asks to keep the address it had, which here belongs to
another network, so an authoritative server must answer DHCPNAK.  Then waits
briefly for the answer.  For make-insight-network.sh.

Usage: dhcp_request.py IFACE MAC REQUESTED_IP
Sends on IFACE only (a veth in a namespace of the test), to the broadcast
address, from 0.0.0.0:68 to 255.255.255.255:67.
"""
import random
import socket
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def main():
    iface, mac_text, requested = sys.argv[1], sys.argv[2], sys.argv[3]
    mac = bytes.fromhex(mac_text.replace(":", ""))
    xid = random.Random(2131).getrandbits(32)
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000, bytes(4), bytes(4),
                        bytes(4), bytes(4), mac + bytes(10), bytes(64), bytes(128))
    options = (b"\x63\x82\x53\x63"                              # magic cookie
               + b"\x35\x01\x03"                                # DHCP message type: REQUEST
               + b"\x32\x04" + socket.inet_aton(requested)      # requested IP address
               + b"\x0c\x0a" + b"iot-meter7"                    # host name
               + b"\x37\x03\x01\x03\x2a"                        # parameters: mask, router, NTP
               + b"\xff")
    payload = bootp + options
    udp = struct.pack("!HHHH", 68, 67, 8 + len(payload), 0) + payload
    src, dst = bytes(4), b"\xff\xff\xff\xff"
    pseudo = src + dst + struct.pack("!BBH", 0, 17, len(udp))
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xFFFF) + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0x10, 20 + len(udp), 0, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    frame = b"\xff" * 6 + mac + b"\x08\x00" + ip + udp
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sock.bind((iface, 0))
    sock.send(frame)
    sock.settimeout(2.0)
    try:
        while True:
            data = sock.recv(2048)
            if len(data) > 282 and data[23] == 17 and data[36:38] == b"\x00\x44":
                print("answer received")
                return
    except socket.timeout:
        print("no answer")


if __name__ == "__main__":
    main()
