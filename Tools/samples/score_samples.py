#!/usr/bin/env python3
"""Scores dropscope's verdicts on the sample incidents that carry their ground truth (expected-verdicts.json,
written by generate.py from what the fault server did and what the application saw).

    python3 Tools/samples/score_samples.py .build/release/dropscope [SampleLogs] [--verbose] [--json] [--strict]

For each incident folder with expected-verdicts.json it runs `dropscope analyze --format json` once on the
folder's inputs (every file whose name does not start with `expected-`, as the golden tests read them) and
scores every input file on its own: the attempts an entry's `files` names (all of them when it
names none) are matched to the streams reported for that file by request id, then by the client port a capture
stream names in its context, then (among streams that name no request id) to a stream with the expected verdict
nearest in time, to the nearest in time within 2.5 s, and last in order, as a person lining the report up
with the truth would.  An attempt counts
right when its classification (`completed`, or the failure cause) is the expected one; the leak finding
(`unwrapped_exception_leak`) is scored on logs only, since a capture cannot show which exception reached the
application.  Streams reported for a file that match no attempt are counted as extra.

Matching a stream that names no request id by its verdict lines up a report whose verdicts are right in
number but sit on the wrong attempts (an application's account of one call given to another call's response,
in a log that interleaves calls without naming them) as all right.  `--strict` matches by what the attempt
itself was instead: a stream whose URL names the attempt's fault-server scenario (`/s/<scenario>/`), the
nearest in start time within 2.5 s, then by time and order as above; never by verdict.

Standard library only.  The exit status is 0 whenever every incident could be analysed: the figures are a
measurement, not a gate.
"""
import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

CAPTURE_SUFFIXES = (".pcap", ".pcapng", ".cap")
PORT = re.compile(r":(\d{1,5})\b")
TOLERANCE = 2.5


def reported_class(stream):
    return "completed" if stream.get("outcome") == "completed" else (stream.get("cause") or "unknown")


def finding_names(stream):
    names = set()
    for finding in stream.get("findings") or []:
        names.add(finding if isinstance(finding, str) else
                  (finding.get("name") or finding.get("kind") or finding.get("id") or ""))
    return names


