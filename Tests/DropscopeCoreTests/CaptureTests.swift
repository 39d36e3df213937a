import Foundation
import XCTest

@testable import DropscopeCore

/// Captures built packet by packet: pcap and pcapng framing, TCP reassembly, HTTP/1.1 chunked bodies, SSE.
final class CaptureTests: XCTestCase {
  var directory: URL!

  override func setUpWithError() throws {
    directory = try TestSupport.temporaryDirectory()
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  /// A TCP segment between 10.0.0.1:50000 (client) and 10.0.0.2:443 (server), in an Ethernet frame.
  struct Segment {
    var fromClient: Bool
    var sequence: UInt32
    var flags: UInt8
    var payload: [UInt8] = []
    var time: Double
    var clientPort: UInt16 = 50000
    /// The capture's snap length for this packet, if it cut it.
    var snap: Int?
  }

  func frame(_ s: Segment) -> [UInt8] {
    let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]
    var tcp: [UInt8] = []
    func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
    func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
    tcp += be16(s.fromClient ? s.clientPort : 443) + be16(s.fromClient ? 443 : s.clientPort)
    tcp += be32(s.sequence) + be32(0) + [0x50, s.flags] + be16(65535) + [0, 0, 0, 0]
    tcp += s.payload
    var ip: [UInt8] = [0x45, 0] + be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0]
    ip += (s.fromClient ? client : server) + (s.fromClient ? server : client)
    return [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ip + tcp
  }

  func pcap(_ segments: [Segment], nanoseconds: Bool = false) -> [UInt8] {
    func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    var out = le32(nanoseconds ? 0xa1b2_3c4d : 0xa1b2_c3d4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
    for s in segments {
      let data = frame(s)
      let seconds = UInt32(s.time)
      let fraction = UInt32((s.time - Double(seconds)) * (nanoseconds ? 1e9 : 1e6))
      let kept = min(data.count, s.snap ?? data.count)
      out += le32(seconds) + le32(fraction) + le32(UInt32(kept)) + le32(UInt32(data.count)) + data.prefix(kept)
    }
    return out
  }

  /// An HTTP/1.1 SSE exchange: the request, the 200 head, events as chunks; then whatever `ending` adds.
  func exchange(events: [String], ending: [Segment] = [], lastEventTime: Double = 10.5) -> [Segment] {
    var segments = [Segment(fromClient: true, sequence: 999, flags: 0x02, time: 10.0),
                    Segment(fromClient: false, sequence: 4999, flags: 0x12, time: 10.001)]
    let request = Array("POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nUser-Agent: Anthropic/Python 0.79.0\r\ncontent-length: 2\r\n\r\n{}".utf8)
    segments.append(Segment(fromClient: true, sequence: 1000, flags: 0x18, payload: request, time: 10.002))
    var serverSequence: UInt32 = 5000
    let head = Array("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nrequest-id: req_011CabcdefghijklmnopqrstuV\r\n\r\n".utf8)
    segments.append(Segment(fromClient: false, sequence: serverSequence, flags: 0x18, payload: head, time: 10.1))
    serverSequence += UInt32(head.count)
    for (i, event) in events.enumerated() {
      let body = Array("event: \(event)\ndata: {\"type\":\"\(event)\"}\n\n".utf8)
      let chunk = Array(String(body.count, radix: 16).utf8) + [13, 10] + body + [13, 10]
      let time = events.count == 1 ? lastEventTime : 10.2 + (lastEventTime - 10.2) * Double(i) / Double(events.count - 1)
      segments.append(Segment(fromClient: false, sequence: serverSequence, flags: 0x18, payload: chunk, time: time))
      serverSequence += UInt32(chunk.count)
    }
    return segments + ending.map { var s = $0; if !s.fromClient, s.sequence == 0 { s.sequence = serverSequence }; return s }
  }

  func analyze(_ bytes: [UInt8], name: String = "capture.pcap") throws -> Report {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return TestSupport.analyze([url], relativeTo: directory)
  }

  func testServerFINWhileDeltasFlow() throws {
    let events = ["message_start", "content_block_start"] + Array(repeating: "content_block_delta", count: 6)
    let report = try analyze(pcap(exchange(events: events, ending: [Segment(fromClient: false, sequence: 0, flags: 0x11, time: 10.52)])))
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(report.streams.count, 1)
    XCTAssertEqual(stream.status, 200)
    XCTAssertEqual(stream.requestID, "req_011CabcdefghijklmnopqrstuV")
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta)
    XCTAssertEqual(stream.confidence, .high)
    XCTAssertEqual(stream.silenceBeforeEnd, 0.02)
    XCTAssertEqual(stream.connState, "S3")
    XCTAssertTrue(stream.evidence.contains { $0.location == "capture.pcap#13" }, "\(stream.evidence.map(\.location))")
  }

