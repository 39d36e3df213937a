/// One verdict for a request seen in a log and in a capture.
extension StreamVerdict {
  /// How sure a view is, for choosing which decides.
  var certainty: Int {
    switch confidence {
    case .high: 2
    case .medium: 1
    case .low: 0
    }
  }

  /// Whether this view left the cause open.
  var isUndecided: Bool { outcome == .failed && (cause ?? .unknown) == .unknown }

  /// The one verdict of a request from its log view and its capture view.
  ///
  /// Each view reads what it can: the capture measures who closed and after what silence; the log shows what the
  /// application saw (the exception, whether it escaped the SDK raw, the retries). The view that decided the
  /// cause, the more certain one when both did, and the capture when they are equally sure (it measured the
  /// close), gives outcome, cause, side and confidence; the log gives how the failure surfaced. Findings are
  /// the union; both views' evidence is kept, and each view's own reading is under `views`.
  static func joined(log: StreamVerdict, capture: StreamVerdict) -> StreamVerdict {
    let decider: StreamVerdict
    if log.isUndecided != capture.isUndecided {
      decider = log.isUndecided ? capture : log
    } else {
      decider = log.certainty > capture.certainty ? log : capture
    }
    let other = decider.id == log.id ? capture : log
    var merged = log
    merged.outcome = decider.outcome
    merged.cause = decider.cause
    merged.side = decider.side
    merged.confidence = decider.confidence
    merged.candidates = decider.candidates
    merged.wouldDecide = decider.isUndecided ? decider.wouldDecide : nil
    merged.silenceBeforeEnd = decider.silenceBeforeEnd ?? other.silenceBeforeEnd
    merged.summary = decider.summary
      + Catalogue.Summary.joinedViews(decidedByCapture: decider.id == capture.id, captureStream: capture.id)
    merged.findings = decider.findings + other.findings.filter { !decider.findings.contains($0) }
    merged.fixes = (decider.fixes + other.fixes.filter { $0.isSDKHandling && !decider.fixes.contains($0) })
      .sorted { $0.isSDKHandling && !$1.isSDKHandling }
    merged.requestID = log.requestID ?? capture.requestID
    merged.url = log.url ?? capture.url
    merged.status = capture.status ?? log.status
    merged.sdk = log.sdk ?? capture.sdk
    // Packet times are the capture's own clock, to the microsecond; the log's may be to the second.
    merged.startedAt = capture.startedAt ?? log.startedAt
    merged.endedAt = decider.endedAt ?? other.endedAt
    // A log's time to the second may read before the capture's start of the same moment: the end is not earlier.
    if let start = merged.startedAt.flatMap(TimestampParser.parse), let end = merged.endedAt.flatMap(TimestampParser.parse),
      end < start
    {
      merged.endedAt = merged.startedAt
    }
    merged.duration = capture.duration ?? log.duration
    merged.eventsReceived = max(log.eventsReceived, capture.eventsReceived)
    merged.contentEventsReceived = max(log.contentEventsReceived, capture.contentEventsReceived)
    merged.lastEvent = decider.lastEvent ?? other.lastEvent
    merged.inputTokens = log.inputTokens ?? capture.inputTokens
    merged.outputTokens = log.outputTokens ?? capture.outputTokens
    merged.billed = merged.outcome == .failed && (merged.status == 200 || merged.eventsReceived > 0)
      && merged.cause != .unknown
    merged.connState = capture.connState
    merged.evidence = decider.evidence + other.evidence
    merged.views = [StreamView(log), StreamView(capture)]
    merged.startMark = capture.startedAt != nil ? capture.startMark : log.startMark
    return merged
  }
}

extension FixID {
  /// Whether the fix is about how the application handles the SDK's errors (a leak), whatever the cause.
  var isSDKHandling: Bool {
    switch self {
    case .catchTransportErrorAnthropic, .upgradeOpenAI314, .catchTerminatedTypeScript, .inspectCauseOpenAI: true
    default: false
    }
  }
}
