#!/usr/bin/python3
"""Byte-level generator of a secured Thread capture (no radio here).

Usage: thread_sec_gen.py OUTDIR

Writes thread-sec.pcap (LINKTYPE_IEEE802_15_4_WITHFCS, 195): a child
attaching to a Thread leader and then talking CoAP through it.

  * MLE (UDP 19788) with security suite 0: Parent Request, Parent Response,
    Child ID Request, Child ID Response, Advertisement, Child Update
    Request/Response, Data Response and Announce, encrypted with the MLE
    key of key sequence 0 (key id mode 2, the key sequence as key source);
    one MLE message under key sequence 7 (its key is derived from the
    sequence the frame names, so it opens too) and one with a broken MIC.
  * MAC-secured 802.15.4-2006 data frames (security level 5, key id mode 1,
    key index = low 7 bits of the key sequence + 1) with 6LoWPAN/UDP/CoAP
    inside: from long and from short source addresses (the short ones get
    their EUI-64 from the Source Address and Address16 TLVs of the MLE
    messages before them), Thread management CoAP (TMF port 61631) and
    application CoAP (5683); one frame with a wrong MIC and one encrypted
    under a key sequence no configured counter gives (0x109: the key index
    says 9, the high bits say 0x100).

The network key is 000102030405060708090a0b0c0d0e0f (thread-sec.opts hands it
to both tools as tshark's uat:ieee802154_keys "Thread hash" entry).

Keys follow the Thread specification (and OpenThread's KeyManager):
HMAC-SHA256(network key, key sequence as 4 bytes big-endian | "Thread"); the
first 16 bytes are the MLE key, the last 16 the MAC key.  CCM* as 802.15.4:
nonce = source EUI-64 | frame counter (big-endian) | security level; the
MAC authenticates its header up to the end of the auxiliary security header,
MLE authenticates IPv6 source | IPv6 destination | auxiliary security header.
"""
import hashlib
import hmac
import os
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESCCM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import radio_154 as r  # noqa: E402

NETWORK_KEY = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
PAN = 0xdead
LEADER_EUI = "6a:2d:18:f0:00:00:00:01"
CHILD_EUI = "6a:2d:18:f0:00:00:00:02"
LEADER16, CHILD16 = 0x5c00, 0x5c01
LEVEL = 5                       # ENC-MIC-32, what Thread uses
T0 = 1796601600 + 4 * 3600


def thread_keys(seq, key=NETWORK_KEY):
    digest = hmac.new(key, struct.pack(">I", seq) + b"Thread", hashlib.sha256).digest()
    return digest[:16], digest[16:]          # MLE key, MAC key


def eui_bytes(eui):
    return bytes.fromhex(eui.replace(":", ""))


def nonce(src_eui, counter):
    return eui_bytes(src_eui) + struct.pack(">I", counter) + bytes([LEVEL])


def ccm(key, src_eui, counter, plain, aad):
    return AESCCM(key, tag_length=4).encrypt(nonce(src_eui, counter), plain, aad)


def break_mic(data):
    return data[:-1] + bytes([data[-1] ^ 0x5a])


def tlv(t, value):
    return bytes([t, len(value)]) + value


MCAST_ALL_NODES = bytes.fromhex("ff020000000000000000000000000001")
MCAST_ALL_ROUTERS = bytes.fromhex("ff020000000000000000000000000002")


def mle_message(src_eui, dst_ip, command, tlvs, counter, key_seq=0, bad_mic=False):
    """MLE with security suite 0: aux header (level 5, key id mode 2, key
    source = key sequence, key index = low 7 bits + 1), encrypted command
    and TLVs, MIC."""
    src_ip = r.ll_from_eui(src_eui)
    aux = bytes([0x10 | LEVEL]) + struct.pack("<I", counter) + struct.pack(">I", key_seq) + bytes([(key_seq & 0x7f) + 1])
    mle_key, _ = thread_keys(key_seq)
    sealed = ccm(mle_key, src_eui, counter, bytes([command]) + tlvs, src_ip + dst_ip + aux)
    if bad_mic:
        sealed = break_mic(sealed)
    return src_ip, b"\x00" + aux + sealed


