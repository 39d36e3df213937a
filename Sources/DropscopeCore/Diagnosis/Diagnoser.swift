/// Decides each stream's outcome and cause from what was observed, with evidence and fixes.
///
/// Every judgement (what an exception means, which SDK versions leak, which limit a
/// silence matches, what to change) comes from `Catalogue`.
struct Diagnoser {
  /// How each input is named in the report.
  var inputNames: [String]
  /// Thread/worker names by input and context id.
  var contextNames: [Int: [Int: String]] = [:]
  /// SDK versions mentioned in each input.
  var sdkVersions: [Int: [String: String]] = [:]
  /// Inputs whose data was cut (truncated or corrupt gzip): their last streams may be missing their end.
  var damagedInputs: Set<Int> = []
  /// Inputs that are HTTP archives (HAR): an exporter's record, not a packet capture.
  var archiveInputs: Set<Int> = []

  func diagnose(_ stream: ObservedStream) -> StreamVerdict {
    var work = Work(stream: stream, names: inputNames)
    work.inputDamaged = damagedInputs.contains(stream.input)
    work.inputIsArchive = archiveInputs.contains(stream.input)
    work.addCommonEvidence()
    if stream.endMarker != nil {
      work.completed()
    } else if let status = stream.status, status >= 400 {
      work.errorStatus(status)
    } else if let failure = stream.inBandFailure, stream.exception == nil {
      work.inBandFailure(failure)
    } else if let cancel = stream.cancelled, stream.exception == nil {
      work.applicationCancelled(cancel)
    } else if stream.exception == nil, stream.wireClose != nil || stream.bodyComplete != nil || stream.captureEnded != nil {
      work.fromWire()
    } else if let chain = stream.exception ?? stream.internalException ?? work.chainFromTransportTrace() {
      work.exception(chain, sdkVersions: sdkVersions[stream.input] ?? [:])
    } else if let chain = stream.timeline?.finalChain {
      // Not logged for this attempt; the call's attempts all failed after the same wait as its final one.
      work.inheritsFinalReason = true
      work.exception(chain, sdkVersions: sdkVersions[stream.input] ?? [:])
    } else {
      work.noException()
    }
    if stream.end == .retried, !work.findings.contains(.retriedBySDK) { work.findings.append(.retriedBySDK) }
    if work.outcome == .failed, stream.status == 200, work.cause != .unknown,
      work.cause != .clientError || stream.contentCount > 0
    {
      work.summary += " The API had accepted this request, so its input tokens were billed; sending it again bills them again."
    }
    if stream.exceptionUncaught { work.findings.append(.uncaughtException) }
    if work.inheritsFinalReason { work.takeFinalReason() }
    return work.verdict(context: contextNames[stream.input]?[stream.context])
  }
}

/// The state of one diagnosis while it is being decided.
private struct Work {
  let stream: ObservedStream
  let names: [String]
  var outcome: Outcome = .failed
  var cause: Cause?
  var findings: [Finding] = []
  var confidence: Confidence = .medium
  var side: Side?
  var summary = ""
  var surfacedAs: String?
  var sdk: String?
  var silence: Double?
  var evidence: [Evidence] = []
  var fixes: [String] = []
  var wouldDecide: String?
  var inputDamaged = false
  var inputIsArchive = false
  /// Whether `silence` is only an upper bound (from an untimed, uncaught traceback).
  var silenceIsUpperBound = false
  /// Whether `silence` runs from the request's last byte because the server sent nothing.
  var silenceFromRequest = false
  /// Whether `silence` was inferred from the application's account rather than measured between two times.
  var silenceIsInferred = false
  /// The causes left open when the evidence does not decide.
  var candidates: [Cause] = []
  /// Whether this attempt's reason is the call's final attempt's, taken because their waits match.
  var inheritsFinalReason = false

  init(stream: ObservedStream, names: [String]) {
    self.stream = stream
    self.names = names
  }

  // MARK: - Evidence

  func place(_ location: SourceLocation) -> String {
    let name = location.input < names.count ? names[location.input] : "input \(location.input)"
    return location.isPacket ? "\(name)#\(location.line)" : "\(name):\(location.line)"
  }

  mutating func cite(_ observation: ObservedStream.Observation?, quote: String? = nil, _ note: String) {
    guard let observation else { return }
    evidence.append(Evidence(location: place(observation.location), time: observation.time.map(TimeFormatting.iso),
                             quote: quote ?? observation.quote, note: note))
  }

  mutating func addCommonEvidence() {
    if let count = stream.sdkRetryCount, count > 0 {
      evidence.append(Evidence(location: nil, time: nil, quote: nil,
                               note: "the request carried `x-stainless-retry-count: \(count)`: the SDK had tried it \(count) time\(count == 1 ? "" : "s") before"))
    }
    if let head = stream.responseHead, let status = stream.status {
      let note = status == 200
        ? "response headers arrived (HTTP 200): the request was accepted and the stream began; this line says nothing about how it ended"
        : "the API answered HTTP \(status) before any stream began"
      cite(head, note)
    }
    if stream.eventCount > 0, let first = stream.firstEvent, let last = stream.lastEvent {
      // A log shows the events the application wrote down; a capture, the events (or, over TLS, the encrypted
      // records) that came over the wire.
      var note = stream.isTLS
        ? "\(stream.eventCount) encrypted records received"
        : "\(stream.eventCount) events \(stream.transport == "wire" ? "received" : "logged") (\(stream.contentCount) content deltas)"
      if let a = first.time, let b = last.time, b > a {
        note += " over \(TimeFormatting.seconds(Double(b - a) / 1e6))"
      }
      note += "; the last was `\(stream.lastEventKind?.rawValue ?? "?")`"
      if stream.openBlock { note += ", with a content block still open" }
      cite(last, note)
    }
  }

  // MARK: - Decisions

