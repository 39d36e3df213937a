#!/usr/bin/env python3
"""A fault-injecting SSE server that speaks the Anthropic Messages and OpenAI
Chat Completions streaming protocols over HTTP/1.1, on loopback only.

The scenario is the first path segment after /s/, so an SDK pointed at
base_url=http://127.0.0.1:PORT/s/fin-mid-delta posts to
/s/fin-mid-delta/v1/messages.  Scenarios:

  complete          a normal stream, paced like the API (a delta every 20-50 ms)
  fin-mid-delta     FIN in the middle of the text deltas (no terminating chunk)
  rst-mid-delta     RST in the middle of the text deltas
  idle-close        a few deltas, then silence, then FIN after IDLE_CLOSE seconds
                    (what a proxy with a 60 s idle limit does)
  stall             a few deltas, then silence until the client gives up
  status-400/401/429/529   an error status before the stream (JSON error body)
  overloaded-then-ok       529 for the first two attempts of a call, then a stream
  error-event       a mid-stream `event: error` (overloaded_error), then a clean end
  clean-truncation  deltas, then the terminating chunk without message_stop
  tool-pause        a server-tool run: a long pause with pings, then the answer

It stops by itself after --lifetime seconds.  It never binds anything but
127.0.0.1.
"""
import argparse
import asyncio
import json
import random
import socket
import struct
import time

IDLE_CLOSE = 61.0
STALL_MAX = 60.0
TEXT = ("The quick brown fox jumps over the lazy dog while the stream keeps "
        "flowing one small delta at a time so that a dropped connection "
        "lands in the middle of the content and not at a boundary").split()
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

rng = random.Random(20261122)
attempts_by_key = {}


def request_id():
    return "req_011C" + "".join(rng.choice(B58) for _ in range(20))


def openai_request_id():
    return "req_" + "".join(rng.choice("0123456789abcdef") for _ in range(32))


def sse(event, data):
    body = json.dumps(data, separators=(",", ":"))
    return f"event: {event}\ndata: {body}\n\n".encode()


def sse_data(data):
    body = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return f"data: {body}\n\n".encode()


def chunk(payload: bytes) -> bytes:
    return b"%x\r\n" % len(payload) + payload + b"\r\n"


class Conn:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer

    async def send(self, data: bytes):
        self.writer.write(data)
        await self.writer.drain()

    async def send_event(self, payload: bytes):
        await self.send(chunk(payload))

    def fin(self):
        self.writer.close()

    def rst(self):
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    length = int(headers.get("content-length", "0"))
    body = await reader.readexactly(length) if length else b""
    return method, path, headers, body


def stream_head(rid, openai=False):
    id_header = "x-request-id" if openai else "request-id"
    return ("HTTP/1.1 200 OK\r\n"
            "content-type: text/event-stream; charset=utf-8\r\n"
            "transfer-encoding: chunked\r\n"
            "cache-control: no-cache\r\n"
            f"{id_header}: {rid}\r\n"
            "set-cookie: __cf_bm=Zx81kP0qWm3ffcE2.session-secret-value; path=/; HttpOnly\r\n"
            "server: fault-server\r\n"
            "connection: keep-alive\r\n\r\n").encode()


async def send_status(conn, status, rid, openai=False, retry_after=None):
    kinds = {400: ("invalid_request_error", "Bad Request", "max_tokens: Field required"),
             401: ("authentication_error", "Unauthorized", "invalid x-api-key"),
             429: ("rate_limit_error", "Too Many Requests",
                   "Number of request tokens has exceeded your per-minute rate limit"),
             529: ("overloaded_error", "", "Overloaded")}
    etype, reason, message = kinds[status]
    if openai:
        body = {"error": {"message": message, "type": etype, "param": None, "code": None}}
    else:
        body = {"type": "error", "error": {"type": etype, "message": message}, "request_id": rid}
    data = json.dumps(body).encode()
    id_header = "x-request-id" if openai else "request-id"
    extra = f"retry-after: {retry_after}\r\n" if retry_after is not None else ""
    head = (f"HTTP/1.1 {status} {reason}".rstrip() + "\r\n"
            "content-type: application/json\r\n"
            f"content-length: {len(data)}\r\n"
            f"{id_header}: {rid}\r\n{extra}"
            "connection: keep-alive\r\n\r\n").encode()
    await conn.send(head + data)


async def pause_with_pings(conn, seconds, every):
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        await asyncio.sleep(min(every, left))
        if time.monotonic() < end:
            await conn.send_event(sse("ping", {"type": "ping"}))


