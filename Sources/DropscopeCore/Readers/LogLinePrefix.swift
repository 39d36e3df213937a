/// The header of one log record: its time, level, logger, thread, and where the message begins.
///
/// Recognises the shapes Python applications write:
/// - `LEVEL:name:message` (the `logging.basicConfig()` default);
/// - `2026-11-22 15:52:48,030 LEVEL [thread] name: message` and the variants separated by ` - ` or ` | `;
/// - the SDKs' debug format `[2026-11-22 15:52:48 - name:lineno - LEVEL] message`;
/// - loguru's `2026-11-22 15:52:48.030 | LEVEL    | module:function:line - message`;
/// - `[LEVEL] message`.
struct LogLinePrefix {
  // Stored compactly (about 40 bytes): one is kept per line while lines wait between threads.
  private var timeValue: Int64 = .min
  private var levelValue: UInt8 = .max
  private var loggerBounds = Bounds()
  private var threadBounds = Bounds()
  private var messageOffset: Int32 = 0
  private var rawMessageOffset: Int32 = 0
  var zoned = false
  /// The time's decimal places (0 for a time to the second): one byte, so the header stays in 40.
  var fractionDigits: UInt8 = 0
  /// The smallest step the time's digits can show, in microseconds (1,000,000 for a time to the second).
  var precision: Int32 { TimestampParser.precision(fractionDigits: Int(fractionDigits)) }

  var time: Microseconds? {
    get { timeValue == .min ? nil : timeValue }
    set { timeValue = newValue ?? .min }
  }
  var level: Level? {
    get { Level(rawValue: levelValue) }
    set { levelValue = newValue?.rawValue ?? .max }
  }
  var logger: Range<Int>? {
    get { loggerBounds.range }
    set { loggerBounds = Bounds(newValue) }
  }
  var thread: Range<Int>? {
    get { threadBounds.range }
    set { threadBounds = Bounds(newValue) }
  }
  var messageStart: Int {
    get { Int(messageOffset) }
    set { messageOffset = Int32(clamping: newValue) }
  }
  /// Where the message begins with its leading spaces kept (one separating space after the header):
  /// tracebacks forwarded through a logger keep their indentation there.
  var rawMessageStart: Int {
    get { Int(rawMessageOffset) }
    set { rawMessageOffset = Int32(clamping: newValue) }
  }

  /// An optional range of a line, in eight bytes.
  private struct Bounds {
    var lower: Int32 = -1
    var upper: Int32 = 0

    init() {}

    init(_ range: Range<Int>?) {
      guard let range else { return }
      lower = Int32(clamping: range.lowerBound)
      upper = Int32(clamping: range.upperBound)
    }

    var range: Range<Int>? { lower < 0 ? nil : Int(lower)..<Int(upper) }
  }

  /// Log levels, as Python and loguru print them.
  enum Level: UInt8 {
    case trace, debug, info, warning, error, critical
  }

  /// Parses the header of `line`.
  /// - Returns: nil when the line is not a log record (a traceback line, stderr output, …).
  static func parse(_ line: UnsafeRawBufferPointer) -> LogLinePrefix? {
    var cache = TimestampParser.SecondCache()
    return parse(line, cache: &cache)
  }

  /// Parses the header of `line`, reusing the second of the previous timestamp when it is the same.
  static func parse(_ line: UnsafeRawBufferPointer, cache: inout TimestampParser.SecondCache) -> LogLinePrefix? {
    var prefix = LogLinePrefix()
    let n = line.count
    guard n > 0 else { return nil }
    var i = 0
    var bracketOpen = false
    if line[0] == 0x5b {  // "["
      bracketOpen = true
      i = 1
    }
    if let stamp = TimestampParser.parse(line, at: i, cache: &cache) {
      prefix.time = stamp.time
      prefix.zoned = stamp.zoned
      prefix.fractionDigits = UInt8(truncatingIfNeeded: stamp.fractionDigits)
      i = stamp.end
      // gunicorn's "[2026-11-22 15:27:34 +0000] [pid] [LEVEL] …": the bracket holds the time (and its zone) alone.
      if bracketOpen, i < n, line[i] == 0x5d {
        i += 1
        bracketOpen = false
      }
    } else if !bracketOpen, let (level, end) = levelWord(line, 0), end < n, line[end] == 0x3a {
      // LEVEL:name:message
      prefix.level = level
      var j = end + 1
      while j < n, line[j] != 0x3a, line[j] != 0x20 { j += 1 }
      guard j < n, line[j] == 0x3a else { return nil }
      prefix.logger = (end + 1)..<j
      prefix.messageStart = j + 1
      prefix.rawMessageStart = j + 1
      return prefix
    } else if !bracketOpen {
      return nil
    } else {
      i = 0  // "[LEVEL] message"
    }

    var candidates = NameFields()
    var tokensSeen = 0
    while i < n, tokensSeen < 10 {
      let gapStart = i
      prefix.rawMessageStart = min(gapStart + 1, n)
      while i < n, line[i] == 0x20 { i += 1 }
      guard i < n else { break }
      let start = i
      if line[i] == 0x5b, let close = closingBracket(line, from: i) {
        // "[worker_0]" or "[INFO]"
        let inner = (i + 1)..<close
        if let (level, end) = levelWord(line, inner.lowerBound), end == inner.upperBound {
          prefix.level = level
        } else {
          prefix.thread = inner
        }
        i = close + 1
        if i < n, line[i] == 0x3a { i += 1 }
        tokensSeen += 1
        continue
      }
      while i < n, line[i] != 0x20 { i += 1 }
      let token = start..<i
      tokensSeen += 1
      if token.count == 1, line[start] == 0x2d || line[start] == 0x7c {
        continue  // " - " or " | "
      }
      var end = token.upperBound
      var closesBracket = false
      if line[end - 1] == 0x5d, bracketOpen {
        closesBracket = true
        end -= 1
      }
      var endsWithColon = false
      if end > start, line[end - 1] == 0x3a {
        endsWithColon = true
        end -= 1
      }
      if prefix.level == nil, let (level, wordEnd) = levelWord(line, start), wordEnd == end {
        prefix.level = level
        if closesBracket || endsWithColon {
          prefix.messageStart = min(i + 1, n)
          prefix.rawMessageStart = prefix.messageStart
          return prefix.finishing(candidates, line)
        }
        continue
      }
      guard isHeaderToken(line, start..<end) else {
        prefix.messageStart = start
        return prefix.level == nil && prefix.time == nil ? nil : prefix.finishing(candidates, line)
      }
      // A logger (or thread) field: it ends with ":" or is followed by a separator or the level.
      if endsWithColon || closesBracket {
        candidates.push(start..<end)
        prefix.messageStart = min(i + 1, n)
        prefix.rawMessageStart = prefix.messageStart
        return prefix.finishing(candidates, line)
      }
      let next = nextToken(line, from: i)
      if let next, next.count == 1, line[next.lowerBound] == 0x2d || line[next.lowerBound] == 0x7c {
        candidates.push(start..<end)
        continue
      }
      if let next, prefix.level == nil, let (_, wordEnd) = levelWord(line, next.lowerBound),
        wordEnd == next.upperBound || wordEnd + 1 == next.upperBound
      {
        candidates.push(start..<end)
        continue
      }
      prefix.messageStart = start
      return prefix.level == nil && prefix.time == nil ? nil : prefix.finishing(candidates, line)
    }
    prefix.messageStart = min(i, n)
    return prefix.level == nil && prefix.time == nil ? nil : prefix.finishing(candidates, line)
  }

