/// One captured packet: its number, time, link type and the bytes the capture kept of it.
struct CapturedPacket {
  /// 1-based, in file order (as Wireshark numbers frames).
  var number: Int
  var time: Microseconds
  var linkType: UInt32
  var data: UnsafeRawBufferPointer
  /// The packet's length on the wire; more than `data.count` when the snap length cut it.
  var originalLength: Int
}

/// Reads pcap and pcapng files incrementally: bytes in, packets out, memory bounded by one record.
///
/// pcap: both byte orders, micro- and nanosecond timestamps. pcapng: section headers (either byte order),
/// interface descriptions (link type, timestamp resolution), enhanced and simple packet blocks; other
/// blocks are skipped. A file cut short (tcpdump killed) ends with a note of where, never an error.
struct CaptureFileReader {
  enum Format { case pcap, pcapng }

  private var buffer: [UInt8] = []
  private var consumed: Int64 = 0
  private var format: Format?
  private var bigEndian = false
  private var nanoseconds = false
  private var pcapLinkType: UInt32 = 1
  /// pcapng interfaces: link type and the number of timestamp units per second.
  private var interfaces: [(linkType: UInt32, unitsPerSecond: Int64)] = []
  private(set) var packetCount = 0
  /// The link types the file declares (its header's, or each interface's), in order.
  private(set) var linkTypes: [UInt32] = []
  /// Packets with a value no capture holds (a time past the year 9999, read as the packet before's; a length on the
  /// wire over 1 GiB more than was captured, read as no bytes lost): how many, and the first's offset and value.
  private(set) var absurd: (count: Int, offset: Int64, what: String, consequence: String)?
  private var lastTime: Microseconds = 0
  /// Where the TLS key logs of Decryption Secrets Blocks go.
  var keyring: TLSKeyring?
  /// Set when the data is not a capture this reader understands.
  private(set) var failure: String?
  private static let maxRecord = 256 * 1024 * 1024

