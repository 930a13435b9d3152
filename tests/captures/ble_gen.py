#!/usr/bin/env python3
"""Byte-level generator of a Bluetooth Low Energy sniffer capture.

No BLE radio or sniffer is available where the captures are made, so the
link-layer packets are built here, field by field, after the Core
Specification (Vol 6 Part B for the link layer, Vol 3 Parts A/F/H for
L2CAP, ATT and SMP).  Only the Python standard library is used.

Usage: ble_gen.py OUT.pcap [ll]
  default: LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256), a 10-byte radio
           header (RF channel, signal/noise dBm, flags) before each packet
  ll:      LINKTYPE_BLUETOOTH_LE_LL (251), bare link-layer packets

The story: a thermometer (random static address d6:1f:3a:44:55:66) and a
beacon advertise; a phone (random address 7e:12:34:56:78:9a) scans, then
connects to the thermometer, exchanges LL control PDUs, discovers the GATT
database, reads the battery level, subscribes to temperature
notifications, pairs with SMP Just Works, and disconnects.
"""
import struct
import sys

ADV_AA = 0x8E89BED6
ADV_CRC_INIT = 0x555555
CONN_AA = 0x50654C71
CONN_CRC_INIT = 0x3A5C21

THERMO = bytes.fromhex("d61f3a445566")
BEACON = bytes.fromhex("ca0102030405")
PHONE = bytes.fromhex("7e123456789a")


def addr(a):
    """BLE addresses travel least significant byte first."""
    return a[::-1]


def crc24(data, init):
    """The link-layer CRC (x^24+x^10+x^9+x^6+x^4+x^3+x+1) as a right-shifting
    LFSR over the bits of each byte, least significant first.  The CRCInit
    value is loaded bit-reversed; the register goes out little-endian."""
    state = int(f"{init:024b}"[::-1], 2)
    for byte in data:
        for bit in range(8):
            fb = (state ^ (byte >> bit)) & 1
            state >>= 1
            if fb:
                state |= 1 << 23
                state ^= 0x5A6000
    return state.to_bytes(3, "little")


def ll_packet(aa, crc_init, pdu):
    return struct.pack("<I", aa) + pdu + crc24(pdu, crc_init)


def adv_pdu(pdu_type, payload, txadd=1, rxadd=0, chsel=0):
    header = pdu_type | (chsel << 5) | (txadd << 6) | (rxadd << 7)
    return bytes([header, len(payload)]) + payload


def ad(ad_type, data):
    return bytes([len(data) + 1, ad_type]) + data


def data_pdu(llid, payload, nesn=0, sn=0, md=0):
    header = llid | (nesn << 2) | (sn << 3) | (md << 4)
    return bytes([header, len(payload)]) + payload


def l2cap(cid, payload):
    return struct.pack("<HH", len(payload), cid) + payload


def att(payload):
    return l2cap(0x0004, payload)


def smp(payload):
    return l2cap(0x0006, payload)


def uuid128(text):
    return bytes.fromhex(text.replace("-", ""))[::-1]


def rf_channel(logical):
    """The radio header counts channels by frequency (2402 + 2k MHz);
    advertising channels 37, 38, 39 sit at 0, 12 and 39."""
    if logical >= 37:
        return {37: 0, 38: 12, 39: 39}[logical]
    return logical + 1 if logical <= 10 else logical + 2


class Capture:
    def __init__(self, with_phdr):
        self.with_phdr = with_phdr
        self.records = []
        self.t = 1_780_000_000.0

    def add(self, channel, aa, crc_init, pdu, dt, rssi=-60):
        self.t += dt
        pkt = ll_packet(aa, crc_init, pdu)
        if self.with_phdr:
            # dewhitened, signal valid, noise valid, ref AA valid, CRC checked + valid
            flags = 0x0001 | 0x0002 | 0x0004 | 0x0010 | 0x0400 | 0x0800
            phdr = struct.pack("<BbbBIH", rf_channel(channel), rssi, -95, 0, aa, flags)
            pkt = phdr + pkt
        self.records.append((self.t, pkt))

    def write(self, path):
        linktype = 256 if self.with_phdr else 251
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
            for t, pkt in self.records:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                f.write(struct.pack("<IIII", sec, usec, len(pkt), len(pkt)))
                f.write(pkt)


