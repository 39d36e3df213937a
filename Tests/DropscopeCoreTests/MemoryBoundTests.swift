import Foundation
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

  func testTheStreamRetiredIsTheOneIdleLongestNotTheOneThatBeganFirst() throws {
    let line = { (thread: String, second: Int) in
      "2026-11-22 10:\(String(format: "%02d:%02d", second / 60, second % 60)),000 INFO [\(thread)] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages \"HTTP/1.1 200 OK\"\n"
    }
    let event = { (thread: String, second: Int) in
      "2026-11-22 10:\(String(format: "%02d:%02d", second / 60, second % 60)),500 DEBUG [\(thread)] app.stream: event content_block_delta\n"
    }
    // `busy` begins first and keeps receiving events; the workers begin after it and stay silent.
    var log = line("busy", 0)
    let workers = Assembler.mostOpenStreams + 3
    for i in 0..<workers {
      log += line("worker_\(i)", i / 1000)
      if i % 500 == 0 { log += event("busy", i / 1000) }
    }
    let report = try TestSupport.analyze(text: log)
    XCTAssertEqual(report.counts.streams, workers + 1)
    XCTAssertTrue(report.notes.contains { $0.hasPrefix("4 streams were retired unread while still open") }, "\(report.notes)")
    let contexts = Set(report.streams.compactMap(\.context))
    XCTAssertTrue(contexts.contains("busy"), "the active stream is kept")
    XCTAssertTrue(contexts.isDisjoint(with: (0..<4).map { "worker_\($0)" }), "the idle ones that began first are retired")
    XCTAssertTrue(contexts.contains("worker_4"))
  }

  func testConnectionsOpenPastTheLimitAreFinishedOldestFirst() throws {
    let router = ConnectionRouter()
    var finished: [Int] = []
    let connections = ConnectionRouter.mostOpenConnections + 5
    for i in 0..<connections {
      let frame = HostileInputs.frame(fromClient: true, sequence: 1, flags: 0x02, clientPort: UInt16(1024 + i))
      try frame.withUnsafeBytes { bytes in
        let packet = CapturedPacket(number: i + 1, time: 1_800_000_000_000_000, linkType: 1, data: bytes, originalLength: bytes.count)
        let segment = try XCTUnwrap(TCPSegment.decode(packet))
        router.route(segment, time: packet.time, location: SourceLocation(input: 0, line: i + 1, isPacket: true)) { work in
          if case .finish(let connection, let captureEnded) = work {
            XCTAssertFalse(captureEnded)
            finished.append(connection.context)
          }
        }
      }
    }
    XCTAssertEqual(finished, Array(1...5))
    XCTAssertEqual(router.retiredConnections, 5)
    XCTAssertEqual(router.takeOpen().count, ConnectionRouter.mostOpenConnections)
  }

  func testEveryEntryOfALargeHARIsDiagnosedAsItIsRead() throws {
    let entries = Assembler.mostOpenStreams + 10
    var har = #"{"log": {"version": "1.2", "entries": ["#
    for i in 0..<entries {
      har += (i == 0 ? "" : ",") + #"""
        {"startedDateTime": "2026-11-22T10:00:00.000Z", "time": 100,
        "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages?n=\#(i)", "headers": []},
        "response": {"status": 200, "statusText": "OK", "headers": [{"name": "content-type", "value": "text/event-stream"}],
          "content": {"text": "event: message_start\ndata: {}\n\n"}}}
        """#
    }
    har += "]}}"
    let report = try TestSupport.analyze(text: har, name: "session.har")
    XCTAssertEqual(report.inputs.first?.kind, .har)
    XCTAssertEqual(report.counts.streams, entries)
    XCTAssertEqual(report.counts.completed + report.counts.failed, entries, "no entry is retired unread")
    XCTAssertFalse(report.notes.contains { $0.contains("retired unread") })
  }
}
