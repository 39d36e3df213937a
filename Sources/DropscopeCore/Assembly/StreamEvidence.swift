/// Everything the inputs say about one HTTP attempt, in typed parts that every reader fills the same way.
///
/// A part that no input showed stays empty (nil): rules read what exists and never a sentinel. Every
/// observation carries where it came from (`file:line` or `file#packet`) and, where the input had one, its time.
final class StreamEvidence {
  /// Order of creation, from 1.
  let sequence: Int
  let input: Int
  let context: Int
  /// The SDK call this attempt belongs to, and its place among the call's attempts.
  var call = 0
  var attempt = 1
  /// The first line or packet that mentions the attempt, and its time.
  var firstLocation: SourceLocation
  var startTime: Microseconds?

  var request = Request()
  var head = ResponseHead()
  var events = Events()
  /// What the attempts of this stream's call show together (set before diagnosis).
  var timeline: CallTimeline.AttemptView?
  /// What only some streams show (how the body ended, the wire, the client's exception, the application's account),
  /// kept apart and made when first written: an open stream that shows none of it takes 0.7 KiB instead of
  /// 1.9 KiB, and memory holds up to `Assembler.mostOpenStreams` of them.
  private final class Rare {
    var body = Body()
    var wire = Wire()
    var client = Client()
    var application = Application()
  }
  private var rare: Rare?
  private var rareForWriting: Rare {
    if let rare { return rare }
    let made = Rare()
    rare = made
    return made
  }

  var body: Body {
    get { rare?.body ?? Body() }
    _modify { yield &rareForWriting.body }
  }
  var wire: Wire {
    get { rare?.wire ?? Wire() }
    _modify { yield &rareForWriting.wire }
  }
  var client: Client {
    get { rare?.client ?? Client() }
    _modify { yield &rareForWriting.client }
  }
  var application: Application {
    get { rare?.application ?? Application() }
    _modify { yield &rareForWriting.application }
  }
  /// Why the assembler stopped adding facts to the stream.
  var end: EndReason = .endOfInput
  /// Retired unread while still open, because more than `Assembler.mostOpenStreams` were open at once: its verdict
  /// is unknown.
  var retired = false
  /// Whether the application's account was given to this response from among those in flight, by its time: a
  /// traceback that follows may yet show it was another API's call.
  var tookAccountInFlight = false
  /// When the assembler last saw it active (its own count of activities), to retire the stream idle longest.
  var lastActive = 0

  /// A line or packet that supports a claim: where, when, and the redacted text if worth quoting.
  struct Observation {
    var location: SourceLocation
    var time: Microseconds?
    var quote: String?
  }

  /// The request as sent: where to, by which SDK, with which settings.
  struct Request {
    var url: String?
    var id: String?
    /// When the request went out, as the SDK or its transport logged it.
    var sentAt: Microseconds?
    /// The SDK and version that sent it, from its own headers (`User-Agent: Anthropic/Python 0.40.0`).
    var sdkName: String?
    var sdkVersion: String?
    /// `x-stainless-retry-count`: how many attempts the SDK made before this one.
    var retryCount: Int?
    /// `x-stainless-timeout`: the client's configured timeout, in seconds.
    var timeout: Double?
  }

  /// The response head, and the library that reported it.
  struct ResponseHead {
    var status: Int?
    var at: Observation?
    /// The HTTP library whose line reported the head (`httpx`, `httpcore`, …), or `wire` for a capture or trace.
    var reportedBy: String?
    /// httpcore's trace of the head read failing, and its `exception=…` text: this attempt's own reason.
    var readFailure: Observation?
    var readFailureText: String?
  }

  /// The SSE events received, their pace, and the usage they reported.
  struct Events {
    var count = 0
    /// Content events (Anthropic deltas, OpenAI chunks with content).
    var content = 0
    var first: Observation?
    var last: Observation?
    var lastKind: StreamEvent?
    /// A content block started and not yet stopped.
    var openBlock = false
    var endMarker: Observation?
    var endMarkerKind: StreamEvent?
    /// Whether the context wrote other lines after the end marker (so later events start a new stream).
    var wroteAfterEnd = false
    /// The first other line the same context wrote after the last event, with no exception between.
    var followingLine: Observation?
    var lastActivity: Microseconds?
    var inputTokens: Int?
    var outputTokens: Int?
  }

  /// How the body ended, short of the connection: its framing, an in-band failure, a failed read.
  struct Body {
    /// The body's framing ended it (terminating chunk or Content-Length).
    var framedEnd: Observation?
    /// A `response.failed` or `event: error`: the API reported the failure inside the stream.
    var inBandFailure: Observation?
    var inBandText: String?
    /// httpcore's trace of the failed body read, and its `exception=…` text.
    var readFailure: Observation?
    var readFailureText: String?
  }