  /// Sets a verdict's cause, side, confidence, summary and fixes in one place.
  mutating func decide(
    _ cause: Cause, side: Side, _ confidence: Confidence, _ summary: String, fixes: [String], wouldDecide: String? = nil
  ) {
    self.cause = cause
    self.side = side
    self.confidence = confidence
    self.summary = summary
    self.fixes = fixes
    if let wouldDecide { self.wouldDecide = wouldDecide }
  }

  mutating func completed() {
    outcome = .completed
    confidence = .high
    let marker = stream.endMarkerKind?.rawValue ?? "end"
    summary = "The stream completed: `\(marker)` arrived."
    if let chain = stream.exception, let final = chain.final {
      summary += " An exception was logged afterwards (`\(final.type)`), not during the stream."
    }
  }

  /// The API reported a failure inside the stream: `response.failed`, or an `event: error` a capture shows.
  mutating func inBandFailure(_ failure: ObservedStream.Observation) {
    let kind = stream.inBandText.map { $0.contains("overloaded_error") ? "`event: error` (overloaded_error)" : "an `error` event" }
      ?? "`response.failed`"
    decide(.serverError, side: .server, .high,
           "The API reported the failure inside the stream (\(kind)) after \(stream.contentCount) content deltas.",
           fixes: ["retry-in-band-error"])
    cite(failure, "the API's in-band failure")
  }

  /// The application said it ended the stream itself, and no error ended it first.
  mutating func applicationCancelled(_ cancel: ObservedStream.Observation) {
    let content = contentSeen
    decide(.clientError, side: .client, .high,
           "The application ended the stream itself\(content > 0 ? " after \(content) content deltas" : ""): it cancelled or abandoned the response; the network and the API did not.",
           fixes: ["cancellation"])
    cite(cancel, "the application says it ended the stream here")
  }

  /// Marks a verdict built from the final attempt's reason as such: one step less certain, and says why.
  mutating func takeFinalReason() {
    guard outcome == .failed else { return }
    if confidence == .high { confidence = .medium }
    if let wait = stream.timeline?.sharedWait {
      summary = "The log does not say why this attempt failed; it failed after the same wait as the call's final attempt (about \(TimeFormatting.seconds(wait))), so it takes that attempt's reason. " + summary
    }
  }

  /// Cites the application's own account of the stream (its delta count and duration).
  mutating func citeAccount(_ account: ApplicationAccount) {
    cite(stream.accountAt, "the application's own account of the stream: \(account.contentEvents) deltas in \(TimeFormatting.seconds(account.seconds ?? 0))")
  }

  /// Content events the stream is known to have received: those logged or captured, or the application's count.
  var contentSeen: Int { max(stream.contentCount, stream.account?.contentEvents ?? 0) }

  /// Decides from what a capture shows: the body's framing, who closed first and how, the silence before it.
  mutating func fromWire() {
    decideFromWire()
    noteCaptureLoss()
    predictLeakFromRequest()
    guard stream.isTLS else { return }
    // Without keys the SSE events are invisible: what decides is record timing and who closed, so say so.
    if confidence == .high { confidence = .medium }
    summary = "Over TLS, seen without keys\(stream.serverName.map { " (\($0))" } ?? ""): " + summary.replacingOccurrences(of: "content deltas", with: "encrypted records").replacingOccurrences(of: "deltas", with: "encrypted records")
    if let alert = stream.serverAlert {
      cite(alert, "the server sent a TLS alert before closing: an orderly TLS close (close_notify) by the server side")
    }
    wouldDecide = "A TLS key log (SSLKEYLOGFILE) for this capture would show the SSE events, the end-of-message marker and the HTTP status."
  }

  /// A capture shows the fault, not what the application caught; the SDK its request names, and the catalogue's
  /// table of which releases wrap mid-stream transport errors, predict whether the application saw a raw one.
  private mutating func predictLeakFromRequest() {
    guard outcome == .failed, let name = stream.sdkName, let version = stream.sdkVersion else { return }
    sdk = "\(name) \(version)"
    // Errors the SDK raises while reading the body: the server side closing it, or the client's read timeout.
    let raisedWhileReading = stream.responseBegan && stream.bodyComplete == nil && stream.inBandFailure == nil
      && (side == .server || cause == .idleTimeout)
    guard raisedWhileReading, Catalogue.leaksMidStreamErrors(sdk: name, version: version) == true else { return }
    findings.append(.unwrappedExceptionLeak)
    evidence.append(Evidence(location: nil, time: nil, quote: nil,
                             note: "predicted (medium confidence): the request names \(name) \(version) in its headers, and that release lets a transport error raised while the stream is read escape raw; a capture shows the fault, not what the application caught"))
    addLeakFix(sdkName: name)
  }

  /// Bytes of the response the capture did not keep: cited; and when they come after the last event seen, the
  /// end-of-message event may be among them, so a failure is no more than `medium`.
  private mutating func noteCaptureLoss() {
    guard stream.serverBytesLost > 0, let loss = stream.lastServerLoss else { return }
    cite(loss, "the capture did not keep \(stream.serverBytesLost) bytes of this response (snap length or loss), the last of them here; events were counted by the names that were kept")
    guard outcome == .failed, loss.location.line >= (stream.lastEvent?.location.line ?? 0) else { return }
    if confidence == .high { confidence = .medium }
    summary += " The capture missed bytes after the last event it shows: the end-of-message event may be among them."
    wouldDecide = wouldDecide ?? "A capture with the full packets (tcpdump -s 0) would show whether the stream ended."
  }

