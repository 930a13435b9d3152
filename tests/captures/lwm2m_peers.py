#!/usr/bin/python3
"""Peers for make-cbor-lwm2m.sh, each a real program on a real socket:

  rd-server ADDR PORT      a CoAP server: the LwM2M registration interface
                           (POST /rd, POST /rd/<id>, DELETE /rd/<id>) and
                           sensor resources in CBOR (Content-Format 60) and
                           SenML JSON/CBOR (110/112), some with odd but legal
                           CBOR encodings
  device ADDR PORT SERVER SERVERPORT EP TRIGGER
                           an LwM2M client: registers with the server from
                           its own CoAP socket, answers the server's reads of
                           its objects in TLV (11542), SenML JSON (110) or
                           SenML CBOR (112) by the request's Accept option,
                           sends an Update when file TRIGGER.update appears
                           and de-registers (then exits) at TRIGGER.stop
  http ADDR PORT           an HTTP server (http.server) answering GET with an
                           application/cbor body and echoing POSTed CBOR
  values                   prints, as JSON, the values the peers send (the
                           readings test compares against them)

CoAP is spoken with a few lines of our own (RFC 7252: header, token,
options, payload); CBOR comes from python3-cbor2, except the odd encodings
cbor2 never produces (indefinite lengths, half floats), written byte by byte.
"""
import http.server
import json
import os
import socket
import struct
import sys
import time

import cbor2

# ---------------------------------------------------------------- values sent
TEMPERATURE = 21.5      # IPSO 3303/0/5700, Cel
TEMPERATURE_1 = -3.25   # 3303/1/5700
HUMIDITY = 40.5         # 3304/0/5700, %RH
ILLUMINANCE = 350.0     # 3301/0/5700, lx
PRESSURE = 101325.0     # 3323/0/5700, Pa
DIMMER = 70             # 3311/0/5851
BATTERY = 87            # 3/0/9, %
VOLTAGE = [3800, 5000]  # 3/0/7 (mV)
SENML_BASE_TIME = 1700000000.0
CBOR_SENSOR = {"temperature": 22.25, "humidity": 48, "pressure": 1013.5, "status": "ok",
               "offset": -2, "nested": {"co2": 612, "tags": ["a", "b"]}}


def tlv(kind, ident, value):
    """One LwM2M TLV element (OMA-TS-LightweightM2M 6.4.3)."""
    first = kind << 6
    if ident > 255:
        first |= 0x20
        id_bytes = struct.pack(">H", ident)
    else:
        id_bytes = bytes([ident])
    n = len(value)
    if n < 8:
        first |= n
        len_bytes = b""
    elif n < 256:
        first |= 0x08
        len_bytes = bytes([n])
    elif n < 65536:
        first |= 0x10
        len_bytes = struct.pack(">H", n)
    else:
        first |= 0x18
        len_bytes = n.to_bytes(3, "big")
    return bytes([first]) + id_bytes + len_bytes + value


def res(ident, value):
    return tlv(3, ident, value)


def res_int(ident, value):
    for size, fmt in ((1, ">b"), (2, ">h"), (4, ">i"), (8, ">q")):
        if -(1 << (8 * size - 1)) <= value < (1 << (8 * size - 1)):
            return res(ident, struct.pack(fmt, value))
    raise ValueError(value)


def multi(ident, values):
    return tlv(2, ident, b"".join(tlv(1, i, struct.pack(">H", v)) for i, v in enumerate(values)))


def device_object():
    return (res(0, b"Open Mobile Alliance") + res(1, b"Lightweight M2M Client") + res(2, b"345000123")
            + res(3, b"1.0.2") + multi(6, [1, 5]) + multi(7, VOLTAGE) + res_int(9, BATTERY)
            + res_int(10, 15) + tlv(2, 11, tlv(1, 0, b"\x00")) + res(13, struct.pack(">I", 1700000000))
            + res(14, b"+01:00") + res(16, b"U") + res(17, b"sensor-node"))


def sensor(value, unit, with_range=True, double=False):
    body = res(5700, struct.pack(">d" if double else ">f", value)) + res(5701, unit.encode())
    if with_range:
        body += res(5601, struct.pack(">d", value - 1.5)) + res(5602, struct.pack(">d", value + 2.0))
    return body


