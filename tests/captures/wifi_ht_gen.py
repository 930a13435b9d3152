#!/usr/bin/env python3
"""Byte-level generator of an 802.11n/ac monitor-mode capture (radiotap).

No Wi-Fi card that can do monitor mode is available where the captures are
made, so the frames are built here after IEEE 802.11-2020 and the radiotap
field definitions (radiotap.org: MCS is field 19, VHT field 21), with the
Python standard library only.  Helpers come from wifi_gen.py.

Usage: wifi_ht_gen.py OUT.pcap

The story, on an open network "iot-open" (AP 02:ab:cd:00:00:02):
  2.4 GHz channel 6, 802.11n (HT): a beacon, then an ESP32-like sensor
  (02:ee:32:aa:bb:01, 192.168.5.20) sends UDP readings to 192.168.5.1 in
  QoS data frames at HT MCS 7 (20 MHz, long and short guard interval);
  one reading is not acknowledged and is retried three times (Retry bit
  set, same sequence number), at a lower MCS each time, as rate control
  does on a poor link; the AP acknowledges the rest.  A Block Ack
  Request / Block Ack pair (compressed bitmap, TID 0) acknowledges a
  burst of aggregated frames.
  5 GHz channel 36, 802.11ac (VHT): the same access point's 5 GHz radio
  (02:ab:cd:00:00:05, "iot-open-5g") beacons with HT and VHT Capabilities
  and Operation (80 MHz centred on channel 42, 2 streams, MCS 0-9); a
  camera (02:ee:32:aa:bb:02) sends it QoS data at VHT MCS 9 with 2 spatial
  streams on 80 MHz, and MCS 4 with one stream on 20 MHz, also
  acknowledged with a Block Ack; then a downlink MU-MIMO frame (VHT group
  5, four users) and the camera's QoS Null reporting its queue size.
"""
import struct
import sys

import wifi_gen as w

AP = bytes.fromhex("02abcd000002")
AP5 = bytes.fromhex("02abcd000005")
SENSOR = bytes.fromhex("02ee32aabb01")
CAMERA = bytes.fromhex("02ee32aabb02")
AP_IP = bytes([192, 168, 5, 1])
SENSOR_IP = bytes([192, 168, 5, 20])
CAMERA_IP = bytes([192, 168, 5, 30])

P_FLAGS, P_RATE, P_CHANNEL, P_SIGNAL, P_NOISE, P_ANTENNA, P_MCS, P_VHT = 1, 2, 3, 5, 6, 11, 19, 21


def radiotap(freq, signal, rate_500k=None, mcs=None, vht=None):
    """Fields in radiotap order, each aligned to its natural size."""
    present = (1 << P_FLAGS) | (1 << P_CHANNEL) | (1 << P_SIGNAL) | (1 << P_NOISE) | (1 << P_ANTENNA)
    if rate_500k is not None:
        present |= 1 << P_RATE
    if mcs is not None:
        present |= 1 << P_MCS
    if vht is not None:
        present |= 1 << P_VHT
    body = bytearray()

    def put(data, align):
        while (8 + len(body)) % align:
            body.append(0)
        body.extend(data)

    ghz2 = freq < 3000
    chan_flags = (0x0080 if ghz2 else 0x0100) | (0x0040 if rate_500k is None or rate_500k >= 12 else 0x0020)
    put(b"\x00", 1)                                   # flags
    if rate_500k is not None:
        put(bytes([rate_500k]), 1)
    put(struct.pack("<HH", freq, chan_flags), 2)
    put(struct.pack("<b", signal), 1)
    put(struct.pack("<b", -92), 1)
    put(b"\x01", 1)                                   # antenna
    if mcs is not None:
        put(mcs, 1)
    if vht is not None:
        put(vht, 2)
    return struct.pack("<BBHI", 0, 0, 8 + len(body), present) + bytes(body)


def ht_mcs(index, short_gi=False, bw40=False, greenfield=False, ldpc=False, stbc=0):
    """known: bandwidth, MCS index, guard interval, format, FEC, STBC, NESS."""
    known = 0x01 | 0x02 | 0x04 | 0x08 | 0x10 | 0x20 | 0x40
    flags = (1 if bw40 else 0) | (0x04 if short_gi else 0) | (0x08 if greenfield else 0) \
        | (0x10 if ldpc else 0) | (stbc << 5)
    return bytes([known, flags, index])


