/// Groups facts into streams (one HTTP attempt each) and streams into calls (an SDK call and its retries).
///
/// A stream belongs to the thread or worker that logged it; a request id, where one is
/// mentioned, ties an exception to its stream across contexts. Concurrent workers that
/// interleave in one log are kept apart by their context. When a stream ends it is handed
/// to `finished`, so memory holds only the streams open at once.
final class Assembler: FactSink {
  /// The most streams open at once (in a log with that many threads or workers, or a capture with that many
  /// connections): past it the one that began first is retired unread, with an unknown verdict, so that memory stays
  /// bounded whatever the input.
  static let mostOpenStreams = 20_000
  /// Streams retired so.
  private(set) var retiredStreams = 0
  /// The contexts and sequence numbers of open streams, in the order they began (finished ones are skipped lazily).
  private var beginOrder: [(context: Int, sequence: Int)] = []
  private var beginOrderHead = 0
  /// Receives each stream as soon as nothing more can be added to it.
  private let finished: (ObservedStream) -> Void
  /// The open stream of each context of the input being read, indexed by context id.
  private var open = OpenStreams()
  private var byRequestID: [String: ObservedStream] = [:]
  /// Per context: the call a retry left open, and the last call number used.
  private var pendingRetryCall: [Int: (call: Int, attempt: Int)] = [:]
  /// Per context: the idempotency key logged for the next attempt, and the last key with its call and attempt.
  private var pendingCallKey: [Int: String] = [:]
  private var pendingRetryCount: [Int: Int] = [:]
  private var pendingTimeout: [Int: Double] = [:]
  private var lastCallKey: [Int: (key: String, call: Int, attempt: Int)] = [:]
  /// Connections (contexts) a capture showed closing: bytes that arrive on one afterwards belong to the stream
  /// that closed, not to a new one, until a new request opens it again.
  private var closedConnections = Set<Int>()
  /// Request ids logged by a context before the stream they belong to began.
  private var pendingRequestID: [Int: String] = [:]
  private var nextSequence = 1
  private var nextCall = 1
  /// Exceptions that could not be tied to a stream and involve no SDK or transport code.
  private(set) var unattributedExceptions: [(ExceptionChain, SourceLocation)] = []
  /// SDK versions mentioned per input.
  private(set) var sdkVersions: [Int: [String: String]] = [:]

  init(finished: @escaping (ObservedStream) -> Void) {
    self.finished = finished
  }

  @inline(__always)
  private func key(_ input: Int, _ context: Int) -> Int { context }

