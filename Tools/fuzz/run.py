#!/usr/bin/env python3
"""Builds dropscope's fuzz targets with libFuzzer and AddressSanitizer, seeds each from the repository's inputs of
its kind, runs each for a number of seconds, and reports the executions per target.

    Tools/fuzz/run.py [--seconds N] [--targets gzip,log,...] [--jobs J] [--scratch-path DIR] [--no-build]

A crash, timeout, out-of-memory or leak is copied to Tests/DropscopeCoreTests/FuzzRegressions/<target>/ (which the
normal tests replay) and makes the script exit 1. Each target's corpus is kept in <scratch>/fuzz-corpus/<target>
between runs, and the executions of every run are added up in <scratch>/fuzz-totals.json.
"""
import argparse
import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REGRESSIONS = os.path.join(ROOT, "Tests", "DropscopeCoreTests", "FuzzRegressions")
TARGETS = ["gzip", "log", "json", "envelope", "pcap", "tcp", "tls", "http2", "curl", "har", "transcript"]
# The longest input per target: long enough for a few whole requests, short enough to run fast.
MAX_LEN = {"gzip": 65536, "pcap": 65536, "tcp": 32768, "tls": 32768, "http2": 32768, "har": 32768, "transcript": 32768}
DEFAULT_MAX_LEN = 16384
HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def repository_files():
    """Every file of SampleLogs/ and the test fixtures, but the reports dropscope wrote."""
    for top in ("SampleLogs", os.path.join("Tests", "DropscopeCoreTests", "Fixtures")):
        for folder, _, names in os.walk(os.path.join(ROOT, top)):
            for name in sorted(names):
                if name.startswith("expected-") or name.endswith((".md", ".py", ".keylog")) or name in ("manifest.json", "uninterpreted-baseline.json"):
                    continue
                yield os.path.join(folder, name)


def decoded(path):
    data = open(path, "rb").read()
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            with gzip.open(path, "rb") as f:
                out = b""
                try:
                    while chunk := f.read(65536):
                        out += chunk
                except (OSError, EOFError):
                    pass
                return out
    return data


def kind(path, data):
    """The fuzz target whose kind of input `data` is, or None."""
    if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d", b"\x0a\x0d\x0d\x0a"):
        return "pcap"
    if data.startswith(b"# dropscope transcript"):
        return "transcript"
    if "Envelopes" in path:
        return "envelope"
    head = data[:4096].lstrip()
    if head.startswith(b"{") and b'"log"' in head[:200] and b'"entries"' in data:
        return "har"
    if head.startswith(b"{") or head.startswith(b"["):
        return "json"
    if path.endswith((".trace",)) or re.search(rb"^(== Info:|\* +Trying|=> Send header)", data[:4096], re.M):
        return "curl"
    return "log"


def chunks(data, limit):
    """`data` cut at line ends into pieces of at most `limit` bytes (the first few)."""
    pieces, start = [], 0
    while start < len(data) and len(pieces) < 8:
        end = min(len(data), start + limit)
        if end < len(data):
            cut = data.rfind(b"\n", start, end)
            end = cut + 1 if cut > start else end
        pieces.append(data[start:end])
        start = end
    return pieces


