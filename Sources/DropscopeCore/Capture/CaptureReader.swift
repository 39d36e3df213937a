/// Reads the TCP connections of a capture into facts, the same facts logs give, plus what only the wire shows.
///
/// Each connection is a context (so keep-alive requests on it are streams one after another). Per direction
/// the bytes are reassembled in order (out-of-order segments wait, retransmissions are trimmed, gaps are
/// counted as capture loss), HTTP/1.1 requests and responses are parsed (chunked or Content-Length bodies),
/// and `text/event-stream` bodies are decoded as SSE by the WHATWG rules. Who closed first, FIN or RST, and
/// when the server last sent a byte become a `connectionClosed` fact.
final class CaptureReader<Sink: FactSink> {
  let input: Int
  private let sink: Sink
  private var connections: [ConnectionKey: Connection] = [:]
  private var nextContext = 1
  private(set) var tcpSegments = 0
  private(set) var connectionCount = 0
  private var lastTime: Microseconds = 0
  /// Each connection's name, by context id: `client → server`.
  private(set) var contextNames: [Int: String] = [:]
  /// A summary of every connection, in the order they began.
  private(set) var summaries: [ConnectionSummary] = []
  /// Secrets (API keys, credentials) in the plain-text bytes of the connections: none reaches any output.
  private(set) var secrets = 0
  /// Sees every connection event, for writing a transcript.
  var observer: ((Transcript.Record) -> Void)?
  /// Transcript inputs name their connections by id.
  private var transcriptConnections: [Int: Connection] = [:]

  init(input: Int, sink: Sink) {
    self.input = input
    self.sink = sink
  }

  func read(_ packet: CapturedPacket) {
    lastTime = max(lastTime, packet.time)
    guard let segment = TCPSegment.decode(packet) else { return }
    tcpSegments += 1
    // Before routing: a packet on the ports of a connection closed long ago belongs to a new one.
    retireClosedConnections(before: packet.time - Self.closedLinger)
    let key = ConnectionKey(segment.source, segment.destination)
    let connection: Connection
    if let known = connections[key], !(segment.isSYN && segment.flags & TCPSegment.ack == 0 && known.closed) {
      connection = known
    } else {
      if let old = connections[key] { finish(old, captureEnded: false) }
      connection = open(first: segment, time: packet.time)
      connections[key] = connection
    }
    let location = SourceLocation(input: input, line: packet.number, isPacket: true)
    receive(segment, on: connection, time: packet.time, location: location)
    if connection.fullyClosedAt == nil, connection.fullyClosed {
      connection.fullyClosedAt = packet.time
      closing.append((key, connection))
    }
  }

  /// How long a fully closed connection is kept for its last ACKs and retransmissions before it is retired:
  /// memory is bounded by the connections open at once, not by the capture's length.
  private static var closedLinger: Microseconds { 2_000_000 }
  /// Fully closed connections, oldest first, waiting to be retired.
  private var closing: [(key: ConnectionKey, connection: Connection)] = []
  private var closingStart = 0

  private func retireClosedConnections(before cutoff: Microseconds) {
    while closingStart < closing.count, let at = closing[closingStart].connection.fullyClosedAt, at < cutoff {
      let (key, connection) = closing[closingStart]
      closingStart += 1
      // A new connection may have reused the ports since: retire only this one.
      if connections[key] === connection {
        connections[key] = nil
        finish(connection, captureEnded: false)
      }
    }
    if closingStart > 1024, closingStart * 2 > closing.count {
      closing.removeFirst(closingStart)
      closingStart = 0
    }
  }

