/// The words of a verdict: its summary sentences, the notes on its evidence, how the failure surfaced, and what
/// would decide an open question. Rules choose an entry and give it its values; no rule writes prose, and a
/// change of wording never touches a decision.
extension Catalogue {
  /// How the side that ended a connection or stream ended it.
  enum CloseManner {
    case fin, rst, tlsCloseNotify, http2StreamReset, http2GoAway

    /// The verb phrase a summary uses: "the server side closed the connection (FIN)".
    var phrase: String {
      switch self {
      case .fin: return "closed the connection (FIN)"
      case .rst: return "reset the connection (RST)"
      case .tlsCloseNotify: return "closed the TLS session (close_notify)"
      case .http2StreamReset: return "reset the HTTP/2 stream (RST_STREAM)"
      case .http2GoAway: return "ended the HTTP/2 connection under the stream (GOAWAY)"
      }
    }
  }

  /// The nouns for what a stream received: events a log or plain capture names, or records seen over TLS.
  struct ContentNouns {
    /// "content deltas", or "encrypted records" over TLS without keys.
    var content: String
    /// "deltas", or "encrypted records".
    var deltas: String

    static let events = ContentNouns(content: "content deltas", deltas: "deltas")
    static let encryptedRecords = ContentNouns(content: "encrypted records", deltas: "encrypted records")
  }

  private static func s(_ seconds: Double) -> String { TimeFormatting.seconds(seconds) }
  private static func plural(_ count: Int) -> String { count == 1 ? "" : "s" }

