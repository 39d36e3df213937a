#!/usr/bin/env python3
"""A summarizer HTTP service: Starlette under uvicorn with several worker processes, each request one job that
streams from the Anthropic or OpenAI API (worker_app.py's jobs, on the async clients).

Run as a script, it starts the service on a free loopback port with uvicorn's default logging (its own
`INFO:     …` lines and access lines, no timestamps) beside the application's (`logging.basicConfig`, with the
worker's PID), sends every --job to it as a request, several at once, and stops it with SIGINT; everything the
service writes goes to standard output, as one file of a multi-worker service's log:

    service_app.py --base http://127.0.0.1:PORT --truth truth.jsonl --workers 3 --concurrency 8 --job SPEC …

Job SPECs are worker_app.py's.  It talks only to 127.0.0.1, and stops itself after --limit seconds.
"""
import argparse
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ != "__main__":
    # Imported by each uvicorn worker process: the application.
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    import worker_app

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s")
    BASE = os.environ["SUMMARIZER_BASE"]
    TRUTH = os.environ.get("SUMMARIZER_TRUTH")

    async def summarize(request):
        job = worker_app.Job(request.path_params["spec"], BASE, TRUTH)
        await worker_app.work_async(job, "all")
        return JSONResponse({"job": job.id, "outcome": job.record.get("outcome")})

    app = Starlette(routes=[Route("/summaries/{spec}", summarize, methods=["POST"])])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--truth")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--limit", type=float, default=100)
    parser.add_argument("--job", action="append", default=[])
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "SUMMARIZER_BASE": args.base, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": str(HERE) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if args.truth:
        env["SUMMARIZER_TRUTH"] = args.truth
    sys.stdout.flush()
    service = subprocess.Popen([sys.executable, "-m", "uvicorn", "service_app:app", "--host", "127.0.0.1",
                                "--port", str(port), "--workers", str(args.workers)],
                               cwd=HERE, env=env, stdout=sys.stdout, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + args.limit
    try:
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1.5)  # every worker up

        def send(spec):
            url = f"http://127.0.0.1:{port}/summaries/{urllib.parse.quote(spec, safe='')}"
            try:
                urllib.request.urlopen(urllib.request.Request(url, method="POST"),
                                       timeout=max(1, deadline - time.monotonic())).read()
            except (urllib.error.URLError, TimeoutError):
                pass

        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            for spec in args.job:
                pool.submit(send, spec)
                time.sleep(0.1)
    finally:
        service.send_signal(signal.SIGINT)
        try:
            service.wait(timeout=20)
        except subprocess.TimeoutExpired:
            service.kill()


if __name__ == "__main__":
    main()
