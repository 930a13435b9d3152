#!/usr/bin/env python3
"""Clients for make-http-ws.sh.

  ws_clients.py mqtt PORT   paho-mqtt over WebSocket (path /mqtt): connect,
                            subscribe, publish at QoS 0 and 1, get the
                            messages back, disconnect.
  ws_clients.py echo PORT   python3-websockets client on /echo: a text
                            message, a 300-byte binary message (16-bit
                            length), a ping, then a close with a reason.
"""
import sys
import time


def mqtt_client(port):
    import paho.mqtt.client as mqtt

    got = []
    client = mqtt.Client(client_id="iotscope-ws", transport="websockets")
    client.ws_set_options(path="/mqtt")
    client.on_message = lambda c, u, m: got.append(m.payload)
    client.connect("127.0.0.1", port, keepalive=30)
    client.loop_start()
    time.sleep(0.3)
    client.subscribe("ws/sensors/#", qos=1)
    time.sleep(0.2)
    client.publish("ws/sensors/temp", b"21.5", qos=0)
    time.sleep(0.2)
    client.publish("ws/sensors/hum", b"40", qos=1).wait_for_publish(2)
    time.sleep(0.3)
    client.disconnect()
    time.sleep(0.2)
    client.loop_stop()
    if len(got) < 2:
        sys.exit("mqtt over websocket: got %d messages back" % len(got))


def echo_client(port):
    import asyncio
    import websockets

    async def run():
        async with websockets.connect("ws://127.0.0.1:%d/echo" % port, compression=None,
                                      ping_interval=None) as ws:
            await ws.send("hello from iotscope")
            assert await ws.recv() == "hello from iotscope"
            await ws.send(bytes(range(256)) + bytes(44))
            await ws.recv()
            pong = await ws.ping(b"ping-1")
            await asyncio.wait_for(pong, 2)
            await ws.close(1001, "going away")

    asyncio.run(run())


if __name__ == "__main__":
    {"mqtt": mqtt_client, "echo": echo_client}[sys.argv[1]](int(sys.argv[2]))
