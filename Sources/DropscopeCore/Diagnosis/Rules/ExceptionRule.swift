/// The application saw an exception (its own traceback, the SDK's debug record of one, or httpcore's trace of a
/// failed read): the catalogue's signature of the deciding exception, looked up through SDK wrappers, decides.
struct ExceptionRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    guard let chain = c.stream.client.exception ?? c.stream.client.internalException ?? Self.chainFromTransportTrace(c.stream) else {
      return nil
    }
    return Self.decide(chain, in: c)
  }

  /// The verdict an exception chain gives this stream.
  static func decide(_ chain: ExceptionChain, in c: DiagnosisCase) -> Decision {
    var d = Decision()
    guard chain.final != nil else { return NoFailureSeenRule().decide(c) ?? d }
    d.decideException(chain, in: c)
    return d
  }

  /// An exception read from httpcore's `receive_response_body.failed exception=Type(…)` trace,
  /// for a stream whose application logged no traceback.
  static func chainFromTransportTrace(_ stream: StreamEvidence) -> ExceptionChain? {
    guard let text = stream.body.readFailureText ?? stream.head.readFailureText,
      let failure = stream.body.readFailure ?? stream.head.readFailure,
      let equals = text.range(of: "exception=")
    else { return nil }
    let value = text[equals.upperBound...]
    let type = String(value.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." })
    guard !type.isEmpty else { return nil }
    var message = String(value.dropFirst(type.count))
    if message.hasPrefix("("), message.hasSuffix(")") { message = String(message.dropFirst().dropLast()) }
    let record = ExceptionRecord(type: type, message: message, framePaths: [], location: failure.location, link: .first)
    return ExceptionChain(records: [record], start: failure.location)
  }
}

/// Not logged for this attempt: the call's attempts all failed after the same wait as its final one, so this
/// attempt takes the final attempt's reason, one step less certain.
struct FinalAttemptReasonRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    guard let chain = c.stream.timeline?.finalChain else { return nil }
    var d = ExceptionRule.decide(chain, in: c)
    guard d.outcome == .failed else { return d }
    d.capConfidenceAtMedium()
    guard let timeline = c.stream.timeline, let wait = timeline.sharedWait else { return d }
    if timeline.agreesOnlyAsBound, let bound = timeline.wait {
      d.confidence = .low
      d.summary = Catalogue.Summary.takesFinalReasonWithinBound(wait: wait, bound: bound) + d.summary
    } else {
      d.summary = Catalogue.Summary.takesFinalReason(wait: wait) + d.summary
    }
    return d
  }
}

extension Decision {
  /// The deciding exception: the outermost one with a known signature, looking through SDK wrappers; and the
  /// outermost wrapper, whose own signature stands in when its causes say nothing known.
  private static func decidingException(
    _ chain: ExceptionChain
  ) -> (deciding: (ExceptionRecord, Catalogue.Signature)?, wrapper: ExceptionRecord?, wrapperSignature: Catalogue.Signature?) {
    var deciding: (ExceptionRecord, Catalogue.Signature)?
    var wrapper: ExceptionRecord?
    var wrapperSignature: Catalogue.Signature?
    for record in chain.records.reversed() {
      guard let signature = Catalogue.signature(for: record) else { continue }
      if signature.wire == .wrapper {
        if wrapper == nil {
          wrapper = record
          wrapperSignature = signature
        }
        continue
      }
      deciding = (record, signature)
      break
    }
    if deciding == nil, let wrapper, var signature = wrapperSignature, let fallback = signature.fallback {
      signature.wire = fallback
      deciding = (wrapper, signature)
    }
    return (deciding, wrapper, wrapperSignature)
  }

