#!/usr/bin/env python3
"""mqttsn_peers.py -- an MQTT-SN v1.2 client and a small gateway talking over
real UDP sockets on loopback, for make-mqttsn.sh.

The gateway answers what a gateway answers (CONNACK, REGACK, PUBACK, SUBACK
…) and forwards publications to the subscribed client, so the capture holds
real exchanges: every message type of the specification, the three-byte
length form, normal, predefined and short topic ids, QoS -1 publications,
an encapsulated message from a forwarder, and a few odd but legal forms
(an empty will topic, PINGREQ with a client id, DISCONNECT with a duration).

usage: mqttsn_peers.py GATEWAY_PORT CLIENT_PORT FORWARDER_PORT
"""
import socket
import struct
import sys
import time

ADVERTISE, SEARCHGW, GWINFO = 0x00, 0x01, 0x02
CONNECT, CONNACK = 0x04, 0x05
WILLTOPICREQ, WILLTOPIC, WILLMSGREQ, WILLMSG = 0x06, 0x07, 0x08, 0x09
REGISTER, REGACK, PUBLISH, PUBACK = 0x0A, 0x0B, 0x0C, 0x0D
PUBCOMP, PUBREC, PUBREL = 0x0E, 0x0F, 0x10
SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK = 0x12, 0x13, 0x14, 0x15
PINGREQ, PINGRESP, DISCONNECT = 0x16, 0x17, 0x18
WILLTOPICUPD, WILLTOPICRESP, WILLMSGUPD, WILLMSGRESP = 0x1A, 0x1B, 0x1C, 0x1D
ENCAPSULATED = 0xFE

DUP, RETAIN, WILL, CLEAN = 0x80, 0x10, 0x08, 0x04
QOS = {0: 0x00, 1: 0x20, 2: 0x40, -1: 0x60}
NORMAL, PREDEFINED, SHORT = 0, 1, 2


def msg(mtype, body=b"", long_form=False):
    """One MQTT-SN message: length (1 octet, or 0x01 + 2 octets) and type."""
    if long_form or len(body) + 2 > 255:
        return struct.pack("!BHB", 0x01, len(body) + 4, mtype) + body
    return struct.pack("!BB", len(body) + 2, mtype) + body


def encapsulated(ctrl, node_id, inner):
    """A forwarder's frame: its length counts only the header (length, type,
    control octet and the wireless node id), the message follows."""
    return struct.pack("!BBB", 3 + len(node_id), ENCAPSULATED, ctrl) + node_id + inner


