/// What an application says, in its own words, about a stream it read: how many content events it
/// received (`23 deltas received`, `after 17 chunks`), and over how long (`after 6.1 s`, `in 842ms`).
///
/// Many services log one line per request and nothing from their HTTP library; this line is then the
/// only record of how far the stream got and when it ended.
public struct ApplicationAccount: Sendable, Equatable {
  // Stored in 16 bytes: an account rides in every classified line's word scan, which lines copy as they go.
  private var count: Int32 = -1
  /// The duration's decimals, plus 16 when it was in milliseconds; 255 without a duration.
  private var durationDigits: UInt8 = 255
  private var secondsValue: Double = .nan

  /// Content events (Anthropic deltas, OpenAI chunks) the application counted; nil when its line gave a duration
  /// only (`done stop_reason=end_turn in 1.50s`).
  public var contentEvents: Int? {
    get { count < 0 ? nil : Int(count) }
    set { count = newValue.map { Int32(clamping: max(0, $0)) } ?? -1 }
  }
  /// Seconds from the start of the call to the line, as the application measured them.
  public var seconds: Double? {
    get { secondsValue.isNaN ? nil : secondsValue }
    set { secondsValue = newValue ?? .nan }
  }
  /// The step of the duration's last digit, in seconds (`1.48s`: 0.01; `842ms`: 0.001); nil without a duration.
  public var secondsPrecision: Double? {
    guard durationDigits != 255 else { return nil }
    var precision = durationDigits >= 16 ? 0.001 : 1
    for _ in 0..<(durationDigits & 15) { precision /= 10 }
    return precision
  }

  public init(contentEvents: Int?, seconds: Double?) {
    self.contentEvents = contentEvents
    self.seconds = seconds
  }

  public static func == (a: ApplicationAccount, b: ApplicationAccount) -> Bool {
    a.contentEvents == b.contentEvents && a.seconds == b.seconds
  }

  /// Reads a count of `delta`s or `chunk`s and, on the same line, a duration; nil without a count.
  static func read(_ line: UnsafeRawBufferPointer, from start: Int) -> ApplicationAccount? {
    guard let count = contentCount(line, from: start) else { return nil }
    let measured = duration(line, from: start)
    var account = ApplicationAccount(contentEvents: count, seconds: measured?.seconds)
    account.durationDigits = measured?.digits ?? 255
    return account
  }

  /// Reads the duration of a line that says a stream finished (`done stop_reason=end_turn in 1.50s`): how long the
  /// call took, counted from its start; nil without a duration.
  static func readFinished(_ line: UnsafeRawBufferPointer, from start: Int) -> ApplicationAccount? {
    duration(line, from: start).map {
      var account = ApplicationAccount(contentEvents: nil, seconds: $0.seconds)
      account.durationDigits = $0.digits
      return account
    }
  }

  /// Whether the application says it ended a stream itself: `cancel…`, `abort…`, `client disconnected`.
  static func saysCancelled(_ line: UnsafeRawBufferPointer, from start: Int) -> Bool {
    line.offset(ofLong: "ancel", from: start).map { isWordStart(line, $0 - 1, start) } == true
      || line.offset(ofLong: "bort", from: start).map { isWordStart(line, $0 - 1, start) } == true
      || line.offset(ofLong: "client disconnected", from: start) != nil
  }

  /// `cancel` / `Cancel`, `abort` / `Abort` as the start of a word, not inside another (`_cancel_scope`).
  private static func isWordStart(_ line: UnsafeRawBufferPointer, _ i: Int, _ start: Int) -> Bool {
    guard i >= start else { return false }
    let c = line[i] | 0x20
    guard c == 0x63 || c == 0x61 else { return false }  // c or a
    return i == start || !(line[i - 1].isIdentifierByte)
  }

  /// A number followed by ` delta`/` deltas`/` chunk`/` chunks` as a word of its own.
  private static func contentCount(_ line: UnsafeRawBufferPointer, from start: Int) -> Int? {
    for word: StaticString in ["delta", "chunk"] {
      var from = start
      while let at = line.offset(ofLong: word, from: from) {
        from = at + 5
        let after = at + 5 < line.count ? line[at + 5] : 0x20
        guard after == 0x73 || !after.isIdentifierByte, at - 2 >= start, line[at - 1] == 0x20 else { continue }
        var digits = at - 1
        while digits > start, line[digits - 1].isASCIIDigit { digits -= 1 }
        guard digits < at - 1, digits == start || !line[digits - 1].isIdentifierByte,
          let (value, _) = line.decimal(at: digits, maxDigits: 9)
        else { continue }
        return value
      }
    }
    return nil
  }

  /// `after 6.1 s`, `after 13.37s`, `in 2.61s`, `in 842ms`, `took 3 seconds`, `(0.58s)`, `elapsed=1.2s`: the first
  /// duration on the line, a number that starts a word.
  private static func duration(_ line: UnsafeRawBufferPointer, from start: Int) -> (seconds: Double, digits: UInt8)? {
    var i = start
    let n = line.count
    while i < n {
      guard line[i].isASCIIDigit, i > start, Self.opensNumber(line[i - 1]) else {
        i += 1
        continue
      }
      let numberStart = i
      while i < n, line[i].isASCIIDigit || (line[i] == 0x2e && i + 1 < n && line[i + 1].isASCIIDigit) { i += 1 }
      let numberEnd = i
      var u = i
      if u < n, line[u] == 0x20 { u += 1 }
      var scale: Double?
      if line.hasBytes("ms", at: u), !(u + 2 < n && line[u + 2].isASCIILetter) {
        scale = 0.001
      } else if u < n, line[u] == 0x73, !(u + 1 < n && line[u + 1].isASCIILetter) {
        scale = 1
      } else if line.hasBytes("sec", at: u) {
        scale = 1
      }
      guard let scale, let value = Double(line.string(numberStart..<numberEnd)) else { continue }
      // A duration no call takes (over a year, or past a Double) is no account of this one.
      guard let seconds = UntrustedNumber.seconds(value * scale) else { return nil }
      var decimals = 0
      if let dot = (numberStart..<numberEnd).first(where: { line[$0] == 0x2e }) { decimals = numberEnd - dot - 1 }
      return (seconds, UInt8(min(decimals, 9)) + (scale < 1 ? 16 : 0))
    }
    return nil
  }

  /// A space, `(`, `[` or `=`: what may stand before a duration.
  private static func opensNumber(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x28 || byte == 0x5b || byte == 0x3d
  }
}
