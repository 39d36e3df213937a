/// Decodes HPACK header blocks (RFC 7541): the static and dynamic tables, integers, literal and Huffman strings.
///
/// One decoder per direction of a connection, since each side's encoder keeps its own dynamic table.
struct HPACKDecoder {
  typealias Header = (name: String, value: String)

  private var dynamic: [Header] = []
  private var dynamicSize = 0
  /// The table's size limit: 4096 until the encoder says otherwise (up to what the settings allow).
  private var maxSize = 4096

  init(maxTableSize: Int = 4096) {
    maxSize = maxTableSize
  }

  /// The headers of one complete block; nil when the block is malformed (the connection's headers after it
  /// cannot be read, since the table may have diverged).
  mutating func decode(_ block: [UInt8]) -> [Header]? {
    var headers: [Header] = []
    var i = 0
    while i < block.count {
      let b = block[i]
      if b & 0x80 != 0 {
        // Indexed header field.
        guard let index = Self.integer(block, &i, prefix: 7), let header = entry(index) else { return nil }
        headers.append(header)
      } else if b & 0xc0 == 0x40 {
        // Literal with incremental indexing.
        guard let header = literal(block, &i, prefix: 6) else { return nil }
        headers.append(header)
        insert(header)
      } else if b & 0xe0 == 0x20 {
        // Dynamic table size update.
        guard let size = Self.integer(block, &i, prefix: 5), size <= 1 << 20 else { return nil }
        maxSize = size
        evict(toFit: 0)
      } else {
        // Literal without indexing (0000) or never indexed (0001).
        guard let header = literal(block, &i, prefix: 4) else { return nil }
        headers.append(header)
      }
    }
    return headers
  }

  /// A literal field: its name by index or as a string, then its value.
  private func literal(_ block: [UInt8], _ i: inout Int, prefix: Int) -> Header? {
    guard let index = Self.integer(block, &i, prefix: prefix) else { return nil }
    let name: String
    if index == 0 {
      guard let text = Self.string(block, &i) else { return nil }
      name = text
    } else {
      guard let header = entry(index) else { return nil }
      name = header.name
    }
    guard let value = Self.string(block, &i) else { return nil }
    return (name, value)
  }

  /// Entry `index` of the static table (1–61), then the dynamic table (newest first).
  func entry(_ index: Int) -> Header? {
    if index >= 1, index <= Self.staticTable.count { return Self.staticTable[index - 1] }
    let d = index - Self.staticTable.count - 1
    guard d >= 0, d < dynamic.count else { return nil }
    return dynamic[dynamic.count - 1 - d]
  }

  /// The dynamic table's entries, newest first (for tests).
  var dynamicEntries: [Header] { dynamic.reversed() }
  var dynamicTableSize: Int { dynamicSize }

  private mutating func insert(_ header: Header) {
    let size = header.name.utf8.count + header.value.utf8.count + 32
    evict(toFit: size)
    guard size <= maxSize else { return }  // an entry larger than the table empties it
    dynamic.append(header)
    dynamicSize += size
  }

  private mutating func evict(toFit size: Int) {
    var drop = 0
    while dynamicSize + size > maxSize, drop < dynamic.count {
      dynamicSize -= dynamic[drop].name.utf8.count + dynamic[drop].value.utf8.count + 32
      drop += 1
    }
    dynamic.removeFirst(drop)
  }

  /// An HPACK integer with an N-bit prefix at `i` (RFC 7541 §5.1); nil when cut short or too large.
  static func integer(_ b: [UInt8], _ i: inout Int, prefix: Int) -> Int? {
    guard i < b.count else { return nil }
    let mask = (1 << prefix) - 1
    var value = Int(b[i]) & mask
    i += 1
    guard value == mask else { return value }
    var shift = 0
    while i < b.count {
      let byte = b[i]
      i += 1
      value += Int(byte & 0x7f) << shift
      shift += 7
      if byte & 0x80 == 0 { return value }
      guard shift < 28 else { return nil }
    }
    return nil
  }

  /// A string literal at `i` (RFC 7541 §5.2), Huffman-coded or not.
  static func string(_ b: [UInt8], _ i: inout Int) -> String? {
    guard i < b.count else { return nil }
    let huffman = b[i] & 0x80 != 0
    guard let length = integer(b, &i, prefix: 7), length <= b.count - i else { return nil }
    let raw = b[i..<(i + length)]
    i += length
    if huffman {
      guard let decoded = HPACKHuffman.decode(raw) else { return nil }
      return String(decoding: decoded, as: UTF8.self)
    }
    return String(decoding: raw, as: UTF8.self)
  }

  /// RFC 7541 Appendix A.
  static let staticTable: [Header] = [
    (":authority", ""), (":method", "GET"), (":method", "POST"), (":path", "/"), (":path", "/index.html"),
    (":scheme", "http"), (":scheme", "https"), (":status", "200"), (":status", "204"), (":status", "206"),
    (":status", "304"), (":status", "400"), (":status", "404"), (":status", "500"), ("accept-charset", ""),
    ("accept-encoding", "gzip, deflate"), ("accept-language", ""), ("accept-ranges", ""), ("accept", ""),
    ("access-control-allow-origin", ""), ("age", ""), ("allow", ""), ("authorization", ""), ("cache-control", ""),
    ("content-disposition", ""), ("content-encoding", ""), ("content-language", ""), ("content-length", ""),
    ("content-location", ""), ("content-range", ""), ("content-type", ""), ("cookie", ""), ("date", ""),
    ("etag", ""), ("expect", ""), ("expires", ""), ("from", ""), ("host", ""), ("if-match", ""),
    ("if-modified-since", ""), ("if-none-match", ""), ("if-range", ""), ("if-unmodified-since", ""),
    ("last-modified", ""), ("link", ""), ("location", ""), ("max-forwards", ""), ("proxy-authenticate", ""),
    ("proxy-authorization", ""), ("range", ""), ("referer", ""), ("refresh", ""), ("retry-after", ""),
    ("server", ""), ("set-cookie", ""), ("strict-transport-security", ""), ("transfer-encoding", ""),
    ("user-agent", ""), ("vary", ""), ("via", ""), ("www-authenticate", ""),
  ]
}
