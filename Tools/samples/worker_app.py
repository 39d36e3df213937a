#!/usr/bin/env python3
"""A job worker that summarises documents with the Anthropic or OpenAI API: written apart from app.py, on
purpose, so the samples do not all share one application's code, log configuration and error handling.

It talks only to the fault server on 127.0.0.1 (--base).  Each --job is SCENARIO[@API][+OPTION...]:

  API      stream   anthropic client.messages.stream(...)          (the default)
           create   anthropic client.messages.create(stream=True)
           openai   openai client.chat.completions.create(stream=True)
           litellm  litellm.completion(model="anthropic/…", stream=True): LiteLLM's own HTTP client
           langchain  langchain_anthropic.ChatAnthropic(...).stream(...): anthropic underneath
  OPTION   break=N  the caller stops reading after N deltas (breaks out of the loop)
           close=N  the caller calls stream.close() after N deltas and logs that it aborted
           bug=N    the worker's own code raises inside the loop after N deltas
           read=S   an httpx read timeout of S seconds for this job (connect stays 5 s)

--style picks how the service logs (see STYLES), --handling what it catches:
  all       every exception, logged with logger.exception (a traceback under the log line)
  apierror  only anthropic.APIError / openai.APIError: transport errors the SDK lets through escape uncaught,
            and Python prints their traceback to stderr with no timestamp (the process exits 1)
--async runs the same jobs on AsyncAnthropic / AsyncOpenAI.  --truth FILE appends one JSON line per job with
what the worker saw (the exception that reached it and whether it came from the HTTP library raw).
"""
import argparse
import asyncio
import json
import logging
import os
import sys
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

MODEL = "claude-haiku-4-5"
OPENAI_MODEL = "gpt-4.1-mini"
FAKE_KEY = "sk-ant-api03-wK3vN8qT2xZ5cR7yB1mL4pD9sF6hJ0gA3eU8iO2kW5nX7bV1cM4zQ9rT6yP3sL8dF0gH2jK5-QQQQQQ"
FAKE_OPENAI_KEY = "sk-proj-Wq8Er5Ty2Ui9Op3As6Df1Gh4Jk7Lz0Xc3Vb6Nm9Qw2Er5Ty8Ui1Op4As7Df0Gh3Jk6Lz9Xc2Vb5Nm8Qw1E"
RAW_LIBRARIES = ("httpx", "httpx2", "httpcore", "httpcore2", "h11", "anyio")

log = logging.getLogger("summarizer.jobs")


class JsonLines(logging.Formatter):
    """One JSON object per record, the way log shippers want it: the traceback as one string."""

    def format(self, record):
        entry = {"timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
                 .replace("+00:00", "Z"), "severity": record.levelname, "logger": record.name,
                 "message": record.getMessage(), "pid": record.process}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


# name: (format, datefmt, httpx request lines kept)
STYLES = {
    # gunicorn's own layout; the HTTP library's per-request lines silenced, as services do to cut noise
    "gunicorn": ("%(asctime)s [%(process)d] [%(levelname)s] %(message)s", "[%Y-%m-%d %H:%M:%S %z]", False),
    # whole seconds: %(asctime)s with a datefmt that has no milliseconds
    "seconds": ("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S", True),
    "plain": ("%(asctime)s [%(levelname)s] %(name)s - %(message)s", None, True),
    # thread names, milliseconds after a dot
    "threads": ("%(asctime)s.%(msecs)03d %(levelname)-5s [%(threadName)s] %(name)s: %(message)s",
                "%Y-%m-%d %H:%M:%S", True),
}


def configure_logging(style, only_app_lines):
    if style == "sdk-debug":
        # ANTHROPIC_LOG=debug / OPENAI_LOG=debug in the environment: the SDK configures logging itself; the worker
        # only raises its own logger to INFO.
        log.setLevel(logging.INFO)
        return
    handler = logging.StreamHandler(sys.stderr)
    if style == "jsonl":
        handler.setFormatter(JsonLines())
        keep_httpx = True
    else:
        fmt, datefmt, keep_httpx = STYLES[style]
        handler.setFormatter(logging.Formatter(fmt, datefmt))
    root = logging.getLogger()
    root.addHandler(handler)
    if only_app_lines:
        # Only the worker's own logger speaks: the SDK's and the HTTP library's lines stay below WARNING.
        root.setLevel(logging.WARNING)
        log.setLevel(logging.INFO)
        return
    root.setLevel(logging.INFO)
    if not keep_httpx:
        for name in ("httpx", "httpx2", "httpcore", "httpcore2"):
            logging.getLogger(name).setLevel(logging.WARNING)


