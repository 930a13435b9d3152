#!/usr/bin/python3
"""Byte-level generator of secured Zigbee PRO captures (no radio here).

Usage: zigbee_sec_gen.py OUTDIR

Needs Debian's python3-cryptography (AES for CCM* and the Matyas-Meyer-Oseas
hash); the 802.15.4 framing comes from radio_154.py next to this file.

Files written:
  zigbee-join.pcap    LINKTYPE_IEEE802_15_4_TAP (283), RSS and LQI per frame:
                      a sensor joins a coordinator/trust centre; the network
                      key travels in an APS Transport-Key encrypted under the
                      well-known default trust-centre link key
                      "ZigBeeAlliance09", so anyone can read it; then device
                      announce and NWK-encrypted ZDP and ZCL reports, MAC
                      retries and a missing acknowledgement.
  zigbee-nwkkey.pcap  LINKTYPE_IEEE802_15_4_WITHFCS (195): NWK-encrypted
                      frames whose network key only the user knows (given as
                      tshark's uat:zigbee_pc_keys in zigbee-nwkkey.opts), one
                      frame under another key and one with a broken MIC.
  zigbee-zdp.pcap     LINKTYPE_IEEE802_15_4_WITHFCS (195): ZDP descriptor,
                      bind and management exchanges and ZCL attributes of
                      the Basic, On/Off, Level, Color, Temperature, Humidity,
                      Occupancy, IAS Zone and Metering clusters, without
                      security.

The CCM* nonce, authentication data and key hashing follow the Zigbee PRO
specification (05-3474, 4.5.1 and annex B): nonce = source EUI-64 (little-
endian) | frame counter (little-endian) | security control with the real
security level (5: encryption and 32-bit MIC; sent as 0); authentication
data = the header up to and including the auxiliary security header; the
key-transport key is HMAC-MMO(link key, 0x00).
"""
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radio_154 as r  # noqa: E402

DEFAULT_TC_LINK_KEY = b"ZigBeeAlliance09"
NETWORK_KEY = bytes.fromhex("01030507090b0d0f00020406080a0c0d")
USER_NETWORK_KEY = bytes.fromhex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf")
OTHER_KEY = bytes.fromhex("ffeeddccbbaa99887766554433221100")
SECURITY_LEVEL = 5          # ENC-MIC-32, the only level Zigbee PRO uses

COORD, SENSOR, LIGHT = 0x0000, 0x6a3c, 0x4f21
COORD_EUI = "00:12:4b:00:0a:0b:0c:0d"
SENSOR_EUI = "00:12:4b:00:01:02:03:05"
LIGHT_EUI = r.DEV_EUI


# ---- crypto -------------------------------------------------------------

def aes_block(key, block):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def mmo_hash(data):
    """Matyas-Meyer-Oseas hash over AES-128 (annex B.6), for data < 8 KiB."""
    bits = len(data) * 8
    padded = data + b"\x80"
    while len(padded) % 16 != 14:
        padded += b"\x00"
    padded += struct.pack(">H", bits)
    h = bytes(16)
    for i in range(0, len(padded), 16):
        block = padded[i:i + 16]
        h = bytes(a ^ b for a, b in zip(aes_block(h, block), block))
    return h


def hmac_mmo(key, message):
    inner = mmo_hash(bytes(k ^ 0x36 for k in key) + message)
    return mmo_hash(bytes(k ^ 0x5c for k in key) + inner)


def key_transport_key(link_key):
    return hmac_mmo(link_key, b"\x00")


def secure(header, aux, payload, key, src_eui, counter):
    """Header | aux | CCM*(payload) | MIC-32; aux[0] is the security control as sent."""
    control = aux[0] | SECURITY_LEVEL
    nonce = r.long_addr(src_eui) + struct.pack("<I", counter) + bytes([control])
    aad = header + bytes([control]) + aux[1:]
    return header + aux + AESCCM(key, tag_length=4).encrypt(nonce, payload, aad)


def aux_header(key_id, counter, src_eui, key_seq=None):
    out = bytes([key_id << 3 | 0x20]) + struct.pack("<I", counter) + r.long_addr(src_eui)
    return out + (bytes([key_seq]) if key_seq is not None else b"")


# ---- NWK / APS / ZDP builders ---------------------------------------------

def nwk_header(dst, src, seq, frame_type=0, security=0, radius=30, ext_src=None, discovery=1):
    fc = frame_type | 2 << 2 | discovery << 6 | security << 9 | (0x1000 if ext_src else 0)
    head = struct.pack("<HHHBB", fc, dst, src, radius, seq)
    return head + (r.long_addr(ext_src) if ext_src else b"")


