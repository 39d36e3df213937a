#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds and removes secrets: API keys (`sk-ant-…`, `sk-proj-…`, `sk-…`) and the values of
/// `Authorization`, `x-api-key`, `api_key` and cookie headers.
///
/// Redaction happens where bytes become facts, so no later stage sees a secret.
public enum Redactor {
  /// What replaces a secret value.
  public static let marker = "[REDACTED]"

  /// A secret found in text: the bytes to replace and what to keep of them.
  struct SecretSpan: Equatable {
    var range: Range<Int>
    /// The part of the secret kept for the reader (`sk-ant-`), empty for header values.
    var keptPrefix: String
  }

  /// Returns `text` with every secret replaced, and how many were replaced.
  public static func redact(_ text: String) -> (text: String, count: Int) {
    var utf8 = Array(text.utf8)
    let spans = utf8.withUnsafeBytes { findSecrets(in: $0) }
    guard !spans.isEmpty else { return (text, 0) }
    for span in spans.reversed() {
      utf8.replaceSubrange(span.range, with: Array((span.keptPrefix + marker).utf8))
    }
    return (String(decoding: utf8, as: UTF8.self), spans.count)
  }

  /// Counts the secrets in a block of input bytes.
  static func countSecrets(in bytes: UnsafeRawBufferPointer) -> Int {
    findSecrets(in: bytes).count
  }

  /// Secret markers (with how far before them the key starts), each found through a rare anchor
  /// byte it contains: the input is scanned once per anchor with `memchr`, and only the bytes around
  /// each hit are compared.
  private static let needles: [(needle: StaticString, keyOffset: Int)] = [
    ("sk-", 0), ("ookie", 1), ("pi-key", 3), ("pi_key", 2), ("pi-Key", 3), ("PI-KEY", 3),
    ("uthorization", 1), ("UTHORIZATION", 1),
  ]
  private static let anchors: [UInt8] = Array("kKzZ".utf8)
  /// Each needle with the anchor it is found by and the anchor's offset in it.
  private static let anchoredNeedles: [(needle: StaticString, keyOffset: Int, anchor: UInt8, anchorOffset: Int)] =
    needles.map { needle, keyOffset in
      let bytes = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
      let offset = bytes.firstIndex { anchors.contains($0) }!
      return (needle, keyOffset, bytes[offset], offset)
    }

  /// Finds the secrets in `bytes`, sorted and without overlaps.
  ///
  /// One pass finds every anchor byte eight bytes at a time; only anchors whose neighbour
  /// could start a marker are compared with the needles.
  static func findSecrets(in bytes: UnsafeRawBufferPointer) -> [SecretSpan] {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
    var spans: [SecretSpan] = []
    let n = bytes.count
    func check(_ at: Int) {
      let anchor = bytes[at]
      guard at > 0 else { return }
      let before = bytes[at - 1]
      // Every needle has one of these right before its anchor: s(k-), o(kie), -(key), _(key), I(ZATION), i(zation), -(Key), -(KEY).
      guard before == 0x73 || before == 0x6f || before == 0x2d || before == 0x5f || before == 0x69 || before == 0x49
      else { return }
      for (needle, keyOffset, needleAnchor, anchorOffset) in anchoredNeedles where needleAnchor == anchor {
        let position = at - anchorOffset
        guard bytes.hasBytes(needle, at: position) else { continue }
        let span = keyOffset == 0
          ? apiKey(bytes, at: position)
          : headerValue(bytes, keyEnd: position + needle.utf8CodeUnitCount, keyStart: position - keyOffset)
        if let span { spans.append(span) }
      }
    }
    // SWAR: a byte equals an anchor when (word ^ anchor×8) has a zero byte there.
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
    var i = 0
    while i + 8 <= n {
      let word = (base + i).loadUnaligned(as: UInt64.self)
      // Fold case: 'K'|0x20 = 'k', 'Z'|0x20 = 'z' (other bytes may fold too; `check` compares exactly).
      let folded = word | 0x2020_2020_2020_2020
      var hits = zeroBytes(folded ^ (ones &* 0x6b)) | zeroBytes(folded ^ (ones &* 0x7a))
      while hits != 0 {
        let at = i + hits.trailingZeroBitCount / 8
        let byte = bytes[at]
        if byte == 0x6b || byte == 0x4b || byte == 0x7a || byte == 0x5a { check(at) }
        hits &= hits &- 1
      }
      i += 8
    }
    while i < n {
      let byte = bytes[i]
      if byte == 0x6b || byte == 0x4b || byte == 0x7a || byte == 0x5a { check(i) }
      i += 1
    }
    guard spans.count > 1 else { return spans }
    spans.sort { $0.range.lowerBound < $1.range.lowerBound }
    var merged: [SecretSpan] = []
    for span in spans {
      if let last = merged.last, span.range.lowerBound < last.range.upperBound {
        if span.range.upperBound > last.range.upperBound {
          merged[merged.count - 1].range = last.range.lowerBound..<span.range.upperBound
        }
        continue
      }
      merged.append(span)
    }
    return merged
  }

  @inline(__always)
  private static func isKeyByte(_ c: UInt8) -> Bool { c.isIdentifierByte || c == 0x2d }

  /// An API key starting at `position` (`sk-` then at least 20 key characters).
  private static func apiKey(_ b: UnsafeRawBufferPointer, at position: Int) -> SecretSpan? {
    if position > 0, isKeyByte(b[position - 1]) { return nil }
    var end = position + 3
    while end < b.count, isKeyByte(b[end]) { end += 1 }
    guard end - position >= 23 else { return nil }
    let kept: String
    if b.hasBytes("sk-ant-", at: position) {
      kept = "sk-ant-"
    } else if b.hasBytes("sk-proj-", at: position) {
      kept = "sk-proj-"
    } else {
      kept = "sk-"
    }
    return SecretSpan(range: position..<end, keptPrefix: kept)
  }

  /// The value after a header-like key: `key: value`, `'key': 'value'`, `key=value`.
  private static func headerValue(_ b: UnsafeRawBufferPointer, keyEnd: Int, keyStart: Int) -> SecretSpan? {
    guard keyStart >= 0 else { return nil }
    let isCookie = b[keyEnd - 1] == 0x65 && b[keyEnd - 2] == 0x69  // "...ookie"
    let isAuthorization = b[keyEnd - 1] == 0x6e  // "...ization"
    var i = keyEnd
    if i < b.count, b[i] == 0x27 || b[i] == 0x22 { i += 1 }
    guard i < b.count, b[i] == 0x3a || b[i] == 0x3d else { return nil }
    i += 1
    while i < b.count, b[i] == 0x20 { i += 1 }
    var quote: UInt8?
    if i < b.count, b[i] == 0x27 || b[i] == 0x22 {
      quote = b[i]
      i += 1
    }
    let start = i
    while i < b.count {
      let c = b[i]
      if c == 0x0a || c == 0x0d { break }
      if let quote {
        if c == quote { break }
      } else if isCookie {
        // An unquoted Cookie header runs to the end of the line: `a=1; b=2`.
      } else if c == 0x2c || c == 0x3b || (c == 0x20 && !(isAuthorization && i - start <= 7)) {
        break
      }
      i += 1
    }
    guard i > start, !b.hasBytes("[REDACTED]", at: start) else { return nil }
    return SecretSpan(range: start..<i, keptPrefix: "")
  }
}
