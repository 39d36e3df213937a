import Foundation

/// Reads HTTP Archive 1.2 files (browser and proxy exports) into the same connection events as a capture:
/// each entry is one connection carrying its request and response, the SSE body from `content.text` or,
/// when present, from `_eventSourceMessages` (one record per message, with its own time).
///
/// A HAR has no packets: how an entry ended comes from the exporter's error (`_error`, as Chrome writes
/// `net::ERR_INCOMPLETE_CHUNKED_ENCODING`), which becomes the client's reported error. An entry without
/// an error is a response the exporter saw complete: its body is framed by its length, so a missing
/// end-of-message event reads as a clean truncation, not as a cut.
enum HARArchive {
  /// Whether a file's first bytes look like a HAR (`{"log": {…`).
  static func sniff(_ head: UnsafeRawBufferPointer) -> Bool {
    var i = 0
    while i < head.count, head[i] == 0x20 || head[i] == 0x0a || head[i] == 0x0d || head[i] == 0x09 || head[i] == 0x7b {
      i += 1
    }
    guard head.hasBytes("\"log\"", at: i) else { return false }
    // HAR's `log` is an object; Docker's json-file records start with `{"log":"…"`, a string.
    i += 5
    while i < head.count, head[i] == 0x20 || head[i] == 0x0a || head[i] == 0x0d || head[i] == 0x09 || head[i] == 0x3a {
      i += 1
    }
    return i < head.count && head[i] == 0x7b
  }

  /// Finds the entries of a HAR document (`log.entries[…]`) in its bytes as they arrive, and hands over each
  /// entry, parsed, as soon as its closing brace is read: memory holds one entry, whatever the file's size.
  ///
  /// An entry's response body (`response.content.text`) longer than `largestKeptBody` is not kept in the entry:
  /// it is decoded from JSON as it is read, into a temporary file (`SpilledBody`), and handed over with the entry
  /// under `SpilledBody.key`, for `read` to feed to the connection piece by piece. So a body of 500 MB takes no
  /// more memory than one of 1 MB.
  struct EntryScanner {
    /// The longest response body (as written in the file, escapes and all) kept in its entry.
    static let largestKeptBody = 1 << 20
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The string being read, when it may be a key of the root or `log` objects, or of an entry's response.
    private var text: [UInt8] = []
    private var lastString: [UInt8] = []
    /// The key that the value being read belongs to, per depth (root = 1, `log` = 2, an entry = 4, its response
    /// = 5, the response's content = 6).
    private var keys: [[UInt8]] = [[], [], [], [], [], [], []]
    /// Whether a `:` was the last structural byte (the string that follows is a value, not a key).
    private var afterColon = false
    /// Depth 3 is inside `log.entries`.
    private(set) var foundEntries = false
    private var inEntries = false
    private var entry: [UInt8] = []
    private(set) var entryCount = 0
    /// The response body being read: where its text begins in `entry`, until it is spilled.
    private var bodyStart: Int?
    /// The response body of the entry being read, once longer than `largestKeptBody`.
    private var spilled: SpilledBody?
    private var spilling = false

    /// Whether the bytes ended inside an entry (the file was cut short).
    var endedInsideEntry: Bool { !entry.isEmpty || spilled != nil }

