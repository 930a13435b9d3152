#!/usr/bin/env python3
"""Byte-level generator of an nRF Sniffer for Bluetooth LE capture
(LINKTYPE_NORDIC_BLE, 272) with extended advertising and a connection that
notifies a characteristic periodically.

No nRF52 dongle is available where the captures are made, so the records
are built here: the sniffer's UART header (board, payload length, protocol
version 3, packet counter, packet id) and packet header (header length,
flags, channel index, RSSI, event counter, firmware timestamp in
microseconds), followed by the on-air link-layer packet as the Core
Specification 5.x lays it out (Vol 6 Part B 2.3.4 for the Common Extended
Advertising Payload Format).  The link-layer helpers come from ble_gen.py.

Usage: ble_nordic_gen.py OUT.pcap

The story: a thermometer keeps advertising (legacy ADV_IND every 100 ms);
an environmental sensor (c3:55:aa:01:02:03) advertises with extended
advertising: ADV_EXT_IND on the primary channels pointing (AuxPtr) at an
AUX_ADV_IND on a secondary channel that carries its name, TX power and the
SyncInfo of a periodic advertising train, once on LE 1M and once on LE 2M;
a directed, connectable AUX_ADV_IND names its target.  A phone connects to
the thermometer and, subscribed, receives a temperature notification every
500 ms for ten seconds while the central polls with empty PDUs.
"""
import struct
import sys

import ble_gen as g

SENSOR = bytes.fromhex("c355aa010203")
PACKET_ADV = 0x02      # EVENT_PACKET_ADV_PDU
PACKET_DATA = 0x06     # EVENT_PACKET_DATA_PDU
PHY_1M, PHY_2M = 0, 1


def ext_header(flags, fields, mode=0):
    """Common Extended Advertising Payload: length/mode byte, flags byte,
    then the fields in flag order."""
    body = bytes([flags]) + fields
    return bytes([len(body) | (mode << 6)]) + body


def adi(did, sid):
    return struct.pack("<H", did | (sid << 12))


def aux_ptr(channel, offset, phy, units_300us=0, ca=0):
    return bytes([channel | (ca << 6) | (units_300us << 7)]) + struct.pack("<H", offset | (phy << 13))


def sync_info(offset, interval, chm, sca, aa, crc_init, event, units=0, adjust=0):
    return (struct.pack("<H", offset | (units << 13) | (adjust << 14)) + struct.pack("<H", interval)
            + chm[:4] + bytes([chm[4] | (sca << 5)]) + struct.pack("<I", aa)
            + crc_init.to_bytes(3, "little") + struct.pack("<H", event))


class NordicCapture:
    def __init__(self):
        self.records = []
        self.t_us = 1_780_100_000 * 1_000_000
        self.fw_time = 5_000_000
        self.counter = 0

    def add(self, channel, aa, crc_init, pdu, dt, rssi=-60, packet_id=PACKET_ADV, flags=0x01,
            event=0, phy=PHY_1M):
        step = int(round(dt * 1e6))
        self.t_us += step
        self.fw_time += step
        self.counter += 1
        ll = g.ll_packet(aa, crc_init, pdu)
        packet_header = struct.pack("<BBBBHI", 10, flags | (phy << 4), channel, -rssi, event,
                                    self.fw_time & 0xFFFFFFFF)
        payload = packet_header + ll
        header = struct.pack("<HBHB", len(payload), 3, self.counter & 0xFFFF, packet_id)
        self.records.append((self.t_us, bytes([0]) + header + payload))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 272))
            for t_us, pkt in self.records:
                sec, usec = divmod(t_us, 1_000_000)
                f.write(struct.pack("<IIII", sec, usec, len(pkt), len(pkt)))
                f.write(pkt)


def thermo_adv(cap, dt):
    cap.add(37, g.ADV_AA, g.ADV_CRC_INIT,
            g.adv_pdu(0x0, g.addr(g.THERMO) + g.ad(0x01, b"\x06") + g.ad(0x09, b"iot-thermo")), dt)


