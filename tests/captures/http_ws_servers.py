#!/usr/bin/env python3
"""Small servers for make-http-ws.sh.

  http_ws_servers.py chunked PORT   HTTP/1.1 server: /chunked streams its body
                                    with Transfer-Encoding: chunked (chunks
                                    written with pauses), /form answers a POST.
  http_ws_servers.py split PORT     HTTP/1.0-style server whose response to
                                    /slow is written in small pieces with
                                    pauses, so headers and body span segments.
  http_ws_servers.py wsbridge PORT BROKER_PORT
                                    WebSocket server (python3-websockets):
                                    path /mqtt with subprotocol "mqtt" is
                                    bridged to an MQTT broker on 127.0.0.1;
                                    path /echo echoes every message.
"""
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


class ChunkedHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "iotscope-chunked/1.0"

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path != "/chunked":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for text in ("temperature=21.5\n", "humidity=40\n", "pressure=1013\n"):
            data = text.encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            time.sleep(0.05)
        self.wfile.write(b"0\r\n\r\n")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        reply = b"received %d bytes\n" % len(body)
        self.send_response(201)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class SplitHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        body = b"".join(b"reading %03d: 21.%d C\n" % (i, i % 10) for i in range(60))
        pieces = [
            b"HTTP/1.0 200 OK\r\nServer: iotscope-split/1.0\r\n",
            b"Content-Type: text/plain\r\nContent-Length: %d\r\n" % len(body),
            b"\r\n" + body[:300],
            body[300:900],
            body[900:],
        ]
        for piece in pieces:
            self.wfile.write(piece)
            self.wfile.flush()
            time.sleep(0.05)


def ws_bridge(port, broker_port):
    import asyncio
    import websockets

    async def pump_to_ws(reader, ws):
        while True:
            data = await reader.read(4096)
            if not data:
                await ws.close(1000, "broker closed")
                return
            await ws.send(data)

    async def handler(ws, path):
        if path == "/echo":
            async for message in ws:
                await ws.send(message)
            return
        reader, writer = await asyncio.open_connection("127.0.0.1", broker_port)
        task = asyncio.ensure_future(pump_to_ws(reader, ws))
        try:
            async for message in ws:
                writer.write(message if isinstance(message, bytes) else message.encode())
                await writer.drain()
        finally:
            writer.close()
            await task

    async def main():
        async with websockets.serve(handler, "127.0.0.1", port, subprotocols=["mqtt"],
                                    compression=None, ping_interval=None):
            await asyncio.Future()

    asyncio.run(main())


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "wsbridge":
        ws_bridge(port, int(sys.argv[3]))
        return
    handler = ChunkedHandler if mode == "chunked" else SplitHandler
    HTTPServer(("127.0.0.1", port), handler).serve_forever()


if __name__ == "__main__":
    main()
