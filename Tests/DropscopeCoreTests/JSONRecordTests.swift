import XCTest

@testable import DropscopeCore

/// Structured logs: one JSON object per line, read as the text lines they stand for.
final class JSONRecordTests: XCTestCase {
  private func expand(_ json: String) -> [String]? {
    Array(json.utf8).withUnsafeBytes { JSONRecord.expand($0) }?.map { String(decoding: $0, as: UTF8.self) }
  }

  func testPinoNumericLevelEpochTimeAndErrorObject() throws {
    let lines = try XCTUnwrap(expand(#"{"level":50,"time":1795362768123,"pid":7,"hostname":"web-1","name":"chat","msg":"stream failed","err":{"type":"Error","message":"x","stack":"httpx.ReadError: [Errno 104] Connection reset by peer"}}"#))
    XCTAssertEqual(lines.first, "2026-11-22T15:52:48.123Z ERROR chat: stream failed pid=7 hostname=web-1")
    XCTAssertEqual(lines.last, "httpx.ReadError: [Errno 104] Connection reset by peer")
  }

  func testStructlogDictTracebacksBecomeAChainInnermostFirst() throws {
    let lines = try XCTUnwrap(expand(#"{"event":"llm_stream_failed","level":"error","timestamp":"2026-11-22T14:51:28.590341Z","exception":[{"exc_type":"RemoteProtocolError","exc_value":"peer closed connection without sending complete message body (incomplete chunked read)","frames":[{"filename":"/venv/site-packages/httpx2/_transports/default.py","lineno":112,"name":"map_httpcore_exceptions"}]},{"exc_type":"RemoteProtocolError","exc_value":"peer closed connection without sending complete message body (incomplete chunked read)","frames":[]}]}"#))
    XCTAssertEqual(lines[0], "2026-11-22T14:51:28.590341Z ERROR json: llm_stream_failed")
    XCTAssertEqual(lines.filter { $0 == "Traceback (most recent call last):" }.count, 2)
    XCTAssertTrue(lines.contains(#"  File "/venv/site-packages/httpx2/_transports/default.py", line 112, in map_httpcore_exceptions"#))
  }

  func testMixedTextAndJSONLinesAndMalformedJSON() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      {"event": "event content_block_delta", "level": "debug", "logger": "app.stream", "timestamp": "2026-11-22T10:00:00.100Z", "thread": "w"}
      {"this is": not json
      {"event": "stream failed", "level": "error", "logger": "app", "timestamp": "2026-11-22T10:00:00.130Z", "thread": "w", "exception": "Traceback (most recent call last):\\n  File \\"/venv/site-packages/anthropic/_streaming.py\\", line 72, in _iter_events\\nhttpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)"}
      """)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(report.streams.count, 1, "text and JSON lines of one thread are one stream")
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta)
    XCTAssertEqual(stream.silenceBeforeEnd, 0.03)
    XCTAssertTrue(stream.findings.contains(.unwrappedExceptionLeak))
    XCTAssertTrue(stream.evidence.contains { $0.location == "app.log:4" })
  }

  /// An application's errors collected in one JSON array, each only an error and a time.
  func testArrayOfErrorOnlyRecords() throws {
    let line = #"[{"error":"TypeError: terminated\n    at Fetch.onAborted (node:internal/deps/undici/undici:11322:53)","timestamp":"2026-11-22T15:52:48.123Z"},{"error":"x"}]"#
    let lines = try XCTUnwrap(Array(line.utf8).withUnsafeBytes { JSONRecord.expandArray($0) }).map { String(decoding: $0, as: UTF8.self) }
    XCTAssertEqual(lines, ["2026-11-22T15:52:48.123Z ERROR json: ", "TypeError: terminated",
                           "    at Fetch.onAborted (node:internal/deps/undici/undici:11322:53)", "ERROR:json:", "x"])
    XCTAssertNil(Array("[2026-11-22 10:00:00] INFO x".utf8).withUnsafeBytes { JSONRecord.expandArray($0) })
  }
}
