#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that cuts every connection after a random 10 to 30 seconds.

Used by Scripts/soak.sh between `dcmon listen` and the simulator's push port. When a cut is due
while data is flowing, the proxy forwards only a random prefix of the next chunk from the server
and then resets both sides, so cuts land mid-frame as well as between frames.

Usage: cutting_proxy.py LISTEN_PORT UPSTREAM_PORT STATS_FILE [MIN_SECONDS MAX_SECONDS]
STATS_FILE is rewritten after every cut: connections, cuts, mid-chunk cuts.
"""
import asyncio
import json
import random
import socket
import struct
import sys

stats = {"connections": 0, "cuts": 0, "cuts_mid_chunk": 0}


def reset(writer):
    """Closes with RST (SO_LINGER 0), as a dropped network path or a crashed peer would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


async def pump(reader, writer, cut_at, loop, mid_chunk):
    while True:
        data = await reader.read(65536)
        if not data:
            writer.close()
            return False
        if mid_chunk and loop.time() >= cut_at and len(data) > 1:
            writer.write(data[: random.randrange(1, len(data))])
            await writer.drain()
            stats["cuts_mid_chunk"] += 1
            return True
        writer.write(data)
        await writer.drain()


async def handle(client_reader, client_writer, upstream_port, low, high, stats_file):
    loop = asyncio.get_running_loop()
    try:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
    except OSError:
        reset(client_writer)
        return
    stats["connections"] += 1
    cut_at = loop.time() + random.uniform(low, high)
    downstream = asyncio.ensure_future(pump(server_reader, client_writer, cut_at, loop, True))
    upstream = asyncio.ensure_future(pump(client_reader, server_writer, cut_at, loop, False))
    timer = asyncio.ensure_future(asyncio.sleep(max(0.0, cut_at - loop.time()) + 0.5))
    done, _ = await asyncio.wait({downstream, upstream, timer}, return_when=asyncio.FIRST_COMPLETED)
    # Cut: a mid-chunk cut already happened if downstream returned True; otherwise the timer fired
    # between chunks (or a side closed by itself).
    if timer in done or (downstream in done and downstream.result()):
        stats["cuts"] += 1
    for task in (downstream, upstream, timer):
        task.cancel()
    reset(client_writer)
    reset(server_writer)
    with open(stats_file, "w") as out:
        json.dump(stats, out)


async def main():
    listen_port, upstream_port, stats_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    low = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    high = float(sys.argv[5]) if len(sys.argv) > 5 else 30.0
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, upstream_port, low, high, stats_file), "127.0.0.1", listen_port
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
