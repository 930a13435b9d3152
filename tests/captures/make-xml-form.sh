#!/usr/bin/env bash
# make-xml-form.sh -- xml-form.pcap: XML and HTML-form bodies from real
# programs on loopback, for the XML (dissectors/xml.c) and form
# (dissectors/urlencoded.c) dissectors; see README.md, section "XML and forms".
#
#   * a small device API (python3 http.server, 127.0.0.1:8094) asked by curl:
#     POST of an XML reading (-d @file, Content-Type application/xml with a
#     charset parameter: prolog, DOCTYPE with an internal subset, comment,
#     namespaces, single-quoted attributes, CDATA, entities, self-closing
#     tags), answered with text/xml; a SOAP 1.2 envelope answered with
#     application/soap+xml; GET of an XML document that is cut short
#     (malformed); POSTs of HTML forms (--data-urlencode: a repeated key, an
#     empty value, a key without '=', percent-encoded UTF-8, '+' for space).
#   * coap-client against libcoap's coap-server (127.0.0.1:5683): PUT of an
#     XML document with Content-Format 41 (application/xml), GET it back.
#   * mosquitto_pub -V mqttv5 against mosquitto (127.0.0.1:1883): PUBLISHes
#     whose content-type property is "Application/XML" (matched whatever the
#     case), "application/xml; charset=utf-8" (not matched: MQTT hands the
#     whole property to the media-type table, parameters included),
#     application/x-www-form-urlencoded and text/html.
#
# Run as root on Debian 12:   sudo bash tests/captures/make-xml-form.sh
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${CAPTURES_OUT:-$HERE}
HTTP_PORT=8094
COAP_PORT=5683
MQTT_PORT=1883

. "$HERE/lib.sh"

cat >"$WORK/api.py" <<'PY'
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

ACK = ("<?xml version='1.0' encoding='UTF-8'?>\n"
       "<ack xmlns=\"urn:iotscope:ack\" status='ok' count=\"3\">\n"
       "  <received>thermo-07</received>\n"
       "  <next-poll unit=\"s\">30</next-poll>\n"
       "  <empty/>\n"
       "</ack>\n")
SOAP_REPLY = ('<?xml version="1.0"?>\n'
              '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">'
              '<env:Body><m:GetTempResponse xmlns:m="urn:iotscope:thermo">'
              '<m:temp unit="Cel">21.5</m:temp></m:GetTempResponse></env:Body>'
              '</env:Envelope>')
BROKEN = ('<?xml version="1.0"?>\n<config>\n  <wifi ssid="lab">\n'
          '    <psk>hunter2</psk>\n  <!-- no closing tags follow -->\n')

class Api(BaseHTTPRequestHandler):
    # Head and body in one write, so that each response is one TCP segment.
    def send(self, code, ctype, body):
        data = body.encode()
        head = ("%s %d %s\r\nServer: %s\r\nDate: %s\r\nContent-Type: %s\r\n"
                "Content-Length: %d\r\n\r\n" % (self.protocol_version, code, self.responses[code][0],
                                                 self.version_string(), self.date_time_string(),
                                                 ctype, len(data)))
        self.wfile.write(head.encode() + data)

    def do_GET(self):
        self.send(200, "application/xml", BROKEN)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/soap":
            self.send(200, "application/soap+xml; charset=utf-8", SOAP_REPLY)
        elif self.path.startswith("/form"):
            self.send(200, "text/xml", "<form-ok/>")
        else:
            self.send(201, "text/xml; charset=UTF-8", ACK)

    def log_message(self, *args):
        pass

HTTPServer(("127.0.0.1", int(sys.argv[1])), Api).serve_forever()
PY

cat >"$WORK/reading.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE reading [
  <!ENTITY vendor "Acme &amp; Co">
]>
<!-- reading from the lab thermostat -->
<r:reading xmlns:r="urn:iotscope:reading" xmlns="urn:iotscope:default" id='thermo-07' seq="42">
  <r:temp unit='Cel' precision="0.1">21.5</r:temp>
  <humidity unit="%RH">48</humidity>
  <note><![CDATA[door <open> & "window" closed]]></note>
  <vendor>&vendor; &lt;lab&gt; caf&#233; &#x20AC;</vendor>
  <flags heating="false" eco='true'/>
  <?log level="debug"?>
</r:reading>
XML

