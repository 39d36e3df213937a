/// One way of deciding a stream's verdict from the facts it needs.
///
/// A rule returns nil when a fact it needs is absent, and the next rule in `Diagnoser.rules` is asked.
protocol DiagnosisRule: Sendable {
  func decide(_ c: DiagnosisCase) -> Decision?
}

extension Diagnoser {
  /// The rules in the order they are asked; the first that decides gives the verdict. The last always decides.
  static let rules: [any DiagnosisRule] = [
    EndMarkerRule(),
    ErrorStatusRule(),
    InBandFailureRule(),
    ApplicationCancelRule(),
    WireCloseRule(),
    ExceptionRule(),
    FinalAttemptReasonRule(),
    NoFailureSeenRule(),
  ]

  /// Amendments every decision gets after its rule, in order: each adds what a fact outside the rule implies.
  static let amendments: [@Sendable (inout Decision, DiagnosisCase) -> Void] = [
    Decision.noteRetried,
    Decision.noteBilled,
    Decision.noteUncaught,
    Decision.noteStartNotCaptured,
    Decision.notePairedByTime,
  ]
}
