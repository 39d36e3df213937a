/// The end-of-message marker arrived: the stream completed, whatever was logged after it.
struct EndMarkerRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    guard c.stream.endMarker != nil else { return nil }
    var d = Decision.completed(Catalogue.Summary.completed(marker: c.stream.endMarkerKind?.rawValue ?? "end"))
    if let final = c.stream.exception?.final {
      d.summary += Catalogue.Summary.exceptionAfterCompletion(type: final.type)
    }
    return d
  }
}