  private mutating func decideFromWire() {
    let midStream = stream.status == 200 || stream.eventCount > 0
    if let close = stream.wireClose {
      evidence.append(Evidence(location: nil, time: nil, quote: nil,
                               note: "connection state \(close.connState) (Zeek conn_state)\(close.lostBytes > 0 ? "; the capture missed \(close.lostBytes) bytes (snap length or loss): counted as capture loss, not as a cut" : "")"))
    }
    if let body = stream.bodyComplete, stream.eventCount == 0, stream.serverBytesLost > 0 {
      // The client saw the body end by its framing, but the body itself was not recorded (`curl -v`).
      outcome = .completed
      confidence = .low
      summary = "The response body ended by its framing, as far as the client could tell, and no error was reported; the events were not recorded, so whether `message_stop` arrived is not known."
      cite(body, "the client saw the body end without an error")
      wouldDecide = "A trace with the body (`curl --trace-ascii FILE`) would show the events and the end-of-message marker."
      return
    }
    if let body = stream.bodyComplete {
      findings.append(.cleanTruncation)
      decide(.serverCloseDuringDelta, side: .server, .high,
             "The response body ended by its framing (the terminating chunk arrived) without the end-of-message event, after \(stream.eventCount) events (the last `\(stream.lastEventKind?.rawValue ?? "?")`): something on the server's side of the path ended the response early.",
             fixes: ["check-stop-reason"])
      cite(body, "the terminating chunk `0\\r\\n\\r\\n`: the body ended cleanly")
      noteTotalDurationCap(endingAt: body.time)
      return
    }
    if let close = stream.wireClose, let closeTime = close.at.time {
      // In TLS the last server bytes may be its close_notify alert: measure from the last data record.
      let lastData = stream.isTLS ? stream.lastEvent?.time : close.lastServerData
      if !midStream, let request = close.lastClientData ?? stream.startTime, closeTime >= request,
        lastData.map({ request >= $0 }) ?? true
      {
        // Nothing of this response arrived (on a reused connection the last server bytes were the previous
        // response's): the silence runs from the request's last byte.
        silence = Double(closeTime - request) / 1e6
        silenceFromRequest = true
      } else if let last = lastData, closeTime >= last {
        silence = Double(closeTime - last) / 1e6
      }
      let how = close.reset ? "RST" : "FIN"
      cite(close.at, "the connection's first \(how): \(close.byServer ? "the server side" : "the client") closed it")
      // In TLS the server's close_notify alert is its close, even when the client's TCP FIN comes first.
      if stream.isTLS, !close.byServer, let alert = stream.serverAlert, let alertTime = alert.time, alertTime <= closeTime {
        if let last = stream.lastEvent?.time, alertTime >= last { silence = Double(alertTime - last) / 1e6 }
        serverSideClose(.peerClosedMidBody, midStream: midStream)
        summary = summary.replacingOccurrences(of: "closed the connection (FIN)", with: "closed the TLS session (close_notify)")
        return
      }
      if close.byServer {
        serverSideClose(close.reset ? .connectionReset : .peerClosedMidBody, midStream: midStream)
        return
      }
      if stream.isTLS {
        // Without keys a finished response and an unfinished one look alike when the client closes.
        let gap = silence.map { " \(TimeFormatting.seconds($0)) after" } ?? " after"
        if let silence, let limit = Catalogue.limits(matching: silence, kind: .idle, precision: 0.01).first(where: { $0.closer == .client }) {
          findings.append(.matchesKnownLimit)
          decide(.idleTimeout, side: .client, .medium,
                 "The client closed the connection (\(how))\(gap) the server's last encrypted record, which matches the \(TimeFormatting.limit(limit.seconds)) \(limit.components): its read timeout.",
                 fixes: ["client-read-timeout"])
        } else {
          decide(.unknown, side: .client, .low,
                 "The client closed the connection (\(how))\(gap) the server's last encrypted record: either the client's read timeout or cancellation ended an unfinished response, or the response was complete and its idle connection was closed later. Without keys the two look alike.",
                 fixes: ["capture-for-evidence"])
        }
        return
      }
      if silenceFromRequest, let silence {
        let configured = stream.sdkTimeout.map { " (the request said its timeout was \(TimeFormatting.limit($0)))" } ?? ""
        decide(.idleTimeout, side: .client, .high,
               "The client sent its request, received nothing for \(TimeFormatting.seconds(silence)), then closed the connection (\(how)) before any response head: its own read timeout\(configured). The server did not close it.",
               fixes: ["client-read-timeout"])
      } else if let silence, silence >= StreamPace(stream).stallThreshold(precision: precision) {
        let configured = stream.sdkTimeout.map { " (the request said its timeout was \(TimeFormatting.limit($0)))" } ?? ""
        decide(.idleTimeout, side: .client, .high,
               "No bytes from the server for \(TimeFormatting.seconds(silence)), then the client closed the connection (\(how)): its own read timeout\(configured). The server did not close it.",
               fixes: ["client-read-timeout"])
      } else {
        decide(.clientError, side: .client, .high,
               "The client closed the connection (\(how)\(close.reset ? ": it still had unread data" : "")) while the server was sending\(silence.map { ", \(TimeFormatting.seconds($0)) after the last server byte" } ?? ""): the application cancelled the stream.",
               fixes: ["cancellation"])
      }
      return
    }
    if let ended = stream.captureEnded, inputIsArchive {
      decide(.unknown, side: .unknown, .low,
             "The HTTP archive holds this response\(stream.eventCount > 0 ? " with \(stream.eventCount) events" : "'s head but no body") and no error: its exporter did not record how the stream ended (a proxy that buffers bodies, such as mitmproxy, records a cut event stream so).",
             fixes: ["capture-for-evidence"],
             wouldDecide: "A packet capture or the client's log of the same request would show who closed the connection and how.")
      cite(ended, "the archive's record of this request")
    } else if let ended = stream.captureEnded {
      decide(.unknown, side: .unknown, .low,
             "The capture ends while this connection was still open\(midStream ? ", after \(stream.eventCount) events" : ""): how the stream ended is not in it.",
             fixes: ["capture-for-evidence"], wouldDecide: "A capture that runs until the connection closes would show who closed it and how.")
      cite(ended, "the capture's last packet of this connection")
    }
  }