  func accept(_ fact: borrowing Fact) {
    let k = key(fact.location.input, fact.context)
    switch fact.kind {
    case .otherLine:
      if let stream = open[k] {
        if stream.endMarker != nil {
          stream.wroteAfterEnd = true
        } else if stream.eventCount > 0, stream.followingLine == nil {
          stream.followingLine = .init(location: fact.location, time: fact.time)
        }
      }
    case .event(let event):
      if open[k] == nil, closedConnections.contains(k) { return }
      if event == .stopReason, let current = open[k], current.endMarker != nil, current.endMarkerKind != .stopReason,
        !current.summarizedByApplication
      {
        // The application's summary (`done, stop_reason=end_turn`) of the stream that just ended, not a new one.
        current.summarizedByApplication = true
        return
      }
      // After its end marker a stream takes only events that follow at once (OpenAI's usage chunk);
      // once the thread has written anything else, the next event belongs to the next stream.
      let stream: ObservedStream
      if let current = open[k], !(current.endMarker != nil && (event == .messageStart || current.wroteAfterEnd)) {
        stream = current
      } else {
        stream = begin(fact, key: k)
      }
      record(event, fact, in: stream)
    case .requestSending(let url):
      closedConnections.remove(k)
      let stream: ObservedStream
      if let current = open[k], !current.hasProgress {
        stream = current
        stream.url = url ?? current.url
      } else {
        stream = begin(fact, key: k)
        stream.url = url
      }
      stream.requestSentAt = stream.requestSentAt ?? fact.time
    case .requestStarted:
      // httpcore's trace of the request going out: the SDK's `Sending HTTP Request` line may have begun it.
      let stream = open[k].flatMap { $0.hasProgress ? nil : $0 } ?? begin(fact, key: k)
      stream.requestSentAt = stream.requestSentAt ?? fact.time
    case .responseHead(let status, let url, let transport):
      if open[k] == nil, closedConnections.contains(k) { return }
      let stream: ObservedStream
      if let current = open[k], current.eventCount == 0, current.exception == nil,
        current.status == nil || (current.status == status && current.transport != transport)
      {
        // The same response seen twice (httpcore's trace, then httpx's INFO line) is one stream; two lines of
        // the same library with no events between them are two attempts.
        stream = current
      } else {
        stream = begin(fact, key: k)
      }
      let isHTTPXLine = transport == "httpx" || transport == "httpx2"
      stream.status = status
      stream.url = url ?? stream.url
      if stream.responseHead == nil || isHTTPXLine {
        stream.responseHead = .init(location: fact.location, time: fact.time, quote: fact.quote)
      }
      if stream.transport == nil || isHTTPXLine { stream.transport = transport.isEmpty ? stream.transport : transport }
      stream.lastActivity = fact.time ?? stream.lastActivity
    case .requestID(let id):
      guard byRequestID[id] == nil else { return }
      guard let stream = open[k], stream.requestID == nil, stream.endMarker == nil else {
        // Logged before its stream's first line: it waits for the thread's next stream.
        pendingRequestID[k] = id
        return
      }
      stream.requestID = id
      byRequestID[id] = stream
    case .retryScheduled(let delay):
      // A retry after a completed stream is for an attempt of a later call whose request was not logged.
      let stream = open[k].flatMap { $0.endMarker == nil ? $0 : nil } ?? begin(fact, key: k)
      stream.retry = .init(location: fact.location, time: fact.time, quote: fact.quote)
      stream.retryDelay = delay
      pendingRetryCall[k] = (stream.call, stream.attempt)
      finish(stream, key: k, reason: .retried)
    case .exception(let chain, let isInternal, let uncaught):
      if isInternal {
        let stream = open[k] ?? begin(fact, key: k)
        stream.internalException = chain
        return
      }
      guard let stream = target(for: chain, fact: fact, key: k) else {
        unattributedExceptions.append((chain, fact.location))
        return
      }
      stream.exception = chain
      stream.exceptionUncaught = uncaught
      stream.exceptionAt = .init(location: fact.location, time: fact.time, quote: fact.quote)
      if let final = chain.final, let id = requestID(in: final.message), stream.requestID == nil {
        stream.requestID = id
      }
      finish(stream, key: key(stream.input, stream.context), reason: .exception)
    case .headReadFailed(let text):
      guard let stream = open[k] else { return }
      stream.headReadFailure = .init(location: fact.location, time: fact.time, quote: fact.quote)
      stream.headReadFailureText = text
    case .applicationAccount(let account):
      // The application's summary of a stream; with no HTTP lines logged it is the stream's only record.
      let stream = open[k].flatMap { $0.endMarker == nil ? $0 : nil } ?? begin(fact, key: k)
      stream.account = account
      stream.accountAt = .init(location: fact.location, time: fact.time, quote: fact.quote)
    case .applicationCancelled:
      guard let stream = open[k], stream.endMarker == nil, stream.cancelled == nil else { return }
      stream.cancelled = .init(location: fact.location, time: fact.time, quote: fact.quote)
    case .bodyReadFailed(let text):
      open[k]?.bodyReadFailure = .init(location: fact.location, time: fact.time, quote: fact.quote)
      open[k]?.bodyReadFailureText = text
    case .connectionClosed(let byServer, let reset, let lastServer, let lastServerPacket, let lastClient, let state, let lost):
      guard let stream = open[k] else { return }
      stream.wireClose = .init(byServer: byServer, reset: reset,
                               at: .init(location: fact.location, time: fact.time, quote: fact.quote),
                               lastServerData: lastServer, lastServerPacket: lastServerPacket, lastClientData: lastClient,
                               connState: state, lostBytes: lost)
      closedConnections.insert(k)
      finish(stream, key: k, reason: .connectionClosed)
    case .captureEnded(let state):
      guard let stream = open[k] else { return }
      stream.captureEnded = .init(location: fact.location, time: fact.time)
      stream.captureConnState = state
      // Nothing more will come on this connection: the stream ends as it would with the input.
      finish(stream, key: k, reason: stream.endMarker != nil ? .completed : .endOfInput)
    case .bodyEnded:
      open[k]?.bodyComplete = .init(location: fact.location, time: fact.time)
    case .captureLoss(let bytes):
      guard let stream = open[k] else { return }
      stream.serverBytesLost += bytes
      stream.lastServerLoss = .init(location: fact.location, time: fact.time)
    case .inBandError(let text):
      guard let stream = open[k] else { return }
      stream.inBandFailure = .init(location: fact.location, time: fact.time, quote: fact.quote)
      stream.inBandText = text
    case .tlsSession(let serverName):
      open[k]?.isTLS = true
      open[k]?.serverName = serverName
    case .tlsAlert:
      open[k]?.serverAlert = .init(location: fact.location, time: fact.time, quote: fact.quote)
    case .callKey(let key):
      pendingCallKey[k] = key
    case .sdkRetryCount(let count):
      // Request headers are printed before the response: the count belongs to the thread's next stream,
      // or to its open one if that has no response yet.
      if let stream = open[k], stream.status == nil, stream.eventCount == 0 {
        stream.sdkRetryCount = count
      } else {
        pendingRetryCount[k] = count
      }
    case .sdkTimeout(let seconds):
      if let stream = open[k], stream.status == nil, stream.eventCount == 0 {
        stream.sdkTimeout = seconds
      } else {
        pendingTimeout[k] = seconds
      }
    case .usage(let input, let output):
      guard let stream = open[k] else { return }
      if let input, stream.inputTokens == nil { stream.inputTokens = input }
      if let output { stream.outputTokens = max(stream.outputTokens ?? 0, output) }
    case .sdkVersion(let name, let version):
      sdkVersions[fact.location.input, default: [:]][name] = version
      // Request headers name the SDK of the request being sent.
      if let stream = open[k], !stream.hasProgress {
        stream.sdkName = name
        stream.sdkVersion = version
      }
    }
  }