  fileprivate mutating func decideException(_ chain: ExceptionChain, in c: DiagnosisCase) {
    let stream = c.stream
    guard let final = chain.final else { return }
    let sdkName = Catalogue.sdk(of: chain)
    let transport = chain.records.lazy.map(\.module).first { $0 == "httpx2" || $0 == "httpx" }
      ?? stream.head.reportedBy.flatMap { $0 == "httpx" || $0 == "httpx2" ? $0 : nil }
    if let sdkName {
      let version = c.sdkVersions[sdkName].map { "\(sdkName) \($0)" }
      sdk = version ?? Catalogue.sdkRelease(sdk: sdkName, chain: chain, transport: transport) ?? sdkName
    }
    let (deciding, wrapper, wrapperSignature) = Self.decidingException(chain)
    describeSurface(final: final, wrapper: wrapper, deciding: deciding?.0, sdkName: sdkName, in: c)
    // Some errors can only happen once the response had begun (undici's `terminated`, its body timeout).
    let midStream = stream.responseBegan
      || deciding?.1.afterResponse == true || wrapperSignature?.afterResponse == true
    // httpcore's trace of the failed read is the transport's own time; the application logs a little later.
    if let failure = stream.body.readFailure { cite(failure, Catalogue.Note.transportTraceFailure, in: c) }
    if stream.client.uncaught, let printed = stream.client.exceptionAt {
      cite(printed, chain.printedAt != nil ? Catalogue.Note.uncaughtTracebackTimedByEnvelope : Catalogue.Note.uncaughtTraceback,
           in: c)
    }
    measureSilenceBeforeException(chain, midStream: midStream, in: c)
    if stream.end == .retried {
      findings.append(.retriedBySDK)
      cite(stream.client.retry, Catalogue.Note.retriedBeforeResponse, in: c)
    }
    guard let (record, signature) = deciding else {
      return unrecognised(chain, final: final, midStream: midStream, in: c)
    }
    citeException(chain, note: signature.meaning, record: record, in: c)
    decide(signature.wire, record: record, final: final, chain: chain, midStream: midStream, in: c)
    addLeakFix(sdkName: sdkName, in: c)
  }

  /// Only logged events say when bytes last arrived: without them the silence before the close is unknown.
  private mutating func measureSilenceBeforeException(_ chain: ExceptionChain, midStream: Bool, in c: DiagnosisCase) {
    let stream = c.stream
    // An uncaught traceback has no time of its own, unless the log's envelope gave its lines one.
    let closeTime = stream.body.readFailure?.time
      ?? (stream.client.uncaught ? chain.printedAt : stream.client.exceptionAt?.time)
    guard midStream, let lastByte = stream.events.last?.time else { return }
    if let closeTime, closeTime >= lastByte {
      silence = Double(closeTime - lastByte) / 1e6
    } else if stream.client.uncaught, let bound = chain.printedNoLaterThan, bound >= lastByte {
      // The uncaught traceback has no time, but it was printed before a later timestamped line.
      let most = Double(bound - lastByte) / 1e6
      guard most < c.stallThreshold else { return }
      silence = most
      silenceBasis = .upperBound
      note(Catalogue.Note.printedBefore(TimeFormatting.iso(bound), atMost: most), time: TimeFormatting.iso(bound))
    }
  }