async def cut_connection(conn, scenario):
    """Ends the connection the way a fault scenario says; returns False for other scenarios."""
    if scenario == "fin-mid-delta":
        conn.fin()
    elif scenario == "rst-mid-delta":
        conn.rst()
    elif scenario == "idle-close":
        await asyncio.sleep(IDLE_CLOSE)  # what a proxy with a 60 s idle limit does
        conn.fin()
    elif scenario == "stall":
        try:  # silent until the client gives up (it closes), bounded
            await asyncio.wait_for(conn.reader.read(1), timeout=STALL_MAX)
        except asyncio.TimeoutError:
            pass
        conn.fin()
    else:
        return False
    return True


async def anthropic_stream(conn, scenario, rid, model):
    """Writes an Anthropic Messages stream; returns 'keep' or 'closed'."""
    await conn.send(stream_head(rid))
    msg_id = "msg_01" + "".join(rng.choice(B58) for _ in range(22))
    await conn.send_event(sse("message_start", {"type": "message_start", "message": {
        "id": msg_id, "type": "message", "role": "assistant", "content": [], "model": model,
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 2113, "output_tokens": 1, "cache_read_input_tokens": 0}}}))
    await asyncio.sleep(0.03)
    await conn.send_event(sse("content_block_start", {"type": "content_block_start", "index": 0,
                                                      "content_block": {"type": "text", "text": ""}}))
    await conn.send_event(sse("ping", {"type": "ping"}))
    cut_at = {"fin-mid-delta": 11, "rst-mid-delta": 14, "idle-close": 6, "stall": 5,
              "error-event": 9, "clean-truncation": 12}.get(scenario)
    words = TEXT if scenario != "tool-pause" else TEXT[:8]
    for i, word in enumerate(words):
        if cut_at is not None and i == cut_at:
            break
        await conn.send_event(sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                  "delta": {"type": "text_delta", "text": word + " "}}))
        await asyncio.sleep(rng.uniform(0.02, 0.05))
    if await cut_connection(conn, scenario):
        return "closed"
    if scenario == "error-event":
        await conn.send_event(sse("error", {"type": "error", "error": {
            "details": None, "type": "overloaded_error", "message": "Overloaded"}}))
        await conn.send(b"0\r\n\r\n")
        return "keep"
    if scenario == "clean-truncation":
        await conn.send(b"0\r\n\r\n")
        return "keep"
    await conn.send_event(sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
    index = 1
    if scenario == "tool-pause":
        await conn.send_event(sse("content_block_start", {"type": "content_block_start", "index": 1,
                                  "content_block": {"type": "server_tool_use", "id": "srvtoolu_01AbCdEf",
                                                    "name": "code_execution", "input": {}}}))
        for part in ['{"code": "import ', 'time; print(sum(', 'range(10)))"}']:
            await conn.send_event(sse("content_block_delta", {"type": "content_block_delta", "index": 1,
                                      "delta": {"type": "input_json_delta", "partial_json": part}}))
            await asyncio.sleep(0.03)
        await conn.send_event(sse("content_block_stop", {"type": "content_block_stop", "index": 1}))
        await pause_with_pings(conn, 42.0, 15.0)
        await conn.send_event(sse("content_block_start", {"type": "content_block_start", "index": 2,
                                  "content_block": {"type": "code_execution_tool_result",
                                                    "tool_use_id": "srvtoolu_01AbCdEf",
                                                    "content": {"type": "code_execution_result",
                                                                "stdout": "45\n", "stderr": "",
                                                                "return_code": 0}}}))
        await conn.send_event(sse("content_block_stop", {"type": "content_block_stop", "index": 2}))
        await conn.send_event(sse("content_block_start", {"type": "content_block_start", "index": 3,
                                  "content_block": {"type": "text", "text": ""}}))
        for word in ["The", "sum", "is", "45."]:
            await conn.send_event(sse("content_block_delta", {"type": "content_block_delta", "index": 3,
                                      "delta": {"type": "text_delta", "text": word + " "}}))
            await asyncio.sleep(rng.uniform(0.02, 0.05))
        await conn.send_event(sse("content_block_stop", {"type": "content_block_stop", "index": 3}))
        index = 4
    await conn.send_event(sse("message_delta", {"type": "message_delta",
                              "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                              "usage": {"output_tokens": 17 + index}}))
    await conn.send_event(sse("message_stop", {"type": "message_stop"}))
    await conn.send(b"0\r\n\r\n")
    return "keep"


async def openai_stream(conn, scenario, rid, model):
    await conn.send(stream_head(rid, openai=True))
    cid = "chatcmpl-" + "".join(rng.choice(B58) for _ in range(24))
    created = int(time.time())

    def chunk_obj(delta, finish=None):
        return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    await conn.send_event(sse_data(chunk_obj({"role": "assistant", "content": ""})))
    cut_at = {"fin-mid-delta": 10, "rst-mid-delta": 13, "idle-close": 6, "stall": 5,
              "clean-truncation": 12}.get(scenario)
    for i, word in enumerate(TEXT):
        if cut_at is not None and i == cut_at:
            break
        await conn.send_event(sse_data(chunk_obj({"content": word + " "})))
        await asyncio.sleep(rng.uniform(0.02, 0.05))
    if await cut_connection(conn, scenario):
        return "closed"
    if scenario == "clean-truncation":
        await conn.send(b"0\r\n\r\n")
        return "keep"
    await conn.send_event(sse_data(chunk_obj({}, "stop")))
    await conn.send_event(sse_data("[DONE]"))
    await conn.send(b"0\r\n\r\n")
    return "keep"


async def responses_stream(conn, scenario, rid, model):
    """The OpenAI Responses API: named events `response.*`, each with a sequence_number."""
    await conn.send(stream_head(rid, openai=True))
    resp_id = "resp_" + "".join(rng.choice("0123456789abcdef") for _ in range(32))
    seq = 0

    async def event(kind, **fields):
        nonlocal seq
        data = {"type": kind, "sequence_number": seq, **fields}
        seq += 1
        await conn.send_event(sse(kind, data))

    base = {"id": resp_id, "object": "response", "created_at": int(time.time()), "model": model, "output": [],
            "status": "in_progress"}
    await event("response.created", response=base)
    await event("response.in_progress", response=base)
    item = {"id": "msg_" + resp_id[5:], "type": "message", "role": "assistant", "status": "in_progress", "content": []}
    await event("response.output_item.added", output_index=0, item=item)
    await event("response.content_part.added", item_id=item["id"], output_index=0, content_index=0,
                part={"type": "output_text", "text": "", "annotations": []})
    cut_at = {"fin-mid-delta": 10, "rst-mid-delta": 13, "response-failed": 7}.get(scenario)
    for i, word in enumerate(TEXT):
        if cut_at is not None and i == cut_at:
            break
        await event("response.output_text.delta", item_id=item["id"], output_index=0, content_index=0,
                    delta=word + " ", logprobs=[])
        await asyncio.sleep(rng.uniform(0.02, 0.05))
    if await cut_connection(conn, scenario):
        return "closed"
    if scenario == "response-failed":
        await event("response.failed", response={**base, "status": "failed",
                                                  "error": {"code": "server_error", "message": "The model failed to respond."}})
        await conn.send(b"0\r\n\r\n")
        return "keep"
    usage = {"input_tokens": 1874, "output_tokens": len(TEXT), "total_tokens": 1874 + len(TEXT)}
    await event("response.completed", response={**base, "status": "completed", "usage": usage})
    await conn.send(b"0\r\n\r\n")
    return "keep"


async def handle(reader, writer):
    conn = Conn(reader, writer)
    try:
        while True:
            try:
                method, path, headers, body = await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            parts = path.split("/")
            scenario = parts[2] if len(parts) > 2 and parts[1] == "s" else "complete"
            openai = path.endswith("/chat/completions") or path.endswith("/responses")
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                payload = {}
            model = payload.get("model", "claude-sonnet-4-5")
            rid = openai_request_id() if openai else request_id()
            if scenario.startswith("status-"):
                status = int(scenario.split("-")[1])
                await send_status(conn, status, rid, openai, retry_after=1 if status == 429 else None)
                continue
            if scenario == "overloaded-then-ok":
                key = headers.get("x-call-id") or headers.get("idempotency-key") or "default"
                seen = attempts_by_key.get(key, 0)
                attempts_by_key[key] = seen + 1
                if seen < 2:
                    await send_status(conn, 529, rid, openai)
                    continue
                scenario = "complete"
            streamer = (responses_stream if path.endswith("/responses") else openai_stream) if openai else anthropic_stream
            if await streamer(conn, scenario, rid, model) == "closed":
                return
    except (ConnectionError, asyncio.CancelledError):
        return
    finally:
        if not writer.is_closing():
            writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the bound port here")
    parser.add_argument("--lifetime", type=float, default=600.0, help="stop after this many seconds")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM) …")
    parser.add_argument("--tls-key", help="… and this key")
    args = parser.parse_args()
    context = None
    if args.tls_cert:
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    server = await asyncio.start_server(handle, "127.0.0.1", args.port, ssl=context)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        with open(args.port_file, "w") as f:
            f.write(str(port))
    print(f"fault server on 127.0.0.1:{port}, stopping after {args.lifetime:.0f} s", flush=True)
    async with server:
        try:
            await asyncio.wait_for(server.serve_forever(), timeout=args.lifetime)
        except asyncio.TimeoutError:
            pass


if __name__ == "__main__":
    asyncio.run(main())
