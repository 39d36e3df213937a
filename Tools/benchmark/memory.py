#!/usr/bin/env python3
"""Measures dropscope's peak memory on the inputs that once made it grow, against the 64 MiB it promises.

    python3 Tools/benchmark/memory.py                     # builds the release binary, then measures
    python3 Tools/benchmark/memory.py --binary PATH       # measures that binary instead
    python3 Tools/benchmark/memory.py --only har,files    # some scenarios only
    python3 Tools/benchmark/memory.py --format json       # the analyze scenarios' reports in JSON (or html)

Each scenario's input is generated once into bench-data/memory/ (ignored by git; deterministic, synthetic,
about 2.1 GB in all) and dropscope runs on it under `/usr/bin/time -v`, whose "Maximum resident set size"
is the peak.  Reports are written in the default format (Markdown, or --format) to /dev/null.  The scenarios are the
issue's (Trust, item 4):

  connections   a capture of 200,000 connections left open (SYN, request, response head, one event, no FIN)
  streams       a log of 300,000 threads that each begin a stream and never end it
  har           a HAR with one entry whose SSE body is 500 MB
  harmessages   a HAR with one entry of 500 MB of `_eventSourceMessages` (Chrome's per-message record)
  harrequest    a HAR with one entry whose request body (`postData.text`) is 500 MB
  transcript    `dropscope transcript` of a 210 MB capture (the capture benchmark's shape)
  threads       `analyze --threads 2` of the same capture (the reader running ahead of its workers)
  bigsegments   `analyze --threads 2` of a capture of 3,000 segments of 60 KB each
  files         a folder of 10,000 small logs

It prints one row per scenario (peak MiB, the limit, ok or OVER) and exits 1 if any is over the limit.
"""
import argparse
import os
import random
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import capture_benchmark  # noqa: E402
from capture_benchmark import frame  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench-data" / "memory"
LIMIT_MIB = 64
SERVER = bytes([10, 0, 0, 2])


def pcap_record(out, t, data):
    seconds = int(t)
    out.write(struct.pack("<IIII", seconds, int((t - seconds) * 1e6), len(data), len(data)))
    out.write(data)


def pcap_header(out):
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))


def open_connections(path, count=200_000):
    """`count` connections, each from its own client address and port: handshake, request, response head and one
    event, then nothing (neither side closes)."""
    request = (b"POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Type: application/json\r\n"
               b"Content-Length: 2\r\n\r\n{}")
    head = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n"
            b"request-id: req_%018d\r\n\r\n")
    event = capture_benchmark.chunk('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1"}}\n\n')
    t = 1_795_000_000.0
    with open(path, "wb") as out:
        pcap_header(out)
        for i in range(count):
            client = bytes([10, 1 + (i >> 16), (i >> 8) & 255, i & 255])
            sport = 20000 + i % 40000
            response = head % i
            cseq, sseq = 1000, 5000
            for from_client, flags, payload in ((True, 0x02, b""), (False, 0x12, b""), (True, 0x10, b""),
                                                (True, 0x18, request), (False, 0x18, response), (False, 0x18, event)):
                if from_client:
                    data = frame(client, SERVER, sport, 80, cseq, sseq, flags, payload)
                    cseq += len(payload) + (1 if flags & 0x03 else 0)
                else:
                    data = frame(SERVER, client, 80, sport, sseq, cseq, flags, payload)
                    sseq += len(payload) + (1 if flags & 0x03 else 0)
                t += 0.00001
                pcap_record(out, t, data)


def open_streams(path, count=300_000):
    """A log of `count` threads, each beginning a stream (its HTTP line and one event) and never ending it."""
    with open(path, "w") as out:
        for start in range(0, count, 1000):
            out.write("".join(
                f'2026-11-22 10:00:{(i // 10000) % 60:02d},000 INFO [worker_{i}] httpx: HTTP Request: POST '
                f'https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"\n'
                f"2026-11-22 10:00:{(i // 10000) % 60:02d},500 DEBUG [worker_{i}] app.stream: event content_block_delta\n"
                for i in range(start, min(count, start + 1000))))


def many_threads(path, count=2_000_000):
    """A log whose every line names a thread never seen before (and no stream): the context ids grow with it."""
    with open(path, "w") as out:
        for start in range(0, count, 10_000):
            out.write("".join(f"2026-11-22 10:00:{(i // 40_000) % 60:02d},000 INFO [worker_{i}] app.jobs: job started\n"
                              for i in range(start, min(count, start + 10_000))))


