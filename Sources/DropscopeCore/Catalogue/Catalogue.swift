/// What dropscope knows about transport errors, SDKs, middleboxes and fixes: data with sources.
///
/// Parsers only turn text into facts; every judgement about what a string means,
/// which SDK versions leak, which idle limit a silence matches and what to change
/// is made from this catalogue.
public enum Catalogue {
  // MARK: - Exception signatures

  /// What happened on the wire (or in the client) that an exception reports.
  public enum WireEvent: String, Sendable {
    /// The peer closed the connection (FIN) before the body was complete.
    case peerClosedMidBody = "peer_closed_mid_body"
    /// The connection was reset (RST).
    case connectionReset = "connection_reset"
    /// The connection closed before any response arrived.
    case closedBeforeResponse = "closed_before_response"
    /// The client's own read timeout fired.
    case readTimeout = "read_timeout"
    /// No connection could be made (refused, DNS, TLS, connect timeout).
    case connectFailure = "connect_failure"
    /// No free connection in the client's pool.
    case poolExhausted = "pool_exhausted"
    /// The API sent an `error` event inside a 200 stream.
    case inBandError = "in_band_error"
    /// The API answered with an error status before the stream.
    case errorStatus = "error_status"
    /// The application cancelled the stream (task cancellation, deadline, interrupt).
    case cancelled
    /// The SDK wrapped another exception; look at its cause.
    case wrapper
    /// The API said it was overloaded (a 529, or an in-band `overloaded_error`), as an application reports it.
    case overloaded
    /// A proxy in front of the API could not reach its upstream (an Envoy or gateway 502/503).
    case proxyUpstreamFailure = "proxy_upstream_failure"
    /// The server closed the connection: before any response, or mid-stream if the stream had begun.
    case serverDisconnected = "server_disconnected"
    /// The body ended before the end-of-message event, with no transport error (TS SDK's MessageStream says so).
    case endedWithoutEndMarker = "ended_without_end_marker"
  }

  /// A recognisable exception: which classes, which message, what it means on the wire.
  public struct Signature: Sendable {
    public var id: String
    /// Class names without module (`RemoteProtocolError`); empty matches any class.
    public var classNames: [String] = []
    /// Texts of which the message must contain one; empty matches any message.
    public var messageContains: [String] = []
    /// Whether the message must be empty (async httpx errors often print none).
    public var emptyMessage = false
    public var wire: WireEvent
    /// The meaning in plain words.
    public var meaning: String
    public var source: String
    /// For wrappers: what to conclude when no cause below them is recognised.
    public var fallback: WireEvent? = nil
    /// Whether the error can only happen once the response had begun (its head arrived, the body was being read).
    public var afterResponse = false
    /// Whether the message must begin with an HTTP status, as the TypeScript SDKs write theirs (`429 {"type":"error",…}`).
    public var statusFirst = false
  }