def analyze(binary, folder, inputs):
    try:
        done = subprocess.run([binary, "analyze", "--format", "json"] + [str(folder / name) for name in inputs],
                              capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None, "dropscope did not finish in 300 s"
    try:
        report = json.loads(done.stdout.decode("utf-8", "replace"))
    except ValueError:
        return None, f"no JSON report (exit {done.returncode}): {done.stderr.decode('utf-8', 'replace')[:200]}"
    return per_input(report.get("streams") or []), None


def per_input(streams):
    """A request seen in a log and a capture is one stream with `views`: it is scored in each view's input,
    with the request's one verdict, under the view's own context and start."""
    out = []
    for stream in streams:
        views = stream.get("views") or []
        if not views:
            out.append(stream)
            continue
        for view in views:
            copy = dict(stream)
            copy["input"], copy["context"] = view.get("input"), view.get("context")
            out.append(copy)
    return out


def parse_time(text):
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def other_port(entry, stream, capture):
    """True when a capture's stream names client ports and not this attempt's."""
    ports = PORT.findall(stream.get("context") or "")
    return bool(capture and entry.get("client_port") is not None and ports and str(entry["client_port"]) not in ports)


def scenario_of(stream):
    """The fault-server scenario a stream's URL names (`/s/<scenario>/`), or None."""
    found = re.search(r"/s/([^/]+)/", stream.get("url") or "")
    return found.group(1) if found else None


def match(expected, streams, capture, strict=False):
    """Pairs each expected attempt with a reported stream (or None); returns the pairs and the streams left."""
    free = list(streams)
    pairs = {}

    def take(i, hit):
        pairs[i] = hit
        free.remove(hit)

    def distance(entry, stream):
        a, b = parse_time(entry.get("t_request")), parse_time(stream.get("started_at"))
        return abs(a - b) if a is not None and b is not None else float("inf")

    for i, entry in enumerate(expected):  # 1. request id
        rid = entry.get("request_id")
        hit = next((s for s in free if rid and s.get("request_id") == rid), None)
        if hit:
            take(i, hit)
    if capture:  # 2. the client port a capture's stream names
        for i, entry in enumerate(expected):
            if i in pairs or entry.get("client_port") is None:
                continue
            hit = next((s for s in free if not s.get("request_id")
                        and str(entry["client_port"]) in PORT.findall(s.get("context") or "")), None)
            if hit:
                take(i, hit)
    # 3. a stream with the expected verdict, the nearest in time; 4. the nearest in time within TOLERANCE s;
    # 5. order.  Only streams that name no request id and no other client port.
    for rule in ("scenario", "time", "order") if strict else ("verdict", "time", "order"):
        for i, entry in enumerate(expected):
            if i in pairs:
                continue
            cands = [s for s in free if not s.get("request_id") and not other_port(entry, s, capture)]
            if rule == "verdict":
                cands = [s for s in cands if reported_class(s) == entry["classification"]]
            elif rule == "scenario":
                cands = [s for s in cands if entry.get("scenario") and scenario_of(s) == entry["scenario"]
                         and distance(entry, s) <= TOLERANCE]
            elif rule == "time":
                cands = [s for s in cands if distance(entry, s) <= TOLERANCE]
            if cands:
                take(i, cands[0] if rule == "order" else min(cands, key=lambda s: distance(entry, s)))
    return [(entry, pairs.get(i)) for i, entry in enumerate(expected)], free


def score_incident(binary, folder, verbose, strict=False):
    expected_all = json.loads((folder / "expected-verdicts.json").read_text())["attempts"]
    inputs = sorted(p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith("expected-"))
    streams, error = analyze(binary, folder, inputs)
    rows = []
    if error:
        return [{"incident": folder.name, "file": "*", "error": error, "attempts": len(expected_all),
                 "right": 0, "leak_scored": 0, "leak_right": 0, "extra": 0, "misses": [error]}]
    for name in inputs:
        expected = [e for e in expected_all if not e.get("files") or name in e["files"]]
        mine = [s for s in streams if os.path.basename(s.get("input") or "") == name]
        capture = name.endswith(CAPTURE_SUFFIXES)
        pairs, extra = match(expected, mine, capture, strict)
        row = {"incident": folder.name, "file": name, "attempts": len(expected), "right": 0,
               "leak_scored": 0, "leak_right": 0, "extra": len(extra), "misses": []}
        for entry, stream in pairs:
            label = entry.get("request_id") or f"attempt {entry.get('attempt')} of job {entry.get('job')}"
            if stream is None:
                row["misses"].append(f"{label}: expected {entry['classification']}, no stream reported")
                if not capture:
                    row["leak_scored"] += 1
                continue
            got = reported_class(stream)
            if got == entry["classification"]:
                row["right"] += 1
            else:
                row["misses"].append(f"{label}: expected {entry['classification']}, got {got} "
                                     f"(#{stream.get('id')}, {stream.get('confidence')})")
            if not capture:
                row["leak_scored"] += 1
                leak = "unwrapped_exception_leak" in finding_names(stream)
                if leak == bool(entry.get("leak")):
                    row["leak_right"] += 1
                else:
                    row["misses"].append(f"{label}: leak expected {bool(entry.get('leak'))}, got {leak} "
                                         f"(#{stream.get('id')})")
        if verbose:
            for stream in extra:
                row["misses"].append(f"extra stream #{stream.get('id')}: {reported_class(stream)} "
                                     f"{stream.get('request_id') or ''} {stream.get('context') or ''}".rstrip())
        rows.append(row)
    return rows


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    flags = {a for a in sys.argv[1:] if a.startswith("--")}
    if not args:
        sys.exit(__doc__)
    binary = args[0]
    root = Path(args[1]) if len(args) > 1 else Path(__file__).resolve().parent.parent.parent / "SampleLogs"
    verbose, as_json, strict = "--verbose" in flags, "--json" in flags, "--strict" in flags
    folders = sorted(p for p in root.iterdir() if (p / "expected-verdicts.json").exists())
    if not folders:
        sys.exit(f"no incident in {root} has expected-verdicts.json")
    rows = []
    out = sys.stderr if as_json else sys.stdout
    for folder in folders:
        incident_rows = score_incident(binary, folder, verbose, strict)
        rows += incident_rows
        for row in incident_rows:
            leak = f"leak {row['leak_right']}/{row['leak_scored']}" if row["leak_scored"] else "leak -"
            print(f"{row['incident']:40} {row['file']:22} class {row['right']}/{row['attempts']}  {leak:10}"
                  f"  extra {row['extra']}", file=out)
            for miss in row["misses"]:
                print(f"    {miss}", file=out)
    total = {k: sum(r[k] for r in rows) for k in ("attempts", "right", "leak_scored", "leak_right", "extra")}
    total["incidents"] = len(folders)
    total["errors"] = sum(1 for r in rows if r.get("error"))
    print(f"total: {total['incidents']} incidents, classification right {total['right']}/{total['attempts']}, "
          f"leak finding right {total['leak_right']}/{total['leak_scored']} (logs), "
          f"extra streams {total['extra']}", file=out)
    if as_json:
        print(json.dumps({"total": total, "rows": rows}, indent=1))
    sys.exit(1 if total["errors"] else 0)


if __name__ == "__main__":
    main()
