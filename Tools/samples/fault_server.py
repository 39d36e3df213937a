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
                    (what a proxy with a 60 s idle limit does); idle-close-N waits N s
  stall             a few deltas, then silence until the client gives up
  tool-stall-N      a few deltas, a server tool's input, then N s of silence and FIN
                    (a tool run that stalled behind a proxy's idle limit)
  fin-mid-chunk     FIN in the middle of an event's chunk (half of it sent)
  head-close-N      the request is read, then FIN after N s without a byte of response
                    (an idle limit in front of a slow first byte: every retry fails after
                    the same wait)
  head-stall        the request is read, then nothing until the client gives up
  status-400/401/429/529   an error status before the stream (JSON error body)
  overloaded-then-ok       529 for the first two attempts of a call, then a stream
  error-event       a mid-stream `event: error` (overloaded_error), then a clean end
  clean-truncation  deltas, then the terminating chunk without message_stop
  tool-pause        a server-tool run: a long pause with pings, then the answer;
                    tool-pause-N pauses N s with a ping every N/4 s

With --events FILE it appends one JSON line per request it answered (or did not):
the client's port, the scenario, the call id the client sent (x-job-id or x-call-id),
the request id it sent if it sent a head, the status, how many deltas it sent and how
the request ended (`outcome`), which is what the expected verdicts are made from.

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
events_file = None
# Scenarios that take a number of seconds as a last `-N` part (idle-close-6, head-close-4, ...).
TIMED = {"idle-close", "tool-stall", "head-close", "tool-pause"}


def split_scenario(scenario):
    """'idle-close-6' -> ('idle-close', 6.0); names without a number -> (name, None)."""
    base, _, last = scenario.rpartition("-")
    if base in TIMED:
        try:
            return base, float(last)
        except ValueError:
            pass
    return scenario, None


class Attempt:
    """What the server knows about one request: written to --events when the request is over."""

    def __init__(self, port, path, scenario, headers):
        self.record = {"t_request": round(time.time(), 3), "client_port": port, "path": path,
                       "scenario": scenario,
                       "call_id": headers.get("x-job-id") or headers.get("x-call-id"),
                       "retry_count": headers.get("x-stainless-retry-count"),
                       "request_id": None, "status": None, "deltas_sent": 0, "outcome": None,
                       "t_head": None, "t_last_event": None, "t_end": None}

    def head(self, status, rid):
        self.record.update(status=status, request_id=rid, t_head=round(time.time(), 3))

    def event(self, delta=False):
        self.record["t_last_event"] = round(time.time(), 3)
        if delta:
            self.record["deltas_sent"] += 1

    def end(self, outcome):
        if self.record["outcome"] is None:
            self.record["outcome"] = outcome
            self.record["t_end"] = round(time.time(), 3)
            if events_file:
                with open(events_file, "a") as f:
                    f.write(json.dumps(self.record) + "\n")


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


def is_delta(payload: bytes) -> bool:
    """A content delta: Anthropic's content_block_delta, a Responses text delta, a Chat Completions content chunk."""
    return (payload.startswith(b"event: content_block_delta") or payload.startswith(b"event: response.output_text.delta")
            or (payload.startswith(b"data: {") and b'"delta":{"content"' in payload))


def chunk(payload: bytes) -> bytes:
    return b"%x\r\n" % len(payload) + payload + b"\r\n"


class Conn:
    def __init__(self, reader, writer):
        self.reader = reader
        self.writer = writer
        self.attempt = None

    async def send(self, data: bytes):
        self.writer.write(data)
        await self.writer.drain()

    async def send_event(self, payload: bytes):
        await self.send(chunk(payload))
        if self.attempt:
            self.attempt.event(is_delta(payload))

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
    if conn.attempt:
        conn.attempt.head(status, rid)
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


async def wait_for_client_close(conn):
    """Silent until the client gives up (it closes), bounded: the outcome to record."""
    try:
        await asyncio.wait_for(conn.reader.read(1), timeout=STALL_MAX)
        return "client_closed"
    except asyncio.TimeoutError:
        return "fin_after_stall"
    except ConnectionError:
        return "client_closed"


async def cut_connection(conn, scenario):
    """Ends the connection the way a fault scenario says; returns False for other scenarios."""
    base, seconds = split_scenario(scenario)
    outcome = None
    if scenario == "fin-mid-delta":
        outcome = "fin_mid_delta"
        conn.fin()
    elif scenario == "rst-mid-delta":
        outcome = "rst_mid_delta"
        conn.rst()
    elif base in ("idle-close", "tool-stall"):
        await asyncio.sleep(seconds or IDLE_CLOSE)  # what a proxy with a 60 s idle limit does
        outcome = "fin_after_idle"
        conn.fin()
    elif scenario == "stall":
        outcome = await wait_for_client_close(conn)
        conn.fin()
    else:
        return False
    if conn.attempt:
        conn.attempt.end(outcome)
    return True


def sent_head(conn, rid):
    if conn.attempt:
        conn.attempt.head(200, rid)


def ended(conn, outcome):
    if conn.attempt:
        conn.attempt.end(outcome)


async def anthropic_stream(conn, scenario, rid, model):
    """Writes an Anthropic Messages stream; returns 'keep' or 'closed'."""
    await conn.send(stream_head(rid))
    sent_head(conn, rid)
    msg_id = "msg_01" + "".join(rng.choice(B58) for _ in range(22))
    await conn.send_event(sse("message_start", {"type": "message_start", "message": {
        "id": msg_id, "type": "message", "role": "assistant", "content": [], "model": model,
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 2113, "output_tokens": 1, "cache_read_input_tokens": 0}}}))
    await asyncio.sleep(0.03)
    await conn.send_event(sse("content_block_start", {"type": "content_block_start", "index": 0,
                                                      "content_block": {"type": "text", "text": ""}}))
    await conn.send_event(sse("ping", {"type": "ping"}))
    base, seconds = split_scenario(scenario)
    cut_at = {"fin-mid-delta": 11, "rst-mid-delta": 14, "idle-close": 6, "stall": 5, "tool-stall": 7,
              "error-event": 9, "clean-truncation": 12, "fin-mid-chunk": 16}.get(base)
    words = TEXT if base != "tool-pause" else TEXT[:8]
    for i, word in enumerate(words):
        if cut_at is not None and i == cut_at:
            break
        await conn.send_event(sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                  "delta": {"type": "text_delta", "text": word + " "}}))
        await asyncio.sleep(rng.uniform(0.02, 0.05))
    if scenario == "fin-mid-chunk":
        event = chunk(sse("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                  "delta": {"type": "text_delta", "text": TEXT[cut_at] + " "}}))
        await conn.send(event[: len(event) // 2])
        ended(conn, "fin_mid_chunk")
        conn.fin()
        return "closed"
    if base == "tool-stall":
        await conn.send_event(sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
        await conn.send_event(sse("content_block_start", {"type": "content_block_start", "index": 1,
                                  "content_block": {"type": "server_tool_use", "id": "srvtoolu_01StAlLeD",
                                                    "name": "code_execution", "input": {}}}))
        for part in ['{"code": "import ', 'subprocess; subprocess.run([']:
            await conn.send_event(sse("content_block_delta", {"type": "content_block_delta", "index": 1,
                                      "delta": {"type": "input_json_delta", "partial_json": part}}))
            await asyncio.sleep(0.03)
    if await cut_connection(conn, scenario):
        return "closed"
    if scenario == "error-event":
        await conn.send_event(sse("error", {"type": "error", "error": {
            "details": None, "type": "overloaded_error", "message": "Overloaded"}}))
        await conn.send(b"0\r\n\r\n")
        ended(conn, "error_event")
        return "keep"
    if scenario == "clean-truncation":
        await conn.send(b"0\r\n\r\n")
        ended(conn, "clean_truncation")
        return "keep"
    await conn.send_event(sse("content_block_stop", {"type": "content_block_stop", "index": 0}))
    index = 1
    if base == "tool-pause":
        await conn.send_event(sse("content_block_start", {"type": "content_block_start", "index": 1,
                                  "content_block": {"type": "server_tool_use", "id": "srvtoolu_01AbCdEf",
                                                    "name": "code_execution", "input": {}}}))
        for part in ['{"code": "import ', 'time; print(sum(', 'range(10)))"}']:
            await conn.send_event(sse("content_block_delta", {"type": "content_block_delta", "index": 1,
                                      "delta": {"type": "input_json_delta", "partial_json": part}}))
            await asyncio.sleep(0.03)
        await conn.send_event(sse("content_block_stop", {"type": "content_block_stop", "index": 1}))
        await pause_with_pings(conn, seconds or 42.0, (seconds / 4) if seconds else 15.0)
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
    ended(conn, "completed")
    return "keep"


async def openai_stream(conn, scenario, rid, model):
    await conn.send(stream_head(rid, openai=True))
    sent_head(conn, rid)
    cid = "chatcmpl-" + "".join(rng.choice(B58) for _ in range(24))
    created = int(time.time())

    def chunk_obj(delta, finish=None):
        return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    await conn.send_event(sse_data(chunk_obj({"role": "assistant", "content": ""})))
    cut_at = {"fin-mid-delta": 10, "rst-mid-delta": 13, "idle-close": 6, "stall": 5,
              "clean-truncation": 12}.get(split_scenario(scenario)[0])
    for i, word in enumerate(TEXT):
        if cut_at is not None and i == cut_at:
            break
        await conn.send_event(sse_data(chunk_obj({"content": word + " "})))
        await asyncio.sleep(rng.uniform(0.02, 0.05))
    if await cut_connection(conn, scenario):
        return "closed"
    if scenario == "clean-truncation":
        await conn.send(b"0\r\n\r\n")
        ended(conn, "clean_truncation")
        return "keep"
    await conn.send_event(sse_data(chunk_obj({}, "stop")))
    await conn.send_event(sse_data("[DONE]"))
    await conn.send(b"0\r\n\r\n")
    ended(conn, "completed")
    return "keep"


async def responses_stream(conn, scenario, rid, model):
    """The OpenAI Responses API: named events `response.*`, each with a sequence_number."""
    await conn.send(stream_head(rid, openai=True))
    sent_head(conn, rid)
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
        ended(conn, "response_failed")
        return "keep"
    usage = {"input_tokens": 1874, "output_tokens": len(TEXT), "total_tokens": 1874 + len(TEXT)}
    await event("response.completed", response={**base, "status": "completed", "usage": usage})
    await conn.send(b"0\r\n\r\n")
    ended(conn, "completed")
    return "keep"


async def handle(reader, writer):
    conn = Conn(reader, writer)
    peer = writer.get_extra_info("peername")
    try:
        while True:
            try:
                method, path, headers, body = await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            parts = path.split("/")
            scenario = parts[2] if len(parts) > 2 and parts[1] == "s" else "complete"
            conn.attempt = Attempt(peer[1] if peer else None, path, scenario, headers)
            base, seconds = split_scenario(scenario)
            if base == "head-close":
                await asyncio.sleep(seconds or 4.0)  # an idle limit in front of a slow first byte
                conn.attempt.end("fin_before_head")
                conn.fin()
                return
            if scenario == "head-stall":
                conn.attempt.end(await wait_for_client_close(conn) + "_before_head")
                conn.fin()
                return
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
                conn.attempt.end("status")
                continue
            if scenario == "overloaded-then-ok":
                key = headers.get("x-job-id") or headers.get("x-call-id") or headers.get("idempotency-key") or "default"
                seen = attempts_by_key.get(key, 0)
                attempts_by_key[key] = seen + 1
                if seen < 2:
                    await send_status(conn, 529, rid, openai)
                    conn.attempt.end("status")
                    continue
                scenario = "complete"
            streamer = (responses_stream if path.endswith("/responses") else openai_stream) if openai else anthropic_stream
            if await streamer(conn, scenario, rid, model) == "closed":
                return
    except (ConnectionError, asyncio.CancelledError):
        return
    finally:
        if conn.attempt:  # a write failed: the client had gone (closed, or reset after its own close)
            conn.attempt.end("client_closed")
        if not writer.is_closing():
            writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the bound port here")
    parser.add_argument("--lifetime", type=float, default=600.0, help="stop after this many seconds")
    parser.add_argument("--tls-cert", help="serve HTTPS with this certificate (PEM) …")
    parser.add_argument("--tls-key", help="… and this key")
    parser.add_argument("--events", help="append one JSON line per request here (what the server knows)")
    parser.add_argument("--seed", type=int, help="seed of the request and message ids (default: the same each run)")
    args = parser.parse_args()
    if args.seed is not None:
        rng.seed(args.seed)
    global events_file
    events_file = args.events
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
