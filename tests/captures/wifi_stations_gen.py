#!/usr/bin/env python3
"""Byte-level generator of a busy 802.11n home network seen in monitor mode
(radiotap): several stations with good and poor links, a smart plug with a
wrong passphrase, a doorbell that never answers the handshake, and a burst
of forged deauthentications and disassociations with mixed reason codes.

No Wi-Fi card that can do monitor mode is available where the captures are
made, so the frames are built here after IEEE 802.11-2020 (HT Capabilities
9.4.2.55, HT Operation 9.4.2.56) with the Python standard library only;
helpers come from wifi_gen.py and wifi_ht_gen.py.

Usage: wifi_stations_gen.py OUT.pcap

The story, 2.4 GHz channel 11 (2462 MHz), WPA2-PSK network "iot-home"
(AP 02:ab:cd:00:00:03, passphrase "home sweet home 42", given in
wifi-stations.opts):
  - beacons with HT Capabilities (2 streams, 40 MHz, short GI, LDPC) and
    HT Operation (primary channel 11, secondary below, non-member
    protection because a legacy station is associated);
  - a thermostat 02:ee:32:10:00:01, joined before the capture started (so
    its traffic stays encrypted even with the key), sends CCMP-protected
    QoS data at HT MCS 7 with short GI (72.2 Mb/s), received at -44 to -49
    dBm, every frame acknowledged at once;
  - a garden sensor 02:ee:32:10:00:02 at the edge of coverage (-81 to -88
    dBm) sends at legacy OFDM/CCK rates (6 down to 1 Mb/s): half of its
    frames are retries (Retry bit, same sequence number, lower rate);
  - a smart plug 02:ee:32:10:00:03 probes (with its own HT Capabilities: one
    stream, 20 MHz), authenticates, associates, and answers three message 1s
    with message 2s whose MIC comes from a wrong passphrase ("home sweet
    home 24"); the AP never sends message 3 and deauthenticates it (reason
    15, 4-way handshake timeout);
  - a doorbell 02:ee:32:10:00:04 associates but never answers the AP's
    three message 1s; the AP deauthenticates it (reason 15);
  - a forged burst "from the AP": deauthentications and disassociations to
    the thermostat, the sensor and the broadcast address with reason codes
    7, 6, 1 and 8, nine frames within 0.8 s, heard 9 dB stronger than the
    AP's beacons (another transmitter), then the thermostat goes on.
"""
import hashlib
import hmac
import struct
import sys

import wifi_gen as w
import wifi_ht_gen as ht

SSID = b"iot-home"
PASSPHRASE = b"home sweet home 42"
WRONG_PASSPHRASE = b"home sweet home 24"
AP = bytes.fromhex("02abcd000003")
THERMO = bytes.fromhex("02ee32100001")
GARDEN = bytes.fromhex("02ee32100002")
PLUG = bytes.fromhex("02ee32100003")
DOORBELL = bytes.fromhex("02ee32100004")
BROADCAST = w.BROADCAST
FREQ = 2462

# 802.11n elements of the access point and of a one-stream IoT station.
HT_CAP_AP = w.tag(45, struct.pack("<HB", 0x19EF, 0x17) + bytes.fromhex("ffff0000000000000000")
                  + struct.pack("<H", 300) + bytes([0x01, 0, 0, 0]) + struct.pack("<H", 0x0000)
                  + struct.pack("<I", 0x00000000) + bytes([0x00]))
HT_CAP_STA = w.tag(45, struct.pack("<HB", 0x016C, 0x03) + bytes.fromhex("ff000000000000000000")
                   + struct.pack("<H", 0) + bytes([0, 0, 0, 0]) + struct.pack("<H", 0x0000)
                   + struct.pack("<I", 0x00000018) + bytes([0x00]))
HT_OP = w.tag(61, bytes([11, 0x07]) + struct.pack("<HH", 0x0015, 0x0000) + bytes(16))
RSN = w.RSN
RATES = w.RATES
EXT_RATES = w.EXT_RATES


def pmk(passphrase):
    return hashlib.pbkdf2_hmac("sha1", passphrase, SSID, 4096, 32)


def kck(passphrase, sta, anonce, snonce):
    ptk = w.prf(pmk(passphrase), b"Pairwise key expansion",
                min(AP, sta) + max(AP, sta) + min(anonce, snonce) + max(anonce, snonce), 48)
    return ptk[:16]