  func inputEnded(_ input: Int) {
    for k in open.contexts {
      if let stream = open[k] { finish(stream, key: k, reason: stream.endMarker != nil ? .completed : .endOfInput) }
    }
    open = OpenStreams()
    beginOrder = []
    beginOrderHead = 0
    pendingRetryCall = [:]
    pendingRequestID = [:]
    pendingCallKey = [:]
    pendingRetryCount = [:]
    pendingTimeout = [:]
    lastCallKey = [:]
    closedConnections = []
  }

  // MARK: - Helpers

  private func begin(_ fact: borrowing Fact, key k: Int) -> ObservedStream {
    if let current = open[k] {
      finish(current, key: k, reason: current.endMarker != nil ? .completed : .nextRequest)
    }
    let stream = ObservedStream(sequence: nextSequence, input: fact.location.input, context: fact.context,
                                location: fact.location, time: fact.time)
    nextSequence += 1
    let key = pendingCallKey.removeValue(forKey: k)
    if let pending = pendingRetryCall.removeValue(forKey: k) {
      stream.call = pending.call
      stream.attempt = pending.attempt + 1
    } else if let key, let last = lastCallKey[k], last.key == key {
      // Another attempt with the same idempotency key: the SDK retried this call.
      stream.call = last.call
      stream.attempt = last.attempt + 1
    } else {
      stream.call = nextCall
      nextCall += 1
    }
    if let key { lastCallKey[k] = (key, stream.call, stream.attempt) }
    stream.sdkRetryCount = pendingRetryCount.removeValue(forKey: k)
    stream.sdkTimeout = pendingTimeout.removeValue(forKey: k)
    if let id = pendingRequestID.removeValue(forKey: k), byRequestID[id] == nil {
      stream.requestID = id
      byRequestID[id] = stream
    }
    open[k] = stream
    beginOrder.append((k, stream.sequence))
    if open.count > Self.mostOpenStreams { retireOldest() }
    if beginOrder.count > 2 * Self.mostOpenStreams {
      // Keep only the open ones: at most `mostOpenStreams`, so this runs once per as many streams begun.
      beginOrder = beginOrder[beginOrderHead...].filter { open[$0.context]?.sequence == $0.sequence }
      beginOrderHead = 0
    }
    return stream
  }

