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

  /// The times an entry began and ended, in microseconds since the epoch; nil when it has no start time.
  static func span(of entry: ScannedEntry) -> (started: Microseconds, ended: Microseconds)? {
    guard let entry = entry.fields, let started = time(entry["startedDateTime"]), started > 0 else { return nil }
    var absurd: String?
    return (started, started + duration(entry["time"], "time", &absurd))
  }

  /// Feeds one entry to `capture` as a connection of its own.
  /// - Returns: what in the entry could not be read as it is written: a duration no exchange can take
  ///   (`"time": 1e300`, read as 0), a string too long to keep, an entry too large to keep (skipped), an entry or
  ///   message that is not a JSON object.
  @discardableResult
  static func read<Sink: FactSink>(_ entry: ScannedEntry, into capture: CaptureReader<Sink>) -> [DropscopeError] {
    let id = entry.number
    var problems: [DropscopeError] = []
    guard let fields = entry.fields else {
      problems.append(entry.skippedBytes.map {
        .tooLargeToKeep(what: "HAR entry \(id) (\($0) bytes, its long strings left out)",
                        limit: "\(EntryScanner.largestKeptEntry >> 20) MiB", consequence: "the entry was skipped")
      } ?? .absurdValue(what: "HAR entry \(id) cannot be read as a JSON object (broken, or nested too deep)", consequence: "it was skipped"))
      return problems
    }
    var absurd: String?
    read(fields, entry, started: time(fields["startedDateTime"]) ?? 0, into: capture, absurd: &absurd)
    // An entry is the whole exchange: its connection ends with it, so memory holds one entry's, whatever the archive.
    capture.endTranscriptConnection(id)
    if let absurd { problems.append(.absurdValue(what: "HAR entry \(id): \(absurd)", consequence: "read as 0")) }
    for (path, bytes) in entry.leftOut {
      problems.append(.tooLargeToKeep(what: "the string at `\(path)` of HAR entry \(id) (\(bytes) bytes as written)",
                                      limit: "\(EntryScanner.largestKeptString >> 20) MiB", consequence: "it was not read"))
    }
    if let messages = entry.messages, messages.unreadable > 0 {
      problems.append(.absurdValue(what: "HAR entry \(id) has \(messages.unreadable) `_eventSourceMessages` that cannot be read as JSON objects",
                                   consequence: "they were skipped"))
    }
    return problems
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
    _ entry: [String: Any], _ scanned: ScannedEntry, started: Microseconds, into capture: CaptureReader<Sink>,
    absurd: inout String?
  ) {
    let id = scanned.number
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
    // A request body too long to keep was decoded into a temporary file as it was read: it follows the head in pieces.
    if let body = scanned.spilled["request.postData.text"] {
      head += "Content-Length: \(body.count)\r\n\r\n"
      emit(.data(Array(head.utf8)), fromClient: true, at: sent)
      body.forEachPiece { emit(.data(Array($0)), fromClient: true, at: sent) }
    } else {
      let body = ((request["postData"] as? [String: Any])?["text"] as? String) ?? ""
      head += "Content-Length: \(body.utf8.count)\r\n\r\n"
      emit(.data(Array((head + body).utf8)), fromClient: true, at: sent)
    }

    let status = response["status"] as? Int ?? 0
    let error = (entry["_error"] as? String) ?? (response["_error"] as? String)
    let messages = scanned.messages.flatMap { $0.count > 0 ? $0 : nil }
    if status > 0 {
      let content = response["content"] as? [String: Any] ?? [:]
      var text = content["text"] as? String ?? ""
      // A body too long to keep was decoded into a temporary file as it was read: it is read back piece by piece.
      var spilled = scanned.spilled["response.content.text"]
      if content["encoding"] as? String == "base64" {
        if let body = spilled {
          spilled = body.decodingBase64() ?? body
        } else if let decoded = Data(base64Encoded: text) {
          text = String(decoding: decoded, as: UTF8.self)
        }
      }
      var responseHead = "HTTP/1.1 \(status) \(response["statusText"] as? String ?? "")\r\n"
      for (name, value) in headers(response)
      where !["content-length", "transfer-encoding", "content-encoding"].contains(name.lowercased()) && !name.hasPrefix(":") {
        responseHead += "\(name): \(value)\r\n"
      }
      let bodyText = messages == nil ? text : ""
      if messages != nil { spilled = nil }
      let bodyLength = spilled?.count ?? bodyText.utf8.count
      // Complete per the exporter: framed by length. Cut: read until the close the error implies. An event
      // stream recorded with no body at all says nothing of how it ended (a proxy that buffers bodies, such as
      // mitmproxy, records a cut stream so): it is left open, for the report to say the evidence ends there.
      let silentStream = error == nil && messages == nil && bodyLength == 0
        && headers(response).contains { $0.0.lowercased() == "content-type" && $0.1.contains("event-stream") }
      if error == nil, messages == nil, !silentStream { responseHead += "Content-Length: \(bodyLength)\r\n" }
      emit(.data(Array((responseHead + "\r\n").utf8)), fromClient: false, at: headersAt)
      if let messages {
        // A message cannot arrive before its response's head: a time before it (a clock that moved, a hand-made
        // archive) is read as the head's.
        messages.forEachPiece { at, piece in emit(.data(Array(piece)), fromClient: false, at: max(at ?? headersAt, headersAt)) }
      } else if let spilled {
        spilled.forEachPiece { emit(.data(Array($0)), fromClient: false, at: ended) }
      } else if !bodyText.isEmpty {
        emit(.data(Array(bodyText.utf8)), fromClient: false, at: ended)
      }
    }
    guard let error else {
      if messages != nil { emit(.fin, fromClient: false, at: ended) }
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
