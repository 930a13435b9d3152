#!/usr/bin/env python3
"""-T pdml against tshark -2 -T pdml on every test capture.

The document is compared line for line around the packets (the XML
prologue, the <pdml> line once its creator and time are left out, the
footer, the number of packets).  Inside each packet every top-level
element (geninfo, each <proto>, each fake-field-wrapper) is compared byte
for byte, matched by name and order.  Protocols not in KNOWN below must be
byte-identical in every packet of every capture; those in KNOWN are layers
whose tree we build differently on purpose or have not aligned yet: their
elements are still compared, counted and reported with the reason.  Exit
77 without tshark, 1 on a difference outside KNOWN.
DIFF_ONLY narrows the captures (exclusions.py); runs two captures at a
time, each bounded by a timeout.
"""
import collections
import concurrent.futures
import glob
import os
import re
import shutil
import subprocess
import sys

import exclusions
from captureopts import capture_opts

TIMEOUT = 120

# Layers whose PDML differs from tshark 4.0's, and why (README: differences).
KNOWN = {
    "frame": "pcapng frames: tshark adds the section number and the capture interface (id, name), which we do not show",
    "tcp": "tshark's hidden tcp.pdu.size rows, where tcp.reassembled_in sits, and the D-SACK rows (with their "
           "expert item) our analysis does not make yet",
    "mqtt": "our request/response rows (mqtt.response_in/_to/_time), which tshark 4.0 does not have",
    "coap": "coap.opt.desc covers the option header only (tshark: the whole option), payload_desc covers the payload (tshark: no bytes); block rows sit in the reassembled data",
    "ip": "IPv4 fragments: where ip.reassembled_in and the fragment rows sit; the TTL expert item carries no field of its own (as tcp)",
    "icmp": "checksum status rows cover the checksum bytes here (tshark: none)",
    "icmpv6": "as icmp, plus option rows named by their addresses",
    "ipv6": "the hidden ip.version row and SLAAC address rows tshark adds",
    "dns": "tshark names query type 255 \"*\" in the row text (we: ANY); TCP-carried DNS length rows",
    "mdns": "class rows: tshark draws the cache-flush / QU bit over the class; where the retransmission expert item sits",
    "dhcp": "option rows of options tshark names differently",
    "http": "header rows: tshark's hidden http.request.line / response.line copies and the line ends as text rows",
    "tls": "handshake and certificate rows (X.509 is decoded as text here)",
    "dtls": "as tls",
    "websocket": "masking and payload rows",
    "json": "member rows of a JSON body",
    "cbor": "item rows of a CBOR body",
    "btle": "hidden length rows and the link-layer header labels ([ACK], [OK])",
    "btle_rf": "radio header rows",
    "nordic_ble": "nordic sniffer header rows",
    "bluetooth": "the bluetooth pseudo-layer's address rows",
    "btatt": "handle rows tshark resolves against the service discovery",
    "btsmp": "pairing rows",
    "6lowpan": "header compression rows",
    "wpan": "frame-control and address rows",
    "wpan-tap": "TLV rows: tshark groups the header fields under a text row",
    "wpan-nonask-phy": "PHY header rows",
    "zep": "ZEP header rows",
    "zbee_nwk": "NWK header rows",
    "zbee_aps": "APS frame-control rows (grouped under a text row here)",
    "zbee_zcl": "ZCL rows",
    "zbee_zdp": "ZDP rows",
    "mle": "MLE TLV rows",
    "llc": "SNAP rows",
    "radiotap": "radiotap presence-word rows",
    "wlan_radio": "the duration and preamble rows tshark computes",
    "wlan": "frame-control flags and resolved address rows",
    "wlan.mgt": "management bodies: tshark writes a layer of its own (wlan.mgt), we keep them inside wlan",
    "eapol": "key-data rows",
    "raw": "raw IP link layer: tshark's text row for the raw packet data",
    "mqttsn": "header rows",
    "sparkplugb": "metric rows of the protobuf body",
    "protobuf": "field rows",
    "lwm2mtlv": "resource rows",
    "lwm2m": "our LwM2M registration layer, which tshark 4.0 does not have",
    "senml": "our SenML layer, which tshark 4.0 does not have",
    "mbtcp": "Modbus/TCP from the example plugin, beside tshark's own",
    "modbus": "as mbtcp",
    "pkt_comment": "pcapng comments as a protocol of their own in tshark",
    "_ws.malformed": "malformed and short frames: where the layer ends",
    "_ws.short": "as _ws.malformed",
    "fake-field-wrapper:tcp.segments": "reassembled-segment rows of TCP (see tcp)",
    "fake-field-wrapper:tls.segments": "reassembled-segment rows of TLS (see tls)",
    "fake-field-wrapper:websocket.fragments": "WebSocket fragments (see websocket)",
    "fake-field-wrapper:websocket.payload.continue": "WebSocket continuation (see websocket)",
    "fake-field-wrapper:data": "data after layers we decode and tshark does not, or the reverse",
}