  /// Feeds bytes; calls `body` for each complete packet.
  ///
  /// Records are read where they lie in `chunk`; only a record split across chunks is copied, and once it is
  /// complete reading goes on in the chunk itself.
  mutating func feed(_ chunk: UnsafeRawBufferPointer, _ body: (CapturedPacket) -> Void) {
    var start = 0
    while failure == nil, !buffer.isEmpty, start < chunk.count {
      let held = buffer.count
      let step = min(chunk.count - start, max(held, 1 << 16))
      buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[start..<(start + step)]))
      let pending = buffer  // read through a copy of the reference: the parser updates self as it goes
      let used = pending.withUnsafeBytes { records($0, body) }
      consumed += Int64(used)
      if used >= held {
        // The split record is done: what followed it is still in the chunk.
        start += used - held
        buffer.removeAll(keepingCapacity: true)
      } else {
        buffer.removeFirst(used)
        start += step
      }
    }
    guard failure == nil, start < chunk.count else { return }
    let rest = UnsafeRawBufferPointer(rebasing: chunk[start...])
    let used = records(rest, body)
    consumed += Int64(used)
    if failure == nil { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[used...])) }
  }

  /// Reads the complete records at the start of `bytes` (which begin at file offset `consumed`); returns the
  /// bytes they took.
  private mutating func records(_ bytes: UnsafeRawBufferPointer, _ body: (CapturedPacket) -> Void) -> Int {
    var offset = 0
    while failure == nil, let used = nextRecord(bytes, from: offset, body) {
      offset += used
    }
    return offset
  }

  /// Where the capture stopped, if it ended inside a record.
  func unfinished() -> (offset: Int64, bytes: Int)? {
    buffer.isEmpty ? nil : (consumed, buffer.count)
  }

  // MARK: - Records

  /// Reads one record at `offset`; returns its size, or nil when more bytes are needed.
  private mutating func nextRecord(
    _ b: UnsafeRawBufferPointer, from offset: Int, _ body: (CapturedPacket) -> Void
  ) -> Int? {
    let available = b.count - offset
    if format == nil {
      guard available >= 4 else { return nil }
      let magic = u32(b, offset, bigEndian: true)
      switch magic {
      case 0xa1b2_c3d4, 0xa1b2_3c4d:
        format = .pcap
        bigEndian = true
        nanoseconds = magic == 0xa1b2_3c4d
      case 0xd4c3_b2a1, 0x4d3c_b2a1:
        format = .pcap
        bigEndian = false
        nanoseconds = magic == 0x4d3c_b2a1
      case 0x0a0d_0d0a:
        format = .pcapng
      default:
        failure = "not a pcap or pcapng file"
        return nil
      }
      if format == .pcap {
        guard available >= 24 else {
          format = nil
          return nil
        }
        pcapLinkType = u32(b, offset + 20) & 0x0fff_ffff
        linkTypes.append(pcapLinkType)
        return 24
      }
    }
    return format == .pcap ? pcapRecord(b, offset, body) : pcapngBlock(b, offset, body)
  }

  private mutating func pcapRecord(_ b: UnsafeRawBufferPointer, _ o: Int, _ body: (CapturedPacket) -> Void) -> Int? {
    guard b.count - o >= 16 else { return nil }
    let seconds = Int64(u32(b, o))
    let fraction = Int64(u32(b, o + 4))
    let captured = Int(u32(b, o + 8))
    let original = Int(u32(b, o + 12))
    guard captured <= Self.maxRecord else {
      failure = "a pcap record claims \(captured) bytes at offset \(consumed + Int64(o)): the file is damaged"
      return nil
    }
    guard b.count - o >= 16 + captured else { return nil }
    packetCount += 1
    let micros = nanoseconds ? fraction / 1000 : fraction
    body(CapturedPacket(number: packetCount, time: seconds * 1_000_000 + micros, linkType: pcapLinkType,
                        data: UnsafeRawBufferPointer(rebasing: b[(o + 16)..<(o + 16 + captured)]),
                        originalLength: checkedOriginal(original, captured: captured, at: o)))
    return 16 + captured
  }

  private mutating func pcapngBlock(_ b: UnsafeRawBufferPointer, _ o: Int, _ body: (CapturedPacket) -> Void) -> Int? {
    guard b.count - o >= 12 else { return nil }
    let type = u32(b, o)
    if type == 0x0a0d_0d0a {
      // Section header: its byte-order magic decides how everything after it is read.
      let magic = u32(b, o + 8, bigEndian: true)
      bigEndian = magic == 0x1a2b_3c4d
      interfaces.removeAll()
    }
    let length = Int(u32(b, o + 4))
    guard length >= 12, length % 4 == 0, length <= Self.maxRecord else {
      failure = "a pcapng block has length \(length) at offset \(consumed + Int64(o)): the file is damaged"
      return nil
    }
    guard b.count - o >= length else { return nil }
    let shortest = [0x0000_0001: 20, 0x0000_0006: 32, 0x0000_0003: 16, 0x0a0d_0d0a: 28][type] ?? 12
    guard length >= shortest else {
      failure = "a pcapng block of type \(type) has length \(length) at offset \(consumed + Int64(o)), shorter than its fields (\(shortest) bytes): the file is damaged"
      return nil
    }
    switch type {
    case 0x0000_0001:  // interface description
      let linkType = UInt32(u16(b, o + 8))
      linkTypes.append(linkType)
      interfaces.append((linkType, timestampUnits(b, options: (o + 16)..<(o + length - 4))))
    case 0x0000_0006:  // enhanced packet
      let interface = Int(u32(b, o + 8))
      let high = UInt64(u32(b, o + 12)), low = UInt64(u32(b, o + 16))
      let captured = Int(u32(b, o + 20))
      let original = Int(u32(b, o + 24))
      guard 28 + captured <= length else { break }
      let (linkType, units) = interface < interfaces.count ? interfaces[interface] : (1, 1_000_000)
      let raw = Int64(bitPattern: high << 32 | low)
      packetCount += 1
      body(CapturedPacket(number: packetCount, time: checkedTime(raw, unitsPerSecond: units, at: o), linkType: linkType, data: UnsafeRawBufferPointer(rebasing: b[(o + 28)..<(o + 28 + captured)]),
                          originalLength: checkedOriginal(original, captured: captured, at: o)))
    case 0x0000_000A:  // decryption secrets: a TLS key log ('TLSK') is added to the keys
      let secretsType = u32(b, o + 8), secretsLength = Int(u32(b, o + 12))
      if secretsType == 0x544c_534b, 16 + secretsLength <= length - 4 {
        keyring?.addEmbedded(UnsafeRawBufferPointer(rebasing: b[(o + 16)..<(o + 16 + secretsLength)]))
      }
    case 0x0000_0003:  // simple packet: no timestamp
      let original = Int(u32(b, o + 8))
      let captured = max(0, min(original, length - 16))
      let linkType = interfaces.first?.linkType ?? 1
      packetCount += 1
      body(CapturedPacket(number: packetCount, time: 0, linkType: linkType,
                          data: UnsafeRawBufferPointer(rebasing: b[(o + 12)..<(o + 12 + captured)]),
                          originalLength: checkedOriginal(original, captured: captured, at: o)))
    default:
      break
    }
    return length
  }

  /// A pcapng timestamp in microseconds; one that overflows or lies past the year 9999 is counted, and read as the
  /// time of the packet before.
  private mutating func checkedTime(_ raw: Int64, unitsPerSecond units: Int64, at o: Int) -> Microseconds {
    let scaled = units >= 1_000_000
      ? (raw / (units / 1_000_000), false)
      : raw.multipliedReportingOverflow(by: 1_000_000 / max(1, units))
    guard !scaled.1, scaled.0 >= 0, scaled.0 <= UntrustedNumber.latestInstant else {
      noteAbsurd("a timestamp of \(raw) units of 1/\(units) s", "read as the time of the packet before", at: o)
      return lastTime
    }
    lastTime = scaled.0
    return scaled.0
  }

  /// A packet's length on the wire, when it is no more than `UntrustedNumber.mostLostBytes` over what was captured;
  /// otherwise the captured length (nothing is counted as lost).
  private mutating func checkedOriginal(_ original: Int, captured: Int, at o: Int) -> Int {
    guard original - captured > UntrustedNumber.mostLostBytes else { return original }
    noteAbsurd("a length on the wire of \(original) bytes for \(captured) captured", "no bytes of it counted as lost", at: o)
    return captured
  }

  private mutating func noteAbsurd(_ what: String, _ consequence: String, at o: Int) {
    if let seen = absurd {
      absurd!.count = seen.count + 1
    } else {
      absurd = (1, consumed + Int64(o), what, consequence)
    }
  }

  /// The `if_tsresol` option (code 9): units per second; microseconds when absent.
  private func timestampUnits(_ b: UnsafeRawBufferPointer, options: Range<Int>) -> Int64 {
    var i = options.lowerBound
    while i + 4 <= options.upperBound {
      let code = u16(b, i), length = Int(u16(b, i + 2))
      if code == 0 { break }
      if code == 9, length >= 1, i + 4 < options.upperBound {
        let value = b[i + 4]
        let exponent = Int64(value & 0x7f)
        var units: Int64 = 1
        for _ in 0..<min(exponent, 18) { units *= value & 0x80 == 0 ? 10 : 2 }
        return units
      }
      i += 4 + (length + 3) / 4 * 4
    }
    return 1_000_000
  }

  private func u32(_ b: UnsafeRawBufferPointer, _ o: Int, bigEndian big: Bool? = nil) -> UInt32 {
    let value = b.loadUnaligned(fromByteOffset: o, as: UInt32.self)
    return (big ?? bigEndian) ? UInt32(bigEndian: value) : UInt32(littleEndian: value)
  }

  private func u16(_ b: UnsafeRawBufferPointer, _ o: Int) -> UInt16 {
    let value = b.loadUnaligned(fromByteOffset: o, as: UInt16.self)
    return bigEndian ? UInt16(bigEndian: value) : UInt16(littleEndian: value)
  }
}
