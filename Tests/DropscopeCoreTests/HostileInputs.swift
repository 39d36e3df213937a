import Foundation

/// Minimal inputs that once crashed dropscope, each built from the few bytes that did it (issue 10).
enum HostileInputs {
  /// A named input and the bytes of the file.
  struct Input {
    var name: String
    var bytes: [UInt8]
  }

  /// Every crashing input of issue 10, one file each.
  static var all: [Input] {
    [
      Input(name: "time-1e300.jsonl", bytes: jsonLog(time: "1e300")),
      Input(name: "time-1e400.jsonl", bytes: jsonLog(time: "1e400")),
      Input(name: "time-minus-1e300.jsonl", bytes: jsonLog(time: "-1e300")),
      Input(name: "level-1e300.jsonl", bytes: Array(#"{"time": "2026-11-22T10:00:00Z", "level": 1e300, "message": "hi"}"#.utf8) + [10]),
      Input(name: "har-time.har", bytes: har(time: "1e300", wait: "1")),
      Input(name: "har-wait.har", bytes: har(time: "1", wait: "1e300")),
      Input(name: "tsresol.pcapng", bytes: pcapngWithSecondTimestamps()),
      Input(name: "idb-12.pcapng", bytes: sectionHeader() + block(type: 1, body: [])),
      Input(name: "spb-12.pcapng", bytes: sectionHeader() + interface() + block(type: 3, body: [])),
      Input(name: "orig-len.pcap", bytes: pcapWithHugeOriginalLength()),
      Input(name: "lost.txt", bytes: transcriptLosingIntMaxTwice()),
      Input(name: "curl-v.txt", bytes: curlVerboseWithIntMaxTwice()),
    ]
  }

  static func jsonLog(time: String) -> [UInt8] {
    Array(#"{"time": \#(time), "level": "info", "message": "hi"}"#.utf8) + [10]
  }

  static func har(time: String, wait: String) -> [UInt8] {
    Array("""
      {"log": {"version": "1.2", "entries": [{"startedDateTime": "2026-11-22T10:00:00.000Z", "time": \(time),
      "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "headers": []},
      "response": {"status": 200, "statusText": "OK", "headers": [{"name": "content-type", "value": "text/event-stream"}],
        "content": {"text": "event: message_start\\ndata: {}\\n\\n"}},
      "timings": {"send": 1, "wait": \(wait), "receive": 1}}]}}
      """.utf8)
  }

  static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  static func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
  static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
  static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }

  /// A pcapng block: type, total length, body (padded to 4 bytes), total length again.
  static func block(type: UInt32, body: [UInt8]) -> [UInt8] {
    let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
    let length = UInt32(12 + padded.count)
    return le32(type) + le32(length) + padded + le32(length)
  }

  static func sectionHeader() -> [UInt8] {
    block(type: 0x0a0d_0d0a, body: le32(0x1a2b_3c4d) + le16(1) + le16(0) + [UInt8](repeating: 0xff, count: 8))
  }

  /// An Ethernet interface, with `if_tsresol` when given.
  static func interface(tsresol: UInt8? = nil) -> [UInt8] {
    var body = le16(1) + le16(0) + le32(65535)
    if let tsresol { body += le16(9) + le16(1) + [tsresol, 0, 0, 0] + le16(0) + le16(0) }
    return block(type: 1, body: body)
  }

  /// Timestamps in seconds (`if_tsresol` 0) and one far too large to be in microseconds.
  static func pcapngWithSecondTimestamps() -> [UInt8] {
    let packet = frame(fromClient: true, sequence: 1, flags: 0x02)
    let body = le32(0) + le32(0x7fff_ffff) + le32(0xffff_ffff) + le32(UInt32(packet.count)) + le32(UInt32(packet.count)) + packet
    return sectionHeader() + interface(tsresol: 0) + block(type: 6, body: body)
  }

  /// A TCP segment between 10.0.0.1:50000 (or another client port) and 10.0.0.2:80 (server), in an Ethernet frame.
  static func frame(fromClient: Bool, sequence: UInt32, flags: UInt8, payload: [UInt8] = [], clientPort: UInt16 = 50000)
    -> [UInt8]
  {
    let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]
    var tcp = be16(fromClient ? clientPort : 80) + be16(fromClient ? 80 : clientPort)
    tcp += be32(sequence) + be32(0) + [0x50, flags] + be16(65535) + [0, 0, 0, 0] + payload
    var ip: [UInt8] = [0x45, 0] + be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0]
    ip += (fromClient ? client : server) + (fromClient ? server : client)
    return [UInt8](repeating: 0, count: 12) + [0x08, 0x00] + ip + tcp
  }

