#!/usr/bin/env python3
"""Measures dropscope on a large capture against `tshark -r FILE -q -z conv,tcp`.

    python3 Tools/benchmark/capture_benchmark.py              # ~1 GB capture
    python3 Tools/benchmark/capture_benchmark.py --mb 100     # a quicker run

The capture is generated once into bench-data/ (ignored by git): thousands of HTTP/1.1 SSE
connections on Ethernet, 256 open at a time and their packets interleaved, each a real
Anthropic stream shape (message_start, content_block_start, pings, text deltas, message_stop,
the terminating chunk, FIN from both sides); one in fifty is cut by the server mid-delta (FIN
without the terminating chunk) and one in a hundred reset (RST).  tshark's conversation table
does far less than dropscope (no reassembly, no HTTP, no SSE, no verdicts): it is the floor of
what reading the file with the usual tool costs.  tshark, dropscope (default threads) and
dropscope --threads 1 run --runs times, interleaved; the report gives median wall times, the
speed-ups, and dropscope's peak resident memory.  This is
a measurement, not a test: it never fails on a number.
"""
import argparse
import os
import random
import statistics
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import measure, release_binary  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench-data"
WORDS = "The quick brown fox jumps over the lazy dog while the stream keeps flowing one small delta at a time".split()


def frame(src, dst, sport, dport, seq, ack, flags, payload):
    """An Ethernet/IPv4/TCP frame (checksums left zero, as offloading NICs capture them)."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(payload), 0, 0x4000, 64, 6, 0, src, dst)
    return b"\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x01\x08\x00" + ip + tcp + payload


def chunk(text):
    body = text.encode()
    return b"%x\r\n" % len(body) + body + b"\r\n"


def connection_packets(index, rng):
    """The packets of one SSE connection, as (direction, flags, payload) with the client's direction True."""
    rid = "req_bench%015d" % index
    request = (b"POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Type: application/json\r\n"
               b"User-Agent: Anthropic/Python 0.79.0\r\nx-stainless-retry-count: 0\r\nContent-Length: 120\r\n\r\n"
               + b'{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"hi"}]}'.ljust(120))
    head = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ntransfer-encoding: chunked\r\n"
            b"request-id: " + rid.encode() + b"\r\ncache-control: no-cache\r\n\r\n")
    packets = [(True, 0x02, b""), (False, 0x12, b""), (True, 0x10, b""), (True, 0x18, request), (False, 0x18, head)]
    events = [chunk('event: message_start\ndata: {"type":"message_start","message":{"id":"msg_%d","type":"message",'
                    '"role":"assistant","content":[],"model":"claude-sonnet-4-5","usage":{"input_tokens":%d,"output_tokens":1}}}\n\n'
                    % (index, rng.randint(500, 5000))),
              chunk('event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n')]
    deltas = rng.randint(40, 120)
    for i in range(deltas):
        if i % 25 == 12:
            events.append(chunk('event: ping\ndata: {"type": "ping"}\n\n'))
        events.append(chunk('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,'
                            '"delta":{"type":"text_delta","text":"%s "}}\n\n' % rng.choice(WORDS)))
    fate = "rst" if index % 100 == 37 else "fin" if index % 50 == 11 else "ok"
    if fate == "ok":
        events += [chunk('event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n'),
                   chunk('event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
                         '"usage":{"output_tokens":%d}}\n\n' % deltas),
                   chunk('event: message_stop\ndata: {"type":"message_stop"}\n\n') + b"0\r\n\r\n"]
    else:
        events = events[: len(events) * 2 // 3]
    packets += [(False, 0x18, e) for e in events]
    if fate == "rst":
        packets.append((False, 0x04, b""))
    elif fate == "fin":
        packets += [(False, 0x11, b""), (True, 0x11, b"")]
    else:
        packets += [(True, 0x11, b""), (False, 0x11, b""), (True, 0x10, b"")]
    return packets


def write_interleaved(out, next_connection, rng, port):
    """Writes connections as pcap records, 256 open at a time with their packets interleaved (four at a time from
    one picked at random), opening the next as one ends; `next_connection(bytes_written)` gives a connection's
    packets, or None when there are no more.  Returns how many connections were written."""
    client, server = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    written, index, streams = 24, 0, 0
    t = 1_795_000_000.0
    open_conns = []
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    exhausted = False
    while True:
        while not exhausted and len(open_conns) < 256:
            packets = next_connection(written)
            if packets is None:
                exhausted = True
                break
            open_conns.append([10000 + index % 50000, packets, 0, 1000, 5000])
            index += 1
        if not open_conns:
            return streams
        conn = open_conns[rng.randrange(len(open_conns))]
        sport, packets, position, cseq, sseq = conn
        for _ in range(4):
            if position >= len(packets):
                break
            from_client, flags, payload = packets[position]
            if from_client:
                data = frame(client, server, sport, port, cseq, sseq, flags, payload)
                cseq += len(payload) + (1 if flags & 0x03 else 0)
            else:
                data = frame(server, client, port, sport, sseq, cseq, flags, payload)
                sseq += len(payload) + (1 if flags & 0x03 else 0)
            t += 0.00002
            seconds = int(t)
            out.write(struct.pack("<IIII", seconds, int((t - seconds) * 1e6), len(data), len(data)))
            out.write(data)
            written += 16 + len(data)
            position += 1
        conn[2:5] = [position, cseq, sseq]
        if position >= len(packets):
            open_conns.remove(conn)
            streams += 1


def generate(path, target_mb, seed=11):
    rng = random.Random(seed)
    target = target_mb * 1_000_000
    count = iter(range(1 << 62))

    def next_connection(written):
        return connection_packets(next(count), rng) if written < target else None

    with open(path, "wb") as out:
        return write_interleaved(out, next_connection, rng, 80)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=1000, help="size of the capture")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", help="another dropscope binary (an earlier build) timed in the same runs, to "
                        "tell whether a change made the capture path slower apart from this machine's noise")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    pcap = DATA / f"bench-{args.mb}mb.pcap"
    if not pcap.exists():
        print(f"generating {pcap.name} …", flush=True)
        print(f"  {generate(pcap, args.mb)} connections", flush=True)
    binary = release_binary()
    ts, ds, ones, rss, rss_one, bases, rss_base = [], [], [], [], [], [], []
    commands = [
        ([binary, "analyze", "--quiet", "--format", "json", str(pcap)], ds, rss),
        ([binary, "analyze", "--quiet", "--format", "json", "--threads", "1", str(pcap)], ones, rss_one),
    ]
    if args.baseline:
        commands.append(([args.baseline, "analyze", "--quiet", "--format", "json", str(pcap)], bases, rss_base))
    for run in range(args.runs):
        with open(os.devnull, "wb") as null:
            ts.append(measure(["tshark", "-r", str(pcap), "-q", "-z", "conv,tcp"], null)[0])
            # The order turns each run, so that none of them always comes first after tshark.
            for command, walls, peaks in commands[run % len(commands):] + commands[:run % len(commands)]:
                wall, peak = measure(command, null)
                walls.append(wall)
                peaks.append(peak)
    t, d, one = statistics.median(ts), statistics.median(ds), statistics.median(ones)
    size = pcap.stat().st_size
    print(f"input: {pcap.name}: {size / 1e6:.0f} MB; {args.runs} runs each, interleaved")
    print(f"tshark -q -z conv,tcp    median {t:.2f} s, best {min(ts):.2f} s  ({size / t / 1e6:.0f} MB/s)")
    print(f"dropscope analyze        median {d:.2f} s, best {min(ds):.2f} s  ({size / d / 1e6:.0f} MB/s), peak RSS {max(rss):.1f} MiB"
          f"  [{os.cpu_count()} processors, default threads]")
    print(f"dropscope --threads 1    median {one:.2f} s, best {min(ones):.2f} s  ({size / one / 1e6:.0f} MB/s), peak RSS {max(rss_one):.1f} MiB")
    print(f"speed-up over tshark:    median {t / d:.1f}x; on one thread {t / one:.1f}x  (target ≥ 20x)")
    if bases:
        b = statistics.median(bases)
        print(f"baseline {args.baseline}: median {b:.2f} s, best {min(bases):.2f} s, peak RSS {max(rss_base):.1f} MiB;"
              f" {t / b:.1f}x tshark; this build takes {d / b:.2f}x its time (medians), {min(ds) / min(bases):.2f}x (best runs)")


if __name__ == "__main__":
    main()