def extended_advertising(cap):
    chm = bytes.fromhex("ffffffff1f")
    sensor_data = (g.ad(0x01, b"\x06") + g.ad(0x09, b"env-sensor")
                   + g.ad(0x16, struct.pack("<Hh", 0x181A, 2150)))
    for round_, phy in enumerate((PHY_1M, PHY_2M)):
        for ch in (37, 38, 39):
            # ADV_EXT_IND: ADI and AuxPtr only (flags 0x18); AdvMode 0
            eh = ext_header(0x18, adi(0x101 + round_, 3) + aux_ptr(12, 40 - ch, phy))
            cap.add(ch, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh, txadd=1), 0.0004 if ch != 37 else 0.05,
                    rssi=-66)
        # AUX_ADV_IND on secondary channel 12: AdvA, ADI, SyncInfo, TxPower
        eh = ext_header(0x01 | 0x08 | 0x20 | 0x40,
                        g.addr(SENSOR) + adi(0x101 + round_, 3)
                        + sync_info(120, 80, chm, 1, 0x5A3C9E17, 0x7C55AA, 7 + round_)
                        + struct.pack("<b", -4))
        cap.add(12, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + sensor_data, txadd=1), 0.004,
                rssi=-67, phy=phy)
    # connectable directed AUX_ADV_IND towards the phone (AdvMode 1)
    for ch in (37, 38, 39):
        eh = ext_header(0x18, adi(0x120, 4) + aux_ptr(20, 30, PHY_1M, units_300us=1))
        cap.add(ch, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh, txadd=1), 0.0004 if ch != 37 else 0.03)
    eh = ext_header(0x01 | 0x02 | 0x08 | 0x40, g.addr(SENSOR) + g.addr(g.PHONE) + adi(0x120, 4)
                    + struct.pack("<b", 0), mode=1)
    cap.add(20, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh, txadd=1, rxadd=1), 0.009)


class NordicLink:
    def __init__(self, cap):
        self.cap = cap
        self.sn = [0, 0]
        self.nesn = [0, 0]
        self.channel = 3
        self.event = 0

    def send(self, who, llid, payload, dt):
        pdu = g.data_pdu(llid, payload, nesn=self.nesn[who], sn=self.sn[who])
        self.sn[who] ^= 1
        self.nesn[1 - who] ^= 1
        # flags: CRC ok, direction (1 = central to peripheral)
        self.cap.add(self.channel, g.CONN_AA, g.CONN_CRC_INIT, pdu, dt, rssi=-52 if who else -44,
                     packet_id=PACKET_DATA, flags=0x01 | (0x02 if who == 0 else 0), event=self.event)

    def exchange(self, central, peripheral, dt):
        self.channel = (self.channel + 7) % 37
        self.event += 1
        self.send(0, *central, dt=dt)
        self.send(1, *peripheral, dt=0.00015)


def connection(cap):
    lldata = (struct.pack("<I", g.CONN_AA) + g.CONN_CRC_INIT.to_bytes(3, "little")
              + struct.pack("<BHHHH", 2, 5, 40, 0, 200)
              + bytes.fromhex("ffffffff1f") + bytes([7]))
    cap.add(37, g.ADV_AA, g.ADV_CRC_INIT,
            g.adv_pdu(0x5, g.addr(g.PHONE) + g.addr(g.THERMO) + lldata, txadd=1, rxadd=1, chsel=1),
            0.00015, rssi=-47)
    link = NordicLink(cap)
    empty = (1, b"")
    link.exchange((2, g.att(struct.pack("<BH", 0x02, 247))), (2, g.att(struct.pack("<BH", 0x03, 65))), 0.00125)
    link.exchange((2, g.att(struct.pack("<BHH", 0x12, 0x000F, 0x0001))), (2, g.att(b"\x13")), 0.05)
    # 50 ms connection interval; a notification every tenth event
    for i in range(20):
        for _ in range(9):
            link.exchange(empty, empty, 0.05)
        temp = 2150 + (i % 5) * 3 - (i // 5)
        link.exchange(empty, (2, g.att(struct.pack("<BHh", 0x1B, 0x000E, temp))), 0.05)
    link.exchange((3, b"\x02\x13"), empty, 0.05)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    cap = NordicCapture()
    thermo_adv(cap, 0.0)
    for _ in range(3):
        thermo_adv(cap, 0.1)
    extended_advertising(cap)
    thermo_adv(cap, 0.05)
    connection(cap)
    cap.write(sys.argv[1])


if __name__ == "__main__":
    main()