def nwk_secured(dst, src, seq, inner, src_eui, counter, key=NETWORK_KEY, frame_type=0, radius=30):
    head = nwk_header(dst, src, seq, frame_type=frame_type, security=1, radius=radius, ext_src=src_eui)
    return secure(head, aux_header(1, counter, src_eui, key_seq=0), inner, key, src_eui, counter)


def nwk_plain(dst, src, seq, inner, frame_type=0, radius=30):
    return nwk_header(dst, src, seq, frame_type=frame_type, radius=radius) + inner


def zdp(cluster, counter, payload, broadcast=False):
    """APS data frame of the device profile: endpoint 0 to endpoint 0."""
    fcf = 0x08 if broadcast else 0x00
    return struct.pack("<BBHHBB", fcf, 0, cluster, 0x0000, 0, counter) + payload


def transport_key_command(network_key, dst_eui, src_eui, key_seq=0):
    return (bytes([0x05, 0x01]) + network_key + bytes([key_seq])
            + r.long_addr(dst_eui) + r.long_addr(src_eui))


class Radio:
    """Collects MAC frames with their TAP metadata (RSS dBm, LQI) and times."""

    def __init__(self):
        self.frames = []
        self.mac_seq = {}

    def next_seq(self, src):
        self.mac_seq[src] = (self.mac_seq.get(src, 0x20 + (src & 0x3f)) + 1) & 0xff
        return self.mac_seq[src]

    def data(self, t, dst, src, payload, rss=-60.0, lqi=200, seq=None, ack=None, dst_long=None):
        seq = self.next_seq(src) if seq is None else seq
        ack_req = 0 if dst == 0xffff else 1
        mpdu = r.data_frame(seq, dst, src, payload, ack=ack_req, dst_long=dst_long)
        self.frames.append((t, mpdu, rss, lqi))
        if ack_req and ack is not False:
            self.frames.append((t + 0.002, r.fcf(2) + bytes([seq]), rss, lqi))
        return seq

    def raw(self, t, mpdu, rss=-60.0, lqi=200):
        self.frames.append((t, mpdu, rss, lqi))


def pcap(linktype, records):
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, linktype)
    for t, data in records:
        sec = int(t)
        usec = int(round((t - sec) * 1e6))
        out += struct.pack("<IIII", sec, usec, len(data), len(data)) + data
    return out


T0 = 1796605200.0


