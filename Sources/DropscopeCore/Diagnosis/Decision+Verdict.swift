/// What every decision shares: the evidence cited whatever the rule, the amendments after it, and the verdict.
extension Decision {
  /// The evidence every verdict starts with: the SDK's retry header, the response head, and the events.
  static func commonEvidence(_ c: DiagnosisCase) -> [Evidence] {
    let stream = c.stream
    var common = Decision()
    if let count = stream.request.retryCount, count > 0 { common.note(Catalogue.Note.retryCountHeader(count)) }
    common.cite(stream.wire.startNotCaptured, Catalogue.Note.startNotCaptured, in: c)
    if let head = stream.head.at, let status = stream.head.status {
      common.cite(head, Catalogue.Note.responseHead(status: status), in: c)
    }
    if stream.events.count > 0, let first = stream.events.first, let last = stream.events.last {
      var span: Double?
      if let a = first.time, let b = last.time, b > a { span = Double(b - a) / 1e6 }
      common.cite(last, Catalogue.Note.events(
        count: stream.events.count, contentEvents: stream.events.content, encrypted: stream.wire.isTLS, onWire: c.onWire,
        span: span, lastEvent: stream.events.lastKind?.rawValue ?? "?", openBlock: stream.events.openBlock), in: c)
    }
    return common.evidence
  }

  /// An attempt the SDK retried carries the finding, whatever decided it.
  static func noteRetried(_ d: inout Decision, _ c: DiagnosisCase) {
    if c.stream.end == .retried { d.add(.retriedBySDK) }
  }

  /// A failure after the API accepted the request billed its input tokens; sending it again bills them again.
  static func noteBilled(_ d: inout Decision, _ c: DiagnosisCase) {
    guard d.outcome == .failed, c.stream.head.status == 200, d.cause != .unknown,
      d.cause != .clientError || c.stream.events.content > 0
    else { return }
    d.summary += Catalogue.Summary.billed
  }

  /// A response whose start the capture missed is read from where it began: the verdict says what it lacks.
  static func noteStartNotCaptured(_ d: inout Decision, _ c: DiagnosisCase) {
    if c.stream.wire.startNotCaptured != nil { d.summary += Catalogue.Summary.startNotCaptured }
  }

  /// An account the log tied to no call went to one of several responses in flight by time alone: the verdict
  /// says which line it was and that another of them may have been its call, and is no surer than that pairing.
  static func notePairedByTime(_ d: inout Decision, _ c: DiagnosisCase) {
    if c.stream.client.retryPairedByTime, let retry = c.stream.client.retry {
      d.note(Catalogue.Note.retryPairedByTime(line: c.place(retry.location)))
    }
    guard let among = c.stream.application.pairedAmong, let at = c.stream.application.accountAt else { return }
    d.note(Catalogue.Note.pairedByTime(line: c.place(at.location), among: among))
    // What the account says decides this verdict only if it is this response's account: with several responses in
    // the interval its duration gives, and nothing else naming one, that is a choice among them, not a fact.
    guard d.outcome == .completed || d.cause != .unknown else { return }
    d.confidence = .low
    d.wouldDecide = Catalogue.Decider.callOnTheHTTPLine + (d.wouldDecide.map { " " + $0 } ?? "")
  }

  /// A traceback printed uncaught carries the finding.
  static func noteUncaught(_ d: inout Decision, _ c: DiagnosisCase) {
    if c.stream.client.uncaught { d.findings.append(.uncaughtException) }
  }

  /// Seconds from the request (or response head) to the close, where both are timed.
  static func duration(_ stream: StreamEvidence) -> Double? {
    guard let start = stream.startTime ?? stream.head.at?.time,
      let end = stream.body.readFailure?.time
        ?? (stream.client.uncaught ? stream.client.exception?.printedAt : stream.client.exceptionAt?.time)
        ?? stream.events.last?.time,
      end >= start
    else { return nil }
    return (Double(end - start) / 1e3).rounded() / 1e3
  }

  /// The report's verdict for the stream.
  func verdict(_ c: DiagnosisCase, context: String?) -> StreamVerdict {
    let stream = c.stream
    let completed = outcome == .completed
    return StreamVerdict(
      id: stream.sequence, input: c.inputNames[stream.input], context: context, requestID: stream.request.id,
      call: stream.call, attempt: stream.attempt, attemptsInCall: stream.attempt, url: stream.request.url,
      status: stream.head.status, startedAt: (stream.timeline?.start ?? stream.startTime).map(TimeFormatting.iso),
      endedAt: (stream.client.exceptionAt?.time ?? stream.client.retry?.time ?? stream.events.last?.time).map(TimeFormatting.iso),
      outcome: outcome, cause: completed ? nil : (cause ?? .unknown), findings: findings,
      confidence: confidence, side: completed ? nil : side, summary: summary, surfacedAs: surfacedAs,
      sdk: sdk, eventsReceived: stream.events.count, contentEventsReceived: stream.events.content,
      lastEvent: stream.events.lastKind?.rawValue, silenceBeforeEnd: silence.map { ($0 * 1000).rounded() / 1000 },
      duration: Self.duration(stream), inputTokens: stream.events.inputTokens, outputTokens: stream.events.outputTokens,
      billed: outcome == .failed && (stream.head.status == 200 || stream.events.count > 0) && cause != .unknown,
      connState: stream.wire.close?.connState ?? stream.wire.connStateAtEnd,
      evidence: evidence, fixes: fixes, wouldDecide: wouldDecide,
      candidates: completed || (cause ?? .unknown) != .unknown ? [] : candidates,
      surfacedType: surfacedType, onWire: c.inputIsWire,
      startMark: stream.timeline?.startIsCallStart == true ? .callStarted
        : stream.timeline?.start != nil || stream.request.sentAt != nil ? .requestSent
        : stream.head.status != nil ? .responseHead : .firstMention,
      inFlightAtEnd: outcome == .failed && inFlightAtEnd)
  }
}