def pcap_connections(data):
    """The TCP connections of a classic pcap file as the record format of WireCapture (Fuzz/WireCapture.swift):
    a header byte (bit 0 from the server, bit 1 FIN, bit 2 RST, bits 4-7 seconds of silence), a 16-bit big-endian
    length and the payload."""
    if len(data) < 24:
        return {}
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    if data[:4] not in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d"):
        return {}
    link = struct.unpack(endian + "I", data[20:24])[0] & 0xFFFF
    offset = {0: 4, 1: 14, 101: 0, 108: 4, 113: 16, 276: 20}.get(link)
    if offset is None:
        return {}
    connections, last_time, i = {}, {}, 24
    while i + 16 <= len(data):
        seconds, _, caught, _ = struct.unpack(endian + "IIII", data[i:i + 16])
        frame = data[i + 16:i + 16 + caught]
        i += 16 + caught
        ip = frame[offset:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        tcp = ip[ihl:total] if total >= ihl else ip[ihl:]
        if len(tcp) < 20:
            continue
        sport, dport = struct.unpack(">HH", tcp[:4])
        flags = tcp[13]
        payload = tcp[(tcp[12] >> 4) * 4:]
        key = tuple(sorted([(bytes(ip[12:16]), sport), (bytes(ip[16:20]), dport)]))
        conn = connections.setdefault(key, {"server": None, "records": b""})
        if flags & 0x12 == 0x02:  # a SYN: the receiver is the server
            conn["server"] = (bytes(ip[16:20]), dport)
        if conn["server"] is None:
            conn["server"] = (bytes(ip[16:20]), dport) if dport < sport else (bytes(ip[12:16]), sport)
        from_server = conn["server"] == (bytes(ip[12:16]), sport)
        gap = min(15, max(0, seconds - last_time.get(key, seconds)))
        last_time[key] = seconds
        header = (1 if from_server else 0) | (2 if flags & 1 else 0) | (4 if flags & 4 else 0) | (gap << 4)
        if payload or flags & 5:
            conn["records"] += bytes([header]) + struct.pack(">H", len(payload)) + bytes(payload)
    return {key: c["records"] for key, c in connections.items() if c["records"]}


def seed(target, folder):
    """Fills `folder` with the seeds of `target`: the repository's inputs of its kind."""
    os.makedirs(folder, exist_ok=True)
    limit = MAX_LEN.get(target, DEFAULT_MAX_LEN)
    count = 0

    def put(name, data):
        nonlocal count
        with open(os.path.join(folder, re.sub(r"[^A-Za-z0-9._-]", "_", name)), "wb") as f:
            f.write(data[:limit])
        count += 1

    extra = os.path.join(ROOT, "Tools", "fuzz", "seeds", target)
    if os.path.isdir(extra):
        for name in sorted(os.listdir(extra)):
            put("seed-" + name, open(os.path.join(extra, name), "rb").read())
    for path in repository_files():
        raw = open(path, "rb").read()
        data = decoded(path)
        name = os.path.relpath(path, ROOT)
        found = kind(path, data)
        if target == "gzip":
            if raw[:2] == b"\x1f\x8b" and len(raw) <= limit:
                put(name, raw)
        elif target in ("tcp", "tls", "http2") and found == "pcap":
            for n, records in enumerate(pcap_connections(data).values()):
                tls = records[3:5] == b"\x16\x03"
                h2 = records[3:3 + len(HTTP2_PREFACE)] == HTTP2_PREFACE
                if target == "tls" and tls:
                    put(f"{name}.{n}", records)
                elif target == "http2" and h2:
                    rest = records[3 + len(HTTP2_PREFACE):]
                    length = struct.unpack(">H", records[1:3])[0] - len(HTTP2_PREFACE)
                    put(f"{name}.{n}", records[:1] + struct.pack(">H", max(0, length)) + rest)
                elif target == "tcp" and not tls and not h2:
                    put(f"{name}.{n}", records)
        elif found == target:
            if target in ("pcap", "har") and len(data) > limit:
                put(name, data)  # cut: the reader's handling of a cut file is fuzzed too
            else:
                for n, piece in enumerate(chunks(data, limit)):
                    put(f"{name}.{n}", piece)
    return count


# `--sanitize fuzzer` alone leaves the Swift code without coverage in a release build: with whole-module
# optimization and AddressSanitizer, swiftc (6.x) instruments nothing, not even when the coverage is asked for by
# name, and libFuzzer then sees only the C code's edges (BoringSSL's: 19 on a whole log analysis) and mutates blind.
# Built file by file (SwiftPM's debug configuration), optimized all the same, with the coverage asked for, the
# library's 80,000 edges and its comparisons guide it (2,526 edges on that log).
BUILD = ["swift", "build", "-c", "debug", "--product", "dropscope-fuzz", "--sanitize", "fuzzer", "--sanitize", "address",
         "-Xswiftc", "-O", "-Xswiftc", "-DDROPSCOPE_FUZZ",
         "-Xswiftc", "-sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp"]


def build(scratch):
    command = BUILD + ["--scratch-path", scratch]
    print("fuzz: " + " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True)
    path = subprocess.run(command + ["--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True)
    return os.path.join(path.stdout.strip(), "dropscope-fuzz")


def run(binary, target, seconds, scratch):
    """Runs one target; returns (executions, crash files, seconds)."""
    corpus = os.path.join(scratch, "fuzz-corpus", target)
    seeds = os.path.join(scratch, "fuzz-seeds", target)
    artifacts = os.path.join(scratch, "fuzz-artifacts", target)
    shutil.rmtree(seeds, ignore_errors=True)
    os.makedirs(corpus, exist_ok=True)
    os.makedirs(artifacts, exist_ok=True)
    seeded = seed(target, seeds)
    # malloc_context_size=2: AddressSanitizer records two frames of each allocation's stack, not thirty. Recording
    # them was a sixth of every execution (its stack depot and unwinder); a crash's own stack is still printed whole,
    # and a report of a bad access names the allocation's caller and its caller.
    env = dict(os.environ, DROPSCOPE_FUZZ_TARGET=target, SWIFT_BACKTRACE="enable=no",
               ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:malloc_context_size=2")
    before = set(os.listdir(artifacts))
    command = [binary, f"-max_total_time={seconds}", f"-max_len={MAX_LEN.get(target, DEFAULT_MAX_LEN)}",
               "-rss_limit_mb=2048", "-timeout=10", "-print_final_stats=1",
               f"-artifact_prefix={artifacts}/", corpus, seeds]
    started = time.time()
    log_path = os.path.join(scratch, f"fuzz-{target}.log")
    with open(log_path, "w") as log:
        status = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT).returncode
    elapsed = time.time() - started
    text = open(log_path, errors="replace").read()
    found = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    executions = int(found[-1]) if found else 0
    crashes = []
    for name in sorted(set(os.listdir(artifacts)) - before):
        if name.startswith(("crash-", "timeout-", "oom-", "leak-", "slow-unit-")):
            if name.startswith("slow-unit-"):
                continue
            folder = os.path.join(REGRESSIONS, target)
            os.makedirs(folder, exist_ok=True)
            shutil.copy(os.path.join(artifacts, name), os.path.join(folder, name))
            crashes.append(name)
    if status != 0 and not crashes:
        crashes.append(f"exit status {status}, no artifact (see {log_path})")
    print(f"fuzz: {target:<10} {executions:>12,} executions in {elapsed:6.0f} s ({seeded} seeds)"
          + (f"  CRASH: {', '.join(crashes)}" if crashes else "  no crash"), flush=True)
    return executions, crashes, elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="how long each target runs (default 60)")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated targets (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="targets run at once (default 1)")
    parser.add_argument("--scratch-path", default=os.path.join(ROOT, ".build", "fuzz"),
                        help="build folder for the sanitized build, corpora and logs (default .build/fuzz)")
    parser.add_argument("--no-build", action="store_true", help="use the binary already built")
    args = parser.parse_args()
    targets = [t for t in args.targets.split(",") if t]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    scratch = os.path.abspath(args.scratch_path)
    if args.no_build:
        path = subprocess.run(BUILD + ["--scratch-path", scratch, "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True)
        binary = os.path.join(path.stdout.strip(), "dropscope-fuzz")
    else:
        binary = build(scratch)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = dict(zip(targets, pool.map(lambda t: run(binary, t, args.seconds, scratch), targets)))
    totals_path = os.path.join(scratch, "fuzz-totals.json")
    totals = json.load(open(totals_path)) if os.path.exists(totals_path) else {}
    for target, (executions, crashes, elapsed) in results.items():
        total = totals.setdefault(target, {"executions": 0, "seconds": 0, "crashes": 0})
        total["executions"] += executions
        total["seconds"] += round(elapsed)
        total["crashes"] += len(crashes)
    json.dump(totals, open(totals_path, "w"), indent=2, sort_keys=True)
    print("fuzz: totals over every run with this scratch path:")
    for target in TARGETS:
        if target in totals:
            t = totals[target]
            print(f"fuzz:   {target:<10} {t['executions']:>14,} executions, {t['seconds']:>7} s, {t['crashes']} crashes")
    crashed = [t for t, r in results.items() if r[1]]
    if crashed:
        print(f"fuzz: crashes in {', '.join(crashed)}; inputs kept in {os.path.relpath(REGRESSIONS, ROOT)}/")
        return 1
    print("fuzz: ok, no crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
