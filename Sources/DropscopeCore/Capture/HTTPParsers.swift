#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Emits a fact kind with an optional quote; the caller adds time, place and connection.
typealias WireFact = (Fact.Kind, String?) -> Void

/// Reads lines out of byte deliveries: a line that arrives whole is read where it lies; only a line split
/// across deliveries is copied.
struct LineReader {
  /// Where the next line is.
  enum Found {
    /// In the delivery, at this range (without CR or LF).
    case inPlace(Range<Int>)
    /// Joined from several deliveries: `takeJoined()` gives it.
    case joined
  }

  private var partial: [UInt8] = []
  private static let maxLine = 65536

  /// Finds the next line from `start` and the index after its LF; nil when the bytes end first (they are kept
  /// for the next delivery).
  mutating func next(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (line: Found, next: Int)? {
    guard let base = bytes.baseAddress, start < bytes.count else { return nil }
    guard let hit = memchr(base + start, 0x0a, bytes.count - start) else {
      if partial.count < Self.maxLine { partial += UnsafeRawBufferPointer(rebasing: bytes[start...]) }
      return nil
    }
    let newline = UnsafeRawPointer(hit) - base
    guard !partial.isEmpty else {
      let end = newline > start && bytes[newline - 1] == 0x0d ? newline - 1 : newline
      return (.inPlace(start..<end), newline + 1)
    }
    if partial.count < Self.maxLine { partial += UnsafeRawBufferPointer(rebasing: bytes[start..<newline]) }
    if partial.last == 0x0d { partial.removeLast() }
    return (.joined, newline + 1)
  }

  /// The line `next` joined.
  mutating func takeJoined() -> [UInt8] {
    defer { partial = [] }
    return partial
  }

  /// The bytes of the line begun so far (a CR whose LF has not come yet, for instance).
  var pendingCount: Int { partial.count }

  /// Forgets the line begun so far.
  mutating func dropPending() { partial.removeAll(keepingCapacity: true) }
}

/// The head of an HTTP/1.1 message, read line by line: its first line and the header fields dropscope reads.
struct HTTPHead {
  private(set) var firstLine: String?
  /// Fields by the index of their name in `names`.
  private var values: [String?]
  private let names: [StaticString]

  /// A head that keeps the fields named (in lower case) in `names`.
  init(keeping names: [StaticString]) {
    self.names = names
    values = Array(repeating: nil, count: names.count)
  }

  /// Takes one line of the head; returns true at the blank line that ends it (blank lines before a first line
  /// are skipped, as RFC 9112 allows).
  mutating func take(_ line: UnsafeRawBufferPointer) -> Bool {
    guard firstLine != nil else {
      if !line.isEmpty { firstLine = String(decoding: line, as: UTF8.self) }
      return false
    }
    guard !line.isEmpty else { return true }
    guard let colon = line.firstIndex(of: 0x3a) else { return false }
    for (index, name) in names.enumerated() where values[index] == nil && Self.equalIgnoringCase(line, colon, name) {
      var from = colon + 1, to = line.count
      while from < to, line[from] == 0x20 || line[from] == 0x09 { from += 1 }
      while to > from, line[to - 1] == 0x20 || line[to - 1] == 0x09 { to -= 1 }
      values[index] = String(decoding: UnsafeRawBufferPointer(rebasing: line[from..<to]), as: UTF8.self)
    }
    return false
  }

  /// The value of the field named `names[index]`.
  subscript(_ index: Int) -> String? { values[index] }

  /// Starts over for the next message.
  mutating func reset() {
    firstLine = nil
    for index in values.indices { values[index] = nil }
  }

  private static func equalIgnoringCase(_ line: UnsafeRawBufferPointer, _ length: Int, _ name: StaticString) -> Bool {
    guard length == name.utf8CodeUnitCount else { return false }
    let lower = name.utf8Start
    for i in 0..<length where line[i] | 0x20 != lower[i] && line[i] != lower[i] { return false }
    return true
  }
}

/// Parses the HTTP/1.1 requests a client sends, for the facts they carry: the target, the SDK's headers.
struct HTTPRequestParser {
  private var lines = LineReader()
  private var head = HTTPHead(keeping: ["host", "content-length", "user-agent", "x-stainless-retry-count",
                                       "x-stainless-read-timeout", "x-stainless-timeout"])
  private var bodyLeft = 0
  /// Bytes were lost outside a body: where the next request begins is not known.
  private var lost = false
  /// The scheme of the URLs the requests name: `https` inside a decrypted TLS session.
  var scheme = "http"

