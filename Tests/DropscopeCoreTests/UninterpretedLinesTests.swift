import Foundation
import XCTest

@testable import DropscopeCore

/// Counts the lines dropscope reads without interpreting, per sample and fixture. A file's count may only
/// go down; `RECORD_BASELINE=1` records the counts (after adding a file, or when a count went down).
final class UninterpretedLinesTests: XCTestCase {
  func testUninterpretedLinesNeverGrow() throws {
    let baselineURL = TestSupport.fixtures.appendingPathComponent("uninterpreted-baseline.json")
    // The logs only: the fixtures' manifest is not one, nor an incident's ground truth (expected-verdicts.json).
    let inputs = try AnalysisInput.expand([TestSupport.sampleLogs.path, TestSupport.fixtures.appendingPathComponent("RealWorld").path])
      .filter { !$0.path.hasSuffix("manifest.json") && !$0.path.hasSuffix("/expected-verdicts.json") }
      .map { AnalysisInput(path: $0.path, displayName: String($0.path.dropFirst(TestSupport.root.path.count + 1))) }
    let report = Analyzer().analyze(inputs)
    var counts: [String: Int] = [:]
    for input in report.inputs { counts[input.name] = input.lines - input.linesUnderstood }
    let total = counts.values.reduce(0, +)
    if ProcessInfo.processInfo.environment["RECORD_BASELINE"] == "1" {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try encoder.encode(counts).write(to: baselineURL)
      XCTFail("recorded the baseline: \(total) lines not interpreted")
      return
    }
    let baseline = try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: baselineURL))
    for (name, count) in counts.sorted(by: { $0.key < $1.key }) {
      guard let limit = baseline[name] else {
        XCTFail("\(name) has no baseline: run with RECORD_BASELINE=1")
        continue
      }
      XCTAssertLessThanOrEqual(count, limit, "\(name): \(count) lines not interpreted, more than \(limit): a change lost recognition")
    }
    let limitTotal = baseline.values.reduce(0, +)
    if total < limitTotal { print("lines not interpreted went down to \(total) (baseline \(limitTotal)): record the baseline") }
  }
}
