import Foundation
import XCTest

@testable import DropscopeCore

/// A HAR entry's response body longer than `EntryScanner.largestKeptString` is decoded into a temporary file as it is
/// read, never held in memory: the entry reads to the same verdict, and the body to the same bytes.
final class HARLargeBodyTests: XCTestCase {
  /// An SSE body of `deltas` text deltas (escapes of every kind among them), ended or cut.
  private func body(deltas: Int, ended: Bool) -> String {
    var text = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n"
    text += "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0}\n\n"
    for i in 0..<deltas {
      let word = ["caf\u{e9}", "\u{1F600} tab\there", "quote \" and \\ slash /", "plain"][i % 4]
      text += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\(word)\"}}\r\n\n"
    }
    if ended {
      text += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      text += "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
    }
    return text
  }

  /// A HAR of one entry with `body` as its response text, JSON-escaped (non-ASCII as `\uXXXX`, surrogates too).
  private func har(_ body: String, error: String?) throws -> String {
    let escaped = String(decoding: try JSONSerialization.data(withJSONObject: [body], options: [.withoutEscapingSlashes]), as: UTF8.self)
    var unicodeEscaped = ""
    for unit in escaped.dropFirst().dropLast().utf16 {
      if unit < 0x80 { unicodeEscaped.unicodeScalars.append(Unicode.Scalar(unit)!) } else { unicodeEscaped += String(format: "\\u%04x", unit) }
    }
    return #"""
      {"log": {"version": "1.2", "entries": [
      {"startedDateTime": "2026-11-22T10:00:00.000Z", "time": 5000,
       "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": []},
       "response": {"status": 200, "statusText": "OK", "headers": [{"name": "content-type", "value": "text/event-stream"}],
         "content": {"mimeType": "text/event-stream", "text": \#(unicodeEscaped)}}\#(error.map { #", "_error": "\#($0)""# } ?? "")}
      ]}}
      """#
  }

  func testALargeBodyIsDecodedAsItIsReadToTheBytesJSONGives() throws {
    let text = body(deltas: 12_000, ended: true)
    let document = try har(text, error: nil)
    XCTAssertGreaterThan(document.utf8.count, HARArchive.EntryScanner.largestKeptString)
    var scanner = HARArchive.EntryScanner()
    var bodies: [[UInt8]] = []
    let bytes = Array(document.utf8)
    // In uneven pieces, so that escapes and the body's ends fall across them.
    var start = 0, step = 1
    while start < bytes.count {
      let end = min(bytes.count, start + step)
      bytes[start..<end].withUnsafeBytes { piece in
        scanner.feed(piece) { entry in
          XCTAssertEqual(((entry.fields?["response"] as? [String: Any])?["content"] as? [String: Any])?["text"] as? String, "")
          guard let spilled = entry.spilled["response.content.text"] else {
            return XCTFail("the body was kept in the entry")
          }
          var read: [UInt8] = []
          spilled.forEachPiece { read += $0 }
          XCTAssertEqual(read.count, spilled.count)
          bodies.append(read)
        }
      }
      start = end
      step = step * 7 % 65_521 + 1
    }
    XCTAssertEqual(bodies.count, 1)
    XCTAssertEqual(bodies.first, Array(text.utf8))
    XCTAssertFalse(scanner.endedInsideEntry)
  }

  func testALargeBodyReadsToTheVerdictASmallOneGives() throws {
    for (error, failed) in [(nil, false), ("net::ERR_INCOMPLETE_CHUNKED_ENCODING", true)] as [(String?, Bool)] {
      let large = try TestSupport.analyze(text: try har(body(deltas: 12_000, ended: !failed), error: error), name: "large.har")
      let small = try TestSupport.analyze(text: try har(body(deltas: 12, ended: !failed), error: error), name: "large.har")
      XCTAssertEqual(large.counts.streams, 1)
      XCTAssertEqual(large.counts.failed, failed ? 1 : 0)
      XCTAssertEqual(large.counts.byCause, small.counts.byCause)
      XCTAssertEqual(large.warnings.count, 0, "\(large.warnings)")
      if failed {
        XCTAssertEqual(large.streams.first?.eventsReceived, 12_002)
        XCTAssertEqual(large.streams.first?.cause, small.streams.first?.cause)
        XCTAssertEqual(large.streams.first?.lastEvent, small.streams.first?.lastEvent)
      }
    }
  }
}
