#!/usr/bin/env python3
"""-z readings against what was sent and against tshark.

1. readings.pcap (tests/captures/make-readings.sh): every series -z readings
   lists must be one of readings.expected (the readings the script's
   generator sent), with the same count, min, max and last value; no series
   missing, none extra.  The JSON report carries every point: its values,
   in order, must be the ones sent.  A filter keeps only matching frames.
2. zigbee*.pcap: the ZCL Temperature and Humidity Measured Values must be
   tshark's zbee_zcl_meas_sensing.* fields, scaled by 0.01 (°C, %RH).
3. ble*.pcap: the values of standard GATT characteristics (temperature,
   humidity, battery level, heart rate) that notifications, indications and
   read responses carried must be tshark's btatt.* fields, scaled to their
   units, one series per peripheral and handle.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import OrderedDict

CLI = os.environ["IOTSCOPE_CLI"]
ROOT = os.environ.get("IOTSCOPE_SOURCE_ROOT", ".")
CAPS = os.path.join(ROOT, "tests", "captures")
failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print("FAIL:", what)


def cli(*args):
    return subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout


def table(text):
    """The rows of a -z readings table as dicts (cells are separated by two
    spaces or more; empty cells are printed as "-")."""
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Device"))
    names = re.split(r"\s{2,}", lines[head].strip())
    rows = []
    for line in lines[head + 1:]:
        if line.startswith("====="):
            break
        cells = re.split(r"\s{2,}", line.strip())
        check(len(cells) == len(names), "row with %d cells: %r" % (len(cells), line))
        rows.append(dict(zip(names, cells)))
    return rows


def expected_series(path):
    series = OrderedDict()
    with open(path) as f:
        for line in f:
            device, topic, name, value = line.rstrip("\n").split("\t")
            series.setdefault((device, topic, name), []).append(float(value))
    return series


def check_readings_pcap():
    pcap = os.path.join(CAPS, "readings.pcap")
    want = expected_series(os.path.join(CAPS, "readings.expected"))
    rows = table(cli("-r", pcap, "-q", "-z", "readings"))
    got = {(r["Device"], r["Series"], r["Name"]): r for r in rows}
    check(set(got) == set(want), "series differ: missing %s, extra %s"
          % (sorted(set(want) - set(got)), sorted(set(got) - set(want))))
    for key, values in want.items():
        row = got.get(key)
        if row is None:
            continue
        check(int(row["Count"]) == len(values), "%s: count %s, sent %d" % (key, row["Count"], len(values)))
        for column, value in (("Min", min(values)), ("Max", max(values)), ("Last", values[-1])):
            check(float(row[column]) == value, "%s: %s %s, sent %r" % (key, column, row[column], value))
        check(row["Unit"] == "-", "%s: unit %s, none sent" % (key, row["Unit"]))

    # Every point, in order, from the JSON report.
    tmp = tempfile.mkdtemp()
    try:
        report = os.path.join(tmp, "r.json")
        page = os.path.join(tmp, "r.html")
        cli("-r", pcap, "-q", "--report-json", report, "--report-html", page)
        with open(report) as f:
            doc = json.load(f)
        with open(page) as f:
            html = f.read()
    finally:
        shutil.rmtree(tmp)
    section = html[html.index("<h2>Readings</h2>"):]
    check(section.count("<polyline") == len(want), "HTML report: %d charts for %d series"
          % (section.count("<polyline"), len(want)))
    check("<td>pump-3</td><td>plant/pump-3</td><td>/flow</td><td></td><td>20</td><td>12.25</td><td>17</td>"
          "<td>17</td>" in section, "HTML report: pump-3's row")
    points = {(s["device"], s["series"], s["name"]): [p[2] for p in s["points"]] for s in doc["readings"]}
    check(points == {k: v for k, v in want.items()}, "JSON report points differ from what was sent")
    n = sum(len(v) for v in want.values())
    print("readings.pcap: %d series, %d points as sent" % (len(want), n))

    # The silent pump: its points straddle a gap of about 2 s.
    pump = [s for s in doc["readings"] if s["device"] == "pump-3" and s["name"] == "/flow"][0]
    times = [p[1] for p in pump["points"]]
    check(max(b - a for a, b in zip(times, times[1:])) > 1.9, "pump-3 shows no silence")

    # A filter keeps only the frames it matches.
    rows = table(cli("-r", pcap, "-q", "-z", "readings,coap"))
    check({r["Series"] for r in rows} == {"/sensors/soil", "/actuators/valve"},
          "readings,coap kept %s" % sorted({r["Series"] for r in rows}))
    out = cli("-r", pcap, "-q", "-z", "readings,mqtt.topic == \"plant/pump-3\"")
    check("Filter: mqtt.topic == \"plant/pump-3\"" in out, "filter line missing")
    check({r["Device"] for r in table(out)} == {"pump-3"}, "pump filter kept other devices")
    bad = subprocess.run([CLI, "-r", pcap, "-q", "-z", "readings,mqtt.topic =="], capture_output=True, text=True)
    check(bad.returncode != 0 and "-z readings:" in bad.stderr and bad.stdout == "",
          "a broken filter: rc %d, %r" % (bad.returncode, bad.stderr))


def tshark_values(pcap, fields):
    """Every value of each field, in frame order, from one tshark run."""
    argv = ["tshark", "-r", pcap, "-Y", "zbee_zcl", "-T", "fields"]
    for field in fields:
        argv += ["-e", field]
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    values = {field: [] for field in fields}
    for line in out.splitlines():
        for field, cell in zip(fields, line.split("\t")):
            values[field] += [int(v, 0) for v in cell.split(",") if v]
    return values


# (cluster, attribute, tshark field, scale to the reading's unit, unit): the
# ZCL specification's units (0.01 °C, 0.01 %RH, 0.1 s); tshark 4.0 gives the
# raw attribute value in these fields.
ZCL_FIELDS = (
    ("Temperature Measurement", "Measured Value", "zbee_zcl_meas_sensing.tempmeas.attr.value", 0.01, "Cel"),
    ("Temperature Measurement", "Min Measured Value", "zbee_zcl_meas_sensing.tempmeas.attr.value.min", 0.01, "Cel"),
    ("Temperature Measurement", "Max Measured Value", "zbee_zcl_meas_sensing.tempmeas.attr.value.max", 0.01, "Cel"),
    ("Temperature Measurement", "Tolerance", "zbee_zcl_meas_sensing.tempmeas.attr.tolerance", 0.01, "Cel"),
    ("Relative Humidity Measurement", "Measured Value", "zbee_zcl_meas_sensing.relhummeas.attr.value", 0.01, "%RH"),
    ("Level Control", "Current Level", "zbee_zcl_general.level_control.attr.current_level", 1, "-"),
    ("On/Off", "OnOff", "zbee_zcl_general.onoff.attr.onoff", 1, "-"),
    ("On/Off", "OnTime", "zbee_zcl_general.onoff.attr.ontime", 0.1, "s"),
    ("Color Control", "Color Temperature", "zbee_zcl_lighting.color_control.attr.color_temperature", 1, "mired"),
)


def check_zigbee():
    if shutil.which("tshark") is None:
        print("tshark not installed: ZCL values not compared")
        return
    compared = 0
    for name in ("zigbee.pcap", "zigbee-zdp.pcap"):
        pcap = os.path.join(CAPS, name)
        rows = table(cli("-r", pcap, "-q", "-z", "readings"))
        values = tshark_values(pcap, [f[2] for f in ZCL_FIELDS])
        for cluster, attribute, field, scale, unit in ZCL_FIELDS:
            want = values[field]
            got = [r for r in rows if r["Series"] == cluster and r["Name"] == attribute]
            what = "%s %s/%s" % (name, cluster, attribute)
            if not want:
                check(not got, "%s: readings tshark does not show" % what)
                continue
            check(len(got) == 1, "%s: %d series" % (what, len(got)))
            if not got:
                continue
            row = got[0]
            scaled = [v * scale for v in want]
            check(int(row["Count"]) == len(want), "%s: count %s, tshark %d" % (what, row["Count"], len(want)))
            for column, value in (("Min", min(scaled)), ("Max", max(scaled)), ("Last", scaled[-1])):
                check(abs(float(row[column]) - value) < 1e-9, "%s: %s %s, tshark %r" % (what, column, row[column], value))
            check(row["Unit"] == unit, "%s: unit %s, want %s" % (what, row["Unit"], unit))
            compared += len(want)
    check(compared >= 12, "only %d ZCL values compared" % compared)
    print("zigbee: %d ZCL attribute values equal to tshark's (%d fields)" % (compared, len(ZCL_FIELDS)))


# (tshark field, characteristic name, scale to the reading's unit, unit):
# the GATT formats (0.01 °C, 0.01 %, whole percent, beats per minute).
ATT_FIELDS = (
    ("btatt.temperature", "Temperature", 0.01, "Cel"),
    ("btatt.humidity", "Humidity", 0.01, "%RH"),
    ("btatt.battery_level", "Battery Level", 1, "%"),
    ("btatt.heart_rate_measurement.value.8", "Heart Rate Measurement", 1, "bpm"),
    ("btatt.heart_rate_measurement.value.16", "Heart Rate Measurement", 1, "bpm"),
)


def tshark_att_values(pcap):
    """(handle, characteristic name) → values in frame order, from the
    ATT PDUs that report a value (read response, notification, indication)."""
    argv = ["tshark", "-2", "-r", pcap, "-Y", "btatt.opcode == 0x0b || btatt.opcode == 0x1b || btatt.opcode == 0x1d", "-T", "fields",
            "-e", "btatt.handle"] + [a for f in ATT_FIELDS for a in ("-e", f[0])]
    out = subprocess.run(argv, check=True, capture_output=True, text=True).stdout
    values = OrderedDict()
    for line in out.splitlines():
        cells = line.split("\t")
        handle = int(cells[0].split(",")[-1], 16)
        for (field, name, scale, unit), cell in zip(ATT_FIELDS, cells[1:]):
            if cell:
                values.setdefault((handle, name, unit), []).append(int(cell, 0) * scale)
    return values


def check_ble():
    if shutil.which("tshark") is None:
        print("tshark not installed: GATT values not compared")
        return
    compared = 0
    for name in sorted(os.listdir(CAPS)):
        if not (name.startswith("ble") and name.endswith(".pcap")):
            continue
        pcap = os.path.join(CAPS, name)
        rows = table(cli("-r", pcap, "-q", "-z", "readings"))
        want = tshark_att_values(pcap)
        check(len(rows) == len(want), "%s: %d series, tshark has %d" % (name, len(rows), len(want)))
        for (handle, cname, unit), values in want.items():
            what = "%s handle 0x%04x %s" % (name, handle, cname)
            got = [r for r in rows if r["Series"] == "Handle 0x%04x" % handle and r["Name"] == cname]
            check(len(got) == 1, "%s: %d series" % (what, len(got)))
            if not got:
                continue
            row = got[0]
            check(int(row["Count"]) == len(values), "%s: count %s, tshark %d" % (what, row["Count"], len(values)))
            for column, value in (("Min", min(values)), ("Max", max(values)), ("Last", values[-1])):
                check(abs(float(row[column]) - value) < 1e-9, "%s: %s %s, tshark %r" % (what, column, row[column], value))
            check(row["Unit"] == unit, "%s: unit %s, want %s" % (what, row["Unit"], unit))
            compared += len(values)
    check(compared >= 30, "only %d GATT values compared" % compared)
    print("ble: %d GATT characteristic values equal to tshark's" % compared)


check_readings_pcap()
check_zigbee()
check_ble()
print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
sys.exit(1 if failures else 0)