  /// `count` bytes the capture did not keep: skipped inside a body. In a head, the request is taken as far as it
  /// was seen (its first line at least); anywhere else reading stops until a delivery begins a new request.
  mutating func skip(_ count: Int, _ emit: WireFact) {
    if count <= bodyLeft, lines.pendingCount == 0 {
      bodyLeft -= count
      return
    }
    if !lost, bodyLeft == 0, head.firstLine != nil { requestEnded(emit) }
    bodyLeft = 0
    lines.dropPending()
    head.reset()
    lost = true
  }

  mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    if lost {
      // After a loss, reading resumes where a delivery begins with a request line.
      guard Self.beginsRequest(bytes) else { return }
      lost = false
    }
    var i = 0
    while i < bytes.count {
      if bodyLeft > 0 {
        let take = min(bodyLeft, bytes.count - i)
        bodyLeft -= take
        i += take
        continue
      }
      guard let (found, next) = lines.next(bytes, from: i) else { return }
      i = next
      let ended: Bool
      switch found {
      case .inPlace(let range): ended = head.take(UnsafeRawBufferPointer(rebasing: bytes[range]))
      case .joined: ended = lines.takeJoined().withUnsafeBytes { head.take($0) }
      }
      if ended {
        requestEnded(emit)
        head.reset()
      }
    }
  }

  /// Whether the bytes begin with a request line's method (`POST `, `GET `, …).
  private static func beginsRequest(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var i = 0
    while i < min(bytes.count, 8), bytes[i] >= 0x41, bytes[i] <= 0x5a { i += 1 }
    return i >= 3 && i < bytes.count && bytes[i] == 0x20
  }

  /// The client asked a proxy for a tunnel (`CONNECT host:port`): what follows is not HTTP to read here.
  private(set) var tunnelTarget: String?

  private mutating func requestEnded(_ emit: WireFact) {
    let parts = (head.firstLine ?? "").split(separator: " ")
    guard parts.count >= 2 else { return }
    if parts[0] == "CONNECT" {
      tunnelTarget = String(parts[1])
      lost = true  // whatever the client sends next goes through the tunnel
      return
    }
    bodyLeft = Int(head[1] ?? "") ?? 0
    // Through a proxy without a tunnel the target is already absolute (`POST http://host/path`).
    let host = parts[1].hasPrefix("http") ? "" : head[0].map { "\(scheme)://\($0)" } ?? ""
    emit(.requestSending(url: host + String(parts[1])), nil)
    if let agent = head[2] {
      // The TypeScript SDKs say `Anthropic/JS 0.52.0`, `OpenAI/JS 4.77.0`: another SDK, with other behaviour.
      let prefixes = [("Anthropic/JS ", "anthropic-typescript"), ("OpenAI/JS ", "openai-typescript"), ("Anthropic/", "anthropic"),
                      ("AsyncAnthropic/", "anthropic"), ("OpenAI/", "openai"), ("AsyncOpenAI/", "openai")]
      if let (_, name) = prefixes.first(where: { agent.hasPrefix($0.0) }), let version = agent.split(separator: " ").last {
        emit(.sdkVersion(name: name, version: String(version)), nil)
      }
    }
    if let count = head[3].flatMap({ Int($0) }) { emit(.sdkRetryCount(count), nil) }
    if let timeout = (head[4] ?? head[5]).flatMap({ Double($0) }).flatMap(UntrustedNumber.seconds) { emit(.sdkTimeout(timeout), nil) }
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
    /// Bytes were lost where the framing cannot be followed: the rest is not read.
    case lost
  }

  private var state = State.head
  private var lines = LineReader()
  private var head = HTTPHead(keeping: ["request-id", "x-request-id", "content-type", "transfer-encoding",
                                       "content-length"])
  private var events = SSEDecoder()
  private var isEventStream = false

  /// The proxy's answer to a `CONNECT` is awaited: a 2xx opens the tunnel, anything else is a failure to report.
  var awaitingTunnel: String?
  /// The tunnel is open: the bytes that follow are the tunnelled session's, not HTTP to read here.
  private(set) var tunnelOpened = false

  /// The connection's start was not captured: its first server bytes may be in the middle of a body.
  var startedMidConnection = false
  private var sawServerBytes = false

