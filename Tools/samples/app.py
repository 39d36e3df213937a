#!/usr/bin/env python3
"""A small application that streams from the Anthropic or OpenAI API the way
production code does: logging configured, every SSE event logged at DEBUG,
failures logged with their tracebacks, and some left uncaught.

It talks only to the fault server on 127.0.0.1 (--base).  Each --job is
SCENARIO@MODE where MODE is one of:

  stream     anthropic client.messages.stream(...) helper (the default)
  create     anthropic client.messages.create(stream=True)
  openai     openai client.chat.completions.create(stream=True)
  uncaught   like stream, on its own thread, with no try/except around it
  app-error  the application's own code raises after a few events
  deadline   an asyncio deadline (asyncio.timeout) cancels the stream

Jobs run on --concurrency worker threads named worker-1, worker-2, ...
"""
import argparse
import asyncio
import inspect
import logging
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

FORMATS = {
    "basic": logging.BASIC_FORMAT,  # logging.basicConfig() default: LEVEL:name:message
    "thread": "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s",
    "dash": "%(asctime)s - %(name)s - %(levelname)s - %(message)s",
    "pipe": "%(asctime)s | %(levelname)-8s | %(threadName)s | %(name)s | %(message)s",
}
RAW_EVENTS = {"message_start", "content_block_start", "content_block_delta",
              "content_block_stop", "message_delta", "message_stop"}
MODEL = "claude-sonnet-4-5"
FAKE_KEY = "sk-ant-api03-Xq7PzR2mWv9KdL4nB8cT1yH6jF3sA0eG5uI-oZ_kpQ2wE7rT9yU1iO3pA5sD7fG9hJ2kL4zX6cV8bN0mQ-AAAAAA"
FAKE_OPENAI_KEY = "sk-proj-4fJ9kL2mN8pQ1rS5tU7vW0xY3zA6bC9dE2fG5hI8jK1lM4nO7pQ0rS3tU6vW9xY2zA5bC8dE1fG4hI7jK0lM3n"

log = logging.getLogger("app.chat")
events_log = logging.getLogger("app.stream")


def configure_logging(fmt):
    if fmt == "jsonlogger":
        # python-json-logger: one JSON object per record, the traceback in "exc_info".
        from pythonjsonlogger.json import JsonFormatter
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(threadName)s %(name)s %(message)s"))
        logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
        logging.getLogger("app").setLevel(logging.DEBUG)
        return
    if fmt == "structlog":
        # structlog rendering stdlib records too (httpx's lines), tracebacks as one string in "exception".
        import structlog
        shared = [structlog.stdlib.add_log_level, structlog.stdlib.add_logger_name,
                  structlog.processors.TimeStamper(fmt="iso", utc=True)]
        structlog.configure(processors=shared + [structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
                            logger_factory=structlog.stdlib.LoggerFactory())
        formatter = structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        structlog.processors.format_exc_info, structlog.processors.JSONRenderer()])
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(formatter)
        logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
        logging.getLogger("app").setLevel(logging.DEBUG)
        return
    if fmt == "sdk-debug":
        # ANTHROPIC_LOG/OPENAI_LOG=debug: the SDK calls basicConfig with its own format.
        logging.getLogger("app").setLevel(logging.DEBUG)
        return
    if fmt == "loguru":
        from loguru import logger as loguru_logger
        loguru_logger.remove()
        loguru_logger.add(sys.stderr, level="DEBUG", backtrace=False, diagnose=False)

        class InterceptHandler(logging.Handler):
            def emit(self, record):
                try:
                    level = loguru_logger.level(record.levelname).name
                except ValueError:
                    level = record.levelno
                frame, depth = inspect.currentframe(), 0
                while frame and (depth == 0 or frame.f_code.co_filename == logging.__file__):
                    frame = frame.f_back
                    depth += 1
                loguru_logger.opt(depth=depth, exception=record.exc_info).log(level, record.getMessage())

        logging.basicConfig(handlers=[InterceptHandler()], level=0, force=True)
        logging.getLogger("httpcore").setLevel(logging.INFO)
        logging.getLogger("httpcore2").setLevel(logging.INFO)
        return
    logging.basicConfig(level=logging.INFO, format=FORMATS[fmt], stream=sys.stderr)
    logging.getLogger("app").setLevel(logging.DEBUG)


def anthropic_client(base, scenario, timeout):
    import anthropic
    return anthropic.Anthropic(api_key=FAKE_KEY, base_url=f"{base}/s/{scenario}",
                               timeout=timeout, max_retries=2)


def prompt(n):
    return [{"role": "user", "content": f"Summarise incident report #{n} in three sentences."}]


def run_anthropic(base, scenario, n, mode, timeout):
    client = anthropic_client(base, scenario, timeout)
    log.info("call %d: streaming %s from %s", n, MODEL, scenario)
    headers = {"x-call-id": f"{scenario}-{n}-{time.time_ns()}"}
    if mode == "create":
        stream = client.messages.create(model=MODEL, max_tokens=1024, messages=prompt(n),
                                        stream=True, extra_headers=headers)
        log.info("call %d: response headers received, request-id=%s", n,
                 stream.response.headers.get("request-id"))
        stop_reason = None
        for event in stream:
            log_event(event)
            if event.type == "message_delta":
                stop_reason = event.delta.stop_reason
        log.info("call %d: stream ended, stop_reason=%s", n, stop_reason)
        return
    with client.messages.stream(model=MODEL, max_tokens=1024, messages=prompt(n),
                                extra_headers=headers) as stream:
        seen = 0
        for event in stream:
            if event.type in RAW_EVENTS:
                log_event(event)
                seen += 1
                if mode == "app-error" and seen == 5:
                    handle_partial(event)
        final = stream.get_final_message()
    log.info("call %d: done, stop_reason=%s, output_tokens=%d", n, final.stop_reason,
             final.usage.output_tokens)