  func testServerRSTAfterSilenceMatchingALimitIsAnIdleTimeout() throws {
    let events = ["message_start", "content_block_start", "content_block_delta"]
    let report = try analyze(pcap(exchange(events: events, ending: [Segment(fromClient: false, sequence: 0, flags: 0x14, time: 110.6)])))
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .idleTimeout)
    XCTAssertEqual(stream.side, .server)
    XCTAssertEqual(stream.connState, "RSTR")
    XCTAssertTrue(stream.summary.contains("100 s"), stream.summary)
  }

  func testTerminatingChunkWithoutMessageStopIsACleanTruncation() throws {
    let end = Segment(fromClient: false, sequence: 0, flags: 0x18, payload: Array("0\r\n\r\n".utf8), time: 10.6)
    let report = try analyze(pcap(exchange(events: ["message_start", "content_block_delta"], ending: [end]), nanoseconds: true))
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta)
    XCTAssertTrue(stream.findings.contains(.cleanTruncation))
    XCTAssertEqual(stream.confidence, .high)
  }

  func testOutOfOrderAndRetransmittedSegmentsAreReassembled() throws {
    var segments = exchange(events: ["message_start", "content_block_delta", "message_stop"])
    // Swap two server segments and repeat one: the stream still completes.
    let count = segments.count
    segments.swapAt(count - 1, count - 2)
    segments.append(segments[count - 1])
    let report = try analyze(pcap(segments))
    XCTAssertEqual(report.streams.map(\.outcome), [.completed])
    XCTAssertEqual(report.streams.first?.eventsReceived, 3)
  }

  func testCaptureCutShortWarnsAndKeepsWhatCameBefore() throws {
    let events = ["message_start", "content_block_delta", "content_block_delta"]
    let bytes = pcap(exchange(events: events))
    let report = try analyze(Array(bytes.dropLast(30)))
    XCTAssertTrue(report.warnings.contains { $0.message.contains("the capture ends in the middle of a packet") }, "\(report.warnings)")
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .unknown, "a capture that stops is capture loss, not a cut by the server")
  }

  func testTLSCaptureAloneSaysOnlyWhatRecordTimingShows() {
    let capture = TestSupport.sampleLogs.appendingPathComponent("21-capture-tls/capture.pcap")
    let report = TestSupport.analyze([capture], relativeTo: capture.deletingLastPathComponent())
    // complete, FIN mid-delta, RST mid-delta, stall past the client's read timeout: the encrypted end of a
    // complete response looks like a client closing an idle connection, so neither is decided without a log.
    XCTAssertEqual(report.streams.map(\.cause), [.unknown, .serverCloseDuringDelta, .serverCloseDuringDelta, .unknown])
    XCTAssertEqual(report.streams.map(\.confidence), [.low, .medium, .medium, .low])
    XCTAssertEqual(report.counts.seenInLogAndCapture, 0)
    XCTAssertTrue(report.streams.allSatisfy { $0.url?.hasPrefix("https://localhost") == true })
  }

  func testPortsReusedAfterAClosedConnectionMakeANewConnection() throws {
    let events = ["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta",
                  "message_stop"]
    let closed = [Segment(fromClient: false, sequence: 0, flags: 0x11, time: 10.6),
                  Segment(fromClient: true, sequence: 1_200, flags: 0x11, time: 10.61)]
    let first = exchange(events: events, ending: closed)
    // The same four-tuple 5 s later, picked up mid-flow (no SYN): a new connection, not more of the closed one.
    let second = exchange(events: events).dropFirst(2).map { segment in
      var s = segment
      s.sequence &+= 100_000
      s.time += 5
      return s
    }
    let bytes = pcap(first + second)
    let report = try analyze(bytes)
    XCTAssertEqual(report.streams.map(\.outcome), [.completed, .completed], "no request is lost to the closed connection")
    XCTAssertEqual(report.streams.last?.url, "http://api.anthropic.com/v1/messages", "the new connection has its request")
    let url = directory.appendingPathComponent("reuse.pcap")
    try Data(bytes).write(to: url)
    XCTAssertEqual(Analyzer().connections(inCapture: url.path).count, 2)
  }

  func testReportIsTheSameWhateverTheNumberOfThreads() throws {
    // 600 connections, 40 open at a time and their packets interleaved, so the work spans many epochs of the
    // parallel reader: complete streams, server FINs and RSTs mid-delta, and connections the capture cuts off.
    let events = ["message_start", "content_block_start"] + Array(repeating: "content_block_delta", count: 30)
      + ["content_block_stop", "message_delta", "message_stop"]
    var connections: [[Segment]] = []
    for index in 0..<600 {
      let fate = index % 7
      let kept = fate == 1 || fate == 2 || fate == 3 ? events.prefix(20) : events[...]
      var ending: [Segment] = []
      switch fate {
      case 1: ending = [Segment(fromClient: false, sequence: 0, flags: 0x11, time: 10.6)]
      case 2: ending = [Segment(fromClient: false, sequence: 0, flags: 0x04, time: 10.6)]
      case 3: ending = []
      default: ending = [Segment(fromClient: true, sequence: 1_200, flags: 0x11, time: 10.6),
                         Segment(fromClient: false, sequence: 0, flags: 0x11, time: 10.61)]
      }
      // Groups 5 s apart: a group's connections are retired by the next group's first packets, right after they closed.
      let start = Double(index / 40) * 5
      connections.append(exchange(events: Array(kept), ending: ending).map { segment in
        var s = segment
        s.clientPort = UInt16(20000 + index)
        s.time += start
        return s
      })
    }
    var segments: [Segment] = []
    for group in stride(from: 0, to: connections.count, by: 40) {
      let open = connections[group..<min(group + 40, connections.count)]
      for step in 0..<(open.map(\.count).max() ?? 0) {
        for connection in open where step < connection.count { segments.append(connection[step]) }
      }
    }
    let url = directory.appendingPathComponent("many.pcap")
    try Data(pcap(segments)).write(to: url)
    var reports: [String] = []
    for threads in [1, 2, 3] {
      var options = AnalysisOptions()
      options.captureThreads = threads
      options.captureEpochItems = 512  // dozens of epochs, many of them under way at once
      let report = Analyzer(options: options).analyze([AnalysisInput(path: url.path, displayName: "many.pcap")])
      XCTAssertEqual(report.counts.streams, 600)
      XCTAssertEqual(report.counts.failed, 600 / 7 * 3 + 3, "FIN, RST and cut-off connections fail")
      XCTAssertTrue(report.streams.allSatisfy { $0.context?.contains(" → 10.0.0.2:443") == true },
                    "every listed stream keeps its connection's name, though names are forgotten once diagnosed")
      reports.append(try JSONRenderer().render(report))
    }
    XCTAssertGreaterThan(segments.count, 2 * 8192, "the capture spans several epochs even of the default 8192 items")
    XCTAssertEqual(reports[1], reports[0], "two threads give the report one thread gives")
    XCTAssertEqual(reports[2], reports[0], "three threads give the report one thread gives")
    // Gzipped, the capture is read in chunks and the workers get copies of the payloads: the same streams.
    let packed = directory.appendingPathComponent("many.pcap.gz")
    try Data(TestSupport.gzip(pcap(segments))).write(to: packed)
    let mapped = Analyzer().analyze([AnalysisInput(path: url.path, displayName: "many.pcap")])
    let chunked = Analyzer().analyze([AnalysisInput(path: packed.path, displayName: "many.pcap")])
    XCTAssertEqual(chunked.streams, mapped.streams)
    XCTAssertEqual(chunked.counts, mapped.counts)
  }

  func testSnapLengthLossIsCaptureLossAndLowersConfidenceOnlyWhenTheEndCouldBeInIt() throws {
    let events = ["message_start", "content_block_start", "content_block_delta", "content_block_delta"]
    func chunk(_ event: String) -> [UInt8] {
      let body = Array("event: \(event)\ndata: {\"type\":\"\(event)\",\"padding\":\"\(String(repeating: "x", count: 80))\"}\n\n".utf8)
      return Array(String(body.count, radix: 16).utf8) + [13, 10] + body + [13, 10]
    }
    // Every packet is cut after 120 bytes: each event keeps its name, loses the rest of its data.
    var segments = exchange(events: []).map { segment -> Segment in
      var s = segment
      if !s.fromClient, !s.payload.isEmpty { s.snap = 54 + 60 }
      return s
    }
    var sequence = segments.filter { !$0.fromClient }.reduce(UInt32(4999)) { $0 + UInt32(max($1.payload.count, 1)) }
    for (i, event) in events.enumerated() {
      let payload = chunk(event)
      segments.append(Segment(fromClient: false, sequence: sequence, flags: 0x18, payload: payload, time: 10.2 + Double(i) * 0.1,
                              snap: 54 + 120))
      sequence += UInt32(payload.count)
    }
    // The last packet holds two events; the cut leaves only the first: the second could have been anything.
    let last = chunk("content_block_delta") + chunk("message_stop")
    let ends = [Segment(fromClient: false, sequence: sequence, flags: 0x18, payload: last, time: 10.7, snap: 54 + 120),
                Segment(fromClient: false, sequence: sequence + UInt32(last.count), flags: 0x11, time: 10.75)]
    let report = try analyze(pcap(segments + ends))
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta, "the server's FIN still decides")
    XCTAssertEqual(stream.confidence, .medium, "the end-of-message event may be in the bytes the capture lost")
    XCTAssertTrue(stream.summary.contains("end-of-message event may be among them"), stream.summary)
    XCTAssertTrue(stream.evidence.contains { $0.note.contains("the capture did not keep") })

    // The same with the last packet whole: the loss comes before the last event, so the verdict stays high.
    var whole = ends
    whole[0].snap = nil
    whole[0].payload = chunk("content_block_delta")
    whole[1].sequence = sequence + UInt32(whole[0].payload.count)
    let second = try analyze(pcap(segments + whole), name: "second.pcap")
    XCTAssertEqual(second.streams.first?.cause, .serverCloseDuringDelta)
    XCTAssertEqual(second.streams.first?.confidence, .high)
    XCTAssertEqual(second.streams.first?.eventsReceived, 5, "events cut by the snap length are counted by their names")
  }

  func testProxyRefusingATunnelIsAStreamOfItsOwn() throws {
    let connect = Array("CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\n".utf8)
    let refusal = Array("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\n\r\n".utf8)
    let segments = [Segment(fromClient: true, sequence: 999, flags: 0x02, time: 10.0),
                    Segment(fromClient: false, sequence: 4999, flags: 0x12, time: 10.001),
                    Segment(fromClient: true, sequence: 1000, flags: 0x18, payload: connect, time: 10.002),
                    Segment(fromClient: false, sequence: 5000, flags: 0x18, payload: refusal, time: 10.01),
                    Segment(fromClient: false, sequence: 5000 + UInt32(refusal.count), flags: 0x11, time: 10.02)]
    let report = try analyze(pcap(segments))
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(report.streams.count, 1)
    XCTAssertEqual(stream.status, 407)
    XCTAssertEqual(stream.cause, .clientError, "the proxy wants credentials the client did not send")
    XCTAssertEqual(stream.url, "https://api.anthropic.com:443")
  }

  func testSSEDecoderFollowsTheWHATWGRules() {
    var decoder = SSEDecoder()
    var kinds: [String] = []
    let text = ": comment\r\nevent: message_start\r\ndata: {\"input_tokens\":12}\r\n\r\nevent: content_block_delta\rdata: a\rdata: b\r\revent: message_stop\ndata: {}"
    Array(text.utf8).withUnsafeBytes { bytes in
      decoder.feed(bytes) { kind, _ in kinds.append("\(kind)") }
    }
    XCTAssertEqual(kinds.count, 3, "\(kinds)")
    XCTAssertTrue(kinds[0].contains("messageStart"))
    XCTAssertTrue(kinds[1].contains("usage"))
    XCTAssertTrue(kinds[2].contains("contentBlockDelta"), "the unfinished message_stop at the end is not dispatched")
  }
}

