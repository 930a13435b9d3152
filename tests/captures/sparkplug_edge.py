#!/usr/bin/env python3
"""sparkplug_edge.py -- a Sparkplug B edge node with one device, and a lab
meter publishing plain protobuf, for make-sparkplug.sh.

Payload classes come from protoc run on the committed .proto files (the
caller passes the folder they were generated into).  The edge node:
NBIRTH (bdSeq, aliases), DBIRTH, NDATA/DDATA by alias only, a sequence
number skipped on purpose, then its connection is cut without DISCONNECT
so that the broker publishes its will, the NDEATH with the same bdSeq.
A host application (subscriber) receives everything, the will included.

usage: sparkplug_edge.py BROKER_PORT GENERATED_DIR
"""
import socket
import sys
import time

import paho.mqtt.client as mqtt

PORT = int(sys.argv[1])
sys.path.insert(0, sys.argv[2])
import sparkplug_b_pb2 as spb  # noqa: E402
import meter_pb2  # noqa: E402

GROUP, EDGE, DEVICE = "plant1", "edge7", "pump3"
T0 = 1765000000000      # ms: fixed metric timestamps keep the capture reproducible
BDSEQ = 4

Payload = spb.Payload
DT = spb.DataType


def metric(p, name=None, alias=None, dtype=None, value=None, ts=None, unit=None):
    m = p.metrics.add()
    if name is not None:
        m.name = name
    if alias is not None:
        m.alias = alias
    if ts is not None:
        m.timestamp = ts
    if dtype is not None:
        m.datatype = dtype
    if value is None:
        m.is_null = True
    elif dtype in (DT.Int8, DT.Int16, DT.Int32, DT.UInt8, DT.UInt16, DT.UInt32):
        m.int_value = value & 0xffffffff
    elif dtype in (DT.Int64, DT.UInt64, DT.DateTime):
        m.long_value = value & 0xffffffffffffffff
    elif dtype == DT.Float:
        m.float_value = value
    elif dtype == DT.Double:
        m.double_value = value
    elif dtype == DT.Boolean:
        m.boolean_value = value
    elif dtype in (DT.String, DT.Text):
        m.string_value = value
    if unit is not None:
        m.properties.keys.append("engUnit")
        pv = m.properties.values.add()
        pv.type = DT.String
        pv.string_value = unit
    return m


def payload(seq, ts):
    p = Payload()
    p.timestamp = ts
    if seq is not None:
        p.seq = seq
    return p


def topic(kind, device=None):
    return f"spBv1.0/{GROUP}/{kind}/{EDGE}" + (f"/{device}" if device else "")


def connect(client_id, will=None):
    c = mqtt.Client(client_id=client_id, protocol=mqtt.MQTTv311)
    if will is not None:
        c.will_set(*will)
    c.connect("127.0.0.1", PORT, keepalive=30)
    c.loop_start()
    return c


def publish(c, t, p, qos=0):
    c.publish(t, p.SerializeToString(), qos=qos).wait_for_publish()
    time.sleep(0.05)


def main():
    received = []
    host = connect("scada-host")
    host.on_message = lambda c, u, m: received.append(m.topic)
    host.subscribe([("spBv1.0/#", 0), ("lab/#", 0)])
    time.sleep(0.3)

    death = payload(None, T0)
    metric(death, "bdSeq", dtype=DT.UInt64, value=BDSEQ)
    edge = connect(f"{GROUP}-{EDGE}", will=(topic("NDEATH"), death.SerializeToString(), 1, False))
    time.sleep(0.2)

    seq = 0
    p = payload(seq, T0 + 10)
    metric(p, "bdSeq", dtype=DT.UInt64, value=BDSEQ)
    metric(p, "Node Control/Rebirth", alias=1, dtype=DT.Boolean, value=False, ts=T0 + 10)
    metric(p, "Properties/Uptime", alias=2, dtype=DT.Int64, value=120, ts=T0 + 10, unit="s")
    metric(p, "Supply/Voltage", alias=3, dtype=DT.Float, value=23.5, ts=T0 + 10, unit="V")
    metric(p, "Firmware", alias=4, dtype=DT.String, value="2.4.1", ts=T0 + 10)
    publish(edge, topic("NBIRTH"), p)

    seq += 1
    p = payload(seq, T0 + 20)
    metric(p, "Inputs/Pressure", alias=10, dtype=DT.Double, value=4.25, ts=T0 + 20, unit="bar")
    metric(p, "Inputs/Flow", alias=11, dtype=DT.UInt32, value=870, ts=T0 + 20, unit="l/h")
    metric(p, "Inputs/Temperature", alias=12, dtype=DT.Int16, value=-7, ts=T0 + 20, unit="Cel")
    metric(p, "Outputs/Running", alias=13, dtype=DT.Boolean, value=True, ts=T0 + 20)
    metric(p, "Outputs/Setpoint", alias=14, dtype=DT.Float, value=None, ts=T0 + 20)
    publish(edge, topic("DBIRTH", DEVICE), p)

    # Data: aliases only, as edge nodes send once they have been born.
    for i in range(4):
        seq += 1
        if i == 2:
            seq += 1          # a sequence number skipped on purpose
        p = payload(seq, T0 + 1000 * (i + 1))
        metric(p, alias=10, dtype=DT.Double, value=4.25 + i / 10, ts=T0 + 1000 * (i + 1))
        metric(p, alias=11, dtype=DT.UInt32, value=870 + 5 * i, ts=T0 + 1000 * (i + 1))
        if i % 2:
            metric(p, alias=12, dtype=DT.Int16, value=-7 + i, ts=T0 + 1000 * (i + 1))
        publish(edge, topic("DDATA", DEVICE), p)
        seq += 1
        p = payload(seq, T0 + 1000 * (i + 1) + 500)
        metric(p, alias=2, dtype=DT.Int64, value=121 + i, ts=T0 + 1000 * (i + 1) + 500)
        metric(p, alias=3, dtype=DT.Float, value=23.5 - i / 4, ts=T0 + 1000 * (i + 1) + 500)
        publish(edge, topic("NDATA"), p)

    # Plain protobuf on another topic, decoded with the user's meter.proto.
    meter = connect("lab-meter-1")
    for i in range(3):
        r = meter_pb2.Reading(sensor="bench-1", value=20.5 + i, unit=1, delta=-3 + 2 * i,
                              history=[300, 2, 70000 + i], seq=i, ok=(i != 1), raw=bytes([i, 0xff]),
                              stamp=T0 + i, offset=-5 * i, tags=["lab", "bench"])
        r.labels["room"] = "B12"
        if i == 1:
            r.channel = 9
        else:
            r.device = "pi-4"
        r.where.lat = 48.5
        r.where.lon = 9.25
        meter.publish(f"lab/meter/{i + 1}", r.SerializeToString(), qos=1).wait_for_publish()
        time.sleep(0.05)
    meter.disconnect()
    meter.loop_stop()

    # The edge node dies: its socket is closed without DISCONNECT, the
    # broker publishes the will (NDEATH, same bdSeq) to the host.
    edge.loop_stop()
    edge.socket().shutdown(socket.SHUT_RDWR)
    edge.socket().close()
    for _ in range(50):
        if topic("NDEATH") in received:
            break
        time.sleep(0.1)
    host.disconnect()
    host.loop_stop()
    if topic("NDEATH") not in received:
        sys.exit("the broker did not publish the NDEATH will")


if __name__ == "__main__":
    main()
