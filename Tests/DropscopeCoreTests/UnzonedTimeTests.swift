import Foundation
import XCTest

@testable import DropscopeCore

/// `--tz` for log timestamps written without a zone: read in the zone given, UTC without it; times with a zone keep
/// theirs.
final class UnzonedTimeTests: XCTestCase {
  func analyze(_ folder: String, offset: Int?) throws -> Report {
    let url = TestSupport.sampleLogs.appendingPathComponent(folder)
    let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
      .filter { !$0.lastPathComponent.hasPrefix("expected-") }.sorted { $0.path < $1.path }
    var options = AnalysisOptions()
    options.logUTCOffsetMinutes = offset
    let inputs = files.map { AnalysisInput(path: $0.path, displayName: String($0.path.dropFirst(url.path.count + 1))) }
    return Analyzer(options: options).analyze(inputs)
  }

  func testZonelessLogTimesAreReadInTheZoneGiven() throws {
    let utc = try analyze("10-mixed-workers", offset: nil)
    let east = try analyze("10-mixed-workers", offset: 90)
    XCTAssertTrue(utc.notes.contains("Timestamps without a time zone were read as UTC."))
    XCTAssertTrue(east.notes.contains("Timestamps without a time zone were read as UTC+01:30 (`--tz`)."), "\(east.notes)")
    XCTAssertEqual(utc.streams.count, east.streams.count)
    XCTAssertFalse(utc.streams.isEmpty)
    for (a, b) in zip(utc.streams, east.streams) {
      let start = try XCTUnwrap(a.startedAt.flatMap(TimestampParser.parse))
      XCTAssertEqual(b.startedAt.flatMap(TimestampParser.parse), start - 90 * 60_000_000, "stream \(a.id)")
      XCTAssertEqual(a.duration, b.duration)
      XCTAssertEqual(a.cause, b.cause)
      XCTAssertEqual(a.evidence.compactMap(\.time).compactMap(TimestampParser.parse).map { $0 - 90 * 60_000_000 },
                     b.evidence.compactMap(\.time).compactMap(TimestampParser.parse))
    }
    let span = try XCTUnwrap(utc.timeSpan), shifted = try XCTUnwrap(east.timeSpan)
    XCTAssertEqual(TimestampParser.parse(shifted.start), TimestampParser.parse(span.start)! - 90 * 60_000_000)
  }

  func testZeroOffsetChangesNothingButTheNote() throws {
    var utc = try analyze("01-server-fin-mid-delta", offset: nil)
    var zero = try analyze("01-server-fin-mid-delta", offset: 0)
    XCTAssertTrue(zero.notes.contains("Timestamps without a time zone were read as UTC+00:00 (`--tz`)."))
    utc.notes = []
    zero.notes = []
    XCTAssertEqual(utc, zero)
  }

  /// A syslog envelope's `Nov 22 10:00:00` has no zone either: the lines that take its time take the zone given.
  func testAZonelessEnvelopeTimeIsReadInTheZoneGiven() throws {
    let log = """
      Nov 22 10:00:00 node-1 app[7]: INFO:httpx:HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      Nov 22 10:00:02 node-1 app[7]: INFO:httpx:HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"

      """
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("syslog")
    try Data(log.utf8).write(to: url)
    func starts(_ offset: Int?) -> [Microseconds] {
      var options = AnalysisOptions()
      options.logUTCOffsetMinutes = offset
      let report = Analyzer(options: options).analyze([AnalysisInput(path: url.path, displayName: "syslog")])
      return report.streams.compactMap { $0.startedAt.flatMap(TimestampParser.parse) }
    }
    let utc = starts(nil)
    XCTAssertEqual(utc.count, 2)
    XCTAssertEqual(starts(-120), utc.map { $0 + 120 * 60_000_000 })
  }

  func testTimesWithAZoneKeepTheirs() throws {
    let log = """
      2026-11-22T15:00:00.000+00:00 INFO [worker_0] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
      2026-11-22 15:00:00,000 INFO [worker_1] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"

      """
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("app.log")
    try Data(log.utf8).write(to: url)
    var options = AnalysisOptions()
    options.logUTCOffsetMinutes = -300
    let report = Analyzer(options: options).analyze([AnalysisInput(path: url.path, displayName: "app.log")])
    let starts = Dictionary(uniqueKeysWithValues: report.streams.compactMap { s in s.context.map { ($0, s.startedAt) } })
    XCTAssertEqual(starts["worker_0"], "2026-11-22T15:00:00.000Z", "\(report.streams.map { ($0.context, $0.startedAt) })")
    XCTAssertEqual(starts["worker_1"], "2026-11-22T20:00:00.000Z")
  }
}
