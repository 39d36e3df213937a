import Foundation
import Testing

@testable import DropscopeCore

/// HTTP/2 streams built frame by frame in plain text (h2c with prior knowledge) and read as a transcript: a
/// client's RST_STREAM CANCEL is a cancel, a server's RST_STREAM a server-side reset, END_STREAM after
/// `message_stop` a completed stream.
@Suite struct HTTP2StreamTests {
  static func frame(_ type: UInt8, flags: UInt8, stream: UInt32, _ payload: [UInt8]) -> [UInt8] {
    [UInt8(payload.count >> 16), UInt8(payload.count >> 8 & 0xff), UInt8(payload.count & 0xff), type, flags,
     UInt8(stream >> 24), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)] + payload
  }

  /// An HPACK literal without indexing, its name given as a string.
  static func literal(_ name: String, _ value: String) -> [UInt8] {
    [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
  }

  static func event(_ name: String, _ data: String) -> [UInt8] { Array("event: \(name)\ndata: \(data)\n\n".utf8) }

  /// A transcript of one h2c connection: a request, the response head and events, then `ending` frames and closes.
  static func transcript(ending: [(fromClient: Bool, bytes: [UInt8])], closes: [String]) -> String {
    let client = "127.0.0.1:50000", server = "127.0.0.1:8080"
    var time: Microseconds = 1_795_000_000_000_000
    var records: [Transcript.Record] = [Transcript.Record(time: time, connection: 1, source: client, destination: server, kind: .open)]
    func add(_ fromClient: Bool, _ kind: Transcript.Record.Kind) {
      time += 40_000
      records.append(Transcript.Record(time: time, connection: 1, source: fromClient ? client : server,
                                       destination: fromClient ? server : client, kind: kind))
    }
    let request = [0x83, 0x86] + literal(":path", "/v1/messages") + literal(":authority", "api.anthropic.com")
      + literal("content-type", "application/json")
    add(true, .data(HTTP2Session.preface + frame(4, flags: 0, stream: 0, []) + frame(1, flags: 0x5, stream: 1, request)))
    let head = [0x88] + literal("content-type", "text/event-stream") + literal("request-id", "req_h2test01")
    add(false, .data(frame(4, flags: 0, stream: 0, []) + frame(1, flags: 0x4, stream: 1, head)))
    add(false, .data(frame(0, flags: 0, stream: 1, event("message_start", #"{"type":"message_start","message":{"usage":{"input_tokens":10}}}"#))))
    add(false, .data(frame(0, flags: 0, stream: 1, event("content_block_start", #"{"type":"content_block_start","index":0}"#))))
    for word in ["The ", "quick ", "brown "] {
      add(false, .data(frame(0, flags: 0, stream: 1, event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\#(word)"}}"#))))
    }
    for (fromClient, bytes) in ending { add(fromClient, .data(bytes)) }
    for close in closes { add(close.hasPrefix("client"), close.hasSuffix("rst") ? .rst : .fin) }
    return Transcript.header + "\n" + records.map(Transcript.line).joined(separator: "\n") + "\n"
  }

  static func analyze(_ text: String) throws -> Report {
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("h2.transcript")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return Analyzer().analyze([AnalysisInput(path: url.path, displayName: "h2.transcript")])
  }

  @Test func aClientRSTStreamCancelIsACancel() throws {
    let report = try Self.analyze(Self.transcript(ending: [(true, Self.frame(3, flags: 0, stream: 1, [0, 0, 0, 8]))],
                                                  closes: ["client fin", "server fin"]))
    let stream = try #require(report.streams.first)
    #expect(report.streams.count == 1)
    #expect(stream.requestID == "req_h2test01")
    #expect(stream.status == 200)
    #expect(stream.cause?.rawValue == "client_error")
    #expect(stream.side == .client)
    #expect(stream.evidence.contains { $0.quote?.contains("client RST_STREAM on stream 1: CANCEL (8)") == true })
  }

  @Test func aServerRSTStreamIsAServerSideReset() throws {
    let report = try Self.analyze(Self.transcript(ending: [(false, Self.frame(3, flags: 0, stream: 1, [0, 0, 0, 2]))],
                                                  closes: ["client fin", "server fin"]))
    let stream = try #require(report.streams.first)
    #expect(stream.cause?.rawValue == "server_close_during_delta")
    #expect(stream.side == .server)
    #expect(stream.evidence.contains { $0.quote?.contains("server RST_STREAM on stream 1: INTERNAL_ERROR (2)") == true })
  }

  @Test func endStreamAfterMessageStopIsComplete() throws {
    let end = Self.frame(0, flags: 0x1, stream: 1, Self.event("message_stop", #"{"type":"message_stop"}"#))
    let report = try Self.analyze(Self.transcript(ending: [(false, end)], closes: ["client fin", "server fin"]))
    #expect(report.streams.map(\.outcome) == [.completed])
  }
}

extension HTTP2StreamTests {
  /// Two streams open at once on one connection, their frames interleaved: each is its own request, the first
  /// complete, the second cut by the server's FIN.
  @Test func streamsOpenAtOnceAreToldApart() throws {
    let client = "127.0.0.1:50001", server = "127.0.0.1:8080"
    var time: Microseconds = 1_795_000_000_000_000
    var records = [Transcript.Record(time: time, connection: 1, source: client, destination: server, kind: .open)]
    func add(_ fromClient: Bool, _ bytes: [UInt8]) {
      time += 30_000
      records.append(Transcript.Record(time: time, connection: 1, source: fromClient ? client : server,
                                       destination: fromClient ? server : client, kind: .data(bytes)))
    }
    func request(_ stream: UInt32) -> [UInt8] {
      Self.frame(1, flags: 0x5, stream: stream, [0x83, 0x86] + Self.literal(":path", "/v1/messages") + Self.literal(":authority", "api.anthropic.com"))
    }
    func head(_ stream: UInt32) -> [UInt8] {
      Self.frame(1, flags: 0x4, stream: stream, [0x88] + Self.literal("content-type", "text/event-stream")
                 + Self.literal("request-id", "req_h2stream\(stream)"))
    }
    func delta(_ stream: UInt32, _ word: String, end: Bool = false) -> [UInt8] {
      Self.frame(0, flags: 0, stream: stream, Self.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\#(word)"}}"#))
    }
    add(true, HTTP2Session.preface + Self.frame(4, flags: 0, stream: 0, []) + request(1))
    add(true, request(3))
    add(false, Self.frame(4, flags: 0, stream: 0, []) + head(1))
    add(false, head(3))
    for word in ["one ", "two ", "three "] {
      add(false, delta(1, word))
      add(false, delta(3, word))
    }
    add(false, Self.frame(0, flags: 0x1, stream: 1, Self.event("message_stop", #"{"type":"message_stop"}"#)))
    add(false, delta(3, "four "))
    time += 30_000
    records.append(Transcript.Record(time: time, connection: 1, source: server, destination: client, kind: .fin))
    time += 30_000
    records.append(Transcript.Record(time: time, connection: 1, source: client, destination: server, kind: .fin))
    let text = Transcript.header + "\n" + records.map(Transcript.line).joined(separator: "\n") + "\n"
    let report = try Self.analyze(text)
    #expect(report.streams.map(\.requestID) == ["req_h2stream1", "req_h2stream3"])
    #expect(report.streams.map(\.outcome) == [.completed, .failed])
    #expect(report.streams.map(\.cause?.rawValue) == [nil, "server_close_during_delta"])
    #expect(report.streams.map(\.contentEventsReceived) == [3, 4])
  }
}

extension HTTP2StreamTests {
  /// A transcript of an HTTP/2 session holds no credential, Huffman-coded or indexed, and reads back to the same
  /// verdict: its header blocks are re-encoded as plain literals with secret values redacted.
  @Test func anHTTP2TranscriptHoldsNoCredential() throws {
    let key = "sk-ant-api03-H2transcriptKEYnotREAL0123456789abcdefXYZ"
    // x-api-key as a literal with incremental indexing, its value Huffman-coded; then indexed from the table.
    func huffman(_ text: String) -> [UInt8] {
      var bits: UInt64 = 0, count = 0
      var out: [UInt8] = []
      for b in text.utf8 {
        bits = bits << UInt64(HPACKHuffman.lengths[Int(b)]) | UInt64(HPACKHuffman.codes[Int(b)])
        count += Int(HPACKHuffman.lengths[Int(b)])
        while count >= 8 {
          count -= 8
          out.append(UInt8(truncatingIfNeeded: bits >> UInt64(count)))
        }
      }
      if count > 0 { out.append(UInt8(truncatingIfNeeded: bits << UInt64(8 - count)) | UInt8(0xff >> count)) }
      return out
    }
    let coded = huffman(key)
    var block: [UInt8] = [0x83, 0x86] + Self.literal(":path", "/v1/messages") + Self.literal(":authority", "api.anthropic.com")
    block += [0x40, 9] + Array("x-api-key".utf8) + [0x80 | UInt8(coded.count)] + coded
    let capture = [
      (true, HTTP2Session.preface + Self.frame(4, flags: 0, stream: 0, []) + Self.frame(1, flags: 0x5, stream: 1, block)),
      (false, Self.frame(1, flags: 0x4, stream: 1, [0x88] + Self.literal("content-type", "text/event-stream")
                         + Self.literal("request-id", "req_h2secret1"))),
      (false, Self.frame(0, flags: 0, stream: 1, Self.event("message_start", #"{"type":"message_start"}"#))),
      (false, Self.frame(0, flags: 0, stream: 1, Self.event("content_block_delta", #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}"#))),
      // The second request on the connection refers to the key by its table index (62).
      (true, Self.frame(1, flags: 0x5, stream: 3, [0x83, 0x86, 0xbe] + Self.literal(":path", "/v1/messages"))),
    ]
    // Read the capture as a transcript first, then write its transcript through a connection, then read that back.
    var records: [Transcript.Record] = []
    var time: Microseconds = 1_795_000_000_000_000
    records.append(Transcript.Record(time: time, connection: 1, source: "127.0.0.1:50002", destination: "127.0.0.1:8080", kind: .open))
    for (fromClient, bytes) in capture {
      time += 20_000
      records.append(Transcript.Record(time: time, connection: 1, source: fromClient ? "127.0.0.1:50002" : "127.0.0.1:8080",
                                       destination: fromClient ? "127.0.0.1:8080" : "127.0.0.1:50002", kind: .data(bytes)))
    }
    final class Discard: FactSink {
      func accept(_ fact: borrowing Fact) {}
      func inputEnded(_ input: Int) {}
    }
    let reader = CaptureReader(input: 0, sink: Discard())
    var written = Transcript.header + "\n"
    reader.observer = { written += Transcript.line($0) + "\n" }
    for (n, record) in records.enumerated() { reader.read(record, line: n + 1) }
    reader.finish()
    #expect(!written.contains(key))
    #expect(!written.contains(coded.map { String(format: "\\x%02x", $0) }.joined().prefix(24)))
    #expect(written.contains("x-api-key\\n[redacted]") || written.contains("x-api-key\\x0a[redacted]"))
    let report = try Self.analyze(written)
    #expect(report.streams.first?.requestID == "req_h2secret1")
    #expect(report.streams.first?.status == 200)
  }
}
