/// Nothing ended the stream that the input shows: a cut input, events that stopped with the context going on, a
/// log that ends, a response whose events were not logged, or a request with no answer.
struct NoFailureSeenRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    let stream = c.stream
    var d = Decision()
    d.confidence = .low
    let lastEvent = stream.events.lastKind?.rawValue ?? "?"
    if c.inputDamaged, stream.end == .endOfInput {
      d.decide(.unknown, side: nil, .low, Catalogue.Summary.inputCut(events: stream.events.count),
               fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.intactCopy)
    } else if stream.events.count > 0, stream.events.followingLine != nil || stream.end == .nextRequest {
      d.findings.append(.cleanTruncation)
      d.decide(.serverCloseDuringDelta, side: .server, .medium,
               Catalogue.Summary.endedWithoutMarkerNoError(events: stream.events.count, lastEvent: lastEvent),
               fixes: [.checkStopReason], wouldDecide: Catalogue.Decider.terminatingChunk)
      if let following = stream.events.followingLine { d.cite(following, Catalogue.Note.wentOnWithoutEnd, in: c) }
      d.noteTotalDurationCap(endingAt: stream.events.last?.time, in: c)
    } else if stream.events.count > 0 {
      d.decide(.unknown, side: nil, .low, Catalogue.Summary.logEndsOpen(events: stream.events.count, lastEvent: lastEvent),
               fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.laterLines)
    } else if stream.head.status == 200 {
      d.outcome = .completed
      d.summary = Catalogue.Summary.noFailureLogged
    } else {
      d.decide(.unknown, side: nil, .low,
               stream.end == .retried ? Catalogue.Summary.retriedWithoutReason : Catalogue.Summary.requestWithoutAnswer,
               fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.sdkDebugLogging)
    }
    return d
  }
}