  /// Reads one record of a transcript: the same connection machinery as packets, with line locations.
  func read(_ record: Transcript.Record, line: Int) {
    lastTime = max(lastTime, record.time)
    let source = Self.endpoint(record.source), destination = Self.endpoint(record.destination)
    let connection: Connection
    if let known = transcriptConnections[record.connection] {
      connection = known
    } else {
      let first = TCPSegment(source: source, destination: destination, sequence: 0,
                             flags: record.kind == .open ? TCPSegment.syn : 0, payload: UnsafeRawBufferPointer(start: nil, count: 0),
                             missingPayload: 0)
      connection = open(first: first, time: record.time)
      transcriptConnections[record.connection] = connection
    }
    let location = SourceLocation(input: input, line: line)
    let fromClient = source == connection.client
    let sequence = connection.nextTranscriptSequence(fromClient: fromClient)
    switch record.kind {
    case .open:
      let syn = TCPSegment(source: source, destination: destination, sequence: sequence, flags: TCPSegment.syn,
                           payload: UnsafeRawBufferPointer(start: nil, count: 0), missingPayload: 0)
      receive(syn, on: connection, time: record.time, location: location)
    case .data(let bytes):
      bytes.withUnsafeBytes { payload in
        let segment = TCPSegment(source: source, destination: destination, sequence: sequence, flags: TCPSegment.ack,
                                 payload: payload, missingPayload: 0)
        receive(segment, on: connection, time: record.time, location: location)
      }
      connection.advanceTranscriptSequence(fromClient: fromClient, by: bytes.count)
    case .fin, .rst:
      let flags = record.kind == .fin ? TCPSegment.fin | TCPSegment.ack : TCPSegment.rst
      let segment = TCPSegment(source: source, destination: destination, sequence: sequence, flags: flags,
                               payload: UnsafeRawBufferPointer(start: nil, count: 0), missingPayload: 0)
      receive(segment, on: connection, time: record.time, location: location)
    case .timeout, .end:
      break
    }
  }

  private func open(first: TCPSegment, time: Microseconds) -> Connection {
    let connection = Connection(context: nextContext, first: first)
    connection.observer = observer
    contextNames[nextContext] = "\(connection.client) → \(connection.server)"
    nextContext += 1
    connectionCount += 1
    observer?(Transcript.Record(time: time, connection: connection.context, source: connection.client.description,
                                destination: connection.server.description, kind: .open))
    return connection
  }

  private func receive(_ segment: TCPSegment, on connection: Connection, time: Microseconds, location: SourceLocation) {
    let fromClient = segment.source == connection.client
    connection.receive(segment, fromClient: fromClient, time: time, location: location) { fact in
      sink.accept(fact)
    }
  }

  /// `127.0.0.1:8765` or `[::1]:8765`; other names become a stable made-up address.
  static func endpoint(_ text: String) -> TCPSegment.Endpoint {
    var endpoint = TCPSegment.Endpoint(address: .zero, isIPv6: false, port: 0)
    guard let colon = text.lastIndex(of: ":") else { return endpoint }
    endpoint.port = UInt16(text[text.index(after: colon)...]) ?? 0
    let host = text[..<colon]
    let parts = host.split(separator: ".").compactMap { UInt8($0) }
    if parts.count == 4, !host.hasPrefix("[") {
      for i in 0..<4 { endpoint.address[i] = parts[i] }
    } else {
      endpoint.isIPv6 = true
      var hasher = 0xcbf2_9ce4_8422_2325 as UInt64
      for b in host.utf8 { hasher = (hasher ^ UInt64(b)) &* 0x100_0000_01b3 }
      for i in 0..<8 { endpoint.address[i] = UInt8(truncatingIfNeeded: hasher >> (8 * UInt64(i))) }
    }
    return endpoint
  }

  /// Names a transcript connection for the report (a curl trace knows the server, not the client's port).
  func name(transcriptConnection id: Int, _ name: String) {
    guard let connection = transcriptConnections[id] else { return }
    contextNames[connection.context] = name
  }

  /// Records what the client itself reported about a transcript connection (curl's `(18) transfer closed …`),
  /// as the exception a log would show.
  func clientReported(_ message: String, client: String, onTranscriptConnection id: Int, time: Microseconds, line: Int) {
    guard let connection = transcriptConnections[id] else { return }
    let location = SourceLocation(input: input, line: line)
    let message = Redactor.redact(message).text
    let record = ExceptionRecord(type: client, message: message, framePaths: [], location: location, link: .first)
    connection.flush { sink.accept($0) }
    sink.accept(Fact(time: time, location: location, context: connection.context,
                     kind: .exception(ExceptionChain(records: [record], start: location), internal: false, uncaught: false),
                     quote: "\(client): \(message)"))
  }

  /// Ends the capture: connections still open end with it.
  func finish() {
    let all = Array(connections.values) + Array(transcriptConnections.values)
    for connection in all.sorted(by: { $0.context < $1.context }) {
      finish(connection, captureEnded: true)
    }
    connections.removeAll()
    transcriptConnections.removeAll()
    summaries.sort { $0.context < $1.context }
    sink.inputEnded(input)
  }

