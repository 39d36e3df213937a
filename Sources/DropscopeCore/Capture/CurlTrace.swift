/// Reads the trace files of curl's `--trace FILE` (hex) and `--trace-ascii FILE`, with or without
/// `--trace-time` and `--trace-ids`, in both styles curl has printed its own remarks (`== Info: …` before
/// 8.17, `* …` since), into the same connection events as a capture.
///
/// ```
/// 17:08:03.296117 => Send header, 229 bytes (0xe5)
/// 0000: POST /s/fin-mid-delta/v1/messages HTTP/1.1
/// 17:08:03.296833 <= Recv data, 301 bytes (0x12d)
/// 0000: 126
/// 0005: event: message_start.data: {"type":"message_start",…
/// 17:08:03.767784 == Info: transfer closed with outstanding read data remaining
/// ```
///
/// The ASCII style breaks its lines at CRLF (the offsets show the two bytes) and prints every other control
/// byte as `.`, so the line feeds that end SSE lines are restored where the SSE grammar leaves no doubt:
/// before a field name (`event:`, `data:`, `id:`, `retry:`), next to another such dot, and at the end of a
/// chunk. The hex style is exact. curl prints times of day only: the date and zone come from the options, or
/// else the file's modification date, read as UTC, and the report says which.
struct CurlTraceReader<Sink: FactSink> {
  /// Where curl's own verdicts map onto the wire.
  private enum Close {
    case serverFIN, serverRST, clientGaveUp
  }

  private let capture: CaptureReader<Sink>
  /// Midnight of the trace's day, in UTC microseconds, and the zone offset the times of day are in.
  private let midnight: Microseconds
  /// Whether the lines carry times (`--trace-time`), decided by the first line; without them, facts carry none.
  private(set) var timed: Bool?
  private var dayOffset: Microseconds = 0
  private var lastTimeOfDay: Microseconds = -1
  private var time: Microseconds = 0
  /// The time of the last timed line.
  var currentTime: Microseconds? { timed == true ? time : nil }

  /// curl's number of the connection the line is about (`#0`).
  private var connection = 0
  private var connectionsSeen = 0
  /// The transfer a `--trace-ids` line names, else the HTTP/2 stream curl last said it uses (`Using Stream ID: 3`).
  private var lane: Int?
  /// Each exchange (a transfer, or an HTTP/2 stream, on one curl connection) is a connection of its own to the
  /// capture reader, so that streams multiplexed on one connection are attempts of their own. The first exchange
  /// on a connection takes the connection's number; later ones get numbers past every connection's.
  private var exchanges: [ExchangeKey: Int] = [:]
  private var exchangesOn: [Int: [Int]] = [:]
  private var unclaimedConnections: Set<Int> = []
  private var nextExchange = 1 << 20
  /// Exchanges closed, and those curl gave a verdict on.
  private var closed: Set<Int> = []
  private var reported: Set<Int> = []
  /// The server of each curl connection, and of each exchange.
  private var servers: [Int: String] = [:]
  private var serverOf: [Int: String] = [:]
  /// Exchanges whose response body the trace did not show whole (`curl -v` gives byte counts only; several
  /// transfers in flight without `--trace-ids`): curl ending such a transfer without an error is its end.
  private var unrecordedBodies: Set<Int> = []
  /// Exchanges whose request went out and whose end curl has not said, oldest first. Without `--trace-ids`, curl's
  /// lines do not say which transfer they are about: with one exchange in flight, what arrives is that one's; with
  /// several (`--parallel`, HTTP/2 streams multiplexed), it could be any of theirs.
  private var inFlight: [Int] = []
  /// The first line at which several exchanges were in flight in a trace without `--trace-ids`, and the most at once.
  private(set) var unattributed: (line: Int, exchanges: Int)?
  /// Whether the trace was written with `--trace-ids` (its lines name their transfer and connection).
  private var tracesIDs = false

  private struct ExchangeKey: Hashable {
    var connection: Int
    var lane: Int?
  }

  /// `curl -v` head lines (`> …` sent, `< …` received) until the blank line that ends the head.
  private var verboseHead: (fromClient: Bool, text: String, line: Int)?

