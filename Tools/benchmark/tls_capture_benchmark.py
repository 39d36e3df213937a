#!/usr/bin/env python3
"""Measures what decrypting TLS costs: the capture benchmark's connections as plain HTTP/1.1, and the same
connections inside TLS 1.3 sessions (AES-128-GCM, one record per payload) with their key log.

    python3 Tools/benchmark/tls_capture_benchmark.py --binary .build-tls/release/dropscope --mb 100

Both captures are generated into bench-data/ (ignored by git) from the same connections (capture_benchmark.py's
shapes and seed); the TLS one gets a ClientHello and a ServerHello in clear and its application bytes encrypted
under per-session traffic secrets written to a key log (CLIENT_TRAFFIC_SECRET_0 / SERVER_TRAFFIC_SECRET_0).
dropscope runs --runs times on each, interleaved: the plain capture, the TLS capture with --keylog, and the TLS
capture without keys (record sizes only). Needs Python's `cryptography` package to encrypt. A measurement, not a
test: it never fails on a number.
"""
import argparse
import hashlib
import hmac
import random
import statistics
import struct
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import measure  # noqa: E402
from capture_benchmark import connection_packets, write_interleaved  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench-data"


def expand_label(secret, label, length):
    full = b"tls13 " + label
    info = struct.pack("!HB", length, len(full)) + full + b"\x00"
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def record(kind, body):
    return struct.pack("!BHH", kind, 0x0303, len(body)) + body


def hello(kind, random_bytes, extensions):
    body = struct.pack("!H", 0x0303) + random_bytes + b"\x00"
    body += b"\x00\x02\x13\x01\x01\x00" if kind == 1 else b"\x13\x01\x00"
    body += struct.pack("!H", len(extensions)) + extensions
    return record(22, bytes([kind]) + len(body).to_bytes(3, "big") + body)


class Sealer:
    """One direction's TLS 1.3 record protection under a traffic secret."""

    def __init__(self, secret):
        self.aead = AESGCM(expand_label(secret, b"key", 16))
        self.iv = expand_label(secret, b"iv", 12)
        self.sequence = 0

    def seal(self, payload):
        nonce = bytes(a ^ b for a, b in zip(self.iv, self.sequence.to_bytes(12, "big")))
        self.sequence += 1
        inner = payload + b"\x17"
        header = struct.pack("!BHH", 23, 0x0303, len(inner) + 16)
        return header + self.aead.encrypt(nonce, inner, header)


def tls_packets(index, rng, keylog):
    """The same connection as capture_benchmark's, inside a TLS 1.3 session; its secrets go to `keylog`."""
    packets = connection_packets(index, rng)
    client_random, server_random = rng.randbytes(32), rng.randbytes(32)
    secrets = rng.randbytes(32), rng.randbytes(32)
    keylog.write(f"CLIENT_TRAFFIC_SECRET_0 {client_random.hex()} {secrets[0].hex()}\n")
    keylog.write(f"SERVER_TRAFFIC_SECRET_0 {client_random.hex()} {secrets[1].hex()}\n")
    sealers = {True: Sealer(secrets[0]), False: Sealer(secrets[1])}
    out = packets[:3] + [(True, 0x18, hello(1, client_random, b"")),
                         (False, 0x18, hello(2, server_random, b"\x00\x2b\x00\x02\x03\x04"))]
    for from_client, flags, payload in packets[3:]:
        out.append((from_client, flags, sealers[from_client].seal(payload) if payload else payload))
    return out


def write(path, connections):
    """Writes connections (lists of packets), 256 open at a time with their packets interleaved, as a pcap."""
    pending = iter(connections)
    with open(path, "wb") as out:
        write_interleaved(out, lambda _written: next(pending, None), random.Random(5), 443)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True, help="a release build of dropscope")
    parser.add_argument("--mb", type=int, default=100, help="rough size of the plain capture")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    plain, tls, keylog = DATA / f"plain-{args.mb}mb.pcap", DATA / f"tls-{args.mb}mb.pcap", DATA / f"tls-{args.mb}mb.keylog"
    if not tls.exists():
        count = args.mb * 1_000_000 // 17_000
        write(plain, [connection_packets(i, random.Random(i)) for i in range(count)])
        with open(keylog, "w") as log:
            write(tls, [tls_packets(i, random.Random(i), log) for i in range(count)])
    runs = {"plain": [], "tls + key log": [], "tls, no keys": []}
    for _ in range(args.runs):
        for name, extra, path in [("plain", [], plain), ("tls + key log", ["--keylog", str(keylog)], tls),
                                  ("tls, no keys", [], tls)]:
            seconds, peak = measure([args.binary, "analyze", "--format", "json", "--quiet"] + extra + [str(path)],
                                    subprocess.DEVNULL)
            runs[name].append((seconds, peak))
    base = statistics.median(s for s, _ in runs["plain"])
    print(f"plain {plain.stat().st_size / 1e6:.0f} MB, TLS {tls.stat().st_size / 1e6:.0f} MB")
    for name, values in runs.items():
        median = statistics.median(s for s, _ in values)
        print(f"{name:15} median {median:6.2f} s  ({median / base:4.2f}x plain)  peak {max(p for _, p in values):6.1f} MiB")


if __name__ == "__main__":
    main()
