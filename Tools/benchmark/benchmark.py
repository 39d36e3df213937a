#!/usr/bin/env python3
"""Measures dropscope against `gzip -dc` on a realistic large incident log.

    python3 Tools/benchmark/benchmark.py            # ~400 MB of log, ~30 MB gzipped
    python3 Tools/benchmark/benchmark.py --mb 50    # a quicker run
    python3 Tools/benchmark/benchmark.py --folder   # eight rotated .gz files of 50 MB each, read as a folder

The log is generated once into bench-data/ (ignored by git): eight worker threads
interleave, every stream logs its HTTP line, request id and one debug line per SSE
event, and a few hundred streams fail with the real tracebacks the SDKs print
(taken from SampleLogs).  Both commands run --runs times in this same invocation;
the report gives the median wall time of each, their ratio, and dropscope's peak
resident memory (from wait4).  The floor is a plain inflate of the same file
(Tools/benchmark/inflate_floor.c: zlib as dropscope uses it, nothing else), timed
in the same runs.  With --folder the log is cut at line ends into eight rotated
files of --mb / 8 each (bench-data/bench-<mb>mb-folder/, gzipped the same way),
and dropscope reads the folder against `gzip -dc` over the eight files one after
the other.  This is a measurement, not a test: it never fails on a number.
"""
import argparse
import gzip
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench-data"


def real_traceback(incident, marker):
    """The traceback block of a real failure in a sample log, for reuse."""
    with gzip.open(ROOT / "SampleLogs" / incident / "app.log.gz", "rt") as f:
        lines = f.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Traceback"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(marker))
    return "\n".join(lines[start:end + 1]) + "\n"


def generate(path, target_mb, seed=7):
    rng = random.Random(seed)
    fin = real_traceback("01-server-fin-mid-delta", "httpx2.RemoteProtocolError")
    rst = real_traceback("02-server-rst-mid-delta", "httpx.ReadError")
    b58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    t = 1795305600.0  # 2026-11-22 00:00:00 UTC
    workers = [f"worker_{i}" for i in range(8)]
    streams = {}
    call = 0
    written = 0
    target = target_mb * 1024 * 1024
    failures = 0

    def stamp(ts):
        s = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ts))
        return f"{s},{int(ts * 1000) % 1000:03d}"

    with gzip.open(path, "wt", compresslevel=6) as out:
        while written < target:
            worker = rng.choice(workers)
            t += rng.uniform(0.0005, 0.004)
            st = streams.get(worker)
            lines = []
            prefix = f"{stamp(t)} %s [{worker}] %s: "
            if st is None:
                call += 1
                rid = "req_011C" + "".join(rng.choice(b58) for _ in range(20))
                fate = "ok"
                if call % 300 == 150:
                    fate = rng.choice(["fin", "rst", "idle"])
                streams[worker] = {"n": call, "rid": rid, "left": rng.randint(20, 60), "fate": fate}
                lines.append(prefix % ("INFO", "app.chat") + f"call {call}: streaming claude-sonnet-4-5")
                lines.append(prefix % ("INFO", "httpx2") + 'HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"')
                lines.append(prefix % ("INFO", "app.chat") + f"call {call}: response headers received, request-id={rid}")
                lines.append(prefix % ("DEBUG", "app.stream") + "event message_start")
                lines.append(prefix % ("DEBUG", "app.stream") + "event content_block_start")
            elif st["left"] > 0:
                st["left"] -= 1
                lines.append(prefix % ("DEBUG", "app.stream") + "event content_block_delta")
                if st["fate"] != "ok" and st["left"] == 8:
                    if st["fate"] == "idle":
                        t += 61.0
                    failures += 1
                    lines.append(prefix % ("ERROR", "app.chat") + f"call {st['n']}: stream failed")
                    out.write("\n".join(lines) + "\n")
                    out.write(fin if st["fate"] != "rst" else rst)
                    written += sum(len(l) + 1 for l in lines) + len(fin)
                    del streams[worker]
                    continue
            else:
                for event in ["content_block_stop", "message_delta", "message_stop"]:
                    lines.append(prefix % ("DEBUG", "app.stream") + f"event {event}")
                lines.append(prefix % ("INFO", "app.chat") + f"call {st['n']}: done, stop_reason=end_turn")
                del streams[worker]
            text = "\n".join(lines) + "\n"
            out.write(text)
            written += len(text)
    return call, failures


