/// A structured log record (one JSON object per line), read into the text lines it stands for.
///
/// structlog, python-json-logger, pino and bunyan write a record as one JSON object: the time,
/// level, logger, thread and message are fields, and a traceback is one escaped string (or
/// `err.stack`, or structlog's list of dicts). Expanding a record into
/// `2026-11-22T16:32:34.807Z ERROR [worker_0] app.chat: message` plus its traceback lines lets every
/// rule that reads text logs apply unchanged; all of them keep the JSON line's own line number.
enum JSONRecord {
  /// The text lines a JSON log record stands for; nil when the line is not a JSON object with a message (or an error).
  /// - Parameter onAbsurd: called with a description of each field whose value no log can hold (a time in the
  ///   year 10000); the record is read without that field.
  static func expand(_ line: UnsafeRawBufferPointer, onAbsurd: (String) -> Void = { _ in }) -> [[UInt8]]? {
    var parser = JSONParser(bytes: line)
    guard case .object(let fields)? = parser.parseValue() else { return nil }
    return expand(fields, onAbsurd: onAbsurd)
  }

  /// The text lines of a JSON array of records on one line, as applications collect their errors
  /// (`[{"error":"…","timestamp":"…"}, …]`); nil when the line is not such an array.
  static func expandArray(_ line: UnsafeRawBufferPointer, onAbsurd: (String) -> Void = { _ in }) -> [[UInt8]]? {
    var i = 1
    while i < line.count, line[i] == 0x20 { i += 1 }
    guard i < line.count, line[i] == 0x7b else { return nil }
    var parser = JSONParser(bytes: line)
    guard case .array(let items)? = parser.parseValue() else { return nil }
    var lines: [[UInt8]] = []
    for case .object(let fields) in items {
      if let expanded = expand(fields, onAbsurd: onAbsurd) { lines += expanded }
    }
    return lines.isEmpty ? nil : lines
  }

  private static func expand(
    _ fields: [(key: String, value: JSONValue)], onAbsurd: (String) -> Void
  ) -> [[UInt8]]? {
    var used: Set<String> = []
    func take(_ keys: [String]) -> JSONValue? {
      for key in keys {
        if let value = fields.first(where: { $0.key == key })?.value {
          used.insert(key)
          return value
        }
      }
      return nil
    }
    let message: String
    var errorOnly: [String]?
    if let messageValue = take(["event", "message", "msg"]), let text = messageValue.text {
      message = text
    } else if let error = take(["error", "err", "exception"])?.text, !error.isEmpty {
      // A record that is only an error (`{"error":"TypeError: terminated\n    at …","timestamp":"…"}`): the error's
      // lines follow the record's header as they would follow a logged message.
      message = ""
      errorOnly = error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    } else {
      return nil
    }
    let time = take(["timestamp", "time", "asctime", "@timestamp", "ts", "datetime"]).flatMap { value in
      let text = timeText(value)
      if text == nil, case .number(let number) = value { onAbsurd("the time \(number) is no instant between 1970 and 9999") }
      return text
    }
    let levelValue = take(["level", "levelname", "severity", "log.level", "lvl"])
    let level = levelValue.flatMap(levelText) ?? (errorOnly != nil ? "ERROR" : "INFO")
    if case .number(let number)? = levelValue, levelText(.number(number)) == nil {
      onAbsurd("the level \(number) is no level number")
    }
    let logger = take(["logger", "name", "logger_name"])?.text.map { $0.isEmpty ? "json" : $0 } ?? "json"
    let thread = take(["threadName", "thread_name", "taskName", "thread"])?.text
    let exception = errorOnly != nil ? nil
      : take(["exception", "exc_info", "exc_text", "stack_trace", "stack", "err", "error"]).flatMap(tracebackLines)

    var messageLines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // Other scalar fields stay visible: `type=content_block_delta`, `request_id=req_…`.
    let extras = fields.filter { !used.contains($0.key) }.compactMap { field -> String? in
      guard let text = field.value.scalarText, text.count <= 200 else { return nil }
      return "\(field.key)=\(text)"
    }
    if !extras.isEmpty { messageLines[0] += " " + extras.joined(separator: " ") }

    var header: String
    let name = logger.replacingSpaces()
    if let time {
      header = "\(time) \(level) " + (thread.map { "[\($0.replacingSpaces())] " } ?? "") + "\(name): "
    } else {
      header = "\(level):\(name.replacingColons()):"
    }
    var lines = [Array((header + messageLines[0]).utf8)]
    lines += messageLines.dropFirst().map { Array($0.utf8) }
    if let exception { lines += exception.map { Array($0.utf8) } }
    if let errorOnly { lines += errorOnly.map { Array($0.utf8) } }
    return lines
  }

