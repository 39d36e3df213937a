import Foundation
import XCTest

@testable import DropscopeCore

/// Each folder of SampleLogs is an incident recorded from the real SDKs; its expected
/// reports sit beside the logs. `RECORD_GOLDEN=1 swift test --filter GoldenReportTests`
/// re-records them (and fails, so a recording is never mistaken for a pass).
final class GoldenReportTests: XCTestCase {
  static let expectedMarkdown = "expected-report.md"
  static let expectedJSON = "expected-report.json"

  func incidents() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: TestSupport.sampleLogs, includingPropertiesForKeys: nil)
      .filter { $0.hasDirectoryPath }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
  }

  func logs(in incident: URL) throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: incident, includingPropertiesForKeys: nil)
      .filter { !$0.lastPathComponent.hasPrefix("expected-") }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
  }

  func testEveryIncidentMatchesItsExpectedReports() throws {
    let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    let all = try incidents()
    XCTAssertGreaterThanOrEqual(all.count, 10, "SampleLogs should hold one incident per cause plus a mixed one")
    for incident in all {
      let report = TestSupport.analyze(try logs(in: incident), relativeTo: TestSupport.sampleLogs)
      let outputs = [
        (Self.expectedMarkdown, try MarkdownRenderer().render(report)),
        (Self.expectedJSON, try JSONRenderer().render(report)),
      ]
      for (name, actual) in outputs {
        let url = incident.appendingPathComponent(name)
        if record {
          try actual.write(to: url, atomically: true, encoding: .utf8)
          continue
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        if actual != expected {
          let diffLine = zip(actual.split(separator: "\n", omittingEmptySubsequences: false),
                             expected.split(separator: "\n", omittingEmptySubsequences: false))
            .enumerated().first { $0.element.0 != $0.element.1 }
          XCTFail("""
            \(incident.lastPathComponent)/\(name) differs from the analysis\
            \(diffLine.map { " at line \($0.offset + 1):\n  got:      \($0.element.0)\n  expected: \($0.element.1)" } ?? " in length")
            """)
        }
      }
    }
    if record { XCTFail("recorded the expected reports; run again without RECORD_GOLDEN to compare") }
  }

  func testReportIsDeterministic() throws {
    let all = try incidents()
    let urls = try all.flatMap { try logs(in: $0) }
    let first = TestSupport.analyze(urls, relativeTo: TestSupport.sampleLogs)
    let second = TestSupport.analyze(urls, relativeTo: TestSupport.sampleLogs)
    XCTAssertEqual(try JSONRenderer().render(first), try JSONRenderer().render(second))
    XCTAssertEqual(try MarkdownRenderer().render(first), try MarkdownRenderer().render(second))
  }

  /// The verdict each incident was made to show, checked on the JSON a user would get.
  func testEveryIncidentGetsTheCauseItWasRecordedFor() throws {
    let expectations: [String: [(cause: String?, leak: Bool)]] = [
      "01-server-fin-mid-delta": [(nil, false), ("server_close_during_delta", true), (nil, false)],
      "02-server-rst-mid-delta": [(nil, false), ("server_close_during_delta", true)],
      "03-proxy-idle-timeout": [("idle_timeout", true), (nil, false)],
      "04-client-read-timeout": [("idle_timeout", true), ("idle_timeout", false)],
      "06-midstream-error-event": [("server_error", false), (nil, false)],
      "07-clean-truncation": [("server_close_during_delta", false)],
      "08-client-cancel": [("client_error", false), ("client_error", false)],
      "09-openai-streams": [("server_close_during_delta", true), (nil, false), ("server_close_during_delta", false)],
      "11-httpcore-trace": [(nil, false), ("server_close_during_delta", true)],
      "13-node-fetch": [("server_close_during_delta", false), (nil, false), ("server_close_during_delta", false),
                        ("client_error", false), (nil, false), ("server_close_during_delta", false),
                        ("server_close_during_delta", false)],
      // The application's log and the capture of the same runs: each request is one stream, its verdict from both
      // views (the capture measures the close, the log shows the raw exception the application saw).
      "20-capture-loopback": [(nil, false), ("server_close_during_delta", true), ("server_close_during_delta", true),
                              ("server_error", false), ("server_close_during_delta", false), ("idle_timeout", true)],
      // HTTPS without keys: the log decides where record timing cannot (the capture alone is tested in CaptureTests).
      "21-capture-tls": [(nil, false), ("server_close_during_delta", true), ("server_close_during_delta", true),
                         ("idle_timeout", true)],
      // curl traces: a verdict per file, in name order (clean truncation, complete, refused connection, in-band
      // error, FIN, HTTP/2 complete, HTTP/2 stream reset by the proxy, RST, stall, FIN seen by `curl -v`).
      // The RST trace without --trace-time and the `curl -v` paste time nothing: idle close or close during deltas
      // is not shown, so those two are `unknown` with both as candidates.
      "22-curl-traces": [("server_close_during_delta", false), (nil, false), ("client_error", false), ("server_error", false),
                         ("server_close_during_delta", false), (nil, false), ("server_close_during_delta", false),
                         ("unknown", false), ("idle_timeout", false), ("unknown", false)],
      // A HAR exported by mitmproxy: it keeps no trace of the FIN and RST cuts (empty 200s), so those stay unknown.
      "23-har-mitmproxy": [(nil, false), ("unknown", false), ("unknown", false), ("server_close_during_delta", false),
                           ("server_error", false)],
      "14-openai-responses": [(nil, false), ("server_close_during_delta", false), ("server_error", false)],
      // HTTPS with the client's key log beside the capture, the same capture with the keys injected into it
      // (pcapng), and the same capture without keys: each request keeps the plain-text verdict.
      "38-capture-tls-keylog": [(nil, false), ("server_close_during_delta", true)],
      "39-capture-tls-embedded-keys": [(nil, false), ("server_close_during_delta", true)],
      "40-capture-tls-keys-missing": [(nil, false), ("server_close_during_delta", true)],
      // curl over HTTP/2 to the HTTP/2 fault server, in plain text (h2c) and over TLS with its key log: complete,
      // FIN, server RST_STREAM, GOAWAY, and curl giving up on a slow stream (a client cancel).
      "41-capture-h2c": [(nil, false), ("server_close_during_delta", false), ("server_close_during_delta", false),
                         ("server_close_during_delta", false), ("client_error", false)],
      "42-capture-h2-tls-keylog": [(nil, false), ("server_close_during_delta", false),
                                   ("server_close_during_delta", false), ("server_close_during_delta", false),
                                   ("client_error", false)],
      // curl's own traces of HTTP/2 over TLS: curl 8 on a FIN mid-stream (only the server's close_notify shows it);
      // curl 7.88 running two transfers at once without transfer ids (what arrives while both are in flight is
      // neither's: curl's clean end decides the one, the reset one stays open); curl 8 with `--trace-ids`, three
      // transfers multiplexed on one connection, each its own attempt.
      "50-curl-h2-parallel": [("server_close_during_delta", false), (nil, false), ("unknown", false), (nil, false),
                              ("server_close_during_delta", false), (nil, false)],
      // pcapng from dumpcap with the older SDKs (anthropic FIN, openai RST), joined with the log.
      "24-capture-pcapng": [(nil, false), ("server_close_during_delta", true), ("server_close_during_delta", true),
                            (nil, false)],
      // HTTPS through a CONNECT proxy with a 5 s idle limit: complete (the proxy later closes the idle connection;
      // the log's view decides it), FIN, and the proxy cutting a stalled stream.
      "26-capture-proxy-connect": [(nil, false), ("server_close_during_delta", true), ("idle_timeout", true)],
      // A snap length that cut the heads and the longer events: still FIN, RST and a clean truncation.
      "25-capture-snaplen": [(nil, false), ("server_close_during_delta", true), ("server_close_during_delta", true),
                             ("server_close_during_delta", false)],
      "12-json-logs": [(nil, false), ("server_error", false), ("server_close_during_delta", true), (nil, false),
                       ("server_close_during_delta", true), ("server_error", false), ("server_error", false),
                       ("server_error", false)],
      "05-api-status-errors": [("client_error", false), ("client_error", false)]
        + Array(repeating: ("client_error", false), count: 3) + Array(repeating: ("server_error", false), count: 5)
        + [(nil, false)],
      "10-mixed-workers": [(nil, false), (nil, false), (nil, false), (nil, false), ("server_close_during_delta", true),
                           ("server_close_during_delta", true), ("server_close_during_delta", true),
                           ("server_error", false), ("server_error", false), (nil, false), ("server_error", false),
                           (nil, false), ("server_error", false), ("server_close_during_delta", false), (nil, false)],
    ]
    var checked = 0
    for (name, expected) in expectations.sorted(by: { $0.key < $1.key }) {
      checked += expected.count
      let incident = TestSupport.sampleLogs.appendingPathComponent(name)
      let report = TestSupport.analyze(try logs(in: incident), relativeTo: TestSupport.sampleLogs)
      XCTAssertEqual(report.streams.map(\.cause?.rawValue), expected.map(\.cause), name)
      XCTAssertEqual(report.streams.map { $0.findings.contains(.unwrappedExceptionLeak) }, expected.map(\.leak), name)
      for stream in report.streams where stream.outcome == .failed {
        XCTAssertFalse(stream.evidence.isEmpty, "\(name) stream \(stream.id) has no evidence")
        XCTAssertFalse(stream.fixes.isEmpty, "\(name) stream \(stream.id) has no fix")
      }
    }
    XCTAssertEqual(checked, 121, "every stream of every incident has an expected verdict")
  }

  func testJSONCarriesTheDocumentedFields() throws {
    let incident = TestSupport.sampleLogs.appendingPathComponent("10-mixed-workers")
    let report = TestSupport.analyze(try logs(in: incident), relativeTo: TestSupport.sampleLogs)
    let json = try JSONSerialization.jsonObject(with: Data(try JSONRenderer().render(report).utf8)) as! [String: Any]
    XCTAssertEqual(json["$schema"] as? String, "dropscope.report.v2")
    XCTAssertNotNil(json["warnings"] as? [Any])
    let streams = try XCTUnwrap(json["streams"] as? [[String: Any]])
    for stream in streams {
      for key in ["request_id", "outcome", "cause", "findings", "confidence", "evidence", "fixes"] {
        XCTAssertTrue(stream.keys.contains(key), "stream lacks \(key)")
      }
      if stream["outcome"] as? String == "completed" { XCTAssertTrue(stream["cause"] is NSNull) }
    }
  }

  /// The fault server puts the scenario in the URL (`/s/fin-mid-delta/v1/messages`): every stream's verdict must
  /// be the one its scenario produces, whatever order the workers ran in.
  ///
  /// Incidents recorded with their ground truth (`expected-verdicts.json`, from what the fault server did and what
  /// the application saw) are left to `Tools/samples/score_samples.py`: there the scenario is not the whole truth
  /// (a caller that cancels a `complete` stream, a client read timeout on `stall`).
  func testEveryVerdictMatchesTheScenarioInItsURL() throws {
    let expected: [String: String?] = [
      "fin-mid-delta": "server_close_during_delta", "rst-mid-delta": "server_close_during_delta",
      "idle-close": "idle_timeout", "clean-truncation": "server_close_during_delta",
      "status-400": "client_error", "status-401": "client_error", "status-429": "client_error",
      "status-529": "server_error", "error-event": "server_error", "tool-pause": nil,
      "response-failed": "server_error",
    ]
    var checked = 0
    for incident in try incidents() {
      if FileManager.default.fileExists(atPath: incident.appendingPathComponent("expected-verdicts.json").path) {
        continue
      }
      let report = TestSupport.analyze(try logs(in: incident), relativeTo: TestSupport.sampleLogs)
      for stream in report.streams {
        guard let url = stream.url, let range = url.range(of: "/s/") else { continue }
        let scenario = String(url[range.upperBound...].prefix { $0 != "/" })
        var want: String?? = expected[scenario]
        if scenario == "stall" { want = stream.input.contains("node") ? "client_error" : "idle_timeout" }
        if scenario == "complete", !incident.lastPathComponent.hasPrefix("08") { want = .some(nil) }
        if scenario == "overloaded-then-ok" { want = stream.status == 529 ? "server_error" : nil }
        // mitmproxy's HAR records a stream cut by FIN or RST as an empty 200: the export cannot decide it.
        if stream.input.hasSuffix(".har"), scenario.hasSuffix("-mid-delta") { want = "unknown" }
        guard let cause = want else { continue }
        checked += 1
        // An input that times nothing (curl -v, a trace without --trace-time) cannot tell an idle close from a
        // close during deltas: `unknown` naming the scenario's cause among its candidates is the right answer.
        if stream.cause == .unknown, stream.silenceBeforeEnd == nil, let c = cause, stream.candidates.map(\.rawValue).contains(c) {
          continue
        }
        XCTAssertEqual(stream.cause?.rawValue, cause, "\(stream.input) stream \(stream.id) (\(scenario))")
      }
    }
    XCTAssertGreaterThan(checked, 40)
  }
}
