/// What decrypting a capture's TLS sessions gave: how many were read as plain text, and which could not be.
struct TLSDecryptionTally {
  /// Sessions whose application bytes were decrypted.
  var decrypted = 0
  /// Sessions that could not be, with keys given: the connection (`client → server`) and why.
  var failures: [(context: Int, connection: String, reason: String)] = []

  /// Counts one finished connection.
  mutating func add(_ connection: Connection) {
    if connection.decrypted { decrypted += 1 }
    if let reason = connection.decryptionFailure {
      failures.append((connection.context, "\(connection.client) → \(connection.server)", reason))
    }
  }

  /// Adds another worker's tally; failures stay in the order the connections began.
  mutating func merge(_ other: TLSDecryptionTally) {
    decrypted += other.decrypted
    failures = (failures + other.failures).sorted { $0.context < $1.context }
  }
}

extension TLSDecryptionTally {
  /// The report's warning for a session that could not be decrypted.
  static func warning(_ failure: (context: Int, connection: String, reason: String)) -> String {
    "the TLS session of connection \(failure.connection) was not decrypted: \(failure.reason); it was read from its record sizes and timing only. Pass the key log of the run that made the capture with --keylog"
  }

  /// The report's note that key logs were used, and what they decrypted; nil when no capture had keys.
  static func note(_ tallies: [(input: String, tally: TLSDecryptionTally)], keyLogInputs: [String]) -> String? {
    guard !tallies.isEmpty || !keyLogInputs.isEmpty else { return nil }
    let parts = tallies.map { "`\($0.input)` \($0.tally.decrypted) of \($0.tally.decrypted + $0.tally.failures.count) TLS sessions" }
    let read = keyLogInputs.isEmpty ? "" : " \(keyLogInputs.map { "`\($0)`" }.joined(separator: ", ")) \(keyLogInputs.count == 1 ? "was" : "were") read as a key log, not as a log."
    return "A TLS key log was used (--keylog, key logs among the inputs, or keys the capture carries): decrypted \(parts.isEmpty ? "no TLS session" : parts.joined(separator: ", ")); its secrets appear nowhere in this report.\(read)"
  }
}
