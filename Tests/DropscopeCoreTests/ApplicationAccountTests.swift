import Foundation
import XCTest

@testable import DropscopeCore

/// The application's own words about a stream: its account (deltas and seconds), its completion and its cancels,
/// and the verdicts they decide when nothing else in the log times the stream.
final class ApplicationAccountTests: XCTestCase {
  func account(_ text: String) -> ApplicationAccount? {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { ApplicationAccount.read($0, from: 0) }
  }

  func saysCancelled(_ text: String) -> Bool {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { ApplicationAccount.saysCancelled($0, from: 0) }
  }

  func testReadsCountsAndDurations() {
    XCTAssertEqual(account("job 1: unexpected error while streaming after 5.91s (27 deltas received)"),
                   ApplicationAccount(contentEvents: 27, seconds: 5.91))
    XCTAssertEqual(account("stream failed after 6.1 s (23 deltas received)"), ApplicationAccount(contentEvents: 23, seconds: 6.1))
    XCTAssertEqual(account("got 12 chunks in 842ms"), ApplicationAccount(contentEvents: 12, seconds: 0.842))
    XCTAssertEqual(account("cancelled by client after 17 deltas (225 chars)"), ApplicationAccount(contentEvents: 17, seconds: nil))
    XCTAssertEqual(account("job 7c8f9e: cancelled by caller after 5 deltas (0.15s)"), ApplicationAccount(contentEvents: 5, seconds: 0.15))
    XCTAssertEqual(account("stream ended: 9 chunks elapsed=1.2s"), ApplicationAccount(contentEvents: 9, seconds: 1.2))
    XCTAssertEqual(account("stream ended: 9 chunks v2s"), ApplicationAccount(contentEvents: 9, seconds: nil),
                   "a number inside a word is no duration")
  }

  func testEventNamesAndUnrelatedNumbersAreNoAccount() {
    XCTAssertNil(account("event content_block_delta #3 (+22 chars)"))
    XCTAssertNil(account("job 1: done stop_reason=end_turn output_tokens=76 in 2.61s"))
    XCTAssertNil(account("x27 deltas"), "a count is a number of its own")
  }

  func testCancelWordsAreWordsOfTheirOwn() {
    XCTAssertTrue(saysCancelled("job 1: cancelled by client after 17 deltas"))
    XCTAssertTrue(saysCancelled("Aborting generation"))
    XCTAssertTrue(saysCancelled("job 1: client disconnected, stopping"))
    XCTAssertFalse(saysCancelled("anyio._backends: entered _cancel_scope"))
    XCTAssertFalse(saysCancelled("a vocabulary without the words"))
  }

  static let traceback = """
    Traceback (most recent call last):
      File "/app/.venv/lib/python3.11/site-packages/anthropic/_streaming.py", line 68, in __iter__
        for item in self._iterator:
    httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
    """

  /// gunicorn's layout with only the application's lines: the account decides idle against flowing.
  func testAccountDecidesIdleAndFlowingWithNoHTTPLines() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 15:27:30 +0000] [20173] [INFO] worker: job a: done stop_reason=end_turn output_tokens=76 in 2.61s
      [2026-11-22 15:27:36 +0000] [20173] [ERROR] worker: job b: unexpected error while streaming after 6.01s (27 deltas received)
      \(Self.traceback)
      [2026-11-22 15:27:38 +0000] [20173] [ERROR] worker: job c: unexpected error while streaming after 0.90s (27 deltas received)
      \(Self.traceback)
      """)
    XCTAssertEqual(report.streams.map(\.outcome), [.completed, .failed, .failed])
    XCTAssertEqual(report.streams.map(\.cause), [nil, .idleTimeout, .serverCloseDuringDelta])
    XCTAssertEqual(report.streams[1].confidence, .medium, "a silence inferred from the account, not measured")
    XCTAssertTrue(report.streams[1].findings.contains(.unwrappedExceptionLeak))
  }

  /// With no account and no times, a close mid-body is unknown, naming both causes.
  func testNothingTimedLeavesTheCauseOpen() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 15:27:36 +0000] [20173] [INFO] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      [2026-11-22 15:27:36 +0000] [20173] [ERROR] worker: job b: stream failed
      \(Self.traceback)
      """)
    XCTAssertEqual(report.streams.first?.cause, .unknown)
    XCTAssertEqual(report.streams.first?.candidates, [.idleTimeout, .serverCloseDuringDelta])
  }

  func testTheApplicationEndingTheStreamIsAClientError() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 15:28:15,588 INFO httpx: HTTP Request: POST http://127.0.0.1:41899/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 15:28:16,195 WARNING worker: job 1: client disconnected, aborting generation after 17 deltas
      2026-11-22 15:28:16,196 INFO worker: job 1: cancelled by client after 17 deltas (225 chars)
      """)
    XCTAssertEqual(report.streams.count, 1, "the second line speaks of the same stream")
    XCTAssertEqual(report.streams.first?.cause, .clientError)
    XCTAssertEqual(report.streams.first?.side, .client)
  }

  func testTwoResponsesWithNoEventsBetweenAreTwoAttempts() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 15:32:01,079 INFO httpx: HTTP Request: POST http://127.0.0.1:41899/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 15:32:03,193 INFO worker: job 1: done stop_reason=end_turn output_tokens=63 in 2.12s
      2026-11-22 15:32:03,195 INFO httpx: HTTP Request: POST http://127.0.0.1:41899/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 15:32:03,465 INFO worker: job 2: cancelled by client after 9 deltas (119 chars)
      """)
    XCTAssertEqual(report.streams.map(\.outcome), [.completed, .failed])
    XCTAssertEqual(report.streams.last?.cause, .clientError)
  }

  /// A summary after a stream that ended with `message_stop` is that stream's, not a second one.
  func testACompletionSummaryAfterTheEndMarkerIsNotAStream() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 16:38:34,058 DEBUG [worker_0] app.stream: event message_start
      2026-11-22 16:38:34,059 DEBUG [worker_0] app.stream: event message_stop
      2026-11-22 16:38:34,059 DEBUG [worker_0] httpcore2.http11: response_closed.started
      2026-11-22 16:38:34,060 INFO [worker_0] app.chat: call 1: done, stop_reason=end_turn, output_tokens=18
      """)
    XCTAssertEqual(report.streams.count, 1)
  }

  /// A line that says a call finished gives how long it took, and the step of its last digit, with no count.
  func testAFinishedLineGivesItsDurationAndItsPrecision() {
    func finished(_ text: String) -> ApplicationAccount? {
      Array(text.utf8).withUnsafeBytes { ApplicationAccount.readFinished($0, from: 0) }
    }
    let done = finished("job 9f: done stop_reason=end_turn output_tokens=18 in 1.48s")
    XCTAssertEqual(done?.seconds, 1.48)
    XCTAssertNil(done?.contentEvents)
    XCTAssertEqual(done?.secondsPrecision ?? 0, 0.01, accuracy: 1e-12)
    XCTAssertEqual(finished("done in 842ms")?.secondsPrecision ?? 0, 0.001, accuracy: 1e-12)
    XCTAssertEqual(finished("done in 3s")?.secondsPrecision, 1)
    XCTAssertNil(finished("done stop_reason=end_turn"), "no duration, no account")
    let counted = Array("failed after 0.4s (9 deltas received)".utf8).withUnsafeBytes { ApplicationAccount.read($0, from: 0) }
    XCTAssertEqual(counted?.contentEvents, 9)
    XCTAssertEqual(counted?.secondsPrecision ?? 0, 0.1, accuracy: 1e-12)
  }
}
