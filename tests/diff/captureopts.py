"""The options a test capture needs, for both tools: tests/captures/NAME.opts
(NAME without .pcap/.pcapng) holds tshark -o options such as
"-o tls.keylog_file:NAME.keys"; file paths in it are relative to the
captures folder."""
import os
import re


def capture_opts(capture):
    path = re.sub(r"\.pcap(ng)?$", "", capture) + ".opts"
    if not os.path.exists(path):
        return []
    folder = os.path.dirname(os.path.abspath(capture))
    with open(path, encoding="utf-8") as f:
        words = f.read().split()
    return [re.sub(r"(keylog_file:)(?!/)", r"\g<1>" + folder + "/", w) for w in words]
