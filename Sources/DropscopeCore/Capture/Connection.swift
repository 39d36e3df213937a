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

/// One TCP connection: its two byte streams and the HTTP exchanges on them.
///
/// Everything here belongs to the thread that performs the connection's work (`ConnectionWorker`); the
/// router that opened it reads only its `let`s.
final class Connection {
  let context: Int
  let client: TCPSegment.Endpoint
  let server: TCPSegment.Endpoint
  private var toServer = Direction()
  private var toClient = Direction()
  private var requests = HTTPRequestParser()
  private var responses = HTTPResponseParser()
  /// Set from the first client bytes: a TLS handshake makes this a TLS session read record by record.
  private var isTLS: Bool?
  /// The `host:port` a proxy was asked to tunnel to (`CONNECT`), when the connection goes through one.
  private var tunnelTarget: String?
  private var clientRecords = TLSRecordReader()
  private var serverRecords = TLSRecordReader()
  /// The secrets TLS sessions are decrypted with, when a key log was given or the capture carries one.
  private let keyring: TLSKeyring?
  /// Decrypts this connection's TLS session while its keys are known and open its records.
  private var decryptor: TLSDecryptor?
  /// Transcript records held while it is not yet known whether the session decrypts: its handshake in clear.
  private var heldTranscript: [Transcript.Record]?
  /// The HTTP/2 reader, once the session is HTTP/2 (ALPN h2, or the client's preface in plain text).
  private var http2: HTTP2Session?
  /// HTTP/2 streams open at once are handed on one at a time, as the assembler reads a connection's streams: the
  /// active stream's facts as they come, the others' held (with whether they ended) until the streams before
  /// them end.
  private var http2Active: UInt32?
  private var http2Held: [(stream: UInt32, facts: [Fact], ended: Bool)] = []
  /// The HTTP/2 session as the transcript writes it (client, server): whole frames, header blocks re-encoded.
  private var http2Transcript: [HTTP2TranscriptWriter] = []
  /// Whether the TLS session was decrypted (its application bytes read as plain text).
  private(set) var decrypted = false
  /// Why the TLS session could not be decrypted, when keys were given.
  private(set) var decryptionFailure: String?
  private var serverDataSinceRequest = false
  private var sawServerBytes = false
  private var sawClientBytes = false
  /// When each side last delivered bytes, and the bytes lost so far, as the HTTP/2 reader's closes need them
  /// (the directions' own records are busy while they deliver).
  private var delivered: (server: Microseconds?, serverPacket: Int?, client: Microseconds?, lost: Int) = (nil, nil, nil, 0)
  private var requestOpen = false
  private var tlsVersion13 = false
  private var skippedClientFinished = false
  private var serverName: String?
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
  /// SYN, SYN-ACK, FIN and RST, each side apart.
  private(set) var history = TCPHistory()
  private var clientBytes = 0, serverBytes = 0
  private var firstClose: (byServer: Bool, reset: Bool, time: Microseconds)?

  var summary: ConnectionSummary {
    ConnectionSummary(context: context, client: client.description, server: server.description, clientBytes: clientBytes,
                      serverBytes: serverBytes, firstCloseByServer: firstClose?.byServer, firstCloseIsReset: firstClose?.reset,
                      firstCloseTime: firstClose?.time, connState: history.zeekState)
  }

  init(context: Int, client: TCPSegment.Endpoint, server: TCPSegment.Endpoint, keyring: TLSKeyring? = nil) {
    self.context = context
    self.client = client
    self.server = server
    self.keyring = keyring
  }

  /// The client and server of a connection, from its first segment: the side that sends the first SYN is the
  /// client; without one (the capture began after the handshake), the side whose bytes are a request or a TLS
  /// handshake is the client and the side whose bytes are a status line or an event stream is the server; with
  /// nothing to tell, the side whose port does not look like a server's.
  static func ends(first: TCPSegment) -> (client: TCPSegment.Endpoint, server: TCPSegment.Endpoint) {
    if first.isSYN, first.flags & TCPSegment.ack == 0 { return (first.source, first.destination) }
    if first.isSYN { return (first.destination, first.source) }
    if sendsAsClient(first.payload) { return (first.source, first.destination) }
    if sendsAsServer(first.payload) { return (first.destination, first.source) }
    if looksLikeServerPort(first.source.port) && !looksLikeServerPort(first.destination.port) {
      return (first.destination, first.source)
    }
    return (first.source, first.destination)
  }

