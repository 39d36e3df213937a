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
    guard let python = TestSupport.python else { throw XCTSkip("python3 is not installed") }
    let result = try TestSupport.run(python, ["Tools/devset/ratchet.py", TestSupport.dropscopeBinary().path,
                                              "--devset", devset.path])
    let output = result.stdout + result.stderr
    XCTAssertEqual(result.status, 0, "a figure on the development set got worse than its floor:\n\(output)")
  }
}