def eapol_key(key_info, replay, nonce, mic_key=None, data=b"", key_len=16):
    """An EAPOL-Key frame (802.1X-2004, descriptor 2); its MIC is
    HMAC-SHA1-128 over the frame with the MIC field zeroed."""
    body = struct.pack(">BHHQ", 2, key_info, key_len, replay) + nonce + bytes(16) + bytes(8) + bytes(8)
    body += bytes(16) + struct.pack(">H", len(data)) + data
    frame = struct.pack(">BBH", 2, 3, len(body)) + body
    if mic_key is not None:
        digest = hmac.new(mic_key, frame, hashlib.sha1).digest()[:16]
        frame = frame[:81] + digest + frame[97:]
    return frame


class Capture(ht.Capture):
    def legacy(self, frame, dt, rate_500k, signal):
        self.add_raw(ht.radiotap(FREQ, signal, rate_500k=rate_500k), frame, dt)

    def mcs(self, frame, dt, index, signal, short_gi=False):
        self.add_raw(ht.radiotap(FREQ, signal, mcs=ht.ht_mcs(index, short_gi=short_gi)), frame, dt)

    def ack(self, ra, signal, dt=0.000044):
        self.legacy(struct.pack("<BBH", 0xD4, 0, 0) + ra, dt, 12, signal)


def qos_header(sta, seq, to_ds=True, retry=False, protected=False, tid=0):
    flags = (0x01 if to_ds else 0x02) | (0x08 if retry else 0) | (0x40 if protected else 0)
    a1, a2, a3 = (AP, sta, AP) if to_ds else (sta, AP, AP)
    return struct.pack("<BBH", 0x88, flags, 44) + a1 + a2 + a3 + struct.pack("<HH", seq << 4, tid)


def ccmp_opaque(header, pn, length):
    """A CCMP body as seen without the key: the 8-byte CCMP header, then
    ciphertext and MIC (pseudo-random: nobody can decrypt them without the
    station's handshake)."""
    ccmp = bytes([pn & 0xFF, (pn >> 8) & 0xFF, 0, 0x20, 0, 0, 0, 0])
    stream = b""
    counter = 0
    while len(stream) < length + 8:
        stream += hashlib.sha256(header[10:16] + struct.pack(">IH", pn, counter)).digest()
        counter += 1
    return header + ccmp + stream[:length + 8]


def beacon(cap, dt):
    body = struct.pack("<QHH", 9_876_543, 100, 0x0431) + w.tag(0, SSID) + RATES + w.tag(3, b"\x0b") \
        + w.tag(5, bytes([0, 1, 0, 0])) + EXT_RATES + RSN + HT_CAP_AP + HT_OP
    cap.legacy(w.mgmt(8, BROADCAST, AP, AP, body, AP), dt, 2, -38)


def join(cap, sta, signal, probe=False):
    """Discovery (optional), open-system authentication and association."""
    if probe:
        cap.legacy(w.mgmt(4, BROADCAST, sta, BROADCAST, w.tag(0, SSID) + RATES + EXT_RATES + HT_CAP_STA, sta),
                   0.02, 2, signal)
        body = struct.pack("<QHH", 9_976_543, 100, 0x0431) + w.tag(0, SSID) + RATES + w.tag(3, b"\x0b") \
            + EXT_RATES + RSN + HT_CAP_AP + HT_OP
        cap.legacy(w.mgmt(5, sta, AP, AP, body, AP), 0.0005, 2, -38)
        cap.ack(AP, signal)
    cap.legacy(w.mgmt(11, AP, sta, AP, struct.pack("<HHH", 0, 1, 0), sta), 0.002, 12, signal)
    cap.ack(sta, -38)
    cap.legacy(w.mgmt(11, sta, AP, AP, struct.pack("<HHH", 0, 2, 0), AP), 0.0003, 12, -38)
    cap.ack(AP, signal)
    cap.legacy(w.mgmt(0, AP, sta, AP, struct.pack("<HH", 0x0431, 10) + w.tag(0, SSID) + RATES + EXT_RATES + RSN
                      + HT_CAP_STA, sta), 0.001, 12, signal)
    cap.ack(sta, -38)
    cap.legacy(w.mgmt(1, sta, AP, AP, struct.pack("<HHH", 0x0431, 0, 0xC000 | (2 + sta[-1])) + RATES + EXT_RATES
                      + HT_CAP_AP + HT_OP, AP), 0.0004, 12, -38)
    cap.ack(AP, signal)