def blocks(packet_text):
    """The top-level elements of one <packet>: [(name, text)]."""
    out = []
    for chunk in re.split(r"(?m)^(?=  <proto )", packet_text):
        m = re.match(r'  <proto name="([^"]*)"', chunk)
        if not m:
            continue
        name = m.group(1)
        if name == "fake-field-wrapper":
            inner = re.search(r'<field name="([^"]*)"', chunk)
            name += ":" + (inner.group(1) if inner else "")
        out.append((name, chunk))
    return out


def split(document):
    """(text around the packets, [packet texts])"""
    parts = document.split("<packet>\n")
    head, packets = parts[0], parts[1:]
    tail = ""
    if packets:
        last, _, tail = packets[-1].rpartition("</packet>\n")
        packets[-1] = last + "</packet>\n"
    head = re.sub(r'creator="[^"]*" time="[^"]*"', "", head)
    return head + "|" + tail, packets


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=TIMEOUT).stdout
    except subprocess.TimeoutExpired:
        return None


def compare(cli, capture):
    opts = capture_opts(capture)
    theirs = run(["tshark", "-2"] + opts + ["-r", capture, "-T", "pdml"])
    ours = run([cli] + opts + ["-r", capture, "-T", "pdml"])
    result = {"same": collections.Counter(), "differ": collections.Counter(), "problems": [], "example": {}}
    if theirs is None or ours is None:
        result["problems"].append("timed out after %d s" % TIMEOUT)
        return result
    frame_t, packets_t = split(theirs)
    frame_o, packets_o = split(ours)
    if frame_t != frame_o:
        result["problems"].append("document outside the packets differs")
    if len(packets_t) != len(packets_o):
        result["problems"].append("%d packets, tshark %d" % (len(packets_o), len(packets_t)))
    for number, (pt, po) in enumerate(zip(packets_t, packets_o), 1):
        bo = collections.defaultdict(list)
        for name, text in blocks(po):
            bo[name].append(text)
        seen = collections.Counter()
        for name, text in blocks(pt):
            mine = bo.get(name, [])
            i = seen[name]
            seen[name] += 1
            if i < len(mine) and mine[i] == text:
                result["same"][name] += 1
            else:
                result["differ"][name] += 1
                result["example"].setdefault(name, number)
        for name, texts in bo.items():
            if len(texts) > seen[name]:
                result["differ"][name] += len(texts) - seen[name]
                result["example"].setdefault(name, number)
    return result


def main():
    cli = os.environ["IOTSCOPE_CLI"]
    os.chdir(os.environ["IOTSCOPE_SOURCE_ROOT"])
    if shutil.which("tshark") is None:
        print("tshark is not installed: skipped")
        return 77
    os.environ["TZ"] = "UTC"
    table = exclusions.load()
    captures = []
    for capture in sorted(glob.glob("tests/captures/*.pcap") + glob.glob("tests/captures/*.pcapng")):
        why = exclusions.reason("pdml", capture, table)
        if why:
            if not why.startswith("DIFF_ONLY"):
                print("not compared (pdml): %s: %s" % (os.path.basename(capture), why))
            continue
        captures.append(capture)
    failed = 0
    same, differ = collections.Counter(), collections.Counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip(captures, pool.map(lambda c: compare(cli, c), captures)))
    for capture, r in results.items():
        name = os.path.basename(capture)
        for problem in r["problems"]:
            failed += 1
            print("DIFFERS: %s: %s" % (name, problem))
        same.update(r["same"])
        differ.update(r["differ"])
        for proto, count in r["differ"].items():
            if proto not in KNOWN:
                failed += 1
                print("DIFFERS: %s: %d <%s> elements (first in packet %d)"
                      % (name, count, proto, r["example"][proto]))
    print("top-level elements byte-identical / differing, by layer:")
    for proto in sorted(set(same) | set(differ)):
        note = "  (known: %s)" % KNOWN[proto] if differ[proto] and proto in KNOWN else ""
        print("  %-32s %6d %6d%s" % (proto, same[proto], differ[proto], note))
    total_same, total_differ = sum(same.values()), sum(differ.values())
    unknown = sum(c for p, c in differ.items() if p not in KNOWN)
    print("pdml: %d captures, %d elements compared, %d byte-identical, %d differing in known layers, "
          "%d differing elsewhere" % (len(captures), total_same + total_differ, total_same,
                                      total_differ - unknown, unknown))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