def big_har(path, megabytes=500):
    """A HAR of one entry whose response body (`content.text`) is `megabytes` MB of SSE events, the stream cut
    mid-delta (Chrome's `net::ERR_INCOMPLETE_CHUNKED_ENCODING`)."""
    start = ('event: message_start\\ndata: {\\"type\\":\\"message_start\\",\\"message\\":{\\"id\\":\\"msg_1\\"}}\\n\\n'
             'event: content_block_start\\ndata: {\\"type\\":\\"content_block_start\\",\\"index\\":0}\\n\\n')
    delta = ('event: content_block_delta\\ndata: {\\"type\\":\\"content_block_delta\\",\\"index\\":0,'
             '\\"delta\\":{\\"type\\":\\"text_delta\\",\\"text\\":\\"word \\"}}\\n\\n')
    block = delta * 10_000
    with open(path, "w") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [\n'
                  '{"startedDateTime": "2026-11-22T10:00:00.000Z", "time": 60000,\n'
                  ' "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": []},\n'
                  ' "response": {"status": 200, "statusText": "OK", "headers": [{"name": "content-type", '
                  '"value": "text/event-stream"}],\n  "content": {"mimeType": "text/event-stream", "text": "')
        out.write(start)
        written = 0
        while written < megabytes * 1_000_000:
            out.write(block)
            written += len(block)
        out.write('"}},\n "_error": "net::ERR_INCOMPLETE_CHUNKED_ENCODING"}\n]}}\n')


def har_messages(path, megabytes=500):
    """A HAR of one entry whose `_eventSourceMessages` hold `megabytes` MB of messages (Chrome writes each SSE
    message with its type, time and data), the stream cut mid-delta."""
    data = ('{\\"type\\":\\"content_block_delta\\",\\"index\\":0,'
            '\\"delta\\":{\\"type\\":\\"text_delta\\",\\"text\\":\\"word \\"}}')
    with open(path, "w") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [\n'
                  '{"startedDateTime": "2026-11-22T10:00:00.000Z", "time": 60000,\n'
                  ' "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": []},\n'
                  ' "response": {"status": 200, "statusText": "OK", "headers": [{"name": "content-type", '
                  '"value": "text/event-stream"}],\n  "content": {"mimeType": "text/event-stream", "text": ""}},\n'
                  ' "_eventSourceMessages": [\n'
                  '  {"type": "message_start", "time": 1795000000.0, "opcode": 1, '
                  '"data": "{\\"type\\":\\"message_start\\",\\"message\\":{\\"id\\":\\"msg_1\\"}}"}')
        written, i = 0, 0
        while written < megabytes * 1_000_000:
            block = "".join(f',\n  {{"type": "content_block_delta", "time": {1795000000 + (i + k) / 1000:.3f}, '
                            f'"opcode": 1, "data": "{data}"}}' for k in range(10_000))
            out.write(block)
            written += len(block)
            i += 10_000
        out.write('],\n "_error": "net::ERR_INCOMPLETE_CHUNKED_ENCODING"}\n]}}\n')


def har_request(path, megabytes=500):
    """A HAR of one entry whose request body (`postData.text`) is `megabytes` MB of JSON, its short SSE response
    complete."""
    words = '{\\"role\\":\\"user\\",\\"content\\":\\"' + "tell me more " * 80 + '\\"},' 
    block = words * 1_000
    with open(path, "w") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [\n'
                  '{"startedDateTime": "2026-11-22T10:00:00.000Z", "time": 60000,\n'
                  ' "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": [],\n'
                  '  "postData": {"mimeType": "application/json", "text": "{\\"messages\\":[')
        written = 0
        while written < megabytes * 1_000_000:
            out.write(block)
            written += len(block)
        out.write('{}]}"}},\n'
                  ' "response": {"status": 200, "statusText": "OK", "headers": [{"name": "content-type", '
                  '"value": "text/event-stream"}],\n  "content": {"mimeType": "text/event-stream", "text": '
                  '"event: message_start\\ndata: {\\"type\\":\\"message_start\\"}\\n\\n'
                  'event: message_stop\\ndata: {\\"type\\":\\"message_stop\\"}\\n\\n"}}}\n]}}\n')


def big_capture(path, megabytes=210):
    """The capture benchmark's capture: SSE connections, 256 open at a time, packets interleaved."""
    capture_benchmark.generate(path, megabytes)


