/// A TCP segment taken out of a captured packet.
struct TCPSegment {
  var source: Endpoint
  var destination: Endpoint
  var sequence: UInt32
  var flags: UInt8
  var payload: UnsafeRawBufferPointer
  /// Payload bytes the capture did not keep (snap length).
  var missingPayload: Int

  static let fin: UInt8 = 0x01, syn: UInt8 = 0x02, rst: UInt8 = 0x04, ack: UInt8 = 0x10

  var isSYN: Bool { flags & Self.syn != 0 }
  var isFIN: Bool { flags & Self.fin != 0 }
  var isRST: Bool { flags & Self.rst != 0 }

  /// An IP address and port.
  struct Endpoint: Hashable, CustomStringConvertible {
    /// IPv4 addresses use the first 4 bytes.
    var address: SIMD16<UInt8>
    var isIPv6: Bool
    var port: UInt16

    /// The address as two words, for cheap hashing and ordering.
    var addressWords: (UInt64, UInt64) { unsafeBitCast(address, to: (UInt64, UInt64).self) }

    static func == (l: Endpoint, r: Endpoint) -> Bool {
      l.port == r.port && l.isIPv6 == r.isIPv6 && l.addressWords == r.addressWords
    }

    func hash(into hasher: inout Hasher) {
      let words = addressWords
      hasher.combine(words.0)
      hasher.combine(words.1)
      hasher.combine(port)
    }

    /// A total order, to name the two ends of a connection the same way whichever sent the packet.
    func precedes(_ other: Endpoint) -> Bool {
      let a = addressWords, b = other.addressWords
      return (port, a.0, a.1) < (other.port, b.0, b.1) || ((port, a.0, a.1) == (other.port, b.0, b.1) && !isIPv6 && other.isIPv6)
    }

    /// A transcript's stand-in for a host it names (`CaptureReader.endpoint`): `hash` in the low half of an address
    /// in 100::/64, the IPv6 discard-only block (RFC 6666), which no packet carries.
    static func madeUp(_ hash: UInt64, port: UInt16) -> Endpoint {
      var address = SIMD16<UInt8>.zero
      address[0] = 0x01
      for i in 0..<8 { address[8 + i] = UInt8(truncatingIfNeeded: hash >> (8 * UInt64(i))) }
      return Endpoint(address: address, isIPv6: true, port: port)
    }

    /// Whether this is such a stand-in (its first half is 0100::, as `madeUp` writes it).
    var isMadeUp: Bool { isIPv6 && UInt64(littleEndian: addressWords.0) == 0x01 }

    var description: String {
      if !isIPv6 { return "\(address[0]).\(address[1]).\(address[2]).\(address[3]):\(port)" }
      var groups: [String] = []
      for i in stride(from: 0, to: 16, by: 2) { groups.append(String(UInt16(address[i]) << 8 | UInt16(address[i + 1]), radix: 16)) }
      return "[\(groups.joined(separator: ":"))]:\(port)"
    }
  }

  /// The link types `decode` reads: null/loopback, Ethernet, raw IP, Linux cooked v1 and v2.
  static let decodedLinkTypes: Set<UInt32> = [0, 1, 12, 14, 101, 108, 113, 276]

