/// Reads the TCP connections of a capture into facts, the same facts logs give, plus what only the wire shows.
///
/// Each connection is a context (so keep-alive requests on it are streams one after another). Per direction
/// the bytes are reassembled in order (out-of-order segments wait, retransmissions are trimmed, gaps are
/// counted as capture loss), HTTP/1.1 requests and responses are parsed (chunked or Content-Length bodies),
/// and `text/event-stream` bodies are decoded as SSE by the WHATWG rules. Who closed first, FIN or RST, and
/// when the server last sent a byte become a `connectionClosed` fact.
///
/// Everything happens on the calling thread; `ParallelCaptureReader` spreads the same work over threads.
final class CaptureReader<Sink: FactSink>: PacketReader {
  let input: Int
  private let sink: Sink
  private let router = ConnectionRouter()
  private let worker: ConnectionWorker<Sink>
  private(set) var tcpSegments = 0
  /// Transcript inputs name their connections by id.
  private var transcriptConnections: [Int: Connection] = [:]
  /// Their ids in the order they opened, to finish the oldest past `ConnectionRouter.mostOpenConnections` (a
  /// transcript, curl trace or HAR names no close for many of its connections).
  private var transcriptOrder: [Int] = []
  private var transcriptOrderStart = 0
  /// Connections finished since streams were last diagnosed.
  private var finishedContexts: [Int] = []
  /// A summary of every connection, in the order they began, when asked for (complete once `finish` has run).
  private(set) var summaries: [ConnectionSummary] = []

  init(input: Int, sink: Sink, keepingSummaries: Bool = false) {
    self.input = input
    self.sink = sink
    worker = ConnectionWorker(input: input, sink: sink)
    worker.keepsSummaries = keepingSummaries
  }

  /// Sees every connection event, for writing a transcript.
  var observer: ((Transcript.Record) -> Void)? {
    get { worker.observer }
    set { worker.observer = newValue }
  }
  /// Each connection's name, by context id: `client → server`.
  var contextNames: [Int: String] { router.contextNames }
  var connectionCount: Int { router.connectionCount }
  /// Secrets (API keys, credentials) in the plain-text bytes of the connections: none reaches any output.
  var secrets: Int { worker.secrets }
  var keyring: TLSKeyring? {
    get { router.keyring }
    set { router.keyring = newValue }
  }
  /// What decrypting gave, its failures in the order the connections began (as several threads merge them), not the
  /// order they finished.
  var decryption: TLSDecryptionTally {
    var tally = TLSDecryptionTally()
    tally.merge(worker.decryption)
    return tally
  }

  /// Packets are read at once: their bytes need not stay.
  var packetsStayValid = false
  var oldestPacketInUse: UnsafeRawPointer? { nil }

  /// Reads one packet; returns true every 1024 packets, to have the streams that ended diagnosed.
  @discardableResult
  func read(_ packet: CapturedPacket) -> Bool {
    guard let segment = TCPSegment.decode(packet) else { return packet.number & 1023 == 0 }
    tcpSegments += 1
    let location = SourceLocation(input: input, line: packet.number, isPacket: true)
    router.route(segment, time: packet.time, location: location) { work in
      if case .finish(let connection, _) = work { finishedContexts.append(connection.context) }
      worker.perform(work)
    }
    return packet.number & 1023 == 0
  }

  func streamsDiagnosed() {
    router.forgetNames(finishedContexts)
    finishedContexts.removeAll(keepingCapacity: true)
  }

