#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one envelope record: its text, time, context key and whether it is only part of a line.
///
/// Works on the record's bytes: the text of a plain-text envelope is a range of the line itself; a JSON record's text
/// is unescaped into a buffer that is reused from record to record. The fields of the last record parsed are kept
/// here until the next.
struct EnvelopeRecordParser {
  /// The record's time; whether it carried a zone.
  private(set) var time: Microseconds?
  private(set) var zoned = true
  /// Whether the record's further lines follow it bare, with no envelope of their own (`aws logs tail` prints a
  /// multi-line event so).
  private(set) var continuesBare = false
  /// The step of the record's clock in µs (a whole second for `Nov 22 15:52:48`): the time is no earlier than
  /// `time` and earlier than `time + precision`.
  private(set) var precision: Int32 = 1
  /// The text is only part of a line; the next record of its context continues it.
  private(set) var partial = false
  /// Where the text lies in the line; nil when it is in `text`.
  private(set) var slice: Range<Int>?
  private(set) var text: [UInt8] = []
  /// The context: source bytes, 0x1F, stream bytes (empty when the record names neither), and its hash.
  private(set) var key: [UInt8] = []

  /// FNV-1a of the key (never 0, which no context has: an empty key hashes to the offset basis).
  var keyHash: UInt64 {
    key.withUnsafeBytes { bytes in
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      return hash
    }
  }

  private var cache = TimestampParser.SecondCache()
  /// The digits of the fraction of a second of the last leading time read by `parseTimestamped`.
  private var fractionDigits = 0
  /// The year of times printed without one (`Nov 22 15:52:48`).
  private var year: Int
  private var yearFromText = false

  init() {
    let days = currentUnixSeconds() / 86_400
    year = Self.civilYear(days: days)
  }

  private mutating func reset() {
    continuesBare = false
    time = nil
    zoned = true
    precision = 1
    partial = false
    slice = nil
    text.removeAll(keepingCapacity: true)
    key.removeAll(keepingCapacity: true)
  }

  // MARK: - Sniffing

  /// The text envelope a line is in, if any (JSON records included).
  mutating func lineFormat(_ line: UnsafeRawBufferPointer) -> EnvelopeFormat? {
    var i = 0
    while i < line.count, line[i] == 0x20 { i += 1 }
    if i < line.count, line[i] == 0x7b { return parseJSON(line) }
    if parseCRI(line) { return .cri }
    if parseSyslog5424(line) { return .syslog5424 }
    if parseSyslog(line) { return .syslog }
    if parseTimestamped(line) { return .timestamped }
    return nil
  }

  /// Whether a line's leading time (with no source prefix) is the application's own: a level word follows it as a
  /// record's header does (`… INFO app: …`, `… [ERROR] …`, not `INFO:name:` of a log inside), and it has no more
  /// than microseconds (Python cannot write more; kubelet writes nanoseconds).
  func levelFollowsTime(_ line: UnsafeRawBufferPointer) -> Bool {
    guard key.isEmpty, fractionDigits <= 6, let slice, slice.lowerBound < line.count else { return false }
    var i = slice.lowerBound
    if line[i] == 0x5b { i += 1 }
    guard let (_, end) = LogLinePrefix.levelWord(line, i) else { return false }
    return end == line.count || line[end] == 0x20 || line[end] == 0x5d || line[end] == 0x7c
  }

  /// Takes the year of times printed without one from the first full date among the held lines, if there is one.
  mutating func setYear(from lines: [(bytes: [UInt8], number: Int)]) {
    for (bytes, _) in lines {
      let found: Int? = bytes.withUnsafeBytes { line in
        var at = 0
        while at + 19 <= line.count, at < 200 {
          if line[at + 4] == 0x2d, line[at + 7] == 0x2d, let year = line.decimal(at: at, maxDigits: 4), year.end == at + 4,
            (1990...2200).contains(year.value)
          {
            return year.value
          }
          at += 1
        }
        return nil
      }
      if let found {
        year = found
        yearFromText = true
        return
      }
    }
  }

  // MARK: - Text envelopes

