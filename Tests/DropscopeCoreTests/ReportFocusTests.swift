import Foundation
import XCTest

@testable import DropscopeCore

/// `--since`, `--until`, `--request-id` and `--context`: which streams the report judges and lists, and what it says
/// it left out.
final class ReportFocusTests: XCTestCase {
  func sample(_ name: String) throws -> [URL] {
    let folder = TestSupport.sampleLogs.appendingPathComponent(name)
    return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
      .filter { !$0.lastPathComponent.hasPrefix("expected-") }
      .sorted { $0.lastPathComponent < $1.lastPathComponent }
  }

  func analyze(_ name: String, _ focus: ReportFocus) throws -> Report {
    var options = AnalysisOptions()
    options.focus = focus
    let inputs = try sample(name).map { url in
      AnalysisInput(path: url.path, displayName: String(url.path.dropFirst(TestSupport.sampleLogs.path.count + 1)))
    }
    return Analyzer(options: options).analyze(inputs)
  }

  func testTimesTakenWithAndWithoutZone() {
    let t = TimestampParser.parse("2026-11-22T15:52:48Z")!
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22T15:52:48Z"), t)
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22 15:52:48"), t)
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22T16:52:48+01:00"), t)
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22T16:52:48", unzonedOffsetMinutes: 60), t)
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22T16:52:48Z", unzonedOffsetMinutes: 60), t + 3_600_000_000,
                   "a zone given wins over --tz")
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22T15:52:48.250Z"), t + 250_000)
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22T15:52"), t - 48_000_000)
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22T16:52+01:00"), t - 48_000_000)
    XCTAssertEqual(ReportFocus.parseTime("2026-11-22"), TimestampParser.parse("2026-11-22T00:00:00Z"))
    for bad in ["yesterday", "2026-11-22T25:00:00Z", "2026-11-22T15:52:48Zjunk", "15:52:48", "2026-11", ""] {
      XCTAssertNil(ReportFocus.parseTime(bad), bad)
    }
  }

  func testAStreamIsPlacedByItsStartElseItsEnd() throws {
    let report = try analyze("01-server-fin-mid-delta", ReportFocus())
    var stream = try XCTUnwrap(report.streams.first)
    let start = try XCTUnwrap(stream.startedAt.flatMap(TimestampParser.parse))
    var focus = ReportFocus()
    focus.since = start
    XCTAssertNil(focus.exclusion(of: stream), "--since is inclusive")
    focus.since = start + 1
    XCTAssertEqual(focus.exclusion(of: stream), .outsideTime)
    focus.since = nil
    focus.until = start
    XCTAssertNil(focus.exclusion(of: stream), "--until is inclusive")
    stream.startedAt = nil
    stream.endedAt = TimeFormatting.iso(start + 5_000_000)
    XCTAssertEqual(focus.exclusion(of: stream), .outsideTime, "without a start, the end places the stream")
    stream.endedAt = nil
    XCTAssertEqual(focus.exclusion(of: stream), .noTime)
    XCTAssertNil(ReportFocus().exclusion(of: stream), "without --since/--until a stream without time is kept")
    focus.contexts = ["elsewhere"]
    XCTAssertEqual(focus.exclusion(of: stream), .otherContext, "a stream outside on other grounds is not counted as timeless")
  }

  func testContextFocusKeepsThatContextAndCountsTheRest() throws {
    let all = try analyze("10-mixed-workers", ReportFocus())
    var focus = ReportFocus()
    focus.contexts = ["worker_1"]
    let focused = try analyze("10-mixed-workers", focus)
    let expected = all.streams.filter { $0.context == "worker_1" }
    XCTAssertFalse(expected.isEmpty)
    XCTAssertEqual(focused.streams.map(\.id), expected.map(\.id))
    XCTAssertEqual(focused.counts.streams, expected.count)
    XCTAssertEqual(focused.counts.failed, expected.filter { $0.outcome == .failed }.count)
    XCTAssertEqual(focused.counts.completed + focused.counts.failed, focused.counts.streams)
    let summary = try XCTUnwrap(focused.focus)
    XCTAssertEqual(summary.leftOut, all.counts.streams - expected.count)
    XCTAssertEqual(summary.leftOutWithoutTime, 0)
    XCTAssertTrue(focused.notes.first?.hasPrefix("Focus: context `worker_1`.") == true, focused.notes.first ?? "")
    XCTAssertEqual(focused.inputs.map(\.streams), all.inputs.map(\.streams), "the inputs' counts are before the focus")
    XCTAssertNil(all.focus)
  }

  func testRequestIDsAndTimeBoundsTogether() throws {
    let all = try analyze("05-api-status-errors", ReportFocus())
    let withIDs = all.streams.filter { $0.requestID != nil }
    XCTAssertGreaterThanOrEqual(withIDs.count, 2)
    var focus = ReportFocus()
    focus.requestIDs = withIDs.prefix(2).compactMap(\.requestID)
    let byID = try analyze("05-api-status-errors", focus)
    XCTAssertEqual(byID.streams.map(\.id), withIDs.prefix(2).map(\.id))
    // Then only the later of the two, by time.
    focus.since = try XCTUnwrap(withIDs[1].startedAt.flatMap(TimestampParser.parse))
    let later = try analyze("05-api-status-errors", focus)
    XCTAssertEqual(later.streams.map(\.id), [withIDs[1].id])
    XCTAssertEqual(later.focus?.leftOut, all.counts.streams - 1)
  }

  func testStreamsWithoutTimeAreLeftOutOnlyByTimeBounds() throws {
    let all = try analyze("06-midstream-error-event", ReportFocus())
    let timeless = all.streams.filter { $0.startedAt == nil && $0.endedAt == nil }.count
    XCTAssertGreaterThan(timeless, 0)
    var focus = ReportFocus()
    focus.since = TimestampParser.parse("2000-01-01T00:00:00Z")
    let focused = try analyze("06-midstream-error-event", focus)
    XCTAssertEqual(focused.counts.streams, all.counts.streams - timeless)
    XCTAssertEqual(focused.focus?.leftOutWithoutTime, timeless)
    XCTAssertTrue(focused.notes.first?.contains("for having no time") == true, focused.notes.first ?? "")
  }

  /// A capture's stream names a connection, not a thread: focused on the log's thread, the request is still judged
  /// from both views, and the capture's stream is not counted as left out.
  func testACaptureViewOutsideTheFocusStillJoinsItsLogStream() throws {
    let all = try analyze("21-capture-tls", ReportFocus())
    XCTAssertGreaterThan(all.counts.seenInLogAndCapture, 0)
    let context = try XCTUnwrap(all.streams.first { !$0.views.isEmpty }?.context)
    var focus = ReportFocus()
    focus.contexts = [context]
    let focused = try analyze("21-capture-tls", focus)
    let joined = all.streams.filter { $0.context == context && !$0.views.isEmpty }
    XCTAssertEqual(focused.counts.seenInLogAndCapture, joined.count)
    XCTAssertEqual(focused.streams.filter { !$0.views.isEmpty }.map(\.summary), joined.map(\.summary))
    XCTAssertEqual(focused.counts.streams, all.streams.filter { $0.context == context }.count)
    XCTAssertEqual(focused.focus?.leftOut, all.counts.streams - focused.counts.streams)
  }

  /// Each format says the report is focused where its facts are, not only in the notes at its end.
  func testEveryFormatSaysWhatTheFocusLeftOut() throws {
    var focus = ReportFocus()
    focus.contexts = ["worker_1"]
    let report = try analyze("10-mixed-workers", focus)
    let markdown = try MarkdownRenderer().render(report)
    XCTAssertTrue(markdown.contains("| Focus | context `worker_1`; 11 streams left out |"), markdown)
    let jira = try JiraRenderer().render(report)
    XCTAssertTrue(jira.contains("|Focus|context {{worker\\_1}}; 11 streams left out|"), jira)
    let html = try HTMLRenderer().render(report)
    XCTAssertTrue(html.contains("<tr><th>Focus</th><td>context <code>worker_1</code>; 11 streams left out</td></tr>"))
    let plain = try MarkdownRenderer().render(try analyze("10-mixed-workers", ReportFocus()))
    XCTAssertFalse(plain.contains("Focus"))
  }

  func testFocusedJSONCarriesTheFocusAndTheRestIsUnchanged() throws {
    var focus = ReportFocus()
    focus.contexts = ["worker_1"]
    focus.until = TimestampParser.parse("2030-01-01T00:00:00Z")
    let json = try JSONRenderer().render(try analyze("10-mixed-workers", focus))
    let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let summary = try XCTUnwrap(object["focus"] as? [String: Any])
    XCTAssertEqual(summary["contexts"] as? [String], ["worker_1"])
    XCTAssertEqual(summary["until"] as? String, "2030-01-01T00:00:00.000Z")
    XCTAssertTrue(summary["since"] is NSNull)
    XCTAssertEqual(summary["request_ids"] as? [String], [])
    XCTAssertNotNil(summary["left_out_without_time"] as? Int)
    let plain = try JSONRenderer().render(try analyze("10-mixed-workers", ReportFocus()))
    XCTAssertFalse(plain.contains("\"focus\""), "an unfocused report has no focus key")
  }
}
