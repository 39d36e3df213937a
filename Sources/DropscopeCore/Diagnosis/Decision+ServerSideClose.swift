/// A FIN or RST from the server side: an idle close if it came after a long silence, a close during deltas if
/// content was still flowing, and `unknown` with both candidates when nothing times the events before it.
extension Decision {
  mutating func serverSideClose(_ how: Catalogue.CloseManner, midStream: Bool, in c: DiagnosisCase) {
    let stream = c.stream
    side = .server
    let pace = StreamPace(stream)
    let threshold = c.stallThreshold
    if !midStream, stream.wire.close != nil {
      closedBeforeHead(how, threshold: threshold, in: c)
      return
    }
    let account = stream.application.account
    let reading = account.flatMap {
      StreamPace.readingSeconds(of: $0, headAt: stream.head.at?.time, accountAt: stream.application.accountAt?.time)
    }
    if silence == nil, silenceBasis != .upperBound, let account, let implied = StreamPace.silence(reading: reading, account: account) {
      // No event was timed, but the application said how many deltas it had and when it gave up.
      // The account's duration is to the hundredth of a second.
      if implied >= StreamPace.ordinary.stallThreshold(precision: 0.01) {
        silence = implied
        silenceBasis = .inferred
      } else if implied <= 0 {
        decide(.serverCloseDuringDelta, side: .server, .medium,
               Catalogue.Summary.closedWhileFlowingByAccount(how: how, account: account), fixes: [.retryServerClose],
               wouldDecide: Catalogue.Decider.eventTimes)
        cite(stream.application.accountAt, Catalogue.Note.account(account), in: c)
        return
      }
    }
    let inferred = silenceBasis == .inferred
    if let silence, inferred || (silenceBasis != .upperBound && silence >= threshold)
      || !c.idleLimits(matching: silence, closedBy: .server).isEmpty
    {
      var text: String
      if inferred, let account = stream.application.account {
        text = Catalogue.Summary.idleByAccount(account: account, reading: reading ?? 0, silence: silence, how: how)
        cite(stream.application.accountAt, Catalogue.Note.account(account), in: c)
      } else {
        text = Catalogue.Summary.idleMeasured(silence: silence, how: how)
        if pace.measured { note(Catalogue.Note.pace(secondsPerEvent: pace.secondsPerEvent, silence: silence)) }
      }
      var confidence: Confidence
      if let match = c.idleLimits(matching: silence, closedBy: .server).first {
        findings.append(.matchesKnownLimit)
        confidence = inferred ? .medium : .high
        text += Catalogue.Summary.idleMatchesLimit(match)
        note(Catalogue.Note.silenceMatchesLimit(silence: silence, limit: match))
      } else {
        confidence = inferred ? .medium : pace.measured ? .high : .medium
        text += Catalogue.Summary.idleMatchesNoLimit(silence: silence)
        wouldDecide = Catalogue.Decider.proxyConfigOrCloser
      }
      text += Catalogue.Summary.idleOnServerSide
      if inferred, stream.head.at == nil, stream.application.amongInterleavedCalls {
        // The duration counts from the call's start; among calls in flight at once the request may have waited.
        confidence = .low
        text += Catalogue.Summary.idleByAccountAmongCalls
        wouldDecide = Catalogue.Decider.headTimeOrEventTimes
      }
      decide(.idleTimeout, side: .server, confidence, text, fixes: [.raiseProxyIdleLimit])
      return
    }
    if let silence {
      let gap = Catalogue.Summary.lastDeltaGap(silence: silence, secondPrecision: c.precision >= 1,
                                               upperBound: silenceBasis == .upperBound)
      // With no content yet, nothing was flowing: the close came soon after the stream began, before its first delta.
      let before = c.contentSeen == 0
      decide(.serverCloseDuringDelta, side: .server, .high,
             before ? Catalogue.Summary.closedBeforeContent(how: how, nouns: c.nouns, gap: gap)
               : Catalogue.Summary.closedWhileFlowing(how: how, contentEvents: c.contentSeen, nouns: c.nouns, gap: gap),
             fixes: [.retryServerClose])
      note(before ? Catalogue.Note.cutBeforeContent(gap: gap) : Catalogue.Note.contentFlowing(contentEvents: c.contentSeen, gap: gap))
      noteTotalDurationCap(endingAt: stream.client.exceptionAt?.time, in: c)
      return
    }
    // Nothing times the events before the close: an idle limit and a cut while content flowed look alike.
    candidates = [.idleTimeout, .serverCloseDuringDelta]
    if c.contentSeen > 0 || stream.events.count > 0 {
      let why = Catalogue.Summary.whyUntimed(uncaught: stream.client.uncaught, trace: c.onWire)
      decide(.unknown, side: .server, .medium,
             Catalogue.Summary.midStreamCloseUntimed(how: how, contentEvents: c.contentSeen, nouns: c.nouns, why: why),
             fixes: [.retryServerClose], wouldDecide: Catalogue.Decider.timingOfDeltas)
    } else {
      // A trace whose response head went unseen (bytes it could not attribute) is still a trace, not a log.
      let trace = c.onWire || c.inputIsWire
      decide(.unknown, side: .server, .medium,
             Catalogue.Summary.midBodyCloseEventsUnrecorded(how: how, afterHead: midStream, trace: trace),
             fixes: [.retryServerClose],
             wouldDecide: trace ? Catalogue.Decider.timedTraceWithBody : Catalogue.Decider.eventLogging)
    }
  }

