"""The options a test capture needs, for both tools: tests/captures/NAME.opts
(NAME without .pcap/.pcapng) holds tshark -o options as shell words ('#'
starts a comment, quotes group), such as "-o tls.keylog_file:NAME.keys" or
-o 'uat:80211_keys:"wpa-pwd","pass:SSID"'; key log paths and protobuf
search paths are relative to the captures folder.  As a program: `captureopts.py CAPTURE` prints the
words one per line, for the shell suites."""
import os
import re
import shlex
import sys


def capture_opts(capture):
    path = re.sub(r"\.pcap(ng)?$", "", capture) + ".opts"
    if not os.path.exists(path):
        return []
    folder = os.path.dirname(os.path.abspath(capture))
    with open(path, encoding="utf-8") as f:
        words = shlex.split(f.read(), comments=True)
    words = [re.sub(r"(keylog_file:)(?!/)", r"\g<1>" + folder + "/", w) for w in words]
    # Protobuf search paths are relative to the captures folder too; tshark
    # wants them absolute and without "..".
    return [re.sub(r'(protobuf_search_paths:")([^/"][^"]*)',
                   lambda m: m.group(1) + os.path.normpath(os.path.join(folder, m.group(2))), w)
            for w in words]


if __name__ == "__main__":
    for word in capture_opts(sys.argv[1]):
        print(word)