/// The transcript format: written from a capture, redacted, and read back to the same verdicts.
final class TranscriptTests: XCTestCase {
  func testTranscriptOfASampleCaptureIsRedactedAndReadsBackToTheSameVerdicts() throws {
    // A full capture, and one whose snap length cut packets (its transcript says `lost N`).
    for sample in ["20-capture-loopback/capture.pcap", "25-capture-snaplen/capture.pcap"] {
      let capture = TestSupport.sampleLogs.appendingPathComponent(sample)
      let text = Transcript.render(capture: capture.path)
      XCTAssertTrue(text.hasPrefix(Transcript.header))
      XCTAssertFalse(text.contains("sk-ant-api03-Xq7"), "the API key must not reach the transcript")
      XCTAssertEqual(text.contains(" lost "), sample.hasPrefix("25"), sample)
      let directory = try TestSupport.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: directory) }
      let url = directory.appendingPathComponent("incident.txt")
      try text.write(to: url, atomically: true, encoding: .utf8)
      let fromTranscript = TestSupport.analyze([url], relativeTo: directory)
      let fromCapture = TestSupport.analyze([capture], relativeTo: capture.deletingLastPathComponent())
      XCTAssertEqual(fromTranscript.inputs.first?.kind, .transcript)
      XCTAssertEqual(fromTranscript.streams.map(\.cause), fromCapture.streams.map(\.cause), sample)
      XCTAssertEqual(fromTranscript.streams.map(\.confidence), fromCapture.streams.map(\.confidence), sample)
      XCTAssertEqual(fromTranscript.streams.map(\.eventsReceived), fromCapture.streams.map(\.eventsReceived), sample)
      XCTAssertEqual(fromTranscript.streams.map(\.connState), fromCapture.streams.map(\.connState), sample)
      XCTAssertEqual(fromTranscript.streams.map(\.silenceBeforeEnd), fromCapture.streams.map(\.silenceBeforeEnd), sample)
    }
  }

  func testSecretsOnTheWireReachNoReport() throws {
    let key = "sk-ant-api03-WIREleakWIREleak0123456789abcdef"
    let body = "event: error\ndata: {\"type\":\"error\",\"error\":{\"message\":\"bad key \(key)\"}}\n\n"
    let chunk = String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n"
    let records: [(String, String, String)] = [
      ("00.001", "10.0.0.1:51000>127.0.0.1:8765", "POST /v1/messages?api_key=\(key) HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nContent-Length: 0\r\n\r\n"),
      ("00.100", "127.0.0.1:8765>10.0.0.1:51000", "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"),
      ("00.200", "127.0.0.1:8765>10.0.0.1:51000", chunk),
    ]
    // Escaped by hand, as a transcript written by another tool would hold the key.
    func escaped(_ text: String) -> String {
      text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
    var text = Transcript.header + "\n2026-11-22T10:00:00.000000Z 1 10.0.0.1:51000>127.0.0.1:8765 open\n"
    for (time, direction, bytes) in records {
      text += "2026-11-22T10:00:\(time)000Z 1 \(direction) data \"\(escaped(bytes))\"\n"
    }
    text += "2026-11-22T10:00:00.300000Z 1 127.0.0.1:8765>10.0.0.1:51000 fin\n"
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("wire.txt")
    try text.write(to: url, atomically: true, encoding: .utf8)
    XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).contains(key), "the input holds the key")
    let report = TestSupport.analyze([url], relativeTo: directory)
    XCTAssertEqual(report.streams.first?.cause, .serverError)
    XCTAssertFalse(try JSONRenderer().render(report).contains("WIREleak"))
    XCTAssertFalse(try MarkdownRenderer().render(report).contains("WIREleak"))
  }

  func testEscapingRoundTrips() {
    let bytes: [UInt8] = Array("a\r\n\t\"\\é".utf8) + [0x01, 0x7f]
    let line = "2026-11-22T10:00:00.000001Z 1 10.0.0.1:1>10.0.0.2:2 data \"\(Transcript.escape(bytes))\""
    let record = Array(line.utf8).withUnsafeBytes { Transcript.parse($0) }
    XCTAssertEqual(record?.kind, .data(bytes))
    XCTAssertEqual(record?.time, 1_795_341_600_000_001)
  }
}

