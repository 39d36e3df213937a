import Foundation
import XCTest

@testable import DropscopeCore
@testable import dropscope

/// Progress on a terminal: what the analysis reports per input, how the line reads, and that the command shows it
/// only on a terminal (or when forced) and never with `--quiet`.
final class ProgressTests: XCTestCase {
  func progress(read: Int64, of total: Int64?, compressed: Bool = false, finished: Bool = false) -> InputProgress {
    InputProgress(index: 1, count: 3, name: "incident/app.log.gz", bytesRead: read, totalBytes: total,
                  compressed: compressed, finished: finished)
  }

  func testTheLineSaysBytesRateAndTimeLeft() {
    XCTAssertEqual(ProgressLine.text(progress(read: 0, of: 40_000_000), elapsed: 0, width: 120),
                   "dropscope: [2/3] incident/app.log.gz  0 B of 40.0 MB (0%)")
    XCTAssertEqual(ProgressLine.text(progress(read: 10_000_000, of: 40_000_000, compressed: true), elapsed: 2, width: 120),
                   "dropscope: [2/3] incident/app.log.gz  10.0 MB of 40.0 MB compressed (25%), 5.00 MB/s, 6.0 s left")
    XCTAssertEqual(ProgressLine.text(progress(read: 1_500_000, of: nil), elapsed: 0.25, width: 120),
                   "dropscope: [2/3] incident/app.log.gz  1.50 MB", "no rate before half a second, no total for a pipe")
    XCTAssertEqual(ProgressLine.text(progress(read: 300_000_000, of: 300_000_000, finished: true), elapsed: 3, width: 120),
                   "dropscope: [2/3] incident/app.log.gz  300 MB of 300 MB (100%), 100 MB/s")
    let narrow = ProgressLine.text(
      InputProgress(index: 0, count: 1, name: String(repeating: "x", count: 200) + "/app.log", bytesRead: 0,
                    totalBytes: 10, compressed: false, finished: false), elapsed: 0, width: 60)
    XCTAssertLessThan(narrow.count, 60)
    XCTAssertTrue(narrow.hasPrefix("dropscope: [1/1] …x"), narrow)
    XCTAssertTrue(narrow.hasSuffix("xx/app.log  0 B of 10 B (0%)"), narrow)
    // The name keeps its room as the figures grow: the line does not jump.
    let early = ProgressLine.text(progress(read: 0, of: 40_000_000), elapsed: 0, width: 70)
    let late = ProgressLine.text(progress(read: 20_000_000, of: 40_000_000), elapsed: 2, width: 70)
    XCTAssertEqual(early.components(separatedBy: "  ").first, late.components(separatedBy: "  ").first)
  }

  func testFiguresAndSummary() {
    XCTAssertEqual(ProgressLine.bytes(999), "999 B")
    XCTAssertEqual(ProgressLine.bytes(1_234_567), "1.23 MB")
    XCTAssertEqual(ProgressLine.bytes(4_020_000_000), "4.02 GB")
    XCTAssertEqual(ProgressLine.duration(0.42), "0.4 s")
    XCTAssertEqual(ProgressLine.duration(42), "42 s")
    XCTAssertEqual(ProgressLine.duration(185), "3:05")
    XCTAssertEqual(ProgressLine.duration(3723), "1:02:03")
    XCTAssertEqual(ProgressLine.duration(.infinity), "?")
    XCTAssertEqual(ProgressLine.summary(inputs: 2, bytesRead: 5_000_000, streams: 12, failed: 3, seconds: 1.25),
                   "dropscope: 2 inputs, 5.00 MB read in 1.2 s: 12 streams, 3 failed")
    XCTAssertEqual(ProgressLine.summary(inputs: 1, bytesRead: 10, streams: 1, failed: 0, seconds: 75),
                   "dropscope: 1 input, 10 B read in 1:15: 1 stream, 0 failed")
    XCTAssertEqual(ProgressLine.summary(inputs: 3, bytesRead: 6_900_000, streams: 27_629, failed: 1_105, seconds: 12),
                   "dropscope: 3 inputs, 6.90 MB read in 12 s: 27,629 streams, 1,105 failed")
    XCTAssertEqual(ProgressLine.grouped(999), "999")
    XCTAssertEqual(ProgressLine.grouped(1_000_000), "1,000,000")
  }

