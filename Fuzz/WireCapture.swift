/// A pcap file of one TCP connection built from fuzzer bytes, so the fuzzer spends its effort on what is carried
/// over TCP (HTTP/1.1, SSE, TLS records, HTTP/2) rather than on capture headers.
///
/// After a three-way handshake, the bytes are read as segments, each a header byte, a 16-bit big-endian length and
/// that many payload bytes (fewer at the end of the input). The header byte says: bit 0, sent by the server; bit 1,
/// FIN after the payload; bit 2, RST instead (the connection ends there); bit 3, the segment is lost (its sequence
/// numbers are skipped, as by a capture that missed it); bits 4–7, seconds of silence before it.
struct WireCapture {
  /// The HTTP/2 client connection preface.
  static let http2Preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

  /// The pcap file: LINKTYPE_RAW (IPv4 packets), microsecond timestamps.
  private(set) var pcap: [UInt8] = []
  private var time: UInt64 = 1_795_000_000_000_000
  private var clientSequence: UInt32 = 1000
  private var serverSequence: UInt32 = 5000

  init(_ bytes: UnsafeRawBufferPointer, serverPort: UInt16, clientPreface: [UInt8] = []) {
    pcap = le32(0xa1b2_c3d4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(65535) + le32(101)
    packet(fromClient: true, flags: 0x02, serverPort: serverPort)  // SYN
    clientSequence &+= 1
    packet(fromClient: false, flags: 0x12, serverPort: serverPort)  // SYN-ACK
    serverSequence &+= 1
    packet(fromClient: true, flags: 0x10, serverPort: serverPort)  // ACK
    if !clientPreface.isEmpty { segment(clientPreface, fromClient: true, serverPort: serverPort) }
    var i = 0
    while i < bytes.count {
      let header = bytes[i]
      let length = i + 2 < bytes.count ? Int(bytes[i + 1]) << 8 | Int(bytes[i + 2]) : 0
      let start = min(i + 3, bytes.count)
      let end = min(start + length, bytes.count)
      let payload = Array(bytes[start..<end])
      i = end
      let fromClient = header & 1 == 0
      time += UInt64(header >> 4) * 1_000_000 + 1_000
      if header & 8 != 0 {
        if fromClient { clientSequence &+= UInt32(payload.count) } else { serverSequence &+= UInt32(payload.count) }
        continue
      }
      if header & 4 != 0 {
        packet(fromClient: fromClient, flags: 0x14, serverPort: serverPort, payload: payload)  // RST-ACK
        return
      }
      segment(payload, fromClient: fromClient, serverPort: serverPort)
      if header & 2 != 0 {
        packet(fromClient: fromClient, flags: 0x11, serverPort: serverPort)  // FIN-ACK
        if fromClient { clientSequence &+= 1 } else { serverSequence &+= 1 }
      }
    }
  }

  /// A data segment (PSH-ACK), cut into packets of at most 1448 bytes.
  private mutating func segment(_ payload: [UInt8], fromClient: Bool, serverPort: UInt16) {
    var offset = 0
    repeat {
      let piece = Array(payload[offset..<min(offset + 1448, payload.count)])
      packet(fromClient: fromClient, flags: 0x18, serverPort: serverPort, payload: piece)
      if fromClient { clientSequence &+= UInt32(piece.count) } else { serverSequence &+= UInt32(piece.count) }
      offset += piece.count
    } while offset < payload.count
  }

  /// Appends one IPv4/TCP packet between 10.0.0.1:50000 (client) and 10.0.0.2:`serverPort`.
  private mutating func packet(fromClient: Bool, flags: UInt8, serverPort: UInt16, payload: [UInt8] = []) {
    let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]
    let (sequence, acknowledgement) = fromClient ? (clientSequence, serverSequence) : (serverSequence, clientSequence)
    var tcp = be16(fromClient ? 50000 : serverPort) + be16(fromClient ? serverPort : 50000)
    tcp += be32(sequence) + be32(flags == 0x02 ? 0 : acknowledgement) + [0x50, flags] + be16(65535) + [0, 0, 0, 0]
    tcp += payload
    let ip: [UInt8] = [0x45, 0] + be16(UInt16(20 + tcp.count)) + [0, 0, 0x40, 0, 64, 6, 0, 0]
      + (fromClient ? client + server : server + client)
    let frame = ip + tcp
    pcap += le32(UInt32(time / 1_000_000)) + le32(UInt32(time % 1_000_000)) + le32(UInt32(frame.count))
      + le32(UInt32(frame.count)) + frame
  }

  private func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)] }
  private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
  private func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
  private func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xff), UInt8((v >> 8) & 0xff), UInt8(v & 0xff)] }
}