  mutating func errorStatus(_ status: Int) {
    let retried = stream.end == .retried
    let retryNote = retried ? " The SDK retried it\(stream.retryDelay.map { " after \(TimeFormatting.seconds($0))" } ?? "")." : ""
    confidence = .high
    if status >= 500 {
      cause = .serverError
      side = .server
      let name = status == 529 ? "529 (overloaded)" : "\(status)"
      summary = "The API answered HTTP \(name) before any stream began.\(retryNote)"
      fixes = ["backoff-overloaded"]
    } else {
      cause = .clientError
      side = .client
      summary = status == 429
        ? "The API refused the request with HTTP 429 (rate limit) before any stream began.\(retryNote)"
        : "The API rejected the request with HTTP \(status) before any stream began: the request itself was refused.\(retryNote)"
      fixes = [status == 429 ? "rate-limit" : "fix-request"]
    }
    if retried {
      findings.append(.retriedBySDK)
      cite(stream.retry, "the SDK scheduled a retry: this attempt failed, the call went on")
    }
    if let chain = stream.exception, let final = chain.final {
      surfacedAs = "`\(final.type)` (the SDK's own status error)"
      citeException(chain, note: "the application received the status error")
    }
  }

  mutating func exception(_ chain: ExceptionChain, sdkVersions: [String: String]) {
    guard let final = chain.final else { return noException() }
    let sdkName = Catalogue.sdk(of: chain)
    let transport = chain.records.lazy.map(\.module).first { $0 == "httpx2" || $0 == "httpx" }
      ?? stream.transport.flatMap { $0 == "httpx" || $0 == "httpx2" ? $0 : nil }
    if let sdkName {
      let version = sdkVersions[sdkName].map { "\(sdkName) \($0)" }
      sdk = version ?? Catalogue.sdkRelease(sdk: sdkName, chain: chain, transport: transport) ?? sdkName
    }

    // The deciding exception: the outermost one with a known signature, looking through SDK wrappers.
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
    // A wrapper whose causes say nothing known: what the wrapper itself implies, if anything.
    if deciding == nil, let wrapper, var signature = wrapperSignature, let fallback = signature.fallback {
      signature.wire = fallback
      deciding = (wrapper, signature)
    }
    describeSurface(final: final, wrapper: wrapper, deciding: deciding?.0, sdkName: sdkName)
    // Some errors can only happen once the response had begun (undici's `terminated`, its body timeout).
    let midStream = stream.responseBegan
      || deciding?.1.afterResponse == true || wrapperSignature?.afterResponse == true
    // httpcore's trace of the failed read is the transport's own time; the application logs a little later.
    if let failure = stream.bodyReadFailure {
      cite(failure, "httpcore's trace: the response body read failed here, as the transport saw it")
    }
    let closeTime = stream.bodyReadFailure?.time ?? (stream.exceptionUncaught ? nil : stream.exceptionAt?.time)
    if stream.exceptionUncaught, let printed = stream.exceptionAt {
      cite(printed, "the traceback was printed uncaught, with no timestamp of its own; the time shown is that of the last timestamped line before it")
    }
    // Only logged events say when bytes last arrived: without them the silence before the close is unknown.
    let lastByte = stream.lastEvent?.time
    if let closeTime, let lastByte, closeTime >= lastByte, midStream {
      silence = Double(closeTime - lastByte) / 1e6
    } else if stream.exceptionUncaught, let bound = chain.printedNoLaterThan, let lastByte, bound >= lastByte, midStream {
      // The uncaught traceback has no time, but it was printed before a later timestamped line.
      let most = Double(bound - lastByte) / 1e6
      if most < StreamPace(stream).stallThreshold(precision: precision) {
        silence = most
        silenceIsUpperBound = true
        evidence.append(Evidence(location: nil, time: TimeFormatting.iso(bound), quote: nil,
                                 note: "the traceback was printed before the next timestamped line (\(TimeFormatting.iso(bound))), so the close came at most \(TimeFormatting.seconds(most)) after the last event"))
      }
    }
    let retried = stream.end == .retried
    if retried {
      findings.append(.retriedBySDK)
      cite(stream.retry, "the SDK retried after this attempt failed before the response")
    }

    guard let (record, signature) = deciding else {
      return unrecognised(chain, final: final, midStream: midStream)
    }
    citeException(chain, note: signature.meaning, record: record)
    switch signature.wire {
    case .peerClosedMidBody, .connectionReset:
      serverSideClose(signature.wire, midStream: midStream)
      if record.message.contains("HTTP/2 stream") || record.type.contains("StreamReset") {
        // HTTP/2 resets one stream (RST_STREAM); the connection under it may live on.
        summary = summary.replacingOccurrences(of: "reset the connection (RST)", with: "reset the HTTP/2 stream (RST_STREAM)")
      }
    case .readTimeout:
      cause = .idleTimeout
      side = .client
      confidence = .high
      let limit = silence.map { Catalogue.limits(matching: $0, kind: .idle, precision: precision).filter { $0.closer == .client } } ?? []
      var text = midStream
        ? "The client's own read timeout fired in the middle of the stream"
        : "The client's timeout fired before the response headers arrived"
      if let silence {
        text += ": no bytes for \(TimeFormatting.seconds(silence)) before it"
      } else if !midStream, let wait = stream.timeline?.sharedWait, let count = stream.timeline?.attemptsSharingWait {
        text += ": each of \(count) attempts waited about \(TimeFormatting.seconds(wait)) for the response head"
      }
      if let configured = stream.sdkTimeout {
        text += " (the request said its timeout was \(TimeFormatting.limit(configured)), in `x-stainless-timeout`)"
      } else if let match = limit.first {
        findings.append(.matchesKnownLimit)
        text += ", which matches the \(TimeFormatting.limit(match.seconds)) \(match.components)"
      }
      summary = text + ". The server did not close the connection; the client gave up."
      fixes = ["client-read-timeout"]
    case .connectFailure:
      decide(.clientError, side: .client, .high,
             "No connection could be made to the API (\(record.type)): a local network, DNS, proxy or TLS failure.",
             fixes: ["connect-failure"])
    case .poolExhausted:
      decide(.clientError, side: .client, .high,
             "The client's connection pool had no free connection (\(record.type)): streams were left open or too many ran at once.",
             fixes: ["application-exception"])
    case .closedBeforeResponse where stream.timeline?.sharedWait != nil:
      idleBeforeHead(record)
    case .closedBeforeResponse:
      decide(.unknown, side: .server, .medium,
             "The connection closed before any response arrived (\(record.type): \(record.message)). A stale pooled connection, a proxy refusing the request and a crashed server all look like this in a client log.",
             fixes: ["capture-for-evidence"],
             wouldDecide: "A capture or the proxy's log for this time shows who closed the connection and why.")
    case .inBandError:
      let type = record.message.range(of: "overloaded_error") != nil ? "overloaded_error" : "error"
      decide(.serverError, side: .server, .high,
             "The API accepted the stream (HTTP 200) and then sent an `event: error` (\(type)) inside it\(stream.contentCount > 0 ? " after \(stream.contentCount) content deltas" : ""). The SDK raised it as a bare `\(record.type)` and did not retry.",
             fixes: ["retry-in-band-error"])
    case .errorStatus:
      if let status = statusCode(in: record.message) {
        errorStatus(status)
      } else {
        cause = .serverError
        side = .server
        summary = "The API answered with an error status: \(record.message)"
        fixes = ["backoff-overloaded"]
      }
    case .cancelled:
      // asyncio.timeout raises TimeoutError from CancelledError; Node's AbortSignal.timeout a TimeoutError.
      let deadline = final.className == "TimeoutError"
      decide(.clientError, side: .client, .high,
             deadline
               ? "The application's own deadline (an asyncio timeout) cancelled the stream\(stream.contentCount > 0 ? " after \(stream.contentCount) content deltas" : "")."
               : "The application cancelled the stream (`\(record.type)`).",
             fixes: ["cancellation"])
    case .serverDisconnected:
      if midStream {
        serverSideClose(.peerClosedMidBody, midStream: true)
      } else if stream.timeline?.sharedWait != nil {
        idleBeforeHead(record)
      } else {
        decide(.unknown, side: .server, .medium,
               "The server side closed the connection (\(record.type.isEmpty ? "reported" : record.type): \(record.message)), and the log does not show whether a response had begun.",
               fixes: ["capture-for-evidence"],
               wouldDecide: "The HTTP status line for this request (httpx's INFO line), or a capture, would show whether the stream had started.")
      }
    case .endedWithoutEndMarker:
      findings.append(.cleanTruncation)
      decide(.serverCloseDuringDelta, side: .server, .medium,
             "The client saw the body end before `message_stop` (\(record.message.prefix(90))): the response was cut short without a transport error.",
             fixes: ["check-stop-reason"],
             wouldDecide: "A capture would show whether the terminating chunk arrived; the proxy's limits on response duration would show which hop cut it.")
    case .overloaded:
      decide(.serverError, side: .server, midStream || stream.status != nil ? .high : .medium,
             "The API reported that it was overloaded (`overloaded_error`)\(midStream ? ", inside the stream" : ""); this is the API's capacity, not the network.",
             fixes: [midStream ? "retry-in-band-error" : "backoff-overloaded"])
    case .proxyUpstreamFailure:
      decide(.serverError, side: .server, .high,
             "A proxy in front of the API could not reach, or lost, its upstream: \(record.message.prefix(160))",
             fixes: ["backoff-overloaded"])
    case .wrapper:
      unrecognised(chain, final: final, midStream: midStream)
    }
    addLeakFix(sdkName: sdkName)
  }