  /// Bytes only a client sends first: an HTTP request line, or a TLS ClientHello.
  static func sendsAsClient(_ bytes: UnsafeRawBufferPointer) -> Bool {
    if bytes.count > 5, bytes[0] == 0x16, bytes[1] == 0x03, bytes[5] == 0x01 { return true }
    for method: StaticString in ["GET ", "POST ", "PUT ", "PATCH ", "DELETE ", "HEAD ", "OPTIONS ", "CONNECT "]
    where bytes.hasBytes(method, at: 0) {
      return true
    }
    return false
  }

  /// Bytes only a server sends: a status line, or an event stream's body (chunked or not).
  static func sendsAsServer(_ bytes: UnsafeRawBufferPointer) -> Bool {
    if bytes.hasBytes("HTTP/1.", at: 0) || HTTPResponseParser.beginsEventField(bytes) { return true }
    guard HTTPResponseParser.beginsChunk(bytes), let lineEnd = bytes.firstIndex(of: 0x0a) else { return false }
    return HTTPResponseParser.beginsEventField(UnsafeRawBufferPointer(rebasing: bytes[(lineEnd + 1)...]))
  }

  private static func looksLikeServerPort(_ port: UInt16) -> Bool {
    port < 1024 || [8080, 8000, 8443, 3000, 5000, 4000].contains(port)
  }

  func receive(
    _ segment: RoutedSegment, time: Microseconds, location: SourceLocation, _ emit: (Fact) -> Void
  ) {
    let fromClient = segment.fromClient
    lastTime = time
    lastPacket = location.line
    if fromClient { clientBytes += segment.payload.count + segment.missingPayload } else {
      serverBytes += segment.payload.count + segment.missingPayload
    }
    let released: [Direction.Chunk]
    if fromClient {
      released = toServer.accept(segment, time: time, location: location) {
        deliver($0, missing: $1, time: time, location: location, fromClient: true, emit)
      }
    } else {
      released = toClient.accept(segment, time: time, location: location) {
        deliver($0, missing: $1, time: time, location: location, fromClient: false, emit)
      }
    }
    for chunk in released { deliver(chunk, fromClient: fromClient, emit) }
    let firstClose = history.note(segment.flags, fromClient: fromClient)
    guard segment.isFIN || segment.isRST else { return }
    observer?(Transcript.Record(time: time, connection: context, source: (fromClient ? client : server).description,
                                destination: (fromClient ? server : client).description, kind: segment.isRST ? .rst : .fin))
    if firstClose {
      self.firstClose = (!fromClient, segment.isRST, time)
      flush(emit)
      let closing = Fact(time: time, location: location, context: context,
                         kind: .connectionClosed(byServer: !fromClient, reset: segment.isRST,
                                                 lastServerData: toClient.lastDataTime, lastServerPacket: toClient.lastDataPacket,
                                                 lastClientData: toServer.lastDataTime, connState: history.zeekState,
                                                 lostBytes: toClient.lostBytes + toServer.lostBytes),
                         quote: "\(fromClient ? "client" : "server")\(Self.shown(fromClient ? client : server)) sent \(segment.isRST ? "RST" : "FIN")")
      emit(closing)
      // HTTP/2 streams open alongside the one just closed end with the connection too.
      releaseHeldStreams(closing: closing, emit)
    }
  }

  /// An endpoint as a quote shows it after its role: its address, or nothing for a transcript's made-up one.
  private static func shown(_ endpoint: TCPSegment.Endpoint) -> String { endpoint.isMadeUp ? "" : " \(endpoint)" }

