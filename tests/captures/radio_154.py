#!/usr/bin/env python3
"""Byte-level generator of IEEE 802.15.4 sniffer captures (no radio here).

Usage: radio_154.py OUTDIR          writes the link-type captures
       radio_154.py --zep HOST PORT sends ZEP v1/v2 datagrams over UDP

Only the Python standard library is used.  Every frame is written by hand
from the IEEE 802.15.4-2006/2015 frame formats; the FCS is the ITU-T
CRC-16 the standard specifies (polynomial x^16+x^12+x^5+1, bits reflected,
initial value 0, sent least significant byte first).

Files written:
  wpan-fcs.pcap    LINKTYPE_IEEE802_15_4_WITHFCS (195)
  wpan-nonask.pcap LINKTYPE_IEEE802_15_4_NONASK_PHY (215)
  wpan-nofcs.pcap  LINKTYPE_IEEE802_15_4_NOFCS (230)
  wpan-tap.pcap    LINKTYPE_IEEE802_15_4_TAP (283)
"""
import socket
import struct
import sys
import time

# The MAC payloads of data frames start with 0x00 ("not a LoWPAN frame"),
# so no upper layer claims them: this capture is about the MAC itself.
NALP = b"\x00"


def crc16_kermit(data):
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def with_fcs(mpdu, good=True):
    crc = crc16_kermit(mpdu)
    if not good:
        crc ^= 0x5a5a
    return mpdu + struct.pack("<H", crc)


def fcf(ftype, security=0, pending=0, ack_req=0, panid_comp=0, seq_supp=0, ie=0,
        dst_mode=0, version=0, src_mode=0):
    v = (ftype | security << 3 | pending << 4 | ack_req << 5 | panid_comp << 6
         | seq_supp << 8 | ie << 9 | dst_mode << 10 | version << 12 | src_mode << 14)
    return struct.pack("<H", v)


def short(a):
    return struct.pack("<H", a)


def long_addr(eui):
    """An EUI-64 written as text (most significant first) goes on air reversed."""
    return bytes(reversed(bytes.fromhex(eui.replace(":", ""))))


COORD = 0x0000
PAN = 0x1a62
DEV_EUI = "00:12:4b:00:01:02:03:04"
COORD_EUI = "00:12:4b:00:0a:0b:0c:0d"