  /// Whether the next bytes are (or begin with) a response head.
  var isReadingHead: Bool {
    if case .head = state { return true }
    return false
  }

  mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    if !sawServerBytes, !bytes.isEmpty {
      sawServerBytes = true
      if startedMidConnection, !bytes.hasBytes("HTTP/1.", at: 0) { beginMidBody(bytes, emit) }
    }
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
      case .lost:
        // After a loss, reading resumes where a delivery begins a response or a chunk (an SSE server flushes
        // each event as a chunk of its own).
        guard i == 0 else { return }
        if bytes.hasBytes("HTTP/1.", at: 0) {
          state = .head
        } else if Self.beginsChunk(bytes) {
          state = .chunkSize
        } else {
          return
        }
      default:
        break
      }
      // Line-oriented states: head, chunk sizes, chunk ends, trailers.
      guard let (found, next) = lines.next(bytes, from: i) else { return }
      i = next
      switch found {
      case .inPlace(let range): line(UnsafeRawBufferPointer(rebasing: bytes[range]), emit)
      case .joined: lines.takeJoined().withUnsafeBytes { line($0, emit) }
      }
    }
  }

  private mutating func line(_ line: UnsafeRawBufferPointer, _ emit: WireFact) {
    switch state {
    case .head:
      if head.take(line) { responseHeadEnded(emit) }
    case .chunkSize:
      guard let size = Self.hexPrefix(line) else { return }
      state = size == 0 ? .trailers : .chunkData(size)
    case .chunkEnd:
      state = .chunkSize
    case .trailers:
      if line.isEmpty {
        // The terminating chunk `0\r\n\r\n`: the body ended cleanly.
        events.finish(emit)
        emit(.bodyEnded, nil)
        state = .head
      }
    default:
      break
    }
  }

  /// `count` bytes the capture did not keep (snap length, or a hole it never filled). Inside a body the framing
  /// goes on (the event they cut is counted by the name it showed); where a chunk ends, its CRLF may be among
  /// them; anywhere else the framing is lost and the rest of the connection's responses are not read.
  mutating func skip(_ count: Int, _ emit: WireFact) {
    var count = count
    switch state {
    case .chunkData(let left):
      events.lose(emit)
      guard count > left else {
        state = count == left ? .chunkEnd : .chunkData(left - count)
        return
      }
      count -= left
      state = .chunkEnd
    case .fixed(let left):
      events.lose(emit)
      if count < left {
        state = .fixed(left - count)
      } else {
        emit(.bodyEnded, nil)
        state = count == left ? .head : .lost
      }
      return
    case .untilClose:
      events.lose(emit)
      return
    case .chunkEnd:
      break
    case .head where head.firstLine != nil:
      // The head is cut: what it showed (the status at least) is taken; where its body begins is not known.
      responseHeadEnded(emit, cut: true)
      lines.dropPending()
      state = .lost
      return
    default:
      lines.dropPending()
      state = .lost
      return
    }
    // At a chunk's end: its CRLF, or what is left of it, may be all that is missing.
    let needed = 2 - lines.pendingCount
    if count == needed {
      lines.dropPending()
      state = .chunkSize
    } else if count > needed {
      state = .lost
    }
  }

  /// The capture began inside a response body: an event stream's body is read from the next event the framing
  /// shows (a chunk, or an SSE field line for an unframed body), and what came before is said to be missing.
  private mutating func beginMidBody(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    guard Self.beginsChunk(bytes) || Self.beginsEventField(bytes) else {
      state = .lost
      return
    }
    emit(.startNotCaptured, "the capture's first bytes of this connection are in the middle of a response body")
    isEventStream = true
    events = SSEDecoder()
    state = Self.beginsChunk(bytes) ? .chunkSize : .untilClose
  }

  /// Whether `bytes` begin with an SSE field: `event:`, `data:`, `id:` or a comment line (`:`).
  static func beginsEventField(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.hasBytes("event:", at: 0) || bytes.hasBytes("data:", at: 0) || bytes.hasBytes("id:", at: 0)
      || (bytes.first == 0x3a)
  }

  /// The chunk size at the start of a chunk-size line (extensions after `;` ignored); nil when there is none.
  private static func hexPrefix(_ bytes: UnsafeRawBufferPointer) -> Int? {
    var value = 0, digits = 0
    for b in bytes {
      guard let digit = b.hexDigitValue.map(Int.init) else { return digits == 0 ? nil : value }
      guard digits < 15 else { return nil }
      value = value << 4 | digit
      digits += 1
    }
    return digits == 0 ? nil : value
  }

  /// Whether `bytes` begin with a chunk-size line: hex digits, then CRLF (or `;` extensions).
  static func beginsChunk(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var i = 0
    while i < min(bytes.count, 16), bytes[i].isASCIIHexDigit { i += 1 }
    return i > 0 && i + 1 < bytes.count && (bytes[i] == 0x0d && bytes[i + 1] == 0x0a || bytes[i] == 0x3b)
  }

  /// The head is complete (or, `cut`, all of it that was captured): its facts, and how its body is framed.
  private mutating func responseHeadEnded(_ emit: WireFact, cut: Bool = false) {
    defer { head.reset() }
    let statusLine = head.firstLine ?? ""
    guard let status = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return }
    if let target = awaitingTunnel {
      awaitingTunnel = nil
      if (200..<300).contains(status) {
        tunnelOpened = true
        state = .lost  // the tunnelled bytes are not this parser's
        return
      }
      // The proxy refused the tunnel (407 needs credentials, 403 forbids the host, 502 could not reach it).
      emit(.requestSending(url: "https://\(target)"), "CONNECT \(target) (through a proxy)")
    }
    emit(.responseHead(status: status, url: nil, transport: "wire"), statusLine)
    if let id = head[0] ?? head[1] { emit(.requestID(id), nil) }
    // A cut head may have lost its content type: an SSE body, if that is what follows, is still read.
    isEventStream = head[2].map { $0.contains("text/event-stream") } ?? cut
    events = SSEDecoder()
    guard !cut else { return }
    if head[3]?.lowercased().contains("chunked") == true {
      state = .chunkSize
    } else if let length = head[4].flatMap({ Int($0) }), length >= 0 {  // a negative length frames nothing
      state = length == 0 ? .head : .fixed(length)
      if length == 0 { emit(.bodyEnded, nil) }
    } else {
      state = .untilClose
    }
  }

  private mutating func body(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    guard isEventStream else { return }
    events.feed(bytes, emit)
  }
}