  private func finish(_ connection: Connection, captureEnded: Bool) {
    connection.flush { sink.accept($0) }
    summaries.append(connection.summary)
    secrets += connection.secrets
    if captureEnded, !connection.closed {
      observer?(Transcript.Record(time: connection.lastTime, connection: connection.context,
                                  source: connection.client.description, destination: connection.server.description, kind: .end))
    }
    if captureEnded, !connection.closed {
      let location = SourceLocation(input: input, line: connection.lastPacket, isPacket: true)
      sink.accept(Fact(time: connection.lastTime, location: location, context: connection.context,
                       kind: .captureEnded(connState: connection.zeekState)))
    }
  }
}

/// What a capture shows of one TCP connection.
public struct ConnectionSummary: Sendable, Equatable {
  public var context: Int
  public var client: String
  public var server: String
  /// TCP payload bytes each way (what the capture kept plus what its snap length cut).
  public var clientBytes: Int
  public var serverBytes: Int
  /// The first FIN or RST: who sent it, which, and when.
  public var firstCloseByServer: Bool?
  public var firstCloseIsReset: Bool?
  public var firstCloseTime: Microseconds?
  public var connState: String
}

/// A connection's two endpoints, in a canonical order.
struct ConnectionKey: Hashable {
  var a: TCPSegment.Endpoint
  var b: TCPSegment.Endpoint

  init(_ x: TCPSegment.Endpoint, _ y: TCPSegment.Endpoint) {
    if x.precedes(y) {
      a = x
      b = y
    } else {
      a = y
      b = x
    }
  }
}

/// One TCP connection: its two byte streams and the HTTP exchanges on them.
private final class Connection {
  let context: Int
  let client: TCPSegment.Endpoint
  let server: TCPSegment.Endpoint
  private var toServer = Direction()
  private var toClient = Direction()
  private var requests = HTTPRequestParser()
  private var responses = HTTPResponseParser()
  /// Set from the first client bytes: a TLS handshake makes this a TLS session read record by record.
  private var isTLS: Bool?
  private var clientRecords = TLSRecordReader()
  private var serverRecords = TLSRecordReader()
  private var serverDataSinceRequest = false
  private var requestOpen = false
  private var tlsVersion13 = false
  private var skippedClientFinished = false
  private var serverName: String?
  private(set) var closed = false
  private(set) var lastTime: Microseconds = 0
  var observer: ((Transcript.Record) -> Void)?
  private var transcriptSequence: (client: UInt32, server: UInt32) = (1, 1)
  /// Secrets seen in this connection's plain-text requests and response heads (where credentials travel;
  /// an event stream's text is not scanned, and what of it reaches a report is redacted as a fact).
  private(set) var secrets = 0

  func nextTranscriptSequence(fromClient: Bool) -> UInt32 { fromClient ? transcriptSequence.client : transcriptSequence.server }

  func advanceTranscriptSequence(fromClient: Bool, by count: Int) {
    if fromClient { transcriptSequence.client &+= UInt32(count) } else { transcriptSequence.server &+= UInt32(count) }
  }
  private(set) var lastPacket = 0
  /// Zeek's history facts: SYN from the client, SYN-ACK, FIN and RST from each side.
  private var sawSYN = false, sawSYNACK = false
  private var finFromClient = false, finFromServer = false, rstFromClient = false, rstFromServer = false
  /// Both sides closed (FIN each way) or one reset: nothing more will be said on this connection.
  var fullyClosed: Bool { rstFromClient || rstFromServer || (finFromClient && finFromServer) }
  /// When the connection became fully closed, once it has.
  var fullyClosedAt: Microseconds?
  private var clientBytes = 0, serverBytes = 0
  private var firstClose: (byServer: Bool, reset: Bool, time: Microseconds)?

  var summary: ConnectionSummary {
    ConnectionSummary(context: context, client: client.description, server: server.description, clientBytes: clientBytes,
                      serverBytes: serverBytes, firstCloseByServer: firstClose?.byServer, firstCloseIsReset: firstClose?.reset,
                      firstCloseTime: firstClose?.time, connState: zeekState)
  }

  init(context: Int, first: TCPSegment) {
    self.context = context
    // The side that sends the first SYN is the client; without one, the side whose port looks like a server's.
    if first.isSYN, first.flags & TCPSegment.ack == 0 {
      client = first.source
      server = first.destination
    } else if first.isSYN {
      client = first.destination
      server = first.source
    } else if Self.looksLikeServerPort(first.source.port) && !Self.looksLikeServerPort(first.destination.port) {
      client = first.destination
      server = first.source
    } else {
      client = first.source
      server = first.destination
    }
  }

