import Foundation
import XCTest

/// Runs the built `dropscope` binary as a user would and checks its exit status.
final class CommandLineTests: XCTestCase {
  func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    try TestSupport.run(TestSupport.dropscopeBinary(), arguments, stdin: stdin)
  }

  func testAnalyzeSampleLogsPrintsAReportAndExitsZero() throws {
    let result = try run(["analyze", "SampleLogs/"])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.hasPrefix("# dropscope report"))
    XCTAssertTrue(result.stdout.contains("server_close_during_delta"))
  }

  func testFailOnDropsExitsOneWhenAStreamFailed() throws {
    XCTAssertEqual(try run(["analyze", "--fail-on-drops", "SampleLogs/01-server-fin-mid-delta"]).status, 1)
  }

  func testStandardInputAndJSONToAFile() throws {
    let log = try Data(contentsOf: TestSupport.sampleLogs.appendingPathComponent("03-proxy-idle-timeout/app.log.gz"))
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("dropscope-\(UUID()).json")
    defer { try? FileManager.default.removeItem(at: output) }
    let result = try run(["analyze", "-", "--format", "json", "-o", output.path], stdin: log)
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any]
    let streams = try XCTUnwrap(json?["streams"] as? [[String: Any]])
    XCTAssertEqual(streams.first?["cause"] as? String, "idle_timeout")
    XCTAssertEqual(streams.first?["input"] as? String, "<stdin>")
  }

  func testUnreadableInputAndBadFlagsFailClearly() throws {
    let missing = try run(["analyze", "no-such-dir/"])
    XCTAssertEqual(missing.status, 66)
    XCTAssertTrue(missing.stderr.contains("cannot read 'no-such-dir/'"), missing.stderr)
    let badFlag = try run(["analyze", "--format", "yaml", "SampleLogs/"])
    XCTAssertEqual(badFlag.status, 64)
    let badDate = try run(["analyze", "--date", "2026-13-01", "SampleLogs/22-curl-traces/"])
    XCTAssertEqual(badDate.status, 64)
    XCTAssertTrue(badDate.stderr.contains("--date takes a day as YYYY-MM-DD"), badDate.stderr)
    let badZone = try run(["analyze", "--tz", "CET", "SampleLogs/22-curl-traces/"])
    XCTAssertEqual(badZone.status, 64)
    XCTAssertTrue(badZone.stderr.contains("--tz takes an offset from UTC"), badZone.stderr)
    let badThreads = try run(["analyze", "--threads", "0", "SampleLogs/20-capture-loopback/"])
    XCTAssertEqual(badThreads.status, 64)
    XCTAssertTrue(badThreads.stderr.contains("--threads takes a number from 1 to 64"), badThreads.stderr)
  }

  func testFocusFlags() throws {
    let focused = try run(["analyze", "--format", "json", "--context", "worker_1", "--context", "worker_2",
                           "--since", "2026-11-22 16:38:33", "--tz", "+01:00", "SampleLogs/10-mixed-workers/"])
    XCTAssertEqual(focused.status, 0, focused.stderr)
    let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(focused.stdout.utf8)) as? [String: Any])
    let focus = try XCTUnwrap(json["focus"] as? [String: Any])
    XCTAssertEqual(focus["contexts"] as? [String], ["worker_1", "worker_2"])
    // The log's times, without a zone, are in --tz too: the focus and the log agree on the clock.
    XCTAssertEqual(focus["since"] as? String, "2026-11-22T15:38:33.000Z", "a time without a zone is in --tz")
    let streams = try XCTUnwrap(json["streams"] as? [[String: Any]])
    XCTAssertEqual(streams.map { $0["id"] as? Int }, [7, 8, 11, 12, 13, 14])
    XCTAssertEqual(focus["left_out"] as? Int, 9)
    let none = try run(["analyze", "--fail-on-drops", "--request-id", "req_nothing_like_it", "SampleLogs/10-mixed-workers/"])
    XCTAssertEqual(none.status, 0, "no stream in focus failed")
    XCTAssertTrue(none.stdout.contains("Focus: request id `req_nothing_like_it`."), none.stdout)
    XCTAssertTrue(none.stderr.contains("dropscope: no stream is in the focus (15 found, all left out by request id req_nothing_like_it)"), none.stderr)
    let badSince = try run(["analyze", "--since", "yesterday", "SampleLogs/10-mixed-workers/"])
    XCTAssertEqual(badSince.status, 64)
    XCTAssertTrue(badSince.stderr.contains("--since takes an ISO 8601 time"), badSince.stderr)
    let backwards = try run(["analyze", "--since", "2026-11-22T17:00:00Z", "--until", "2026-11-22T16:00:00Z", "SampleLogs/10-mixed-workers/"])
    XCTAssertEqual(backwards.status, 64)
    XCTAssertTrue(backwards.stderr.contains("--until is before --since"), backwards.stderr)
  }

  func testThreadsDoNotChangeTheReport() throws {
    let one = try run(["analyze", "--format", "json", "--threads", "1", "SampleLogs/20-capture-loopback/"])
    let three = try run(["analyze", "--format", "json", "--threads", "3", "SampleLogs/20-capture-loopback/"])
    XCTAssertEqual(one.status, 0)
    XCTAssertFalse(one.stdout.isEmpty)
    XCTAssertEqual(one.stdout, three.stdout)
  }
}
