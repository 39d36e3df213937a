/// How a stream ended: with its end-of-message marker, or not.
public enum Outcome: String, Sendable, Codable {
  case completed
  case failed
}

/// Why a stream did not complete; the vocabulary of `design.md`.
public enum Cause: String, Sendable, Codable, CaseIterable {
  case idleTimeout = "idle_timeout"
  case serverCloseDuringDelta = "server_close_during_delta"
  case clientError = "client_error"
  case serverError = "server_error"
  case unknown

  /// What the cause means, in one sentence, for the report.
  public var meaning: String {
    switch self {
    case .idleTimeout:
      return "no bytes for a long time, then the connection was closed: by a proxy or load balancer's idle limit, or by the client's own read timeout"
    case .serverCloseDuringDelta:
      return "the server side (the API or a proxy in front of it) closed or reset the connection while content was flowing, or the body ended cleanly before its end-of-message marker"
    case .clientError:
      return "the client ended it: cancellation, an exception in application code, a local timeout or network failure, or a request the API rejected (4xx)"
    case .serverError:
      return "the API reported a failure: an error status before the stream (529, 5xx) or an `event: error` inside it"
    case .unknown:
      return "the evidence does not decide; the report says which evidence would"
    }
  }
}

/// A finding about a stream besides its cause.
public enum Finding: String, Sendable, Codable {
  /// The SDK let a raw transport exception escape where its own APIConnectionError/APITimeoutError belongs.
  case unwrappedExceptionLeak = "unwrapped_exception_leak"
  /// The body ended cleanly before the end-of-message marker.
  case cleanTruncation = "clean_truncation"
  /// The SDK retried this attempt.
  case retriedBySDK = "retried_by_sdk"
  /// The silence before the close matches a known idle limit, or the duration a known cap.
  case matchesKnownLimit = "matches_known_limit"
  /// The failure was never caught: the traceback was printed uncaught.
  case uncaughtException = "uncaught_exception"
}

/// How sure the verdict is.
public enum Confidence: String, Sendable, Codable {
  case high, medium, low
}

/// One line or derived fact that supports a verdict.
public struct Evidence: Sendable, Codable, Equatable {
  /// `file:line` in the input.
  public var location: String?
  /// When, in UTC (ISO 8601), if the line had a time.
  public var time: String?
  /// The line itself, redacted.
  public var quote: String?
  /// What this evidence shows, in plain words.
  public var note: String

  /// Writes every key, with `null` for what is absent, so the schema is the same for every entry.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(location, forKey: .location)
    try c.encode(time, forKey: .time)
    try c.encode(quote, forKey: .quote)
    try c.encode(note, forKey: .note)
  }

  public init(location: String?, time: String?, quote: String?, note: String) {
    self.location = location
    self.time = time
    self.quote = quote
    self.note = note
  }
}

