#!/usr/bin/env python3
"""An HTTP/2 fault server on 127.0.0.1 for the samples: Anthropic-shaped SSE streams over HTTP/2 (h2c with prior
knowledge, or TLS with ALPN h2), ended as the path says: /s/<scenario>/v1/messages with scenario one of

    complete        the whole stream, then END_STREAM
    fin-mid-delta   a TCP FIN after some deltas (no END_STREAM, no GOAWAY)
    rst-stream      RST_STREAM INTERNAL_ERROR after some deltas
    goaway          GOAWAY INTERNAL_ERROR (last stream 0) after some deltas, then FIN
    slow            deltas every second until the client gives up (a client cancel)

It writes its port to --port-file and stops itself after --lifetime seconds. Needs the `h2` package."""
import argparse
import asyncio
import json
import random
import ssl

import h2.config
import h2.connection
import h2.errors
import h2.events
import h2.exceptions

TEXT = ("The quick brown fox jumps over the lazy dog while the stream keeps "
        "flowing one small delta at a time until the very end").split()
rng = random.Random(13)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def sse(event, data):
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def serve_stream(conn, writer, stream_id, scenario):
    rid = "req_011C" + "".join(rng.choice(B58) for _ in range(20))
    conn.send_headers(stream_id, [(":status", "200"), ("content-type", "text/event-stream; charset=utf-8"),
                                  ("cache-control", "no-cache"), ("request-id", rid), ("server", "h2-fault-server")])

    async def send(payload, end=False):
        conn.send_data(stream_id, payload, end_stream=end)
        writer.write(conn.data_to_send())
        await writer.drain()

    await send(sse("message_start", {"type": "message_start", "message": {
        "id": "msg_01" + "".join(rng.choice(B58) for _ in range(22)), "type": "message", "role": "assistant",
        "content": [], "model": "claude-sonnet-4-5", "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 2113, "output_tokens": 1}}}))
    await send(sse("content_block_start", {"type": "content_block_start", "index": 0,
                                           "content_block": {"type": "text", "text": ""}}))
    await send(sse("ping", {"type": "ping"}))
    cut_at = {"fin-mid-delta": 11, "rst-stream": 9, "goaway": 7}.get(scenario)
    for i, word in enumerate(TEXT * (20 if scenario == "slow" else 1)):
        if i == cut_at:
            break
        await send(sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                               "delta": {"type": "text_delta", "text": word + " "}}))
        await asyncio.sleep(1.0 if scenario == "slow" else rng.uniform(0.02, 0.05))
    if scenario == "fin-mid-delta":
        writer.close()
        return
    if scenario == "rst-stream":
        conn.reset_stream(stream_id, error_code=h2.errors.ErrorCodes.INTERNAL_ERROR)
        writer.write(conn.data_to_send())
        await writer.drain()
        return
    if scenario == "goaway":
        conn.close_connection(error_code=h2.errors.ErrorCodes.INTERNAL_ERROR, last_stream_id=0)
        writer.write(conn.data_to_send())
        await writer.drain()
        await asyncio.sleep(0.05)
        writer.close()
        return
    await send(sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
    await send(sse("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                                     "usage": {"output_tokens": len(TEXT)}}))
    await send(sse("message_stop", {"type": "message_stop"}), end=True)


async def handle(reader, writer):
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
    conn.initiate_connection()
    writer.write(conn.data_to_send())
    paths = {}
    tasks = []
    try:
        while True:
            data = await reader.read(65535)
            if not data:
                break
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RequestReceived):
                    paths[event.stream_id] = dict(event.headers).get(b":path", b"/").decode()
                elif isinstance(event, h2.events.StreamEnded) and event.stream_id in paths:
                    parts = paths[event.stream_id].split("/")
                    scenario = parts[2] if len(parts) > 2 and parts[1] == "s" else "complete"
                    tasks.append(asyncio.ensure_future(serve_stream(conn, writer, event.stream_id, scenario)))
                elif isinstance(event, h2.events.DataReceived):
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            if not writer.is_closing():
                writer.write(conn.data_to_send())
    except (ConnectionError, h2.exceptions.ProtocolError):
        pass
    finally:
        for task in tasks:
            task.cancel()
        if not writer.is_closing():
            writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--lifetime", type=float, default=150)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        context.set_alpn_protocols(["h2"])
    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    with open(args.port_file, "w") as handle_file:
        handle_file.write(str(server.sockets[0].getsockname()[1]))
    async with server:
        await asyncio.sleep(args.lifetime)


if __name__ == "__main__":
    asyncio.run(main())