  /// The block being read: its direction, declared size, and the bytes so far.
  private var block: (fromClient: Bool, size: Int, bytes: [UInt8], line: Int, time: Microseconds, connection: Int, lane: Int?)?
  private var blockIsSSL = false
  private(set) var records = 0
  /// The first line whose byte count no transfer reaches (over `UntrustedNumber.mostLostBytes`, read as that many).
  private(set) var absurdLine: Int?

  init(capture: CaptureReader<Sink>, midnight: Microseconds) {
    self.capture = capture
    self.midnight = midnight
  }

  /// Whether a file's first bytes look like a curl trace, or like `curl -v` output (`* Connected to …` and
  /// `> ` request lines).
  /// Searched as bytes (`memmem`): every input is sniffed so, and most are not traces.
  static func sniff(_ head: UnsafeRawBufferPointer) -> Bool {
    if head.offset(ofLong: "=> Send header, ") != nil || head.offset(ofLong: "<= Recv header, ") != nil
      || head.offset(ofLong: "== Info: ") != nil
    {
      return true
    }
    guard head.offset(ofLong: "* Connected to ") != nil || head.offset(ofLong: "*   Trying ") != nil else { return false }
    return head.offset(ofLong: "\n> POST ") != nil || head.offset(ofLong: "\n> GET ") != nil
      || head.offset(ofLong: "\n> PUT ") != nil || head.offset(ofLong: "\n> PATCH ") != nil
  }

  mutating func read(_ line: UnsafeRawBufferPointer, number: Int) {
    let text = String(decoding: line, as: UTF8.self)
    var rest = Substring(text)
    guard !rest.isEmpty else { return }
    let stamp = Self.timeOfDay(rest)
    if timed == nil { timed = stamp != nil }
    if let stamp {
      if stamp < lastTimeOfDay - 43_200_000_000 { dayOffset += 86_400_000_000 }  // past midnight
      lastTimeOfDay = stamp
      time = midnight + dayOffset + stamp
      rest = rest.dropFirst(16)
    }
    if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {  // --trace-ids: [transfer-connection]
      let ids = rest[rest.index(after: rest.startIndex)..<close].split(separator: "-")
      if ids.count == 2 {
        tracesIDs = true
        if let id = Int(ids[1]) { connection = id }
        lane = Int(ids[0])
      }
      rest = rest[rest.index(after: close)...].drop { $0 == " " }
    }
    if let content = Self.dumpLine(rest) {
      guard block != nil, !blockIsSSL else { return }
      append(content)
    } else if rest.hasPrefix("=> ") || rest.hasPrefix("<= ") {
      endBlock()
      let fromClient = rest.hasPrefix("=> ")
      blockIsSSL = rest.contains(" SSL data")
      let size = rest.split(separator: ",").dropFirst().first.flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
      block = (fromClient, size, [], number, time, connection, lane)
    } else if rest.hasPrefix(">") || rest.hasPrefix("<") {
      endBlock()
      verbose(head: rest, line: number)
    } else if rest.hasPrefix("{ [") || rest.hasPrefix("} [") {
      // `curl -v` shows that body bytes went by, not what they were: they are recorded as lost.
      let digits = rest.dropFirst(3).prefix { $0.isNumber }
      if let claimed = Int(digits), claimed > UntrustedNumber.mostLostBytes, absurdLine == nil { absurdLine = number }
      if let count = Int(digits).map({ min($0, UntrustedNumber.mostLostBytes) }), count > 0 {
        emit(.lost(count), fromClient: rest.hasPrefix("}"), line: number)
        if rest.hasPrefix("{"), let exchange = currentExchange() { unrecordedBodies.insert(exchange) }
      }
    } else if rest.hasPrefix("== Info: ") {
      endBlock()
      info(String(rest.dropFirst(9)), line: number)
    } else if rest.hasPrefix("* ") {
      endBlock()
      info(String(rest.dropFirst(2)), line: number)
    } else if rest.hasPrefix("curl: (") {
      endBlock()
      info(String(rest.dropFirst(6)), line: number)
    }
  }

  mutating func finish() {
    endBlock()
  }

  // MARK: - Remarks

