import XCTest

@testable import DropscopeCore

/// The log record shapes, timestamps and tracebacks the reader must understand.
final class LogReaderTests: XCTestCase {
  private func prefix(_ line: String) -> (LogLinePrefix?, [UInt8]) {
    let bytes = Array(line.utf8)
    return (bytes.withUnsafeBytes { LogLinePrefix.parse($0) }, bytes)
  }

  private func field(_ bytes: [UInt8], _ range: Range<Int>?) -> String? {
    range.map { String(decoding: bytes[$0], as: UTF8.self) }
  }

  private func message(_ bytes: [UInt8], _ p: LogLinePrefix) -> String {
    String(decoding: bytes[p.messageStart...], as: UTF8.self)
  }

  func testRecordShapes() throws {
    let cases: [(String, level: LogLinePrefix.Level, logger: String, thread: String?, message: String, timed: Bool)] = [
      ("INFO:httpx:HTTP Request: POST https://x/v1/messages \"HTTP/1.1 200 OK\"", .info, "httpx", nil,
       "HTTP Request: POST https://x/v1/messages \"HTTP/1.1 200 OK\"", false),
      ("2026-11-22 15:52:48,030 INFO [worker_0] app.chat: call 1: streaming", .info, "app.chat", "worker_0",
       "call 1: streaming", true),
      ("2026-05-06 10:35:11,443 - httpx - INFO - HTTP Request: POST u", .info, "httpx", nil, "HTTP Request: POST u", true),
      ("2026-11-22 15:53:56,806 | INFO     | worker_0 | app.chat | call 1: x - y", .info, "app.chat", "worker_0",
       "call 1: x - y", true),
      ("[2026-11-22 15:53:50 - anthropic._base_client:1068 - DEBUG] Sending HTTP Request: POST u", .debug,
       "anthropic._base_client", nil, "Sending HTTP Request: POST u", true),
      ("2026-11-22 15:55:35.816 | INFO     | __main__:run_anthropic:86 - call 1: streaming", .info, "__main__", nil,
       "call 1: streaming", true),
      ("2026-04-03 20:47:24,189 INFO httpx: HTTP Request: POST u", .info, "httpx", nil, "HTTP Request: POST u", true),
    ]
    for c in cases {
      let (parsed, bytes) = prefix(c.0)
      let p = try XCTUnwrap(parsed, c.0)
      XCTAssertEqual(p.level, c.level, c.0)
      XCTAssertEqual(field(bytes, p.logger), c.logger, c.0)
      XCTAssertEqual(field(bytes, p.thread), c.thread, c.0)
      XCTAssertEqual(message(bytes, p), c.message, c.0)
      XCTAssertEqual(p.time != nil, c.timed, c.0)
    }
  }

  func testLinesThatAreNotRecords() {
    for line in ["Traceback (most recent call last):", "  File \"/x.py\", line 3, in f",
                 "httpx2.RemoteProtocolError: peer closed connection", "", "Exception in thread worker-2:"] {
      XCTAssertNil(prefix(line).0, line)
    }
  }

  func testTimestamps() throws {
    func parse(_ text: String) -> Microseconds? {
      var cache = TimestampParser.SecondCache()
      return Array(text.utf8).withUnsafeBytes { TimestampParser.parse($0, at: 0, cache: &cache)?.time }
    }
    XCTAssertEqual(parse("1970-01-01 00:00:01,500"), 1_500_000)
    XCTAssertEqual(parse("2026-11-22T15:52:48.123456Z"), 1_795_362_768_123_456)
    XCTAssertEqual(parse("2026-11-22T16:52:48+01:00"), 1_795_362_768_000_000)
    XCTAssertEqual(parse("2024-02-29 00:00:00"), 1_709_164_800_000_000)
    // loguru's `{time:… Z}` puts the zone after a space.
    XCTAssertEqual(parse("2026-11-22 23:52:48.000 +08:00 | ERROR  | x"), 1_795_362_768_000_000)
    XCTAssertEqual(parse("2026-11-22 10:52:48 -0500 x"), 1_795_362_768_000_000)
    XCTAssertEqual(parse("2026-11-22 15:52:48 - 0100 x"), 1_795_362_768_000_000, "a separator, not a zone")
    XCTAssertNil(parse("2026-13-22 15:52:48"))
    XCTAssertNil(parse("not a time at all, no"))
    XCTAssertEqual(TimeFormatting.iso(1_795_362_768_123_456), "2026-11-22T15:52:48.123Z")
    // The per-second cache gives the same answers as a fresh parse, across a change of second.
    var cache = TimestampParser.SecondCache()
    let times = ["2026-11-22 15:52:48,001", "2026-11-22 15:52:48,900", "2026-11-22 15:52:49,000"].map { text in
      Array(text.utf8).withUnsafeBytes { TimestampParser.parse($0, at: 0, cache: &cache)?.time }
    }
    XCTAssertEqual(times, [1_795_362_768_001_000, 1_795_362_768_900_000, 1_795_362_769_000_000])
  }