  /// A time field as text the timestamp parser reads: strings as they are, epoch numbers (seconds, milliseconds or
  /// microseconds, told apart by size) converted; nil for a number that is no instant between 1970 and 9999.
  private static func timeText(_ value: JSONValue) -> String? {
    switch value {
    case .string(let text): return text
    case .number(let number):
      let unit: Double = number > 1e14 ? 1 : number > 1e11 ? 1000 : 1_000_000
      return UntrustedNumber.instant(number, unit: unit).map(TimeFormatting.iso)
    default: return nil
    }
  }

  /// A level as the text parser's words; pino and bunyan write numbers (30 info, 50 error).
  private static func levelText(_ value: JSONValue) -> String? {
    switch value {
    case .string(let text):
      let upper = text.uppercased()
      return upper == "WARN" ? "WARNING" : upper
    case .number(let number):
      guard let level = UntrustedNumber.integer(number) else { return nil }
      switch level {
      case ..<20: return "TRACE"
      case 20..<30: return "DEBUG"
      case 30..<40: return "INFO"
      case 40..<50: return "WARNING"
      case 50..<60: return "ERROR"
      default: return "CRITICAL"
      }
    default: return nil
    }
  }

  /// A traceback from a string, an error object's `stack`, or structlog's `dict_tracebacks` list.
  private static func tracebackLines(_ value: JSONValue) -> [String]? {
    switch value {
    case .string(let text):
      guard text.contains("\n") || text.contains("Error") || text.contains("Exception") else { return nil }
      return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    case .object(let fields):
      if let stack = fields.first(where: { $0.key == "stack" })?.value.text {
        return stack.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      }
      let type = fields.first(where: { $0.key == "type" })?.value.text
      let message = fields.first(where: { $0.key == "message" })?.value.text
      guard let type else { return nil }
      return ["\(type): \(message ?? "")"]
    case .array(let items):
      // structlog dict_tracebacks: the outermost exception first; Python prints the innermost first.
      var lines: [String] = []
      for (index, item) in items.reversed().enumerated() {
        guard case .object(let fields) = item else { continue }
        let type = fields.first(where: { $0.key == "exc_type" })?.value.text ?? "Exception"
        let message = fields.first(where: { $0.key == "exc_value" })?.value.text ?? ""
        if index > 0 { lines += ["", "The above exception was the direct cause of the following exception:", ""] }
        lines.append("Traceback (most recent call last):")
        if case .array(let frames)? = fields.first(where: { $0.key == "frames" })?.value {
          for case .object(let frame) in frames {
            let file = frame.first(where: { $0.key == "filename" })?.value.text ?? "?"
            let line = frame.first(where: { $0.key == "lineno" })?.value.scalarText ?? "0"
            let function = frame.first(where: { $0.key == "name" })?.value.text ?? "?"
            lines.append("  File \"\(file)\", line \(line), in \(function)")
          }
        }
        lines.append(message.isEmpty ? type : "\(type): \(message)")
      }
      return lines.isEmpty ? nil : lines
    default:
      return nil
    }
  }
}

/// A JSON value, as much as log records need.
enum JSONValue {
  case string(String)
  case number(Double)
  case bool(Bool)
  case null
  case object([(key: String, value: JSONValue)])
  case array([JSONValue])

  var text: String? {
    if case .string(let text) = self { return text }
    return nil
  }

  /// Strings, numbers and booleans as text; nil for the rest.
  var scalarText: String? {
    switch self {
    case .string(let text): return text
    case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    case .bool(let flag): return flag ? "true" : "false"
    default: return nil
    }
  }
}

/// A small JSON parser over bytes; depth and sizes are bounded, malformed input gives nil.
struct JSONParser {
  let bytes: UnsafeRawBufferPointer
  var index = 0
  private var depth = 0

  init(bytes: UnsafeRawBufferPointer) {
    self.bytes = bytes
  }

