#!/usr/bin/env python3
"""Byte-level generator of nRF Sniffer for Bluetooth LE captures
(LINKTYPE_NORDIC_BLE, 272) in the header formats of the sniffer's older
firmware, and the writer the other nRF Sniffer generators share.

No nRF52 dongle is available where the captures are made, so the records
are built here.  The header layouts, by protocol version:

  0 (legacy): 0xBEEF, packet id, packet counter (2 LE), 2 unused bytes,
     payload length (1), then flags, channel, RSSI (negated), event
     counter (2 LE), delta time (4 LE); no length byte of its own
  1: board, header length (6), payload length (1), protocol version,
     packet counter (2 LE), packet id, then the 10-byte packet header
     (its length, flags, channel, RSSI, event counter, delta time)
  2: board, payload length (2 LE), protocol version, packet counter,
     packet id, the 10-byte packet header with a delta time
  3: as 2, with the firmware timestamp in place of the delta time

then the on-air packet from the access address to the CRC (on LE Coded
with the coding indicator after the access address).  The delta time is
the time from the end of the previous packet to the start of this one.

Usage: ble_nordic_versions_gen.py VERSION OUT.pcap   (VERSION 0, 1 or 2)

The story, the same in each version: a thermometer advertises every
~100 ms (with the random advertising delay), a door sensor every ~250 ms;
a phone scans the door sensor, connects to the thermometer, discovers its
Environmental Sensing service and gets temperature notifications.  Odd
but legal: a second sniffer board (id 1) on another advertising channel,
LE 2M data packets, a packet whose CRC failed, an encrypted packet whose
MIC failed, one record whose lengths do not add up (the UART lost bytes)
and one cut short by the capture's snap length.
"""
import random
import struct
import sys

import ble_gen as g

PACKET_ADV = 0x02       # EVENT_PACKET_ADV_PDU (version 3)
PACKET_DATA = 0x06      # EVENT_PACKET_DATA_PDU; every packet before version 3
PHY_1M, PHY_2M, PHY_CODED = 0, 1, 2
DOOR = bytes.fromhex("e8c0ffee0d00")

FLAG_CRC_OK, FLAG_CENTRAL, FLAG_ENCRYPTED, FLAG_MIC_OK = 0x01, 0x02, 0x04, 0x08


def airtime_us(ll_len, phy, coding=0):
    """Preamble to CRC on air, as the sniffer's tools count it."""
    if phy == PHY_1M:
        return 8 * (1 + ll_len)
    if phy == PHY_2M:
        return 4 * (2 + ll_len)
    fec2 = ll_len - 5
    return 376 + fec2 * (64 if coding == 0 else 16) + (24 if coding == 0 else 6)