/// curl traces: both dump styles, both remark styles, with and without times and ids.
final class CurlTraceTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws { directory = try TestSupport.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

  private func analyze(_ text: String, name: String = "trace.2026-11-22.txt") throws -> Report {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return TestSupport.analyze([url], relativeTo: directory)
  }

  /// A response of `events` Anthropic events, as curl ≥ 8.17 prints it with `--trace-ascii --trace-time --trace-ids`.
  private func newStyleTrace(events: [String], ending: String) -> String {
    var lines = [
      "10:00:00.000100 [0-0] * Connected to api.example.test (10.0.0.2) port 8443",
      "10:00:00.000200 [0-0] => Send header, 47 bytes (0x2f)",
      "0000: POST /v1/messages HTTP/1.1",
      "001c: Host: api.example.test",
      "0033: ",
      "10:00:00.100000 [0-0] <= Recv header, 17 bytes (0x11)",
      "0000: HTTP/1.1 200 OK",
      "10:00:00.100100 [0-0] <= Recv header, 47 bytes (0x2f)",
      "0000: content-type: text/event-stream; charset=utf-8",
      "10:00:00.100200 [0-0] <= Recv header, 28 bytes (0x1c)",
      "0000: transfer-encoding: chunked",
      "10:00:00.100300 [0-0] <= Recv header, 2 bytes (0x2)",
      "0000: ",
    ]
    for (i, event) in events.enumerated() {
      let body = "event: \(event)\ndata: {\"type\":\"\(event)\"}\n\n"
      let size = String(body.utf8.count, radix: 16)
      let shown = body.replacingOccurrences(of: "\n", with: ".")
      lines.append("10:00:00.\(String(200_000 + i * 10_000)) [0-0] <= Recv data, \(body.utf8.count + size.count + 4) bytes")
      lines.append("0000: \(size)")
      lines.append(String(format: "%04x: ", size.count + 2) + shown)
    }
    lines.append(ending)
    return lines.joined(separator: "\n") + "\n"
  }

