import Testing

@testable import DropscopeCore

/// Calls interleaved in one context (an asyncio service: the HTTP library's lines carry no task): a response
/// waits for the application's word on how it ended, and an account with a duration finds its own call.
@Suite struct InFlightResponsesTests {
  static let fin = """
    Traceback (most recent call last):
      File "/srv/app/worker.py", line 40, in run
        async for event in stream:
    httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
    """

  @Test func aFailureFollowsTheCallItsDurationNames() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,050 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:01,000 [INFO] jobs - job b: started
      2026-11-22 10:00:01,060 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:01,560 [ERROR] jobs - job b: failed after 0.50s (11 deltas received)
      \(Self.fin)
      2026-11-22 10:00:03,000 [INFO] jobs - job a: done stop_reason=end_turn output_tokens=18 in 3.00s
      """)
    #expect(report.streams.count == 2, "two calls, each once")
    let failed = try #require(report.streams.first { $0.outcome == .failed })
    #expect(failed.startedAt == "2026-11-22T10:00:01.060Z", "the failure is the second call's, whose head came 0.5 s before it")
    #expect(failed.cause == .serverCloseDuringDelta)
    #expect(report.streams.contains { $0.outcome == .completed && $0.startedAt == "2026-11-22T10:00:00.050Z" })
  }

  /// A finished call's duration counts from the call's start: a head before that start is another call's, and the
  /// call's own head is the first after it, however long the API took to send its first byte.
  @Test func aFinishedCallsDurationNamesTheFirstHeadAfterItsStart() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,300 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,350 [INFO] jobs - job b: started
      2026-11-22 10:00:00,900 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:02,350 [INFO] jobs - job b: done stop_reason=end_turn output_tokens=18 in 2.00s
      2026-11-22 10:00:06,000 [ERROR] jobs - job a: failed after 6.00s (11 deltas received)
      \(Self.fin)
      """)
    #expect(report.streams.count == 2, "two calls, each once")
    let completed = try #require(report.streams.first { $0.outcome == .completed })
    #expect(completed.startedAt == "2026-11-22T10:00:00.900Z",
            "job b began at 0.35 s: the head at 0.30 s is not its own, though nearer that start than 0.90 s")
    #expect(report.streams.contains { $0.outcome == .failed && $0.startedAt == "2026-11-22T10:00:00.300Z" })
  }

  @Test func aResponseWithItsOwnStoryNeverWaits() {
    let stream = StreamEvidence(sequence: 1, input: 0, context: 0, location: SourceLocation(input: 0, line: 1), time: 0)
    stream.head.status = 200
    #expect(InFlightResponses.canWait(stream))
    stream.events.count = 3
    #expect(!InFlightResponses.canWait(stream), "events already tell how far it got")
    let refused = StreamEvidence(sequence: 2, input: 0, context: 0, location: SourceLocation(input: 0, line: 2), time: 0)
    refused.head.status = 529
    #expect(!InFlightResponses.canWait(refused), "an error status is an ended attempt")
  }

  @Test func waitingIsBoundedPerContext() {
    var inFlight = InFlightResponses()
    var overflow: [StreamEvidence] = []
    for index in 0...InFlightResponses.mostPerContext {
      let stream = StreamEvidence(sequence: index, input: 0, context: 1, location: SourceLocation(input: 0, line: index), time: 0)
      if let out = inFlight.park(stream, context: 1) { overflow.append(out) }
    }
    #expect(overflow.map(\.sequence) == [0], "the one that waited longest is ended first")
  }
}