def parse_job(spec):
    scenario, _, rest = spec.partition("@")
    api, *options = (rest or "stream").split("+")
    opts = {}
    for option in options:
        key, _, value = option.partition("=")
        opts[key] = float(value) if key == "read" else int(value or 0)
    return scenario, api or "stream", opts


def timeout_for(sdk, opts, default):
    if "read" in opts:
        return sdk.Timeout(30.0, connect=5.0, read=opts["read"])
    return default


def prompt(job_id):
    return [{"role": "user", "content": f"Summarise document {job_id} for the weekly digest."}]


class Job:
    def __init__(self, spec, base, truth):
        self.id = uuid.uuid4().hex[:6]
        self.spec = spec
        self.scenario, self.api, self.opts = parse_job(spec)
        self.base = base
        self.truth = truth
        self.deltas = 0
        self.started = time.monotonic()
        self.record = {"job": self.id, "spec": spec, "scenario": self.scenario, "api": self.api,
                       "t_start": round(time.time(), 3)}

    def elapsed(self):
        return time.monotonic() - self.started

    def action(self):
        for key in ("break", "close", "bug"):
            if key in self.opts and self.deltas >= self.opts[key]:
                return key
        return None

    def note(self, outcome, exc=None, uncaught=False, **extra):
        """What the worker saw, for the expected verdicts (written to --truth, never to the log)."""
        self.record.update(outcome=outcome, deltas=self.deltas, t_end=round(time.time(), 3), uncaught=uncaught,
                           **extra)
        if exc is not None:
            chain, seen = [], exc
            while seen is not None and len(chain) < 10:
                chain.append(f"{type(seen).__module__}.{type(seen).__qualname__}")
                seen = seen.__cause__ or seen.__context__
            self.record.update(exception=chain[0], exception_chain=chain,
                               escaped_raw=type(exc).__module__.split(".")[0] in RAW_LIBRARIES,
                               timeout=any("Timeout" in c for c in chain))
        if self.truth:
            with open(self.truth, "a") as f:
                f.write(json.dumps(self.record) + "\n")


class AppBug(Exception):
    pass


def check_delta(job, event_text):
    """The worker's own post-processing of a delta; with bug=N it fails the way real code does."""
    if "bug" in job.opts and job.deltas >= job.opts["bug"]:
        raise AppBug(f"digest template has no slot for chunk {job.deltas}: {event_text[:20]!r}")


def done_line(job, stop_reason, tokens):
    if job.api == "openai":
        log.info("job %s: done finish_reason=%s chunks=%d in %.2fs", job.id, stop_reason, job.deltas, job.elapsed())
    else:
        log.info("job %s: done stop_reason=%s output_tokens=%s in %.2fs", job.id, stop_reason, tokens, job.elapsed())


def stopped_early(job, how):
    if how == "break":
        log.warning("job %s: cancelled by caller after %d deltas (%.2fs)", job.id, job.deltas, job.elapsed())
    else:
        log.warning("job %s: aborted, stream closed after %d deltas (%.2fs)", job.id, job.deltas, job.elapsed())
    job.note("cancelled", how=how)


# ---- sync ------------------------------------------------------------------------------------------------------
def take_chunk(job, chunk, finish):
    """Counts an OpenAI chunk's content; returns the finish reason seen so far."""
    if chunk.choices and chunk.choices[0].delta.content:
        job.deltas += 1
        check_delta(job, chunk.choices[0].delta.content)
    return (chunk.choices[0].finish_reason if chunk.choices else None) or finish


def take_event(job, event, stop_reason, tokens):
    """Counts an Anthropic event's content; returns the stop reason and output tokens seen so far."""
    if event.type == "content_block_delta":
        job.deltas += 1
        check_delta(job, getattr(event.delta, "text", "") or "")
    elif event.type == "message_delta":
        return event.delta.stop_reason, event.usage.output_tokens
    return stop_reason, tokens


def run_litellm(job, headers):
    import litellm
    stream = litellm.completion(model=f"anthropic/{MODEL}", messages=prompt(job.id), stream=True, max_tokens=800,
                                api_base=f"{job.base}/s/{job.scenario}", api_key=FAKE_KEY, extra_headers=headers,
                                timeout=job.opts.get("read", 60.0))
    finish = None
    for chunk in stream:
        finish = take_chunk(job, chunk, finish)
        if job.action() in ("break", "close"):
            return stopped_early(job, job.action())
    done_line(job, finish, None)
    return job.note("completed" if finish else "ended_without_finish")


