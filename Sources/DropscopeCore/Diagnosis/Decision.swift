/// What a rule decided about a stream: the typed verdict, its words chosen from the catalogue, and its evidence.
struct Decision {
  var outcome: Outcome = .failed
  var cause: Cause?
  var side: Side?
  var confidence: Confidence = .medium
  var findings: [Finding] = []
  var summary = ""
  var fixes: [FixID] = []
  var wouldDecide: String?
  /// The causes left open when the evidence does not decide.
  var candidates: [Cause] = []
  var surfacedAs: String?
  /// The exception type that reached the application, when the input shows it.
  var surfacedType: String?
  var sdk: String?
  var evidence: [Evidence] = []
  /// Seconds of silence before the end, and how it was obtained.
  var silence: Double?
  var silenceBasis: SilenceBasis = .measured
  /// Whether the stream was still open when its input ended: in flight, not failed.
  var inFlightAtEnd = false

  /// How a silence before the end was obtained.
  enum SilenceBasis {
    /// Between two logged or captured times.
    case measured
    /// Only an upper bound: an untimed, uncaught traceback printed before a later timestamped line.
    case upperBound
    /// From the request's last byte, because the server sent nothing.
    case fromRequest
    /// From the application's account (its duration less the time its deltas need).
    case inferred
  }

  /// A completed stream.
  static func completed(_ summary: String) -> Decision {
    var decision = Decision()
    decision.outcome = .completed
    decision.confidence = .high
    decision.summary = summary
    return decision
  }

  /// Sets the cause, side, confidence, summary and fixes in one place.
  mutating func decide(
    _ cause: Cause, side: Side?, _ confidence: Confidence, _ summary: String, fixes: [FixID], wouldDecide: String? = nil
  ) {
    self.cause = cause
    self.side = side
    self.confidence = confidence
    self.summary = summary
    self.fixes = fixes
    if let wouldDecide { self.wouldDecide = wouldDecide }
  }

  /// Adds a finding once.
  mutating func add(_ finding: Finding) {
    if !findings.contains(finding) { findings.append(finding) }
  }

  /// Lowers a `high` confidence to `medium`.
  mutating func capConfidenceAtMedium() {
    if confidence == .high { confidence = .medium }
  }

  /// Cites a line of the input.
  mutating func cite(_ observation: StreamEvidence.Observation?, quote: String? = nil, _ note: String, in c: DiagnosisCase) {
    guard let observation else { return }
    let cited = Evidence(location: c.place(observation.location), time: observation.time.map(TimeFormatting.iso),
                         quote: quote ?? observation.quote, note: note)
    // Two rules may cite the same observation for the same reason: it is listed once.
    guard !evidence.contains(where: { $0.location == cited.location && $0.note == cited.note && $0.time == cited.time })
    else { return }
    evidence.append(cited)
  }

  /// Notes a derived fact that has no line of its own.
  mutating func note(_ note: String, time: String? = nil) {
    evidence.append(Evidence(location: nil, time: time, quote: nil, note: note))
  }
}
