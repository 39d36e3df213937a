/// A timestamped observation a reader made, with where it was made.
///
/// Readers emit facts; the assembler groups them into streams. A fact is a
/// small value: only rare kinds carry text.
public struct Fact: Sendable {
  /// When the line was written, if the line (or the record it belongs to) had a timestamp.
  public var time: Microseconds?
  /// The line the fact was read from.
  public var location: SourceLocation
  /// The thread, task or worker that wrote the line; 0 when the log does not say.
  public var context: Int
  /// What was observed.
  public var kind: Kind
  /// The line itself, redacted, for kinds worth quoting as evidence.
  public var quote: String?

  public init(time: Microseconds?, location: SourceLocation, context: Int, kind: Kind, quote: String? = nil) {
    self.time = time
    self.location = location
    self.context = context
    self.kind = kind
    self.quote = quote
  }

  /// The kinds of observation a log reader makes.
  /// The kinds with the largest payloads (a response head, a scheduled retry, a version) are `indirect`: a
  /// fact is copied several times on its way (from a capture's worker threads to the assembler), and its size is
  /// that of its largest kind; the common ones (an event, a line) carry little or nothing.
  public enum Kind: Sendable {
    /// The SDK is about to send a request (`Sending HTTP Request: POST …`).
    case requestSending(url: String?)
    /// Response headers arrived (`HTTP Request: POST … "HTTP/1.1 200 OK"` of httpx/httpx2).
    indirect case responseHead(status: Int, url: String?, transport: String)
    /// A request id (`req_…`) was mentioned.
    case requestID(String)
    /// The application logged an SSE event or chunk it received.
    case event(StreamEvent)
    /// The SDK scheduled a retry (`Retrying request to /v1/messages in 0.43 seconds`).
    indirect case retryScheduled(ScheduledRetry)
    /// A traceback ended. `internal`: the SDK logged it at DEBUG before retrying;
    /// `uncaught`: it was printed to stderr with no log record.
    indirect case exception(ExceptionChain, internal: Bool, uncaught: Bool)
    /// httpcore's trace of the body read failing (`receive_response_body.failed exception=…`).
    case bodyReadFailed(String)
    /// httpcore's trace of the response head read failing (`receive_response_headers.failed exception=…`).
    case headReadFailed(String)
    /// The transport began sending a request (httpcore's `send_request_headers.started`).
    case requestStarted
    /// The application's own account of the stream it was reading: content events received, and over how long.
    case applicationAccount(ApplicationAccount)
    /// The application says it ended the stream itself (a cancel, an abort, its own client going away).
    case applicationCancelled
    /// A library or client version visible in the log (`Anthropic/Python 0.79.0`).
    indirect case sdkVersion(name: String, version: String)
    /// The SDK's idempotency key for a call: every attempt of one call carries the same key.
    case callKey(String)
    /// `x-stainless-retry-count`: the SDK's count of earlier attempts of this request.
    case sdkRetryCount(Int)
    /// `x-stainless-timeout` / `x-stainless-read-timeout`: the client's configured timeout, in seconds.
    case sdkTimeout(Double)
    /// Token usage the application logged (`message_start` input tokens, cumulative output tokens).
    case usage(input: Int?, output: Int?)
    /// Any other line written by a context that has a stream open.
    case otherLine
    /// A capture shows the connection's first FIN or RST: who sent it, and when each side last sent data.
    indirect case connectionClosed(byServer: Bool, reset: Bool, lastServerData: Microseconds?, lastServerPacket: Int?,
                          lastClientData: Microseconds?, connState: String, lostBytes: Int)
    /// An HTTP/2 frame ended the stream: a RST_STREAM, or a GOAWAY that left it unfinished; its error code. The
    /// `connectionClosed` that follows says who and when.
    case http2StreamEnded(goAway: Bool, errorCode: UInt32)
    /// A capture ends with the connection still open.
    case captureEnded(connState: String)
    /// Bytes of the server's response that a capture did not keep (snap length, or a hole never filled).
    case captureLoss(bytes: Int)
    /// The response body ended by its framing (the terminating chunk, or the Content-Length reached).
    case bodyEnded
    /// The API reported an error inside the stream (`event: error`, or a data object with `"error"`).
    case inBandError(String)
    /// A TLS session began (ClientHello), with its server name if it sent one: the content is encrypted.
    case tlsSession(serverName: String?)
    /// A TLS alert record (after the handshake, most often close_notify): who sent it.
    case tlsAlert(byServer: Bool)
    /// A capture began in the middle of a response: its handshake, request and head are not in it, and the first
    /// server bytes are already the body's.
    case startNotCaptured
  }
}

/// An SSE event (Anthropic) or chunk (OpenAI) that the application logged.
public enum StreamEvent: String, Sendable, CaseIterable {
  case messageStart = "message_start"
  case contentBlockStart = "content_block_start"
  case contentBlockDelta = "content_block_delta"
  case contentBlockStop = "content_block_stop"
  case messageDelta = "message_delta"
  case messageStop = "message_stop"
  case ping
  case error
  case chatCompletionChunk = "chat.completion.chunk"
  case chatFinished = "finish_reason"
  /// The application logged a message's `stop_reason` with a value (`stop_reason=end_turn`): the message ended.
  case stopReason = "stop_reason"
  case done = "[DONE]"
  case responseDelta = "response.output_text.delta"
  case responseCompleted = "response.completed"
  case responseFailed = "response.failed"
  case responseIncomplete = "response.incomplete"
  /// A TLS application-data record from the server: content whose events cannot be seen without keys.
  case encryptedData = "(encrypted record)"
  /// Any other event (a capture shows every one: `response.created`, `content_block_start` of tools, …).
  case other = "(other)"

  /// Whether this event ends a message on its protocol.
  public var isEndOfMessage: Bool {
    switch self {
    case .messageStop, .done, .chatFinished, .stopReason, .responseCompleted, .responseIncomplete: return true
    default: return false
    }
  }

  /// Whether this event carries content.
  public var isContent: Bool {
    switch self {
    case .contentBlockDelta, .chatCompletionChunk, .responseDelta, .encryptedData: return true
    default: return false
    }
  }
}

extension Fact {
  /// The fact with secrets redacted from its quote and the texts it carries. Log lines are redacted before they
  /// become facts; facts read from the wire (captures, transcripts, curl traces, HAR) are redacted here.
  func redactingSecrets() -> Fact {
    switch kind {
    case .requestSending, .inBandError, .requestID, .bodyReadFailed, .headReadFailed: break
    default: if quote == nil { return self }
    }
    var fact = self
    fact.quote = quote.map { Redactor.redact($0).text }
    switch kind {
    case .requestSending(let url): fact.kind = .requestSending(url: url.map { Redactor.redact($0).text })
    case .inBandError(let text): fact.kind = .inBandError(Redactor.redact(text).text)
    case .requestID(let id): fact.kind = .requestID(Redactor.redact(id).text)
    case .bodyReadFailed(let text): fact.kind = .bodyReadFailed(Redactor.redact(text).text)
    case .headReadFailed(let text): fact.kind = .headReadFailed(Redactor.redact(text).text)
    default: break
    }
    return fact
  }
}

