#!/usr/bin/env python3
"""A forward proxy for HTTPS on 127.0.0.1, as clients meet it in companies: `CONNECT host:port`, then a
byte tunnel, closed (FIN to both sides) after --idle-timeout seconds without a byte either way, the way
corporate proxies and load balancers end idle connections.

Loopback only: it accepts tunnels to 127.0.0.1 and localhost alone, and stops itself after --lifetime s.

    python3 connect_proxy.py --port-file PORT_FILE --idle-timeout 5 --lifetime 120
"""
import argparse
import asyncio
import time

ALLOWED_HOSTS = {"127.0.0.1", "localhost"}


async def pipe(reader, writer, activity):
    """Copies bytes one way, noting the time of each."""
    try:
        while data := await reader.read(65536):
            activity[0] = time.monotonic()
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass


async def tunnel(client_reader, client_writer, idle_timeout):
    head = await client_reader.readuntil(b"\r\n\r\n")
    parts = head.split(b"\r\n", 1)[0].split(b" ")
    host, _, port = parts[1].decode().rpartition(":") if len(parts) >= 2 and parts[0] == b"CONNECT" else ("", "", "")
    if host not in ALLOWED_HOSTS:
        client_writer.write(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n")
        client_writer.close()
        return
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
    except OSError:
        client_writer.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
        client_writer.close()
        return
    client_writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
    await client_writer.drain()
    activity = [time.monotonic()]
    both = asyncio.gather(pipe(client_reader, upstream_writer, activity),
                          pipe(upstream_reader, client_writer, activity))
    while not both.done():
        await asyncio.wait([both], timeout=0.2)
        if time.monotonic() - activity[0] >= idle_timeout:
            break  # the proxy's idle limit: it closes the tunnel both ways
    for writer in (client_writer, upstream_writer):
        try:
            writer.close()
        except OSError:
            pass
    both.cancel()
    try:
        await both
    except (asyncio.CancelledError, ConnectionError, OSError):
        pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--idle-timeout", type=float, default=60.0)
    parser.add_argument("--lifetime", type=float, default=120.0)
    args = parser.parse_args()
    server = await asyncio.start_server(lambda r, w: tunnel(r, w, args.idle_timeout), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file, "w") as f:
        f.write(str(port))
    print(f"CONNECT proxy on 127.0.0.1:{port}, idle limit {args.idle_timeout:g} s, stopping after {args.lifetime:g} s",
          flush=True)
    async with server:
        await asyncio.sleep(args.lifetime)


if __name__ == "__main__":
    asyncio.run(main())