  /// What a capture shows of the connection: who closed it and how, loss, TLS.
  struct Wire {
    var close: Close?
    /// The recording stopped while the connection was open, and its state then.
    var captureEnded: Observation?
    var connStateAtEnd: String?
    /// Response bytes the capture did not keep, and the last packet where it missed some.
    var serverBytesLost = 0
    var lastServerLoss: Observation?
    /// A TLS session seen without keys: its server name, and the server's alert (close_notify) before closing.
    var isTLS = false
    var serverName: String?
    var serverAlert: Observation?
    /// The capture began after the connection had started: the first packet of it that the capture holds.
    var startNotCaptured: Observation?

    /// The first FIN or RST of the connection.
    /// The HTTP/2 frame that ended the stream, if one did: a GOAWAY (else a RST_STREAM) and its error code.
    var http2End: (goAway: Bool, errorCode: UInt32)?

    struct Close {
      var byServer: Bool
      var reset: Bool
      var at: Observation
      var lastServerData: Microseconds?
      var lastServerPacket: Int?
      var lastClientData: Microseconds?
      var connState: String
      var lostBytes: Int
    }
  }

  /// What the client saw: the exception, whether it was caught, the SDK's retry.
  struct Client {
    var exception: ExceptionChain?
    var exceptionAt: Observation?
    var uncaught = false
    /// An exception the SDK logged at DEBUG before retrying (`Encountered Exception`).
    var internalException: ExceptionChain?
    var retry: Observation?
    var retryDelay: Double?
    /// Whether its retry line, which names no call, was given to its call by time among calls in flight at once.
    var retryPairedByTime = false
  }

  /// The application's own account: its count and duration, its summary, its cancel.
  struct Application {
    var account: ApplicationAccount?
    var accountAt: Observation?
    /// Whether it logged its own summary of the finished message (`stop_reason=…`) after its end.
    var summarized = false
    /// Where it said it ended the stream itself.
    var cancelled: Observation?
    /// Whether its context had been shown, by the time it ended, to run calls at once: its call's duration may then
    /// count a wait before its request.
    var amongInterleavedCalls = false
    /// How many responses in flight the account's time allowed, when more than one: the log named no call, and the
    /// account went to the earliest of them by time alone.
    var pairedAmong: Int?

    /// Whether its account was read from the line at `location` (the line being read says how this stream ended).
    func isAccount(on location: SourceLocation) -> Bool { accountAt?.location == location }
    /// Whether the application already gave, on another line, an account of this stream's call that `account`
    /// (logged at `time`) cannot be of the same call: another count of content events; durations that put the
    /// call's start at different moments (beyond a second, the coarsest stamp, and the durations' last digits); or
    /// a call finishing (`account` nil or without a count: `done stop_reason=…`) after one it counted as cut short;
    /// lines that name different identifiers (`job 470d7c`, `job a77859`) and none in common.
    /// An account that agrees (the same count, said twice) is the same call's.
    func accountedOtherwise(
      than account: ApplicationAccount?, at time: Microseconds?, on location: SourceLocation, quote: String?
    ) -> Bool {
      guard let accountAt, accountAt.location != location, let earlier = self.account else { return false }
      if let quote, let earlierQuote = accountAt.quote {
        let named = quote.hexIdentifiers
        let earlierNamed = earlierQuote.hexIdentifiers
        if !named.isEmpty, !earlierNamed.isEmpty, named.isDisjoint(with: earlierNamed) { return true }
      }
      guard let earlierCount = earlier.contentEvents else { return false }
      guard let account, let count = account.contentEvents else { return true }
      if count != earlierCount { return true }
      guard let d1 = earlier.seconds, let d2 = account.seconds, let t1 = accountAt.time, let time else { return false }
      let startsApart = abs(Double(time - t1) / 1e6 - (d2 - d1))
      return startsApart > 1 + (earlier.secondsPrecision ?? 0) + (account.secondsPrecision ?? 0)
    }
  }

  /// Why the assembler stopped adding facts to the stream.
  enum EndReason: String {
    case exception, retried, nextRequest, endOfInput, completed, connectionClosed
  }

  init(sequence: Int, input: Int, context: Int, location: SourceLocation, time: Microseconds?) {
    self.sequence = sequence
    self.input = input
    self.context = context
    self.firstLocation = location
    self.startTime = time
  }

  /// Whether the attempt was read from a capture or a trace (the wire), rather than a log.
  var onWire: Bool { head.reportedBy == "wire" }

  /// Whether the response had begun: a status line, an event, or content the application counted.
  var responseBegan: Bool { head.status == 200 || events.count > 0 || (application.account?.contentEvents ?? 0) > 0 }

  /// Whether the stream has seen anything beyond its request.
  var hasProgress: Bool { head.status != nil || events.count > 0 || client.exception != nil }
}