  /// Reports come per input, at its start, every MiB or so, and at its end: for a plain file, a gzip file and a
  /// capture read in place.
  func testTheAnalysisReportsEachInputsProgress() throws {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let line = "2026-11-22 15:52:48,030 INFO [worker_0] app.chat: nothing to see here, just filling the log\n"
    let text = Array(String(repeating: line, count: 60_000).utf8)  // about 5.5 MB
    let plain = directory.appendingPathComponent("a.log"), zipped = directory.appendingPathComponent("b.log.gz")
    try Data(text).write(to: plain)
    try Data(TestSupport.gzip(text)).write(to: zipped)
    let capture = TestSupport.sampleLogs.appendingPathComponent("20-capture-loopback/capture.pcap")
    final class Reports: @unchecked Sendable {
      let lock = NSLock()
      var all: [InputProgress] = []
      func add(_ p: InputProgress) { lock.lock(); all.append(p); lock.unlock() }
    }
    let reports = Reports()
    var analyzer = Analyzer()
    analyzer.onProgress = { reports.add($0) }
    let inputs = [plain, zipped, capture].map { AnalysisInput(path: $0.path, displayName: $0.lastPathComponent) }
    _ = analyzer.analyze(inputs)
    let byInput = Dictionary(grouping: reports.all, by: \.index)
    XCTAssertEqual(byInput.keys.sorted(), [0, 1, 2])
    for (index, url) in [plain, zipped, capture].enumerated() {
      let seen = try XCTUnwrap(byInput[index])
      let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int64)
      XCTAssertEqual(seen.first?.bytesRead, 0, url.lastPathComponent)
      XCTAssertEqual(seen.first?.finished, false)
      XCTAssertEqual(seen.last?.finished, true)
      XCTAssertEqual(seen.last?.bytesRead, size)
      XCTAssertEqual(seen.filter(\.finished).count, 1)
      XCTAssertTrue(seen.allSatisfy { $0.totalBytes == size && $0.count == 3 })
      XCTAssertEqual(seen.map(\.bytesRead), seen.map(\.bytesRead).sorted(), "bytes only grow")
      XCTAssertEqual(seen.first?.compressed, index == 1)
      // Not per line: a report per MiB at most, plus the start and the end.
      XCTAssertLessThanOrEqual(seen.count, Int(size >> 20) + 2)
    }
    XCTAssertGreaterThanOrEqual(byInput[0]!.count, 5, "a 5.5 MB file is reported along the way")
  }

  func testTheCommandShowsProgressOnlyWhenAsked() throws {
    let binary = try TestSupport.dropscopeBinary()
    let inputs = ["SampleLogs/10-mixed-workers/app.log.1.gz", "SampleLogs/10-mixed-workers/app.log.gz"]
    let forced = try TestSupport.run(binary, ["analyze"] + inputs, environment: ["DROPSCOPE_PROGRESS": "1", "COLUMNS": "150"])
    XCTAssertEqual(forced.status, 0, forced.stderr)
    XCTAssertTrue(forced.stderr.contains("\rdropscope: [1/2] SampleLogs/10-mixed-workers/app.log.1.gz"), forced.stderr)
    XCTAssertTrue(forced.stderr.contains("compressed"), forced.stderr)
    XCTAssertTrue(forced.stderr.contains("\r\u{1B}[Kdropscope: 2 inputs, "), forced.stderr)
    XCTAssertTrue(forced.stderr.hasSuffix(": 15 streams, 8 failed\n"), forced.stderr)
    XCTAssertEqual(forced.stderr.filter { $0 == "\n" }.count, 1, "one line, drawn over, then the summary")
    let quiet = try TestSupport.run(binary, ["analyze", "--quiet"] + inputs, environment: ["DROPSCOPE_PROGRESS": "1"])
    XCTAssertEqual(quiet.stderr, "")
    let piped = try TestSupport.run(binary, ["analyze"] + inputs)
    XCTAssertEqual(piped.stderr, "", "standard error is a pipe here, not a terminal")
    XCTAssertEqual(piped.stdout, forced.stdout, "progress changes nothing in the report")
    let version = try TestSupport.run(binary, ["--version"])
    XCTAssertEqual(version.stdout, DropscopeVersion.current + "\n")
  }
}