  /// What the deciding exception's signature means for this stream.
  private mutating func decide(
    _ wire: Catalogue.WireEvent, record: ExceptionRecord, final: ExceptionRecord, chain: ExceptionChain, midStream: Bool,
    in c: DiagnosisCase
  ) {
    let stream = c.stream
    switch wire {
    case .peerClosedMidBody, .connectionReset:
      // HTTP/2 resets one stream (RST_STREAM); the connection under it may live on.
      let http2 = record.message.contains("HTTP/2 stream") || record.type.contains("StreamReset")
      serverSideClose(wire == .connectionReset ? (http2 ? .http2StreamReset : .rst) : .fin, midStream: midStream, in: c)
    case .readTimeout:
      let limit = silence.flatMap { c.idleLimits(matching: $0, closedBy: .client).first }
      let shared = !midStream && silence == nil
        ? stream.timeline.flatMap { t in t.sharedWait.map { (attempts: t.attemptsSharingWait, seconds: $0) } } : nil
      if stream.request.timeout == nil, limit != nil { findings.append(.matchesKnownLimit) }
      decide(.idleTimeout, side: .client, .high,
             Catalogue.Summary.clientReadTimeout(midStream: midStream, silence: silence, sharedWait: shared,
                                                 configuredTimeout: stream.request.timeout, matching: limit),
             fixes: [.clientReadTimeout])
    case .connectFailure:
      decide(.clientError, side: .client, .high, Catalogue.Summary.connectFailure(type: record.type), fixes: [.connectFailure])
    case .poolExhausted:
      decide(.clientError, side: .client, .high, Catalogue.Summary.poolExhausted(type: record.type),
             fixes: [.applicationException])
    case .closedBeforeResponse where stream.timeline?.sharedWait != nil:
      idleBeforeHead(record, in: c)
    case .closedBeforeResponse:
      decide(.unknown, side: .server, .medium,
             Catalogue.Summary.closedBeforeResponseUndecided(type: record.type, message: record.message),
             fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.captureOrProxyLog)
    case .inBandError:
      let type = record.message.range(of: "overloaded_error") != nil ? "overloaded_error" : "error"
      decide(.serverError, side: .server, .high,
             Catalogue.Summary.inBandErrorEvent(errorType: type, contentEvents: stream.events.content, raisedAs: record.type),
             fixes: [.retryInBandError])
    case .errorStatus:
      if let status = Catalogue.status(inSDKErrorMessage: record.message) {
        decideErrorStatus(status, in: c)
      } else {
        decide(.serverError, side: .server, confidence, Catalogue.Summary.errorStatusText(record.message),
               fixes: [.backoffOverloaded])
      }
    case .cancelled:
      // asyncio.timeout raises TimeoutError from CancelledError; Node's AbortSignal.timeout a TimeoutError.
      let deadline = final.className == "TimeoutError"
      decide(.clientError, side: .client, .high,
             deadline ? Catalogue.Summary.applicationDeadline(contentEvents: stream.events.content)
               : Catalogue.Summary.applicationCancelledBy(type: record.type),
             fixes: [.cancellation])
    case .serverDisconnected:
      if midStream {
        serverSideClose(.fin, midStream: true, in: c)
      } else if stream.timeline?.sharedWait != nil {
        idleBeforeHead(record, in: c)
      } else {
        decide(.unknown, side: .server, .medium,
               Catalogue.Summary.serverDisconnectedUndecided(type: record.type, message: record.message),
               fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.statusLineOrCapture)
      }
    case .endedWithoutEndMarker:
      findings.append(.cleanTruncation)
      decide(.serverCloseDuringDelta, side: .server, .medium, Catalogue.Summary.endedWithoutEndMarker(message: record.message),
             fixes: [.checkStopReason], wouldDecide: Catalogue.Decider.terminatingChunk)
    case .overloaded:
      decide(.serverError, side: .server, midStream || stream.head.status != nil ? .high : .medium,
             Catalogue.Summary.overloaded(midStream: midStream),
             fixes: [midStream ? .retryInBandError : .backoffOverloaded])
    case .proxyUpstreamFailure:
      decide(.serverError, side: .server, .high, Catalogue.Summary.proxyUpstreamFailure(message: record.message),
             fixes: [.backoffOverloaded])
    case .wrapper:
      unrecognised(chain, final: final, midStream: midStream, in: c)
    }
  }

  /// An exception without a known signature: the application's own code, or a transport error dropscope does not know.
  private mutating func unrecognised(_ chain: ExceptionChain, final: ExceptionRecord, midStream: Bool, in c: DiagnosisCase) {
    citeException(chain, note: Catalogue.Note.exceptionSeen, in: c)
    if Catalogue.transportModules.contains(final.module) {
      decide(.unknown, side: .unknown, .low, Catalogue.Summary.unknownTransportError(type: final.type),
             fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.captureOfConnection)
      return
    }
    let inApplication = !(final.framePaths.last.map { $0.contains("site-packages") } ?? true)
      || chain.records.last?.framePaths.contains { !$0.contains("site-packages") && !$0.contains("/lib/python") } == true
    decide(.clientError, side: .client, midStream && inApplication ? .high : .medium,
           Catalogue.Summary.applicationRaised(type: final.type, contentEvents: c.stream.events.content),
           fixes: [.applicationException])
  }
}
