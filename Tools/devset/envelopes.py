#!/usr/bin/env python3
"""Scores dropscope on the development set's application logs wrapped in the envelopes platforms keep logs in.

    python3 Tools/devset/envelopes.py BIN [--devset DIR] [--envelope cri,docker,…] [--verbose]

Each client log of the set is wrapped as the platform writes it (the formats' documentation: Docker json-file
https://docs.docker.com/engine/logging/drivers/json-file/; CRI, kubernetes design-proposals-archive
node/kubelet-cri-logging.md; `kubectl logs --timestamps --prefix`; journald JSON https://systemd.io/JOURNAL_EXPORT_FORMATS/;
CloudWatch FilterLogEvents, `events[]` with `timestamp` ms and `message`, a traceback gathered into one multi-line
event; Cloud Logging LogEntry, `gcloud logging read --format=json` order, newest first), into a copy of the set in a
temporary folder, and the set's scorer (score.py) is run on each copy. Every record is stamped with its line's own
time, or the last one seen: the figures should equal the plain set's. A measurement, not a ratchet.
"""
import argparse
import datetime
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAMP = re.compile(r"^\[?(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:[.,](\d+))?")
ENVELOPES = ["cri", "docker", "journal", "kubectl", "cloudwatch", "awstail", "gcloud"]


def micros(match):
    frac = (match.group(3) or "0")[:6].ljust(6, "0")
    day = datetime.datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}+00:00")
    return int(day.timestamp()) * 1_000_000 + int(frac)


def timed(lines):
    """Each line with its record's time: its own (a leading time, or a JSON record's), else the last one seen."""
    last = int(datetime.datetime(2026, 11, 22, tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000
    out = []
    for line in lines:
        match = STAMP.match(line)
        if not match and line.startswith("{"):
            try:
                record = json.loads(line)
                value = next((record[k] for k in ("timestamp", "time", "asctime", "ts") if isinstance(record.get(k), str)), "")
                match = STAMP.match(value)
            except ValueError:
                pass
        if match:
            last = micros(match)
        out.append((line, last))
    return out


def iso(us, digits=9):
    day = datetime.datetime.fromtimestamp(us // 1_000_000, datetime.timezone.utc)
    return day.strftime("%Y-%m-%dT%H:%M:%S") + "." + f"{us % 1_000_000:06d}000"[:digits] + "Z"


def wrap(kind, text):
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    records = timed(lines)
    if kind == "cri":
        return "".join(f"{iso(t)} stderr F {line}\n" for line, t in records)
    if kind == "docker":
        return "".join(json.dumps({"log": line + "\n", "stream": "stderr", "time": iso(t)}) + "\n" for line, t in records)
    if kind == "journal":
        return "".join(json.dumps({"__REALTIME_TIMESTAMP": str(t), "_PID": "77", "SYSLOG_IDENTIFIER": "python3",
                                   "MESSAGE": line}) + "\n" for line, t in records)
    if kind == "kubectl":
        return "".join(f"[pod/app-1/app] {iso(t)} {line}\n" for line, t in records)
    if kind == "cloudwatch":
        events = []
        for line, t in records:
            if events and not STAMP.match(line) and not line.startswith("{"):
                events[-1]["message"] += "\n" + line
            else:
                events.append({"logStreamName": "app/app/1", "timestamp": t // 1000, "message": line,
                               "ingestionTime": t // 1000 + 100, "eventId": str(len(events))})
        return json.dumps({"events": events, "searchedLogStreams": []}, indent=4) + "\n"
    if kind == "awstail":
        # `aws logs tail GROUP` (detailed, its default): awscli/customizations/logs/tail.py prints each event as
        # `timestamp.isoformat(timespec='microseconds')` of a UTC datetime, the log stream, the message right-stripped;
        # a multi-line event's further lines follow as they are.
        out = []
        for line, t in records:
            if out and not STAMP.match(line) and not line.startswith("{"):
                out[-1][2] += "\n" + line
            else:
                out.append([t // 1000, "app/app/1", line])
        return "".join(f"{iso(ms * 1000, 6)[:-1]}+00:00 {stream} {message.rstrip()}\n" for ms, stream, message in out)
    if kind == "gcloud":
        entries = [{"insertId": str(i), "logName": "projects/p/logs/stderr", "resource": {"type": "k8s_container",
                    "labels": {"pod_name": "app-1", "container_name": "app", "project_id": "p"}},
                    "textPayload": line, "timestamp": iso(t), "severity": "DEFAULT"} for i, (line, t) in enumerate(records)]
        return json.dumps(entries[::-1], indent=2) + "\n"
    raise ValueError(kind)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--devset", default=str(ROOT.parent / "shared" / "devset"))
    parser.add_argument("--envelope", default=",".join(ENVELOPES))
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    devset = Path(args.devset)
    if not (devset / "labels.json").exists():
        print(f"no development set at {devset}: skipped")
        return 0
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory(prefix="dropscope-envelopes-") as scratch:
        for kind in args.envelope.split(","):
            copy = Path(scratch) / kind
            shutil.copytree(devset, copy)
            labels = json.load(open(copy / "labels.json"))
            for case in labels["cases"]:
                for entry in case["files"]:
                    if entry["kind"] != "client_log":
                        continue
                    path = copy / entry["path"]
                    with gzip.open(path, "rt", errors="surrogateescape") as f:
                        text = f.read()
                    with gzip.open(path, "wt", errors="surrogateescape") as f:
                        f.write(wrap(kind, text))
            command = [sys.executable, str(copy / "score.py"), binary, str(copy / "labels.json"), "client_log"]
            result = subprocess.run(command + (["--verbose"] if args.verbose else []), capture_output=True, text=True)
            lines = result.stdout.strip().splitlines() or [result.stderr.strip()]
            if args.verbose:
                print("\n".join(f"{kind}: {line}" for line in lines if not line.startswith("ok")))
            else:
                print(f"{kind:10} {lines[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