def vht_info(mcs, nss, bw, short_gi=False, group_id=0, partial_aid=0, ldpc=False, beamformed=False, users=()):
    """known: STBC, TXOP_PS, GI, SGI Nsym, LDPC extra, beamformed, bandwidth,
    group id, partial AID.  bandwidth: 0 = 20, 1 = 40, 4 = 80, 11 = 160 MHz.
    users: (mcs, nss, ldpc) of users 1-3 of a multi-user (MU-MIMO) frame."""
    known = 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0020 | 0x0040 | 0x0080 | 0x0100
    flags = (0x04 if short_gi else 0) | (0x20 if beamformed else 0)
    mcs_nss = bytes([(mcs << 4) | nss] + [(u[0] << 4) | u[1] for u in users] + [0] * (3 - len(users)))
    coding = (0x01 if ldpc else 0) | sum((0x02 << i) for i, u in enumerate(users) if u[2])
    return struct.pack("<HBB", known, flags, bw) + mcs_nss + struct.pack("<BBH", coding, group_id, partial_aid)


class Capture(w.Capture):
    def add_raw(self, rt, frame, dt):
        self.t += dt
        self.records.append((self.t, rt + frame))


def qos_data(sta, seq, payload, retry=False, tid=0, to_ds=True, ap=AP):
    flags = (0x01 if to_ds else 0x02) | (0x08 if retry else 0)
    fc = struct.pack("<BB", 0x88, flags)
    a1, a2, a3 = (ap, sta, ap) if to_ds else (sta, ap, ap)
    return fc + struct.pack("<H", 44) + a1 + a2 + a3 + struct.pack("<H", seq << 4) + struct.pack("<H", tid) \
        + payload


def udp_ipv4(src, dst, sport, dport, data, ident):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(data), 0) + data
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0x4000, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack(">H", w.checksum(ip)) + ip[12:]
    return w.llc_snap(0x0800, ip + udp)


def ack(ra):
    return struct.pack("<BBH", 0xD4, 0, 0) + ra


def block_ack_req(ra, ta, tid, ssn):
    control = 0x0004 | (tid << 12)             # compressed bitmap, normal ack
    return struct.pack("<BBH", 0x84, 0, 60) + ra + ta + struct.pack("<HH", control, ssn << 4)


def block_ack(ra, ta, tid, ssn, bitmap):
    control = 0x0004 | (tid << 12)
    return struct.pack("<BBH", 0x94, 0, 0) + ra + ta + struct.pack("<HH", control, ssn << 4) \
        + struct.pack("<Q", bitmap)


def beacon_5ghz():
    """OFDM rates only; HT Capabilities (2 streams, 40 MHz, short GI),
    HT Operation (primary 36, secondary above), VHT Capabilities (11454-byte
    MPDUs, short GI 80, LDPC, SU beamformer/beamformee, MCS 0-9 on 1-2
    streams) and VHT Operation (80 MHz, centre 42, basic MCS 0-7 on 1 stream)."""
    ht_cap = struct.pack("<HB", 0x19EF, 0x17) + bytes.fromhex("ffff0000000000000000") + struct.pack("<H", 0) \
        + bytes([0, 0, 0, 0]) + struct.pack("<H", 0) + struct.pack("<I", 0) + bytes([0])
    ht_op = bytes([36, 0x05]) + struct.pack("<HH", 0x0000, 0x0000) + bytes(16)
    vht_cap = struct.pack("<I", 0x0F8259B2) + struct.pack("<HHHH", 0xFFFA, 0, 0xFFFA, 0)
    vht_op = bytes([1, 42, 0]) + struct.pack("<H", 0xFFFC)
    rates = w.tag(1, bytes([0x8C, 0x12, 0x98, 0x24, 0xB0, 0x48, 0x60, 0x6C]))
    return struct.pack("<QHH", 3_456_789, 100, 0x0021) + w.tag(0, b"iot-open-5g") + rates + w.tag(3, b"\x24") \
        + w.tag(45, ht_cap) + w.tag(61, ht_op) + w.tag(191, vht_cap) + w.tag(192, vht_op)