  /// Hands in-order bytes to the HTTP parsers, or, for a TLS session, to the record readers.
  private func deliver(_ chunk: Direction.Chunk, fromClient: Bool, _ emit: (Fact) -> Void) {
    chunk.bytes.withUnsafeBytes {
      deliver($0, missing: chunk.missing, time: chunk.time, location: chunk.location, fromClient: fromClient, emit)
    }
  }

  /// Hands in-order bytes on, then tells the reader of that direction that `missing` bytes after them were lost.
  private func deliver(
    _ bytes: UnsafeRawBufferPointer, missing: Int, time: Microseconds, location: SourceLocation, fromClient: Bool,
    _ emit: (Fact) -> Void
  ) {
    deliver(bytes, time: time, location: location, fromClient: fromClient, emit)
    guard missing > 0 else { return }
    delivered.lost += missing
    observer?(Transcript.Record(time: time, connection: context,
                                source: (fromClient ? client : server).description,
                                destination: (fromClient ? server : client).description, kind: .lost(missing)))
    func fact(_ kind: Fact.Kind, _ quote: String?) {
      emit(Fact(time: time, location: location, context: context, kind: kind, quote: quote).redactingSecrets())
    }
    if isTLS == true, decryptor != nil {
      stopDecrypting("bytes of it were not captured (a snap length, or a hole in the capture), so its records from there on cannot be decrypted")
    }
    if isTLS != true, http2 != nil {
      // HTTP/2 frames cannot be found again after a loss: the rest of the connection is not read.
      if !fromClient { fact(.captureLoss(bytes: missing), nil) }
      http2?.lose()
      return
    }
    switch (isTLS == true, fromClient) {
    case (false, true): requests.skip(missing, fact)
    case (false, false):
      fact(.captureLoss(bytes: missing), nil)
      responses.skip(missing, fact)
    case (true, true): clientRecords.skip(missing) { _, _, _, _ in }
    case (true, false):
      fact(.captureLoss(bytes: missing), nil)
      serverRecords.skip(missing) { type, _, _, _ in
        if type == 23, requestOpen { fact(.event(.encryptedData), nil) }
      }
    }
  }