  /// A FIN or RST from the server side: an idle close if it came after a long silence, else a close during deltas.
  mutating func serverSideClose(_ wire: Catalogue.WireEvent, midStream: Bool) {
    let how = wire == .connectionReset ? "reset the connection (RST)" : "closed the connection (FIN)"
    side = .server
    let pace = StreamPace(stream)
    let threshold = pace.stallThreshold(precision: precision)
    let content = contentSeen
    if !midStream, stream.wireClose != nil {
      // Nothing of a response arrived: a close right after the request is a refusal or a stale connection; a
      // close after a wait is a limit on the path giving up on a request that got no answer.
      if let silence, silenceFromRequest, silence >= threshold {
        let matches = Catalogue.limits(matching: silence, kind: .idle, precision: precision).filter { $0.closer == .server }
        if !matches.isEmpty { findings.append(.matchesKnownLimit) }
        decide(.idleTimeout, side: .server, matches.isEmpty ? .medium : .high,
               "The request got no response for \(TimeFormatting.seconds(silence)), then the server side \(how) without sending a response head: an idle limit on the path gave up on it\(matches.first.map { " (it matches a \(TimeFormatting.limit($0.seconds)) idle limit: \($0.components))" } ?? "").",
               fixes: ["raise-proxy-idle-limit"],
               wouldDecide: matches.isEmpty ? "The proxy or load balancer configuration (its idle timeout) would name the hop." : nil)
      } else {
        decide(.unknown, side: .server, .medium,
               "The server side \(how) \(silence.map { "\(TimeFormatting.seconds($0)) after the request, " } ?? "")before any response head: a refused request, a stale connection or a crashed upstream all look like this.",
               fixes: ["capture-for-evidence"],
               wouldDecide: "The proxy's or the server's log for this time would say why it closed the connection.")
        candidates = [.serverError, .idleTimeout]
      }
      return
    }
    if silence == nil, !silenceIsUpperBound, let account = stream.account, let implied = StreamPace.silence(impliedBy: account) {
      // No event was timed, but the application said how many deltas it had and when it gave up.
      // The account's duration is to the hundredth of a second.
      if implied >= StreamPace.ordinary.stallThreshold(precision: 0.01) {
        silence = implied
        silenceIsInferred = true
      } else if implied <= 0 {
        cause = .serverCloseDuringDelta
        confidence = .medium
        summary = "The server side \(how) while content was flowing: the application counted \(account.contentEvents) content deltas in \(TimeFormatting.seconds(account.seconds ?? 0)), as fast as a response is generated, so the line was not idle before the close."
        citeAccount(account)
        wouldDecide = "Timestamps on each event, or a capture, would measure the last gap before the close."
        fixes = ["retry-server-close"]
        return
      }
    }
    if let silence, silenceIsInferred || (!silenceIsUpperBound && silence >= threshold)
      || Catalogue.limits(matching: silence, kind: .idle, precision: precision).contains(where: { $0.closer == .server })
    {
      cause = .idleTimeout
      let matches = Catalogue.limits(matching: silence, kind: .idle, precision: precision).filter { $0.closer == .server }
      var text: String
      if silenceIsInferred, let account = stream.account {
        text = "The application counted \(account.contentEvents) content deltas in \(TimeFormatting.seconds(account.seconds ?? 0)); generated content takes far less (\(TimeFormatting.seconds(Double(account.contentEvents) * StreamPace.ordinary.secondsPerEvent)) at ten deltas a second), so the line was idle for at least \(TimeFormatting.seconds(silence)). Then the server side \(how)"
        citeAccount(account)
      } else {
        text = "No bytes for \(TimeFormatting.seconds(silence)), then the server side \(how)"
        if pace.measured {
          evidence.append(Evidence(location: nil, time: nil, quote: nil,
                                   note: "the stream's events came every \(TimeFormatting.seconds(pace.secondsPerEvent)) on average; the silence before the close lasted \(Int((silence / pace.secondsPerEvent).rounded())) times that"))
        }
      }
      if let match = matches.first {
        findings.append(.matchesKnownLimit)
        confidence = silenceIsInferred ? .medium : .high
        text += ": that matches a \(TimeFormatting.limit(match.seconds)) idle limit (\(match.components))."
        evidence.append(Evidence(location: nil, time: nil, quote: nil,
                                 note: "silence of \(TimeFormatting.seconds(silence)) before the close matches the known limit: \(TimeFormatting.limit(match.seconds)) \(match.kind.rawValue), \(match.components) (source: \(match.source))"))
      } else {
        confidence = silenceIsInferred ? .medium : pace.measured ? .high : .medium
        text += ". No known default idle limit matches \(TimeFormatting.seconds(silence)); a proxy with a custom limit is the likely closer."
        wouldDecide = "The proxy or load balancer configuration (its idle timeout), or a capture showing which hop sent the FIN/RST."
      }
      summary = text + " Something on the server's side of the path gave up on an idle connection; the API itself sends pings during long pauses."
      fixes = ["raise-proxy-idle-limit"]
      return
    }
    if let silence {
      cause = .serverCloseDuringDelta
      confidence = .high
      let gap = precision >= 1 && silence < 1
        ? "within the same second as the close (the log's timestamps are to the second)"
        : silenceIsUpperBound ? "at most \(TimeFormatting.seconds(silence)) before the close"
        : "\(TimeFormatting.seconds(silence)) before the close"
      summary = "The server side \(how) while content was flowing: \(content) deltas received, the last \(gap)."
      evidence.append(Evidence(location: nil, time: nil, quote: nil,
                               note: "\(content) deltas received, the last \(gap): content was flowing"))
      noteTotalDurationCap(endingAt: stream.exceptionAt?.time)
      fixes = ["retry-server-close"]
      return
    }
    // Nothing times the events before the close: an idle limit and a cut while content flowed look alike.
    decide(.unknown, side: .server, .medium, "", fixes: ["retry-server-close"])
    candidates = [.idleTimeout, .serverCloseDuringDelta]
    let wire = stream.transport == "wire"
    if content > 0 || stream.eventCount > 0 {
      let why = stream.exceptionUncaught ? "The uncaught traceback has no timestamp"
        : wire ? "The trace has no timestamps (curl's `--trace-time` adds them)" : "The log does not time the events"
      summary = "The server side \(how) in the middle of the stream, after \(content) content deltas. \(why), so whether the line had gone idle (an idle limit) or content was still flowing (a close during deltas) is not shown."
      wouldDecide = "Timestamps on each event and on the failure, the application's own count of deltas with its duration, or a capture, would show whether content was still flowing when the connection closed."
    } else {
      summary = "The server side \(how) in the middle of the response body\(midStream ? " (after HTTP 200)" : ""). The \(wire ? "trace" : "log") does not record the events that arrived, so whether content was flowing or the line was idle is not shown."
      wouldDecide = wire
        ? "A trace with the body and times (`curl --trace-ascii FILE --trace-time`), or a capture, would separate a close during deltas from an idle timeout."
        : "Logging each SSE event with a timestamp, or a capture, would separate a close during deltas from an idle timeout."
    }
  }