class Sniffer:
    """Records of one sniffer capture in protocol version @version."""

    def __init__(self, version, start_s=1_780_200_000):
        self.version = version
        self.records = []
        self.t_us = start_s * 1_000_000
        self.fw_time = 3_000_000
        self.prev_end = self.fw_time
        self.counter = 0

    def add(self, channel, aa, crc_init, pdu, dt=None, rssi=-60, flags=FLAG_CRC_OK, event=0, phy=PHY_1M,
            packet_id=None, board=0, coding=None, snap=None, plen_error=0, corrupt_crc=False, gap=None):
        """One packet, @dt seconds after the start of the previous one, or
        @gap seconds after its end (150 µs: a reply within the same event)."""
        if gap is not None:
            step = self.prev_end + int(round(gap * 1e6)) - self.fw_time
        else:
            step = int(round(dt * 1e6))
        self.t_us += step
        self.fw_time += step
        self.counter += 1
        ll = g.ll_packet(aa, crc_init, pdu)
        if corrupt_crc:
            ll = ll[:-1] + bytes([ll[-1] ^ 0x5a])
        if coding is not None:          # LE Coded: coding indicator after the access address
            ll = ll[:4] + bytes([coding]) + ll[4:]
        if packet_id is None:
            packet_id = PACKET_DATA if self.version < 3 or aa != g.ADV_AA else PACKET_ADV
        start = self.fw_time
        if self.version < 3:
            field = start - self.prev_end if self.records else 0
        else:
            field = start & 0xFFFFFFFF
        self.prev_end = start + airtime_us(len(ll), phy, coding or 0)
        flags |= phy << 4
        rssi_raw = -rssi
        if self.version == 0:
            body = struct.pack("<BBBHI", flags, channel, rssi_raw, event, field) + ll
            pkt = b"\xbe\xef" + struct.pack("<BHH", packet_id, self.counter & 0xFFFF, 0) \
                + bytes([len(body) + plen_error])
        else:
            body = struct.pack("<BBBBHI", 10, flags, channel, rssi_raw, event, field) + ll
            if self.version == 1:
                pkt = bytes([board, 6, len(body) + plen_error, 1]) + struct.pack("<HB", self.counter & 0xFFFF,
                                                                                 packet_id)
            else:
                pkt = bytes([board]) + struct.pack("<HBHB", len(body) + plen_error, self.version,
                                                   self.counter & 0xFFFF, packet_id)
        pkt += body
        self.records.append((self.t_us, pkt, len(pkt) if snap is None else snap))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 272))
            for t_us, pkt, caplen in self.records:
                sec, usec = divmod(t_us, 1_000_000)
                f.write(struct.pack("<IIII", sec, usec, caplen, len(pkt)))
                f.write(pkt[:caplen])


class Link:
    """A connection: alternating central and peripheral packets, with the
    sequence numbers an acknowledged link carries and the direction and
    event counter the sniffer adds."""

    def __init__(self, cap, aa, crc_init, phy=PHY_1M, channel=5):
        self.cap, self.aa, self.crc_init, self.phy = cap, aa, crc_init, phy
        self.sn = [0, 0]
        self.nesn = [0, 0]
        self.channel = channel
        self.event = 0

    def send(self, who, llid, payload, dt=None, extra_flags=0, corrupt_crc=False, gap=None):
        pdu = g.data_pdu(llid, payload, nesn=self.nesn[who], sn=self.sn[who])
        self.sn[who] ^= 1
        self.nesn[1 - who] ^= 1
        flags = (0 if corrupt_crc else FLAG_CRC_OK) | (FLAG_CENTRAL if who == 0 else 0) | extra_flags
        self.cap.add(self.channel, self.aa, self.crc_init, pdu, dt, rssi=-49 if who else -41, flags=flags,
                     event=self.event, phy=self.phy, corrupt_crc=corrupt_crc, gap=gap)

    def exchange(self, central, peripheral, dt, **kw):
        self.channel = (self.channel + 9) % 37
        self.event += 1
        self.send(0, *central, dt=dt)
        self.send(1, *peripheral, gap=150e-6, **kw)


def connect_ind(aa, crc_init, interval, hop=9):
    return (struct.pack("<I", aa) + crc_init.to_bytes(3, "little")
            + struct.pack("<BHHHH", 2, 3, interval, 0, 100) + bytes.fromhex("ffffffff1f") + bytes([hop]))


