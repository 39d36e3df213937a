import Testing

@testable import DropscopeCore

/// Retries the log shows only by the SDK's line (no HTTP-library lines: gunicorn's format, an application that logs
/// its own lines only) wait for the call they were part of.
@Suite struct HeldRetriesTests {
  static let overloaded = """
    Traceback (most recent call last):
      File "/srv/app/worker.py", line 40, in run
        stream = client.chat.completions.create(**params)
    openai.InternalServerError: Error code: 529 - Overloaded
    """

  /// Two calls retrying at once in one worker (two `retry 1 of 2` lines in a row): each 529 takes the retries logged
  /// between its start and its end, in the order the lines number them; the call that streamed takes none.
  @Test func interleavedCallsEachTakeTheRetriesInTheirInterval() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:00 +0000] [7] [INFO] job 0a1b2c: started
      [2026-11-22 10:00:00 +0000] [7] [INFO] job 3d4e5f: started
      [2026-11-22 10:00:00 +0000] [7] [INFO] Retrying request in 0.451005 seconds (retry 1 of 2)
      [2026-11-22 10:00:00 +0000] [7] [INFO] Retrying request in 0.398494 seconds (retry 1 of 2)
      [2026-11-22 10:00:01 +0000] [7] [WARNING] job 77aa88: cancelled by caller after 7 deltas (1.03s)
      [2026-11-22 10:00:01 +0000] [7] [INFO] Retrying request in 0.755618 seconds (retry 2 of 2)
      [2026-11-22 10:00:01 +0000] [7] [INFO] Retrying request in 0.963943 seconds (retry 2 of 2)
      [2026-11-22 10:00:02 +0000] [7] [ERROR] job 0a1b2c: failed after 1.6s (0 deltas received)
      \(Self.overloaded)
      [2026-11-22 10:00:02 +0000] [7] [ERROR] job 3d4e5f: failed after 2.0s (0 deltas received)
      \(Self.overloaded)
      """)
    #expect(report.streams.count == 7, "two calls of three attempts and a cancel")
    let calls = Dictionary(grouping: report.streams.filter { $0.cause == .serverError }, by: \.call)
    #expect(calls.count == 2 && calls.values.allSatisfy { $0.count == 3 }, "each 529 call has its two retries")
    for attempts in calls.values {
      for attempt in attempts where attempt.attempt < 3 {
        #expect(attempt.evidence.contains { $0.quote?.contains("(retry \(attempt.attempt) of 2)") == true },
                "attempt \(attempt.attempt) is the call's retry numbered so")
      }
    }
    #expect(report.streams.filter { $0.cause == .unknown }.isEmpty, "every retried attempt takes its call's reason")
    let cancel = try #require(report.streams.first { $0.cause == .clientError })
    #expect(cancel.attemptsInCall == 1, "the call that streamed retried nothing")
  }

  /// One call at a time: the retry lines before a call's end are its earlier attempts, however many the application
  /// allowed, as the next stream always took them.
  @Test func oneCallAtATimeTakesEveryRetryBeforeIt() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:00 +0000] [7] [INFO] job 0a1b2c: started
      [2026-11-22 10:00:01 +0000] [7] [INFO] Retrying request to /v1/messages in 0.45 seconds
      [2026-11-22 10:00:02 +0000] [7] [INFO] Retrying request to /v1/messages in 0.81 seconds
      [2026-11-22 10:00:03 +0000] [7] [INFO] Retrying request to /v1/messages in 1.62 seconds
      [2026-11-22 10:00:04 +0000] [7] [ERROR] job 0a1b2c: failed after 4.0s (0 deltas received)
      Traceback (most recent call last):
        File "/srv/app/worker.py", line 40, in run
      anthropic.OverloadedError: Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error', 'message': 'Overloaded'}}
      """)
    #expect(report.streams.count == 4)
    #expect(Set(report.streams.map(\.call)).count == 1, "one call of four attempts")
    #expect(report.streams.map(\.attempt).sorted() == [1, 2, 3, 4])
  }

  /// A retry no call claims (its call went on to a response that streamed, or never said how it ended) stays a call
  /// of its own, with its reason unknown: nothing shows whose it was.
  @Test func aRetryNoCallClaimsIsReportedOnItsOwn() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:00 +0000] [7] [WARNING] job 77aa88: cancelled by caller after 7 deltas (0.30s)
      [2026-11-22 10:00:00 +0000] [7] [WARNING] job 99bb00: cancelled by caller after 7 deltas (1.50s)
      [2026-11-22 10:00:01 +0000] [7] [INFO] Retrying request in 0.451005 seconds (retry 1 of 2)
      [2026-11-22 10:00:03 +0000] [7] [WARNING] job 11cc22: cancelled by caller after 7 deltas (0.30s)
      """)
    let retried = try #require(report.streams.first { $0.cause == .unknown })
    #expect(retried.attemptsInCall == 1)
    #expect(report.streams.filter { $0.cause == .clientError }.count == 3, "three calls cancelled, each once")
  }

  @Test func hexIdentifiersAreIdsNotTimesOrCounts() throws {
    #expect(String("job 470d7c: cancelled after 17 deltas (225 chars)").hexIdentifiers == ["470d7c"])
    #expect(String("2026-11-22T10:00:00.000Z [27749] done in 1.44s").hexIdentifiers.isEmpty)
  }

  /// Retry lines in more contexts than the assembler keeps streams open: the oldest are handed on as they overflow,
  /// so what is held stays bounded whatever the input.
  @Test func heldRetriesStayBoundedAcrossContexts() {
    var held = HeldRetries()
    var handedOn: [Int] = []
    let total = HeldRetries.mostInAll + 1_000
    for n in 1...total {
      let attempt = StreamEvidence(sequence: n, input: 0, context: n,
                                   location: SourceLocation(input: 0, line: n, isPacket: false), time: nil)
      if let overflow = held.hold(attempt, ScheduledRetry(delaySeconds: 0.5), context: n) { handedOn.append(overflow.sequence) }
    }
    #expect(handedOn == Array(1...1_000), "the oldest are handed on, in the order they came")
    #expect(held.drain().count == HeldRetries.mostInAll)
  }

  /// Among calls in flight at once, with no response head logged, a call's duration may count a wait before its
  /// request: a silence inferred from it is said with low confidence, and what would decide is named.
  @Test func aSilenceInferredFromADurationAmongCallsIsLowConfidence() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:01 +0000] [7] [WARNING] job 0a1b2c: cancelled by caller after 7 deltas (1.00s)
      [2026-11-22 10:00:02 +0000] [7] [WARNING] job 3d4e5f: cancelled by caller after 7 deltas (3.00s)
      [2026-11-22 10:00:06 +0000] [7] [ERROR] job 77aa88: failed after 4.30s (6 deltas received)
      Traceback (most recent call last):
        File "/srv/app/worker.py", line 40, in run
      httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      """)
    let cut = try #require(report.streams.first { $0.cause == .idleTimeout })
    #expect(cut.confidence == .low)
    #expect(cut.summary.contains("waited its turn"))
  }

  /// A retry line that names another API's path is not the call's, however well its time fits.
  @Test func aRetryOfAnotherAPIIsNotClaimed() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:01 +0000] [7] [WARNING] job aa1111: cancelled by caller after 7 deltas (1.00s)
      [2026-11-22 10:00:02 +0000] [7] [WARNING] job bb2222: cancelled by caller after 7 deltas (3.00s)
      [2026-11-22 10:00:02 +0000] [7] [INFO] Retrying request to /v1/messages in 0.45 seconds
      [2026-11-22 10:00:03 +0000] [7] [ERROR] job cc3333: failed after 1.5s (0 deltas received)
      \(Self.overloaded)
      """)
    let overloaded = try #require(report.streams.first { $0.cause == .serverError })
    #expect(overloaded.attemptsInCall == 1, "the openai call did not take the anthropic retry")
    #expect(report.streams.contains { $0.cause == .unknown && $0.attemptsInCall == 1 })
  }
}