  /// Decodes the link, IP and TCP headers of a packet.
  /// - Returns: nil for anything that is not TCP over IPv4 or IPv6 (ARP, UDP, fragments, …).
  static func decode(_ packet: CapturedPacket) -> TCPSegment? {
    let d = packet.data
    var offset = 0
    var etherType: UInt16
    switch packet.linkType {
    case 1:  // Ethernet
      guard d.count >= 14 else { return nil }
      etherType = be16(d, 12)
      offset = 14
      while etherType == 0x8100 || etherType == 0x88a8, d.count >= offset + 4 {  // VLAN tags
        etherType = be16(d, offset + 2)
        offset += 4
      }
    case 113:  // Linux cooked (SLL)
      guard d.count >= 16 else { return nil }
      etherType = be16(d, 14)
      offset = 16
    case 276:  // Linux cooked v2 (SLL2)
      guard d.count >= 20 else { return nil }
      etherType = be16(d, 0)
      offset = 20
    case 0, 108:  // BSD loopback / null: a 4-byte address family in host or network order
      guard d.count >= 4 else { return nil }
      let family = d.loadUnaligned(as: UInt32.self)
      let isV6 = [24, 28, 30].contains(family) || [24, 28, 30].contains(family.byteSwapped)
      etherType = isV6 ? 0x86dd : 0x0800
      offset = 4
    case 101, 12, 14:  // raw IP
      guard !d.isEmpty else { return nil }
      etherType = d[0] >> 4 == 6 ? 0x86dd : 0x0800
    default:
      return nil
    }
    var source = Endpoint(address: .zero, isIPv6: false, port: 0)
    var destination = source
    var ipPayloadEnd = d.count
    switch etherType {
    case 0x0800:
      guard d.count >= offset + 20, d[offset] >> 4 == 4, d[offset + 9] == 6 else { return nil }
      let headerLength = Int(d[offset] & 0x0f) * 4
      let totalLength = Int(be16(d, offset + 2))
      guard be16(d, offset + 6) & 0x1fff == 0 else { return nil }  // fragments are not reassembled
      for i in 0..<4 {
        source.address[i] = d[offset + 12 + i]
        destination.address[i] = d[offset + 16 + i]
      }
      ipPayloadEnd = min(d.count, offset + max(totalLength, headerLength))
      offset += headerLength
    case 0x86dd:
      guard d.count >= offset + 40, d[offset] >> 4 == 6, d[offset + 6] == 6 else { return nil }
      let payloadLength = Int(be16(d, offset + 4))
      for i in 0..<16 {
        source.address[i] = d[offset + 8 + i]
        destination.address[i] = d[offset + 24 + i]
      }
      source.isIPv6 = true
      destination.isIPv6 = true
      ipPayloadEnd = min(d.count, offset + 40 + payloadLength)
      offset += 40
    default:
      return nil
    }
    guard ipPayloadEnd >= offset + 20 else { return nil }
    source.port = be16(d, offset)
    destination.port = be16(d, offset + 2)
    let sequence = UInt32(be16(d, offset + 4)) << 16 | UInt32(be16(d, offset + 6))
    let dataOffset = Int(d[offset + 12] >> 4) * 4
    let flags = d[offset + 13]
    guard dataOffset >= 20, offset + dataOffset <= ipPayloadEnd else { return nil }
    let payload = UnsafeRawBufferPointer(rebasing: d[(offset + dataOffset)..<ipPayloadEnd])
    // What the snap length cut off, from the lengths on the wire.
    let missing = min(max(0, packet.originalLength - packet.data.count), UntrustedNumber.mostLostBytes)
    return TCPSegment(source: source, destination: destination, sequence: sequence, flags: flags, payload: payload,
                      missingPayload: missing)
  }

  @inline(__always)
  private static func be16(_ b: UnsafeRawBufferPointer, _ o: Int) -> UInt16 {
    UInt16(b[o]) << 8 | UInt16(b[o + 1])
  }
}

/// What a connection needs of a segment once it is routed: its direction, sequence number, flags and payload.
struct RoutedSegment {
  /// The connection's context id, carried so that a thread handing work on never reads the connection itself
  /// (its memory stays with the thread that works on it).
  var context: Int
  var fromClient: Bool
  var sequence: UInt32
  var flags: UInt8
  var payload: UnsafeRawBufferPointer
  /// Payload bytes the capture did not keep (snap length).
  var missingPayload: Int

  init(_ segment: TCPSegment, context: Int, fromClient: Bool) {
    self.context = context
    self.fromClient = fromClient
    sequence = segment.sequence
    flags = segment.flags
    payload = segment.payload
    // Bounded whatever the source (a transcript's `lost N`, a curl trace's byte count): sums of them cannot overflow.
    missingPayload = min(max(0, segment.missingPayload), UntrustedNumber.mostLostBytes)
  }

  var isSYN: Bool { flags & TCPSegment.syn != 0 }
  var isFIN: Bool { flags & TCPSegment.fin != 0 }
  var isRST: Bool { flags & TCPSegment.rst != 0 }
}
