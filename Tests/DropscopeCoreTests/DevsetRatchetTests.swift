import Foundation
import XCTest

/// dropscope's figures on the development set (`../shared/devset` beside the package) hold the floors in
/// `Tests/devset-ratchet.json`: runs `Tools/devset/ratchet.py` on the built binary (about 6 s here, debug build).
/// Where the set or python3 is missing the test says so and is skipped; `.ci/run` also runs the ratchet on the
/// release binary.
final class DevsetRatchetTests: XCTestCase {
  func testDevsetFiguresHoldTheirFloors() throws {
    let devset = TestSupport.root.deletingLastPathComponent().appendingPathComponent("shared/devset")
    guard FileManager.default.fileExists(atPath: devset.appendingPathComponent("score.py").path) else {
      throw XCTSkip("no development set at \(devset.path)")
    }
    guard let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw XCTSkip("python3 is not installed")
    }
    let bundle = Bundle(for: DevsetRatchetTests.self).bundleURL
    let candidates = [bundle.appendingPathComponent("dropscope"), bundle.deletingLastPathComponent().appendingPathComponent("dropscope")]
    let binary = try XCTUnwrap(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "dropscope binary not built")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["Tools/devset/ratchet.py", binary.path, "--devset", devset.path]
    process.currentDirectoryURL = TestSupport.root
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, "a figure on the development set got worse than its floor:\n\(output)")
  }
}