def join_capture():
    radio = Radio()
    t = T0
    tc_counter = [0x100]
    sensor_counter = [0x40]
    nwk_seq = {COORD: 0x10, SENSOR: 0x80}

    def tc_frame():
        tc_counter[0] += 1
        return tc_counter[0]

    def sensor_frame():
        sensor_counter[0] += 1
        return sensor_counter[0]

    def nseq(src):
        nwk_seq[src] = (nwk_seq[src] + 1) & 0xff
        return nwk_seq[src]

    # MAC association of the sensor (long source until it has a short address).
    radio.raw(t, r.fcf(3, dst_mode=2) + bytes([0x01]) + r.short(0xffff) + r.short(0xffff) + b"\x07")
    sf = 0x0f | 0x0f << 4 | 0x0f << 8 | 1 << 14 | 1 << 15
    radio.raw(t + 0.01, r.fcf(0, src_mode=2) + bytes([0x90]) + r.short(r.PAN) + r.short(COORD)
              + struct.pack("<H", sf) + b"\x00\x00", rss=-48.0, lqi=230)
    t += 0.5
    radio.raw(t, r.fcf(3, ack_req=1, dst_mode=2, src_mode=3) + bytes([0x02]) + r.short(r.PAN)
              + r.short(COORD) + r.short(0xffff) + r.long_addr(SENSOR_EUI) + b"\x01\x80", rss=-71.0, lqi=150)
    radio.raw(t + 0.002, r.fcf(2) + bytes([0x02]), rss=-48.0, lqi=230)
    t += 0.5
    radio.raw(t, r.fcf(3, ack_req=1, panid_comp=1, dst_mode=2, src_mode=3) + bytes([0x03])
              + r.short(r.PAN) + r.short(COORD) + r.long_addr(SENSOR_EUI) + b"\x04", rss=-71.0, lqi=150)
    radio.raw(t + 0.002, r.fcf(2, pending=1) + bytes([0x03]), rss=-48.0, lqi=230)
    radio.raw(t + 0.01, r.fcf(3, ack_req=1, panid_comp=1, dst_mode=3, src_mode=3) + bytes([0x91])
              + r.short(r.PAN) + r.long_addr(SENSOR_EUI) + r.long_addr(COORD_EUI)
              + b"\x02" + r.short(SENSOR) + b"\x00", rss=-48.0, lqi=230)
    radio.raw(t + 0.012, r.fcf(2) + bytes([0x91]), rss=-71.0, lqi=150)

    # The trust centre sends the network key in an APS Transport-Key,
    # encrypted with the key-transport key hashed from the default link key.
    t += 0.3
    counter = tc_frame()
    aps_head = bytes([0x21, 0x40])   # command, security; APS counter 0x40
    aps = secure(aps_head, aux_header(2, counter, COORD_EUI),
                 transport_key_command(NETWORK_KEY, SENSOR_EUI, COORD_EUI),
                 key_transport_key(DEFAULT_TC_LINK_KEY), COORD_EUI, counter)
    radio.data(t, SENSOR, COORD, nwk_plain(SENSOR, COORD, nseq(COORD), aps), rss=-48.0, lqi=230)

    # From here on everything is NWK-encrypted with the network key.
    t += 0.4
    announce = zdp(0x0013, 0x01, bytes([0x81]) + r.short(SENSOR) + r.long_addr(SENSOR_EUI) + b"\x80",
                   broadcast=True)
    radio.data(t, 0xffff, SENSOR, nwk_secured(0xfffd, SENSOR, nseq(SENSOR), announce, SENSOR_EUI,
                                                sensor_frame()), rss=-70.0, lqi=152)
    # The coordinator asks for the node descriptor and the active endpoints.
    t += 0.5
    radio.data(t, SENSOR, COORD, nwk_secured(SENSOR, COORD, nseq(COORD),
                                              zdp(0x0002, 0x41, bytes([0x10]) + r.short(SENSOR)),
                                              COORD_EUI, tc_frame()), rss=-48.0, lqi=230)
    t += 0.1
    node_desc = (bytes([0x10, 0x00]) + r.short(SENSOR) + bytes([0x02, 0x40, 0x80]) + r.short(0x1037)
                 + bytes([0x50]) + r.short(0x00a0) + r.short(0x2c00) + r.short(0x00a0) + bytes([0x00]))
    radio.data(t, COORD, SENSOR, nwk_secured(COORD, SENSOR, nseq(SENSOR), zdp(0x8002, 0x81, node_desc),
                                              SENSOR_EUI, sensor_frame()), rss=-70.0, lqi=152)
    t += 0.1
    radio.data(t, SENSOR, COORD, nwk_secured(SENSOR, COORD, nseq(COORD),
                                              zdp(0x0005, 0x42, bytes([0x11]) + r.short(SENSOR)),
                                              COORD_EUI, tc_frame()), rss=-48.0, lqi=230)
    t += 0.1
    radio.data(t, COORD, SENSOR, nwk_secured(COORD, SENSOR, nseq(SENSOR),
                                              zdp(0x8005, 0x82, bytes([0x11, 0x00]) + r.short(SENSOR) + b"\x01\x01"),
                                              SENSOR_EUI, sensor_frame()), rss=-70.0, lqi=152)

    # Temperature and humidity reports every 10 s; one report is sent three
    # times (MAC retries: same MAC sequence number, no ack until the last),
    # one is never acknowledged.
    temps = [2150, 2162, 2175, 2190, 2201, 2188]
    hums = [4800, 4810, 4795, 4770, 4760, 4755]
    for i, (temp, hum) in enumerate(zip(temps, hums)):
        t = T0 + 10 * (i + 1)
        zcl = r.zcl(0, 0x20 + i, 0x0a, b"\x00\x00\x29" + struct.pack("<h", temp),
                    server_to_client=1, no_default_rsp=1)
        payload = nwk_secured(COORD, SENSOR, nseq(SENSOR), r.zb_aps_data(0x0402, 0x83 + 2 * i, zcl),
                              SENSOR_EUI, sensor_frame())
        if i == 2:
            seq = radio.next_seq(SENSOR)
            for k in range(3):
                radio.data(t + 0.03 * k, COORD, SENSOR, payload, rss=-88.0 + k, lqi=60 + k, seq=seq,
                           ack=(k == 2))
        elif i == 4:
            radio.data(t, COORD, SENSOR, payload, rss=-90.0, lqi=40, ack=False)
        else:
            radio.data(t, COORD, SENSOR, payload, rss=-70.0 - i, lqi=150 - i)
        zcl = r.zcl(0, 0x40 + i, 0x0a, b"\x00\x00\x21" + struct.pack("<H", hum),
                    server_to_client=1, no_default_rsp=1)
        radio.data(t + 0.2, COORD, SENSOR, nwk_secured(COORD, SENSOR, nseq(SENSOR),
                                                        r.zb_aps_data(0x0405, 0x84 + 2 * i, zcl),
                                                        SENSOR_EUI, sensor_frame()), rss=-70.0, lqi=150)

    # The sensor rejoins (NWK rejoin request / response, secured), then
    # announces itself again.
    t = T0 + 65
    cmd = bytes([0x06, 0x80])
    radio.data(t, COORD, SENSOR, nwk_secured(COORD, SENSOR, nseq(SENSOR), cmd, SENSOR_EUI, sensor_frame(),
                                              frame_type=1, radius=1), rss=-72.0, lqi=148)
    t += 0.05
    cmd = bytes([0x07]) + r.short(SENSOR) + b"\x00"
    radio.data(t, SENSOR, COORD, nwk_secured(SENSOR, COORD, nseq(COORD), cmd, COORD_EUI, tc_frame(),
                                              frame_type=1, radius=1), rss=-48.0, lqi=230)
    t += 0.3
    announce = zdp(0x0013, 0x02, bytes([0x82]) + r.short(SENSOR) + r.long_addr(SENSOR_EUI) + b"\x80",
                   broadcast=True)
    radio.data(t, 0xffff, SENSOR, nwk_secured(0xfffd, SENSOR, nseq(SENSOR), announce, SENSOR_EUI,
                                                sensor_frame()), rss=-70.0, lqi=152)

    records = []
    for i, (t, mpdu, rss, lqi) in enumerate(radio.frames):
        records.append((t, r.tap_header(1, channel=15, lqi=lqi, rss=rss) + r.with_fcs(mpdu)))
    return pcap(283, records)


