#!/usr/bin/env python3
"""The periodic-gap rule on generated MQTT captures whose device names,
addresses (IPv4 and IPv6) and periods are unlike those of the committed
captures, so the rule is not tuned to them: a publisher every 8 ms that
misses one reading, one every 3.7 s that misses two, one every 0.5 s with
+-40 ms of jitter that misses none, and one every 15 ms whose readings come
up to 6 ms late (jitter, not loss).  Each capture is checked once against
tshark (every PUBLISH decoded, nothing malformed) when tshark is installed,
then the gaps iotscope reports must be exactly the ones written.

Nothing is sent on any network: the packets exist only in the files."""
import importlib.util
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gen_capture", os.path.join(HERE, "..", "bench", "gen-capture.py"))
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)

ACK, PSH, SYN = gen.ACK, gen.PSH, gen.SYN


def ipv6(src, dst, proto, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 61, src, dst) + payload


def tcp6(src, dst, sport, dport, seq, ack, flags, win, payload=b""):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, win, 0, 0)
    seg = h + payload
    c = gen.csum(src + dst + struct.pack("!II", len(seg), 6) + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


class Session:
    """One MQTT 3.1.1 client talking to a broker on port 1883, as Ethernet
    frames with correct sequence numbers and checksums."""

    def __init__(self, client, broker, sport, v6):
        self.client, self.broker, self.sport, self.v6 = client, broker, sport, v6
        self.cseq, self.bseq = 0x1000, 0x8000
        self.frames = []

    def _frame(self, t, from_client, flags, payload=b""):
        src, dst = (self.client, self.broker) if from_client else (self.broker, self.client)
        sp, dp = (self.sport, 1883) if from_client else (1883, self.sport)
        seq, ack = (self.cseq, self.bseq) if from_client else (self.bseq, self.cseq)
        if self.v6:
            l4 = tcp6(src, dst, sp, dp, seq, ack, flags, 512, payload)
            packet, ethertype = ipv6(src, dst, 6, l4), 0x86DD
        else:
            l4 = gen.tcp(src, dst, sp, dp, seq, ack, flags, 512, payload)
            packet, ethertype = gen.ipv4(src, dst, 6, len(self.frames) + 1, l4), 0x0800
        mac_c, mac_b = b"\x02\x00\x5e\x10\x00\x07", b"\x02\x00\x5e\x10\x00\x01"
        eth = (mac_b + mac_c if from_client else mac_c + mac_b) + struct.pack("!H", ethertype)
        self.frames.append((t, eth + packet))
        grow = len(payload) + (1 if flags & SYN else 0)
        if from_client:
            self.cseq = (self.cseq + grow) & gen.M32
        else:
            self.bseq = (self.bseq + grow) & gen.M32
        return len(self.frames)

    def open(self, t, client_id, keepalive):
        self._frame(t, True, SYN)
        self.bseq -= 0   # the broker's ISN is already set
        self._frame(t + 0.0001, False, SYN | ACK)
        self._frame(t + 0.0002, True, ACK)
        connect = (gen.mqtt_str("MQTT") + bytes([4, 0x02]) + struct.pack("!H", keepalive)
                   + gen.mqtt_str(client_id))
        self._frame(t + 0.0003, True, PSH | ACK, gen.mqtt_msg(0x10, connect))
        self._frame(t + 0.0004, False, PSH | ACK, gen.mqtt_msg(0x20, b"\x00\x00"))

    def publish(self, t, topic, payload):
        """A QoS 0 PUBLISH and the broker's TCP ACK; returns the PUBLISH's
        index among this session's frames (1-based)."""
        n = self._frame(t, True, PSH | ACK, gen.mqtt_msg(0x30, gen.mqtt_str(topic) + payload))
        self._frame(t + 0.0002, False, ACK)
        return n


def write_pcap(path, frames):
    frames = sorted(frames, key=lambda f: f[0])
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, data in frames:
            sec = int(t)
            f.write(struct.pack("<IIII", sec, int(round((t - sec) * 1e6)), len(data), len(data)))
            f.write(data)


def scenario(rng, v6, period, count, missing, jitter=0.0, late=0.0):
    """One device publishing @count readings every @period s, leaving out
    the readings numbered in @missing; each reading is moved by up to
    @jitter s either way, or delayed by up to @late s.  Returns the frames,
    the topic and the PUBLISH frame numbers around each gap."""
    token = "".join(rng.choice("abcdefghkmnpqrstuvwxyz23456789") for _ in range(5))
    client_id = f"{token.upper()}-meter-{rng.randint(100, 999)}"
    topic = f"plant/line-{rng.randint(2, 9)}/{token}/flow"
    if v6:
        client = bytes.fromhex("fd7a115c0a1e0000") + rng.randbytes(8)
        broker = bytes.fromhex("fd7a115c0a1e0000000000000000ff01")
    else:
        client = bytes([172, 31, rng.randint(1, 254), rng.randint(1, 254)])
        broker = bytes([172, 31, 0, 1])
    s = Session(client, broker, rng.randint(40000, 60000), v6)
    start = 1_700_000_000 + rng.randint(0, 10_000) + 0.25
    s.open(start, client_id, 60)
    publishes = {}
    for i in range(count):
        if i in missing:
            continue
        t = start + 0.01 + i * period
        if jitter:
            t += rng.uniform(-jitter, jitter)
        if late:
            t += rng.uniform(0, late)
        body = json.dumps({"n": i, "flow_l_min": round(rng.uniform(3, 9), 2)}).encode()
        publishes[i] = s.publish(t, topic, body)
    gaps = []
    for i in sorted(missing):
        if i - 1 in publishes and i - 1 not in missing:
            j = i
            while j in missing:
                j += 1
            gaps.append((publishes[i - 1], publishes[j], j - i))
    return s.frames, topic, gaps


def check_with_tshark(path, expected_publishes):
    if shutil.which("tshark") is None:
        print(f"SKIP: tshark is not installed: {os.path.basename(path)} not checked against it")
        return True
    out = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "mqtt.msgtype", "-e", "_ws.malformed",
                          "-e", "_ws.expert.severity"], capture_output=True, text=True).stdout.splitlines()
    publishes = sum(1 for line in out if line.split("\t")[0] == "3")
    bad = [line for line in out if "\t" in line and line.split("\t")[1]]
    if publishes != expected_publishes or bad:
        print(f"FAIL: tshark reads {publishes} PUBLISH (expected {expected_publishes}), "
              f"{len(bad)} malformed in {path}")
        return False
    return True