  /// Reads one record of a transcript: the same connection machinery as packets, with line locations.
  func read(_ record: Transcript.Record, line: Int) {
    let source = Self.endpoint(record.source), destination = Self.endpoint(record.destination)
    let connection: Connection
    if let known = transcriptConnections[record.connection] {
      connection = known
    } else {
      let first = TCPSegment(source: source, destination: destination, sequence: 0,
                             flags: record.kind == .open ? TCPSegment.syn : 0, payload: UnsafeRawBufferPointer(start: nil, count: 0),
                             missingPayload: 0)
      let ends = Connection.ends(first: first)
      connection = router.open(client: ends.client, server: ends.server)
      worker.perform(.open(connection, time: record.time))
      transcriptConnections[record.connection] = connection
      transcriptOrder.append(record.connection)
      if transcriptConnections.count > ConnectionRouter.mostOpenConnections { finishOldestTranscriptConnection() }
    }
    let location = SourceLocation(input: input, line: line)
    let fromClient = source == connection.client
    let sequence = connection.nextTranscriptSequence(fromClient: fromClient)
    func segment(_ flags: UInt8, _ payload: UnsafeRawBufferPointer, missing: Int = 0) {
      // A SYN takes the sequence number before the first byte's, as on the wire.
      let at = flags & TCPSegment.syn != 0 ? sequence &- 1 : sequence
      let segment = TCPSegment(source: source, destination: destination, sequence: at, flags: flags,
                               payload: payload, missingPayload: missing)
      worker.perform(.segment(Unmanaged.passUnretained(connection), RoutedSegment(segment, context: connection.context, fromClient: fromClient), time: record.time, location: location))
    }
    switch record.kind {
    case .open:
      segment(TCPSegment.syn, UnsafeRawBufferPointer(start: nil, count: 0))
    case .data(let bytes):
      bytes.withUnsafeBytes { segment(TCPSegment.ack, $0) }
      connection.advanceTranscriptSequence(fromClient: fromClient, by: bytes.count)
    case .lost(let claimed):
      let count = min(claimed, UntrustedNumber.mostLostBytes)
      segment(TCPSegment.ack, UnsafeRawBufferPointer(start: nil, count: 0), missing: count)
      connection.advanceTranscriptSequence(fromClient: fromClient, by: count)
    case .fin:
      segment(TCPSegment.fin | TCPSegment.ack, UnsafeRawBufferPointer(start: nil, count: 0))
    case .rst:
      segment(TCPSegment.rst, UnsafeRawBufferPointer(start: nil, count: 0))
    case .closeNotify:
      // A decrypted session's close_notify: the server's says it closed first, whoever's FIN follows.
      guard !fromClient else { break }
      connection.flush { sink.accept($0) }
      sink.accept(Fact(time: record.time, location: location, context: connection.context, kind: .tlsAlert(byServer: true),
                       quote: "server TLS alert (in the transcript): close_notify"))
    case .timeout, .end:
      break
    }
  }

  /// Ends a transcript connection whose record is complete (a HAR entry), as the end of the input would.
  func endTranscriptConnection(_ id: Int) {
    guard let connection = transcriptConnections.removeValue(forKey: id) else { return }
    worker.perform(.finish(connection, captureEnded: true))
    finishedContexts.append(connection.context)
  }

  /// Finishes the transcript connection that opened first of those still open, as the router does for packets.
  private func finishOldestTranscriptConnection() {
    while transcriptOrderStart < transcriptOrder.count {
      let id = transcriptOrder[transcriptOrderStart]
      transcriptOrderStart += 1
      guard let oldest = transcriptConnections.removeValue(forKey: id) else { continue }
      worker.perform(.finish(oldest, captureEnded: false))
      finishedContexts.append(oldest.context)
      break
    }
    if transcriptOrderStart > ConnectionRouter.mostOpenConnections {
      transcriptOrder.removeFirst(transcriptOrderStart)
      transcriptOrderStart = 0
    }
  }

  /// `127.0.0.1:8765`; other names (and IPv6 literals) become a stable made-up address in the IPv6 discard-only
  /// block (100::/64, RFC 6666), which `Endpoint.isMadeUp` recognizes so that no report prints it as an address.
  static func endpoint(_ text: String) -> TCPSegment.Endpoint {
    var endpoint = TCPSegment.Endpoint(address: .zero, isIPv6: false, port: 0)
    guard let colon = text.lastIndex(of: ":") else { return endpoint }
    endpoint.port = UInt16(text[text.index(after: colon)...]) ?? 0
    let host = text[..<colon]
    let parts = host.split(separator: ".").compactMap { UInt8($0) }
    if parts.count == 4, !host.hasPrefix("[") {
      for i in 0..<4 { endpoint.address[i] = parts[i] }
    } else {
      var hasher = 0xcbf2_9ce4_8422_2325 as UInt64
      for b in host.utf8 { hasher = (hasher ^ UInt64(b)) &* 0x100_0000_01b3 }
      endpoint = .madeUp(hasher, port: endpoint.port)
    }
    return endpoint
  }

  /// Names a transcript connection for the report (a curl trace knows the server, not the client's port).
  func name(transcriptConnection id: Int, _ name: String) {
    guard let connection = transcriptConnections[id] else { return }
    router.name(connection, name)
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

  /// Records that the client saw a response body end by its framing, where the trace did not record the body
  /// itself (`curl -v` shows the heads and the byte counts, not the bytes).
  func clientSawBodyEnd(onTranscriptConnection id: Int, time: Microseconds, line: Int, quote: String) {
    guard let connection = transcriptConnections[id] else { return }
    connection.flush { sink.accept($0) }
    sink.accept(Fact(time: time, location: SourceLocation(input: input, line: line), context: connection.context,
                     kind: .bodyEnded, quote: quote))
  }

  /// Ends the capture: connections still open end with it.
  func finish() {
    let open = (router.takeOpen() + transcriptConnections.values).sorted { $0.context < $1.context }
    transcriptConnections.removeAll()
    for connection in open { worker.perform(.finish(connection, captureEnded: true)) }
    summaries = worker.summaries.sorted { $0.context < $1.context }
    sink.inputEnded(input)
  }
}
