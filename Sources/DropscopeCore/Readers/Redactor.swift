#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CByteSearch

/// Finds and removes secrets, each form from its documented shape:
/// - API keys: Anthropic and OpenAI (`sk-ant-…`, `sk-proj-…`, `sk-…`), AWS access key ids (`AKIA` and 16 capitals or
///   digits), and JSON Web Tokens (`eyJ…`, two or three base64url parts), wherever they stand (after `Bearer`, in a URL);
/// - the values of credential headers and settings, names matched in any case and with optional quotes (plain or
///   JSON-escaped) and spaces around `:` or `=`: `Authorization`, `Cookie` and `Set-Cookie`, `x-api-key`, `api_key`
///   and every `*_API_KEY` environment variable, `apiKey`, `aws_secret_access_key`, `private_key`, every `*_token`
///   and `*-token` (`access_token`, `x-auth-token`), `password` and `passwd` (and so `DB_PASSWORD`), `client_secret`;
/// - the password of a URL's user information (`https://user:password@host`, RFC 3986 §3.2.1), the user name kept;
/// - vendors' keys by their prefixes: Google's `AIza…`, Stripe's `sk_live_…` / `sk_test_…`, Groq's `gsk_…`;
/// - the values of `key` and `token` parameters in URLs (`?key=…`, `&token=…`).
///
/// Facts are redacted where bytes become facts, and every output passes `Redactor.redact` once more as it is
/// written (`RedactingRenderer`, `Transcript.render`), so a form that slipped past the first stage is caught there.
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

  /// How the bytes around a name or prefix make a secret.
  private enum Shape {
    /// `sk-…`: the key itself.
    case apiKey
    /// A header or setting name: its value is the secret.
    case value(cookie: Bool, authorization: Bool)
    /// `?key=` / `&key=`: a URL parameter's value.
    case urlParameter
    /// A vendor's key: its prefix and key characters, `minimumLength` in all (Google's `AIza…`, Stripe's
    /// `sk_live_…`, Groq's `gsk_…`).
    case prefixedKey(minimumLength: Int)
    /// `AKIA` and 16 capitals or digits.
    case awsKeyID
    /// `eyJ…`: a JSON Web Token.
    case jwt
  }

  // Anchors, compared with `byte | 0x20`: `k`, `z`, `j` and `w` in either case, and `_` (0x5f | 0x20 = 0x7f).
  private static let k: UInt8 = 0x6b, z: UInt8 = 0x7a, j: UInt8 = 0x6a, w: UInt8 = 0x77, underscore: UInt8 = 0x7f
  /// The byte that ends a URL's user information: the password is read back from it.
  private static let at: UInt8 = 0x40

  /// A name or prefix that marks a secret, found through a rare anchor byte it contains (the first of `k`, `z`, `j`,
  /// `w` in either case, or `_`): the input is scanned once for the anchors, and only the bytes around each hit are
  /// compared.
  private struct Needle {
    var text: StaticString
    /// Whether letters compare in any case.
    var foldCase: Bool
    var shape: Shape
    var anchor: UInt8 = 0
    var anchorOffset = 0
  }

  /// The anchors, in the order a needle's anchor is chosen.
  private static let anchors: [UInt8] = [k, z, j, w, underscore]
  private static let needles: [Needle] = {
    let list = [
      Needle(text: "sk-", foldCase: false, shape: .apiKey),
      Needle(text: "cookie", foldCase: true, shape: .value(cookie: true, authorization: false)),
      Needle(text: "api-key", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "api_key", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "apikey", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "authorization", foldCase: true, shape: .value(cookie: false, authorization: true)),
      Needle(text: "secret_access_key", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "private_key", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "_token", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "-token", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "password", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "passwd", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "client_secret", foldCase: true, shape: .value(cookie: false, authorization: false)),
      Needle(text: "?key=", foldCase: true, shape: .urlParameter),
      Needle(text: "&key=", foldCase: true, shape: .urlParameter),
      Needle(text: "?token=", foldCase: true, shape: .urlParameter),
      Needle(text: "&token=", foldCase: true, shape: .urlParameter),
      Needle(text: "AIza", foldCase: false, shape: .prefixedKey(minimumLength: 39)),
      Needle(text: "sk_live_", foldCase: false, shape: .prefixedKey(minimumLength: 24)),
      Needle(text: "sk_test_", foldCase: false, shape: .prefixedKey(minimumLength: 24)),
      Needle(text: "gsk_", foldCase: false, shape: .prefixedKey(minimumLength: 24)),
      Needle(text: "AKIA", foldCase: false, shape: .awsKeyID),
      Needle(text: "eyJ", foldCase: false, shape: .jwt),
    ]
    return list.map { needle in
      var needle = needle
      let bytes = UnsafeBufferPointer(start: needle.text.utf8Start, count: needle.text.utf8CodeUnitCount)
      let anchor = anchors.first { anchor in bytes.contains { $0 | 0x20 == anchor } }!
      needle.anchorOffset = bytes.firstIndex { $0 | 0x20 == anchor }!
      needle.anchor = anchor
      return needle
    }
  }()
  /// The needles by anchor, so a hit is compared only with the needles it can start.
  private static let kNeedles = needles.filter { $0.anchor == k }
  private static let zNeedles = needles.filter { $0.anchor == z }
  private static let jNeedles = needles.filter { $0.anchor == j }
  private static let wNeedles = needles.filter { $0.anchor == w }
  private static let underscoreNeedles = needles.filter { $0.anchor == underscore }
  /// The bytes that stand right before an anchor in some needle (in both cases where the needle folds case): an
  /// anchor after any other byte starts nothing.
  private static let beforeAnchor: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for needle in needles where needle.anchorOffset > 0 {
      let byte = needle.text.utf8Start[needle.anchorOffset - 1]
      table[Int(byte)] = true
      if needle.foldCase, byte.isASCIILetter { table[Int(byte ^ 0x20)] = true }
    }
    return table
  }()

  /// Finds the secrets in `bytes`, sorted and without overlaps.
  ///
  /// One pass finds every anchor byte sixteen bytes at a time; only anchors whose neighbour
  /// could start a needle are compared with the needles.
  static func findSecrets(in bytes: UnsafeRawBufferPointer) -> [SecretSpan] {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return [] }
    var spans: [SecretSpan] = []
    let n = bytes.count
    // The tables are read once here, not once per anchor (each read of a static checks that it is initialised).
    let beforeAnchor = Self.beforeAnchor
    let (kNeedles, zNeedles, jNeedles, wNeedles, underscoreNeedles) =
      (Self.kNeedles, Self.zNeedles, Self.jNeedles, Self.wNeedles, Self.underscoreNeedles)
    func check(_ at: Int) {
      if bytes[at] == Self.at {
        if let span = urlPassword(bytes, at: at) { spans.append(span) }
        return
      }
      guard at > 0, beforeAnchor[Int(bytes[at - 1])] else { return }
      let anchor = bytes[at] | 0x20
      let candidates = switch anchor {
      case Self.k: kNeedles
      case Self.z: zNeedles
      case Self.j: jNeedles
      case Self.w: wNeedles
      default: underscoreNeedles
      }
      for needle in candidates {
        let position = at - needle.anchorOffset
        guard matches(bytes, needle, at: position) else { continue }
        let end = position + needle.text.utf8CodeUnitCount
        let span: SecretSpan?
        switch needle.shape {
        case .apiKey: span = apiKey(bytes, at: position)
        case .value(let cookie, let authorization): span = value(bytes, after: end, cookie: cookie, authorization: authorization)
        case .urlParameter: span = urlParameter(bytes, from: end)
        case .prefixedKey(let minimumLength):
          span = prefixedKey(bytes, at: position, prefixLength: needle.text.utf8CodeUnitCount, minimumLength: minimumLength)
        case .awsKeyID: span = awsKeyID(bytes, at: position)
        case .jwt: span = jwt(bytes, at: position)
        }
        if let span { spans.append(span) }
      }
    }
    // The anchors are found sixteen bytes at a time (SSE2, in C), `w` and `_` only after the byte their needles have
    // before them, and handed over in batches.
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { offsets in
      var next = 0
      repeat {
        let found = dropscope_secret_anchors(base.assumingMemoryBound(to: UInt8.self), n, next, offsets.baseAddress, 256, &next)
        for k in 0..<found { check(offsets[k]) }
      } while next < n
    }
    guard spans.count > 1 else { return spans }
    // Where two start together (`api_key=sk-ant-…`), the one that keeps a prefix (`sk-ant-`) is kept.
    spans.sort { ($0.range.lowerBound, $0.keptPrefix.isEmpty ? 1 : 0) < ($1.range.lowerBound, $1.keptPrefix.isEmpty ? 1 : 0) }
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

  /// Whether `needle` stands at `position`, in any case where it folds case.
  @inline(__always)
  private static func matches(_ b: UnsafeRawBufferPointer, _ needle: Needle, at position: Int) -> Bool {
    let length = needle.text.utf8CodeUnitCount
    guard position >= 0, position + length <= b.count else { return false }
    let text = needle.text.utf8Start
    for i in 0..<length {
      let expected = text[i], byte = b[position + i]
      if byte == expected { continue }
      guard needle.foldCase, expected.isASCIILetter, byte ^ 0x20 == expected else { return false }
    }
    return true
  }

  @inline(__always)
  private static func isKeyByte(_ c: UInt8) -> Bool { c.isIdentifierByte || c == 0x2d }

  @inline(__always)
  private static func isQuote(_ c: UInt8) -> Bool { c == 0x22 || c == 0x27 }

  /// An API key starting at `position` (`sk-` then at least 20 key characters). `sk-ant-` and `sk-proj-` keys count
  /// wherever they stand (`incident-sk-ant-…`); a bare `sk-` only after a byte that cannot be part of a word.
  private static func apiKey(_ b: UnsafeRawBufferPointer, at position: Int) -> SecretSpan? {
    let kept: String
    if b.hasBytes("sk-ant-", at: position) {
      kept = "sk-ant-"
    } else if b.hasBytes("sk-proj-", at: position) {
      kept = "sk-proj-"
    } else {
      if position > 0, isKeyByte(b[position - 1]) { return nil }
      kept = "sk-"
    }
    var end = position + 3
    while end < b.count, isKeyByte(b[end]) { end += 1 }
    guard end - position >= 23 else { return nil }
    return SecretSpan(range: position..<end, keptPrefix: kept)
  }

  /// The value after a header or setting name that ends at `keyEnd`: `name: value`, `'name': 'value'`,
  /// `name=value`, `NAME = value`, `\"name\": \"value\"` (JSON inside a JSON string), `(b'name', b'value')`.
  private static func value(_ b: UnsafeRawBufferPointer, after keyEnd: Int, cookie: Bool, authorization: Bool) -> SecretSpan? {
    let n = b.count
    var i = keyEnd
    var keyQuoted = true
    if i + 1 < n, b[i] == 0x5c, isQuote(b[i + 1]) { i += 2 } else if i < n, isQuote(b[i]) { i += 1 } else { keyQuoted = false }
    while i < n, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
    // A quoted name may also be followed by a comma, as in httpcore's header tuples: `(b'x-api-key', b'value')`.
    let tuple = keyQuoted && i < n && b[i] == 0x2c
    guard i < n, b[i] == 0x3a || b[i] == 0x3d || tuple else { return nil }
    i += 1
    while i < n, b[i] == 0x20 || b[i] == 0x09 { i += 1 }
    if tuple {
      if i < n, b[i] == 0x62 { i += 1 }
      guard i < n, isQuote(b[i]) else { return nil }
    }
    var quote: UInt8?
    var escapedQuote = false
    if i + 1 < n, b[i] == 0x5c, isQuote(b[i + 1]) {
      quote = b[i + 1]
      escapedQuote = true
      i += 2
    } else if i < n, isQuote(b[i]) {
      quote = b[i]
      i += 1
    }
    let start = i
    while i < n {
      let c = b[i]
      if c == 0x0a || c == 0x0d { break }
      if let quote {
        if escapedQuote ? (c == 0x5c && i + 1 < n && b[i + 1] == quote) : c == quote { break }
      } else if c == 0x5c || c == 0x60 || c == 0x7c || c == 0x22 || c == 0x27 {
        break  // `\`, a backtick, `|` or a quote: the end of the text the value is quoted in (JSON, Markdown)
      } else if cookie {
        // An unquoted Cookie header runs to the end of the line: `a=1; b=2`.
      } else if c == 0x2c || c == 0x3b || c == 0x26 || c == 0x29 || c == 0x7d || c == 0x5d || c == 0x3e
        || (c == 0x20 && !(authorization && i - start <= 7))
      {
        break
      }
      i += 1
    }
    // A value already redacted (`[REDACTED]`, `sk-ant-[REDACTED]`) is not a secret again.
    guard i > start, !(start..<i).contains(where: { b[$0] == 0x5b && b.hasBytes("[REDACTED]", at: $0) }) else { return nil }
    return SecretSpan(range: start..<i, keptPrefix: "")
  }

  /// A URL parameter's value, from `from` to the next `&`, `#`, space, quote or end of line.
  private static func urlParameter(_ b: UnsafeRawBufferPointer, from start: Int) -> SecretSpan? {
    var i = start
    while i < b.count {
      let c = b[i]
      if c <= 0x20 || c == 0x26 || c == 0x23 || isQuote(c) || c == 0x5c || c == 0x60 || c == 0x7c || c == 0x3e || c == 0x29 {
        break
      }
      i += 1
    }
    guard i > start, !b.hasBytes("[REDACTED]", at: start) else { return nil }
    return SecretSpan(range: start..<i, keptPrefix: "")
  }

  /// A vendor's key at `position`: its prefix, then key characters to `minimumLength` at least, standing alone.
  private static func prefixedKey(
    _ b: UnsafeRawBufferPointer, at position: Int, prefixLength: Int, minimumLength: Int
  ) -> SecretSpan? {
    if position > 0, isKeyByte(b[position - 1]) { return nil }
    var end = position + prefixLength
    while end < b.count, isKeyByte(b[end]) { end += 1 }
    guard end - position >= minimumLength else { return nil }
    let kept = String(decoding: UnsafeRawBufferPointer(rebasing: b[position..<(position + prefixLength)]), as: UTF8.self)
    return SecretSpan(range: position..<end, keptPrefix: kept)
  }

  /// An AWS access key id: `AKIA` and exactly 16 capitals or digits, standing alone.
  private static func awsKeyID(_ b: UnsafeRawBufferPointer, at position: Int) -> SecretSpan? {
    func isIDByte(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5a) || c.isASCIIDigit }
    if position > 0, b[position - 1].isASCIILetter || b[position - 1].isASCIIDigit { return nil }
    let end = position + 20
    guard end <= b.count, (position + 4..<end).allSatisfy({ isIDByte(b[$0]) }) else { return nil }
    if end < b.count, b[end].isASCIILetter || b[end].isASCIIDigit { return nil }
    return SecretSpan(range: position..<end, keptPrefix: "AKIA")
  }

  /// The password of a URL's user information, read back from the `@` at `at` that ends it: `scheme://user:password@`,
  /// the user name kept. The user information may hold unreserved bytes, percent escapes, sub-delimiters and colons
  /// (RFC 3986 §3.2.1; also bytes past ASCII, as written unescaped), at most 512 bytes of it.
  private static func urlPassword(_ b: UnsafeRawBufferPointer, at: Int) -> SecretSpan? {
    @inline(__always) func isUserInfoByte(_ c: UInt8) -> Bool {
      c.isIdentifierByte || c >= 0x80 || c == 0x2d || c == 0x2e || c == 0x7e || c == 0x25 || c == 0x21 || c == 0x24
        || c == 0x26 || c == 0x2a || c == 0x2b || c == 0x2c || c == 0x3b || c == 0x3d || c == 0x3a
    }
    var start = at
    var colon: Int?
    let floor = max(0, at - 512)
    while start > floor, isUserInfoByte(b[start - 1]) {
      start -= 1
      if b[start] == 0x3a { colon = start }
    }
    guard start >= 3, b[start - 3] == 0x3a, b[start - 2] == 0x2f, b[start - 1] == 0x2f,
      let colon, colon + 1 < at
    else { return nil }
    return SecretSpan(range: (colon + 1)..<at, keptPrefix: "")
  }

  /// A JSON Web Token: `eyJ` (base64url of `{"`) and its parts, dot-separated base64url.
  private static func jwt(_ b: UnsafeRawBufferPointer, at position: Int) -> SecretSpan? {
    if position > 0, isKeyByte(b[position - 1]) { return nil }
    var i = position
    var parts = 1
    var partLength = 0
    while i < b.count {
      let c = b[i]
      if isKeyByte(c) {
        partLength += 1
      } else if c == 0x2e, partLength > 0, parts < 3 {
        parts += 1
        partLength = 0
      } else {
        break
      }
      i += 1
    }
    if i > position, b[i - 1] == 0x2e { i -= 1 }
    guard parts >= 2, i - position >= 20 else { return nil }
    return SecretSpan(range: position..<i, keptPrefix: "")
  }
}
