#!/usr/bin/env python3
"""Generate a large, deterministic, synthetic IoT capture for benchmarking.

The output is a classic pcap file (link type 1 = Ethernet, microsecond
timestamps).  Nothing is sent on any network: the packets only exist in
the file.

Traffic model (all addresses inside 10.20.0.0/16):

  * MQTT 3.1.1 over TCP to the broker 10.20.255.1:1883.  Each MQTT device
    keeps one long-lived connection: 3-way handshake, CONNECT/CONNACK,
    SUBSCRIBE/SUBACK to its command topic, then periodic PUBLISHes to
    topics like ``site/3/dev/1234/temp`` with small JSON payloads (QoS 0,
    pure TCP ACK from the broker; QoS 1, PUBACK from the broker then a TCP
    ACK from the device), PINGREQ/PINGRESP now and then, broker-to-device
    command PUBLISHes (QoS 1) and, rarely, DISCONNECT + FIN teardown
    followed by a reconnect from a new source port.  Sequence and
    acknowledgement numbers, windows, IPv4 lengths/ids/checksums and TCP
    checksums are all correct.
  * CoAP over UDP 5683: the CoAP server 10.20.255.2 polls devices with CON
    GET /sensors/<metric> (piggybacked ACK 2.05 Content with a JSON
    payload) and devices report with CON PUT /site/S/dev/D/state (ACK 2.04
    Changed with a small payload).  Tokens and message ids are set.
  * A little DNS (devices -> 10.20.255.53:53, A/AAAA queries and answers)
    and ARP (the broker resolving device addresses).

Frames are interleaved by timestamp (monotonic, about --rate frames/s).
With --one-direction only the device->broker direction of every TCP flow is
written (what a capture point that sees one direction would record); UDP
and ARP traffic is unaffected.
"""

import argparse
import heapq
import random
import struct
import sys

# ---------------------------------------------------------------- helpers

_pack_rec = struct.Struct('<IIII').pack
_pack_ip = struct.Struct('!BBHHHBBH4s4s').pack
_pack_tcp = struct.Struct('!HHIIBBHHH').pack
_pack_udp = struct.Struct('!HHHH').pack
_pack_HH = struct.Struct('!HH').pack
_pack_H = struct.Struct('!H').pack

M32 = 0xFFFFFFFF
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def csum(data):
    """Internet checksum (RFC 1071).  The one's-complement sum of 16-bit
    words equals the big-endian integer value modulo 0xFFFF (2**16 == 1 mod
    0xFFFF), which is much faster in Python than summing words."""
    if len(data) & 1:
        data += b'\0'
    v = int.from_bytes(data, 'big')
    s = v % 0xFFFF
    if s == 0 and v:
        s = 0xFFFF
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, ident, payload, df=True):
    h = _pack_ip(0x45, 0, 20 + len(payload), ident, 0x4000 if df else 0,
                 64, proto, 0, src, dst)
    return h[:10] + _pack_H(csum(h)) + h[12:] + payload


def tcp(src, dst, sport, dport, seq, ack, flags, win, payload=b'', opts=b''):
    hl = 20 + len(opts)
    h = _pack_tcp(sport, dport, seq, ack, (hl >> 2) << 4, flags, win, 0, 0)
    seg = h + opts + payload
    c = csum(src + dst + _pack_HH(6, len(seg)) + seg)
    return seg[:16] + _pack_H(c) + seg[18:]


def udp(src, dst, sport, dport, payload):
    ln = 8 + len(payload)
    h = _pack_udp(sport, dport, ln, 0)
    c = csum(src + dst + _pack_HH(17, ln) + h + payload)
    if c == 0:
        c = 0xFFFF
    return h[:6] + _pack_H(c) + payload


