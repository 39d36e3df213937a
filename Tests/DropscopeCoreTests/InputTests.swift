import Foundation
import XCTest

@testable import DropscopeCore

/// Bytes in, lines out: sniffing, gzip (multi-member, truncated, corrupt), line splitting, bad input.
final class InputTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = try TestSupport.temporaryDirectory()
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  static let goodLog = """
    2026-11-22 10:00:00,000 INFO [w] httpx2: HTTP Request: POST https://x/v1/messages "HTTP/1.1 200 OK"
    2026-11-22 10:00:00,100 DEBUG [w] app: event content_block_delta
    2026-11-22 10:00:00,120 ERROR [w] app: stream failed
    Traceback (most recent call last):
      File "/venv/site-packages/anthropic/_streaming.py", line 72, in _iter_events
    httpx2.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)

    """

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
  }

  func analyzeDirectory() throws -> Report {
    let inputs = try AnalysisInput.expand([directory.path]).map {
      AnalysisInput(path: $0.path, displayName: String($0.path.dropFirst(directory.path.count + 1)))
    }
    return Analyzer().analyze(inputs)
  }

  func testSplitterHandlesCRLFChunkBoundariesAndOverlongLines() {
    var splitter = LineSplitter(maxLineLength: 8)
    var lines: [String] = []
    let collect: (UnsafeRawBufferPointer, Int) -> Void = { lines.append(String(decoding: $0, as: UTF8.self) + "@\($1)") }
    for piece in ["ab", "c\r\nde", "f\n0123456789ABCDEF", "GH\nlast"] {
      Array(piece.utf8).withUnsafeBytes { splitter.feed($0, collect) }
    }
    splitter.finish(collect)
    XCTAssertEqual(lines, ["abc@1", "def@2", "01234567@3", "last@4"])
    XCTAssertEqual(splitter.overlongLines, [3])
  }

  func testGzipIsSniffedByContentAndMultiMemberIsReadWhole() throws {
    let half = InputTests.goodLog.count / 2
    let bytes = Array(InputTests.goodLog.utf8)
    // Two members, under a name that says nothing about gzip.
    try write("incident.txt", TestSupport.gzip(Array(bytes[..<half])) + TestSupport.gzip(Array(bytes[half...])))
    let report = try analyzeDirectory()
    XCTAssertEqual(report.inputs.first?.kind, .gzip)
    XCTAssertEqual(report.inputs.first?.decodedBytes, Int64(bytes.count))
    XCTAssertEqual(report.streams.map(\.cause), [.serverCloseDuringDelta])
    XCTAssertTrue(report.warnings.isEmpty, "\(report.warnings)")
  }

  func testTruncatedGzipKeepsWhatCameBeforeTheCutAndNamesTheOffset() throws {
    var long = ""
    for i in 0..<400 { long += "2026-11-22 10:00:00,\(String(format: "%03d", i % 1000)) INFO [w] app: filler line \(i) \(UUID())\n" }
    let packed = TestSupport.gzip(Array((InputTests.goodLog + long).utf8))
    let cut = packed.count * 2 / 3
    try write("rotated.log.gz", Array(packed[..<cut]))
    let report = try analyzeDirectory()
    let warning = try XCTUnwrap(report.warnings.first)
    XCTAssertEqual(warning.offset, Int64(cut))
    XCTAssertTrue(warning.message.contains("truncated"), warning.message)
    XCTAssertEqual(report.streams.map(\.cause), [.serverCloseDuringDelta], "the stream before the cut is still analyzed")
  }

  func testCorruptGzipWarnsAndKeepsTheGoodPart() throws {
    var packed = TestSupport.gzip(Array((InputTests.goodLog + String(repeating: "x y z\n", count: 5000)).utf8))
    for i in (packed.count / 2)..<(packed.count / 2 + 64) { packed[i] ^= 0x5a }
    try write("app.log.gz", packed)
    let report = try analyzeDirectory()
    XCTAssertTrue(report.warnings.contains { $0.message.contains("corrupt gzip data at compressed offset") }, "\(report.warnings)")
    XCTAssertGreaterThan(report.inputs[0].lines, 5)
  }

  func testBadInputsWarnEachAndTheGoodLogIsStillAnalyzed() throws {
    try write("a-good.log", Array(InputTests.goodLog.utf8))
    try write("binary.bin", (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
    try write("empty.log", [])
    try write("capture.pcap", [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0] + [UInt8](repeating: 0, count: 16))
    try write("notes.txt", Array("shopping list\nmilk\neggs\n".utf8))
    try write("invalid-utf8.log", Array("2026-11-22 10:00:00,000 INFO [w] app: caf".utf8) + [0xC3, 0x28, 0xFF] + Array(" ok\n".utf8))
    var huge = [UInt8](repeating: UInt8(ascii: "a"), count: 5 * 1024 * 1024)
    huge += Array("\n".utf8) + Array(InputTests.goodLog.utf8)
    try write("z-long-line.log", huge)
    try write("y-no-newline.log", [UInt8](repeating: UInt8(ascii: "b"), count: 5 * 1024 * 1024))
    try write("truncated.log.gz", Array(TestSupport.gzip(Array(String(repeating: "line of text\n", count: 2000).utf8)).prefix(40)))

    let report = try analyzeDirectory()
    func warned(_ name: String, _ text: String) -> Bool {
      report.warnings.contains { $0.input == name && $0.message.contains(text) }
    }
    XCTAssertTrue(warned("binary.bin", "binary data"), "\(report.warnings)")
    XCTAssertTrue(warned("empty.log", "empty file"))
    XCTAssertTrue(warned("capture.pcap", "the capture holds no packets"))
    XCTAssertTrue(warned("notes.txt", "no API stream was found"))
    XCTAssertTrue(warned("invalid-utf8.log", "invalid UTF-8"))
    XCTAssertTrue(warned("z-long-line.log", "longer than 1024 KiB"))
    XCTAssertTrue(warned("y-no-newline.log", "longer than 1024 KiB"))
    XCTAssertTrue(warned("truncated.log.gz", "truncated gzip"))
    // The good log, and the good part of the long-line file, are still analyzed.
    XCTAssertEqual(report.streams.map(\.input), ["a-good.log", "z-long-line.log"])
    XCTAssertEqual(report.streams.map(\.cause), [.serverCloseDuringDelta, .serverCloseDuringDelta])
  }

  func testMissingPathIsAnErrorThatSaysWhatToDo() {
    XCTAssertThrowsError(try AnalysisInput.expand(["/no/such/file.log"])) { error in
      XCTAssertTrue("\(error)".contains("cannot read '/no/such/file.log'"))
    }
  }
}
