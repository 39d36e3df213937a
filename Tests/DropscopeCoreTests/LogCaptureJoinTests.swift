import Testing

@testable import DropscopeCore

/// The join of a log's streams with a capture's: one request is one pair, made only where the evidence leaves one
/// candidate.
@Suite struct LogCaptureJoinTests {
  /// A verdict with what the join reads; the rest left empty.
  static func stream(
    _ id: Int, wire: Bool, at start: String, status: Int? = nil, events: Int = 0, completed: Bool = false,
    retried: Bool = false, url: String? = nil, mark: StreamVerdict.StartMark = .firstMention
  ) -> StreamVerdict {
    var v = StreamVerdict(
      id: id, input: wire ? "capture.pcap" : "app.log", context: nil, requestID: nil, call: id, attempt: 1,
      attemptsInCall: 1, url: url, status: status, startedAt: "2026-11-22T15:28:\(start)Z", endedAt: nil,
      outcome: completed ? .completed : .failed, cause: completed ? nil : .unknown,
      findings: retried ? [.retriedBySDK] : [], confidence: .low, side: nil, summary: "", surfacedAs: nil, sdk: nil,
      eventsReceived: events, contentEventsReceived: events, lastEvent: nil, silenceBeforeEnd: nil, duration: nil,
      inputTokens: nil, outputTokens: nil, billed: false, connState: nil, evidence: [], fixes: [], wouldDecide: nil)
    v.onWire = wire
    v.startMark = mark
    return v
  }

  static func pairs(_ streams: [StreamVerdict], precision: Microseconds) -> [String] {
    VerdictCollector.joinLogsAndCaptures(streams) { $0 == "app.log" ? precision : 0 }
      .map { "\(streams[$0.log].id)-\(streams[$0.capture].id)" }
  }

  /// A log to the second: a completed call, then a call whose first attempt the SDK retried (a 529 on the wire) and
  /// whose second completed. Times alone allow several pairs; what each view shows leaves one.
  @Test func secondPrecisionLogJoinsByWhatEachViewShows() {
    let streams = [
      Self.stream(1, wire: false, at: "52.000", events: 1, completed: true),
      Self.stream(2, wire: false, at: "52.000", retried: true),
      Self.stream(3, wire: false, at: "52.398", events: 1, completed: true, mark: .requestSent),
      Self.stream(4, wire: true, at: "50.376", status: 200, events: 50, completed: true, mark: .requestSent),
      Self.stream(5, wire: true, at: "52.084", status: 529, mark: .requestSent),
      Self.stream(6, wire: true, at: "52.484", status: 200, events: 70, completed: true, mark: .requestSent),
    ]
    #expect(Self.pairs(streams, precision: 1_000_000) == ["1-4", "2-5", "3-6"])
  }

  /// A request logged as it went out, to the second, cannot be a connection that began half a second or more
  /// before that second: the nearer-looking earlier connection is not a candidate.
  @Test func requestLineBoundsTheWireFromBelow() {
    let streams = [
      Self.stream(1, wire: false, at: "42.000", mark: .requestSent),
      Self.stream(2, wire: true, at: "41.063", events: 1),
      Self.stream(3, wire: true, at: "42.633", mark: .requestSent),
    ]
    #expect(Self.pairs(streams, precision: 1_000_000) == ["1-3"])
  }

  /// Two log streams that only one capture stream could be: neither is joined, rather than a guess.
  @Test func twoClaimsOnOneConnectionJoinNeither() {
    let streams = [
      Self.stream(1, wire: false, at: "42.000", mark: .requestSent),
      Self.stream(2, wire: false, at: "42.000", mark: .requestSent),
      Self.stream(3, wire: true, at: "42.300", mark: .requestSent),
    ]
    #expect(Self.pairs(streams, precision: 1_000_000).isEmpty)
  }