  /// The summary sentences of verdicts.
  enum Summary {
    static func completed(marker: String) -> String { "The stream completed: `\(marker)` arrived." }
    static func exceptionAfterCompletion(type: String) -> String {
      " An exception was logged afterwards (`\(type)`), not during the stream."
    }
    static func inBandFailure(kind: String, contentEvents: Int) -> String {
      "The API reported the failure inside the stream (\(kind)) after \(contentEvents) content deltas."
    }
    /// How an in-band failure is named: by the API's own error type when the stream said it.
    static func inBandKind(text: String?) -> String {
      text.map { $0.contains("overloaded_error") ? "`event: error` (overloaded_error)" : "an `error` event" }
        ?? "`response.failed`"
    }
    static func applicationCancelled(contentEvents: Int) -> String {
      "The application ended the stream itself\(contentEvents > 0 ? " after \(contentEvents) content deltas" : ""): it cancelled or abandoned the response; the network and the API did not."
    }
    static func takesFinalReason(wait: Double) -> String {
      "The log does not say why this attempt failed; it failed after the same wait as the call's final attempt (about \(s(wait))), so it takes that attempt's reason. "
    }
    static func takesFinalReasonWithinBound(wait: Double, bound: Double) -> String {
      "The log does not say why this attempt failed, nor when its request went out: it failed within \(s(bound)) of its call's start, which leaves room for the wait its call's other attempts each failed after (about \(s(wait))), so it takes the final attempt's reason, with less certainty. "
    }
    static func overTLSWithoutKeys(serverName: String?) -> String {
      "Over TLS, seen without keys\(serverName.map { " (\($0))" } ?? ""): "
    }
    static let captureMissedAfterLastEvent =
      " The capture missed bytes after the last event it shows: the end-of-message event may be among them."
    static let billed =
      " The API had accepted this request, so its input tokens were billed; sending it again bills them again."
    static let bodyFramedEventsUnrecorded =
      "The response body ended by its framing, as far as the client could tell, and no error was reported; the events were not recorded, so whether `message_stop` arrived is not known."
    static func cleanTruncationByFraming(events: Int, lastEvent: String) -> String {
      "The response body ended by its framing (the terminating chunk arrived) without the end-of-message event, after \(events) events (the last `\(lastEvent)`): something on the server's side of the path ended the response early."
    }
    /// " 3 s after" or " after": when the client's close came relative to the server's last record.
    private static func gap(_ silence: Double?) -> String { silence.map { " \(s($0)) after" } ?? " after" }
    static func tlsClientReadTimeout(how: String, silence: Double?, limit: KnownLimit) -> String {
      "The client closed the connection (\(how))\(gap(silence)) the server's last encrypted record, which matches the \(TimeFormatting.limit(limit.seconds)) \(limit.components): its read timeout."
    }
    static func tlsClientCloseUndecided(how: String, silence: Double?) -> String {
      "The client closed the connection (\(how))\(gap(silence)) the server's last encrypted record: either the client's read timeout or cancellation ended an unfinished response, or the response was complete and its idle connection was closed later. Without keys the two look alike."
    }
    private static func configured(_ timeout: Double?) -> String {
      timeout.map { " (the request said its timeout was \(TimeFormatting.limit($0)))" } ?? ""
    }
    static func clientTimeoutBeforeHead(silence: Double, how: String, configuredTimeout: Double?) -> String {
      "The client sent its request, received nothing for \(s(silence)), then closed the connection (\(how)) before any response head: its own read timeout\(configured(configuredTimeout)). The server did not close it."
    }
    static func clientTimeoutMidStream(silence: Double, how: String, configuredTimeout: Double?) -> String {
      "No bytes from the server for \(s(silence)), then the client closed the connection (\(how)): its own read timeout\(configured(configuredTimeout)). The server did not close it."
    }
    static func clientCancelledOnWire(how: String, reset: Bool, silence: Double?) -> String {
      "The client closed the connection (\(how)\(reset ? ": it still had unread data" : "")) while the server was sending\(silence.map { ", \(s($0)) after the last server byte" } ?? ""): the application cancelled the stream."
    }
    static func archiveWithoutEnd(events: Int) -> String {
      "The HTTP archive holds this response\(events > 0 ? " with \(events) events" : "'s head but no body") and no error: its exporter did not record how the stream ended (a proxy that buffers bodies, such as mitmproxy, records a cut event stream so)."
    }
    static func captureEndedOpen(events: Int?) -> String {
      "The capture ends while this connection was still open\(events.map { ", after \($0) events" } ?? ""): how the stream ended is not in it."
    }
    static func retried(after delay: Double?) -> String {
      " The SDK retried it\(delay.map { " after \(s($0))" } ?? "")."
    }
    static func serverErrorStatus(_ status: Int, retried: String) -> String {
      "The API answered HTTP \(status == 529 ? "529 (overloaded)" : "\(status)") before any stream began.\(retried)"
    }
    static func rateLimited(retried: String) -> String {
      "The API refused the request with HTTP 429 (rate limit) before any stream began.\(retried)"
    }
    static func requestRejected(_ status: Int, retried: String) -> String {
      "The API rejected the request with HTTP \(status) before any stream began: the request itself was refused.\(retried)"
    }
    static func errorStatusText(_ message: String) -> String { "The API answered with an error status: \(message)" }
    static func clientReadTimeout(
      midStream: Bool, silence: Double?, sharedWait: (attempts: Int, seconds: Double)?, configuredTimeout: Double?,
      matching limit: KnownLimit?
    ) -> String {
      var text = midStream
        ? "The client's own read timeout fired in the middle of the stream"
        : "The client's timeout fired before the response headers arrived"
      if let silence {
        text += ": no bytes for \(s(silence)) before it"
      } else if let sharedWait {
        text += ": each of \(sharedWait.attempts) attempts waited about \(s(sharedWait.seconds)) for the response head"
      }
      if let configuredTimeout {
        text += " (the request said its timeout was \(TimeFormatting.limit(configuredTimeout)), in `x-stainless-timeout`)"
      } else if let limit {
        text += ", which matches the \(TimeFormatting.limit(limit.seconds)) \(limit.components)"
      }
      return text + ". The server did not close the connection; the client gave up."
    }
    static func connectFailure(type: String) -> String {
      "No connection could be made to the API (\(type)): a local network, DNS, proxy or TLS failure."
    }
    static func poolExhausted(type: String) -> String {
      "The client's connection pool had no free connection (\(type)): streams were left open or too many ran at once."
    }
    static func closedBeforeResponseUndecided(type: String, message: String) -> String {
      "The connection closed before any response arrived (\(type): \(message)). A stale pooled connection, a proxy refusing the request and a crashed server all look like this in a client log."
    }
    static func inBandErrorEvent(errorType: String, contentEvents: Int, raisedAs type: String) -> String {
      "The API accepted the stream (HTTP 200) and then sent an `event: error` (\(errorType)) inside it\(contentEvents > 0 ? " after \(contentEvents) content deltas" : ""). The SDK raised it as a bare `\(type)` and did not retry."
    }
    static func applicationDeadline(contentEvents: Int) -> String {
      "The application's own deadline (an asyncio timeout) cancelled the stream\(contentEvents > 0 ? " after \(contentEvents) content deltas" : "")."
    }
    static func applicationCancelledBy(type: String) -> String { "The application cancelled the stream (`\(type)`)." }
    static func serverDisconnectedUndecided(type: String, message: String) -> String {
      "The server side closed the connection (\(type.isEmpty ? "reported" : type): \(message)), and the log does not show whether a response had begun."
    }
    static func endedWithoutEndMarker(message: String) -> String {
      "The client saw the body end before `message_stop` (\(message.prefix(90))): the response was cut short without a transport error."
    }
    static func overloaded(midStream: Bool) -> String {
      "The API reported that it was overloaded (`overloaded_error`)\(midStream ? ", inside the stream" : ""); this is the API's capacity, not the network."
    }
    static func proxyUpstreamFailure(message: String) -> String {
      "A proxy in front of the API could not reach, or lost, its upstream: \(message.prefix(160))"
    }
    static func idleBeforeHeadOnWire(silence: Double, how: CloseManner, matching limit: KnownLimit?) -> String {
      "The request got no response for \(s(silence)), then the server side \(how.phrase) without sending a response head: an idle limit on the path gave up on it\(limit.map { " (it matches a \(TimeFormatting.limit($0.seconds)) idle limit: \($0.components))" } ?? "")."
    }
    static func closedBeforeHeadUndecided(how: CloseManner, silence: Double?) -> String {
      "The server side \(how.phrase) \(silence.map { "\(s($0)) after the request, " } ?? "")before any response head: a refused request, a stale connection or a crashed upstream all look like this."
    }
    static func closedWhileFlowingByAccount(how: CloseManner, account: ApplicationAccount) -> String {
      "The server side \(how.phrase) while content was flowing: the application counted \(account.contentEvents ?? 0) content deltas in \(s(account.seconds ?? 0)), as fast as a response is generated, so the line was not idle before the close."
    }
    static func idleByAccount(account: ApplicationAccount, reading: Double, silence: Double, how: CloseManner) -> String {
      let span = reading < (account.seconds ?? 0)
        ? "the \(s(reading)) after the response's head (its call took \(s(account.seconds ?? 0)))" : s(reading)
      return "The application counted \(account.contentEvents ?? 0) content deltas in \(span); generated content takes far less (\(s(Double(account.contentEvents ?? 0) * StreamPace.ordinary.secondsPerEvent)) at ten deltas a second), so the line was idle for at least \(s(silence)). Then the server side \(how.phrase)"
    }
    /// The account's duration counts from the call's start, and other calls were in flight in its context.
    static let idleByAccountAmongCalls =
      " This assumes the request went out when the call began: other calls were in flight in the same context, and a call that waited its turn before its request (a pool, a thread, a limiter) would show the same duration with no silence at all."
    static func idleMeasured(silence: Double, how: CloseManner) -> String {
      "No bytes for \(s(silence)), then the server side \(how.phrase)"
    }
    static func idleMatchesLimit(_ limit: KnownLimit) -> String {
      ": that matches a \(TimeFormatting.limit(limit.seconds)) idle limit (\(limit.components))."
    }
    static func idleMatchesNoLimit(silence: Double) -> String {
      ". No known default idle limit matches \(s(silence)); a proxy with a custom limit is the likely closer."
    }
    static let idleOnServerSide =
      " Something on the server's side of the path gave up on an idle connection; the API itself sends pings during long pauses."
    static func closedWhileFlowing(how: CloseManner, contentEvents: Int, nouns: ContentNouns, gap: String) -> String {
      "The server side \(how.phrase) while content was flowing: \(contentEvents) \(nouns.deltas) received, the last \(gap)."
    }
    static func closedBeforeContent(how: CloseManner, nouns: ContentNouns, gap: String) -> String {
      "The server side \(how.phrase) after the stream began and before any content: no \(nouns.deltas) received, its last event \(gap), too soon for an idle limit."
    }
    /// When the last delta came before a close: to the second, at most, or measured.
    static func lastDeltaGap(silence: Double, secondPrecision: Bool, upperBound: Bool) -> String {
      secondPrecision && silence < 1
        ? "within the same second as the close (the log's timestamps are to the second)"
        : upperBound ? "at most \(s(silence)) before the close" : "\(s(silence)) before the close"
    }
    static func midStreamCloseUntimed(how: CloseManner, contentEvents: Int, nouns: ContentNouns, why: String) -> String {
      "The server side \(how.phrase) in the middle of the stream, after \(contentEvents) \(nouns.content). \(why), so whether the line had gone idle (an idle limit) or content was still flowing (a close during deltas) is not shown."
    }
    /// Why a mid-stream close could not be timed.
    static func whyUntimed(uncaught: Bool, trace: Bool) -> String {
      uncaught ? "The uncaught traceback has no timestamp"
        : trace ? "The trace has no timestamps (curl's `--trace-time` adds them)" : "The log does not time the events"
    }
    static func midBodyCloseEventsUnrecorded(how: CloseManner, afterHead: Bool, trace: Bool) -> String {
      "The server side \(how.phrase) in the middle of the response body\(afterHead ? " (after HTTP 200)" : ""). The \(trace ? "trace" : "log") does not record the events that arrived, so whether content was flowing or the line was idle is not shown."
    }
    static func sameWaitEveryAttempt(attempts: Int, wait: Double, type: String, message: String, matching limit: KnownLimit?) -> String {
      let text = "Each of the call's \(attempts) attempts waited about \(s(wait)) without a response head, then the server side closed the connection (`\(type)`: \(message)). The same wait every time is a limit, not chance: an idle limit of about \(s(wait)) on the path"
      guard let limit else {
        return text + " (a proxy or load balancer with a custom limit, or an upstream that never answers)."
      }
      return text + ", which matches a \(TimeFormatting.limit(limit.seconds)) idle limit (\(limit.components))."
    }
    static func unknownTransportError(type: String) -> String {
      "The stream failed with a transport error dropscope does not know: `\(type)`."
    }
    static func applicationRaised(type: String, contentEvents: Int) -> String {
      "The application's own code raised `\(type)` while the stream was being read\(contentEvents > 0 ? ", after \(contentEvents) content deltas" : ""); the stream was abandoned, not dropped by the network."
    }
    static func inputCut(events: Int) -> String {
      "The input was cut (a damaged or truncated file) while this stream was open\(events > 0 ? ", after \(events) events" : ""); how it ended is in the missing part."
    }
    static func endedWithoutMarkerNoError(events: Int, lastEvent: String) -> String {
      "\(events) events arrived (last `\(lastEvent)`), then the stream ended without its end-of-message marker and without an error. With the Python SDKs that means the body ended cleanly: something on the server's side of the path ended the response early."
    }
    static func logEndsOpen(events: Int, lastEvent: String) -> String {
      "The log ends while this stream was open: \(events) events were logged, the last `\(lastEvent)`, and nothing after it says how the stream ended."
    }
    static let noFailureLogged =
      "No failure was logged for this stream. The log does not record its events, so it cannot show the end-of-message marker either."
    static let retriedWithoutReason = "This attempt failed before a response and the SDK retried; the log does not say why."
    static let startNotCaptured =
      " The capture began while this response was under way: its request and response head are not in it, so its request id, status and the events before the capture are not known."
    static let requestWithoutAnswer = "A request was sent, but the log shows neither a response nor an error for it."
    /// The sentence a joined request's verdict ends with: which view decided it, and the capture's own stream number.
    static func joinedViews(decidedByCapture: Bool, captureStream: Int) -> String {
      decidedByCapture
        ? " Decided from the capture (its stream \(captureStream)); the application's log shows the same request."
        : " Decided from the application's log; the capture (its stream \(captureStream)) shows the same request."
    }
  }