def mqtt_len(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def mqtt_str(s):
    b = s.encode()
    return _pack_H(len(b)) + b


def mqtt_msg(first, body):
    return bytes([first]) + mqtt_len(len(body)) + body


def coap_options(opts):
    """opts: list of (number, value bytes), sorted by number."""
    out = bytearray()
    prev = 0
    for num, val in opts:
        parts = []
        nib = []
        for v in (num - prev, len(val)):
            if v < 13:
                nib.append(v)
            elif v < 269:
                nib.append(13)
                parts.append(bytes([v - 13]))
            else:
                nib.append(14)
                parts.append(_pack_H(v - 269))
        out.append((nib[0] << 4) | nib[1])
        for p in parts:
            out += p
        out += val
        prev = num
    return bytes(out)


def coap_msg(typ, code, mid, token, opts_blob, payload):
    m = bytes([0x40 | (typ << 4) | len(token), code]) + _pack_H(mid) + token + opts_blob
    if payload:
        m += b'\xff' + payload
    return m


def dns_name(name):
    out = b''
    for label in name.split('.'):
        out += bytes([len(label)]) + label.encode()
    return out + b'\0'


def ip_bytes(s):
    return bytes(int(x) for x in s.split('.'))


# --------------------------------------------------------------- topology

BROKER_IP = ip_bytes('10.20.255.1')
COAP_SRV_IP = ip_bytes('10.20.255.2')
DNS_IP = ip_bytes('10.20.255.53')
# Locally administered MAC addresses (second bit of the first byte set, and
# not 02:xx, which Wireshark names MS-NLB): no vendor owns them, so tshark's
# default name resolution prints them as they are, and its summary lines can
# be compared with ours byte for byte.
BROKER_MAC = bytes.fromhex('061b21a0ff01')
COAP_SRV_MAC = bytes.fromhex('061b21a0ff02')
DNS_MAC = bytes.fromhex('061b21a0ff35')
BCAST_MAC = b'\xff' * 6
ETH_IP = b'\x08\x00'
ETH_ARP = b'\x08\x06'
SYN_OPTS = b'\x02\x04\x05\xb4\x01\x01\x04\x02'   # MSS 1460, NOP, NOP, SACK_PERM
OUIS = [bytes.fromhex(x) for x in ('260ac4', 'ba27eb', 'dea632', '1afe34', '5ecf7f')]
METRICS = ('temp', 'humidity', 'battery', 'pressure', 'status')
DNS_NAMES = ('broker.iot.example', 'ntp.iot.example', 'ota.vendor.example',
             'coap.iot.example', 'api.vendor.example')

# MQTT step codes
(S_SYN, S_SYNACK, S_ACK3, S_CONNECT, S_CONNACK, S_SUBSCRIBE, S_SUBACK,
 S_DACK, S_BACK, S_PUB, S_PUBACK_B, S_CMD, S_PUBACK_D, S_PINGREQ,
 S_PINGRESP, S_DISC, S_DFIN, S_BFIN) = range(18)

K_MQTT, K_COAP, K_DNS, K_ARP = range(4)


class Dev:
    __slots__ = ('idx', 'kind', 'ip', 'mac', 'up', 'dn', 'site', 'name',
                 'ipid', 'period', 'rtt', 'steps', 'si', 'connected',
                 'sport', 'seq', 'bseq', 'dwin', 'bwin', 'pid', 'qos',
                 'topics', 'cmd_topic', 'mid', 'tok', 'get_opts', 'put_opts',
                 'metric', 'coap_srv_up', 'coap_srv_dn', 'dns_up', 'dns_dn')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('frames', nargs='?', type=int, default=1000000,
                    help='number of frames to write (default 1000000)')
    ap.add_argument('--out', '-o', default='iot-bench.pcap',
                    help='output pcap file (default iot-bench.pcap, "-" = stdout)')
    ap.add_argument('--one-direction', action='store_true',
                    help='write only the device->broker direction of TCP flows')
    ap.add_argument('--devices', type=int, default=2000,
                    help='number of device IPs (default 2000, every 5th speaks CoAP)')
    ap.add_argument('--rate', type=float, default=5000.0,
                    help='approximate overall frames per second (default 5000)')
    ap.add_argument('--seed', type=int, default=20240601)
    args = ap.parse_args()

    nframes = args.frames
    one_dir = args.one_direction
    rng = random.Random(args.seed)
    rand = rng.random
    randint = rng.randint
    getrandbits = rng.getrandbits

    out = sys.stdout.buffer if args.out == '-' else open(args.out, 'wb')
    out.write(struct.pack('<IHHiIII', 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))

    t0 = 1718000000 * 1000000        # microseconds since the epoch
    chunk = []
    written = 0
    heap = []
    counter = 0

    # ---- devices
    devs = []
    n_mqtt = n_coap = 0
    for i in range(args.devices):
        d = Dev()
        d.idx = i
        d.kind = K_COAP if i % 5 == 4 else K_MQTT
        hi, lo = (i // 250) + 1, (i % 250) + 1     # 10.20.1.1 .. 10.20.8.250
        d.ip = bytes((10, 20, hi, lo))
        d.mac = OUIS[i % len(OUIS)] + bytes((0x10 + (i >> 16), (i >> 8) & 0xFF, i & 0xFF))
        d.up = BROKER_MAC + d.mac + ETH_IP
        d.dn = d.mac + BROKER_MAC + ETH_IP
        d.coap_srv_up = COAP_SRV_MAC + d.mac + ETH_IP
        d.coap_srv_dn = d.mac + COAP_SRV_MAC + ETH_IP
        d.dns_up = DNS_MAC + d.mac + ETH_IP
        d.dns_dn = d.mac + DNS_MAC + ETH_IP
        d.site = i % 40
        d.name = 1000 + i
        d.ipid = getrandbits(16)
        d.rtt = randint(300, 6000)           # one-way latency, microseconds
        d.steps = None
        d.si = 0
        d.connected = False
        if d.kind == K_MQTT:
            n_mqtt += 1
            base = 'site/%d/dev/%d/' % (d.site, d.name)
            d.topics = [mqtt_str(base + m) for m in METRICS]
            d.cmd_topic = mqtt_str(base + 'cmd')
            d.pid = randint(1, 1000)
            d.dwin = rng.choice((5840, 14600, 29200, 64240))
            d.bwin = 65535
        else:
            n_coap += 1
            d.mid = getrandbits(16)
            d.metric = METRICS[i % 4]
            d.get_opts = coap_options([(11, b'sensors'), (11, d.metric.encode())])
            d.put_opts = coap_options([(11, b'site'), (11, str(d.site).encode()),
                                       (11, b'dev'), (11, str(d.name).encode()),
                                       (11, b'state'), (12, b'\x32')])
        devs.append(d)

    # Mean gap between exchanges, tuned so that the overall rate is ~args.rate:
    # MQTT ~2.35 frames/exchange, CoAP 2, DNS+ARP ~2.5% of the frames.
    rate = args.rate
    mqtt_share = 0.85 if n_coap else 0.975
    coap_share = 0.975 - mqtt_share if n_coap else 0.0
    mqtt_gap = n_mqtt * 2.35 / (rate * mqtt_share) * 1e6 if n_mqtt else 0
    coap_gap = n_coap * 2.0 / (rate * coap_share) * 1e6 if n_coap else 0
    dns_gap = 2.0 / (rate * 0.015) * 1e6
    arp_gap = 2.0 / (rate * 0.01) * 1e6
    for d in devs:
        d.period = (mqtt_gap if d.kind == K_MQTT else coap_gap) * (0.6 + 0.8 * rand())

    # Initial events: MQTT devices connect, staggered over the first 10 s.
    for d in devs:
        if d.kind == K_MQTT:
            d.steps = (S_SYN, S_SYNACK, S_ACK3, S_CONNECT, S_CONNACK,
                       S_SUBSCRIBE, S_SUBACK, S_DACK)
            d.si = 0
            t = t0 + int(rand() * 10e6)
        else:
            t = t0 + int(rand() * d.period)
        heap.append((t, counter, K_MQTT if d.kind == K_MQTT else K_COAP, d))
        counter += 1
    heap.append((t0 + 1000, counter, K_DNS, None))
    counter += 1
    heap.append((t0 + 2000, counter, K_ARP, None))
    counter += 1
    heapq.heapify(heap)
    heappush = heapq.heappush
    heappop = heapq.heappop

    dns_pending = None      # (dev, sport, qid, question, qtype, answer)
    arp_pending = None      # dev
    coap_srv_ipid = getrandbits(16)
    broker_ipid = getrandbits(16)
    dns_ipid = getrandbits(16)
    coap_pending = {}       # dev idx -> (kind, mid, token)

    while written < nframes:
        t, _, kind, d = heappop(heap)
        frame = None
        keep = True
        nxt = None          # absolute time of the next event of this actor

        if kind == K_MQTT:
            step = d.steps[d.si]
            d.si += 1
            dev_tx = True
            if step == S_SYN:
                d.sport = randint(34000, 60999)
                d.seq = getrandbits(32)
                d.bseq = getrandbits(32)
                seg = tcp(d.ip, BROKER_IP, d.sport, 1883, d.seq, 0, SYN, d.dwin, b'', SYN_OPTS)
                d.seq = (d.seq + 1) & M32
            elif step == S_SYNACK:
                dev_tx = False
                seg = tcp(BROKER_IP, d.ip, 1883, d.sport, d.bseq, d.seq, SYN | ACK, 64240, b'', SYN_OPTS)
                d.bseq = (d.bseq + 1) & M32
            elif step == S_ACK3 or step == S_DACK:
                seg = tcp(d.ip, BROKER_IP, d.sport, 1883, d.seq, d.bseq, ACK, d.dwin)
            elif step == S_BACK:
                dev_tx = False
                seg = tcp(BROKER_IP, d.ip, 1883, d.sport, d.bseq, d.seq, ACK, d.bwin)
            else:
                # MQTT messages
                if step == S_PUB:
                    ti = randint(0, 4)
                    qos = 1 if rand() < 0.3 else 0
                    d.qos = qos
                    ms = (t // 1000) % 1000
                    if ti == 0:
                        val = '%.2f' % (15.0 + 10.0 * rand())
                    elif ti == 1:
                        val = '%.1f' % (30.0 + 40.0 * rand())
                    elif ti == 2:
                        val = '%d' % randint(5, 100)
                    elif ti == 3:
                        val = '%.1f' % (990.0 + 40.0 * rand())
                    else:
                        val = '"ok"'
                    body = ('{"ts":%d.%03d,"dev":%d,"v":%s}' % (t // 1000000, ms, d.name, val)).encode()
                    if qos:
                        d.pid = d.pid % 65535 + 1
                        msg = mqtt_msg(0x32, d.topics[ti] + _pack_H(d.pid) + body)
                    else:
                        msg = mqtt_msg(0x30, d.topics[ti] + body)
                elif step == S_PUBACK_B:
                    dev_tx = False
                    msg = b'\x40\x02' + _pack_H(d.pid)
                elif step == S_CMD:
                    dev_tx = False
                    d.pid = d.pid % 65535 + 1
                    body = b'{"cmd":"%s","seq":%d}' % (
                        (b'reboot', b'set_interval', b'led_on', b'led_off')[randint(0, 3)], d.pid)
                    msg = mqtt_msg(0x32, d.cmd_topic + _pack_H(d.pid) + body)
                elif step == S_PUBACK_D:
                    msg = b'\x40\x02' + _pack_H(d.pid)
                elif step == S_PINGREQ:
                    msg = b'\xc0\x00'
                elif step == S_PINGRESP:
                    dev_tx = False
                    msg = b'\xd0\x00'
                elif step == S_CONNECT:
                    msg = mqtt_msg(0x10, mqtt_str('MQTT') + b'\x04\x02\x00\x3c' +
                                   mqtt_str('dev-%d' % d.name))
                elif step == S_CONNACK:
                    dev_tx = False
                    msg = b'\x20\x02\x00\x00'
                    d.connected = True
                elif step == S_SUBSCRIBE:
                    d.pid = d.pid % 65535 + 1
                    msg = mqtt_msg(0x82, _pack_H(d.pid) + d.cmd_topic + b'\x01')
                elif step == S_SUBACK:
                    dev_tx = False
                    msg = b'\x90\x03' + _pack_H(d.pid) + b'\x01'
                elif step == S_DISC:
                    msg = b'\xe0\x00'
                    d.connected = False
                elif step == S_DFIN:
                    msg = None
                    seg = tcp(d.ip, BROKER_IP, d.sport, 1883, d.seq, d.bseq, FIN | ACK, d.dwin)
                    d.seq = (d.seq + 1) & M32
                elif step == S_BFIN:
                    dev_tx = False
                    msg = None
                    seg = tcp(BROKER_IP, d.ip, 1883, d.sport, d.bseq, d.seq, FIN | ACK, d.bwin)
                    d.bseq = (d.bseq + 1) & M32
                if msg is not None:
                    if dev_tx:
                        seg = tcp(d.ip, BROKER_IP, d.sport, 1883, d.seq, d.bseq, PSH | ACK, d.dwin, msg)
                        d.seq = (d.seq + len(msg)) & M32
                    else:
                        seg = tcp(BROKER_IP, d.ip, 1883, d.sport, d.bseq, d.seq, PSH | ACK, d.bwin, msg)
                        d.bseq = (d.bseq + len(msg)) & M32
                # the QoS of the publish decides the rest of the exchange
                if step == S_PUB:
                    d.steps = (S_PUB, S_PUBACK_B, S_DACK) if d.qos else (S_PUB, S_BACK)

            if dev_tx:
                d.ipid = (d.ipid + 1) & 0xFFFF
                frame = d.up + ipv4(d.ip, BROKER_IP, 6, d.ipid, seg)
            else:
                broker_ipid = (broker_ipid + 1) & 0xFFFF
                frame = d.dn + ipv4(BROKER_IP, d.ip, 6, broker_ipid, seg)
                keep = not one_dir

            if d.si < len(d.steps):
                # next step of the same exchange: a response crosses the
                # network (rtt), a device/broker ACK follows quickly, and
                # sometimes a delayed ACK waits for the timer.
                ns = d.steps[d.si]
                if ns in (S_DACK, S_BACK, S_ACK3) and rand() < 0.1:
                    nxt = t + randint(20000, 40000)
                elif ns in (S_DFIN, S_CONNECT, S_SUBSCRIBE):
                    nxt = t + randint(50, 400)
                else:
                    nxt = t + d.rtt + randint(20, 300)
            else:
                # exchange finished: choose the next one
                d.si = 0
                if not d.connected:
                    d.steps = (S_SYN, S_SYNACK, S_ACK3, S_CONNECT, S_CONNACK,
                               S_SUBSCRIBE, S_SUBACK, S_DACK)
                    nxt = t + randint(1000000, 5000000)
                else:
                    r = rand()
                    if r < 0.0004:
                        d.steps = (S_DISC, S_DFIN, S_BFIN, S_DACK)
                    elif r < 0.02:
                        d.steps = (S_PINGREQ, S_PINGRESP, S_DACK)
                    elif r < 0.05:
                        d.steps = (S_CMD, S_PUBACK_D, S_BACK)
                    else:
                        d.steps = (S_PUB,)      # completed when it is sent
                    nxt = t + int(d.period * (0.8 + 0.4 * rand()))

        elif kind == K_COAP:
            pend = coap_pending.pop(d.idx, None)
            if pend is None:
                # start an exchange
                if rand() < 0.5:
                    # server polls the device: CON GET
                    coap_srv_ipid = (coap_srv_ipid + 1) & 0xFFFF
                    mid = getrandbits(16)
                    tok = getrandbits(32).to_bytes(4, 'big')
                    msg = coap_msg(0, 0x01, mid, tok, d.get_opts, b'')
                    frame = d.coap_srv_dn + ipv4(COAP_SRV_IP, d.ip, 17, coap_srv_ipid,
                                                 udp(COAP_SRV_IP, d.ip, 5683, 5683, msg))
                    coap_pending[d.idx] = ('get', mid, tok)
                else:
                    d.mid = (d.mid + 1) & 0xFFFF
                    tok = getrandbits(32).to_bytes(4, 'big')
                    body = ('{"dev":%d,"state":"%s","rssi":%d}' % (
                        d.name, ('idle', 'active', 'sleep')[randint(0, 2)],
                        -randint(40, 90))).encode()
                    msg = coap_msg(0, 0x03, d.mid, tok, d.put_opts, body)
                    d.ipid = (d.ipid + 1) & 0xFFFF
                    frame = d.coap_srv_up + ipv4(d.ip, COAP_SRV_IP, 17, d.ipid,
                                                 udp(d.ip, COAP_SRV_IP, 5683, 5683, msg))
                    coap_pending[d.idx] = ('put', d.mid, tok)
                nxt = t + d.rtt + randint(100, 2000)
            else:
                what, mid, tok = pend
                if what == 'get':
                    body = ('{"%s":%.2f,"unit":"%s"}' % (
                        d.metric, 20.0 * rand() + 10.0,
                        ('C', '%', 'V', 'hPa')[d.idx % 4])).encode()
                    msg = coap_msg(2, 0x45, mid, tok, b'\xc1\x32', body)   # Content-Format: json
                    d.ipid = (d.ipid + 1) & 0xFFFF
                    frame = d.coap_srv_up + ipv4(d.ip, COAP_SRV_IP, 17, d.ipid,
                                                 udp(d.ip, COAP_SRV_IP, 5683, 5683, msg))
                else:
                    msg = coap_msg(2, 0x44, mid, tok, b'\xc1\x32', b'{"ok":true}')
                    coap_srv_ipid = (coap_srv_ipid + 1) & 0xFFFF
                    frame = d.coap_srv_dn + ipv4(COAP_SRV_IP, d.ip, 17, coap_srv_ipid,
                                                 udp(COAP_SRV_IP, d.ip, 5683, 5683, msg))
                nxt = t + int(d.period * (0.8 + 0.4 * rand()))

        elif kind == K_DNS:
            if dns_pending is None:
                c = devs[randint(0, len(devs) - 1)]
                name = DNS_NAMES[randint(0, len(DNS_NAMES) - 1)]
                qtype = 28 if rand() < 0.25 else 1
                qid = getrandbits(16)
                sport = randint(34000, 60999)   # clear of the traceroute heuristic (33434-33534)
                question = dns_name(name) + _pack_HH(qtype, 1)
                msg = struct.pack('!HHHHHH', qid, 0x0100, 1, 0, 0, 0) + question
                c.ipid = (c.ipid + 1) & 0xFFFF
                frame = c.dns_up + ipv4(c.ip, DNS_IP, 17, c.ipid,
                                        udp(c.ip, DNS_IP, sport, 53, msg), df=False)
                dns_pending = (c, sport, qid, question, qtype)
                nxt = t + randint(300, 3000)
            else:
                c, sport, qid, question, qtype = dns_pending
                dns_pending = None
                if qtype == 1:
                    addr = BROKER_IP if question[1:7] == b'broker' else \
                        bytes((10, 20, 255, 10 + (question[1] % 20)))
                    msg = (struct.pack('!HHHHHH', qid, 0x8180, 1, 1, 0, 0) + question +
                           struct.pack('!HHHIH', 0xC00C, 1, 1, 300, 4) + addr)
                else:
                    msg = struct.pack('!HHHHHH', qid, 0x8180, 1, 0, 0, 0) + question
                dns_ipid = (dns_ipid + 1) & 0xFFFF
                frame = c.dns_dn + ipv4(DNS_IP, c.ip, 17, dns_ipid,
                                        udp(DNS_IP, c.ip, 53, sport, msg), df=False)
                nxt = t + int(dns_gap * (0.2 + 1.6 * rand()))

        else:   # K_ARP: the broker resolves a device address
            if arp_pending is None:
                c = devs[randint(0, len(devs) - 1)]
                frame = (BCAST_MAC + BROKER_MAC + ETH_ARP +
                         b'\x00\x01\x08\x00\x06\x04\x00\x01' + BROKER_MAC + BROKER_IP +
                         b'\0' * 6 + c.ip + b'\0' * 18)
                arp_pending = c
                nxt = t + randint(200, 2000)
            else:
                c = arp_pending
                arp_pending = None
                frame = (BROKER_MAC + c.mac + ETH_ARP +
                         b'\x00\x01\x08\x00\x06\x04\x00\x02' + c.mac + c.ip +
                         BROKER_MAC + BROKER_IP + b'\0' * 18)
                nxt = t + int(arp_gap * (0.2 + 1.6 * rand()))

        if nxt is not None:
            heappush(heap, (nxt, counter, kind, d))
            counter += 1
        if keep:
            ln = len(frame)
            chunk.append(_pack_rec(t // 1000000, t % 1000000, ln, ln))
            chunk.append(frame)
            written += 1
            if len(chunk) >= 131072:
                out.write(b''.join(chunk))
                chunk.clear()

    out.write(b''.join(chunk))
    if out is not sys.stdout.buffer:
        out.close()
    else:
        out.flush()


if __name__ == '__main__':
    main()