  /// Every attempt of the call waited the same time for a response head, then the connection closed: a limit.
  mutating func idleBeforeHead(_ record: ExceptionRecord) {
    guard let timeline = stream.timeline, let wait = timeline.sharedWait else { return }
    let matches = Catalogue.limits(matching: wait, kind: .idle, precision: timeline.precision).filter { $0.closer == .server }
    var text = "Each of the call's \(timeline.attemptsSharingWait) attempts waited about \(TimeFormatting.seconds(wait)) without a response head, then the server side closed the connection (`\(record.type)`: \(record.message)). The same wait every time is a limit, not chance: an idle limit of about \(TimeFormatting.seconds(wait)) on the path"
    if let match = matches.first {
      findings.append(.matchesKnownLimit)
      text += ", which matches a \(TimeFormatting.limit(match.seconds)) idle limit (\(match.components))."
    } else {
      text += " (a proxy or load balancer with a custom limit, or an upstream that never answers)."
      wouldDecide = "The proxy or load balancer configuration (its idle timeout), or a capture showing which hop sent the FIN."
    }
    decide(.idleTimeout, side: .server, timeline.waitInferred ? .medium : .high, text, fixes: ["raise-proxy-idle-limit"],
           wouldDecide: wouldDecide)
    silence = wait
    evidence.append(Evidence(location: nil, time: nil, quote: nil,
                             note: "this attempt waited \(timeline.wait.map { TimeFormatting.seconds($0) } ?? "?")\(timeline.waitInferred ? " (from the retry lines and the backoff the SDK logged)" : ""); the call's attempts waited about \(TimeFormatting.seconds(wait)) each"))
  }