def main():
    cli = os.environ["IOTSCOPE_CLI"]
    rng = random.Random(int(os.environ.get("INSIGHT_SEED", "20261207")))
    cases = [
        ("8 ms, one missed", dict(v6=False, period=0.008, count=80, missing={41})),
        ("3.7 s, two missed", dict(v6=True, period=3.7, count=12, missing={5, 6})),
        ("0.5 s with jitter, none missed", dict(v6=True, period=0.5, count=30, missing=set(), jitter=0.04)),
        ("15 ms, late but none missed", dict(v6=False, period=0.015, count=60, missing=set(), late=0.006)),
    ]
    failures = 0
    tmp = tempfile.mkdtemp(prefix="iotscope-insight-gen-")
    try:
        for name, kw in cases:
            frames, topic, gaps = scenario(rng, **kw)
            path = os.path.join(tmp, name.replace(" ", "_").replace(",", "") + ".pcap")
            write_pcap(path, frames)
            # Frame numbers in the file: the frames were written in time order.
            order = sorted(range(len(frames)), key=lambda k: frames[k][0])
            number = {k + 1: pos + 1 for pos, k in enumerate(order)}
            if not check_with_tshark(path, kw["count"] - len(kw["missing"])):
                failures += 1
                continue
            report = os.path.join(tmp, "report.json")
            subprocess.run([cli, "-r", path, "-q", "--report-json", report], check=True,
                           stdout=subprocess.DEVNULL)
            found = [d for d in json.load(open(report))["diagnoses"]
                     if d["id"] == "periodic-gap" and d["subject"] == topic]
            want = [(number[a], number[b], missed) for a, b, missed in gaps]
            got = [tuple(d["frames"][:2]) for d in found]
            ok = len(found) == len(want) and all(
                (a, b) == g and f"about {missed} reading" in d["summary"]
                for (a, b, missed), g, d in zip(want, got, found))
            print(f"{'ok' if ok else 'FAIL'}: {name}: {topic}: gaps expected {want}, reported {got}")
            for d in found:
                print(f"    {d['summary']}")
            failures += not ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(cases) - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
