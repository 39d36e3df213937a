import Foundation
import XCTest

@testable import DropscopeCore

/// No input crashes dropscope: each once-crashing input gives a warning, and the other inputs of the run their report.
final class HostileInputTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws { directory = try TestSupport.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  func testEachOnceCrashingInputGivesAWarningNamingIt() throws {
    for input in HostileInputs.all {
      let url = directory.appendingPathComponent(input.name)
      try Data(input.bytes).write(to: url)
      let report = TestSupport.analyze([url], relativeTo: directory)
      XCTAssertTrue(report.warnings.contains { $0.input == input.name }, "\(input.name): \(report.warnings)")
    }
  }

  func testAbsurdValuesAreNamedWithWhereTheyAre() throws {
    let cases: [(HostileInputs.Input, String, line: Int?)] = [
      (HostileInputs.all[0], "the time 1e+300", 1),
      (HostileInputs.all[3], "the level 1e+300", 1),
      (HostileInputs.all[5], "HAR entry 1: `timings.wait` of 1e+300 ms", nil),
      (HostileInputs.all[6], "the packet at offset 60 has a timestamp", nil),
      (HostileInputs.all[7], "length 12 at offset 28", nil),
      (HostileInputs.all[9], "the packet at offset 168 has a length on the wire of 2147483", nil),
      (HostileInputs.all[10], "a count of lost bytes over 1 GiB", 3),
      (HostileInputs.all[11], "a count of lost bytes over 1 GiB", 9),
    ]
    for (input, expected, line) in cases {
      let url = directory.appendingPathComponent(input.name)
      try Data(input.bytes).write(to: url)
      let warnings = TestSupport.analyze([url], relativeTo: directory).warnings
      let warning = warnings.first { $0.message.contains(expected) }
      XCTAssertNotNil(warning, "\(input.name): \(warnings.map(\.message))")
      if let line { XCTAssertEqual(warning?.line, line, input.name) }
    }
  }

  func testAFolderMixingThemWithAGoodLogReportsTheGoodLogAndWarnsOfEachBadInput() throws {
    for input in HostileInputs.all { try Data(input.bytes).write(to: directory.appendingPathComponent(input.name)) }
    try HostileInputs.goodLog.write(to: directory.appendingPathComponent("good.log"), atomically: true, encoding: .utf8)
    let result = try TestSupport.run(TestSupport.dropscopeBinary(), ["analyze", "--format", "json", directory.path])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let streams = try XCTUnwrap(json["streams"] as? [[String: Any]])
    XCTAssertTrue(streams.contains { ($0["input"] as? String)?.hasSuffix("good.log") == true }, result.stdout)
    let warned = Set((json["warnings"] as? [[String: Any]] ?? []).compactMap { $0["input"] as? String })
    for input in HostileInputs.all {
      XCTAssertTrue(warned.contains { $0.hasSuffix("/" + input.name) }, "no warning for \(input.name): \(warned)")
    }
  }

  func testANegativeContentLengthIsReadUntilTheClose() throws {
    let url = directory.appendingPathComponent("negative-length.txt")
    try Data(HostileInputs.transcriptWithNegativeContentLength()).write(to: url)
    let report = TestSupport.analyze([url], relativeTo: directory)
    XCTAssertEqual(report.inputs.first?.kind, .transcript)
  }

  func testEnvelopeTimesPast64BitsAreLeftOut() throws {
    // journald's realtime of 19 digits, and a CloudWatch event's milliseconds that overflow as microseconds (found
    // beyond issue 10's list).
    let inputs = [
      ("journal.json", #"{"__REALTIME_TIMESTAMP": "9999999999999999999", "MESSAGE": "hello", "_PID": "1", "SYSLOG_IDENTIFIER": "app"}"#),
      ("events.jsonl", #"{"timestamp": 99999999999999999, "message": "hello", "ingestionTime": 1, "logStreamName": "s", "eventId": "1"}"#),
    ]
    for (name, line) in inputs {
      let url = directory.appendingPathComponent(name)
      try (line + "\n").write(to: url, atomically: true, encoding: .utf8)
      let report = TestSupport.analyze([url], relativeTo: directory)
      XCTAssertEqual(report.inputs.count, 1, name)
    }
  }

  func testAnApplicationsDurationPastAYearIsNoAccount() throws {
    // `after 1e38 s` and a number of 401 digits trapped when the call's start was computed (found beyond the list).
    for duration in [String(repeating: "9", count: 38), "1" + String(repeating: "0", count: 400)] {
      let report = try TestSupport.analyze(text: """
        2026-11-22 10:00:00,000 INFO [w] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
        2026-11-22 10:00:00,100 DEBUG [w] app.stream: event content_block_delta
        2026-11-22 10:00:01,000 ERROR [w] app: stream failed after \(duration) s with 17 deltas received

        """)
      XCTAssertEqual(report.counts.streams, 1)
    }
  }

  func testARetryDelayPastAYearIsNoDelay() throws {
    // A delay of 400 digits is infinite as a Double, and trapped where the next attempt's start was computed.
    let report = try TestSupport.analyze(text: """
      2026-11-22 10:00:00,000 INFO [w] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 529 Overloaded"
      2026-11-22 10:00:00,100 INFO [w] anthropic._base_client: Retrying request to /v1/messages in \(String(repeating: "9", count: 400)) seconds
      2026-11-22 10:00:02,000 INFO [w] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 10:00:02,100 DEBUG [w] app.stream: event content_block_delta

      """)
    XCTAssertEqual(report.counts.retries, 1)
  }

  func testAnAbsurdPriceIsABadFlag() throws {
    let result = try TestSupport.run(TestSupport.dropscopeBinary(), ["analyze", "--price", "input=1e308", "SampleLogs/01-server-fin-mid-delta"])
    XCTAssertEqual(result.status, 64, result.stderr)
    XCTAssertTrue(result.stderr.contains("--price takes prices from 0 to"), result.stderr)
  }
}
