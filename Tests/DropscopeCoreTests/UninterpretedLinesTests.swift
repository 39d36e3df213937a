import Foundation
import XCTest

@testable import DropscopeCore

/// Counts the lines dropscope reads without interpreting, over every sample and fixture.
/// The count may only go down: when it does, lower the baseline in `Fixtures/uninterpreted-baseline.txt`.
final class UninterpretedLinesTests: XCTestCase {
  func testUninterpretedLinesNeverGrow() throws {
    let baselineURL = TestSupport.fixtures.appendingPathComponent("uninterpreted-baseline.txt")
    let baseline = (try? String(contentsOf: baselineURL, encoding: .utf8))
      .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    // The logs only: the fixtures' manifest is not one.
    let inputs = try AnalysisInput.expand([TestSupport.sampleLogs.path, TestSupport.fixtures.appendingPathComponent("RealWorld").path])
      .filter { !$0.path.hasSuffix("manifest.json") }
    let report = Analyzer().analyze(inputs)
    let logs = report.inputs
    let uninterpreted = logs.reduce(0) { $0 + ($1.lines - $1.linesUnderstood) }
    let total = logs.reduce(0) { $0 + $1.lines }
    if ProcessInfo.processInfo.environment["RECORD_BASELINE"] == "1" {
      try "\(uninterpreted)\n".write(to: baselineURL, atomically: true, encoding: .utf8)
      XCTFail("recorded the baseline: \(uninterpreted) of \(total) lines")
      return
    }
    let limit = try XCTUnwrap(baseline, "no baseline: run with RECORD_BASELINE=1")
    XCTAssertLessThanOrEqual(uninterpreted, limit,
      "\(uninterpreted) of \(total) lines are not interpreted, more than the baseline \(limit): a change lost recognition")
    if uninterpreted < limit {
      print("uninterpreted lines went down to \(uninterpreted) (baseline \(limit)): lower the baseline")
    }
  }
}