def log_event(event):
    """Logs an SSE event, with the usage that message_start and message_delta carry, as apps that track cost do."""
    if event.type == "message_start":
        events_log.debug("event %s input_tokens=%d", event.type, event.message.usage.input_tokens)
    elif event.type == "message_delta":
        events_log.debug("event %s output_tokens=%d", event.type, event.usage.output_tokens)
    else:
        events_log.debug("event %s", event.type)


def handle_partial(event):
    # Application code with a bug: it expects every delta to carry tool input.
    return event.delta.partial_json.strip()


async def run_anthropic_deadline(base, scenario, n, timeout):
    import anthropic
    client = anthropic.AsyncAnthropic(api_key=FAKE_KEY, base_url=f"{base}/s/{scenario}",
                                      timeout=timeout, max_retries=2)
    log.info("call %d: streaming %s from %s with a 0.3 s deadline", n, MODEL, scenario)
    async with asyncio.timeout(0.3):
        async with client.messages.stream(model=MODEL, max_tokens=1024, messages=prompt(n)) as stream:
            async for event in stream:
                if event.type in RAW_EVENTS:
                    log_event(event)
    log.info("call %d: done", n)


def run_openai(base, scenario, n, timeout):
    import openai
    client = openai.OpenAI(api_key=FAKE_OPENAI_KEY, base_url=f"{base}/s/{scenario}/v1",
                           timeout=timeout, max_retries=2)
    log.info("call %d: streaming gpt-4o from %s", n, scenario)
    stream = client.chat.completions.create(model="gpt-4o", messages=prompt(n), stream=True)
    finish = None
    for chunk in stream:
        finish = chunk.choices[0].finish_reason if chunk.choices else None
        events_log.debug("chunk %s finish_reason=%s", chunk.object, finish)
    log.info("call %d: stream ended, finish_reason=%s", n, finish)


def run_openai_responses(base, scenario, n, timeout):
    import openai
    client = openai.OpenAI(api_key=FAKE_OPENAI_KEY, base_url=f"{base}/s/{scenario}/v1",
                           timeout=timeout, max_retries=2)
    log.info("call %d: responses stream gpt-4o from %s", n, scenario)
    stream = client.responses.create(model="gpt-4o", input=f"Summarise incident report #{n}.", stream=True)
    for event in stream:
        if event.type == "response.completed":
            events_log.debug("event %s sequence_number=%d input_tokens=%d", event.type, event.sequence_number,
                             event.response.usage.input_tokens)
        else:
            events_log.debug("event %s sequence_number=%d", event.type, event.sequence_number)
        if event.type == "response.failed":
            log.error("call %d: response failed: %s", n, event.response.error.message)
    log.info("call %d: stream ended", n)


def run_job(base, job, n, timeout):
    scenario, _, mode = job.partition("@")
    mode = mode or "stream"
    if mode == "responses":
        run_openai_responses(base, scenario, n, timeout)
    elif mode == "openai":
        run_openai(base, scenario, n, timeout)
    elif mode == "deadline":
        asyncio.run(run_anthropic_deadline(base, scenario, n, timeout))
    else:
        run_anthropic(base, scenario, n, mode, timeout)


def guarded(base, job, n, timeout):
    try:
        run_job(base, job, n, timeout)
    except Exception:
        log.exception("call %d: stream failed", n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--format", default="thread",
                        choices=sorted(list(FORMATS) + ["sdk-debug", "loguru", "jsonlogger", "structlog"]))
    parser.add_argument("--job", action="append", default=[])
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600.0, help="the client's read timeout")
    parser.add_argument("--stagger", type=float, default=0.15)
    parser.add_argument("--httpcore-debug", action="store_true",
                        help="turn on httpcore's DEBUG trace, as people do when debugging drops")
    parser.add_argument("--leak-key", action="store_true",
                        help="log the client configuration with the API key, as careless apps do")
    args = parser.parse_args()
    configure_logging(args.format)
    if args.httpcore_debug:
        for name in ("httpcore", "httpcore2"):
            logging.getLogger(name).setLevel(logging.DEBUG)
    if args.leak_key:
        log.info("client config: base_url=%s api_key=%s", args.base, FAKE_KEY)

    uncaught = [(i, j) for i, j in enumerate(args.job, 1) if j.endswith("@uncaught")]
    guarded_jobs = [(i, j) for i, j in enumerate(args.job, 1) if not j.endswith("@uncaught")]
    threads = []
    for i, job in uncaught:
        t = threading.Thread(target=run_job, name=f"worker-{args.concurrency + i}",
                             args=(args.base, job.replace("@uncaught", "@stream"), i, args.timeout))
        threads.append(t)
    with ThreadPoolExecutor(max_workers=args.concurrency,
                            thread_name_prefix="worker") as pool:
        for t in threads:
            t.start()
        for i, job in guarded_jobs:
            pool.submit(guarded, args.base, job, i, args.timeout)
            time.sleep(args.stagger)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