  /// What a piece of evidence shows, in plain words.
  enum Note {
    static func retryCountHeader(_ count: Int) -> String {
      "the request carried `x-stainless-retry-count: \(count)`: the SDK had tried it \(count) time\(plural(count)) before"
    }
    static func responseHead(status: Int) -> String {
      status == 200
        ? "response headers arrived (HTTP 200): the request was accepted and the stream began; this line says nothing about how it ended"
        : "the API answered HTTP \(status) before any stream began"
    }
    /// The events a log wrote down, or those (or, over TLS, the encrypted records) that came over the wire.
    static func events(count: Int, contentEvents: Int, encrypted: Bool, onWire: Bool, span: Double?, lastEvent: String, openBlock: Bool) -> String {
      var note = encrypted
        ? "\(count) encrypted records received"
        : "\(count) events \(onWire ? "received" : "logged") (\(contentEvents) content deltas)"
      if let span { note += " over \(s(span))" }
      note += "; the last was `\(lastEvent)`"
      if openBlock { note += ", with a content block still open" }
      return note
    }
    static let inBandFailure = "the API's in-band failure"
    static let startNotCaptured =
      "start not captured: the capture's first bytes of this connection are in the middle of a response body; the server's side was told by its bytes (an event stream), not by a handshake"
    static let applicationCancelled = "the application says it ended the stream here"
    static func account(_ account: ApplicationAccount) -> String {
      "the application's own account of the stream: \(account.contentEvents.map { "\($0) deltas" } ?? "its end") in \(s(account.seconds ?? 0))"
    }
    static let serverTLSAlert =
      "the server sent a TLS alert before closing: an orderly TLS close (close_notify) by the server side"
    static func predictedLeak(sdk: String, version: String) -> String {
      "predicted (medium confidence): the request names \(sdk) \(version) in its headers, and that release lets a transport error raised while the stream is read escape raw; a capture shows the fault, not what the application caught"
    }
    static func captureLoss(bytes: Int) -> String {
      "the capture did not keep \(bytes) bytes of this response (snap length or loss), the last of them here; events were counted by the names that were kept"
    }
    static func connectionState(_ state: String, lostBytes: Int) -> String {
      "connection state \(state) (Zeek conn_state)\(lostBytes > 0 ? "; the capture missed \(lostBytes) bytes (snap length or loss): counted as capture loss, not as a cut" : "")"
    }
    static let clientSawBodyEnd = "the client saw the body end without an error"
    static let terminatingChunk = "the terminating chunk `0\\r\\n\\r\\n`: the body ended cleanly"
    static func firstClose(how: String, byServer: Bool) -> String {
      "the connection's first \(how): \(byServer ? "the server side" : "the client") closed it"
    }
    static let archiveRecord = "the archive's record of this request"
    static let captureLastPacket = "the capture's last packet of this connection"
    static let retryScheduled = "the SDK scheduled a retry: this attempt failed, the call went on"
    static func retryPairedByTime(line: String) -> String {
      "the SDK's retry line at \(line) names no call, and other calls were in flight: it was given to the call that failed first with its retries spent and whose time holds it; which call it was is not certain"
    }
    static func pairedByTime(line: String, among: Int) -> String {
      "the application's line at \(line) names no response: its duration allowed \(among) responses in flight, and it was given the earliest no earlier line took; which response was its call's is not certain"
    }
    static let statusErrorReceived = "the application received the status error"
    static let transportTraceFailure = "httpcore's trace: the response body read failed here, as the transport saw it"
    static let uncaughtTraceback =
      "the traceback was printed uncaught, with no timestamp of its own; the time shown is that of the last timestamped line before it"
    static let uncaughtTracebackTimedByEnvelope =
      "the traceback was printed uncaught; the log's envelope (the container runtime or journald) gave its lines their time"
    static func printedBefore(_ bound: String, atMost: Double) -> String {
      "the traceback was printed before the next timestamped line (\(bound)), so the close came at most \(s(atMost)) after the last event"
    }
    static let retriedBeforeResponse = "the SDK retried after this attempt failed before the response"
    static func pace(secondsPerEvent: Double, silence: Double) -> String {
      "the stream's events came every \(s(secondsPerEvent)) on average; the silence before the close lasted \(Int((silence / secondsPerEvent).rounded())) times that"
    }
    static func silenceMatchesLimit(silence: Double, limit: KnownLimit) -> String {
      "silence of \(s(silence)) before the close matches the known limit: \(TimeFormatting.limit(limit.seconds)) \(limit.kind.rawValue), \(limit.components) (source: \(limit.source))"
    }
    static func contentFlowing(contentEvents: Int, gap: String) -> String {
      "\(contentEvents) deltas received, the last \(gap): content was flowing"
    }
    static func cutBeforeContent(gap: String) -> String {
      "the stream had begun, its last event \(gap), and no content had arrived: it was cut before its first delta"
    }
    static func attemptWait(_ wait: Double?, inferred: Bool, shared: Double) -> String {
      "this attempt waited \(wait.map { s($0) } ?? "?")\(inferred ? " (from the retry lines and the backoff the SDK logged)" : ""); the call's attempts waited about \(s(shared)) each"
    }
    static func durationMatchesCap(duration: Double, cap: KnownLimit) -> String {
      "the stream lasted \(s(duration)), which matches a \(TimeFormatting.limit(cap.seconds)) total-duration cap (\(cap.components))"
    }
    static let exceptionSeen = "the exception the application saw"
    static let wentOnWithoutEnd = "the application went on from here with no exception and no end-of-message event"
    static func sdkBehaviour(_ behaviour: SDKBehaviour) -> String { "\(behaviour.note) (source: \(behaviour.source))" }
    static func applicationLoggedFailure(tracebackStart line: Int) -> String {
      "the application logged the failure here; the traceback starts at line \(line)"
    }
    static let exceptionReachedApplication = "the exception that reached the application"
  }