  private mutating func info(_ text: String, line: Int) {
    let remark = text.trimmingASCII(" \r")
    if remark.hasPrefix("Connected to ") {
      // `Connected to 127.0.0.1 (127.0.0.1) port 42191 (#0)`; curl ≥ 8 may leave out the `(#N)`.
      if let hash = remark.range(of: "(#"), let id = Int(remark[hash.upperBound...].prefix { $0.isNumber }) {
        connection = id
      } else if !remark.contains("#"), !tracesIDs {
        connection = connectionsSeen
      }
      connectionsSeen = max(connectionsSeen + 1, connection + 1)
      let words = remark.split(separator: " ")
      let address = words.count > 2 ? words[2].trimmingASCII("()") : "server"
      let port = words.firstIndex(of: "port").flatMap { $0 + 1 < words.count ? String(words[$0 + 1]) : nil } ?? "0"
      let server = address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
      servers[connection] = server
      if !tracesIDs { lane = nil }
      // A new connection under a number used before is a new exchange under that number.
      for (key, _) in exchanges where key.connection == connection { exchanges[key] = nil }
      exchangesOn[connection] = [connection]
      unclaimedConnections.insert(connection)
      serverOf[connection] = server
      closed.remove(connection)
      reported.remove(connection)
      emit(.open, fromClient: true, line: line, exchange: connection)
      capture.name(transcriptConnection: connection, "curl #\(connection) → \(server)")
      return
    }
    if remark.hasPrefix("Re-using existing connection"),
       let hash = remark.range(of: "#"), let id = Int(remark[hash.upperBound...].prefix { $0.isNumber }) {
      connection = id
      return
    }
    if remark.hasPrefix("Using Stream ID: "), !tracesIDs,
       let stream = Int(remark.dropFirst("Using Stream ID: ".count).prefix { $0.isNumber }) {
      lane = stream
      return
    }
    if let failure = Self.connectFailure(remark),
       servers[connection] == nil || existingExchange().map { closed.contains($0) } ?? false {
      connectFailed(remark, code: failure.code, server: failure.server, line: line)
      return
    }
    if let close = Self.close(for: remark) {
      // curl 7's `HTTP/2 stream 3 was not closed cleanly` names its stream.
      if !tracesIDs, let range = remark.range(of: "HTTP/2 stream "),
         let stream = Int(remark[range.upperBound...].prefix { $0.isNumber }) {
        lane = stream
      }
      report(remark, close: close, line: line)
      if let exchange = existingExchange() { ended(exchange) }
      return
    }
    if remark.contains("TLS alert, close notify"), remark.contains("(IN)"), servers[connection] != nil {
      // The server's close_notify: it closed the session, under every exchange on the connection.
      for exchange in exchangesOn[connection] ?? [] where !closed.contains(exchange) {
        emit(.closeNotify, fromClient: false, line: line, exchange: exchange)
      }
      return
    }
    let closing = remark.hasPrefix("Closing connection") || remark.hasPrefix("closing connection")
    if remark.hasSuffix("left intact") || closing {
      // The transfer curl is done with: the line's own with `--trace-ids`; else the one in flight on the connection
      // (with several in flight, the line does not say which).
      let onConnection = (exchangesOn[connection] ?? []).filter(inFlight.contains)
      let done = tracesIDs || onConnection.isEmpty ? existingExchange() : onConnection.count == 1 ? onConnection[0] : nil
      if let done, unrecordedBodies.remove(done) != nil, !reported.contains(done) {
        // curl ended the transfer without an error: the body ended by its framing, as far as curl could tell.
        capture.clientSawBodyEnd(onTranscriptConnection: done, time: time, line: line, quote: remark)
      }
      if remark.hasSuffix("left intact"), let done { ended(done) }
    }
    if closing, servers[connection] != nil {
      // The connection closes under every exchange still open on it.
      for exchange in exchangesOn[connection] ?? [] {
        if !closed.contains(exchange) {
          closed.insert(exchange)
          emit(.fin, fromClient: true, line: line, exchange: exchange)
        }
        ended(exchange)
      }
    }
  }

  /// curl said the exchange ended (or the connection under it closed).
  private mutating func ended(_ exchange: Int) {
    inFlight.removeAll { $0 == exchange }
  }

  /// The exchange the line belongs to, if it has begun.
  private func existingExchange() -> Int? {
    guard servers[connection] != nil else { return nil }
    return exchanges[ExchangeKey(connection: connection, lane: lane)]
      ?? (unclaimedConnections.contains(connection) ? connection : nil)
  }