  /// Signatures in the order they are tried; the first match decides. Distinctive messages match
  /// whatever class carries them: applications (LiteLLM, agents) re-wrap transport errors in their own.
  public static let signatures: [Signature] = [
    // Browsers' network errors, as HAR exports record them (`_error`).
    Signature(id: "browser_incomplete_body", classNames: ["browser"],
              messageContains: ["ERR_INCOMPLETE_CHUNKED_ENCODING", "ERR_CONTENT_LENGTH_MISMATCH"],
              wire: .peerClosedMidBody,
              meaning: "the browser saw the connection close before the body was complete",
              source: "chromium net/base/net_error_list.h"),
    Signature(id: "browser_reset", classNames: ["browser"],
              messageContains: ["ERR_CONNECTION_RESET", "ERR_HTTP2_PROTOCOL_ERROR", "ERR_CONNECTION_CLOSED"],
              wire: .connectionReset,
              meaning: "the connection (or its HTTP/2 stream) was reset while the browser was reading",
              source: "chromium net/base/net_error_list.h"),
    Signature(id: "browser_aborted", classNames: ["browser"], messageContains: ["ERR_ABORTED"], wire: .cancelled,
              meaning: "the page cancelled the request (navigation, AbortController, closed tab)",
              source: "chromium net/base/net_error_list.h"),
    Signature(id: "browser_timed_out", classNames: ["browser"], messageContains: ["ERR_TIMED_OUT"], wire: .readTimeout,
              meaning: "the browser's own timeout fired",
              source: "chromium net/base/net_error_list.h"),
    // curl's own verdicts, as its trace and its stderr print them.
    Signature(id: "curl_transfer_closed", classNames: ["curl"],
              messageContains: ["transfer closed with outstanding read data remaining", "bytes remaining to read"],
              wire: .peerClosedMidBody,
              meaning: "curl saw the connection close (FIN) before the body was complete: the chunked body had no terminating chunk",
              source: "curl 7.88 lib/transfer.c, exit code 18 (CURLE_PARTIAL_FILE); protocol-facts.md 4.5"),
    Signature(id: "curl_stream_not_closed_cleanly", classNames: ["curl"], messageContains: ["was not closed cleanly"],
              wire: .connectionReset,
              meaning: "the HTTP/2 stream was reset by the server side (RST_STREAM) or its connection went away mid-stream",
              source: "curl lib/http2.c, exit code 92 (CURLE_HTTP2_STREAM); protocol-facts.md 4.4"),
    Signature(id: "curl_operation_timed_out", classNames: ["curl"], messageContains: ["Operation timed out after"],
              wire: .cancelled,
              meaning: "curl's own time limit (`--max-time`/`-m`) ended the transfer: a deadline on the client's side",
              source: "curl lib/multi.c, exit code 28 (CURLE_OPERATION_TIMEDOUT); protocol-facts.md 4.5"),
    Signature(id: "curl_connect_failed", classNames: ["curl"],
              messageContains: ["Failed to connect to", "Could not resolve host", "Could not resolve proxy",
                                "Connection timed out after", "SSL certificate problem", "SSL_connect"],
              wire: .connectFailure,
              meaning: "curl could not open the connection (name resolution, refused, unreachable, connect timeout, TLS handshake): the request never reached the API",
              source: "curl libcurl-errors: CURLE_COULDNT_RESOLVE_HOST (6), CURLE_COULDNT_CONNECT (7), CURLE_OPERATION_TIMEDOUT in connect (28), CURLE_SSL_CONNECT_ERROR (35), CURLE_PEER_FAILED_VERIFICATION (60)"),
    Signature(id: "curl_operation_too_slow", classNames: ["curl"], messageContains: ["Operation too slow"],
              wire: .readTimeout,
              meaning: "curl's low-speed limit (`--speed-time`, `--speed-limit`) fired: too few bytes for too long",
              source: "curl lib/speedcheck.c, exit code 28; protocol-facts.md 4.5"),
    Signature(id: "connection_reset",
              messageContains: ["Connection reset by peer", "ECONNRESET", "WinError 10054",
                                "forcibly closed by the remote host", "StreamReset"],
              wire: .connectionReset,
              meaning: "the connection was reset (TCP RST, or an HTTP/2 RST_STREAM) while the client was reading",
              source: "encode/httpcore httpcore/_backends/sync.py; aio-libs/aiohttp client_proto.py; signatures.md a.1, a.4"),
    Signature(id: "incomplete_chunked_read",
              messageContains: ["incomplete chunked read", "InvalidChunkLength", "Response ended prematurely",
                                "Response payload is not completed", "IncompleteRead(0 bytes read)"],
              wire: .peerClosedMidBody,
              meaning: "the peer closed the connection (FIN) in the middle of the chunked SSE body, before the terminating chunk",
              source: "python-hyper/h11 h11/_readers.py ChunkedReader.read_eof; urllib3 response.py; aiohttp http_parser.py; anthropics/anthropic-sdk-python#1470"),
    Signature(id: "incomplete_content_length_read",
              messageContains: ["without sending complete message body (received", "more expected)", "ContentLengthError"],
              wire: .peerClosedMidBody,
              meaning: "the peer closed the connection before the Content-Length body was complete",
              source: "python-hyper/h11 h11/_readers.py ContentLengthReader.read_eof; urllib3 exceptions.py"),
    Signature(id: "http2_goaway", messageContains: ["ConnectionTerminated"], wire: .peerClosedMidBody,
              meaning: "the server sent an HTTP/2 GOAWAY while the stream was in flight (error_code 0 is a graceful connection recycle)",
              source: "encode/httpcore httpcore/_sync/http2.py; RFC 9113 §6.8"),
    Signature(id: "tls_unexpected_eof",
              messageContains: ["EOF occurred in violation of protocol", "UNEXPECTED_EOF_WHILE_READING",
                                "unexpected eof while reading"],
              wire: .peerClosedMidBody,
              meaning: "the peer closed the TCP connection without a TLS close_notify, in the middle of the response",
              source: "openssl/openssl#18574; protocol-facts.md §4.3"),
    Signature(id: "tls_record_failure", messageContains: ["record layer failure", "BAD_RECORD_MAC"],
              wire: .connectionReset,
              meaning: "the TLS connection died mid-response (a broken record: a middlebox or a reset connection)",
              source: "turnstonelabs/turnstone#937"),
    Signature(id: "server_disconnected",
              messageContains: ["Server disconnected without sending a response", "RemoteDisconnected",
                                "Remote end closed connection without response"],
              wire: .closedBeforeResponse,
              meaning: "the connection closed before any response status line arrived (often a stale pooled keep-alive connection or a proxy refusing the request)",
              source: "encode/httpcore httpcore/_sync/http11.py; requests/urllib3 connectionpool.py"),
    Signature(id: "server_disconnected_any_time", classNames: ["ServerDisconnectedError", "RemoteProtocolError"],
              messageContains: ["Server disconnected"], wire: .serverDisconnected,
              meaning: "the server side closed the connection (aiohttp, or httpcore on HTTP/2)",
              source: "aio-libs/aiohttp client_exceptions.py; encode/httpcore httpcore/_sync/http2.py"),
    Signature(id: "bun_socket_closed", messageContains: ["The socket connection was closed unexpectedly"],
              wire: .serverDisconnected,
              meaning: "Bun's fetch saw the connection close unexpectedly (its ECONNRESET wording): before or during the response, it does not say which",
              source: "anthropics/claude-code#61796, #54287, #51107 (Claude Code runs on Bun)"),
    Signature(id: "app_stream_disconnected", messageContains: ["stream disconnected before completion"],
              wire: .peerClosedMidBody,
              meaning: "the client reports the stream disconnected before its end (OpenAI Codex CLI)",
              source: "openai/codex#8775"),
    Signature(id: "proxy_upstream_failure",
              messageContains: ["upstream connect error or disconnect/reset before headers", "upstream prematurely closed"],
              wire: .proxyUpstreamFailure,
              meaning: "a proxy in front of the API could not reach or lost its upstream (Envoy's 503 body, nginx's upstream error)",
              source: "anthropics/claude-code#7043; nginx error.log strings (protocol-facts.md §4.5)"),
    Signature(id: "bedrock_in_band_exception", messageContains: ["Bad response code, expected 200", ":exception-type"],
              wire: .inBandError,
              meaning: "Bedrock sent an exception frame in the middle of the event stream",
              source: "anthropics/anthropic-sdk-python#1477"),
    Signature(id: "read_error_without_message", classNames: ["ReadError", "BrokenResourceError"],
              emptyMessage: true, wire: .connectionReset,
              meaning: "a read failed with no message: on async httpx this is a reset connection (anyio.BrokenResourceError ← ConnectionResetError)",
              source: "headroomlabs-ai/headroom#3674; signatures.md d.4"),
    Signature(id: "read_timeout", classNames: ["ReadTimeout", "ReadTimeoutError", "SocketTimeoutError", "ServerTimeoutError"],
              wire: .readTimeout,
              meaning: "no bytes arrived for the client's read timeout, and the client gave up",
              source: "encode/httpcore httpcore/_backends/sync.py, anyio.py; aiohttp client_proto.py"),
    Signature(id: "read_timeout_message",
              messageContains: ["Read timed out", "Timeout on reading data from socket", "The read operation timed out"],
              wire: .readTimeout,
              meaning: "no bytes arrived for the client's read timeout, and the client gave up",
              source: "urllib3 connectionpool.py; aiohttp client_proto.py"),
    // undici's timers (`onParserTimeout`): the defaults sit under Node's fetch and so under the TypeScript SDKs.
    Signature(id: "undici_body_timeout", classNames: [],
              messageContains: ["UND_ERR_BODY_TIMEOUT", "Body Timeout Error"],
              wire: .readTimeout,
              meaning: "undici's body timeout fired: no body bytes for `bodyTimeout` (300 s by default, shorter than the SDKs' 600 s), and the client gave up on the response",
              source: "nodejs/undici lib/core/errors.js (BodyTimeoutError), docs/api/Client.md; QwenLM/qwen-code#4604; caozhiyuan/copilot-api#159",
              afterResponse: true),
    Signature(id: "undici_headers_timeout", classNames: [],
              messageContains: ["UND_ERR_HEADERS_TIMEOUT", "Headers Timeout Error"],
              wire: .readTimeout,
              meaning: "undici's headers timeout fired: no response head for `headersTimeout` (300 s by default), and the client gave up before the response began",
              source: "nodejs/undici lib/core/errors.js (HeadersTimeoutError), docs/api/Client.md; caozhiyuan/copilot-api#133; gmpetrov/openai-chatgpt#3"),
    Signature(id: "client_idle_watchdog",
              messageContains: ["Stream idle timeout", "Response stalled mid-stream", "The response stopped arriving"],
              wire: .readTimeout,
              meaning: "the application's own idle watchdog aborted a stream that had gone quiet",
              source: "anthropics/claude-code#57637, #90005; github/copilot-cli#4286"),
    Signature(id: "sdk_timeout", classNames: ["APITimeoutError", "APIConnectionTimeoutError"], wire: .readTimeout,
              meaning: "the SDK's timeout fired (before the response, or mid-stream on openai ≥ 3.14)",
              source: "anthropics/anthropic-sdk-python src/anthropic/_exceptions.py; openai/openai-python _streaming.py (3.14.0)"),
    Signature(id: "app_connection_closed_mid_response",
              messageContains: ["Connection closed mid-response", "Connection lost mid-response"],
              wire: .peerClosedMidBody,
              meaning: "the application reports the connection closed after content had streamed",
              source: "anthropics/claude-code#83943, #90005"),
    Signature(id: "connect_error", classNames: ["ConnectError", "ConnectTimeout", "ClientConnectorError"],
              wire: .connectFailure,
              meaning: "no connection could be made (refused, DNS, TLS or connect timeout)",
              source: "encode/httpx httpx/_exceptions.py; aiohttp client_exceptions.py"),
    Signature(id: "pool_timeout", classNames: ["PoolTimeout"], wire: .poolExhausted,
              meaning: "no free connection in the client's pool: too many streams open or not closed",
              source: "encode/httpcore httpcore/_synchronization.py"),
    Signature(id: "app_stream_ended_early",
              messageContains: ["without message_stop", "before message_stop", "without receiving message_stop",
                                "without a message_stop", "no message_stop", "Stream ended unexpectedly",
                                "stream ended unexpectedly"],
              wire: .endedWithoutEndMarker,
              meaning: "the application saw the stream end before `message_stop`, with no transport error",
              source: "yannikzz/narracat-novel-agent#85; BerriAI/litellm#20361 (`incomplete_stream_error`); quarkiverse/quarkus-langchain4j#1968"),
    Signature(id: "in_band_error_event", classNames: ["APIStatusError", "APIError"],
              messageContains: ["{'type': 'error'", "\"type\":\"error\"", "An error occurred during streaming"],
              wire: .inBandError,
              meaning: "the API accepted the stream (200) and then sent an `event: error` inside it",
              source: "anthropics/anthropic-sdk-python#1258, #1918; openai/openai-python#1160; signatures.md a.2"),
    Signature(id: "status_error", messageContains: ["Error code: "], wire: .errorStatus,
              meaning: "the API answered with an error status before any stream began",
              source: "anthropics/anthropic-sdk-python _base_client.py _make_status_error_from_response"),
    Signature(id: "ts_status_error",
              classNames: ["APIError", "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
                           "ConflictError", "UnprocessableEntityError", "RateLimitError", "InternalServerError", "Error"],
              wire: .errorStatus,
              meaning: "the API answered with an error status before any stream began (the TypeScript SDK's status error: `<status> <body>`)",
              source: "anthropics/anthropic-sdk-typescript src/core/error.ts (`APIError.generate`, `makeMessage`); anthropics/anthropic-sdk-typescript#616",
              statusFirst: true),
    Signature(id: "overloaded_reported", messageContains: ["overloaded_error", "Exception - Overloaded"],
              wire: .overloaded,
              meaning: "the API reported it was overloaded (HTTP 529 before the stream, or an in-band overloaded_error)",
              source: "anthropics/claude-code#3563; Aider-AI/aider#957; anthropics/anthropic-sdk-typescript#616"),
    Signature(id: "cancelled", classNames: ["CancelledError", "KeyboardInterrupt", "GeneratorExit", "APIUserAbortError"],
              wire: .cancelled,
              meaning: "the application cancelled the stream",
              source: "Python asyncio / signals; anthropic-sdk-typescript src/core/error.ts"),
    Signature(id: "undici_other_side_closed", messageContains: ["other side closed", "UND_ERR_SOCKET", "Premature close",
                                                                "ERR_STREAM_PREMATURE_CLOSE"],
              wire: .peerClosedMidBody,
              meaning: "the peer closed the socket in the middle of the body (undici `SocketError: other side closed`, node-fetch `Premature close`)",
              source: "nodejs/undici lib/core/errors.js; anthropics/anthropic-sdk-typescript#960; openai/openai-node#294"),
    Signature(id: "ts_stream_ended_early",
              messageContains: ["stream ended without producing a Message", "request ended without sending any chunks",
                                "stream ended without producing a ChatCompletionMessage"],
              wire: .endedWithoutEndMarker,
              meaning: "the TypeScript SDK's stream helper saw the body end before `message_stop`",
              source: "anthropic-sdk-typescript src/lib/MessageStream.ts; openai/openai-node#553"),
    Signature(id: "abort_deadline", classNames: ["TimeoutError", "AbortError"], messageContains: ["aborted"],
              wire: .cancelled,
              meaning: "the application's AbortSignal (a deadline or a cancel) aborted the request",
              source: "Node AbortSignal.timeout; nodejs/undici"),
    Signature(id: "undici_terminated", classNames: ["TypeError", "AnthropicError", "OpenAIError"], messageContains: ["terminated"],
              wire: .wrapper,
              meaning: "undici terminated the body (`TypeError: terminated`); its `[cause]` says why",
              source: "nodejs/undici lib/web/fetch/index.js; signatures.md a.3", fallback: .peerClosedMidBody,
              afterResponse: true),
    Signature(id: "browser_fetch_failed", classNames: ["TypeError"],
              messageContains: ["Failed to fetch", "NetworkError when attempting to fetch resource"],
              wire: .connectFailure,
              meaning: "the browser's fetch failed before any response (Chrome: `Failed to fetch`, Firefox: `NetworkError when attempting to fetch resource`): the network, or a request the browser blocked (CORS, an extension, mixed content)",
              source: "anthropics/anthropic-sdk-typescript#466; WHATWG fetch (network error → TypeError); signatures.md a.3"),
    Signature(id: "undici_fetch_failed", classNames: ["TypeError"], messageContains: ["fetch failed"], wire: .wrapper,
              meaning: "fetch failed before a response; its `[cause]` says why",
              source: "nodejs/undici; anthropics/claude-code#4574", fallback: .connectFailure),
    Signature(id: "connection_error_wrapper", classNames: ["APIConnectionError"], wire: .wrapper,
              meaning: "the SDK wrapped a transport error as APIConnectionError",
              source: "anthropics/anthropic-sdk-python _base_client.py; openai/openai-python _streaming.py (≥ 3.14.0)"),
  ]