  func testCurrentStyleWithIdsAndDeadline() throws {
    let events = ["message_start", "content_block_start"] + Array(repeating: "content_block_delta", count: 4)
    let report = try analyze(newStyleTrace(events: events, ending: "10:00:05.000400 [0-0] * Operation timed out after 5000 milliseconds with 900 bytes received"))
    XCTAssertEqual(report.inputs.first?.kind, .curlTrace)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(report.streams.count, 1)
    XCTAssertEqual(stream.cause, .clientError, "curl's --max-time is a deadline on the client's side")
    XCTAssertEqual(stream.contentEventsReceived, 4, "dots before field names are line feeds")
    XCTAssertEqual(stream.context, "curl #0 → api.example.test:8443", "the host curl names")
    XCTAssertEqual(stream.startedAt, "2026-11-22T10:00:00.100Z", "the day comes from the file name")
  }

  func testServerFINWithOlderRemarkStyleAndZone() throws {
    var text = newStyleTrace(events: ["message_start", "content_block_start", "content_block_delta", "content_block_delta"],
                             ending: "10:00:00.600000 == Info: transfer closed with outstanding read data remaining")
    text = text.replacingOccurrences(of: "[0-0] * ", with: "== Info: ").replacingOccurrences(of: "[0-0] ", with: "")
    var options = AnalysisOptions()
    options.curlDate = AnalysisOptions.midnight(of: "2026-11-20")
    options.curlUTCOffsetMinutes = AnalysisOptions.utcOffsetMinutes("+01:00")
    let url = directory.appendingPathComponent("trace.txt")
    try text.write(to: url, atomically: true, encoding: .utf8)
    let report = Analyzer(options: options).analyze([AnalysisInput(path: url.path)])
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta)
    XCTAssertEqual(stream.side, .server)
    XCTAssertEqual(stream.startedAt, "2026-11-20T09:00:00.100Z", "10:00 at UTC+01:00 is 09:00 UTC")
    XCTAssertTrue(stream.evidence.contains { $0.quote?.contains("curl: (18) transfer closed") == true })
  }

  func testConnectFailuresAreStreamsAndAnEmptyTraceWarns() throws {
    // What curl 7.88 writes when nothing listens on the port, and when the name does not resolve.
    let refused = """
      18:41:35.503705 == Info:   Trying 127.0.0.1:9...
      18:41:35.503984 == Info: connect to 127.0.0.1 port 9 failed: Connection refused
      18:41:35.504029 == Info: Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to server
      18:41:35.504042 == Info: Closing connection 0

      """
    let unresolved = """
      18:43:44.155847 == Info: Could not resolve host: no-such-host.invalid
      18:43:44.155946 == Info: Closing connection 0

      """
    for (trace, server) in [(refused, "127.0.0.1:9"), (unresolved, "no-such-host.invalid")] {
      let report = try analyze(trace)
      let stream = try XCTUnwrap(report.streams.first, server)
      XCTAssertEqual(stream.cause, .clientError)
      XCTAssertEqual(stream.fixes.first, .connectFailure)
      XCTAssertEqual(stream.context, "curl #0 → \(server)")
      XCTAssertTrue(report.warnings.isEmpty)
    }
    let empty = try analyze("== Info: nothing that curl would write about a transfer\n", name: "empty.trace")
    XCTAssertTrue(empty.streams.isEmpty)
    XCTAssertEqual(empty.warnings.count, 1)
    XCTAssertTrue(empty.warnings.first?.message.contains("no connection and no exchange") == true)
  }

  /// One HTTP/2 transfer's lines as curl's `--trace-ascii --trace-time` writes them (`prefix` is `[T-C] ` with
  /// `--trace-ids`, else ""): its request, its head and one `Recv data` per event, timed from `start` milliseconds.
  private func h2Transfer(_ prefix: String, path: String, events: [String], start: Int) -> [(Int, String)] {
    func at(_ ms: Int) -> String { String(format: "10:00:%02d.%03d000 ", ms / 1000, ms % 1000) }
    let requestLine = "POST \(path) HTTP/2", host = "Host: api.example.test"
    let hostAt = requestLine.utf8.count + 2, endAt = hostAt + host.utf8.count + 2
    var lines: [(Int, String)] = [
      (start, at(start) + prefix + "=> Send header, \(endAt + 2) bytes"), (start, "0000: " + requestLine),
      (start, String(format: "%04x: ", hostAt) + host), (start, String(format: "%04x: ", endAt)),
      (start + 5, at(start + 5) + prefix + "<= Recv header, 13 bytes (0xd)"), (start + 5, "0000: HTTP/2 200 "),
      (start + 5, at(start + 5) + prefix + "<= Recv header, 33 bytes (0x21)"),
      (start + 5, "0000: content-type: text/event-stream"),
      (start + 5, at(start + 5) + prefix + "<= Recv header, 2 bytes (0x2)"), (start + 5, "0000: "),
    ]
    for (i, event) in events.enumerated() {
      let body = "event: \(event)\ndata: {\"type\":\"\(event)\"}\n\n"
      let ms = start + 10 + 40 * i
      lines.append((ms, at(ms) + prefix + "<= Recv data, \(body.utf8.count) bytes"))
      lines.append((ms, "0000: " + body.replacingOccurrences(of: "\n", with: ".")))
    }
    return lines
  }

  /// Lines of several transfers, merged in time order (each block stays whole).
  private func interleaved(_ transfers: [[(Int, String)]]) -> [String] {
    var blocks: [(Int, Int, [String])] = []
    for (t, lines) in transfers.enumerated() {
      for (ms, line) in lines {
        if line.first?.isHexDigit == true, line.dropFirst(4).hasPrefix(": "), !blocks.isEmpty { blocks[blocks.count - 1].2.append(line) } else { blocks.append((ms, t, [line])) }
      }
    }
    return blocks.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.flatMap { $0.element.2 }
  }

  func testTransfersMultiplexedWithTraceIDsAreAttemptsOfTheirOwn() throws {
    let delta = Array(repeating: "content_block_delta", count: 6)
    let complete = h2Transfer("[0-0] ", path: "/s/complete/v1/messages",
                              events: ["message_start", "content_block_start"] + delta + ["message_stop"], start: 100)
    let reset = h2Transfer("[1-0] ", path: "/s/rst-stream/v1/messages", events: ["message_start", "content_block_start"] + delta,
                           start: 120)
    var lines = ["10:00:00.050000 [0-0] == Info: Connected to api.example.test (10.0.0.2) port 443"]
    lines += interleaved([complete, reset])
    lines += ["10:00:00.500000 [1-0] == Info: HTTP/2 stream 3 was not closed cleanly: INTERNAL_ERROR (err 2)",
              "10:00:00.600000 [0-0] == Info: Connection #0 to host api.example.test left intact"]
    let report = try analyze(lines.joined(separator: "\n") + "\n")
    XCTAssertEqual(report.streams.count, 2, "one attempt per transfer")
    let done = try XCTUnwrap(report.streams.first { $0.url?.contains("/s/complete/") == true })
    XCTAssertEqual(done.outcome, .completed)
    XCTAssertEqual(done.contentEventsReceived, 6, "the other transfer's events are not its")
    let cut = try XCTUnwrap(report.streams.first { $0.url?.contains("/s/rst-stream/") == true })
    XCTAssertEqual(cut.cause, .serverCloseDuringDelta)
    XCTAssertEqual(cut.contentEventsReceived, 6)
    XCTAssertEqual(cut.context, "curl #0 → api.example.test:443 (transfer 1)")
    XCTAssertTrue(report.warnings.isEmpty)
  }

  func testTheServersCloseNotifyIsItsClose() throws {
    // curl 8.14 over TLS when the server closes mid-stream: no verdict line, only the server's close_notify before
    // curl closes the connection.
    var lines = ["10:00:00.050000 == Info: Connected to api.example.test (10.0.0.2) port 443"]
    lines += h2Transfer("", path: "/s/fin-mid-delta/v1/messages",
                        events: ["message_start", "content_block_start", "content_block_delta", "content_block_delta"],
                        start: 100).map(\.1)
    lines += ["10:00:00.300000 == Info: TLSv1.3 (IN), TLS alert, close notify (256):",
              "10:00:00.300100 == Info: closing connection #0"]
    let stream = try XCTUnwrap(try analyze(lines.joined(separator: "\n") + "\n").streams.first)
    XCTAssertEqual(stream.side, .server, "curl closing the connection afterwards is not the client's close")
    XCTAssertEqual(stream.cause, .serverCloseDuringDelta)
  }

  func testTransfersInFlightTogetherWithoutIDsAreNotGuessed() throws {
    // curl 7.88 multiplexing two streams on one connection: its received lines do not say whose they are.
    let delta = Array(repeating: "content_block_delta", count: 4)
    var first = h2Transfer("", path: "/s/complete/v1/messages", events: ["message_start", "content_block_start"] + delta, start: 100)
    first.insert((100, "10:00:00.100000 == Info: Using Stream ID: 1 (easy handle 0x5555)"), at: 0)
    var second = h2Transfer("", path: "/s/rst-stream/v1/messages", events: ["message_start", "content_block_start"] + delta, start: 101)
    second.insert((101, "10:00:00.101000 == Info: Using Stream ID: 3 (easy handle 0x6666)"), at: 0)
    var lines = ["10:00:00.050000 == Info: Connected to api.example.test (10.0.0.2) port 443 (#0)"]
    lines += interleaved([first, second])
    lines += ["10:00:00.400000 == Info: HTTP/2 stream 3 was not closed cleanly: INTERNAL_ERROR (err 2)"]
    let report = try analyze(lines.joined(separator: "\n") + "\n")
    XCTAssertEqual(report.streams.count, 2, "one attempt per stream")
    XCTAssertTrue(report.streams.allSatisfy { $0.contentEventsReceived == 0 }, "no event is given to a stream by guess")
    let reset = try XCTUnwrap(report.streams.first { $0.url?.contains("rst-stream") == true })
    XCTAssertEqual(reset.cause, .unknown, "a reset whose events cannot be attributed does not say whether content flowed")
    XCTAssertEqual(report.warnings.count, 1)
    XCTAssertTrue(report.warnings.first?.message.contains("--trace-ids") == true)
  }

  func testVerboseOutputGivesTheHeadsAndCurlsVerdict() throws {
    // `curl -v -sS -N -o /dev/null …` as curl 7.88 printed it on stderr for a FIN mid-body.
    let verbose = """
      *   Trying 127.0.0.1:45377...
      * Connected to 127.0.0.1 (127.0.0.1) port 45377 (#0)
      > POST /v1/messages HTTP/1.1
      > Host: 127.0.0.1:45377
      > User-Agent: curl/7.88.1
      > x-api-key: sk-ant-api03-XXXXtestKEYnotREAL0000000000000000
      > Content-Length: 87
      >\u{20}
      } [87 bytes data]
      < HTTP/1.1 200 OK
      < content-type: text/event-stream; charset=utf-8
      < transfer-encoding: chunked
      < request-id: req_011CdZGhRjg34hRt2BUYnYFh
      <\u{20}
      { [285 bytes data]
      * transfer closed with outstanding read data remaining
      * Closing connection 0
      curl: (18) transfer closed with outstanding read data remaining

      """
    let report = try analyze(verbose, name: "pasted.txt")
    XCTAssertEqual(report.inputs.first?.kind, .curlTrace)
    let stream = try XCTUnwrap(report.streams.first)
    XCTAssertEqual(stream.cause, .unknown, "curl -v shows no events: content or silence is not known")
    XCTAssertEqual(stream.candidates, [.idleTimeout, .serverCloseDuringDelta])
    XCTAssertEqual(stream.side, .server)
    XCTAssertEqual(stream.requestID, "req_011CdZGhRjg34hRt2BUYnYFh")
    XCTAssertEqual(stream.status, 200)
    XCTAssertEqual(report.secretsRedacted, 1)
    XCTAssertFalse(try JSONRenderer().render(report).contains("XXXXtestKEY"))

    // The same transfer ending without an error: complete as far as curl could tell, the events unknown.
    let complete = verbose.replacingOccurrences(of: "* transfer closed with outstanding read data remaining\n", with: "")
      .replacingOccurrences(of: "* Closing connection 0\ncurl: (18) transfer closed with outstanding read data remaining\n",
                            with: "* Connection #0 to host 127.0.0.1 left intact\n")
    let completed = try analyze(complete, name: "complete.txt")
    XCTAssertEqual(completed.streams.first?.outcome, .completed)
    XCTAssertEqual(completed.streams.first?.confidence, .low, "the body, and so message_stop, was not recorded")
    XCTAssertEqual(completed.counts.failed, 0)
  }

  func testHexDumpIsExact() {
    let line = "0000: 50 4f 53 54 20 2f 0d 0a 0a 2e                   POST /....."
    let dump = CurlTraceReader<Assembler>.dumpLine(Substring(line))
    XCTAssertEqual(dump?.bytes, [0x50, 0x4f, 0x53, 0x54, 0x20, 0x2f, 0x0d, 0x0a, 0x0a, 0x2e])
    XCTAssertEqual(CurlTraceReader<Assembler>.dumpLine("0005: 7b")?.bytes, Array("7b".utf8), "short ASCII lines are not hex")
  }

  func testDotsStayDotsInsideText() {
    let restored = CurlTraceReader<Assembler>.restoringLineFeeds(Array("data: {\"text\":\"Done. 0.5 ok\"}..".utf8))
    XCTAssertEqual(String(decoding: restored, as: UTF8.self), "data: {\"text\":\"Done. 0.5 ok\"}\n\n")
  }
}