  func testChainedTracebackIsOneExceptionWithItsCause() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [w1] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [w1] app: event message_start
      2026-11-22 10:00:00,200 DEBUG [w1] app: event content_block_delta
      2026-11-22 10:00:00,230 ERROR [w1] app: stream failed
      Traceback (most recent call last):
        File "/venv/lib/python3.11/site-packages/httpcore/_exceptions.py", line 14, in map_exceptions
          raise to_exc(exc) from exc
      httpcore.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)

      The above exception was the direct cause of the following exception:

      Traceback (most recent call last):
        File "/venv/lib/python3.11/site-packages/anthropic/_streaming.py", line 72, in _iter_events
          yield from self._decoder.iter_bytes(self.response.iter_bytes())
      httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      2026-11-22 10:00:01,000 INFO [w1] app: next
      """)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(report.streams.count, 1)
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta)
    XCTAssertEqual(stream.confidence, .high)
    XCTAssertTrue(stream.findings.contains(.unwrappedExceptionLeak))
    XCTAssertEqual(stream.sdk, "anthropic < 1.0 (httpx)")
    XCTAssertTrue(stream.evidence.contains { $0.location == "app.log:15" && $0.quote?.hasPrefix("httpx.RemoteProtocolError") == true })
  }

  func testInterleavedWorkersAreNotMerged() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [a] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,010 INFO [b] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [a] app: event message_start
      2026-11-22 10:00:00,110 DEBUG [b] app: event message_start
      2026-11-22 10:00:00,200 DEBUG [b] app: event content_block_delta
      2026-11-22 10:00:00,300 DEBUG [a] app: event content_block_delta
      2026-11-22 10:00:00,400 DEBUG [a] app: event message_stop
      2026-11-22 10:00:00,500 ERROR [b] app: stream failed
      Traceback (most recent call last):
        File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events
      httpx2.ReadError: [Errno 104] Connection reset by peer
      """)
    XCTAssertEqual(report.streams.count, 2)
    XCTAssertEqual(report.streams.map(\.context), ["a", "b"])
    XCTAssertEqual(report.streams.map(\.outcome), [.completed, .failed])
    XCTAssertEqual(report.streams[1].cause, .serverCloseDuringDelta)
    XCTAssertEqual(report.streams[1].eventsReceived, 2)
  }

  func testSilenceBeforeServerCloseMatchingALimitIsAnIdleTimeout() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 - httpx2 - INFO - HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 - app - DEBUG - event content_block_delta
      2026-11-22 10:01:40,900 - app - ERROR - stream failed
      Traceback (most recent call last):
        File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events
      httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      """)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .idleTimeout)
    XCTAssertEqual(stream.side, .server)
    XCTAssertEqual(stream.silenceBeforeEnd, 100.8)
    XCTAssertTrue(stream.summary.contains("Cloudflare"), stream.summary)
  }

  func testRetriedCallKeepsItsAttemptsTogether() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 529 "
      2026-11-22 10:00:00,001 INFO [w] anthropic._base_client: Retrying request to /v1/messages in 0.43 seconds
      2026-11-22 10:00:00,500 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,600 DEBUG [w] app: event message_start
      2026-11-22 10:00:00,700 DEBUG [w] app: event message_stop
      """)
    XCTAssertEqual(report.streams.map(\.call), [1, 1])
    XCTAssertEqual(report.streams.map(\.attempt), [1, 2])
    XCTAssertEqual(report.streams.map(\.outcome), [.failed, .completed])
    XCTAssertEqual(report.streams[0].cause, .serverError)
    XCTAssertEqual(report.counts.callsFailed, 0)
    XCTAssertEqual(report.counts.retries, 1)
  }

  func testOpenAIRetryWordingAndSDKDebugFormat() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 14:53:37 - openai._base_client:1179 - DEBUG] Sending HTTP Request: POST
      [2026-11-22 14:53:37 - httpx2:1025 - INFO] HTTP Request: POST https://x/v1/chat/completions "HTTP/1.1 503 Service Unavailable"
      [2026-11-22 14:53:37 - openai._base_client:1272 - INFO] Retrying request in 0.377979 seconds (retry 1 of 2)
      [2026-11-22 14:53:38 - openai._base_client:1179 - DEBUG] Sending HTTP Request: POST
      [2026-11-22 14:53:38 - httpx2:1025 - INFO] HTTP Request: POST https://x/v1/chat/completions "HTTP/1.1 200 OK"
      [2026-11-22 14:53:38 - app:9 - DEBUG] chunk chat.completion.chunk finish_reason=stop
      """)
    XCTAssertEqual(report.streams.map(\.attempt), [1, 2])
    XCTAssertEqual(report.streams.map(\.outcome), [.failed, .completed])
    XCTAssertEqual(report.streams.first?.cause, .serverError)
    XCTAssertTrue(report.streams.first?.summary.contains("0.38 s") == true, report.streams.first?.summary ?? "")
  }

  func testOpenAIFinishReasonEndsTheMessage() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [w] httpx: HTTP Request: POST https://x/v1/chat/completions "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [w] app: chunk chat.completion.chunk finish_reason=None
      2026-11-22 10:00:00,200 DEBUG [w] app: chunk chat.completion.chunk finish_reason=stop
      """)
    XCTAssertEqual(report.streams.map(\.outcome), [.completed])
  }

  func testHTTPCoreTraceAloneDecidesWhenNoTracebackWasLogged() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 DEBUG [w] httpcore.http11: receive_response_headers.complete return_value=(b'HTTP/1.1', 200, b'OK', [(b'request-id', b'req_011CdZGhRjg34hRt2BUYnYFh')])
      2026-11-22 10:00:00,001 INFO [w] httpx: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [w] app: event content_block_delta
      2026-11-22 10:00:00,150 DEBUG [w] httpcore.http11: receive_response_body.failed exception=RemoteProtocolError(RemoteProtocolError('peer closed connection without sending complete message body (incomplete chunked read)'))
      2026-11-22 10:00:00,200 WARNING [w] app: gave up on this answer
      """)
    XCTAssertEqual(report.streams.count, 1, "the trace and the INFO line are one response")
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.requestID, "req_011CdZGhRjg34hRt2BUYnYFh")
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta)
    XCTAssertEqual(stream.silenceBeforeEnd, 0.05)
    XCTAssertFalse(stream.findings.contains(.unwrappedExceptionLeak), "without a traceback the leak cannot be shown")
  }

  /// Templates from anthropic-sdk-typescript `src/client.ts` (signatures.md b.4).
  func testTypeScriptSDKLogLinesAndRetries() throws {
    let report = try TestSupport.analyze(text: """
      [log_9f8e7d, request-id: "req_011CQAT2htEbP89WH3RxqMUN"] post https://api.anthropic.com/v1/messages failed with status 529 in 412ms - retrying, 1 attempts remaining
      [log_1a2b3c, retryOf: log_9f8e7d, request-id: "req_011CSHoEeqs5C35K2UUqR7Fy"] post https://api.anthropic.com/v1/messages succeeded with status 200 in 842ms
      2026-11-22T10:00:01.000Z DEBUG chat: event message_start
      2026-11-22T10:00:01.100Z DEBUG chat: event content_block_delta
      2026-11-22T10:00:01.200Z DEBUG chat: event message_stop
      """)
    XCTAssertEqual(report.streams.map(\.status), [529, 200])
    XCTAssertEqual(report.streams.map(\.requestID), ["req_011CQAT2htEbP89WH3RxqMUN", "req_011CSHoEeqs5C35K2UUqR7Fy"])
    XCTAssertEqual(report.streams.map(\.attempt), [1, 2])
    XCTAssertEqual(report.streams.map(\.outcome), [.failed, .completed])
  }

  func testStreamsCutAtTheSameElapsedTimePointAtACap() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00.000 INFO [a] httpx: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:05.000 INFO [b] httpx: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:10.000 INFO [c] httpx: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:29.800 DEBUG [a] app: event content_block_delta
      2026-11-22 10:00:29.900 ERROR [a] app: stream failed: httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      2026-11-22 10:00:34.850 DEBUG [b] app: event content_block_delta
      2026-11-22 10:00:34.950 ERROR [b] app: stream failed: httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      2026-11-22 10:00:39.900 DEBUG [c] app: event content_block_delta
      2026-11-22 10:00:40.050 ERROR [c] app: stream failed: httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)
      """)
    XCTAssertEqual(report.streams.map(\.cause), [.serverCloseDuringDelta, .serverCloseDuringDelta, .serverCloseDuringDelta])
    XCTAssertTrue(report.notes.contains { $0.contains("3 streams were cut") && $0.contains("matches the 30 s") }, "\(report.notes)")
  }

  func testResponsesAPIEvents() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [a] httpx: HTTP Request: POST https://x/v1/responses "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [a] app: event response.output_text.delta sequence_number=4
      2026-11-22 10:00:00,200 DEBUG [a] app: event response.failed sequence_number=5
      2026-11-22 10:00:01,000 INFO [b] httpx: HTTP Request: POST https://x/v1/responses "HTTP/1.1 200 OK"
      2026-11-22 10:00:01,100 DEBUG [b] app: event response.output_text.delta sequence_number=4
      2026-11-22 10:00:01,200 DEBUG [b] app: event response.completed sequence_number=9
      """)
    XCTAssertEqual(report.streams.map(\.cause), [.serverError, nil])
    XCTAssertEqual(report.streams.map(\.outcome), [.failed, .completed])
  }

  func testIdempotencyKeyGroupsAttemptsAndStainlessHeadersNameTheVersion() throws {
    let report = try TestSupport.analyze(text: """
      [2026-11-22 10:00:00 - anthropic._base_client:497 - DEBUG] Request options: {'method': 'post', 'url': '/v1/messages', 'idempotency_key': 'stainless-python-retry-fc68964b-1f76-4c3e'}
      [2026-11-22 10:00:00 - httpx:1025 - INFO] HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 529 "
      [2026-11-22 10:00:01 - anthropic._base_client:497 - DEBUG] Request options: {'method': 'post', 'url': '/v1/messages', 'idempotency_key': 'stainless-python-retry-fc68964b-1f76-4c3e'}
      [2026-11-22 10:00:01 - proxy:12 - DEBUG] forwarded headers {'user-agent': 'Anthropic/Python 0.79.0', 'x-stainless-package-version': '0.79.0', 'x-stainless-retry-count': '1'}
      [2026-11-22 10:00:01 - httpx:1025 - INFO] HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      [2026-11-22 10:00:02 - app:9 - ERROR] stream failed
      Traceback (most recent call last):
        File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events
      httpx.ReadError: [Errno 104] Connection reset by peer
      """)
    XCTAssertEqual(report.streams.map(\.call), [1, 1], "the same idempotency key is one call, even with no retry line")
    XCTAssertEqual(report.streams.map(\.attempt), [1, 2])
    XCTAssertEqual(report.streams[1].sdk, "anthropic 0.79.0")
    XCTAssertTrue(report.streams[1].evidence.contains { $0.note.contains("x-stainless-retry-count: 1") })
  }

  func testStainlessTimeoutNamesTheClientsConfiguredTimeout() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 DEBUG [w] proxy: request headers {'User-Agent': 'OpenAI/Python 3.54.0', 'X-Stainless-Timeout': '15', 'X-Stainless-Retry-Count': '0'}
      2026-11-22 10:00:00,010 INFO [w] httpx2: HTTP Request: POST https://x/v1/chat/completions "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [w] app: chunk chat.completion.chunk finish_reason=None
      2026-11-22 10:00:15,110 ERROR [w] app: stream failed
      Traceback (most recent call last):
        File "/venv/site-packages/openai/_streaming.py", line 57, in _iter_events
      httpx2.ReadTimeout: timed out
      """)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .idleTimeout)
    XCTAssertEqual(stream.side, .client)
    XCTAssertEqual(stream.sdk, "openai 3.54.0")
    XCTAssertTrue(stream.summary.contains("its timeout was 15 s"), stream.summary)
  }

  func testShortStreamsEndingTogetherAreNotACap() throws {
    var text = ""
    for (n, worker) in ["a", "b", "c", "d"].enumerated() {
      text += """
        2026-11-22 10:00:0\(n).000 INFO [\(worker)] httpx: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
        2026-11-22 10:00:0\(n).500 DEBUG [\(worker)] app: event content_block_delta
        2026-11-22 10:00:0\(n).550 ERROR [\(worker)] app: failed: httpx.ReadError: [Errno 104] Connection reset by peer

        """
    }
    let report = try TestSupport.analyze(text: text)
    XCTAssertEqual(report.counts.failed, 4)
    XCTAssertFalse(report.notes.contains { $0.contains("streams were cut") }, "\(report.notes)")
  }

  /// An application that says an end marker did not come has not received it.
  func testNegatedEndMarkersAreNotEvents() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [w] httpx: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:00,100 DEBUG [w] app: event content_block_delta
      2026-11-22 10:00:00,200 INFO [w] app: stream ended without message_stop, keeping 812 chars
      2026-11-22 10:00:00,300 INFO [w] app: did not receive `message_stop` either
      """)
    XCTAssertEqual(report.streams.map(\.outcome), [.failed])
    XCTAssertEqual(report.streams.first?.lastEvent, "content_block_delta")
  }

  /// The SDK named by the logger of a record that prints a raw transport error: the SDK let it escape.
  func testSDKNamedByTheLoggerFindsTheLeak() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 ERROR [w] anthropic.stream: stream failed: peer closed connection without sending complete message body (incomplete chunked read)
      """)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .unknown, "nothing times the close: idle or flowing is not shown")
    XCTAssertEqual(stream.candidates, [.idleTimeout, .serverCloseDuringDelta])
    XCTAssertTrue(stream.findings.contains(.unwrappedExceptionLeak))
    // A traceback logged under an SDK's logger, with none of the SDK's frames in it.
    let traced = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 ERROR [w] anthropic.client: stream failed
      Traceback (most recent call last):
        File "/app/main.py", line 3, in run
      httpx2.ReadError: [Errno 104] Connection reset by peer
      """)
    XCTAssertTrue(traced.streams.first?.findings.contains(.unwrappedExceptionLeak) == true)
    XCTAssertEqual(LogReader<Assembler>.namedSDK(inLogger: "openai._base_client"), "openai")
    XCTAssertNil(LogReader<Assembler>.namedSDK(inLogger: "app.openai_proxy"))
    XCTAssertEqual(LogReader<Assembler>.namedSDK("Error from OpenAI API: "), "openai")
    XCTAssertNil(LogReader<Assembler>.namedSDK("litellm.APIConnectionError: AnthropicException - "))
    XCTAssertNil(LogReader<Assembler>.namedSDK("POST https://api.openai.com/v1/chat: "))
    XCTAssertNil(LogReader<Assembler>.namedSDK("error from the OpenAI-compatible server: "))
  }

  /// A Node error in a record's message, with its stack and the error object's properties after it.
  func testNodeErrorInARecordWithStatusAndRequestIDProperties() throws {
    let report = try TestSupport.analyze(text: """
      2026-11-22T10:00:00.000Z ERROR chat: call failed: RateLimitError: 429 {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}
          at APIError.generate (/app/node_modules/@anthropic-ai/sdk/core/error.js:63:20) {
        status: 429,
        headers: {
          'request-id': 'req_011CSHoEeqs5C35K2UUqR7Fy'
        }
      }
      """)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(report.streams.count, 1)
    XCTAssertEqual(stream.status, 429)
    XCTAssertEqual(stream.requestID, "req_011CSHoEeqs5C35K2UUqR7Fy")
    XCTAssertEqual(stream.cause, .clientError)
  }
}