/// The diagnosis of one stream (one HTTP attempt).
public struct StreamVerdict: Sendable, Codable, Equatable {
  /// 1-based, in the order the streams started in the inputs.
  public var id: Int
  public var input: String
  /// The thread or worker that ran it, if the log says.
  public var context: String?
  public var requestID: String?
  /// The SDK call this attempt belongs to, and its place among the call's attempts.
  public var call: Int
  public var attempt: Int
  public var attemptsInCall: Int
  public var url: String?
  public var status: Int?
  public var startedAt: String?
  public var endedAt: String?
  public var outcome: Outcome
  public var cause: Cause?
  public var findings: [Finding]
  public var confidence: Confidence
  /// Which side ended the stream.
  public var side: Side?
  /// What happened, in a sentence or two.
  public var summary: String
  /// How the failure reached the application (the exception it saw, wrapped or raw).
  public var surfacedAs: String?
  /// The SDK and transport generation in use, where the log shows it.
  public var sdk: String?
  public var eventsReceived: Int
  public var contentEventsReceived: Int
  public var lastEvent: String?
  /// Seconds from the last event logged to the end of the stream.
  public var silenceBeforeEnd: Double?
  /// Seconds from the start of the stream to its end, where both are known.
  public var duration: Double?
  /// Input tokens (from `message_start`) and output tokens (cumulative) the application logged.
  public var inputTokens: Int?
  public var outputTokens: Int?
  /// Whether the API had accepted the request (HTTP 200) before it failed, so its tokens were billed.
  public var billed: Bool
  /// Zeek's connection state (SF, S2, S3, RSTO, RSTR, …), when a capture shows the connection.
  public var connState: String?
  public var evidence: [Evidence]
  /// Ids of the fixes in the report's `fixes` catalogue.
  public var fixes: [FixID]
  /// For uncertain verdicts: which evidence would decide.
  public var wouldDecide: String?
  /// For an `unknown` cause: the causes the evidence leaves open, most likely first; empty when decided.
  public var candidates: [Cause] = []
  /// For a request seen in several inputs (a log and a capture): each view's own reading, under this one
  /// verdict; empty when one input shows the request.
  public var views: [StreamView] = []
  /// The exception type that reached the application, when the input shows it (the name `surfacedAs` words).
  /// Not in the JSON: the report groups failures by it without reading the sentence back.
  public var surfacedType: String?
  /// Whether the stream was read from a capture, trace or archive (the wire), rather than a log. Not in the JSON:
  /// it says which streams are a log's view and which a capture's, for joining them.
  public var onWire = false
  /// What `startedAt` marks: the request going out, the response head arriving, or only the first line that
  /// mentions the stream. Not in the JSON: it says how a log's time bounds the request's time on the wire.
  public var startMark: StartMark = .firstMention

  /// What a stream's start time marks.
  public enum StartMark: String, Sendable, Codable {
    /// A line written as the request went out (the SDK's or the transport's), or a time inferred from the call's
    /// timeline (a retry's backoff, the application's duration): the request left at or after it.
    case requestSent
    /// When the application began the call, from its own account of how long the call took: the request left at
    /// or after it, after a wait nothing measures.
    case callStarted
    /// The response head's arrival: the request left at or before it.
    case responseHead
    /// The first line that mentions the stream: the request left at or before it.
    case firstMention
  }
  /// Whether the stream was still open when its input ended (a log or capture that stops mid-stream): in flight,
  /// neither completed nor failed by anything the input shows; `--fail-on-drops` ignores it.
  public var inFlightAtEnd = false

  /// Writes every key, with `null` for what is absent (`cause` is null for a completed stream).
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(input, forKey: .input)
    try c.encode(context, forKey: .context)
    try c.encode(requestID, forKey: .requestID)
    try c.encode(call, forKey: .call)
    try c.encode(attempt, forKey: .attempt)
    try c.encode(attemptsInCall, forKey: .attemptsInCall)
    try c.encode(url, forKey: .url)
    try c.encode(status, forKey: .status)
    try c.encode(startedAt, forKey: .startedAt)
    try c.encode(endedAt, forKey: .endedAt)
    try c.encode(outcome, forKey: .outcome)
    try c.encode(cause, forKey: .cause)
    try c.encode(findings, forKey: .findings)
    try c.encode(confidence, forKey: .confidence)
    try c.encode(side, forKey: .side)
    try c.encode(summary, forKey: .summary)
    try c.encode(surfacedAs, forKey: .surfacedAs)
    try c.encode(sdk, forKey: .sdk)
    try c.encode(eventsReceived, forKey: .eventsReceived)
    try c.encode(contentEventsReceived, forKey: .contentEventsReceived)
    try c.encode(lastEvent, forKey: .lastEvent)
    try c.encode(silenceBeforeEnd, forKey: .silenceBeforeEnd)
    try c.encode(duration, forKey: .duration)
    try c.encode(inputTokens, forKey: .inputTokens)
    try c.encode(outputTokens, forKey: .outputTokens)
    try c.encode(billed, forKey: .billed)
    try c.encode(connState, forKey: .connState)
    try c.encode(evidence, forKey: .evidence)
    try c.encode(fixes, forKey: .fixes)
    try c.encode(wouldDecide, forKey: .wouldDecide)
    try c.encode(candidates, forKey: .candidates)
    try c.encode(views, forKey: .views)
    try c.encode(inFlightAtEnd, forKey: .inFlightAtEnd)
  }
}