def advertising(cap):
    thermo_adv = (ad(0x01, b"\x06")
                  + ad(0x09, b"iot-thermo")
                  + ad(0x03, struct.pack("<HH", 0x180F, 0x181A))
                  + ad(0x0A, b"\x04"))
    beacon_ibeacon = (ad(0x01, b"\x04")
                      + ad(0xFF, struct.pack("<H", 0x004C) + bytes.fromhex("0215")
                           + uuid128("e2c56db5-dffb-48d2-b060-d0f5a71096e0")
                           + bytes.fromhex("0001000ac5")))
    nordic_adv = (ad(0x01, b"\x06")
                  + ad(0x08, b"nrf")
                  + ad(0x07, uuid128("6e400001-b5a3-f393-e0a9-e50e24dcca9e"))
                  + ad(0xFF, struct.pack("<H", 0x0059) + b"\x01\x02"))
    service_data = (ad(0x16, struct.pack("<H", 0x181A) + struct.pack("<h", 2215))
                    + ad(0x05, struct.pack("<I", 0x0000FEAA))
                    + ad(0x19, struct.pack("<H", 0x0300)))
    for round_ in range(3):
        for ch in (37, 38, 39):
            cap.add(ch, ADV_AA, ADV_CRC_INIT,
                    adv_pdu(0x0, addr(THERMO) + thermo_adv), 0.0004 if ch != 37 else 0.1)
        cap.add(37, ADV_AA, ADV_CRC_INIT,
                adv_pdu(0x2, addr(BEACON) + beacon_ibeacon), 0.02, rssi=-71)
    cap.add(38, ADV_AA, ADV_CRC_INIT, adv_pdu(0x6, addr(BEACON) + service_data), 0.01, rssi=-70)
    cap.add(39, ADV_AA, ADV_CRC_INIT, adv_pdu(0x0, addr(BEACON) + nordic_adv, txadd=0), 0.01)
    # active scan of the thermometer
    cap.add(37, ADV_AA, ADV_CRC_INIT, adv_pdu(0x0, addr(THERMO) + thermo_adv), 0.1)
    cap.add(37, ADV_AA, ADV_CRC_INIT, adv_pdu(0x3, addr(PHONE) + addr(THERMO), txadd=1, rxadd=1),
            0.00015, rssi=-48)
    cap.add(37, ADV_AA, ADV_CRC_INIT,
            adv_pdu(0x4, addr(THERMO) + ad(0x09, b"iot-thermo kitchen")
                    + ad(0x06, uuid128("0000aa00-0000-1000-8000-00805f9b34fb"))),
            0.00015)
    # directed advertising towards the phone
    cap.add(38, ADV_AA, ADV_CRC_INIT, adv_pdu(0x1, addr(THERMO) + addr(PHONE), txadd=1, rxadd=1),
            0.05)


def connect(cap):
    lldata = (struct.pack("<I", CONN_AA) + CONN_CRC_INIT.to_bytes(3, "little")
              + struct.pack("<BHHHH", 2, 5, 24, 0, 72)
              + bytes.fromhex("ffffffff1f") + bytes([(0 << 5) | 7]))
    cap.add(37, ADV_AA, ADV_CRC_INIT, adv_pdu(0x0, addr(THERMO) + ad(0x01, b"\x06")), 0.1)
    cap.add(37, ADV_AA, ADV_CRC_INIT,
            adv_pdu(0x5, addr(PHONE) + addr(THERMO) + lldata, txadd=1, rxadd=1, chsel=1),
            0.00015, rssi=-47)


class Link:
    """Alternating central/peripheral packets on the data channels, with
    the sequence numbers an acknowledged link would carry."""

    def __init__(self, cap):
        self.cap = cap
        self.sn = [0, 0]
        self.nesn = [0, 0]
        self.channel = 7
        self.event = 0

    def send(self, who, llid, payload, dt=0.00015):
        pdu = data_pdu(llid, payload, nesn=self.nesn[who], sn=self.sn[who])
        self.sn[who] ^= 1
        self.nesn[1 - who] ^= 1
        self.cap.add(self.channel, CONN_AA, CONN_CRC_INIT, pdu, dt, rssi=-50 if who else -45)

    def exchange(self, central_llid, central_payload, periph_llid=1, periph_payload=b""):
        """One connection event: the central speaks, the peripheral answers."""
        self.channel = (self.channel + 7) % 37
        self.event += 1
        self.send(0, central_llid, central_payload, dt=0.03)
        self.send(1, periph_llid, periph_payload)


def ctrl(opcode, body=b""):
    return bytes([opcode]) + body