def build():
    cap = Capture()
    beacon = w.mgmt(8, w.BROADCAST, AP, AP,
                    struct.pack("<QHH", 2_345_678, 100, 0x0421) + w.tag(0, b"iot-open") + w.RATES
                    + w.tag(3, b"\x06"), AP)
    cap.add_raw(radiotap(2437, -40, rate_500k=2), beacon, 0.1)
    seq = 100
    for i in range(6):
        reading = b"t=%d.%d" % (21 + i // 3, i * 3 % 10)
        payload = udp_ipv4(SENSOR_IP, AP_IP, 40000, 9999, reading, 0x1000 + i)
        if i == 3:
            # lost on air: three retries, rate control stepping down
            for attempt, index in enumerate((7, 7, 5, 3)):
                cap.add_raw(radiotap(2437, -78, mcs=ht_mcs(index)), qos_data(SENSOR, seq, payload, retry=attempt > 0),
                            0.0002 if attempt else 0.5)
            cap.add_raw(radiotap(2437, -45, rate_500k=12), ack(SENSOR), 0.000044)
        else:
            cap.add_raw(radiotap(2437, -58, mcs=ht_mcs(7, short_gi=i % 2 == 1)), qos_data(SENSOR, seq, payload), 0.5)
            cap.add_raw(radiotap(2437, -45, rate_500k=12), ack(SENSOR), 0.000044)
        seq += 1
    # an aggregated burst acknowledged by a Block Ack
    for i in range(4):
        payload = udp_ipv4(SENSOR_IP, AP_IP, 40000, 9999, b"burst %d" % i, 0x2000 + i)
        cap.add_raw(radiotap(2437, -57, mcs=ht_mcs(7, bw40=True, ldpc=True)), qos_data(SENSOR, seq + i, payload),
                    0.0001)
    cap.add_raw(radiotap(2437, -57, rate_500k=48), block_ack_req(AP, SENSOR, 0, seq), 0.00005)
    cap.add_raw(radiotap(2437, -45, rate_500k=48), block_ack(SENSOR, AP, 0, seq, 0x0B), 0.000044)
    seq += 4
    # 5 GHz, 802.11ac: the AP's second radio, then the camera
    cap.add_raw(radiotap(5180, -52, rate_500k=12), w.mgmt(8, w.BROADCAST, AP5, AP5, beacon_5ghz(), AP5), 0.05)
    cam_seq = 7
    for i, (mcs, nss, bw, sgi) in enumerate(((9, 2, 4, True), (9, 2, 4, False), (4, 1, 0, False), (0, 1, 1, True))):
        payload = udp_ipv4(CAMERA_IP, AP_IP, 5004, 5004, bytes(range(40)), 0x3000 + i)
        cap.add_raw(radiotap(5180, -55, vht=vht_info(mcs, nss, bw, short_gi=sgi, group_id=0, partial_aid=0x1234,
                                                     ldpc=mcs == 9, beamformed=i == 0)),
                    qos_data(CAMERA, cam_seq + i, payload, tid=5, ap=AP5), 0.02)
    cap.add_raw(radiotap(5180, -50, rate_500k=48), block_ack(CAMERA, AP5, 5, cam_seq, 0x0F), 0.000044)
    # A downlink MU-MIMO frame (group 5) to the camera and three other
    # users, then the camera's QoS Null reporting its queue (bit 4 set).
    payload = udp_ipv4(AP_IP, CAMERA_IP, 5004, 5004, b"mu", 0x3100)
    cap.add_raw(radiotap(5180, -50, vht=vht_info(7, 1, 4, group_id=5, ldpc=True,
                                                 users=((5, 2, False), (3, 1, True), (8, 2, True)))),
                qos_data(CAMERA, 40, payload, tid=5, to_ds=False, ap=AP5), 0.01)
    null = struct.pack("<BBH", 0xC8, 0x01, 44) + AP5 + CAMERA + AP5 + struct.pack("<HH", (cam_seq + 4) << 4,
                                                                                   5 | 0x10 | (12 << 8))
    cap.add_raw(radiotap(5180, -55, rate_500k=12), null, 0.001)
    return cap


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    build().write(sys.argv[1])


if __name__ == "__main__":
    main()
