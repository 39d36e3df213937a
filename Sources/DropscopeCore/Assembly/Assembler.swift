/// Groups facts into streams (one HTTP attempt each) and streams into calls (an SDK call and its retries).
///
/// A stream belongs to the thread or worker that logged it; a request id, where one is
/// mentioned, ties an exception to its stream across contexts. Concurrent workers that
/// interleave in one log are kept apart by their context. When a stream ends it is handed
/// to `finished`, so memory holds only the streams open at once.
final class Assembler: FactSink {
  /// The most streams open at once (in a log with that many threads or workers, or a capture with that many
  /// connections): past it the one idle longest is retired unread, with an unknown verdict, so that memory stays
  /// bounded whatever the input. An open stream takes about 0.7 KiB here (`StreamEvidence`), on a capture its
  /// connection about 2 KiB more, and when the input ends with all of them open, each is diagnosed and listed
  /// (in flight) at about 3.5 KiB more: 10,000 open connections peaked at 80 MiB, 5,000 at 50 MiB, under the 64 MiB
  /// the whole run is held to (`Tools/benchmark/memory.py`).
  static let mostOpenStreams = 5_000
  /// Streams retired so.
  private(set) var retiredStreams = 0
  /// Open streams, one entry each, by context, sequence number and the tick of their last activity (beginning or
  /// an event) when queued. Retiring takes the first entry whose stream has not been active since; one that has
  /// goes to the back with its new tick (a second chance), so the stream retired is one idle long, not merely the
  /// first to begin, and an event costs no more than noting its tick. Finished streams are skipped lazily.
  private var beginOrder: [(context: Int, sequence: Int, tick: Int)] = []
  private var tick = 0
  private var beginOrderHead = 0
  /// Receives each stream as soon as nothing more can be added to it.
  private let finished: (StreamEvidence) -> Void
  /// The open stream of each context of the input being read, indexed by context id.
  private var open = OpenStreams()
  private var byRequestID: [String: StreamEvidence] = [:]
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
  /// Responses whose context began another call before saying how they ended.
  private var inFlight = InFlightResponses()
  /// Attempts known only by the SDK's retry line, waiting for the call they were part of.
  private var heldRetries = HeldRetries()
  /// Inputs that have shown a time with a fraction of a second: the others are stamped to the second.
  private var subsecondInputs = Set<Int>()
  private var lastSubsecondInput = -1
  /// Request ids logged by a context before the stream they belong to began.
  private var pendingRequestID: [Int: String] = [:]
  private var nextSequence = 1
  private var nextCall = 1
  /// Exceptions that could not be tied to a stream and involve no SDK or transport code.
  private(set) var unattributedExceptions: [(ExceptionChain, SourceLocation)] = []
  /// SDK versions mentioned per input.
  private(set) var sdkVersions: [Int: [String: String]] = [:]

  init(finished: @escaping (StreamEvidence) -> Void) {
    self.finished = finished
  }

  @inline(__always)
  private func key(_ input: Int, _ context: Int) -> Int { context }

