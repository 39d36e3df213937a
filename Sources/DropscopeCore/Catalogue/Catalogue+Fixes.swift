/// A concrete change that addresses a diagnosed failure.
public struct Fix: Sendable, Codable, Equatable {
  public var id: FixID
  public var title: String
  /// What to do and why, in a few sentences.
  public var advice: String
  /// A short code example, if one helps.
  public var code: String?
  /// Upstream threads and documentation.
  public var links: [String]

  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(title, forKey: .title)
    try c.encode(advice, forKey: .advice)
    try c.encode(code, forKey: .code)
    try c.encode(links, forKey: .links)
  }
}

extension Catalogue {
  /// Every fix dropscope can recommend, by id.
  public static let fixes: [FixID: Fix] = Dictionary(uniqueKeysWithValues: allFixes.map { ($0.id, $0) })

  private static let retryLoopPython = """
    import anthropic, httpx2  # anthropic < 1.0 raises httpx.* instead: import httpx

    def stream_with_retry(client, attempts=3, **params):
        for attempt in range(attempts):
            parts = []
            try:
                with client.messages.stream(**params) as stream:
                    for text in stream.text_stream:
                        parts.append(text)          # keep what arrived
                    return stream.get_final_message()
            except (httpx2.TransportError, anthropic.APIConnectionError) as exc:
                log.warning("stream dropped after %d chars: %r", sum(map(len, parts)), exc)
                if attempt == attempts - 1:
                    raise
                time.sleep(min(0.5 * 2 ** attempt, 8.0))  # the whole request is sent again
    """