  /// Notes when the stream's whole duration matches a known cap on total response time:
  /// streams cut while content flows at a constant elapsed time point at a cap, not chance.
  mutating func noteTotalDurationCap(endingAt end: Microseconds?) {
    guard let start = stream.startTime, let end, end > start else { return }
    let duration = Double(end - start) / 1e6
    guard let cap = Catalogue.limits(matching: duration, kind: .total, precision: precision).first else { return }
    findings.append(.matchesKnownLimit)
    evidence.append(Evidence(location: nil, time: nil, quote: nil,
                             note: "the stream lasted \(TimeFormatting.seconds(duration)), which matches a \(TimeFormatting.limit(cap.seconds)) total-duration cap (\(cap.components))"))
  }

  mutating func unrecognised(_ chain: ExceptionChain, final: ExceptionRecord, midStream: Bool) {
    citeException(chain, note: "the exception the application saw")
    if Catalogue.transportModules.contains(final.module) {
      cause = .unknown
      side = .unknown
      confidence = .low
      summary = "The stream failed with a transport error dropscope does not know: `\(final.type)`."
      wouldDecide = "A capture of the connection would show how it ended."
      fixes = ["capture-for-evidence"]
      return
    }
    cause = .clientError
    side = .client
    let inApplication = !(final.framePaths.last.map { $0.contains("site-packages") } ?? true)
      || chain.records.last?.framePaths.contains { !$0.contains("site-packages") && !$0.contains("/lib/python") } == true
    confidence = midStream && inApplication ? .high : .medium
    summary = "The application's own code raised `\(final.type)` while the stream was being read\(stream.contentCount > 0 ? ", after \(stream.contentCount) content deltas" : ""); the stream was abandoned, not dropped by the network."
    fixes = ["application-exception"]
  }

  mutating func noException() {
    if inputDamaged, stream.end == .endOfInput {
      cause = .unknown
      confidence = .low
      summary = "The input was cut (a damaged or truncated file) while this stream was open\(stream.eventCount > 0 ? ", after \(stream.eventCount) events" : ""); how it ended is in the missing part."
      wouldDecide = "The rest of this log (an intact copy of the file) would show how the stream ended."
      fixes = ["capture-for-evidence"]
      return
    }
    if stream.eventCount > 0, stream.followingLine != nil || stream.end == .nextRequest {
      cause = .serverCloseDuringDelta
      findings.append(.cleanTruncation)
      side = .server
      confidence = .medium
      summary = "\(stream.eventCount) events arrived (last `\(stream.lastEventKind?.rawValue ?? "?")`), then the stream ended without its end-of-message marker and without an error. With the Python SDKs that means the body ended cleanly: something on the server's side of the path ended the response early."
      if let following = stream.followingLine {
        cite(following, "the application went on from here with no exception and no end-of-message event")
      }
      wouldDecide = "A capture would show whether the terminating chunk arrived; the proxy's limits on response duration would show which hop cut it."
      fixes = ["check-stop-reason"]
      noteTotalDurationCap(endingAt: stream.lastEvent?.time)
      return
    }
    if stream.eventCount > 0 {
      cause = .unknown
      confidence = .low
      summary = "The log ends while this stream was open: \(stream.eventCount) events were logged, the last `\(stream.lastEventKind?.rawValue ?? "?")`, and nothing after it says how the stream ended."
      wouldDecide = "Later log lines (the next rotated file) or a capture would show how it ended."
      fixes = ["capture-for-evidence"]
      return
    }
    if stream.status == 200 {
      outcome = .completed
      confidence = .low
      summary = "No failure was logged for this stream. The log does not record its events, so it cannot show the end-of-message marker either."
      return
    }
    cause = .unknown
    confidence = .low
    summary = stream.end == .retried
      ? "This attempt failed before a response and the SDK retried; the log does not say why."
      : "A request was sent, but the log shows neither a response nor an error for it."
    wouldDecide = "Debug logging of the SDK (ANTHROPIC_LOG=debug) or a capture would show what happened to the request."
    fixes = ["capture-for-evidence"]
  }

