/// A capture, trace or archive shows how the connection or body ended (the body's framing, who closed first and
/// how, the silence before it, or that the recording stopped first), and the application's exception, if any,
/// is left to `ExceptionRule`.
struct WireCloseRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    let stream = c.stream
    guard stream.client.exception == nil, stream.wire.close != nil || stream.body.framedEnd != nil || stream.wire.captureEnded != nil
    else { return nil }
    var d = Decision()
    d.decideFromWire(c)
    d.noteCaptureLoss(c)
    d.predictLeakFromRequest(c)
    guard stream.wire.isTLS else { return d }
    // Without keys the SSE events are invisible: what decides is record timing and who closed, so say so.
    d.capConfidenceAtMedium()
    d.summary = Catalogue.Summary.overTLSWithoutKeys(serverName: stream.wire.serverName) + d.summary
    if let alert = stream.wire.serverAlert { d.cite(alert, Catalogue.Note.serverTLSAlert, in: c) }
    d.wouldDecide = Catalogue.Decider.tlsKeyLog
    return d
  }
}

extension Decision {
  /// A capture shows the fault, not what the application caught; the SDK its request names, and the catalogue's
  /// table of which releases wrap mid-stream transport errors, predict whether the application saw a raw one.
  fileprivate mutating func predictLeakFromRequest(_ c: DiagnosisCase) {
    let stream = c.stream
    guard outcome == .failed, let name = stream.request.sdkName, let version = stream.request.sdkVersion else { return }
    sdk = "\(name) \(version)"
    // Errors the SDK raises while reading the body: the server side closing it, or the client's read timeout.
    let raisedWhileReading = stream.responseBegan && stream.body.framedEnd == nil && stream.body.inBandFailure == nil
      && (side == .server || cause == .idleTimeout)
    guard raisedWhileReading, Catalogue.leaksMidStreamErrors(sdk: name, version: version) == true else { return }
    findings.append(.unwrappedExceptionLeak)
    note(Catalogue.Note.predictedLeak(sdk: name, version: version))
    addLeakFix(sdkName: name, in: c)
  }

  /// Bytes of the response the capture did not keep: cited; and when they come after the last event seen, the
  /// end-of-message event may be among them, so a failure is no more than `medium`.
  fileprivate mutating func noteCaptureLoss(_ c: DiagnosisCase) {
    let stream = c.stream
    guard stream.wire.serverBytesLost > 0, let loss = stream.wire.lastServerLoss else { return }
    cite(loss, Catalogue.Note.captureLoss(bytes: stream.wire.serverBytesLost), in: c)
    guard outcome == .failed, loss.location.line >= (stream.events.last?.location.line ?? 0) else { return }
    capConfidenceAtMedium()
    summary += Catalogue.Summary.captureMissedAfterLastEvent
    wouldDecide = wouldDecide ?? Catalogue.Decider.fullPackets
  }

  fileprivate mutating func decideFromWire(_ c: DiagnosisCase) {
    let stream = c.stream
    let midStream = stream.head.status == 200 || stream.events.count > 0
    if let close = stream.wire.close { note(Catalogue.Note.connectionState(close.connState, lostBytes: close.lostBytes)) }
    if let body = stream.body.framedEnd, stream.events.count == 0, stream.wire.serverBytesLost > 0 {
      // The client saw the body end by its framing, but the body itself was not recorded (`curl -v`).
      outcome = .completed
      confidence = .low
      summary = Catalogue.Summary.bodyFramedEventsUnrecorded
      cite(body, Catalogue.Note.clientSawBodyEnd, in: c)
      wouldDecide = Catalogue.Decider.traceWithBody
      return
    }
    if let body = stream.body.framedEnd {
      findings.append(.cleanTruncation)
      decide(.serverCloseDuringDelta, side: .server, .high,
             Catalogue.Summary.cleanTruncationByFraming(events: stream.events.count, lastEvent: stream.events.lastKind?.rawValue ?? "?"),
             fixes: [.checkStopReason])
      cite(body, Catalogue.Note.terminatingChunk, in: c)
      noteTotalDurationCap(endingAt: body.time, in: c)
      return
    }
    if let close = stream.wire.close, let closeTime = close.at.time {
      decideFromClose(close, at: closeTime, midStream: midStream, in: c)
      return
    }
    if let ended = stream.wire.captureEnded, c.inputIsArchive {
      decide(.unknown, side: .unknown, .low, Catalogue.Summary.archiveWithoutEnd(events: stream.events.count),
             fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.captureOrClientLog)
      cite(ended, Catalogue.Note.archiveRecord, in: c)
    } else if let ended = stream.wire.captureEnded {
      decide(.unknown, side: .unknown, .low, Catalogue.Summary.captureEndedOpen(events: midStream ? stream.events.count : nil),
             fixes: [.captureForEvidence], wouldDecide: Catalogue.Decider.longerCapture)
      inFlightAtEnd = true
      cite(ended, Catalogue.Note.captureLastPacket, in: c)
    }
  }