/// HAR 1.2 exports: a complete stream, a stream the browser saw cut, and `_eventSourceMessages`.
final class HARArchiveTests: XCTestCase {
  private func sse(_ events: [String]) -> String {
    events.map { "event: \($0)\\ndata: {\\\"type\\\":\\\"\($0)\\\"}\\n\\n" }.joined()
  }

  private func entry(started: String, body: String, error: String? = nil, extra: String = "") -> String {
    """
    {"startedDateTime": "\(started)", "time": 850.5,
     "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "httpVersion": "HTTP/1.1",
                 "headers": [{"name": "x-api-key", "value": "sk-ant-api03-harSAMPLEkeyNOTreal0123456789abcdef"}],
                 "postData": {"mimeType": "application/json", "text": "{\\"stream\\":true}"}},
     "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                  "headers": [{"name": "content-type", "value": "text/event-stream"}, {"name": "request-id", "value": "req_har\(started.suffix(2))"}],
                  "content": {"mimeType": "text/event-stream", "text": "\(body)"}},
     "timings": {"blocked": 1, "dns": 0, "connect": 20, "send": 1, "wait": 300, "receive": 528.5}
     \(error.map { ", \"_error\": \"\($0)\"" } ?? "")\(extra)}
    """
  }

  func testEntriesBecomeStreamsWithTheExportersVerdict() throws {
    let deltas = Array(repeating: "content_block_delta", count: 5)
    let complete = sse(["message_start", "content_block_start"] + deltas + ["content_block_stop", "message_delta", "message_stop"])
    let cut = sse(["message_start", "content_block_start"] + deltas)
    // Entries in start order, as HAR 1.2 recommends and exporters write them; `pages` and `creator` come first
    // and carry braces and brackets inside strings, which must not be taken for structure.
    let har = """
    {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36", "comment": "a } and a ] and \\" too"},
     "pages": [{"id": "page_1", "title": "{\\"entries\\": [] }"}], "entries": [
    \(entry(started: "2026-11-22T16:00:00.000+01:00", body: complete)),
    \(entry(started: "2026-11-22T16:00:01.000+01:00", body: cut, error: "net::ERR_INCOMPLETE_CHUNKED_ENCODING")),
    \(entry(started: "2026-11-22T16:00:02.000+01:00", body: cut))
    ]}}
    """
    let directory = try TestSupport.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("session.har")
    try har.write(to: url, atomically: true, encoding: .utf8)
    let report = TestSupport.analyze([url], relativeTo: directory)
    XCTAssertEqual(report.inputs.first?.kind, .har)
    XCTAssertEqual(report.streams.count, 3)
    XCTAssertEqual(report.streams.map(\.outcome), [.completed, .failed, .failed])
    XCTAssertEqual(report.streams[1].cause, .serverCloseDuringDelta)
    XCTAssertTrue(report.streams[1].evidence.contains { $0.quote?.contains("ERR_INCOMPLETE_CHUNKED_ENCODING") == true })
    XCTAssertEqual(report.streams[2].findings, [.cleanTruncation], "complete per the exporter, but no message_stop")
    XCTAssertEqual(report.streams[0].startedAt, "2026-11-22T15:00:00.022Z", "the zone applied; the request went out after blocked, connect and send")
    XCTAssertEqual(report.secretsRedacted, 3)
    let json = try JSONRenderer().render(report)
    XCTAssertFalse(json.contains("harSAMPLEkey"))

    // Cut short inside the third entry (as when an export is interrupted): the two before it are analyzed.
    let cutFile = directory.appendingPathComponent("cut.har")
    try String(har.prefix(har.count - 300)).write(to: cutFile, atomically: true, encoding: .utf8)
    let partial = TestSupport.analyze([cutFile], relativeTo: directory)
    XCTAssertEqual(partial.streams.map(\.outcome), [.completed, .failed])
    XCTAssertEqual(partial.warnings.count, 1)
    XCTAssertTrue(partial.warnings.first?.message.contains("ends inside entry 3") == true, partial.warnings.first?.message ?? "")
  }
}