def nwkkey_capture():
    """NWK-encrypted HA traffic between the coordinator and a light."""
    frames = []
    t = T0 + 3600
    counter = [0x2000]
    mac_seq = [0x60]

    def send(dst, src, nwk_seq, inner, src_eui, key=USER_NETWORK_KEY, corrupt=False):
        counter[0] += 1
        mac_seq[0] += 1
        nwk = nwk_secured(dst, src, nwk_seq, inner, src_eui, counter[0], key=key)
        if corrupt:
            nwk = nwk[:-1] + bytes([nwk[-1] ^ 0x01])
        frames.append((t, r.with_fcs(r.data_frame(mac_seq[0], dst, src, nwk))))
        frames.append((t + 0.002, r.with_fcs(r.fcf(2) + bytes([mac_seq[0]]))))

    send(LIGHT, COORD, 0x31, r.zb_aps_data(0x0006, 0x11, r.zcl(1, 0x51, 0x02), ack_req=1), COORD_EUI)
    t += 0.05
    send(COORD, LIGHT, 0xa1, r.zb_aps_ack(0x0006, 0x11), LIGHT_EUI)
    t += 0.05
    send(COORD, LIGHT, 0xa2, r.zb_aps_data(0x0006, 0x12, r.zcl(0, 0x51, 0x0b, b"\x02\x00",
                                                              server_to_client=1, no_default_rsp=1)), LIGHT_EUI)
    t += 1
    send(LIGHT, COORD, 0x32, r.zb_aps_data(0x0008, 0x13, r.zcl(1, 0x52, 0x04, b"\x80\x0a\x00")), COORD_EUI)
    t += 1
    send(COORD, LIGHT, 0xa3, r.zb_aps_data(0x0006, 0x14, r.zcl(0, 0x53, 0x0a, b"\x00\x00\x10\x01",
                                                              server_to_client=1, no_default_rsp=1)), LIGHT_EUI)
    t += 1
    # Encrypted with a key nobody gave: stays encrypted.
    send(LIGHT, COORD, 0x33, r.zb_aps_data(0x0006, 0x15, r.zcl(1, 0x54, 0x00)), COORD_EUI, key=OTHER_KEY)
    t += 1
    # The right key, but the MIC was damaged on the way.
    send(LIGHT, COORD, 0x34, r.zb_aps_data(0x0006, 0x16, r.zcl(1, 0x55, 0x01)), COORD_EUI, corrupt=True)
    return pcap(195, frames)


def attr_report(attrs):
    """Report/Write Attributes records: (attribute id, data type, value bytes)."""
    return b"".join(struct.pack("<HB", a, t) + v for a, t, v in attrs)