  /// A log to the millisecond places its request far more tightly than one to the second.
  @Test func millisecondLogsNeedTheirOwnPrecision() {
    let streams = [
      Self.stream(1, wire: false, at: "42.100", mark: .requestSent),
      Self.stream(2, wire: true, at: "41.900", mark: .requestSent),
    ]
    #expect(Self.pairs(streams, precision: 1_000).isEmpty)
    #expect(Self.pairs(streams, precision: 1_000_000) == ["1-2"])
  }

  /// The same URL on both sides beats a capture stream that names none, and a different URL is no candidate.
  @Test func aNamedURLIsTheBetterCandidate() {
    let url = "http://127.0.0.1:41899/v1/messages"
    let streams = [
      Self.stream(1, wire: false, at: "52.472", status: 200, events: 1, completed: true, url: url, mark: .responseHead),
      Self.stream(2, wire: true, at: "52.095", events: 1),
      Self.stream(3, wire: true, at: "52.471", status: 200, events: 70, completed: true, url: url, mark: .requestSent),
      Self.stream(4, wire: true, at: "52.400", status: 200, events: 70, completed: true, url: "http://other/v1/x"),
    ]
    #expect(Self.pairs(streams, precision: 1_000) == ["1-3"])
  }
}

extension LogCaptureJoinTests {
  /// One thread's calls, one after another, seen only by the application's "done" line and the next call's response
  /// head, two milliseconds apart: times allow each to be either connection; their order does not.
  @Test func aSequentialContextsCallsMeetTheWireInOrder() {
    var first = Self.stream(1, wire: false, at: "03.193", status: 200, events: 1, completed: true)
    first.endedAt = "2026-11-22T15:28:03.193Z"
    first.context = "MainThread"
    var second = Self.stream(2, wire: false, at: "03.195", status: 200, mark: .responseHead)
    second.context = "MainThread"
    let streams = [
      first, second,
      Self.stream(3, wire: true, at: "01.078", status: 200, events: 65, completed: true, mark: .requestSent),
      Self.stream(4, wire: true, at: "03.195", status: 200, events: 11, mark: .requestSent),
    ]
    #expect(Self.pairs(streams, precision: 1_000) == ["1-3", "2-4"])
    // Calls that overlap in one context (tasks of an event loop) say nothing about order.
    var overlapping = streams
    overlapping[0].endedAt = "2026-11-22T15:28:04.000Z"
    #expect(Self.pairs(overlapping, precision: 1_000).isEmpty)
  }
}

extension LogCaptureJoinTests {
  /// A log's precision is measured from its own stamps, the coarsest of them: a second when any line is to the
  /// second, a millisecond when all carry three decimals; an envelope's clock counts too.
  @Test func aLogsPrecisionIsItsCoarsestStamp() throws {
    let seconds = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,123 INFO app: starting
      2026-11-22 10:00:01 INFO app: a line to the second
      """)
    #expect(seconds.inputs.first?.timePrecision == 1_000_000)
    let millis = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,123 INFO app: starting
      2026-11-22 10:00:01.456 INFO app: still to the millisecond
      """)
    #expect(millis.inputs.first?.timePrecision == 1_000)
    #expect(TimestampParser.precision(fractionDigits: 0) == 1_000_000)
    #expect(TimestampParser.precision(fractionDigits: 9) == 1, "past six places, a microsecond")
  }

  /// A joined request's end is not before its start: a log's end to the second may read before the capture's start
  /// of the same moment.
  @Test func aJoinedRequestDoesNotEndBeforeItBegins() {
    var log = Self.stream(1, wire: false, at: "52.000", retried: true)
    log.endedAt = "2026-11-22T15:28:52.000Z"
    let capture = Self.stream(2, wire: true, at: "52.084", status: 529, mark: .requestSent)
    let joined = StreamVerdict.joined(log: log, capture: capture)
    #expect(joined.startedAt == "2026-11-22T15:28:52.084Z")
    #expect(joined.endedAt == "2026-11-22T15:28:52.084Z")
  }
}
