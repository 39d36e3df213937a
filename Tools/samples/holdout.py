#!/usr/bin/env python3
"""Records fresh incidents that are not in the repository and scores dropscope on them: a measure of what the
verdicts do on recordings nobody tuned for, to run before and after a change to them.

    python3 Tools/samples/holdout.py BINARY [--seed N] [--count K] [--out DIR] [--verbose]

From the seed, each incident draws its own shape: the application (the job worker on threads, on asyncio, or a
uvicorn service with worker processes), how wide it runs, its log style, the envelope a platform keeps it in
(none, CRI, Docker json-file, journald JSON, kubectl, CloudWatch, Cloud Logging), and a mix of 20-50 jobs over both
SDKs and every fault the server injects. Each is recorded like the samples (Tools/samples/generate.py: the real
clients against the fault server on 127.0.0.1, the ground truth from what the server and the worker saw) into
DIR (a temporary folder by default, never SampleLogs/), then scored with score_samples.py. A new seed is a new
holdout; keep the seed in a note to compare two builds on the same recordings.
"""
import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

ANTHROPIC_JOBS = ["complete@stream", "complete@create", "fin-mid-delta@create", "fin-mid-delta@stream",
                  "rst-mid-delta@stream", "rst-mid-delta@create", "idle-close-4@create", "idle-close-4@stream",
                  "status-529@create", "error-event@stream", "complete@stream+break=3", "complete@create+break=8"]
OPENAI_JOBS = ["complete@openai", "fin-mid-delta@openai", "rst-mid-delta@openai", "idle-close-4@openai",
               "status-529@openai", "complete@openai+break=7"]
WORKER_STYLES = ["plain", "jsonl", "threads", "gunicorn", "seconds"]
ENVELOPES = [None, "cri", "docker", "journal", "kubectl", "cloudwatch", "gcloud"]


def incident(rng, number):
    """One incident's name and recording spec, drawn from `rng`."""
    jobs = [rng.choice(ANTHROPIC_JOBS + OPENAI_JOBS) for _ in range(rng.randint(20, 50))]
    job_args = [arg for job in jobs for arg in ("--job", job)]
    envelope = rng.choice(ENVELOPES)
    app = rng.choice(["worker-async", "worker-threads", "service"])
    if app == "service":
        args = ["--workers", str(rng.randint(2, 4)), "--concurrency", str(rng.randint(4, 16))]
        name, spec = f"{number:02d}-service", {"app": "service_app.py"}
    else:
        style = rng.choice(WORKER_STYLES)
        args = ["--style", style, "--concurrency", str(rng.randint(4, 20))] + (["--async"] if app == "worker-async" else [])
        name, spec = f"{number:02d}-{app}-{style}", {}
    if envelope:
        spec["envelope"] = envelope
        name += f"-{envelope}"
    spec["runs"] = [("app.log.gz", "clients", args + job_args, {})]
    return name, spec


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--out")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix=f"dropscope-holdout-{args.seed}-"))
    generate.SAMPLES = out
    rng = random.Random(args.seed)
    for index in range(args.count):
        # Numbers from 90 keep the generated request ids apart from the samples' (generate.py seeds them so).
        name, spec = incident(rng, 90 + index)
        print(f"recording {name}", flush=True)
        generate.record(name, spec, {venv: generate.venv_python(venv) for _, venv, _, _ in spec["runs"]})
    score = [sys.executable, str(HERE / "score_samples.py"), args.binary, str(out)] + (["--verbose"] if args.verbose else [])
    print(f"recordings in {out}", flush=True)
    sys.exit(subprocess.call(score))


if __name__ == "__main__":
    main()
