import XCTest

@testable import DropscopeCore

/// Memory stays bounded whatever the input: past a documented limit, the oldest open streams are retired unread.
final class MemoryBoundTests: XCTestCase {
  func testStreamsOpenPastTheLimitAreRetiredWithAnUnknownVerdictAndCounted() throws {
    let threads = Assembler.mostOpenStreams + 7
    var log = ""
    log.reserveCapacity(threads * 200)
    for i in 0..<threads {
      log += "2026-11-22 10:00:00,000 INFO [worker_\(i)] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages \"HTTP/1.1 200 OK\"\n"
      log += "2026-11-22 10:00:01,000 DEBUG [worker_\(i)] app.stream: event content_block_delta\n"
    }
    let report = try TestSupport.analyze(text: log)
    XCTAssertEqual(report.counts.streams, threads)
    XCTAssertEqual(report.counts.completed + report.counts.failed, Assembler.mostOpenStreams)
    XCTAssertTrue(report.notes.contains { $0.hasPrefix("7 streams were retired unread while still open") }, "\(report.notes)")
    // The streams retired are the first to begin; the next is diagnosed, under its own name.
    let contexts = Set(report.streams.compactMap(\.context))
    XCTAssertTrue(contexts.contains("worker_7"), "\(contexts.sorted().prefix(5))")
    XCTAssertTrue(contexts.isDisjoint(with: (0..<7).map { "worker_\($0)" }))
  }
}
