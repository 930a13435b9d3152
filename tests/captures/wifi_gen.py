#!/usr/bin/env python3
"""Byte-level generator of a Wi-Fi monitor-mode capture with WPA2-PSK.

No Wi-Fi card that can do monitor mode is available where the captures are
made, so the frames are built here after IEEE 802.11-2020 and RFC 3610
(CCM), with the Python standard library only (AES-128 is implemented
below, since the standard library has none; PBKDF2 and HMAC-SHA1 come from
hashlib/hmac).

Usage: wifi_gen.py OUT.pcap [attack]

The story, on channel 6 (2437 MHz), radiotap link type (127):
  access point   02:ab:cd:00:00:01  SSID "iot-lab", WPA2-PSK (CCMP),
                 passphrase "correct horse battery" (also the MQTT broker
                 192.168.4.1 behind the AP's own MAC)
  ESP32 sensor   02:ee:32:aa:bb:cc  192.168.4.20
Beacons, a probe request/response, open-system authentication, association,
the EAPOL-Key 4-way handshake, ACK/RTS/CTS, then CCMP-protected QoS data:
ARP, and an MQTT 3.1.1 session over TCP (CONNECT, CONNACK, PUBLISH at QoS 0
and 1, PUBACK, PINGREQ/PINGRESP, DISCONNECT, FIN), finally a
disassociation and a deauthentication.

With "attack": a second station (02:ee:32:00:00:02) joins with a wrong
passphrase ("correct horse batterz"): the AP answers its message 2 with a
deauthentication (reason 15, 4-way handshake timeout), and a forged burst of
eight broadcast deauthentications in 0.35 s follows (a deauthentication
attack).
"""
import hashlib
import hmac
import struct
import sys

SSID = b"iot-lab"
PASSPHRASE = b"correct horse battery"
AP = bytes.fromhex("02abcd000001")
STA = bytes.fromhex("02ee32aabbcc")
BROADCAST = b"\xff" * 6
AP_IP = bytes([192, 168, 4, 1])
STA_IP = bytes([192, 168, 4, 20])
ANONCE = hashlib.sha256(b"iotscope anonce").digest()
SNONCE = hashlib.sha256(b"iotscope snonce").digest()
GTK = hashlib.sha256(b"iotscope gtk").digest()[:16]

# ---------------------------------------------------------------- AES-128

SBOX = [0] * 256


def _init_sbox():
    # multiplicative inverse in GF(2^8), then the affine transform
    p = q = 1
    while True:
        p = p ^ ((p << 1) & 0xFF) ^ (0x1B if p & 0x80 else 0)
        q ^= q << 1
        q ^= q << 2
        q ^= q << 4
        q &= 0xFF
        if q & 0x80:
            q ^= 0x09
        x = q ^ _rotl8(q, 1) ^ _rotl8(q, 2) ^ _rotl8(q, 3) ^ _rotl8(q, 4)
        SBOX[p] = x ^ 0x63
        if p == 1:
            break
    SBOX[0] = 0x63


def _rotl8(x, n):
    return ((x << n) | (x >> (8 - n))) & 0xFF


def _xtime(a):
    return ((a << 1) ^ 0x1B) & 0xFF if a & 0x80 else a << 1


def aes128_expand(key):
    words = [list(key[i:i + 4]) for i in range(0, 16, 4)]
    rcon = 1
    for i in range(4, 44):
        t = list(words[i - 1])
        if i % 4 == 0:
            t = [SBOX[b] for b in t[1:] + t[:1]]
            t[0] ^= rcon
            rcon = _xtime(rcon)
        words.append([a ^ b for a, b in zip(words[i - 4], t)])
    return [sum(words[r * 4:r * 4 + 4], []) for r in range(11)]


def aes128_encrypt(round_keys, block):
    s = [b ^ k for b, k in zip(block, round_keys[0])]
    for rnd in range(1, 11):
        s = [SBOX[b] for b in s]
        # ShiftRows: state is column-major (byte i = row i%4, column i//4)
        s = [s[(i + 4 * (i % 4)) % 16] for i in range(16)]
        if rnd != 10:
            out = []
            for c in range(4):
                a = s[4 * c:4 * c + 4]
                t = a[0] ^ a[1] ^ a[2] ^ a[3]
                out += [a[i] ^ t ^ _xtime(a[i] ^ a[(i + 1) % 4]) for i in range(4)]
            s = out
        s = [b ^ k for b, k in zip(s, round_keys[rnd])]
    return bytes(s)


