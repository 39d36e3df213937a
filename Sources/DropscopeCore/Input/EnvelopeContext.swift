/// Where an envelope says a record came from: the source (container, pod, unit and PID, log stream) and its
/// output stream (stdout or stderr).
///
/// Sources are kept apart everywhere; the two output streams of one source are read apart (a traceback is
/// rebuilt from the records of its own stream) but belong to the same application, so its calls are followed
/// across them.
struct EnvelopeContext: Hashable, Sendable {
  var source: String
  var stream: String

  /// The name the report gives a context: `pod/api-7d9/app stderr`, `app[1234]`, `stdout`.
  var name: String {
    source.isEmpty ? stream : stream.isEmpty ? source : "\(source) \(stream)"
  }
}

/// Where a line stands in its envelope: the record's time and the context id (0 when no envelope held the line).
struct LineOrigin {
  var time: Microseconds?
  var zoned = true
  var context: Int32 = 0
  /// The step of the record's clock in µs: the line was written no earlier than `time`, before `time + precision`.
  var precision: Int32 = 1

  static let none = LineOrigin(time: nil, context: 0)
}