  /// Retires the open stream that began first.
  private func retireOldest() {
    while beginOrderHead < beginOrder.count {
      let (k, sequence) = beginOrder[beginOrderHead]
      beginOrderHead += 1
      if let stream = open[k], stream.sequence == sequence {
        stream.retired = true
        retiredStreams += 1
        finish(stream, key: k, reason: .endOfInput)
        return
      }
    }
  }

  private func record(_ event: StreamEvent, _ fact: borrowing Fact, in stream: ObservedStream) {
    let observation = ObservedStream.Observation(location: fact.location, time: fact.time)
    stream.eventCount += 1
    if stream.firstEvent == nil { stream.firstEvent = observation }
    stream.lastEvent = observation
    stream.lastEventKind = event
    stream.lastActivity = fact.time ?? stream.lastActivity
    stream.followingLine = nil
    if event.isContent { stream.contentCount += 1 }
    switch event {
    case .contentBlockStart: stream.openBlock = true
    case .contentBlockStop: stream.openBlock = false
    case .responseFailed: stream.inBandFailure = observation
    default: break
    }
    if event.isEndOfMessage, stream.endMarker == nil {
      stream.endMarker = observation
      stream.endMarkerKind = event
    }
  }

  /// The stream an exception belongs to: by the request id in its message, else the context's open stream.
  private func target(for chain: ExceptionChain, fact: borrowing Fact, key k: Int) -> ObservedStream? {
    if let final = chain.final, let id = requestID(in: final.message), let stream = byRequestID[id],
      open[key(stream.input, stream.context)] === stream
    {
      return stream
    }
    if let stream = open[k], stream.endMarker == nil { return stream }
    // An exception with no open stream is about one if it is a known streaming failure or comes from the client stack.
    let involvesClient = chain.records.contains { record in
      Catalogue.signature(for: record) != nil || Catalogue.transportModules.contains(record.module)
        || record.module == "anthropic" || record.module == "openai"
    } || chain.hasFrame(containing: "/anthropic/") || chain.hasFrame(containing: "/openai/")
    guard involvesClient else { return nil }
    return begin(fact, key: k)
  }

  private func requestID(in text: String) -> String? {
    guard let range = text.range(of: "req_") else { return nil }
    let id = text[range.lowerBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
    return id.count >= 12 ? String(id) : nil
  }

  private func finish(_ stream: ObservedStream, key k: Int, reason: ObservedStream.EndReason) {
    stream.end = stream.endMarker != nil && reason != .exception ? .completed : reason
    if open[k] === stream { open[k] = nil }
    if let id = stream.requestID, byRequestID[id] === stream { byRequestID[id] = nil }
    finished(stream)
  }
}

/// Open streams by context id: inputs are read one after another, so context ids are small and dense.
private struct OpenStreams {
  private var slots: [ObservedStream?] = []
  /// The streams open.
  private(set) var count = 0

  subscript(context: Int) -> ObservedStream? {
    get { context < slots.count ? slots[context] : nil }
    set {
      if context >= slots.count { slots += Array(repeating: nil, count: context + 1 - slots.count) }
      count += (newValue == nil ? 0 : 1) - (slots[context] == nil ? 0 : 1)
      slots[context] = newValue
    }
  }

  /// Contexts with an open stream, in id order.
  var contexts: [Int] { slots.indices.filter { slots[$0] != nil } }
}