  private static func looksLikeServerPort(_ port: UInt16) -> Bool {
    port < 1024 || [8080, 8000, 8443, 3000, 5000, 4000].contains(port)
  }

  func receive(
    _ segment: TCPSegment, fromClient: Bool, time: Microseconds, location: SourceLocation, _ emit: (Fact) -> Void
  ) {
    lastTime = time
    lastPacket = location.line
    if fromClient { clientBytes += segment.payload.count + segment.missingPayload } else {
      serverBytes += segment.payload.count + segment.missingPayload
    }
    if segment.isSYN {
      if segment.flags & TCPSegment.ack == 0 { sawSYN = true } else { sawSYNACK = true }
    }
    let released: [Direction.Chunk]
    if fromClient {
      released = toServer.accept(segment, time: time, location: location) {
        deliver($0, time: time, location: location, fromClient: true, emit)
      }
    } else {
      released = toClient.accept(segment, time: time, location: location) {
        deliver($0, time: time, location: location, fromClient: false, emit)
      }
    }
    for chunk in released { deliver(chunk, fromClient: fromClient, emit) }
    guard segment.isFIN || segment.isRST else { return }
    observer?(Transcript.Record(time: time, connection: context, source: segment.source.description,
                                destination: segment.destination.description, kind: segment.isRST ? .rst : .fin))
    let firstClose = !(finFromClient || finFromServer || rstFromClient || rstFromServer)
    if segment.isRST {
      if fromClient { rstFromClient = true } else { rstFromServer = true }
    } else {
      if fromClient { finFromClient = true } else { finFromServer = true }
    }
    if firstClose {
      self.firstClose = (!fromClient, segment.isRST, time)
      closed = true
      flush(emit)
      emit(Fact(time: time, location: location, context: context,
                kind: .connectionClosed(byServer: !fromClient, reset: segment.isRST,
                                        lastServerData: toClient.lastDataTime, lastServerPacket: toClient.lastDataPacket,
                                        lastClientData: toServer.lastDataTime, connState: zeekState,
                                        lostBytes: toClient.lostBytes + toServer.lostBytes),
                quote: "\(fromClient ? "client" : "server") \(fromClient ? client : server) sent \(segment.isRST ? "RST" : "FIN")"))
    }
  }

  /// Hands in-order bytes to the HTTP parsers, or, for a TLS session, to the record readers.
  private func deliver(_ chunk: Direction.Chunk, fromClient: Bool, _ emit: (Fact) -> Void) {
    chunk.bytes.withUnsafeBytes { deliver($0, time: chunk.time, location: chunk.location, fromClient: fromClient, emit) }
  }

  private func deliver(
    _ bytes: UnsafeRawBufferPointer, time: Microseconds, location: SourceLocation, fromClient: Bool,
    _ emit: (Fact) -> Void
  ) {
    guard !bytes.isEmpty else { return }
    if isTLS != true, fromClient || responses.isReadingHead { secrets += Redactor.findSecrets(in: bytes).count }
    observer?(Transcript.Record(time: time, connection: context,
                                source: (fromClient ? client : server).description,
                                destination: (fromClient ? server : client).description, kind: .data(Array(bytes))))
    func fact(_ kind: Fact.Kind, _ quote: String?) {
      emit(Fact(time: time, location: location, context: context, kind: kind, quote: quote).redactingSecrets())
    }
    if isTLS == nil, fromClient {
      isTLS = bytes[0] == 0x16 && bytes.count > 1 && bytes[1] == 0x03
    }
    do {
      guard isTLS == true else {
        if fromClient { requests.feed(bytes, fact) } else { responses.feed(bytes, fact) }
        return
      }
      if fromClient {
        clientRecords.feed(bytes) { type, serverName, _, _ in
          if let serverName {
            self.serverName = serverName
            return
          }
          guard type == 23 else { return }
          if tlsVersion13, !skippedClientFinished {
            // TLS 1.3 encrypts the handshake: the client's first record is its Finished, not a request.
            skippedClientFinished = true
            return
          }
          if !requestOpen || serverDataSinceRequest {
            // A request: the first on the session, or a new one after the server answered the previous.
            let name = self.serverName.flatMap { $0.isEmpty ? nil : $0 }
            fact(.requestSending(url: "https://\(name ?? server.description)"),
                 requestOpen ? nil : "TLS session\(name.map { " to \($0)" } ?? ""): first encrypted request record")
            fact(.tlsSession(serverName: name), nil)
            requestOpen = true
            serverDataSinceRequest = false
          }
        }
      } else {
        serverRecords.feed(bytes) { type, _, version, length in
          if version == 0x0304 { tlsVersion13 = true }
          // TLS 1.3 encrypts alerts too: a 19-byte record (2-byte alert, content type, 16-byte tag) is close_notify.
          if type == 23, tlsVersion13, length == 19, requestOpen {
            fact(.tlsAlert(byServer: true), "server TLS alert (an encrypted 19-byte record: close_notify)")
          } else if type == 23, requestOpen {
            serverDataSinceRequest = true
            fact(.event(.encryptedData), nil)
          } else if type == 21, requestOpen {
            fact(.tlsAlert(byServer: true), "server TLS alert")
          }
        }
      }
    }
  }