def read_rsp(attrs):
    return b"".join(struct.pack("<HBB", a, 0, t) + v for a, t, v in attrs)


def zdp_capture():
    """Device discovery and management between the coordinator and a light
    (0x4f21), then the light's clusters, all without security."""
    frames = []
    t = [T0 + 7200]
    mac_seq = [0x30]
    nwk_seq = [0x40]
    aps_counter = [0x10]
    zdp_seq = [0x20]

    def send(dst, src, aps, gap=0.1):
        mac_seq[0] = (mac_seq[0] + 1) & 0xff
        nwk_seq[0] = (nwk_seq[0] + 1) & 0xff
        ack = 0 if dst == 0xffff else 1
        nwk_dst = 0xfffd if dst == 0xffff else dst
        mpdu = r.data_frame(mac_seq[0], dst, src, nwk_plain(nwk_dst, src, nwk_seq[0], aps), ack=ack)
        frames.append((t[0], r.with_fcs(mpdu)))
        if ack:
            frames.append((t[0] + 0.002, r.with_fcs(r.fcf(2) + bytes([mac_seq[0]]))))
        t[0] = round(t[0] + gap, 3)

    def zreq(dst, src, cluster, payload, broadcast=False):
        aps_counter[0] += 1
        zdp_seq[0] += 1
        send(dst, src, zdp(cluster, aps_counter[0], bytes([zdp_seq[0]]) + payload, broadcast=broadcast))

    def zrsp(dst, src, cluster, payload):
        aps_counter[0] += 1
        send(dst, src, zdp(cluster, aps_counter[0], bytes([zdp_seq[0]]) + payload))

    light = r.long_addr(LIGHT_EUI)
    coord = r.long_addr(COORD_EUI)
    zreq(0xffff, LIGHT, 0x0013, r.short(LIGHT) + light + b"\x8e", broadcast=True)
    zreq(LIGHT, COORD, 0x0000, light + b"\x00\x00")
    zrsp(COORD, LIGHT, 0x8000, b"\x00" + light + r.short(LIGHT))
    zreq(LIGHT, COORD, 0x0001, r.short(LIGHT) + b"\x00\x00")
    zrsp(COORD, LIGHT, 0x8001, b"\x00" + light + r.short(LIGHT))
    zreq(LIGHT, COORD, 0x0002, r.short(LIGHT))
    # Router, 2.4 GHz, mains, rx on, allocate address; manufacturer 0x115f.
    zrsp(COORD, LIGHT, 0x8002, b"\x00" + r.short(LIGHT) + bytes([0x01, 0x40, 0x8e]) + r.short(0x115f)
         + bytes([0x52]) + r.short(0x0080) + r.short(0x2c00) + r.short(0x0080) + bytes([0x00]))
    zreq(LIGHT, COORD, 0x0003, r.short(LIGHT))
    zrsp(COORD, LIGHT, 0x8003, b"\x00" + r.short(LIGHT) + struct.pack("<H", 0xc110))
    zreq(LIGHT, COORD, 0x0005, r.short(LIGHT))
    zrsp(COORD, LIGHT, 0x8005, b"\x00" + r.short(LIGHT) + bytes([2, 0x01, 0xf2]))
    zreq(LIGHT, COORD, 0x0004, r.short(LIGHT) + b"\x01")
    simple = (bytes([0x01]) + r.short(0x0104) + r.short(0x010d) + bytes([0x01])
              + bytes([6]) + b"".join(r.short(c) for c in (0x0000, 0x0003, 0x0004, 0x0006, 0x0008, 0x0300))
              + bytes([1]) + r.short(0x0019))
    zrsp(COORD, LIGHT, 0x8004, b"\x00" + r.short(LIGHT) + bytes([len(simple)]) + simple)
    zreq(0xffff, COORD, 0x0006, r.short(0xfffd) + r.short(0x0104) + bytes([1]) + r.short(0x0006)
         + bytes([0]), broadcast=True)
    zrsp(COORD, LIGHT, 0x8006, b"\x00" + r.short(LIGHT) + bytes([1, 0x01]))
    # Bind the light's On/Off cluster to the coordinator (64-bit destination)
    # and to group 0x0001 (16-bit destination).
    zreq(LIGHT, COORD, 0x0021, light + b"\x01" + r.short(0x0006) + b"\x03" + coord + b"\x01")
    zrsp(COORD, LIGHT, 0x8021, b"\x00")
    zreq(LIGHT, COORD, 0x0021, light + b"\x01" + r.short(0x0008) + b"\x01" + r.short(0x0001))
    zrsp(COORD, LIGHT, 0x8021, b"\x8c")
    zreq(LIGHT, COORD, 0x0022, light + b"\x01" + r.short(0x0008) + b"\x01" + r.short(0x0001))
    zrsp(COORD, LIGHT, 0x8022, b"\x88")
    # Neighbour table of the light: the coordinator (LQI 255) and a sensor.
    zreq(LIGHT, COORD, 0x0031, b"\x00")
    epan = r.long_addr("dd:dd:00:12:4b:00:0a:0b")
    entries = (epan + coord + r.short(COORD) + bytes([0x00 | 0x1 << 2 | 0x0 << 4, 0x02, 0x00, 0xff])
               + epan + r.long_addr(SENSOR_EUI) + r.short(SENSOR) + bytes([0x02 | 0x0 << 2 | 0x1 << 4, 0x00, 0x02, 0x8c]))
    zrsp(COORD, LIGHT, 0x8031, b"\x00" + bytes([2, 0, 2]) + entries)
    zreq(0xffff, COORD, 0x0036, b"\xb4\x01", broadcast=True)
    zrsp(COORD, LIGHT, 0x8036, b"\x00")
    zreq(LIGHT, COORD, 0x0034, r.long_addr(SENSOR_EUI) + b"\x80")
    zrsp(COORD, LIGHT, 0x8034, b"\x00")

    # ZCL clusters of the light and of sensors behind it.
    zcl_seq = [0x60]

    def zcl(dst, src, cluster, frame_type, cmd, payload=b"", to_client=0):
        zcl_seq[0] += 1
        aps_counter[0] += 1
        send(dst, src, r.zb_aps_data(cluster, aps_counter[0],
                                     r.zcl(frame_type, zcl_seq[0], cmd, payload, server_to_client=to_client,
                                           no_default_rsp=to_client)))

    def zstr(text):
        return bytes([len(text)]) + text

    zcl(LIGHT, COORD, 0x0000, 0, 0x00, struct.pack("<HHHHH", 0x0000, 0x0004, 0x0005, 0x0007, 0x4000))
    zcl(COORD, LIGHT, 0x0000, 0, 0x01, read_rsp([
        (0x0000, 0x20, b"\x03"), (0x0004, 0x42, zstr(b"IoTLab")), (0x0005, 0x42, zstr(b"Bulb E27")),
        (0x0007, 0x30, b"\x01"), (0x4000, 0x42, zstr(b"1.2.7"))]), to_client=1)
    zcl(LIGHT, COORD, 0x0006, 1, 0x01)
    zcl(LIGHT, COORD, 0x0006, 1, 0x00)
    zcl(LIGHT, COORD, 0x0006, 1, 0x02)
    zcl(COORD, LIGHT, 0x0006, 0, 0x0a, attr_report([(0x0000, 0x10, b"\x01")]), to_client=1)
    zcl(LIGHT, COORD, 0x0006, 0, 0x00, struct.pack("<HHH", 0x4000, 0x4001, 0x4003))
    zcl(COORD, LIGHT, 0x0006, 0, 0x01, read_rsp([(0x4000, 0x10, b"\x01"), (0x4001, 0x21, struct.pack("<H", 600)),
                                                  (0x4003, 0x30, b"\xff")]), to_client=1)
    zcl(LIGHT, COORD, 0x0008, 1, 0x04, b"\x80\x0a\x00")
    zcl(LIGHT, COORD, 0x0008, 1, 0x00, b"\xfe\x14\x00")
    zcl(LIGHT, COORD, 0x0008, 1, 0x01, b"\x00\x32")
    zcl(LIGHT, COORD, 0x0008, 1, 0x02, b"\x01\x10\x0a\x00")
    zcl(LIGHT, COORD, 0x0008, 1, 0x07)
    zcl(COORD, LIGHT, 0x0008, 0, 0x0a, attr_report([(0x0000, 0x20, b"\x80")]), to_client=1)
    zcl(LIGHT, COORD, 0x0300, 1, 0x07, struct.pack("<HHH", 0x6000, 0x5000, 0x000a))
    zcl(LIGHT, COORD, 0x0300, 1, 0x0a, struct.pack("<HH", 370, 0x0014))
    zcl(LIGHT, COORD, 0x0300, 1, 0x06, b"\x20\xc0\x05\x00")
    zcl(COORD, LIGHT, 0x0300, 0, 0x0a, attr_report([(0x0003, 0x21, struct.pack("<H", 0x6000)),
                                                     (0x0004, 0x21, struct.pack("<H", 0x5000)),
                                                     (0x0007, 0x21, struct.pack("<H", 370)),
                                                     (0x0008, 0x30, b"\x02")]), to_client=1)
    zcl(COORD, SENSOR, 0x0402, 0, 0x0a, attr_report([(0x0000, 0x29, struct.pack("<h", -512))]), to_client=1)
    zcl(LIGHT, COORD, 0x0402, 0, 0x00, struct.pack("<HHH", 0x0001, 0x0002, 0x0003))
    zcl(COORD, SENSOR, 0x0402, 0, 0x01, read_rsp([(0x0001, 0x29, struct.pack("<h", -4000)),
                                                   (0x0002, 0x29, struct.pack("<h", 12500)),
                                                   (0x0003, 0x21, struct.pack("<H", 50))]), to_client=1)
    zcl(COORD, SENSOR, 0x0405, 0, 0x0a, attr_report([(0x0000, 0x21, struct.pack("<H", 6125))]), to_client=1)
    zcl(COORD, SENSOR, 0x0406, 0, 0x0a, attr_report([(0x0000, 0x18, b"\x01"), (0x0001, 0x30, b"\x00")]),
        to_client=1)
    zcl(COORD, SENSOR, 0x0500, 0, 0x0a, attr_report([(0x0000, 0x30, b"\x01"), (0x0001, 0x31, struct.pack("<H", 0x0015)),
                                                      (0x0002, 0x19, struct.pack("<H", 0x0005))]), to_client=1)
    zcl(COORD, SENSOR, 0x0500, 1, 0x00, struct.pack("<HBBH", 0x0025, 0x00, 0x01, 0x0000), to_client=1)
    zcl(SENSOR, COORD, 0x0500, 1, 0x00, b"\x00\x01")
    zcl(COORD, LIGHT, 0x0702, 0, 0x0a, attr_report([(0x0000, 0x25, struct.pack("<Q", 123456789)[:6]),
                                                     (0x0300, 0x30, b"\x00"),
                                                     (0x0400, 0x2a, struct.pack("<i", 1450)[:3])]), to_client=1)
    zcl(LIGHT, COORD, 0x0702, 0, 0x00, struct.pack("<HHH", 0x0301, 0x0302, 0x0303))
    zcl(COORD, LIGHT, 0x0702, 0, 0x01, read_rsp([(0x0301, 0x22, struct.pack("<I", 1)[:3]),
                                                  (0x0302, 0x22, struct.pack("<I", 1000)[:3]),
                                                  (0x0303, 0x18, b"\x2b")]), to_client=1)
    return pcap(195, frames)