TLV_OBJECTS = {
    "/3/0": device_object,
    "/3/0/9": lambda: res_int(9, BATTERY),
    "/1/0": lambda: res_int(0, 1) + res_int(1, 300) + res(6, b"\x01") + res(7, b"U"),
    "/4/0": lambda: (res_int(0, 0) + tlv(2, 1, tlv(1, 0, b"\x00") + tlv(1, 1, b"\x15")) + res_int(2, -70)
                     + res_int(3, 90) + tlv(2, 4, tlv(1, 0, b"192.168.7.2")) + res_int(8, 21760)),
    "/5/0": lambda: res(1, b"coap://fw.example.org/pkg") + res_int(3, 1) + res_int(5, 0),
    "/6/0": lambda: (res(0, struct.pack(">f", 47.3769)) + res(1, struct.pack(">f", 8.5417))
                     + res(5, struct.pack(">I", 1700000100))),
    "/3303/0": lambda: sensor(TEMPERATURE, "Cel"),
    "/3303": lambda: tlv(0, 0, sensor(TEMPERATURE, "Cel", False)) + tlv(0, 1, sensor(TEMPERATURE_1, "Cel", False, True)),
    "/3304/0": lambda: sensor(HUMIDITY, "%RH"),
    "/3301/0": lambda: sensor(ILLUMINANCE, "lx", False),
    "/3323/0": lambda: sensor(PRESSURE, "Pa", False, True),
    "/3311/0": lambda: res(5850, b"\x01") + res_int(5851, DIMMER) + res(5706, b"warm white"),
}


def senml_records(path):
    """The SenML pack of an object instance: base name = the path."""
    if path == "/3303/0":
        return [{"bn": "/3303/0/", "bt": SENML_BASE_TIME, "n": "5700", "u": "Cel", "v": TEMPERATURE},
                {"n": "5601", "u": "Cel", "v": TEMPERATURE - 1.5, "t": -60},
                {"n": "5701", "vs": "Cel"}]
    if path == "/3304/0":
        return [{"bn": "/3304/0/", "bu": "%RH", "n": "5700", "v": HUMIDITY, "bt": SENML_BASE_TIME + 5}]
    if path == "/3311/0":
        return [{"bn": "/3311/0/", "n": "5850", "vb": True}, {"n": "5851", "v": DIMMER}]
    return None


SENML_CBOR_LABELS = {"bn": -2, "bt": -3, "bu": -4, "bv": -5, "n": 0, "u": 1, "v": 2, "vs": 3, "vb": 4, "t": 6}


def senml_cbor(records):
    return cbor2.dumps([{SENML_CBOR_LABELS[k]: v for k, v in r.items()} for r in records])


# Standalone SenML packs served by the rd-server (a gateway's view).
SENML_PACK = [{"bn": "urn:dev:mac:0024befffe804ff1:", "bt": SENML_BASE_TIME, "bu": "Cel", "bver": 10,
               "n": "temp", "v": 23.1},
              {"n": "temp", "v": 23.4, "t": 10},
              {"n": "hum", "u": "%RH", "v": 51, "t": 10},
              {"n": "batt", "u": "%EL", "v": 98, "t": 20},
              {"n": "door", "vb": False}]


def odd_cbor():
    """Legal encodings cbor2 never writes, byte by byte (RFC 8949)."""
    return [
        # indefinite map holding an indefinite array, indefinite strings and a half float
        bytes.fromhex("bf") + cbor2.dumps("list") + bytes.fromhex("9f01f93e00fa3fc00000ff")
        + cbor2.dumps("text") + bytes.fromhex("7f6568656c6c6f6120ff")
        + cbor2.dumps("bytes") + bytes.fromhex("5f4201024103ff")
        + cbor2.dumps("half") + bytes.fromhex("f93e00") + bytes.fromhex("ff"),
        # tags 0, 1, 2, 24, 55799 and big integers
        bytes.fromhex("d9d9f7") + cbor2.dumps({
            "when": cbor2.CBORTag(0, "2023-11-14T22:13:20Z"),
            "epoch": cbor2.CBORTag(1, 1700000000),
            "big": 2 ** 70,
            "max": 2 ** 64 - 1,
            "min": -(2 ** 63),
            "embedded": cbor2.CBORTag(24, cbor2.dumps({"x": 1})),
        }),
        # maps nested eleven deep
        cbor2.dumps({"deep": nest(10)}),
        # non-text keys, simple values and -0.0 as a half float
        bytes.fromhex("a4") + cbor2.dumps(1) + bytes.fromhex("f5") + cbor2.dumps(-7) + bytes.fromhex("f6")
        + cbor2.dumps(b"\x00\x01") + bytes.fromhex("f7") + cbor2.dumps("neg0") + bytes.fromhex("f98000"),
        # floats of each size
        bytes.fromhex("a3") + cbor2.dumps("f16") + bytes.fromhex("f94a40") + cbor2.dumps("f32")
        + bytes.fromhex("fa47c35000") + cbor2.dumps("f64") + bytes.fromhex("fb3ff199999999999a"),
        # an unassigned simple value in one extra byte and one inline, a negative bignum
        bytes.fromhex("83f820f0") + bytes.fromhex("c3") + cbor2.dumps(b"\x01" + b"\x00" * 8),
    ]