def wrap_cri(plain, wrapped):
    """Writes the plain log as a Kubernetes node keeps it (CRI: `<RFC 3339 nano time> stderr F <line>`), each record
    stamped with its line's own time (the last one for lines without)."""
    last = "2026-11-22T00:00:00.000000000Z"
    with gzip.open(plain, "rt") as src, gzip.open(wrapped, "wt", compresslevel=6) as out:
        batch = []
        for line in src:
            if line[:2] == "20" and line[10:11] == " ":
                last = f"{line[:10]}T{line[11:19]}.{line[20:23]}000000Z"
            batch.append(f"{last} stderr F {line}")
            if len(batch) >= 65536:
                out.write("".join(batch))
                batch = []
        out.write("".join(batch))


def rotate(log, folder, parts=8):
    """Cuts the log at line ends into `parts` files of about equal size, gzipped as the log is, oldest first by name."""
    with gzip.open(log, "rb") as f:
        total = sum(len(b) for b in iter(lambda: f.read(1 << 24), b""))
    folder.mkdir(exist_ok=True)
    each = total // parts + 1
    with gzip.open(log, "rb") as src:
        for part in range(parts):
            written = 0
            with gzip.open(folder / f"app.log.2026-11-22-{part + 1:02d}.gz", "wb", compresslevel=6) as out:
                while written < each or part == parts - 1:
                    batch = src.readlines(1 << 16)
                    if not batch:
                        break
                    out.write(b"".join(batch))
                    written += sum(len(line) for line in batch)


