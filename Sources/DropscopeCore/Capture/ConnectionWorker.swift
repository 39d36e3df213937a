/// Performs connections' work: reassembles their bytes, reads HTTP and SSE, and hands the facts to a sink.
final class ConnectionWorker<Sink: FactSink> {
  let input: Int
  let sink: Sink
  /// Sees every connection event, for writing a transcript.
  var observer: ((Transcript.Record) -> Void)?
  /// Whether to keep a summary of every connection (for cross-checks; a report does not need them).
  var keepsSummaries = false
  /// A summary of every connection finished, in the order they finished, when `keepsSummaries`.
  private(set) var summaries: [ConnectionSummary] = []
  /// Secrets (API keys, credentials) in the plain-text requests and response heads: none reaches any output.
  private(set) var secrets = 0
  /// Which TLS sessions were decrypted and which could not be.
  private(set) var decryption = TLSDecryptionTally()

  init(input: Int, sink: Sink) {
    self.input = input
    self.sink = sink
  }

  func perform(_ work: ConnectionWork) {
    switch work {
    case .open(let connection, let time):
      connection.observer = observer
      observer?(Transcript.Record(time: time, connection: connection.context, source: connection.client.description,
                                  destination: connection.server.description, kind: .open))
    case .segment(let connection, let segment, let time, let location):
      connection._withUnsafeGuaranteedRef { connection in
        connection.receive(segment, time: time, location: location) { sink.accept($0) }
      }
    case .finish(let connection, let captureEnded):
      connection.flush { sink.accept($0) }
      connection.releaseHeldStreams(closing: nil) { sink.accept($0) }
      if keepsSummaries { summaries.append(connection.summary) }
      secrets += connection.secrets
      decryption.add(connection)
      guard !connection.history.closing else { return }
      // The record of the connection stops here with it open: the capture ended, or too many were open at once.
      observer?(Transcript.Record(time: connection.lastTime, connection: connection.context,
                                  source: connection.client.description, destination: connection.server.description, kind: .end))
      guard captureEnded else { return }
      let location = SourceLocation(input: input, line: connection.lastPacket, isPacket: true)
      sink.accept(Fact(time: connection.lastTime, location: location, context: connection.context,
                       kind: .captureEnded(connState: connection.history.zeekState)))
    }
  }
}