  private func deliver(
    _ bytes: UnsafeRawBufferPointer, time: Microseconds, location: SourceLocation, fromClient: Bool,
    _ emit: (Fact) -> Void
  ) {
    guard !bytes.isEmpty else { return }
    if fromClient { delivered.client = time } else { (delivered.server, delivered.serverPacket) = (time, location.line) }
    if !fromClient, !sawServerBytes {
      sawServerBytes = true
      responses.startedMidConnection = !history.sawHandshake
    }
    if isTLS != true, fromClient || responses.isReadingHead { secrets += Redactor.findSecrets(in: bytes).count }
    // The facts' closure holds values only, not the connection: handed to the parsers for every segment, a
    // closure capturing `self` retained and released it each time.
    let context = self.context
    func fact(_ kind: Fact.Kind, _ quote: String?) {
      emit(Fact(time: time, location: location, context: context, kind: kind, quote: quote).redactingSecrets())
    }
    if isTLS == nil, fromClient {
      isTLS = bytes[0] == 0x16 && bytes.count > 1 && bytes[1] == 0x03
      if isTLS == true, let keyring {
        decryptor = TLSDecryptor(keyring: keyring)
        heldTranscript = []
        clientRecords.keepsBodies = true
        serverRecords.keepsBodies = true
      }
    }
    if isTLS == false, fromClient, !sawClientBytes, HTTP2Session.beginsWithPreface(bytes) { startHTTP2(scheme: "http") }
    if fromClient { sawClientBytes = true }
    if isTLS != true, http2 != nil {
      transcribe(Array(bytes), time: time, fromClient: fromClient)
    } else if let observer, !decrypted || decryptor == nil {
      let record = Transcript.Record(time: time, connection: context, source: (fromClient ? client : server).description,
                                     destination: (fromClient ? server : client).description, kind: .data(Array(bytes)))
      if heldTranscript != nil { heldTranscript!.append(record) } else { observer(record) }
    }
    do {
      guard isTLS == true else {
        if http2 != nil {
          readHTTP2(bytes, fromClient: fromClient, time: time, location: location, emit)
          return
        }
        if fromClient {
          requests.feed(bytes, fact)
          if let target = requests.tunnelTarget, tunnelTarget == nil {
            tunnelTarget = target
            responses.awaitingTunnel = target
          }
        } else {
          responses.feed(bytes, fact)
          // Through a proxy's tunnel the session starts over: the client's next bytes say whether it is TLS.
          if responses.tunnelOpened, isTLS == false { isTLS = nil }
        }
        return
      }
      if fromClient {
        defer { clientRecords.keepsBodies = decryptor != nil }
        clientRecords.feed(bytes) { type, serverName, _, length, record in
          if decrypt(type, record, fromClient: true, time: time, location: location, fact, emit) { return }
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
          // An encrypted 19-byte record is the client's close_notify alert (TLS 1.3), not a new request.
          if tlsVersion13, length == 19, requestOpen { return }
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
        defer { serverRecords.keepsBodies = decryptor != nil }
        serverRecords.feed(bytes) { type, _, version, length, record in
          if version == 0x0304 { tlsVersion13 = true }
          if decrypt(type, record, fromClient: false, time: time, location: location, fact, emit) { return }
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

  /// Hands one TLS record to the decryptor; true when it took it (the record is not read without keys).
  ///
  /// Application bytes go to the HTTP parsers as plain text would. A session that cannot be decrypted is read
  /// from its record sizes and timing from this record on, and says why.
  private func decrypt(
    _ type: UInt8, _ record: (version: UInt16, body: [UInt8]), fromClient: Bool, time: Microseconds,
    location: SourceLocation, _ fact: (Fact.Kind, String?) -> Void, _ emit: (Fact) -> Void
  ) -> Bool {
    guard let decryptor else { return false }
    switch decryptor.record(type: type, version: record.version, body: record.body, fromClient: fromClient) {
    case .clear:
      return false
    case .skipped:
      if fromClient { skippedClientFinished = true }
      return true
    case .consumed:
      decided(decrypting: true)
      if fromClient { skippedClientFinished = true }
      return true
    case .applicationData(let bytes):
      decided(decrypting: true)
      if fromClient { skippedClientFinished = true }
      if decryptor.alpn == "h2", http2 == nil { startHTTP2(scheme: "https") }
      deliverPlain(bytes, time: time, location: location, fromClient: fromClient, fact, emit)
      return true
    case .alert(let level, let description):
      decided(decrypting: true)
      // The server's alert says it closed the session (close_notify) or failed it, whoever's FIN comes first.
      if description == 0 {
        observer?(Transcript.Record(time: time, connection: context, source: (fromClient ? client : server).description,
                                    destination: (fromClient ? server : client).description, kind: .closeNotify))
      }
      if !fromClient {
        fact(.tlsAlert(byServer: true), "server TLS alert (decrypted): \(description == 0 ? "close_notify" : "\(level == 2 ? "fatal" : "warning") \(description)")")
      }
      return true
    case .failed(let reason, let silent):
      stopDecrypting(silent ? nil : reason)
      return false
    }
  }

  /// The session decrypts (its held handshake is left out of the transcript) or does not (it is written).
  private func decided(decrypting: Bool) {
    guard let held = heldTranscript else { return }
    heldTranscript = nil
    if decrypting {
      decrypted = true
      requests.scheme = "https"
    } else {
      for record in held { observer?(record) }
    }
  }

  /// Reads the rest of the session without keys; `reason` (when keys were given) becomes a warning.
  private func stopDecrypting(_ reason: String?) {
    decided(decrypting: false)
    decryptor = nil
    decrypted = false
    decryptionFailure = reason
  }

  /// Decrypted application bytes: to the transcript and the HTTP parsers, as plain text is.
  private func deliverPlain(
    _ bytes: [UInt8], time: Microseconds, location: SourceLocation, fromClient: Bool, _ fact: (Fact.Kind, String?) -> Void,
    _ emit: (Fact) -> Void
  ) {
    guard !bytes.isEmpty else { return }
    transcribe(bytes, time: time, fromClient: fromClient)
    bytes.withUnsafeBytes { plain in
      if http2 != nil {
        readHTTP2(plain, fromClient: fromClient, time: time, location: location, emit)
        return
      }
      if fromClient || responses.isReadingHead { secrets += Redactor.findSecrets(in: plain).count }
      if fromClient { requests.feed(plain, fact) } else { responses.feed(plain, fact) }
    }
  }

  /// The session is HTTP/2 from here on.
  private func startHTTP2(scheme: String) {
    http2 = HTTP2Session(scheme: scheme)
    http2Transcript = [HTTP2TranscriptWriter(fromClient: true), HTTP2TranscriptWriter(fromClient: false)]
  }

  /// Application bytes to the transcript: HTTP/2 as whole frames with its header blocks re-encoded and redacted.
  private func transcribe(_ bytes: [UInt8], time: Microseconds, fromClient: Bool) {
    guard let observer else { return }
    var bytes = bytes
    if !http2Transcript.isEmpty { bytes = http2Transcript[fromClient ? 0 : 1].rewrite(bytes) }
    guard !bytes.isEmpty else { return }
    observer(Transcript.Record(time: time, connection: context, source: (fromClient ? client : server).description,
                               destination: (fromClient ? server : client).description, kind: .data(bytes)))
  }

  /// HTTP/2 bytes: frames to facts; a stream reset (RST_STREAM) or a connection ended under open streams
  /// (GOAWAY) is a close of the stream by that side, as a FIN or RST is of an HTTP/1.1 connection's.
  private func readHTTP2(
    _ bytes: UnsafeRawBufferPointer, fromClient: Bool, time: Microseconds, location: SourceLocation, _ emit: (Fact) -> Void
  ) {
    if fromClient { secrets += Redactor.findSecrets(in: bytes).count }
    var ends: [UInt32] = []
    func send(_ stream: UInt32, _ kind: Fact.Kind, _ quote: String?) {
      let fact = Fact(time: time, location: location, context: context, kind: kind, quote: quote).redactingSecrets()
      if case .bodyEnded = kind { ends.append(stream) }
      if http2Active == nil { http2Active = stream }
      if stream == http2Active {
        emit(fact)
      } else if let i = http2Held.firstIndex(where: { $0.stream == stream }) {
        http2Held[i].facts.append(fact)
      } else {
        http2Held.append((stream, [fact], false))
      }
    }
    http2?.feed(bytes, fromClient: fromClient, send) { ending in
      send(ending.streamID, .http2StreamEnded(goAway: ending.isGoAway, errorCode: ending.errorCode), nil)
      send(ending.streamID, .connectionClosed(byServer: ending.byServer, reset: !ending.isGoAway,
                                              lastServerData: delivered.server, lastServerPacket: delivered.serverPacket,
                                              lastClientData: delivered.client, connState: history.zeekState,
                                              lostBytes: delivered.lost),
           ending.quote)
      ends.append(ending.streamID)
    }
    for stream in ends { http2StreamEnded(stream, emit) }
  }

  /// A stream ended: when it is the active one, the held streams after it are handed on, up to one still open.
  private func http2StreamEnded(_ stream: UInt32, _ emit: (Fact) -> Void) {
    guard stream == http2Active else {
      if let i = http2Held.firstIndex(where: { $0.stream == stream }) { http2Held[i].ended = true }
      return
    }
    http2Active = nil
    while !http2Held.isEmpty {
      let next = http2Held.removeFirst()
      for fact in next.facts { emit(fact) }
      if !next.ended {
        http2Active = next.stream
        return
      }
    }
  }

  /// Hands on the HTTP/2 streams still held; those still open end with `closing` (the connection's close), if any.
  @inline(never)  // inlined into `receive`, it crashes the optimizer of Swift 6.3.1 (SIL verification)
  func releaseHeldStreams(closing: Fact?, _ emit: (Fact) -> Void) {
    http2Active = nil
    guard !http2Held.isEmpty else { return }
    var held: [(stream: UInt32, facts: [Fact], ended: Bool)] = []
    swap(&held, &http2Held)
    for stream in held {
      for fact in stream.facts { emit(fact) }
      if !stream.ended, let closing { emit(closing) }
    }
  }

  /// Delivers bytes held back by gaps: the capture will not bring the missing ones.
  func flush(_ emit: (Fact) -> Void) {
    for (direction, fromClient) in [(\Connection.toServer, true), (\Connection.toClient, false)] {
      let chunks = self[keyPath: direction].drain()
      for chunk in chunks { deliver(chunk, fromClient: fromClient, emit) }
    }
  }

  /// One direction's byte stream, reassembled in sequence order.
  struct Direction {
    struct Chunk {
      var bytes: [UInt8]
      /// Bytes that follow these on the wire but are not in the capture.
      var missing = 0
      var time: Microseconds
      var location: SourceLocation
    }

    private var next: UInt32?
    private var waiting: [(sequence: UInt32, chunk: Chunk)] = []
    private var waitingBytes = 0
    private(set) var lastDataTime: Microseconds?
    private(set) var lastDataPacket: Int?
    private(set) var lostBytes = 0

    /// Takes one segment: bytes that follow on go straight to `inOrder` (no copy), with the count of bytes after
    /// them that the capture did not keep; bytes ahead of a gap wait, and the ones a segment releases are returned.
    mutating func accept(
      _ segment: RoutedSegment, time: Microseconds, location: SourceLocation,
      _ inOrder: (UnsafeRawBufferPointer, _ missing: Int) -> Void
    ) -> [Chunk] {
      if segment.isSYN {
        next = segment.sequence &+ 1
        return []
      }
      let length = segment.payload.count + segment.missingPayload
      guard length > 0 else { return [] }
      lastDataTime = time
      lastDataPacket = location.line
      guard let expected = next else {
        next = segment.sequence &+ UInt32(length)
        lostBytes += segment.missingPayload
        inOrder(segment.payload, segment.missingPayload)
        return []
      }
      let offset = Int32(bitPattern: segment.sequence &- expected)
      var payload = segment.payload
      var missing = segment.missingPayload
      if offset < 0 {
        // A retransmission: keep only what is new.
        let overlap = -Int(offset)  // in Int: negating Int32.min would trap
        guard overlap < length else { return [] }
        missing = min(missing, length - overlap)
        payload = UnsafeRawBufferPointer(rebasing: payload[min(overlap, payload.count)...])
      } else if offset > 0 {
        if waitingBytes < 8 << 20, waiting.count < 4096 {
          waiting.append((segment.sequence, Chunk(bytes: Array(payload), missing: missing, time: time, location: location)))
          waitingBytes += payload.count
        }
        return []
      }
      lostBytes += missing
      inOrder(payload, missing)
      next = segment.sequence &+ UInt32(length)
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
          let overlap = -Int(Int32(bitPattern: item.sequence &- expected))
          let length = item.chunk.bytes.count + item.chunk.missing
          if overlap < length {
            var chunk = item.chunk
            chunk.bytes.removeFirst(min(overlap, chunk.bytes.count))
            chunk.missing = min(chunk.missing, length - overlap)
            next = expected &+ UInt32(chunk.bytes.count + chunk.missing)
            lostBytes += chunk.missing
            out.append(chunk)
          }
          progressed = true
        }
      }
      return out
    }

    /// Whatever is still waiting, in order; each hole before it is lost, and delivered as missing bytes.
    mutating func drain() -> [Chunk] {
      var out: [Chunk] = []
      while !waiting.isEmpty {
        waiting.sort { Int32(bitPattern: $0.sequence &- $1.sequence) < 0 }
        let first = waiting[0]
        if let expected = next {
          let hole = max(0, Int(Int32(bitPattern: first.sequence &- expected)))
          lostBytes += hole
          if hole > 0 { out.append(Chunk(bytes: [], missing: hole, time: first.chunk.time, location: first.chunk.location)) }
        }
        next = first.sequence
        out += takeReady()
      }
      waitingBytes = 0
      return out
    }
  }
}