def floor_binary():
    """Compiles the inflate-only floor (Tools/benchmark/inflate_floor.c) into bench-data/; None without a C compiler."""
    out = DATA / "inflate_floor"
    source = ROOT / "Tools/benchmark/inflate_floor.c"
    if out.exists() and out.stat().st_mtime >= source.stat().st_mtime:
        return out
    try:
        subprocess.run(["cc", "-O2", "-o", str(out), str(source), str(ROOT / "Sources/CByteSearch/CRC32.c"),
                        "-I", str(ROOT / "Sources/CByteSearch/include"), "-lz"], check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out


def measure(cmd, stdout):
    """Runs cmd; returns (wall seconds, peak RSS in MiB).

    The peak is the child's own VmHWM, read from /proc while it runs: wait4's ru_maxrss
    would also count the forking Python parent's memory, which Linux folds in at exec."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    peak_kb = 0
    status_path = f"/proc/{proc.pid}/status"
    while proc.poll() is None:
        try:
            with open(status_path) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.005)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    measure.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed: {proc.stderr.read().decode()[:500]}")
    return wall, peak_kb / 1024


def release_binary():
    """Builds dropscope in release mode and returns the path of the binary."""
    subprocess.run(["swift", "build", "-c", "release", "--product", "dropscope"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip() + "/dropscope"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=400, help="size of the decompressed log")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cri", action="store_true",
                        help="also time the same log wrapped as a Kubernetes CRI container log, in the same runs")
    parser.add_argument("--binary", help="a dropscope binary to time instead of building one")
    parser.add_argument("--folder", action="store_true",
                        help="time the log cut into eight rotated .gz files, read as a folder, against gzip -dc over them")
    parser.add_argument("--threads", type=int, help="passed to dropscope as --threads")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    log = DATA / f"bench-{args.mb}mb.log.gz"
    if not log.exists():
        print(f"generating {log.name} …", flush=True)
        calls, failures = generate(log, args.mb)
        print(f"  {calls} streams, {failures} failures", flush=True)
    wrapped = DATA / f"bench-{args.mb}mb-cri.log.gz"
    if args.cri and not wrapped.exists():
        print(f"wrapping it as {wrapped.name} …", flush=True)
        wrap_cri(log, wrapped)
    binary = args.binary or release_binary()
    threads = ["--threads", str(args.threads)] if args.threads else []
    if args.folder:
        return measure_folder(args, log, binary, threads)
    floor = floor_binary()
    size = log.stat().st_size
    with gzip.open(log, "rb") as f:
        decoded = sum(len(b) for b in iter(lambda: f.read(1 << 24), b""))
    gz, ds, rss, cri, cri_rss, cpu, cri_cpu, fl = [], [], [], [], [], [], [], []
    for _ in range(args.runs):
        with open(os.devnull, "wb") as null:
            gz.append(measure(["gzip", "-dc", str(log)], null)[0])
            if floor:
                fl.append(measure([str(floor), str(log)], null)[0])
            wall, peak = measure([binary, "analyze", "--quiet", "--format", "json", *threads, str(log)], null)
            ds.append(wall)
            rss.append(peak)
            cpu.append(measure.cpu)
            if args.cri:
                wall, peak = measure([binary, "analyze", "--quiet", "--format", "json", str(wrapped)], null)
                cri.append(wall)
                cri_rss.append(peak)
                cri_cpu.append(measure.cpu)
    g, d = statistics.median(gz), statistics.median(ds)
    if args.cri:
        c = statistics.median(cri)
        print(f"CRI-wrapped {wrapped.name}: {wrapped.stat().st_size / 1e6:.1f} MB gzipped")
        print(f"dropscope on the CRI log median {c:.2f} s, best {min(cri):.2f} s, peak RSS {max(cri_rss):.1f} MiB")
        print(f"ratio CRI / plain:       median {c / d:.2f}x, best-to-best {min(cri) / min(ds):.2f}x  (target ≤ 1.2x); "
              f"CPU time (user+sys) median {statistics.median(cri_cpu) / statistics.median(cpu):.2f}x "
              f"({statistics.median(cri_cpu):.2f} s against {statistics.median(cpu):.2f} s)")
    print(f"input: {log.name}: {size / 1e6:.1f} MB gzipped, {decoded / 1e6:.1f} MB of log; {args.runs} runs each, interleaved")
    print(f"gzip -dc > /dev/null     median {g:.2f} s, best {min(gz):.2f} s  ({decoded / g / 1e6:.0f} MB/s of log)")
    print(f"dropscope analyze        median {d:.2f} s, best {min(ds):.2f} s  ({decoded / d / 1e6:.0f} MB/s of log), peak RSS {max(rss):.1f} MiB")
    print(f"ratio dropscope / gzip:  median {d / g:.2f}x, best-to-best {min(ds) / min(gz):.2f}x  (target ≤ 1.0x; memory target < 64 MiB)")
    if fl:
        f = statistics.median(fl)
        print(f"inflate only (floor)     median {f:.2f} s, best {min(fl):.2f} s")
        print(f"ratio dropscope / floor: median {d / f:.2f}x, best-to-best {min(ds) / min(fl):.2f}x")


def measure_folder(args, log, binary, threads):
    """The folder case: the log cut into eight rotated files, dropscope on the folder against gzip -dc over them."""
    folder = DATA / f"bench-{args.mb}mb-folder"
    files = sorted(folder.glob("*.gz")) if folder.exists() else []
    if len(files) != 8:
        print(f"cutting {log.name} into eight rotated files in {folder.name}/ …", flush=True)
        rotate(log, folder)
        files = sorted(folder.glob("*.gz"))
    gz, ds, rss, cpu, one, one_rss = [], [], [], [], [], []
    for _ in range(args.runs):
        with open(os.devnull, "wb") as null:
            gz.append(measure(["gzip", "-dc", *map(str, files)], null)[0])
            wall, peak = measure([binary, "analyze", "--quiet", "--format", "json", *threads, str(folder)], null)
            ds.append(wall)
            rss.append(peak)
            cpu.append(measure.cpu)
            wall, peak = measure([binary, "analyze", "--quiet", "--format", "json", "--threads", "1", str(folder)], null)
            one.append(wall)
            one_rss.append(peak)
    g, d, o = statistics.median(gz), statistics.median(ds), statistics.median(one)
    packed = sum(f.stat().st_size for f in files)
    print(f"input: {folder.name}/: {len(files)} files, {packed / 1e6:.1f} MB gzipped; {args.runs} runs each, interleaved")
    print(f"gzip -dc (one after the other)  median {g:.2f} s, best {min(gz):.2f} s")
    print(f"dropscope analyze on the folder median {d:.2f} s, best {min(ds):.2f} s, CPU (user+sys) median "
          f"{statistics.median(cpu):.2f} s, peak RSS {max(rss):.1f} MiB")
    print(f"dropscope --threads 1    median {o:.2f} s, best {min(one):.2f} s, peak RSS {max(one_rss):.1f} MiB "
          f"(the files one after the other)")
    print(f"ratio dropscope / gzip:  median {d / g:.2f}x, best-to-best {min(ds) / min(gz):.2f}x  (target ≤ 0.6x; memory target < 64 MiB)")
    print(f"ratio threads / one:     median {d / o:.2f}x")


if __name__ == "__main__":
    main()