  static let allFixes: [Fix] = [
    Fix(id: .catchTransportErrorAnthropic,
        title: "Catch the raw transport error around the stream and retry the whole request",
        advice: "anthropic-python lets transport errors raised while the stream is read escape unwrapped, so `except anthropic.APIError` and `max_retries` never see them. Wrap the iteration, catch `httpx2.TransportError` (anthropic ≥ 1.0) or `httpx.TransportError` (anthropic < 1.0) as well as `anthropic.APIConnectionError`, keep the partial output for logging, and re-issue the whole request: a stream cannot be resumed. Upgrading does not help yet: no release wraps these errors.",
        code: retryLoopPython,
        links: ["https://github.com/anthropics/anthropic-sdk-python/issues/1919",
                "https://github.com/anthropics/anthropic-sdk-python/pull/1552"]),
    Fix(id: .upgradeOpenAI314,
        title: "Upgrade openai-python to 3.14 or later, and retry dropped streams yourself",
        advice: "openai-python before 3.14.0 lets mid-stream transport errors escape as raw `httpx.*`/`httpx2.*` exceptions. From 3.14.0 they arrive as `openai.APIConnectionError` / `openai.APITimeoutError` with the transport error as `__cause__`. No version retries a stream that failed after the 200: catch the error around the iteration and send the request again.",
        code: """
          try:
              for chunk in client.chat.completions.create(..., stream=True):
                  handle(chunk)
          except (openai.APIConnectionError, httpx.TransportError) as exc:  # httpx2 on openai ≥ 3.0
              retry_whole_request(exc)
          """,
        links: ["https://github.com/openai/openai-python/issues/2065"]),
    Fix(id: .catchTerminatedTypeScript,
        title: "Catch undici's `TypeError: terminated` around the stream and send the request again",
        advice: "The TypeScript SDKs (@anthropic-ai/sdk, openai-node) rethrow the error undici raises when the body is cut, `TypeError: terminated`, instead of their own `APIConnectionError`, so `maxRetries` and `instanceof APIError` checks never see it. Wrap the iteration, catch it, read `err.cause?.code` (`UND_ERR_SOCKET`: the peer closed the socket; `UND_ERR_BODY_TIMEOUT`: undici's 300 s body timeout fired), keep the partial output and re-issue the whole request: a stream cannot be resumed.",
        code: """
          try {
            for await (const event of stream) handle(event);
          } catch (err) {
            const code = err?.cause?.code;  // 'UND_ERR_SOCKET', 'UND_ERR_BODY_TIMEOUT'
            if (err instanceof TypeError && err.message === 'terminated') return retryWholeRequest(code);
            throw err;
          }
          """,
        links: ["https://github.com/anthropics/anthropic-sdk-typescript/issues/960",
                "https://github.com/nodejs/undici/issues/1865"]),
    Fix(id: .inspectCauseOpenAI,
        title: "Treat `APIConnectionError` during iteration as a dropped stream and retry it",
        advice: "This openai-python wraps the mid-stream transport error (the real reason is in `exc.__cause__`), but it does not retry a stream that failed after the 200. Catch `openai.APIConnectionError`/`APITimeoutError` around the iteration, log `exc.__cause__`, and send the request again.",
        code: nil, links: []),
    Fix(id: .raiseProxyIdleLimit,
        title: "Raise the idle timeout of the proxy or load balancer in front of the stream, or keep bytes flowing",
        advice: "The connection was closed after a silence that matches a known idle limit. Raise that limit above the longest pause your streams have (server tools and long thinking can pause for minutes), and make sure the proxy passes the API's `ping` events through instead of buffering them (nginx: `proxy_buffering off` or `X-Accel-Buffering: no`). If your own gateway re-streams the response, have it send an SSE comment (`: keep-alive`) every 15–30 s.",
        code: nil,
        links: ["https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_read_timeout",
                "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html"]),
    Fix(id: .clientReadTimeout,
        title: "Find what stalled the stream, then set the client's read timeout above the longest expected pause",
        advice: "The client's own read timeout fired: no byte arrived for that long. With a direct connection the API sends `ping` events during long pauses, so a stall usually means something in between buffers the stream, or the timeout is set shorter than a server-tool run or long thinking can pause. Raise `timeout=` (for example `httpx.Timeout(600, connect=5)`) or find the buffering hop; retry the request when it happens.",
        code: "client = anthropic.Anthropic(timeout=httpx2.Timeout(600.0, connect=5.0))  # or openai.OpenAI(timeout=…)",
        links: ["https://github.com/anthropics/anthropic-sdk-python#timeouts"]),
    Fix(id: .retryServerClose,
        title: "Retry the dropped stream; if drops recur at the same point, look at the proxy path",
        advice: "The server side closed the connection while content was flowing. Retry the whole request (its input tokens are billed again). If several streams drop after the same elapsed time, something on the path caps total duration (Envoy route timeout 15 s, API Gateway 29 s, GCP LB 30 s): raise that cap.",
        code: nil, links: ["https://github.com/anthropics/anthropic-sdk-python/issues/1470"]),
    Fix(id: .checkStopReason,
        title: "Check that the stream really ended: `message_stop` / `stop_reason`, not just the end of the body",
        advice: "The body ended cleanly without the end-of-message event, and the Python SDK raises nothing in that case: `get_final_message()` returns a partial message whose `stop_reason` is None. Treat `stop_reason is None` (or no `[DONE]` on OpenAI) as a dropped stream and retry; look for a proxy that caps response duration or size.",
        code: """
          final = stream.get_final_message()
          if final.stop_reason is None:          # the body ended before message_stop
              raise StreamTruncated(final)       # and retry the request
          """,
        links: ["https://github.com/anthropics/anthropic-sdk-typescript/issues/842"]),
    Fix(id: .retryInBandError,
        title: "Retry on an in-band `overloaded_error` event",
        advice: "The API sent an `error` event inside the 200 stream. The Python SDK raises a bare `APIStatusError` (status 200, not `OverloadedError`) and does not retry it. Catch it, check `exc.type == 'overloaded_error'` (anthropic ≥ 0.87) or the message, and retry with backoff or fail over to another model.",
        code: """
          except anthropic.APIStatusError as exc:
              if getattr(exc, "type", None) in ("overloaded_error", "api_error") or "overloaded_error" in str(exc):
                  retry_with_backoff()
          """,
        links: ["https://github.com/anthropics/anthropic-sdk-python/issues/1918",
                "https://github.com/anthropics/anthropic-sdk-python/issues/1258"]),
    Fix(id: .backoffOverloaded,
        title: "Back off on 529/5xx, or fail over to another model or region",
        advice: "The API answered with a server error before the stream began. The SDK already retried it (2 retries by default). Raise `max_retries`, add your own backoff with jitter, or fail over.",
        code: "client = anthropic.Anthropic(max_retries=5)", links: ["https://docs.anthropic.com/en/api/errors"]),
    Fix(id: .fixRequest,
        title: "Fix the request: the API rejected it",
        advice: "A 4xx status means the request itself was refused (invalid parameters, authentication, permissions). Retrying will not help; the error message says what to change.",
        code: nil, links: ["https://docs.anthropic.com/en/api/errors"]),
    Fix(id: .rateLimit,
        title: "Stay under the rate limit: honour `retry-after`, lower concurrency",
        advice: "429 means a rate limit was hit; the SDK retried with the server's `retry-after`. Lower the request or token rate, spread load, or ask for a higher limit.",
        code: nil, links: ["https://docs.anthropic.com/en/api/rate-limits"]),
    Fix(id: .applicationException,
        title: "Fix the application code that raised while the stream was being read",
        advice: "The stream was healthy; the application's own code raised during iteration and abandoned it. The partial response was paid for. Fix the bug at the frame shown, and keep the stream in a `with` block so the connection is closed.",
        code: nil, links: []),
    Fix(id: .cancellation,
        title: "Check the application's deadline or cancellation",
        advice: "The application cancelled the stream (an asyncio timeout or task cancellation). If the deadline is shorter than a normal response takes, raise it; a cancelled stream still bills the input tokens.",
        code: nil, links: []),
    Fix(id: .connectFailure,
        title: "Fix the network path to the API",
        advice: "No connection could be made (refused, DNS, TLS or connect timeout). Check proxies, DNS, firewall rules and CA bundles; the SDK already retried.",
        code: nil, links: []),
    Fix(id: .captureForEvidence,
        title: "Capture the next occurrence to decide",
        advice: "The log cannot tell what ended this stream. A packet capture (tcpdump on the client host) or a proxy log for the same time shows who closed the connection and how long it was silent.",
        code: "tcpdump -i any -w incident.pcap 'tcp port 443'", links: []),
  ]
}
