#!/usr/bin/env python3
"""readings_gen.py -- the sensor payloads of make-readings.sh, and the
readings they carry.

    readings_gen.py mqtt DEVICE        print DEVICE's JSON payloads, one a line,
                                       at the times of its schedule (for
                                       `mosquitto_pub -l`)
    readings_gen.py coap-server PORT   a small CoAP server on 127.0.0.1:PORT
                                       answering GET /sensors/soil with JSON
                                       and accepting PUT /actuators/valve
    readings_gen.py expected           print every reading the capture holds,
                                       one a line: device, series, name, value
                                       as sent (tab separated, in the order sent)

Values depend only on the message's index, so the expected readings are
the same on every run.  Numbers are written in every form JSON allows:
integers, fractions, negative numbers, exponents with e/E and +/- signs.
"""
import socket
import struct
import sys
import time

# device -> (client id, topic, count, period s, silence: (after message n, seconds) or None)
MQTT = {
    "thermo": ("thermo-1", "lab/thermo-1/state", 10, 0.2, None),
    "greenhouse": ("greenhouse-2", "lab/greenhouse/air", 8, 0.25, None),
    "pump": ("pump-3", "plant/pump-3", 20, 0.2, (12, 2.0)),
}
# Topics the dashboard subscribes to: the broker's copies are readings too,
# of the broker's address (the copy does not say who published it).
SUBSCRIBED = ("lab/greenhouse/air",)
SOIL_GETS = 5
VALVE_PUT = '{"open": 75, "flow_lpm": -0.5, "mode": "auto"}'


def thermo(i):
    return ('{"temperature": %.2f, "humidity": %d, "battery": {"voltage": %.2f, "percent": %d}, "unit": "C"}'
            % (21.5 + i * 0.25, 40 + i, 3.01 - i * 0.01, 90 - i))


def greenhouse(i):
    # -35e-1, -30e-1 …: exponent forms; soil: an array of mixed forms.
    return ('{"co2":%d,"temp":%de-1,"soil":[1.5,%d,3E-2],"label":"gh","ok":true,"spare":null}'
            % (600 + 7 * i, -35 + 5 * i, -2 - i))


def pump(i):
    return ('{"flow": %s, "pressure": 1.0%dE+5, "rpm": %d, "vib": %de-3}'
            % (repr(12.25 + i / 4), i % 10, -120 - i, 25 + i))


def soil(i):
    return '{"moisture": %.1f, "temp": 14.25, "depth_cm": [10, 20], "probe": {"ok": true, "ohms": %d}}' % (
        33.5 + i, 1200 - 10 * i)


PAYLOADS = {"thermo": thermo, "greenhouse": greenhouse, "pump": pump}


def numbers(doc_text):
    """(path, text) of every number in a document, in document order, with
    the names the analyzer gives them (/a/b, /list/[i])."""
    import json

    out = []

    def walk(value, path):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, path + "/" + k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, "%s/[%d]" % (path, i))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append((path, value))

    walk(json.loads(doc_text), "")
    return out


def run_mqtt(device):
    _, _, count, period, silence = MQTT[device]
    for i in range(count):
        print(PAYLOADS[device](i), flush=True)
        time.sleep(period)
        if silence and i + 1 == silence[0]:
            time.sleep(silence[1])


def coap_option(delta, value):
    return bytes([(delta << 4) | len(value)]) + value


def run_coap_server(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    gets = 0
    while True:
        data, peer = sock.recvfrom(2048)
        if len(data) < 4:
            continue
        first, code, mid = data[0], data[1], struct.unpack("!H", data[2:4])[0]
        tkl = first & 0x0F
        token = data[4:4 + tkl]
        # Uri-Path options (11) make the path.
        off, number, path = 4 + tkl, 0, []
        while off < len(data) and data[off] != 0xFF:
            delta, length = data[off] >> 4, data[off] & 0x0F
            off += 1
            if delta == 13:
                delta = data[off] + 13
                off += 1
            if length == 13:
                length = data[off] + 13
                off += 1
            number += delta
            if number == 11:
                path.append(data[off:off + length].decode())
            off += length
        reply_type = 2 if (first >> 4) & 3 == 0 else 1   # ACK for CON, NON otherwise
        head = bytes([0x40 | (reply_type << 4) | tkl])
        if code == 1 and path == ["sensors", "soil"]:
            body = soil(gets).encode()
            gets += 1
            msg = head + bytes([0x45]) + struct.pack("!H", mid) + token + coap_option(12, b"\x32") + b"\xff" + body
        elif code == 3 and path == ["actuators", "valve"]:
            msg = head + bytes([0x44]) + struct.pack("!H", mid) + token
        else:
            msg = head + bytes([0x84]) + struct.pack("!H", mid) + token
        sock.sendto(msg, peer)


def expected():
    rows = []
    for device, (client, topic, count, _, _) in MQTT.items():
        for i in range(count):
            for path, value in numbers(PAYLOADS[device](i)):
                rows.append((client, topic, path, value))
                if topic in SUBSCRIBED:
                    rows.append(("127.0.0.1", topic, path, value))
    for i in range(SOIL_GETS):
        for path, value in numbers(soil(i)):
            rows.append(("127.0.0.1", "/sensors/soil", path, value))
    for path, value in numbers(VALVE_PUT):
        rows.append(("127.0.0.1", "/actuators/valve", path, value))
    for row in rows:
        print("%s\t%s\t%s\t%r" % row)


if __name__ == "__main__":
    if sys.argv[1] == "mqtt":
        run_mqtt(sys.argv[2])
    elif sys.argv[1] == "coap-server":
        run_coap_server(int(sys.argv[2]))
    elif sys.argv[1] == "expected":
        expected()
    else:
        sys.exit(__doc__)
