/// One input's view of a request that several inputs show (a log's stream and a capture's connection): what that
/// view alone read, kept under the request's one verdict.
public struct StreamView: Sendable, Codable, Equatable {
  /// `log` for an application log; `capture` for a packet capture, trace or archive.
  public var source: String
  /// The stream number this view had in its own input.
  public var stream: Int
  public var input: String
  public var context: String?
  /// What this view alone decided.
  public var outcome: Outcome
  public var cause: Cause?
  public var confidence: Confidence
  public var summary: String
  public var evidence: [Evidence]

  init(_ verdict: StreamVerdict) {
    source = verdict.onWire ? "capture" : "log"
    stream = verdict.id
    input = verdict.input
    context = verdict.context
    outcome = verdict.outcome
    cause = verdict.outcome == .completed ? nil : verdict.cause
    confidence = verdict.confidence
    summary = verdict.summary
    evidence = verdict.evidence
  }

  /// Writes every key, with `null` for what is absent.
  public func encode(to encoder: Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(source, forKey: .source)
    try c.encode(stream, forKey: .stream)
    try c.encode(input, forKey: .input)
    try c.encode(context, forKey: .context)
    try c.encode(outcome, forKey: .outcome)
    try c.encode(cause, forKey: .cause)
    try c.encode(confidence, forKey: .confidence)
    try c.encode(summary, forKey: .summary)
    try c.encode(evidence, forKey: .evidence)
  }
}