def mac_frames():
    """(MPDU without FCS, FCS good?) in capture order."""
    frames = []
    # Beacon request: command 0x07, broadcast destination, no source.
    frames.append((fcf(3, dst_mode=2) + bytes([1]) + short(0xffff) + short(0xffff) + b"\x07", True))
    # Beacon from the PAN coordinator: superframe spec, no GTS, no pending,
    # then a beacon payload (Zigbee-style bytes).
    sf = 0x0f | 0x0f << 4 | 0x0f << 8 | 1 << 14 | 1 << 15
    frames.append((fcf(0, src_mode=2) + bytes([0x55]) + short(PAN) + short(COORD)
                   + struct.pack("<H", sf) + b"\x00" + b"\x00" + b"\xaa\x01", True))
    # Association request: long source, PAN id 0xffff as source PAN.
    frames.append((fcf(3, ack_req=1, dst_mode=2, src_mode=3) + bytes([0x10]) + short(PAN)
                   + short(COORD) + short(0xffff) + long_addr(DEV_EUI) + b"\x01\x8e", True))
    # Its acknowledgement.
    frames.append((fcf(2) + bytes([0x10]), True))
    # Data request from the device (long source, PAN compressed).
    frames.append((fcf(3, ack_req=1, panid_comp=1, dst_mode=2, src_mode=3) + bytes([0x11])
                   + short(PAN) + short(COORD) + long_addr(DEV_EUI) + b"\x04", True))
    frames.append((fcf(2, pending=1) + bytes([0x11]), True))
    # Association response: long to long, short address 0x4f21 granted.
    frames.append((fcf(3, ack_req=1, panid_comp=1, dst_mode=3, src_mode=3) + bytes([0x56])
                   + short(PAN) + long_addr(DEV_EUI) + long_addr(COORD_EUI)
                   + b"\x02" + short(0x4f21) + b"\x00", True))
    frames.append((fcf(2) + bytes([0x56]), True))
    # Data frames, short addresses, PAN id compression, with and without ack.
    frames.append((fcf(1, ack_req=1, panid_comp=1, dst_mode=2, src_mode=2) + bytes([0x12])
                   + short(PAN) + short(COORD) + short(0x4f21) + NALP + b"hello", True))
    frames.append((fcf(2) + bytes([0x12]), True))
    frames.append((fcf(1, panid_comp=1, dst_mode=2, src_mode=2) + bytes([0x57])
                   + short(PAN) + short(0xffff) + short(COORD) + NALP + b"all", True))
    # The same data frame sent again (a retry) with a corrupted FCS.
    frames.append((fcf(1, ack_req=1, panid_comp=1, dst_mode=2, src_mode=2) + bytes([0x13])
                   + short(PAN) + short(COORD) + short(0x4f21) + NALP + b"bad", False))
    # Data without PAN id compression: both PAN ids present.
    frames.append((fcf(1, dst_mode=2, src_mode=2) + bytes([0x14]) + short(PAN) + short(0x0001)
                   + short(0xbeef) + short(0x4f21) + NALP + b"pan", True))
    # Disassociation notification (reason 2: device wishes to leave).
    frames.append((fcf(3, ack_req=1, panid_comp=1, dst_mode=3, src_mode=3) + bytes([0x15])
                   + short(PAN) + long_addr(COORD_EUI) + long_addr(DEV_EUI) + b"\x03\x02", True))
    # 802.15.4-2015 frame (version 2) with header IEs: CSL (0x1a) then
    # header termination 1 (0x7e) ... here termination 2 (0x7f): payload follows.
    csl = struct.pack("<HH", (0x1a << 7) | 4, 0) + struct.pack("<hh", 100, 500)
    ht2 = struct.pack("<H", (0x7f << 7) | 0)
    frames.append((fcf(1, ack_req=1, panid_comp=1, ie=1, dst_mode=2, src_mode=2, version=2)
                   + bytes([0x16]) + short(PAN) + short(COORD) + short(0x4f21)
                   + csl[0:2] + csl[4:8] + ht2 + NALP + b"ie", True))
    # Enhanced ack (version 2) with a time correction IE.
    tc = struct.pack("<H", (0x1e << 7) | 2) + struct.pack("<H", 0x0010)
    frames.append((fcf(2, ie=1, version=2) + bytes([0x16]) + tc, True))
    # Orphan notification and coordinator realignment.
    frames.append((fcf(3, dst_mode=2, src_mode=3) + bytes([0x17]) + short(0xffff) + short(0xffff)
                   + short(0xffff) + long_addr(DEV_EUI) + b"\x06", True))
    frames.append((fcf(3, panid_comp=0, dst_mode=3, src_mode=3) + bytes([0x58]) + short(0xffff)
                   + long_addr(DEV_EUI) + short(PAN) + long_addr(COORD_EUI)
                   + b"\x08" + short(PAN) + short(COORD) + b"\x0f" + short(0x4f21), True))
    # A beacon with a pending short and long address, GTS permit.
    sf = 0x0f | 0x0f << 4 | 0x0e << 8 | 1 << 14
    frames.append((fcf(0, src_mode=2) + bytes([0x59]) + short(PAN) + short(COORD)
                   + struct.pack("<H", sf) + b"\x80" + bytes([0x11]) + short(0x4f21)
                   + long_addr(DEV_EUI), True))
    # MAC-layer security (2006 frame): security level 5 (ENC-MIC-32), key
    # index mode with key index 1, frame counter 7; the payload stays opaque.
    frames.append((fcf(1, security=1, panid_comp=1, dst_mode=2, src_mode=2, version=1)
                   + bytes([0x5a]) + short(PAN) + short(COORD) + short(0x4f21)
                   + b"\x0d" + struct.pack("<I", 7) + b"\x01" + b"\x9a\x3c\x55" + b"\xde\xad\xbe\xef", True))
    # A CSL IE with a rendezvous time (length 6) on a 2015 data frame.
    csl6 = struct.pack("<H", (0x1a << 7) | 6) + struct.pack("<hhh", -5, 320, 12)
    frames.append((fcf(1, panid_comp=1, ie=1, dst_mode=2, src_mode=2, version=2)
                   + bytes([0x5b]) + short(PAN) + short(0x4f21) + short(COORD)
                   + csl6 + struct.pack("<H", (0x7f << 7)) + NALP + b"r", True))
    # Coordinator realignment in a 2006 frame, with its channel page.
    frames.append((fcf(3, panid_comp=0, dst_mode=3, src_mode=3, version=1) + bytes([0x5c])
                   + short(0xffff) + long_addr(DEV_EUI) + short(PAN) + long_addr(COORD_EUI)
                   + b"\x08" + short(PAN) + short(COORD) + b"\x14" + short(0x4f21) + b"\x00", True))
    return frames


