/// One stream to diagnose, with what the run knows about its input: what every rule reads, and nothing it writes.
struct DiagnosisCase {
  let stream: StreamEvidence
  /// How each input is named in the report.
  let inputNames: [String]
  /// Whether the stream's input was cut (truncated or corrupt gzip): its last streams may be missing their end.
  let inputDamaged: Bool
  /// Whether the stream's input is an HTTP archive (HAR): an exporter's record, not a packet capture.
  let inputIsArchive: Bool
  /// Whether the stream's input is a capture, trace or archive (the wire) rather than a log.
  let inputIsWire: Bool
  /// SDK versions the stream's input mentions, by SDK name.
  let sdkVersions: [String: String]

  /// `file:line`, or `file#packet` for a capture.
  func place(_ location: SourceLocation) -> String {
    let name = location.input < inputNames.count ? inputNames[location.input] : "input \(location.input)"
    return location.isPacket ? "\(name)#\(location.line)" : "\(name):\(location.line)"
  }

  /// Content events the stream is known to have received: those logged or captured, or the application's count.
  var contentSeen: Int { max(stream.events.content, stream.application.account?.contentEvents ?? 0) }

  /// The uncertainty of the stream's times, in seconds: 1 when every time it has is to the second.
  var precision: Double {
    let times = [stream.client.exceptionAt?.time, stream.events.last?.time, stream.head.at?.time].compactMap { $0 }
    return !times.isEmpty && times.allSatisfy({ $0 % 1_000_000 == 0 }) ? 1.0 : 0.01
  }

  /// The shortest silence that is no longer this stream's own pacing.
  var stallThreshold: Double { StreamPace(stream).stallThreshold(precision: precision) }

  /// Whether the stream was read from a capture or a trace, rather than a log.
  var onWire: Bool { stream.onWire }

  /// The nouns for what the stream received: deltas, or encrypted records over TLS without keys.
  var nouns: Catalogue.ContentNouns { stream.wire.isTLS ? .encryptedRecords : .events }

  /// Known idle limits that `seconds` matches, closed by `closer`, at this stream's precision.
  func idleLimits(matching seconds: Double, closedBy closer: Side, precision: Double? = nil) -> [Catalogue.KnownLimit] {
    Catalogue.limits(matching: seconds, kind: .idle, precision: precision ?? self.precision).filter { $0.closer == closer }
  }
}
