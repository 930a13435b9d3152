#!/usr/bin/env bash
# make-json.sh -- json.pcap: JSON bodies from real programs on loopback, for
# the JSON dissector (dissectors/json.c); see README.md, section "JSON".
#
#   * a tiny JSON API (python3 http.server, 127.0.0.1:8090) asked by curl:
#     GET of nested objects/arrays, strings with escapes, \u escapes and a
#     surrogate pair, numbers in every notation, true/false/null, empty
#     containers; POST of a device reading (request body is JSON too);
#     application/senml+json and newline-delimited JSON (x-ndjson) answers.
#   * coap-client against libcoap's coap-server (127.0.0.1:5683): PUT of a
#     JSON document with Content-Format 50 (application/json), GET it back.
#
# Run as root on Debian 12:   sudo bash tests/captures/make-json.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
HTTP_PORT=8090
COAP_PORT=5683

. "$HERE/lib.sh"

cat >"$WORK/api.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

STATUS = {
    "device": {"id": "thermo-07", "fw": "1.4.2", "online": True, "battery": None,
               "location": {"room": "lab \"B\"", "floor": 2, "geo": [47.3769, 8.5417]}},
    "readings": [{"t": 21.5, "rh": 48}, {"t": -0.25, "rh": 1.5e3}, []],
    "alarms": [],
    "flags": {"heating": False, "eco": True},
    "note": "line1\nline2\ttabbed caf\u00e9 \u20ac \U0001F321 ok",
    "empty": {},
}
READINGS = [{"bn": "urn:dev:mac:0024befffe804ff1/", "bt": 1.276020076e9},
            {"n": "temp", "u": "Cel", "v": 23.1}, {"n": "hum", "u": "%RH", "v": 40, "vb": False}]

class Api(BaseHTTPRequestHandler):
    def send(self, code, ctype, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/api/status":
            self.send(200, "application/json", json.dumps(STATUS, indent=1))
        elif self.path == "/api/senml":
            self.send(200, "application/senml+json", json.dumps(READINGS))
        elif self.path == "/api/events":
            self.send(200, "application/x-ndjson",
                      "".join(json.dumps({"seq": i, "event": e}) + "\n"
                              for i, e in enumerate(["boot", "door-open"])))
        else:
            self.send(404, "application/problem+json",
                      json.dumps({"title": "Not Found", "status": 404}))

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        doc = json.loads(body)
        self.send(201, "application/json; charset=utf-8",
                  json.dumps({"accepted": True, "id": doc.get("id"), "count": len(doc)}))

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Api).serve_forever()
PY

port_free tcp "$HTTP_PORT"
port_free udp "$COAP_PORT"
bg api python3 "$WORK/api.py" "$HTTP_PORT"
API_PID=$LAST_PID
bg coap-server coap-server-notls -A 127.0.0.1 -p "$COAP_PORT" -v 3
COAP_PID=$LAST_PID
wait_listen tcp "$HTTP_PORT"
wait_listen udp "$COAP_PORT"

log "json.pcap"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/json.pcap" \
    "(tcp port $HTTP_PORT or udp port $COAP_PORT) and host 127.0.0.1"
B=http://127.0.0.1:$HTTP_PORT
CURL=(curl -sS --http1.1 -A iotscope-capture/1.0 -o /dev/null --max-time 5)
"${CURL[@]}" "$B/api/status"; sleep 0.2
"${CURL[@]}" -H 'Content-Type: application/json' \
    -d '{"id":"thermo-07","t":21.5,"unit":"\u00b0C","ok":true,"err":null,"tags":["a","b"]}' \
    "$B/api/readings"; sleep 0.2
"${CURL[@]}" "$B/api/senml"; sleep 0.2
"${CURL[@]}" "$B/api/events"; sleep 0.2
"${CURL[@]}" "$B/api/missing"; sleep 0.2
U=coap://127.0.0.1
coap() { coap-client-notls -B 5 "$@" >>"$WORK/coap-client.log" 2>&1; sleep 0.2; }
coap -m put -t 50 -e '{"state":"on","level":42,"rgb":[255,128,0],"auto":false}' "$U/example_data"
coap "$U/example_data"
cap_stop
stop_pid "$API_PID"; stop_pid "$COAP_PID"

n=$(tshark -r "$WORK/json.pcap" -Y json 2>/dev/null | wc -l)
[ "$n" -ge 8 ] || die "json.pcap: only $n frames with JSON (want >= 8)"
s=$(stat -c %s "$WORK/json.pcap")
[ "$s" -lt 102400 ] || die "json.pcap is too large ($s bytes)"
cp "$WORK/json.pcap" "$OUT/json.pcap.tmp" && mv "$OUT/json.pcap.tmp" "$OUT/json.pcap"
log "wrote $OUT/json.pcap ($s bytes, $n frames with JSON)"
