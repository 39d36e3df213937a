/// Reads TLS records from one direction of a connection: their types, and the SNI of a ClientHello.
struct TLSRecordReader {
  private var header: [UInt8] = []
  private var body: [UInt8] = []
  private var remaining = 0
  private var type: UInt8 = 0
  private var keepBody = false
  private var length = 0
  private var version: UInt16 = 0
  /// Whether every record's body is kept and handed on (to decrypt it), not only the handshake's.
  var keepsBodies = false
  /// Bytes were lost where no record boundary can be found again: the rest is not read.
  private var lost = false

  /// Calls `record` with each record's content type, for a ClientHello its server name ("" when none),
  /// for a ServerHello the version it chose, the record's length, and (when `keepsBodies`, and for handshake
  /// records) its header's version and body.
  mutating func feed(
    _ bytes: UnsafeRawBufferPointer, _ record: (UInt8, String?, UInt16?, Int, _ header: (UInt16, [UInt8])) -> Void
  ) {
    guard !lost else { return }
    var i = 0
    while i < bytes.count {
      if remaining == 0 {
        header.append(bytes[i])
        i += 1
        guard header.count == 5 else { continue }
        type = header[0]
        remaining = Int(header[3]) << 8 | Int(header[4])
        length = remaining
        version = UInt16(header[1]) << 8 | UInt16(header[2])
        header.removeAll(keepingCapacity: true)
        keepBody = (type == 22 || keepsBodies) && remaining <= 1 << 16 + 2048
        body.removeAll(keepingCapacity: true)
        if remaining == 0 { record(type, nil, nil, 0, (version, [])) }
        continue
      }
      let take = min(remaining, bytes.count - i)
      if keepBody { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)])) }
      i += take
      remaining -= take
      if remaining == 0 {
        let chosen = type == 22 && body.first == 2 ? Self.negotiatedVersion(inServerHello: body) : nil
        record(type, type == 22 ? Self.serverName(inClientHello: body) : nil, chosen, length, (version, body))
      }
    }
  }

  /// `count` bytes the capture did not keep: inside a record they are skipped (the record still counts, its
  /// content unread); across a record boundary the records after it cannot be found.
  mutating func skip(_ count: Int, _ record: (UInt8, String?, UInt16?, Int) -> Void) {
    guard !lost else { return }
    guard header.isEmpty, count <= remaining else {
      lost = true
      return
    }
    keepBody = false
    remaining -= count
    if remaining == 0 { record(type, nil, nil, length) }
  }

  /// The version a ServerHello chose: `supported_versions` (TLS 1.3) or the legacy field.
  static func negotiatedVersion(inServerHello b: [UInt8]) -> UInt16? {
    guard b.count > 40, b[0] == 2 else { return nil }
    let legacy = UInt16(b[4]) << 8 | UInt16(b[5])
    var i = 4 + 2 + 32
    guard i < b.count else { return legacy }
    i += 1 + Int(b[i])  // session id
    i += 2 + 1  // cipher suite, compression method
    guard i + 2 <= b.count else { return legacy }
    let end = min(b.count, i + 2 + (Int(b[i]) << 8 | Int(b[i + 1])))
    i += 2
    while i + 4 <= end {
      let type = Int(b[i]) << 8 | Int(b[i + 1]), length = Int(b[i + 2]) << 8 | Int(b[i + 3])
      if type == 43, length == 2, i + 6 <= end { return UInt16(b[i + 4]) << 8 | UInt16(b[i + 5]) }
      i += 4 + length
    }
    return legacy
  }

  /// The `server_name` extension of a ClientHello; "" for a ClientHello without one; nil for other handshakes.
  static func serverName(inClientHello b: [UInt8]) -> String? {
    guard b.count > 4, b[0] == 1 else { return nil }
    var i = 4 + 2 + 32  // handshake header, version, random
    guard i < b.count else { return "" }
    i += 1 + Int(b[i])  // session id
    guard i + 2 <= b.count else { return "" }
    i += 2 + (Int(b[i]) << 8 | Int(b[i + 1]))  // cipher suites
    guard i < b.count else { return "" }
    i += 1 + Int(b[i])  // compression methods
    guard i + 2 <= b.count else { return "" }
    let end = min(b.count, i + 2 + (Int(b[i]) << 8 | Int(b[i + 1])))
    i += 2
    while i + 4 <= end {
      let type = Int(b[i]) << 8 | Int(b[i + 1]), length = Int(b[i + 2]) << 8 | Int(b[i + 3])
      if type == 0, i + 9 <= end {
        let nameLength = Int(b[i + 7]) << 8 | Int(b[i + 8])
        let start = i + 9
        guard start + nameLength <= end else { return "" }
        return String(decoding: b[start..<(start + nameLength)], as: UTF8.self)
      }
      i += 4 + length
    }
    return ""
  }
}
