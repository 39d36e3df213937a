/// Holds the attempts of a call until its last one has ended, then measures what they show together:
/// how long each attempt waited before it failed, and whether every attempt failed after the same wait.
///
/// One attempt's wait says little; the same wait on every attempt of a call is the mark of a limit on the
/// path (a proxy's idle limit, the client's own timeout), and lets an attempt whose own reason was not
/// logged take the reason of the final attempt.
final class CallTimeline {
  /// What the attempts of a call show about one of them.
  struct AttemptView {
    /// When this attempt's request went out: logged, or inferred as `wait` is; nil when not known.
    var start: Microseconds?
    /// Seconds from this attempt's request to its failure; nil when either end is not in the log.
    var wait: Double?
    /// Whether `wait` was inferred (from the previous attempt's retry line and backoff, or from the
    /// application's account of the whole call) rather than read from two logged times.
    var waitInferred = false
    /// Whether `start` is when the application began the call (from its account's duration), which its request
    /// followed after a wait nothing measures, rather than when the request went out.
    var startIsCallStart = false
    /// The wait every measured attempt of the call shares, when there are two or more and they agree
    /// within the log's timestamp precision.
    var sharedWait: Double?
    /// How many attempts' waits were measured to share it.
    var attemptsSharingWait = 0
    /// The uncertainty of the waits, in seconds: the log's timestamp precision.
    var precision = 0.001
    /// The final attempt's failure, for an earlier attempt whose own reason was not logged.
    var finalChain: ExceptionChain?
    /// Whether this attempt's wait is only a bound (counted from its call's start) that leaves room for `sharedWait`,
    /// rather than one of the waits measured to share it.
    var agreesOnlyAsBound = false
  }

  /// Attempts of calls whose last attempt has not ended yet, by call number.
  private var open: [Int: [StreamEvidence]] = [:]

  /// Takes a finished stream; returns the streams now ready for diagnosis, in the order they ended.
  func add(_ stream: StreamEvidence) -> [StreamEvidence] {
    if stream.end == .retried {
      open[stream.call, default: []].append(stream)
      return []
    }
    let attempts = (open.removeValue(forKey: stream.call) ?? []) + [stream]
    if attempts.count > 1 || stream.request.sentAt == nil { Self.measure(attempts) }
    return attempts
  }

  /// Ends every call still open (the input ended during a retry): their attempts are diagnosed as they are.
  func flush() -> [StreamEvidence] {
    let rest = open.keys.sorted().flatMap { open[$0] ?? [] }
    open.removeAll()
    return rest.sorted { $0.sequence < $1.sequence }
  }

  /// Sets each attempt's view of the call.
  static func measure(_ attempts: [StreamEvidence]) {
    guard let final = attempts.last else { return }
    // The application's account of the call counts from its start: the first attempt began then.
    var callStart: Microseconds?
    if let seconds = final.application.account?.seconds, let at = final.application.accountAt?.time {
      callStart = at - Microseconds(seconds * 1e6)
    }
    var views: [AttemptView] = []
    var ends: [(start: Microseconds, end: Microseconds)?] = []
    var times: [Microseconds] = []
    for (index, attempt) in attempts.enumerated() {
      var view = AttemptView()
      var start = attempt.request.sentAt
      if start == nil, index > 0, let retry = attempts[index - 1].client.retry?.time {
        start = retry + Microseconds((attempts[index - 1].client.retryDelay ?? 0) * 1e6)
        view.waitInferred = true
      } else if start == nil, index == 0, attempt.head.at == nil, let callStart {
        // Only where nothing times the attempt itself: a logged head is nearer its request than the call's start.
        start = callStart
        view.waitInferred = true
        view.startIsCallStart = true
      }
      view.start = start
      let end = attempt.client.retry?.time ?? attempt.head.readFailure?.time
        ?? (attempt.client.uncaught ? nil : attempt.client.exceptionAt?.time) ?? attempt.application.accountAt?.time
      if let start, let end, !attempt.responseBegan {
        ends.append((start, end))
        // The log's own times show its precision; an inferred start adds a backoff's decimals to one.
        times.append(end)
        if !view.waitInferred { times.append(start) }
      } else {
        ends.append(nil)
      }
      views.append(view)
    }
    let precision = times.contains { $0 % 1_000_000 != 0 } ? 0.001 : 1.0
    for (index, span) in ends.enumerated() {
      // A time cut to the second may be most of a second later than it reads: an end that seems to come before its
      // start by less than that is a wait too short to see.
      guard let span, Double(span.end - span.start) / 1e6 > -precision else { continue }
      views[index].wait = max(0, Double(span.end - span.start) / 1e6)
    }
    // A wait counted from the call's start is only a bound: the call may have waited for a connection, or beside other
    // calls in flight, before its request went out. With two or more waits measured between logged times, those
    // decide; a bound as long as theirs counts with them, a longer one leaves room for theirs.
    let measured = views.filter { !$0.startIsCallStart }.compactMap(\.wait)
    let bounded = measured.count >= 2
    var waits = bounded ? measured : views.compactMap(\.wait)
    var shared: Double?
    var tolerance = 0.0
    if waits.count >= 2, let low = waits.min(), let high = waits.max() {
      var mean = waits.reduce(0, +) / Double(waits.count)
      // Two truncated timestamps per wait: each wait is uncertain by the precision; beyond that, allow the
      // spread of an ordinary timer (a tenth of the wait).
      tolerance = 2 * precision + mean / 10
      if high - low <= tolerance {
        if bounded {
          waits += views.filter { $0.startIsCallStart }.compactMap(\.wait).filter { abs($0 - mean) <= tolerance }
          mean = waits.reduce(0, +) / Double(waits.count)
        }
        shared = mean
      }
    }
    let finalChain = final.client.exception ?? final.client.internalException
    for (index, attempt) in attempts.enumerated() {
      var view = views[index]
      view.precision = precision
      if let shared {
        view.sharedWait = shared
        view.attemptsSharingWait = waits.count
        if attempt !== final, let wait = view.wait {
          // A bound agrees when it leaves room for the shared wait; longer than the wait's tolerance, only as a bound.
          let isBound = bounded && view.startIsCallStart
          if !isBound || wait >= shared - tolerance {
            view.finalChain = finalChain
            view.agreesOnlyAsBound = isBound && wait > shared + tolerance
          }
        }
      }
      attempt.timeline = view
    }
  }
}