def handshake_attempts(cap, sta, signal, attempts, answer_with=None):
    """Message 1 from the AP, answered (when answer_with names a passphrase)
    by a message 2 whose MIC that passphrase gives."""
    seq_ap, seq_sta = 200, 20
    for attempt in range(1, attempts + 1):
        anonce = hashlib.sha256(b"anonce %s %d" % (sta.hex().encode(), attempt)).digest()
        msg1 = eapol_key(0x008A, attempt, anonce)
        cap.legacy(qos_header(sta, seq_ap, to_ds=False, tid=7) + w.llc_snap(0x888E, msg1), 0.003 if attempt == 1
                   else 1.0, 12, -38)
        cap.ack(AP, signal)
        seq_ap += 1
        if answer_with is None:
            continue
        snonce = hashlib.sha256(b"snonce %s %d" % (sta.hex().encode(), attempt)).digest()
        msg2 = eapol_key(0x010A, attempt, snonce, mic_key=kck(answer_with, sta, anonce, snonce), data=RSN,
                         key_len=0)
        cap.legacy(qos_header(sta, seq_sta, tid=7) + w.llc_snap(0x888E, msg2), 0.004, 12, signal)
        cap.ack(sta, -38)
        seq_sta += 1


def deauth(cap, da, reason, dt, subtype=12, signal=-38):
    cap.legacy(w.mgmt(subtype, da, AP, AP, struct.pack("<H", reason), AP), dt, 2, signal)
    if da != BROADCAST:
        cap.ack(AP, -45)


def build():
    cap = Capture()
    beacon(cap, 0.1)
    beacon(cap, 0.1024)

    # the thermostat: strong signal, HT MCS 7 short GI, no retries
    seq, pn = 1000, 40
    for i in range(4):
        hdr = qos_header(THERMO, seq, protected=True)
        cap.mcs(ccmp_opaque(hdr, pn, 60 + i), 0.05, 7, -44 - i, short_gi=True)
        cap.ack(THERMO, -38)
        seq += 1
        pn += 1
        hdr = qos_header(THERMO, 300 + i, to_ds=False, protected=True)
        cap.mcs(ccmp_opaque(hdr, 900 + i, 40), 0.001, 7, -38, short_gi=True)
        cap.ack(AP, -45 - i)

    # the garden sensor: weak, legacy rates, every other frame retried
    gseq, gpn = 2000, 7
    for i in range(4):
        hdr = qos_header(GARDEN, gseq, protected=True)
        rates = (12, 4) if i % 2 == 0 else (12,)
        for attempt, rate in enumerate(rates):
            cap.legacy(ccmp_opaque(qos_header(GARDEN, gseq, retry=attempt > 0, protected=True), gpn, 48), 0.0003
                       if attempt else 0.2, rate, -81 - (i + attempt) * 2)
        cap.ack(GARDEN, -38)
        gseq += 1
        gpn += 1
    # one frame takes four tries: 6, 2, 1, 1 Mb/s
    for attempt, rate in enumerate((12, 4, 2, 2)):
        cap.legacy(ccmp_opaque(qos_header(GARDEN, gseq, retry=attempt > 0, protected=True), gpn, 48), 0.0004
                   if attempt else 0.2, rate, -88)
    cap.ack(GARDEN, -38)
    beacon(cap, 0.05)

    # the smart plug with a wrong passphrase
    join(cap, PLUG, -61, probe=True)
    handshake_attempts(cap, PLUG, -61, 3, answer_with=WRONG_PASSPHRASE)
    deauth(cap, PLUG, 15, 1.0)
    beacon(cap, 0.05)

    # the doorbell never answers message 1
    join(cap, DOORBELL, -70)
    handshake_attempts(cap, DOORBELL, -70, 3)
    deauth(cap, DOORBELL, 15, 1.0)

    # a forged burst with mixed reasons, from a radio closer to the sniffer
    beacon(cap, 1.5)
    for da, reason, subtype in ((THERMO, 7, 12), (BROADCAST, 7, 12), (GARDEN, 6, 12), (BROADCAST, 7, 12),
                                (THERMO, 1, 10), (BROADCAST, 8, 10), (GARDEN, 7, 12), (BROADCAST, 7, 12),
                                (THERMO, 6, 12)):
        deauth(cap, da, reason, 0.9 if da == THERMO and reason == 7 else 0.09, subtype=subtype, signal=-29)
    beacon(cap, 0.1)
    hdr = qos_header(THERMO, seq, protected=True)
    cap.mcs(ccmp_opaque(hdr, pn, 64), 0.3, 7, -46, short_gi=True)
    cap.ack(THERMO, -38)
    return cap


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    build().write(sys.argv[1])


if __name__ == "__main__":
    main()