def mle_frame(seq, src_eui, dst_eui, command, tlvs, counter, **kw):
    """An unsecured 802.15.4 data frame (MLE protects itself), extended
    source; to a neighbour's extended address or to broadcast."""
    dst_ip = r.ll_from_eui(dst_eui) if dst_eui else kw.pop("mcast", MCAST_ALL_NODES)
    src_ip, mle = mle_message(src_eui, dst_ip, command, tlvs, counter, **kw)
    if dst_eui:
        iphc = r.iphc(3, 1, 3, 3, 3)
    else:
        iphc = r.iphc(3, 1, 3, 3, 3, m=1) + dst_ip[15:]
    udp = r.nhc_udp(19788, 19788, mle, src_ip, dst_ip)
    head = r.fcf(1, ack_req=1 if dst_eui else 0, panid_comp=1, dst_mode=3 if dst_eui else 2, src_mode=3)
    head += bytes([seq]) + r.short(PAN) + (r.long_addr(dst_eui) if dst_eui else r.short(0xffff))
    head += r.long_addr(src_eui)
    return head + iphc + udp + mle


def coap_datagram(src_ip, dst_ip, sport, dport, message):
    """IPHC (inline addresses: the MAC's short and long sources both stay
    readable) + NHC UDP + CoAP."""
    iphc = r.iphc(3, 1, 3, 0, 0) + src_ip + dst_ip
    return iphc + r.nhc_udp(sport, dport, message, src_ip, dst_ip) + message


def secured_data_frame(seq, src, dst, payload, counter, src_eui, key_seq=0, bad_mic=False):
    """An 802.15.4-2006 data frame with MAC security (level 5, key id mode 1:
    the key index names the key sequence's low 7 bits + 1).  @src and @dst
    are short addresses (int) or EUI-64 strings."""
    smode = 3 if isinstance(src, str) else 2
    dmode = 3 if isinstance(dst, str) else 2
    head = r.fcf(1, security=1, ack_req=1, panid_comp=1, dst_mode=dmode, version=1, src_mode=smode)
    head += bytes([seq]) + r.short(PAN)
    head += r.long_addr(dst) if dmode == 3 else r.short(dst)
    head += r.long_addr(src) if smode == 3 else r.short(src)
    aux = bytes([0x08 | LEVEL]) + struct.pack("<I", counter) + bytes([(key_seq & 0x7f) + 1])
    head += aux
    _, mac_key = thread_keys(key_seq)
    sealed = ccm(mac_key, src_eui, counter, payload, head)
    if bad_mic:
        sealed = break_mic(sealed)
    return head + sealed


def mesh_local(iid16):
    """A mesh-local RLOC address fdde:ad00:beef:0:0:ff:fe00:RLOC16."""
    return bytes.fromhex("fddead00beef0000000000fffe00") + struct.pack(">H", iid16)


