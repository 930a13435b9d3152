#!/usr/bin/env python3
"""Byte-level generator of an nRF Sniffer for Bluetooth LE capture (protocol
version 3) full of Bluetooth 5 extended advertising, built as the Core
Specification 5.x lays it out (Vol 6 Part B 2.3.1 and 2.3.4: ADV_EXT_IND,
AUX_ADV_IND, AUX_CHAIN_IND, AUX_SYNC_IND, AUX_SCAN_REQ/RSP and
AUX_CONNECT_REQ/RSP with the Common Extended Advertising Payload Format).

Usage: ble_extadv_gen.py OUT.pcap

Five devices:
- an air-quality sensor whose advertising data (name, 128-bit service,
  manufacturer and service data) is too long for one packet: each
  advertising event sends ADV_EXT_IND on the three primary channels, an
  AUX_ADV_IND with the first part and two AUX_CHAIN_INDs with the rest
  (split at AD structure boundaries); the data changes every event, so the
  Advertising Data ID (DID) does too;
- a door lock that is scannable: the phone sends AUX_SCAN_REQ and gets an
  AUX_SCAN_RSP with the lock's name;
- a beacon with periodic advertising: AUX_ADV_IND with SyncInfo, then an
  AUX_SYNC_IND train on the periodic access address, one with a CTEInfo
  field, one with Additional Controller Advertising Data, one with an
  extended header of length 0;
- an asset tag on LE Coded (long range): ADV_EXT_IND coded S=8, the
  AUX_ADV_IND coded S=2 (the coding indicator follows the access address);
- a heart-rate strap, connectable: AUX_CONNECT_REQ, AUX_CONNECT_RSP, then a
  connection on LE 2M with GATT discovery (Heart Rate and Battery
  services), a battery read, heart-rate notifications (8- and 16-bit
  values) and LL_TERMINATE_IND.
"""
import random
import struct
import sys

import ble_gen as g
import ble_nordic_gen as ea
from ble_nordic_versions_gen import FLAG_CRC_OK, PHY_1M, PHY_2M, PHY_CODED, Link, Sniffer, connect_ind

AIR = bytes.fromhex("c355aa102030")
LOCK = bytes.fromhex("f21122334455")
BEACON = bytes.fromhex("d0beac0a0b0c")
TAG = bytes.fromhex("e7a5e7000001")
STRAP = bytes.fromhex("c8a7ea000042")
PERIODIC_AA, PERIODIC_CRC = 0x3E5A9C71, 0x1B2C3D

EXT_ADVA, EXT_TARGETA, EXT_CTE, EXT_ADI, EXT_AUXPTR, EXT_SYNC, EXT_TXPOWER = 1, 2, 4, 8, 16, 32, 64
AUX_ADV_IND, AUX_CHAIN_IND, AUX_SYNC_IND, AUX_SCAN_RSP = 0, 1, 2, 3
MODE_CONNECTABLE, MODE_SCANNABLE = 1, 2


def aux_flags(aux_type):
    return FLAG_CRC_OK | (aux_type << 1)


def txpower(dbm):
    return struct.pack("<b", dbm)


def ext_ind_on_primaries(cap, did, sid, aux_channel, first_dt, phy=PHY_1M, aux_phy=0, coding=None, rssi=-62):
    """ADV_EXT_IND on 37, 38, 39: only an ADI and where the AUX_ADV_IND goes."""
    for k, ch in enumerate((37, 38, 39)):
        eh = ea.ext_header(EXT_ADI | EXT_AUXPTR, ea.adi(did, sid) + ea.aux_ptr(aux_channel, 60 - 10 * k, aux_phy))
        cap.add(ch, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh, txadd=0), first_dt if k == 0 else 0.0006,
                rssi=rssi - k, phy=phy, coding=coding)


