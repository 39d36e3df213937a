/// The handshake and closing flags seen on one TCP connection, each side apart: what Zeek's `conn_state` is
/// made of, and what tells whether a connection is done.
struct TCPHistory {
  private var sawSYN = false, sawSYNACK = false
  private var finFromClient = false, finFromServer = false, rstFromClient = false, rstFromServer = false

  /// Notes a segment's flags; returns whether it carries the connection's first FIN or RST.
  mutating func note(_ flags: UInt8, fromClient: Bool) -> Bool {
    if flags & TCPSegment.syn != 0 {
      if flags & TCPSegment.ack == 0 { sawSYN = true } else { sawSYNACK = true }
    }
    guard flags & (TCPSegment.fin | TCPSegment.rst) != 0 else { return false }
    let first = !closing
    if flags & TCPSegment.rst != 0 {
      if fromClient { rstFromClient = true } else { rstFromServer = true }
    } else {
      if fromClient { finFromClient = true } else { finFromServer = true }
    }
    return first
  }

  /// A FIN or RST has been seen.
  /// Whether the capture holds the connection's opening (a SYN from either side).
  var sawHandshake: Bool { sawSYN || sawSYNACK }

  var closing: Bool { finFromClient || finFromServer || rstFromClient || rstFromServer }

  /// Both sides closed (FIN each way) or one reset: nothing more will be said on this connection.
  var fullyClosed: Bool { rstFromClient || rstFromServer || (finFromClient && finFromServer) }

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
}
