/// Emits a fact kind with an optional quote; the caller adds time, place and connection.
typealias WireFact = (Fact.Kind, String?) -> Void

/// Parses the HTTP/1.1 requests a client sends, for the facts they carry: the target, the SDK's headers.
struct HTTPRequestParser {
  private var head: [UInt8] = []
  private var bodyLeft = 0

  mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    var i = 0
    while i < bytes.count {
      if bodyLeft > 0 {
        let take = min(bodyLeft, bytes.count - i)
        bodyLeft -= take
        i += take
        continue
      }
      head.append(bytes[i])
      i += 1
      if head.count > 65536 { head.removeAll() }
      guard head.count >= 4, head[head.count - 1] == 0x0a, head[head.count - 2] == 0x0d,
        head[head.count - 3] == 0x0a, head[head.count - 4] == 0x0d
      else { continue }
      let text = String(decoding: head, as: UTF8.self)
      head.removeAll(keepingCapacity: true)
      let lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
      guard let requestLine = lines.first else { continue }
      let parts = requestLine.split(separator: " ")
      guard parts.count >= 2 else { continue }
      var headers: [String: String] = [:]
      for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: " ")
      }
      bodyLeft = Int(headers["content-length"] ?? "") ?? 0
      let host = headers["host"].map { "http://\($0)" } ?? ""
      emit(.requestSending(url: host + String(parts[1])), nil)
      if let agent = headers["user-agent"] {
        for (prefix, name) in [("Anthropic/", "anthropic"), ("AsyncAnthropic/", "anthropic"), ("OpenAI/", "openai"),
                               ("AsyncOpenAI/", "openai")] where agent.hasPrefix(prefix) {
          if let version = agent.split(separator: " ").last { emit(.sdkVersion(name: name, version: String(version)), nil) }
        }
      }
      if let count = headers["x-stainless-retry-count"].flatMap({ Int($0) }) { emit(.sdkRetryCount(count), nil) }
      if let timeout = (headers["x-stainless-read-timeout"] ?? headers["x-stainless-timeout"]).flatMap({ Double($0) }) {
        emit(.sdkTimeout(timeout), nil)
      }
    }
  }
}

/// Parses the HTTP/1.1 responses a server sends: status, request id, body framing, and SSE events in the body.
struct HTTPResponseParser {
  private enum State {
    case head
    case chunkSize
    case chunkData(Int)
    case chunkEnd
    case trailers
    case fixed(Int)
    case untilClose
  }

  private var state = State.head
  private var line: [UInt8] = []
  private var events = SSEDecoder()
  private var isEventStream = false

  mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    var i = 0
    while i < bytes.count {
      switch state {
      case .chunkData(let left):
        let take = min(left, bytes.count - i)
        body(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]), emit)
        i += take
        state = left - take == 0 ? .chunkEnd : .chunkData(left - take)
        continue
      case .fixed(let left):
        let take = min(left, bytes.count - i)
        body(UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)]), emit)
        i += take
        if left - take == 0 {
          emit(.bodyEnded, nil)
          state = .head
        } else {
          state = .fixed(left - take)
        }
        continue
      case .untilClose:
        body(UnsafeRawBufferPointer(rebasing: bytes[i...]), emit)
        i = bytes.count
        continue
      default:
        break
      }
      // Line-oriented states: head, chunk sizes, chunk ends, trailers.
      let byte = bytes[i]
      i += 1
      line.append(byte)
      if line.count > 65536 { line.removeAll() }
      guard byte == 0x0a else { continue }
      let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: "\r\n")
      line.removeAll(keepingCapacity: true)
      switch state {
      case .head:
        headLine(text, emit)
      case .chunkSize:
        let hex = text.prefix { $0.isHexDigit }
        guard let size = Int(hex, radix: 16) else { continue }
        state = size == 0 ? .trailers : .chunkData(size)
      case .chunkEnd:
        state = .chunkSize
      case .trailers:
        if text.isEmpty {
          // The terminating chunk `0\r\n\r\n`: the body ended cleanly.
          events.finish(emit)
          emit(.bodyEnded, nil)
          state = .head
        }
      default:
        break
      }
    }
  }

  private var headLines: [String] = []

  private mutating func headLine(_ text: String, _ emit: WireFact) {
    guard !text.isEmpty else {
      guard let status = headLines.first?.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
        headLines.removeAll()
        return
      }
      var headers: [String: String] = [:]
      for line in headLines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: " ")
      }
      let statusLine = headLines.first ?? ""
      headLines.removeAll()
      emit(.responseHead(status: status, url: nil, transport: "wire"), statusLine)
      if let id = headers["request-id"] ?? headers["x-request-id"] { emit(.requestID(id), nil) }
      isEventStream = headers["content-type"]?.contains("text/event-stream") == true
      events = SSEDecoder()
      if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
        state = .chunkSize
      } else if let length = headers["content-length"].flatMap({ Int($0) }) {
        state = length == 0 ? .head : .fixed(length)
        if length == 0 { emit(.bodyEnded, nil) }
      } else {
        state = .untilClose
      }
      return
    }
    if headLines.count < 200 { headLines.append(text) }
  }

  private mutating func body(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    guard isEventStream else { return }
    events.feed(bytes, emit)
  }
}