/// Decodes Server-Sent Events by the WHATWG rules: CR, LF or CRLF line ends, comments, multi-line data,
/// dispatch on a blank line; an event unfinished at the end is not dispatched.
///
/// Lines that arrive whole are read where they lie; only a line split across deliveries is copied. An event's
/// data is kept only when the verdict needs it (usage, in-band errors, OpenAI chunks): a delta's is not.
struct SSEDecoder {
  /// The start of a line that a delivery ended in the middle of.
  private var partialLine: [UInt8] = []
  private var lastWasCR = false
  /// Whether the current event has a name (an `event:` field with a value): the one in `resolved`.
  private var hasEventName = false
  /// The event named by the current `event:` field, resolved once per name.
  private var named: StreamEvent?
  private var data: [UInt8] = []
  private var hasData = false
  /// The last event name resolved, to skip resolving the same name for every delta.
  private var resolved: (name: [UInt8], event: StreamEvent?) = ([], nil)

  mutating func feed(_ bytes: UnsafeRawBufferPointer, _ emit: WireFact) {
    var i = 0
    let n = bytes.count
    while i < n {
      if lastWasCR {
        lastWasCR = false
        if bytes[i] == 0x0a {
          i += 1
          continue
        }
      }
      let end = bytes.firstLineEnd(from: i)
      guard end < n else {
        // The line goes on in the next delivery.
        if partialLine.count < 1 << 20 { partialLine += UnsafeRawBufferPointer(rebasing: bytes[i..<n]) }
        return
      }
      lastWasCR = bytes[end] == 0x0d
      if partialLine.isEmpty {
        processLine(UnsafeRawBufferPointer(rebasing: bytes[i..<end]), emit)
      } else {
        if partialLine.count < 1 << 20 { partialLine += UnsafeRawBufferPointer(rebasing: bytes[i..<end]) }
        let line = partialLine
        line.withUnsafeBytes { processLine($0, emit) }
        partialLine.removeAll(keepingCapacity: true)
      }
      i = end + 1
    }
  }