_init_sbox()


class Aes:
    def __init__(self, key):
        self.rk = aes128_expand(key)

    def block(self, data):
        return aes128_encrypt(self.rk, data)


def xor(a, b):
    return bytes(x ^ y for x, y in zip(a, b))


def ccm_encrypt(key, nonce, aad, plaintext, mic_len=8):
    """RFC 3610 CCM with L = 2 (the 13-byte CCMP nonce)."""
    aes = Aes(key)
    flags = 0x40 | ((mic_len - 2) // 2) << 3 | 1
    mac = aes.block(bytes([flags]) + nonce + struct.pack(">H", len(plaintext)))
    blob = struct.pack(">H", len(aad)) + aad
    blob += bytes(-len(blob) % 16)
    for i in range(0, len(blob), 16):
        mac = aes.block(xor(mac, blob[i:i + 16]))
    padded = plaintext + bytes(-len(plaintext) % 16)
    for i in range(0, len(padded), 16):
        mac = aes.block(xor(mac, padded[i:i + 16]))
    out = b""
    for i in range(0, len(plaintext), 16):
        ctr = aes.block(bytes([1]) + nonce + struct.pack(">H", i // 16 + 1))
        out += xor(plaintext[i:i + 16], ctr)
    s0 = aes.block(bytes([1]) + nonce + b"\0\0")
    return out + xor(mac[:mic_len], s0)


def aes_key_wrap(kek, plaintext):
    """RFC 3394, for the key data of message 3."""
    aes = Aes(kek)
    a = b"\xa6" * 8
    r = [plaintext[i:i + 8] for i in range(0, len(plaintext), 8)]
    n = len(r)
    for j in range(6):
        for i in range(n):
            b = aes.block(a + r[i])
            t = n * j + i + 1
            a = xor(b[:8], struct.pack(">Q", t))
            r[i] = b[8:]
    return a + b"".join(r)

# ---------------------------------------------------------------- keys


def prf(key, label, data, nbytes):
    out = b""
    i = 0
    while len(out) < nbytes:
        out += hmac.new(key, label + b"\0" + data + bytes([i]), hashlib.sha1).digest()
        i += 1
    return out[:nbytes]


PMK = hashlib.pbkdf2_hmac("sha1", PASSPHRASE, SSID, 4096, 32)
PTK = prf(PMK, b"Pairwise key expansion",
          min(AP, STA) + max(AP, STA) + min(ANONCE, SNONCE) + max(ANONCE, SNONCE), 48)
KCK, KEK, TK = PTK[:16], PTK[16:32], PTK[32:48]

# ---------------------------------------------------------------- frames


def radiotap(rate_500k, signal, ofdm=True):
    present = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 5) | (1 << 6) | (1 << 11)
    chan_flags = 0x0080 | (0x0040 if ofdm else 0x0020)   # 2 GHz, OFDM or CCK
    body = struct.pack("<BBHHbbB", 0x00, rate_500k, 2437, chan_flags, signal, -92, 1)
    return struct.pack("<BBHI", 0, 0, 8 + len(body), present) + body


class Seq:
    def __init__(self):
        self.n = {}

    def next(self, who):
        self.n[who] = (self.n.get(who, 0) + 1) & 0xFFF
        return self.n[who] << 4


SEQ = Seq()


def mgmt(subtype, da, sa, bssid, body, seq_from):
    fc = struct.pack("<BB", subtype << 4, 0)
    return fc + struct.pack("<H", 0 if da == BROADCAST else 314) + da + sa + bssid \
        + struct.pack("<H", SEQ.next(seq_from)) + body


def tag(number, data):
    return bytes([number, len(data)]) + data


RATES = tag(1, bytes([0x82, 0x84, 0x8B, 0x96, 0x0C, 0x12, 0x18, 0x24]))
EXT_RATES = tag(50, bytes([0x30, 0x48, 0x60, 0x6C]))
RSN = tag(48, struct.pack("<H", 1) + bytes.fromhex("000fac04") + struct.pack("<H", 1)
          + bytes.fromhex("000fac04") + struct.pack("<H", 1) + bytes.fromhex("000fac02")
          + struct.pack("<H", 0x000C))


def beacon_body(tim=True):
    body = struct.pack("<QHH", 1_234_567, 100, 0x0431) + tag(0, SSID) + RATES + tag(3, b"\x06")
    if tim:
        body += tag(5, bytes([0, 1, 0, 0]))
    body += tag(7, b"DE " + bytes([1, 13, 20])) + EXT_RATES + RSN
    return body


def llc_snap(ethertype, payload):
    return bytes.fromhex("aaaa03000000") + struct.pack(">H", ethertype) + payload


def data_header(to_ds, qos, protected, seq_from, tid=0):
    """Station → AP when to_ds, else AP → station; the broker is the AP."""
    subtype = 8 if qos else 0
    flags = (0x01 if to_ds else 0x02) | (0x40 if protected else 0)
    fc = struct.pack("<BB", 0x08 | subtype << 4, flags)
    a1, a2, a3 = (AP, STA, AP) if to_ds else (STA, AP, AP)
    hdr = fc + struct.pack("<H", 44) + a1 + a2 + a3 + struct.pack("<H", SEQ.next(seq_from))
    if qos:
        hdr += struct.pack("<H", tid)
    return hdr


class Ccmp:
    def __init__(self):
        self.pn = {STA: 0, AP: 0}

    def protect(self, header, plaintext, tid=0):
        a2 = header[10:16]
        self.pn[a2] += 1
        pn = self.pn[a2]
        pn_bytes = pn.to_bytes(6, "big")
        ccmp_hdr = bytes([pn_bytes[5], pn_bytes[4], 0, 0x20, pn_bytes[3], pn_bytes[2], pn_bytes[1],
                          pn_bytes[0]])
        fc0, fc1 = header[0], header[1]
        aad = bytes([fc0 & 0x8F, (fc1 & 0x47) | 0x40]) + header[4:22]
        aad = aad[:20] + bytes([header[22] & 0x0F, 0])          # sequence number masked
        if len(header) >= 26:
            aad += bytes([header[24] & 0x0F, 0])                # QoS control: TID only
        nonce = bytes([tid & 0x0F]) + a2 + pn_bytes
        return header + ccmp_hdr + ccm_encrypt(TK, nonce, aad, plaintext)


CCMP = Ccmp()


def eapol_key(key_info, replay, nonce, mic=False, data=b"", key_len=16):
    body = struct.pack(">BHHQ", 2, key_info, key_len, replay) + nonce + bytes(16) + bytes(8) + bytes(8)
    body += bytes(16) + struct.pack(">H", len(data)) + data
    frame = struct.pack(">BBH", 2, 3, len(body)) + body
    if mic:
        digest = hmac.new(KCK, frame, hashlib.sha1).digest()[:16]
        frame = frame[:81] + digest + frame[97:]
    return frame


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Tcp:
    def __init__(self):
        self.ip_id = 0x4000
        self.seq = {STA: 0x1A2B3C4D, AP: 0x77665544}
        self.sport = 51234

    def segment(self, from_sta, flags, payload=b""):
        src, dst = (STA_IP, AP_IP) if from_sta else (AP_IP, STA_IP)
        sport, dport = (self.sport, 1883) if from_sta else (1883, self.sport)
        me, peer = (STA, AP) if from_sta else (AP, STA)
        ack = self.seq[peer] if flags & 0x10 else 0
        tcp = struct.pack(">HHIIBBHHH", sport, dport, self.seq[me], ack, 5 << 4, flags, 5744, 0, 0)
        pseudo = src + dst + struct.pack(">BBH", 0, 6, len(tcp) + len(payload))
        csum = checksum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack(">H", csum) + tcp[18:]
        self.seq[me] = (self.seq[me] + len(payload) + (1 if flags & 0x03 else 0)) & 0xFFFFFFFF
        self.ip_id += 1
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), self.ip_id, 0x4000, 64, 6,
                         0, src, dst)
        ip = ip[:10] + struct.pack(">H", checksum(ip)) + ip[12:]
        return ip + tcp + payload