def story(version, path):
    rng = random.Random(1000 + version)
    cap = Sniffer(version)
    thermo = g.adv_pdu(0x0, g.addr(g.THERMO) + g.ad(0x01, b"\x06") + g.ad(0x09, b"iot-thermo")
                       + g.ad(0x03, struct.pack("<H", 0x181A)))
    door = g.adv_pdu(0x6, g.addr(DOOR) + g.ad(0x01, b"\x04") + g.ad(0xFF, struct.pack("<H", 0x0059) + b"\x01"),
                     txadd=0)
    t_next_door = 0.03
    elapsed = 0.0
    # Advertising: the thermometer on 37, 38, 39 every 100 ms + 0-10 ms;
    # board 1 listens on 38 for the door sensor.
    for i in range(8):
        gap = 0.1 + rng.uniform(0, 0.01) if i else 0.0
        for k, ch in enumerate((37, 38, 39)):
            cap.add(ch, g.ADV_AA, g.ADV_CRC_INIT, thermo, gap if k == 0 else 0.0004, rssi=-55 - k)
        elapsed += gap
        if elapsed > t_next_door:
            cap.add(38, g.ADV_AA, g.ADV_CRC_INIT, door, 0.002, rssi=-77, board=1)
            t_next_door += 0.25 + rng.uniform(0, 0.01)
    # The phone scans the door sensor: SCAN_REQ, SCAN_RSP with its name.
    cap.add(38, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x6, g.addr(DOOR) + g.ad(0x01, b"\x04")), 0.02, rssi=-76,
            board=1)
    cap.add(38, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x3, g.addr(g.PHONE) + g.addr(DOOR), txadd=1, rxadd=0),
            gap=150e-6, rssi=-45, board=1)
    cap.add(38, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x4, g.addr(DOOR) + g.ad(0x09, b"door-sensor"), txadd=0),
            gap=150e-6, rssi=-77, board=1)
    # A packet damaged on air: the sniffer says its CRC failed.
    cap.add(39, g.ADV_AA, g.ADV_CRC_INIT, thermo, 0.05, rssi=-88, flags=0, corrupt_crc=True)
    # The connection: CONNECT_IND, then data on LE 1M, later LE 2M.
    aa, crc_init = 0x2B7E151C, 0x9A3F01
    cap.add(37, g.ADV_AA, g.ADV_CRC_INIT, thermo, 0.05)
    cap.add(37, g.ADV_AA, g.ADV_CRC_INIT,
            g.adv_pdu(0x5, g.addr(g.PHONE) + g.addr(g.THERMO) + connect_ind(aa, crc_init, 40), txadd=1, rxadd=1,
                      chsel=1), gap=150e-6, rssi=-44)
    link = Link(cap, aa, crc_init)
    empty = (1, b"")
    link.exchange((2, g.att(struct.pack("<BHHH", 0x08, 0x0001, 0xFFFF, 0x2803))),
                  (2, g.att(struct.pack("<BB", 0x09, 7) + struct.pack("<HBHH", 0x000D, 0x12, 0x000E, 0x2A6E))),
                  0.00125)
    link.exchange((2, g.att(struct.pack("<BHH", 0x12, 0x000F, 0x0001))), (2, g.att(b"\x13")), 0.05)
    # Both support LE 2M (LL_FEATURE_REQ/RSP); the link moves to it.
    link.exchange((3, b"\x08" + bytes([0x01, 0x01]) + bytes(6)),
                  (3, b"\x09" + bytes([0x01, 0x09]) + bytes(6)), 0.05)
    link.phy = PHY_2M
    for i in range(12):
        link.exchange(empty, empty, 0.05)
        temp = 2140 + (i * 7) % 23
        link.exchange(empty, (2, g.att(struct.pack("<BHh", 0x1B, 0x000E, temp))), 0.05)
    # Encrypted from here on (the sniffer had the key); one MIC failed.
    link.exchange(empty, empty, 0.05)
    link.send(0, 1, b"\x00\x11\x22\x33", 0.05, extra_flags=FLAG_ENCRYPTED)
    link.send(1, 1, b"", gap=150e-6, extra_flags=FLAG_ENCRYPTED | FLAG_MIC_OK)
    # The UART lost a byte: the lengths no longer add up.
    cap.add(37, g.ADV_AA, g.ADV_CRC_INIT, thermo, 0.04, plen_error=1)
    # Cut by the snap length in the middle of the advertising data.
    cap.add(38, g.ADV_AA, g.ADV_CRC_INIT, thermo, 0.0004, snap=31)
    cap.write(path)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("0", "1", "2"):
        raise SystemExit(__doc__)
    story(int(sys.argv[1]), sys.argv[2])


if __name__ == "__main__":
    main()