def run_langchain(job, headers):
    from langchain_anthropic import ChatAnthropic
    llm = ChatAnthropic(model=MODEL, max_tokens=800, api_key=FAKE_KEY, base_url=f"{job.base}/s/{job.scenario}",
                        default_headers=headers, timeout=job.opts.get("read", 60.0))
    stop_reason = None
    for chunk in llm.stream(prompt(job.id)):
        text = chunk.content if isinstance(chunk.content, str) else "".join(
            part.get("text", "") for part in chunk.content if isinstance(part, dict))
        if text:
            job.deltas += 1
            check_delta(job, text)
        stop_reason = (chunk.response_metadata or {}).get("stop_reason") or stop_reason
        if job.action() in ("break", "close"):
            return stopped_early(job, job.action())
    done_line(job, stop_reason, None)
    return job.note("completed" if stop_reason else "ended_without_stop")


def run_sync(job):
    headers = {"x-job-id": job.id}
    if job.api == "litellm":
        return run_litellm(job, headers)
    if job.api == "langchain":
        return run_langchain(job, headers)
    if job.api == "openai":
        import openai
        client = openai.OpenAI(api_key=FAKE_OPENAI_KEY, base_url=f"{job.base}/s/{job.scenario}/v1",
                               timeout=timeout_for(openai, job.opts, 60.0))
        stream = client.chat.completions.create(model=OPENAI_MODEL, messages=prompt(job.id), stream=True,
                                                extra_headers=headers)
        finish = None
        for chunk in stream:
            finish = take_chunk(job, chunk, finish)
            if job.action() in ("break", "close"):
                if job.action() == "close":
                    stream.close()
                return stopped_early(job, job.action())
        done_line(job, finish, None)
        return job.note("completed" if finish else "ended_without_finish")
    import anthropic
    client = anthropic.Anthropic(api_key=FAKE_KEY, base_url=f"{job.base}/s/{job.scenario}",
                                 timeout=timeout_for(anthropic, job.opts, 60.0))
    if job.api == "create":
        stream = client.messages.create(model=MODEL, max_tokens=800, messages=prompt(job.id), stream=True,
                                        extra_headers=headers)
        stop_reason = tokens = None
        for event in stream:
            stop_reason, tokens = take_event(job, event, stop_reason, tokens)
            if job.action() in ("break", "close"):
                if job.action() == "close":
                    stream.close()
                return stopped_early(job, job.action())
        done_line(job, stop_reason, tokens)
        return job.note("completed" if stop_reason else "ended_without_stop")
    with client.messages.stream(model=MODEL, max_tokens=800, messages=prompt(job.id),
                                extra_headers=headers) as stream:
        for event in stream:
            if event.type == "content_block_delta":
                job.deltas += 1
                check_delta(job, getattr(event.delta, "text", "") or "")
            if job.action() == "break":
                break
            if job.action() == "close":
                stream.close()
                break
        else:
            final = stream.get_final_message()
            done_line(job, final.stop_reason, final.usage.output_tokens)
            return job.note("completed" if final.stop_reason else "ended_without_stop")
    return stopped_early(job, job.action())


# ---- async -----------------------------------------------------------------------------------------------------
async def run_async(job):
    headers = {"x-job-id": job.id}
    if job.api == "openai":
        import openai
        client = openai.AsyncOpenAI(api_key=FAKE_OPENAI_KEY, base_url=f"{job.base}/s/{job.scenario}/v1",
                                    timeout=timeout_for(openai, job.opts, 60.0))
        stream = await client.chat.completions.create(model=OPENAI_MODEL, messages=prompt(job.id), stream=True,
                                                      extra_headers=headers)
        finish = None
        async for chunk in stream:
            finish = take_chunk(job, chunk, finish)
            if job.action() in ("break", "close"):
                if job.action() == "close":
                    await stream.close()
                return stopped_early(job, job.action())
        done_line(job, finish, None)
        return job.note("completed" if finish else "ended_without_finish")
    import anthropic
    client = anthropic.AsyncAnthropic(api_key=FAKE_KEY, base_url=f"{job.base}/s/{job.scenario}",
                                      timeout=timeout_for(anthropic, job.opts, 60.0))
    if job.api == "create":
        stream = await client.messages.create(model=MODEL, max_tokens=800, messages=prompt(job.id), stream=True,
                                              extra_headers=headers)
        stop_reason = tokens = None
        async for event in stream:
            stop_reason, tokens = take_event(job, event, stop_reason, tokens)
            if job.action() in ("break", "close"):
                if job.action() == "close":
                    await stream.close()
                return stopped_early(job, job.action())
        done_line(job, stop_reason, tokens)
        return job.note("completed" if stop_reason else "ended_without_stop")
    async with client.messages.stream(model=MODEL, max_tokens=800, messages=prompt(job.id),
                                      extra_headers=headers) as stream:
        async for event in stream:
            if event.type == "content_block_delta":
                job.deltas += 1
                check_delta(job, getattr(event.delta, "text", "") or "")
            if job.action() == "break":
                break
            if job.action() == "close":
                await stream.close()
                break
        else:
            final = await stream.get_final_message()
            done_line(job, final.stop_reason, final.usage.output_tokens)
            return job.note("completed" if final.stop_reason else "ended_without_stop")
    return stopped_early(job, job.action())


