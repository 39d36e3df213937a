#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CByteSearch

/// Small helpers for scanning ASCII tokens in raw bytes; the hot path uses only these.
extension UnsafeRawBufferPointer {
  /// Whether the bytes starting at `offset` equal `literal`.
  @inline(__always)
  func hasBytes(_ literal: StaticString, at offset: Int) -> Bool {
    let length = literal.utf8CodeUnitCount
    guard offset >= 0, offset + length <= count else { return false }
    let source = literal.utf8Start
    if length >= 8 {
      // Compare the first eight bytes at once; most mismatches end there.
      let head = UnsafeRawPointer(source).loadUnaligned(as: UInt64.self)
      guard loadUnaligned(fromByteOffset: offset, as: UInt64.self) == head else { return false }
      return memcmp(baseAddress! + offset + 8, source + 8, length - 8) == 0
    }
    for i in 0..<length where self[offset + i] != source[i] { return false }
    return true
  }

  /// The first offset at or after `from` where `literal` occurs, or nil.
  ///
  /// Finds candidates for the first byte with `memchr`, which is vectorised.
  func firstOffset(of literal: StaticString, from: Int = 0) -> Int? {
    let length = literal.utf8CodeUnitCount
    guard length > 0, from >= 0, count - from >= length, let base = baseAddress else { return nil }
    let first = Int32(literal.utf8Start[0])
    var i = from
    let last = count - length
    while i <= last {
      guard let hit = memchr(base + i, first, last - i + 1) else { return nil }
      let position = UnsafeRawPointer(hit) - base
      if hasBytes(literal, at: position) { return position }
      i = position + 1
    }
    return nil
  }

  /// The first offset at or after `from` where `literal` occurs, found with glibc's `memmem`.
  ///
  /// Faster than `firstOffset(of:)` for long haystacks and needles whose first byte is common.
  func offset(ofLong literal: StaticString, from: Int = 0) -> Int? {
    guard from >= 0, from < count, let base = baseAddress,
      let hit = dropscope_memmem(base + from, count - from, literal.utf8Start, literal.utf8CodeUnitCount)
    else { return nil }
    return UnsafeRawPointer(hit) - base
  }

  /// The first offset at or after `from` holding a line feed or a carriage return, or `count` when none does.
  ///
  /// Looks at eight bytes at a time: a byte equals `b` where `word ^ (b × 0x0101…)` has a zero byte.
  @inline(__always)
  func firstLineEnd(from: Int) -> Int {
    guard let base = baseAddress else { return count }
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    var i = from
    while i + 8 <= count {
      let word = (base + i).loadUnaligned(as: UInt64.self)
      let lf = word ^ (ones &* 0x0a), cr = word ^ (ones &* 0x0d)
      let hits = ((lf &- ones) & ~lf | (cr &- ones) & ~cr) & highs
      if hits != 0 { return i + hits.trailingZeroBitCount / 8 }
      i += 8
    }
    while i < count, self[i] != 0x0a, self[i] != 0x0d { i += 1 }
    return i
  }

  /// Decodes `range` as UTF-8, repairing invalid sequences.
  func string(_ range: Range<Int>) -> String {
    String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
  }

  /// Parses an unsigned decimal number at `offset`.
  /// - Returns: the value and the offset after its last digit, or nil if no digit is there.
  @inline(__always)
  func decimal(at offset: Int, maxDigits: Int = 9) -> (value: Int, end: Int)? {
    var i = offset
    var value = 0
    while i < count, i - offset < maxDigits {
      let digit = Int(self[i]) &- 48
      guard digit >= 0, digit <= 9 else { break }
      value = value &* 10 &+ digit
      i += 1
    }
    return i == offset ? nil : (value, i)
  }
}

extension UInt8 {
  @inline(__always) var isASCIIDigit: Bool { self &- 48 < 10 }
  @inline(__always) var isASCIILetter: Bool { (self | 0x20) &- 97 < 26 }
  @inline(__always) var isIdentifierByte: Bool { isASCIILetter || isASCIIDigit || self == 0x5f }
  @inline(__always) var isASCIIHexDigit: Bool { isASCIIDigit || (self | 0x20) &- 97 < 6 }
  /// The value of a hexadecimal digit (`0-9`, `a-f`, `A-F`); nil for any other byte.
  @inline(__always) var hexDigitValue: UInt8? {
    if isASCIIDigit { return self &- 48 }
    let lower = self | 0x20
    return lower &- 97 < 6 ? lower &- 87 : nil
  }
}