def big_segments(path, count=3_000, size=60_000):
    """One connection whose server sends `count` segments of `size` bytes of SSE events."""
    delta = capture_benchmark.chunk('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
                                    '"delta":{"type":"text_delta","text":"word "}}\n\n')
    payload = (delta * (size // len(delta) + 1))[:size]
    client, sport = bytes([10, 0, 0, 1]), 40000
    request = b"POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: 2\r\n\r\n{}"
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    t = 1_795_000_000.0
    cseq, sseq = 1000, 5000
    with open(path, "wb") as out:
        pcap_header(out)
        packets = [(True, 0x02, b""), (False, 0x12, b""), (True, 0x10, b""), (True, 0x18, request),
                   (False, 0x18, head)] + [(False, 0x18, payload)] * count + [(False, 0x11, b""), (True, 0x11, b"")]
        for from_client, flags, data in packets:
            if from_client:
                packet = frame(client, SERVER, sport, 80, cseq, sseq, flags, data)
                cseq += len(data) + (1 if flags & 0x03 else 0)
            else:
                packet = frame(SERVER, client, 80, sport, sseq, cseq, flags, data)
                sseq += len(data) + (1 if flags & 0x03 else 0)
            t += 0.0001
            pcap_record(out, t, packet)


def small_files(folder, count=10_000):
    """`count` logs of one complete stream each."""
    folder.mkdir()
    for i in range(count):
        (folder / f"app-{i:05d}.log").write_text(
            f'2026-11-22 10:00:00,000 INFO [MainThread] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"\n'
            f"2026-11-22 10:00:00,100 DEBUG [MainThread] app.stream: event message_start\n"
            f"2026-11-22 10:00:00,200 DEBUG [MainThread] app.stream: event content_block_delta\n"
            f"2026-11-22 10:00:00,300 DEBUG [MainThread] app.stream: event message_stop\n")


# name: (input name, generator, dropscope arguments with {} for the input)
SCENARIOS = {
    "connections": ("open-200k.pcap", open_connections, ["analyze", "--quiet", "{}"]),
    "streams": ("open-300k.log", open_streams, ["analyze", "--quiet", "{}"]),
    "names": ("threads-2m.log", many_threads, ["analyze", "--quiet", "{}"]),
    "har": ("entry-500mb.har", big_har, ["analyze", "--quiet", "{}"]),
    "harmessages": ("messages-500mb.har", har_messages, ["analyze", "--quiet", "{}"]),
    "harrequest": ("request-500mb.har", har_request, ["analyze", "--quiet", "{}"]),
    "transcript": ("capture-210mb.pcap", big_capture, ["transcript", "{}"]),
    "threads": ("capture-210mb.pcap", big_capture, ["analyze", "--quiet", "--threads", "2", "{}"]),
    "bigsegments": ("segments-3000x60k.pcap", big_segments, ["analyze", "--quiet", "--threads", "2", "{}"]),
    "files": ("files-10k", small_files, ["analyze", "--quiet", "{}"]),
}


def peak_mib(command):
    """Runs command under /usr/bin/time -v (its output discarded); returns (peak RSS in MiB, wall seconds, exit)."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        proc = subprocess.run(["/usr/bin/time", "-v"] + command, stdout=null, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    text = proc.stderr.decode(errors="replace")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not found:
        sys.exit(f"no peak in /usr/bin/time's output for {command}:\n{text[-2000:]}")
    status = re.search(r"Exit status: (\d+)", text)
    return int(found.group(1)) / 1024, wall, int(status.group(1)) if status else proc.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="the dropscope binary to measure (default: build the release one)")
    parser.add_argument("--only", help="comma-separated scenarios: " + ", ".join(SCENARIOS))
    parser.add_argument("--format", help="the report format of the analyze scenarios (markdown, json, html, …)")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(SCENARIOS)
    for name in names:
        if name not in SCENARIOS:
            sys.exit(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    binary = args.binary or capture_benchmark.release_binary()
    DATA.mkdir(parents=True, exist_ok=True)
    rows, over = [], False
    for name in names:
        input_name, generate, arguments = SCENARIOS[name]
        path = DATA / input_name
        if not path.exists():
            print(f"generating {path.name} …", file=sys.stderr, flush=True)
            partial = path.with_name(path.name + ".partial")
            generate(partial)
            partial.rename(path)
        if args.format and arguments[0] == "analyze":
            arguments = arguments[:1] + ["--format", args.format] + arguments[1:]
        peak, wall, status = peak_mib([binary] + [str(path) if a == "{}" else a for a in arguments])
        ok = peak < LIMIT_MIB and status in (0, 1)
        over = over or not ok
        rows.append((name, peak, wall, status, ok))
        print(f"{name:<12} {peak:8.1f} MiB  {wall:6.1f} s  exit {status}  {'ok' if ok else 'OVER'}", file=sys.stderr, flush=True)
    print(f"\n| scenario | peak RSS | limit | |\n|---|---:|---:|---|")
    for name, peak, wall, status, ok in rows:
        print(f"| {name} | {peak:.1f} MiB | {LIMIT_MIB} MiB | {'ok' if ok else 'OVER' + ('' if status in (0, 1) else f' (exit {status})')} |")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