  /// The exchange the line belongs to (opened here when it is a new transfer or stream on a connection already
  /// open), or nil before any connection.
  private mutating func currentExchange(line: Int = 0) -> Int? {
    guard let server = servers[connection] else { return nil }
    let key = ExchangeKey(connection: connection, lane: lane)
    if let known = exchanges[key] { return known }
    if unclaimedConnections.remove(connection) != nil {
      exchanges[key] = connection
      return connection
    }
    let exchange = nextExchange
    nextExchange += 1
    exchanges[key] = exchange
    exchangesOn[connection, default: []].append(exchange)
    serverOf[exchange] = server
    emit(.open, fromClient: true, line: line, exchange: exchange)
    let which = tracesIDs ? "transfer \(lane.map(String.init) ?? "?")" : "stream \(lane.map(String.init) ?? "?")"
    capture.name(transcriptConnection: exchange, "curl #\(connection) → \(server) (\(which))")
    return exchange
  }

  /// curl's verdicts (its error texts, with or without the `(NN)` code) and what each shows of the wire.
  private static func close(for remark: String) -> Close? {
    if remark.contains("transfer closed with outstanding read data remaining")
      || remark.contains("transfer closed with") && remark.contains("bytes remaining to read") {
      return .serverFIN
    }
    if remark.contains("Connection reset by peer") || remark.contains("was not closed cleanly") { return .serverRST }
    if remark.contains("Operation timed out") || remark.contains("Operation too slow") { return .clientGaveUp }
    if remark.contains("SSL_ERROR_SYSCALL") || remark.contains("unexpected eof while reading") { return .serverFIN }
    return nil
  }

  /// curl's words when it could not connect at all, with the exit code they go with and the server they name.
  private static func connectFailure(_ remark: String) -> (code: Int, server: String?)? {
    /// The host right after `prefix`, with the port that follows ` port ` if there is one.
    func server(after prefix: String) -> String? {
      let words = remark.dropFirst(prefix.count).split(separator: " ")
      guard let host = words.first?.trimmingASCII(":") else { return nil }
      let port = words.firstIndex(of: "port").flatMap { $0 + 1 < words.count ? String(words[$0 + 1]) : nil }
      return port.map { "\(host):\($0)" } ?? host
    }
    if remark.hasPrefix("Failed to connect to ") {
      return (remark.contains("timed out") ? 28 : 7, server(after: "Failed to connect to "))
    }
    if remark.hasPrefix("Could not resolve host: ") { return (6, server(after: "Could not resolve host: ")) }
    if remark.hasPrefix("Could not resolve proxy: ") { return (5, server(after: "Could not resolve proxy: ")) }
    if remark.hasPrefix("Connection timed out after ") { return (28, nil) }
    if remark.hasPrefix("SSL certificate problem") { return (60, nil) }
    if remark.contains("SSL_connect") { return (35, nil) }
    return nil
  }

  /// curl never connected: the request never left. A connection of its own carries curl's words as the error
  /// the client saw.
  private mutating func connectFailed(_ remark: String, code: Int, server: String?, line: Int) {
    if servers[connection] != nil { connection = max(connectionsSeen, connection + 1) }
    connectionsSeen = max(connectionsSeen, connection + 1)
    let name = server ?? servers.values.first ?? "server"
    servers[connection] = name.contains(":") ? name : "\(name):0"
    serverOf[connection] = servers[connection]
    for (key, _) in exchanges where key.connection == connection { exchanges[key] = nil }
    exchanges[ExchangeKey(connection: connection, lane: lane)] = connection
    exchangesOn[connection] = [connection]
    unclaimedConnections.remove(connection)
    emit(.open, fromClient: true, line: line, exchange: connection)
    capture.name(transcriptConnection: connection, "curl #\(connection) → \(name)")
    capture.clientReported(remark.hasPrefix("(") ? remark : "(\(code)) \(remark)", client: "curl",
                           onTranscriptConnection: connection, time: time, line: line)
    closed.insert(connection)
    reported.insert(connection)
  }