  /// Delivers bytes held back by gaps: the capture will not bring the missing ones.
  func flush(_ emit: (Fact) -> Void) {
    for (direction, fromClient) in [(\Connection.toServer, true), (\Connection.toClient, false)] {
      let chunks = self[keyPath: direction].drain()
      for chunk in chunks { deliver(chunk, fromClient: fromClient, emit) }
    }
  }

  /// Zeek's `conn_state`, from what was seen so far (zeek scripts/base/protocols/conn/main.zeek).
  var zeekState: String {
    if !sawSYN { return rstFromServer ? "RSTR" : rstFromClient ? "RSTO" : "OTH" }
    if rstFromClient { return "RSTO" }
    if rstFromServer { return "RSTR" }
    if finFromClient, finFromServer { return "SF" }
    if finFromClient { return "S2" }
    if finFromServer { return "S3" }
    return sawSYNACK ? "S1" : "S0"
  }

  /// One direction's byte stream, reassembled in sequence order.
  struct Direction {
    struct Chunk {
      var bytes: [UInt8]
      var time: Microseconds
      var location: SourceLocation
    }

    private var next: UInt32?
    private var waiting: [(sequence: UInt32, chunk: Chunk)] = []
    private var waitingBytes = 0
    private(set) var lastDataTime: Microseconds?
    private(set) var lastDataPacket: Int?
    private(set) var lostBytes = 0

    /// Takes one segment: bytes that follow on go straight to `inOrder` (no copy); bytes ahead of a gap wait,
    /// and the ones a segment releases are returned.
    mutating func accept(
      _ segment: TCPSegment, time: Microseconds, location: SourceLocation, _ inOrder: (UnsafeRawBufferPointer) -> Void
    ) -> [Chunk] {
      if segment.isSYN {
        next = segment.sequence &+ 1
        return []
      }
      let length = segment.payload.count + segment.missingPayload
      guard length > 0 else { return [] }
      lastDataTime = time
      lastDataPacket = location.line
      if segment.missingPayload > 0 { lostBytes += segment.missingPayload }
      guard let expected = next else {
        next = segment.sequence &+ UInt32(length)
        inOrder(segment.payload)
        return []
      }
      let offset = Int32(bitPattern: segment.sequence &- expected)
      var payload = segment.payload
      if offset < 0 {
        // A retransmission: keep only what is new.
        let overlap = Int(-offset)
        guard overlap < length else { return [] }
        payload = UnsafeRawBufferPointer(rebasing: payload[min(overlap, payload.count)...])
      } else if offset > 0 {
        if waitingBytes < 8 << 20, waiting.count < 4096 {
          waiting.append((segment.sequence, Chunk(bytes: Array(payload), time: time, location: location)))
          waitingBytes += payload.count
        }
        return []
      }
      inOrder(payload)
      next = segment.sequence &+ UInt32(segment.payload.count + segment.missingPayload)
      return waiting.isEmpty ? [] : takeReady()
    }

    /// Segments that now follow on.
    private mutating func takeReady() -> [Chunk] {
      var out: [Chunk] = []
      var progressed = true
      while progressed, let expected = next {
        progressed = false
        if let index = waiting.firstIndex(where: { Int32(bitPattern: $0.sequence &- expected) <= 0 }) {
          let item = waiting.remove(at: index)
          waitingBytes -= item.chunk.bytes.count
          let overlap = Int(-Int32(bitPattern: item.sequence &- expected))
          if overlap < item.chunk.bytes.count {
            var chunk = item.chunk
            chunk.bytes.removeFirst(overlap)
            next = expected &+ UInt32(chunk.bytes.count)
            out.append(chunk)
          }
          progressed = true
        }
      }
      return out
    }