def air_quality(cap, rng, events):
    """Advertising data in three pieces per event."""
    for i in range(events):
        did, sid = 0x310 + i, 2
        temp = 2210 + 13 * i
        part1 = g.ad(0x01, b"\x06") + g.ad(0x09, b"air-quality-living-room")
        part2 = (g.ad(0x07, g.uuid128("0000a000-1212-efde-1523-785feabcd123"))
                 + g.ad(0xFF, struct.pack("<H", 0x0059) + bytes([i]) + bytes(range(0x40, 0x50))))
        part3 = g.ad(0x16, struct.pack("<Hh", 0x181A, temp)) + g.ad(0x16, struct.pack("<HH", 0x2A6F, 4100 + 50 * i))
        ext_ind_on_primaries(cap, did, sid, 8, 0.3 + rng.uniform(0, 0.01) if i else 0.01)
        eh = ea.ext_header(EXT_ADVA | EXT_ADI | EXT_AUXPTR | EXT_TXPOWER,
                           g.addr(AIR) + ea.adi(did, sid) + ea.aux_ptr(19, 40, 0) + txpower(4))
        cap.add(8, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + part1, txadd=1), 0.0006,
                flags=aux_flags(AUX_ADV_IND), rssi=-63)
        eh = ea.ext_header(EXT_ADI | EXT_AUXPTR, ea.adi(did, sid) + ea.aux_ptr(27, 40, 0))
        cap.add(19, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + part2, txadd=0), 0.0012,
                flags=aux_flags(AUX_CHAIN_IND), rssi=-64)
        eh = ea.ext_header(EXT_ADI, ea.adi(did, sid))
        cap.add(27, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + part3, txadd=0), 0.0012,
                flags=aux_flags(AUX_CHAIN_IND), rssi=-64)


def door_lock(cap, rng, events):
    """Scannable: the AUX_ADV_IND has no data; a scan request gets it."""
    for i in range(events):
        did, sid = 0x0A0 + i, 1
        ext_ind_on_primaries(cap, did, sid, 14, 0.05 + rng.uniform(0, 0.01), rssi=-70)
        eh = ea.ext_header(EXT_ADVA | EXT_ADI | EXT_TXPOWER, g.addr(LOCK) + ea.adi(did, sid) + txpower(-8),
                           mode=MODE_SCANNABLE)
        cap.add(14, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh, txadd=0), 0.0006, flags=aux_flags(AUX_ADV_IND),
                rssi=-71)
        if i == 1:
            cap.add(14, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x3, g.addr(g.PHONE) + g.addr(LOCK), txadd=1, rxadd=0),
                    gap=150e-6, rssi=-44)
            eh = ea.ext_header(EXT_ADVA | EXT_ADI, g.addr(LOCK) + ea.adi(did, sid))
            data = g.ad(0x09, b"front-door-lock") + g.ad(0x03, struct.pack("<H", 0x1812))
            cap.add(14, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + data, txadd=0), gap=150e-6,
                    flags=aux_flags(AUX_SCAN_RSP), rssi=-71)


def periodic_beacon(cap, trains):
    """AUX_ADV_IND with SyncInfo, then AUX_SYNC_IND every 100 ms."""
    chm = bytes.fromhex("fffffff01f")
    did, sid = 0x055, 6
    ext_ind_on_primaries(cap, did, sid, 30, 0.04, rssi=-58)
    eh = ea.ext_header(EXT_ADVA | EXT_ADI | EXT_SYNC,
                       g.addr(BEACON) + ea.adi(did, sid)
                       + ea.sync_info(200, 80, chm, 4, PERIODIC_AA, PERIODIC_CRC, 0, units=1, adjust=0))
    cap.add(30, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + g.ad(0x09, b"room-beacon"), txadd=0), 0.0006,
            flags=aux_flags(AUX_ADV_IND), rssi=-59)
    for k in range(trains):
        reading = g.ad(0x16, struct.pack("<Hh", 0x181A, 1985 + k))
        if k == 1:      # constant tone extension for direction finding (AoA, 20 µs)
            eh = ea.ext_header(EXT_CTE, bytes([5 | (0 << 6)]))
        elif k == 2:    # ACAD: a Channel Map Update Indication (AD type 0x28)
            eh = ea.ext_header(0, g.ad(0x28, bytes.fromhex("ffff0fff1f") + struct.pack("<H", 16)))
        elif k == 3:    # extended header of length 0: no flags byte at all
            eh = bytes([0])
        else:
            eh = ea.ext_header(0, b"")
        cap.add(4 + 5 * k, PERIODIC_AA, PERIODIC_CRC, g.adv_pdu(0x7, eh + reading, txadd=0), 0.1 if k else 0.25,
                packet_id=0x02, flags=aux_flags(AUX_SYNC_IND), rssi=-60)


