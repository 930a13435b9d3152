#!/usr/bin/env python3
"""ARP + ICMP echo over an 802.1Q VLAN using AF_PACKET sockets.

Used by make-captures.sh inside its private network namespaces because the
capture VM's kernel has no 8021q support (CONFIG_VLAN_8021Q is not set, so
`ip link add ... type vlan` fails) and no tc vlan action / bridge VLAN
filtering either.  The tagged frames are real frames on the veth pair; both
ends are implemented here in user space:

  vlan_ping.py respond IFACE MAC IP VID SECONDS
      answer ARP requests for IP and ICMP echo requests to IP that arrive
      tagged with VID, for at most SECONDS seconds
  vlan_ping.py ping IFACE MAC IP TARGET VID COUNT
      ARP-resolve TARGET inside VLAN VID, then send COUNT echo requests

Only ever sends on IFACE (a veth inside a throw-away namespace).
"""
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_8021Q = 0x8100
ETH_P_ARP = 0x0806
ETH_P_IP = 0x0800
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 1 << 4
BROADCAST = b"\xff" * 6


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def open_sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    return s


def tagged(dst, src, vid, ethertype, payload):
    return dst + src + struct.pack("!HHH", ETH_P_8021Q, vid & 0xFFF, ethertype) + payload


def recv_tagged(sock, timeout):
    """Return (src_mac, vid, ethertype, payload) of the next VLAN frame or None."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return None
        data, anc, _, addr = sock.recvmsg(65535, socket.CMSG_SPACE(64))
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        vid = None
        for level, ctype, cdata in anc:
            if level == SOL_PACKET and ctype == PACKET_AUXDATA and len(cdata) >= 20:
                status, _, _, _, _, tci, tpid = struct.unpack("IIIHHHH", cdata[:20])
                if status & TP_STATUS_VLAN_VALID or tci:
                    vid = tci & 0xFFF
        if len(data) < 14:
            continue
        ethertype = struct.unpack("!H", data[12:14])[0]
        payload = data[14:]
        if vid is None and ethertype == ETH_P_8021Q and len(data) >= 18:
            vid = struct.unpack("!H", data[14:16])[0] & 0xFFF
            ethertype = struct.unpack("!H", data[16:18])[0]
            payload = data[18:]
        if vid is not None:
            return data[6:12], vid, ethertype, payload


def arp(op, smac, sip, tmac, tip):
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, op, smac, sip, tmac, tip)


def ipv4(src, dst, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64,
                      proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def icmp_echo(typ, ident, seq, data):
    msg = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def respond(iface, mac, ip, vid, seconds):
    mac, ip, vid = mac_bytes(mac), socket.inet_aton(ip), int(vid)
    sock = open_sock(iface)
    end = time.monotonic() + float(seconds)
    while time.monotonic() < end:
        frame = recv_tagged(sock, end - time.monotonic())
        if frame is None:
            break
        src, fvid, etype, p = frame
        if fvid != vid:
            continue
        if etype == ETH_P_ARP and len(p) >= 28:
            _, _, _, _, op, smac, sip, _, tip = struct.unpack("!HHBBH6s4s6s4s", p[:28])
            if op == 1 and tip == ip:
                sock.send(tagged(smac, mac, vid, ETH_P_ARP, arp(2, mac, ip, smac, sip)))
        elif etype == ETH_P_IP and len(p) >= 28 and p[9] == 1 and p[16:20] == ip:
            ihl = (p[0] & 0x0F) * 4
            icmp = p[ihl:struct.unpack("!H", p[2:4])[0]]
            if icmp and icmp[0] == 8:
                ident, seq = struct.unpack("!HH", icmp[4:8])
                reply = icmp_echo(0, ident, seq, icmp[8:])
                sock.send(tagged(src, mac, vid, ETH_P_IP,
                                 ipv4(ip, p[12:16], 1, reply, 0x4000 + seq)))


def ping(iface, mac, ip, target, vid, count):
    mac, ip, tip, vid = mac_bytes(mac), socket.inet_aton(ip), socket.inet_aton(target), int(vid)
    sock = open_sock(iface)
    peer = None
    for _ in range(3):  # ARP who-has, bounded retries
        sock.send(tagged(BROADCAST, mac, vid, ETH_P_ARP, arp(1, mac, ip, b"\0" * 6, tip)))
        end = time.monotonic() + 1.0
        while peer is None and time.monotonic() < end:
            frame = recv_tagged(sock, end - time.monotonic())
            if frame and frame[1] == vid and frame[2] == ETH_P_ARP:
                p = frame[3]
                if struct.unpack("!H", p[6:8])[0] == 2 and p[14:18] == tip:
                    peer = p[8:14]
        if peer:
            break
    if peer is None:
        raise SystemExit("no ARP reply for %s in VLAN %d" % (target, vid))
    replies = 0
    for seq in range(1, int(count) + 1):
        data = bytes(range(0x10, 0x10 + 48))
        pkt = ipv4(ip, tip, 1, icmp_echo(8, 0x1f99, seq, data), 0x1000 + seq)
        sock.send(tagged(peer, mac, vid, ETH_P_IP, pkt))
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            frame = recv_tagged(sock, end - time.monotonic())
            if frame and frame[1] == vid and frame[2] == ETH_P_IP and frame[3][20:21] == b"\0":
                replies += 1
                break
        time.sleep(0.2)
    if replies != int(count):
        raise SystemExit("only %d of %s echo replies in VLAN %d" % (replies, count, vid))


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "respond":
        respond(*sys.argv[2:])
    elif len(sys.argv) == 8 and sys.argv[1] == "ping":
        ping(*sys.argv[2:])
    else:
        raise SystemExit(__doc__)
