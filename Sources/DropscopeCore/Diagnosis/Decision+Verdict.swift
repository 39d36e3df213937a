/// What every decision shares: the evidence cited whatever the rule, the amendments after it, and the verdict.
extension Decision {
  /// The evidence every verdict starts with: the SDK's retry header, the response head, and the events.
  static func commonEvidence(_ c: DiagnosisCase) -> [Evidence] {
    let stream = c.stream
    var common = Decision()
    if let count = stream.sdkRetryCount, count > 0 { common.note(Catalogue.Note.retryCountHeader(count)) }
    if let head = stream.responseHead, let status = stream.status {
      common.cite(head, Catalogue.Note.responseHead(status: status), in: c)
    }
    if stream.eventCount > 0, let first = stream.firstEvent, let last = stream.lastEvent {
      var span: Double?
      if let a = first.time, let b = last.time, b > a { span = Double(b - a) / 1e6 }
      common.cite(last, Catalogue.Note.events(
        count: stream.eventCount, contentEvents: stream.contentCount, encrypted: stream.isTLS, onWire: c.onWire,
        span: span, lastEvent: stream.lastEventKind?.rawValue ?? "?", openBlock: stream.openBlock), in: c)
    }
    return common.evidence
  }

  /// An attempt the SDK retried carries the finding, whatever decided it.
  static func noteRetried(_ d: inout Decision, _ c: DiagnosisCase) {
    if c.stream.end == .retried { d.add(.retriedBySDK) }
  }

  /// A failure after the API accepted the request billed its input tokens; sending it again bills them again.
  static func noteBilled(_ d: inout Decision, _ c: DiagnosisCase) {
    guard d.outcome == .failed, c.stream.status == 200, d.cause != .unknown,
      d.cause != .clientError || c.stream.contentCount > 0
    else { return }
    d.summary += Catalogue.Summary.billed
  }

  /// A traceback printed uncaught carries the finding.
  static func noteUncaught(_ d: inout Decision, _ c: DiagnosisCase) {
    if c.stream.exceptionUncaught { d.findings.append(.uncaughtException) }
  }

  /// Seconds from the request (or response head) to the close, where both are timed.
  static func duration(_ stream: ObservedStream) -> Double? {
    guard let start = stream.startTime ?? stream.responseHead?.time,
      let end = stream.bodyReadFailure?.time ?? (stream.exceptionUncaught ? nil : stream.exceptionAt?.time) ?? stream.lastEvent?.time,
      end >= start
    else { return nil }
    return (Double(end - start) / 1e3).rounded() / 1e3
  }

  /// The report's verdict for the stream.
  func verdict(_ c: DiagnosisCase, context: String?) -> StreamVerdict {
    let stream = c.stream
    let completed = outcome == .completed
    return StreamVerdict(
      id: stream.sequence, input: c.inputNames[stream.input], context: context, requestID: stream.requestID,
      call: stream.call, attempt: stream.attempt, attemptsInCall: stream.attempt, url: stream.url,
      status: stream.status, startedAt: (stream.timeline?.start ?? stream.startTime).map(TimeFormatting.iso),
      endedAt: (stream.exceptionAt?.time ?? stream.retry?.time ?? stream.lastEvent?.time).map(TimeFormatting.iso),
      outcome: outcome, cause: completed ? nil : (cause ?? .unknown), findings: findings,
      confidence: confidence, side: completed ? nil : side, summary: summary, surfacedAs: surfacedAs,
      sdk: sdk, eventsReceived: stream.eventCount, contentEventsReceived: stream.contentCount,
      lastEvent: stream.lastEventKind?.rawValue, silenceBeforeEnd: silence.map { ($0 * 1000).rounded() / 1000 },
      duration: Self.duration(stream), inputTokens: stream.inputTokens, outputTokens: stream.outputTokens,
      billed: outcome == .failed && (stream.status == 200 || stream.eventCount > 0) && cause != .unknown,
      connState: stream.wireClose?.connState ?? stream.captureConnState, joinedStream: nil,
      evidence: evidence, fixes: fixes, wouldDecide: wouldDecide,
      candidates: completed || (cause ?? .unknown) != .unknown ? [] : candidates,
      startIsRequestTime: stream.timeline?.start != nil || stream.requestSentAt != nil || stream.status != nil)
  }
}