  /// Bytes of the stream were not captured: the event they cut is dispatched as far as it was seen (its name is
  /// known: the server sent it), and reading starts over at the next line.
  mutating func lose(_ emit: WireFact) {
    partialLine.removeAll(keepingCapacity: true)
    lastWasCR = false
    dispatch(emit)
  }

  /// The stream ended: a pending, unfinished event is discarded (the spec's EOF rule).
  mutating func finish(_ emit: WireFact) {
    partialLine.removeAll()
    hasEventName = false
    named = nil
    data.removeAll()
    hasData = false
  }

  private mutating func processLine(_ line: UnsafeRawBufferPointer, _ emit: WireFact) {
    if line.isEmpty {
      dispatch(emit)
      return
    }
    if line[0] == 0x3a { return }  // comment
    // `data:` and `event:` are all that matter here; `id:` and `retry:` change nothing dropscope reports.
    let isData = line.count >= 4 && line.hasBytes("data", at: 0) && (line.count == 4 || line[4] == 0x3a)
    let isEvent = !isData && line.count >= 5 && line.hasBytes("event", at: 0) && (line.count == 5 || line[5] == 0x3a)
    guard isData || isEvent else { return }
    var valueStart = isData ? 5 : 6
    if valueStart < line.count, line[valueStart] == 0x20 { valueStart += 1 }
    let value = UnsafeRawBufferPointer(rebasing: line[min(valueStart, line.count)...])
    if isEvent {
      // Most events repeat the name before them: compared as bytes, and kept once, in `resolved`.
      let same = value.count == resolved.name.count && (value.isEmpty || resolved.name.withUnsafeBytes {
        memcmp($0.baseAddress!, value.baseAddress!, value.count) == 0
      })
      if !same {
        let name = String(decoding: value, as: UTF8.self)
        resolved = (Array(value), name.isEmpty ? nil : StreamEvent(rawValue: name) ?? (name.hasPrefix("response.") ? .other : nil))
      }
      hasEventName = !value.isEmpty
      named = resolved.event
      return
    }
    if hasData, needsData { data.append(0x0a) }
    if needsData { data += value }
    hasData = true
  }

  /// Whether the current event's data can change a fact: the usage of `message_start`/`message_delta`, and
  /// everything of unnamed, `message` and `error` events; not a delta's text.
  private var needsData: Bool {
    guard let named else { return true }
    return named == .messageStart || named == .messageDelta || named == .error
  }

  private mutating func dispatch(_ emit: WireFact) {
    defer {
      // Most events keep no data: emptying an empty array still costs a call per event.
      hasEventName = false
      named = nil
      if !data.isEmpty { data.removeAll(keepingCapacity: true) }
      hasData = false
    }
    guard hasData || hasEventName else { return }
    if named == .ping { return }
    if named == .error {
      let data = String(decoding: self.data, as: UTF8.self)
      emit(.inBandError(data), "event: error " + String(data.prefix(200)))
      return
    }
    if let event = named, event != .other {
      emit(.event(event), nil)
      if event == .messageStart, let tokens = number(after: "\"input_tokens\":") { emit(.usage(input: tokens, output: nil), nil) }
      if event == .messageDelta, let tokens = number(after: "\"output_tokens\":") { emit(.usage(input: nil, output: tokens), nil) }
      return
    }
    if !hasEventName || resolved.name.elementsEqual("message".utf8) {
      data.withUnsafeBytes { bytes in
        if bytes.hasBytes("[DONE]", at: 0) {
          emit(.event(.done), nil)
        } else if bytes.offset(ofLong: "chat.completion.chunk") != nil {
          let finished = bytes.offset(ofLong: "\"finish_reason\":\"") != nil
          emit(.event(finished ? .chatFinished : .chatCompletionChunk), nil)
        } else if bytes.offset(ofLong: "\"error\"") != nil {
          let text = String(decoding: bytes, as: UTF8.self)
          emit(.inBandError(text), "data: " + String(text.prefix(200)))
        }
      }
      return
    }
    if hasEventName, resolved.name.starts(with: "response.".utf8) {
      emit(.event(.other), nil)
    }
  }

  /// The decimal number right after `key` in the event's data.
  private func number(after key: StaticString) -> Int? {
    data.withUnsafeBytes { bytes in
      guard let at = bytes.offset(ofLong: key) else { return nil }
      return bytes.decimal(at: at + key.utf8CodeUnitCount, maxDigits: 18)?.value
    }
  }
}