  /// How the failure reached the application.
  enum Surface {
    static func raw(_ transportClass: String, handler: String) -> String {
      "raw `\(transportClass)`: the SDK did not wrap it in its own `APIConnectionError`/`APITimeoutError`, so \(handler) and the SDK's retries never saw it"
    }
    /// The handler that a raw error slips past: JavaScript's `instanceof` check, or Python's `except`.
    static func handler(javaScript: Bool, sdk: String) -> String {
      javaScript ? "`instanceof APIError` checks" : "`except \(sdk).APIError`"
    }
    static func wrapped(_ type: String, cause: String) -> String { "`\(type)` (wrapped by the SDK; the cause is `\(cause)`)" }
    static func withCause(_ final: ExceptionRecord, deciding: ExceptionRecord) -> String {
      "`\(final.type)`\(final.message.isEmpty ? "" : ": \(final.message.prefix(60))") (cause: `\(deciding.type)`\(deciding.message.isEmpty ? "" : ": \(deciding.message.prefix(80))"))"
    }
    static func plain(_ type: String) -> String { "`\(type)`" }
    static func statusError(_ type: String) -> String { "`\(type)` (the SDK's own status error)" }
    static let uncaught = ", uncaught: the thread died with it"
    static func cutTraceback(_ lastType: String) -> String {
      "not known: the input is cut inside the traceback, after `\(lastType)`; the rest of the chain, with the exception that reached the application, is in the missing part"
    }
  }

