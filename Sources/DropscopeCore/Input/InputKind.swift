/// What an input is, decided from its first bytes, never from its name.
public enum InputKind: String, Sendable, Codable {
  case gzip
  case text
  case json
  case pcap
  case pcapng
  case binary
  case empty
  /// A dropscope SSE transcript (`# dropscope transcript v1`).
  case transcript
  /// A curl trace (`--trace` or `--trace-ascii`).
  case curlTrace = "curl_trace"
  /// An HTTP Archive (HAR 1.2) export.
  case har

  /// Sniffs the kind of raw (possibly compressed) bytes.
  /// - Parameter head: the first bytes of the input (up to a few KiB).
  /// - Returns: `.gzip`, `.pcap` or `.pcapng` by magic number, otherwise what the text sniffer says.
  public static func sniff(raw head: UnsafeRawBufferPointer) -> InputKind {
    if head.count >= 2, head[0] == 0x1f, head[1] == 0x8b { return .gzip }
    if let capture = sniffCapture(head) { return capture }
    return sniff(decoded: head)
  }

  /// Sniffs decoded bytes: empty, binary, JSON or text.
  public static func sniff(decoded head: UnsafeRawBufferPointer) -> InputKind {
    if head.isEmpty { return .empty }
    if let capture = sniffCapture(head) { return capture }
    var control = 0
    var firstVisible: UInt8?
    for byte in head {
      if byte == 0 { return .binary }
      if byte < 0x20, byte != 0x09, byte != 0x0a, byte != 0x0d, byte != 0x1b { control += 1 }
      if firstVisible == nil, byte > 0x20 { firstVisible = byte }
    }
    if control * 10 > head.count { return .binary }
    if firstVisible == UInt8(ascii: "{") { return HARArchive.sniff(head) ? .har : .json }
    if head.hasBytes("# dropscope transcript", at: 0) { return .transcript }
    if CurlTraceReader<Assembler>.sniff(head) { return .curlTrace }
    return .text
  }

  private static func sniffCapture(_ head: UnsafeRawBufferPointer) -> InputKind? {
    guard head.count >= 4 else { return nil }
    let magic = (UInt32(head[0]) << 24) | (UInt32(head[1]) << 16) | (UInt32(head[2]) << 8) | UInt32(head[3])
    switch magic {
    case 0xa1b2_c3d4, 0xd4c3_b2a1, 0xa1b2_3c4d, 0x4d3c_b2a1: return .pcap
    case 0x0a0d_0d0a: return .pcapng
    default: return nil
    }
  }
}