/// Decodes Server-Sent Events by the WHATWG rules: CR, LF or CRLF line ends, comments, multi-line data,
/// dispatch on a blank line; an event unfinished at the end is not dispatched.
struct SSEDecoder {
  private var line: [UInt8] = []
  private var lastWasCR = false
  private var eventName = ""
  private var data = ""

  mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    for byte in bytes {
      if byte == 0x0a, lastWasCR {
        lastWasCR = false
        continue
      }
      lastWasCR = byte == 0x0d
      if byte == 0x0a || byte == 0x0d {
        processLine(emit)
      } else if line.count < 1 << 20 {
        line.append(byte)
      }
    }
  }

  /// The stream ended: a pending, unfinished event is discarded (the spec's EOF rule).
  mutating func finish(_ emit: WireFact) {
    line.removeAll()
    eventName = ""
    data = ""
  }

  private mutating func processLine(_ emit: WireFact) {
    defer { line.removeAll(keepingCapacity: true) }
    if line.isEmpty {
      dispatch(emit)
      return
    }
    if line.first == 0x3a { return }  // comment
    let text = String(decoding: line, as: UTF8.self)
    let field: Substring
    var value: Substring
    if let colon = text.firstIndex(of: ":") {
      field = text[..<colon]
      value = text[text.index(after: colon)...]
      if value.first == " " { value = value.dropFirst() }
    } else {
      field = Substring(text)
      value = ""
    }
    switch field {
    case "event": eventName = String(value)
    case "data": data += data.isEmpty ? String(value) : "\n" + value
    default: break
    }
  }

  private mutating func dispatch(_ emit: WireFact) {
    defer {
      eventName = ""
      data = ""
    }
    guard !data.isEmpty || !eventName.isEmpty else { return }
    let name = eventName.isEmpty ? "message" : eventName
    if name == "ping" { return }
    if name == "error" {
      emit(.inBandError(data), "event: error " + String(data.prefix(200)))
      return
    }
    if let event = StreamEvent(rawValue: name), event != .other {
      emit(.event(event), nil)
      if event == .messageStart, let tokens = number(after: "\"input_tokens\":") { emit(.usage(input: tokens, output: nil), nil) }
      if event == .messageDelta, let tokens = number(after: "\"output_tokens\":") { emit(.usage(input: nil, output: tokens), nil) }
      return
    }
    if name == "message" {
      if data.hasPrefix("[DONE]") {
        emit(.event(.done), nil)
      } else if data.contains("chat.completion.chunk") {
        let finished = data.contains("\"finish_reason\":\"")
        emit(.event(finished ? .chatFinished : .chatCompletionChunk), nil)
      } else if data.contains("\"error\"") {
        emit(.inBandError(data), "data: " + String(data.prefix(200)))
      }
      return
    }
    if name.hasPrefix("response.") {
      emit(.event(StreamEvent(rawValue: name) ?? .other), nil)
    }
  }

  private func number(after key: String) -> Int? {
    guard let range = data.range(of: key) else { return nil }
    return Int(data[range.upperBound...].prefix { $0.isNumber })
  }
}

extension String {
  fileprivate func trimmingCharacters(in set: String) -> String {
    let chars = Set(set)
    return String(drop { chars.contains($0) }.reversed().drop { chars.contains($0) }.reversed())
  }
}

extension Substring {
  fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