  /// Assigns the collected name fields: the last is the logger, one before it the thread.
  private func finishing(_ candidates: NameFields, _ line: UnsafeRawBufferPointer) -> LogLinePrefix {
    var result = self
    if result.rawMessageStart == 0 || result.rawMessageStart > result.messageStart {
      result.rawMessageStart = result.messageStart
    }
    guard var logger = candidates.last else { return result }
    // "module:function:line" (loguru) and "name:lineno" (SDK format): the logger is the part before ":".
    var j = logger.lowerBound
    while j < logger.upperBound, line[j] != 0x3a { j += 1 }
    logger = logger.lowerBound..<j
    result.logger = logger
    if let previous = candidates.previous, result.thread == nil {
      result.thread = previous
    }
    return result
  }

  /// The last two name fields seen in a header, without allocating.
  private struct NameFields {
    var last: Range<Int>?
    var previous: Range<Int>?

    mutating func push(_ field: Range<Int>) {
      previous = last
      last = field
    }
  }

  private static func closingBracket(_ line: UnsafeRawBufferPointer, from: Int) -> Int? {
    var j = from + 1
    while j < line.count, j - from < 80 {
      if line[j] == 0x5d { return j }
      j += 1
    }
    return nil
  }

  private static func nextToken(_ line: UnsafeRawBufferPointer, from: Int) -> Range<Int>? {
    var i = from
    while i < line.count, line[i] == 0x20 { i += 1 }
    guard i < line.count else { return nil }
    let start = i
    while i < line.count, line[i] != 0x20 { i += 1 }
    return start..<i
  }

  /// Whether a token can be a logger or thread name: identifier bytes, dots, colons, dashes, angle brackets.
  private static func isHeaderToken(_ line: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
    guard !range.isEmpty, range.count <= 120 else { return false }
    for i in range where !isHeaderByte(line[i]) { return false }
    return true
  }

  /// `0-9 A-Z a-z _ . : - < >`, tested as bits of two masks.
  @inline(__always)
  private static func isHeaderByte(_ c: UInt8) -> Bool {
    let low: UInt64 = 0x03ff_0000_0000_0000 | 1 << 45 | 1 << 46 | 1 << 58 | 1 << 60 | 1 << 62
    let high: UInt64 = 0x07ff_fffe_87ff_fffe  // A-Z (65-90), _ (95), a-z (97-122)
    return c < 64 ? (low >> c) & 1 == 1 : c < 128 ? (high >> (c - 64)) & 1 == 1 : false
  }

  /// Reads a level word at `offset`.
  /// - Returns: the level and the offset after the word, or nil.
  @inline(__always)
  static func levelWord(_ line: UnsafeRawBufferPointer, _ offset: Int) -> (Level, Int)? {
    guard offset < line.count else { return nil }
    switch line[offset] {
    case 0x44 where line.hasBytes("DEBUG", at: offset): return (.debug, offset + 5)
    case 0x49 where line.hasBytes("INFO", at: offset): return (.info, offset + 4)
    case 0x57 where line.hasBytes("WARNING", at: offset): return (.warning, offset + 7)
    case 0x57 where line.hasBytes("WARN", at: offset): return (.warning, offset + 4)
    case 0x45 where line.hasBytes("ERROR", at: offset): return (.error, offset + 5)
    case 0x43 where line.hasBytes("CRITICAL", at: offset): return (.critical, offset + 8)
    case 0x46 where line.hasBytes("FATAL", at: offset): return (.critical, offset + 5)
    case 0x54 where line.hasBytes("TRACE", at: offset): return (.trace, offset + 5)
    case 0x53 where line.hasBytes("SUCCESS", at: offset): return (.info, offset + 7)
    default: return nil
    }
  }
}