  /// Puts curl's verdict on the exchange: the close it implies on the wire, then the message as the error the
  /// client saw, once per exchange.
  private mutating func report(_ remark: String, close: Close, line: Int) {
    guard let exchange = currentExchange(line: line) else { return }
    if !reported.contains(exchange) {
      reported.insert(exchange)
      let message = remark.hasPrefix("(") ? remark : "(\(Self.code(for: close, remark))) \(remark)"
      capture.clientReported(message, client: "curl", onTranscriptConnection: exchange, time: time, line: line)
    }
    guard !closed.contains(exchange) else { return }
    closed.insert(exchange)
    switch close {
    case .serverFIN: emit(.fin, fromClient: false, line: line, exchange: exchange)
    case .serverRST: emit(.rst, fromClient: false, line: line, exchange: exchange)
    case .clientGaveUp:
      emit(.timeout, fromClient: true, line: line, exchange: exchange)
      emit(.fin, fromClient: true, line: line, exchange: exchange)
    }
  }

  private static func code(for close: Close, _ remark: String) -> Int {
    switch close {
    case .serverFIN: remark.contains("SSL") ? 56 : 18
    case .serverRST: remark.contains("not closed cleanly") ? 92 : 56
    case .clientGaveUp: 28
    }
  }

  // MARK: - Verbose output

  /// One line of a head as `curl -v` prints it: `> ` for what curl sent, `< ` for what it received; the blank
  /// line ends the head, which then goes out as the bytes it stands for.
  private mutating func verbose(head rest: Substring, line: Int) {
    let fromClient = rest.hasPrefix(">")
    let content = rest.dropFirst().drop { $0 == " " }.trimmingASCII("\r")
    if verboseHead?.fromClient != fromClient { verboseHead = (fromClient, "", line) }
    guard !content.isEmpty else {
      if let head = verboseHead, !head.text.isEmpty {
        emit(.data(Array((head.text + "\r\n").utf8)), fromClient: fromClient, line: head.line)
      }
      verboseHead = nil
      return
    }
    verboseHead?.text += content + "\r\n"
  }

  // MARK: - Data blocks

  private mutating func append(_ content: DumpLine) {
    guard var current = block else { return }
    block = nil
    if content.offset > current.bytes.count {
      // The ASCII style ends a line at CRLF and skips it: the offsets say where.
      current.bytes += content.offset - current.bytes.count == 2 ? [0x0d, 0x0a] : Array(repeating: 0x3f, count: content.offset - current.bytes.count)
    }
    current.bytes += content.bytes
    block = current
  }

  private mutating func endBlock() {
    guard var current = block else { return }
    block = nil
    guard !blockIsSSL else { return }
    // The block is its header line's, whatever transfer and connection the line that ended it names.
    let (lineConnection, lineLane) = (connection, lane)
    (connection, lane) = (current.connection, current.lane)
    defer { (connection, lane) = (lineConnection, lineLane) }
    if current.size - current.bytes.count == 2 { current.bytes += [0x0d, 0x0a] }
    guard !current.bytes.isEmpty else { return }
    if current.fromClient {
      if let exchange = currentExchange(line: current.line), !inFlight.contains(exchange) {
        inFlight.append(exchange)
        if !tracesIDs, inFlight.count > 1 {
          unattributed = (unattributed?.line ?? current.line, max(unattributed?.exchanges ?? 0, inFlight.count))
        }
      }
    } else if !tracesIDs, inFlight.count > 1 {
      // Received while several exchanges are in flight, in a trace that does not say whose: each of them may have
      // had these bytes and none is known to; to each they are bytes the trace did not show.
      for exchange in inFlight {
        emit(.lost(current.bytes.count), fromClient: false, line: current.line, at: current.time, exchange: exchange)
        unrecordedBodies.insert(exchange)
      }
      return
    } else if !tracesIDs, let only = inFlight.first {
      emit(.data(current.bytes), fromClient: false, line: current.line, at: current.time, exchange: only)
      return
    }
    emit(.data(current.bytes), fromClient: current.fromClient, line: current.line, at: current.time)
  }

  private mutating func emit(_ kind: Transcript.Record.Kind, fromClient: Bool, line: Int, at moment: Microseconds? = nil,
                             exchange: Int? = nil) {
    guard let exchange = exchange ?? currentExchange(line: line), let server = serverOf[exchange] else { return }
    let client = "curl:\(exchange)"
    records += 1
    capture.read(Transcript.Record(time: moment ?? time, connection: exchange,
                                   source: fromClient ? client : server, destination: fromClient ? server : client,
                                   kind: kind), line: line)
  }

  // MARK: - Line shapes

  /// One line of a dump: its offset and the bytes it shows.
  struct DumpLine {
    var offset: Int
    var bytes: [UInt8]
  }