  /// A pcap file of frames, each given with its time in seconds and its length on the wire (its own by default).
  static func pcap(_ frames: [(frame: [UInt8], time: UInt32, wire: UInt32?)]) -> [UInt8] {
    var out = le32(0xa1b2_c3d4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
    for (frame, time, wire) in frames {
      out += le32(time) + le32(0) + le32(UInt32(frame.count)) + le32(wire ?? UInt32(frame.count)) + frame
    }
    return out
  }

  /// A segment that waits for a gap, then the one that fills it, whose length on the wire is 2^31 more than was
  /// captured: the waiting one is then exactly 2^31 behind.
  static func pcapWithHugeOriginalLength() -> [UInt8] {
    let syn = frame(fromClient: false, sequence: 99, flags: 0x12)
    let later = frame(fromClient: false, sequence: 200, flags: 0x18, payload: Array("late".utf8))
    let first = frame(fromClient: false, sequence: 100, flags: 0x18, payload: [UInt8](repeating: 0x61, count: 100))
    let huge = { (f: [UInt8]) in UInt32(f.count) + (1 << 31) }
    return pcap([(syn, 1_800_000_000, nil), (later, 1_800_000_001, nil), (first, 1_800_000_002, huge(first))])
  }

  static func transcriptLosingIntMaxTwice() -> [UInt8] {
    Array("""
      # dropscope transcript v1
      2026-11-22T10:00:00.000000Z 1 10.0.0.1:50000>10.0.0.2:80 open
      2026-11-22T10:00:00.100000Z 1 10.0.0.2:80>10.0.0.1:50000 lost 9223372036854775807
      2026-11-22T10:00:00.200000Z 1 10.0.0.2:80>10.0.0.1:50000 lost 9223372036854775807
      2026-11-22T10:00:00.300000Z 1 10.0.0.2:80>10.0.0.1:50000 fin

      """.utf8)
  }

  /// A response whose `Content-Length` is negative (found beyond issue 10's list).
  static func transcriptWithNegativeContentLength() -> [UInt8] {
    Array(#"""
      # dropscope transcript v1
      2026-11-22T10:00:00.000000Z 1 10.0.0.1:50000>10.0.0.2:80 open
      2026-11-22T10:00:00.010000Z 1 10.0.0.1:50000>10.0.0.2:80 data "POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
      2026-11-22T10:00:00.100000Z 1 10.0.0.2:80>10.0.0.1:50000 data "HTTP/1.1 200 OK\r\ncontent-length: -5\r\n\r\nabc"
      2026-11-22T10:00:00.300000Z 1 10.0.0.2:80>10.0.0.1:50000 fin

      """#.utf8)
  }

  static func curlVerboseWithIntMaxTwice() -> [UInt8] {
    Array("""
      *   Trying 10.0.0.2:80...
      * Connected to api.example.com (10.0.0.2) port 80
      > POST /v1/messages HTTP/1.1
      > Host: api.example.com
      >
      < HTTP/1.1 200 OK
      < content-type: text/event-stream
      <
      { [9223372036854775807 bytes data]
      { [9223372036854775807 bytes data]
      * Connection #0 to host api.example.com left intact

      """.utf8)
  }

  /// A log with one stream that the server cut mid-delta, which every run must still report.
  static let goodLog = """
    2026-11-22 10:00:00,000 INFO [w] httpx: HTTP Request: POST https://api.anthropic.com/v1/messages "HTTP/1.1 200 OK"
    2026-11-22 10:00:00,100 DEBUG [w] app: event: message_start
    2026-11-22 10:00:00,200 DEBUG [w] app: event: content_block_delta
    2026-11-22 10:00:01,000 ERROR [w] app: stream failed: httpx.RemoteProtocolError: peer closed connection without sending complete message body (incomplete chunked read)

    """
}