  /// The first signature that matches `record`.
  public static func signature(for record: ExceptionRecord) -> Signature? {
    for signature in signatures {
      if !signature.classNames.isEmpty, !signature.classNames.contains(record.className) { continue }
      if signature.emptyMessage, !record.message.isEmpty { continue }
      if !signature.messageContains.isEmpty, !signature.messageContains.contains(where: record.message.containsBytes) {
        continue
      }
      if signature.statusFirst, sdkErrorStatus(record) == nil { continue }
      if signature.wire == .errorStatus, !signature.statusFirst,
        !(record.message.hasPrefix("Error code: ") || record.className.isEmpty) { continue }
      return signature
    }
    return nil
  }

  /// The HTTP status a TypeScript SDK status error begins its message with (`529 {"type":"error",…}`,
  /// `429 Rate limit reached …`); a bare `Error` counts only with the API's JSON body after the status.
  public static func sdkErrorStatus(_ record: ExceptionRecord) -> Int? {
    let message = record.message.utf8
    guard message.count > 4, let status = Int(record.message.prefix(3)), (400...599).contains(status),
      message[message.index(message.startIndex, offsetBy: 3)] == 0x20
    else { return nil }
    if record.className == "Error" { return record.message.dropFirst(4).hasPrefix("{") ? status : nil }
    return status
  }

