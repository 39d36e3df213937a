import Foundation
import XCTest

@testable import DropscopeCore

/// A call's attempts read together: the same wait before every failure is a limit; an attempt whose reason was not
/// logged takes the final attempt's.
final class CallTimelineTests: XCTestCase {
  static let disconnected = """
    Traceback (most recent call last):
      File "/app/.venv/lib/python3.11/site-packages/anthropic/_base_client.py", line 1002, in _request
        response = self._client.send(
    httpx.RemoteProtocolError: Server disconnected without sending a response.

    The above exception was the direct cause of the following exception:

    Traceback (most recent call last):
      File "/app/worker.py", line 40, in run
        stream = client.messages.create(stream=True)
    anthropic.APIConnectionError: Connection error.
    """

  /// Retry lines and the application's account alone (no request lines): the waits are inferred and agree.
  func testTheSameWaitOnEveryAttemptIsAnIdleLimit() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 15:27:30 +0000] [20173] [INFO] worker: job b: requesting summary
      [2026-11-22 15:27:34 +0000] [20173] [INFO] anthropic._base_client: Retrying request to /v1/messages in 0.416762 seconds
      [2026-11-22 15:27:38 +0000] [20173] [INFO] anthropic._base_client: Retrying request to /v1/messages in 0.938284 seconds
      [2026-11-22 15:27:43 +0000] [20173] [ERROR] worker: job b: request failed after 13.37s (0 deltas received)
      \(Self.disconnected)
      """)
    XCTAssertEqual(report.streams.map(\.attempt), [1, 2, 3])
    XCTAssertEqual(report.streams.map(\.cause), [.idleTimeout, .idleTimeout, .idleTimeout])
    XCTAssertEqual(report.streams.map(\.side), [.server, .server, .server])
    XCTAssertEqual(report.streams.first?.confidence, .medium, "the first attempts' reason is the final one's")
    XCTAssertEqual(report.streams.first?.startedAt, "2026-11-22T15:27:29.630Z", "the account's 13.37 s back from the end")
  }

  /// Waits that differ are no limit: the close before the response stays undecided.
  func testDifferentWaitsDecideNothing() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 15:27:30,000 INFO worker: job b: requesting summary
      2026-11-22 15:27:30,500 INFO anthropic._base_client: Retrying request to /v1/messages in 0.4 seconds
      2026-11-22 15:27:38,900 INFO anthropic._base_client: Retrying request to /v1/messages in 0.9 seconds
      2026-11-22 15:27:41,000 ERROR worker: job b: request failed after 11.0s (0 deltas received)
      \(Self.disconnected)
      """)
    XCTAssertEqual(report.streams.count, 3)
    XCTAssertEqual(report.streams.last?.cause, .unknown)
    XCTAssertNotEqual(report.streams.first?.cause, .idleTimeout)
  }
}