  /// `2026-11-22T15:52:48.123456789Z stdout F text` (CRI).
  mutating func parseCRI(_ line: UnsafeRawBufferPointer) -> Bool {
    reset()
    guard line.count >= 30, line[10] == 0x54, let stamp = TimestampParser.parse(line, at: 0, cache: &cache), stamp.zoned,
      stamp.end + 8 < line.count, line[stamp.end] == 0x20
    else { return false }
    var i = stamp.end + 1
    guard line.hasBytes("std", at: i), line.hasBytes("out ", at: i + 3) || line.hasBytes("err ", at: i + 3) else { return false }
    let stream = i..<(i + 6)
    i += 7
    let tagStart = i
    while i < line.count, line[i] != 0x20 {
      guard line[i].isASCIILetter || line[i] == 0x3a, i - tagStart < 16 else { return false }
      if line[i] == 0x50 { partial = true }
      i += 1
    }
    guard i > tagStart else { return false }
    time = stamp.time
    precision = TimestampParser.precision(fractionDigits: stamp.fractionDigits)
    slice = min(i + 1, line.count)..<line.count
    key.append(0x1f)
    key.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[stream]))
    return true
  }

  /// `[pod/name/container] 2026-11-22T15:52:48.123456789Z text`, either part alone (`kubectl logs --prefix
  /// --timestamps`, `docker logs --timestamps`, a CloudWatch export to S3), or `api-1  | ` before the time or the text
  /// (`docker compose logs [--timestamps]`), or `2026-11-22T15:52:48.123456+00:00 stream text` (`aws logs tail`).
  mutating func parseTimestamped(_ line: UnsafeRawBufferPointer) -> Bool {
    reset()
    var i = 0
    var source: Range<Int>?
    if line.first == 0x5b, let close = line.firstOffset(of: "] ", from: 1), close < 300 {
      let inner = 1..<close
      guard UnsafeRawBufferPointer(rebasing: line[inner]).firstOffset(of: "/") != nil,
        !line[inner].contains(0x20)
      else { return false }
      source = inner
      i = close + 2
    } else if let (name, textStart) = Self.composePrefix(line) {
      source = name
      i = textStart
    }
    fractionDigits = 0
    if i + 20 < line.count, line[i + 10] == 0x54, let stamp = TimestampParser.parse(line, at: i, cache: &cache), stamp.zoned,
      stamp.end < line.count, line[stamp.end] == 0x20
    {
      time = stamp.time
      precision = TimestampParser.precision(fractionDigits: stamp.fractionDigits)
      if line[i + 19] == 0x2e {
        while i + 20 + fractionDigits < line.count, line[i + 20 + fractionDigits].isASCIIDigit { fractionDigits += 1 }
      }
      i = stamp.end + 1
      if source == nil, fractionDigits == 6, line.hasBytes("+00:00 ", at: stamp.end - 6) {
        // `aws logs tail` (its default, detailed format: the time with microseconds and `+00:00`, then the event's
        // log stream, then the message; awscli/customizations/logs/tail.py, DetailedLogEventsFormatter).
        let streamStart = i
        while i < line.count, line[i] != 0x20, i - streamStart < 512 { i += 1 }
        if i > streamStart { source = streamStart..<i }
        i = min(i + 1, line.count)
        continuesBare = true
      }
    }
    guard source != nil || time != nil else { return false }
    slice = i..<line.count
    if let source { key.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[source])) }
    return true
  }

  /// `api-1  | ` (`docker compose logs`): the service's container name, padded, then a bar.
  /// - Returns: the name and where the text starts; nil when the line does not start so (or the name is a level word).
  private static func composePrefix(_ line: UnsafeRawBufferPointer) -> (Range<Int>, Int)? {
    var j = 0
    while j < line.count, j < 128, line[j].isIdentifierByte || line[j] == 0x2d || line[j] == 0x2e { j += 1 }
    guard j > 0, j < line.count, line[j] == 0x20, LogLinePrefix.levelWord(line, 0) == nil else { return nil }
    var k = j
    while k < line.count, line[k] == 0x20 { k += 1 }
    guard k < line.count, line[k] == 0x7c, k + 1 == line.count || line[k + 1] == 0x20 else { return nil }
    return (0..<j, min(k + 2, line.count))
  }

  /// `[<PRI>]Nov 22 15:52:48[.123456] host ident[pid]: text`, or with an ISO time and zone (journalctl short,
  /// short-precise, short-iso; syslog RFC 3164).
  mutating func parseSyslog(_ line: UnsafeRawBufferPointer) -> Bool {
    reset()
    var i = skipPriority(line)
    guard i + 15 < line.count else { return false }
    if let month = Self.month(line, i) {
      // `Nov 22 15:52:48` or `Nov  2 15:52:48`
      var j = i + 4
      if line[j] == 0x20 { j += 1 }
      guard let (day, dayEnd) = line.decimal(at: j, maxDigits: 2), dayEnd + 9 <= line.count, line[dayEnd] == 0x20,
        let (hour, h) = line.decimal(at: dayEnd + 1, maxDigits: 2), h == dayEnd + 3, line[h] == 0x3a,
        let (minute, m) = line.decimal(at: h + 1, maxDigits: 2), m == h + 3, line[m] == 0x3a,
        let (second, s) = line.decimal(at: m + 1, maxDigits: 2), s == m + 3, (1...31).contains(day), hour < 24,
        minute < 60, second < 61
      else { return false }
      j = s
      var micros = 0
      precision = 1_000_000
      if j < line.count, line[j] == 0x2e {
        var scale = 100_000
        j += 1
        while j < line.count, line[j].isASCIIDigit {
          micros += Int(line[j] &- 48) * scale
          precision = Int32(max(scale, 1))
          scale /= 10
          j += 1
        }
      }
      let days = TimestampParser.daysFromCivil(year: year, month: month, day: day)
      time = (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1_000_000 + Int64(micros)
      zoned = false
      i = j
    } else if line[i].isASCIIDigit, i + 20 < line.count, line[i + 10] == 0x54,
      let stamp = TimestampParser.parse(line, at: i, cache: &cache), stamp.zoned
    {
      time = stamp.time
      precision = TimestampParser.precision(fractionDigits: stamp.fractionDigits)
      i = stamp.end
    } else if let end = parseFullTime(line, at: i) {
      i = end
    } else if let end = parseUnixTime(line, at: i) {
      i = end
    } else {
      return false
    }
    guard i < line.count, line[i] == 0x20 else { return false }
    i += 1
    let hostStart = i
    while i < line.count, line[i] != 0x20 { i += 1 }
    let host = hostStart..<i
    // A host name has no `/` (an `aws logs tail` line's log stream, such as `app/web/0f3e`, may stand there).
    guard !host.isEmpty, i < line.count, !line[host].contains(0x2f) else { return false }
    // `2026-11-22T16:38:21.326Z DEBUG chat: …` and `… INFO:httpx:HTTP Request: …` are an application's own
    // records, not a host and a tag.
    if LogLinePrefix.levelWord(line, hostStart) != nil { return false }
    i += 1
    let tagStart = i
    while i < line.count, line[i] != 0x3a, line[i] != 0x5b, line[i] != 0x20 { i += 1 }
    guard i > tagStart, i < line.count, line[i] != 0x20 else { return false }
    // A program's name: a letter, then letters, digits and `_.-/@` (not `{"time":` of a JSON record, nor the
    // `2026-11-22T16` of a time, which an `aws logs tail` line may hold where a tag would stand).
    guard line[tagStart].isASCIILetter,
      (tagStart..<i).allSatisfy({ line[$0].isIdentifierByte || line[$0] == 0x2d || line[$0] == 0x2e || line[$0] == 0x2f || line[$0] == 0x40 })
    else { return false }
    let ident = tagStart..<i
    var pid: Range<Int>?
    if line[i] == 0x5b {
      let pidStart = i + 1
      i = pidStart
      while i < line.count, line[i] != 0x5d { i += 1 }
      guard i + 1 < line.count, line[i + 1] == 0x3a else { return false }
      pid = pidStart..<i
      i += 1
    }
    i += 1  // ":"
    if i < line.count, line[i] == 0x20 { i += 1 }
    slice = i..<line.count
    appendSource(line, host: host, app: ident, pid: pid)
    return true
  }

  /// journalctl short-full: `Sun 2026-11-22 10:00:00 UTC` (a weekday, the local time, the zone's abbreviation).
  /// Only UTC and GMT name an offset; other abbreviations are ambiguous (`IST`, `CST`), so such a time is taken
  /// as a time without a zone, as `--tz` says. Returns where the time ends.
  private mutating func parseFullTime(_ line: UnsafeRawBufferPointer, at i: Int) -> Int? {
    guard i + 24 < line.count, Self.weekday(line, i), line[i + 3] == 0x20, line[i + 4].isASCIIDigit,
      line[i + 8] == 0x2d, line[i + 14] == 0x20,
      let stamp = TimestampParser.parse(line, at: i + 4, cache: &cache), stamp.end < line.count, line[stamp.end] == 0x20
    else { return nil }
    time = stamp.time
    precision = TimestampParser.precision(fractionDigits: stamp.fractionDigits)
    if stamp.zoned {
      zoned = true
      return stamp.end
    }
    var j = stamp.end + 1
    let zoneStart = j
    while j < line.count, line[j] != 0x20 { j += 1 }
    guard j > zoneStart, j - zoneStart <= 6 else { return nil }
    let zone = UnsafeRawBufferPointer(rebasing: line[zoneStart..<j])
    zoned = zone.elementsEqual("UTC".utf8) || zone.elementsEqual("GMT".utf8)
    return j
  }

  /// journalctl short-unix: `1795341600.150000`, seconds since the epoch with their microseconds (UTC by
  /// definition). Ten digits or more before the point: a count of seconds since 2001, not some other number.
  private mutating func parseUnixTime(_ line: UnsafeRawBufferPointer, at i: Int) -> Int? {
    var j = i
    while j < line.count, line[j].isASCIIDigit { j += 1 }
    guard j - i >= 10, j - i <= 11, j < line.count, line[j] == 0x2e, let (seconds, _) = line.decimal(at: i, maxDigits: 11)
    else { return nil }
    j += 1
    var micros = 0
    var scale = 100_000
    var digits = 0
    while j < line.count, line[j].isASCIIDigit {
      if scale > 0 { micros += Int(line[j] &- 48) * scale }
      scale /= 10
      digits += 1
      j += 1
    }
    guard digits > 0, j < line.count, line[j] == 0x20 else { return nil }
    time = Int64(seconds) * 1_000_000 + Int64(micros)
    precision = TimestampParser.precision(fractionDigits: min(digits, 9))
    zoned = true
    return j
  }

  /// `Mon` … `Sun` at `i`.
  private static func weekday(_ line: UnsafeRawBufferPointer, _ i: Int) -> Bool {
    guard i + 3 <= line.count else { return false }
    let word = UInt32(line[i]) << 16 | UInt32(line[i + 1]) << 8 | UInt32(line[i + 2])
    switch word {
    case 0x4d6f6e, 0x547565, 0x576564, 0x546875, 0x467269, 0x536174, 0x53756e: return true  // Mon Tue Wed Thu Fri Sat Sun
    default: return false
    }
  }

  /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]` (RFC 5424 §6).
  mutating func parseSyslog5424(_ line: UnsafeRawBufferPointer) -> Bool {
    reset()
    var i = skipPriority(line)
    guard i > 0, line.hasBytes("1 ", at: i) else { return false }
    i += 2
    if line.hasBytes("- ", at: i) {
      i += 2
    } else {
      guard let stamp = TimestampParser.parse(line, at: i, cache: &cache), stamp.end < line.count, line[stamp.end] == 0x20
      else { return false }
      time = stamp.time
      zoned = stamp.zoned
      precision = TimestampParser.precision(fractionDigits: stamp.fractionDigits)
      i = stamp.end + 1
    }
    func field() -> Range<Int>? {
      let start = i
      while i < line.count, line[i] != 0x20 { i += 1 }
      guard i > start, i < line.count else { return nil }
      i += 1
      return start..<(i - 1)
    }
    guard let host = field(), let app = field(), let procID = field(), field() != nil, i < line.count else { return false }
    // STRUCTURED-DATA: `-` or `[id k="v" …]…`, where `\"`, `\\` and `\]` escape within values.
    if line[i] == 0x2d {
      i += 1
    } else {
      guard line[i] == 0x5b else { return false }
      while i < line.count, line[i] == 0x5b {
        var inValue = false
        i += 1
        while i < line.count {
          let c = line[i]
          if c == 0x5c, inValue {
            i += 2
            continue
          }
          if c == 0x22 { inValue.toggle() }
          if c == 0x5d, !inValue { break }
          i += 1
        }
        guard i < line.count else { return false }
        i += 1
      }
    }
    if i < line.count, line[i] == 0x20 { i += 1 }
    if line.hasBytes("\u{FEFF}", at: i) { i += 3 }
    slice = min(i, line.count)..<line.count
    let nilValue: (Range<Int>) -> Range<Int>? = { $0.count == 1 && line[$0.lowerBound] == 0x2d ? nil : $0 }
    appendSource(line, host: nilValue(host), app: nilValue(app), pid: nilValue(procID))
    return true
  }

  private func skipPriority(_ line: UnsafeRawBufferPointer) -> Int {
    guard line.first == 0x3c, let (_, end) = line.decimal(at: 1, maxDigits: 3), end < line.count, line[end] == 0x3e
    else { return 0 }
    return end + 1
  }

  /// `host ident[pid]` into the key.
  private mutating func appendSource(_ line: UnsafeRawBufferPointer, host: Range<Int>?, app: Range<Int>?, pid: Range<Int>?) {
    if let host {
      key.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[host]))
      key.append(0x20)
    }
    if let app { key.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[app])) }
    if let pid {
      key.append(0x5b)
      key.append(contentsOf: UnsafeRawBufferPointer(rebasing: line[pid]))
      key.append(0x5d)
    }
  }

  /// `Jan` … `Dec` at `i`, followed by a space, as 1…12.
  private static func month(_ line: UnsafeRawBufferPointer, _ i: Int) -> Int? {
    guard i + 4 <= line.count, line[i + 3] == 0x20 else { return nil }
    let word = UInt32(line[i]) << 16 | UInt32(line[i + 1]) << 8 | UInt32(line[i + 2])
    switch word {
    case 0x4a616e: return 1  // Jan
    case 0x466562: return 2  // Feb
    case 0x4d6172: return 3  // Mar
    case 0x417072: return 4  // Apr
    case 0x4d6179: return 5  // May
    case 0x4a756e: return 6  // Jun
    case 0x4a756c: return 7  // Jul
    case 0x417567: return 8  // Aug
    case 0x536570: return 9  // Sep
    case 0x4f6374: return 10  // Oct
    case 0x4e6f76: return 11  // Nov
    case 0x446563: return 12  // Dec
    default: return nil
    }
  }

  /// The year of a day counted from 1970-01-01 (Howard Hinnant's civil_from_days).
  static func civilYear(days: Int) -> Int {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let month = mp < 10 ? mp + 3 : mp - 9
    return yoe + era * 400 + (month <= 2 ? 1 : 0)
  }

  // MARK: - JSON envelopes

  /// Reads a JSON record of any of the JSON envelopes, recognised by its keys.
  /// - Returns: the envelope; nil when the object is not an envelope record (an application's own JSON log).
  @discardableResult
  mutating func parseJSON(_ b: UnsafeRawBufferPointer) -> EnvelopeFormat? {
    reset()
    var f = Fields()
    guard JSONObjectFields.walk(b, { key, value in f.take(b, key, value) }) != nil else { return nil }
    if let log = f.log, let stamp = f.time, b[log.lowerBound] == 0x22 {
      // Docker json-file: the line, its stream, its time; a line without its newline continues in the next record.
      JSONObjectFields.appendString(b, log, to: &text)
      if text.last == 0x0a { text.removeLast() } else { partial = true }
      readTime(b, stamp)
      if let stream = f.stream {
        key.append(0x1f)
        JSONObjectFields.appendString(b, stream, to: &key)
      }
      return .dockerJSON
    }
    if let message = f.message, f.realtime != nil || f.pid != nil || f.identifier != nil, f.upperMessage {
      // journald: MESSAGE is a string, an array of bytes (not UTF-8), or null.
      if !JSONObjectFields.appendString(b, message, to: &text) { JSONObjectFields.appendByteArray(b, message, to: &text) }
      if let realtime = f.realtime, let micros = Self.integer(b, realtime), micros <= UntrustedNumber.latestInstant { time = micros }
      if let identifier = f.identifier ?? f.unit { JSONObjectFields.appendString(b, identifier, to: &key) }
      if let pid = f.pid {
        key.append(0x5b)
        JSONObjectFields.appendString(b, pid, to: &key)
        key.append(0x5d)
      }
      return .journalJSON
    }
    if f.textPayload != nil || f.jsonPayload != nil, f.logName != nil || f.resource != nil || f.insertId != nil {
      readCloudLogging(b, f)
      return .cloudLogging
    }
    if let message = f.message, let stamp = f.timestamp, f.ingestion != nil || f.logStream != nil || f.eventId != nil {
      // CloudWatch: `timestamp` in ms; the message may hold several lines (a traceback logged as one event).
      JSONObjectFields.appendString(b, message, to: &text)
      if let ms = Self.integer(b, stamp), ms <= UntrustedNumber.latestInstant / 1000 {
        time = ms * 1000
        precision = 1000
      }
      if let stream = f.logStream { JSONObjectFields.appendString(b, stream, to: &key) }
      return .cloudWatch
    }
    return nil
  }

  /// A Cloud Logging entry: `textPayload`, or `jsonPayload` passed on as the structured record it is (with the
  /// entry's severity when the payload names none); the context from `resource.labels` and the log's name.
  private mutating func readCloudLogging(_ b: UnsafeRawBufferPointer, _ f: Fields) {
    if let payload = f.textPayload {
      JSONObjectFields.appendString(b, payload, to: &text)
    } else if let payload = f.jsonPayload, b[payload.lowerBound] == 0x7b {
      var namesLevel = false
      JSONObjectFields.walk(b, from: payload.lowerBound) { key, _ in
        if JSONObjectFields.key(b, key, is: "severity") || JSONObjectFields.key(b, key, is: "level")
          || JSONObjectFields.key(b, key, is: "levelname")
        {
          namesLevel = true
        }
      }
      // A pretty-printed payload on one line: outside strings, line breaks are only spacing.
      for i in payload where b[i] != 0x0a && b[i] != 0x0d { text.append(b[i]) }
      if !namesLevel, let severity = f.severity, text.count > 2 {
        text.removeLast()
        text.append(contentsOf: Array(",\"severity\":".utf8))
        text.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[severity]))
        text.append(0x7d)
      }
    }
    if let stamp = f.timestamp ?? f.receiveTimestamp { readTime(b, stamp) }
    if let resource = f.resource { appendResourceLabels(b, resource) }
    if let logName = f.logName {
      // `projects/p/logs/stderr`: the log's own name, after the last `/` (`%2F` stays as written).
      var name: [UInt8] = []
      JSONObjectFields.appendString(b, logName, to: &name)
      let last = name.lastIndex(of: 0x2f).map { name.index(after: $0) } ?? 0
      key.append(0x1f)
      key.append(contentsOf: name[last...])
    }
  }

  /// The labels that tell one producer from another: the pod and container, else every label but the project.
  private mutating func appendResourceLabels(_ b: UnsafeRawBufferPointer, _ resource: Range<Int>) {
    var labels: Range<Int>?
    JSONObjectFields.walk(b, from: resource.lowerBound) { key, value in
      if JSONObjectFields.key(b, key, is: "labels") { labels = value }
    }
    guard let labels, b[labels.lowerBound] == 0x7b else { return }
    var pod: Range<Int>?, container: Range<Int>?
    var others: [Range<Int>] = []
    JSONObjectFields.walk(b, from: labels.lowerBound) { key, value in
      if JSONObjectFields.key(b, key, is: "pod_name") {
        pod = value
      } else if JSONObjectFields.key(b, key, is: "container_name") {
        container = value
      } else if !JSONObjectFields.key(b, key, is: "project_id") {
        others.append(value)
      }
    }
    let parts = pod != nil || container != nil ? [pod, container].compactMap { $0 } : others
    for (index, part) in parts.enumerated() {
      if index > 0 { key.append(0x2f) }
      JSONObjectFields.appendString(b, part, to: &key)
    }
  }

  /// An RFC 3339 time in a JSON string.
  private mutating func readTime(_ b: UnsafeRawBufferPointer, _ value: Range<Int>) {
    guard b[value.lowerBound] == 0x22, let stamp = TimestampParser.parse(b, at: value.lowerBound + 1, cache: &cache)
    else { return }
    time = stamp.time
    zoned = stamp.zoned
    precision = TimestampParser.precision(fractionDigits: stamp.fractionDigits)
  }

  /// An integer written as a JSON number or a string of digits (journald writes its times as strings); nil when it
  /// does not fit in 64 bits.
  private static func integer(_ b: UnsafeRawBufferPointer, _ value: Range<Int>) -> Int64? {
    var i = value.lowerBound
    if b[i] == 0x22 { i += 1 }
    var result: Int64 = 0
    let start = i
    while i < value.upperBound, b[i].isASCIIDigit, i - start < 19 {
      let (shifted, overflow) = result.multipliedReportingOverflow(by: 10)
      let (sum, carry) = shifted.addingReportingOverflow(Int64(b[i] &- 48))
      guard !overflow, !carry else { return nil }
      result = sum
      i += 1
    }
    return i > start ? result : nil
  }

  /// The value ranges of the keys the JSON envelopes use.
  private struct Fields {
    var log, stream, time: Range<Int>?
    var message, realtime, pid, identifier, unit: Range<Int>?
    var upperMessage = false
    var timestamp, ingestion, logStream, eventId: Range<Int>?
    var textPayload, jsonPayload, severity, resource, logName, insertId, receiveTimestamp: Range<Int>?

    mutating func take(_ b: UnsafeRawBufferPointer, _ key: Range<Int>, _ value: Range<Int>) {
      guard let first = key.first.map({ b[$0] }) else { return }
      func named(_ name: StaticString) -> Bool { JSONObjectFields.key(b, key, is: name) }
      switch first {
      case 0x6c:  // l
        if named("log") {
          log = value
        } else if named("logStreamName") {
          logStream = value
        } else if named("logName") {
          logName = value
        }
      case 0x73:  // s
        if named("stream") { stream = value } else if named("severity") { severity = value }
      case 0x74:  // t
        if named("time") {
          time = value
        } else if named("timestamp") {
          timestamp = value
        } else if named("textPayload") {
          textPayload = value
        }
      case 0x6d:  // m
        if named("message") { message = value }
      case 0x4d:  // M
        if named("MESSAGE") {
          message = value
          upperMessage = true
        }
      case 0x5f:  // _
        if named("__REALTIME_TIMESTAMP") {
          realtime = value
        } else if named("_PID") {
          pid = value
        } else if named("_SYSTEMD_UNIT") {
          unit = value
        }
      case 0x53:  // S
        if named("SYSLOG_IDENTIFIER") { identifier = value }
      case 0x69:  // i
        if named("ingestionTime") { ingestion = value } else if named("insertId") { insertId = value }
      case 0x65:  // e
        if named("eventId") { eventId = value }
      case 0x6a:  // j
        if named("jsonPayload") { jsonPayload = value }
      case 0x72:  // r
        if named("resource") { resource = value } else if named("receiveTimestamp") { receiveTimestamp = value }
      default: break
      }
    }
  }
}

/// Seconds since the epoch, now: the year of times printed without one defaults to the current year.
private func currentUnixSeconds() -> Int { Int(time(nil)) }
