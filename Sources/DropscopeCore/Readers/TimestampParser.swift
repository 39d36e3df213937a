/// Parses the timestamps log formatters write, without Foundation and without allocating.
///
/// Accepted: `YYYY-MM-DD[T or space]HH:MM:SS`, then optionally `,fff` or `.ffffff`,
/// then optionally `Z` or `±HH:MM` / `±HHMM` (also after one space). A timestamp with no zone is read as UTC.
enum TimestampParser {
  /// Parses a text that starts with a timestamp (an ISO 8601 time from a report, a HAR, an option).
  /// - Returns: the instant; nil when the text does not start with one.
  static func parse(_ text: String) -> Microseconds? {
    var cache = SecondCache()
    return Array(text.utf8).withUnsafeBytes { parse($0, at: 0, cache: &cache)?.time }
  }

  /// Parses a timestamp at `offset` of `bytes`.
  /// - Returns: the instant, the offset after it, whether it carried a zone, and its decimal places (at most 6 count:
  ///   `precision(fractionDigits:)` gives the step they show); nil if none is there.
  static func parse(
    _ bytes: UnsafeRawBufferPointer, at offset: Int, cache: inout SecondCache
  ) -> (time: Microseconds, end: Int, zoned: Bool, fractionDigits: Int)? {
    let b = bytes
    let o = offset
    guard o + 19 <= b.count else { return nil }
    let word0 = b.loadUnaligned(fromByteOffset: o, as: UInt64.self)
    let word1 = b.loadUnaligned(fromByteOffset: o + 8, as: UInt64.self)
    let tail = UInt32(b[o + 16]) | UInt32(b[o + 17]) << 8 | UInt32(b[o + 18]) << 16
    let baseSeconds: Int64
    if cache.valid, cache.word0 == word0, cache.word1 == word1, cache.tail == tail {
      baseSeconds = cache.seconds
    } else {
      guard let seconds = civilSeconds(b, o) else { return nil }
      cache = SecondCache(valid: true, word0: word0, word1: word1, tail: tail, seconds: seconds)
      baseSeconds = seconds
    }
    var i = o + 19
    var micros: Int64 = 0
    var digits = 0
    if i < b.count, b[i] == 0x2c || b[i] == 0x2e, i + 1 < b.count, b[i + 1].isASCIIDigit {
      i += 1
      var scale: Int64 = 100_000
      while i < b.count, b[i].isASCIIDigit {
        if scale > 0 {
          micros += Int64(b[i] &- 48) * scale
          digits += 1
          scale /= 10
        }
        i += 1
      }
    }
    var zoneOffsetSeconds = 0
    var zoned = false
    // loguru's `{time:… Z}` and others put the offset after a space: `2025-11-09 12:02:38.107 +08:00`.
    if i + 6 <= b.count, b[i] == 0x20, b[i + 1] == 0x2b || b[i + 1] == 0x2d, b[i + 2].isASCIIDigit, b[i + 3].isASCIIDigit {
      let colon = b[i + 4] == 0x3a
      let end = i + (colon ? 7 : 6)
      // The zone ends the stamp: a space, the end, or the bracket around it (gunicorn's `[… +0000]`).
      if end <= b.count, b[end - 2].isASCIIDigit, b[end - 1].isASCIIDigit, end == b.count || b[end] == 0x20 || b[end] == 0x5d {
        i += 1
      }
    }
    if i < b.count {
      if b[i] == 0x5a {
        zoned = true
        i += 1
      } else if b[i] == 0x2b || b[i] == 0x2d, i + 3 <= b.count, let hh = fixed(b, i + 1, 2) {
        var end = i + 3
        var mm = 0
        if end < b.count, b[end] == 0x3a, let m = fixed(b, end + 1, 2) {
          mm = m
          end += 3
        } else if let m = fixed(b, end, 2) {
          mm = m
          end += 2
        }
        zoneOffsetSeconds = (hh * 3600 + mm * 60) * (b[i] == 0x2b ? 1 : -1)
        zoned = true
        i = end
      }
    }
    return ((baseSeconds - Int64(zoneOffsetSeconds)) * 1_000_000 + micros, i, zoned, digits)
  }

  /// The smallest step a time with this many decimal places can show, in microseconds (1,000,000 for whole seconds,
  /// 1,000 for milliseconds, 1 from six places on).
  static func precision(fractionDigits: Int) -> Int32 {
    var step: Int32 = 1_000_000
    for _ in 0..<min(max(fractionDigits, 0), 6) { step /= 10 }
    return step
  }

  /// Parses the `YYYY-MM-DD HH:MM:SS` part at `o` into seconds since the epoch (zone not applied).
  private static func civilSeconds(_ b: UnsafeRawBufferPointer, _ o: Int) -> Int64? {
    guard b[o + 4] == 0x2d, b[o + 7] == 0x2d, b[o + 13] == 0x3a, b[o + 16] == 0x3a,
      b[o + 10] == 0x20 || b[o + 10] == 0x54
    else { return nil }
    guard let year = fixed(b, o, 4), let month = fixed(b, o + 5, 2), let day = fixed(b, o + 8, 2),
      let hour = fixed(b, o + 11, 2), let minute = fixed(b, o + 14, 2), let second = fixed(b, o + 17, 2),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
  }

  /// The last `YYYY-MM-DD HH:MM:SS` parsed, as raw bytes and its value: log lines share their second.
  struct SecondCache {
    var valid = false
    var word0: UInt64 = 0
    var word1: UInt64 = 0
    var tail: UInt32 = 0
    var seconds: Int64 = 0
  }

  @inline(__always)
  private static func fixed(_ b: UnsafeRawBufferPointer, _ at: Int, _ width: Int) -> Int? {
    var value = 0
    for i in at..<(at + width) {
      guard i < b.count, b[i].isASCIIDigit else { return nil }
      value = value * 10 + Int(b[i] &- 48)
    }
    return value
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
