import Foundation
import XCTest

@testable import DropscopeCore

/// Error output in the shapes users paste into public issue threads, each with its source and the
/// verdict it should get (`Fixtures/RealWorld/manifest.json`). The library strings and the layout are
/// those of the thread; paths and surrounding text are rewritten.
final class RealWorldFixtureTests: XCTestCase {
  struct Entry: Decodable {
    var file: String
    var source: String
    var shape: String
    var cause: String
    var leak: Bool
    var side: String?
    /// For an `unknown` cause: the candidates the paste leaves open.
    var candidates: [String]?
  }

  static let folder = TestSupport.fixtures.appendingPathComponent("RealWorld")

  func entries() throws -> [Entry] {
    try JSONDecoder().decode([Entry].self, from: Data(contentsOf: Self.folder.appendingPathComponent("manifest.json")))
  }

  func testEveryFixtureGetsItsExpectedVerdict() throws {
    let all = try entries()
    XCTAssertGreaterThanOrEqual(all.count, 40)
    var wrong: [String] = []
    for entry in all {
      let report = TestSupport.analyze([Self.folder.appendingPathComponent(entry.file)], relativeTo: Self.folder)
      let failed = report.streams.filter { $0.outcome == .failed }
      guard failed.count == 1, let stream = failed.first else {
        wrong.append("\(entry.file): expected one failed stream, got \(failed.count) (\(report.streams.map { $0.cause?.rawValue ?? "completed" }))")
        continue
      }
      var problems: [String] = []
      if stream.cause?.rawValue != entry.cause { problems.append("cause \(stream.cause?.rawValue ?? "nil") ≠ \(entry.cause)") }
      if stream.findings.contains(.unwrappedExceptionLeak) != entry.leak { problems.append("leak ≠ \(entry.leak)") }
      if let side = entry.side, stream.side?.rawValue != side { problems.append("side \(stream.side?.rawValue ?? "nil") ≠ \(side)") }
      if let candidates = entry.candidates, stream.candidates.map(\.rawValue) != candidates {
        problems.append("candidates \(stream.candidates.map(\.rawValue)) ≠ \(candidates)")
      }
      if stream.evidence.isEmpty { problems.append("no evidence") }
      if !problems.isEmpty { wrong.append("\(entry.file) [\(entry.source)]: \(problems.joined(separator: "; ")) — \(stream.summary)") }
    }
    XCTAssertTrue(wrong.isEmpty, "\(wrong.count) of \(all.count) fixtures wrong:\n" + wrong.joined(separator: "\n"))
  }
}