def with_fcs32(mpdu):
    import zlib
    return mpdu + struct.pack("<I", zlib.crc32(mpdu) & 0xffffffff)


def pcap(linktype, records, t0=1796601600):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
    for i, data in enumerate(records):
        sec, usec = t0 + i // 10, (i % 10) * 100000 + 1234
        out += struct.pack("<IIII", sec, usec, len(data), len(data)) + data
    return out


def tap_header(fcs_type, channel=15, lqi=200, rss=-61.5, extra=b""):
    tlvs = b""

    def tlv(t, value):
        pad = (-len(value)) % 4
        return struct.pack("<HH", t, len(value)) + value + b"\x00" * pad

    tlvs += tlv(0, bytes([fcs_type]))
    tlvs += tlv(1, struct.pack("<f", rss))
    tlvs += tlv(3, struct.pack("<HB", channel, 0))
    tlvs += tlv(10, bytes([lqi]))
    if extra:
        tlvs += tlv(40, extra)   # a TLV type not defined (yet): shown as unknown
    return struct.pack("<BBH", 0, 0, 4 + len(tlvs)) + tlvs


# ---- 6LoWPAN (RFC 4944, RFC 6282) carrying CoAP (RFC 7252) ----------------

def coap(mtype, code, mid, token, options=b"", payload=b""):
    out = bytes([0x40 | mtype << 4 | len(token), code]) + struct.pack(">H", mid) + token + options
    return out + (b"\xff" + payload if payload else b"")


def coap_uri_path(*segments):
    out, prev = b"", 0
    for seg in segments:
        out += bytes([(11 - prev) << 4 | len(seg)]) + seg
        prev = 11
    return out


def udp_checksum(src, dst, udp):
    pseudo = src + dst + struct.pack(">I", len(udp)) + b"\x00\x00\x00\x11"
    data = pseudo + udp + (b"\x00" if len(udp) % 2 else b"")
    total = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return (~total & 0xffff) or 0xffff


def ll_from_short(a):
    return bytes.fromhex("fe80000000000000000000fffe00") + struct.pack(">H", a)


def ll_from_eui(eui):
    b = bytearray(bytes.fromhex(eui.replace(":", "")))
    b[0] ^= 0x02
    return bytes.fromhex("fe80000000000000") + bytes(b)


def iphc(tf, nh, hlim, sam, dam, m=0, sac=0, dac=0, cid=0):
    return struct.pack(">H", 0x6000 | tf << 11 | nh << 10 | hlim << 8 | cid << 7 | sac << 6
                       | sam << 4 | m << 3 | dac << 2 | dam)