  /// The signature whose distinctive message text appears in a log message written without a traceback
  /// (`logger.error(f"stream failed: {exc}")`); class-only signatures cannot be recognised this way.
  public static func signature(inMessage text: String) -> Signature? {
    for signature in signatures where !signature.messageContains.isEmpty && signature.wire != .errorStatus {
      if signature.messageContains.contains(where: text.containsBytes) { return signature }
    }
    return nil
  }

  /// Modules whose exceptions are raw transport errors, not the SDK's own.
  public static let transportModules: Set<String> = ["httpx", "httpx2", "httpcore", "httpcore2", "h11", "h2", "anyio", "ssl"]


  // MARK: - SDKs

  /// How an SDK surfaces transport errors that happen after the 200, by version.
  public struct SDKBehaviour: Sendable {
    public var sdk: String
    /// The first version that wraps mid-stream transport errors in the SDK's own class, if any.
    public var wrapsFrom: String?
    public var note: String
    public var source: String
  }

  public static let sdkBehaviours: [String: SDKBehaviour] = [
    "anthropic": SDKBehaviour(
      sdk: "anthropic", wrapsFrom: nil,
      note: "No released anthropic-python wraps transport errors raised while the stream is read: 0.79.0 through 2.15.0 (the newest checked) let the raw httpx/httpx2 exception escape (`Stream.__stream__` re-raises it unchanged), and `max_retries` never sees it. The fix PRs #1550 and #1552 were closed unmerged; issue #1919 and PRs #1920/#1922 were open when this catalogue was written.",
      source: "anthropic 2.15.0 wheel, src/anthropic/_streaming.py (`except Exception: … raise`); anthropics/anthropic-sdk-python#1919, PR #1552, PR #1550 (signatures.md §0)"),
    "openai": SDKBehaviour(
      sdk: "openai", wrapsFrom: "3.14.0",
      note: "openai-python wraps mid-stream transport errors from 3.14.0 (as APIConnectionError / APITimeoutError with the transport error as `__cause__`); from 3.20.0 `ssl.SSLError` and `anyio.EndOfStream` raised while reading are wrapped too. 3.13.x and older, all 2.x and 1.x let the raw exception escape. No version retries a stream that failed after the 200.",
      source: "openai/openai-python _streaming.py in 3.13.0 vs 3.14.0 wheels; _httpx2.py `request_exceptions()` in 3.19.0 vs 3.20.0 wheels; openai/openai-python#3811, #2065"),
    "anthropic-typescript": SDKBehaviour(
      sdk: "@anthropic-ai/sdk", wrapsFrom: nil,
      note: "The TypeScript SDK wraps only failures before the response (`APIConnectionError: Connection error.`). While the body is read it rethrows undici's `TypeError: terminated` as it is (`client.messages.stream()` re-emits it as `AnthropicError: terminated` with the TypeError as `cause`), and `maxRetries` never sees it.",
      source: "anthropics/anthropic-sdk-typescript src/core/streaming.ts, src/lib/MessageStream.ts `#handleError`; anthropics/anthropic-sdk-typescript#960, #774 (signatures.md a.3, d.1)"),
    "openai-typescript": SDKBehaviour(
      sdk: "openai (Node)", wrapsFrom: nil,
      note: "openai-node wraps only failures before the response (`APIConnectionError: Connection error.`); while the body is read it rethrows undici's `TypeError: terminated` as it is, and `maxRetries` never sees it.",
      source: "openai/openai-node src/core/streaming.ts (signatures.md a.3, d.1); langchain-ai/langchainjs#8552"),
  ]