    /// Calls `found` with each entry and its 1-based number.
    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ found: ([String: Any], Int) -> Void) {
      var entryStart: Int? = entry.isEmpty && spilled == nil ? nil : 0
      var i = 0
      while i < bytes.count {
        defer { i += 1 }
        if spilling {
          // Inside a spilled body: up to its closing quote, the bytes go to the body, not to the entry.
          var end = i
          while end < bytes.count {
            let b = bytes[end]
            if escaped {
              escaped = false
            } else if b == 0x5c {
              escaped = true
            } else if b == 0x22 {
              break
            }
            end += 1
          }
          spilled?.append(escaped: UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
          guard end < bytes.count else {
            entryStart = nil
            i = end
            continue
          }
          spilling = false
          inString = false
          spilled?.finish()
          entryStart = end  // the closing quote: the entry holds an empty text
          i = end
          continue
        }
        let b = bytes[i]
        if inString {
          if escaped {
            escaped = false
          } else if b == 0x5c {
            escaped = true
          } else if b == 0x22 {
            inString = false
            bodyStart = nil
            if depth <= 6 { lastString = text }
          } else if depth <= 6, text.count < 64 {
            text.append(b)
          }
          if let start = bodyStart, let from = entryStart, entry.count + (i - from) - start > Self.largestKeptBody {
            // Too long to keep: what was read of it so far goes to a temporary file, and the rest follows it there.
            bodyStart = nil
            if let body = SpilledBody() {  // without a temporary file, the body is kept in the entry
              entry += UnsafeRawBufferPointer(rebasing: bytes[from...i])
              entry[start...].withUnsafeBytes { body.append(escaped: $0) }
              entry.removeSubrange(start...)
              spilled = body
              spilling = true
              entryStart = nil
            }
          }
          continue
        }
        switch b {
        case 0x22:
          inString = true
          text.removeAll(keepingCapacity: true)
          if afterColon, inEntries, depth == 6, spilled == nil, keys[6].elementsEqual("text".utf8),
            keys[5].elementsEqual("content".utf8), keys[4].elementsEqual("response".utf8), let from = entryStart
          {
            bodyStart = entry.count + (i - from) + 1
          }
          afterColon = false
        case 0x3a:
          if depth <= 6, depth >= 1 { keys[depth] = lastString }
          afterColon = true
        case 0x2c:
          afterColon = false
        case 0x7b, 0x5b:
          afterColon = false
          depth += 1
          if b == 0x5b, depth == 3, keys[2].elementsEqual("entries".utf8), keys[1].elementsEqual("log".utf8) {
            inEntries = true
            foundEntries = true
          } else if b == 0x7b, inEntries, depth == 4 {
            entryStart = i
          }
        case 0x7d, 0x5d:
          afterColon = false
          if inEntries, depth == 4, b == 0x7d, let start = entryStart {
            entry += UnsafeRawBufferPointer(rebasing: bytes[start...i])
            entryStart = nil
            entryCount += 1
            if var parsed = try? JSONSerialization.jsonObject(with: Data(entry)) as? [String: Any] {
              if let spilled { parsed[SpilledBody.key] = spilled }
              found(parsed, entryCount)
            }
            entry.removeAll(keepingCapacity: entry.count <= 1 << 20)
            spilled = nil
          }
          if inEntries, depth == 3 { inEntries = false }
          depth = max(0, depth - 1)
        default:
          break
        }
      }
      if let start = entryStart { entry += UnsafeRawBufferPointer(rebasing: bytes[start...]) }
    }
  }

  /// The times an entry began and ended, in microseconds since the epoch; nil when it has no start time.
  static func span(of entry: [String: Any]) -> (started: Microseconds, ended: Microseconds)? {
    guard let started = time(entry["startedDateTime"]), started > 0 else { return nil }
    var absurd: String?
    return (started, started + duration(entry["time"], "time", &absurd))
  }

  /// Feeds one entry, the `id`-th of its archive, to `capture` as a connection.
  /// - Returns: the first of the entry's durations that no exchange can take (`"time": 1e300`), read as 0.
  @discardableResult
  static func read<Sink: FactSink>(_ entry: [String: Any], id: Int, into capture: CaptureReader<Sink>) -> String? {
    var absurd: String?
    read(entry, id: id, started: time(entry["startedDateTime"]) ?? 0, into: capture, absurd: &absurd)
    // An entry is the whole exchange: its connection ends with it, so memory holds one entry's, whatever the archive.
    capture.endTranscriptConnection(id)
    return absurd
  }

  /// A duration in milliseconds of an entry, in microseconds; 0 when absent, and when absurd (then named in `absurd`).
  private static func duration(_ value: Any?, _ name: String, _ absurd: inout String?) -> Microseconds {
    guard let milliseconds = value as? Double else { return 0 }
    guard let micros = UntrustedNumber.duration(milliseconds: milliseconds) else {
      if absurd == nil { absurd = "`\(name)` of \(milliseconds) ms" }
      return 0
    }
    return micros
  }

