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

  /// One word for the hasher instead of six: both addresses and ports folded with multiply-xorshift steps.
  func hash(into hasher: inout Hasher) {
    hasher.combine(folded)
  }

  /// The table's hash without the hasher: the folded word mixed once more with the table's seed. Routing looks
  /// up the four-tuple of every packet, and the hasher's rounds were most of a lookup; the seed still differs per
  /// table and per run, so crafted four-tuples cannot aim at one bucket.
  func _rawHashValue(seed: Int) -> Int {
    var h = folded ^ UInt64(UInt(bitPattern: seed))
    h = (h ^ (h >> 33)) &* 0xFF51_AFD7_ED55_8CCD
    h = (h ^ (h >> 33)) &* 0xC4CE_B9FE_1A85_EC53
    return Int(truncatingIfNeeded: h ^ (h >> 33))
  }

  private var folded: UInt64 {
    let x = a.addressWords, y = b.addressWords
    var h = x.0 &* 0x9E37_79B9_7F4A_7C15 ^ x.1
    h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9 ^ y.0
    h = (h ^ (h >> 31)) &* 0x94D0_49BB_1331_11EB ^ y.1
    h = (h ^ (h >> 29)) &* 0x9E37_79B9_7F4A_7C15 ^ (UInt64(a.port) << 16 | UInt64(b.port))
    return h
  }
}

/// One step of work on a connection, in the order the capture calls for it.
enum ConnectionWork {
  /// The connection began.
  case open(Connection, time: Microseconds)
  /// A segment arrived on it; its payload must stay valid until the work is performed. The connection is not
  /// retained (a segment is the commonest work by far): the `open` and `finish` around it keep it alive.
  case segment(Unmanaged<Connection>, RoutedSegment, time: Microseconds, location: SourceLocation)
  /// Nothing more will arrive on it: it closed long ago, its ports were reused, or the capture ended.
  case finish(Connection, captureEnded: Bool)
}

/// Finds the connection of each TCP segment of a capture, opens new ones, and retires those that closed long
/// ago, so memory follows the connections open at once, not the capture's length.
///
/// The router keeps only what routing needs (ends, flags, when a connection closed); the connections' bytes are
/// read where the work is performed, on this thread or on workers (`ParallelCaptureReader`).
final class ConnectionRouter {
  /// What routing keeps of an open connection, stored in the table itself: routing a segment touches no object
  /// of its own, and never the connection, whose memory belongs to the thread that works on it (with two threads,
  /// a read here pulled the cache line that thread's reference counting writes, and slowed every retain there).
  private struct Route {
    /// Retained by the table until the work that finishes the connection takes it.
    let connection: Unmanaged<Connection>
    let context: Int
    let client: TCPSegment.Endpoint
    var history = TCPHistory()
    /// Whether the connection is fully closed (it is then in `closing`).
    var fullyClosed = false
    /// The router's tick when a segment last arrived on it.
    var lastActive = 0

    /// Notes a segment on the connection; returns whether it came from the client, and whether the connection
    /// became fully closed with it.
    mutating func note(_ segment: TCPSegment, tick: Int) -> (fromClient: Bool, closedNow: Bool) {
      let fromClient = segment.source == client
      lastActive = tick
      _ = history.note(segment.flags, fromClient: fromClient)
      guard !fullyClosed, history.fullyClosed else { return (fromClient, false) }
      fullyClosed = true
      return (fromClient, true)
    }
  }

  /// The most connections open at once: past it the one idle longest is finished as if the capture had moved past
  /// it (its stream, if still open, is retired by the assembler, which keeps as many), so memory stays bounded
  /// whatever the capture.
  static let mostOpenConnections = Assembler.mostOpenStreams
  private var routes: [ConnectionKey: Route] = [:]
  /// Open connections, one entry each, by key, context and the tick of their last segment when queued (those
  /// retired or closed since are skipped lazily; no reference is kept, so a connection's memory goes when it is
  /// finished). Retiring takes the first entry whose connection has had no segment since; one that has goes to the
  /// back with its new tick (a second chance), so a segment costs no more than noting its tick.
  private var openOrder: [(key: ConnectionKey, context: Int, tick: Int)] = []
  private var tick = 0
  private var openOrderStart = 0
  /// Connections finished because too many were open at once.
  private(set) var retiredConnections = 0
  /// Fully closed connections, oldest first, with when they closed, waiting to be retired.
  private var closing: [(key: ConnectionKey, context: Int, at: Microseconds)] = []
  private var closingStart = 0
  private var nextContext = 1
  /// Each connection's name, by context id: `client → server`.
  private(set) var contextNames: [Int: String] = [:]
  private(set) var connectionCount = 0
  /// The secrets the connections' TLS sessions are decrypted with.
  var keyring: TLSKeyring?

  /// How long a fully closed connection is kept for its last ACKs and retransmissions before it is retired.
  private static var closedLinger: Microseconds { 2_000_000 }