# ---- error handling --------------------------------------------------------------------------------------------
def api_errors(job):
    import anthropic
    errors = (anthropic.APIError,)
    if job.api == "openai":
        import openai
        errors = (openai.APIError,)
    return errors


def failed(job, exc, handling):
    """Logs a failure the worker caught; returns False when the exception must escape (handling=apierror)."""
    if isinstance(exc, api_errors(job)):
        job.note("failed", exc)
        if handling == "apierror":
            log.error("job %s: %s after %.1fs (%d deltas received): %s", job.id, type(exc).__name__,
                      job.elapsed(), job.deltas, exc)
        else:
            log.exception("job %s: failed after %.1fs (%d deltas received)", job.id, job.elapsed(), job.deltas)
        return True
    if handling == "apierror":
        job.note("failed", exc, uncaught=True)  # it escapes: Python prints it, no timestamp
        return False
    job.note("app_error" if isinstance(exc, AppBug) else "failed", exc)
    log.exception("job %s: failed after %.1fs (%d deltas received)", job.id, job.elapsed(), job.deltas)
    return True


def work_sync(job, handling):
    log.info("job %s: started (%s, %s)", job.id, job.api, OPENAI_MODEL if job.api == "openai" else MODEL)
    try:
        run_sync(job)
    except Exception as exc:
        if not failed(job, exc, handling):
            raise


async def work_async(job, handling):
    log.info("job %s: started (%s, %s, async)", job.id, job.api, OPENAI_MODEL if job.api == "openai" else MODEL)
    try:
        await run_async(job)
    except Exception as exc:
        if not failed(job, exc, handling):
            raise


def sdk_versions():
    from importlib.metadata import PackageNotFoundError, version
    names = []
    for name in ("anthropic", "openai", "litellm", "langchain-anthropic"):
        try:
            names.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            pass
    return ", ".join(names)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--style", default="gunicorn", choices=sorted(list(STYLES) + ["jsonl", "sdk-debug"]))
    parser.add_argument("--only-app-lines", action="store_true",
                        help="the root logger at WARNING: the SDK's own INFO lines (retries) do not show")
    parser.add_argument("--handling", default="all", choices=["all", "apierror"])
    parser.add_argument("--async", dest="use_async", action="store_true")
    parser.add_argument("--concurrency", type=int, default=1,
                        help="worker threads, or with --async calls in flight at once on the event loop")
    parser.add_argument("--job", action="append", default=[])
    parser.add_argument("--truth", help="append what the worker saw per job here (JSON lines)")
    args = parser.parse_args()
    configure_logging(args.style, args.only_app_lines)
    if args.style == "gunicorn":
        log.info("Booting worker with pid: %d", os.getpid())
    log.info("summarizer worker ready (%s), %d job(s) queued", sdk_versions(), len(args.job))
    jobs = [Job(spec, args.base, args.truth) for spec in args.job]
    if args.use_async:
        async def one(job, gate):
            async with gate:
                asyncio.current_task().set_name(f"job-{job.id}")
                job.started = time.monotonic()
                job.record["t_start"] = round(time.time(), 3)
                await work_async(job, args.handling)

        async def all_jobs():
            # --concurrency N: up to N calls in flight at once on one event loop, as a busy async service runs them.
            gate = asyncio.Semaphore(max(1, args.concurrency))
            tasks = []
            for job in jobs:
                tasks.append(asyncio.create_task(one(job, gate)))
                await asyncio.sleep(0.05)
            await asyncio.gather(*tasks, return_exceptions=args.handling == "all")
        asyncio.run(all_jobs())
    elif args.concurrency > 1:
        def one(job):
            job.started = time.monotonic()
            job.record["t_start"] = round(time.time(), 3)
            work_sync(job, args.handling)
        with ThreadPoolExecutor(max_workers=args.concurrency, thread_name_prefix="jobs") as pool:
            futures = []
            for job in jobs:
                futures.append(pool.submit(one, job))
                time.sleep(0.2)
            for future in futures:
                future.result()
    else:
        for job in jobs:
            job.started = time.monotonic()
            job.record["t_start"] = round(time.time(), 3)
            work_sync(job, args.handling)
    log.info("queue drained")


if __name__ == "__main__":
    main()