    /// Whatever is still waiting, in order, counting the holes before it as lost.
    mutating func drain() -> [Chunk] {
      var out: [Chunk] = []
      while !waiting.isEmpty {
        waiting.sort { Int32(bitPattern: $0.sequence &- $1.sequence) < 0 }
        let first = waiting[0]
        if let expected = next {
          lostBytes += max(0, Int(Int32(bitPattern: first.sequence &- expected)))
        }
        next = first.sequence
        out += takeReady()
      }
      waitingBytes = 0
      return out
    }
  }
}

/// Reads TLS records from one direction of a connection: their types, and the SNI of a ClientHello.
struct TLSRecordReader {
  private var header: [UInt8] = []
  private var body: [UInt8] = []
  private var remaining = 0
  private var type: UInt8 = 0
  private var keepBody = false
  private var length = 0

  /// Calls `record` with each record's content type, for a ClientHello its server name ("" when none),
  /// and for a ServerHello the version it chose.
  mutating func feed(_ bytes: UnsafeRawBufferPointer, _ record: (UInt8, String?, UInt16?, Int) -> Void) {
    var i = 0
    while i < bytes.count {
      if remaining == 0 {
        header.append(bytes[i])
        i += 1
        guard header.count == 5 else { continue }
        type = header[0]
        remaining = Int(header[3]) << 8 | Int(header[4])
        length = remaining
        header.removeAll(keepingCapacity: true)
        keepBody = type == 22 && remaining <= 1 << 16
        body.removeAll(keepingCapacity: true)
        if remaining == 0 { record(type, nil, nil, 0) }
        continue
      }
      let take = min(remaining, bytes.count - i)
      if keepBody { body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[i..<(i + take)])) }
      i += take
      remaining -= take
      if remaining == 0 {
        let version = type == 22 && body.first == 2 ? Self.negotiatedVersion(inServerHello: body) : nil
        record(type, type == 22 ? Self.serverName(inClientHello: body) : nil, version, length)
      }
    }
  }

  /// The version a ServerHello chose: `supported_versions` (TLS 1.3) or the legacy field.
  static func negotiatedVersion(inServerHello b: [UInt8]) -> UInt16? {
    guard b.count > 40, b[0] == 2 else { return nil }
    let legacy = UInt16(b[4]) << 8 | UInt16(b[5])
    var i = 4 + 2 + 32
    guard i < b.count else { return legacy }
    i += 1 + Int(b[i])  // session id
    i += 2 + 1  // cipher suite, compression method
    guard i + 2 <= b.count else { return legacy }
    let end = min(b.count, i + 2 + (Int(b[i]) << 8 | Int(b[i + 1])))
    i += 2
    while i + 4 <= end {
      let type = Int(b[i]) << 8 | Int(b[i + 1]), length = Int(b[i + 2]) << 8 | Int(b[i + 3])
      if type == 43, length == 2, i + 6 <= end { return UInt16(b[i + 4]) << 8 | UInt16(b[i + 5]) }
      i += 4 + length
    }
    return legacy
  }

  /// The `server_name` extension of a ClientHello; "" for a ClientHello without one; nil for other handshakes.
  static func serverName(inClientHello b: [UInt8]) -> String? {
    guard b.count > 4, b[0] == 1 else { return nil }
    var i = 4 + 2 + 32  // handshake header, version, random
    guard i < b.count else { return "" }
    i += 1 + Int(b[i])  // session id
    guard i + 2 <= b.count else { return "" }
    i += 2 + (Int(b[i]) << 8 | Int(b[i + 1]))  // cipher suites
    guard i < b.count else { return "" }
    i += 1 + Int(b[i])  // compression methods
    guard i + 2 <= b.count else { return "" }
    let end = min(b.count, i + 2 + (Int(b[i]) << 8 | Int(b[i + 1])))
    i += 2
    while i + 4 <= end {
      let type = Int(b[i]) << 8 | Int(b[i + 1]), length = Int(b[i + 2]) << 8 | Int(b[i + 3])
      if type == 0, i + 9 <= end {
        let nameLength = Int(b[i + 7]) << 8 | Int(b[i + 8])
        let start = i + 9
        guard start + nameLength <= end else { return "" }
        return String(decoding: b[start..<(start + nameLength)], as: UTF8.self)
      }
      i += 4 + length
    }
    return ""
  }
}