def nhc_udp(sport, dport, payload, src, dst, ports_mode=0, elide_checksum=False):
    """The NHC UDP header (RFC 6282 4.3.3) for the datagram, and the datagram."""
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    csum = udp_checksum(src, dst, udp)
    head = bytes([0xf0 | (4 if elide_checksum else 0) | ports_mode])
    if ports_mode == 0:
        head += struct.pack(">HH", sport, dport)
    elif ports_mode == 1:
        head += struct.pack(">HB", sport, dport & 0xff)
    elif ports_mode == 2:
        head += struct.pack(">BH", sport & 0xff, dport)
    else:
        head += bytes([(sport & 0xf) << 4 | (dport & 0xf)])
    if not elide_checksum:
        head += struct.pack(">H", csum)
    return head


def data_frame(seq, dst, src, payload, dst_long=None, src_long=None, ack=1):
    """A data frame in PAN 0x1a62 between short (or long) addresses."""
    dmode, smode = (3 if dst_long else 2), (3 if src_long else 2)
    head = fcf(1, ack_req=ack, panid_comp=1, dst_mode=dmode, src_mode=smode) + bytes([seq]) + short(PAN)
    head += long_addr(dst_long) if dst_long else short(dst)
    head += long_addr(src_long) if src_long else short(src)
    return head + payload