  /// Which evidence would decide an open question.
  enum Decider {
    static let tlsKeyLog =
      "A TLS key log (SSLKEYLOGFILE) for this capture would show the SSE events, the end-of-message marker and the HTTP status."
    static let fullPackets = "A capture with the full packets (tcpdump -s 0) would show whether the stream ended."
    static let traceWithBody =
      "A trace with the body (`curl --trace-ascii FILE`) would show the events and the end-of-message marker."
    static let captureOrClientLog =
      "A packet capture or the client's log of the same request would show who closed the connection and how."
    static let longerCapture = "A capture that runs until the connection closes would show who closed it and how."
    static let captureOrProxyLog = "A capture or the proxy's log for this time shows who closed the connection and why."
    static let statusLineOrCapture =
      "The HTTP status line for this request (httpx's INFO line), or a capture, would show whether the stream had started."
    static let terminatingChunk =
      "A capture would show whether the terminating chunk arrived; the proxy's limits on response duration would show which hop cut it."
    static let proxyIdleLimit = "The proxy or load balancer configuration (its idle timeout) would name the hop."
    static let proxyOrServerLog = "The proxy's or the server's log for this time would say why it closed the connection."
    static let eventTimes = "Timestamps on each event, or a capture, would measure the last gap before the close."
    static let headTimeOrEventTimes =
      "The HTTP library's line for the response (httpx's `HTTP Request: …` at INFO) would time the head, and timestamps on each event the last gap before the close."
    static let proxyConfigOrCloser =
      "The proxy or load balancer configuration (its idle timeout), or a capture showing which hop sent the FIN/RST."
    static let proxyConfigOrFIN =
      "The proxy or load balancer configuration (its idle timeout), or a capture showing which hop sent the FIN."
    static let timingOfDeltas =
      "Timestamps on each event and on the failure, the application's own count of deltas with its duration, or a capture, would show whether content was still flowing when the connection closed."
    static let timedTraceWithBody =
      "A trace with the body and times (`curl --trace-ascii FILE --trace-time`), or a capture, would separate a close during deltas from an idle timeout."
    static let eventLogging =
      "Logging each SSE event with a timestamp, or a capture, would separate a close during deltas from an idle timeout."
    static let captureOfConnection = "A capture of the connection would show how it ended."
    static let intactCopy = "The rest of this log (an intact copy of the file) would show how the stream ended."
    static let laterLines = "Later log lines (the next rotated file) or a capture would show how it ended."
    static let callOnTheHTTPLine =
      "Something naming the call on the HTTP library's line (a request id or task name in the log format, or the application logging the request id it got) or a capture would tie the application's account to its own response."
    static let sdkDebugLogging =
      "Debug logging of the SDK (ANTHROPIC_LOG=debug) or a capture would show what happened to the request."
  }
}
