import Foundation
import XCTest

@testable import DropscopeFuzz

/// Every input a fuzzer found crashing (kept in `FuzzRegressions/<target>/` by `Tools/fuzz/run.py`) goes through the
/// same entry as its fuzz target and now gives a report, in bounded time; so do an empty input and one byte, for
/// every target.
final class FuzzRegressionTests: XCTestCase {
  static let folder = TestSupport.root.appendingPathComponent("Tests/DropscopeCoreTests/FuzzRegressions")
  /// Far longer than any of these inputs takes: past it the input is taken to hang.
  static let limit: TimeInterval = 60

  func testEveryKeptInputGivesAReport() throws {
    let targets = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { !$0.hasPrefix(".") }
    var replayed = 0
    for name in targets.sorted() {
      let target = try XCTUnwrap(FuzzTarget(rawValue: name), "FuzzRegressions/\(name) is named after no fuzz target")
      let folder = Self.folder.appendingPathComponent(name)
      for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where !file.hasPrefix(".") {
        let bytes = [UInt8](try Data(contentsOf: folder.appendingPathComponent(file)))
        try assertReport(target, bytes, "\(name)/\(file)")
        replayed += 1
      }
    }
    print("FuzzRegressionTests: \(replayed) kept inputs replayed")
  }

  func testEveryTargetReadsAnEmptyInputAndOneByte() throws {
    for target in FuzzTarget.allCases {
      try assertReport(target, [], "\(target) (empty)")
      try assertReport(target, [0x0a], "\(target) (a line feed)")
    }
  }

  /// Runs `bytes` through `target` on a thread of its own and fails unless a report comes back within `limit`.
  private func assertReport(_ target: FuzzTarget, _ bytes: [UInt8], _ name: String) throws {
    final class Outcome: @unchecked Sendable { var report: String? }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      outcome.report = bytes.withUnsafeBytes { target.run($0) }
      done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    guard done.wait(timeout: .now() + Self.limit) == .success else {
      return XCTFail("\(name): no report after \(Int(Self.limit)) s")
    }
    let report = try XCTUnwrap(outcome.report, name)
    XCTAssertTrue(report.hasPrefix("# dropscope report"), "\(name): \(report.prefix(200))")
  }
}
