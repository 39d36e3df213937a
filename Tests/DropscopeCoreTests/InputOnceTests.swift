#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

@testable import DropscopeCore

/// Each input is opened and read once, whatever it is: a folder with links, a FIFO, a process substitution, standard
/// input of any kind; and an input that yields nothing says why.
final class InputOnceTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws { directory = try TestSupport.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  private func causes(_ stdout: String) throws -> [String] {
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], stdout)
    return (json["streams"] as? [[String: Any]] ?? []).map { ($0["cause"] as? String) ?? "-" }
  }

  func testLinksInAFolderNeverLoopAndNeverReadAFileTwice() throws {
    let inner = directory.appendingPathComponent("a/b")
    try FileManager.default.createDirectory(at: inner, withIntermediateDirectories: true)
    try HostileInputs.goodLog.write(to: inner.appendingPathComponent("good.log"), atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: inner.appendingPathComponent("up").path, withDestinationPath: "..")
    try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("self").path, withDestinationPath: ".")
    try FileManager.default.createSymbolicLink(atPath: directory.appendingPathComponent("link.log").path,
                                               withDestinationPath: "a/b/good.log")
    var warnings: [AnalysisWarning] = []
    let inputs = try AnalysisInput.expand([directory.path], warnings: &warnings)
    XCTAssertEqual(inputs.map(\.path), [inner.appendingPathComponent("good.log").path])
    XCTAssertEqual(warnings.map { URL(fileURLWithPath: $0.input).lastPathComponent }, ["up", "link.log", "self"])
    XCTAssertTrue(warnings[0].message.contains("links back to"), warnings[0].message)
    XCTAssertTrue(warnings[1].message.contains("is the same file as"), warnings[1].message)
    let report = Analyzer().analyze(inputs, expansionWarnings: warnings)
    XCTAssertEqual(report.streams.count, 1)
    XCTAssertEqual(report.warnings.count, 3)
  }

  func testAFIFOAndAProcessSubstitutionAreReadOnce() throws {
    let log = directory.appendingPathComponent("good.log")
    try HostileInputs.goodLog.write(to: log, atomically: true, encoding: .utf8)
    let fromFile = try causes(TestSupport.run(TestSupport.dropscopeBinary(), ["analyze", "--format", "json", log.path]).stdout)
    XCTAssertFalse(fromFile.isEmpty)

    let fifo = directory.appendingPathComponent("fifo")
    XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
    let writer = Thread {
      if let handle = FileHandle(forWritingAtPath: fifo.path) {  // blocks until dropscope opens the FIFO
        handle.write(Data(HostileInputs.goodLog.utf8))
        try? handle.close()
      }
    }
    writer.start()
    let viaFIFO = try TestSupport.run(TestSupport.dropscopeBinary(), ["analyze", "--format", "json", fifo.path])
    XCTAssertEqual(try causes(viaFIFO.stdout), fromFile, viaFIFO.stderr)

    let bash = URL(fileURLWithPath: "/bin/bash")
    guard FileManager.default.isExecutableFile(atPath: bash.path) else { return }
    let binary = try TestSupport.dropscopeBinary().path
    let substituted = try TestSupport.run(bash, ["-c", "'\(binary)' analyze --format json <(cat '\(log.path)')"])
    XCTAssertEqual(substituted.status, 0, substituted.stderr)
    XCTAssertEqual(try causes(substituted.stdout), fromFile)
  }

  func testEveryKindReadsFromStandardInputAsFromItsFile() throws {
    let samples = ["20-capture-loopback/capture.pcap", "24-capture-pcapng", "22-curl-traces/fin-mid-delta.2026-11-22.trace",
                   "23-har-mitmproxy/session.har"]
    for sample in samples {
      var url = TestSupport.sampleLogs.appendingPathComponent(sample)
      if !sample.contains(".") {
        let file = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: url.path).first { $0.hasPrefix("capture") })
        url = url.appendingPathComponent(file)
      }
      let bytes = try Data(contentsOf: url)
      let binary = try TestSupport.dropscopeBinary()
      let fromFile = try TestSupport.run(binary, ["analyze", "--format", "json", "--date", "2026-11-22", url.path])
      let fromStdin = try TestSupport.run(binary, ["analyze", "--format", "json", "--date", "2026-11-22", "-"], stdin: bytes)
      XCTAssertFalse(try causes(fromFile.stdout).isEmpty, sample)
      XCTAssertEqual(try causes(fromStdin.stdout), try causes(fromFile.stdout), sample)
    }
  }

  func testATranscriptIsWrittenFromStandardInputAndToAFileAsFromTheCapture() throws {
    let capture = TestSupport.sampleLogs.appendingPathComponent("20-capture-loopback/capture.pcap")
    let binary = try TestSupport.dropscopeBinary()
    let fromFile = try TestSupport.run(binary, ["transcript", capture.path])
    XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
    XCTAssertEqual(fromFile.stdout, Transcript.render(capture: capture.path))
    let fromStdin = try TestSupport.run(binary, ["transcript", "-"], stdin: try Data(contentsOf: capture))
    XCTAssertEqual(fromStdin.stdout, fromFile.stdout)
    let output = directory.appendingPathComponent("capture.txt")
    XCTAssertEqual(try TestSupport.run(binary, ["transcript", capture.path, "-o", output.path]).status, 0)
    XCTAssertEqual(try String(contentsOf: output, encoding: .utf8), fromFile.stdout)
  }

  func testACaptureOfAnUnsupportedLinkTypeSaysSo() throws {
    var bytes = HostileInputs.pcap([(HostileInputs.frame(fromClient: true, sequence: 1, flags: 0x02), 1_800_000_000, nil)])
    bytes.replaceSubrange(20..<24, with: HostileInputs.le32(147))  // LINKTYPE_USER0
    let url = directory.appendingPathComponent("user.pcap")
    try Data(bytes).write(to: url)
    let warnings = TestSupport.analyze([url], relativeTo: directory).warnings
    XCTAssertEqual(warnings.map(\.message), [DropscopeError.unsupportedLinkType(147).description])
  }

  func testAGzipOfZerosGivesOneWarning() throws {
    let url = directory.appendingPathComponent("zeros.log.gz")
    try Data(TestSupport.gzip([UInt8](repeating: 0, count: 100_000))).write(to: url)
    let warnings = TestSupport.analyze([url], relativeTo: directory).warnings
    XCTAssertEqual(warnings.map(\.message), ["binary data (inside the gzip data), not a text log: skipped"])
  }
}
