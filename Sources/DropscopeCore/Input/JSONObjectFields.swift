#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The top-level fields of one JSON object, read in place from its bytes without building values.
///
/// Envelopes read a few keys of every record (`log`, `time`, `MESSAGE`, `timestamp`); walking the object and
/// unescaping only the strings wanted keeps that to one pass over the bytes and no allocation per record.
enum JSONObjectFields {
  /// Calls `field` with the key (without its quotes, escapes left as written) and the value's range (a string's
  /// quotes included) of each top-level field of the object that starts at `from` (spaces before it allowed).
  /// - Returns: the offset after the closing brace; nil when the bytes there are not one whole object.
  @discardableResult
  static func walk(
    _ b: UnsafeRawBufferPointer, from: Int = 0, _ field: (_ key: Range<Int>, _ value: Range<Int>) -> Void
  ) -> Int? {
    var i = skipSpace(b, from)
    guard i < b.count, b[i] == 0x7b else { return nil }
    i = skipSpace(b, i + 1)
    if i < b.count, b[i] == 0x7d { return i + 1 }
    while i < b.count {
      guard b[i] == 0x22, let keyEnd = stringEnd(b, i) else { return nil }
      let key = (i + 1)..<(keyEnd - 1)
      i = skipSpace(b, keyEnd)
      guard i < b.count, b[i] == 0x3a else { return nil }
      i = skipSpace(b, i + 1)
      guard let valueEnd = valueEnd(b, i) else { return nil }
      field(key, i..<valueEnd)
      i = skipSpace(b, valueEnd)
      guard i < b.count else { return nil }
      if b[i] == 0x7d { return i + 1 }
      guard b[i] == 0x2c else { return nil }
      i = skipSpace(b, i + 1)
    }
    return nil
  }

  /// The offset after the JSON value at `i`; nil when it is malformed or cut.
  static func valueEnd(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int? {
    guard i < b.count else { return nil }
    switch b[i] {
    case 0x22:
      return stringEnd(b, i)
    case 0x7b, 0x5b:
      var depth = 0
      var j = i
      while j < b.count {
        switch b[j] {
        case 0x22:
          guard let end = stringEnd(b, j) else { return nil }
          j = end
          continue
        case 0x7b, 0x5b: depth += 1
        case 0x7d, 0x5d:
          depth -= 1
          if depth == 0 { return j + 1 }
        default: break
        }
        j += 1
      }
      return nil
    default:
      var j = i
      while j < b.count, b[j] != 0x2c, b[j] != 0x7d, b[j] != 0x5d, b[j] > 0x20 { j += 1 }
      return j > i ? j : nil
    }
  }

  /// The offset after the closing quote of the string that starts at `i`.
  ///
  /// Finds quotes with `memchr` (vectorised); a quote after an odd run of backslashes is escaped.
  @inline(__always)
  static func stringEnd(_ b: UnsafeRawBufferPointer, _ i: Int) -> Int? {
    guard let base = b.baseAddress else { return nil }
    var j = i + 1
    while j < b.count {
      guard let hit = memchr(base + j, 0x22, b.count - j) else { return nil }
      let quote = UnsafeRawPointer(hit) - base
      var backslashes = 0
      while quote - backslashes - 1 > i, b[quote - backslashes - 1] == 0x5c { backslashes += 1 }
      if backslashes & 1 == 0 { return quote + 1 }
      j = quote + 1
    }
    return nil
  }

  /// Whether the key's bytes are exactly `name`.
  @inline(__always)
  static func key(_ b: UnsafeRawBufferPointer, _ key: Range<Int>, is name: StaticString) -> Bool {
    key.count == name.utf8CodeUnitCount && b.hasBytes(name, at: key.lowerBound)
  }

  /// Appends the text of the JSON string at `range` (quotes included) to `out`, unescaped; a `\u` escape becomes
  /// UTF-8 (a lone surrogate U+FFFD).
  /// - Returns: false when the value is not a string.
  @discardableResult
  static func appendString(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, to out: inout [UInt8]) -> Bool {
    guard range.count >= 2, b[range.lowerBound] == 0x22 else { return false }
    var i = range.lowerBound + 1
    let end = range.upperBound - 1
    while i < end {
      // Copy the run up to the next escape at once.
      let run = memchr(b.baseAddress! + i, 0x5c, end - i).map { UnsafeRawPointer($0) - b.baseAddress! } ?? end
      if run > i { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[i..<run])) }
      i = run
      guard i < end, i + 1 < end else { break }
      let e = b[i + 1]
      i += 2
      switch e {
      case 0x6e: out.append(0x0a)
      case 0x74: out.append(0x09)
      case 0x72: out.append(0x0d)
      case 0x62: out.append(0x08)
      case 0x66: out.append(0x0c)
      case 0x75:
        guard var scalar = hex4(b, i, end) else { continue }
        i += 4
        if (0xD800..<0xDC00).contains(scalar), i + 6 <= end, b[i] == 0x5c, b[i + 1] == 0x75,
          let low = hex4(b, i + 2, end), (0xDC00..<0xE000).contains(low)
        {
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          i += 6
        }
        appendUTF8(Unicode.Scalar(scalar) ?? "\u{FFFD}", to: &out)
      default: out.append(e)
      }
    }
    return true
  }

  /// The bytes of a JSON array of numbers (`[72,105]`, journald's form of a message that is not UTF-8) appended to `out`.
  /// - Returns: false when the value is not such an array.
  @discardableResult
  static func appendByteArray(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, to out: inout [UInt8]) -> Bool {
    guard range.count >= 2, b[range.lowerBound] == 0x5b else { return false }
    var i = range.lowerBound + 1
    while i < range.upperBound {
      let c = b[i]
      if c.isASCIIDigit, let (value, end) = b.decimal(at: i, maxDigits: 3) {
        out.append(UInt8(truncatingIfNeeded: value))
        i = end
      } else if c == 0x2c || c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09 || c == 0x5d {
        i += 1
      } else {
        return false
      }
    }
    return true
  }

  private static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
    UTF8.encode(scalar) { out.append($0) }
  }

  private static func hex4(_ b: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> UInt32? {
    guard i + 4 <= end else { return nil }
    var value: UInt32 = 0
    for j in i..<(i + 4) {
      guard let digit = b[j].hexDigitValue.map(UInt32.init) else { return nil }
      value = value << 4 | digit
    }
    return value
  }

  @inline(__always)
  private static func skipSpace(_ b: UnsafeRawBufferPointer, _ from: Int) -> Int {
    var i = from
    while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0a || b[i] == 0x0d { i += 1 }
    return i
  }
}