def mqtt_string(s):
    return struct.pack(">H", len(s)) + s


def mqtt(packet_type, flags, body):
    return bytes([packet_type << 4 | flags, len(body)]) + body


class Capture:
    def __init__(self):
        self.t = 1_780_100_000.0
        self.records = []

    def add(self, frame, dt, rate=12, signal=-48, ofdm=True):
        self.t += dt
        self.records.append((self.t, radiotap(rate, signal, ofdm) + frame))

    def ack(self, ra, dt=0.000044):
        self.add(struct.pack("<BBH", 0xD4, 0, 0) + ra, dt, rate=12, signal=-50)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 127))
            for t, pkt in self.records:
                sec = int(t)
                usec = int(round((t - sec) * 1e6))
                f.write(struct.pack("<IIII", sec, usec, len(pkt), len(pkt)))
                f.write(pkt)


def build():
    cap = Capture()
    for _ in range(3):
        cap.add(mgmt(8, BROADCAST, AP, AP, beacon_body(), AP), 0.1024, rate=2, signal=-41, ofdm=False)
    # discovery and joining
    cap.add(mgmt(4, BROADCAST, STA, BROADCAST, tag(0, b"") + RATES + EXT_RATES, STA), 0.01, rate=2,
            signal=-55, ofdm=False)
    cap.add(mgmt(5, STA, AP, AP, beacon_body(tim=False), AP), 0.0004, rate=2, signal=-42, ofdm=False)
    cap.ack(AP)
    cap.add(mgmt(11, AP, STA, AP, struct.pack("<HHH", 0, 1, 0), STA), 0.002, signal=-55)
    cap.ack(STA)
    cap.add(mgmt(11, STA, AP, AP, struct.pack("<HHH", 0, 2, 0), AP), 0.0003, signal=-42)
    cap.ack(AP)
    cap.add(mgmt(0, AP, STA, AP, struct.pack("<HH", 0x0431, 10) + tag(0, SSID) + RATES + EXT_RATES + RSN, STA),
            0.001, signal=-55)
    cap.ack(STA)
    cap.add(mgmt(1, STA, AP, AP, struct.pack("<HHH", 0x0431, 0, 0xC001) + RATES + EXT_RATES, AP), 0.0004,
            signal=-42)
    cap.ack(AP)

    # the 4-way handshake (EAPOL-Key, HMAC-SHA1 MIC, AES key wrap)
    def eapol_frame(to_ds, payload, dt):
        hdr = data_header(to_ds, True, False, STA if to_ds else AP, tid=7)
        cap.add(hdr + llc_snap(0x888E, payload), dt, signal=-55 if to_ds else -42)
        cap.ack(AP if to_ds else STA)

    eapol_frame(False, eapol_key(0x008A, 1, ANONCE), 0.003)
    eapol_frame(True, eapol_key(0x010A, 1, SNONCE, mic=True, data=RSN, key_len=0), 0.004)
    gtk_kde = bytes([0xDD, 22]) + bytes.fromhex("000fac01") + bytes([1, 0]) + GTK
    key_data = RSN + gtk_kde
    key_data += bytes([0xDD]) + bytes(-(len(key_data) + 1) % 8)
    eapol_frame(False, eapol_key(0x13CA, 2, ANONCE, mic=True, data=aes_key_wrap(KEK, key_data)), 0.003)
    eapol_frame(True, eapol_key(0x030A, 2, bytes(32), mic=True, key_len=0), 0.004)

    # protected traffic
    def protected(to_ds, payload, dt, tid=0):
        hdr = data_header(to_ds, True, True, STA if to_ds else AP, tid=tid)
        cap.add(CCMP.protect(hdr, llc_snap(0x0800 if payload[:1] == b"\x45" else 0x0806, payload), tid), dt,
                signal=-55 if to_ds else -42)
        cap.ack(AP if to_ds else STA)

    arp_req = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + STA + STA_IP + bytes(6) + AP_IP
    arp_rep = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 2) + AP + AP_IP + STA + STA_IP
    protected(True, arp_req, 0.02)
    protected(False, arp_rep, 0.001)

    tcp = Tcp()
    protected(True, tcp.segment(True, 0x02), 0.003)
    protected(False, tcp.segment(False, 0x12), 0.001)
    protected(True, tcp.segment(True, 0x10), 0.001)
    connect = mqtt_string(b"MQTT") + bytes([4, 0x02]) + struct.pack(">H", 60) + mqtt_string(b"esp32-thermo")
    protected(True, tcp.segment(True, 0x18, mqtt(1, 0, connect)), 0.002)
    protected(False, tcp.segment(False, 0x18, mqtt(2, 0, b"\x00\x00")), 0.001)
    # RTS/CTS before a longer frame
    cap.add(struct.pack("<BBH", 0xB4, 0, 120) + AP + STA, 0.2, rate=12, signal=-55)
    cap.add(struct.pack("<BBH", 0xC4, 0, 80) + STA, 0.000016, rate=12, signal=-42)
    publish0 = mqtt_string(b"sensors/esp32-thermo/temperature") + b"22.15"
    protected(True, tcp.segment(True, 0x18, mqtt(3, 0, publish0)), 0.00002, tid=5)
    protected(False, tcp.segment(False, 0x10), 0.001)
    publish1 = mqtt_string(b"sensors/esp32-thermo/humidity") + struct.pack(">H", 1) + b"48.2"
    protected(True, tcp.segment(True, 0x18, mqtt(3, 2, publish1)), 1.0, tid=5)
    protected(False, tcp.segment(False, 0x18, mqtt(4, 0, struct.pack(">H", 1))), 0.001)
    protected(True, tcp.segment(True, 0x18, mqtt(12, 0, b"")), 5.0)
    protected(False, tcp.segment(False, 0x18, mqtt(13, 0, b"")), 0.001)
    protected(True, tcp.segment(True, 0x18, mqtt(14, 0, b"")), 1.0)
    protected(True, tcp.segment(True, 0x11), 0.001)
    protected(False, tcp.segment(False, 0x11), 0.001)
    protected(True, tcp.segment(True, 0x10), 0.001)

    # leaving
    cap.add(mgmt(10, AP, STA, AP, struct.pack("<H", 8), STA), 0.5, signal=-55)
    cap.ack(STA)
    cap.add(mgmt(12, STA, AP, AP, struct.pack("<H", 3), AP), 0.01, signal=-42)
    cap.ack(AP)
    for _ in range(2):
        cap.add(mgmt(8, BROADCAST, AP, AP, beacon_body(), AP), 0.1024, rate=2, signal=-41, ofdm=False)
    return cap