def lowpan_frames():
    frames = []
    node, border = 0x4f21, 0x0000
    src, dst = ll_from_short(node), ll_from_short(border)
    get = coap(0, 1, 0x1201, b"\xa1\xb2", coap_uri_path(b"sensors", b"temp"))
    # 1: everything derived from the MAC, UDP ports and checksum inline.
    frames.append(data_frame(0x30, border, node, iphc(3, 1, 2, 3, 3)
                             + nhc_udp(5683, 5683, get, src, dst) + get))
    # 2: the answer with the IPv6 header almost uncompressed: traffic class
    # and flow label inline, next header inline, hop limit inline, source
    # 64 bits inline, destination 16 bits inline, UDP header inline.
    rsp = coap(2, 0x45, 0x1201, b"\xa1\xb2", b"\xc1\x00", b"21.5 C")
    udp = struct.pack(">HHHH", 5683, 5683, 8 + len(rsp), 0) + rsp
    udp = udp[:6] + struct.pack(">H", udp_checksum(dst, src, udp)) + udp[8:]
    frames.append(data_frame(0x31, node, border, iphc(0, 0, 0, 1, 2)
                             + bytes([0x2e, 0x0a, 0xbc, 0xde]) + b"\x11" + b"\x3f"
                             + dst[8:] + src[14:] + udp))
    # 3: extended MAC addresses; ECN + flow label (TF=1); hop limit 1;
    # ports 0xf0b1 -> 0xf0b3 in one byte; checksum elided.
    esrc, edst = ll_from_eui(DEV_EUI), ll_from_eui(COORD_EUI)
    obs = coap(1, 1, 0x1202, b"\x07", coap_uri_path(b"led"))
    frames.append(data_frame(0x32, None, None, iphc(1, 1, 1, 3, 3)
                             + bytes([0x40, 0x01, 0x23]) + nhc_udp(0xf0b1, 0xf0b3, obs, esrc, edst, 3, True) + obs,
                             dst_long=COORD_EUI, src_long=DEV_EUI))
    # 4: ECN + DSCP (TF=2); hop limit 255; source 16 bits inline; multicast
    # ff02::1 in one byte (DAM=3); destination port 0xf0xx in one byte.
    disc = coap(1, 1, 0x1203, b"", coap_uri_path(b".well-known", b"core"))
    mdst = bytes.fromhex("ff020000000000000000000000000001")
    frames.append(data_frame(0x33, 0xffff, node, iphc(2, 1, 3, 2, 3, m=1) + bytes([0x28])
                             + struct.pack(">H", node) + b"\x01"
                             + nhc_udp(5683, 0xf012, disc, src, mdst, 1) + disc, ack=0))
    # 5: the unspecified source (SAC=1, SAM=0) to ff02::fb (DAM=3), and a
    # 48-bit multicast form (DAM=1: ff05::1:3) and a 32-bit one (DAM=2).
    for seq, dam, inline, group in (
            (0x34, 1, bytes([0x05, 0x00, 0x00, 0x01, 0x00, 0x03]), "ff050000000000000000000000010003"),
            (0x35, 2, bytes([0x03, 0x00, 0x00, 0xfc]), "ff0300000000000000000000000000fc"),
            (0x36, 0, bytes.fromhex("ff0e0000000000000000000000000123"), "ff0e0000000000000000000000000123")):
        gdst = bytes.fromhex(group)
        msg = coap(1, 2, 0x1300 + seq, b"", coap_uri_path(b"rd"))
        frames.append(data_frame(seq, 0xffff, node, iphc(3, 1, 2, 0, dam, m=1, sac=1) + inline
                                 + nhc_udp(0xf0b2 + seq - 0x34, 5683, msg, bytes(16), gdst, 2) + msg, ack=0))
    # 6: a hop-by-hop options header compressed as NHC (EID 0), then UDP.
    hbh = bytes([0xe1, 0x06]) + b"\x01\x04\x00\x00\x00\x00"   # PadN over 6 bytes
    ping = coap(0, 0, 0x1207, b"")
    frames.append(data_frame(0x37, border, node, iphc(3, 1, 2, 3, 3) + hbh
                             + nhc_udp(5683, 5683, ping, src, dst) + ping))
    # 7: the uncompressed IPv6 dispatch (0x41).
    ack = coap(2, 0, 0x1207, b"")
    udp = struct.pack(">HHHH", 5683, 5683, 8 + len(ack), 0) + ack
    udp = udp[:6] + struct.pack(">H", udp_checksum(dst, src, udp)) + udp[8:]
    ip6 = struct.pack(">IHBB", 0x60000000, len(udp), 17, 64) + dst + src
    frames.append(data_frame(0x38, node, border, b"\x41" + ip6 + udp))
    # 8: a mesh header (originator 0x4f21, final 0x0000, 5 hops left) before IPHC.
    mesh = bytes([0x80 | 0x30 | 5]) + struct.pack(">HH", node, border)
    frames.append(data_frame(0x39, 0x0001, node, mesh + iphc(3, 1, 2, 3, 3)
                             + nhc_udp(5683, 5683, get, src, dst) + get))
    # 9-11: a CoAP answer too big for one frame, in FRAG1 + 2 FRAGN.
    big = coap(2, 0x45, 0x1208, b"\x55", b"\xc1\x32", (b'{"t":21.5,"rh":48,"log":"' + b"x" * 140 + b'"}'))
    head = iphc(3, 1, 2, 3, 3) + nhc_udp(5683, 5683, big, dst, src)
    datagram = 40 + 8 + len(big)
    # Compressed header + first 56 bytes of the uncompressed datagram after the IPv6+UDP headers.
    first = big[:40]   # 48 header bytes + 40 = 88: later offsets stay multiples of 8
    chunks = [big[40:40 + 64], big[104:]]
    tag = 0x0b0b
    frames.append(data_frame(0x3a, node, border, struct.pack(">HH", 0xc000 | datagram, tag) + head + first))
    off = 48 + 40
    for i, c in enumerate(chunks):
        frames.append(data_frame(0x3b + i, node, border,
                                 struct.pack(">HHB", 0xe000 | datagram, tag, off // 8) + c))
        off += len(c)
    # 12-13: another fragmented datagram whose middle fragment never arrives.
    tag = 0x0b0c
    frames.append(data_frame(0x3d, node, border, struct.pack(">HH", 0xc000 | datagram, tag) + head + first))
    frames.append(data_frame(0x3f, node, border,
                             struct.pack(">HHB", 0xe000 | datagram, tag, (48 + 40 + 64) // 8) + chunks[1]))
    return frames


# ---- Zigbee PRO (NWK, APS, ZCL), without security ------------------------------

def zb_nwk(dst, src, seq, payload, frame_type=0, discovery=0, radius=30, security=0):
    fc = frame_type | 2 << 2 | discovery << 6 | security << 9
    return struct.pack("<HHHBB", fc, dst, src, radius, seq) + payload


def zb_aps_data(cluster, counter, payload, dst_ep=1, src_ep=1, profile=0x0104, ack_req=0, group=None):
    if group is not None:
        return (struct.pack("<BHHHBB", 0x0c | ack_req << 6, group, cluster, profile, src_ep, counter)
                + payload)
    return struct.pack("<BBHHBB", ack_req << 6, dst_ep, cluster, profile, src_ep, counter) + payload


def zb_aps_ack(cluster, counter, dst_ep=1, src_ep=1, profile=0x0104):
    return struct.pack("<BBHHBB", 0x02, dst_ep, cluster, profile, src_ep, counter)


def zcl(frame_type, seq, cmd, payload=b"", server_to_client=0, no_default_rsp=0, mfr=None):
    fc = frame_type | (4 if mfr is not None else 0) | server_to_client << 3 | no_default_rsp << 4
    head = bytes([fc]) + (struct.pack("<H", mfr) if mfr is not None else b"")
    return head + bytes([seq, cmd]) + payload


def zigbee_frames():
    light, coord = 0x4f21, 0x0000
    out = []
    seq = [0x70]

    def frame(dst, src, payload):
        seq[0] += 1
        return data_frame(seq[0], dst, src, payload, ack=0 if dst == 0xffff else 1)

    # On/Off commands from the coordinator to the light, and its answers.
    out.append(frame(light, coord, zb_nwk(light, coord, 1, zb_aps_data(0x0006, 1, zcl(1, 10, 0x02), ack_req=1))))
    out.append(frame(coord, light, zb_nwk(coord, light, 50, zb_aps_ack(0x0006, 1))))
    out.append(frame(coord, light, zb_nwk(coord, light, 51, zb_aps_data(
        0x0006, 7, zcl(0, 10, 0x0b, b"\x02\x00", server_to_client=1, no_default_rsp=1)))))
    out.append(frame(light, coord, zb_nwk(light, coord, 2, zb_aps_data(0x0006, 2, zcl(1, 11, 0x01)))))
    out.append(frame(light, coord, zb_nwk(light, coord, 3, zb_aps_data(0x0006, 3, zcl(1, 12, 0x00)))))
    # Read attributes (On/Off of the On/Off cluster, ZCL version of Basic) and responses.
    out.append(frame(light, coord, zb_nwk(light, coord, 4, zb_aps_data(0x0006, 4, zcl(0, 13, 0x00, b"\x00\x00")))))
    out.append(frame(coord, light, zb_nwk(coord, light, 52, zb_aps_data(
        0x0006, 8, zcl(0, 13, 0x01, b"\x00\x00\x00\x10\x00", server_to_client=1, no_default_rsp=1)))))
    out.append(frame(light, coord, zb_nwk(light, coord, 5, zb_aps_data(0x0000, 5, zcl(0, 14, 0x00, b"\x00\x00\x04\x00")))))
    out.append(frame(coord, light, zb_nwk(coord, light, 53, zb_aps_data(
        0x0000, 9, zcl(0, 14, 0x01, b"\x00\x00\x00\x20\x03\x04\x00\x86", server_to_client=1, no_default_rsp=1)))))
    # Report attributes: temperature 21.50 C, humidity 48.00 %, occupancy.
    out.append(frame(coord, light, zb_nwk(coord, light, 54, zb_aps_data(
        0x0402, 10, zcl(0, 15, 0x0a, b"\x00\x00\x29" + struct.pack("<h", 2150), server_to_client=1, no_default_rsp=1)))))
    out.append(frame(coord, light, zb_nwk(coord, light, 55, zb_aps_data(
        0x0405, 11, zcl(0, 16, 0x0a, b"\x00\x00\x21" + struct.pack("<H", 4800), server_to_client=1, no_default_rsp=1)))))
    # Write attributes and its response, manufacturer specific.
    out.append(frame(light, coord, zb_nwk(light, coord, 6, zb_aps_data(
        0xfc00, 6, zcl(0, 17, 0x02, b"\x01\x00\x20\x05", mfr=0x115f)))))
    out.append(frame(coord, light, zb_nwk(coord, light, 56, zb_aps_data(
        0xfc00, 12, zcl(0, 17, 0x04, b"\x00", server_to_client=1, no_default_rsp=1, mfr=0x115f)))))
    # NWK header with both extended addresses (destination and source EUI-64).
    ext = zb_nwk(light, coord, 8, b"")
    ext = struct.pack("<H", 0x0008 | 0x0800 | 0x1000) + ext[2:] + long_addr(DEV_EUI) + long_addr(COORD_EUI)
    out.append(frame(light, coord, ext + zb_aps_data(0x0006, 14, zcl(1, 19, 0x01))))
    # A group-addressed Toggle, broadcast on the MAC and NWK (0xfffd).
    out.append(frame(0xffff, coord, zb_nwk(0xfffd, coord, 7, zb_aps_data(
        0x0006, 13, zcl(1, 18, 0x02), group=0x0001), radius=8)))
    return out


def write_captures(outdir):
    frames = mac_frames()
    with_crc = [with_fcs(m, good) for m, good in frames]
    files = {
        "wpan-fcs.pcap": pcap(195, with_crc),
        "wpan-nonask.pcap": pcap(215, [b"\x00\x00\x00\x00\xa7" + bytes([len(f)]) + f
                                       for f in with_crc]),
        "wpan-nofcs.pcap": pcap(230, [m for m, _ in frames]),
        "wpan-tap.pcap": pcap(283, [tap_header(1, lqi=100 + i) + f
                                    for i, f in enumerate(with_crc)]
                              + [tap_header(0) + frames[8][0],
                                 tap_header(2, channel=20, extra=b"\x01\x02\x03") + with_fcs32(frames[8][0])]),
    }
    files["lowpan-coap.pcap"] = pcap(195, [with_fcs(f) for f in lowpan_frames()])
    files["zigbee.pcap"] = pcap(195, [with_fcs(f) for f in zigbee_frames()])
    for name, data in files.items():
        with open(f"{outdir}/{name}", "wb") as f:
            f.write(data)


def ntp_now():
    now = time.time()
    return struct.pack(">II", int(now) + 2208988800, int((now % 1) * 2**32))


def zep_datagrams():
    """ZEP as a border router or a sniffer bridge sends it."""
    frames = mac_frames()
    out = []
    seq = 1
    for i, (mpdu, good) in enumerate(frames):
        full = with_fcs(mpdu, good)
        if i % 3 == 0:
            # Version 1: channel, device id, CRC mode, LQI, 7 reserved bytes.
            out.append(b"EX\x01" + struct.pack(">BHBB", 11 + i, 0x1234, 1, 180)
                       + b"\x00" * 7 + bytes([len(full)]) + full)
        else:
            # Version 2 data: adds an NTP timestamp and a sequence number.
            out.append(b"EX\x02\x01" + struct.pack(">BHBB", 15, 0x0042, 1, 200 + i) + ntp_now()
                       + struct.pack(">I", seq) + b"\x00" * 10 + bytes([len(full)]) + full)
            seq += 1
    # Version 2 ack datagram.
    out.append(b"EX\x02\x02" + struct.pack(">I", seq))
    # Version 2 in LQI mode: the last two bytes carry RSSI and correlation.
    data = frames[8][0] + bytes([0xc4, 0x80 | 100])
    out.append(b"EX\x02\x01" + struct.pack(">BHBB", 15, 0x0042, 0, 99) + ntp_now()
               + struct.pack(">I", seq + 1) + b"\x00" * 10 + bytes([len(data)]) + data)
    return out


def send_zep(host, port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for d in zep_datagrams():
            s.sendto(d, (host, port))
            time.sleep(0.02)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--zep":
        send_zep(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 2:
        write_captures(sys.argv[1])
    else:
        sys.exit(__doc__)