  private static func read<Sink: FactSink>(
    _ entry: [String: Any], id: Int, started: Microseconds, into capture: CaptureReader<Sink>, absurd: inout String?
  ) {
    guard let request = entry["request"] as? [String: Any], let response = entry["response"] as? [String: Any],
          let urlText = request["url"] as? String, let url = URL(string: urlText) else { return }
    let host = url.host ?? "server"
    let port = url.port ?? (url.scheme == "https" ? 443 : 80)
    let server = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    let client = "har:\(id)"
    let line = (entry["_line"] as? Int) ?? id
    func emit(_ kind: Transcript.Record.Kind, fromClient: Bool, at time: Microseconds) {
      capture.read(Transcript.Record(time: time, connection: id, source: fromClient ? client : server,
                                     destination: fromClient ? server : client, kind: kind), line: line)
    }
    let timings = entry["timings"] as? [String: Any] ?? [:]
    func phase(_ name: String) -> Microseconds { duration(timings[name], "timings.\(name)", &absurd) }
    let sent = started + phase("blocked") + phase("dns") + phase("connect") + phase("send")
    let headersAt = sent + phase("wait")
    let ended = started + duration(entry["time"], "time", &absurd)

    emit(.open, fromClient: true, at: started)
    capture.name(transcriptConnection: id, "HAR entry \(id) → \(server)")
    var head = "\(request["method"] as? String ?? "GET") \(url.path.isEmpty ? "/" : url.path)\(url.query.map { "?\($0)" } ?? "") HTTP/1.1\r\n"
    head += "Host: \(url.host ?? host)\(url.port.map { ":\($0)" } ?? "")\r\n"
    for (name, value) in headers(request) where name.lowercased() != "host" && !name.hasPrefix(":") {
      head += "\(name): \(value)\r\n"
    }
    let body = ((request["postData"] as? [String: Any])?["text"] as? String) ?? ""
    head += "Content-Length: \(body.utf8.count)\r\n\r\n"
    emit(.data(Array((head + body).utf8)), fromClient: true, at: sent)

    let status = response["status"] as? Int ?? 0
    let error = (entry["_error"] as? String) ?? (response["_error"] as? String)
    if status > 0 {
      let content = response["content"] as? [String: Any] ?? [:]
      var text = content["text"] as? String ?? ""
      // A body too long to keep was decoded into a temporary file as it was read: it is read back piece by piece.
      var spilled = entry[SpilledBody.key] as? SpilledBody
      if content["encoding"] as? String == "base64" {
        if let body = spilled {
          spilled = body.decodingBase64() ?? body
        } else if let decoded = Data(base64Encoded: text) {
          text = String(decoding: decoded, as: UTF8.self)
        }
      }
      let messages = entry["_eventSourceMessages"] as? [[String: Any]] ?? []
      var responseHead = "HTTP/1.1 \(status) \(response["statusText"] as? String ?? "")\r\n"
      for (name, value) in headers(response)
      where !["content-length", "transfer-encoding", "content-encoding"].contains(name.lowercased()) && !name.hasPrefix(":") {
        responseHead += "\(name): \(value)\r\n"
      }
      let bodyText = messages.isEmpty ? text : ""
      if !messages.isEmpty { spilled = nil }
      let bodyLength = spilled?.count ?? bodyText.utf8.count
      // Complete per the exporter: framed by length. Cut: read until the close the error implies. An event
      // stream recorded with no body at all says nothing of how it ended (a proxy that buffers bodies, such as
      // mitmproxy, records a cut stream so): it is left open, for the report to say the evidence ends there.
      let silentStream = error == nil && messages.isEmpty && bodyLength == 0
        && headers(response).contains { $0.0.lowercased() == "content-type" && $0.1.contains("event-stream") }
      if error == nil, messages.isEmpty, !silentStream { responseHead += "Content-Length: \(bodyLength)\r\n" }
      emit(.data(Array((responseHead + "\r\n").utf8)), fromClient: false, at: headersAt)
      if !messages.isEmpty {
        for message in messages {
          let at = (message["time"] as? Double).flatMap { UntrustedNumber.instant($0, unit: 1_000_000) } ?? headersAt
          let event = "event: \(message["type"] as? String ?? "message")\ndata: \(message["data"] as? String ?? "")\n\n"
          emit(.data(Array(event.utf8)), fromClient: false, at: at)
        }
      } else if let spilled {
        spilled.forEachPiece { emit(.data(Array($0)), fromClient: false, at: ended) }
      } else if !bodyText.isEmpty {
        emit(.data(Array(bodyText.utf8)), fromClient: false, at: ended)
      }
    }
    guard let error else {
      if !(entry["_eventSourceMessages"] as? [[String: Any]] ?? []).isEmpty { emit(.fin, fromClient: false, at: ended) }
      return
    }
    capture.clientReported(error, client: "browser", onTranscriptConnection: id, time: ended, line: line)
    if error.contains("RESET") {
      emit(.rst, fromClient: false, at: ended)
    } else if error.contains("ABORTED") || error.contains("TIMED_OUT") {
      emit(.fin, fromClient: true, at: ended)
    } else {
      emit(.fin, fromClient: false, at: ended)
    }
  }

  private static func headers(_ message: [String: Any]) -> [(String, String)] {
    (message["headers"] as? [[String: Any]] ?? []).compactMap { header in
      guard let name = header["name"] as? String, let value = header["value"] as? String else { return nil }
      return (name, value)
    }
  }

  /// `2026-11-22T16:56:19.271+01:00` → microseconds since the epoch, UTC.
  private static func time(_ value: Any?) -> Microseconds? {
    (value as? String).flatMap(TimestampParser.parse)
  }
}