# ---- Thread MLE (UDP 19788 over 6LoWPAN), secured with the MLE key -------

THREAD_MASTER_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
THREAD_KEY_SEQ = 0
LEADER_EUI = "12:34:56:78:9a:bc:de:01"
CHILD_EUI = "12:34:56:78:9a:bc:de:02"


def thread_mle_key(master, seq):
    """The second half of HMAC-SHA256(master key, key sequence | "Thread").
    Thread makes the first half the MLE key and this one the MAC key, so
    these messages open under no key (thread_sec_gen.py has the right
    halves); the capture stays as MLE whose key nobody has."""
    import hashlib
    import hmac
    return hmac.new(master, struct.pack(">I", seq) + b"Thread", hashlib.sha256).digest()[16:]


def mle_frame(seq, src_eui, dst_eui, command, tlvs, counter, secure=True, dst_multicast=False):
    """An 802.15.4 data frame (extended addresses, PAN 0xface) carrying
    IPHC + NHC UDP 19788 -> 19788 + MLE."""
    src_ll = r.ll_from_eui(src_eui)
    dst_ll = bytes.fromhex("ff020000000000000000000000000001") if dst_multicast else r.ll_from_eui(dst_eui)
    body = bytes([command]) + tlvs
    if secure:
        # Security control: level 5, key id mode 2 (key source 4 bytes + index).
        aux = bytes([0x15]) + struct.pack("<I", counter) + struct.pack(">I", THREAD_KEY_SEQ) + bytes([(THREAD_KEY_SEQ & 0x7f) + 1])
        nonce = bytes.fromhex(src_eui.replace(":", "")) + struct.pack(">I", counter) + b"\x05"
        aad = src_ll + dst_ll + aux
        mle = b"\x00" + aux + AESCCM(thread_mle_key(THREAD_MASTER_KEY, THREAD_KEY_SEQ), tag_length=4).encrypt(
            nonce, body, aad)
    else:
        mle = b"\xff" + body
    iphc = r.iphc(3, 1, 3, 3, 3 if dst_multicast else 3, m=1 if dst_multicast else 0) + (b"\x01" if dst_multicast else b"")
    udp = r.nhc_udp(19788, 19788, mle, src_ll, dst_ll)
    dmode = 2 if dst_multicast else 3
    head = r.fcf(1, ack_req=0 if dst_multicast else 1, panid_comp=1, dst_mode=dmode, src_mode=3) + bytes([seq])
    head += r.short(0xface) + (r.short(0xffff) if dst_multicast else r.long_addr(dst_eui)) + r.long_addr(src_eui)
    return head + iphc + udp + mle