def nest(depth):
    return {"v": depth} if depth == 0 else {"n": depth, "in": nest(depth - 1)}


# ---------------------------------------------------------------- CoAP
def encode_options(options):
    out, last = b"", 0
    for number, value in sorted(options, key=lambda o: o[0]):
        delta, last = number - last, number

        def nibble(x):
            if x < 13:
                return x, b""
            if x < 269:
                return 13, bytes([x - 13])
            return 14, struct.pack(">H", x - 269)
        dn, de = nibble(delta)
        ln, le = nibble(len(value))
        out += bytes([(dn << 4) | ln]) + de + le + value
    return out


def uint_opt(v):
    return b"" if v == 0 else v.to_bytes((v.bit_length() + 7) // 8, "big")


def coap_message(mtype, code, mid, token, options, payload=b""):
    return (bytes([0x40 | (mtype << 4) | len(token), code]) + struct.pack(">H", mid) + token
            + encode_options(options) + (b"\xff" + payload if payload else b""))


def parse(data):
    first, code, mid = data[0], data[1], struct.unpack(">H", data[2:4])[0]
    tkl = first & 0x0F
    token = data[4:4 + tkl]
    pos, number, options, payload = 4 + tkl, 0, [], b""
    while pos < len(data):
        if data[pos] == 0xFF:
            payload = data[pos + 1:]
            break
        delta, length = data[pos] >> 4, data[pos] & 0x0F
        pos += 1
        for which in ("d", "l"):
            v = delta if which == "d" else length
            if v == 13:
                v = data[pos] + 13
                pos += 1
            elif v == 14:
                v = struct.unpack(">H", data[pos:pos + 2])[0] + 269
                pos += 2
            if which == "d":
                delta = v
            else:
                length = v
        number += delta
        options.append((number, data[pos:pos + length]))
        pos += length
    return {"type": (first >> 4) & 3, "code": code, "mid": mid, "token": token, "options": options,
            "payload": payload}


def path_of(msg):
    return "/" + "/".join(v.decode() for n, v in msg["options"] if n == 11)


def query_of(msg):
    return [v.decode() for n, v in msg["options"] if n == 15]


def accept_of(msg):
    for n, v in msg["options"]:
        if n == 17:
            return int.from_bytes(v, "big") if v else 0
    return None


def reply(sock, peer, req, code, payload=b"", cf=None, extra=()):
    options = list(extra)
    if cf is not None:
        options.append((12, uint_opt(cf)))
    mtype = 2 if req["type"] == 0 else 1
    mid = req["mid"] if mtype == 2 else (req["mid"] + 1000) & 0xFFFF
    sock.sendto(coap_message(mtype, code, mid, req["token"], options, payload), peer)


CREATED, DELETED, CHANGED, CONTENT, NOT_FOUND, NOT_ACCEPTABLE = 0x41, 0x42, 0x44, 0x45, 0x84, 0x86


def rd_server(addr, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    registrations, next_id = {}, 0x5a3f
    odd = odd_cbor()
    while True:
        data, peer = sock.recvfrom(4096)
        req = parse(data)
        if req["code"] == 0 or req["code"] >> 5 != 0:
            continue
        path, code = path_of(req), req["code"]
        if path == "/rd" and code == 2:
            rid = "%x" % next_id
            next_id += 1
            registrations[rid] = dict(q.split("=", 1) for q in query_of(req) if "=" in q)
            reply(sock, peer, req, CREATED, extra=[(8, b"rd"), (8, rid.encode())])
        elif path.startswith("/rd/") and path[4:] in registrations:
            reply(sock, peer, req, CHANGED if code == 2 else DELETED if code == 4 else NOT_FOUND)
        elif path == "/cbor/sensor":
            reply(sock, peer, req, CONTENT, cbor2.dumps(CBOR_SENSOR), 60)
        elif path.startswith("/cbor/odd/"):
            reply(sock, peer, req, CONTENT, odd[int(path[10:]) % len(odd)], 60)
        elif path == "/senml/json":
            reply(sock, peer, req, CONTENT, json.dumps(SENML_PACK, separators=(",", ":")).encode(), 110)
        elif path == "/senml/cbor":
            reply(sock, peer, req, CONTENT, senml_cbor([{k: v for k, v in r.items() if k != "bver"}
                                                        for r in SENML_PACK]), 112)
        else:
            reply(sock, peer, req, NOT_FOUND)


def device(addr, port, server, server_port, endpoint, trigger):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((addr, port))
    sock.settimeout(0.2)
    links = b'</>;rt="oma.lwm2m";ct=11543,</1/0>,</3/0>,</4/0>,</5/0>,</6/0>,</3303/0>;ver=1.1,</3303/1>,' \
            b'</3304/0>,</3301/0>,</3311/0>,</3323/0>'
    mid = 0x2000
    rd_path = None

    def request(code, path, query=(), payload=b"", cf=None):
        nonlocal mid
        mid += 1
        token = struct.pack(">I", 0x10000 + mid)
        options = [(11, p.encode()) for p in path.strip("/").split("/")] + [(15, q.encode()) for q in query]
        if cf is not None:
            options.append((12, uint_opt(cf)))
        sock.sendto(coap_message(0, code, mid, token, options, payload), (server, server_port))
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                data, peer = sock.recvfrom(4096)
            except socket.timeout:
                continue
            msg = parse(data)
            if msg["token"] == token and msg["code"] >> 5 != 0:
                return msg
            serve(msg, peer)
        raise SystemExit("no answer from the LwM2M server")

    def serve(msg, peer):
        if msg["code"] != 1:
            return
        path, accept = path_of(msg), accept_of(msg)
        if accept in (110, 112) and senml_records(path) is not None:
            records = senml_records(path)
            body = json.dumps(records).encode() if accept == 110 else senml_cbor(records)
            reply(sock, peer, msg, CONTENT, body, accept)
        elif accept in (None, 11542) and path in TLV_OBJECTS:
            reply(sock, peer, msg, CONTENT, TLV_OBJECTS[path](), 11542)
        elif path in TLV_OBJECTS:
            reply(sock, peer, msg, NOT_ACCEPTABLE)
        else:
            reply(sock, peer, msg, NOT_FOUND)

    answer = request(2, "/rd", ["ep=" + endpoint, "lt=300", "lwm2m=1.1", "b=U"], links, 40)
    rd_path = "/" + "/".join(v.decode() for n, v in answer["options"] if n == 8)
    open(trigger + ".registered", "w").close()
    updated = False
    while True:
        if not updated and os.path.exists(trigger + ".update"):
            request(2, rd_path, ["lt=600"])
            updated = True
            open(trigger + ".updated", "w").close()
        if os.path.exists(trigger + ".stop"):
            request(4, rd_path)
            return
        try:
            data, peer = sock.recvfrom(4096)
        except socket.timeout:
            continue
        serve(parse(data), peer)


class CborHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send_cbor(self, body):
        self.send_response(200)
        self.send_header("Content-Type", "application/cbor")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/odd":
            self.send_cbor(odd_cbor()[1])
        else:
            self.send_cbor(cbor2.dumps(CBOR_SENSOR))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_cbor(cbor2.dumps({"received": len(body), "echo": cbor2.loads(body)}))

    def log_message(self, *args):
        pass


def values():
    print(json.dumps({"temperature": TEMPERATURE, "temperature_1": TEMPERATURE_1, "humidity": HUMIDITY,
                      "illuminance": ILLUMINANCE, "pressure": PRESSURE, "dimmer": DIMMER, "battery": BATTERY,
                      "voltage": VOLTAGE, "senml_base_time": SENML_BASE_TIME, "cbor_sensor": CBOR_SENSOR,
                      "senml_pack": SENML_PACK}))


def main():
    role = sys.argv[1]
    if role == "rd-server":
        rd_server(sys.argv[2], int(sys.argv[3]))
    elif role == "device":
        device(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7])
    elif role == "http":
        http.server.ThreadingHTTPServer((sys.argv[2], int(sys.argv[3])), CborHandler).serve_forever()
    elif role == "values":
        values()
    else:
        raise SystemExit("unknown role " + role)


if __name__ == "__main__":
    main()