def thread_capture():
    leader = tlv(11, struct.pack(">IBBBB", 0x5a5a0001, 64, 3, 2, 23))
    src_leader = tlv(0, r.short(LEADER16))
    version = tlv(18, struct.pack(">H", 3))
    route64 = tlv(9, bytes([0x81]) + bytes.fromhex("0000010000000000") + bytes([0x31]))
    connectivity = tlv(15, bytes([0x40, 2, 1, 3, 1, 0x81, 1]) + struct.pack(">HB", 1280, 1))
    # Network data: one stable Prefix TLV (fdde:ad00:beef::/64) holding a
    # Border Router sub-TLV (the leader's RLOC16 and its flags).
    network_data = tlv(12, bytes.fromhex("0310" "00" "40" "fddead00beef0000" "0504" "5c00" "3100"))
    active_ts = tlv(22, struct.pack(">Q", (1796601600 << 16) | 1))
    pending_ts = tlv(23, struct.pack(">Q", (1796605200 << 16) | 0x8000))
    addr_reg = tlv(19, bytes([0x80 | 0x00]) + bytes.fromhex("1122334455667788")
                   + bytes([0x00]) + bytes.fromhex("fd00000000000000a1b2c3d4e5f60718"))
    link_quality = tlv(6, bytes([0x81]) + bytes([0xe0, 0x40]) + r.short(LEADER16)[::-1])
    challenge_c = bytes.fromhex("c0c1c2c3c4c5c6c7")
    challenge_l = bytes.fromhex("d0d1d2d3d4d5d6d7")
    ctr = {LEADER_EUI: 200, CHILD_EUI: 10}
    frames = []

    def mle(src, dst, cmd, tlvs, **kw):
        ctr[src] += 1
        frames.append(mle_frame(0x30 + len(frames), src, dst, cmd, tlvs, ctr[src], **kw))

    # Attach: Parent Request (to all routers), Parent Response, Child ID
    # Request, Child ID Response.
    mle(CHILD_EUI, None, 9, tlv(1, bytes([0x0f])) + tlv(3, challenge_c) + tlv(14, bytes([0x80])) + version,
        mcast=MCAST_ALL_ROUTERS)
    mle(LEADER_EUI, CHILD_EUI, 10, src_leader + leader + tlv(5, struct.pack(">I", 500))
        + tlv(8, struct.pack(">I", ctr[LEADER_EUI] + 1)) + tlv(4, challenge_c) + tlv(3, challenge_l)
        + tlv(16, bytes([40])) + connectivity + version)
    mle(CHILD_EUI, LEADER_EUI, 11, tlv(4, challenge_l) + tlv(5, struct.pack(">I", 0))
        + tlv(8, struct.pack(">I", ctr[CHILD_EUI] + 1)) + tlv(1, bytes([0x0f])) + tlv(2, struct.pack(">I", 240))
        + version + tlv(13, bytes([10, 12, 9])) + active_ts)
    mle(LEADER_EUI, CHILD_EUI, 12, src_leader + leader + tlv(10, struct.pack(">H", CHILD16))
        + network_data + route64 + active_ts + tlv(2, struct.pack(">I", 240)))
    # The leader advertises its routes.
    mle(LEADER_EUI, None, 4, src_leader + leader + route64)
    # The child registers its addresses; the leader answers.
    mle(CHILD_EUI, LEADER_EUI, 13, tlv(0, struct.pack(">H", CHILD16)) + tlv(1, bytes([0x0f])) + addr_reg
        + tlv(2, struct.pack(">I", 240)))
    mle(LEADER_EUI, CHILD_EUI, 14, src_leader + tlv(1, bytes([0x0f])) + addr_reg + leader
        + tlv(2, struct.pack(">I", 240)))
    # Network data pushed with a pending dataset; a link quality report;
    # an announce naming channel and PAN.
    mle(LEADER_EUI, CHILD_EUI, 8, src_leader + leader + network_data + active_ts + pending_ts)
    mle(LEADER_EUI, None, 4, src_leader + leader + route64 + link_quality)
    mle(LEADER_EUI, None, 15, tlv(20, bytes([0]) + struct.pack(">H", 15)) + active_ts
        + tlv(21, struct.pack(">H", PAN)))
    # Under key sequence 7 (the key source names it), and a broken MIC.
    mle(CHILD_EUI, LEADER_EUI, 13, tlv(0, struct.pack(">H", CHILD16)) + tlv(1, bytes([0x0f])), key_seq=7)
    mle(CHILD_EUI, LEADER_EUI, 13, tlv(0, struct.pack(">H", CHILD16)) + tlv(1, bytes([0x0f])), bad_mic=True)

    # MAC-secured data frames.
    mac_ctr = {LEADER_EUI: 1000, CHILD_EUI: 50}

    def data(src, dst, payload, src_eui, **kw):
        mac_ctr[src_eui] += 1
        frames.append(secured_data_frame(0x30 + len(frames), src, dst, payload, mac_ctr[src_eui], src_eui, **kw))

    child_ml, leader_ml = mesh_local(CHILD16), mesh_local(LEADER16)
    # Long source: the child's Address Solicit-like TMF request "a/as".
    tmf = r.coap(0, 2, 0x1201, b"\x5e\x01", r.coap_uri_path(b"a", b"as"), bytes.fromhex("0108" + "6a2d18f000000002"))
    data(CHILD_EUI, LEADER_EUI, coap_datagram(child_ml, leader_ml, 61631, 61631, tmf), CHILD_EUI)
    # Short sources, learned from MLE.
    rsp = r.coap(2, 0x44, 0x1201, b"\x5e\x01", b"", bytes.fromhex("000100"))
    data(LEADER16, CHILD16, coap_datagram(leader_ml, child_ml, 61631, 61631, rsp), LEADER_EUI)
    app = r.coap(0, 3, 0x0042, b"\x21", r.coap_uri_path(b"sensors", b"temp"), b"21.5")
    data(CHILD16, LEADER16, coap_datagram(child_ml, leader_ml, 49152, 5683, app), CHILD_EUI)
    ack = r.coap(2, 0x44, 0x0042, b"\x21")
    data(LEADER16, CHILD16, coap_datagram(leader_ml, child_ml, 5683, 49152, ack), LEADER_EUI)
    # A wrong MIC, and a key sequence no configured counter gives.
    data(CHILD16, LEADER16, coap_datagram(child_ml, leader_ml, 49152, 5683, app), CHILD_EUI, bad_mic=True)
    data(CHILD16, LEADER16, coap_datagram(child_ml, leader_ml, 49152, 5683, app), CHILD_EUI, key_seq=0x109)

    records = [r.with_fcs(f) for f in frames]
    out = struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 195)
    for i, data_bytes in enumerate(records):
        out += struct.pack("<IIII", T0 + i // 4, (i % 4) * 250000, len(data_bytes), len(data_bytes)) + data_bytes
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(os.path.join(sys.argv[1], "thread-sec.pcap"), "wb") as f:
        f.write(thread_capture())


if __name__ == "__main__":
    main()
