import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HARArchive {
  /// A HAR body too long to keep in memory (`EntryScanner.largestKeptString`): decoded from its JSON string as the
  /// file is read, into an unlinked temporary file, and read back piece by piece when its entry is complete (how its
  /// response is framed, and when its head arrived, are known only then: `_error` and `timings` follow `response`
  /// in the exporters' order).
  final class SpilledBody {
    /// The size of the pieces it is read back in.
    static let pieceSize = 1 << 16
    private let file: UnsafeMutablePointer<FILE>
    private var pending: [UInt8] = []
    /// The bytes of the body, decoded.
    private(set) var count = 0
    // The JSON string decoder's state: after a backslash; inside `\uXXXX` (digits read, value); a high surrogate
    // waiting for its low half.
    private var afterBackslash = false
    private var hexDigits = -1
    private var hexValue: UInt32 = 0
    private var highSurrogate: UInt32?

    /// A body in a new temporary file; nil when none can be made.
    init?() {
      guard let file = tmpfile() else { return nil }
      self.file = file
      pending.reserveCapacity(Self.pieceSize)
    }

    deinit { fclose(file) }

    /// Decodes the next bytes of the JSON string (without its quotes), escapes and all.
    func append(escaped bytes: UnsafeRawBufferPointer) {
      for b in bytes {
        if hexDigits >= 0 {
          if let digit = b.hexDigitValue {
            hexValue = hexValue << 4 | UInt32(digit)
            hexDigits += 1
            if hexDigits == 4 {
              hexDigits = -1
              scalar(hexValue)
            }
            continue
          }
          hexDigits = -1  // a broken `\u` escape: what follows is read as it is
          put(b)
          continue
        }
        if afterBackslash {
          afterBackslash = false
          switch b {
          case UInt8(ascii: "n"): put(0x0a)
          case UInt8(ascii: "r"): put(0x0d)
          case UInt8(ascii: "t"): put(0x09)
          case UInt8(ascii: "b"): put(0x08)
          case UInt8(ascii: "f"): put(0x0c)
          case UInt8(ascii: "u"):
            hexDigits = 0
            hexValue = 0
          default: put(b)  // `\"`, `\\`, `\/`
          }
          continue
        }
        if b == 0x5c {
          afterBackslash = true
        } else {
          put(b)
        }
      }
    }

    /// Appends bytes already decoded.
    func append(decoded bytes: UnsafeRawBufferPointer) {
      for b in bytes { put(b) }
    }

    /// The string has ended: a high surrogate left alone becomes U+FFFD, and everything is written out.
    func finish() {
      if highSurrogate != nil {
        highSurrogate = nil
        utf8(0xFFFD)
      }
      flush()
    }

    /// Calls `body` with each piece of the body, in order.
    func forEachPiece(_ body: (UnsafeRawBufferPointer) -> Void) {
      finish()
      rewind(file)
      var piece = [UInt8](repeating: 0, count: Self.pieceSize)
      while true {
        let read = piece.withUnsafeMutableBytes { fread($0.baseAddress, 1, Self.pieceSize, file) }
        guard read > 0 else { break }
        piece.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<read])) }
      }
      fseek(file, 0, SEEK_END)
    }

    /// The body read as base64 (`content.encoding`), decoded into another spilled body; nil when it is not base64
    /// (then the text is the body, as `Data(base64Encoded:)` failing leaves it).
    func decodingBase64() -> SpilledBody? {
      guard let decoded = SpilledBody() else { return nil }
      var carry: [UInt8] = []
      var valid = true
      forEachPiece { piece in
        guard valid else { return }
        carry += piece
        let whole = carry.count / 4 * 4
        guard whole > 0 else { return }
        // Padding belongs only at the very end: a piece that is not the last holds none.
        guard let data = Data(base64Encoded: Data(carry[0..<whole])) else {
          valid = false
          return
        }
        data.withUnsafeBytes { decoded.append(decoded: $0) }
        carry.removeFirst(whole)
      }
      guard valid, carry.isEmpty else { return nil }
      decoded.finish()
      return decoded
    }

    private func scalar(_ value: UInt32) {
      if (0xD800..<0xDC00).contains(value) {
        if highSurrogate != nil { utf8(0xFFFD) }
        highSurrogate = value
        return
      }
      if (0xDC00..<0xE000).contains(value) {
        guard let high = highSurrogate else { return utf8(0xFFFD) }
        highSurrogate = nil
        return utf8(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
      }
      if highSurrogate != nil {
        highSurrogate = nil
        utf8(0xFFFD)
      }
      utf8(value)
    }

    private func utf8(_ value: UInt32) {
      switch value {
      case ..<0x80: append(UInt8(value))
      case ..<0x800:
        append(UInt8(0xC0 | value >> 6))
        append(UInt8(0x80 | value & 0x3F))
      case ..<0x10000:
        append(UInt8(0xE0 | value >> 12))
        append(UInt8(0x80 | value >> 6 & 0x3F))
        append(UInt8(0x80 | value & 0x3F))
      default:
        append(UInt8(0xF0 | value >> 18))
        append(UInt8(0x80 | value >> 12 & 0x3F))
        append(UInt8(0x80 | value >> 6 & 0x3F))
        append(UInt8(0x80 | value & 0x3F))
      }
    }

    @inline(__always) private func put(_ byte: UInt8) {
      if highSurrogate != nil {
        highSurrogate = nil
        utf8(0xFFFD)
      }
      append(byte)
    }

    @inline(__always) private func append(_ byte: UInt8) {
      pending.append(byte)
      count += 1
      if pending.count >= Self.pieceSize { flush() }
    }

    private func flush() {
      guard !pending.isEmpty else { return }
      _ = pending.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
      pending.removeAll(keepingCapacity: true)
    }
  }
}
