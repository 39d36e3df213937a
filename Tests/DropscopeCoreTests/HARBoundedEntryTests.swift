import Foundation
import XCTest

@testable import DropscopeCore

/// Whatever a HAR entry holds, memory holds at most a bounded part of it: `_eventSourceMessages` are read one message
/// at a time, a long request body goes to a temporary file like a long response body, any other long string is
/// counted and named, and an entry too large even without those is skipped with a warning, the entries after it read.
final class HARBoundedEntryTests: XCTestCase {
  private let anthropic = #""request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": []}"#
  private let streamHead = #""response": {"status": 200, "statusText": "OK", "headers": [{"name": "content-type", "value": "text/event-stream"}], "content": {"mimeType": "text/event-stream", "text": ""}}"#

  /// `count` Chrome-style event-source messages: the opening events, `count` deltas, and the closing ones when `ended`.
  private func messages(deltas count: Int, ended: Bool) -> String {
    var events: [(String, String)] = [
      ("message_start", #"{"type":"message_start","message":{"id":"msg_1"}}"#),
      ("content_block_start", #"{"type":"content_block_start","index":0}"#),
    ]
    for i in 0..<count {
      events.append(("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word \#(i)"}}"#))
    }
    if ended {
      events.append(("content_block_stop", #"{"type":"content_block_stop","index":0}"#))
      events.append(("message_stop", #"{"type":"message_stop"}"#))
    }
    return events.enumerated().map { i, event in
      let data = String(decoding: try! JSONSerialization.data(withJSONObject: [event.1]), as: UTF8.self).dropFirst().dropLast()
      return #"{"type": "\#(event.0)", "time": \#(1_795_000_000 + Double(i) / 1000), "opcode": 1, "data": \#(data)}"#
    }.joined(separator: ",\n")
  }

  private func har(_ entries: [String]) -> String {
    #"{"log": {"version": "1.2", "creator": {"name": "test"}, "entries": [\#(entries.joined(separator: ",\n"))]}}"#
  }

  private func entry(_ parts: String..., error: String? = nil) -> String {
    var all = [#""startedDateTime": "2026-11-22T10:00:00.000Z", "time": 5000"#] + parts
    if let error { all.append(#""_error": "\#(error)""#) }
    return "{" + all.joined(separator: ", ") + "}"
  }

  /// Feeds `text` to a scanner in uneven pieces, so that strings, escapes and messages fall across them.
  private func scan(_ text: String) -> (entries: [HARArchive.ScannedEntry], scanner: HARArchive.EntryScanner) {
    var scanner = HARArchive.EntryScanner()
    var entries: [HARArchive.ScannedEntry] = []
    let bytes = Array(text.utf8)
    var start = 0, step = 1
    while start < bytes.count {
      let end = min(bytes.count, start + step)
      bytes[start..<end].withUnsafeBytes { scanner.feed($0) { entries.append($0) } }
      start = end
      step = step * 7 % 65_521 + 1
    }
    return (entries, scanner)
  }

  private func sse(_ messages: HARArchive.EventSourceMessages) -> (text: String, times: Set<Microseconds?>) {
    var bytes: [UInt8] = []
    var times = Set<Microseconds?>()
    messages.forEachPiece { time, piece in
      bytes += piece
      times.insert(time)
    }
    return (String(decoding: bytes, as: UTF8.self), times)
  }

  func testEventSourceMessagesAreReadOneAtATimeAndLeaveAnEmptyArray() {
    let document = har([entry(anthropic, streamHead, #""_eventSourceMessages": [\#(messages(deltas: 20_000, ended: true))]"#)])
    XCTAssertGreaterThan(document.utf8.count, HARArchive.EventSourceMessages.keptInMemory)
    let (entries, scanner) = scan(document)
    XCTAssertEqual(entries.count, 1)
    XCTAssertFalse(scanner.endedInsideEntry)
    XCTAssertEqual((entries[0].fields?["_eventSourceMessages"] as? [Any])?.count, 0)
    guard let stored = entries[0].messages else { return XCTFail("no messages") }
    XCTAssertEqual(stored.count, 20_004)
    let (text, times) = sse(stored)
    XCTAssertTrue(text.hasPrefix("event: message_start\ndata: {\"type\":\"message_start\""), String(text.prefix(80)))
    XCTAssertTrue(text.hasSuffix("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"))
    XCTAssertEqual(text.components(separatedBy: "event: content_block_delta\n").count - 1, 20_000)
    XCTAssertEqual(times.count, 20_004)
  }

  func testDataOfSeveralLinesBecomesOneDataFieldPerLine() {
    let document = har([entry(anthropic, streamHead, #""_eventSourceMessages": [{"type": "message", "time": 1795000000.5, "data": "one\ntwo"}, "not an object"]"#)])
    let (entries, _) = scan(document)
    guard let stored = entries.first?.messages else { return XCTFail("no messages") }
    XCTAssertEqual(sse(stored).text, "event: message\ndata: one\ndata: two\n\n")
    XCTAssertEqual(sse(stored).times, [1_795_000_000_500_000])
    XCTAssertEqual(stored.count, 1)
    XCTAssertEqual(stored.unreadable, 1, "the string where a message belongs")
  }

  func testManyMessagesReadToTheVerdictAFewGive() throws {
    for (error, failed) in [(nil, false), ("net::ERR_INCOMPLETE_CHUNKED_ENCODING", true)] as [(String?, Bool)] {
      func report(_ deltas: Int) throws -> Report {
        try TestSupport.analyze(text: har([entry(anthropic, streamHead, #""_eventSourceMessages": [\#(messages(deltas: deltas, ended: !failed))]"#, error: error)]), name: "stream.har")
      }
      let many = try report(20_000)
      let few = try report(20)
      XCTAssertEqual(many.counts.streams, 1)
      XCTAssertEqual(many.counts.failed, failed ? 1 : 0)
      XCTAssertEqual(many.counts.byCause, few.counts.byCause)
      XCTAssertEqual(many.warnings, [])
      if failed {
        XCTAssertEqual(many.streams.first?.eventsReceived, 20_002)
        XCTAssertEqual(many.streams.first?.cause, few.streams.first?.cause)
      }
    }
  }

  func testALongRequestBodyGoesToAFileAndIsSentWhole() throws {
    let prompt = String(repeating: "tell me more about \\\"streams\\\" ", count: 60_000)
    let request = #""request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": [], "postData": {"mimeType": "application/json", "text": "\#(prompt)"}}"#
    let document = har([entry(request, streamHead, #""_eventSourceMessages": [\#(messages(deltas: 3, ended: true))]"#)])
    let (entries, _) = scan(document)
    guard let body = entries.first?.spilled["request.postData.text"] else { return XCTFail("the request body was kept") }
    var decoded: [UInt8] = []
    body.forEachPiece { decoded += $0 }
    XCTAssertEqual(String(decoding: decoded, as: UTF8.self), String(repeating: "tell me more about \"streams\" ", count: 60_000))
    let report = try TestSupport.analyze(text: document, name: "stream.har")
    XCTAssertEqual(report.counts.streams, 1)
    XCTAssertEqual(report.counts.failed, 0)
    XCTAssertEqual(report.warnings, [])
  }

  func testAnyOtherLongStringIsLeftOutAndNamed() throws {
    let huge = String(repeating: "x", count: HARArchive.EntryScanner.largestKeptString + 10)
    let request = #""request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": [{"name": "x-trace", "value": "\#(huge)"}]}"#
    let document = har([entry(request, streamHead, #""_eventSourceMessages": [\#(messages(deltas: 3, ended: true))]"#)])
    let (entries, _) = scan(document)
    XCTAssertEqual(entries.first?.leftOut.map(\.path), ["request.headers.value"])
    XCTAssertEqual(entries.first?.leftOut.first?.bytes, huge.utf8.count)
    XCTAssertEqual(entries.first?.spilled.isEmpty, true)
    let report = try TestSupport.analyze(text: document, name: "stream.har")
    XCTAssertEqual(report.counts.streams, 1)
    XCTAssertEqual(report.warnings.count, 1)
    XCTAssertTrue(report.warnings.first?.message.contains("`request.headers.value` of HAR entry 1") ?? false, "\(report.warnings)")
  }

  func testAnEntryTooLargeToKeepIsSkippedAndTheNextOneRead() throws {
    let header = #"{"name": "x-padding", "value": "\#(String(repeating: "p", count: 60_000))"}"#
    let headers = Array(repeating: header, count: HARArchive.EntryScanner.largestKeptEntry / 60_000 + 2).joined(separator: ",")
    let bloated = #""request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": [\#(headers)]}"#
    let document = har([
      entry(bloated, streamHead, #""_eventSourceMessages": [\#(messages(deltas: 3, ended: false))]"#, error: "net::ERR_INCOMPLETE_CHUNKED_ENCODING"),
      entry(anthropic, streamHead, #""_eventSourceMessages": [\#(messages(deltas: 3, ended: false))]"#, error: "net::ERR_INCOMPLETE_CHUNKED_ENCODING"),
    ])
    let (entries, scanner) = scan(document)
    XCTAssertEqual(entries.map(\.number), [1, 2])
    XCTAssertNil(entries[0].fields)
    XCTAssertGreaterThan(entries[0].skippedBytes ?? 0, HARArchive.EntryScanner.largestKeptEntry)
    XCTAssertNotNil(entries[1].fields)
    XCTAssertEqual(entries[1].messages?.count, 5)
    XCTAssertFalse(scanner.endedInsideEntry)
    let report = try TestSupport.analyze(text: document, name: "stream.har")
    XCTAssertEqual(report.counts.streams, 1)
    XCTAssertEqual(report.counts.failed, 1)
    XCTAssertEqual(report.warnings.count, 1)
    XCTAssertTrue(report.warnings.first?.message.contains("HAR entry 1 (") ?? false, "\(report.warnings)")
    XCTAssertTrue(report.warnings.first?.message.contains("skipped") ?? false, "\(report.warnings)")
  }

  func testAnEntryThatIsNotAnObjectIsNamed() throws {
    let document = har([#"{"startedDateTime": 1, "time": nope}"#, entry(anthropic, streamHead, #""_eventSourceMessages": [\#(messages(deltas: 3, ended: true))]"#)])
    let report = try TestSupport.analyze(text: document, name: "stream.har")
    XCTAssertEqual(report.counts.streams, 1)
    XCTAssertTrue(report.warnings.contains { $0.message.contains("HAR entry 1 cannot be read as a JSON object") }, "\(report.warnings)")
  }
}
