/// The plain-text SSE transcript: one line per connection event, for people who record streams in their own
/// proxies, and for attaching a readable, redacted record of a capture to a ticket.
///
/// ```
/// # dropscope transcript v1
/// 2026-11-22T16:56:20.123456Z 3 127.0.0.1:59970>127.0.0.1:8765 open
/// 2026-11-22T16:56:20.124012Z 3 127.0.0.1:59970>127.0.0.1:8765 data "POST /v1/messages HTTP/1.1\r\nHost: …\r\n\r\n{…}"
/// 2026-11-22T16:56:20.200000Z 3 127.0.0.1:8765>127.0.0.1:59970 data "HTTP/1.1 200 OK\r\n…"
/// 2026-11-22T16:56:20.650000Z 3 127.0.0.1:8765>127.0.0.1:59970 fin
/// ```
///
/// Each line: the time (UTC, microseconds), the connection id, `source>destination`, and one of `open`,
/// `data "<escaped bytes>"` (C escapes: `\r \n \t \" \\ \xHH`), `lost N` (N bytes that follow were not recorded,
/// as when a capture's snap length cut them), `fin`, `rst`, `timeout`, `end` (the record stops with the connection
/// open), `close_notify` (a decrypted TLS session's orderly close by that side). Data lines hold each direction's
/// bytes in order.
public enum Transcript {
  public static let header = "# dropscope transcript v1"

  /// One event of a connection.
  struct Record {
    enum Kind: Equatable {
      case open, data([UInt8]), lost(Int), fin, rst, timeout, end, closeNotify
    }

    var time: Microseconds
    var connection: Int
    var source: String
    var destination: String
    var kind: Kind
  }

  /// A capture as a transcript, with secrets redacted, whole in memory (for tests; `write` streams it). TLS
  /// sessions the key log (or the capture's own keys) decrypt are written as their plain text.
  public static func render(capture path: String, keyLog: TLSKeyLog = TLSKeyLog()) -> String {
    var out = ""
    write(capture: path, keyLog: keyLog) { out += $0 }
    return out
  }

  /// Writes a capture (a file, or `-` for standard input) as a transcript, with secrets redacted, a few lines at a
  /// time as they are ready, so memory does not grow with the capture.
  /// - Parameter output: called with each piece of the transcript, in order.
  public static func write(capture path: String, keyLog: TLSKeyLog = TLSKeyLog(), to output: (String) -> Void) {
    final class Discard: FactSink {
      func accept(_ fact: borrowing Fact) {}
      func inputEnded(_ input: Int) {}
    }
    var pending = header + "\n"
    func emit(_ record: Record) {
      pending += line(record) + "\n"
      if pending.utf8.count >= 1 << 16 {
        output(pending)
        pending = ""
      }
    }
    let reader = CaptureReader(input: 0, sink: Discard())
    let keyring = TLSKeyring(keyLog)
    reader.keyring = keyring
    // Redacted here, once, as each direction's bytes are reassembled: a secret split across segments is found whole.
    var redaction = TranscriptRedaction()
    withoutActuallyEscaping(emit) { emit in
      reader.observer = { record in redaction.add(record, emit) }
      var file = CaptureFileReader()
      file.keyring = keyring
      var decoder = InputDecoder(input: AnalysisInput(path: path).opened(), maxLineLength: 1 << 20)
      _ = decoder.runCapture { bytes in
        file.feed(bytes) { reader.read($0) }
        return file.failure == nil
      }
      reader.finish()
      reader.observer = nil
      redaction.finish(emit)
    }
    output(pending)
  }

  static func line(_ r: Record) -> String {
    var text = "\(TimeFormatting.isoMicros(r.time)) \(r.connection) \(r.source)>\(r.destination) "
    switch r.kind {
    case .open: text += "open"
    case .data(let bytes): text += "data \"\(escape(bytes))\""
    case .lost(let count): text += "lost \(count)"
    case .fin: text += "fin"
    case .rst: text += "rst"
    case .timeout: text += "timeout"
    case .end: text += "end"
    case .closeNotify: text += "close_notify"
    }
    return text
  }

