/// Everything the input says about one HTTP attempt, gathered while it is open.
final class ObservedStream {
  /// Order of creation, from 1.
  let sequence: Int
  let input: Int
  let context: Int
  var call = 0
  var attempt = 1
  var firstLocation: SourceLocation
  var startTime: Microseconds?
  var url: String?
  var transport: String?
  var requestID: String?

  var status: Int?
  var responseHead: Observation?

  var eventCount = 0
  var contentCount = 0
  var firstEvent: Observation?
  var lastEvent: Observation?
  var lastEventKind: StreamEvent?
  var openBlock = false
  var endMarker: Observation?
  /// A `response.failed` or `event: error`: the API reported the failure inside the stream.
  var inBandFailure: Observation?
  var inBandText: String?
  /// What a capture shows of the connection's end.
  var wireClose: WireClose?
  var captureEnded: Observation?
  var captureConnState: String?
  /// Response bytes the capture did not keep, and the last packet where it missed some.
  var serverBytesLost = 0
  var lastServerLoss: Observation?
  /// The body's framing ended it (terminating chunk or Content-Length).
  var bodyComplete: Observation?
  /// A TLS session seen without keys: its server name, and whether the server sent an alert (close_notify) before closing.
  var isTLS = false
  var serverName: String?
  var serverAlert: Observation?

  /// The first FIN or RST of the connection, as a capture shows it.
  struct WireClose {
    var byServer: Bool
    var reset: Bool
    var at: Observation
    var lastServerData: Microseconds?
    var lastServerPacket: Int?
    var lastClientData: Microseconds?
    var connState: String
    var lostBytes: Int
  }
  /// Whether the context wrote other lines after the end marker (so later events start a new stream).
  var wroteAfterEnd = false
  /// Retired unread while still open, because more than `Assembler.mostOpenStreams` were open at once: its verdict
  /// is unknown.
  var retired = false
  var endMarkerKind: StreamEvent?

  var exception: ExceptionChain?
  var exceptionAt: Observation?
  var exceptionUncaught = false
  /// An exception the SDK logged at DEBUG before retrying (`Encountered Exception`).
  var internalException: ExceptionChain?
  var retry: Observation?
  var retryDelay: Double?
  /// httpcore's trace of the failed body read, and its `exception=…` text.
  var bodyReadFailure: Observation?
  var bodyReadFailureText: String?
  /// The SDK and version that sent the request, from its own headers (`User-Agent: Anthropic/Python 0.40.0`).
  var sdkName: String?
  var sdkVersion: String?
  /// When this attempt's request was sent, as the SDK or its transport logged it.
  var requestSentAt: Microseconds?
  /// httpcore's trace of the response head read failing, and its `exception=…` text: this attempt's own reason.
  var headReadFailure: Observation?
  var headReadFailureText: String?
  /// The application's own account of the stream (content events received, seconds), and where it said so.
  var account: ApplicationAccount?
  var accountAt: Observation?
  /// Whether the application logged its own summary of the finished message (`stop_reason=…`) after its end.
  var summarizedByApplication = false
  /// Where the application said it ended the stream itself.
  var cancelled: Observation?
  /// What the attempts of this stream's call show together (set before diagnosis).
  var timeline: CallTimeline.AttemptView?
  /// The first other line the same context wrote after the last event, with no exception between.
  var followingLine: Observation?
  var lastActivity: Microseconds?
  /// `x-stainless-retry-count` of this request: how many attempts the SDK made before it.
  var sdkRetryCount: Int?
  /// `x-stainless-timeout` of this request: the client's configured timeout, in seconds.
  var sdkTimeout: Double?
  /// Usage the application logged for this stream.
  var inputTokens: Int?
  var outputTokens: Int?
  var end: EndReason = .endOfInput

  /// A line that supports a claim: where, when, and the redacted text if worth quoting.
  struct Observation {
    var location: SourceLocation
    var time: Microseconds?
    var quote: String?
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

  /// Whether the response had begun: a status line, an event, or content the application counted.
  var responseBegan: Bool { status == 200 || eventCount > 0 || (account?.contentEvents ?? 0) > 0 }

  /// Whether the stream has seen anything beyond its request.
  var hasProgress: Bool { status != nil || eventCount > 0 || exception != nil }
}
