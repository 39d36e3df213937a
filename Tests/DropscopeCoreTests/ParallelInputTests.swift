import XCTest

@testable import DropscopeCore

/// Inputs read at once, each on a thread of its own, give the report reading them one by one gives.
final class ParallelInputTests: XCTestCase {
  /// The reports of `paths` read with 1, 2 and 4 threads (inputs at once and a capture's threads, as `--threads`
  /// sets both), in JSON and Markdown.
  private func reports(_ paths: [String], configure: (inout AnalysisOptions) -> Void = { _ in }) throws -> [[String]] {
    var expansion: [AnalysisWarning] = []
    let inputs = try AnalysisInput.expand(paths, warnings: &expansion)
    XCTAssertGreaterThan(inputs.count, 3)
    return try [1, 2, 4].map { threads in
      var options = AnalysisOptions()
      options.inputThreads = threads
      options.captureThreads = threads
      configure(&options)
      let report = Analyzer(options: options).analyze(inputs, expansionWarnings: expansion)
      return [try JSONRenderer().render(report), try MarkdownRenderer().render(report)]
    }
  }

  func testTheSampleLogsGiveTheSameReportWhateverTheThreads() throws {
    // Logs (plain, gzipped, rotated, with envelopes) between captures, transcripts, curl traces and HAR files; TLS
    // captures read with the key logs of other folders, whose sessions fail to decrypt in the order they began.
    let reports = try reports([TestSupport.sampleLogs.path])
    XCTAssertEqual(reports[1], reports[0], "two threads give the report one thread gives")
    XCTAssertEqual(reports[2], reports[0], "four threads give the report one thread gives")
  }

  func testManySmallChunksAndATinyBudgetGiveTheSameReport() throws {
    // Chunks of a few facts, and a budget that makes every input read ahead wait for its turn.
    let folders = ["10-mixed-workers", "12-json-logs", "29-uncaught-transport-errors", "45-many-async-calls"]
      .map { TestSupport.sampleLogs.appendingPathComponent($0).path }
      + [TestSupport.fixtures.appendingPathComponent("RealWorld").path]
    let reports = try reports(folders) { options in
      options.readAheadChunkBytes = 64
      options.readAheadBudget = 256
    }
    XCTAssertEqual(reports[1], reports[0], "two threads give the report one thread gives")
    XCTAssertEqual(reports[2], reports[0], "four threads give the report one thread gives")
  }

  func testFactsComeBackFromATapeAsTheyWereWritten() {
    var chunks: [FactTapeChunk] = []
    let recorder = FactRecorder(input: 3, chunkBytes: 16) { chunks.append($0) }
    recorder.contextName = { $0 == 0 ? nil : "worker_\($0)" }
    let facts = [
      Fact(time: 1_795_305_600_000_000, location: SourceLocation(input: 3, line: 1), context: 1, kind: .otherLine),
      Fact(time: 1_795_305_599_000_000, location: SourceLocation(input: 3, line: 2), context: 2,
           kind: .event(.contentBlockDelta)),
      Fact(time: nil, location: SourceLocation(input: 3, line: 9), context: 0, kind: .event(.other)),
      Fact(time: 5, location: SourceLocation(input: 3, line: 4), context: 1, kind: .requestID("req_1")),
      Fact(time: 6, location: SourceLocation(input: 3, line: 5), context: 1, kind: .otherLine, quote: "a quote"),
      Fact(time: -7, location: SourceLocation(input: 3, line: 3), context: 300, kind: .event(.messageStop)),
      Fact(time: 8, location: SourceLocation(input: 3, line: 10), context: 2,
           kind: .responseHead(status: 529, url: "https://api.anthropic.com/v1/messages", transport: "httpx"),
           quote: "2026-11-22 10:00:00,000 INFO [w] httpx: HTTP Request: POST … \"HTTP/1.1 529 Overloaded\" é"),
      Fact(time: 9, location: SourceLocation(input: 3, line: 11), context: 2,
           kind: .responseHead(status: 200, url: nil, transport: "")),
      Fact(time: 10, location: SourceLocation(input: 3, line: 12), context: 2, kind: .requestID("")),
      Fact(time: 11, location: SourceLocation(input: 2, line: 12), context: 2, kind: .otherLine),
      Fact(time: 12, location: SourceLocation(input: 3, line: 13), context: 2, kind: .applicationCancelled),
    ]
    for (i, fact) in facts.enumerated() {
      recorder.accept(fact)
      if i != 1 { recorder.lineEnded() }
    }
    recorder.linesEnded(damaged: true)
    recorder.inputEnded(3)
    recorder.close()
    XCTAssertGreaterThan(chunks.count, 1)
    var player = FactTapePlayer(input: 3)
    var played: [String] = []
    var names: [Int: String] = [:]
    for chunk in chunks {
      for (id, name) in chunk.names { names[id] = name }
      player.play(chunk) { entry in
        switch entry {
        case .fact(let fact, let lineEnded): played.append("\(fact) \(lineEnded)")
        case .linesEnded(let damaged): played.append("lines ended \(damaged)")
        case .inputEnded: played.append("input ended")
        }
      }
    }
    XCTAssertEqual(played, facts.enumerated().map { "\($1) \($0 != 1)" } + ["lines ended true", "input ended"])
    XCTAssertEqual(names, [1: "worker_1", 2: "worker_2", 300: "worker_300"])
  }
}
