/// The warning for a text input that was read but gave nothing to judge by: no stream at all, or lines mostly not
/// understood. It says what the file looked like and what dropscope expected, so a report never reads as an
/// all-clear for a file it could not read.
enum InputShapeWarning {
  /// What dropscope reads in a text input, said once for every such warning.
  static let expected = "dropscope expects the log of an application that calls the Anthropic or OpenAI API (records "
    + "with a time and level such as `2026-11-22 15:52:48,030 INFO httpx: HTTP Request: POST …`, SDK debug lines, "
    + "logged SSE events, tracebacks), in one of the envelopes it unwraps (Docker, CRI, kubectl, journald, syslog, "
    + "CloudWatch, Cloud Logging), or a capture, curl trace or HAR"

  /// The warning for one input, or nil when the input gave streams and most of its lines were understood.
  /// - Parameters:
  ///   - records: lines (or envelope records) read, and those dropscope understood in part or whole.
  ///   - firstUnrecognised: the first line not understood, with its number.
  static func warning(
    input: String, kind: InputKind, envelope: EnvelopeFormat?, streams: Int, records: Int, recognised: Int,
    firstUnrecognised: (number: Int, text: String)?
  ) -> AnalysisWarning? {
    guard records > 0 else { return nil }
    let mostlyUnread = records >= 20 && recognised * 2 < records
    guard streams == 0 || mostlyUnread else { return nil }
    let unit = envelope == nil ? "line" : "record"
    var shape = envelope.map { "a \($0.description)" } ?? (kind == .json ? "JSON, one value per line" : "plain text")
    if let first = firstUnrecognised {
      shape += "; the first \(unit) not understood is line \(first.number): `\(Redactor.redact(first.text).text)`"
    }
    let understood = "\(recognised) of \(records) \(unit)\(records == 1 ? "" : "s") were log records or parts of a traceback dropscope reads"
    let what = streams == 0
      ? "no API stream was found in this file, so nothing in it is judged (\(understood))"
      : "most of this file was not understood (\(understood)); streams it holds in lines not understood are missing from the report"
    return AnalysisWarning(input: input, message: "\(what). It looked like \(shape). \(expected).")
  }

  /// The warning for a capture, curl trace, transcript or HAR that held records but gave no stream; nil otherwise.
  /// - Parameter records: packets, trace records or HAR entries read.
  static func warning(input: String, kind: InputKind, records: Int, streams: Int) -> AnalysisWarning? {
    guard records > 0, streams == 0 else { return nil }
    let unit: String
    switch kind {
    case .pcap, .pcapng: unit = "packet"
    case .har: unit = "HAR entry"
    default: unit = "record"
    }
    let plural = records == 1 ? unit : unit == "HAR entry" ? "HAR entries" : "\(unit)s"
    return AnalysisWarning(input: input, message: "no API stream was found in this \(kind.rawValue) file's \(records) \(plural), so nothing in it is judged; dropscope expects HTTP exchanges with the API (an SSE response, or the request and its error) in a capture on the client's or the proxy's side, a curl trace, or a HAR export.")
  }

  /// The warning for lines of an envelope's file that did not fit the envelope and were read as they are.
  static func strays(input: String, envelope: EnvelopeFormat, count: Int, first: (number: Int, text: String)) -> AnalysisWarning {
    let (lines, verb, pronoun) = count == 1 ? ("line", "was", "it is") : ("lines", "were", "they are")
    return AnalysisWarning(input: input, line: first.number, message: "\(count) \(lines) of this \(envelope.description) did not fit its shape and \(verb) read as \(pronoun), the first at line \(first.number): `\(Redactor.redact(first.text).text)`")
  }
}
