#!/usr/bin/env python3
"""The chatty-device and periodic-gap explanations on generated MQTT
captures, both sides of each rule:

  chatty-device fires against at least three peers on neighbouring topics
  (one meter ten times as fast as three others), not against two (the same
  meter next to two others), nor against three that publish as often but
  came up only in the last seconds of the capture (their rate counts from
  their first message), and against the device's own history (every 2 s,
  then every 0.2 s), not on a steady device with one short burst;

  a gap in a periodic series with TCP retransmissions of the publisher's
  connection inside it is explained by them (periodic-gap-losses, the
  retransmissions as related frames, no periodic-gap blaming the device),
  while the same gap without retransmissions is a periodic-gap;

  a gap across a connection that broke is the break's: with a broker's
  RST it joins the mqtt-reset-reconnect finding (the readings around it as
  related frames), with a broker's FIN it is a periodic-gap-reconnect, and
  after the device's own DISCONNECT it stays a periodic-gap (it chose to go).

Each capture is checked once against tshark (every PUBLISH decoded, nothing
malformed) when tshark is installed.  Nothing is sent on any network: the
packets exist only in the files."""
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("insight_generated", os.path.join(HERE, "insight-generated.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)
gen = base.gen
ACK, PSH = gen.ACK, gen.PSH
FIN, RST = 0x01, 0x04


def device(rng, n, v6=False):
    token = "".join(rng.choice("abcdefghkmnpqrstuvwxyz") for _ in range(4))
    if v6:
        client = bytes.fromhex("fd5c0e7700000000") + rng.randbytes(7) + bytes([n])
        broker = bytes.fromhex("fd5c0e77000000000000000000000001")
    else:
        client, broker = bytes([192, 168, 77, 10 + n]), bytes([192, 168, 77, 1])
    return base.Session(client, broker, 41000 + n * 7, v6), f"{token}-{n}"


def publish_times(s, client_id, topic, times, start):
    s.open(start, client_id, 60)
    numbers = []
    for i, t in enumerate(times):
        body = json.dumps({"n": i, "w": 230 + i % 7}).encode()
        numbers.append(s.publish(start + 0.01 + t, topic, body))
    return numbers


def peers_case(rng, n_slow):
    """One meter every 0.1 s and @n_slow meters every 1 s on
    plant/<meter>/power for 30 s."""
    frames, start = [], 1_700_100_000.5
    fast_id = None
    for k in range(n_slow + 1):
        s, cid = device(rng, k)
        period = 0.1 if k == 0 else 1.0
        publish_times(s, cid, f"plant/{cid}/power", [i * period for i in range(int(30 / period))], start)
        fast_id = fast_id or cid
        frames += s.frames
    return frames, fast_id, None


def late_peers_case(rng):
    """Four meters every 1 s on plant/<meter>/power; three of them start
    only 26 s into the 30 s the first one publishes."""
    frames, start = [], 1_700_150_000.5
    for k in range(4):
        s, cid = device(rng, k)
        first = 0 if k == 0 else 26
        publish_times(s, cid, f"plant/{cid}/power", [float(i) for i in range(first, 30)], start)
        frames += s.frames
    return frames


def history_case(rng, burst_only):
    """One device alone: every 2 s for 12 readings then every 0.2 s for 40
    (a new rate), or every 1 s for 40 readings with one burst of five
    readings 0.1 s apart (not a new rate)."""
    s, cid = device(rng, 0, v6=True)
    if burst_only:
        times = [i * 1.0 for i in range(20)] + [19.1 + 0.1 * i for i in range(5)] + [20.0 + i for i in range(20)]
    else:
        times = [i * 2.0 for i in range(12)] + [22.2 + 0.2 * i for i in range(40)]
    numbers = publish_times(s, cid, f"home/{cid}/motion", sorted(times), 1_700_200_000.25)
    return s.frames, cid, numbers[12] if not burst_only else None


def gap_case(rng, with_losses):
    """A meter every 0.5 s; reading 15 leaves on time but its segment is
    lost: TCP resends it at +0.4 s and +1.2 s (with losses), and readings
    16 and 17, queued behind it, go out only after the ACK.  Without
    losses, readings 16 and 17 simply do not exist (the device missed
    them)."""
    s, cid = device(rng, 3)
    topic = f"grid/{cid}/voltage"
    start = 1_700_300_000.75
    s.open(start, cid, 60)
    numbers, resent = {}, []
    for i in range(30):
        t = start + 0.01 + i * 0.5
        body = json.dumps({"n": i, "v": 229.5}).encode()
        if i == 15 and with_losses:
            msg = gen.mqtt_msg(0x30, gen.mqtt_str(topic) + body)
            seq = s.cseq
            numbers[i] = s._frame(t, True, PSH | ACK, msg)
            after = s.cseq
            for delay in (0.4, 1.2):
                s.cseq = seq
                resent.append(s._frame(t + delay, True, PSH | ACK, msg))
            s.cseq = after
            s._frame(t + 1.2002, False, ACK)
            continue
        if i in (16, 17):
            if not with_losses:
                continue
            t = start + 0.01 + 15 * 0.5 + 1.21 + 0.001 * (i - 16)
        numbers[i] = s.publish(t, topic, body)
    return s.frames, topic, (numbers[15], numbers[16] if with_losses else numbers[18], resent)


def reconnect_case(rng, how):
    """A meter every 0.5 s; after reading 14 its connection ends (@how:
    "rst" from the broker, "fin" from the broker, "disconnect" by the
    device) and a new connection from another port publishes readings
    19-29: readings 15-18 never come."""
    s, cid = device(rng, 5)
    topic = f"hall/{cid}/current"
    start = 1_700_400_000.125
    s.open(start, cid, 60)
    before = after = None
    for i in range(15):
        before = s.publish(start + 0.01 + i * 0.5, topic, json.dumps({"n": i, "a": 3.1}).encode())
    t = start + 7.3
    if how == "rst":
        s._frame(t, False, RST | ACK)
    elif how == "fin":
        s._frame(t, False, FIN | ACK)
        s._frame(t + 0.0002, True, FIN | ACK)
    else:
        s._frame(t, True, PSH | ACK, gen.mqtt_msg(0xE0, b""))
        s._frame(t + 0.0002, True, FIN | ACK)
        s._frame(t + 0.0004, False, FIN | ACK)
    again = base.Session(s.client, s.broker, s.sport + 1, False)
    again.open(start + 9.4, cid, 60)
    for i in range(19, 30):
        n = again.publish(start + 0.01 + i * 0.5, topic, json.dumps({"n": i, "a": 3.2}).encode())
        after = after or n
    frames = s.frames + again.frames
    # Frame numbers in the merged file: the second session's come after the first's.
    return frames, cid, topic, before, len(s.frames) + after


def write_and_check(tmp, name, frames, publishes):
    path = os.path.join(tmp, name + ".pcap")
    base.write_pcap(path, frames)
    order = sorted(range(len(frames)), key=lambda k: frames[k][0])
    number = {k + 1: pos + 1 for pos, k in enumerate(order)}
    return path, number, base.check_with_tshark(path, publishes)


def diagnoses(cli, path, tmp):
    report = os.path.join(tmp, "report.json")
    subprocess.run([cli, "-r", path, "-q", "--report-json", report], check=True, stdout=subprocess.DEVNULL)
    return json.load(open(report))["diagnoses"]


def main():
    cli = os.environ["IOTSCOPE_CLI"]
    rng = random.Random(int(os.environ.get("INSIGHT_SEED", "20261207")))
    tmp = tempfile.mkdtemp(prefix="iotscope-insight-rates-")
    failures = 0

    def check(name, ok, detail):
        nonlocal failures
        print(f"{'ok' if ok else 'FAIL'}: {name}: {detail}")
        failures += not ok

    try:
        for n_slow, want in ((3, True), (2, False)):
            frames, fast, _ = peers_case(rng, n_slow)
            path, _, ok = write_and_check(tmp, f"peers-{n_slow}", frames, 300 + 30 * n_slow)
            found = [d for d in diagnoses(cli, path, tmp) if d["id"] == "chatty-device"]
            got = [d["subject"] for d in found]
            check(f"{n_slow} peers", ok and got == ([fast] if want else []),
                  f"chatty expected {[fast] if want else []}, reported {got}")
        frames = late_peers_case(rng)
        path, _, ok = write_and_check(tmp, "late-peers", frames, 30 + 3 * 4)
        found = [d["subject"] for d in diagnoses(cli, path, tmp) if d["id"] == "chatty-device"]
        check("3 peers that came up late", ok and not found, f"chatty expected [], reported {found}")
        for burst_only in (False, True):
            frames, cid, first_fast = history_case(rng, burst_only)
            path, number, ok = write_and_check(tmp, f"history-{burst_only}", frames, 45 if burst_only else 52)
            found = [d for d in diagnoses(cli, path, tmp) if d["id"] == "chatty-device"]
            if burst_only:
                check("steady with a burst", ok and not found, f"chatty reported {[d['summary'] for d in found]}")
            else:
                good = (ok and len(found) == 1 and found[0]["subject"] == cid
                        and found[0]["frames"][0] == number[first_fast] and "faster than before" in found[0]["summary"])
                check("own history", good, f"first fast publication {number[first_fast]}, reported "
                      f"{[(d['frames'][:1], d['summary']) for d in found]}")
        for with_losses in (True, False):
            frames, topic, (before, after, resent) = gap_case(rng, with_losses)
            path, number, ok = write_and_check(tmp, f"gap-{with_losses}", frames, 30 if with_losses else 28)
            found = diagnoses(cli, path, tmp)
            losses = [d for d in found if d["id"] == "periodic-gap-losses" and d["subject"] == topic]
            blamed = [d for d in found if d["id"] == "periodic-gap" and d["subject"] == topic]
            if with_losses:
                good = (ok and not blamed and len(losses) == 1
                        and losses[0]["frames"] == [number[before], number[after]]
                        and sorted(losses[0]["related_frames"]) == sorted(number[r] for r in resent))
                check("gap after retransmissions", good,
                      f"gap {number[before]}-{number[after]}, retransmissions {[number[r] for r in resent]}; "
                      f"explained {[(d['frames'], d['related_frames']) for d in losses]}, blamed {len(blamed)}")
            else:
                good = ok and not losses and len(blamed) == 1 and blamed[0]["frames"] == [number[before], number[after]]
                check("gap without retransmissions", good,
                      f"gap {number[before]}-{number[after]}; blamed {[d['frames'] for d in blamed]}, "
                      f"explained {len(losses)}")
        for how in ("rst", "fin", "disconnect"):
            frames, cid, topic, before, after = reconnect_case(rng, how)
            path, number, ok = write_and_check(tmp, f"reconnect-{how}", frames, 26)
            found = diagnoses(cli, path, tmp)
            want = [number[before], number[after]]
            blamed = [d["frames"] for d in found if d["id"] == "periodic-gap" and d["subject"] == topic]
            named = [d["frames"] for d in found if d["id"] == "periodic-gap-reconnect" and d["subject"] == topic]
            reset = [d for d in found if d["id"] == "mqtt-reset-reconnect" and d["subject"] == cid]
            if how == "rst":
                good = (ok and not blamed and not named and len(reset) == 1
                        and all(f in reset[0]["related_frames"] for f in want))
            elif how == "fin":
                good = ok and not blamed and len(named) == 1 and want[0] in named[0] and want[1] in named[0]
            else:
                good = ok and not named and blamed == [want]
            check(f"gap across a connection ended by {how}", good,
                  f"gap {want}; periodic-gap {blamed}, periodic-gap-reconnect {named}, "
                  f"reset related {[d['related_frames'] for d in reset]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
