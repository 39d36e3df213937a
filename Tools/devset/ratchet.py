#!/usr/bin/env python3
"""Holds dropscope's figures on the development set at or above the floors recorded in the repo.

    python3 Tools/devset/ratchet.py BIN                    # check; exit 1 when a figure is worse
    python3 Tools/devset/ratchet.py BIN --record           # raise the floors to today's figures
    python3 Tools/devset/ratchet.py BIN --record --force   # write today's figures, even worse ones

BIN is a dropscope binary (e.g. .build/release/dropscope). The set's scorer (score.py) runs in four
modes: each file kind alone, and a log read together with its capture. Per mode, `streams_right_pct`
and `leak_right_pct` may not go below their floors, and `completed_called_failed`,
`failures_invented`, `completed_not_seen` and `joined_views_disagree` may not go above theirs. The
floors live in Tests/devset-ratchet.json; `--record` only ever tightens them, unless `--force`.

The set is looked for at ../shared/devset beside the repository (where CI puts it) or at --devset.
Where it is missing the ratchet says so and exits 0, in CI too: some machines run without a copy.
Exit status: 0 every figure holds (or skipped), 1 a figure is worse than its floor, 2 could not
measure (no binary, the scorer failed, --record without the set).
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLOORS = ROOT / "Tests" / "devset-ratchet.json"
DEVSET = ROOT.parent / "shared" / "devset"

# Mode name (the key in the floors file) -> the scorer's arguments after BIN and LABELS.
MODES = {
    "client_log": ["client_log"],
    "pcap": ["pcap"],
    "curl_trace_ascii": ["curl_trace_ascii"],
    "client_log,pcap --together": ["client_log,pcap", "--together"],
}
AT_LEAST = ("streams_right_pct", "leak_right_pct")  # higher is better
AT_MOST = ("completed_called_failed", "failures_invented", "completed_not_seen", "joined_views_disagree")


def fail(message):
    """Could not measure: exit 2, apart from a figure being worse (1)."""
    print("ratchet: " + message, file=sys.stderr)
    sys.exit(2)


def score(binary, devset, args):
    """Runs the scorer in one mode; returns its JSON figures (its exit status is about --min, not ours)."""
    command = [sys.executable, str(devset / "score.py"), str(binary), str(devset / "labels.json"), *args, "--json"]
    run = subprocess.run(command, capture_output=True, text=True)
    try:
        return json.loads(run.stdout)
    except ValueError:
        tail = "\n".join(run.stderr.strip().splitlines()[-5:])
        fail("the scorer gave no figures (exit %d) for %s:\n%s" % (run.returncode, " ".join(args), tail))


def holds(figure, measured, floor):
    return measured >= floor if figure in AT_LEAST else measured <= floor


def tighter(figure, measured, floor):
    return max(measured, floor) if figure in AT_LEAST else min(measured, floor)


def table(measured, floors):
    """Prints one row per mode and figure; returns (the modes with a figure worse than its floor, figures better)."""
    worse, better = [], 0
    print("%-26s %-23s %8s %9s" % ("mode", "figure", "measured", "floor"))
    for mode in MODES:
        recorded = floors.get(mode, {})
        for figure in AT_LEAST + AT_MOST:
            value, floor = measured[mode][figure], recorded.get(figure)
            if floor is None:
                shown, status = "-", "FAIL (no floor: --record)"
            else:
                shown = "%s %s" % (">=" if figure in AT_LEAST else "<=", floor)
                status = "FAIL" if not holds(figure, value, floor) else "ok" if value == floor else "ok, better"
            if status.startswith("FAIL") and mode not in worse:
                worse.append(mode)
            better += status == "ok, better"
            print("%-26s %-23s %8s %9s  %s" % (mode, figure, value, shown, status))
        scored = measured[mode]["streams_scored"]
        if recorded.get("streams_scored") not in (None, scored):
            print("%-26s note: %d streams scored, %d when recorded: the set or its undecidable list changed"
                  % (mode, scored, recorded["streams_scored"]))
    return worse, better


def record(measured, floors, force):
    """The floors tightened to today's figures (or replaced by them, with force)."""
    out = {}
    for mode in MODES:
        old, new = floors.get(mode, {}), {}
        for figure in AT_LEAST + AT_MOST:
            value = measured[mode][figure]
            new[figure] = value if force or figure not in old else tighter(figure, value, old[figure])
        new["streams_scored"] = measured[mode]["streams_scored"]  # for the reader; not a floor
        out[mode] = new
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", type=Path, help="the dropscope binary to score")
    parser.add_argument("--devset", type=Path, default=DEVSET, help="the set's folder (default: %(default)s)")
    parser.add_argument("--floors", type=Path, default=FLOORS, help="the floors file (default: %(default)s)")
    parser.add_argument("--record", action="store_true", help="write tighter floors from today's figures")
    parser.add_argument("--force", action="store_true", help="with --record: write today's figures even if worse")
    opts = parser.parse_args()
    if opts.force and not opts.record:
        parser.error("--force only goes with --record")

    if not (opts.devset / "score.py").is_file() or not (opts.devset / "labels.json").is_file():
        ci = " (CI is set: this machine has no copy of shared/devset beside the clone)" if os.environ.get("CI") else ""
        if opts.record:
            fail("cannot record: no development set at %s" % opts.devset)
        print("ratchet: skipped: no development set at %s%s" % (opts.devset, ci))
        return
    if not os.access(opts.binary, os.X_OK):
        fail("no dropscope binary at %s (swift build -c release)" % opts.binary)
    binary = opts.binary.resolve()
    book = json.loads(opts.floors.read_text()) if opts.floors.exists() else {}
    floors = book.get("modes", {})

    started = time.monotonic()
    measured = {mode: score(binary, opts.devset, args) for mode, args in MODES.items()}
    elapsed = time.monotonic() - started
    if opts.record:
        floors = record(measured, floors, opts.force)
        book = {"about": "Floors of dropscope's figures on the development set, per scorer mode: "
                         "Tools/devset/ratchet.py checks them and --record raises them.", "modes": floors}
        opts.floors.write_text(json.dumps(book, indent=2) + "\n")
    worse, better = table(measured, floors)
    print("ratchet: %d modes scored in %.1f s with %s" % (len(MODES), elapsed, opts.binary))
    if opts.record:
        print("ratchet: floors written to %s%s" % (opts.floors, " (forced)" if opts.force else ""))
    if worse:
        print("ratchet: FAIL: a figure is worse than its floor. The misses:")
        for mode in worse:
            print("  python3 %s %s %s %s --verbose"
                  % (opts.devset / "score.py", opts.binary, opts.devset / "labels.json", " ".join(MODES[mode])))
        sys.exit(1)
    if better:
        print("ratchet: %d figure(s) better than their floors: raise them with --record" % better)


if __name__ == "__main__":
    main()