  /// `0040: ages":[…` (ASCII) or `0000: 50 4f 53 54 … POST /s/rst-mid-` (hex); nil for other lines.
  static func dumpLine(_ line: Substring) -> DumpLine? {
    let utf8 = Array(line.utf8)
    guard utf8.count >= 5, utf8[4] == UInt8(ascii: ":"), let offset = Int(String(decoding: utf8[0..<4], as: UTF8.self), radix: 16)
    else { return nil }
    let body = utf8.count > 6 ? Array(utf8[6...]) : []
    if let hex = hexBytes(body) { return DumpLine(offset: offset, bytes: hex) }
    return DumpLine(offset: offset, bytes: restoringLineFeeds(body))
  }

  /// The 16 hex columns of `--trace`, followed by their ASCII rendering; nil when the line is not that shape.
  private static func hexBytes(_ body: [UInt8]) -> [UInt8]? {
    guard body.count > 48 else { return nil }
    var bytes: [UInt8] = []
    for column in 0..<16 {
      let i = column * 3
      guard body[i + 2] == 0x20 else { return nil }
      if body[i] == 0x20, body[i + 1] == 0x20 { break }
      guard let high = hexValue(body[i]), let low = hexValue(body[i + 1]) else { return nil }
      bytes.append(high << 4 | low)
    }
    return bytes.isEmpty ? nil : bytes
  }

  private static func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: c - 0x30
    case 0x61...0x66: c - 0x61 + 10
    default: nil
    }
  }

  /// Turns the dots of the ASCII style back into line feeds where SSE's grammar says they were.
  static func restoringLineFeeds(_ body: [UInt8]) -> [UInt8] {
    var out = body
    let dot = UInt8(ascii: ".")
    func fieldStarts(at i: Int) -> Bool {
      for field in ["event:", "data:", "id:", "retry:"] {
        let f = Array(field.utf8)
        if i + f.count <= body.count, Array(body[i..<(i + f.count)]) == f { return true }
      }
      return false
    }
    for i in body.indices where body[i] == dot {
      let next = i + 1
      let isLineFeed = fieldStarts(at: next)
        || (next < body.count && body[next] == dot && (next + 1 == body.count || fieldStarts(at: next + 1)))
        || (i > 0 && body[i - 1] == dot && out[i - 1] == 0x0a)
        || (next == body.count && i > 0 && (body[i - 1] == UInt8(ascii: "}") || body[i - 1] == dot))
      if isLineFeed { out[i] = 0x0a }
    }
    return out
  }

  /// `17:08:03.296117 ` at the start of a line, as microseconds since midnight.
  static func timeOfDay(_ line: Substring) -> Microseconds? {
    let b = Array(line.utf8.prefix(16))
    guard b.count == 16, b[2] == 0x3a, b[5] == 0x3a, b[8] == 0x2e, b[15] == 0x20 else { return nil }
    func digits(_ range: Range<Int>) -> Int64? {
      var value: Int64 = 0
      for i in range {
        guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
        value = value * 10 + Int64(b[i] - 0x30)
      }
      return value
    }
    guard let h = digits(0..<2), let m = digits(3..<5), let s = digits(6..<8), let us = digits(9..<15) else { return nil }
    return ((h * 60 + m) * 60 + s) * 1_000_000 + us
  }
}

/// Passes facts on without their times: for traces written without `--trace-time`, whose records carry none.
final class UntimedFacts<Next: FactSink>: FactSink {
  let next: Next
  var enabled = false

  init(_ next: Next) { self.next = next }

  func accept(_ fact: borrowing Fact) {
    guard enabled else { return next.accept(fact) }
    var copy = copy fact
    copy.time = nil
    if case .connectionClosed(let byServer, let reset, _, let packet, _, let state, let lost) = copy.kind {
      copy.kind = .connectionClosed(byServer: byServer, reset: reset, lastServerData: nil, lastServerPacket: packet,
                                    lastClientData: nil, connState: state, lostBytes: lost)
    }
    if case .exception(var chain, let isInternal, let uncaught) = copy.kind {
      chain.printedNoLaterThan = nil
      copy.kind = .exception(chain, internal: isInternal, uncaught: uncaught)
    }
    next.accept(copy)
  }

  func inputEnded(_ input: Int) { next.inputEnded(input) }
}