  /// Opens a connection with the next context id.
  func open(client: TCPSegment.Endpoint, server: TCPSegment.Endpoint) -> Connection {
    let connection = Connection(context: nextContext, client: client, server: server, keyring: keyring)
    contextNames[nextContext] = "\(client) → \(server)"
    nextContext += 1
    connectionCount += 1
    return connection
  }

  /// Names a connection for the report (a curl trace knows the server, not the client's port).
  func name(_ connection: Connection, _ name: String) {
    contextNames[connection.context] = name
  }

  /// Forgets the names of connections whose streams have all been diagnosed.
  func forgetNames(_ contexts: [Int]) {
    for context in contexts { contextNames[context] = nil }
  }

  /// Routes one segment: the work it calls for, in order (retirements, a reused four-tuple's old connection,
  /// an opening, then the segment itself).
  func route(_ segment: TCPSegment, time: Microseconds, location: SourceLocation, _ work: (ConnectionWork) -> Void) {
    // Before routing: a packet on the ports of a connection closed long ago belongs to a new one.
    retireClosed(before: time - Self.closedLinger, work)
    let key = ConnectionKey(segment.source, segment.destination)
    // One lookup per segment: the hash of the four-tuple is most of routing's cost.
    var found = routes.index(forKey: key)
    // A connection whose opening was not captured gets its roles from its first bytes: until some arrive (or a
    // FIN or RST), its bare ACKs say nothing and are passed over.
    if found == nil, !segment.isSYN, !segment.isFIN, !segment.isRST, segment.payload.isEmpty,
      segment.missingPayload == 0
    {
      return
    }
    if found == nil || (segment.isSYN && segment.flags & TCPSegment.ack == 0 && routes.values[found!].history.closing) {
      if let old = found { finish(routes.remove(at: old).value, work) }
      let ends = Connection.ends(first: segment)
      let connection = open(client: ends.client, server: ends.server)
      routes[key] = Route(connection: .passRetained(connection), context: connection.context, client: ends.client)
      work(.open(connection, time: time))
      // Retired before it is queued, the connection just opened is never the one retired.
      if routes.count > Self.mostOpenConnections { retireOldest(work) }
      openOrder.append((key, connection.context, tick + 1))
      if openOrder.count > 2 * max(routes.count, 4096) {
        // Keep only the open ones: one entry each, so this runs once per at least as many entries queued.
        openOrder = openOrder[openOrderStart...].filter { openIndex(of: $0.key, context: $0.context) != nil }
        openOrderStart = 0
      }
      found = routes.index(forKey: key)
    }
    let index = found!
    tick += 1
    // Changed where it lies in the table: no copy, no reference counted.
    let (fromClient, closedNow) = routes.values[index].note(segment, tick: tick)
    let route = routes.values[index]
    work(.segment(route.connection, RoutedSegment(segment, context: route.context, fromClient: fromClient), time: time,
                  location: location))
    if closedNow { closing.append((key, route.context, time)) }
  }

  /// Where the connection `context` on `key` lies in the table, if it is still open (a new connection may have
  /// reused the ports since).
  private func openIndex(of key: ConnectionKey, context: Int) -> Dictionary<ConnectionKey, Route>.Index? {
    guard let index = routes.index(forKey: key), routes.values[index].context == context else { return nil }
    return index
  }

  /// Hands a route's connection to the work that finishes it, with the table's reference.
  private func finish(_ route: Route, _ work: (ConnectionWork) -> Void) {
    work(.finish(route.connection.takeRetainedValue(), captureEnded: false))
  }

  private func retireClosed(before cutoff: Microseconds, _ work: (ConnectionWork) -> Void) {
    while closingStart < closing.count, closing[closingStart].at < cutoff {
      let (key, context, _) = closing[closingStart]
      closingStart += 1
      // Retire only this connection, not one that reused its ports since.
      if let index = openIndex(of: key, context: context) { finish(routes.remove(at: index).value, work) }
    }
    if closingStart > 1024, closingStart * 2 > closing.count {
      closing.removeFirst(closingStart)
      closingStart = 0
    }
  }

  /// Finishes a connection idle long: the first in `openOrder` with no segment since it was queued (those that had
  /// go to the back).
  private func retireOldest(_ work: (ConnectionWork) -> Void) {
    while openOrderStart < openOrder.count {
      let (key, context, tick) = openOrder[openOrderStart]
      openOrderStart += 1
      guard let index = openIndex(of: key, context: context) else { continue }
      let lastActive = routes.values[index].lastActive
      if lastActive != tick {
        openOrder.append((key, context, lastActive))
        continue
      }
      retiredConnections += 1
      finish(routes.remove(at: index).value, work)
      return
    }
  }

  /// The connections still open, in the order they began; the router forgets them.
  func takeOpen() -> [Connection] {
    let open = routes.values.sorted { $0.context < $1.context }.map { $0.connection.takeRetainedValue() }
    routes.removeAll()
    closing.removeAll()
    closingStart = 0
    openOrder.removeAll()
    openOrderStart = 0
    return open
  }

  deinit {
    // Connections never finished (a reader given up before its end) are released with the table.
    for route in routes.values { route.connection.release() }
  }
}