cat >"$WORK/soap.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">
  <soap:Body>
    <GetTemp xmlns="urn:iotscope:thermo"><sensor>kitchen</sensor></GetTemp>
  </soap:Body>
</soap:Envelope>
XML

port_free tcp "$HTTP_PORT"
port_free udp "$COAP_PORT"
port_free tcp "$MQTT_PORT"
printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$MQTT_PORT" >"$WORK/mosquitto.conf"
bg mosquitto mosquitto -c "$WORK/mosquitto.conf"
MQTT_PID=$LAST_PID
bg api python3 "$WORK/api.py" "$HTTP_PORT"
API_PID=$LAST_PID
bg coap-server coap-server-notls -A 127.0.0.1 -p "$COAP_PORT" -v 3
COAP_PID=$LAST_PID
wait_listen tcp "$HTTP_PORT"
wait_listen udp "$COAP_PORT"
wait_listen tcp "$MQTT_PORT"

log "xml-form.pcap"
cap_start "${TCPDUMP[@]}" -i lo -w "$WORK/xml-form.pcap" \
    "(tcp port $HTTP_PORT or udp port $COAP_PORT or tcp port $MQTT_PORT) and host 127.0.0.1"
B=http://127.0.0.1:$HTTP_PORT
CURL=(curl -sS --http1.1 -A iotscope-capture/1.0 -o /dev/null --max-time 5)
"${CURL[@]}" -H 'Content-Type: application/xml; charset=utf-8' --data-binary @"$WORK/reading.xml" \
    "$B/api/readings"; sleep 0.2
"${CURL[@]}" -H 'Content-Type: application/soap+xml; charset=utf-8; action="urn:GetTemp"' \
    --data-binary @"$WORK/soap.xml" "$B/soap"; sleep 0.2
"${CURL[@]}" "$B/config.xml"; sleep 0.2
"${CURL[@]}" --data-urlencode 'device=thermo-07' --data-urlencode 'room=lab B & café' \
    --data-urlencode 'temp=21.5' --data-urlencode 'temp=21.7' -d 'comment=' -d 'flag' \
    -d 'unit=%C2%B0C+rounded' "$B/form"; sleep 0.2
"${CURL[@]}" -d 'device=hum-02&rh=48%25&note=a%2Bb%3Dc&emoji=%F0%9F%8C%A1' "$B/form2"; sleep 0.2
U=coap://127.0.0.1
coap() { coap-client-notls -B 5 "$@" >>"$WORK/coap-client.log" 2>&1; sleep 0.2; }
coap -m put -t 41 -e '<sensor id="s1"><temp unit="Cel">19.0</temp><ok/></sensor>' "$U/example_data"
coap -A 41 "$U/example_data"
pub() { mosquitto_pub -h 127.0.0.1 -p "$MQTT_PORT" -V mqttv5 -q 1 "$@"; sleep 0.2; }
pub -t lab/thermo/config -D publish content-type 'Application/XML' \
    -m '<config xmlns="urn:iotscope:cfg"><interval unit="s">30</interval><led on="true"/></config>'
pub -t lab/thermo/config -D publish content-type 'application/xml; charset=utf-8' -m '<config/>'
pub -t lab/thermo/form -D publish content-type 'application/x-www-form-urlencoded' -m 'mode=eco&target=20.5'
pub -t lab/thermo/page -D publish content-type 'text/html' -m '<p>Thermostat OK</p>'
cap_stop
stop_pid "$API_PID"; stop_pid "$COAP_PID"; stop_pid "$MQTT_PID"

n=$(tshark -r "$WORK/xml-form.pcap" -Y xml 2>/dev/null | wc -l)
[ "$n" -ge 10 ] || die "xml-form.pcap: only $n frames with XML (want >= 10)"
f=$(tshark -r "$WORK/xml-form.pcap" -Y urlencoded-form 2>/dev/null | wc -l)
[ "$f" -ge 3 ] || die "xml-form.pcap: only $f frames with a form (want >= 3)"
s=$(stat -c %s "$WORK/xml-form.pcap")
[ "$s" -lt 102400 ] || die "xml-form.pcap is too large ($s bytes)"
cp "$WORK/xml-form.pcap" "$OUT/xml-form.pcap.tmp" && mv "$OUT/xml-form.pcap.tmp" "$OUT/xml-form.pcap"
log "wrote $OUT/xml-form.pcap ($s bytes, $n frames with XML, $f with a form)"