def build_attack():
    global STA, KCK
    cap = Capture()
    victim = bytes.fromhex("02ee32000002")
    STA = victim
    wrong_pmk = hashlib.pbkdf2_hmac("sha1", b"correct horse batterz", SSID, 4096, 32)
    wrong_ptk = prf(wrong_pmk, b"Pairwise key expansion",
                    min(AP, victim) + max(AP, victim) + min(ANONCE, SNONCE) + max(ANONCE, SNONCE), 48)
    cap.add(mgmt(8, BROADCAST, AP, AP, beacon_body(), AP), 0.1024, rate=2, signal=-41, ofdm=False)
    cap.add(mgmt(11, AP, victim, AP, struct.pack("<HHH", 0, 1, 0), victim), 0.01, signal=-60)
    cap.ack(victim)
    cap.add(mgmt(11, victim, AP, AP, struct.pack("<HHH", 0, 2, 0), AP), 0.0003, signal=-42)
    cap.ack(AP)
    cap.add(mgmt(0, AP, victim, AP, struct.pack("<HH", 0x0431, 10) + tag(0, SSID) + RATES + RSN, victim), 0.001,
            signal=-60)
    cap.ack(victim)
    cap.add(mgmt(1, victim, AP, AP, struct.pack("<HHH", 0x0431, 0, 0xC002) + RATES, AP), 0.0004, signal=-42)
    cap.ack(AP)
    for attempt in (1, 2):
        hdr = data_header(False, True, False, AP, tid=7)
        cap.add(hdr + llc_snap(0x888E, eapol_key(0x008A, attempt, ANONCE)), 0.003, signal=-42)
        cap.ack(victim)
        KCK = wrong_ptk[:16]
        hdr = data_header(True, True, False, victim, tid=7)
        cap.add(hdr + llc_snap(0x888E, eapol_key(0x010A, attempt, SNONCE, mic=True, data=RSN, key_len=0)), 0.004,
                signal=-60)
        cap.ack(AP)
    cap.add(mgmt(12, victim, AP, AP, struct.pack("<H", 15), AP), 1.0, signal=-42)
    cap.ack(AP)
    # forged broadcast deauthentications "from the AP"
    for i in range(8):
        cap.add(mgmt(12, BROADCAST, AP, AP, struct.pack("<H", 7), AP), 0.05, rate=2, signal=-30, ofdm=False)
    cap.add(mgmt(8, BROADCAST, AP, AP, beacon_body(), AP), 0.1024, rate=2, signal=-41, ofdm=False)
    return cap


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    (build_attack() if len(sys.argv) == 3 and sys.argv[2] == "attack" else build()).write(sys.argv[1])


if __name__ == "__main__":
    main()