class Peers:
    def __init__(self, gw_port, cl_port, fw_port):
        self.gw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.gw.bind(("127.0.0.1", gw_port))
        self.cl = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.cl.bind(("127.0.0.1", cl_port))
        self.fw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.fw.bind(("127.0.0.1", fw_port))
        for s in (self.gw, self.cl, self.fw):
            s.settimeout(2.0)
        self.gw_addr = ("127.0.0.1", gw_port)
        self.cl_addr = ("127.0.0.1", cl_port)
        self.fw_addr = ("127.0.0.1", fw_port)
        self.topics = {}          # gateway: name -> id
        self.next_id = 1
        self.msg_id = 0

    def mid(self):
        self.msg_id += 1
        return self.msg_id

    def client_send(self, data):
        """The client sends; the gateway receives and answers."""
        self.cl.sendto(data, self.gw_addr)
        got, _ = self.gw.recvfrom(2048)
        assert got == data
        time.sleep(0.005)
        return got

    def gateway_send(self, data, to=None):
        self.gw.sendto(data, to or self.cl_addr)
        sock = self.fw if to == self.fw_addr else self.cl
        got, _ = sock.recvfrom(2048)
        assert got == data
        time.sleep(0.005)

    def register(self, name):
        if name not in self.topics:
            self.topics[name] = self.next_id
            self.next_id += 1
        return self.topics[name]

    # ---- the exchanges --------------------------------------------------
    def discovery(self):
        self.gateway_send(msg(ADVERTISE, struct.pack("!BH", 7, 900)))
        self.client_send(msg(SEARCHGW, struct.pack("!B", 1)))
        self.gateway_send(msg(GWINFO, struct.pack("!B", 7)))
        # A client answering another's SEARCHGW adds the gateway's address.
        self.client_send(msg(GWINFO, struct.pack("!B", 7) + bytes([127, 0, 0, 1])))

    def connect_with_will(self, client_id):
        self.client_send(msg(CONNECT, struct.pack("!BBH", WILL | CLEAN, 0x01, 60) + client_id))
        self.gateway_send(msg(WILLTOPICREQ))
        self.client_send(msg(WILLTOPIC, struct.pack("!B", QOS[1] | RETAIN) + b"sensors/will"))
        self.gateway_send(msg(WILLMSGREQ))
        self.client_send(msg(WILLMSG, b"node gone"))
        self.gateway_send(msg(CONNACK, b"\x00"))

    def register_topic(self, name):
        mid = self.mid()
        self.client_send(msg(REGISTER, struct.pack("!HH", 0, mid) + name.encode()))
        tid = self.register(name)
        self.gateway_send(msg(REGACK, struct.pack("!HHB", tid, mid, 0)))
        return tid

    def publish(self, qos, tid_type, tid, data, retain=False, dup=False, long_form=False):
        flags = QOS[qos] | tid_type | (RETAIN if retain else 0) | (DUP if dup else 0)
        mid = self.mid() if qos > 0 else 0
        self.client_send(msg(PUBLISH, struct.pack("!BHH", flags, tid, mid) + data, long_form))
        if qos == 1:
            self.gateway_send(msg(PUBACK, struct.pack("!HHB", tid, mid, 0)))
        elif qos == 2:
            self.gateway_send(msg(PUBREC, struct.pack("!H", mid)))
            self.client_send(msg(PUBREL, struct.pack("!H", mid)))
            self.gateway_send(msg(PUBCOMP, struct.pack("!H", mid)))

    def subscribe_name(self, name, qos):
        mid = self.mid()
        self.client_send(msg(SUBSCRIBE, struct.pack("!BH", QOS[qos] | NORMAL, mid) + name.encode()))
        tid = self.register(name) if "#" not in name and "+" not in name else 0
        self.gateway_send(msg(SUBACK, struct.pack("!BHHB", QOS[qos], tid, mid, 0)))
        return tid

    def subscribe_id(self, tid_type, tid, qos):
        mid = self.mid()
        self.client_send(msg(SUBSCRIBE, struct.pack("!BHH", QOS[qos] | tid_type, mid, tid)))
        self.gateway_send(msg(SUBACK, struct.pack("!BHHB", QOS[qos], tid, mid, 0)))

    def unsubscribe(self, body_flags, tail):
        mid = self.mid()
        self.client_send(msg(UNSUBSCRIBE, struct.pack("!BH", body_flags, mid) + tail))
        self.gateway_send(msg(UNSUBACK, struct.pack("!H", mid)))

    def run(self):
        self.discovery()
        self.connect_with_will(b"sn-node-1")
        temp = self.register_topic("sensors/kitchen/temperature")
        hum = self.register_topic("sensors/kitchen/humidity")
        self.publish(0, NORMAL, temp, b"21.5")
        self.publish(1, NORMAL, hum, b"48")
        self.publish(2, NORMAL, temp, b"21.75", retain=True)
        self.publish(1, NORMAL, temp, b"21.8", dup=True)
        # A publication too long for the one-octet length.
        self.publish(1, NORMAL, hum, b"{\"samples\":[" + b",".join(b"%d" % (40 + i % 9) for i in range(80)) + b"]}")
        # The three-octet form is legal for short messages too.
        self.publish(0, NORMAL, temp, b"22", long_form=True)
        # Predefined and short topic ids.
        self.publish(1, PREDEFINED, 0x0102, b"-3")
        self.publish(0, SHORT, struct.unpack("!H", b"tp")[0], b"19.0")
        # Subscriptions by name, wildcard, predefined id and short name.
        sub = self.subscribe_name("actuators/valve", 1)
        self.subscribe_name("alerts/#", 0)
        self.subscribe_id(PREDEFINED, 0x0200, 2)
        self.subscribe_id(SHORT, struct.unpack("!H", b"cm")[0], 1)
        # The gateway registers a topic with the client, then forwards to it.
        mid = self.mid()
        self.gateway_send(msg(REGISTER, struct.pack("!HH", 50, mid) + b"alerts/fire"))
        self.client_send(msg(REGACK, struct.pack("!HHB", 50, mid, 0)))
        self.gateway_send(msg(PUBLISH, struct.pack("!BHH", QOS[0] | NORMAL, 50, 0) + b"1"))
        mid = self.mid()
        self.gateway_send(msg(PUBLISH, struct.pack("!BHH", QOS[1] | NORMAL, sub, mid) + b"open"))
        self.client_send(msg(PUBACK, struct.pack("!HHB", sub, mid, 0)))
        # A rejected publication: the gateway does not know the id.
        mid = self.mid()
        self.client_send(msg(PUBLISH, struct.pack("!BHH", QOS[1] | NORMAL, 999, mid) + b"7"))
        self.gateway_send(msg(PUBACK, struct.pack("!HHB", 999, mid, 2)))
        self.unsubscribe(NORMAL, b"alerts/#")
        self.unsubscribe(PREDEFINED, struct.pack("!H", 0x0200))
        self.unsubscribe(SHORT, b"cm")
        self.client_send(msg(PINGREQ))
        self.gateway_send(msg(PINGRESP))
        self.client_send(msg(WILLTOPICUPD, struct.pack("!B", QOS[0]) + b"sensors/will2"))
        self.gateway_send(msg(WILLTOPICRESP, b"\x00"))
        self.client_send(msg(WILLMSGUPD, b"node really gone"))
        self.gateway_send(msg(WILLMSGRESP, b"\x00"))
        # An empty WILLTOPIC deletes the will.
        self.client_send(msg(WILLTOPIC))
        # A sleeping client: DISCONNECT with a duration, PINGREQ with its id.
        self.client_send(msg(DISCONNECT, struct.pack("!H", 300)))
        self.gateway_send(msg(DISCONNECT))
        self.client_send(msg(PINGREQ, b"sn-node-1"))
        self.gateway_send(msg(PINGRESP))
        # QoS -1 from a client that never connected (predefined id).
        self.cl.sendto(msg(PUBLISH, struct.pack("!BHH", QOS[-1] | PREDEFINED, 0x0102, 0) + b"-4.5"), self.gw_addr)
        self.gw.recvfrom(2048)
        # A forwarder encapsulates a wireless node's messages.
        inner = msg(CONNECT, struct.pack("!BBH", CLEAN, 0x01, 30) + b"zb-node")
        self.fw.sendto(encapsulated(0x00, b"\x00\x17", inner), self.gw_addr)
        self.gw.recvfrom(2048)
        self.gateway_send(encapsulated(0x00, b"\x00\x17", msg(CONNACK, b"\x00")),
                          self.fw_addr)
        inner = msg(PUBLISH, struct.pack("!BHH", QOS[-1] | SHORT, struct.unpack("!H", b"zt")[0], 0) + b"7")
        self.fw.sendto(encapsulated(0x01, b"\x12\x34\x56\x78", inner), self.gw_addr)
        self.gw.recvfrom(2048)
        self.client_send(msg(CONNECT, struct.pack("!BBH", CLEAN, 0x01, 60) + b"sn-node-1"))
        self.gateway_send(msg(CONNACK, b"\x03"))
        self.client_send(msg(DISCONNECT))


if __name__ == "__main__":
    Peers(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])).run()
