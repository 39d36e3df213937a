#!/usr/bin/env python3
"""Measures streaming inflate alone: zlib (as dropscope uses it) against ISA-L's igzip, with `gzip -dc` beside them.

    python3 Tools/benchmark/inflate_benchmark.py                       # bench-data/bench-400mb.log.gz
    python3 Tools/benchmark/inflate_benchmark.py --input FILE.gz --runs 15

Builds Tools/benchmark/inflate_floor.c with ISA-L when its header is installed (`libisal-dev`), zlib only otherwise.
The commands run interleaved, --runs times each in this one invocation; the report gives each one's median and best
wall time and the ratios of the medians.  A measurement, not a test: it never fails on a number.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build_floor(output):
    """Compiles inflate_floor into `output`; returns whether it has ISA-L."""
    isal = Path("/usr/include/isa-l/igzip_lib.h").exists()
    cmd = ["cc", "-O2", "-o", str(output), str(ROOT / "Tools/benchmark/inflate_floor.c"),
           str(ROOT / "Sources/CByteSearch/CRC32.c"), "-I", str(ROOT / "Sources/CByteSearch/include"), "-lz"]
    if isal:
        cmd += ["-DWITH_ISAL", "-lisal"]
    subprocess.run(cmd, check=True)
    return isal


def wall(cmd):
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        subprocess.run(cmd, stdout=null, check=True)
        return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", default=str(ROOT / "bench-data" / "bench-400mb.log.gz"))
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        floor = Path(tmp) / "inflate_floor"
        isal = build_floor(floor)
        commands = {"zlib inflate": [str(floor), args.input], "gzip -dc": ["gzip", "-dc", args.input]}
        if isal:
            commands["ISA-L inflate"] = [str(floor), "--isal", args.input]
            a = subprocess.run([str(floor), "--lines", args.input], capture_output=True, text=True, check=True).stdout
            b = subprocess.run([str(floor), "--isal", "--lines", args.input], capture_output=True, text=True, check=True).stdout
            if a != b:
                sys.exit(f"zlib and ISA-L disagree: {a.strip()} against {b.strip()}")
        times = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(wall(cmd))
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"input: {args.input} ({Path(args.input).stat().st_size / 1e6:.1f} MB gzipped); {args.runs} runs each, interleaved")
    for name, t in times.items():
        print(f"{name:<15} median {medians[name]:.3f} s, best {min(t):.3f} s, worst {max(t):.3f} s")
    if isal:
        z, i = medians["zlib inflate"], medians["ISA-L inflate"]
        print(f"ISA-L / zlib:   median {i / z:.2f}x (zlib takes {z / i:.2f}x ISA-L's time), "
              f"best-to-best {min(times['ISA-L inflate']) / min(times['zlib inflate']):.2f}x")
    else:
        print("ISA-L not measured: /usr/include/isa-l/igzip_lib.h is missing (apt-get install libisal-dev)")
    print(f"zlib / gzip -dc: median {medians['zlib inflate'] / medians['gzip -dc']:.2f}x")


if __name__ == "__main__":
    main()