  /// Whether `version` of `sdk` lets a transport error raised while a stream is read escape raw (not wrapped in
  /// its own `APIConnectionError`/`APITimeoutError`); nil for an SDK the catalogue does not know.
  public static func leaksMidStreamErrors(sdk: String, version: String) -> Bool? {
    guard let behaviour = sdkBehaviours[sdk] else { return nil }
    guard let wrapsFrom = behaviour.wrapsFrom else { return true }
    return versionNumbers(version).lexicographicallyPrecedes(versionNumbers(wrapsFrom))
  }

  /// `3.14.0` as [3, 14, 0]; a pre-release or build suffix is ignored.
  static func versionNumbers(_ version: String) -> [Int] {
    version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) ?? 0 }
  }

  /// Whether a chain was printed by a JavaScript runtime (Node, Bun, a browser), not by Python.
  public static func isJavaScript(_ chain: ExceptionChain) -> Bool {
    chain.records.contains { record in
      (record.className == "TypeError" && record.message.hasPrefix("terminated"))
        || record.framePaths.contains {
          $0.hasPrefix("node:") || $0.containsBytes(".js:") || $0.containsBytes(".mjs:") || $0.containsBytes(".ts:")
        }
    }
  }

  /// The SDK a chain went through: from its frames and classes, else from what the application's message or
  /// logger named (`Error from OpenAI API: …`, logger `openai._base_client`); nil when nothing names one.
  public static func sdk(of chain: ExceptionChain) -> String? {
    let final = chain.final
    if chain.hasFrame(containing: "/anthropic/") || chain.hasFrame(containing: "@anthropic-ai/sdk") || final?.module == "anthropic" {
      return "anthropic"
    }
    if chain.hasFrame(containing: "/openai/") || final?.module == "openai" { return "openai" }
    return chain.namedSDK
  }

  /// The API a request's URL is to, by the SDK that speaks it: `anthropic` for the Messages API (`/v1/messages`, or
  /// an Anthropic host), `openai` for Chat Completions, Responses and Completions (or an OpenAI host); nil for any
  /// other URL (a gateway, a proxy path), which contradicts neither.
  public static func api(ofURL url: String) -> String? {
    if url.containsBytes("/v1/messages") || url.containsBytes("anthropic") { return "anthropic" }
    if url.containsBytes("/chat/completions") || url.containsBytes("/v1/responses") || url.containsBytes("/v1/completions")
      || url.containsBytes("openai")
    {
      return "openai"
    }
    return nil
  }

  /// Messages that only the raw transport exception carries: an SDK that wrapped it would print its own
  /// (`Connection error.`), so an application that prints one of these got the raw exception.
  public static let rawTransportTexts: [(text: String, classes: String)] = [
    ("peer closed connection without sending complete message body", "httpx.RemoteProtocolError / httpx2.RemoteProtocolError"),
    ("<ConnectionTerminated error_code:", "httpx.RemoteProtocolError / httpx2.RemoteProtocolError"),
    ("<StreamReset stream_id:", "httpx.RemoteProtocolError / httpx2.RemoteProtocolError"),
  ]

  /// Whether `record` is a raw transport exception (`httpx.*`, `httpx2.*`, `httpcore.*`, undici's `TypeError: terminated`),
  /// or, printed without its class, carries a message only such an exception has.
  public static func isRawTransportError(_ record: ExceptionRecord) -> Bool {
    if transportModules.contains(record.module) { return true }
    if record.className == "TypeError", record.message.hasPrefix("terminated") { return true }
    // Printed without its class, or with the bare class name (`RemoteProtocolError: peer closed …`).
    return (record.type.isEmpty || record.type == "RemoteProtocolError") && rawTransportTexts.contains { record.message.contains($0.text) }
  }

  /// The class a raw transport error had, for saying how it surfaced: its own, or the one its message implies.
  public static func rawTransportClass(_ record: ExceptionRecord) -> String {
    guard record.type.isEmpty || !record.type.contains(".") else { return record.type }
    return rawTransportTexts.first { record.message.contains($0.text) }?.classes ?? "a transport error"
  }

  /// The behaviour note and the fix for an SDK that let a raw transport error escape.
  public static func leakAdvice(sdk: String, chain: ExceptionChain?) -> (fix: FixID, behaviour: SDKBehaviour?) {
    if let chain, isJavaScript(chain) {
      return (.catchTerminatedTypeScript, sdkBehaviours[sdk == "anthropic" ? "anthropic-typescript" : "openai-typescript"])
    }
    return (sdk == "anthropic" ? .catchTransportErrorAnthropic : .upgradeOpenAI314, sdkBehaviours[sdk])
  }

  /// The SDK release range a traceback shows, from class names and messages that changed between releases,
  /// then from the transport generation; nil when nothing in it says.
  public static func sdkRelease(sdk: String, chain: ExceptionChain, transport: String?) -> String? {
    let records = chain.records
    switch sdk {
    case "anthropic":
      // commit b87dcf12 (0.47.0): a 529 became OverloadedError; f762ea95 (0.57.0) lengthened the timeout message.
      if records.contains(where: { $0.type == "anthropic.InternalServerError" && $0.message.hasPrefix("Error code: 529") }) {
        return "anthropic < 0.47 (a 529 raised as InternalServerError)"
      }
      if records.contains(where: { $0.className == "APITimeoutError" && $0.message == "Request timed out." }) {
        return "anthropic < 0.57 (short APITimeoutError message)"
      }
      if records.contains(where: { $0.type.hasPrefix("anthropic._exceptions.") }) {
        return "anthropic 0.47–0.x (errors printed from anthropic._exceptions)"
      }
    case "openai":
      // 3.14.0 wraps transport errors raised while the stream is read, in _streaming.py.
      if let final = records.last, final.module == "openai",
        final.className == "APIConnectionError" || final.className == "APITimeoutError",
        final.framePaths.contains(where: { $0.hasSuffix("openai/_streaming.py") })
      {
        return "openai ≥ 3.14 (wraps mid-stream transport errors)"
      }
      if transport == "httpx2" { return "openai 3.0–3.13 (httpx2; mid-stream transport errors not wrapped)" }
    default:
      break
    }
    return transport.flatMap { generation(sdk: sdk, transport: $0) }
  }

  /// Which SDK generation a transport module implies.
  public static func generation(sdk: String, transport: String) -> String? {
    switch (sdk, transport) {
    case ("anthropic", "httpx"): return "anthropic < 1.0 (httpx)"
    case ("anthropic", "httpx2"): return "anthropic ≥ 1.0 (httpx2)"
    case ("openai", "httpx"): return "openai 1.x–2.x (httpx)"
    case ("openai", "httpx2"): return "openai ≥ 3.0 (httpx2)"
    default: return nil
    }
  }

  // MARK: - Limits of middleboxes and clients

  /// A known timeout of a proxy, load balancer or client.
  public struct KnownLimit: Sendable {
    public var seconds: Double
    /// `idle` resets on every byte; `total` caps the whole response.
    public var kind: Kind
    public var components: String
    /// Which side of the connection closes when it fires.
    public var closer: Side
    public var source: String

    public enum Kind: String, Sendable { case idle, total }
  }

  public static let knownLimits: [KnownLimit] = [
    KnownLimit(seconds: 5, kind: .idle, components: "httpx default timeout (a client built on bare httpx)", closer: .client,
               source: "encode/httpx docs/advanced/timeouts.md"),
    KnownLimit(seconds: 60, kind: .idle, components: "AWS ALB/CLB idle timeout, nginx `proxy_read_timeout`, ingress-nginx `proxy-read-timeout`", closer: .server,
               source: "AWS ELB docs (edit-load-balancer-attributes); nginx ngx_http_proxy_module; ingress-nginx configmap.md"),
    KnownLimit(seconds: 100, kind: .idle, components: "Cloudflare proxy read timeout", closer: .server,
               source: "developers.cloudflare.com … error-524 (the 100 s default, still widely quoted; protocol-facts.md)"),
    KnownLimit(seconds: 120, kind: .idle, components: "Cloudflare proxy read timeout (documented default from October 2025)", closer: .server,
               source: "developers.cloudflare.com fundamentals/reference/connection-limits and error-524; cloudflare/cloudflare-docs#25614"),
    KnownLimit(seconds: 125, kind: .idle, components: "Cloudflare proxy read timeout (documented default from July 2026, Pingora)", closer: .server,
               source: "cloudflare/cloudflare-docs#32243 (connection-limits, error-524: 120 → 125 s)"),
    KnownLimit(seconds: 240, kind: .idle, components: "Azure Load Balancer idle timeout", closer: .server,
               source: "MicrosoftDocs azure-docs load-balancer-tcp-idle-timeout.md"),
    KnownLimit(seconds: 300, kind: .idle, components: "Envoy `stream_idle_timeout`", closer: .server,
               source: "envoyproxy/envoy docs faq/configuration/timeouts.rst"),
    KnownLimit(seconds: 300, kind: .idle, components: "Node undici `bodyTimeout` / `headersTimeout` (the default under Node's fetch and the TypeScript SDKs)", closer: .client,
               source: "nodejs/undici docs/api/Client.md; caozhiyuan/copilot-api#133 (\"undici 301s ceiling\"); signatures.md d.2"),
    KnownLimit(seconds: 350, kind: .idle, components: "AWS NLB / NAT gateway idle timeout", closer: .server,
               source: "AWS NLB update-idle-timeout docs; VPC NAT gateway troubleshooting"),
    KnownLimit(seconds: 600, kind: .idle, components: "Anthropic/OpenAI Python SDK default read timeout", closer: .client,
               source: "anthropics/anthropic-sdk-python src/anthropic/_constants.py; openai-python _constants.py"),
    KnownLimit(seconds: 15, kind: .total, components: "Envoy route timeout (Gloo Edge default)", closer: .server,
               source: "envoyproxy/envoy timeouts.rst; solo-io/gloo#11399"),
    KnownLimit(seconds: 29, kind: .total, components: "AWS API Gateway integration timeout", closer: .server,
               source: "aws.amazon.com what's new 2024/06 API Gateway integration timeout"),
    KnownLimit(seconds: 30, kind: .total, components: "GCP Application LB backend timeout, Azure Front Door, CloudFront origin read timeout", closer: .server,
               source: "googleapis compute BackendService.timeoutSec; learn.microsoft.com front-door-troubleshoot-routing"),
  ]

  /// The known limits of `kind` that a duration of `seconds` matches, closest first, allowing for log timestamp precision.
  /// - Parameter precision: the resolution of the timestamps the duration came from, in seconds.
  public static func limits(matching seconds: Double, kind: KnownLimit.Kind, precision: Double) -> [KnownLimit] {
    knownLimits.filter { limit in
      guard limit.kind == kind else { return false }
      let slack = max(2.0, limit.seconds * 0.05) + precision
      return seconds >= limit.seconds - 1.0 - precision && seconds <= limit.seconds + slack
    }.sorted { abs($0.seconds - seconds) < abs($1.seconds - seconds) }
  }

  /// The slowest ordinary gap between content events of a streaming response, in seconds: used only when a
  /// stream's own events were not timed. Published output speeds of the Claude and GPT models are tens of
  /// tokens a second, and a delta or chunk carries one to a few tokens, so content comes at ten events a
  /// second or faster while a response is being generated.
  /// Source: Anthropic's model pages ("output speed"), artificialanalysis.ai output-speed measurements (R).
  public static let slowestOrdinaryEventGap = 0.1

  /// How many retries the Python and TypeScript SDKs make when the application does not set `max_retries`.
  /// Source: anthropic-sdk-python and openai-python `_constants.py` (`DEFAULT_MAX_RETRIES = 2`);
  /// anthropic-sdk-typescript `src/client.ts` (`maxRetries` default 2).
  public static let sdkDefaultMaxRetries = 2

  /// Whether the SDKs retry a response of this status (408, 409, 429 and every 5xx, absent an `x-should-retry`
  /// header saying otherwise). Source: anthropic-sdk-python / openai-python `_base_client.py` `_should_retry`.
  public static func sdkRetries(status: Int) -> Bool { status == 408 || status == 409 || status == 429 || status >= 500 }

  /// The HTTP status an SDK's status error names in its message (`Error code: 529 - …`), if it names one.
  public static func status(inSDKErrorMessage message: String) -> Int? {
    guard let range = message.range(of: "Error code: ") else { return nil }
    return Int(message[range.upperBound...].prefix(3))
  }

  /// How many of a stream's own gaps between events a silence must last to be a stall rather than pacing.
  /// A token stream's gaps vary by a few times their average; a silence ten times as long has stopped.
  public static let stallFactor = 10.0
}

/// Which side of the connection an event came from.
public enum Side: String, Sendable, Codable {
  /// The API or a proxy/load balancer in front of it.
  case server
  /// The application, its SDK, or its own machine and network.
  case client
  case unknown
}