  /// Nothing of a response arrived: a close right after the request is a refusal or a stale connection; a close
  /// after a wait is a limit on the path giving up on a request that got no answer.
  private mutating func closedBeforeHead(_ how: Catalogue.CloseManner, threshold: Double, in c: DiagnosisCase) {
    if let silence, silenceBasis == .fromRequest, silence >= threshold {
      let match = c.idleLimits(matching: silence, closedBy: .server).first
      if match != nil { findings.append(.matchesKnownLimit) }
      decide(.idleTimeout, side: .server, match == nil ? .medium : .high,
             Catalogue.Summary.idleBeforeHeadOnWire(silence: silence, how: how, matching: match),
             fixes: [.raiseProxyIdleLimit], wouldDecide: match == nil ? Catalogue.Decider.proxyIdleLimit : nil)
    } else {
      decide(.unknown, side: .server, .medium, Catalogue.Summary.closedBeforeHeadUndecided(how: how, silence: silence),
             fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.proxyOrServerLog)
      candidates = [.serverError, .idleTimeout]
    }
  }

  /// Every attempt of the call waited the same time for a response head, then the connection closed: a limit.
  mutating func idleBeforeHead(_ record: ExceptionRecord, in c: DiagnosisCase) {
    guard let timeline = c.stream.timeline, let wait = timeline.sharedWait else { return }
    let match = c.idleLimits(matching: wait, closedBy: .server, precision: timeline.precision).first
    if match != nil { findings.append(.matchesKnownLimit) }
    decide(.idleTimeout, side: .server, timeline.waitInferred ? .medium : .high,
           Catalogue.Summary.sameWaitEveryAttempt(attempts: timeline.attemptsSharingWait, wait: wait, type: record.type,
                                                  message: record.message, matching: match),
           fixes: [.raiseProxyIdleLimit], wouldDecide: match == nil ? Catalogue.Decider.proxyConfigOrFIN : nil)
    silence = wait
    note(Catalogue.Note.attemptWait(timeline.wait, inferred: timeline.waitInferred, shared: wait))
  }

  /// Notes when the stream's whole duration matches a known cap on total response time:
  /// streams cut while content flows at a constant elapsed time point at a cap, not chance.
  mutating func noteTotalDurationCap(endingAt end: Microseconds?, in c: DiagnosisCase) {
    guard let start = c.stream.startTime, let end, end > start else { return }
    let duration = Double(end - start) / 1e6
    guard let cap = Catalogue.limits(matching: duration, kind: .total, precision: c.precision).first else { return }
    findings.append(.matchesKnownLimit)
    note(Catalogue.Note.durationMatchesCap(duration: duration, cap: cap))
  }
}
