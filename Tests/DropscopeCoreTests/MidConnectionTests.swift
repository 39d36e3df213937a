import Testing

@testable import DropscopeCore

/// A connection whose opening was not captured: its roles come from its bytes, and a response already under way
/// is read from the next event its framing shows, as a stream whose start is said to be missing.
@Suite struct MidConnectionTests {
  static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

  @Test func theSideThatSendsAnEventStreamIsTheServer() {
    Self.bytes("23\r\nevent: ping\r\ndata: {\"type\":\"ping\"}\r\n\r\n\r\n").withUnsafeBytes { chunk in
      #expect(Connection.sendsAsServer(chunk))
      #expect(!Connection.sendsAsClient(chunk))
    }
    Self.bytes("event: message_stop\ndata: {}\n\n").withUnsafeBytes { #expect(Connection.sendsAsServer($0)) }
    Self.bytes("HTTP/1.1 200 OK\r\n").withUnsafeBytes { #expect(Connection.sendsAsServer($0)) }
    Self.bytes("POST /v1/messages HTTP/1.1\r\n").withUnsafeBytes { request in
      #expect(Connection.sendsAsClient(request))
      #expect(!Connection.sendsAsServer(request))
    }
    // A JSON request body continued from a segment before the capture says nothing about its side.
    Self.bytes("\"max_tokens\": 1024}").withUnsafeBytes { body in
      #expect(!Connection.sendsAsClient(body))
      #expect(!Connection.sendsAsServer(body))
    }
  }

  @Test func aBodyUnderWayIsReadFromItsNextChunk() {
    var parser = HTTPResponseParser()
    parser.startedMidConnection = true
    var kinds: [String] = []
    let emit: WireFact = { kind, _ in kinds.append("\(kind)") }
    func chunk(_ event: String) -> String {
      let text = "event: \(event)\r\ndata: {\"type\":\"\(event)\"}\r\n\r\n"
      return String(text.utf8.count, radix: 16) + "\r\n" + text + "\r\n"
    }
    let body = chunk("content_block_delta") + chunk("message_stop") + "0\r\n\r\n"
    Self.bytes(body).withUnsafeBytes { parser.feed($0, emit) }
    #expect(kinds.first == "startNotCaptured")
    #expect(kinds.contains { $0.contains("messageStop") })
    #expect(kinds.last == "bodyEnded")
  }

  @Test func aConnectionWhoseStartWasCapturedIsReadFromItsHead() {
    var parser = HTTPResponseParser()
    var kinds: [String] = []
    let emit: WireFact = { kind, _ in kinds.append("\(kind)") }
    Self.bytes("23\r\nevent: ping\r\n").withUnsafeBytes { parser.feed($0, emit) }
    #expect(!kinds.contains("startNotCaptured"))
  }
}
