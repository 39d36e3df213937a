/// Decides each stream's outcome and cause from what was observed, with evidence and fixes.
///
/// The decision is taken by the first of an ordered table of rules (`Diagnoser.rules`) whose deciding facts are
/// present. Every judgement (what an exception means, which SDK versions leak, which limit a silence matches,
/// what to change) and every sentence comes from `Catalogue`.
struct Diagnoser {
  /// How each input is named in the report.
  var inputNames: [String]
  /// Thread/worker names by input and context id.
  var contextNames: [Int: [Int: String]] = [:]
  /// SDK versions mentioned in each input.
  var sdkVersions: [Int: [String: String]] = [:]
  /// Inputs whose data was cut (truncated or corrupt gzip): their last streams may be missing their end.
  var damagedInputs: Set<Int> = []
  /// Inputs that are HTTP archives (HAR): an exporter's record, not a packet capture.
  var archiveInputs: Set<Int> = []
  /// Inputs read from the wire: captures, transcripts, curl traces and archives.
  var wireInputs: Set<Int> = []

  func diagnose(_ stream: StreamEvidence) -> StreamVerdict {
    let c = DiagnosisCase(
      stream: stream, inputNames: inputNames, inputDamaged: damagedInputs.contains(stream.input),
      inputIsArchive: archiveInputs.contains(stream.input),
      inputIsWire: wireInputs.contains(stream.input), sdkVersions: sdkVersions[stream.input] ?? [:])
    var decision = Decision()
    for rule in Self.rules {
      if let decided = rule.decide(c) {
        decision = decided
        break
      }
    }
    for amend in Self.amendments { amend(&decision, c) }
    decision.evidence = Decision.commonEvidence(c) + decision.evidence
    return decision.verdict(c, context: contextNames[stream.input]?[stream.context])
  }
}