def gatt(link):
    C, P = 0, 1
    link.exchange(3, ctrl(0x0C, struct.pack("<BHH", 0x0B, 0x0059, 0x1234)),
                  3, ctrl(0x0C, struct.pack("<BHH", 0x0A, 0x000F, 0x2209)))
    link.exchange(3, ctrl(0x08, struct.pack("<Q", 0x00000000000001FF)),
                  3, ctrl(0x09, struct.pack("<Q", 0x0000000000000059)))
    link.exchange(3, ctrl(0x01, bytes.fromhex("ffff3fff1f") + struct.pack("<H", 9)))
    link.exchange(1, b"")
    # ATT: MTU, primary services, characteristics, descriptors
    link.exchange(2, att(struct.pack("<BH", 0x02, 247)), 2, att(struct.pack("<BH", 0x03, 65)))
    link.exchange(2, att(struct.pack("<BHHH", 0x10, 0x0001, 0xFFFF, 0x2800)),
                  2, att(struct.pack("<BB", 0x11, 6) + struct.pack("<HHH", 0x0001, 0x0007, 0x1800)
                         + struct.pack("<HHH", 0x0008, 0x000B, 0x180F)
                         + struct.pack("<HHH", 0x000C, 0x0011, 0x181A)))
    link.exchange(2, att(struct.pack("<BHHH", 0x10, 0x0012, 0xFFFF, 0x2800)),
                  2, att(struct.pack("<BBHB", 0x01, 0x10, 0x0012, 0x0A)))
    link.exchange(2, att(struct.pack("<BHHH", 0x08, 0x0001, 0x0007, 0x2803)),
                  2, att(struct.pack("<BB", 0x09, 7) + struct.pack("<HBHH", 0x0002, 0x02, 0x0003, 0x2A00)
                         + struct.pack("<HBHH", 0x0004, 0x02, 0x0005, 0x2A01)))
    link.exchange(2, att(struct.pack("<BHHH", 0x08, 0x0008, 0x000B, 0x2803)),
                  2, att(struct.pack("<BB", 0x09, 7) + struct.pack("<HBHH", 0x0009, 0x12, 0x000A, 0x2A19)))
    link.exchange(2, att(struct.pack("<BHHH", 0x08, 0x000C, 0x0011, 0x2803)),
                  2, att(struct.pack("<BB", 0x09, 7) + struct.pack("<HBHH", 0x000D, 0x12, 0x000E, 0x2A6E)
                         + struct.pack("<HBHH", 0x0010, 0x02, 0x0011, 0x2A6F)))
    link.exchange(2, att(struct.pack("<BHH", 0x04, 0x000F, 0x000F)),
                  2, att(struct.pack("<BBHH", 0x05, 0x01, 0x000F, 0x2902)))
    # reads
    link.exchange(2, att(struct.pack("<BH", 0x0A, 0x0003)), 2, att(b"\x0b" + b"iot-thermo kitchen"[:18]))
    link.exchange(2, att(struct.pack("<BHH", 0x0C, 0x0003, 11)), 2, att(b"\x0d" + b"kitchen"))
    link.exchange(2, att(struct.pack("<BH", 0x0A, 0x000A)), 2, att(b"\x0b\x5a"))
    link.exchange(2, att(struct.pack("<BHH", 0x0E, 0x000A, 0x0011)), 2, att(b"\x0f\x5a\x10\x27"))
    link.exchange(2, att(struct.pack("<BHHH", 0x08, 0x0001, 0xFFFF, 0x2A19)),
                  2, att(struct.pack("<BBHB", 0x09, 3, 0x000A, 0x5A)))
    # subscribe to temperature notifications and receive some
    link.exchange(2, att(struct.pack("<BHH", 0x12, 0x000F, 0x0001)), 2, att(b"\x13"))
    for i, temp in enumerate((2215, 2218, 2221)):
        link.exchange(1, b"", 2, att(struct.pack("<BHh", 0x1B, 0x000E, temp)))
    link.exchange(2, att(struct.pack("<BHH", 0x52, 0x000F, 0x0000)))
    link.exchange(1, b"", 2, att(struct.pack("<BHH", 0x1D, 0x0011, 4512)))
    link.exchange(2, att(b"\x1e"))
    # long write
    link.exchange(2, att(struct.pack("<BHH", 0x16, 0x0003, 0) + b"thermo-"),
                  2, att(struct.pack("<BHH", 0x17, 0x0003, 0) + b"thermo-"))
    link.exchange(2, att(struct.pack("<BB", 0x18, 0x01)), 2, att(b"\x19"))
    link.exchange(2, att(struct.pack("<BHH", 0x12, 0x0003, 0x0041)),
                  2, att(struct.pack("<BBHB", 0x01, 0x12, 0x0003, 0x03)))


def pairing(link):
    # Just Works: both sides NoInputNoOutput, bonding, secure connections
    link.exchange(2, smp(bytes([0x01, 0x03, 0x00, 0x09, 0x10, 0x07, 0x07])),
                  2, smp(bytes([0x02, 0x03, 0x00, 0x09, 0x10, 0x03, 0x03])))
    link.exchange(2, smp(b"\x0c" + bytes(range(0x40, 0x80))), 2, smp(b"\x0c" + bytes(range(0x80, 0xC0))))
    link.exchange(1, b"", 2, smp(b"\x03" + bytes(range(16))))
    link.exchange(2, smp(b"\x04" + bytes(range(16, 32))), 2, smp(b"\x04" + bytes(range(32, 48))))
    link.exchange(2, smp(b"\x0d" + bytes(range(0xC0, 0xD0))), 2, smp(b"\x0d" + bytes(range(0xD0, 0xE0))))
    link.exchange(1, b"", 2, smp(b"\x0b\x09"))
    link.exchange(2, smp(b"\x05\x08"))
    link.exchange(3, ctrl(0x02, b"\x13"))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    with_phdr = not (len(sys.argv) > 2 and sys.argv[2] == "ll")
    cap = Capture(with_phdr)
    advertising(cap)
    connect(cap)
    link = Link(cap)
    gatt(link)
    pairing(link)
    cap.write(sys.argv[1])


if __name__ == "__main__":
    main()