  /// An exception read from httpcore's `receive_response_body.failed exception=Type(…)` trace,
  /// for a stream whose application logged no traceback.
  func chainFromTransportTrace() -> ExceptionChain? {
    guard let text = stream.bodyReadFailureText ?? stream.headReadFailureText,
      let failure = stream.bodyReadFailure ?? stream.headReadFailure,
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

  // MARK: - How it surfaced

  mutating func describeSurface(final: ExceptionRecord, wrapper: ExceptionRecord?, deciding: ExceptionRecord?, sdkName: String?) {
    if Catalogue.isRawTransportError(final), sdkName != nil, stream.end != .retried {
      findings.append(.unwrappedExceptionLeak)
      let handler = Catalogue.isJavaScript(stream.exception ?? ExceptionChain(records: [final], start: final.location))
        ? "`instanceof APIError` checks" : "`except \(sdkName ?? "sdk").APIError`"
      surfacedAs = "raw `\(Catalogue.rawTransportClass(final))`: the SDK did not wrap it in its own `APIConnectionError`/`APITimeoutError`, so \(handler) and the SDK's retries never saw it"
    } else if final.module == "anthropic" || final.module == "openai",
      let cause = chainCause(of: final, wrapper: wrapper, deciding: deciding)
    {
      surfacedAs = "`\(final.type)` (wrapped by the SDK; the cause is `\(cause.type)`)"
    } else if let deciding, deciding.location != final.location || deciding.type != final.type {
      surfacedAs = "`\(final.type)`\(final.message.isEmpty ? "" : ": \(final.message.prefix(60))") (cause: `\(deciding.type)`\(deciding.message.isEmpty ? "" : ": \(deciding.message.prefix(80))"))"
    } else {
      surfacedAs = "`\(final.type)`"
    }
    if stream.exceptionUncaught || (stream.exceptionAt?.quote.map { $0.hasPrefix("Exception in thread") } ?? false) {
      surfacedAs = (surfacedAs ?? "") + ", uncaught: the thread died with it"
    }
  }

  /// The transport exception an SDK exception wraps: the last transport-module record before it.
  func chainCause(of final: ExceptionRecord, wrapper: ExceptionRecord?, deciding: ExceptionRecord?) -> ExceptionRecord? {
    guard let chain = stream.exception ?? stream.internalException, chain.records.count > 1 else { return nil }
    return chain.records.dropLast().last { Catalogue.transportModules.contains($0.module) }
  }

  mutating func addLeakFix(sdkName: String?) {
    guard let sdkName else { return }
    if findings.contains(.unwrappedExceptionLeak) {
      let advice = Catalogue.leakAdvice(sdk: sdkName, chain: stream.exception ?? stream.internalException)
      fixes.insert(advice.fix, at: 0)
      if let behaviour = advice.behaviour {
        evidence.append(Evidence(location: nil, time: nil, quote: nil,
                                 note: "\(behaviour.note) (source: \(behaviour.source))"))
      }
    } else if sdkName == "openai", surfacedAs?.contains("wrapped by the SDK") == true {
      fixes.insert("inspect-cause-openai", at: 0)
    }
  }

  private func at(_ observation: ObservedStream.Observation?, isTheLineOf record: ExceptionRecord) -> Bool {
    guard let observation, observation.location.line == record.location.line else { return false }
    return observation.quote?.hasSuffix(record.message) == true
  }

  mutating func citeException(_ chain: ExceptionChain, note: String, record: ExceptionRecord? = nil) {
    guard let final = chain.final else { return }
    // A client that prints its verdict as one line (curl) has no separate log record to cite.
    let sameLine = at(stream.exceptionAt, isTheLineOf: final)
    if let at = stream.exceptionAt, !stream.exceptionUncaught, !sameLine {
      cite(at, quote: at.quote, "the application logged the failure here; the traceback starts at line \(chain.start.line)")
    }
    let shown = record ?? final
    let line = shown.message.isEmpty ? shown.type : "\(shown.type): \(shown.message)"
    evidence.append(Evidence(location: place(shown.location), time: stream.exceptionAt?.time.map(TimeFormatting.iso),
                             quote: line, note: note))
    if shown.location != final.location {
      evidence.append(Evidence(location: place(final.location), time: nil,
                               quote: final.message.isEmpty ? final.type : "\(final.type): \(final.message)",
                               note: "the exception that reached the application"))
    }
  }

  var precision: Double {
    let times = [stream.exceptionAt?.time, stream.lastEvent?.time, stream.responseHead?.time].compactMap { $0 }
    return !times.isEmpty && times.allSatisfy({ $0 % 1_000_000 == 0 }) ? 1.0 : 0.01
  }

  private func statusCode(in message: String) -> Int? {
    guard let range = message.range(of: "Error code: ") else { return nil }
    return Int(message[range.upperBound...].prefix(3))
  }

  // MARK: - Result

  /// Seconds from the request (or response head) to the close, where both are timed.
  var duration: Double? {
    guard let start = stream.startTime ?? stream.responseHead?.time,
      let end = stream.bodyReadFailure?.time ?? (stream.exceptionUncaught ? nil : stream.exceptionAt?.time) ?? stream.lastEvent?.time,
      end >= start
    else { return nil }
    return (Double(end - start) / 1e3).rounded() / 1e3
  }

  func verdict(context: String?) -> StreamVerdict {
    StreamVerdict(
      id: stream.sequence, input: names[stream.input], context: context, requestID: stream.requestID,
      call: stream.call, attempt: stream.attempt, attemptsInCall: stream.attempt, url: stream.url,
      status: stream.status, startedAt: (stream.timeline?.start ?? stream.startTime).map(TimeFormatting.iso),
      endedAt: (stream.exceptionAt?.time ?? stream.retry?.time ?? stream.lastEvent?.time).map(TimeFormatting.iso),
      outcome: outcome, cause: outcome == .completed ? nil : (cause ?? .unknown), findings: findings,
      confidence: confidence, side: outcome == .completed ? nil : side, summary: summary, surfacedAs: surfacedAs,
      sdk: sdk, eventsReceived: stream.eventCount, contentEventsReceived: stream.contentCount,
      lastEvent: stream.lastEventKind?.rawValue, silenceBeforeEnd: silence.map { ($0 * 1000).rounded() / 1000 },
      duration: duration, inputTokens: stream.inputTokens, outputTokens: stream.outputTokens,
      billed: outcome == .failed && (stream.status == 200 || stream.eventCount > 0) && cause != .unknown,
      connState: stream.wireClose?.connState ?? stream.captureConnState, joinedStream: nil,
      evidence: evidence, fixes: fixes, wouldDecide: wouldDecide,
      candidates: outcome == .completed || (cause ?? .unknown) != .unknown ? [] : candidates,
      startIsRequestTime: stream.timeline?.start != nil || stream.requestSentAt != nil || stream.status != nil)
  }
}