  func accept(_ fact: borrowing Fact) {
    let k = key(fact.location.input, fact.context)
    if fact.location.input != lastSubsecondInput, let time = fact.time, time % 1_000_000 != 0 {
      subsecondInputs.insert(fact.location.input)
      lastSubsecondInput = fact.location.input
    }
    switch fact.kind {
    case .otherLine:
      if let stream = open[k] {
        if stream.events.endMarker != nil {
          stream.events.wroteAfterEnd = true
        } else if stream.events.count > 0, stream.events.followingLine == nil {
          stream.events.followingLine = .init(location: fact.location, time: fact.time)
        }
      }
    case .event(let event):
      // The usual event: one more of an open stream that has not ended. (Only a stop reason can speak for
      // another stream, and only an ended stream can give way to a new one: both take the general path below.)
      if event != .stopReason, let current = open[k], current.events.endMarker == nil {
        record(event, fact, in: current)
        return
      }
      if open[k] == nil, closedConnections.contains(k) { return }
      if event == .stopReason, let current = open[k], current.events.endMarker != nil, current.events.endMarkerKind != .stopReason,
        !current.application.summarized
      {
        // The application's summary (`done, stop_reason=end_turn`) of the stream that just ended, not a new one.
        current.application.summarized = true
        return
      }
      if event == .stopReason, open[k].map({
        ($0.events.endMarker != nil || !InFlightResponses.awaitsContent($0)) && !$0.application.isAccount(on: fact.location)
      }) ?? true, !inFlight.isEmpty(context: k) {
        // The application says a call finished, and its context has responses waiting for that word: the one that
        // waited longest (a finished call's summary names no response; which of them it was changes no verdict).
        if let waiting = inFlight.takeOldest(context: k) { resume(waiting, key: k) }
      }
      // After its end marker a stream takes only events that follow at once (OpenAI's usage chunk);
      // once the thread has written anything else, the next event belongs to the next stream.
      let stream: StreamEvidence
      if let current = open[k], !(current.events.endMarker != nil && (event == .messageStart || current.events.wroteAfterEnd)),
        !(event == .stopReason && current.application.accountedOtherwise(than: nil, at: fact.time, on: fact.location, quote: fact.quote))
      {
        stream = current
      } else {
        stream = begin(fact, key: k)
      }
      record(event, fact, in: stream)
    case .requestSending(let url):
      closedConnections.remove(k)
      let stream: StreamEvidence
      if let current = open[k], !current.hasProgress {
        stream = current
        stream.request.url = url ?? current.request.url
      } else {
        stream = begin(fact, key: k)
        stream.request.url = url
      }
      stream.request.sentAt = stream.request.sentAt ?? fact.time
    case .requestStarted:
      // httpcore's trace of the request going out: the SDK's `Sending HTTP Request` line may have begun it.
      let stream = open[k].flatMap { $0.hasProgress ? nil : $0 } ?? begin(fact, key: k)
      stream.request.sentAt = stream.request.sentAt ?? fact.time
    case .responseHead(let status, let url, let transport):
      if open[k] == nil, closedConnections.contains(k) { return }
      let stream: StreamEvidence
      if let current = open[k], current.events.count == 0, current.client.exception == nil,
        current.head.status == nil || (current.head.status == status && current.head.reportedBy != transport)
      {
        // The same response seen twice (httpcore's trace, then httpx's INFO line) is one stream; two lines of
        // the same library with no events between them are two attempts.
        stream = current
      } else {
        stream = begin(fact, key: k)
      }
      let isHTTPXLine = transport == "httpx" || transport == "httpx2"
      stream.head.status = status
      stream.request.url = url ?? stream.request.url
      if stream.head.at == nil || isHTTPXLine {
        stream.head.at = .init(location: fact.location, time: fact.time, quote: fact.quote)
      }
      if stream.head.reportedBy == nil || isHTTPXLine { stream.head.reportedBy = transport.isEmpty ? stream.head.reportedBy : transport }
      stream.events.lastActivity = fact.time ?? stream.events.lastActivity
    case .requestID(let id):
      guard byRequestID[id] == nil else { return }
      guard let stream = open[k], stream.request.id == nil, stream.events.endMarker == nil else {
        // Logged before its stream's first line: it waits for the thread's next stream.
        pendingRequestID[k] = id
        return
      }
      stream.request.id = id
      byRequestID[id] = stream
    case .retryScheduled(let retry):
      // The SDK retries an attempt that was refused or failed before its head, never a response that streamed, and
      // before the application hears how its call ended: the open attempt if it is such, else the latest refusal
      // waiting (calls interleave), else an attempt whose request was not logged (a retry after a completed stream,
      // or after the application's word on its call, is for another call).
      let stream: StreamEvidence
      if let current = open[k], current.events.endMarker == nil, current.client.retry == nil,
        current.head.status.map({ $0 >= 400 }) ?? true, current.application.account == nil,
        current.application.cancelled == nil, current.client.exception == nil
      {
        stream = current
      } else if let refused = inFlight.takeRefusal(context: k) {
        resume(refused, key: k)
        stream = refused
      } else if pendingRetryCall[k] == nil {
        // Nothing of the attempt was logged, and no retry chain is under way: the line names no call, and where calls
        // interleave the context's next stream need not be its call's. It waits for the call that claims it.
        let attempt = StreamEvidence(sequence: nextSequence, input: fact.location.input, context: fact.context,
                                     location: fact.location, time: fact.time)
        nextSequence += 1
        attempt.client.retry = .init(location: fact.location, time: fact.time, quote: fact.quote)
        attempt.client.retryDelay = retry.delaySeconds
        attempt.end = .retried
        if let overflow = heldRetries.hold(attempt, retry, context: k) { release(overflow) }
        return
      } else {
        stream = begin(fact, key: k)
      }
      stream.client.retry = .init(location: fact.location, time: fact.time, quote: fact.quote)
      stream.client.retryDelay = retry.delaySeconds
      finish(stream, key: k, reason: .retried)
      pendingRetryCall[k] = (stream.call, stream.attempt)
    case .exception(let chain, let isInternal, let uncaught):
      if isInternal {
        let stream = open[k] ?? begin(fact, key: k)
        stream.client.internalException = chain
        return
      }
      reconsiderAccount(for: chain, key: k)
      guard let stream = target(for: chain, fact: fact, key: k) else {
        unattributedExceptions.append((chain, fact.location))
        return
      }
      stream.client.exception = chain
      stream.client.uncaught = uncaught
      stream.client.exceptionAt = .init(location: fact.location, time: fact.time, quote: fact.quote)
      if let final = chain.final, let id = requestID(in: final.message), stream.request.id == nil {
        stream.request.id = id
      }
      finish(stream, key: key(stream.input, stream.context), reason: .exception)
    case .headReadFailed(let text):
      guard let stream = open[k] else { return }
      stream.head.readFailure = .init(location: fact.location, time: fact.time, quote: fact.quote)
      stream.head.readFailureText = text
    case .applicationAccount(let account):
      if let seconds = account.seconds, let end = fact.time {
        heldRetries.noteCall(endingAt: end, seconds: seconds, slack: slack(of: account, input: fact.location.input), context: k)
      }
      if account.contentEvents == nil {
        // A line that says a call finished, and how long it took. Among calls in flight its duration names the call
        // when one head came clearly first after the start it implies; with none in flight it goes with the stream
        // its event ends: the one still reading, or the one the event begins.
        var target: StreamEvidence?
        if !inFlight.isEmpty(context: k) {
          guard let seconds = account.seconds, let end = fact.time,
            let waiting = inFlight.take(accountOf: seconds, endingAt: end, slack: slack(of: account, input: fact.location.input),
                                        responseBegan: true, open: open[k], context: k)
          else { return }
          resume(waiting, key: k)
          target = waiting
          if inFlight.lastCandidates > 1 { waiting.application.pairedAmong = inFlight.lastCandidates }
        } else if let current = open[k], current.application.accountedOtherwise(than: account, at: fact.time, on: fact.location, quote: fact.quote) {
          // The open stream's call was already accounted for, on another line: this is another call's.
          target = begin(fact, key: k)
        } else {
          target = open[k].flatMap { $0.events.endMarker == nil ? $0 : nil } ?? (open[k] == nil ? begin(fact, key: k) : nil)
        }
        target?.application.account = account
        target?.application.accountAt = .init(location: fact.location, time: fact.time, quote: fact.quote)
        return
      }
      // An account of the events read, with a duration, names when its call began: among responses in flight in this
      // context, the one whose head came then is the call it speaks of (the traceback that follows goes with it).
      // A call that received nothing, in a context whose latest response was refused (a 529 the SDK did not retry),
      // is that response's call: a refusal has no events, and nothing ties the call to a stream that began.
      let responseBegan = (account.contentEvents ?? 0) > 0
      let latestRefused = open[k].map { $0.head.status.map { !(200..<300).contains($0) } == true && $0.client.retry == nil }
      if let seconds = account.seconds, let end = fact.time, responseBegan || latestRefused != true,
        let waiting = inFlight.take(accountOf: seconds, endingAt: end, slack: slack(of: account, input: fact.location.input),
                                    responseBegan: responseBegan, open: open[k], context: k)
      {
        resume(waiting, key: k)
        waiting.tookAccountInFlight = true
        if inFlight.lastCandidates > 1 { waiting.application.pairedAmong = inFlight.lastCandidates }
      }
      // The application's summary of a stream; with no HTTP lines logged it is the stream's only record. One account
      // per call: a stream whose call was accounted for on another line is another call's.
      let stream = open[k].flatMap { $0.events.endMarker == nil && !$0.application.accountedOtherwise(than: account, at: fact.time, on: fact.location, quote: fact.quote) ? $0 : nil }
        ?? begin(fact, key: k)
      stream.application.account = account
      stream.application.accountAt = .init(location: fact.location, time: fact.time, quote: fact.quote)
    case .applicationCancelled:
      guard let stream = open[k], stream.events.endMarker == nil, stream.application.cancelled == nil else { return }
      stream.application.cancelled = .init(location: fact.location, time: fact.time, quote: fact.quote)
    case .bodyReadFailed(let text):
      open[k]?.body.readFailure = .init(location: fact.location, time: fact.time, quote: fact.quote)
      open[k]?.body.readFailureText = text
    case .connectionClosed(let byServer, let reset, let lastServer, let lastServerPacket, let lastClient, let state, let lost):
      guard let stream = open[k] else { return }
      stream.wire.close = .init(byServer: byServer, reset: reset,
                               at: .init(location: fact.location, time: fact.time, quote: fact.quote),
                               lastServerData: lastServer, lastServerPacket: lastServerPacket, lastClientData: lastClient,
                               connState: state, lostBytes: lost)
      closedConnections.insert(k)
      finish(stream, key: k, reason: .connectionClosed)
    case .http2StreamEnded(let goAway, let code):
      open[k]?.wire.http2End = (goAway, code)
    case .captureEnded(let state):
      guard let stream = open[k] else { return }
      stream.wire.captureEnded = .init(location: fact.location, time: fact.time)
      stream.wire.connStateAtEnd = state
      // Nothing more will come on this connection: the stream ends as it would with the input.
      finish(stream, key: k, reason: stream.events.endMarker != nil ? .completed : .endOfInput)
    case .bodyEnded:
      open[k]?.body.framedEnd = .init(location: fact.location, time: fact.time)
    case .captureLoss(let bytes):
      guard let stream = open[k] else { return }
      stream.wire.serverBytesLost += bytes
      stream.wire.lastServerLoss = .init(location: fact.location, time: fact.time)
    case .inBandError(let text):
      guard let stream = open[k] else { return }
      stream.body.inBandFailure = .init(location: fact.location, time: fact.time, quote: fact.quote)
      stream.body.inBandText = text
    case .tlsSession(let serverName):
      open[k]?.wire.isTLS = true
      open[k]?.wire.serverName = serverName
    case .startNotCaptured:
      // The response was under way when the capture began: its events belong to a stream of their own.
      let stream = open[k] ?? begin(fact, key: k)
      stream.wire.startNotCaptured = .init(location: fact.location, time: fact.time, quote: fact.quote)
    case .tlsAlert:
      open[k]?.wire.serverAlert = .init(location: fact.location, time: fact.time, quote: fact.quote)
    case .callKey(let key):
      pendingCallKey[k] = key
    case .sdkRetryCount(let count):
      // Request headers are printed before the response: the count belongs to the thread's next stream,
      // or to its open one if that has no response yet.
      if let stream = open[k], stream.head.status == nil, stream.events.count == 0 {
        stream.request.retryCount = count
      } else {
        pendingRetryCount[k] = count
      }
    case .sdkTimeout(let seconds):
      if let stream = open[k], stream.head.status == nil, stream.events.count == 0 {
        stream.request.timeout = seconds
      } else {
        pendingTimeout[k] = seconds
      }
    case .usage(let input, let output):
      guard let stream = open[k] else { return }
      if let input, stream.events.inputTokens == nil { stream.events.inputTokens = input }
      if let output { stream.events.outputTokens = max(stream.events.outputTokens ?? 0, output) }
    case .sdkVersion(let name, let version):
      sdkVersions[fact.location.input, default: [:]][name] = version
      // Request headers name the SDK of the request being sent.
      if let stream = open[k], !stream.hasProgress {
        stream.request.sdkName = name
        stream.request.sdkVersion = version
      }
    }
  }