  /// Who closed first, how, and after what silence: measured from the last server byte, or from the request's
  /// last byte when the server sent nothing of this response.
  private mutating func decideFromClose(
    _ close: StreamEvidence.Wire.Close, at closeTime: Microseconds, midStream: Bool, in c: DiagnosisCase
  ) {
    let stream = c.stream
    // In TLS the last server bytes may be its close_notify alert: measure from the last data record.
    let lastData = stream.wire.isTLS ? stream.events.last?.time : close.lastServerData
    if !midStream, let request = close.lastClientData ?? stream.startTime, closeTime >= request,
      lastData.map({ request >= $0 }) ?? true
    {
      // Nothing of this response arrived (on a reused connection the last server bytes were the previous
      // response's): the silence runs from the request's last byte.
      silence = Double(closeTime - request) / 1e6
      silenceBasis = .fromRequest
    } else if let last = lastData, closeTime >= last {
      silence = Double(closeTime - last) / 1e6
    }
    let how = close.reset ? "RST" : "FIN"
    cite(close.at, Catalogue.Note.firstClose(how: how, byServer: close.byServer), in: c)
    // In TLS the server's close_notify alert is its close, even when the client's TCP FIN comes first (whether
    // the session was decrypted or not: only TLS has alerts).
    if !close.byServer, let alert = stream.wire.serverAlert, let alertTime = alert.time, alertTime <= closeTime {
      cite(alert, Catalogue.Note.serverTLSAlert, in: c)
      if let last = stream.events.last?.time, alertTime >= last { silence = Double(alertTime - last) / 1e6 }
      serverSideClose(.tlsCloseNotify, midStream: midStream, in: c)
      return
    }
    if close.byServer, let end = stream.wire.http2End {
      serverSideClose(end.goAway ? .http2GoAway : .http2StreamReset, midStream: midStream, in: c)
      return
    }
    if close.byServer {
      serverSideClose(close.reset ? .rst : .fin, midStream: midStream, in: c)
      return
    }
    if stream.wire.isTLS {
      // Without keys a finished response and an unfinished one look alike when the client closes.
      if let silence, let limit = c.idleLimits(matching: silence, closedBy: .client, precision: 0.01).first {
        findings.append(.matchesKnownLimit)
        decide(.idleTimeout, side: .client, .medium,
               Catalogue.Summary.tlsClientReadTimeout(how: how, silence: silence, limit: limit), fixes: [.clientReadTimeout])
      } else {
        decide(.unknown, side: .client, .low, Catalogue.Summary.tlsClientCloseUndecided(how: how, silence: silence),
               fixes: [.captureForEvidence])
      }
      return
    }
    if silenceBasis == .fromRequest, let silence {
      decide(.idleTimeout, side: .client, .high,
             Catalogue.Summary.clientTimeoutBeforeHead(silence: silence, how: how, configuredTimeout: stream.request.timeout),
             fixes: [.clientReadTimeout])
    } else if let silence, silence >= c.stallThreshold {
      decide(.idleTimeout, side: .client, .high,
             Catalogue.Summary.clientTimeoutMidStream(silence: silence, how: how, configuredTimeout: stream.request.timeout),
             fixes: [.clientReadTimeout])
    } else {
      decide(.clientError, side: .client, .high,
             Catalogue.Summary.clientCancelledOnWire(how: how, reset: close.reset, silence: silence), fixes: [.cancellation])
    }
  }
}
