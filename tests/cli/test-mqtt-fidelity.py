#!/usr/bin/env python3
"""No lost and no invented MQTT messages.

mqtt-ws-split.pcap: the client (tests/captures/ws_split_client.py) cut its
MQTT messages across WebSocket frames, continuation frames and TCP
segments.  The MQTT messages decoded from its direction must be exactly the
ones it logged in mqtt-ws-split.expected (type, topic, payload), and the
broker's answers must all be there too.

mqtt-retrans.pcap: a publisher whose segments the network dropped, so the
kernel retransmitted them.  Retransmitted bytes must not be decoded a second
time: the MQTT messages decoded must be exactly the ones the client logged in
mqtt-retrans.expected, the same on both captures (sender and receiver
side), and the insight report must find no malformed message.
"""
import os
import subprocess
import sys

CLI = os.environ["IOTSCOPE_CLI"]
ROOT = os.environ.get("IOTSCOPE_SOURCE_ROOT", ".")
CAPTURES = os.path.join(ROOT, "tests", "captures")
NAMES = {1: "CONNECT", 2: "CONNACK", 3: "PUBLISH", 4: "PUBACK", 8: "SUBSCRIBE", 9: "SUBACK",
         12: "PINGREQ", 13: "PINGRESP", 14: "DISCONNECT"}
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def messages(capture, flt):
    """Every MQTT message of the frames matching @flt, in order, as
    "TYPE topic payload-hex" lines (PUBLISH carries a topic and a payload,
    SUBSCRIBE one topic filter here)."""
    out = subprocess.run([CLI, "-r", capture, "-Y", flt, "-T", "fields", "-E", "occurrence=a",
                          "-E", "aggregator=|", "-e", "mqtt.msgtype", "-e", "mqtt.topic", "-e", "mqtt.msg"],
                         capture_output=True, text=True, check=True).stdout
    result = []
    for line in out.splitlines():
        types, topics, payloads = (line.split("\t") + ["", ""])[:3]
        topics = topics.split("|") if topics else []
        payloads = payloads.split("|") if payloads else []
        for t in types.split("|"):
            name = NAMES.get(int(t), t)
            topic = payload = "-"
            if name in ("PUBLISH", "SUBSCRIBE"):
                topic = topics.pop(0) if topics else "?"
            if name == "PUBLISH":
                payload = payloads.pop(0) if payloads else "-"
            result.append(f"{name} {topic} {payload}")
    return result


def expected(name):
    with open(os.path.join(CAPTURES, name)) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def report(capture, z):
    return subprocess.run([CLI, "-r", capture, "-q", "-z", z], capture_output=True, text=True,
                          check=True).stdout


def ws_split():
    capture = os.path.join(CAPTURES, "mqtt-ws-split.pcap")
    sent = expected("mqtt-ws-split.expected")
    got = messages(capture, "mqtt && tcp.dstport == 9001")
    check(got == sent, f"mqtt-ws-split: the {len(sent)} messages the client sent are decoded, no more")
    if got != sent:
        for a, b in zip(got + [""] * len(sent), sent + [""] * len(got)):
            if a != b:
                print(f"    decoded {a[:80]!r}, sent {b[:80]!r}")
    answers = [m.split()[0] for m in messages(capture, "mqtt && tcp.srcport == 9001")]
    for kind, n in (("CONNACK", 2), ("SUBACK", 2), ("PUBACK", 2), ("PINGRESP", 2)):
        check(answers.count(kind) == n, f"mqtt-ws-split: {n} {kind} from the broker (got {answers.count(kind)})")
    forwarded = [m for m in messages(capture, "mqtt && tcp.srcport == 9001") if m.startswith("PUBLISH")]
    published = [m for m in sent if m.startswith("PUBLISH")]
    check(forwarded == published, f"mqtt-ws-split: the broker forwards all {len(published)} PUBLISHes back")
    # No frame may be left as an unfinished TCP reassembly.
    info = subprocess.run([CLI, "-r", capture], capture_output=True, text=True, check=True).stdout
    check("Unknown Opcode" not in info and "Reserved" not in info,
          "mqtt-ws-split: no WebSocket frame decoded from the middle of another")


def retrans():
    sent = expected("mqtt-retrans.expected")
    for side in ("sender", "receiver"):
        capture = os.path.join(CAPTURES, f"mqtt-retrans-{side}.pcap")
        got = messages(capture, "mqtt && tcp.dstport == 1883")
        check(got == sent, f"mqtt-retrans-{side}: exactly the {len(sent)} messages the client sent "
                           f"(decoded {len(got)})")
        if got != sent:
            for a, b in zip(got + [""] * len(sent), sent + [""] * len(got)):
                if a != b:
                    print(f"    decoded {a[:80]!r}, sent {b[:80]!r}")
        retransmitted = subprocess.run(
            [CLI, "-r", capture, "-Y", "tcp.analysis.retransmission && mqtt", "-T", "fields", "-e",
             "frame.number"], capture_output=True, text=True, check=True).stdout.split()
        check(not retransmitted, f"mqtt-retrans-{side}: no retransmission decoded as MQTT {retransmitted}")
        resent = subprocess.run(
            [CLI, "-r", capture, "-Y", "tcp.analysis.retransmission", "-T", "fields", "-e", "frame.number"],
            capture_output=True, text=True, check=True).stdout.split()
        check(len(resent) >= 2, f"mqtt-retrans-{side}: the capture holds retransmissions ({len(resent)})")
        text = report(capture, "insight")
        check("malformed" not in text, f"mqtt-retrans-{side}: insight finds no malformed message")
        topics = sorted(line.split()[1].rstrip(":") for line in text.splitlines()
                        if line.strip().startswith("= "))
        want = sorted({m.split()[1] for m in sent if m.startswith("PUBLISH")})
        check(topics == want, f"mqtt-retrans-{side}: insight's topics are the ones published {topics}")
        check("MQTT sessions (1)" in text, f"mqtt-retrans-{side}: insight sees one MQTT session")


ws_split()
if os.path.exists(os.path.join(CAPTURES, "mqtt-retrans-sender.pcap")):
    retrans()
sys.exit(1 if failures else 0)