def tlv(t, value):
    return bytes([t, len(value)]) + value


def mle_capture():
    frames = []
    t = T0 + 10800
    leader16 = 0x0400
    route64 = bytes([0x05]) + bytes.fromhex("0200000000000000") + bytes([0x00])
    leader = tlv(11, struct.pack(">IBBBB", 0x12345678, 64, 1, 1, 1))
    items = [
        # Unsecured (suite 255): a Link Request from a router that lost its keys.
        (LEADER_EUI, None, 0, tlv(0, r.short(leader16)) + tlv(18, struct.pack(">H", 2))
         + tlv(3, bytes.fromhex("0102030405060708")) + tlv(13, bytes([10, 12])), False, True),
        (LEADER_EUI, None, 4, tlv(0, r.short(leader16)) + leader + tlv(9, route64), True, True),
        (CHILD_EUI, None, 9, tlv(1, bytes([0x0f])) + tlv(3, bytes.fromhex("a1a2a3a4a5a6a7a8"))
         + tlv(14, bytes([0x80])) + tlv(18, struct.pack(">H", 2)), True, True),
        (LEADER_EUI, CHILD_EUI, 10, tlv(0, r.short(leader16)) + leader + tlv(5, struct.pack(">I", 0))
         + tlv(8, struct.pack(">I", 3)) + tlv(4, bytes.fromhex("a1a2a3a4a5a6a7a8"))
         + tlv(3, bytes.fromhex("b1b2b3b4b5b6b7b8")) + tlv(16, bytes([38])) + tlv(18, struct.pack(">H", 2)), True, False),
        (CHILD_EUI, LEADER_EUI, 11, tlv(4, bytes.fromhex("b1b2b3b4b5b6b7b8")) + tlv(5, struct.pack(">I", 0))
         + tlv(8, struct.pack(">I", 2)) + tlv(1, bytes([0x0f])) + tlv(2, struct.pack(">I", 240))
         + tlv(18, struct.pack(">H", 2)) + tlv(13, bytes([10, 12, 9])), True, False),
        (LEADER_EUI, CHILD_EUI, 12, tlv(0, r.short(leader16)) + leader + tlv(10, r.short(0x0401))
         + tlv(2, struct.pack(">I", 240)) + tlv(9, route64), True, False),
        (LEADER_EUI, CHILD_EUI, 0, tlv(0, r.short(leader16)) + tlv(18, struct.pack(">H", 2))
         + tlv(3, bytes.fromhex("c1c2c3c4c5c6c7c8")) + tlv(13, bytes([10, 12])), True, False),
        (CHILD_EUI, LEADER_EUI, 1, tlv(0, r.short(0x0401)) + tlv(4, bytes.fromhex("c1c2c3c4c5c6c7c8"))
         + tlv(5, struct.pack(">I", 7)) + tlv(8, struct.pack(">I", 5)) + tlv(18, struct.pack(">H", 2)), True, False),
    ]
    counters = {LEADER_EUI: 100, CHILD_EUI: 1}
    for i, (src, dst, cmd, tlvs, secure, multicast) in enumerate(items):
        counters[src] += 1
        mpdu = mle_frame(0x70 + i, src, dst, cmd, tlvs, counters[src], secure=secure, dst_multicast=multicast)
        frames.append((t + i * 0.5, r.with_fcs(mpdu)))
    return pcap(195, frames)


def write_captures(outdir):
    files = {
        "zigbee-join.pcap": join_capture(),
        "zigbee-nwkkey.pcap": nwkkey_capture(),
        "zigbee-zdp.pcap": zdp_capture(),
        "thread-mle.pcap": mle_capture(),
    }
    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    write_captures(sys.argv[1])