  func inputEnded(_ input: Int) {
    for stream in inFlight.drain() { finish(stream, key: stream.context, reason: .nextRequest) }
    for attempt in heldRetries.drain() { release(attempt) }
    for k in open.contexts {
      if let stream = open[k] { finish(stream, key: k, reason: stream.events.endMarker != nil ? .completed : .endOfInput) }
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

  private func begin(_ fact: borrowing Fact, key k: Int) -> StreamEvidence {
    if let current = open[k] { setAside(current, key: k) }
    let stream = StreamEvidence(sequence: nextSequence, input: fact.location.input, context: fact.context,
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
    stream.request.retryCount = pendingRetryCount.removeValue(forKey: k)
    stream.request.timeout = pendingTimeout.removeValue(forKey: k)
    if let id = pendingRequestID.removeValue(forKey: k), byRequestID[id] == nil {
      stream.request.id = id
      byRequestID[id] = stream
    }
    open[k] = stream
    // Retired before it is queued, the stream just begun is never the one retired.
    if open.count > Self.mostOpenStreams { retireOldest() }
    tick += 1
    stream.lastActive = tick
    beginOrder.append((k, stream.sequence, tick))
    if beginOrder.count > 2 * max(open.count, 4096) {
      // Keep only the open ones: one entry each, so this runs once per at least as many entries queued.
      beginOrder = beginOrder[beginOrderHead...].filter { open[$0.context]?.sequence == $0.sequence }
      beginOrderHead = 0
    }
    return stream
  }

  /// Ends the context's open stream as another begins; a response that has not said how it ended waits instead.
  private func setAside(_ current: StreamEvidence, key k: Int) {
    guard current.events.endMarker == nil, InFlightResponses.canWait(current) else {
      finish(current, key: k, reason: current.events.endMarker != nil ? .completed : .nextRequest)
      return
    }
    open[k] = nil
    heldRetries.noteInterleaving(context: k)
    if let overflow = inFlight.park(current, context: k) { finish(overflow, key: overflow.context, reason: .nextRequest) }
  }

  /// An account took the response it names by time alone (its traceback comes after it); when the traceback's SDK
  /// is another API's than that response's URL, the account goes to the response of that API its duration names
  /// instead, and the first waits again.
  private func reconsiderAccount(for chain: ExceptionChain, key k: Int) {
    guard let current = open[k], current.tookAccountInFlight, let account = current.application.account,
      let accountAt = current.application.accountAt, let end = accountAt.time, let seconds = account.seconds,
      let sdk = Catalogue.sdk(of: chain), let api = current.request.url.flatMap(Catalogue.api(ofURL:)), api != sdk,
      let better = inFlight.take(accountOf: seconds, endingAt: end, slack: slack(of: account, input: accountAt.location.input),
                                 responseBegan: (account.contentEvents ?? 0) > 0, api: sdk, open: nil, context: k)
    else { return }
    current.application.account = nil
    current.application.accountAt = nil
    current.tookAccountInFlight = false
    resume(better, key: k)
    better.application.account = account
    better.application.accountAt = accountAt
    better.tookAccountInFlight = true
    better.application.pairedAmong = current.application.pairedAmong
    current.application.pairedAmong = nil
  }

  /// The retries held in the context that were this call's earlier attempts: they take its call number and the
  /// attempts before its own, and are handed on ahead of it.
  private func claimHeldRetries(for stream: StreamEvidence, key k: Int) {
    var window: ClosedRange<Microseconds>?
    if let seconds = stream.application.account?.seconds, let accountAt = stream.application.accountAt,
      let end = accountAt.time, let account = stream.application.account
    {
      window = (end - Microseconds(seconds * 1e6) - slack(of: account, input: accountAt.location.input))...end
    }
    let status = stream.head.status ?? stream.client.exception?.final.flatMap { Catalogue.status(inSDKErrorMessage: $0.message) }
    let exhausted = stream.end != .retried && !stream.responseBegan && stream.client.exception != nil
      && stream.application.cancelled == nil && status.map(Catalogue.sdkRetries(status:)) ?? true
    let api = stream.client.exception.flatMap(Catalogue.sdk(of:)) ?? stream.request.url.flatMap(Catalogue.api(ofURL:))
    let claimed = heldRetries.claim(context: k, window: window, api: api, gaveUp: exhausted, before: stream)
    guard !claimed.isEmpty else { return }
    for (index, attempt) in claimed.enumerated() {
      attempt.call = stream.call
      attempt.attempt = index + 1
      finished(attempt)
    }
    stream.attempt = claimed.count + 1
  }

  /// Hands on a held retry no call claimed, as a call of its own.
  private func release(_ attempt: StreamEvidence) {
    attempt.call = nextCall
    nextCall += 1
    finished(attempt)
  }

  /// Makes a waiting response the context's open stream again, setting aside the one open now.
  /// How early a head may seem to come before the start an account's duration implies: its last digit, and the
  /// precision of the log's own stamps (a millisecond, or a second in a log that never shows a fraction of one: both
  /// the head's time and the account's were cut to the second).
  private func slack(of account: ApplicationAccount, input: Int) -> Microseconds {
    Microseconds((account.secondsPrecision ?? 0.01) * 1e6) + (subsecondInputs.contains(input) ? 1_000 : 1_000_000)
  }

  private func resume(_ waiting: StreamEvidence, key k: Int) {
    if let current = open[k] { setAside(current, key: k) }
    open[k] = waiting
  }

  /// Retires an open stream idle long: the first in `beginOrder` not active since it was queued (those that were go
  /// to the back).
  private func retireOldest() {
    while beginOrderHead < beginOrder.count {
      let (k, sequence, tick) = beginOrder[beginOrderHead]
      beginOrderHead += 1
      if let stream = open[k], stream.sequence == sequence {
        if stream.lastActive != tick {
          beginOrder.append((k, sequence, stream.lastActive))
          continue
        }
        stream.retired = true
        retiredStreams += 1
        finish(stream, key: k, reason: .endOfInput)
        return
      }
    }
  }

  private func record(_ event: StreamEvent, _ fact: borrowing Fact, in stream: StreamEvidence) {
    let observation = StreamEvidence.Observation(location: fact.location, time: fact.time)
    tick += 1
    stream.lastActive = tick
    stream.events.count += 1
    if stream.events.first == nil { stream.events.first = observation }
    stream.events.last = observation
    stream.events.lastKind = event
    stream.events.lastActivity = fact.time ?? stream.events.lastActivity
    stream.events.followingLine = nil
    if event.isContent { stream.events.content += 1 }
    switch event {
    case .contentBlockStart: stream.events.openBlock = true
    case .contentBlockStop: stream.events.openBlock = false
    case .responseFailed: stream.body.inBandFailure = observation
    default: break
    }
    if event.isEndOfMessage, stream.events.endMarker == nil {
      stream.events.endMarker = observation
      stream.events.endMarkerKind = event
    }
  }

  /// The stream an exception belongs to: by the request id in its message, else the context's open stream.
  private func target(for chain: ExceptionChain, fact: borrowing Fact, key k: Int) -> StreamEvidence? {
    if let final = chain.final, let id = requestID(in: final.message), let stream = byRequestID[id],
      open[key(stream.input, stream.context)] === stream
    {
      return stream
    }
    if let stream = open[k], stream.events.endMarker == nil { return stream }
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

  private func finish(_ stream: StreamEvidence, key k: Int, reason: StreamEvidence.EndReason) {
    stream.end = stream.events.endMarker != nil && reason != .exception ? .completed : reason
    if open[k] === stream { open[k] = nil }
    if !stream.retired, stream.attempt == 1, heldRetries.holds(context: k) { claimHeldRetries(for: stream, key: k) }
    if heldRetries.interleaves(context: k), stream.application.account != nil { stream.application.amongInterleavedCalls = true }
    if let id = stream.request.id, byRequestID[id] === stream { byRequestID[id] = nil }
    finished(stream)
  }
}

/// Open streams by context id. Most inputs have few contexts and small ids: those are slots of an array, found at
/// once. A log naming more threads than `ContextTable.namesPerGeneration` has larger ids, which keep growing as old
/// names are dropped: those are kept by id in a dictionary that holds the open ones only, so memory follows the
/// streams open, not the largest id.
private struct OpenStreams {
  private var slots: [StreamEvidence?] = []
  private var beyond: [Int: StreamEvidence] = [:]
  private static var slotLimit: Int { ContextTable.namesPerGeneration }
  /// The streams open.
  private(set) var count = 0

  subscript(context: Int) -> StreamEvidence? {
    get { context < slots.count ? slots[context] : context < Self.slotLimit ? nil : beyond[context] }
    set {
      guard context < Self.slotLimit else {
        count += (newValue == nil ? 0 : 1) - (beyond[context] == nil ? 0 : 1)
        beyond[context] = newValue
        return
      }
      if context >= slots.count { slots += Array(repeating: nil, count: context + 1 - slots.count) }
      count += (newValue == nil ? 0 : 1) - (slots[context] == nil ? 0 : 1)
      slots[context] = newValue
    }
  }

  /// Contexts with an open stream, in id order.
  var contexts: [Int] { slots.indices.filter { slots[$0] != nil } + beyond.keys.sorted() }
}
