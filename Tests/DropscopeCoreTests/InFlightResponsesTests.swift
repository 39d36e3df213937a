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
    #expect(!failed.evidence.contains { $0.note.contains("names no response") }, "one head in its interval: no doubt to declare")
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

  /// Heads 80 ms apart, both after the start each duration implies: no head is clearly first for either account.
  /// Each account, in the order the calls ended, takes the earliest head after its start that no earlier account
  /// took; the cancel's duration in parentheses counts like any other.
  @Test func accountsTakeTheEarliestHeadAfterTheirStartInTheOrderTheyEnd() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,400 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,450 [INFO] jobs - job b: started
      2026-11-22 10:00:00,480 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,580 [WARNING] jobs - job a: cancelled by caller after 5 deltas (0.58s)
      2026-11-22 10:00:01,800 [INFO] jobs - job b: done stop_reason=end_turn output_tokens=18 in 1.35s
      """)
    #expect(report.streams.count == 2, "two calls, each once")
    let cancelled = try #require(report.streams.first { $0.outcome == .failed })
    #expect(cancelled.cause == .clientError)
    #expect(cancelled.startedAt == "2026-11-22T10:00:00.400Z", "job a's call began at 0.00 s: the first head after it")
    #expect(report.streams.contains { $0.outcome == .completed && $0.startedAt == "2026-11-22T10:00:00.480Z" })
  }

  /// A verdict that rests on an account paired among several heads by time alone is no surer than that pairing: low,
  /// with the doubt declared; with one head in the account's interval, the account is the response's own.
  @Test func aVerdictPairedAmongSeveralHeadsIsLowConfidence() throws {
    let paired = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,400 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,450 [INFO] jobs - job b: started
      2026-11-22 10:00:00,480 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,980 [ERROR] jobs - job a: failed after 0.98s (11 deltas received)
      \(Self.fin)
      2026-11-22 10:00:01,800 [INFO] jobs - job b: done stop_reason=end_turn output_tokens=18 in 1.35s
      """)
    let guessed = try #require(paired.streams.first { $0.outcome == .failed })
    #expect(guessed.cause == .serverCloseDuringDelta)
    #expect(guessed.confidence == .low, "two heads in job a's interval: which one was its call's is a choice")
    #expect(guessed.evidence.contains { $0.note.contains("names no response") })
    #expect(guessed.wouldDecide?.hasPrefix(Catalogue.Decider.callOnTheHTTPLine) == true, "and says what would decide")

    let single = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,400 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:02,000 [INFO] jobs - job b: started
      2026-11-22 10:00:02,080 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:02,500 [ERROR] jobs - job a: failed after 2.50s (11 deltas received)
      \(Self.fin)
      2026-11-22 10:00:03,000 [INFO] jobs - job b: done stop_reason=end_turn output_tokens=18 in 1.00s
      """)
    let own = try #require(single.streams.first { $0.outcome == .failed })
    #expect(own.startedAt == "2026-11-22T10:00:00.400Z")
    #expect(own.confidence != .low, "one head in job a's interval: the account is its response's own")
    #expect(own.wouldDecide?.contains(Catalogue.Decider.callOnTheHTTPLine) != true)
  }

  /// A call that received nothing, logged as failed just after its context's last attempt was refused, is that
  /// attempt's call, not a response still streaming whose head came nearer the start its duration implies.
  @Test func aCallThatReceivedNothingIsTheRefusedAttemptsCall() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,020 [INFO] jobs - job b: started
      2026-11-22 10:00:00,050 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:01,400 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 529 "
      2026-11-22 10:00:01,401 [ERROR] jobs - job b: failed after 1.4s (0 deltas received)
      anthropic.OverloadedError: Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}
      2026-11-22 10:00:02,000 [INFO] jobs - job a: done stop_reason=end_turn output_tokens=18 in 2.00s
      """)
    let refused = try #require(report.streams.first { $0.status == 529 })
    #expect(refused.cause == .serverError)
    #expect(report.streams.contains { $0.outcome == .completed && $0.startedAt == "2026-11-22T10:00:00.050Z" },
            "the response that began streams on to its own account")
    #expect(report.streams.filter { $0.outcome == .failed }.count == 1)
  }

  /// A call's duration counts its wait for the head; its content can only have come after it. Eleven deltas in the
  /// half second after the head are a stream that was flowing, not a line idle for the five seconds the call took.
  @Test func theTimeReadingIsCountedFromTheHead() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:05,000 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:05,500 [ERROR] jobs - job a: failed after 5.5s (11 deltas received)
      \(Self.fin)
      """)
    let failed = try #require(report.streams.first)
    #expect(failed.cause != .idleTimeout, "at most 0.5 s of reading: no room for an idle limit")
  }

  /// Calls interleaved: a refusal and then another call's head, then the SDK's line that it will retry. The retry is
  /// the refusal's (a response that streamed is never retried), and the other call's response streams on.
  @Test func aRetryIsTheRefusalsEvenAfterAnotherHead() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 529 "
      2026-11-22 10:00:00,001 [INFO] httpx2 - HTTP Request: POST https://api.openai.com/v1/chat/completions "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,002 [INFO] anthropic._base_client - Retrying request to /v1/messages in 0.42 seconds
      2026-11-22 10:00:01,500 [INFO] jobs - job b: done finish_reason=stop chunks=37 in 1.50s
      """)
    let refused = try #require(report.streams.first { $0.status == 529 })
    #expect(refused.cause == .serverError)
    let streamed = try #require(report.streams.first { $0.status == 200 })
    #expect(streamed.outcome == .completed, "the retry line is not the streaming response's")
  }

  /// Time alone gives the failure the earlier head, an OpenAI request's; its traceback runs through the anthropic
  /// SDK, so the call it speaks of is the Messages request, and the OpenAI response waits on for its own account.
  @Test func aTracebacksSDKMovesTheAccountToARequestOfItsAPI() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,010 [INFO] jobs - job b: started
      2026-11-22 10:00:00,100 [INFO] httpx2 - HTTP Request: POST https://api.openai.com/v1/chat/completions "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,110 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,600 [ERROR] jobs - job b: failed after 0.6s (11 deltas received)
      Traceback (most recent call last):
        File "/srv/app/.venv/lib/python3.11/site-packages/anthropic/_streaming.py", line 237, in __stream__
          async for sse in iterator:
      httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      2026-11-22 10:00:02,000 [INFO] jobs - job a: done finish_reason=stop chunks=37 in 2.00s
      """)
    let failed = try #require(report.streams.first { $0.outcome == .failed })
    #expect(failed.url == "https://api.anthropic.com/v1/messages")
    let completed = try #require(report.streams.first { $0.outcome == .completed })
    #expect(completed.url == "https://api.openai.com/v1/chat/completions")
  }

  /// A log with no HTTP lines, calls interleaved: each account is a call's, unless it agrees with the one before
  /// (the same count, the same start): three cancels after 8 deltas whose durations put their starts seconds apart
  /// are three calls; a finished call after a cancel is another call; one cancel said twice is one.
  @Test func accountsThatDisagreeAreOtherCalls() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:05 +0000] [3468] [WARNING] job a: cancelled by caller after 8 deltas (1.76s)
      [2026-11-22 10:00:05 +0000] [3468] [WARNING] job b: cancelled by caller after 8 deltas (3.88s)
      [2026-11-22 10:00:05 +0000] [3468] [INFO] job c: done stop_reason=end_turn output_tokens=18 in 1.30s
      [2026-11-22 10:00:06 +0000] [3468] [WARNING] job d: client disconnected, aborting generation after 17 deltas
      [2026-11-22 10:00:06 +0000] [3468] [INFO] job d: cancelled by client after 17 deltas (225 chars)
      """)
    #expect(report.streams.filter { $0.cause == .clientError }.count == 3, "a, b and d, each once")
    #expect(report.streams.filter { $0.outcome == .completed }.count == 1, "c finished; the cancel before it did not")
  }

  /// Once the application has said how a call ended, the SDK's retry line that follows is another call's: the
  /// cancelled call is not its first attempt.
  @Test func aRetryAfterTheApplicationsWordIsAnotherCalls() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:05 +0000] [3468] [WARNING] job a: cancelled by caller after 7 deltas (1.03s)
      [2026-11-22 10:00:05 +0000] [3468] [INFO] Retrying request to /v1/messages in 0.45 seconds
      [2026-11-22 10:00:06 +0000] [3468] [INFO] job b: done stop_reason=end_turn output_tokens=18 in 1.40s
      """)
    let cancelled = try #require(report.streams.first { $0.cause == .clientError })
    #expect(cancelled.attemptsInCall == 1, "the cancel ended its call; the retry is not its")
  }

  /// asyncio's finalizer failing to close a generator at shutdown logs a GeneratorExit traceback: the cleanup of a
  /// stream that already ended, not a call the application cancelled.
  @Test func aGeneratorsCleanupAtShutdownIsNoStream() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] httpx2 - HTTP Request: POST https://api.openai.com/v1/chat/completions "HTTP/1.1 200 OK"
      2026-11-22 10:00:01,000 [ERROR] jobs - job a: failed after 1.1s (13 deltas received)
      Traceback (most recent call last):
        File "/srv/app/.venv/lib/python3.11/site-packages/openai/_streaming.py", line 177, in _iter_events
          raise APIConnectionError(request=self.response.request) from err
      openai.APIConnectionError: Connection error.
      2026-11-22 10:00:02,000 [ERROR] asyncio - an error occurred during closing of asynchronous generator <async_generator object Response.aiter_bytes at 0x7fb5>
      asyncgen: <async_generator object Response.aiter_bytes at 0x7fb5>
      Traceback (most recent call last):
        File "/srv/app/.venv/lib/python3.11/site-packages/httpx2/_models.py", line 1010, in aiter_bytes
          yield chunk
      GeneratorExit
      2026-11-22 10:00:02,100 [INFO] jobs - queue drained
      """)
    #expect(report.streams.count == 1, "the failed call only")
    #expect(!report.streams.contains { $0.summary.contains("GeneratorExit") })
    // gunicorn's format, where the `asyncgen:` line between the record and its traceback reads as a record too.
    let gunicorn = try TestSupport.analyze(text: """
      [2026-12-02 01:29:00 +0000] [26441] [ERROR] an error occurred during closing of asynchronous generator <async_generator object Response.aiter_bytes at 0x7fb5>
      asyncgen: <async_generator object Response.aiter_bytes at 0x7fb5>
      Traceback (most recent call last):
        File "/srv/app/.venv/lib/python3.11/site-packages/httpx2/_models.py", line 1010, in aiter_bytes
          yield chunk
      GeneratorExit
      [2026-12-02 01:29:00 +0000] [26441] [INFO] queue drained
      """)
    #expect(gunicorn.streams.isEmpty)
  }

  @Test func aResponseWithItsOwnStoryNeverWaits() {
    let stream = StreamEvidence(sequence: 1, input: 0, context: 0, location: SourceLocation(input: 0, line: 1), time: 0)
    stream.head.status = 200
    #expect(InFlightResponses.canWait(stream))
    stream.events.count = 3
    #expect(!InFlightResponses.canWait(stream), "events already tell how far it got")
    let refused = StreamEvidence(sequence: 2, input: 0, context: 0, location: SourceLocation(input: 0, line: 2), time: 0)
    refused.head.status = 529
    #expect(InFlightResponses.canWait(refused), "a refusal waits for the SDK's retry")
    #expect(!InFlightResponses.awaitsContent(refused), "but not for content")
    refused.client.retry = .init(location: SourceLocation(input: 0, line: 3), time: 0, quote: nil)
    #expect(!InFlightResponses.canWait(refused), "a refusal the SDK retried is an ended attempt")
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

  /// Two heads 20 ms apart, both after the start the account's duration implies: the account goes to the earliest,
  /// and the stream's evidence says the log did not name which was its call's.
  @Test func anAccountPairedAmongSeveralHeadsSaysSo() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 [INFO] jobs - job a: started
      2026-11-22 10:00:00,000 [INFO] jobs - job b: started
      2026-11-22 10:00:00,100 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,120 [INFO] httpx2 - HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:01,000 [ERROR] jobs - job a: failed after 1.00s (8 deltas received)
      \(Self.fin)
      2026-11-22 10:00:02,000 [INFO] jobs - job b: done stop_reason=end_turn output_tokens=18 in 2.00s
      """)
    let failed = try #require(report.streams.first { $0.outcome == .failed })
    #expect(failed.startedAt == "2026-11-22T10:00:00.100Z")
    #expect(failed.evidence.contains { $0.note.contains("allowed 2 responses in flight") })
  }
}
