import Testing

@testable import DropscopeCore

/// Each rule of the diagnosis on a hand-built stream: it fires on the fact it needs, and not without it.
@Suite struct DiagnosisRuleTests {
  static let at = SourceLocation(input: 0, line: 1)

  /// A stream with a 200 head at `t0`, and `events` events a tenth of a second apart after it.
  static func stream(events: Int = 0, timed: Bool = true) -> StreamEvidence {
    let stream = StreamEvidence(sequence: 1, input: 0, context: 0, location: at, time: 1_000_000)
    stream.head.status = 200
    stream.head.at = .init(location: at, time: 1_000_000, quote: nil)
    for index in 0..<events {
      let time: Microseconds? = timed ? 1_000_000 + Microseconds(index + 1) * 100_000 : nil
      let event = StreamEvidence.Observation(location: SourceLocation(input: 0, line: index + 2), time: time, quote: nil)
      if stream.events.first == nil { stream.events.first = event }
      stream.events.last = event
      stream.events.count += 1
      stream.events.content += 1
      stream.events.lastKind = .contentBlockDelta
    }
    return stream
  }

  static func diagnosisCase(_ stream: StreamEvidence) -> DiagnosisCase {
    DiagnosisCase(stream: stream, inputNames: ["app.log"], inputDamaged: false, inputIsArchive: false, inputIsWire: false,
                  sdkVersions: [:])
  }

  /// A chain of one exception, logged at `time`.
  static func failing(_ stream: StreamEvidence, with type: String, _ message: String, at time: Microseconds?) {
    let location = SourceLocation(input: 0, line: 100)
    let record = ExceptionRecord(type: type, message: message, framePaths: [], location: location, link: .first)
    stream.client.exception = ExceptionChain(records: [record], start: location)
    stream.client.exceptionAt = .init(location: location, time: time, quote: nil)
  }

  @Test func everyFixIDHasItsFix() {
    for id in FixID.allCases { #expect(Catalogue.fixes[id] != nil, "\(id.rawValue) has no entry in the catalogue") }
  }

  @Test func theEndMarkerDecidesCompletedAndNothingElseDoes() {
    let stream = Self.stream(events: 3)
    #expect(EndMarkerRule().decide(Self.diagnosisCase(stream)) == nil)
    stream.events.endMarker = stream.events.last
    stream.events.endMarkerKind = .messageStop
    #expect(EndMarkerRule().decide(Self.diagnosisCase(stream))?.outcome == .completed)
  }

  @Test func aServerCloseLongAfterTheLastEventIsIdle() throws {
    let stream = Self.stream(events: 10)
    Self.failing(stream, with: "httpx.RemoteProtocolError", "peer closed connection without sending complete message body (incomplete chunked read)",
                 at: 1_000_000 + 1_000_000 + 45_000_000)
    let decision = try #require(ExceptionRule().decide(Self.diagnosisCase(stream)))
    #expect(decision.cause == .idleTimeout)
    #expect(decision.side == .server)
    #expect(decision.fixes.contains(.raiseProxyIdleLimit))
  }

  @Test func aServerCloseRightAfterAnEventIsADuringDeltaClose() throws {
    let stream = Self.stream(events: 10)
    Self.failing(stream, with: "httpx.RemoteProtocolError", "peer closed connection without sending complete message body (incomplete chunked read)",
                 at: 1_000_000 + 1_000_000 + 50_000)
    let decision = try #require(ExceptionRule().decide(Self.diagnosisCase(stream)))
    #expect(decision.cause == .serverCloseDuringDelta)
  }

  /// A close soon after `message_start`, before any delta: a cut mid-stream, and not said to have come while content
  /// was flowing, since none had.
  @Test func aServerCloseBeforeAnyContentIsNotSaidToInterruptContent() throws {
    let stream = Self.stream(events: 1)
    stream.events.content = 0
    stream.events.lastKind = .messageStart
    Self.failing(stream, with: "httpx.RemoteProtocolError", "peer closed connection without sending complete message body (incomplete chunked read)",
                 at: 1_000_000 + 100_000 + 1_000_000)
    let decision = try #require(ExceptionRule().decide(Self.diagnosisCase(stream)))
    #expect(decision.cause == .serverCloseDuringDelta)
    #expect(!decision.summary.contains("while content was flowing"), "\(decision.summary)")
    #expect(decision.summary.contains("before any content"), "\(decision.summary)")
    #expect(!decision.evidence.contains { $0.note.contains("content was flowing") })
  }

  @Test func anUntimedServerCloseIsUnknownWithBothCandidates() throws {
    let stream = Self.stream(events: 10, timed: false)
    Self.failing(stream, with: "httpx.RemoteProtocolError", "peer closed connection without sending complete message body (incomplete chunked read)",
                 at: nil)
    let decision = try #require(ExceptionRule().decide(Self.diagnosisCase(stream)))
    #expect(decision.cause == .unknown)
    #expect(decision.candidates == [.idleTimeout, .serverCloseDuringDelta])
    #expect(decision.wouldDecide != nil)
  }

  @Test func aCancelLineIsTheClientsOwnEndUnlessAnErrorCameFirst() {
    let stream = Self.stream(events: 4)
    #expect(ApplicationCancelRule().decide(Self.diagnosisCase(stream)) == nil)
    stream.application.cancelled = .init(location: Self.at, time: nil, quote: nil)
    #expect(ApplicationCancelRule().decide(Self.diagnosisCase(stream))?.cause == .clientError)
    Self.failing(stream, with: "httpx.ReadTimeout", "timed out", at: nil)
    #expect(ApplicationCancelRule().decide(Self.diagnosisCase(stream)) == nil)
  }

  @Test func anErrorStatusIsTheServersOrTheRequests() {
    let stream = Self.stream()
    stream.head.status = 529
    #expect(ErrorStatusRule().decide(Self.diagnosisCase(stream))?.cause == .serverError)
    stream.head.status = 400
    #expect(ErrorStatusRule().decide(Self.diagnosisCase(stream))?.cause == .clientError)
    stream.head.status = 200
    #expect(ErrorStatusRule().decide(Self.diagnosisCase(stream)) == nil)
  }

  @Test func anUncaughtTracebackTimedByItsEnvelopeIsMeasuredNotBounded() throws {
    let stream = Self.stream(events: 10)
    Self.failing(stream, with: "httpx.RemoteProtocolError", "peer closed connection without sending complete message body (incomplete chunked read)",
                 at: nil)
    stream.client.uncaught = true
    #expect(ExceptionRule().decide(Self.diagnosisCase(stream))?.cause == .unknown, "no time: the close is not timed")
    stream.client.exception?.printedAt = 1_000_000 + 1_000_000 + 45_000_000
    let decision = try #require(ExceptionRule().decide(Self.diagnosisCase(stream)))
    #expect(decision.cause == .idleTimeout, "the envelope's time for the traceback measures the silence before it")
    #expect(decision.silenceBasis == .measured)
  }

  @Test func theLastRuleAlwaysDecides() {
    #expect(NoFailureSeenRule().decide(Self.diagnosisCase(Self.stream())) != nil)
    #expect(Diagnoser.rules.last is NoFailureSeenRule)
  }
}