  /// C-style escaping of bytes (redacted before, as each direction's bytes were reassembled); UTF-8 text stays
  /// readable, and bytes that are not UTF-8 (HTTP/2's binary frames) are written as `\xHH`.
  static func escape(_ bytes: [UInt8]) -> String {
    if String(validating: bytes, as: UTF8.self) != nil { return escapeText(bytes) }
    var out = ""
    var run: [UInt8] = []
    for b in bytes {
      if b < 0x80 {
        run.append(b)
      } else {
        if !run.isEmpty { out += escapeText(run) }
        run.removeAll(keepingCapacity: true)
        out += "\\x\(String(b, radix: 16))"
      }
    }
    if !run.isEmpty { out += escapeText(run) }
    return out
  }

  /// C-style escaping of text: quotes, backslashes and control bytes.
  private static func escapeText(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count + 16)
    for b in bytes {
      switch b {
      case 0x0d: out += Array("\\r".utf8)
      case 0x0a: out += Array("\\n".utf8)
      case 0x09: out += Array("\\t".utf8)
      case 0x22: out += Array("\\\"".utf8)
      case 0x5c: out += Array("\\\\".utf8)
      case 0x20..<0x7f, 0x80...: out.append(b)
      default: out += Array("\\x\(b < 16 ? "0" : "")\(String(b, radix: 16))".utf8)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Parses one transcript line; nil for comments, blank lines and lines that are not records.
  static func parse(_ line: UnsafeRawBufferPointer) -> Record? {
    guard !line.isEmpty, line[0] != 0x23 else { return nil }
    var cache = TimestampParser.SecondCache()
    guard let stamp = TimestampParser.parse(line, at: 0, cache: &cache) else { return nil }
    var fields: [Substring] = []
    let rest = line.string(stamp.end..<line.count)
    var remainder = Substring(rest)
    for _ in 0..<3 {
      remainder = remainder.drop { $0 == " " }
      let field = remainder.prefix { $0 != " " }
      fields.append(field)
      remainder = remainder.dropFirst(field.count)
    }
    guard fields.count == 3, let connection = Int(fields[0]), let arrow = fields[1].firstIndex(of: ">") else { return nil }
    let source = String(fields[1][..<arrow]), destination = String(fields[1][fields[1].index(after: arrow)...])
    let kind: Record.Kind
    switch fields[2] {
    case "open": kind = .open
    case "fin": kind = .fin
    case "rst": kind = .rst
    case "timeout": kind = .timeout
    case "end": kind = .end
    case "close_notify": kind = .closeNotify
    case "lost":
      guard let count = Int(remainder.drop { $0 == " " }), count > 0 else { return nil }
      kind = .lost(count)
    case "data":
      let quoted = remainder.drop { $0 == " " }
      guard quoted.first == "\"", quoted.last == "\"", quoted.count >= 2 else { return nil }
      kind = .data(unescape(quoted.dropFirst().dropLast()))
    default: return nil
    }
    return Record(time: stamp.time, connection: connection, source: source, destination: destination, kind: kind)
  }

  static func unescape(_ text: Substring) -> [UInt8] {
    var out: [UInt8] = []
    var bytes = Array(text.utf8)[...]
    while let b = bytes.popFirst() {
      guard b == 0x5c, let e = bytes.popFirst() else {
        out.append(b)
        continue
      }
      switch e {
      case 0x72: out.append(0x0d)
      case 0x6e: out.append(0x0a)
      case 0x74: out.append(0x09)
      case 0x78:
        let hex = String(decoding: bytes.prefix(2), as: UTF8.self)
        bytes = bytes.dropFirst(2)
        out.append(UInt8(hex, radix: 16) ?? 0x3f)
      default: out.append(e)
      }
    }
    return out
  }
}
