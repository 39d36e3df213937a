/// Rewrites one direction of an HTTP/2 session for a transcript: whole frames only, and every header block
/// re-encoded as plain literals (no Huffman, no table) with secret values redacted, so that no credential hides in
/// a Huffman-coded or indexed header, and the transcript reads back without the sender's HPACK table.
struct HTTP2TranscriptWriter {
  private var buffer: [UInt8] = []
  private var prefaceLeft: Int
  private var decoder = HPACKDecoder()
  /// A header block waiting for its CONTINUATIONs: stream, flags, fragment.
  private var pending: (stream: UInt32, flags: UInt8, block: [UInt8])?
  /// A frame could not be read: the rest is written as it came.
  private var raw = false

  /// Headers whose values are credentials whatever they look like.
  private static let secretHeaders: Set<String> = ["authorization", "proxy-authorization", "x-api-key", "api-key",
                                                    "cookie", "set-cookie", "x-goog-api-key"]

  init(fromClient: Bool) {
    prefaceLeft = fromClient ? HTTP2Session.preface.count : 0
  }

  /// The bytes to write for these: the complete frames among them (rewritten), nothing for a frame not yet whole.
  mutating func rewrite(_ bytes: [UInt8]) -> [UInt8] {
    if raw { return bytes }
    var out: [UInt8] = []
    var bytes = bytes[...]
    if prefaceLeft > 0 {
      let take = min(prefaceLeft, bytes.count)
      out += bytes.prefix(take)
      prefaceLeft -= take
      bytes = bytes.dropFirst(take)
    }
    buffer += bytes
    var start = 0
    while buffer.count - start >= 9 {
      let length = Int(buffer[start]) << 16 | Int(buffer[start + 1]) << 8 | Int(buffer[start + 2])
      guard buffer.count - start >= 9 + length else { break }
      let type = buffer[start + 3], flags = buffer[start + 4]
      let stream = UInt32(buffer[start + 5] & 0x7f) << 24 | UInt32(buffer[start + 6]) << 16
        | UInt32(buffer[start + 7]) << 8 | UInt32(buffer[start + 8])
      let frameStart = start
      let frame = buffer[start..<(start + 9 + length)]
      let payload = Array(frame.dropFirst(9))
      start += 9 + length
      switch type {
      case 1:
        var block = payload
        if flags & 0x8 != 0 {
          guard let pad = block.first, Int(pad) < block.count else { return giveUp(out, from: frameStart) }
          block = Array(block[1..<(block.count - Int(pad))])
        }
        if flags & 0x20 != 0 {
          guard block.count >= 5 else { return giveUp(out, from: frameStart) }
          block.removeFirst(5)
        }
        pending = (stream, flags, block)
      case 9:
        guard pending != nil else { return giveUp(out, from: frameStart) }
        pending!.block += payload
      default:
        out += frame
        continue
      }
      guard let (id, first, block) = pending, flags & 0x4 != 0 else { continue }
      pending = nil
      guard let headers = decoder.decode(block) else { return giveUp(out, from: frameStart) }
      var plain: [UInt8] = []
      for (name, value) in headers {
        let shown = Self.secretHeaders.contains(name) ? "[redacted]" : Redactor.redact(value).text
        plain.append(0x00)
        Self.string(name, into: &plain)
        Self.string(shown, into: &plain)
      }
      // END_HEADERS, and END_STREAM as the original said; no padding, no priority.
      out += [UInt8(plain.count >> 16 & 0xff), UInt8(plain.count >> 8 & 0xff), UInt8(plain.count & 0xff), 1,
              0x4 | first & 0x1, UInt8(id >> 24), UInt8(id >> 16 & 0xff), UInt8(id >> 8 & 0xff), UInt8(id & 0xff)]
      out += plain
    }
    buffer.removeFirst(start)
    return out
  }

  /// What remains held (a frame the session ended in the middle of), as it came.
  mutating func rest() -> [UInt8] {
    defer { buffer.removeAll() }
    return buffer
  }

  /// A frame that cannot be read: it and all after it are written as they came.
  private mutating func giveUp(_ written: [UInt8], from frameStart: Int) -> [UInt8] {
    raw = true
    defer { buffer.removeAll() }
    return written + buffer[frameStart...]
  }

  /// An HPACK string literal without Huffman coding.
  private static func string(_ text: String, into out: inout [UInt8]) {
    let bytes = Array(text.utf8)
    integer(bytes.count, prefix: 7, into: &out)
    out += bytes
  }

  /// An HPACK integer with an N-bit prefix, the first byte's other bits zero.
  private static func integer(_ value: Int, prefix: Int, into out: inout [UInt8]) {
    let limit = (1 << prefix) - 1
    guard value >= limit else {
      out.append(UInt8(value))
      return
    }
    out.append(UInt8(limit))
    var rest = value - limit
    while rest >= 128 {
      out.append(UInt8(rest & 0x7f | 0x80))
      rest >>= 7
    }
    out.append(UInt8(rest))
  }
}