def asset_tag(cap):
    """Long range: everything on LE Coded."""
    did, sid = 0x7A0, 0
    ext_ind_on_primaries(cap, did, sid, 22, 0.03, phy=PHY_CODED, aux_phy=2, coding=0, rssi=-91)
    eh = ea.ext_header(EXT_ADVA | EXT_ADI | EXT_TXPOWER, g.addr(TAG) + ea.adi(did, sid) + txpower(8))
    cap.add(22, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + g.ad(0x09, b"asset-tag"), txadd=1), 0.003,
            phy=PHY_CODED, coding=1, flags=aux_flags(AUX_ADV_IND), rssi=-92)


def att_group_entry(start, end, uuid):
    return struct.pack("<HHH", start, end, uuid)


def heart_strap(cap):
    did, sid = 0x120, 3
    ext_ind_on_primaries(cap, did, sid, 17, 0.05, aux_phy=1, rssi=-48)
    eh = ea.ext_header(EXT_ADVA | EXT_ADI, g.addr(STRAP) + ea.adi(did, sid), mode=MODE_CONNECTABLE)
    data = g.ad(0x01, b"\x06") + g.ad(0x09, b"hr-strap") + g.ad(0x03, struct.pack("<HH", 0x180D, 0x180F))
    cap.add(17, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x7, eh + data, txadd=1), 0.0006, phy=PHY_2M,
            flags=aux_flags(AUX_ADV_IND), rssi=-49)
    aa, crc_init = 0x71A3C95E, 0x5C0FFE
    cap.add(17, g.ADV_AA, g.ADV_CRC_INIT,
            g.adv_pdu(0x5, g.addr(g.PHONE) + g.addr(STRAP) + connect_ind(aa, crc_init, 40, hop=11), txadd=1,
                      rxadd=1), gap=150e-6, phy=PHY_2M, rssi=-43)
    eh = ea.ext_header(EXT_ADVA | EXT_TARGETA, g.addr(STRAP) + g.addr(g.PHONE))
    cap.add(17, g.ADV_AA, g.ADV_CRC_INIT, g.adv_pdu(0x8, eh, txadd=1, rxadd=1), gap=150e-6, phy=PHY_2M, rssi=-49)

    link = Link(cap, aa, crc_init, phy=PHY_2M, channel=11)
    empty = (1, b"")
    # Primary services: Heart Rate 0x000A-0x000F, Battery 0x0010-0x0013.
    link.exchange((2, g.att(struct.pack("<BHHH", 0x10, 0x0001, 0xFFFF, 0x2800))),
                  (2, g.att(bytes([0x11, 6]) + att_group_entry(0x000A, 0x000F, 0x180D)
                            + att_group_entry(0x0010, 0x0013, 0x180F))), 0.0025)
    link.exchange((2, g.att(struct.pack("<BHHH", 0x08, 0x000A, 0x0013, 0x2803))),
                  (2, g.att(bytes([0x09, 7]) + struct.pack("<HBHH", 0x000B, 0x10, 0x000C, 0x2A37)
                            + struct.pack("<HBHH", 0x0011, 0x12, 0x0012, 0x2A19))), 0.05)
    link.exchange((2, g.att(struct.pack("<BH", 0x0A, 0x0012))), (2, g.att(b"\x0b" + bytes([87]))), 0.05)
    link.exchange((2, g.att(struct.pack("<BHH", 0x12, 0x000D, 0x0001))), (2, g.att(b"\x13")), 0.05)
    # Interval 50 ms; a notification every 10 events (twice a second).
    bpm = [72, 74, 77, 81, 86, 90, 93, 95, 97, 98]
    for i, value in enumerate(bpm):
        for _ in range(9):
            link.exchange(empty, empty, 0.05)
        if i == 7:      # 16-bit value, sensor contact detected
            payload = struct.pack("<BHBH", 0x1B, 0x000C, 0x07, value)
        else:
            payload = struct.pack("<BHBB", 0x1B, 0x000C, 0x06, value)
        link.exchange(empty, (2, g.att(payload)), 0.05)
    link.exchange((3, b"\x02\x13"), empty, 0.05)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    rng = random.Random(5)
    cap = Sniffer(3, start_s=1_780_300_000)
    air_quality(cap, rng, 4)
    door_lock(cap, rng, 3)
    periodic_beacon(cap, 5)
    asset_tag(cap)
    heart_strap(cap)
    cap.write(sys.argv[1])


if __name__ == "__main__":
    main()
