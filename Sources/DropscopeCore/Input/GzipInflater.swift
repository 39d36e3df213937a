import CByteSearch
import CZlib

/// Streams the decompressed bytes of a gzip file (one or more members) through zlib.
///
/// Damage is not fatal: a member cut short or corrupt data ends decoding with a
/// warning that names the compressed offset; everything decoded before it was
/// already delivered. Each member's CRC-32 and length are checked against its trailer here rather than by
/// zlib, so that the checksum runs folded with carry-less multiplication (`dropscope_crc32`), several times
/// faster than zlib's table.
struct GzipInflater: ~Copyable {
  /// On the heap: zlib refuses a stream whose address changed since `inflateInit`.
  private let stream: UnsafeMutablePointer<z_stream>
  private var output: UnsafeMutableRawBufferPointer
  /// Whether the current member has started and not yet ended.
  private var inMember = false
  /// Compressed bytes consumed so far.
  private(set) var compressedOffset: Int64 = 0
  /// Decompressed bytes delivered so far.
  private(set) var decodedBytes: Int64 = 0
  /// Compressed offset where the current member began.
  private var memberStart: Int64 = 0
  private var members = 0
  private var failed = false
  /// CRC-32 and length of the current member's decoded bytes.
  private var memberCRC: UInt32 = 0
  private var memberLength: UInt32 = 0
  /// The last compressed bytes consumed before the current chunk (a trailer may straddle two chunks).
  private var previousTail: [UInt8] = []

  init(outputCapacity: Int = 1 << 18) {
    output = .allocate(byteCount: outputCapacity, alignment: 16)
    stream = .allocate(capacity: 1)
    stream.initialize(to: z_stream())
    let status = inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    precondition(status == Z_OK, "zlib could not be initialised")
    // The check values are computed and compared here, with a faster CRC; zlib keeps the setting across resets.
    inflateValidate(stream, 0)
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
    output.deallocate()
  }

  /// Inflates one chunk of compressed input, passing each block of decoded bytes to `body`.
  /// - Returns: a warning message if the data is damaged; decoding then stops for this input.
  mutating func feed(
    _ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void
  ) rethrows -> (offset: Int64, message: String)? {
    guard !failed, let base = input.baseAddress else { return nil }
    stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
    stream.pointee.avail_in = uInt(input.count)
    let chunkStart = compressedOffset
    defer {
      let consumed = input.count - Int(stream.pointee.avail_in)
      compressedOffset = chunkStart + Int64(consumed)
      previousTail = Self.lastBytes(8, of: previousTail, then: UnsafeRawBufferPointer(rebasing: input[0..<consumed]))
    }
    while stream.pointee.avail_in > 0 {
      if !inMember {
        inMember = true
        memberStart = chunkStart + Int64(input.count) - Int64(stream.pointee.avail_in)
      }
      stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
      stream.pointee.avail_out = uInt(output.count)
      let status = inflate(stream, Z_NO_FLUSH)
      let produced = output.count - Int(stream.pointee.avail_out)
      if produced > 0 {
        decodedBytes += Int64(produced)
        memberCRC = dropscope_crc32(memberCRC, output.baseAddress, produced)
        memberLength &+= UInt32(truncatingIfNeeded: produced)
        try body(UnsafeRawBufferPointer(rebasing: output[0..<produced]))
      }
      switch status {
      case Z_STREAM_END:
        let consumed = input.count - Int(stream.pointee.avail_in)
        let trailer = Self.lastBytes(8, of: previousTail, then: UnsafeRawBufferPointer(rebasing: input[0..<consumed]))
        if let mismatch = checkTrailer(trailer) {
          failed = true
          let here = chunkStart + Int64(consumed)
          return (here, "corrupt gzip data at compressed offset \(here) (\(mismatch)); the \(decodedBytes) bytes decoded before it were analyzed, the rest of this file was not")
        }
        memberCRC = 0
        memberLength = 0
        members += 1
        inMember = false
        inflateReset(stream)
      case Z_OK:
        continue
      case Z_BUF_ERROR:
        if stream.pointee.avail_in == 0 { return nil }
        continue
      default:
        failed = true
        let here = chunkStart + Int64(input.count) - Int64(stream.pointee.avail_in)
        let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        if members > 0, here - memberStart <= 10 {
          return (memberStart, "\(reason): the bytes after gzip member \(members) at compressed offset \(memberStart) are not gzip data and were ignored; the \(decodedBytes) bytes decoded before them were analyzed")
        }
        return (here, "corrupt gzip data at compressed offset \(here) (\(reason)); the \(decodedBytes) bytes decoded before it were analyzed, the rest of this file was not")
      }
    }
    return nil
  }

  /// Compares a member's trailer (CRC-32, then length modulo 2^32, little-endian) with what was decoded.
  /// - Returns: zlib's words for the mismatch, or nil when both agree.
  private func checkTrailer(_ trailer: [UInt8]) -> String? {
    guard trailer.count == 8 else { return "incorrect data check" }
    func word(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(trailer[at + $1]) << (8 * $1) } }
    if word(0) != memberCRC { return "incorrect data check" }
    if word(4) != memberLength { return "incorrect length check" }
    return nil
  }

  /// The last `count` bytes of `earlier` followed by `later`.
  private static func lastBytes(_ count: Int, of earlier: [UInt8], then later: UnsafeRawBufferPointer) -> [UInt8] {
    if later.count >= count { return Array(later[(later.count - count)...]) }
    return Array((earlier + later).suffix(count))
  }

  /// Reports a member left unfinished at the end of the file.
  /// - Returns: a warning message if the file was truncated.
  func finish() -> (offset: Int64, message: String)? {
    guard !failed, inMember else { return nil }
    return (compressedOffset, "truncated gzip file: the compressed data ends at offset \(compressedOffset) in the middle of member \(members + 1); the \(decodedBytes) bytes decoded before the cut were analyzed, anything written after it is missing")
  }
}