  mutating func parseValue() -> JSONValue? {
    skipSpace()
    guard index < bytes.count, depth < 32 else { return nil }
    switch bytes[index] {
    case 0x7b: return parseObject()
    case 0x5b: return parseArray()
    case 0x22: return parseString().map(JSONValue.string)
    case 0x74: return literal("true", .bool(true))
    case 0x66: return literal("false", .bool(false))
    case 0x6e: return literal("null", .null)
    default: return parseNumber()
    }
  }

  private mutating func parseObject() -> JSONValue? {
    index += 1
    depth += 1
    defer { depth -= 1 }
    var fields: [(key: String, value: JSONValue)] = []
    skipSpace()
    if index < bytes.count, bytes[index] == 0x7d {
      index += 1
      return .object(fields)
    }
    while index < bytes.count {
      skipSpace()
      guard let key = parseString() else { return nil }
      skipSpace()
      guard index < bytes.count, bytes[index] == 0x3a else { return nil }
      index += 1
      guard let value = parseValue() else { return nil }
      fields.append((key, value))
      skipSpace()
      guard index < bytes.count else { return nil }
      if bytes[index] == 0x2c {
        index += 1
        continue
      }
      if bytes[index] == 0x7d {
        index += 1
        return .object(fields)
      }
      return nil
    }
    return nil
  }

  private mutating func parseArray() -> JSONValue? {
    index += 1
    depth += 1
    defer { depth -= 1 }
    var items: [JSONValue] = []
    skipSpace()
    if index < bytes.count, bytes[index] == 0x5d {
      index += 1
      return .array(items)
    }
    while index < bytes.count {
      guard let value = parseValue() else { return nil }
      items.append(value)
      skipSpace()
      guard index < bytes.count else { return nil }
      if bytes[index] == 0x2c {
        index += 1
        continue
      }
      if bytes[index] == 0x5d {
        index += 1
        return .array(items)
      }
      return nil
    }
    return nil
  }

  private mutating func parseString() -> String? {
    guard index < bytes.count, bytes[index] == 0x22 else { return nil }
    index += 1
    var out: [UInt8] = []
    while index < bytes.count {
      let c = bytes[index]
      index += 1
      switch c {
      case 0x22:
        return String(decoding: out, as: UTF8.self)
      case 0x5c:
        guard index < bytes.count else { return nil }
        let e = bytes[index]
        index += 1
        switch e {
        case 0x6e: out.append(0x0a)
        case 0x74: out.append(0x09)
        case 0x72: out.append(0x0d)
        case 0x62: out.append(0x08)
        case 0x66: out.append(0x0c)
        case 0x75:
          guard let scalar = parseUnicodeEscape() else { return nil }
          out += Array(String(Character(scalar)).utf8)
        default: out.append(e)
        }
      default:
        out.append(c)
      }
    }
    return nil
  }

  /// `\uXXXX`, with surrogate pairs; a lone surrogate becomes U+FFFD.
  private mutating func parseUnicodeEscape() -> Unicode.Scalar? {
    guard let high = hex4() else { return nil }
    if (0xD800..<0xDC00).contains(high), index + 1 < bytes.count, bytes[index] == 0x5c, bytes[index + 1] == 0x75 {
      index += 2
      guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return Unicode.Scalar(0xFFFD) }
      return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    }
    return Unicode.Scalar(high) ?? Unicode.Scalar(0xFFFD)
  }

  private mutating func hex4() -> UInt32? {
    guard index + 4 <= bytes.count else { return nil }
    var value: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[index]
      index += 1
      guard let digit = c.hexDigitValue.map(UInt32.init) else { return nil }
      value = value << 4 | digit
    }
    return value
  }

  private mutating func parseNumber() -> JSONValue? {
    let start = index
    while index < bytes.count, bytes[index].isASCIIDigit || bytes[index] == 0x2d || bytes[index] == 0x2b
      || bytes[index] == 0x2e || bytes[index] == 0x65 || bytes[index] == 0x45
    {
      index += 1
    }
    guard index > start, let number = Double(bytes.string(start..<index)) else { return nil }
    return .number(number)
  }

  private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
    guard bytes.hasBytes(word, at: index) else { return nil }
    index += word.utf8CodeUnitCount
    return value
  }

  private mutating func skipSpace() {
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0a || bytes[index] == 0x0d {
      index += 1
    }
  }
}

extension String {
  fileprivate func replacingSpaces() -> String { String(map { $0 == " " ? "_" : $0 }) }
  fileprivate func replacingColons() -> String { String(map { $0 == ":" ? "." : $0 }) }
}
