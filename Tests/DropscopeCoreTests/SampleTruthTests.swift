import Foundation
import XCTest

/// The sample incidents recorded with their ground truth (`expected-verdicts.json`: what the fault server did to
/// each request and what the application saw) keep at least the verdicts `Tests/samples-ratchet.json` records:
/// `Tools/samples/score_samples.py` lines the report up with the truth, this test holds the totals to the floors.
final class SampleTruthTests: XCTestCase {
  struct Floors: Decodable {
    /// Attempts whose classification is right, leak findings right (logs), streams matching no attempt.
    var right: Int
    var leakRight: Int
    var extra: Int
  }

  struct Totals: Decodable {
    var attempts: Int
    var right: Int
    var leakScored: Int
    var leakRight: Int
    var extra: Int
    var errors: Int
  }

  func testVerdictsAgainstTheGroundTruthHoldTheirFloors() throws {
    guard let python = TestSupport.python else { throw XCTSkip("python3 is not installed") }
    let result = try TestSupport.run(python, ["Tools/samples/score_samples.py", TestSupport.dropscopeBinary().path, "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    struct Output: Decodable { var total: Totals }
    let totals = try decoder.decode(Output.self, from: Data(result.stdout.utf8)).total
    let floors = try decoder.decode(Floors.self, from: Data(contentsOf: TestSupport.root.appendingPathComponent("Tests/samples-ratchet.json")))
    let misses = "\n" + result.stderr
    XCTAssertEqual(totals.errors, 0, misses)
    XCTAssertGreaterThanOrEqual(totals.right, floors.right, "attempts right on the sample incidents fell below the floor:\(misses)")
    XCTAssertGreaterThanOrEqual(totals.leakRight, floors.leakRight, "leak findings right fell below the floor:\(misses)")
    XCTAssertLessThanOrEqual(totals.extra, floors.extra, "streams that match no attempt rose above the ceiling:\(misses)")
  }
}
