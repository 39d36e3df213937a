/// The end-of-message marker arrived: the stream completed, whatever was logged after it.
struct EndMarkerRule: DiagnosisRule {
  func decide(_ c: DiagnosisCase) -> Decision? {
    guard c.stream.events.endMarker != nil else { return nil }
    var d = Decision.completed(Catalogue.Summary.completed(marker: c.stream.events.endMarkerKind?.rawValue ?? "end"))
    if let final = c.stream.client.exception?.final {
      d.summary += Catalogue.Summary.exceptionAfterCompletion(type: final.type)
    }
    return d
  }
}
